"""JSON request bodies → tensors, by TF Serving's rules.

The rules are those of ``tensorflow_serving/util/json_tensor.cc``:

* the body is one JSON object; ``NaN``, ``Infinity`` and ``-Infinity`` are accepted for floats;
* ``"instances"`` (row format: a list, one item per batch element; objects name the inputs) or
  ``"inputs"`` (columnar: one value, or an object of named values), never both;
* each value is a dense nested list; its shape is read from the first element at each level and
  every other list must match it; the shape itself is left to the model's graph;
* JSON types must fit the input's dtype exactly: integers for int tensors (in range), numbers for
  float tensors (without losing precision: 16777217 is not a float32), ``true``/``false`` for
  bool, strings or ``{"b64": "..."}`` for strings. Anything else is a 400 with TF's message.

Classify/regress bodies become ``tf.Example`` records in
:mod:`~mlep.deployment.serving.json_examples`.
"""

import base64
import binascii
import json
import math
from typing import Any

import numpy as np

from .errors import invalid

# the API; the helpers json_fast and json_examples share (DTYPES, INT_RANGES, FLOAT32_MAX,
# decode_b64, lossy, type_error, type_name, is_element_object, tensor_from_json, to_array) are
# public names too, documented where they are defined
__all__ = [
    "JsonBody",
    "json_value_to_string",
    "parse_json",
    "predict_inputs_from_json",
    "signature_name",
]

# DataType enum → (TF's DataTypeString name, numpy dtype or None for strings)
DTYPES = {
    1: ("float", np.float32),
    2: ("double", np.float64),
    3: ("int32", np.int32),
    4: ("uint8", np.uint8),
    5: ("int16", np.int16),
    6: ("int8", np.int8),
    7: ("string", None),
    9: ("int64", np.int64),
    10: ("bool", np.bool_),
    19: ("half", np.float16),
    22: ("uint32", np.uint32),
    23: ("uint64", np.uint64),
}
INT_RANGES = {
    3: (-(2**31), 2**31 - 1),
    4: (0, 255),
    5: (-(2**15), 2**15 - 1),
    6: (-128, 127),
    9: (-(2**63), 2**63 - 1),
    22: (0, 2**32 - 1),
    23: (0, 2**64 - 1),
}
_FLOAT_EXACT = {1: 2**24 - 1, 2: 2**53 - 1, 19: 2**11 - 1}  # largest exactly held integer
FLOAT32_MAX = float(np.finfo(np.float32).max)


class JsonBody(dict):
    """A parsed request body that remembers whether its text holds ``true``/``false`` tokens.

    Without them, numeric tensors can be converted by NumPy in one step (NumPy would silently
    read ``true`` as 1, which TF Serving refuses for numbers).
    """

    may_have_bools = True


def parse_json(raw: bytes) -> dict:
    """The request body as a JSON object (``NaN``/``Infinity`` allowed), or a 400.

    Parameters
    ----------
    raw : bytes
        The request body (already gunzipped).

    Returns
    -------
    JsonBody
        The top-level object.
    """
    if not raw.strip():
        raise invalid("JSON Parse error: The document is empty")
    try:
        import orjson

        doc = orjson.loads(raw)
    except Exception:  # noqa: BLE001 - orjson refuses NaN/Infinity; the standard parser decides
        doc = _parse_slowly(raw)
    if not isinstance(doc, dict):
        raise invalid(f"JSON Value: {json_value_to_string(doc)} Is not object")
    body = JsonBody(doc)
    body.may_have_bools = b"true" in raw or b"false" in raw
    return body


def _parse_slowly(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise invalid(
            f"JSON Parse error: Invalid encoding in string. at offset: {error.start}"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise invalid(f"JSON Parse error: {error.msg}. at offset: {error.pos}") from None
    except RecursionError:
        raise invalid("JSON Parse error: the document is nested too deeply. at offset: 0") from None


def signature_name(doc: dict) -> str:
    """The optional ``signature_name`` (``""`` when absent); a non-string is a 400.

    Parameters
    ----------
    doc : dict
        The parsed request body.
    """
    name = doc.get("signature_name", "")
    if not isinstance(name, str):
        raise invalid(
            f"JSON Value: {json_value_to_string(doc)} not formatted correctly. "
            "'signature_name' key must be a string value."
        )
    return name


def json_value_to_string(value: Any) -> str:
    """A JSON value as TF Serving prints it in error messages.

    Parameters
    ----------
    value : Any
        A parsed JSON value.
    """
    if isinstance(value, float):
        from .json_output import format_float

        fits = not math.isfinite(value) or (
            abs(value) <= FLOAT32_MAX and float(np.float32(value)) == value
        )
        return format_float(value, float32=fits)
    try:
        return json.dumps(value, indent=4, ensure_ascii=False, allow_nan=True)
    except (ValueError, RecursionError):
        return repr(value)


def type_name(value: Any) -> str:
    if value is None:
        return "Null"
    if value is True:
        return "True"
    if value is False:
        return "False"
    return {dict: "Object", list: "Array", str: "String"}.get(type(value), "Number")


def type_error(value: Any, dtype: int):
    return invalid(
        f"JSON Value: {json_value_to_string(value)} Type: {type_name(value)} "
        f"is not of expected type: {DTYPES[dtype][0]}"
    )


def decode_b64(value: Any) -> bytes:
    if not (isinstance(value, dict) and len(value) == 1 and isinstance(value.get("b64"), str)):
        raise invalid(
            f"JSON Value: {json_value_to_string(value)} not formatted correctly for base64 data"
        )
    try:
        return base64.b64decode(value["b64"], validate=True)
    except (binascii.Error, ValueError):
        raise invalid("Unable to base64 decode") from None


def _convert_leaf(value: Any, dtype: int) -> Any:
    """One JSON scalar as a value of ``dtype`` (raises TF's errors)."""
    kind = type(value)
    if dtype == 7:
        if kind is str:
            return value.encode("utf-8", "surrogatepass")
        if kind is dict:
            return decode_b64(value)
        raise type_error(value, dtype)
    if kind is dict:
        raise type_error(value, dtype)
    if dtype == 10:
        if kind is bool:
            return value
        raise type_error(value, dtype)
    if dtype in _FLOAT_EXACT:
        if kind is float:
            if dtype == 1 and math.isfinite(value) and abs(value) > FLOAT32_MAX:
                raise lossy(value, "float")
            return value
        if kind is int:
            if abs(value) > _FLOAT_EXACT[dtype]:
                raise lossy(value, "float" if dtype != 2 else "double")
            return value
        raise type_error(value, dtype)
    if dtype in INT_RANGES:
        low, high = INT_RANGES[dtype]
        if kind is int and low <= value <= high:
            return value
        raise type_error(value, dtype)
    raise invalid(
        f"Conversion of JSON Value: {json_value_to_string(value)} to type: "
        f"{DTYPES.get(dtype, ('DT_' + str(dtype), None))[0]}"
    )


def lossy(value: Any, target: str):
    return invalid(
        f"Cannot convert JSON value: {json_value_to_string(value)} to {target} "
        "without loss of precision."
    )


def _dense_shape(value: Any) -> list[int]:
    shape = []
    while type(value) is list:
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return shape


_FAST_TYPES = {
    1: {int, float},
    2: {int, float},
    19: {int, float},
    10: {bool},
    7: {str},
}


def _fill(value: Any, level: int, shape: list[int], dtype: int, out: list) -> None:
    rank = len(shape)
    if type(value) is not list:
        if level != rank:
            raise invalid(
                f"JSON Value: {json_value_to_string(value)} found at incorrect level: "
                f"{level + 1} in the JSON DOM. Expected at level: {rank}"
            )
        out.append(_convert_leaf(value, dtype))
        return
    if level >= rank:
        raise invalid(f"Encountered list at unexpected level: {level} expected < {rank}")
    if len(value) != shape[level]:
        raise invalid(
            f"Encountered list at unexpected size: {len(value)} at level: {level} "
            f"expected size: {shape[level]}"
        )
    if level == rank - 1 and _leaves_ok(value, dtype):
        out.extend(value)
        return
    for item in value:
        _fill(item, level + 1, shape, dtype, out)


def _leaves_ok(values: list, dtype: int) -> bool:
    """Whether a list of leaves needs no per-value check (the common, fast case)."""
    kinds = set(map(type, values))
    allowed = _FAST_TYPES.get(dtype)
    if allowed is not None:
        if not kinds <= allowed:
            return False
        if dtype == 7:
            return False  # strings are encoded one by one
        # one C-level pass; NaN or anything large takes the exact, per-value path
        limit = _FLOAT_EXACT[dtype] if int in kinds else FLOAT32_MAX
        return max(map(abs, values)) <= min(limit, FLOAT32_MAX) if values else True
    if dtype in INT_RANGES and kinds == {int}:
        low, high = INT_RANGES[dtype]
        return low <= min(values) and max(values) <= high
    return False


def tensor_from_json(value: Any, dtype: int) -> tuple[list[int], list]:
    """The shape and flat values of one JSON tensor value (TF's ``FillTensorProto``)."""
    shape = _dense_shape(value)
    out: list = []
    _fill(value, 0, shape, dtype, out)
    return shape, out


def to_array(shape: list[int], values: list, dtype: int) -> np.ndarray:
    """Flat values → a numpy array of ``dtype`` and ``shape``."""
    numpy_dtype = DTYPES[dtype][1]
    if numpy_dtype is None:
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return array.reshape(shape)
    return np.asarray(values, dtype=numpy_dtype).reshape(shape)


def is_element_object(value: Any) -> bool:
    return type(value) is dict and not (len(value) == 1 and isinstance(value.get("b64"), str))


def predict_inputs_from_json(doc: dict, infos: dict[str, int]) -> tuple[dict, str]:
    """The input arrays of a ``:predict`` body and its format (``"row"`` or ``"columnar"``).

    Parameters
    ----------
    doc : dict
        The parsed body (a :class:`JsonBody` enables the NumPy fast path).
    infos : dict
        Each signature input → its DataType enum (1 = DT_FLOAT, 7 = DT_STRING...).

    Returns
    -------
    tuple
        ``(inputs, form)``: input name → NumPy array, and ``"row"`` or ``"columnar"``.
    """
    from .json_fast import fast_inputs, fast_instances

    has_instances, has_inputs = "instances" in doc, "inputs" in doc
    if has_instances and has_inputs:
        raise invalid(
            f"JSON Value: {json_value_to_string(doc)} Not formatted correctly expecting only "
            "one of 'inputs' or 'instances' keys to exist "
        )
    if has_instances:
        rows = doc["instances"]
        if type(rows) is not list:
            raise invalid(
                f"JSON Value: {json_value_to_string(doc)} Excepting 'instances' to be an list/array"
            )
        if not rows:
            raise invalid(f"JSON Value: {json_value_to_string(doc)} No values in 'instances' array")
        fast = not getattr(doc, "may_have_bools", True)
        return (fast and fast_instances(rows, infos)) or _from_instances(rows, infos), "row"
    if has_inputs:
        fast = not getattr(doc, "may_have_bools", True)
        return (fast and fast_inputs(doc["inputs"], infos)) or _from_inputs(
            doc["inputs"], infos
        ), "columnar"
    raise invalid("Missing 'inputs' or 'instances' key")


def _from_instances(rows: list, infos: dict[str, int]) -> dict:
    if type(rows[0]) is not dict and len(infos) > 1:
        raise invalid(
            "instances is a plain list, but expecting list of objects as multiple input "
            "tensors required as per tensorinfo_map"
        )
    objects = is_element_object(rows[0])
    first = sorted(infos)[0]
    shapes: dict[str, list[int]] = {}
    values: dict[str, list] = {}
    for index, row in enumerate(rows):
        if objects:
            if not is_element_object(row):
                raise invalid(f"Expecting object but got list at item {index} of input list")
            for name, item in row.items():
                try:
                    _add_instance_item(item, name, infos, shapes, values)
                except Exception as error:  # noqa: BLE001 - re-raised with TF's context
                    raise invalid(
                        f"Failed to process element: {index} key: {name} of 'instances' list. "
                        f"Error: INVALID_ARGUMENT: {error}"
                    ) from None
            if set(row) != set(infos):
                raise invalid(
                    f"Failed to process element: {index} of 'instances' list. JSON object: "
                    f"{json_value_to_string(row)} keys must be equal to: {','.join(sorted(infos))}"
                )
        else:
            if is_element_object(row):
                raise invalid(f"Expecting value/list but got object at item {index} of input list")
            try:
                _add_instance_item(row, first, infos, shapes, values)
            except Exception as error:  # noqa: BLE001 - re-raised with TF's context
                raise invalid(
                    f"Failed to process element: {index} of 'instances' list. "
                    f"Error: INVALID_ARGUMENT: {error}"
                ) from None
    return {
        name: to_array([len(rows), *shapes[name]], values[name], infos[name]) for name in values
    }


def _add_instance_item(item, name, infos, shapes, values) -> None:
    if name not in infos:
        raise invalid(f"JSON object: does not have named input: {name}")
    shape, flat = tensor_from_json(item, infos[name])
    if name not in shapes:
        shapes[name], values[name] = shape, flat
        return
    expected = shapes[name]
    if math.prod(expected) != len(flat):
        raise invalid(f"Expecting tensor size: {math.prod(expected)} but got: {len(flat)}")
    if expected != shape:
        raise invalid(
            f"Expecting shape [{','.join(map(str, expected))}] but got: "
            f"[{','.join(map(str, shape))}]"
        )
    values[name].extend(flat)


def _from_inputs(value: Any, infos: dict[str, int]) -> dict:
    if not is_element_object(value):
        if len(infos) > 1:
            raise invalid(
                "inputs is a plain value/list, but expecting an object as multiple input "
                "tensors required as per tensorinfo_map"
            )
        name = next(iter(infos))
        return {name: to_array(*tensor_from_json(value, infos[name]), infos[name])}
    arrays = {}
    for name in sorted(infos):
        if name not in value:
            raise invalid(f"Missing named input: {name} in 'inputs' object.")
        arrays[name] = to_array(*tensor_from_json(value[name], infos[name]), infos[name])
    return arrays
