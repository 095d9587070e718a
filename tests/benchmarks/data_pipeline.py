"""Benchmark (``make bench``): TFX Transform pipeline wall time, Feast online lookup latency.

The pipeline is CsvExampleGen → StatisticsGen → SchemaGen → ExampleValidator → Transform on the
LocalDagRunner over ``hospital_readmission`` rows. Feast: the ``driver_stats`` feature view
materialized into SQLite and (when Debian's ``redis-server`` is installed) a Redis server on a
loopback port; single-entity ``online_features`` lookups, 200 each after 20 warm-ups.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from mlep.data import datasets
from mlep.data import features as F
from mlep.data.featurestore import FeatureRepo, entity, feature_view

LOOKUPS, WARMUP = 200, 20


def pipeline_rows() -> list[str]:
    rows = []
    for n in (500, 2000):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "data").mkdir()
            datasets.load("hospital_readmission", "train").head(n).to_csv(
                tmp / "data" / "train.csv", index=False
            )
            module = tmp / "bench_transform.py"
            module.write_text(
                "from mlep.data.features import for_tfx, z_score, vocabulary, bucketize\n"
                "preprocessing_fn = for_tfx({'stay_z': z_score('time_in_hospital'), "
                "'age_id': vocabulary('age', top_k=5), 'meds': bucketize('num_medications', 4)})\n"
            )
            start = time.perf_counter()
            F.transform_pipeline(tmp / "data", module, pipeline_root=tmp / "root")
            rows.append(
                f"| TFX pipeline to Transform, {n} rows | {time.perf_counter() - start:.1f} s |"
            )
    return rows


def _repo(path, **options) -> FeatureRepo:
    repo = FeatureRepo(path, **options)
    source = repo.add_source(
        "driver_hourly", datasets.load("driver_stats", "hourly"), created_field="created"
    )
    driver = entity("driver", "driver_id")
    repo.apply(
        driver,
        feature_view(
            "driver_stats", driver, source, {"conv_rate": "float", "acc_rate": "float"}, ttl_hours=2
        ),
    )
    repo.materialize("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z")
    return repo


def _latency(repo: FeatureRepo) -> str:
    features = ["driver_stats:conv_rate", "driver_stats:acc_rate"]
    times = []
    for i in range(WARMUP + LOOKUPS):
        start = time.perf_counter()
        repo.online_features(features, [{"driver_id": 1001 + i % 5}])
        if i >= WARMUP:
            times.append((time.perf_counter() - start) * 1000)
    p50, p99 = np.percentile(times, [50, 99])
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (mean {statistics.mean(times):.1f} ms)"


def feast_rows() -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(f"| Feast online lookup, SQLite | {_latency(_repo(Path(tmp) / 'sqlite'))} |")
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(server).exists():
            return rows + ["| Feast online lookup, Redis | skipped: redis-server not installed |"]
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.5)
            repo = _repo(
                Path(tmp) / "redis", online_store="redis", redis_address=f"127.0.0.1:{port}"
            )
            rows.append(f"| Feast online lookup, Redis | {_latency(repo)} |")
        finally:
            process.terminate()
            process.wait(timeout=10)
    return rows


def main() -> None:
    print("\nData pipeline and feature store (2 cores)")
    print("| measure | value |\n|---|---|")
    print("\n".join(feast_rows() + pipeline_rows()))


if __name__ == "__main__":
    main()
