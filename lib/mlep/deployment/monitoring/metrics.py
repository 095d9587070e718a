"""Metrics with thresholds and alarms: the smallest useful monitoring dashboard.

Course 1 sorts what to watch into three groups, and a :class:`Monitor` keeps them together:

- **software** metrics: latency, server error rate, memory, throughput;
- **input** metrics: missing-value rate of a feature, mean of a feature, image brightness;
- **output** metrics: rate of a predicted class, rate of "no answer", user redos.

Each :class:`Metric` has a ``lower`` and/or ``upper`` bound. :meth:`Monitor.update` takes
this period's values and returns an :class:`Alarm` for each value outside its bounds;
:attr:`Monitor.history` keeps every value for plots and post-mortems. The small
calculators :func:`missing_rate`, :func:`prediction_rate` and :func:`error_rate` turn a batch
of requests into the numbers to report.

Examples
--------
>>> monitor = Monitor(
...     Metric("latency_ms", upper=200),
...     Metric("missing_age", upper=0.05, group="input", rate=True),
...     Metric("positive_rate", lower=0.05, upper=0.30, group="output", rate=True),
... )
>>> monitor.update(latency_ms=120, missing_age=0.01, positive_rate=0.12)
[]
>>> for alarm in monitor.update(latency_ms=340, missing_age=0.02, positive_rate=0.01):
...     print(alarm.message)
step 1: latency_ms = 340 is above its upper bound 200 (software metric)
step 1: positive_rate = 0.01 is below its lower bound 0.05 (output metric)
>>> monitor.history[["step", "metric", "value", "alarm"]].tail(3)
   step         metric   value  alarm
3     1     latency_ms  340.00   True
4     1    missing_age    0.02  False
5     1  positive_rate    0.01   True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import labels as as_labels
from mlep._checks import real, same_label_kind, same_length

__all__ = [
    "GROUPS",
    "Alarm",
    "Metric",
    "Monitor",
    "error_rate",
    "missing_rate",
    "prediction_rate",
]

#: The groups of metrics Course 1 names.
GROUPS = ("software", "input", "output")
HISTORY_COLUMNS = ["step", "metric", "group", "value", "lower", "upper", "alarm"]


@dataclass(frozen=True)
class Metric:
    """A named metric and the range of values that raises no alarm.

    Parameters
    ----------
    name
        What the metric is called in :meth:`Monitor.update`, e.g. ``"latency_ms"``.
    lower, upper
        Alarm when a value is below ``lower`` or above ``upper`` (a value equal to a bound is
        fine). Give at least one; ``None`` means unbounded on that side.
    group
        ``"software"``, ``"input"`` or ``"output"``.
    rate
        The metric is a fraction: values outside ``[0, 1]`` are rejected as impossible
        (a bug in the code that computes it), not reported as alarms.

    Examples
    --------
    >>> Metric("latency_ms", lower=300, upper=200)
    Traceback (most recent call last):
    ...
    ValueError: metric 'latency_ms': lower bound 300.0 is above upper bound 200.0
    """

    name: str
    lower: float | None = None
    upper: float | None = None
    group: str = "software"
    rate: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(
                f"a metric name must be a Python identifier (it is a keyword of update()), "
                f"but got {self.name!r}"
            )
        if not isinstance(self.group, str) or self.group not in GROUPS:
            raise ValueError(
                f"metric {self.name!r}: group must be one of {', '.join(GROUPS)}, "
                f"but got {self.group!r}"
            )
        if self.lower is None and self.upper is None:
            raise ValueError(f"metric {self.name!r} needs a lower or an upper bound (or both)")
        for side in ("lower", "upper"):
            bound = getattr(self, side)
            if bound is not None:
                object.__setattr__(self, side, real(bound, f"metric {self.name!r}: {side}"))
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise ValueError(
                f"metric {self.name!r}: lower bound {self.lower} is above upper bound {self.upper}"
            )

    def check(self, value: float, step: int = 0) -> Alarm | None:
        """An :class:`Alarm` if ``value`` is outside the bounds, else ``None``.

        Examples
        --------
        >>> Metric("latency_ms", upper=200).check(250).message
        'step 0: latency_ms = 250 is above its upper bound 200 (software metric)'
        """
        value = real(value, f"the value of {self.name!r}")
        if self.rate and not 0 <= value <= 1:
            raise ValueError(
                f"{self.name!r} is a rate, so its value must be between 0 and 1, but got "
                f"{value:g}; check how it is computed"
            )
        if self.lower is not None and value < self.lower:
            return Alarm.make(self, value, "lower", step)
        if self.upper is not None and value > self.upper:
            return Alarm.make(self, value, "upper", step)
        return None


@dataclass(frozen=True)
class Alarm:
    """A metric value outside its bounds: which metric, the value, the bound it crossed."""

    metric: str
    value: float
    bound: float
    side: str
    group: str
    step: int
    message: str

    @classmethod
    def make(cls, metric: Metric, value: float, side: str, step: int) -> Alarm:
        bound = metric.lower if side == "lower" else metric.upper
        where = "below" if side == "lower" else "above"
        message = (
            f"step {step}: {metric.name} = {value:g} is {where} its {side} bound {bound:g} "
            f"({metric.group} metric)"
        )
        return cls(metric.name, value, bound, side, metric.group, step, message)


class Monitor:
    """Named metrics with bounds; ``update(**values)`` returns the alarms of one period.

    Parameters
    ----------
    *metrics
        The :class:`Metric` objects to watch (more can be added with :meth:`add`).

    Attributes
    ----------
    n : int
        Number of updates so far; the next update is step ``n``.
    alarms : list of Alarm
        Every alarm so far, oldest first.

    Examples
    --------
    >>> monitor = Monitor().add("error_rate", upper=0.1, rate=True)
    >>> monitor.update(error_rate=0.25)[0].bound
    0.1
    >>> monitor.update(error_rte=0.2)
    Traceback (most recent call last):
    ...
    ValueError: unknown metric(s) error_rte; this monitor watches: error_rate
    >>> monitor.update(error_rate=1.5)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: 'error_rate' is a rate, so its value must be between 0 and 1, but got 1.5; check
    how it is computed
    """

    def __init__(self, *metrics: Metric) -> None:
        self.metrics: dict[str, Metric] = {}
        self.n = 0
        self.alarms: list[Alarm] = []
        self._rows: list[tuple] = []
        for metric in metrics:
            self._add(metric)

    def __repr__(self) -> str:
        return f"Monitor({', '.join(self.metrics)}; {self.n} updates, {len(self.alarms)} alarms)"

    def add(
        self,
        name: str,
        *,
        lower: float | None = None,
        upper: float | None = None,
        group: str = "software",
        rate: bool = False,
    ) -> Monitor:
        """Watch one more metric; returns the monitor, so calls chain."""
        return self._add(Metric(name, lower, upper, group, rate))

    def _add(self, metric: Metric) -> Monitor:
        if not isinstance(metric, Metric):
            raise TypeError(f"Monitor takes Metric objects, but got {type(metric).__name__}")
        if metric.name in self.metrics:
            raise ValueError(f"metric {metric.name!r} is already watched")
        self.metrics[metric.name] = metric
        return self

    def update(self, **values: float) -> list[Alarm]:
        """Record this period's values (any subset of the metrics); the alarms they raise.

        All values are checked before any is recorded, so a bad value leaves the history
        unchanged.
        """
        if not values:
            example = next(iter(self.metrics), "latency_ms")
            raise ValueError(
                f"update() needs at least one metric value, e.g. update({example}=...)"
            )
        unknown = [name for name in values if name not in self.metrics]
        if unknown:
            known = ", ".join(self.metrics) or "(nothing yet: add metrics first)"
            raise ValueError(
                f"unknown metric(s) {', '.join(unknown)}; this monitor watches: {known}"
            )
        checked = {
            name: (real(v, f"the value of {name!r}"), self.metrics[name].check(v, self.n))
            for name, v in values.items()
        }
        alarms = []
        for name, (value, alarm) in checked.items():
            metric = self.metrics[name]
            low = -math.inf if metric.lower is None else metric.lower
            high = math.inf if metric.upper is None else metric.upper
            self._rows.append((self.n, name, metric.group, value, low, high, alarm is not None))
            if alarm is not None:
                alarms.append(alarm)
        self.alarms.extend(alarms)
        self.n += 1
        return alarms

    @property
    def history(self) -> pd.DataFrame:
        """Every recorded value: ``step, metric, group, value, lower, upper, alarm``.

        One row per metric per update (metrics left out of an update have no row); missing
        bounds show as ``-inf`` / ``inf``.
        """
        return pd.DataFrame(self._rows, columns=HISTORY_COLUMNS)


# --------------------------------------------------------------------------- calculators


def _batch(values: Any, what: str) -> list:
    """A batch of one feature's values as a list; a string or a mapping is not a batch."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise TypeError(
            f"{what} must be a sequence of values (a list, an array, a Series), but got a "
            f"{type(values).__name__}"
        )
    shape = getattr(values, "shape", None)  # a 2-D array or a DataFrame iterates rows/names
    if shape is not None and len(shape) != 1:
        raise ValueError(f"{what} must be one-dimensional (one feature), but got shape {shape}")
    items = list(values)
    if any(isinstance(item, (list, tuple, dict, np.ndarray)) for item in items):
        raise ValueError(f"{what} must be one-dimensional (one feature), but holds sequences")
    return items


def missing_rate(values: Iterable) -> float:
    """Fraction of missing values (``None`` or NaN) in a batch of one feature.

    Parameters
    ----------
    values : iterable
        One feature's values in a batch.

    Examples
    --------
    >>> missing_rate([1.0, None, float("nan"), 4.0])
    0.5
    """
    items = _batch(values, "values")
    if not items:
        raise ValueError("missing_rate needs at least one value, but the batch is empty")
    return float(pd.isna(pd.Series(items, dtype=object)).mean())


def prediction_rate(predictions: Iterable, label) -> float:
    """Fraction of ``predictions`` equal to ``label`` (an output metric).

    Parameters
    ----------
    predictions : iterable
        The model's outputs in a batch.
    label
        The output whose share is measured.

    Examples
    --------
    >>> prediction_rate([1, 0, 0, 1, 1], 1)
    0.6
    """
    items = np.asarray(_batch(predictions, "predictions"), dtype=object)
    if items.size == 0:
        raise ValueError("prediction_rate needs at least one prediction, but got none")
    items = as_labels(items, "predictions")
    same_label_kind(items, np.asarray([label]), "predictions", "label")
    return float(np.mean(items == label))


def error_rate(predictions: Iterable, labels: Iterable) -> float:
    """Fraction of ``predictions`` that differ from ``labels`` (paired by position).

    Parameters
    ----------
    predictions : iterable
        The model's outputs.
    labels : iterable
        The true labels, paired by position.

    Examples
    --------
    >>> error_rate([1, 0, 1, 1], [1, 1, 1, 0])
    0.5
    >>> error_rate([1, 0], [1])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: predictions and labels must have the same length (one value per item), but got 2
    and 1
    """
    p = np.asarray(_batch(predictions, "predictions"), dtype=object)
    y = np.asarray(_batch(labels, "labels"), dtype=object)
    same_length(p, y, "predictions", "labels")
    if p.size == 0:
        raise ValueError("error_rate needs at least one prediction, but got none")
    p, y = as_labels(p, "predictions"), as_labels(y, "labels")  # no NaN, one kind each
    same_label_kind(p, y, "predictions", "labels")
    return float(np.mean(p != y))
