"""Checks for lab test cells that fail with a message a learner can act on.

Every check raises :class:`ExerciseFailure` (an ``AssertionError``, so nbgrader scores the
cell 0) naming the exercise, what was expected and what was got. Checks go type → shape →
values, so a learner first learns *what kind of thing* to return.

Examples
--------
>>> instance(3, int, "Exercise 1", what="the row count")
>>> instance("3", int, "Exercise 1", what="the row count")
Traceback (most recent call last):
...
mlep.grading.expect.ExerciseFailure: Exercise 1: the row count should be a int, but got a str: '3'
>>> equal(sorted({"b", "a"}), ["a", "b"], "Exercise 2", what="the domain")
>>> close(0.1 + 0.2, 0.3, "Exercise 3", what="the distance")
>>> passed("Exercise 1")
Exercise 1: public tests passed (hidden tests run when your lab is graded)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = [
    "ExerciseFailure",
    "close",
    "columns",
    "equal",
    "instance",
    "passed",
    "that",
]


class ExerciseFailure(AssertionError):
    """A lab test that failed, with feedback for the learner."""


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _type_name(kind) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


def that(condition: bool, exercise: str, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseFailure(f"{exercise}: {message}")


def instance(value: Any, kind, exercise: str, *, what: str = "the result") -> None:
    """Check ``value`` is an instance of ``kind`` (a type or tuple of types)."""
    if value is None:
        that(False, exercise, f"{what} is None — did you forget to `return` it?")
    that(
        isinstance(value, kind),
        exercise,
        f"{what} should be a {_type_name(kind)}, but got a {type(value).__name__}: {_short(value)}",
    )


def equal(value: Any, expected: Any, exercise: str, *, what: str = "the result") -> None:
    """Check ``value == expected``."""
    that(value == expected, exercise, f"{what} should be {_short(expected)}, but got {_short(value)}")


def close(
    value: float, expected: float, exercise: str, *, what: str = "the result", tol: float = 1e-6
) -> None:
    """Check a number is within ``tol`` (absolute or relative) of ``expected``."""
    instance(value, (int, float), exercise, what=what)
    that(
        math.isclose(float(value), float(expected), rel_tol=tol, abs_tol=tol),
        exercise,
        f"{what} should be about {expected:.6g}, but got {float(value):.6g}",
    )


def columns(frame, expected: Iterable[str], exercise: str, *, what: str = "the table") -> None:
    """Check a DataFrame has (at least) the ``expected`` columns."""
    import pandas as pd

    instance(frame, pd.DataFrame, exercise, what=what)
    missing = [c for c in expected if c not in frame.columns]
    that(
        not missing,
        exercise,
        f"{what} is missing column(s) {missing}; it has {list(frame.columns)}",
    )


def passed(exercise: str) -> None:
    """Say the visible tests passed — never "all tests": hidden tests come at grading."""
    print(f"{exercise}: public tests passed (hidden tests run when your lab is graded)")
