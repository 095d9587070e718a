"""Benchmark (``make bench``): naive per-request FastAPI endpoints vs the model server with dynamic
batching, over REST and gRPC; same small Keras model, same load on loopback at concurrency 1, 8
and 32.

Two naive endpoints, both one model call per request as in the course's FastAPI example:
``keras predict`` calls ``model.predict`` in a plain ``def`` endpoint (FastAPI runs it in its thread
pool) — what the course's example does with a Keras model; ``signature call`` calls the SavedModel's
serving signature directly, the cheapest per-request path. The model server answers the same
request over REST (``mlep REST``) and gRPC (``mlep gRPC``, TF Serving's ``Predict`` with the
official protos), with batching on (``max_batch_size=32``, ``batch_timeout_ms=2``) and, for
REST, off.

Load comes from a separate process, users sending single-row requests back to back for a fixed
time: for REST a minimal asyncio HTTP/1.1 client (one keep-alive connection per user), for gRPC
asyncio gRPC calls on one channel with a serialized ``PredictRequest``. ``--locust`` uses Locust's
``FastHttpUser`` for REST instead, as the C4W2 lab does; measured here it spent about 0.24 ms of
CPU per request (start-up included) against 0.1-0.16 ms for the batching server and 0.04 ms for
the minimal client, so on a 2-core machine it takes much of the CPU the servers compete for and
narrows the differences between them. Reported: requests/s, p50 and p99 latency as
the load generator measured them, failures, and the CPU time per request of the servers (all run
in this process, the load generators do not) and of the load generator — CPU figures that a
busy machine disturbs less than throughput. The machine's load average is printed with the
table: on a shared 2-core machine the load generator, the servers and everything else compete
for the same cores.
"""

import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from mlep.deployment import loadtest as L
from mlep.deployment import serving as S

SECONDS = 8
LOCUST = "--locust" in sys.argv  # REST load from Locust instead of the minimal client
CONCURRENCY = (1, 8, 32)
BATCHED = "mlep REST (batching)"
NAIVE = ("naive: keras predict", "naive: signature call")

# The small model: HTTP and JSON dominate a request. The wider one: the model call does, which
# is where batching pays (one matrix product for many rows).
MODELS = {"small 32->256->1": (256,), "wide 32->1024->1024->1": (1024, 1024)}

_HTTP_LOAD = r"""
import asyncio, json, sys, time

host, port, path, users, seconds, body_path = (
    sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
)
body = open(body_path, "rb").read()
request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
           f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def call(reader, writer):
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def main():
    latencies, failures = [], 0
    connections = [await asyncio.open_connection(host, port) for _ in range(users)]
    for reader, writer in connections[:1]:
        await call(reader, writer)  # warm up
    stop = time.perf_counter() + seconds

    async def user(reader, writer):
        nonlocal failures
        while time.perf_counter() < stop:
            start = time.perf_counter()
            try:
                if await call(reader, writer) != 200:
                    failures += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                failures += 1
                return
            latencies.append(time.perf_counter() - start)

    begin = time.perf_counter()
    await asyncio.gather(*(user(r, w) for r, w in connections))
    elapsed = time.perf_counter() - begin
    for _, writer in connections:
        writer.close()
    ms = sorted(1000 * t for t in latencies)
    print(json.dumps({"requests": len(ms), "failures": failures,
                      "requests_per_s": len(ms) / elapsed, "p50_ms": ms[len(ms) // 2],
                      "p99_ms": ms[min(len(ms) - 1, int(0.99 * len(ms)))]}))


asyncio.run(main())
"""

_GRPC_LOAD = """
import asyncio, json, sys, time
import grpc

address, users, seconds, path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
request = open(path, "rb").read()


async def main():
    async with grpc.aio.insecure_channel(address) as channel:
        predict = channel.unary_unary("/tensorflow.serving.PredictionService/Predict")
        await predict(request, timeout=60)  # connect and warm up
        latencies, failures = [], 0
        stop = time.perf_counter() + seconds

        async def user():
            nonlocal failures
            while time.perf_counter() < stop:
                start = time.perf_counter()
                try:
                    await predict(request, timeout=60)
                except grpc.RpcError:
                    failures += 1
                latencies.append(time.perf_counter() - start)

        begin = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(users)))
        elapsed = time.perf_counter() - begin
    ms = sorted(1000 * t for t in latencies)
    print(json.dumps({"requests": len(ms), "failures": failures,
                      "requests_per_s": len(ms) / elapsed, "p50_ms": ms[len(ms) // 2],
                      "p99_ms": ms[min(len(ms) - 1, int(0.99 * len(ms)))]}))


asyncio.run(main())
"""


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


def _cpu_seconds(who=resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _load(script: str, *args) -> dict:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=SECONDS + 120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _predict_request(row) -> bytes:
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = "m"
    request.inputs["features"].CopyFrom(tf.make_tensor_proto([row], dtype=tf.float32))
    return request.SerializeToString()


def _measure(widths, row) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "m"
        model = _model(widths)
        S.export_model(model, base, 1)
        predict_app, signature_app = _naive_apps(model, base / "1")
        (predict_url, predict_server), (signature_url, signature_server) = map(
            _serve_app, (predict_app, signature_app)
        )
        config = [S.ModelConfig("m", str(base))]
        batched = S.ModelServer(config, poll_seconds=0, max_batch_size=32, batch_timeout_ms=2)
        plain = S.ModelServer(config, poll_seconds=0)
        running, running_plain = S.serve(batched, port=0), S.serve(plain, port=0)
        running_grpc = S.serve_grpc(batched, port=0, poll=False)
        request_file = Path(tmp) / "predict_request.bin"
        request_file.write_bytes(_predict_request(row))
        body_file = Path(tmp) / "predict_body.json"
        body_file.write_text(json.dumps({"instances": [row]}))
        path = "/v1/models/m:predict"
        rest = {
            NAIVE[0]: predict_url,
            NAIVE[1]: signature_url,
            "mlep REST (no batching)": running_plain.url,
            BATCHED: running.url,
        }
        rows = []
        try:
            for users in CONCURRENCY:
                for name, url in [*rest.items(), ("mlep gRPC (batching)", None)]:
                    before = _cpu_seconds(), _cpu_seconds(resource.RUSAGE_CHILDREN)
                    if url is None:
                        stats = _load(
                            _GRPC_LOAD, running_grpc.address, users, SECONDS, request_file
                        )
                    elif LOCUST:
                        stats = L.locust_run(
                            url, path, {"instances": [row]}, users=users, run_time_s=SECONDS
                        )
                    else:
                        port = url.rsplit(":", 1)[1]
                        stats = _load(
                            _HTTP_LOAD, "127.0.0.1", port, path, users, SECONDS, body_file
                        )
                    count = max(stats["requests"], 1)
                    server_ms = 1000 * (_cpu_seconds() - before[0]) / count
                    load_ms = 1000 * (_cpu_seconds(resource.RUSAGE_CHILDREN) - before[1]) / count
                    rows.append(
                        {
                            "server": name,
                            "concurrency": users,
                            "cpu_ms": server_ms,
                            "load_cpu_ms": load_ms,
                            **stats,
                        }
                    )
        finally:
            running_grpc.stop()
            running.stop()
            running_plain.stop()
            predict_server.should_exit = signature_server.should_exit = True
        return rows


def main() -> None:
    row = np.random.default_rng(0).normal(size=32).round(3).tolist()
    print(
        f"\nOne Keras model on loopback, {SECONDS} s per cell, 2 cores; "
        f"load average before: {os.getloadavg()[0]:.1f}"
    )
    print(f"REST load: {'Locust FastHttpUser' if LOCUST else 'minimal asyncio HTTP/1.1 client'}")
    print(
        "| model | concurrency | server | req/s | p50 ms | p99 ms | failures "
        "| server CPU ms/req | load CPU ms/req |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    verdicts = []
    for name, widths in MODELS.items():
        rows = _measure(widths, row)
        for r in rows:
            print(
                f"| {name} | {r['concurrency']} | {r['server']} | {r['requests_per_s']:.0f} "
                f"| {r['p50_ms']:.0f} | {r['p99_ms']:.0f} | {r['failures']} | {r['cpu_ms']:.2f} "
                f"| {r['load_cpu_ms']:.2f} |"
            )
        at_32 = {r["server"]: r for r in rows if r["concurrency"] == 32}
        best = max(NAIVE, key=lambda n: at_32[n]["requests_per_s"])
        for server in (BATCHED, "mlep gRPC (batching)"):
            ratio = at_32[server]["requests_per_s"] / at_32[best]["requests_per_s"]
            p99 = at_32[best]["p99_ms"] / max(at_32[server]["p99_ms"], 1e-9)
            verdict = "PASS" if ratio >= 3 and p99 > 1 else "FAIL"
            verdicts.append(
                f"{name}, concurrency 32, {server} vs the strongest naive endpoint ({best}): "
                f"{ratio:.2f}x the throughput, p99 {p99:.2f}x lower "
                f"(goal >= 3x and lower) -> {verdict}"
            )
    print("\n".join(["", *verdicts, f"load average after: {os.getloadavg()[0]:.1f}"]))


if __name__ == "__main__":
    main()
