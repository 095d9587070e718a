"""Benchmark (``make bench``): a naive per-request FastAPI endpoint vs the model server with dynamic
batching, same small Keras model, same loopback load at concurrency 1, 8 and 32.

The naive endpoint is what the course's FastAPI example does: parse JSON, call the model on one
request, answer. Load: each of ``concurrency`` client threads sends single-row requests for a fixed
time; reported: requests/s, p50 and p99 latency.
"""

import concurrent.futures
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from mlep.deployment import serving as S

SECONDS = 5


def _model():
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    inputs = keras.Input(shape=(32,), name="features")
    hidden = keras.layers.Dense(256, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def _naive_app(model_dir: Path):
    import tensorflow as tf
    from fastapi import FastAPI, Request

    model = tf.saved_model.load(str(model_dir)).signatures["serving_default"]
    app = FastAPI()

    @app.post("/v1/models/m:predict")
    async def predict(request: Request):
        body = await request.json()
        out = model(features=tf.constant(body["instances"], dtype=tf.float32))
        return {"predictions": next(iter(out.values())).numpy().tolist()}

    return app


def _serve_app(app) -> tuple[str, object]:
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}/v1/models/m:predict", server


def _load(url: str, concurrency: int) -> tuple[float, float, float]:
    import httpx

    row = np.random.default_rng(0).normal(size=32).round(3).tolist()
    deadline = time.perf_counter() + SECONDS
    latencies: list[float] = []

    def client():
        with httpx.Client(timeout=30) as http:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                http.post(url, json={"instances": [row]}).raise_for_status()
                latencies.append(time.perf_counter() - start)

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda _: client(), range(concurrency)))
    p50, p99 = np.percentile(latencies, [50, 99]) * 1000
    return len(latencies) / SECONDS, p50, p99


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "m"
        S.export_model(_model(), base, 1)
        naive_url, naive = _serve_app(_naive_app(base / "1"))
        batched = S.ModelServer(
            [S.ModelConfig("m", str(base))], poll_seconds=0, max_batch_size=32, batch_timeout_ms=2
        )
        running = S.serve(batched, port=0)
        print(f"\nServing one Keras model on loopback, {SECONDS} s per cell (2 cores)")
        print(
            "| concurrency | naive FastAPI req/s | p50 ms | p99 ms | mlep server (batching) req/s | p50 ms | p99 ms |"
        )
        print("|---|---|---|---|---|---|---|")
        for concurrency in (1, 8, 32):
            a = _load(naive_url, concurrency)
            b = _load(f"{running.url}/v1/models/m:predict", concurrency)
            print(
                f"| {concurrency} | {a[0]:.0f} | {a[1]:.1f} | {a[2]:.1f} | {b[0]:.0f} | {b[1]:.1f} | {b[2]:.1f} |"
            )
        running.stop()
        naive.should_exit = True


if __name__ == "__main__":
    main()
