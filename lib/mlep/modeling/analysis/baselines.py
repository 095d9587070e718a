"""Baselines and sanity checks (Course 1, week 2): what to beat, and can the model learn at all?

* :func:`majority_baseline` — always predict the most common training class;
* :func:`quick_baseline` — a logistic regression or a small tree in one call;
* human-level performance lives with the labelers, in
  :func:`mlep.data.labeling.human_level_performance` (``.mean`` is the typical human);
* :func:`baseline_table` — every score next to the best one;
* :func:`overfit_small_set` — a model that cannot overfit 20 examples has a bug.

Examples
--------
>>> majority_baseline(["dog", "dog", "cat"], ["cat", "dog", "dog", "fox"])
0.5
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count
from mlep.modeling.analysis.errors import per_class_report
from mlep.modeling.analysis.label_checks import (
    accuracy,
    as_labels,
    finite_number,
    same_kind,
    same_length,
)

__all__ = [
    "baseline_table",
    "majority_baseline",
    "overfit_small_set",
    "quick_baseline",
]

_QUICK_MODELS = ("logistic", "tree")


def majority_baseline(y_train: Any, y_eval: Any) -> float:
    """Accuracy on ``y_eval`` of always predicting the most common class of ``y_train``.

    A tie goes to the smallest label (like scikit-learn's ``DummyClassifier``). On skewed
    data this baseline is high — a model must beat it to be useful.

    Examples
    --------
    >>> majority_baseline([0, 0, 0, 1], [0, 1, 0, 0])
    0.75
    """
    train, evaluation = as_labels(y_train, "y_train"), as_labels(y_eval, "y_eval")
    same_kind(y_train=train, y_eval=evaluation)
    classes, counts = np.unique(train, return_counts=True)
    return accuracy(evaluation, np.full(len(evaluation), classes[counts.argmax()]))


def _features(X: Any, name: str) -> np.ndarray:
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{name} must be a 2-D array of numbers, but got a string: {X!r:.60}")
    try:
        array = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a 2-D array of numbers, but got {type(X).__name__} {X!r:.60}"
        ) from None
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(
            f"{name} should be a non-empty 2-D array (n_examples, n_features), "
            f"got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{name} has NaN or infinite values; impute or drop them first")
    return array


def quick_baseline(
    X_train: Any,
    y_train: Any,
    X_eval: Any,
    y_eval: Any,
    *,
    model: str = "logistic",
    seed: int = 0,
) -> dict[str, Any]:
    """Fit a simple, seeded scikit-learn model and report its scores: a first baseline.

    Parameters
    ----------
    X_train, y_train, X_eval, y_eval
        Numeric features ``(n_examples, n_features)`` and labels.
    model
        ``"logistic"``: standardised logistic regression; ``"tree"``: a decision tree.
    seed
        The model's ``random_state``: the same data and seed give the same scores.

    Returns
    -------
    dict
        ``model`` (its name), ``train_accuracy``, ``accuracy`` (on the eval set) and
        ``macro_f1`` (on the eval set, see :func:`per_class_report`).

    Examples
    --------
    >>> X = [[0.0], [1.0], [2.0], [3.0]]
    >>> quick_baseline(X, [0, 0, 1, 1], [[0.5], [2.5]], [0, 1], model="tree")
    {'model': 'decision_tree', 'train_accuracy': 1.0, 'accuracy': 1.0, 'macro_f1': 1.0}
    """
    if not isinstance(model, str) or model not in _QUICK_MODELS:
        raise ValueError(f"model should be 'logistic' or 'tree', got {model!r}")
    count(seed, "seed")
    train_X, eval_X = _features(X_train, "X_train"), _features(X_eval, "X_eval")
    train_y, eval_y = as_labels(y_train, "y_train"), as_labels(y_eval, "y_eval")
    same_length(X_train=train_X, y_train=train_y)
    same_length(X_eval=eval_X, y_eval=eval_y)
    same_kind(y_train=train_y, y_eval=eval_y)
    if train_X.shape[1] != eval_X.shape[1]:
        raise ValueError(
            f"X_train has {train_X.shape[1]} features but X_eval has {eval_X.shape[1]}; "
            "they should have the same columns"
        )
    if len(np.unique(train_y)) < 2:
        raise ValueError(f"y_train has a single class {train_y[0]!r}; a classifier needs two")
    if model == "logistic":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        name = "logistic_regression"
        fitted = make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=1000, random_state=seed)
        )
    else:
        from sklearn.tree import DecisionTreeClassifier

        name = "decision_tree"
        fitted = DecisionTreeClassifier(random_state=seed)
    fitted.fit(train_X, train_y)
    predicted = fitted.predict(eval_X)
    return {
        "model": name,
        "train_accuracy": accuracy(train_y, fitted.predict(train_X)),
        "accuracy": accuracy(eval_y, predicted),
        "macro_f1": float(per_class_report(eval_y, predicted).loc["macro avg", "f1"]),
    }


def baseline_table(**named_scores: float) -> pd.DataFrame:
    """Put baselines side by side, best first, with each one's gap to the best.

    Parameters
    ----------
    **named_scores
        One number per baseline, all of the same metric (e.g. accuracy).

    Returns
    -------
    pandas.DataFrame
        Columns ``baseline``, ``score``, ``gap_to_best``; sorted by score, largest first
        (ties keep the order given).

    Examples
    --------
    >>> baseline_table(majority=0.1, logistic=0.9, human=0.95)
       baseline  score  gap_to_best
    0     human   0.95         0.00
    1  logistic   0.90         0.05
    2  majority   0.10         0.85
    """
    if not named_scores:
        raise ValueError("baseline_table needs at least one score, e.g. majority=0.52")
    scores = {}
    for name, value in named_scores.items():
        if isinstance(value, Mapping):
            raise ValueError(
                f"{name} should be one number, got a dict; pick one metric, "
                f"e.g. {name}=result['accuracy']"
            )
        scores[name] = finite_number(value, name)
    table = pd.DataFrame({"baseline": list(scores), "score": list(scores.values())})
    table = table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    table["gap_to_best"] = (table["score"].iloc[0] - table["score"]).round(12)
    return table


# --------------------------------------------------------------------------- sanity check


def _rows(data: Any, positions: np.ndarray) -> Any:
    return data.iloc[positions] if hasattr(data, "iloc") else np.asarray(data)[positions]


def overfit_small_set(
    model_factory: Callable[[], Any], X: Any, y: Any, *, n: int = 20, seed: int = 0
) -> dict[str, Any]:
    """Check a model can fit (overfit) a tiny training set before training it on everything.

    If a model cannot get ``n`` training examples it has *seen* right, training on more
    data will not help: look for a bug (labels shuffled against features), too little
    capacity or too much regularisation first.

    Parameters
    ----------
    model_factory
        A function returning a new, unfitted model with ``fit`` and ``predict`` — e.g.
        ``lambda: LogisticRegression(C=100)`` or a class such as ``DecisionTreeClassifier``.
    X, y
        The training data; ``n`` rows are drawn at random without replacement.
    n
        How many examples (default 20).
    seed
        Chooses the rows.

    Returns
    -------
    dict
        ``train_accuracy`` on the ``n`` examples, ``n``, ``ok`` (True iff the accuracy is
        exactly 1.0) and ``message`` explaining the result.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = [[0], [1], [2], [3], [4], [5]]
    >>> y = [0, 1, 0, 1, 0, 1]
    >>> result = overfit_small_set(DecisionTreeClassifier, X, y, n=4)
    >>> result["ok"], result["train_accuracy"]
    (True, 1.0)
    """
    if not callable(model_factory):
        raise TypeError(
            "model_factory should be a function that returns a new, unfitted model, e.g. "
            f"`lambda: LogisticRegression()`; got a {type(model_factory).__name__} instance"
        )
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"n should be an integer >= 2, got {n!r}")
    count(seed, "seed")
    labels = as_labels(y, "y")
    if np.ndim(X) < 2 or len(X) == 0:
        raise ValueError(f"X should be 2-D (n_examples, n_features), got shape {np.shape(X)}")
    same_length(X=X, y=labels)
    if n > len(labels):
        raise ValueError(f"n={n} but X has only {len(labels)} examples")
    positions = np.sort(np.random.default_rng(seed).choice(len(labels), size=n, replace=False))
    small_y = labels[positions]
    if len(np.unique(small_y)) < 2:
        raise ValueError(
            f"the {n} examples drawn with seed={seed} all have class {small_y[0]!r}; "
            "use a larger n or another seed so at least two classes are present"
        )
    model = model_factory()
    if not (hasattr(model, "fit") and hasattr(model, "predict")):
        raise TypeError(
            f"model_factory() returned a {type(model).__name__}, which has no fit/predict; "
            "it should return a model"
        )
    model.fit(_rows(X, positions), small_y)
    fitted = accuracy(small_y, np.asarray(model.predict(_rows(X, positions))))
    ok = fitted == 1.0
    if ok:
        message = (
            f"the model fits all {n} training examples: it can learn this data. "
            "Now train it on the full training set."
        )
    else:
        wrong = round((1 - fitted) * n)
        message = (
            f"the model gets {wrong} of its own {n} training examples wrong "
            f"(train accuracy {fitted:.3f}): it cannot even overfit a tiny set. Before "
            "training on more data, check that labels match features, and try more "
            "capacity, less regularisation or more training iterations."
        )
    return {"train_accuracy": fitted, "n": int(n), "ok": ok, "message": message}
