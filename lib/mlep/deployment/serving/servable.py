"""One loaded SavedModel version, run as TF Serving runs it: a session over the MetaGraph.

TF Serving loads a SavedModel's ``serve`` MetaGraph into a TensorFlow session and feeds each
signature's input tensors by name (``x:0``); it never checks a request's shapes against the
signature, so a shape the graph can take works (half_plus_two's ``x`` is ``[-1, 1]``, yet
``[1.0, 2.0, 5.0]`` answers ``[2.5, 3.0, 4.5]``) and one it cannot take fails with the graph's
own error (``Matrix size-incompatible: In[0]: [2,7], In[1]: [8,1]``). This module does the
same with TensorFlow's v1 loader and session callables (about 25 µs per call).
"""

import threading
from pathlib import Path

import numpy as np

from .errors import ServingError, from_tf_error, invalid

__all__ = ["CLASSIFY", "PREDICT", "REGRESS", "Servable"]

PREDICT = "tensorflow/serving/predict"
CLASSIFY = "tensorflow/serving/classify"
REGRESS = "tensorflow/serving/regress"


class Servable:
    """One version of a model: its session, signatures and metadata.

    Parameters
    ----------
    name : str
        The model's name.
    version : int
        The version number (the folder ``00000123`` is version 123).
    path : Path
        The version's SavedModel folder.
    """

    def __init__(self, name: str, version: int, path: Path):
        from mlep.runtime import quiet, tensorflow

        tf = tensorflow()
        self.name, self.version, self.path = name, version, Path(path)
        self._errors = tf.errors
        graph = tf.Graph()
        self.session = tf.compat.v1.Session(graph=graph)
        with quiet():
            meta_graph = tf.compat.v1.saved_model.loader.load(self.session, ["serve"], str(path))
        self.signature_defs = dict(meta_graph.signature_def)
        self._callables: dict[tuple, object] = {}
        self._lock = threading.Lock()

    def signature_def(self, name: str):
        """The SignatureDef ``name`` (``""``: ``serving_default``), or TF Serving's 400."""
        key = name or "serving_default"
        if key not in self.signature_defs:
            raise invalid(f'Serving signature name: "{key}" not found in signature def')
        return self.signature_defs[key]

    def input_dtypes(self, name: str) -> dict[str, int]:
        """Each input of signature ``name`` → its DataType enum (empty map: TF's 400)."""
        infos = {alias: info.dtype for alias, info in self.signature_def(name).inputs.items()}
        if not infos:
            raise invalid(f"Failed to get input map for signature: {name or 'DEFAULT'}")
        return infos

    def run(
        self, signature: str, inputs: dict[str, np.ndarray], output_filter=None
    ) -> dict[str, np.ndarray]:
        """Run signature ``signature`` on ``inputs`` (alias → array); alias → output array."""
        sig = self.signature_def(signature)
        if sig.method_name not in (PREDICT, CLASSIFY, REGRESS):
            raise invalid(
                f"Expected prediction signature method_name to be one of {{{PREDICT}, {CLASSIFY}, "
                f"{REGRESS}}}. Was: {sig.method_name}"
            )
        check_inputs(sig, inputs)
        names = sorted(inputs)
        fetches = output_aliases(sig, output_filter)
        call = self._callable(
            tuple(sig.inputs[a].name for a in names), tuple(sig.outputs[a].name for a in fetches)
        )
        try:
            values = call(*(inputs[a] for a in names))
        except self._errors.OpError as error:
            raise from_tf_error(error) from None
        except (ValueError, TypeError) as error:
            raise invalid(str(error)) from None
        return dict(zip(fetches, values))

    def _callable(self, feeds: tuple, fetches: tuple):
        key = (feeds, fetches)
        call = self._callables.get(key)
        if call is None:
            from tensorflow.core.protobuf import config_pb2

            options = config_pb2.CallableOptions(feed=list(feeds), fetch=list(fetches))
            with self._lock:
                # a callable, unlike Session.run, leaves shapes to the graph (as TF Serving does)
                call = self._callables.setdefault(
                    key, self.session._make_callable_from_options(options)
                )
        return call

    def classify(self, signature: str, examples: list[bytes]) -> tuple:
        """Classes and scores (None when the signature has none) for serialized examples."""
        sig = _method_signature(self, signature, CLASSIFY, "classification")
        if len(sig.inputs) != 1:
            raise invalid("Expected one input Tensor.")
        if len(sig.outputs) not in (1, 2):
            raise invalid(f"Expected one or two output Tensors, found {len(sig.outputs)}")
        if "inputs" not in sig.inputs:
            raise invalid(f"No classification inputs found in SignatureDef: {sig}")
        wanted = [k for k in ("classes", "scores") if k in sig.outputs]
        if not wanted:
            raise invalid(
                'Expected classification signature outputs to contain at least one of "classes" '
                f'or "scores". Signature was: {sig}'
            )
        outputs = self._run_examples(sig, examples, wanted)
        classes, scores = outputs.get("classes"), outputs.get("scores")
        for label, array, kind in (("classes", classes, "OSU"), ("scores", scores, "f")):
            if array is None:
                continue
            if array.ndim != 2:
                raise invalid(
                    "Expected Tensor shape: [batch_size num_classes] but got "
                    f"[{','.join(map(str, array.shape))}]"
                )
            if array.dtype.kind not in kind or (kind == "f" and array.dtype != np.float32):
                dtype = "DT_STRING" if label == "classes" else "DT_FLOAT"
                raise invalid(f"Expected {label} Tensor of {dtype}. Got: {array.dtype.name}")
            if array.shape[0] != len(examples):
                raise invalid(
                    f"Expected {label} output batch size of {len(examples)}. Got: {array.shape[0]}"
                )
        if classes is not None and scores is not None and classes.shape[1] != scores.shape[1]:
            raise invalid(
                "Tensors class and score should match in dim_size(1). Got "
                f"{classes.shape[1]} vs. {scores.shape[1]}"
            )
        return classes, scores

    def regress(self, signature: str, examples: list[bytes]) -> np.ndarray:
        """One float32 value per serialized example."""
        sig = _method_signature(self, signature, REGRESS, "regression")
        if len(sig.inputs) != 1:
            raise invalid("Expected one input Tensor.")
        if len(sig.outputs) != 1:
            raise invalid("Expected one output Tensor.")
        if "inputs" not in sig.inputs:
            raise invalid(f"No regression inputs found in SignatureDef: {sig}")
        if "outputs" not in sig.outputs:
            raise invalid(f"No regression outputs found in SignatureDef: {sig}")
        values = self._run_examples(sig, examples, ["outputs"])["outputs"]
        if not (values.ndim == 1 or (values.ndim == 2 and values.shape[1] == 1)):
            raise invalid(
                "Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but "
                f"got [{','.join(map(str, values.shape))}]"
            )
        if values.shape[0] != len(examples):
            raise invalid(
                "Input batch size did not match output batch size: "
                f"{len(examples)} vs. {values.shape[0]}"
            )
        if values.dtype != np.float32:
            raise invalid(f"Expected output Tensor of DT_FLOAT.  Got: {values.dtype.name}")
        return values.reshape(-1)

    def _run_examples(self, sig, examples: list[bytes], outputs: list[str]) -> dict:
        if not examples:
            raise invalid("Input is empty.")
        records = np.empty(len(examples), dtype=object)
        records[:] = examples
        call = self._callable(
            (sig.inputs["inputs"].name,), tuple(sig.outputs[k].name for k in outputs)
        )
        try:
            return dict(zip(outputs, call(records)))
        except self._errors.OpError as error:
            raise from_tf_error(error) from None

    def metadata(self) -> dict:
        """The ``signature_def`` map as TF Serving's metadata JSON shows it."""
        from google.protobuf import json_format
        from tensorflow_serving.apis import get_model_metadata_pb2

        defs = get_model_metadata_pb2.SignatureDefMap()
        for key, value in self.signature_defs.items():
            defs.signature_def[key].CopyFrom(value)
        return json_format.MessageToDict(
            defs, including_default_value_fields=True, preserving_proto_field_name=True
        )


def check_inputs(sig, inputs: dict) -> None:
    """TF Serving's check that a request feeds exactly the signature's inputs (400 otherwise)."""
    if len(inputs) == len(sig.inputs) and set(inputs) <= set(sig.inputs):
        return
    sent, wanted = sorted(inputs), sorted(sig.inputs)
    if len(inputs) != len(sig.inputs):
        raise invalid(
            f"input size does not match signature: {len(sent)}!={len(wanted)} "
            f"len({{{','.join(sent)}}}) != len({{{','.join(wanted)}}}). "
            f"Sent extra: {{{','.join(sorted(set(sent) - set(wanted)))}}}. "
            f"Missing but required: {{{','.join(sorted(set(wanted) - set(sent)))}}}."
        )
    alias = next(a for a in sent if a not in sig.inputs)
    raise invalid(
        f"input tensor alias not found in signature: {alias}. Inputs expected to be in the "
        f"set {{{','.join(wanted)}}}."
    )


def output_aliases(sig, output_filter) -> list[str]:
    """The outputs to fetch: ``output_filter`` (checked) or every output, sorted."""
    if not output_filter:
        return sorted(sig.outputs)
    seen: list[str] = []
    for alias in output_filter:
        if alias not in sig.outputs:
            raise invalid(
                f"output tensor alias not found in signature: {alias} Outputs expected to be in "
                f"the set {{{','.join(sorted(sig.outputs))}}}."
            )
        if alias in seen:
            raise invalid(f"duplicate output tensor alias: {alias}")
        seen.append(alias)
    return seen


def _method_signature(servable: Servable, name: str, method: str, kind: str):
    key = name or "serving_default"
    if key not in servable.signature_defs:
        raise invalid(f"No signature was found with the name: {key}")
    sig = servable.signature_defs[key]
    if sig.method_name != method:
        raise invalid(
            f"Expected {kind} signature method_name to be {method}. Was: {sig.method_name}"
        )
    return sig


def load_error(error: Exception) -> ServingError:
    """A failed load as a status: TF's code when TF raised it, else ``UNKNOWN``."""
    code = getattr(error, "error_code", None)
    if code is not None:
        return from_tf_error(error)
    return ServingError(f"{type(error).__name__}: {error}", 400, "UNKNOWN")
