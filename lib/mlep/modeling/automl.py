"""A local AutoML search: preprocessing, model family and hyperparameters chosen together (C3W1).

A cloud AutoML service (Vertex AI AutoML Tables, the course's Cloud AutoML lab) takes a table and
a target and hands back a trained model: behind the button it searches over **preprocessing**,
**model families** and their **hyperparameters** within a budget, scores every candidate the same
way, and keeps a **leaderboard**. :func:`automl` is that search, offline and visible, with
scikit-learn: each candidate is a ``Pipeline([("prep", ...), ("model", ...)])``; ``families``
names the models that may be tried, each with its hyperparameter ranges written as
:class:`mlep.modeling.tuning.Space` writes them (a list of choices, or ``(low, high[, "log"])``),
and ``preprocessing`` the transforms that may come first. The search strategy is scikit-learn's
``HalvingRandomSearchCV`` (``strategy="halving"``: successive halving — every candidate is
scored by cross-validation on a small sample, the best third goes on with three times the
data, until the finalists use all of it) or ``RandomizedSearchCV`` (``"random"``: every
candidate on all of the data). ``budget`` is the number of candidates drawn.

Examples
--------
>>> from sklearn.datasets import load_iris
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.neighbors import KNeighborsClassifier
>>> X, y = load_iris(return_X_y=True)
>>> families = {"logistic": (LogisticRegression(max_iter=500), {"C": (1e-2, 1e2, "log")}),
...             "knn": (KNeighborsClassifier(), {"n_neighbors": (1, 15)})}
>>> result = automl(X, y, families, budget=6, strategy="random", seed=0)
>>> len(result.leaderboard), result.leaderboard.loc[0, "family"] == result.best_family
(6, True)
>>> bool(result.best_score > 0.9), result.best_pipeline.predict(X[:1]).tolist()
(True, [0])
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, foreign, instance, one_of, strings, text

__all__ = ["PREPROCESSING", "STRATEGIES", "AutoMLResult", "automl"]

PREPROCESSING = ("none", "standard", "minmax", "pca")
STRATEGIES = ("halving", "random")


@dataclass
class AutoMLResult:
    """What :func:`automl` returns.

    Parameters
    ----------
    leaderboard : pandas.DataFrame
        One row per candidate, best first: ``family``, ``preprocessing``, ``params`` (the
        family's hyperparameters, a dict), ``score`` and ``std`` (mean and spread of the
        cross-validated score in the last round the candidate reached), ``round`` (0 is the
        first), ``n_samples`` (the rows it was cross-validated on in that round) and
        ``fit_seconds``. Finalists come before candidates eliminated earlier, since scores on
        different amounts of data do not compare.
    best_pipeline : sklearn.pipeline.Pipeline
        The winner, refitted on all the data.
    best_family : str
        The winner's family name.
    best_params : dict
        The winner's hyperparameters (without the ``model__`` prefix).
    best_score : float
        The winner's cross-validated score.
    search : object
        The fitted scikit-learn search, for its ``cv_results_``.
    """

    leaderboard: pd.DataFrame
    best_pipeline: Any
    best_family: str
    best_params: dict
    best_score: float
    search: Any


def _preprocessor(name: str):
    from sklearn.decomposition import PCA
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    return {
        "none": "passthrough",
        "standard": StandardScaler(),
        "minmax": MinMaxScaler(),
        "pca": make_pipeline(StandardScaler(), PCA(n_components=0.95)),
    }[name]


def _distribution(family: str, name: str, spec: Any):
    """A hyperparameter's values: a list of choices, or a scipy distribution for a range."""
    from scipy.stats import loguniform, randint, uniform

    where = f"families[{family!r}] hyperparameter {name!r}"
    if isinstance(spec, list):
        if not spec:
            raise ValueError(f"{where} must list at least one choice, but got []")
        return spec
    if not isinstance(spec, tuple) or len(spec) not in (2, 3):
        raise TypeError(
            f"{where} must be a list of choices or a (low, high[, 'log']) range, but got {spec!r}"
        )
    low, high = spec[0], spec[1]
    for end in (low, high):
        if isinstance(end, bool) or not isinstance(end, numbers.Real):
            raise TypeError(f"{where}: the range's ends must be numbers, but got {spec!r}")
    log = len(spec) == 3 and one_of(spec[2], ("log",), f"{where}'s scale") == "log"
    if not low < high or (log and low <= 0):
        raise ValueError(f"{where} needs low < high (and low > 0 on a log scale), but got {spec}")
    if log:
        return loguniform(low, high)
    if isinstance(low, numbers.Integral) and isinstance(high, numbers.Integral):
        return randint(low, high + 1)
    return uniform(low, high - low)


def _candidates(families: Mapping, preprocessing: list[str], seed: int):
    """scikit-learn's list of parameter dicts (one per family) and the objects' names."""
    from sklearn.base import clone

    instance(families, Mapping, "families", "a dict: name -> (estimator, {hyperparameter: values})")
    if not families:
        raise ValueError("families must name at least one model family, but got an empty dict")
    preps = {name: _preprocessor(name) for name in preprocessing}
    names: dict[int, str] = {}
    grid = []
    for family, entry in families.items():
        text(family, "a family name")
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], Mapping)):
            raise TypeError(
                f"families[{family!r}] must be a pair (estimator, {{hyperparameter: values}}), "
                f"but got {entry!r}"
            )
        estimator, space = entry
        if not (hasattr(estimator, "fit") and hasattr(estimator, "get_params")):
            raise TypeError(
                f"families[{family!r}]'s estimator must be a scikit-learn estimator, "
                f"but got a {type(estimator).__name__}"
            )
        estimator = clone(estimator)
        known = estimator.get_params()
        if "random_state" in known and known["random_state"] is None:
            estimator.set_params(random_state=seed)  # reproducible forests, boosting, ...
        unknown = [p for p in space if p not in known]
        if unknown:
            raise ValueError(
                f"families[{family!r}] names unknown hyperparameter(s) {unknown} of "
                f"{type(estimator).__name__}; it has {sorted(known)}"
            )
        names[id(estimator)] = family
        entry = {"prep": list(preps.values()), "model": [estimator]}
        entry.update({f"model__{p}": _distribution(family, p, s) for p, s in space.items()})
        grid.append(entry)
    names.update({id(p): name for name, p in preps.items()})
    return grid, names


def _leaderboard(results: dict, names: dict[int, str]) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "family": [names[id(p["model"])] for p in results["params"]],
            "preprocessing": [names[id(p["prep"])] for p in results["params"]],
            "params": [_hyperparameters(p) for p in results["params"]],
            "score": results["mean_test_score"],
            "std": results["std_test_score"],
            "round": results.get("iter", np.zeros(len(results["params"]), dtype=int)),
            "n_samples": results["n_resources"],
            "fit_seconds": results["mean_fit_time"],
        }
    )
    # halving scores a candidate once per round it reaches (the same dict of parameters each
    # time): keep its last round, finalists first
    candidate = [id(p) for p in results["params"]]
    table = table.groupby(candidate, sort=False).tail(1)
    table = table.sort_values(
        ["round", "score"], ascending=False, kind="stable", na_position="last"
    )
    return table.reset_index(drop=True)


def _hyperparameters(params: Mapping[str, Any]) -> dict:
    """A candidate's model hyperparameters, without the prefix, as plain Python values."""
    return {
        k.removeprefix("model__"): v.item() if isinstance(v, np.generic) else v
        for k, v in params.items()
        if k.startswith("model__")
    }


def automl(
    X: Any,
    y: Any,
    families: Mapping[str, tuple[Any, Mapping[str, Any]]],
    *,
    preprocessing: list[str] | tuple[str, ...] = ("none", "standard"),
    budget: int = 20,
    strategy: str = "halving",
    cv: int = 3,
    scoring: str | None = None,
    seed: int = 0,
) -> AutoMLResult:
    """Search preprocessing, model family and hyperparameters together; a leaderboard and a winner.

    Parameters
    ----------
    X : array-like or pandas.DataFrame
        The features, one row per example (numeric).
    y : array-like
        The target, one value per row.
    families : dict
        Family name -> ``(estimator, {hyperparameter: values})``: an unfitted scikit-learn
        estimator and its search space, each value a list of choices or a range
        ``(low, high)`` (integers if both ends are) or ``(low, high, "log")``. An estimator
        with ``random_state=None`` gets ``seed``.
    preprocessing : list of str
        The transforms the search may put before the model: ``"none"``, ``"standard"``
        (standardise), ``"minmax"`` (scale to 0–1), ``"pca"`` (standardise, then keep 95 % of
        the variance).
    budget : int
        How many candidates (preprocessing + family + hyperparameters) to draw, at least 2.
    strategy : str
        ``"halving"`` (successive halving, factor 3) or ``"random"`` (every candidate on all
        the data).
    cv : int
        Folds of cross-validation (stratified for classifiers), at least 2.
    scoring : str, optional
        A scikit-learn scorer name; default the estimators' ``score`` (accuracy, R²).
    seed : int
        Seeds the draws, the halving subsamples and the estimators' ``random_state``.

    Returns
    -------
    AutoMLResult
        The leaderboard (best first), the refitted best pipeline and the search itself. A
        candidate that stops before converging is scored as it is (scikit-learn's
        ``ConvergenceWarning`` is silenced); one whose fit fails scores NaN and ranks last.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> result = automl(X, y, {"tree": (DecisionTreeClassifier(), {"max_depth": (1, 5)})},
    ...                 budget=9, seed=0)
    >>> sorted(result.leaderboard["round"].unique().tolist())  # 9 candidates, then the best 3
    [0, 1]
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV, RandomizedSearchCV
    from sklearn.pipeline import Pipeline

    count(budget, "budget", minimum=2)
    count(cv, "cv", minimum=2)
    count(seed, "seed")
    one_of(strategy, STRATEGIES, "strategy")
    for name in strings(preprocessing, "preprocessing"):
        one_of(name, PREPROCESSING, "preprocessing")
    if scoring is not None:
        text(scoring, "scoring")
    X = X if isinstance(X, pd.DataFrame) else np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) < 2 * cv:
        raise ValueError(
            f"X must be a table with at least {2 * cv} rows (cv={cv}), but got shape {X.shape}"
        )
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must hold one value per row of X ({len(X)}), but got shape {y.shape}")
    grid, names = _candidates(families, list(preprocessing), seed)
    pipeline = Pipeline([("prep", "passthrough"), ("model", grid[0]["model"][0])])
    common = dict(cv=cv, scoring=scoring, random_state=seed, refit=True, n_jobs=1)
    if strategy == "halving":
        search = HalvingRandomSearchCV(
            pipeline, grid, n_candidates=budget, factor=3, min_resources="exhaust", **common
        )
    else:
        search = RandomizedSearchCV(pipeline, grid, n_iter=budget, **common)
    with warnings.catch_warnings():  # a candidate that stops before converging is just scored
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            search.fit(X, y)
        except ValueError as error:
            if "min_resources_" not in str(error):  # halving's first round needs more rows
                raise
            raise foreign(
                error,
                f"successive halving cannot start on {len(X)} rows with cv={cv}",
                "use more rows, fewer folds (cv) or strategy='random'",
            ) from error
    results = dict(search.cv_results_)
    results.setdefault("n_resources", np.full(len(results["params"]), len(X)))
    best = search.cv_results_["params"][search.best_index_]
    return AutoMLResult(
        leaderboard=_leaderboard(results, names),
        best_pipeline=search.best_estimator_,
        best_family=names[id(best["model"])],
        best_params=_hyperparameters(best),
        best_score=float(search.best_score_),
        search=search,
    )
