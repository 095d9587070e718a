"""When to retrain: policies that read the monitoring signals and say "retrain now, because …".

The course's four triggers (C4W4, *Model decay and retraining*): **on demand** (a person asks,
:class:`OnDemand`), on a **schedule** (:class:`Schedule`), after enough **new data** has arrived
(:class:`DataVolume`), or when **performance drops** below a baseline
(:class:`PerformanceDrop`) — plus a **drift** trigger (:class:`DriftTrigger`, not one of the
course's four, but the fifth of Google's MLOps guide) that acts before labels arrive. Each
policy is a tiny state machine: ``update(...)`` with what happened, and it returns a
:class:`Decision` (river style).
:func:`simulate` replays a day-by-day history through several policies and tabulates when
each would have retrained.

Examples
--------
>>> policy = PerformanceDrop(metric="accuracy", baseline=0.90, tolerance=0.03, window=3)
>>> [policy.update(day=d, accuracy=a).retrain for d, a in enumerate([0.9, 0.88, 0.86, 0.85, 0.84])]
[False, False, False, True, True]
>>> policy.update(day=5, accuracy=0.84).reason
'accuracy 0.843 (mean of the last 3) is below 0.870 = baseline 0.900 - tolerance 0.030'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mlep._checks import count, instance, non_negative, real, sequence

__all__ = [
    "DataVolume",
    "Decision",
    "DriftTrigger",
    "OnDemand",
    "PerformanceDrop",
    "Schedule",
    "simulate",
]


@dataclass(frozen=True)
class Decision:
    """A trigger's answer for one day: retrain or not, and why (empty when not)."""

    retrain: bool
    reason: str


_KEEP = Decision(False, "")


class OnDemand:
    """Retrain when a person asks: after an incident, a new regulation, a fixed labelling bug.

    Not a rule over the signals but a button: :meth:`request` presses it (the next
    :meth:`update` retrains, once), or, in a replayed history, a non-empty ``signal`` column
    holds the request's reason on the day it was made.

    Parameters
    ----------
    signal : str, default "request"
        The history column (keyword of :meth:`update`) that carries a request's reason.

    Examples
    --------
    >>> button = OnDemand()
    >>> button.update(day=3).retrain
    False
    >>> button.request("the upstream lab system changed its units")
    >>> button.update(day=4)
    Decision(retrain=True, reason='requested: the upstream lab system changed its units')
    >>> button.update(day=5).retrain
    False
    """

    def __init__(self, *, signal: str = "request"):
        if not isinstance(signal, str) or not signal:
            raise TypeError(f"signal must be a non-empty string, but got {signal!r}")
        self.signal = signal
        self.pending_: list[str] = []

    def request(self, reason: str) -> None:
        """Ask for a retraining; the next :meth:`update` fires with ``reason``.

        Parameters
        ----------
        reason : str
            Why, in a few words (it goes into the :class:`Decision` and the log).
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(
                "reason must say why the model is retrained (a non-empty string), "
                f"but got {reason!r}"
            )
        self.pending_.append(reason.strip())

    def update(self, **signals: Any) -> Decision:
        """Retrain if a request is pending or arrives in ``signals[signal]``.

        Parameters
        ----------
        **signals
            What happened this period; only the ``signal`` keyword is read (a reason, or
            ``None``/empty/NaN for no request).

        Returns
        -------
        Decision
        """
        value = signals.get(self.signal)
        if isinstance(value, str) and value.strip():
            self.request(value)
        elif value is not None and value == value and not isinstance(value, str):
            raise TypeError(
                f"{self.signal} must be a reason (a string) or empty, but got a "
                f"{type(value).__name__}: {value!r}"
            )
        if not self.pending_:
            return _KEEP
        reasons, self.pending_ = "; ".join(self.pending_), []
        return Decision(True, f"requested: {reasons}")


class Schedule:
    """Retrain every ``every_days`` days, whatever the data says.

    Parameters
    ----------
    every_days : int
        Days between trainings, at least 1 (counted from day 0, the last training).
    """

    def __init__(self, *, every_days: int):
        self.every_days = count(every_days, "every_days", minimum=1)
        self.last_ = 0

    def update(self, *, day: int, **_: Any) -> Decision:
        if day - self.last_ >= self.every_days:
            self.last_ = day
            return Decision(True, f"{self.every_days} days since the last training")
        return _KEEP


class DataVolume:
    """Retrain once ``min_new_rows`` new labelled rows have arrived since the last training.

    Parameters
    ----------
    min_new_rows : int
        New labelled rows that make a retraining worth it, at least 1; ``update(new_rows=...)``
        adds each period's arrivals.
    """

    def __init__(self, *, min_new_rows: int):
        self.min_new_rows = count(min_new_rows, "min_new_rows", minimum=1)
        self.new_rows_ = 0

    def update(self, *, new_rows: int = 0, **_: Any) -> Decision:
        self.new_rows_ += count(new_rows, "new_rows")
        if self.new_rows_ >= self.min_new_rows:
            reason = f"{self.new_rows_} new labelled rows (threshold {self.min_new_rows})"
            self.new_rows_ = 0
            return Decision(True, reason)
        return _KEEP


class PerformanceDrop:
    """Retrain when the mean of ``metric`` over the last ``window`` updates falls below
    ``baseline - tolerance`` (for a metric where higher is better).

    Parameters
    ----------
    metric : str
        The signal to watch (a keyword of ``update``); periods without it are skipped.
    baseline : float
        The metric at the last training.
    tolerance : float
        How far below ``baseline`` the mean may fall, ``>= 0``.
    window : int, default 1
        Number of measured periods averaged (smoothing against noise).
    """

    def __init__(self, *, metric: str, baseline: float, tolerance: float, window: int = 1):
        self.metric = metric
        self.baseline = real(baseline, "baseline")
        self.tolerance = non_negative(tolerance, "tolerance")
        self.window = count(window, "window", minimum=1)
        self.recent_: deque[float] = deque(maxlen=self.window)

    def update(self, **signals: Any) -> Decision:
        value = signals.get(self.metric)
        if value is None:
            return _KEEP  # no labels yet for this period
        self.recent_.append(real(value, self.metric))
        if len(self.recent_) < self.window:
            return _KEEP
        mean = sum(self.recent_) / len(self.recent_)
        floor = self.baseline - self.tolerance
        if mean < floor:
            return Decision(
                True,
                f"{self.metric} {mean:.3f} (mean of the last {self.window}) is below {floor:.3f} = "
                f"baseline {self.baseline:.3f} - tolerance {self.tolerance:.3f}",
            )
        return _KEEP


class DriftTrigger:
    """Retrain when a drift score (e.g. PSI of an input) exceeds ``threshold`` for
    ``patience`` updates in a row — a signal that does not wait for labels.

    Parameters
    ----------
    signal : str
        The drift score to watch (a keyword of ``update``).
    threshold : float
        Score above which a period counts as drifted, ``>= 0``.
    patience : int, default 1
        Drifted periods in a row needed to fire (persistence against one-off glitches).
    """

    def __init__(self, *, signal: str, threshold: float, patience: int = 1):
        self.signal = signal
        self.threshold = non_negative(threshold, "threshold")
        self.patience = count(patience, "patience", minimum=1)
        self.streak_ = 0

    def update(self, **signals: Any) -> Decision:
        value = signals.get(self.signal)
        if value is None:
            return _KEEP
        self.streak_ = self.streak_ + 1 if real(value, self.signal) > self.threshold else 0
        if self.streak_ >= self.patience:
            self.streak_ = 0
            return Decision(
                True, f"{self.signal} above {self.threshold} for {self.patience} update(s) in a row"
            )
        return _KEEP


def simulate(
    history: pd.DataFrame | Iterable[Mapping[str, Any]], policies: Mapping[str, Any]
) -> pd.DataFrame:
    """Replay ``history`` (one row per day: ``day`` and any signals) through each policy.

    Parameters
    ----------
    history : pandas.DataFrame or iterable of dict
        One row per day: a ``day`` column and any signals (NaN = not measured that day).
    policies : mapping of str to policy
        Name -> policy (anything with ``update(**signals)`` returning a :class:`Decision`).
        Policies are updated in place (give fresh ones to compare from the start).

    Returns
    -------
    pandas.DataFrame
        One row per retraining decision: ``policy, day, reason``.
    """
    frame = _history(history)
    instance(policies, Mapping, "policies", "a dict of name -> policy (e.g. Schedule(...))")
    lazy = [name for name, policy in policies.items() if not callable(getattr(policy, "update", 0))]
    if lazy:
        raise TypeError(
            f"policies must map names to policies with an update() method (Schedule, "
            f"DriftTrigger, ...), but {lazy} are not"
        )
    if "day" not in frame.columns:
        raise ValueError("history needs a 'day' column (0, 1, 2, ...)")
    rows = []
    for record in frame.to_dict("records"):
        signals = {
            k: v for k, v in record.items() if not (isinstance(v, float) and v != v)
        }  # NaN = not measured
        for name, policy in policies.items():
            decision = policy.update(**signals)
            if decision.retrain:
                rows.append({"policy": name, "day": int(record["day"]), "reason": decision.reason})
    return pd.DataFrame(rows, columns=["policy", "day", "reason"])


def _history(history) -> pd.DataFrame:
    """``history`` as a table: a DataFrame, or a list of dicts (one per day)."""
    if isinstance(history, pd.DataFrame):
        return history
    rows = sequence(history, "history", "a DataFrame or a list of dicts (one per day)")
    strays = [type(row).__name__ for row in rows if not isinstance(row, Mapping)]
    if strays:
        raise TypeError(
            f"history must be a DataFrame or a list of dicts (one per day), but holds {strays[0]}"
        )
    return pd.DataFrame(rows)
