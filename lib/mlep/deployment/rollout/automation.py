"""Degrees of automation: automate only confident predictions (Course 1's spectrum).

Part of :mod:`mlep.deployment.rollout`, which re-exports the public names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mlep._checks import (
    non_negative,
    numbers_array,
    probability,
    real,
    same_length,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


#: Course 1's degrees of automation, from none to full, with what the model does in each.
AUTOMATION_DEGREES = {
    "human only": "people decide everything; no model",
    "shadow mode": "the model predicts, people decide; predictions are only logged",
    "AI assistance": "people decide everything, shown the model's output",
    "partial automation": "the model decides when confident, people decide the rest",
    "full automation": "the model decides everything",
}
TRADEOFF_COLUMNS = ["threshold", "automated", "accuracy", "cost", "degree"]


def automation_tradeoff(
    confidences,
    correct,
    *,
    human_cost: float,
    error_cost: float,
    thresholds=None,
    human_accuracy: float = 1.0,
) -> pd.DataFrame:
    """Cost and accuracy of automating only the predictions at least ``threshold`` confident.

    For each threshold, a request whose model confidence is ``>= threshold`` is decided by
    the model; the others go to a person, who costs ``human_cost`` and is right with
    probability ``human_accuracy``. Every wrong decision costs ``error_cost``. Threshold 0
    is full automation; a threshold above every confidence is human only (cost-wise,
    shadow mode and AI assistance are human only too: people still decide every case).

    Parameters
    ----------
    confidences
        The model's confidence in each prediction, in ``[0, 1]`` (e.g. the highest class
        probability).
    correct
        Whether each prediction was right (booleans or 0/1), same length.
    human_cost, error_cost
        Cost of one human review and of one wrong decision (same unit, e.g. dollars).
    thresholds
        Confidence thresholds to try; default ``0.0, 0.05, ..., 1.0``.
    human_accuracy
        Share of human decisions that are right.

    Returns
    -------
    pandas.DataFrame
        ``threshold, automated, accuracy, cost, degree``: the share of requests the model
        decides, the accuracy of all decisions, the expected cost *per request*, and the
        degree of automation (``"human only"``, ``"partial automation"`` or ``"full
        automation"``).

    Examples
    --------
    >>> table = automation_tradeoff([0.95, 0.9, 0.7, 0.6], [True, True, False, True],
    ...                             human_cost=1.0, error_cost=5.0, thresholds=[0, 0.8, 1])
    >>> table
       threshold  automated  accuracy  cost              degree
    0        0.0        1.0      0.75  1.25     full automation
    1        0.8        0.5      1.00  0.50  partial automation
    2        1.0        0.0      1.00  1.00          human only
    """
    conf = numbers_array(confidences, "confidences")
    if conf.min() < 0 or conf.max() > 1:
        raise ValueError(
            f"confidences must be between 0 and 1, but range from {conf.min():g} to {conf.max():g}"
        )
    right = _booleans(correct, "correct")
    same_length(conf, right, "confidences", "correct")
    human_cost = non_negative(human_cost, "human_cost")
    error_cost = non_negative(error_cost, "error_cost")
    human_accuracy = probability(human_accuracy, "human_accuracy")
    grid = np.round(np.linspace(0, 1, 21), 2) if thresholds is None else thresholds
    grid = numbers_array(grid, "thresholds")
    rows = [_tradeoff_row(t, conf, right, human_cost, error_cost, human_accuracy) for t in grid]
    return pd.DataFrame(rows, columns=TRADEOFF_COLUMNS)


def _booleans(values, what: str) -> np.ndarray:
    array = numbers_array(values, what)
    if not np.isin(array, (0, 1)).all():
        raise ValueError(
            f"{what} must hold booleans (or 0/1), but got {array[~np.isin(array, (0, 1))][0]:g}"
        )
    return array.astype(bool)


def _tradeoff_row(threshold, conf, right, human_cost, error_cost, human_accuracy) -> dict:
    automated = conf >= threshold
    n_human = int((~automated).sum())
    correct = float(right[automated].sum()) + n_human * human_accuracy
    errors = len(conf) - correct
    share = float(automated.mean())
    degree = (
        "full automation" if share == 1 else "human only" if share == 0 else "partial automation"
    )
    return {
        "threshold": float(threshold),
        "automated": share,
        "accuracy": correct / len(conf),
        "cost": (n_human * human_cost + errors * error_cost) / len(conf),
        "degree": degree,
    }


def choose_threshold(table: pd.DataFrame, *, min_accuracy: float | None = None) -> pd.Series:
    """The cheapest row of an :func:`automation_tradeoff` table (optionally accurate enough).

    Ties in cost go to the more accurate row, then to the lower threshold (more automation).

    Examples
    --------
    >>> table = automation_tradeoff([0.95, 0.9, 0.7, 0.6], [True, True, False, True],
    ...                             human_cost=1.0, error_cost=5.0, thresholds=[0, 0.8, 1])
    >>> choose_threshold(table)["threshold"]
    0.8
    >>> choose_threshold(table, min_accuracy=1.01)
    Traceback (most recent call last):
    ...
    ValueError: no threshold reaches accuracy 1.01; the best in the table is 1
    """
    if not isinstance(table, pd.DataFrame) or not set(TRADEOFF_COLUMNS) <= set(table.columns):
        raise TypeError(
            f"table must be the DataFrame automation_tradeoff returns ({TRADEOFF_COLUMNS})"
        )
    if table.empty:
        raise ValueError("the table is empty: give automation_tradeoff at least one threshold")
    candidates = table
    if min_accuracy is not None:
        min_accuracy = real(min_accuracy, "min_accuracy")
        candidates = table[table["accuracy"] >= min_accuracy]
        if candidates.empty:
            raise ValueError(
                f"no threshold reaches accuracy {min_accuracy:g}; the best in the table is "
                f"{table['accuracy'].max():g}"
            )
    order = candidates.sort_values(["cost", "accuracy", "threshold"], ascending=[True, False, True])
    return order.iloc[0]


def plot_automation_tradeoff(table: pd.DataFrame, *, chosen: float | None = None) -> Figure:
    """Cost, accuracy and automated share against the confidence threshold.

    Parameters
    ----------
    table
        From :func:`automation_tradeoff`.
    chosen
        A threshold to mark with a vertical line (e.g. ``choose_threshold(table)["threshold"]``).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels sharing the threshold axis: cost per request on top; accuracy and share
        automated below.
    """
    if not isinstance(table, pd.DataFrame) or not set(TRADEOFF_COLUMNS) <= set(table.columns):
        raise TypeError(
            f"table must be the DataFrame automation_tradeoff returns ({TRADEOFF_COLUMNS})"
        )
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 5))
    cost_axis, share_axis = figure.subplots(2, 1, sharex=True)
    cost_axis.plot(table["threshold"], table["cost"], marker="o", color="tab:red")
    cost_axis.set_ylabel("cost per request")
    share_axis.plot(table["threshold"], table["accuracy"], marker="o", label="accuracy")
    share_axis.plot(table["threshold"], table["automated"], marker="s", label="share automated")
    share_axis.set(xlabel="confidence threshold", ylabel="share", ylim=(-0.02, 1.02))
    share_axis.legend(loc="lower left")
    if chosen is not None:
        for axis in (cost_axis, share_axis):
            axis.axvline(real(chosen, "chosen"), color="grey", linestyle="--")
    cost_axis.set_title("Degrees of automation: human only (right) to full automation (left)")
    figure.tight_layout()
    return figure
