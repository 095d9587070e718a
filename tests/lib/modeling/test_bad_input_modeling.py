"""Bad input to mlep.modeling's light public functions: a clear TypeError/ValueError naming
the argument, never a numpy/pandas message or a silent broadcast (found by a fuzz sweep)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlep.modeling import extrapolation
from mlep.modeling.analysis import baselines, errors, label_checks


def _id(value) -> str:
    """A test id that is the same in every process (xdist compares them): no memory addresses."""
    return type(value).__name__ if " at 0x" in repr(value) else repr(value)


X = [[0.0], [1.0], [2.0], [3.0]]
ARRAY_LIKE = [pd.DataFrame({"x": [1]}), np.ones((2, 2)), ["tree"]]


@pytest.mark.parametrize("X_train", [{"a": 1}, object(), "0.5", [[0.0], ["a"]]], ids=_id)
def test_quick_baseline_names_features_that_are_not_numbers(X_train):
    with pytest.raises(TypeError, match="X_train must be a 2-D array of numbers"):
        baselines.quick_baseline(X_train, [0, 1], [[0.5]], [0])


@pytest.mark.parametrize("model", ARRAY_LIKE, ids=type)
def test_quick_baseline_names_a_model_that_is_not_a_name(model):
    with pytest.raises(ValueError, match="model should be 'logistic' or 'tree'"):
        baselines.quick_baseline(X, [0, 0, 1, 1], [[0.5]], [0], model=model)


@pytest.mark.parametrize("family", ARRAY_LIKE, ids=type)
def test_fit_learning_curve_names_a_family_that_is_not_a_name(family):
    with pytest.raises(ValueError, match="family must be 'pow3' or 'exp3'"):
        extrapolation.fit_learning_curve([0.5, 0.6, 0.65, 0.68], family=family)


def test_error_analysis_names_a_dict_of_tags_that_is_not_a_table():
    with pytest.raises(ValueError, match="tags must be a DataFrame, or a dict of tag"):
        errors.error_analysis({"blurry": True}, [0, 1], [0, 1])


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [
        (np.ones((3, 2)), np.ones(6), "y_true should be 1-D"),
        (pd.DataFrame({"x": [1, 0]}), [1, 0], "y_true should be 1-D"),
        ([1, 0, 1], [1, 0], "y_true has 3, y_pred has 2"),
    ],
)
def test_accuracy_refuses_shapes_it_would_broadcast(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        label_checks.accuracy(y_true, y_pred)
