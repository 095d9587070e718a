"""The digits testbed: scikit-learn's images and split, the seeded Keras model, accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

from mlep.modeling import digits


def test_load_scales_sklearns_images_to_0_1():
    X, y = digits.load()
    raw_X, raw_y = load_digits(return_X_y=True)
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert np.array_equal(X * 16, raw_X) and np.array_equal(y, raw_y)


@pytest.mark.parametrize("test_size, seed", [(0.25, 0), (450, 3), (0.1, 42)])
def test_split_is_sklearns_stratified_split_with_the_seed(test_size, seed):
    raw_X, raw_y = load_digits(return_X_y=True)
    want = train_test_split(
        (raw_X / 16).astype("float32"),
        raw_y,
        test_size=test_size,
        random_state=seed,
        stratify=raw_y,
    )
    got = digits.split(test_size=test_size, seed=seed)
    assert len(got) == 4
    assert all(np.array_equal(a, b) for a, b in zip(got, want))
    # stratified: every digit keeps its share in the test part
    shares = np.bincount(got[3], minlength=10) / len(got[3])
    assert np.abs(shares - np.bincount(raw_y) / len(raw_y)).max() < 0.02


def test_split_without_shuffle_keeps_the_last_images_for_testing():
    X, y = digits.load()
    X_train, X_test, y_train, y_test = digits.split(test_size=297, shuffle=False)
    assert np.array_equal(X_train, X[:1500]) and np.array_equal(X_test, X[1500:])
    assert np.array_equal(y_train, y[:1500]) and np.array_equal(y_test, y[1500:])


def test_other_seeds_give_other_splits():
    a, b = digits.split(seed=0)[3], digits.split(seed=1)[3]
    assert not np.array_equal(a, b)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"test_size": 0}, ValueError, "test_size"),
        ({"test_size": 1.0}, ValueError, "test_size"),
        ({"test_size": 1797}, ValueError, "test_size"),
        ({"test_size": "0.2"}, TypeError, "test_size"),
        ({"test_size": True}, TypeError, "test_size"),
        ({"seed": 0.5}, TypeError, "seed"),
        ({"seed": -1}, ValueError, "seed"),
        ({"shuffle": "no"}, TypeError, "shuffle"),
    ],
)
def test_split_refuses_bad_arguments_by_name(kwargs, error, words):
    with pytest.raises(error, match=words):
        digits.split(**kwargs)


def test_accuracy_equals_sklearns_accuracy_score():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, 200)
    y_pred = np.where(rng.random(200) < 0.7, y_true, rng.integers(0, 10, 200))
    assert digits.accuracy(y_true, y_pred) == pytest.approx(accuracy_score(y_true, y_pred))
    assert digits.accuracy(list(y_true), list(y_true)) == 1.0


def test_accuracy_of_scores_takes_the_argmax_of_each_row():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(50, 10))
    y_true = rng.integers(0, 10, 50)
    want = accuracy_score(y_true, scores.argmax(axis=1))
    assert digits.accuracy(y_true, scores) == pytest.approx(want)
    assert digits.accuracy(y_true, scores.tolist()) == pytest.approx(want)


@pytest.mark.parametrize(
    "y_true, y_pred, error, words",
    [
        ([1, 2], [1], ValueError, "same length"),
        ([1, 2], np.zeros((3, 10)), ValueError, "same length"),
        ([1, 2], np.zeros((2, 2, 2)), ValueError, "y_pred must be labels"),
        ([1, 2], "12", TypeError, "y_pred"),
        ([1, 2], None, TypeError, "y_pred"),
        ("12", [1, 2], TypeError, "y_true"),
        ([[1, 2]], [1, 2], ValueError, "y_true"),
        ([1, 2], ["1", "2"], TypeError, "same kind"),
        ([1, 2], [[0.1, np.nan], [0.3, 0.7]], ValueError, "y_pred"),
    ],
)
def test_accuracy_refuses_bad_input_by_name(y_true, y_pred, error, words):
    with pytest.raises(error, match=words):
        digits.accuracy(y_true, y_pred)


def test_build_model_refuses_bad_arguments_before_loading_tensorflow():
    with pytest.raises(ValueError, match="hidden"):
        digits.build_model(0)
    with pytest.raises(TypeError, match="seed"):
        digits.build_model(8, seed="0")
    with pytest.raises(ValueError, match="output"):
        digits.build_model(8, output="softmax")


@pytest.mark.parametrize(
    "X, y, error, words",
    [
        (np.zeros((4, 63)), [0, 1, 2, 3], ValueError, "64 columns"),
        (np.zeros(64), [0], ValueError, "X must be 2-dimensional"),
        (np.zeros((4, 64)), [0, 1, 2], ValueError, "same length"),
        (np.zeros((2, 64)), [0, 10], ValueError, "digits 0-9"),
        (np.zeros((2, 64)), [0.5, 1.0], ValueError, "digits 0-9"),
        (np.zeros((2, 64)), ["0", "1"], ValueError, "digits 0-9"),
        ("pixels", [0], TypeError, "X"),
    ],
)
def test_train_model_refuses_bad_data_by_name(X, y, error, words):
    with pytest.raises(error, match=words):
        digits.train_model(X, y, hidden=4, seed=0, epochs=1)


@pytest.mark.slow  # loads TensorFlow, builds five models and trains one (~10 s)
def test_the_model_is_seeded_has_the_named_shapes_and_learns():
    X_train, X_test, y_train, y_test = digits.split(test_size=0.25, seed=0)
    for output, total in [("probabilities", 1.0), ("logits", None)]:
        model = digits.build_model(16, seed=3, output=output)
        assert model.input_names == ["pixels"] and model.output_names == [output]
        assert model.count_params() == 64 * 16 + 16 + 16 * 10 + 10
        scores = model.predict(X_test[:5], verbose=0)
        assert scores.shape == (5, 10)
        if total is not None:  # softmax rows sum to 1; logits need not
            assert np.allclose(scores.sum(axis=1), total, atol=1e-5)
    same = digits.build_model(16, seed=3).get_weights()
    again = digits.build_model(16, seed=3).get_weights()
    other = digits.build_model(16, seed=4).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(same, again))
    assert not np.array_equal(same[0], other[0])

    model = digits.train_model(X_train, y_train, hidden=32, seed=0, epochs=5)
    before = digits.accuracy(y_test, digits.build_model(32, seed=0).predict(X_test, verbose=0))
    after = digits.accuracy(y_test, model.predict(X_test, verbose=0))
    assert after > 0.85 > before
    assert after == pytest.approx(model.evaluate(X_test, y_test, verbose=0)[1], abs=1e-6)
