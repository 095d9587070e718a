"""MultiWorkerMirroredStrategy on two loopback worker processes: synchronous all-reduce keeps
every worker's weights equal; a failing or slow worker stops the cluster with its own error."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from mlep.modeling import multiworker as MW


def regression(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(256, 4)).astype("float32")
    return X, X @ np.array([1.0, -2.0, 0.5, 3.0], "float32")


def build_regressor():
    import tf_keras as keras

    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(keras.optimizers.SGD(0.05), "mse")
    return model


def build_fails_on_worker_1():
    if json.loads(os.environ["TF_CONFIG"])["task"]["index"] == 1:
        raise ValueError("worker 1 cannot build its model")
    return build_regressor()


@pytest.mark.slow
def test_two_workers_train_in_lockstep():
    X, y = regression()
    result = MW.multi_worker_train(build_regressor, X, y, workers=2, epochs=3, batch_size=32)
    assert len(result.history["loss"]) == 3
    assert result.history["loss"][-1] < 0.5 * result.history["loss"][0]
    assert result.steps_per_second > 0
    chief, other = result.worker_weights
    assert [w.shape for w in chief] == [(4, 8), (8,), (8, 1), (1,)]
    for mine, theirs in zip(chief, other):
        np.testing.assert_array_equal(mine, theirs)  # all-reduced updates: identical copies
    # and training moved them away from the (seeded, shared) initial weights
    assert not np.allclose(chief[0], build_regressor().get_weights()[0])


@pytest.mark.slow
def test_a_failing_worker_stops_the_cluster_with_its_error():
    X, y = regression()
    with pytest.raises(MW.WorkerError, match="worker 1 of 2 failed") as error:
        MW.multi_worker_train(build_fails_on_worker_1, X, y, timeout=120)
    assert "worker 1 cannot build its model" in str(error.value)


def test_a_cluster_that_runs_out_of_time_is_stopped():
    X, y = regression()
    with pytest.raises(MW.WorkerError, match=r"did not finish within timeout=1 s"):
        MW.multi_worker_train(build_regressor, X, y, timeout=1)


def test_arguments_are_checked_before_any_process_starts():
    X, y = regression()
    with pytest.raises(ValueError, match="not divisible by workers=2"):
        MW.multi_worker_train(build_regressor, X, y, batch_size=33)
    with pytest.raises(TypeError, match="'module:function'"):
        MW.multi_worker_train("build_regressor", X, y)
    with pytest.raises(ValueError, match="workers must be a positive int"):
        MW.multi_worker_train(build_regressor, X, y, workers=0)
    assert len(set(MW.free_ports(3))) == 3
    assert json.loads(MW.tf_config([1, 2], 0))["cluster"]["worker"] == [
        "127.0.0.1:1",
        "127.0.0.1:2",
    ]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: MW.tf_config("2000", 0), TypeError, "ports must be a list"),
        (lambda: MW.tf_config([], 0), ValueError, "ports must hold one port"),
        (lambda: MW.tf_config([20001, "20002"], 0), TypeError, "each port must be an integer"),
        (lambda: MW.tf_config([70000], 0), ValueError, "each port must be <= 65535"),
        (lambda: MW.tf_config([20001, 20002], 2), ValueError, "index must be below"),
        (lambda: MW.tf_config([20001, 20002], True), TypeError, "index must be an integer"),
        (lambda: MW.tf_config([20001], 0, host=None), TypeError, "host must be a string"),
        (lambda: MW.free_ports(0), ValueError, "n must be >= 1"),
        (
            lambda: MW.multi_worker_train(build_regressor, [[1.0], [np.nan]], [1.0, 2.0]),
            ValueError,
            "X must hold finite",
        ),
        (
            lambda: MW.multi_worker_train(build_regressor, [[1.0], [2.0]], [1.0]),
            ValueError,
            "one target per row",
        ),
        (
            lambda: MW.multi_worker_train(build_regressor, [[1.0]], [1.0], timeout=float("inf")),
            ValueError,
            "timeout",
        ),
        (
            lambda: MW.multi_worker_train(build_regressor, [[1.0]], [1.0], epochs="2"),
            TypeError,
            "epochs",
        ),
    ],
)
def test_cluster_settings_and_data_are_refused_before_any_process(call, error, message):
    with pytest.raises(error, match=message):
        call()
