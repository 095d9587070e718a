"""Canary and blue-green rollouts with guard metrics and automatic rollback.

Part of :mod:`mlep.deployment.rollout`, which re-exports the public names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlep._checks import (
    count,
    non_negative,
    real,
    seeded_rng,
    sequence,
)
from mlep.deployment.rollout.stream import (
    REQUEST_ID,
    check_requests,
    features,
    known_labels,
    predict_batch,
    route,
    simulated_latencies,
)

if TYPE_CHECKING:  # pragma: no cover
    pass


#: Metrics a canary or blue-green guard can watch; a guard trips when the value is above it.
GUARD_METRICS = ("error_rate", "latency_p95_ms", "latency_mean_ms")
LOG_COLUMNS = ["requests", "labelled", "error_rate", "latency_p95_ms", "latency_mean_ms"]


@dataclass(frozen=True)
class RolloutResult:
    """How a rollout ended: the decision, why, and the log of every stage or window."""

    decision: str
    reason: str
    log: pd.DataFrame = field(repr=False)

    def __str__(self) -> str:
        return f"{self.decision}: {self.reason}"


def _check_guards(guards: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(guards, Mapping) or not guards:
        raise ValueError(
            "guards must map at least one metric to its highest acceptable value, e.g. "
            f"{{'error_rate': 0.2}}; metrics: {', '.join(GUARD_METRICS)}"
        )
    for name in guards:
        if name not in GUARD_METRICS:
            raise ValueError(
                f"unknown guard metric {name!r}; choose from {', '.join(GUARD_METRICS)}"
            )
    return {name: non_negative(limit, f"guard {name!r}") for name, limit in guards.items()}


def _window_metrics(
    requests: pd.DataFrame, model: Any, rng: np.random.Generator, what: str
) -> dict[str, float]:
    """Requests, labelled count, error rate and latency of ``model`` on ``requests``."""
    answers = predict_batch(model, features(requests), what)
    labels, known = known_labels(requests)
    latency = simulated_latencies(model, len(requests), rng)
    wrong = answers[known] != labels[known]
    return {
        "requests": len(requests),
        "labelled": int(known.sum()),
        "error_rate": float(wrong.mean()) if known.any() else math.nan,
        "latency_p95_ms": float(np.percentile(latency, 95)),
        "latency_mean_ms": float(latency.mean()),
    }


def _breaches(metrics: dict[str, float], guards: dict[str, float], where: str) -> list[str]:
    """Guards whose metric is above its limit; a guard that cannot be measured is an error."""
    if "error_rate" in guards and metrics["labelled"] == 0:
        raise ValueError(
            f"{where}: no labelled request reached the model, so the error_rate guard cannot "
            "be checked; use more requests, a larger share or a higher label_rate"
        )
    return [name for name, limit in guards.items() if metrics[name] > limit]


def _describe(breached: list[str], metrics: dict[str, float], guards: dict[str, float]) -> str:
    return ", ".join(f"{name} {metrics[name]:.3g} > {guards[name]:g}" for name in breached)


def canary(
    requests: pd.DataFrame,
    current: Any,
    candidate: Any,
    *,
    guards: Mapping[str, float],
    stages: Sequence[float] = (1, 5, 25, 50, 100),
    seed: int = 0,
) -> RolloutResult:
    """Canary release: send a growing share of traffic to ``candidate``, stage by stage.

    The requests are split into ``len(stages)`` consecutive, equal parts, one per stage. In
    stage ``k`` the requests that :func:`route` sends to the candidate at ``stages[k]`` %
    are served by it, the others by ``current``. After each stage the candidate's metrics
    (:data:`GUARD_METRICS`) on its own traffic are compared with ``guards``: if any is above
    its limit, the release is rolled back at once; if the last stage passes, the candidate
    is promoted.

    Parameters
    ----------
    requests
        The request stream (see :func:`request_stream`).
    current, candidate
        Models (``predict(batch)`` or a function of the batch).
    guards
        Metric -> highest acceptable value, e.g. ``{"error_rate": 0.2,
        "latency_p95_ms": 100}``.
    stages
        Increasing traffic percentages, each in ``(0, 100]``.
    seed
        Seed of the routing hash and of the simulated latencies.

    Returns
    -------
    RolloutResult
        ``decision`` is ``"promote"`` or ``"rollback"``; ``log`` has one row per stage run:
        ``stage, percent, to_candidate, requests, labelled, error_rate, latency_p95_ms,
        latency_mean_ms, breached, action`` (``requests`` and the metrics count the
        candidate's traffic only). ``error_rate`` is NaN only when no request of the stage
        has a label, which is allowed when ``error_rate`` is not guarded.

    Raises
    ------
    ValueError
        Bad stages or guards, or a stage whose candidate traffic has no labelled request
        while ``error_rate`` is guarded (the guard could not be checked).

    Examples
    --------
    >>> from mlep.deployment.rollout import NoisyModel, ThresholdModel, request_stream
    >>> requests, guards = request_stream(10_000), {"error_rate": 0.3, "latency_p95_ms": 50}
    >>> result = canary(requests, ThresholdModel(), ThresholdModel(threshold=0.3), guards=guards)
    >>> print(result)
    promote: all 5 stages passed the guards
    >>> result.log[["percent", "to_candidate", "error_rate", "latency_p95_ms", "action"]]
       percent  to_candidate  error_rate  latency_p95_ms    action
    0        1            20       0.050          29.933  continue
    1        5           103       0.223          40.859  continue
    2       25           514       0.202          38.675  continue
    3       50           990       0.214          39.969  continue
    4      100          2000       0.219          40.151   promote

    A slower candidate (mean latency 35 ms instead of 20) is stopped at the first stage:

    >>> print(canary(requests, ThresholdModel(), ThresholdModel(latency_ms=35), guards=guards))
    rollback: stage 1 (1%): latency_p95_ms 52.4 > 50
    """
    check_requests(requests)
    _check_model(current, "current")
    _check_model(candidate, "candidate")
    guards = _check_guards(guards)
    stages = _check_stages(stages, len(requests))
    rng = seeded_rng(seed)
    rows = []
    parts = np.array_split(np.arange(len(requests)), len(stages))
    for k, (percent, positions) in enumerate(zip(stages, parts)):
        part = requests.iloc[positions]
        to_candidate = part[route(part[REQUEST_ID], percent, seed=seed)]
        where = f"canary stage {k + 1} ({percent:g}%)"
        if to_candidate.empty:
            raise ValueError(f"{where}: no request was routed to the candidate; use more requests")
        metrics = _window_metrics(to_candidate, candidate, rng, "the candidate model")
        breached = _breaches(metrics, guards, where)
        action = "rollback" if breached else ("promote" if k == len(stages) - 1 else "continue")
        rows.append(
            {
                "stage": k + 1,
                "percent": percent,
                "to_candidate": len(to_candidate),
                **metrics,
                "breached": ", ".join(breached),
                "action": action,
            }
        )
        if breached:
            reason = f"stage {k + 1} ({percent:g}%): {_describe(breached, metrics, guards)}"
            return RolloutResult("rollback", reason, _log(rows))
    return RolloutResult("promote", f"all {len(stages)} stages passed the guards", _log(rows))


def _check_model(model: Any, what: str) -> None:
    """A model serves with ``predict(batch)`` or is itself a function of the batch."""
    if not callable(getattr(model, "predict", None)) and not callable(model):
        raise TypeError(
            f"{what} must have a predict(batch) method or be a function of the batch, "
            f"but got a {type(model).__name__}"
        )


def _check_stages(stages: Sequence[float], n: int) -> list[float]:
    stages = sequence(stages, "stages", "a list of traffic percentages, e.g. [1, 5, 25, 100]")
    values = [real(s, "each stage percentage") for s in stages]
    if not values:
        raise ValueError("stages is empty: give traffic percentages, e.g. [1, 5, 25, 50, 100]")
    if any(not 0 < v <= 100 for v in values) or any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(
            f"stages must be increasing percentages in (0, 100], e.g. [1, 5, 25, 50, 100], "
            f"but got {list(stages)}"
        )
    if n < len(values):
        raise ValueError(f"{len(values)} stages need at least {len(values)} requests, got {n}")
    return [int(v) if v == int(v) else v for v in values]


def _log(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in ("error_rate", "latency_p95_ms", "latency_mean_ms"):
        frame[column] = frame[column].round(3)
    return frame


def blue_green(
    requests: pd.DataFrame,
    blue: Any,
    green: Any,
    *,
    switch_at: int,
    guards: Mapping[str, float],
    window: int = 100,
    seed: int = 0,
) -> RolloutResult:
    """Blue-green deployment: all traffic moves from ``blue`` to ``green`` at once.

    ``blue`` serves the requests before position ``switch_at``; from there ``green`` serves
    everything. Traffic is watched in windows of ``window`` requests (a window never spans
    the switch). The first green window that breaks a guard triggers an instant rollback:
    every later request is served by ``blue`` again, which is still running.

    Parameters
    ----------
    requests
        The request stream (see :func:`request_stream`).
    blue, green
        The running model and the new one (``predict(batch)`` or a function of the batch).
    switch_at
        Position of the first request ``green`` serves, ``0 <= switch_at < len(requests)``.
    guards
        Metric -> highest acceptable value, as in :func:`canary`; checked on green windows.
    window
        Requests per monitoring window.
    seed
        Seed of the simulated latencies.

    Returns
    -------
    RolloutResult
        ``decision`` is ``"green"`` (the switch held) or ``"rollback"``. ``log`` has one
        row per window: ``window, first, last, live, requests, labelled, error_rate,
        latency_p95_ms, latency_mean_ms, breached, action`` with ``action`` one of
        ``"serve"``, ``"switch"`` (first green window), ``"rollback"``. As in
        :func:`canary`, ``error_rate`` is NaN only for a window without labels.

    Examples
    --------
    >>> from mlep.deployment.rollout import NoisyModel, ThresholdModel, request_stream
    >>> result = blue_green(request_stream(1000), ThresholdModel(),
    ...                     NoisyModel(ThresholdModel(), flip_rate=0.3),
    ...                     switch_at=400, window=200, guards={"error_rate": 0.25})
    >>> print(result)
    rollback: window 3 (requests 400-599): error_rate 0.335 > 0.25
    >>> result.log[["window", "first", "last", "live", "error_rate", "action"]]
       window  first  last   live  error_rate    action
    0       1      0   199   blue       0.155     serve
    1       2    200   399   blue       0.170     serve
    2       3    400   599  green       0.335  rollback
    3       4    600   799   blue       0.240     serve
    4       5    800   999   blue       0.140     serve
    """
    check_requests(requests)
    guards = _check_guards(guards)
    window = count(window, "window", minimum=1)
    switch_at = count(switch_at, "switch_at")
    if switch_at >= len(requests):
        raise ValueError(
            f"switch_at must be a request position, below {len(requests)} (the number of "
            f"requests), but got {switch_at}: the switch would never happen"
        )
    rng = seeded_rng(seed)
    rows, live, decision, reason = [], "blue", "green", "green held every window"
    for first, last in _windows(len(requests), switch_at, window):
        action = "serve"
        if first == switch_at and live == "blue" and decision == "green":
            live, action = "green", "switch"
        model = green if live == "green" else blue
        where = f"window {len(rows) + 1} (requests {first}-{last})"
        metrics = _window_metrics(requests.iloc[first : last + 1], model, rng, f"the {live} model")
        breached = _breaches(metrics, guards, where) if live == "green" else []
        if breached:
            action, decision = "rollback", "rollback"
            reason = f"{where}: {_describe(breached, metrics, guards)}"
        rows.append(
            {
                "window": len(rows) + 1,
                "first": first,
                "last": last,
                "live": live,
                **metrics,
                "breached": ", ".join(breached),
                "action": action,
            }
        )
        live = "blue" if breached else live
    return RolloutResult(decision, reason, _log(rows))


def _windows(n: int, switch_at: int, window: int) -> list[tuple[int, int]]:
    """``(first, last)`` positions of consecutive windows, split at ``switch_at``."""
    bounds = []
    for start, stop in ((0, switch_at), (switch_at, n)):
        bounds += [(i, min(i + window, stop) - 1) for i in range(start, stop, window)]
    return bounds
