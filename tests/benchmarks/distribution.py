"""Benchmark (``make bench``): training steps per second under three ``tf.distribute`` strategies.

The same Keras model (64 -> 256 -> 256 -> 10, SGD) on the same 4,096 seeded rows with the same
global batch of 128: ``OneDeviceStrategy`` on one logical CPU, ``MirroredStrategy`` over two
logical CPUs of this process (:func:`mlep.modeling.distributed.logical_cpus`), and
``MultiWorkerMirroredStrategy`` over two worker processes on loopback
(:func:`mlep.modeling.multiworker.multi_worker_train`). Steps per second exclude the first epoch
(graph tracing); median of 3 runs (1 for multi-worker, which also reports its start-up time).
On a 2-core machine the replicas share the same cores, so this measures the strategies' overhead,
not a speed-up: on GPUs or several machines each replica brings its own compute.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from mlep.modeling import distributed as D

ROWS, BATCH, EPOCHS, RUNS = 4096, 128, 4, 3


def build_model():
    import tf_keras as keras

    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        keras.optimizers.SGD(0.05),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(ROWS, 64)).astype("float32")
    return X, (X[:, :10].argmax(axis=1)).astype("int64")


def steps_per_second(strategy, X, y) -> float:
    import tf_keras as keras

    keras.utils.set_random_seed(0)
    with strategy.scope():
        model = build_model()
    starts = []
    timer = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: starts.append(time.perf_counter()),
        on_train_end=lambda logs: starts.append(time.perf_counter()),
    )
    model.fit(X, y, batch_size=BATCH, epochs=EPOCHS, verbose=0, callbacks=[timer])
    steps = int(np.ceil(ROWS / BATCH)) * (EPOCHS - 1)
    return steps / (starts[-1] - starts[1])


def main() -> None:
    D.logical_cpus(2)  # before any TensorFlow operation
    from mlep.modeling.multiworker import multi_worker_train
    from mlep.runtime import tensorflow

    tensorflow().get_logger().setLevel("ERROR")
    X, y = data()
    rows = []
    for name, label in [
        ("one_device", "OneDeviceStrategy, 1 logical CPU"),
        ("mirrored", "MirroredStrategy, 2 logical CPUs"),
    ]:
        runs = [steps_per_second(D.strategy(name), X, y) for _ in range(RUNS)]
        rows.append((label, statistics.median(runs), ""))
    result = multi_worker_train(build_model, X, y, workers=2, epochs=EPOCHS, batch_size=BATCH)
    rows.append(
        (
            "MultiWorkerMirroredStrategy, 2 workers on loopback",
            result.steps_per_second,
            f"whole run {result.seconds:.0f} s (2 processes start TensorFlow)",
        )
    )
    base = rows[0][1]
    print(f"\nDistribution strategies: same model, global batch {BATCH}, {ROWS} rows (2 cores)")
    print("| strategy | steps/s | vs one device | note |\n|---|---|---|---|")
    for label, rate, note in rows:
        print(f"| {label} | {rate:.0f} | {rate / base:.2f}x | {note} |")


if __name__ == "__main__":
    main()
