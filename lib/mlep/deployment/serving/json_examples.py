"""Classify and regress bodies → ``tf.Example`` records, by TF Serving's rules (``json_tensor.cc``).

Each example is a JSON object of features; a feature is a value or a list of values, all of one
kind: strings and ``{"b64": ...}`` make a ``bytes_list``, decimals a ``float_list``, integers and
``true``/``false`` an ``int64_list``. ``null``, nested lists and other objects are refused, and so
is a mix of kinds within a feature. ``context`` holds features shared by every example.
"""

import math
from typing import Any

from .errors import invalid
from .json_tensor import FLOAT32_MAX, decode_b64, json_value_to_string, lossy, type_error, type_name

__all__ = ["examples_from_json"]


def examples_from_json(doc: dict, method: str) -> list[bytes]:
    """A classify/regress body → serialized ``tf.Example`` records, ``context`` merged in.

    Parameters
    ----------
    doc : dict
        The parsed body, with ``examples`` and optionally ``context``.
    method : str
        Named in the error when ``examples`` is missing (TF Serving always says ``classify``).

    Notes
    -----
    TF Serving concatenates the serialized context and each example, so a feature in an
    example replaces the context's feature of the same name.
    """
    context = b""
    if "context" in doc:
        context = _example(doc["context"]).SerializeToString()
    if "examples" not in doc:
        raise invalid(
            f"JSON Value: {json_value_to_string(doc)} When method is {method}, key 'examples' "
            "is expected and was not found"
        )
    examples = doc["examples"]
    if type(examples) is not list:
        raise invalid(
            f"JSON Value: {json_value_to_string(doc)} "
            "Expecting 'examples' value to be an list/array"
        )
    if not examples:
        raise invalid(f"JSON Value: {json_value_to_string(doc)} 'examples' value is an empty array")
    merged = [context + _example(example).SerializeToString() for example in examples]
    # concatenated protos merge; re-serialize so the model sees one canonical record each
    from tensorflow.core.example import example_pb2

    return [example_pb2.Example.FromString(record).SerializeToString() for record in merged]


def _example(value: Any):
    from tensorflow.core.example import example_pb2

    if type(value) is not dict:
        raise invalid(f"Example must be JSON object but got JSON {type_name(value)}")
    example = example_pb2.Example()
    for name, content in value.items():
        feature = example.features.feature[name]
        for item in content if type(content) is list else [content]:
            _add_to_feature(item, name, feature)
    return example


def _add_to_feature(value: Any, name: str, feature) -> None:
    kind = type(value)
    if value is None or kind is list or (kind is dict and not _is_b64(value)):
        raise invalid(f"Feature: {name} has element with unexpected JSON type: {type_name(value)}")
    if kind is bool:
        _feature_kind(feature, "int64_list", name).value.append(int(value))
    elif kind is dict:
        _feature_kind(feature, "bytes_list", name).value.append(decode_b64(value))
    elif kind is str:
        _feature_kind(feature, "bytes_list", name).value.append(
            value.encode("utf-8", "surrogatepass")
        )
    elif kind is float:
        if math.isfinite(value) and abs(value) > FLOAT32_MAX:
            raise lossy(value, "float")
        _feature_kind(feature, "float_list", name).value.append(value)
    else:
        if value > 2**63 - 1:
            raise invalid(f"Feature: {name} has uint64 element. Only int64 is supported.")
        if value < -(2**63):
            raise type_error(value, 9)
        _feature_kind(feature, "int64_list", name).value.append(value)


def _is_b64(value: dict) -> bool:
    return len(value) == 1 and isinstance(value.get("b64"), str)


def _feature_kind(feature, kind: str, name: str):
    current = feature.WhichOneof("kind")
    if current is not None and current != kind:
        raise invalid(
            f"Unexpected element type in feature: {name} expecting type: "
            f"{current.replace('_list', '')}"
        )
    return getattr(feature, kind)
