"""Benchmark of drift detection: prints markdown tables (``make bench``); not part of pass/fail.

1. Concept-drift detectors (river's ADWIN, Page-Hinkley, DDM through
   :func:`mlep.deployment.monitoring.detector`) on seeded 10,000-point streams with the change
   at 5,000: mean detection delay on abrupt and gradual (1,000-point ramp) changes, missed
   changes, false alarms per 10,000 points on stationary streams, and points per second.
   Real streams: N(0, 1) whose mean moves 0 -> 1. Binary streams: error rate 0.1 -> 0.3.
2. Data-drift measures (PSI, Jensen-Shannon, KS, L-infinity) on 1,000,000 rows per sample.

Runs in about 20 s on 2 cores.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from mlep.deployment import monitoring as M

N, CHANGE, WIDTH, SEEDS = 10_000, 5_000, 1_000, 10
ROWS = 1_000_000
STREAMS = {
    "real": {"before": 0.0, "after": 1.0, "kind": "real"},
    "binary": {"before": 0.1, "after": 0.3, "kind": "binary"},
}
# (detector, stream kind, params): the parameters tests/lib/deployment/test_monitoring.py pins.
CONFIGS = [
    ("adwin", "real", {}),
    ("adwin", "binary", {}),
    ("page_hinkley", "real", {"delta": 0.5, "threshold": 12, "alpha": 1.0}),
    ("page_hinkley", "binary", {"delta": 0.1, "threshold": 8, "alpha": 1.0}),
    ("ddm", "binary", {"warm_start": 500, "drift_threshold": 4}),
]


def _run(name: str, params: dict, stream: np.ndarray) -> tuple[list[int], float]:
    watch = M.detector(name, **params)
    start = time.perf_counter()
    drifts = watch.run(stream)
    return drifts, time.perf_counter() - start


def _delays(name: str, params: dict, kind: str, shape: str) -> tuple[list[int], int, int, float]:
    """Delays of the detected changes, missed count, false alarms before the change, seconds."""
    delays, missed, early, seconds = [], 0, 0, 0.0
    for seed in range(SEEDS):
        if shape == "abrupt":
            stream = M.abrupt_stream(N, CHANGE, seed=seed, **STREAMS[kind])
        else:
            stream = M.gradual_stream(N, CHANGE, WIDTH, seed=seed, **STREAMS[kind])
        drifts, took = _run(name, params, stream)
        seconds += took
        delay = M.detection_delay(drifts, CHANGE)
        missed += delay is None
        early += M.false_alarms(drifts, CHANGE)
        if delay is not None:
            delays.append(delay)
    return delays, missed, early, seconds


def detector_rows() -> list[list[str]]:
    rows = []
    for name, kind, params in CONFIGS:
        abrupt, miss_a, early_a, sec_a = _delays(name, params, kind, "abrupt")
        gradual, miss_g, early_g, sec_g = _delays(name, params, kind, "gradual")
        alarms, sec_s = 0, 0.0
        for seed in range(SEEDS):
            stream = M.abrupt_stream(N, N, seed=1_000 + seed, **STREAMS[kind])
            drifts, took = _run(name, params, stream)
            alarms, sec_s = alarms + len(drifts), sec_s + took
        # false alarms: stationary streams plus the pre-change halves of the drifting ones
        points = SEEDS * N + 2 * SEEDS * CHANGE
        per_10k = (alarms + early_a + early_g) / points * 10_000
        speed = 3 * SEEDS * N / (sec_a + sec_g + sec_s)
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "river defaults"
        rows.append(
            [
                f"{name} ({label})",
                kind,
                _mean(abrupt, miss_a),
                _mean(gradual, miss_g),
                f"{per_10k:.2f}",
                f"{speed:,.0f}",
            ]
        )
    return rows


def _mean(delays: list[int], missed: int) -> str:
    text = f"{np.mean(delays):.0f} (max {max(delays)})" if delays else "-"
    return text + (f", {missed} missed" if missed else "")


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def measure_rows() -> list[list[str]]:
    rng = np.random.default_rng(0)
    expected, actual = rng.normal(0, 1, ROWS), rng.normal(0.1, 1.1, ROWS)
    colors = np.array(["red", "green", "blue", "pink", "grey"])
    cat_a, cat_b = colors[rng.integers(0, 5, ROWS)], colors[rng.integers(0, 4, ROWS)]
    rows = []
    for label, function, args in [
        ("psi (10 quantile bins)", M.psi, (expected, actual)),
        ("jensen_shannon (10 equal-width bins)", M.jensen_shannon, (expected, actual)),
        ("ks (scipy ks_2samp, asymptotic p-value)", M.ks, (expected, actual)),
        ("jensen_shannon (5 categories)", M.jensen_shannon, (cat_a, cat_b)),
        ("l_infinity (5 categories)", M.l_infinity, (cat_a, cat_b)),
    ]:
        function(*args[:1] * 2)  # warm up (imports)
        best = min(_timed(function, *args) for _ in range(3))
        rows.append([label, f"{best * 1000:.0f} ms"])
    return rows


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    start = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(
        f"\nConcept-drift detectors: {SEEDS} seeds x {N:,}-point streams, change at {CHANGE:,} "
        f"(gradual: {WIDTH:,}-point ramp); real N(0,1) mean 0 -> 1, binary error rate 0.1 -> 0.3\n"
    )
    header = [
        "detector (params)",
        "stream",
        "abrupt: mean delay",
        "gradual: mean delay",
        "false alarms / 10k",
        "points / s",
    ]
    print(_table(header, detector_rows()))
    print(f"\nData-drift measures on {ROWS:,} rows per sample (best of 3)\n")
    print(_table(["measure", "wall time"], measure_rows()))
    print(f"\n(benchmark ran in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
