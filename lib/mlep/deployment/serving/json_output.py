"""Tensors and results → JSON answers, printed as TF Serving prints them (``json_tensor.cc``).

* float32 values are written with six significant digits when that reads back as the same
  float32, else with nine (``2.05``, not the float64 widening ``2.049999952316284``); whole numbers
  get a trailing ``.0``;
* ``NaN``, ``Infinity`` and ``-Infinity`` are written as those tokens;
* string outputs are JSON strings, except outputs whose name ends in ``_bytes``, which are
  written as ``{"b64": "..."}``;
* row format (``"predictions"``) splits every output along its first (batch) dimension, one item
  per instance (one object per instance when there are several outputs); columnar format
  (``"outputs"``) writes each output whole.
"""

import base64
import json
import math
from typing import Any

import numpy as np

from .errors import invalid

__all__ = ["dumps", "format_float", "predict_json"]


def format_float(value: float, float32: bool = True) -> str:
    """``value`` as TF Serving writes a float (``WriteDecimal``).

    Parameters
    ----------
    value : float
        The number.
    float32 : bool
        Whether it is a float32 (six significant digits, else nine) or a double (else 17).

    Examples
    --------
    >>> format_float(float(np.float32(2.05))), format_float(9000000.0), format_float(float("nan"))
    ('2.05', '9e+06', 'NaN')
    """
    if value != value:
        return "NaN"
    if math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"
    text = f"{value:g}"
    back = float(np.float32(text)) if float32 else float(text)
    if back != value:
        text = f"{value:.9g}" if float32 else f"{value:.17g}"
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def _float32_list(array: np.ndarray) -> Any:
    """A float32 (or float16) array as nested lists of floats that print as TF Serving's."""
    flat = array.astype(np.float32).ravel()
    wide = flat.astype(np.float64)
    short = np.array([f"{x:g}" for x in wide.tolist()]) if flat.size else np.array([], dtype=str)
    values = short.astype(np.float64)
    wrong = ~((short.astype(np.float32) == flat) | ~np.isfinite(flat))
    for index in np.flatnonzero(wrong):
        values[index] = float(f"{wide[index]:.9g}")
    return values.reshape(array.shape).tolist()


def _bytes_list(array: np.ndarray, as_b64: bool) -> Any:
    def one(value: Any) -> Any:
        raw = value if isinstance(value, bytes) else str(value).encode()
        if as_b64:
            return {"b64": base64.b64encode(raw).decode("ascii")}
        return raw.decode("utf-8", "replace")

    if array.ndim == 0:
        return one(array.item())
    return np.vectorize(one, otypes=[object])(array).tolist()


def tensor_json(name: str, array: np.ndarray) -> Any:
    """One output tensor as a JSON-ready value."""
    kind = array.dtype.kind
    if kind == "f" and array.dtype.itemsize <= 4:
        return _float32_list(array)
    if kind in "fiub":
        return array.tolist()
    if kind in "OSU":
        return _bytes_list(array, name.endswith("_bytes"))
    raise invalid(f"Failed to write JSON value for tensor type: {_tf_type(array)}")


def _tf_type(array: np.ndarray) -> str:
    return {"complex64": "complex64", "complex128": "complex128"}.get(
        array.dtype.name, array.dtype.name
    )


def predict_json(outputs: dict[str, np.ndarray], form: str) -> dict:
    """The ``:predict`` answer for ``outputs`` in ``form``.

    Parameters
    ----------
    outputs : dict
        Output name → NumPy array.
    form : str
        ``"row"`` (``{"predictions": ...}``) or ``"columnar"`` (``{"outputs": ...}``).
    """
    if not outputs:
        raise invalid("Cannot convert empty tensor map to JSON")
    names = sorted(outputs)
    if form == "columnar":
        if len(names) == 1:
            return {"outputs": tensor_json(names[0], outputs[names[0]])}
        return {"outputs": {name: tensor_json(name, outputs[name]) for name in names}}
    batch = -1
    for name in names:
        shape = outputs[name].shape
        if not shape:
            raise invalid(f"Tensor name: {name} has no shape information ")
        if batch >= 0 and shape[0] != batch:
            raise invalid(
                f"Tensor name: {name} has inconsistent batch size: {shape[0]} expecting: {batch}"
            )
        batch = shape[0]
    if len(names) == 1:
        return {"predictions": tensor_json(names[0], outputs[names[0]])}
    columns = {name: tensor_json(name, outputs[name]) for name in names}
    return {"predictions": [{name: columns[name][i] for name in names} for i in range(batch)]}


def classification_json(labels: Any, scores: Any) -> dict:
    """``{"results": [[[label, score], ...], ...]}`` from the classes and scores outputs."""
    rows = []
    count = len(labels) if labels is not None else len(scores)
    for i in range(count):
        width = len(labels[i]) if labels is not None else len(scores[i])
        rows.append(
            [
                [
                    labels[i][c] if labels is not None else "",
                    scores[i][c] if scores is not None else 0.0,
                ]
                for c in range(width)
            ]
        )
    if not rows:
        raise invalid("Cannot convert empty ClassificationResults to JSON")
    return {"results": rows}


def regression_json(values: list) -> dict:
    """``{"results": [value, ...]}``."""
    if not values:
        raise invalid("Cannot convert empty RegressionResults to JSON")
    return {"results": values}


def dumps(answer: Any) -> bytes:
    """The answer's JSON text (``NaN``/``Infinity`` tokens where needed).

    Parameters
    ----------
    answer : Any
        A JSON-ready value (dicts, lists, numbers, strings).
    """
    import orjson

    try:
        text = orjson.dumps(answer)
    except TypeError:
        text = None
    if text is not None and b"null" not in text:
        return text
    # orjson writes NaN and infinities as null: only then take the slower standard writer
    if text is not None and not _has_non_finite(answer):
        return text
    return json.dumps(answer, allow_nan=True, ensure_ascii=False).encode("utf-8")


def _has_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    return False
