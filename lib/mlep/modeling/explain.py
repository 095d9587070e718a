"""Explaining a model: which features matter overall, how they act, and why one prediction.

The course's interpretability toolbox (C3W5, *Interpretability*), model-agnostic, for any fitted
scikit-learn-style model:

* **global**: :func:`permutation_importance` — how much the score drops when one feature's
  values are shuffled (written here as the course teaches it and checked against
  scikit-learn's); :func:`partial_dependence` — the average prediction as one feature sweeps a
  grid (equal to scikit-learn's brute-force method);
* **local**: :func:`shap_values` — Shapley values from the ``shap`` library, which add up to
  the prediction; :func:`local_surrogate` — a LIME-style weighted linear model fitted around
  one row.

Plots: :func:`plot_importance`, :func:`plot_partial_dependence`, :func:`plot_local`.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from sklearn.linear_model import LinearRegression
>>> rng = np.random.default_rng(0)
>>> X = pd.DataFrame({"signal": rng.normal(size=300), "noise": rng.normal(size=300)})
>>> y = 3 * X["signal"] + 0.1 * rng.normal(size=300)
>>> model = LinearRegression().fit(X, y)
>>> permutation_importance(model, X, y, n_repeats=5, seed=0)["feature"].tolist()
['signal', 'noise']
>>> local = local_surrogate(model, X, X.iloc[0], seed=0)  # a linear model is its own surrogate
>>> bool(np.isclose(local.loc["signal", "weight"], model.coef_[0]))
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, finite_frame, frame, instance, interval, positive

__all__ = [
    "local_surrogate",
    "partial_dependence",
    "permutation_importance",
    "plot_importance",
    "plot_local",
    "plot_partial_dependence",
    "shap_values",
]


def _frame(X: Any) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError("X must be a pandas DataFrame, so explanations can name the features")
    if X.empty:
        raise ValueError("X is empty: there is nothing to explain")
    return X


def _scorer(model: Any, scoring: str | Callable | None) -> Callable:
    from sklearn.metrics import get_scorer

    if scoring is None:
        return lambda m, X, y: m.score(X, y)
    return get_scorer(scoring) if isinstance(scoring, str) else scoring


def permutation_importance(
    model: Any,
    X: pd.DataFrame,
    y: Any,
    *,
    n_repeats: int = 10,
    scoring: str | Callable | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Drop in score when each feature is shuffled, ``n_repeats`` times (most important first).

    Shuffling one column breaks its link to the target but keeps its distribution; the larger
    the drop, the more the model relies on it. Computed on held-out data it says what the
    model *uses*, not what is causal. ``scoring`` is a scikit-learn scorer name or callable
    (default: the model's ``score``). Returns ``feature, importance, std``.
    """
    X = _frame(X)
    _model(model)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional (one target per row), but got shape {y.shape}")
    if len(y) != len(X):
        raise ValueError(
            f"X and y must have the same length: X has {len(X)} rows but y has {len(y)} values"
        )
    count(n_repeats, "n_repeats", minimum=1)  # 0 repeats would average nothing: all NaN
    count(seed, "seed")
    score = _scorer(model, scoring)
    baseline = score(model, X, y)
    rng = np.random.default_rng(seed)
    rows = []
    for column in X.columns:
        drops = []
        for _ in range(n_repeats):
            shuffled = X.copy()
            shuffled[column] = rng.permutation(shuffled[column].to_numpy())
            drops.append(baseline - score(model, shuffled, y))
        rows.append(
            {"feature": column, "importance": float(np.mean(drops)), "std": float(np.std(drops))}
        )
    table = pd.DataFrame(rows)
    return table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def _grid(values: np.ndarray, grid_resolution: int, percentiles: tuple[float, float]) -> np.ndarray:
    from scipy.stats.mstats import mquantiles

    uniques = np.unique(values)
    if uniques.shape[0] < grid_resolution:
        return uniques
    low, high = mquantiles(values, prob=percentiles)
    return np.linspace(low, high, num=grid_resolution)


def partial_dependence(
    model: Any,
    X: pd.DataFrame,
    feature: str,
    *,
    grid_resolution: int = 20,
    percentiles: tuple[float, float] = (0.05, 0.95),
    ice: bool = False,
) -> pd.DataFrame:
    """Average prediction as ``feature`` is set to each grid value for every row.

    The grid spans the 5th–95th percentiles (or the feature's unique values if fewer), as
    scikit-learn's. Classifiers are explained by the probability of their last class. With
    ``ice=True`` the table also holds one column per row: the individual conditional
    expectation curves whose average is the partial dependence.
    """
    X = _frame(X)
    _model(model)
    if feature not in X.columns:
        raise ValueError(f"unknown feature {feature!r}; X has: {', '.join(map(str, X.columns))}")
    count(grid_resolution, "grid_resolution", minimum=2)
    if not isinstance(percentiles, (tuple, list)) or len(percentiles) != 2:
        raise TypeError(f"percentiles must be a pair (low, high), but got {percentiles!r}")
    low, high = interval(*percentiles, "percentiles[0]", "percentiles[1]")
    if not (0 <= low and high <= 1):
        raise ValueError(f"percentiles must lie between 0 and 1, but got {tuple(percentiles)}")
    values = X[feature]
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(
            f"feature {feature!r} must be numeric to build a grid of values, but its dtype is "
            f"{values.dtype}; encode it first"
        )
    if not np.isfinite(values.to_numpy(dtype=float)).all():
        raise ValueError(f"feature {feature!r} must hold finite values, but it has NaN or infinity")
    predict = _prediction(model)
    grid = _grid(X[feature].to_numpy(), grid_resolution, percentiles)
    curves = []
    for value in grid:
        changed = X.copy()
        changed[feature] = value
        curves.append(predict(changed))
    curves = np.asarray(curves)
    table = pd.DataFrame({feature: grid, "average": curves.mean(axis=1)})
    if ice:
        table = pd.concat(
            [table, pd.DataFrame(curves, columns=[f"row_{i}" for i in range(len(X))])], axis=1
        )
    return table


def _model(model: Any) -> None:
    if not hasattr(model, "predict"):
        raise TypeError(
            f"model must be a fitted model with a predict method, but got a {type(model).__name__}"
        )


def _prediction(model: Any) -> Callable[[pd.DataFrame], np.ndarray]:
    if hasattr(model, "predict_proba"):
        return lambda X: model.predict_proba(X)[:, -1]
    return lambda X: np.asarray(model.predict(X), dtype=float)


def shap_values(
    model: Any, X: pd.DataFrame, *, background: pd.DataFrame | None = None, seed: int = 0
) -> pd.DataFrame:
    """Shapley values of each feature for each row (same shape as ``X``), from ``shap``.

    Each row's values add up to its prediction minus the expected prediction (stored in the
    table's ``attrs["expected_value"]``). Tree models use the exact TreeExplainer; other models
    the model-agnostic explainer with ``background`` rows (default: up to 100 rows of ``X``).
    Classifiers are explained by the probability of their last class.
    """
    import warnings

    with warnings.catch_warnings():  # shap's import warns about matplotlib deprecations
        warnings.simplefilter("ignore")
        import shap
        from shap.utils._exceptions import InvalidModelError

    X = _frame(X)
    _model(model)
    count(seed, "seed")
    if background is not None:
        frame(background, "background", columns=list(X.columns))
    background = X.sample(min(100, len(X)), random_state=seed) if background is None else background
    predict = _prediction(model)
    try:
        explainer = shap.TreeExplainer(
            model,
            background,
            model_output="probability" if hasattr(model, "predict_proba") else "raw",
        )
        values = explainer.shap_values(X, check_additivity=False)
        base = explainer.expected_value
    except InvalidModelError:  # not a tree model shap knows: the model-agnostic explainer
        explainer = shap.Explainer(predict, background, seed=seed)
        explanation = explainer(X)
        values, base = explanation.values, explanation.base_values
    values = np.asarray(values)
    if values.ndim == 3:  # (rows, features, classes): keep the last class, like _prediction
        values = values[:, :, -1]
    base = np.ravel(base)[-1] if np.ndim(base) else float(base)
    table = pd.DataFrame(values, columns=X.columns, index=X.index)
    table.attrs["expected_value"] = float(base)
    return table


def local_surrogate(
    model: Any,
    X: pd.DataFrame,
    row: pd.Series,
    *,
    categorical: list[str] | tuple[str, ...] = (),
    n_samples: int = 1000,
    kernel_width: float = 0.75,
    seed: int = 0,
) -> pd.DataFrame:
    """A LIME-style explanation of one prediction: a weighted linear model fitted near ``row``.

    Samples around ``row`` with the spread of ``X``'s features, weights them by closeness
    (an exponential kernel on standardised distance, ``kernel_width`` in standard deviations
    × √features), and fits a weighted ridge regression to the model's predictions. Returns
    ``weight`` (change of prediction per unit of the feature, near this row) and
    ``contribution`` (weight × the row's offset from the data mean) per feature, largest
    contribution first, with the surrogate's local fit in ``attrs["r2"]``.

    Features named in ``categorical`` (codes whose order means nothing, like a site id) are
    handled as LIME does: samples draw them from ``X``'s values, and the surrogate sees
    whether a sample has the row's value (1) or not (0), at distance 1 when not. Their
    ``weight`` is then the change of prediction for having the row's value.

    The kernel is ``exp(-d² / width²)``. The ``lime`` package's ``LimeTabularExplainer``
    uses ``sqrt(exp(-d² / width²))`` (a width √2 wider for the same ``kernel_width``), and by
    default discretizes numeric features into quartiles; so the numbers here follow the
    course's recipe, not ``lime``'s defaults (``kernel_width=0.75 / √2`` gives its kernel).
    """
    from sklearn.linear_model import Ridge

    X = _frame(X)
    _model(model)
    instance(row, pd.Series, "row", "one row of X as a pandas Series (e.g. X.iloc[0])")
    count(n_samples, "n_samples", minimum=2)
    positive(kernel_width, "kernel_width")
    count(seed, "seed")
    finite_frame(X, "X")
    missing = [c for c in X.columns if c not in row.index]
    if missing:
        raise ValueError(f"the row lacks feature(s) {', '.join(missing)}")
    if isinstance(categorical, str):
        raise TypeError(f"categorical must be a list of column names, e.g. [{categorical!r}]")
    unknown = [c for c in categorical if c not in X.columns]
    if unknown:
        raise ValueError(f"categorical names unknown feature(s) {', '.join(map(str, unknown))}")
    is_code = X.columns.isin(list(categorical))
    row = row[X.columns].astype(float).to_numpy()
    scale = X.std(ddof=0).replace(0, 1).to_numpy()
    rng = np.random.default_rng(seed)
    samples = row + rng.normal(size=(n_samples, X.shape[1])) * scale
    for j in np.flatnonzero(is_code):
        samples[:, j] = rng.choice(X.iloc[:, j].to_numpy(dtype=float), size=n_samples)
    # the surrogate's inputs: numeric features as they are, codes as "same as the row"
    design = np.where(is_code, (samples == row).astype(float), samples)
    offset_from_row = np.where(is_code, 1 - design, (samples - row) / scale)
    distance = np.sqrt((offset_from_row**2).sum(axis=1))
    width = kernel_width * np.sqrt(X.shape[1])
    weights = np.exp(-(distance**2) / width**2)
    target = _prediction(model)(pd.DataFrame(samples, columns=X.columns))
    surrogate = Ridge(alpha=1e-6).fit(design, target, sample_weight=weights)
    mean = np.where(is_code, (X.to_numpy(dtype=float) == row).mean(axis=0), X.mean().to_numpy())
    offset = np.where(is_code, 1.0, row) - mean
    table = pd.DataFrame(
        {"weight": surrogate.coef_, "contribution": surrogate.coef_ * offset}, index=X.columns
    )
    table = table.reindex(
        table["contribution"].abs().sort_values(ascending=False, kind="stable").index
    )
    table.attrs["r2"] = float(surrogate.score(design, target, sample_weight=weights))
    return table


# -- plots -----------------------------------------------------------------------------------


def plot_importance(table: pd.DataFrame | dict[str, pd.DataFrame], *, top: int = 15):
    """Horizontal bars of :func:`permutation_importance` (with its spread).

    Pass a dict of tables (label → table, e.g. ``{"test": ..., "deployment": ...}``) to compare
    the same model's importances on several datasets side by side, in the first table's order.
    """
    import matplotlib.pyplot as plt

    tables = table if isinstance(table, dict) else {"": table}
    if not tables:
        raise ValueError("table is an empty dict: give at least one importance table")
    for label, shown in tables.items():
        frame(shown, f"table {label!r}" if label else "table", columns=["feature", "importance"])
    count(top, "top", minimum=1)
    first = next(iter(tables.values()))
    features = first["feature"].head(top).iloc[::-1].tolist()
    height = 0.8 / len(tables)
    figure, axes = plt.subplots(figsize=(6, 0.35 * len(features) * len(tables) ** 0.5 + 1.2))
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    for index, (label, shown) in enumerate(tables.items()):
        shown = shown.set_index("feature").reindex(features)
        axes.barh(
            np.arange(len(features)) + (index - (len(tables) - 1) / 2) * height,
            shown["importance"],
            height=height,
            xerr=shown.get("std"),
            label=label or None,
        )
    axes.set_yticks(np.arange(len(features)), [str(f) for f in features])
    axes.axvline(0, color="grey", linewidth=0.8)
    axes.set(xlabel="drop in score when shuffled", title="Permutation importance")
    if len(tables) > 1:
        axes.legend()
    figure.tight_layout()
    return figure


def plot_partial_dependence(table: pd.DataFrame):
    """The partial dependence line, over its ICE curves when the table has them."""
    import matplotlib.pyplot as plt

    frame(table, "table", columns=["average"])
    feature = table.columns[0]
    figure, axes = plt.subplots(figsize=(6, 4))
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    ice = [c for c in table.columns if str(c).startswith("row_")]
    for column in ice[:200]:
        axes.plot(table[feature], table[column], color="#bbbbbb", linewidth=0.5)
    axes.plot(
        table[feature],
        table["average"],
        color="#d62728",
        linewidth=2.5,
        label="average (partial dependence)",
    )
    axes.set(xlabel=str(feature), ylabel="prediction", title=f"Partial dependence on {feature}")
    axes.legend()
    figure.tight_layout()
    return figure


def plot_local(table: pd.DataFrame, *, column: str = "contribution", top: int = 10):
    """Signed bars of one prediction's explanation (a :func:`local_surrogate` table, or one
    row of :func:`shap_values` as a DataFrame with a ``contribution`` column)."""
    import matplotlib.pyplot as plt

    frame(table, "table", columns=[column])
    count(top, "top", minimum=1)
    shown = table.head(top).iloc[::-1]
    colors = ["#d62728" if v > 0 else "#1f77b4" for v in shown[column]]
    figure, axes = plt.subplots(figsize=(6, 0.35 * len(shown) + 1.2))
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    axes.barh([str(i) for i in shown.index], shown[column], color=colors)
    axes.axvline(0, color="grey", linewidth=0.8)
    axes.set(xlabel=column, title="Why this prediction")
    figure.tight_layout()
    return figure
