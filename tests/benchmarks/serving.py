"""Benchmark (``make bench``): naive per-request FastAPI endpoints vs the model server with dynamic
batching, same small Keras model, same Locust load on loopback at concurrency 1, 8 and 32.

Two naive endpoints, both one model call per request as in the course's FastAPI example:
``keras predict`` calls ``model.predict`` in a plain ``def`` endpoint (FastAPI runs it in its thread
pool) — what the course's example does with a Keras model; ``signature call`` calls the SavedModel's
serving signature directly, the cheapest per-request path. Load: Locust users (a separate process)
send single-row requests for a fixed time; reported: requests/s, p50 and p99 latency.
"""

import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from mlep.deployment import loadtest as L
from mlep.deployment import serving as S

SECONDS = 8


# The small model: HTTP and JSON dominate a request. The wider one: the model call does, which
# is where batching pays (one matrix product for many rows).
MODELS = {"small 32->256->1": (256,), "wide 32->1024->1024->1": (1024, 1024)}


def _model(widths):
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    inputs = keras.Input(shape=(32,), name="features")
    hidden = inputs
    for width in widths:
        hidden = keras.layers.Dense(width, activation="relu")(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def _naive_apps(model, model_dir: Path):
    import tensorflow as tf
    from fastapi import FastAPI, Request

    signature = tf.saved_model.load(str(model_dir)).signatures["serving_default"]
    predict_app, signature_app = FastAPI(), FastAPI()

    @predict_app.post("/v1/models/m:predict")
    def keras_predict(body: dict):
        rows = np.asarray(body["instances"], dtype=np.float32)
        return {"predictions": model.predict(rows, verbose=0).tolist()}

    @signature_app.post("/v1/models/m:predict")
    async def signature_call(request: Request):
        body = await request.json()
        out = signature(features=tf.constant(body["instances"], dtype=tf.float32))
        return {"predictions": next(iter(out.values())).numpy().tolist()}

    return predict_app, signature_app


def _serve_app(app) -> tuple[str, object]:
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


def _measure(widths, row):
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "m"
        model = _model(widths)
        S.export_model(model, base, 1)
        predict_app, signature_app = _naive_apps(model, base / "1")
        (predict_url, predict_server), (signature_url, signature_server) = map(
            _serve_app, (predict_app, signature_app)
        )
        batched = S.ModelServer(
            [S.ModelConfig("m", str(base))], poll_seconds=0, max_batch_size=32, batch_timeout_ms=2
        )
        running = S.serve(batched, port=0)
        path = "/v1/models/m:predict"
        try:
            return L.compare(
                {
                    "naive: keras predict": (predict_url, path),
                    "naive: signature call": (signature_url, path),
                    "mlep (batching)": (running.url, path),
                },
                {"instances": [row]},
                concurrency=(1, 8, 32),
                run_time_s=SECONDS,
            )
        finally:
            running.stop()
            predict_server.should_exit = signature_server.should_exit = True


def main() -> None:
    row = np.random.default_rng(0).normal(size=32).round(3).tolist()
    print(f"\nOne Keras model on loopback, Locust (own process) {SECONDS} s per cell, 2 cores")
    print("| model | concurrency | server | req/s | p50 ms | p99 ms | failures |")
    print("|---|---|---|---|---|---|---|")
    verdicts = []
    for name, widths in MODELS.items():
        table = _measure(widths, row)
        for r in table.itertuples():
            print(
                f"| {name} | {r.concurrency} | {r.server} | {r.requests_per_s:.0f} | {r.p50_ms:.0f} "
                f"| {r.p99_ms:.0f} | {r.failures} |"
            )
        at_32 = table[table["concurrency"] == 32].set_index("server")
        for naive in ("naive: keras predict", "naive: signature call"):
            ratio = (
                at_32.loc["mlep (batching)", "requests_per_s"] / at_32.loc[naive, "requests_per_s"]
            )
            p99 = at_32.loc[naive, "p99_ms"] / at_32.loc["mlep (batching)", "p99_ms"]
            verdict = "PASS" if ratio >= 3 and p99 > 1 else "FAIL"
            verdicts.append(
                f"{name}, concurrency 32, vs {naive}: {ratio:.2f}x the throughput, "
                f"p99 {p99:.2f}x lower (goal >= 3x and lower) -> {verdict}"
            )
    print("\n".join(["", *verdicts]))


if __name__ == "__main__":
    main()
