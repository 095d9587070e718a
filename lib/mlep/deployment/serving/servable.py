"""One loaded SavedModel version: its signatures, metadata and a call through them."""

from pathlib import Path
from typing import Any

import numpy as np

from .errors import ServingError

__all__ = ["Servable", "spec_json", "to_tensor"]


class Servable:
    """One loaded SavedModel version with its signatures."""

    def __init__(self, name: str, version: int, path: Path):
        from mlep.runtime import tensorflow

        self.tf = tensorflow()
        self.name, self.version, self.path = name, version, path
        self.model = self.tf.saved_model.load(str(path))
        self.signatures = dict(self.model.signatures)
        if not self.signatures:
            raise ServingError(f"SavedModel {path} has no signatures to serve", 500)

    def signature(self, name: str | None):
        name = name or "serving_default"
        if name not in self.signatures:
            raise ServingError(
                f'Serving signature name: "{name}" not found in signature def; '
                f"available: {', '.join(sorted(self.signatures))}"
            )
        return name, self.signatures[name]

    def metadata(self) -> dict:
        defs = {}
        for name, function in self.signatures.items():
            _, inputs = function.structured_input_signature
            outputs = function.structured_outputs
            defs[name] = {
                "inputs": {k: spec_json(v) for k, v in inputs.items()},
                "outputs": {k: spec_json(v) for k, v in outputs.items()},
                "method_name": "tensorflow/serving/predict",
            }
        return {"signature_def": {"signature_def": defs}}

    def run(self, signature: str | None, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        _, function = self.signature(signature)
        _, specs = function.structured_input_signature
        missing = sorted(set(specs) - set(inputs))
        extra = sorted(set(inputs) - set(specs))
        if missing or extra:
            raise ServingError(
                f"inputs do not match the signature: missing {missing or 'none'}, unexpected {extra or 'none'}; "
                f"expected {sorted(specs)}"
            )
        tensors = {}
        for key, spec in specs.items():
            tensors[key] = to_tensor(self.tf, inputs[key], spec, key)
        outputs = function(**tensors)
        return {k: v.numpy() for k, v in outputs.items()}


def spec_json(spec) -> dict:
    dims = [{"size": str(-1 if d is None else d)} for d in spec.shape.as_list()]
    from tensorflow.core.framework import types_pb2

    dtype = types_pb2.DataType.Name(spec.dtype.as_datatype_enum)  # "DT_FLOAT", as TF Serving says
    return {"dtype": dtype, "tensor_shape": {"dim": dims}, "name": spec.name or ""}


def to_tensor(tf, value: Any, spec, key: str):
    try:
        np.asarray(value)
    except ValueError:
        raise ServingError(
            f"input {key!r}: ragged values; every instance needs the same shape"
        ) from None
    try:
        array = np.asarray(
            value, dtype=object if spec.dtype == tf.string else spec.dtype.as_numpy_dtype
        )
    except (ValueError, TypeError):
        kind = np.asarray(value).dtype
        got = "strings" if kind.kind in "UO" else kind.name
        raise ServingError(f"input {key!r}: expected {spec.dtype.name} values, got {got}") from None
    if not spec.shape.is_compatible_with(array.shape):
        raise ServingError(
            f"input {key!r} has shape {list(array.shape)}, but the signature expects {spec.shape.as_list()} "
            "(None = any size)"
        )
    return tf.constant(array, dtype=spec.dtype)
