"""Between gRPC and the server: TF Serving's request protos in, its answer protos out.

Part of the gRPC side of :mod:`mlep.deployment.serving` (:mod:`~mlep.deployment.serving.grpc`
runs the services): reading a ``ModelSpec``, a ``TensorProto`` or an ``Input`` of examples as
TF Serving does, filling ``TensorProto``, ``ModelSpec`` and classification/regression results,
and TF's status codes as gRPC codes.
"""

import math

import numpy as np

from .errors import ServingError, invalid
from .server import ModelServer

__all__ = [
    "check_dtypes",
    "fill_classification",
    "fill_model_spec",
    "fill_regression",
    "grpc_status",
    "model_spec_of",
    "proto_array",
    "request_examples",
    "resolve_servable",
    "spec_target",
    "tensor_proto",
]

# TensorFlow codes a model run can raise that are 5xx in TF Serving; caused by a request's
# tensors, they are the client's to fix, so they are answered INVALID_ARGUMENT here
_REQUEST_CAUSED = {"UNKNOWN", "INTERNAL", "DATA_LOSS"}

_FIELDS = {  # DataType enum name -> the TensorProto field TF Serving fills (AsProtoField)
    "DT_FLOAT": "float_val",
    "DT_DOUBLE": "double_val",
    "DT_INT32": "int_val",
    "DT_INT16": "int_val",
    "DT_INT8": "int_val",
    "DT_UINT8": "int_val",
    "DT_UINT16": "int_val",
    "DT_INT64": "int64_val",
    "DT_UINT32": "uint32_val",
    "DT_UINT64": "uint64_val",
    "DT_BOOL": "bool_val",
    "DT_STRING": "string_val",
}


def grpc_status(error: ServingError):
    """The ``grpc.StatusCode`` for a :class:`ServingError` (its TensorFlow code, by name).

    Parameters
    ----------
    error : ServingError
        The error; its ``code`` is a TensorFlow status code name such as ``"NOT_FOUND"``.
        ``UNKNOWN``, ``INTERNAL`` and ``DATA_LOSS`` (raised by a model run on a request's
        tensors) become ``INVALID_ARGUMENT``.

    Returns
    -------
    grpc.StatusCode
    """
    import grpc

    code = error.code if error.code not in _REQUEST_CAUSED else "INVALID_ARGUMENT"
    return getattr(grpc.StatusCode, code, grpc.StatusCode.INVALID_ARGUMENT)


# -- requests -> the server's terms ---------------------------------------------------------


def model_spec_of(request, field: str = "model_spec"):
    """``(name, version, label, signature)`` of a request's ModelSpec (ServerCore's rules).

    Parameters
    ----------
    request : protobuf message
        A TF Serving request.
    field : str, default "model_spec"
        The request's ModelSpec field.
    """
    if not request.HasField(field):
        raise invalid("Missing ModelSpec")
    return spec_target(getattr(request, field))


def spec_target(spec):
    """``(name, version, label, signature)`` of a ``ModelSpec``; a nameless one is refused.

    Parameters
    ----------
    spec : tensorflow_serving.apis.model_pb2.ModelSpec
        The spec to read.
    """
    if not spec.name:
        raise invalid("ModelSpec has no name specified.")
    choice = spec.WhichOneof("version_choice")
    version = spec.version.value if choice == "version" else None
    label = spec.version_label if choice == "version_label" else None
    return spec.name, version, label, spec.signature_name


def resolve_servable(server: ModelServer, name: str, version, label, key: bytes):
    """The servable a request reaches: its version or label, else the traffic split's choice.

    Parameters
    ----------
    server : ModelServer
        The server holding the models.
    name : str
        The model's name.
    version : int or None
        The version asked for.
    label : str or None
        The version label asked for.
    key : bytes
        What the traffic split hashes when neither is given.
    """
    if version is None and label is None:
        version = server.split_version(name, key.decode("latin-1"))
    return server.resolve(name, version, label)


def proto_array(proto, alias: str, limit: int) -> np.ndarray:
    """A TensorProto as an array, or TF Serving's ``tensor parsing error``.

    Parameters
    ----------
    proto : tensorflow.TensorProto
        The tensor sent.
    alias : str
        Its input name (for the error).
    limit : int
        The most elements accepted.
    """
    from tensorflow.python.framework import tensor_util

    dims = [d.size for d in proto.tensor_shape.dim]
    if min(dims, default=0) < 0 or math.prod(dims) > limit:
        raise invalid(f"tensor parsing error: {alias}")
    try:
        return tensor_util.MakeNdarray(proto)
    except Exception:  # noqa: BLE001 - any proto TF cannot read is the request's mistake
        raise invalid(f"tensor parsing error: {alias}") from None


def _dtype_name(enum: int) -> str:
    from tensorflow.core.framework import types_pb2

    return types_pb2.DataType.Name(enum)


def check_dtypes(sig, inputs: dict, protos) -> None:
    """TF's feed check: ``Expects arg[i] to be float but string is provided``.

    Parameters
    ----------
    sig : signature
        The servable's signature.
    inputs : dict
        Input name → the array sent.
    protos : mapping
        Input name → the TensorProto sent.
    """
    for index, alias in enumerate(sorted(inputs)):
        want, got = sig.inputs[alias].dtype, protos[alias].dtype
        if want != got:
            raise invalid(
                f"Expects arg[{index}] to be {_dtype_name(want)[3:].lower()} but "
                f"{_dtype_name(got)[3:].lower()} is provided"
            )


def request_examples(request) -> list[bytes]:
    """An ``Input`` as serialized ``tf.Example`` records, each merged with the context.

    Parameters
    ----------
    request : Input
        A Classify/Regress request's ``input`` (an example list, with or without context).
    """
    from tensorflow.core.example import example_pb2

    kind = request.input.WhichOneof("kind")
    if kind == "example_list":
        return [e.SerializeToString() for e in request.input.example_list.examples]
    if kind == "example_list_with_context":
        group = request.input.example_list_with_context
        context = group.context.SerializeToString()
        # concatenated protos merge (the example's feature wins); one canonical record each
        return [
            example_pb2.Example.FromString(context + e.SerializeToString()).SerializeToString()
            for e in group.examples
        ]
    return []


# -- answers -> protos ----------------------------------------------------------------------


def tensor_proto(array: np.ndarray):
    """An output array as TF Serving sends it: dtype, shape and the typed value field.

    Parameters
    ----------
    array : numpy.ndarray
        An output tensor.
    """
    from tensorflow.core.framework import tensor_pb2, types_pb2
    from tensorflow.python.framework import dtypes, tensor_util

    array = np.asarray(array)
    if array.dtype.kind in "OSU":
        dtype = "DT_STRING"
    else:
        dtype = types_pb2.DataType.Name(dtypes.as_dtype(array.dtype).as_datatype_enum)
    field = _FIELDS.get(dtype)
    if field is None:  # half, bfloat16, complex...: TensorFlow's own converter
        return tensor_util.make_tensor_proto(array)
    proto = tensor_pb2.TensorProto(dtype=types_pb2.DataType.Value(dtype))
    for size in array.shape:
        proto.tensor_shape.dim.add(size=size)
    flat = array.ravel()
    if dtype == "DT_STRING":
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in flat)
    else:
        getattr(proto, field).extend(flat.tolist())
    return proto


def fill_model_spec(target, name: str, version: int, signature: str | None) -> None:
    """Fill a response's ``ModelSpec`` with the servable that answered, as TF Serving does.

    Parameters
    ----------
    target : ModelSpec
        The response's spec to fill.
    name : str
        The model's name.
    version : int
        The version that answered.
    signature : str or None
        The signature that answered.
    """
    target.name = name
    target.version.value = version
    if signature is not None:
        target.signature_name = signature or "serving_default"


def fill_classification(result, classes, scores) -> None:
    """Add one ``Classifications`` entry per example from the class and score matrices.

    Parameters
    ----------
    result : ClassificationResult
        The response's result to fill.
    classes : numpy.ndarray
        Examples × classes: the class labels.
    scores : numpy.ndarray
        Examples × classes: their scores.
    """
    rows = (classes if classes is not None else scores).shape
    for i in range(rows[0]):
        entry = result.classifications.add()
        for c in range(rows[1]):
            item = entry.classes.add()
            if classes is not None:
                label = classes[i, c]
                item.label = (
                    label.decode("utf-8", "replace") if isinstance(label, bytes) else str(label)
                )
            if scores is not None:
                item.score = float(scores[i, c])


def fill_regression(result, values) -> None:
    """Add one ``Regression`` per example from the predicted values.

    Parameters
    ----------
    result : RegressionResult
        The response's result to fill.
    values : numpy.ndarray
        One predicted value per example.
    """
    for value in np.asarray(values).reshape(-1).tolist():
        result.regressions.add(value=value)
