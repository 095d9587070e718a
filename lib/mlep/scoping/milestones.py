"""Milestones: the ML, software and business targets a project must hit, checked in one table.

A scoping document states what "done" means in three vocabularies: ML metrics (recall on
the test set), software metrics (p95 latency at a given compute budget, throughput) and
business metrics (revenue, cost, user satisfaction). :class:`Milestone` holds the three sets
of targets and :meth:`Milestone.check` compares measurements against them.

Whether higher or lower is better is guessed from the metric name (names containing
``latency``, ``error``, ``loss``, ``cost``, ``memory``, ``mae``, ``rmse`` …, or
``false_positive``/``false_negative``, are lower-is-better) and can be set explicitly with
``directions``. The guess is shown in every table, so check it.

Examples
--------
>>> pilot = Milestone(
...     "pilot",
...     ml={"recall": 0.95, "precision": 0.80},
...     software={"latency_ms_p95": 300, "throughput_rps": 20},
...     compute="1 vCPU, 2 GB RAM, no GPU",
... )
>>> table = pilot.check({"recall": 0.96, "precision": 0.78, "latency_ms_p95": 250})
>>> table[["metric", "target", "measured", "direction", "met"]]
           metric  target  measured direction    met
0          recall    0.95      0.96    higher   True
1       precision    0.80      0.78    higher  False
2  latency_ms_p95  300.00    250.00     lower   True
3  throughput_rps   20.00       NaN    higher  False
>>> list(table["note"])
['', '0.02 below target', 'on 1 vCPU, 2 GB RAM, no GPU', 'not measured']
>>> pilot.all_met({"recall": 0.97, "precision": 0.81, "latency_ms_p95": 180, "throughput_rps": 25})
True
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from mlep._checks import instance, real, text

__all__ = ["DIRECTIONS", "KINDS", "Milestone", "guess_direction"]

KINDS = ("ml", "software", "business")
DIRECTIONS = ("higher", "lower")
_LOWER_WORDS = {
    "latency", "ms", "seconds", "error", "errors", "loss", "cost", "costs", "memory", "mb",
    "gb", "size", "mae", "mse", "rmse", "mape", "wer", "cer", "fpr", "fnr", "churn",
}  # fmt: skip
_LOWER_PHRASES = ("false_positive", "false_negative", "time_to")


def guess_direction(metric: str) -> str:
    """``"lower"`` if the name says lower is better (latency, error, cost …), else ``"higher"``.

    Examples
    --------
    >>> [guess_direction(m) for m in ["recall", "latency_ms_p95", "false_positive_rate"]]
    ['higher', 'lower', 'lower']
    """
    name = text(metric, "metric").lower()
    words = set(re.split(r"[^a-z0-9]+", name))
    if words & _LOWER_WORDS or any(phrase in name for phrase in _LOWER_PHRASES):
        return "lower"
    return "higher"


@dataclass
class Milestone:
    """Targets for one milestone of an ML project.

    Parameters
    ----------
    name
        What the milestone is called ("proof of concept", "pilot", "launch").
    ml, software, business
        Metric name → target value. At least one target overall; a metric name may appear
        in only one of the three.
    compute
        The compute the software metrics are measured on ("1 vCPU, 2 GB RAM"): a latency
        target means little without it.
    directions
        Metric name → ``"higher"`` or ``"lower"`` (is better), overriding
        :func:`guess_direction`.
    """

    name: str
    ml: Mapping[str, float] = field(default_factory=dict)
    software: Mapping[str, float] = field(default_factory=dict)
    business: Mapping[str, float] = field(default_factory=dict)
    compute: str = ""
    directions: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        text(self.name, "Milestone name")
        instance(self.compute, str, "Milestone compute", "a string describing the hardware")
        instance(
            self.directions, Mapping, "Milestone directions", "a dict of metric -> 'higher'/'lower'"
        )
        seen: dict[str, str] = {}
        for kind in KINDS:
            targets = getattr(self, kind)
            if not isinstance(targets, Mapping):
                raise TypeError(
                    f"Milestone {kind}= should map metric name to target, e.g. "
                    f"{{'recall': 0.95}}, but got a {type(targets).__name__}: {targets!r}"
                )
            for metric, target in targets.items():
                if metric in seen:
                    raise ValueError(
                        f"metric {metric!r} is a target in both {seen[metric]}= and {kind}=; "
                        "give it one home"
                    )
                seen[metric] = kind
                real(target, f"the {kind} target for {metric!r}")
        if not seen:
            raise ValueError(
                f"Milestone {self.name!r} has no targets; give at least one, e.g. "
                "ml={'recall': 0.95}"
            )
        for metric, direction in self.directions.items():
            if metric not in seen:
                raise ValueError(
                    f"directions names {metric!r}, which is not a target; targets: {list(seen)}"
                )
            if direction not in DIRECTIONS:
                raise ValueError(
                    f"the direction of {metric!r} must be 'higher' or 'lower' (is better), "
                    f"but got {direction!r}"
                )

    def direction(self, metric: str) -> str:
        """``"higher"`` or ``"lower"``: which way is better for ``metric``."""
        return self.directions.get(metric) or guess_direction(metric)

    def targets(self) -> pd.DataFrame:
        """One row per target: kind, metric, target, direction."""
        rows = [
            {"kind": kind, "metric": m, "target": float(t), "direction": self.direction(m)}
            for kind in KINDS
            for m, t in getattr(self, kind).items()
        ]
        return pd.DataFrame(rows, columns=["kind", "metric", "target", "direction"])

    def check(self, measured: Mapping[str, float]) -> pd.DataFrame:
        """Compare measurements with the targets: one row per target.

        Columns: kind, metric, target, measured, direction, met, note. A target with no
        measurement (missing, ``None``, NaN or not a number) is *not met*, its ``measured``
        is NaN and its note says why (and suggests a near-miss name, if there is one).
        Measured metrics without a target are ignored.

        Examples
        --------
        >>> row = Milestone("poc", ml={"recall": 0.9}).check({"recal": 0.93}).iloc[0]
        >>> row["met"], row["note"]
        (False, "not measured (did you mean 'recal'?)")
        """
        if not isinstance(measured, Mapping):
            raise TypeError(
                "check() takes a mapping of metric name to measured value, e.g. "
                f"{{'recall': 0.96}}, but got a {type(measured).__name__}"
            )
        table = self.targets()
        values, met, notes = [], [], []
        for kind, metric, target, direction in zip(
            table["kind"], table["metric"], table["target"], table["direction"]
        ):
            value, note = self._measurement(metric, measured)
            shortfall = target - value if direction == "higher" else value - target
            if note is None and shortfall > 0:
                note = f"{shortfall:.3g} {'below' if direction == 'higher' else 'above'} target"
            elif note is None:
                note = f"on {self.compute}" if kind == "software" and self.compute else ""
            values.append(value)
            met.append(bool(shortfall <= 0))  # False for NaN
            notes.append(note)
        table.insert(3, "measured", values)
        table.insert(5, "met", met)
        table["note"] = notes
        return table

    def all_met(self, measured: Mapping[str, float]) -> bool:
        """True when every target is met (see :meth:`check`)."""
        return bool(self.check(measured)["met"].all())

    @staticmethod
    def _measurement(metric: str, measured: Mapping) -> tuple[float, str | None]:
        if metric not in measured:
            near = difflib.get_close_matches(metric, [str(k) for k in measured], n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            return math.nan, f"not measured{hint}"
        value = measured[metric]
        if value is None:
            return math.nan, "measured value is None"
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return math.nan, f"measured value is not a number: {value!r}"
        if not math.isfinite(value):
            return math.nan, f"measured value is {value}"
        return float(value), None
