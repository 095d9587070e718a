"""High-performance modeling: Mirrored training over logical CPUs (in a fresh process), tf.data
optimisations measured, knowledge distillation beating the same student trained alone."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mlep.modeling import distributed as D

MIRRORED = r"""
import json, numpy as np
from mlep.modeling import distributed as D
from mlep.runtime import tensorflow
tensorflow().constant(1.0) + 1  # TensorFlow has started on one CPU device
try:
    D.logical_cpus(2)
    raise SystemExit("logical_cpus(2) should refuse once TensorFlow runs")
except RuntimeError as error:
    assert "reset=True" in str(error)
devices = D.logical_cpus(2, reset=True)  # restarts TensorFlow's runtime
assert D.logical_cpus(2) == devices  # asking again for the same devices is fine
import tf_keras as keras
strategy = D.strategy("mirrored")
with strategy.scope():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
rng = np.random.default_rng(0)
X = rng.normal(size=(512, 4)).astype("float32"); y = X @ np.array([1., -2., 0.5, 3.], "float32")
model.fit(X, y, epochs=30, batch_size=64, verbose=0)
print(json.dumps({"devices": devices, "replicas": strategy.num_replicas_in_sync,
                  "weights": model.layers[0].kernel.numpy().ravel().tolist()}))
"""


@pytest.mark.slow
def test_mirrored_strategy_trains_on_two_logical_cpus_even_after_a_reset():
    run = subprocess.run(
        [sys.executable, "-c", MIRRORED], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(result["devices"]) == 2 and result["replicas"] == 2
    np.testing.assert_allclose(result["weights"], [1, -2, 0.5, 3], atol=0.05)


def test_logical_cpus_after_tensorflow_started_says_what_to_do():
    from mlep.runtime import tensorflow

    tf = tensorflow()
    tf.constant(1.0) + 1  # TensorFlow is now initialised in this process
    present = len(tf.config.list_logical_devices("CPU"))
    with pytest.raises(RuntimeError, match="before any TensorFlow operation"):
        D.logical_cpus(present + 3)
    with pytest.raises(ValueError, match="a positive int"):
        D.logical_cpus(0)
    with pytest.raises(ValueError, match="unknown strategy 'tpu'"):
        D.strategy("tpu")


def _dataset_ops(dataset) -> list[str]:
    """The ops of a tf.data pipeline's graph, last stage first (what runs, not how fast)."""
    from mlep.runtime import tensorflow

    tf = tensorflow()
    graph = tf.compat.v1.GraphDef.FromString(
        tf.raw_ops.DatasetToGraphV2(input_dataset=dataset._variant_tensor).numpy()
    )
    nodes = {n.name: n for n in graph.node}
    name = next(n for n in graph.node if n.op == "_Retval").input[0].split(":")[0]
    ops = []
    while name in nodes and "Dataset" in nodes[name].op:
        ops.append(nodes[name].op)
        name = nodes[name].input[0].split(":")[0] if nodes[name].input else ""
    return ops


def test_each_optimisation_keeps_the_data_and_adds_its_stage():
    everything = ("prefetch", "parallel_map", "cache", "interleave")
    plain = D.input_pipeline(files=4, records_per_file=40)
    fast = D.input_pipeline(files=4, records_per_file=40, optimisations=everything)
    values = sorted(float(v) for batch in plain for v in batch.numpy())
    assert (
        values
        == sorted(float(v) for batch in fast for v in batch.numpy())
        == [2.0 * i for i in range(160)]
    )
    # how much faster each makes it is measured by `make bench`
    # (tests/benchmarks/input_pipeline.py): a timing here would fail on a busy machine
    ops = _dataset_ops(fast)
    assert ops[0] == "PrefetchDataset"
    assert any(op.startswith("ParallelInterleaveDataset") for op in ops)
    assert any(op.startswith("ParallelMapDataset") for op in ops)
    assert any(op.startswith("CacheDataset") for op in ops)
    naive = _dataset_ops(plain)
    assert not any(op.startswith(("Parallel", "Prefetch", "Cache")) for op in naive), naive
    with pytest.raises(ValueError, match="unknown optimisation\\(s\\) gpu"):
        D.input_pipeline(optimisations=("gpu",))


@pytest.mark.slow
def test_distillation_helps_a_small_student():
    from sklearn.datasets import load_digits

    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype("float32")
    train, test = (
        slice(0, 300),
        slice(1000, None),
    )  # little data: where a teacher's soft labels help

    def net(width, seed):
        keras.utils.set_random_seed(seed)
        return keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(width, activation="relu"),
                keras.layers.Dense(10),
            ]
        )

    teacher = net(256, 0)
    teacher.compile(
        "adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    teacher.fit(X[:1000], y[:1000], epochs=30, verbose=0)  # the teacher saw more data
    accuracies = {"alone": [], "distilled": []}
    for seed in range(3):
        alone = net(8, seed)
        alone.compile(
            keras.optimizers.Adam(1e-2),
            keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        alone.fit(X[train], y[train], epochs=40, verbose=0)
        accuracies["alone"].append(alone.evaluate(X[test], y[test], verbose=0)[1])
        distiller = D.Distiller(teacher, net(8, seed), temperature=4, alpha=0.1).fit(
            X[train], y[train], epochs=40, learning_rate=1e-2, seed=seed
        )
        assert distiller.history_[-1] < distiller.history_[0]
        student = distiller.student
        accuracies["distilled"].append(
            float((student(X[test]).numpy().argmax(axis=1) == y[test]).mean())
        )
    assert np.mean(accuracies["distilled"]) > np.mean(accuracies["alone"]), accuracies
    with pytest.raises(ValueError, match="alpha must be a weight between 0 and 1"):
        D.Distiller(teacher, teacher, alpha=2)


def test_slow_reader_and_parser_give_the_records_and_really_wait():
    from mlep.runtime import tensorflow

    tf = tensorflow()
    read_file, parse = D.slow_reader(5, read_ms=1), D.slow_parser(parse_ms=50)
    assert [int(r) for r in read_file(2)] == [10, 11, 12, 13, 14]
    names = tf.data.Dataset.range(2)
    serial = names.flat_map(read_file).map(parse)
    parallel = names.flat_map(read_file).map(parse, num_parallel_calls=8, deterministic=True)
    assert [float(v) for v in parallel] == [2.0 * r for r in range(10)]
    # ten 50 ms waits one after another take at least 0.5 s, however idle the machine (a lower
    # bound only: how much the parallel map overlaps them is measured by `make bench`)
    assert D.time_pipeline(serial) >= 0.5


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: D.strategy("tpu"), ValueError, "unknown strategy 'tpu'"),
        (lambda: D.input_pipeline(optimisations="prefetch"), TypeError, "wrap it in a list"),
        (lambda: D.input_pipeline(files=0), ValueError, "files must be >= 1"),
        (lambda: D.input_pipeline(read_ms=float("nan")), ValueError, "read_ms"),
        (lambda: D.time_pipeline([], epochs=0), ValueError, "epochs must be >= 1"),
        (lambda: D.logical_cpus(True), TypeError, "n \\(a number of devices\\)"),
        (lambda: D.Distiller(object(), object()), TypeError, "teacher must be a Keras model"),
        (lambda: D.Distiller(None, None, temperature=float("nan")), ValueError, "temperature"),
    ],
)
def test_arguments_are_refused_before_tensorflow_runs(call, error, message):
    with pytest.raises(error, match=message):
        call()
