"""Checks of labels and scores shared by error analysis and baselines (Course 1, week 2).

Each says what was expected and what was got, in the learner's terms (``y_true``, ``y_pred``),
before any computation: a silent mismatch (1 vs "1", a missing label, one list shorter than
the other) would otherwise give a plausible but wrong accuracy.

Examples
--------
>>> accuracy(np.array([1, 0, 1]), np.array([1, 1, 1]))
0.6666666666666666
>>> label_pair([1, 0], ["1", "0"])  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
ValueError: labels mix types (y_true holds number, y_pred holds text), e.g. 1 and '1' never
match; use one type for all labels
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "accuracy",
    "as_labels",
    "class_index",
    "finite_number",
    "label_kinds",
    "label_pair",
    "same_kind",
    "same_length",
    "sorted_classes",
]


def as_labels(values: Any, name: str) -> np.ndarray:
    """A non-empty 1-D array of labels without missing values.

    Parameters
    ----------
    values : array-like
        The labels.
    name : str
        How error messages name them.
    """
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} should be 1-D (one label per example), got shape {array.shape}")
    if len(array) == 0:
        raise ValueError(f"{name} is empty; it needs at least one label")
    missing = int(pd.isna(array).sum())
    if missing:
        raise ValueError(f"{name} has {missing} missing label(s) (NaN/None); drop or fill them")
    return array


def same_length(**named: np.ndarray) -> None:
    """Refuse inputs that do not have one entry per example each (named by keyword).

    Parameters
    ----------
    **named : numpy.ndarray
        The arrays, each named by its keyword in error messages.
    """
    lengths = {name: len(values) for name, values in named.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"{described} entries; they should have one entry per example")


def label_kinds(array: np.ndarray) -> set[str]:
    """Which kinds of label an array holds: 'number', 'text' and/or 'other'.

    Parameters
    ----------
    array : numpy.ndarray
        The labels.
    """
    if array.dtype.kind in "biuf":
        return {"number"}
    if array.dtype.kind in "US":
        return {"text"}
    return {
        "number" if isinstance(v, numbers.Number) else "text" if isinstance(v, str) else "other"
        for v in array.tolist()
    }


def same_kind(**named: np.ndarray) -> None:
    """Refuse labels that mix numbers and text: 1 == '1' is False, so every match would fail.

    Parameters
    ----------
    **named : numpy.ndarray
        The label arrays, each named by its keyword in error messages.
    """
    kinds = {name: label_kinds(values) for name, values in named.items()}
    if len(set().union(*kinds.values())) > 1:
        described = ", ".join(f"{name} holds {'/'.join(sorted(k))}" for name, k in kinds.items())
        raise ValueError(
            f"labels mix types ({described}), e.g. 1 and '1' never match; "
            "use one type for all labels"
        )


def label_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """``y_true`` and ``y_pred`` checked together: labels, same length, same kind.

    Parameters
    ----------
    y_true : array-like
        The true labels.
    y_pred : array-like
        The predicted labels, one per true label.
    """
    true, pred = as_labels(y_true, "y_true"), as_labels(y_pred, "y_pred")
    same_length(y_true=true, y_pred=pred)
    same_kind(y_true=true, y_pred=pred)
    return true, pred


def sorted_classes(*arrays: np.ndarray) -> np.ndarray:
    """Every class seen in ``arrays``, sorted; a clear error when they cannot be sorted.

    Parameters
    ----------
    *arrays : numpy.ndarray
        Label arrays.
    """
    try:
        return np.unique(np.concatenate(arrays))
    except TypeError:  # e.g. None next to strings
        kinds = sorted({type(v).__name__ for a in arrays for v in a.tolist()})
        raise ValueError(
            f"labels mix types ({', '.join(kinds)}) that cannot be sorted; use one type"
        ) from None


def class_index(labels: Any, observed: np.ndarray) -> pd.Index:
    """The classes to report, in order.

    ``labels`` if given (it must cover ``observed``), else ``observed``.

    Parameters
    ----------
    labels : sequence or None
        The classes asked for, in order; ``None`` uses ``observed``.
    observed : numpy.ndarray
        The classes that occur.
    """
    if labels is None:
        return pd.Index(observed)
    index = pd.Index(as_labels(labels, "labels"))
    if not index.is_unique:
        raise ValueError(f"labels should list each class once, got {list(index)}")
    unknown = [v for v in observed.tolist() if v not in index]
    if unknown:
        raise ValueError(f"the data has class(es) {unknown} that are not in labels {list(index)}")
    return index


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The fraction of positions where ``y_true`` and ``y_pred`` are equal.

    Parameters
    ----------
    y_true, y_pred : numpy.ndarray
        True and predicted labels of the same length.
    """
    true, pred = label_pair(y_true, y_pred)
    return float(np.mean(true == pred))


def finite_number(value: Any, what: str) -> float:
    """``value`` as a float if it is a finite real number (not a bool); ``what`` names it.

    Parameters
    ----------
    value : object
        The value to check.
    what : str
        How error messages name it.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} should be a finite number, got {type(value).__name__}: {value!r}")
    return float(value)
