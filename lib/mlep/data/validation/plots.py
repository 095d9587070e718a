"""Static matplotlib plots for data validation (re-exported by :mod:`mlep.data.validation`).

TFDV's ``visualize_statistics`` is an interactive widget that needs a browser and the
internet; these figures are plain PNG-able matplotlib, so they render offline in notebooks,
in nbgrader feedback and on the course site.

Each function returns a :class:`matplotlib.figure.Figure`. The figure is made with pyplot
(which enables inline display in Jupyter) and then detached from pyplot, so a notebook
shows it exactly once — when it is the last expression of a cell — and no figure is left
open. Save it with ``fig.savefig("plot.png")``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlep.data.validation.common import (
    COMPARISON_TABLE_COLUMNS,
    find_feature_stats,
    overall_dataset,
    require_stats,
)
from mlep.data.validation.distances import category_frequencies, numeric_histogram

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_drift", "plot_feature"]

ALARM_COLOR = "#d62728"
OK_COLOR = "#1f77b4"


def _new_figure(width: float, height: float) -> tuple[Figure, Any]:
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height), layout="constrained")
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    return figure, axes


def _named_statistics(stats: Any) -> dict[str, Any]:
    """{name: statistics} from a dict, a list (named by position) or one statistics proto."""
    if isinstance(stats, Mapping):
        named = {str(name): value for name, value in stats.items()}
    elif isinstance(stats, Sequence) and not isinstance(stats, (str, bytes)):
        named = {f"dataset {i}": value for i, value in enumerate(stats)}
    else:
        named = {"data": stats}
    if not named:
        raise ValueError("plot_feature needs at least one statistics object, got none")
    for name, value in named.items():
        require_stats(value, f"statistics {name!r}")
    return named


def plot_feature(stats: Any, feature: str, *, top_k: int = 10) -> Figure:
    """Overlay the distribution of one feature in several datasets.

    Parameters
    ----------
    stats
        ``{"train": train_stats, "serving": serving_stats}`` (names become the legend), a
        list of statistics, or one statistics object.
    feature
        A feature present in every dataset.
    top_k
        For string features: how many values to show (the most frequent, union over
        datasets, ordered by the first dataset).

    Returns
    -------
    matplotlib.figure.Figure
        One axes. Numeric features: each dataset's standard histogram as semi-transparent
        bars (one bar per bucket and dataset). String features: grouped bars (one per value
        and dataset). Heights are fractions of each dataset, so sizes can differ.
    """
    named = _named_statistics(stats)
    kinds = {name: _is_numeric(value, feature) for name, value in named.items()}
    if len(set(kinds.values())) > 1:
        detail = ", ".join(f"{n}: {'numeric' if k else 'string'}" for n, k in kinds.items())
        raise ValueError(f"feature {feature!r} has different types across datasets ({detail})")
    figure, axes = _new_figure(8, 4.5)
    if next(iter(kinds.values())):
        _numeric_bars(axes, named, feature)
    else:
        _category_bars(axes, named, feature, top_k)
    axes.set_title(f"{feature}: {' vs '.join(named)}")
    axes.set_ylabel("fraction of examples")
    axes.legend(title="dataset")
    return figure


def _is_numeric(stats: Any, feature: str) -> bool:
    dataset = overall_dataset(stats).datasets[0]
    return find_feature_stats(dataset, feature).HasField("num_stats")


def _numeric_bars(axes: Any, named: dict[str, Any], feature: str) -> None:
    for name, stats in named.items():
        buckets = [b for b in numeric_histogram(stats, feature) if not np.isnan(b[0])]
        lows = np.array([b[0] for b in buckets])
        widths = np.array([b[1] - b[0] for b in buckets])
        counts = np.array([b[2] for b in buckets])
        span = max(float(np.ptp(np.r_[lows, lows + widths])), 1.0)
        widths = np.where(widths > 0, widths, span / 50)  # a point mass still shows
        axes.bar(
            lows,
            counts / counts.sum(),
            width=widths,
            align="edge",
            alpha=0.5,
            edgecolor="black",
            linewidth=0.5,
            label=name,
        )
    axes.set_xlabel(feature)


def _category_bars(axes: Any, named: dict[str, Any], feature: str, top_k: int) -> None:
    frequencies = {name: _fractions(stats, feature) for name, stats in named.items()}
    values: list[str] = []
    for fractions in frequencies.values():
        ranked = sorted(fractions, key=lambda value: -fractions[value])
        values += [value for value in ranked[:top_k] if value not in values]
    values = values[:top_k]
    positions = np.arange(len(values))
    width = 0.8 / len(named)
    for i, (name, fractions) in enumerate(frequencies.items()):
        heights = [fractions.get(value, 0.0) for value in values]
        axes.bar(positions + i * width - 0.4 + width / 2, heights, width=width, label=name)
    axes.set_xticks(positions, values, rotation=45, ha="right")
    axes.set_xlabel(f"{feature} (top {len(values)} values)")


def _fractions(stats: Any, feature: str) -> dict[str, float]:
    counts = category_frequencies(stats, feature)
    total = sum(counts.values()) or 1.0
    return {value: count / total for value, count in counts.items()}


def plot_drift(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Horizontal bars: each feature's distance, its threshold, alarms in red.

    Parameters
    ----------
    table
        A :func:`~mlep.data.validation.drift_table` or
        :func:`~mlep.data.validation.skew_table` result.
    title
        Defaults to "Distance per feature vs threshold".

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one bar per row of ``table`` (unmeasured rows show as 0 and are
        labelled "not measured") and a black tick at each threshold.
    """
    _check_comparison_table(table)
    rows = table.reset_index(drop=True)
    figure, axes = _new_figure(8, 1.2 + 0.45 * len(rows))
    positions = np.arange(len(rows))[::-1]  # first row on top
    values = rows["value"].fillna(0.0).to_numpy(dtype=float)
    colors = [ALARM_COLOR if alarm else OK_COLOR for alarm in rows["alarm"]]
    axes.barh(positions, values, color=colors, height=0.6)
    axes.scatter(rows["threshold"], positions, marker="|", s=400, color="black", zorder=3)
    labels = [
        f"{r.feature} ({r.measure})" + ("  [not measured]" if pd.isna(r.value) else "")
        for r in rows.itertuples()
    ]
    axes.set_yticks(positions, labels)
    axes.set_xlabel("distance (L-infinity for strings, Jensen-Shannon divergence for numbers)")
    axes.set_title(title or "Distance per feature vs threshold")
    figure.legend(handles=_drift_legend(), loc="outside lower center", ncol=3, frameon=False)
    return figure


def _drift_legend() -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    return [
        Patch(color=ALARM_COLOR, label="alarm (above threshold)"),
        Patch(color=OK_COLOR, label="within threshold"),
        Line2D(
            [], [], color="black", marker="|", linestyle="None", markersize=14, label="threshold"
        ),
    ]


def _check_comparison_table(table: Any) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"plot_drift needs the DataFrame from drift_table() or skew_table(), "
            f"got {type(table).__name__}"
        )
    missing = [c for c in COMPARISON_TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(
            f"plot_drift needs columns {COMPARISON_TABLE_COLUMNS}; the table lacks {missing}"
        )
    if table.empty:
        raise ValueError(
            "the table is empty: no feature has a threshold. Set some with "
            "set_drift_threshold(schema, feature, threshold) or set_skew_threshold(...)"
        )
