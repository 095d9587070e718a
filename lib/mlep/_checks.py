"""Input checks shared across mlep: say what was expected and what was got."""

from __future__ import annotations

import math
import numbers

import numpy as np


def real(value, what: str) -> float:
    """``value`` as a finite float; :class:`TypeError` / :class:`ValueError` name ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a number, but got a {type(value).__name__}: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, but got {number}")
    return number


def non_negative(value, what: str) -> float:
    """A finite number ``>= 0`` (costs, rates, scales)."""
    number = real(value, what)
    if number < 0:
        raise ValueError(f"{what} must be >= 0, but got {number}")
    return number


def probability(value, what: str) -> float:
    """A number between 0 and 1 (a rate or a probability)."""
    number = real(value, what)
    if not 0 <= number <= 1:
        raise ValueError(f"{what} must be a probability between 0 and 1, but got {number}")
    return number


def count(value, what: str, *, minimum: int = 0) -> int:
    """An integer ``>= minimum`` (a length, an index, a number of bins)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an integer, but got a {type(value).__name__}: {value!r}")
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}, but got {value}")
    return int(value)


def numbers_array(values, what: str) -> np.ndarray:
    """A non-empty 1-D float array without NaN or infinity."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be a sequence of numbers, but got a string: {values!r}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must hold numbers only, but got {_preview(values)}") from None
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, but got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{what} is empty: expected at least one value")
    bad = ~np.isfinite(array)
    if bad.any():
        where = np.flatnonzero(bad)[:5].tolist()
        raise ValueError(
            f"{what} holds {int(bad.sum())} NaN or infinite value(s) (first at positions "
            f"{where}); drop or impute them before measuring"
        )
    return array


def same_length(a: np.ndarray, b: np.ndarray, what_a: str, what_b: str) -> None:
    """Two arrays that pair up element by element must have the same length."""
    if len(a) != len(b):
        raise ValueError(
            f"{what_a} and {what_b} must have the same length (one value per item), "
            f"but got {len(a)} and {len(b)}"
        )


def _preview(values) -> str:
    text = repr(values)
    return text if len(text) <= 80 else text[:77] + "..."
