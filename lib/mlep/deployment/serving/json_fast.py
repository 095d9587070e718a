"""A fast path for the common request: plain numbers for float or int tensors.

:mod:`~mlep.deployment.serving.json_tensor` checks every JSON value by TF Serving's rules, in
Python. When a body holds no ``true``/``false`` token and NumPy reads a tensor as a dense int or
float array whose values are small enough that no lossless or range check can fail, NumPy's
one-step conversion gives exactly what those rules give, an order of magnitude faster. Anything
else returns None and takes the exact path (which also writes TF Serving's error messages).
"""

from typing import Any

import numpy as np

from .json_tensor import DTYPES, INT_RANGES, is_element_object

__all__ = ["fast_array"]

_NUMPY_LIMITS = {1: 2**24 - 1, 2: 2**53 - 1}


def fast_array(value: Any, dtype: int) -> np.ndarray | None:
    """``value`` converted by NumPy in one step when that is surely what TF's rules give.

    Parameters
    ----------
    value : Any
        One tensor's JSON value (nested lists of numbers).
    dtype : int
        The input's DataType enum.

    Notes
    -----
    Only for float/int tensors of plain numbers (no booleans in the body): anything NumPy does
    not read as a dense int/float array, or any number large enough to need the exact
    lossless/range checks, returns None and takes the exact path.
    """
    if dtype not in _NUMPY_LIMITS and dtype not in INT_RANGES:
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError, OverflowError):
        return None
    kind = array.dtype.kind
    if dtype in _NUMPY_LIMITS:
        if kind not in "fi" or (array.size and not np.abs(array).max() <= _NUMPY_LIMITS[dtype]):
            return None
    elif kind != "i" or (
        array.size
        and not (INT_RANGES[dtype][0] <= array.min() and array.max() <= INT_RANGES[dtype][1])
    ):
        return None
    return array.astype(DTYPES[dtype][1], copy=False)


def fast_instances(rows: list, infos: dict[str, int]) -> dict | None:
    if not is_element_object(rows[0]):
        if len(infos) != 1 or any(type(r) is dict for r in rows):
            return None
        name = next(iter(infos))
        array = fast_array(rows, infos[name])
        return None if array is None or array.ndim == 0 else {name: array}
    names = set(infos)
    if not all(type(r) is dict and r.keys() == names for r in rows):
        return None
    arrays = {}
    for name in infos:
        array = fast_array([r[name] for r in rows], infos[name])
        if array is None:
            return None
        arrays[name] = array
    return arrays


def fast_inputs(value: Any, infos: dict[str, int]) -> dict | None:
    if not is_element_object(value):
        return None if len(infos) != 1 else _column(value, next(iter(infos)), infos)
    arrays = {}
    for name in infos:
        column = _column(value[name], name, infos) if name in value else None
        if column is None:
            return None
        arrays.update(column)
    return arrays


def _column(value: Any, name: str, infos: dict[str, int]) -> dict | None:
    array = fast_array(value, infos[name])
    return None if array is None else {name: array}
