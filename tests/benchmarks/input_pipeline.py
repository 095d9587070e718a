"""Benchmark (``make bench``): ``tf.data`` optimisations on a simulated slow input pipeline.

:func:`mlep.modeling.distributed.input_pipeline`: 8 files of 64 records, 2 ms to read a record
(a GIL-free wait, like storage), 1 ms of real computation to parse one, batches of 32, and a
simulated training step of 10 ms per batch; two epochs, so ``cache`` can pay off. Naive, each
optimisation alone and all four together; median of 3 runs. On 2 cores. (The TFX/Feast data
benchmarks are in ``data_pipeline.py``.)
"""

from __future__ import annotations

import statistics

from mlep.modeling import distributed as D

FILES, RECORDS, BATCH, STEP_MS, EPOCHS, RUNS = 8, 64, 32, 10.0, 2, 3
VARIANTS = [(), ("prefetch",), ("parallel_map",), ("interleave",), ("cache",), D.OPTIMISATIONS]


def seconds(optimisations) -> float:
    runs = []
    for _ in range(RUNS):
        data = D.input_pipeline(
            files=FILES, records_per_file=RECORDS, batch_size=BATCH, optimisations=optimisations
        )
        runs.append(D.time_pipeline(data, epochs=EPOCHS, step_ms=STEP_MS))
    return statistics.median(runs)


def main() -> None:
    from mlep.runtime import tensorflow

    tensorflow()
    results = [(" + ".join(v) or "none (naive)", seconds(v)) for v in VARIANTS]
    base = results[0][1]
    records = FILES * RECORDS * EPOCHS
    print(
        f"\ntf.data optimisations: {FILES} files x {RECORDS} records, {EPOCHS} epochs, "
        f"{STEP_MS:g} ms training step per batch (2 cores)"
    )
    print("| optimisations | seconds | records/s | speed-up |\n|---|---|---|---|")
    for name, took in results:
        print(f"| {name} | {took:.2f} | {records / took:.0f} | {base / took:.1f}x |")


if __name__ == "__main__":
    main()
