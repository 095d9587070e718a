"""Bad input to mlep.data's light public functions: a clear TypeError/ValueError naming the
argument, never a raw Python or pandas error from deep inside (found by a fuzz sweep)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mlep.data.labeling import active, consistency, human_level, weak

LABELS = pd.DataFrame({"a": list("xxyz"), "b": list("xyyz"), "c": list("xxzz")})
BAD_THRESHOLDS = [None, "0.5", [0.5], {"t": 0.5}, pd.DataFrame({"t": [0.5]}), math.nan, True]


@pytest.mark.parametrize("threshold", BAD_THRESHOLDS, ids=repr)
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
