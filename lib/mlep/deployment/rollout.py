"""Deployment patterns, simulated: shadow mode, canary, blue-green, degrees of automation.

A deterministic simulator over a stream of requests. A *request stream* is a DataFrame with
a ``request_id`` column, feature columns and (optionally) a ``label`` column — the truth,
which in production arrives later, and only for some requests (``<NA>`` elsewhere).
:func:`request_stream` makes a seeded one. A *model* is anything with an sklearn-like
``predict(batch)`` (``batch`` is the 2-D array of feature columns) or a plain function of
the batch; an optional ``latency_ms`` attribute sets its mean simulated latency.

============================  ==============================================================
pattern                       what the simulator does
============================  ==============================================================
:func:`shadow`                both models score every request, only the current answer is
                              served; report agreement and each model's accuracy
:func:`canary`                route a growing share of traffic to the candidate, stage by
                              stage; roll back as soon as a guard metric crosses its limit
:func:`blue_green`            switch all traffic to the new model at once; roll back in one
                              step when a guard metric crosses its limit
:func:`automation_tradeoff`   automate only confident predictions: cost and accuracy for
                              each confidence threshold, from human only to full automation
============================  ==============================================================

Routing is by a stable hash of ``(seed, request_id)``: a request always goes to the same
model at a given traffic share, and a request sent to the candidate at 5% is still sent to it
at 25% (the share grows, nobody flips back and forth).

Examples
--------
>>> requests = request_stream(5000, seed=0)
>>> current, candidate = ThresholdModel(), NoisyModel(ThresholdModel(), flip_rate=0.3)
>>> report = shadow(requests, current, candidate)
>>> print(report)
shadow mode on 5000 requests (5000 labelled): agreement 0.700, current accuracy 0.811, candidate accuracy 0.628, regret -0.183
>>> result = canary(requests, current, candidate, guards={"error_rate": 0.25})
>>> result.decision
'rollback'
>>> result.log[["stage", "percent", "to_candidate", "error_rate", "action"]]
   stage  percent  to_candidate  error_rate    action
0      1        1             8       0.125  continue
1      2        5            45       0.378  rollback
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlep._checks import (
    count,
    non_negative,
    numbers_array,
    probability,
    real,
    same_length,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "AUTOMATION_DEGREES",
    "GUARD_METRICS",
    "LABEL",
    "REQUEST_ID",
    "NoisyModel",
    "RolloutResult",
    "ShadowReport",
    "ThresholdModel",
    "automation_tradeoff",
    "blue_green",
    "canary",
    "choose_threshold",
    "features",
    "plot_automation_tradeoff",
    "request_stream",
    "route",
    "shadow",
]

REQUEST_ID = "request_id"
LABEL = "label"
#: Mean latency of a model without a ``latency_ms`` attribute.
DEFAULT_LATENCY_MS = 10.0
#: Spread of simulated latencies: lognormal with this sigma (a long right tail).
LATENCY_SIGMA = 0.5
#: Metrics a canary or blue-green guard can watch; a guard trips when the value is above it.
GUARD_METRICS = ("error_rate", "latency_p95_ms", "latency_mean_ms")
#: Course 1's degrees of automation, from none to full, with what the model does in each.
AUTOMATION_DEGREES = {
    "human only": "people decide everything; no model",
    "shadow mode": "the model predicts, people decide; predictions are only logged",
    "AI assistance": "people decide everything, shown the model's output",
    "partial automation": "the model decides when confident, people decide the rest",
    "full automation": "the model decides everything",
}
LOG_COLUMNS = ["requests", "labelled", "error_rate", "latency_p95_ms", "latency_mean_ms"]
TRADEOFF_COLUMNS = ["threshold", "automated", "accuracy", "cost", "degree"]


# --------------------------------------------------------------------------- requests and models


def request_stream(
    n: int, *, n_features: int = 2, noise: float = 0.5, label_rate: float = 1.0, seed: int = 0
) -> pd.DataFrame:
    """A seeded stream of requests: ids, standard normal features and a true 0/1 label.

    The truth is ``label = 1 if x0 + 0.5 * x1 + noise * e > 0`` (``e`` standard normal;
    ``x1`` only when ``n_features >= 2``), so :class:`ThresholdModel` on ``x0`` is a decent
    but imperfect model.

    Parameters
    ----------
    n
        Number of requests; ids are ``0 .. n - 1``.
    n_features
        Number of feature columns ``x0, x1, ...``.
    noise
        Label noise: standard deviation of ``e``.
    label_rate
        Share of requests whose label is known (the others hold ``<NA>``), as when ground
        truth arrives for a sample only.
    seed
        Seed of features, labels and of which labels are known.

    Examples
    --------
    >>> request_stream(3, seed=1)
       request_id     x0     x1  label
    0           0  0.346  0.822      1
    1           1  0.330 -1.303      0
    2           2  0.905  0.446      1
    """
    n = count(n, "n", minimum=1)
    n_features = count(n_features, "n_features", minimum=1)
    noise = non_negative(noise, "noise")
    label_rate = probability(label_rate, "label_rate")
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, n_features)).round(3)
    score = x[:, 0] + (0.5 * x[:, 1] if n_features > 1 else 0.0)
    labels = pd.array((score + noise * rng.normal(size=n) > 0).astype(int), dtype="Int64")
    labels[rng.random(n) >= label_rate] = pd.NA
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(n_features)])
    frame.insert(0, REQUEST_ID, np.arange(n))
    frame[LABEL] = labels
    return frame


def features(requests: pd.DataFrame) -> np.ndarray:
    """The batch a model sees: every column except ``request_id`` and ``label``, as floats."""
    _check_requests(requests)
    columns = [c for c in requests.columns if c not in (REQUEST_ID, LABEL)]
    if not columns:
        raise ValueError("the requests have no feature columns (only request_id and label)")
    try:
        return requests[columns].to_numpy(dtype=float)
    except (TypeError, ValueError):
        kinds = {c: str(requests[c].dtype) for c in columns if requests[c].dtype.kind not in "biuf"}
        raise TypeError(
            f"feature columns must be numeric, but got {kinds}; encode them first "
            "(e.g. pd.get_dummies) or drop them"
        ) from None


@dataclass(frozen=True)
class ThresholdModel:
    """Predicts 1 when feature ``feature`` (a column index) is above ``threshold``.

    Examples
    --------
    >>> ThresholdModel(threshold=0.5).predict(np.array([[0.2, 9.0], [0.7, -1.0]]))
    array([0, 1])
    """

    feature: int = 0
    threshold: float = 0.0
    latency_ms: float = 20.0

    def predict(self, batch: np.ndarray) -> np.ndarray:
        return (np.asarray(batch, dtype=float)[:, self.feature] > self.threshold).astype(int)


@dataclass(frozen=True)
class NoisyModel:
    """Another model's 0/1 predictions, with a share ``flip_rate`` of them flipped.

    Which predictions flip depends only on the request's features and ``seed`` (a hash of
    each row), so a request gets the same answer however the traffic is batched or routed.
    ``latency_ms`` defaults to the wrapped model's.

    Examples
    --------
    >>> batch = np.arange(20.0).reshape(10, 2)
    >>> NoisyModel(ThresholdModel(threshold=100), flip_rate=0.3, seed=1).predict(batch)
    array([0, 1, 1, 0, 0, 1, 1, 0, 0, 0])
    """

    model: Any
    flip_rate: float
    seed: int = 0
    latency_ms: float | None = None

    def __post_init__(self) -> None:
        probability(self.flip_rate, "flip_rate")
        if self.latency_ms is None:
            latency = getattr(self.model, "latency_ms", DEFAULT_LATENCY_MS)
            object.__setattr__(self, "latency_ms", latency)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        batch = np.asarray(batch, dtype=float)
        answers = _predict(self.model, batch, "the wrapped model")
        flip = _row_hash(batch, self.seed) < self.flip_rate
        return np.where(flip, 1 - answers, answers)


def _row_hash(batch: np.ndarray, seed: int) -> np.ndarray:
    """A uniform number in [0, 1) per row, fixed by the row's values and ``seed``."""
    salt = str(seed).encode()
    rows = np.ascontiguousarray(batch, dtype=float)
    return np.array([_unit(salt + row.tobytes()) for row in rows])


def _unit(data: bytes) -> float:
    digest = hashlib.blake2b(data, digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def route(request_ids, percent: float, *, seed: int = 0) -> np.ndarray:
    """Which requests go to the new model at ``percent`` % of traffic (a boolean mask).

    Each id gets a stable point in ``[0, 100)`` from a hash of ``(seed, id)``; it goes to the
    new model when that point is below ``percent``. So the share is close to ``percent``,
    the same id is always routed the same way, and raising ``percent`` only adds requests.

    Examples
    --------
    >>> route(range(10), 30, seed=0)
    array([False, False, False,  True, False, False, False,  True,  True,
            True])
    >>> bool(np.all(route(range(1000), 5) <= route(range(1000), 25)))
    True
    """
    percent = real(percent, "percent")
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, but got {percent:g}")
    salt = f"{seed}:".encode()
    points = np.array([100 * _unit(salt + str(i).encode()) for i in request_ids])
    return points < percent


def _predict(model: Any, batch: np.ndarray, what: str) -> np.ndarray:
    """One 0/1-like prediction per row from ``model.predict(batch)`` or ``model(batch)``."""
    predict = getattr(model, "predict", None)
    if predict is None:
        if not callable(model):
            raise TypeError(
                f"{what} must have a predict(batch) method or be a function of the batch, "
                f"but got a {type(model).__name__}"
            )
        predict = model
    answers = np.asarray(predict(batch))
    if answers.shape != (len(batch),):
        raise ValueError(
            f"{what} returned predictions of shape {answers.shape} for {len(batch)} requests; "
            f"expected one prediction per request, shape ({len(batch)},)"
        )
    return answers


def _latencies(model: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """Simulated latencies (ms): lognormal with mean ``model.latency_ms``."""
    mean = non_negative(getattr(model, "latency_ms", DEFAULT_LATENCY_MS), "latency_ms")
    return rng.lognormal(math.log(mean or 1e-9) - LATENCY_SIGMA**2 / 2, LATENCY_SIGMA, n)


def _check_requests(requests: Any) -> None:
    if not isinstance(requests, pd.DataFrame):
        raise TypeError(
            f"requests must be a DataFrame (see request_stream), but got {type(requests).__name__}"
        )
    if REQUEST_ID not in requests.columns:
        raise ValueError(
            f"requests need a {REQUEST_ID!r} column; got columns {list(requests.columns)}"
        )
    if len(requests) == 0:
        raise ValueError("the request stream is empty: nothing to serve")


def _labels(requests: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Labels (0 where unknown) and the mask of requests whose label is known."""
    if LABEL not in requests.columns:
        return np.zeros(len(requests), dtype=int), np.zeros(len(requests), dtype=bool)
    column = requests[LABEL]
    known = column.notna().to_numpy()
    return column.fillna(0).to_numpy().astype(int), known


# --------------------------------------------------------------------------- shadow mode


@dataclass(frozen=True)
class ShadowReport:
    """What shadow mode learned: how often the models agree, and which is more accurate.

    Attributes
    ----------
    requests, labelled : int
        Requests scored, and how many of them have a known label.
    agreement : float
        Share of requests where both models gave the same answer.
    current_accuracy, candidate_accuracy : float or None
        Accuracy on the labelled requests (``None`` when none is labelled).
    regret : float or None
        ``candidate_accuracy - current_accuracy``: the accuracy given up by serving the
        current model. Positive: the candidate would have gained that much; negative: it
        would have lost that much.
    log : pandas.DataFrame
        Per request: ``request_id, label, served, shadow, agree`` (``served`` is the
        current model's answer, the only one users saw).
    """

    requests: int
    labelled: int
    agreement: float
    current_accuracy: float | None
    candidate_accuracy: float | None
    regret: float | None
    log: pd.DataFrame = field(repr=False)

    def __str__(self) -> str:
        text = (
            f"shadow mode on {self.requests} requests ({self.labelled} labelled): "
            f"agreement {self.agreement:.3f}"
        )
        if self.regret is None:
            return text + "; no labels, so no accuracy"
        return (
            f"{text}, current accuracy {self.current_accuracy:.3f}, candidate accuracy "
            f"{self.candidate_accuracy:.3f}, regret {self.regret:+.3f}"
        )

    def summary(self) -> pd.DataFrame:
        """The numbers as a one-row table."""
        names = ["requests", "labelled", "agreement", "current_accuracy", "candidate_accuracy"]
        return pd.DataFrame([{name: getattr(self, name) for name in [*names, "regret"]}])


def shadow(requests: pd.DataFrame, current: Any, candidate: Any) -> ShadowReport:
    """Run ``candidate`` in shadow mode: it scores mirrored traffic, ``current`` is served.

    Examples
    --------
    >>> report = shadow(request_stream(1000, label_rate=0.2), ThresholdModel(),
    ...                 ThresholdModel(threshold=0.3))
    >>> report.labelled, round(report.agreement, 3), round(report.regret, 3)
    (203, 0.896, -0.039)
    """
    batch = features(requests)
    served = _predict(current, batch, "the current model")
    shadowed = _predict(candidate, batch, "the candidate model")
    labels, known = _labels(requests)
    log = pd.DataFrame(
        {
            REQUEST_ID: requests[REQUEST_ID].to_numpy(),
            LABEL: requests[LABEL].to_numpy() if LABEL in requests else pd.NA,
            "served": served,
            "shadow": shadowed,
            "agree": served == shadowed,
        }
    )
    accuracy = {}
    if known.any():
        accuracy = {
            "current": float(np.mean(served[known] == labels[known])),
            "candidate": float(np.mean(shadowed[known] == labels[known])),
        }
    return ShadowReport(
        requests=len(batch),
        labelled=int(known.sum()),
        agreement=float(np.mean(served == shadowed)),
        current_accuracy=accuracy.get("current"),
        candidate_accuracy=accuracy.get("candidate"),
        regret=accuracy["candidate"] - accuracy["current"] if accuracy else None,
        log=log,
    )


# --------------------------------------------------------------------------- canary, blue-green


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
    answers = _predict(model, features(requests), what)
    labels, known = _labels(requests)
    latency = _latencies(model, len(requests), rng)
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
    _check_requests(requests)
    guards = _check_guards(guards)
    stages = _check_stages(stages, len(requests))
    rng = np.random.default_rng(seed)
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


def _check_stages(stages: Sequence[float], n: int) -> list[float]:
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
    _check_requests(requests)
    guards = _check_guards(guards)
    window = count(window, "window", minimum=1)
    switch_at = count(switch_at, "switch_at")
    if switch_at >= len(requests):
        raise ValueError(
            f"switch_at must be a request position, below {len(requests)} (the number of "
            f"requests), but got {switch_at}: the switch would never happen"
        )
    rng = np.random.default_rng(seed)
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


# --------------------------------------------------------------------------- degrees of automation


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
