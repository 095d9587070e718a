"""The 8×8 digits as a small, seeded testbed: the data, a one-hidden-layer model, accuracy.

Introduced in C3W2 (``course/c3w2.md``: the model that is quantized and pruned), used again in
C3W3 (``course/c3w3.md``: the teacher and student of distillation) and C4W2
(``course/c4w2.md``: the model versions a model server serves). Saved here once, d2l style, so
the labs call it instead of copying it.

* :func:`load` — scikit-learn's bundled digits (1 797 images, no download), pixels scaled
  from 0-16 to 0-1 as float32.
* :func:`split` — a seeded, stratified train/test split (or the first rows / the last rows).
* :func:`build_model` — 64 pixels → ``hidden`` ReLU units → 10 outputs (probabilities or
  logits), with seeded weights; :func:`train_model` builds, compiles and fits it.
* :func:`accuracy` — the share of correct predictions, from labels or per-class scores.

TensorFlow loads only when a model is built.

Examples
--------
>>> X, y = load()
>>> X.shape, X.dtype.name, float(X.max()), sorted(set(y.tolist())) == list(range(10))
((1797, 64), 'float32', 1.0, True)
>>> X_train, X_test, y_train, y_test = split(test_size=0.25, seed=0)
>>> len(X_train), len(X_test)
(1347, 450)
>>> accuracy([3, 1, 4, 1], [[0, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
0.75
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from mlep._checks import (
    count,
    finite_array,
    instance,
    labels,
    one_of,
    positive,
    real,
    same_label_kind,
    same_length,
)

__all__ = ["CLASSES", "PIXELS", "accuracy", "build_model", "load", "split", "train_model"]

#: Pixels per image (8×8, flattened) and classes (the digits 0-9).
PIXELS, CLASSES = 64, 10
_IMAGES = 1797
_OUTPUTS = {"probabilities": "softmax", "logits": None}


def load() -> tuple[np.ndarray, np.ndarray]:
    """Scikit-learn's digits: ``X`` of shape (1797, 64), float32 in [0, 1], and labels ``y``.

    The images ship inside scikit-learn (``sklearn.datasets.load_digits``): nothing is
    downloaded. Grey levels 0-16 are divided by 16, the scale a neural network trains well on.

    Returns
    -------
    X : numpy.ndarray
        Shape (1797, 64), float32: one flattened 8×8 image per row.
    y : numpy.ndarray
        Shape (1797,), int: the digit each image shows.

    Examples
    --------
    >>> X, y = load()
    >>> X.shape, y[:5].tolist()
    ((1797, 64), [0, 1, 2, 3, 4])
    """
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return (X / 16).astype("float32"), y


def _test_size(test_size) -> float | int:
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(
            "test_size must be a share (0 < float < 1) or a number of images (int), "
            f"but got a {type(test_size).__name__}: {test_size!r}"
        )
    if isinstance(test_size, numbers.Integral):
        images = count(test_size, "test_size", minimum=1)
        if images >= _IMAGES:
            raise ValueError(f"test_size must be between 1 and {_IMAGES - 1}, but got {images}")
        return images
    share = real(test_size, "test_size")
    if not 0 < share < 1:
        raise ValueError(f"test_size must be a share between 0 and 1, but got {share}")
    return share


def split(
    *, test_size: float | int = 0.25, seed: int = 0, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits of :func:`load` split into training and test images, the same every run.

    Parameters
    ----------
    test_size : float or int, default 0.25
        The share of images held out for testing (0 < share < 1), or their number.
    seed : int, default 0
        Seeds the shuffle (``random_state`` of scikit-learn's ``train_test_split``).
    shuffle : bool, default True
        True: a shuffled split, stratified by digit so both parts hold every digit in the same
        proportions. False: the first images train and the last ``test_size`` test (images
        never trained on, as new traffic would be); ``seed`` is then unused.

    Returns
    -------
    X_train, X_test, y_train, y_test : numpy.ndarray
        In the order of ``sklearn.model_selection.train_test_split``.

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = split(test_size=297, shuffle=False)
    >>> X_train.shape, X_test.shape, y_test[:3].tolist()
    ((1500, 64), (297, 64), [1, 7, 4])
    >>> split(test_size=1.5)
    Traceback (most recent call last):
    ...
    ValueError: test_size must be a share between 0 and 1, but got 1.5
    """
    from sklearn.model_selection import train_test_split

    test_size = _test_size(test_size)
    count(seed, "seed")
    instance(shuffle, bool, "shuffle", "True or False")
    X, y = load()
    if not shuffle:
        return train_test_split(X, y, test_size=test_size, shuffle=False)
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)


def build_model(hidden: int = 32, *, seed: int = 0, output: str = "probabilities"):
    """A small digits classifier, not compiled: 64 pixels → ``hidden`` ReLU units → 10 outputs.

    The global seeds (Python, NumPy, TensorFlow) are set to ``seed`` first, so the same
    arguments always give the same initial weights. The input is named ``pixels`` and the output
    layer after ``output``: the names a served model's signature shows.

    Parameters
    ----------
    hidden : int, default 32
        Units of the hidden layer.
    seed : int, default 0
        Seeds the initial weights (``tf_keras.utils.set_random_seed``).
    output : {"probabilities", "logits"}, default "probabilities"
        ``"probabilities"``: a softmax output, for ``sparse_categorical_crossentropy``;
        ``"logits"``: no activation, for a loss ``from_logits=True`` (e.g. distillation).

    Returns
    -------
    tf_keras.Model
        With ``64 * hidden + hidden + hidden * 10 + 10`` weights.

    Examples
    --------
    >>> model = build_model(16, seed=0)  # doctest: +SKIP
    >>> model.count_params(), model.output_names  # doctest: +SKIP
    (1210, ['probabilities'])
    """
    count(hidden, "hidden", minimum=1)
    count(seed, "seed")
    one_of(output, _OUTPUTS, "output")
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    keras.utils.set_random_seed(seed)
    pixels = keras.Input(shape=(PIXELS,), name="pixels")
    features = keras.layers.Dense(hidden, activation="relu")(pixels)
    scores = keras.layers.Dense(CLASSES, activation=_OUTPUTS[output], name=output)(features)
    return keras.Model(pixels, scores)


def _images(X: Any, what: str) -> np.ndarray:
    array = finite_array(X, what, ndim=2)
    if array.shape[1] != PIXELS:
        raise ValueError(
            f"{what} must have {PIXELS} columns (8×8 pixels), but got shape {array.shape}"
        )
    return array.astype("float32")


def _digits(y: Any, what: str) -> np.ndarray:
    array = labels(y, what)
    if array.dtype.kind not in "iu" or array.min() < 0 or array.max() >= CLASSES:
        raise ValueError(f"{what} must hold the digits 0-9 as integers, but got {array[:5]}...")
    return array


def train_model(
    X: Any,
    y: Any,
    *,
    hidden: int,
    seed: int,
    epochs: int = 10,
    batch_size: int = 32,
    learning_rate: float = 0.001,
):
    """:func:`build_model` with probabilities out, compiled with Adam and fitted on ``X``, ``y``.

    Parameters
    ----------
    X : array-like of shape (n, 64)
        Training images, pixels in [0, 1] (as :func:`load` gives them).
    y : array-like of shape (n,)
        Their digits, integers 0-9.
    hidden : int
        Units of the hidden layer.
    seed : int
        Seeds the initial weights and the order of the training batches.
    epochs : int, default 10
        Passes over the training images.
    batch_size : int, default 32
        Images per gradient step.
    learning_rate : float, default 0.001
        Adam's learning rate (0.001 is Keras' default, ``"adam"``).

    Returns
    -------
    tf_keras.Model
        Trained, compiled with ``sparse_categorical_crossentropy`` and the ``accuracy`` metric.

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = split(seed=0)
    >>> model = train_model(X_train, y_train, hidden=32, seed=0, epochs=3)  # doctest: +SKIP
    >>> accuracy(y_test, model.predict(X_test, verbose=0)) > 0.85  # doctest: +SKIP
    True
    """
    X, y = _images(X, "X"), _digits(y, "y")
    same_length(X, y, "X", "y")
    count(epochs, "epochs", minimum=1)
    count(batch_size, "batch_size", minimum=1)
    positive(learning_rate, "learning_rate")
    model = build_model(hidden, seed=seed)
    import tf_keras as keras

    model.compile(
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return model


def accuracy(y_true: Any, y_pred: Any) -> float:
    """The share of images whose predicted class is the true one.

    Equal to ``sklearn.metrics.accuracy_score`` on labels; per-class scores (probabilities or
    logits, one row per image) are turned into labels by their largest column first.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        The true classes.
    y_pred : array-like of shape (n,) or (n, classes)
        Predicted classes, or a score per class (e.g. ``model.predict(X)``, a model's logits or
        ``compression.tflite_predict``), whose argmax is the predicted class.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> accuracy([0, 1, 2, 2], [0, 1, 2, 1])
    0.75
    >>> accuracy([1, 0], [[0.2, 0.8], [0.4, 0.6]])  # scores: the argmax is the class
    0.5
    >>> accuracy([1, 0], [[0.2, 0.8]])
    Traceback (most recent call last):
    ...
    ValueError: y_true and y_pred must have the same length (one value per item), but got 2 and 1
    """
    truth = labels(y_true, "y_true")
    if isinstance(y_pred, (str, bytes)) or y_pred is None:
        raise TypeError(
            f"y_pred must be an array of labels or scores, but got {type(y_pred).__name__}"
        )
    shape = np.shape(y_pred)
    if len(shape) == 2:
        predicted = finite_array(y_pred, "y_pred").argmax(axis=1)
    elif len(shape) == 1:
        predicted = labels(y_pred, "y_pred")
    else:
        raise ValueError(
            f"y_pred must be labels (n,) or scores per class (n, classes), but got shape {shape}"
        )
    same_length(truth, predicted, "y_true", "y_pred")
    same_label_kind(truth, predicted, "y_true", "y_pred")
    return float(np.mean(truth == predicted))
