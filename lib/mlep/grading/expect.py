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
>>> matches("check_in", "check_out", "Exercise 3", what="the LF to drop")
... # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
mlep.grading.expect.ExerciseFailure: Exercise 3: the LF to drop is not the expected one:
got 'check_in'
>>> near(0.7, 0.79, "Exercise 7", what="the threshold", tol=0.01)
Traceback (most recent call last):
...
mlep.grading.expect.ExerciseFailure: Exercise 7: the threshold is too low: got 0.7
>>> passed("Exercise 1")
Exercise 1: public tests passed (hidden tests run when your lab is graded)
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Iterable
from typing import Any

from mlep.exceptions import MlepError

__all__ = [
    "ExerciseFailure",
    "close",
    "columns",
    "equal",
    "instance",
    "matches",
    "near",
    "passed",
    "that",
]


class ExerciseFailure(MlepError, AssertionError):
    """A lab test that failed, with feedback for the learner."""


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_HEAPTYPE, _IMMUTABLETYPE = 1 << 9, 1 << 8  # CPython type flags (Include/object.h)
_CONTAINERS = (list, tuple, set, frozenset, dict)


def _trusted_type(kind: type) -> bool:
    """Whether ``kind``'s comparisons are not the notebook's code.

    A built-in or compiled type (``int``, ``numpy.float64``, ``numpy.ndarray``) cannot be
    defined or changed from Python; a library's class (``pandas.DataFrame``) is trusted when
    its module, installed with Python or the course library (read-only in the grader's
    sandbox), really holds it under its name and its methods were compiled from there. A class
    defined in the notebook, or in a file the notebook wrote, e.g. one whose ``__eq__`` always
    says True, is not.
    """
    flags = getattr(kind, "__flags__", 0)
    if not flags & _HEAPTYPE or flags & _IMMUTABLETYPE:
        return True
    module = sys.modules.get(getattr(kind, "__module__", None) or "__main__")
    if module is None or not _installed(getattr(module, "__file__", None)):
        return False
    found: Any = module
    for part in str(getattr(kind, "__qualname__", "")).split("."):
        found = getattr(found, part, None)
    codes = [getattr(v, "__code__", None) for v in vars(kind).values()]
    return found is kind and all(
        c.co_filename == "<string>" or _installed(c.co_filename) for c in codes if c is not None
    )


def _installed(path) -> bool:
    """Whether ``path`` is a file of the Python installation or of the course library."""
    if not isinstance(path, str) or not path:
        return False
    real = os.path.realpath(path)
    return any(real.startswith(root + os.sep) for root in _roots())


@functools.lru_cache(maxsize=1)
def _roots() -> tuple[str, ...]:
    library = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, library}
    return tuple(os.path.realpath(p) for p in places)


def _untrusted(value: Any, expected: Any = None, depth: int = 0) -> type | None:
    """The first type in ``value`` (its items too) whose ``==`` the notebook defined, or None.

    An item of exactly ``expected``'s type is compared by that type's own ``==``.
    """
    kind = type(value)
    if depth > 50:  # a self-containing structure: compare it as is
        return None
    if kind is not type(expected) and not _trusted_type(kind):
        return kind
    if kind in _CONTAINERS:
        pairs = _pairs(value, expected)
        return next((t for v, e in pairs if (t := _untrusted(v, e, depth + 1))), None)
    dtype = getattr(value, "dtype", None)
    if (dtype is not None and getattr(dtype, "kind", None) == "O") or kind.__name__ in (
        "DataFrame",
        "Index",
    ):
        try:  # object arrays and tables hold Python objects: check those too
            items = value.to_numpy().ravel() if hasattr(value, "to_numpy") else value.ravel()
        except (AttributeError, TypeError, ValueError):
            return None
        return next(
            (t for v in list(items)[:10_000] if (t := _untrusted(v, None, depth + 1))), None
        )
    return None


def _pairs(value, expected) -> list:
    if isinstance(value, dict):
        other = expected if isinstance(expected, dict) else {}
        keys = [(k, None) for k in value]
        return keys + [(v, other.get(k)) for k, v in value.items()]
    if isinstance(value, (list, tuple)) and isinstance(expected, (list, tuple)):
        return list(zip(value, list(expected) + [None] * len(value), strict=False))
    return [(v, None) for v in value]


def _refuse(value: Any, expected: Any, exercise: str, what: str) -> None:
    """Fail unless every type in ``value`` compares with code the notebook did not write."""
    kind = _untrusted(value, expected)
    if kind is not None:
        that(
            False,
            exercise,
            f"{what} contains a {kind.__name__}, a class defined in the notebook (its == or "
            "other comparisons are its own code): return plain values such as numbers, strings, "
            "lists, dicts, arrays or tables",
        )


def _type_name(kind) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__


def _truth(condition: Any, exercise: str, message: str) -> bool:
    """``bool(condition)``, or a failure that says an array was given where one answer was due."""
    if isinstance(condition, bool):
        return condition
    try:
        return bool(condition)
    except (ValueError, TypeError):  # numpy/pandas: "the truth value of an array is ambiguous"
        shape = getattr(condition, "shape", None)
        raise ExerciseFailure(
            f"{exercise}: {message} (the comparison gave a {type(condition).__name__}"
            f"{f' of shape {shape}' if shape is not None else ''}, not one True/False: "
            "was an array or table returned where a single value was expected?)"
        ) from None


def that(condition: bool, exercise: str, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds.

    Parameters
    ----------
    condition : bool
        What must hold (an array is refused with a message saying one value was expected).
    exercise : str
        The exercise the feedback names, e.g. ``"Exercise 2"``.
    message : str
        What the learner reads when it does not hold.
    """
    if not _truth(condition, exercise, message):
        raise ExerciseFailure(f"{exercise}: {message}")


#: NumPy scalar types that stand for a Python type (a ``np.float32`` is a fine ``float``).
_NUMPY_KINDS = {float: "floating", int: "integer", bool: "bool_"}


def _numpy_scalar_of(value: Any, kind) -> bool:
    numpy = sys.modules.get("numpy")
    if numpy is None or type(value).__module__ != "numpy":
        return False
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return any(
        k in _NUMPY_KINDS and isinstance(value, getattr(numpy, _NUMPY_KINDS[k])) for k in kinds
    )


def instance(value: Any, kind, exercise: str, *, what: str = "the result") -> None:
    """Check ``value`` is an instance of ``kind`` (a type or tuple of types).

    A NumPy scalar counts as the Python type it stands for (``np.float32`` as ``float``,
    ``np.int64`` as ``int``, ``np.bool_`` as ``bool``).

    Parameters
    ----------
    value : object
        The learner's result.
    kind : type or tuple of types
        What it must be.
    exercise : str
        The exercise the feedback names.
    what : str, default "the result"
        How the feedback names ``value``.
    """
    if value is None:
        that(False, exercise, f"{what} is None — did you forget to `return` it?")
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if type(value) not in kinds and not any(k.__flags__ & _HEAPTYPE for k in kinds):
        _refuse(value, None, exercise, what)  # a float whose > is its own, not a tf.Module
    that(
        isinstance(value, kind) or _numpy_scalar_of(value, kind),
        exercise,
        f"{what} should be a {_type_name(kind)}, but got a {type(value).__name__}: {_short(value)}",
    )


def _same(value: Any, expected: Any) -> Any:
    """``value == expected``; element-wise results are reduced when both are arrays of one shape."""
    result = value == expected
    shape = getattr(result, "shape", None)
    if shape and getattr(value, "shape", None) == getattr(expected, "shape", None) == shape:
        return bool(result.all()) if hasattr(result, "all") else result
    return result


def equal(value: Any, expected: Any, exercise: str, *, what: str = "the result") -> None:
    """Check ``value == expected`` (arrays of the same shape: every element).

    Parameters
    ----------
    value : object
        The learner's result.
    expected : object
        The right answer (shown in the feedback).
    exercise : str
        The exercise the feedback names.
    what : str, default "the result"
        How the feedback names ``value``.
    """
    _refuse(value, expected, exercise, what)
    message = f"{what} should be {_short(expected)}, but got {_short(value)}"
    that(_same(value, expected), exercise, message)


def close(
    value: float, expected: float, exercise: str, *, what: str = "the result", tol: float = 1e-6
) -> None:
    """Check a number is within ``tol`` (absolute or relative) of ``expected``.

    NumPy scalars (``np.float32``...) and 0-d arrays are numbers here.

    Parameters
    ----------
    value : float
        The learner's number.
    expected : float
        The right number (shown in the feedback).
    exercise : str
        The exercise the feedback names.
    what : str, default "the result"
        How the feedback names ``value``.
    tol : float, default 1e-6
        The accepted absolute or relative difference.
    """
    _refuse(value, None, exercise, what)  # before any of the value's own code runs
    if getattr(value, "shape", None) == () and hasattr(value, "item"):
        value = value.item()
    instance(value, (int, float), exercise, what=what)
    that(
        math.isclose(float(value), float(expected), rel_tol=tol, abs_tol=tol),
        exercise,
        f"{what} should be about {expected:.6g}, but got {float(value):.6g}",
    )


def matches(value: Any, expected: Any, exercise: str, *, what: str = "the result") -> None:
    """Check ``value == expected`` without printing ``expected`` (for hidden tests: a failure
    says what is wrong — the kind, the length, the direction — not the answer).

    Parameters
    ----------
    value : object
        The learner's result.
    expected : object
        The right answer (never shown).
    exercise : str
        The exercise the feedback names.
    what : str, default "the result"
        How the feedback names ``value``.
    """
    if value is None and expected is not None:
        that(False, exercise, f"{what} is None — did you forget to `return` it?")
    _refuse(value, expected, exercise, what)
    if _truth(_same(value, expected), exercise, f"{what} is not the expected one"):
        return
    kinds = (type(value), type(expected))
    numbers = all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, expected)
    )
    if (
        not numbers
        and kinds[0] is not kinds[1]
        and not all(isinstance(v, (list, tuple)) for v in (value, expected))
    ):
        that(
            False,
            exercise,
            f"{what} should be a {kinds[1].__name__}, "
            f"but got a {kinds[0].__name__}: {_short(value)}",
        )
    if numbers:
        that(
            False,
            exercise,
            f"{what} is too {'high' if value > expected else 'low'}: got {_short(value)}",
        )
    if hasattr(value, "__len__") and hasattr(expected, "__len__") and not isinstance(value, str):
        if len(value) != len(expected):
            that(
                False,
                exercise,
                f"{what} should have {len(expected)} items, but got {len(value)}: {_short(value)}",
            )
    that(False, exercise, f"{what} is not the expected one: got {_short(value)}")


def near(
    value: float, expected: float, exercise: str, *, what: str = "the result", tol: float = 1e-6
) -> None:
    """:func:`close` without printing ``expected``: a failure says too high or too low.

    Parameters
    ----------
    value : float
        The learner's number.
    expected : float
        The right number (never shown).
    exercise : str
        The exercise the feedback names.
    what : str, default "the result"
        How the feedback names ``value``.
    tol : float, default 1e-6
        The accepted absolute or relative difference.
    """
    instance(value, (int, float), exercise, what=what)
    if not math.isclose(float(value), float(expected), rel_tol=tol, abs_tol=tol):
        that(
            False,
            exercise,
            f"{what} is too {'high' if value > expected else 'low'}: got {float(value):.6g}",
        )


def columns(frame, expected: Iterable[str], exercise: str, *, what: str = "the table") -> None:
    """Check a DataFrame has (at least) the ``expected`` columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        The learner's table.
    expected : iterable of str
        Columns it must have (others may be there too).
    exercise : str
        The exercise the feedback names.
    what : str, default "the table"
        How the feedback names ``frame``.
    """
    import pandas as pd

    instance(frame, pd.DataFrame, exercise, what=what)
    missing = [c for c in expected if c not in frame.columns]
    that(
        not missing,
        exercise,
        f"{what} is missing column(s) {missing}; it has {list(frame.columns)}",
    )


def passed(exercise: str) -> None:
    """Say the visible tests passed — never "all tests": hidden tests come at grading.

    Parameters
    ----------
    exercise : str
        The exercise whose visible tests passed.
    """
    print(f"{exercise}: public tests passed (hidden tests run when your lab is graded)")
