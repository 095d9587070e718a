"""Feature selection: keep the features that carry the signal, drop the rest.

Fewer features mean less data to collect, store and validate, faster training and serving, and
often a better model (C2W2, *Feature selection*). The course's three families, all on
scikit-learn:

* **filter** — score each feature on its own, before any model: ``"correlation"`` (absolute
  Pearson correlation with the label), ``"univariate"`` (ANOVA F-test), ``"mutual_info"``;
* **wrapper** — search feature subsets with a model: ``"forward"`` and ``"backward"``
  sequential selection, ``"rfe"`` (recursive feature elimination);
* **embedded** — the model selects while it trains: ``"l1"`` (L1-regularised logistic
  regression's non-zero weights), ``"tree"`` (random-forest importance).

Examples
--------
>>> from sklearn.datasets import load_breast_cancer
>>> data = load_breast_cancer(as_frame=True)
>>> select(data.data, data.target, method="univariate", k=3)
['worst concave points', 'worst perimeter', 'mean concave points']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, finite_frame, instance, positive, strings

__all__ = ["METHODS", "compare", "select"]

METHODS = {
    "correlation": "filter",
    "univariate": "filter",
    "mutual_info": "filter",
    "forward": "wrapper",
    "backward": "wrapper",
    "rfe": "wrapper",
    "l1": "embedded",
    "tree": "embedded",
}


def _check(X: Any, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
    if not isinstance(X, pd.DataFrame):
        raise TypeError("X must be a pandas DataFrame, so selected features keep their names")
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    if text:
        raise ValueError(
            f"feature selection needs numeric features; encode these first: {', '.join(text)}"
        )
    if X.isna().any().any():
        raise ValueError(
            f"X has missing values in {', '.join(X.columns[X.isna().any()])}; impute them first"
        )
    if X.empty:
        raise ValueError("X must have at least one row and one feature, but it is empty")
    finite_frame(X, "X")  # an infinite value would fail deep inside scikit-learn
    if y.ndim != 1 or pd.isna(pd.Series(y, dtype=object)).any():
        raise ValueError("y must be one-dimensional with a label for every row (no NaN or None)")
    return X, y


def _default_model(seed: int):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=seed))


def _ranked(X: pd.DataFrame, scores: np.ndarray, k: int) -> list[str]:
    order = np.argsort(-np.nan_to_num(scores, nan=-np.inf), kind="stable")
    return [X.columns[i] for i in order[:k]]


def select(
    X: pd.DataFrame,
    y: Any,
    *,
    method: str,
    k: int | None = None,
    estimator: Any = None,
    C: float = 0.05,
    seed: int = 0,
) -> list[str]:
    """Names of the features ``method`` keeps (best first for the ranking methods).

    ``k`` features are kept by every method but ``"l1"``, where the L1 strength ``C`` decides
    (smaller ``C``, fewer features). Wrapper methods use ``estimator`` (default: standardised
    logistic regression) with 3-fold cross-validation.

    Parameters
    ----------
    X : pandas.DataFrame
        Numeric features, one column each, no NaN.
    y : array-like
        Class labels, one per row.
    method : str
        One of :data:`METHODS` (filters, wrappers and embedded methods).
    k : int, optional
        How many features to keep (every method but ``"l1"``).
    estimator : scikit-learn estimator, optional
        The model wrapper methods search with.
    C : float, default 0.05
        The L1 strength of ``"l1"`` (smaller keeps fewer features).
    seed : int, default 0
        Seeds the methods that draw at random.
    """
    from sklearn import feature_selection as fs
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
    X, y = _check(X, y)
    count(seed, "seed")
    if method == "l1":
        positive(C, "C")
    if estimator is not None and not hasattr(estimator, "fit"):
        raise TypeError(
            "estimator must be a scikit-learn estimator (with fit), "
            f"but got {type(estimator).__name__}"
        )
    if method != "l1":
        if k is None:
            raise ValueError(f"method {method!r} needs k, the number of features to keep")
        count(k, "k", minimum=1)
        if k > X.shape[1]:
            raise ValueError(f"k={k} is more than the {X.shape[1]} features of X")
    model = estimator if estimator is not None else _default_model(seed)
    if method == "correlation":
        scores = np.abs([np.corrcoef(X[c], y)[0, 1] if X[c].std() > 0 else 0.0 for c in X.columns])
        return _ranked(X, scores, k)
    if method == "univariate":
        return _ranked(X, fs.f_classif(X, y)[0], k)
    if method == "mutual_info":
        return _ranked(X, fs.mutual_info_classif(X, y, random_state=seed), k)
    if method in ("forward", "backward"):
        search = fs.SequentialFeatureSelector(model, n_features_to_select=k, direction=method, cv=3)
        return list(X.columns[search.fit(X, y).get_support()])
    if method == "rfe":
        inner = (
            estimator
            if estimator is not None
            else LogisticRegression(max_iter=2000, random_state=seed)
        )
        scaled = StandardScaler().fit_transform(X) if estimator is None else X
        search = fs.RFE(inner, n_features_to_select=k).fit(scaled, y)
        return [X.columns[i] for i in np.argsort(search.ranking_, kind="stable")[:k]]
    if method == "l1":
        lasso = LogisticRegression(penalty="l1", solver="liblinear", C=C, random_state=seed)
        lasso.fit(StandardScaler().fit_transform(X), y)
        weights = np.abs(lasso.coef_).max(axis=0)
        return _ranked(X, weights, int((weights > 0).sum()))
    forest = RandomForestClassifier(n_estimators=200, random_state=seed, n_jobs=1).fit(X, y)
    return _ranked(X, forest.feature_importances_, k)


def compare(
    X: pd.DataFrame,
    y: Any,
    selections: Mapping[str, Sequence[str]],
    *,
    estimator: Any = None,
    cv: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Cross-validated accuracy of ``estimator`` on each named feature subset (and all features).

    Returns a table ``selection, family, n_features, accuracy, features`` sorted by accuracy,
    then by fewer features.

    Parameters
    ----------
    X : pandas.DataFrame
        Numeric features, no NaN.
    y : array-like
        Class labels, one per row.
    selections : mapping of str to sequence of str
        Name → the columns of ``X`` a selection keeps.
    estimator : scikit-learn estimator, optional
        The model scored on each subset (standardised logistic regression by default).
    cv : int, default 5
        Cross-validation folds.
    seed : int, default 0
        Seeds the folds.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    X, y = _check(X, y)
    instance(selections, Mapping, "selections", "a dict of name -> list of features")
    chosen = {
        name: strings(features, f"selection {name!r}") for name, features in selections.items()
    }
    count(cv, "cv", minimum=2)
    count(seed, "seed")
    if estimator is not None and not hasattr(estimator, "fit"):
        raise TypeError(
            "estimator must be a scikit-learn estimator (with fit), "
            f"but got {type(estimator).__name__}"
        )
    model = estimator if estimator is not None else _default_model(seed)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    rows = []
    for name, features in {"all features": list(X.columns), **chosen}.items():
        unknown = [f for f in features if f not in X.columns]
        if unknown:
            raise ValueError(
                f"selection {name!r} names features X does not have: {', '.join(unknown)}"
            )
        if not features:
            raise ValueError(f"selection {name!r} is empty")
        accuracy = cross_val_score(model, X[list(features)], y, cv=folds).mean()
        rows.append(
            {
                "selection": name,
                "family": METHODS.get(name, "-"),
                "n_features": len(features),
                "accuracy": float(accuracy),
                "features": ", ".join(features),
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(
        ["accuracy", "n_features"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
