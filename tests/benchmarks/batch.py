"""Benchmark of Beam batch inference: prints a markdown table (``make bench``); not pass/fail.

:func:`mlep.deployment.batch.batch_predict` (CSV → parse → RunInference with a SavedModel →
JSON lines) on Beam's DirectRunner, scoring a seeded CSV with a small dense model
(4 features → 16 ReLU → 1), in three set-ups of the runner:

* ``in_memory``, 1 worker — the default: everything in this process;
* ``multi_processing``, 1 worker — one SDK worker subprocess (the data crosses gRPC);
* ``multi_processing``, 2 workers — two subprocesses, one per core.

Each set-up also scores a 100-row file: that time is the fixed cost (starting the runner and
the workers, each worker loading TensorFlow and the model), and the "steady rows / s" column
divides the extra rows by the extra time. Each time is the best of two runs. Runs in about 4 minutes
on 2 idle cores.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROWS, SMALL, REPEATS, FEATURES = 50_000, 100, 2, ["a", "b", "c", "d"]
SETUPS = [
    ("in_memory", 1),
    ("multi_processing", 1),
    ("multi_processing", 2),
]


def _model(base: Path) -> Path:
    from mlep.deployment.serving import export_model
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((len(FEATURES),), name="features")
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    return export_model(keras.Model(inputs, keras.layers.Dense(1)(hidden)), base / "model", 1)


def _csv(base: Path, rows: int) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, len(FEATURES))), columns=FEATURES)
    frame.insert(0, "id", [f"r{i}" for i in range(rows)])
    path = base / f"rows_{rows}.csv"
    frame.to_csv(path, index=False)
    return path


def _seconds(model: Path, csv: Path, out: Path, mode: str, workers: int) -> float:
    from mlep.deployment import batch

    args = [
        "--runner=DirectRunner",
        f"--direct_running_mode={mode}",
        f"--direct_num_workers={workers}",
    ]
    start = time.perf_counter()
    path = batch.batch_predict(
        model, csv, out, features=FEATURES, key="id", max_batch_size=256, pipeline_args=args
    )
    seconds = time.perf_counter() - start
    scored = len(batch.read_predictions(path))
    expected = int(csv.stem.split("_")[1])
    if scored != expected:
        raise RuntimeError(f"{mode} x {workers}: scored {scored} rows of {expected}")
    return seconds


def rows() -> list[list[str]]:
    import logging

    logging.getLogger("apache_beam").setLevel(logging.ERROR)  # worker start-up chatter
    base = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    model = _model(base)
    small, large = _csv(base, SMALL), _csv(base, ROWS)
    _seconds(model, small, base / "warm", "in_memory", 1)  # imports Beam and TF once
    table = []
    for mode, workers in SETUPS:
        # best of REPEATS: the machine may be shared
        fixed = min(_seconds(model, small, base / "small", mode, workers) for _ in range(REPEATS))
        total = min(_seconds(model, large, base / "large", mode, workers) for _ in range(REPEATS))
        extra = total - fixed
        # a difference small next to the fixed cost is noise, not a rate
        noisy = extra < max(0.5, 0.2 * fixed)
        steady = "- (too noisy)" if noisy else f"{(ROWS - SMALL) / extra:,.0f}"
        table.append(
            [
                mode,
                str(workers),
                f"{total:.1f} s",
                f"{ROWS / total:,.0f}",
                f"{fixed:.1f} s",
                steady,
            ]
        )
    return table


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    from mlep.runtime import configure

    configure()
    start = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(
        f"\nBeam RunInference batch scoring (batch_predict, max_batch_size=256) of {ROWS:,} CSV "
        f"rows on the DirectRunner; fixed cost = a {SMALL}-row file; best of {REPEATS}\n"
    )
    header = [
        "running mode",
        "workers",
        f"{ROWS:,} rows",
        "rows / s",
        "fixed cost",
        "steady rows / s",
    ]
    print(_table(header, rows()))
    print(f"\n(benchmark ran in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
