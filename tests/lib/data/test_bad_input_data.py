"""Bad input to mlep.data's light public functions: a clear TypeError/ValueError naming the
argument, never a raw Python or pandas error from deep inside (found by a fuzz sweep)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlep.data.labeling import active, consistency, diversity, human_level, propagation, weak


def _id(value) -> str:
    """A test id that is the same in every process (xdist compares them): no memory addresses."""
    return type(value).__name__ if " at 0x" in repr(value) else repr(value)


LABELS = pd.DataFrame({"a": list("xxyz"), "b": list("xyyz"), "c": list("xxzz")})
BAD_THRESHOLDS = [None, "0.5", [0.5], {"t": 0.5}, pd.DataFrame({"t": [0.5]}), math.nan, True]


@pytest.mark.parametrize("threshold", BAD_THRESHOLDS, ids=_id)
def test_borderline_class_names_a_bad_threshold(threshold):
    with pytest.raises((TypeError, ValueError), match="threshold must be"):
        consistency.borderline_class(LABELS, threshold)


@pytest.mark.parametrize("strategy", [pd.DataFrame({"x": [1]}), ["random"], None, 3])
def test_learning_curve_names_a_strategy_that_is_not_a_name(strategy):
    with pytest.raises(TypeError, match="strategy must be a strategy name"):
        active.learning_curve(
            None, [[0.0]], [0], [[0.0]], [0], strategy=strategy, initial=1, rounds=1
        )


@pytest.mark.parametrize(
    ("curves", "argument"),
    [({"random": 1.0}, r"curves\['random'\] must be"), ({"r": pd.DataFrame({"x": [1]})}, "labels")],
)
def test_plot_learning_curves_names_a_curve_that_is_not_a_table(curves, argument):
    with pytest.raises((TypeError, ValueError), match=argument):
        active.plot_learning_curves(curves)


@pytest.mark.parametrize("lfs", [1.0, None, "free", True])
def test_apply_lfs_names_lfs_that_are_not_a_list(lfs):
    with pytest.raises(TypeError, match="lfs must be a list of Snorkel labeling functions"):
        weak.apply_lfs(lfs, pd.DataFrame({"text": ["a"]}))


def test_compare_with_majority_vote_names_a_scalar_y_test():
    L = [[0, 1], [1, 1]]
    with pytest.raises(ValueError, match="y_test must be a 1-D sequence"):
        weak.compare_with_majority_vote(L, L, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"classes": 1.0, "accuracy_per_labeler": [0.9]}, "classes must be"),
        ({"classes": ["a", "b"], "accuracy_per_labeler": 0.9}, "accuracy_per_labeler must be"),
    ],
)
def test_simulate_labelers_names_arguments_that_are_not_lists(kwargs, argument):
    with pytest.raises(TypeError, match=argument):
        human_level.simulate_labelers(5, **kwargs)


@pytest.mark.parametrize("seed", [None, True, [0], "0"], ids=_id)
def test_seeded_labeling_helpers_refuse_a_seed_that_is_not_an_integer(seed):
    with pytest.raises(TypeError, match="seed must be an integer"):
        human_level.simulate_labelers(5, ["a", "b"], [0.9], seed=seed)
    with pytest.raises(TypeError, match="seed must be an integer"):
        propagation.hide_labels([0, 1, 0, 1], keep=2, seed=seed)
    with pytest.raises(TypeError, match="seed must be an integer"):
        probabilities = [[0.5, 0.5], [0.6, 0.4], [0.9, 0.1], [0.8, 0.2]]
        diversity.cluster_sampling([[0.0], [1.0], [2.0], [3.0]], probabilities, 2, seed=seed)


@pytest.mark.parametrize("name", [None, math.nan, ["b"], {"b": 1}], ids=_id)
def test_borderline_class_names_a_new_class_that_is_no_label(name):
    with pytest.raises((TypeError, ValueError), match="name must be a class label"):
        consistency.borderline_class(LABELS, 0.75, name=name)


@pytest.mark.parametrize("classes", [True, [], pd.DataFrame({"x": ["x"]}), np.array(["x", "y"])])
def test_borderline_class_names_classes_that_are_not_a_list(classes):
    if isinstance(classes, np.ndarray):  # an array is a fine list of classes
        consistency.borderline_class(LABELS, 0.75, classes=classes)
        return
    with pytest.raises((TypeError, ValueError), match="classes must"):
        consistency.borderline_class(LABELS, 0.75, classes=classes)


@pytest.mark.parametrize("top", [0, -1, 2.5, True], ids=_id)
def test_confusable_classes_names_a_bad_top(top):
    with pytest.raises(ValueError, match="top should be a positive whole number"):
        consistency.confusable_classes(LABELS, top=top)


def test_simulate_labelers_names_missing_classes_and_a_confusion_that_is_no_dict():
    with pytest.raises(ValueError, match="classes must not hold missing values"):
        human_level.simulate_labelers(5, ["a", None], [0.9])
    with pytest.raises(TypeError, match="confusion must be a dict"):
        human_level.simulate_labelers(5, ["a", "b"], [0.9], confusion="a-b")


def test_propagate_and_learning_curve_name_a_method_or_estimator_that_is_wrong():
    with pytest.raises(ValueError, match="unknown method"):
        propagation.propagate([[0.0], [1.0], [2.0]], [0, 1, -1], method=np.ones(2), n_neighbors=1)
    with pytest.raises(TypeError, match="estimator must be an unfitted scikit-learn classifier"):
        active.learning_curve(
            {"C": 1},
            [[0.0]] * 4,
            [0, 1, 0, 1],
            [[0.0]],
            [0],
            strategy="random",
            initial=2,
            rounds=1,
        )


def test_class_lists_refuse_rows_and_unhashable_classes():
    with pytest.raises(TypeError, match="classes must hold single class labels"):
        consistency.borderline_class(LABELS, 0.75, classes=np.ones((3, 2)))
    with pytest.raises(TypeError, match="classes must hold single class labels"):
        human_level.simulate_labelers(5, [[1, 2], [3, 4]], [0.9])
