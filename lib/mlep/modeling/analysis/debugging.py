"""Model debugging: sensitivity, adversarial examples, residuals (Course 3, week 4).

The course's three ways to find where a model breaks before its users do:

* **sensitivity analysis** (what-if): change one feature, keep the rest, and watch the
  prediction — :func:`what_if` for chosen examples, :func:`sensitivity` for how many decisions
  a small change flips;
* **adversarial attacks**: the fast gradient sign method (FGSM, Goodfellow et al. 2015) moves
  every input by ε in the direction that increases the loss, ``x + ε·sign(∇x loss)`` —
  :func:`fgsm` for a Keras model, :func:`accuracy_under_attack` for accuracy against ε;
* **residual analysis**: residuals (``y − ŷ``) should look like noise; a mean residual far from
  0 in one group or feature range is a pattern the model missed — :func:`residual_analysis`.

TensorFlow is imported inside :func:`fgsm` only.

Examples
--------
>>> X = pd.DataFrame({"income": [30.0, 60.0], "debt": [0.5, 0.2]})
>>> predict = lambda frame: (frame["debt"] - frame["income"] / 100).to_numpy()
>>> what_if(predict, X, "debt", [0.0, 1.0])  # doctest: +NORMALIZE_WHITESPACE
example    0    1
debt
0.0     -0.3 -0.6
1.0      0.7  0.4
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, finite_array, frame, instance, interval, non_negative, real

__all__ = [
    "accuracy_under_attack",
    "fgsm",
    "residual_analysis",
    "sensitivity",
    "what_if",
]


def _frame(X: Any, feature: str) -> pd.DataFrame:
    frame(X, "X")
    if isinstance(feature, (list, dict, set)):
        raise TypeError(
            f"feature must be one column name, but got a {type(feature).__name__}: {feature!r}"
        )
    if feature not in X.columns:
        raise ValueError(
            f"feature must be a column of X, but got {feature!r}, which is not a column; "
            f"columns: {list(X.columns)}"
        )
    return X


def _predictions(predict: Callable, frame: pd.DataFrame) -> np.ndarray:
    values = np.asarray(predict(frame), dtype=float)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.shape != (len(frame),):
        raise ValueError(
            f"predict should return one number per row ({len(frame)}), got shape {values.shape}"
        )
    return values


def what_if(
    predict: Callable, X: pd.DataFrame, feature: str, values: Sequence[Any]
) -> pd.DataFrame:
    """Predictions for each example of ``X`` with ``feature`` set to each of ``values``.

    Returns a table with one row per value (index named after the feature) and one column per
    example (``example`` = the row label of ``X``).

    Parameters
    ----------
    predict
        A function of a DataFrame returning one number per row.
    X
        The examples (a non-empty DataFrame).
    feature
        The column of ``X`` to set.
    values
        A list of the values to try (not a bare string).
    """
    frame = _frame(X, feature)
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        instance(values, (list, tuple, np.ndarray, pd.Series), "values", "a list of values to try")
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one value to try, but got none")
    rows = {}
    for value in values:
        changed = frame.copy()
        changed[feature] = value
        rows[value] = _predictions(predict, changed)
    table = pd.DataFrame.from_dict(rows, orient="index", columns=frame.index)
    table.index.name, table.columns.name = feature, "example"
    return table


def sensitivity(
    predict: Callable, X: pd.DataFrame, feature: str, *, delta: float, threshold: float = 0.5
) -> dict[str, float]:
    """What adding ``delta`` to one numeric feature does to the predictions of all of ``X``.

    Returns ``mean_change`` (mean of new − old prediction), ``mean_abs_change`` and
    ``flip_rate``: the share of examples whose decision (``prediction >= threshold``) flips.

    Examples
    --------
    >>> X = pd.DataFrame({"x": [0.1, 0.45, 0.9]})
    >>> sensitivity(lambda f: f["x"].to_numpy(), X, "x", delta=0.1)  # doctest: +ELLIPSIS
    {'mean_change': 0.1, 'mean_abs_change': 0.1, 'flip_rate': 0.333...}
    """
    frame = _frame(X, feature)
    delta = real(delta, f"delta (the number added to {feature!r})")
    threshold = real(threshold, "threshold")
    before = _predictions(predict, frame)
    shifted = frame.copy()
    shifted[feature] = shifted[feature] + delta
    after = _predictions(predict, shifted)
    change = after - before
    return {
        "mean_change": float(np.round(change.mean(), 12)),
        "mean_abs_change": float(np.round(np.abs(change).mean(), 12)),
        "flip_rate": float(((before >= threshold) != (after >= threshold)).mean()),
    }


def _loss_for(model):
    import tensorflow as tf

    outputs = model.output_shape[-1]
    if outputs == 1:
        return tf.keras.losses.BinaryCrossentropy()
    return tf.keras.losses.SparseCategoricalCrossentropy()


def fgsm(
    model: Any, X: Any, y: Any, *, epsilon: float, clip: tuple[float, float] | None = None
) -> np.ndarray:
    """Adversarial examples by the fast gradient sign method: ``x + ε·sign(∇x loss(model(x), y))``.

    Parameters
    ----------
    model
        A Keras model outputting probabilities: one sigmoid unit (binary cross-entropy) or a
        softmax over classes (sparse categorical cross-entropy, integer labels).
    X, y
        Inputs and their true labels.
    epsilon
        The size of the step in every input coordinate (≥ 0).
    clip
        Optional ``(low, high)`` range of valid inputs (e.g. pixel values).

    Returns
    -------
    numpy.ndarray
        The perturbed inputs, same shape as ``X`` (float32).
    """
    epsilon = non_negative(epsilon, "epsilon")
    _attack_inputs(model, X, y, clip)
    from mlep.runtime import tensorflow

    tf = tensorflow()
    inputs = tf.convert_to_tensor(np.asarray(X, dtype=np.float32))
    labels = tf.convert_to_tensor(np.asarray(y))
    if labels.shape[0] != inputs.shape[0]:
        raise ValueError(f"X has {inputs.shape[0]} rows but y has {labels.shape[0]} labels")
    loss = _loss_for(model)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        value = loss(
            tf.reshape(labels, (-1, 1)) if model.output_shape[-1] == 1 else labels,
            model(inputs, training=False),
        )
    adversarial = inputs + float(epsilon) * tf.sign(tape.gradient(value, inputs))
    if clip is not None:
        adversarial = tf.clip_by_value(adversarial, *clip)
    return adversarial.numpy()


def _attack_inputs(model: Any, X: Any, y: Any, clip: Any) -> None:
    """Refuse a non-Keras model, non-finite inputs, a length mismatch or a reversed clip."""
    if not callable(model) or not hasattr(model, "output_shape"):
        raise TypeError(
            "model must be a Keras model (callable, with output_shape), "
            f"but got {type(model).__name__}"
        )
    inputs = finite_array(X, "X")
    if inputs.ndim < 2:
        raise ValueError(
            f"X must be a batch of inputs (n_examples, ...), but got shape {inputs.shape}"
        )
    labels = finite_array(y, "y", ndim=1)
    if len(labels) != len(inputs):
        raise ValueError(
            "X and y must have one label per row, "
            f"but got {len(inputs)} rows and {len(labels)} labels"
        )
    if clip is not None:
        if not isinstance(clip, (tuple, list)) or len(clip) != 2:
            raise TypeError(f"clip must be a (low, high) pair, but got {clip!r}")
        interval(clip[0], clip[1], "clip low", "clip high")


def _accuracy(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    probabilities = np.asarray(model(X, training=False))
    if probabilities.shape[-1] == 1:
        predicted = (probabilities[:, 0] > 0.5).astype(int)  # Keras' binary_accuracy: > 0.5
    else:
        predicted = probabilities.argmax(axis=-1)
    return float((predicted == np.asarray(y)).mean())


def accuracy_under_attack(
    model: Any,
    X: Any,
    y: Any,
    epsilons: Sequence[float],
    *,
    clip: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Accuracy of ``model`` on FGSM examples for each ε (ε = 0 is the clean accuracy).

    Parameters
    ----------
    model, X, y, clip
        As for :func:`fgsm`.
    epsilons
        A list of step sizes (each >= 0).
    """
    if isinstance(epsilons, (str, bytes)) or not hasattr(epsilons, "__iter__"):
        raise TypeError(f"epsilons must be a list of numbers >= 0, but got {epsilons!r}")
    epsilons = [non_negative(e, "each epsilon") for e in epsilons]
    if not epsilons:
        raise ValueError("epsilons must hold at least one value, but got none")
    _attack_inputs(model, X, y, clip)
    rows = []
    for epsilon in epsilons:
        attacked = (
            fgsm(model, X, y, epsilon=epsilon, clip=clip) if epsilon else np.asarray(X, np.float32)
        )
        rows.append({"epsilon": float(epsilon), "accuracy": _accuracy(model, attacked, y)})
    return pd.DataFrame(rows)


def residual_analysis(
    y_true: Any, y_pred: Any, by: Any, *, bins: int | None = None, z: float = 2.0
) -> pd.DataFrame:
    """Residuals ``y_true − y_pred`` summarised per group (or per quantile bin of a feature).

    A group whose mean residual is more than ``z`` standard errors from 0 is ``systematic``:
    the model is biased there (it under-predicts when the mean is positive).

    Parameters
    ----------
    y_true, y_pred
        Targets and predictions.
    by
        One value per example: a group, or a numeric feature with ``bins``.
    bins
        Cut a numeric ``by`` into this many quantile bins (``pandas.qcut``).
    z
        How many standard errors make a pattern systematic.

    Returns
    -------
    pandas.DataFrame
        Index: the group or bin; columns ``count``, ``mean_residual``, ``mean_abs_residual``,
        ``std_error`` and ``systematic``.

    Examples
    --------
    >>> y = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0, 13.0])
    >>> pred = np.array([1.1, 1.9, 3.1, 3.9, 8.0, 9.0, 10.0, 11.0])
    >>> residual_analysis(y, pred, ["low"] * 4 + ["high"] * 4)["systematic"].to_dict()
    {'high': True, 'low': False}
    """
    non_negative(z, "z")
    if bins is not None:
        count(bins, "bins", minimum=2)
    true = finite_array(y_true, "y_true")
    pred = finite_array(y_pred, "y_pred")
    key = np.asarray(by)
    if not (true.shape == pred.shape == key.shape) or true.ndim != 1:
        raise ValueError(
            f"y_true, y_pred and by should be 1-D with one entry per example, got shapes "
            f"{true.shape}, {pred.shape}, {key.shape}"
        )
    if bins is not None:
        key = pd.qcut(key.astype(float), q=bins, duplicates="drop")
    residual = pd.Series(true - pred)
    grouped = residual.groupby(np.asarray(key), observed=True)
    table = pd.DataFrame(
        {
            "count": grouped.size(),
            "mean_residual": grouped.mean(),
            "mean_abs_residual": grouped.apply(lambda r: r.abs().mean()),
            "std_error": grouped.std(ddof=1) / np.sqrt(grouped.size()),
        }
    )
    table["systematic"] = (table["mean_residual"].abs() > z * table["std_error"]).to_numpy()
    table.index.name = "group"
    return table
