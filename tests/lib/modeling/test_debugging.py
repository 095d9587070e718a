"""Reference tests for mlep.modeling.analysis.debugging: what-if, FGSM, residuals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlep.modeling.analysis import debugging as D


@pytest.fixture(scope="module")
def keras():
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras

    return tf_keras


@pytest.fixture(scope="module")
def logistic(keras):
    """A one-unit sigmoid model with known weights: the loss gradient is (p - y)·w."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights(
        [np.array([[1.5], [-2.0], [0.5]], "float32"), np.array([0.1], "float32")]
    )
    return model


def test_fgsm_follows_the_analytic_gradient_sign_of_a_logistic_model(logistic):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)).astype("float32")
    y = rng.integers(0, 2, 50)
    w = logistic.layers[0].get_weights()[0][:, 0]
    p = 1 / (1 + np.exp(-(X @ w + 0.1)))
    expected = X + 0.25 * np.sign((p - y)[:, None] * w[None, :])
    np.testing.assert_allclose(D.fgsm(logistic, X, y, epsilon=0.25), expected, atol=1e-6)
    np.testing.assert_allclose(D.fgsm(logistic, X, y, epsilon=0.0), X)
    clipped = D.fgsm(logistic, X, y, epsilon=5.0, clip=(-1.0, 1.0))
    assert clipped.min() == -1.0 and clipped.max() == 1.0


def test_fgsm_raises_the_loss_and_accuracy_falls_with_epsilon(keras):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
    model.fit(X[:1200], y[:1200], epochs=10, batch_size=64, verbose=0)
    table = D.accuracy_under_attack(model, X[1200:], y[1200:], [0.0, 0.05, 0.1, 0.2], clip=(0, 1))
    assert list(table["epsilon"]) == [0.0, 0.05, 0.1, 0.2]
    clean = (model.predict(X[1200:], verbose=0).argmax(1) == y[1200:]).mean()
    assert table["accuracy"].iloc[0] == pytest.approx(clean)
    assert table["accuracy"].is_monotonic_decreasing and table["accuracy"].iloc[-1] < clean - 0.3
    loss = keras.losses.SparseCategoricalCrossentropy()
    attacked = D.fgsm(model, X[1200:], y[1200:], epsilon=0.05)
    assert float(loss(y[1200:], model(attacked))) > float(loss(y[1200:], model(X[1200:])))
    # a random sign step of the same size hurts much less: the gradient's direction matters
    rng = np.random.default_rng(0)
    noisy = np.clip(X[1200:] + 0.1 * rng.choice([-1, 1], X[1200:].shape), 0, 1)
    noisy_acc = (model.predict(noisy, verbose=0).argmax(1) == y[1200:]).mean()
    assert noisy_acc > table.set_index("epsilon").loc[0.1, "accuracy"] + 0.2


def test_what_if_and_sensitivity_equal_direct_predictions():
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0], "b": [1.0, 1.0, 0.0]}, index=[10, 11, 12])

    def predict(frame):
        return 1 / (1 + np.exp(-(frame["a"] - 2 * frame["b"]).to_numpy()))

    table = D.what_if(predict, X, "b", [0.0, 0.5])
    assert list(table.columns) == [10, 11, 12] and list(table.index) == [0.0, 0.5]
    np.testing.assert_allclose(table.loc[0.5].to_numpy(), 1 / (1 + np.exp(-(X["a"] - 1.0))))
    result = D.sensitivity(predict, X, "a", delta=1.0)
    before, after = predict(X), predict(X.assign(a=X["a"] + 1))
    assert result["mean_change"] == pytest.approx((after - before).mean())
    assert result["flip_rate"] == pytest.approx(((before >= 0.5) != (after >= 0.5)).mean())
    assert X["a"].tolist() == [0.0, 1.0, 2.0]  # the input is not changed


def test_residual_analysis_flags_the_pattern_a_linear_model_misses():
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, 600)
    y = x**2 + rng.normal(0, 0.5, 600)  # a curve, fitted with a line
    pred = LinearRegression().fit(x[:, None], y).predict(x[:, None])
    table = D.residual_analysis(y, pred, x, bins=6)
    assert len(table) == 6 and table["count"].sum() == 600
    flagged = table["systematic"].to_numpy()
    assert flagged[0] and flagged[-1]  # both ends under-predicted
    assert (table["mean_residual"].iloc[[0, -1]] > 0).all()
    resid = y - pred
    first = pd.qcut(x, 6).codes == 0
    assert table["mean_residual"].iloc[0] == pytest.approx(resid[first].mean())
    assert table["std_error"].iloc[0] == pytest.approx(
        resid[first].std(ddof=1) / np.sqrt(first.sum())
    )
    noise = D.residual_analysis(rng.normal(size=600), np.zeros(600), rng.choice(["a", "b"], 600))
    assert not noise["systematic"].any()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: D.what_if(lambda f: f["a"], pd.DataFrame({"a": [1]}), "c", [0]), "not a column"),
        (
            lambda: D.what_if(lambda f: [1, 2], pd.DataFrame({"a": [1]}), "a", [0]),
            "one number per row",
        ),
        (
            lambda: D.sensitivity(lambda f: f["a"], pd.DataFrame({"a": [1]}), "a", delta="1"),
            "delta",
        ),
        (lambda: D.residual_analysis([1, 2], [1], [0, 1]), "one entry per example"),
        (lambda: D.fgsm(None, [[0.0]], [0], epsilon=-1), "epsilon"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: D.what_if(lambda f: f["a"], pd.DataFrame({"a": [1.0]}), "a", "12"),
            TypeError,
            "values",
        ),
        (
            lambda: D.what_if(lambda f: f["a"], pd.DataFrame({"a": [1.0]}), "a", []),
            ValueError,
            "values",
        ),
        (
            lambda: D.what_if(lambda f: f["a"], pd.DataFrame({"a": [1.0]}), ["a"], [0]),
            TypeError,
            "feature",
        ),
        (
            lambda: D.sensitivity(
                lambda f: f["a"], pd.DataFrame({"a": [1.0]}), "a", delta=float("nan")
            ),
            ValueError,
            "delta",
        ),
        (
            lambda: D.sensitivity(
                lambda f: f["a"], pd.DataFrame({"a": [1.0]}), "a", delta=0.1, threshold=True
            ),
            TypeError,
            "threshold",
        ),
        (
            lambda: D.sensitivity(
                lambda f: f["a"], pd.DataFrame({"a": [1.0]}), "a", delta=0.1, threshold=float("inf")
            ),
            ValueError,
            "threshold",
        ),
        (
            lambda: D.residual_analysis([1.0, 2.0], [1.0, 2.0], ["a", "b"], z=float("nan")),
            ValueError,
            "z",
        ),
        (lambda: D.residual_analysis([1.0, 2.0], [1.0, 2.0], ["a", "b"], z=-1), ValueError, "z"),
        (
            lambda: D.residual_analysis([1.0, float("inf")], [1.0, 2.0], ["a", "b"]),
            ValueError,
            "y_true",
        ),
        (
            lambda: D.residual_analysis([1.0, 2.0], [1.0, 2.0], [1.0, 2.0], bins=1),
            ValueError,
            "bins",
        ),
        (lambda: D.fgsm(object(), [[0.0]], [0], epsilon=0.1), TypeError, "Keras model"),
        (lambda: D.accuracy_under_attack(object(), [[0.0]], [0], "0.1"), TypeError, "epsilons"),
    ],
)
def test_bad_second_arguments_are_refused_before_any_result(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_clean_accuracy_equals_keras_evaluate_even_at_exactly_one_half(keras):
    """A sigmoid output of exactly 0.5 (zero logit) is class 0 for Keras' binary accuracy."""
    rng = np.random.default_rng(0)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid", kernel_initializer="zeros")]
    )
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    X, y = rng.normal(size=(50, 4)).astype("float32"), rng.integers(0, 2, 50)
    for weights in (np.zeros((4, 1)), rng.normal(size=(4, 1))):
        model.layers[0].set_weights([weights.astype("float32"), np.zeros(1, "float32")])
        _, keras_accuracy = model.evaluate(X, y, verbose=0)
        table = D.accuracy_under_attack(model, X, y, [0.0])
        assert table["accuracy"].iloc[0] == pytest.approx(keras_accuracy, abs=1e-6)
