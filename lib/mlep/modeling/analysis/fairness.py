"""Fairness: error rates per group, their gaps, and a remediation (Course 3, week 4).

A model can be accurate overall and still put its mistakes on one group: more of a group's good
payers refused (a higher **false positive rate**, FPR, when "positive" means "flagged"), more of
its bad cases missed (**false negative rate**, FNR), or a different share flagged at all
(**selection rate**). :func:`group_rates` computes them by hand, per group; the reference tests
check them against TFMA's Fairness Indicators. :func:`fairness_gaps` reads the largest gap.

Two remediations the course names, measured in the tests and the lab:

* post-processing — :class:`GroupThresholds`: one decision threshold per group, chosen on
  held-out data so every group has (about) the same FPR (the "equal opportunity" family);
* pre-processing — :func:`reweighing_weights`: Kamiran & Calders' example weights that make
  group and label independent in the weighted training data.

Examples
--------
>>> y_true = [0, 0, 1, 1, 0, 0, 1, 1]
>>> y_pred = [0, 0, 1, 1, 1, 1, 1, 0]
>>> groups = ["a", "a", "a", "a", "b", "b", "b", "b"]
>>> columns = ["count", "fpr", "fnr", "selection_rate"]
>>> group_rates(y_true, y_pred, groups)[columns]  # doctest: +NORMALIZE_WHITESPACE
       count  fpr  fnr  selection_rate
group
a          4  0.0  0.0            0.50
b          4  1.0  0.5            0.75
>>> fairness_gaps(group_rates(y_true, y_pred, groups))["fpr_gap"]
1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlep._checks import finite_array, instance, probability, same_length, strings

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "GroupThresholds",
    "fairness_gaps",
    "group_rates",
    "plot_group_rates",
    "reweighing_weights",
]

RATES = ("fpr", "fnr", "selection_rate")


def _binary(values: Any, name: str) -> np.ndarray:
    if isinstance(values, (str, bytes, Mapping)) or np.ndim(values) == 0:
        raise TypeError(f"{name} must be a sequence of 0/1 labels, but got {values!r}")
    array = np.asarray(values)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, but got shape {array.shape}")
    if array.dtype.kind not in "biuf" or not np.isin(array, [0, 1]).all():
        seen = [
            v
            for v in pd.unique(array).tolist()
            if not (isinstance(v, (int, float)) and v in (0, 1))
        ]
        raise ValueError(f"{name} must hold 0/1 labels, but got values like {seen[:3]}")
    return array.astype(int)


def _groups(groups: Any, n: int) -> np.ndarray:
    if isinstance(groups, (str, bytes, Mapping)) or np.ndim(groups) == 0:
        raise TypeError(f"groups must be a sequence with one group per example, but got {groups!r}")
    array = np.asarray(groups)
    if array.ndim != 1 or len(array) != n:
        raise ValueError(
            f"groups must give one group per example ({n}), but got shape {array.shape}"
        )
    if pd.isna(array).any():
        raise ValueError(
            "groups must not hold missing values, but has some; give every example a group"
        )
    return array


def _scores(values: Any, n: int, name: str = "scores") -> np.ndarray:
    array = finite_array(values, name, ndim=1)
    if len(array) != n:
        raise ValueError(f"{name} must be one score per example ({n}), but got shape {array.shape}")
    return array


def _rates_table(rates: Any, columns) -> None:
    instance(rates, pd.DataFrame, "rates", "group_rates(...)'s table (a DataFrame)")
    missing = [c for c in strings(columns, "columns") if c not in rates.columns]
    if missing:
        raise ValueError(f"rates must be group_rates(...)'s table, but it lacks {missing}")
    if rates.empty:
        raise ValueError("rates must have one row per group, but got an empty table")


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def group_rates(y_true: Any, y_pred: Any, groups: Any) -> pd.DataFrame:
    """Error and selection rates of 0/1 predictions, one row per group.

    Columns: ``count``, ``base_rate`` (share of true positives), ``selection_rate`` (share
    predicted 1), ``fpr`` = FP / (FP + TN), ``fnr`` = FN / (FN + TP), ``tpr`` = 1 − fnr,
    ``accuracy``. A rate whose denominator is 0 (a group without negatives, say) is NaN.

    Parameters
    ----------
    y_true, y_pred
        0/1 labels and 0/1 predictions, one per example.
    groups
        The group of each example (no missing values).
    """
    true = _binary(y_true, "y_true")
    pred = _binary(y_pred, "y_pred")
    same_length(true, pred, "y_true", "y_pred")
    group = _groups(groups, len(true))
    rows = {}
    for name in pd.unique(group):
        t, p = true[group == name], pred[group == name]
        fp, tn = int(((p == 1) & (t == 0)).sum()), int(((p == 0) & (t == 0)).sum())
        fn, tp = int(((p == 0) & (t == 1)).sum()), int(((p == 1) & (t == 1)).sum())
        rows[name] = {
            "count": len(t),
            "base_rate": float(t.mean()),
            "selection_rate": float(p.mean()),
            "fpr": _ratio(fp, fp + tn),
            "fnr": _ratio(fn, fn + tp),
            "tpr": _ratio(tp, fn + tp),
            "accuracy": float((t == p).mean()),
        }
    table = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    table.index.name = "group"
    return table


def fairness_gaps(rates: pd.DataFrame) -> dict[str, float]:
    """The largest difference between groups of each rate, and the selection-rate ratio.

    Returns ``fpr_gap``, ``fnr_gap``, ``selection_rate_gap`` (max − min over groups) and
    ``selection_rate_ratio`` (min / max; the "four-fifths rule" asks for at least 0.8).

    Parameters
    ----------
    rates
        The table :func:`group_rates` returned (at least one group).
    """
    _rates_table(rates, RATES)
    gaps = {f"{rate}_gap": float(rates[rate].max() - rates[rate].min()) for rate in RATES}
    top = rates["selection_rate"].max()
    gaps["selection_rate_ratio"] = (
        float(rates["selection_rate"].min() / top) if top else float("nan")
    )
    return gaps


class GroupThresholds:
    """One decision threshold per group, chosen so each group's FPR is at most a target.

    Post-processing remediation: the model is unchanged, only where each group's scores are
    cut. For every group, ``fit`` takes the **smallest** threshold (among that group's scores,
    predicting 1 when ``score >= threshold``) whose FPR on the fitting data is at most
    ``target_fpr`` — the most positives that respect the target. Fit on held-out data, not on
    the data you report on.

    Parameters
    ----------
    target_fpr
        The FPR every group may reach; by default the overall FPR at threshold 0.5.

    Attributes
    ----------
    thresholds_ : dict
        group → threshold.
    target_fpr_ : float

    Examples
    --------
    >>> scores = np.array([0.1, 0.4, 0.6, 0.9, 0.5, 0.7, 0.8, 0.95])
    >>> y = np.array([0, 0, 1, 1, 0, 0, 1, 1])
    >>> groups = np.array(list("aaaabbbb"))
    >>> fitted = GroupThresholds(target_fpr=0.0).fit(y, scores, groups)
    >>> fitted.thresholds_
    {'a': 0.6, 'b': 0.8}
    >>> fitted.predict(scores, groups).tolist()
    [0, 0, 1, 1, 0, 0, 1, 1]
    """

    def __init__(self, *, target_fpr: float | None = None):
        self.target_fpr = target_fpr

    def fit(self, y_true: Any, scores: Any, groups: Any) -> GroupThresholds:
        true = _binary(y_true, "y_true")
        score = _scores(scores, len(true))
        group = _groups(groups, len(true))
        target = self.target_fpr
        if target is None:
            target = _ratio(((score >= 0.5) & (true == 0)).sum(), (true == 0).sum())
        self.target_fpr_ = probability(target, "target_fpr")
        self.thresholds_ = {}
        for name in pd.unique(group):
            t, s = true[group == name], score[group == name]
            negatives = np.sort(s[t == 0])[::-1]  # highest first
            if len(negatives) == 0:
                raise ValueError(f"group {name!r} has no negative examples: its FPR is undefined")
            allowed = int(np.floor(self.target_fpr_ * len(negatives) + 1e-9))  # false positives
            # cut just above the (allowed+1)-th highest negative: at most `allowed` negatives pass
            candidates = np.unique(s)
            above = (
                candidates[candidates > negatives[allowed]]
                if allowed < len(negatives)
                else candidates
            )
            self.thresholds_[name.item() if hasattr(name, "item") else name] = (
                float(above.min()) if len(above) else float(np.nextafter(s.max(), np.inf))
            )
        return self

    def predict(self, scores: Any, groups: Any) -> np.ndarray:
        """0/1 decisions: 1 where a score reaches its group's threshold."""
        if not hasattr(self, "thresholds_"):
            raise RuntimeError(
                "GroupThresholds is not fitted; call fit(y_true, scores, groups) first"
            )
        score = finite_array(scores, "scores", ndim=1)
        group = _groups(groups, len(score))
        unknown = sorted(set(pd.unique(group).tolist()) - set(self.thresholds_))
        if unknown:
            raise ValueError(
                f"groups {unknown} were not seen by fit; fitted: {sorted(self.thresholds_)}"
            )
        cut = np.array([self.thresholds_[g] for g in group.tolist()])
        return (score >= cut).astype(int)


def reweighing_weights(y_true: Any, groups: Any) -> np.ndarray:
    """Kamiran & Calders' reweighing: ``w(g, y) = P(g)·P(y) / P(g, y)`` for every example.

    With these training weights group and label are independent (each group has the same
    weighted base rate); when every group has both labels the weights sum to the number of
    examples. A rare (group, label) cell is weighted up, a common one down.

    Examples
    --------
    >>> reweighing_weights([1, 1, 0, 1, 0, 0], ["a", "a", "a", "b", "b", "b"]).round(3).tolist()
    [0.75, 0.75, 1.5, 1.5, 0.75, 0.75]
    """
    true = _binary(y_true, "y_true")
    group = _groups(groups, len(true))
    frame = pd.DataFrame({"g": group, "y": true})
    p_g = frame["g"].map(frame["g"].value_counts(normalize=True))
    p_y = frame["y"].map(frame["y"].value_counts(normalize=True))
    p_gy = frame.groupby(["g", "y"])["y"].transform("size") / len(frame)
    return (p_g * p_y / p_gy).to_numpy(dtype=float)


def plot_group_rates(rates: pd.DataFrame, *, columns: tuple[str, ...] = RATES) -> Figure:
    """Grouped bars: one cluster per rate, one bar per group (detached from pyplot).

    Parameters
    ----------
    rates
        The table :func:`group_rates` returned.
    columns
        The rates to draw (a list of column names).
    """
    _rates_table(rates, columns)
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3.5), layout="constrained")
    plt.close(figure)
    width = 0.8 / len(rates)
    positions = np.arange(len(columns))
    for i, (group, row) in enumerate(rates.iterrows()):
        axes.bar(
            positions + i * width, row[list(columns)].to_numpy(dtype=float), width, label=str(group)
        )
    axes.set_xticks(positions + width * (len(rates) - 1) / 2, list(columns))
    axes.set_ylim(0, 1)
    axes.set_ylabel("rate")
    axes.set_title("Rates per group")
    axes.legend(title="group")
    return figure
