"""Resource management: fewer dimensions, smaller and faster models (C3W2).

* **Dimensionality reduction** on scikit-learn — :func:`reduce` (PCA, truncated SVD, ICA,
  NMF) and :func:`distance_contrast`, the curse of dimensionality in one number: as dimensions
  grow, the nearest and farthest neighbours of a point end up almost equally far.
* **Quantization** — :func:`to_tflite` converts a Keras model to TensorFlow Lite without
  quantization, with dynamic-range (8-bit weights), float16, or full-integer quantization
  (8-bit weights and activations, calibrated on a representative dataset);
  :func:`quantization_aware` fine-tunes with fake quantization first (tfmot).
* **Pruning** — :func:`prune` zeroes the smallest weights on a polynomial sparsity schedule
  while fine-tuning (tfmot), then strips the pruning wrappers.
* :func:`compare` runs every variant through the TFLite interpreter and reports size, gzip
  size, accuracy and latency in one table, so a variant can be chosen under a budget.

TensorFlow and tfmot load only when a function that needs them runs. The TFLite converter
and interpreter log from C++ straight to the process's stderr, which nbgrader scores as a
failed cell: every function here runs them inside :func:`quiet_tflite`, and lab tests wrap
learners' own conversions in it.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import sys
import time
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, finite_array, instance, labels, one_of, real, same_length

__all__ = [
    "MODES",
    "check_flatbuffer",
    "compare",
    "distance_contrast",
    "gzip_size",
    "prune",
    "quantization_aware",
    "quiet_tflite",
    "reduce",
    "sparsity",
    "tflite_predict",
    "to_tflite",
]

MODES = ("none", "dynamic", "float16", "int8")


# -- dimensionality reduction ----------------------------------------------------------------


def reduce(X: Any, *, method: str, n_components: int, seed: int = 0):
    """Fit ``method`` to ``X`` and return ``(transformed, fitted)``.

    NMF needs non-negative data; ICA and NMF are seeded.

    Parameters
    ----------
    X : array-like
        The data, one row per example.
    method : {"pca", "svd", "ica", "nmf"}
        The reduction.
    n_components : int
        Dimensions to keep.
    seed : int, default 0
        Seeds ICA and NMF.
    """
    from sklearn.decomposition import NMF, PCA, FastICA, TruncatedSVD

    one_of(method, ("pca", "svd", "ica", "nmf"), "method")
    X = finite_array(X, "X", ndim=2)
    count(n_components, "n_components", minimum=1)
    count(seed, "seed")
    if n_components > min(X.shape):
        raise ValueError(
            f"n_components={n_components} is more than min(rows, features) = {min(X.shape)}"
        )
    makers = {
        "pca": lambda: PCA(n_components=n_components, random_state=seed),
        "svd": lambda: TruncatedSVD(n_components=n_components, random_state=seed),
        "ica": lambda: FastICA(
            n_components=n_components, random_state=seed, whiten="unit-variance", max_iter=1000
        ),
        "nmf": lambda: NMF(
            n_components=n_components, random_state=seed, init="nndsvda", max_iter=1000
        ),
    }
    if method not in makers:
        raise ValueError(f"unknown method {method!r}; choose one of: {', '.join(makers)}")
    if method == "nmf" and (X < 0).any():
        raise ValueError("NMF needs non-negative data; shift or scale it to >= 0 first, or use PCA")
    model = makers[method]()
    return model.fit_transform(X), model


def distance_contrast(dimensions: int, *, points: int = 500, seed: int = 0) -> float:
    """(farthest − nearest) / nearest distance from one point to uniform random points.

    Large in 2-D, close to 0 in hundreds of dimensions: "near" stops meaning much, which is
    why distance-based models struggle in high dimensions.

    Parameters
    ----------
    dimensions : int
        The space's dimension.
    points, seed : int, default 500 and 0
        How many uniform random points to draw, and their seed.

    Examples
    --------
    >>> distance_contrast(2) > 10 * distance_contrast(500)
    True
    """
    count(dimensions, "dimensions", minimum=1)
    count(points, "points", minimum=2)
    rng = np.random.default_rng(seed)
    data = rng.random((points, dimensions))
    distances = np.linalg.norm(data[1:] - data[0], axis=1)
    return float((distances.max() - distances.min()) / distances.min())


# -- TensorFlow Lite -------------------------------------------------------------------------


@contextlib.contextmanager
def quiet_tflite() -> Iterator[None]:
    """Silence TFLite's C++ logging (file descriptor 2), its Python warnings and TF's logger.

    The converter writes lines such as ``W0000 ... Ignored output_format`` and the
    interpreter ``INFO: Created TensorFlow Lite XNNPACK delegate`` below Python, so
    ``contextlib.redirect_stderr`` cannot catch them; the descriptor is pointed at
    ``/dev/null`` for the duration and restored after.

    Examples
    --------
    >>> with quiet_tflite():
    ...     _ = os.write(2, b"not shown\\n")
    """
    sys.stderr.flush()
    saved = os.dup(2)
    loggers = [logging.getLogger(name) for name in ("tensorflow", "absl")]
    levels = [logger.level for logger in loggers]
    try:
        with open(os.devnull, "w") as sink, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for logger in loggers:
                logger.setLevel(logging.ERROR)
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def to_tflite(model: Any, *, mode: str = "none", representative: Any = None) -> bytes:
    """A TFLite flatbuffer of a Keras model; ``mode`` is one of :data:`MODES`.

    ``"int8"`` (full integer) needs ``representative``: a few hundred typical inputs to
    calibrate activation ranges; its inputs and outputs stay float32 so callers need not
    quantize by hand.

    Parameters
    ----------
    model : tf_keras.Model
        A compiled Keras 2 model.
    mode : str, default "none"
        The quantization, one of :data:`MODES`.
    representative : array-like, optional
        Typical inputs to calibrate ``"int8"``.
    """
    from mlep.runtime import tensorflow

    if mode not in MODES:
        raise ValueError(
            f"unknown mode {mode!r}: mode must be one of {', '.join(map(repr, MODES))}"
        )
    tf = tensorflow()
    _keras_model(tf, model, "model")
    if mode == "int8" and representative is None:
        raise ValueError(
            "full-integer quantization needs representative data to calibrate activations"
        )
    if mode == "int8":
        representative = _model_inputs(model, representative, "representative")
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode != "none":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if mode == "int8":
        samples = representative

        def calibration():
            for row in samples[:300]:
                yield [row[None, ...]]

        converter.representative_dataset = calibration
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with quiet_tflite():
        return converter.convert()


def _keras_model(tf, model: Any, what: str) -> None:
    if not isinstance(model, tf.keras.Model):
        raise TypeError(f"{what} must be a Keras model, but got a {type(model).__name__}")


def _model_inputs(model: Any, X: Any, what: str) -> np.ndarray:
    """``X`` as float32 rows of the model's input shape: non-empty, finite."""
    array = finite_array(X, what).astype(np.float32)
    expected = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else None
    fits = expected is None or (
        len(array.shape[1:]) == len(expected)
        and all(e is None or e == a for e, a in zip(expected, array.shape[1:]))
    )
    if array.ndim < 2 or not fits:
        raise ValueError(
            f"{what} must hold rows of the model's input shape {list(expected or [])}, "
            f"but got shape {list(array.shape)}"
        )
    return array


#: TFLite flatbuffers carry this file identifier at bytes 4..8.
TFLITE_IDENTIFIER = b"TFL3"


def check_flatbuffer(flatbuffer: Any, what: str = "flatbuffer") -> bytes:
    """``flatbuffer`` if it is a complete TFLite model; a clear error otherwise.

    The TFLite interpreter trusts its buffer: a truncated or corrupt one crashes the whole
    process (a segmentation fault), taking a notebook kernel with it. So the buffer is
    checked first: bytes, the ``"TFL3"`` identifier, and a full parse of the schema in
    Python (every offset in bounds, every weight buffer complete).

    Parameters
    ----------
    flatbuffer : bytes
        What should be a TFLite model.
    what : str, default "flatbuffer"
        How error messages name it.
    """
    from tensorflow.lite.python import schema_py_generated as schema

    if isinstance(flatbuffer, str):
        raise TypeError(
            f"{what} must be TFLite bytes from to_tflite() (or open(path, 'rb').read()), "
            f"but got a str"
        )
    instance(flatbuffer, (bytes, bytearray, memoryview), what, "TFLite bytes from to_tflite()")
    data = bytes(flatbuffer)
    if len(data) < 8 or data[4:8] != TFLITE_IDENTIFIER:
        raise ValueError(
            f"{what} must be a TFLite model (bytes 4..8 read {TFLITE_IDENTIFIER!r}), but got "
            f"{len(data)} bytes starting {data[:8]!r}; pass what to_tflite() returned"
        )
    try:
        model = schema.ModelT.InitFromPackedBuf(bytearray(data), 0)
    except Exception as error:  # noqa: BLE001 - struct.error, IndexError, ValueError...
        raise ValueError(
            f"{what} must be a complete TFLite model, but it is truncated or corrupt "
            f"({len(data)} bytes; parsing failed with {type(error).__name__}): it is not a "
            "complete TFLite model. Convert the model again with to_tflite(), or read the "
            "whole file in binary mode"
        ) from None
    if not model.subgraphs:
        raise ValueError(f"{what} must hold at least one subgraph, but the model has none")
    return data


def tflite_predict(flatbuffer: bytes, X: Any, *, batch_size: int = 256) -> np.ndarray:
    """Run a TFLite model on ``X`` with the TFLite interpreter (what a phone would run).

    ``X`` must be finite (a NaN row would come out as a confident score), and
    ``flatbuffer`` is verified with :func:`check_flatbuffer` before the interpreter sees it.

    Parameters
    ----------
    flatbuffer : bytes
        A TFLite model, as :func:`to_tflite` returns it.
    X : array-like
        Finite inputs, one row per example.
    batch_size : int, default 256
        Rows per interpreter call.
    """
    from mlep.runtime import tensorflow

    flatbuffer = check_flatbuffer(flatbuffer)
    X = finite_array(X, "X").astype(np.float32)
    count(batch_size, "batch_size", minimum=1)
    tf = tensorflow()
    outputs = []
    with quiet_tflite():  # "INFO: Created TensorFlow Lite XNNPACK delegate for CPU."
        interpreter = tf.lite.Interpreter(model_content=flatbuffer)
        [source] = interpreter.get_input_details()
        [target] = interpreter.get_output_details()
        if X.ndim < 2 or tuple(source["shape"][1:]) != X.shape[1:]:
            raise ValueError(
                f"X must hold rows the model takes: the model takes inputs of shape "
                f"{list(source['shape'][1:])}, got {list(X.shape[1:])}"
            )
        for start in range(0, len(X), batch_size):
            batch = X[start : start + batch_size]
            interpreter.resize_tensor_input(source["index"], batch.shape)
            interpreter.allocate_tensors()
            interpreter.set_tensor(source["index"], batch)
            interpreter.invoke()
            outputs.append(interpreter.get_tensor(target["index"]).copy())
    return np.concatenate(outputs)


def gzip_size(data: bytes) -> int:
    """Bytes after gzip: what pruning saves shows here (zeros compress), not in the raw size.

    Parameters
    ----------
    data : bytes
        What to compress.
    """
    instance(data, (bytes, bytearray), "data", "bytes")
    return len(gzip.compress(data, compresslevel=9))


# -- tfmot -----------------------------------------------------------------------------------


def _compile_like(model: Any, source: Any) -> None:
    model.compile(optimizer="adam", loss=source.loss, metrics=["accuracy"])


def prune(
    model: Any, X: Any, y: Any, *, target_sparsity: float, epochs: int = 2, batch_size: int = 64
):
    """Magnitude pruning to ``target_sparsity`` on a polynomial schedule while fine-tuning;
    returns the stripped (plain Keras) model. The input model must be compiled.

    Parameters
    ----------
    model : tf_keras.Model
        A compiled Keras 2 model.
    X, y : array-like
        The fine-tuning data.
    target_sparsity : float
        The share of weights to zero, between 0 and 1.
    epochs, batch_size : int, default 2 and 64
        Fine-tuning epochs and batch size.
    """
    from mlep.runtime import tensorflow

    tensorflow()
    import tensorflow_model_optimization as tfmot

    if not 0 < real(target_sparsity, "target_sparsity") < 1:
        raise ValueError(
            f"target_sparsity is a share of weights to zero, between 0 and 1; got {target_sparsity}"
        )
    X, y = _training_data(model, X, y, epochs, batch_size)
    steps = int(np.ceil(len(X) / batch_size)) * epochs
    schedule = tfmot.sparsity.keras.PolynomialDecay(
        initial_sparsity=0.0,
        final_sparsity=target_sparsity,
        begin_step=0,
        end_step=max(1, steps - 1),
        frequency=1,
    )
    pruned = tfmot.sparsity.keras.prune_low_magnitude(model, pruning_schedule=schedule)
    _compile_like(pruned, model)
    pruned.fit(
        X,
        y,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        callbacks=[tfmot.sparsity.keras.UpdatePruningStep()],
    )
    return tfmot.sparsity.keras.strip_pruning(pruned)


def _training_data(model: Any, X: Any, y: Any, epochs: Any, batch_size: Any):
    """Checked fine-tuning input: at least one epoch (0 would return the model untouched)."""
    from mlep.runtime import tensorflow

    _keras_model(tensorflow(), model, "model")
    count(epochs, "epochs", minimum=1)
    count(batch_size, "batch_size", minimum=1)
    if not getattr(model, "loss", None):
        raise ValueError("model must be compiled (model.compile(loss=...)) before fine-tuning")
    X = _model_inputs(model, X, "X")
    y = finite_array(y, "y")
    same_length(X, y, "X", "y")
    return X, y


def sparsity(model: Any) -> float:
    """Share of exactly-zero weights in the model's kernels.

    Parameters
    ----------
    model : tf_keras.Model
        Any Keras model.
    """
    weights = getattr(model, "weights", None)
    if weights is None:
        raise TypeError(f"model must be a Keras model, but got a {type(model).__name__}")
    kernels = [w.numpy() for w in weights if "kernel" in w.name]
    total = sum(k.size for k in kernels)
    if not total:
        raise ValueError("model must have kernel weights (e.g. Dense layers), but it has none")
    return float(sum((k == 0).sum() for k in kernels) / total)


def quantization_aware(model: Any, X: Any, y: Any, *, epochs: int = 1, batch_size: int = 64):
    """Fine-tune with fake quantization (tfmot) so the model learns to live with 8-bit
    weights; convert the result with ``to_tflite(..., mode="dynamic")`` or ``"int8"``.

    Parameters
    ----------
    model : tf_keras.Model
        A compiled Keras 2 model.
    X, y : array-like
        The fine-tuning data.
    epochs, batch_size : int, default 1 and 64
        Fine-tuning epochs and batch size.
    """
    from mlep.runtime import tensorflow

    tensorflow()
    import tensorflow_model_optimization as tfmot

    X, y = _training_data(model, X, y, epochs, batch_size)
    aware = tfmot.quantization.keras.quantize_model(model)
    _compile_like(aware, model)
    aware.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return aware


def compare(variants: Mapping[str, bytes], X: Any, y: Any, *, repeats: int = 3) -> pd.DataFrame:
    """Size, gzip size, accuracy and latency (ms per 1,000 rows) of each TFLite variant.

    Parameters
    ----------
    variants : mapping of str to bytes
        Name → TFLite flatbuffer.
    X, y : array-like
        Evaluation data.
    repeats : int, default 3
        Timed runs per variant (the fastest counts).
    """
    instance(variants, Mapping, "variants", "a dict of name -> to_tflite() bytes")
    if not variants:
        raise ValueError("no variants to compare: pass {name: to_tflite(...) bytes}")
    X = finite_array(X, "X")
    y = labels(y, "y")
    if y.dtype.kind not in "iub":
        raise TypeError(
            f"y must hold class indices (0, 1, ...), the way the models' outputs are read, "
            f"but got labels of dtype {y.dtype} such as {y[0]!r}; "
            "encode them first (e.g. sklearn.preprocessing.LabelEncoder)"
        )
    same_length(X, y, "X", "y")  # no broadcasting of a single label
    count(repeats, "repeats", minimum=1)
    for name, flatbuffer in variants.items():
        if not isinstance(flatbuffer, bytes | bytearray):
            raise TypeError(
                f"variant {name!r} must be TFLite bytes from to_tflite(), "
                f"got {type(flatbuffer).__name__}"
            )
        check_flatbuffer(flatbuffer, f"variant {name!r}")
    rows = []
    for name, flatbuffer in variants.items():
        timings = []
        for _ in range(repeats):
            start = time.perf_counter()
            scores = tflite_predict(flatbuffer, X)
            timings.append(time.perf_counter() - start)
        predicted = (
            scores.argmax(axis=1)
            if scores.ndim > 1 and scores.shape[1] > 1
            else (scores.ravel() > 0.5)
        )
        rows.append(
            {
                "variant": name,
                "size_kb": len(flatbuffer) / 1024,
                "gzip_kb": gzip_size(bytes(flatbuffer)) / 1024,
                "accuracy": float((predicted == y).mean()),
                "ms_per_1000": 1000 * min(timings) / len(X) * 1000,
            }
        )
    return pd.DataFrame(rows)
