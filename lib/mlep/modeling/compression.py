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

from mlep._checks import count

__all__ = [
    "MODES",
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
    """Fit ``method`` (``"pca"``, ``"svd"``, ``"ica"`` or ``"nmf"``) and return ``(transformed, fitted)``.

    NMF needs non-negative data; ICA and NMF are seeded.
    """
    from sklearn.decomposition import NMF, PCA, FastICA, TruncatedSVD

    X = np.asarray(X, dtype=float)
    count(n_components, "n_components", minimum=1)
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

    Examples
    --------
    >>> distance_contrast(2) > 10 * distance_contrast(500)
    True
    """
    count(dimensions, "dimensions", minimum=1)
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
    """
    from mlep.runtime import tensorflow

    tf = tensorflow()
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
    if mode == "int8" and representative is None:
        raise ValueError(
            "full-integer quantization needs representative data to calibrate activations"
        )
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode != "none":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if mode == "int8":
        samples = np.asarray(representative, dtype=np.float32)

        def calibration():
            for row in samples[:300]:
                yield [row[None, ...]]

        converter.representative_dataset = calibration
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    with quiet_tflite():
        return converter.convert()


def tflite_predict(flatbuffer: bytes, X: Any, *, batch_size: int = 256) -> np.ndarray:
    """Run a TFLite model on ``X`` with the TFLite interpreter (what a phone would run)."""
    from mlep.runtime import tensorflow

    tf = tensorflow()
    X = np.asarray(X, dtype=np.float32)
    outputs = []
    with quiet_tflite():  # "INFO: Created TensorFlow Lite XNNPACK delegate for CPU."
        interpreter = tf.lite.Interpreter(model_content=flatbuffer)
        [source] = interpreter.get_input_details()
        [target] = interpreter.get_output_details()
        if tuple(source["shape"][1:]) != X.shape[1:]:
            raise ValueError(
                f"the model takes inputs of shape {list(source['shape'][1:])}, "
                f"got {list(X.shape[1:])}"
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
    """Bytes after gzip: what pruning saves shows here (zeros compress), not in the raw size."""
    return len(gzip.compress(data, compresslevel=9))


# -- tfmot -----------------------------------------------------------------------------------


def _compile_like(model: Any, source: Any) -> None:
    model.compile(optimizer="adam", loss=source.loss, metrics=["accuracy"])


def prune(
    model: Any, X: Any, y: Any, *, target_sparsity: float, epochs: int = 2, batch_size: int = 64
):
    """Magnitude pruning to ``target_sparsity`` on a polynomial schedule while fine-tuning;
    returns the stripped (plain Keras) model. The input model must be compiled."""
    from mlep.runtime import tensorflow

    tensorflow()
    import tensorflow_model_optimization as tfmot

    if not 0 < target_sparsity < 1:
        raise ValueError(
            f"target_sparsity is a share of weights to zero, between 0 and 1; got {target_sparsity}"
        )
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


def sparsity(model: Any) -> float:
    """Share of exactly-zero weights in the model's kernels."""
    kernels = [w.numpy() for w in model.weights if "kernel" in w.name]
    total = sum(k.size for k in kernels)
    return float(sum((k == 0).sum() for k in kernels) / total) if total else 0.0


def quantization_aware(model: Any, X: Any, y: Any, *, epochs: int = 1, batch_size: int = 64):
    """Fine-tune with fake quantization (tfmot) so the model learns to live with 8-bit
    weights; convert the result with ``to_tflite(..., mode="dynamic")`` or ``"int8"``."""
    from mlep.runtime import tensorflow

    tensorflow()
    import tensorflow_model_optimization as tfmot

    aware = tfmot.quantization.keras.quantize_model(model)
    _compile_like(aware, model)
    aware.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return aware


def compare(variants: Mapping[str, bytes], X: Any, y: Any, *, repeats: int = 3) -> pd.DataFrame:
    """Size, gzip size, accuracy and latency (ms per 1,000 rows) of each TFLite variant."""
    if not variants:
        raise ValueError("no variants to compare: pass {name: to_tflite(...) bytes}")
    y = np.asarray(y)
    rows = []
    for name, flatbuffer in variants.items():
        if not isinstance(flatbuffer, bytes | bytearray):
            raise TypeError(
                f"variant {name!r} must be TFLite bytes from to_tflite(), got {type(flatbuffer).__name__}"
            )
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
