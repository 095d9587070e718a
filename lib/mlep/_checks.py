"""Input checks shared across mlep: say what was expected and what was got.

The one place for argument validation. Every public function of ``mlep`` checks its input
with these helpers before any wrapped library runs, so the rule is the same everywhere:
a wrong type raises :class:`TypeError`, a wrong value :class:`ValueError`, both worded
"<argument> must be <expected>, but got <what came>". A foreign library's error is wrapped
with :func:`foreign`, which keeps its last line and says what to do.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

from mlep.exceptions import MlepError

if TYPE_CHECKING:  # numpy loads inside the array checks: the tools environment has none
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


def seeded_rng(seed) -> np.random.Generator:
    """``np.random.default_rng(seed)`` for an integer ``seed >= 0``.

    ``None`` is refused on purpose: a generator seeded from the clock is not reproducible.

    Parameters
    ----------
    seed : int
        The seed, an integer ``>= 0``.

    Examples
    --------
    >>> seeded_rng(7).integers(100, size=3).tolist() == seeded_rng(7).integers(100, size=3).tolist()
    True
    """
    import numpy as np

    return np.random.default_rng(count(seed, "seed"))


def numbers_array(values, what: str) -> np.ndarray:
    """A non-empty 1-D float array without NaN or infinity."""
    import numpy as np

    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be a sequence of numbers, but got a string: {values!r}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must hold numbers only, but got {_preview(values)}") from None
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, but got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{what} is empty: it must hold at least one value")
    bad = ~np.isfinite(array)
    if bad.any():
        where = np.flatnonzero(bad)[:5].tolist()
        raise ValueError(
            f"{what} holds {int(bad.sum())} NaN or infinite value(s) (first at positions "
            f"{where}), but it must hold finite numbers; drop or impute them before measuring"
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


# -- types, text, choices --------------------------------------------------------------------


class ExistsError(MlepError, FileExistsError, ValueError):
    """A path that would be overwritten: both a ``FileExistsError`` and a ``ValueError``."""


class MissingFileError(MlepError, FileNotFoundError, ValueError):
    """A file to read that is not there: both a ``FileNotFoundError`` and a ``ValueError``."""


def instance(value, types, what: str, expected: str):
    """``value`` if it is an instance of ``types``; otherwise a :class:`TypeError` naming ``what``.

    ``expected`` reads as the end of "``what`` must be ...", e.g. ``"a pandas DataFrame"``.
    """
    if isinstance(value, bool) and bool not in _as_tuple(types):
        raise TypeError(f"{what} must be {expected}, but got a bool: {value!r}")
    if not isinstance(value, types):
        raise TypeError(f"{what} must be {expected}, but got {_kind(value)}")
    return value


def text(value, what: str) -> str:
    """A non-empty string (a name, a column, a path part)."""
    instance(value, str, what, "a string")
    if not value.strip():
        raise ValueError(f"{what} must be a non-empty string, but got {value!r}")
    return value


def strings(values, what: str, *, minimum: int = 1) -> list[str]:
    """A list of non-empty strings; a bare string is refused (it would be read letter by letter)."""
    if isinstance(values, (str, bytes)):
        raise TypeError(
            f"{what} must be a list of strings, but got a single string {values!r}; "
            f"wrap it in a list: [{values!r}]"
        )
    if not isinstance(values, (list, tuple, set, frozenset)) and not _is_array_like(values):
        raise TypeError(f"{what} must be a list of strings, but got {_kind(values)}")
    items = list(values)
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{what} must hold strings only, but got {_kind(item)} among them")
        if not item.strip():
            raise ValueError(f"{what} must hold non-empty strings, but got {item!r} among them")
    if len(items) < minimum:
        raise ValueError(f"{what} must hold at least {minimum} string(s), but got {len(items)}")
    return items


def sequence(values, what: str, expected: str = "a list") -> list:
    """``values`` as a list; a string, a mapping or a non-iterable is a :class:`TypeError`."""
    import sys
    from collections.abc import Iterable, Mapping

    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be {expected}, but got {_kind(values)}")
    pandas = sys.modules.get("pandas")  # a DataFrame iterates its column names
    if pandas is not None and isinstance(values, pandas.DataFrame):
        raise TypeError(f"{what} must be {expected}, but got a DataFrame; pass one column")
    return list(values)


def class_labels(values, what: str) -> list:
    """A list of class labels: numbers or strings, not lists, arrays or missing values."""
    items = sequence(values, what, "a list of classes")
    for item in items:
        if isinstance(item, (list, tuple, set, dict)) or hasattr(item, "shape") and item.shape:
            raise TypeError(f"{what} must hold single class labels, but holds {_preview(item)}")
        if label_kind(item) == "missing":
            raise ValueError(f"{what} must not hold missing values (None or NaN), but got {items}")
    return items


def one_of(value, options, what: str):
    """``value`` if it is one of ``options``; otherwise a :class:`ValueError` listing them."""
    options = list(options)
    try:
        ok = value in options
    except (TypeError, ValueError):  # unhashable, or an array/DataFrame compared element-wise
        ok = False
    if not ok:
        shown = [repr(o) for o in options]
        listed = " or ".join(shown) if len(shown) <= 2 else "one of " + ", ".join(shown)
        name = what.split()[-1] if what.split() else what
        raise ValueError(f"unknown {name} {value!r}: {what} must be {listed}, but got {value!r}")
    return value


def positive(value, what: str) -> float:
    """A finite number ``> 0`` (a scale, a width, a timeout)."""
    number = real(value, what)
    if number <= 0:
        raise ValueError(f"{what} must be > 0, but got {number}")
    return number


def interval(low, high, what_low: str, what_high: str) -> tuple[float, float]:
    """Two finite numbers with ``low < high`` (a range, two percentiles)."""
    low, high = real(low, what_low), real(high, what_high)
    if not low < high:
        raise ValueError(f"{what_low} must be below {what_high}, but got {low} and {high}")
    return low, high


# -- tables and labels -----------------------------------------------------------------------


def frame(value, what: str, *, columns=(), non_empty: bool = True):
    """A pandas DataFrame holding ``columns``, with at least one row (by default)."""
    import pandas as pd

    instance(value, pd.DataFrame, what, "a pandas DataFrame")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(
            f"{what} must have the column(s) {missing}, but got columns {list(value.columns)}"
        )
    if non_empty and value.empty:
        raise ValueError(f"{what} must have at least one row, but got an empty table")
    return value


def finite_frame(value, what: str, *, columns=None) -> None:
    """The numeric columns of a DataFrame (or ``columns``) hold no NaN or infinity."""
    import numpy as np
    import pandas as pd

    table = value if columns is None else value[list(columns)]
    numeric = table.select_dtypes(include="number")
    if numeric.empty:
        return
    values = numeric.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        rows, cols = np.nonzero(bad)
        where = sorted({str(numeric.columns[c]) for c in cols})[:5]
        kind = "infinite" if np.isinf(values[bad]).all() else "NaN or infinite"
        raise ValueError(
            f"{what} must hold finite numbers, but holds {int(bad.sum())} {kind} "
            f"value(s) in column(s) {where} "
            f"(first at row {pd.Index(numeric.index)[rows[0]]!r}); drop or impute them first"
        )


def finite_array(values, what: str, *, ndim: int | None = None) -> np.ndarray:
    """A non-empty numeric array (any shape, or ``ndim``) without NaN or infinity."""
    import numpy as np

    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be an array of numbers, but got a string: {values!r}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must hold numbers only, but got {_preview(values)}") from None
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{what} must be {ndim}-dimensional, but got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{what} must not be empty, but got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            f"{what} must hold finite numbers, but got {int(bad.sum())} NaN or infinite "
            f"value(s); drop or impute them first"
        )
    return array


def labels(values, what: str) -> np.ndarray:
    """A non-empty 1-D array of class labels, all numbers or all strings (not a mix), no NaN.

    Returned with its natural dtype (int, float or str), ready for scikit-learn.
    """
    import numpy as np

    if isinstance(values, (str, bytes)):
        raise TypeError(f"{what} must be a sequence of labels, but got a string: {values!r}")
    array = np.asarray(
        list(values) if isinstance(values, (set, frozenset)) else values, dtype=object
    )
    if array.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, but got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{what} must hold at least one label, but got none")
    kinds = {label_kind(item) for item in array}
    if "missing" in kinds:
        raise ValueError(f"{what} must not hold missing labels (None or NaN); drop those items")
    if len(kinds) > 1:
        raise TypeError(
            f"{what} must hold labels of one kind, but got a mix of {sorted(kinds)} "
            f"(e.g. 1 and '1' are different labels); convert them to one type"
        )
    return np.asarray(array.tolist())  # back to a numeric or string dtype


def same_label_kind(a: np.ndarray, b: np.ndarray, what_a: str, what_b: str) -> None:
    """Two label arrays compared item by item hold the same kind of label (numbers vs text)."""
    kind_a, kind_b = label_kind(a[0]), label_kind(b[0])
    if kind_a != kind_b:
        raise TypeError(
            f"{what_a} and {what_b} must hold the same kind of label, but got {kind_a} labels "
            f"({a[0]!r}) and {kind_b} labels ({b[0]!r}); 1 and '1' would never agree"
        )


def one_label_kind(values, what: str) -> None:
    """Labels of one kind: 1 and "1" are different classes (scikit-learn refuses the mix)."""
    kinds: dict[str, object] = {}
    for value in values:
        kinds.setdefault(label_kind(value), value)
    kinds.pop("missing", None)
    if len(kinds) > 1:
        shown = ", ".join(f"{kind} ({value!r})" for kind, value in sorted(kinds.items()))
        raise TypeError(
            f"{what} must hold labels of one kind, but got a mix: {shown}; 1 and '1' never "
            "agree, so convert them to one type first (e.g. .astype(str))"
        )


def label_kind(item) -> str:
    """The kind of one label: "number", "text", "boolean", "missing" or its type name."""
    import numpy as np
    import pandas as pd

    if item is None or item is pd.NA or item is pd.NaT:
        return "missing"
    if isinstance(item, (float, np.floating)) and math.isnan(item):
        return "missing"
    if isinstance(item, (str, np.str_)):
        return "text"
    if isinstance(item, (bool, np.bool_)):
        return "boolean"
    if isinstance(item, (numbers.Number, np.number)):
        if isinstance(item, (float, np.floating)) and math.isnan(item):
            return "missing"
        return "number"
    return type(item).__name__


# -- files and foreign errors ----------------------------------------------------------------


def new_path(path, what: str, *, overwrite: bool = False):
    """A path that does not exist yet, unless ``overwrite``: never replace a file silently."""
    from pathlib import Path

    instance(path, (str, Path), what, "a path (str or pathlib.Path)")
    target = Path(path)
    if target.exists() and not overwrite:
        raise ExistsError(
            f"{what} must not exist yet, but {str(target)!r} already does; pass "
            f"overwrite=True to replace it, or choose another path"
        )
    return target


def foreign(error: BaseException, what: str, todo: str, kind: type[Exception] = ValueError):
    """A clear ``kind`` error saying what failed and what to do, built from a library's error.

    Use as ``raise foreign(error, "...", "...") from error``; only the library error's last
    line is kept (its traceback stays on ``__cause__``).
    """
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    detail = lines[-1].strip() if lines else type(error).__name__
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return kind(f"{what}: {detail} ({type(error).__name__}); {todo}")


def _kind(value) -> str:
    return f"a {type(value).__name__}: {_preview(value)}"


def _as_tuple(types) -> tuple:
    return types if isinstance(types, tuple) else (types,)


def _is_array_like(values) -> bool:
    return hasattr(values, "__array__") or hasattr(values, "tolist")
