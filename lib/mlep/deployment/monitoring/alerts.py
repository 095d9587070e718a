"""Alert rules as data: a metric, a statistic over a time window, a threshold, a duration.

A production dashboard pages someone through **alert rules** (C4W4, *Monitoring in
production*): "p95 latency over the last 5 minutes above 300 ms for 3 minutes", "error rate over
10 minutes above 2 %". :class:`AlertRule` holds one such rule; :func:`evaluate` replays a table of
logged events (one row per request: a time and metric columns) through the rules at a fixed
evaluation interval, as Prometheus does, and returns every alert that fired, when it started and
when it resolved.

The rule states follow Prometheus: a rule whose condition holds is *pending*; it *fires* once the
condition has held for ``for_`` (so a one-minute blip does not page anybody); it *resolves* at the
first evaluation where the condition no longer holds. A window without events (or with fewer
than ``min_events``) has no value and never fires (Prometheus's "no data"). Course 1's
:class:`~mlep.deployment.monitoring.Monitor` checks one value per period against bounds; these
rules add the window, the duration and the minimum sample.

Examples
--------
>>> import pandas as pd
>>> events = pd.DataFrame({
...     "time": pd.date_range("2026-01-01", periods=120, freq="30s"),
...     "latency_ms": [100] * 40 + [900] * 20 + [100] * 60,
... })
>>> rule = AlertRule("slow", metric="latency_ms", stat="p95", above=300, window="2min", for_="2min")
>>> evaluate(events, [rule])[["rule", "start", "end", "peak"]]
   rule               start                 end   peak
0  slow 2026-01-01 00:22:00 2026-01-01 00:32:00  900.0
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlep._checks import count, real, sequence, text

__all__ = ["ALERT_COLUMNS", "STATS", "AlertRule", "evaluate", "rule_values"]

#: Statistics a rule can take over its window (plus any percentile ``p1`` … ``p99``, e.g. ``p95``).
STATS = ("mean", "max", "min", "sum", "count")
ALERT_COLUMNS = ["rule", "metric", "start", "end", "peak", "message"]
_PERCENTILE = re.compile(r"^p([1-9]\d?(?:\.\d+)?)$")


def _duration(value, what: str) -> pd.Timedelta:
    if isinstance(value, (bool, int, float, np.number)):  # pandas reads a number as nanoseconds
        raise TypeError(
            f"{what} must be a duration such as '5min' or '30s', but got the number {value!r} "
            "(a bare number would be read as nanoseconds); add a unit"
        )
    try:
        duration = pd.Timedelta(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{what} must be a duration such as '5min' or '30s', got {value!r}"
        ) from None
    if pd.isna(duration) or duration < pd.Timedelta(0):
        raise ValueError(f"{what} must be a duration >= 0 such as '5min', got {value!r}")
    return duration


@dataclass(frozen=True)
class AlertRule:
    """Alert when ``stat`` of ``metric`` over the last ``window`` is above ``above`` (or below
    ``below``) at every evaluation for at least ``for_``.

    Parameters
    ----------
    name : what the alert is called (unique among the rules evaluated together).
    metric : a column of the events table, e.g. ``"latency_ms"`` or a 0/1 ``"error"`` column
        (whose mean is the error rate).
    stat : ``"mean"``, ``"max"``, ``"min"``, ``"sum"``, ``"count"`` or a percentile ``"p95"``.
    above, below : the condition is ``value > above`` or ``value < below``; give one or both.
    window : how far back each evaluation looks, e.g. ``"5min"``.
    for_ : how long the condition must hold before the alert fires (``"0min"``: at once).
    min_events : a window with fewer events has no value (a rate of 1 error in 3 requests is
        noise, not an incident); ``count`` ignores it.

    Examples
    --------
    >>> AlertRule("errors", metric="error", stat="average", above=0.02)
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: rule 'errors': stat must be one of mean, max, min, sum, count or a percentile
    like 'p95', got 'average'
    """

    name: str
    metric: str
    stat: str = "mean"
    above: float | None = None
    below: float | None = None
    window: str = "5min"
    for_: str = "0min"
    min_events: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"an alert rule needs a non-empty name, got {self.name!r}")
        known = isinstance(self.stat, str) and self.stat in STATS
        if not known and not (isinstance(self.stat, str) and _PERCENTILE.match(self.stat)):
            raise ValueError(
                f"rule {self.name!r}: stat must be one of {', '.join(STATS)} or a percentile "
                f"like 'p95', got {self.stat!r}"
            )
        if self.above is None and self.below is None:
            raise ValueError(f"rule {self.name!r} needs a threshold: above=..., below=... or both")
        for side in ("above", "below"):
            if getattr(self, side) is not None:
                real(getattr(self, side), f"rule {self.name!r}: {side}")
        if _duration(self.window, f"rule {self.name!r}: window") <= pd.Timedelta(0):
            raise ValueError(
                f"rule {self.name!r}: window must be longer than 0, got {self.window!r}"
            )
        _duration(self.for_, f"rule {self.name!r}: for_")
        count(self.min_events, f"rule {self.name!r}: min_events", minimum=1)

    def breached(self, value: float) -> bool:
        """Whether one measured ``value`` meets the alert condition (NaN never does)."""
        if value != value:
            return False
        return (self.above is not None and value > self.above) or (
            self.below is not None and value < self.below
        )

    def measure(self, values: np.ndarray) -> float:
        """The rule's statistic of the values in one window (NaN if fewer than ``min_events``)."""
        if self.stat == "count":
            return float(len(values))
        if len(values) < self.min_events:
            return float("nan")
        match = _PERCENTILE.match(self.stat)
        if match:
            return float(np.percentile(values, float(match.group(1))))
        return float(getattr(np, self.stat)(values))


def _events(events: pd.DataFrame, time: str, rules: list[AlertRule]) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"events must be a DataFrame (one row per event), got {type(events).__name__}"
        )
    text(time, "time")
    if time not in events.columns:
        raise ValueError(
            f"events need a {time!r} column of timestamps; columns: {list(events.columns)}"
        )
    missing = sorted({r.metric for r in rules} - set(events.columns))
    if missing:
        raise ValueError(f"the rules read column(s) {', '.join(missing)}, which events lack")
    frame = events.assign(**{time: pd.to_datetime(events[time])})
    return frame.sort_values(time, kind="stable").reset_index(drop=True)


def _ticks(times: pd.Series, every: pd.Timedelta) -> pd.DatetimeIndex:
    return pd.date_range(times.iloc[0].floor(every) + every, times.iloc[-1].ceil(every), freq=every)


def rule_values(events: pd.DataFrame, rule: AlertRule, *, every="1min", time="time") -> pd.Series:
    """The value ``rule`` measures at each evaluation time (window ``(t - window, t]``).

    Parameters
    ----------
    events : pandas.DataFrame
        One row per event, with a time column and the rule's metric.
    rule : AlertRule
        What to measure.
    every : str, default "1min"
        How often to evaluate (a pandas frequency).
    time : str, default "time"
        The time column.
    """
    step = _duration(every, "every")
    if step <= pd.Timedelta(0):
        raise ValueError(f"every must be longer than 0, got {every!r}")
    frame = _events(events, time, [rule])
    if frame.empty:
        return pd.Series([], dtype=float, name=rule.name)
    times = pd.DatetimeIndex(frame[time]).asi8  # nanoseconds (UTC if time zone aware)
    values = frame[rule.metric].to_numpy(dtype=float)
    ticks = _ticks(frame[time], step)
    window = pd.Timedelta(rule.window).value
    lows = np.searchsorted(times, ticks.asi8 - window, side="right")
    highs = np.searchsorted(times, ticks.asi8, side="right")
    measured = [rule.measure(values[lo:hi]) for lo, hi in zip(lows, highs)]
    return pd.Series(measured, index=ticks, name=rule.name)


def _alerts(rule: AlertRule, measured: pd.Series) -> list[dict]:
    hold = pd.Timedelta(rule.for_)
    alerts, pending_since, firing = [], None, None
    for tick, value in measured.items():
        if rule.breached(value):
            pending_since = tick if pending_since is None else pending_since
            if firing is None and tick - pending_since >= hold:
                firing = {"rule": rule.name, "metric": rule.metric, "start": tick, "peaks": []}
            if firing is not None:
                firing["peaks"].append(value)
            continue
        if firing is not None:
            alerts.append({**firing, "end": tick})
        pending_since, firing = None, None
    if firing is not None:
        alerts.append({**firing, "end": pd.NaT})  # still firing at the end of the events
    for alert in alerts:
        peaks = alert.pop("peaks")
        alert["peak"] = (
            max(peaks) if rule.above is not None and max(peaks) > rule.above else min(peaks)
        )
        alert["message"] = (
            f"{rule.name}: {rule.stat} of {rule.metric} over {rule.window} reached "
            f"{alert['peak']:g} from {alert['start']}"
        )
    return alerts


def evaluate(
    events: pd.DataFrame, rules: Iterable[AlertRule], *, every="1min", time: str = "time"
) -> pd.DataFrame:
    """Every alert the ``rules`` fire on ``events``, evaluated every ``every``.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per event, with a time column and the rules' metrics.
    rules : iterable of AlertRule
        The alert rules.
    every : str, default "1min"
        How often to evaluate (a pandas frequency).
    time : str, default "time"
        The time column.

    Returns
    -------
    pandas.DataFrame
        ``rule, metric, start, end, peak, message``, one row per alert, by start time.
        ``start`` is the evaluation at which the alert fired (after ``for_``), ``end`` the first
        evaluation at which its condition no longer held (``NaT``: still firing), ``peak`` the
        worst value while it fired.
    """
    rules = sequence(rules, "rules", "a list of AlertRule objects")
    bad = [type(r).__name__ for r in rules if not isinstance(r, AlertRule)]
    if bad:
        raise TypeError(f"rules must be AlertRule objects, got {', '.join(bad)}")
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ValueError(f"alert rule names must be unique, got {names}")
    rows = []
    for rule in rules:
        rows += _alerts(rule, rule_values(events, rule, every=every, time=time))
    stamp = pd.to_datetime(events[time]).dtype  # keep the events' time zone, even with no alert
    table = pd.DataFrame(rows, columns=ALERT_COLUMNS).astype(
        {"start": stamp, "end": stamp, "peak": float}
    )
    return table.sort_values(["start", "rule"], kind="stable").reset_index(drop=True)
