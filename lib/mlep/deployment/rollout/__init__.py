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

One module per pattern: :mod:`~mlep.deployment.rollout.stream` (requests, models, routing),
:mod:`~mlep.deployment.rollout.shadow`, :mod:`~mlep.deployment.rollout.canary` (canary and
blue-green) and :mod:`~mlep.deployment.rollout.automation`; every public name is re-exported
here.

Routing is by a stable hash of ``(seed, request_id)``: a request always goes to the same
model at a given traffic share, and a request sent to the candidate at 5% is still sent to it
at 25% (the share grows, nobody flips back and forth).

Examples
--------
>>> requests = request_stream(5000, seed=0)
>>> current, candidate = ThresholdModel(), NoisyModel(ThresholdModel(), flip_rate=0.3)
>>> report = shadow(requests, current, candidate)
>>> print(report)  # doctest: +NORMALIZE_WHITESPACE
shadow mode on 5000 requests (5000 labelled): agreement 0.700, current accuracy 0.811,
candidate accuracy 0.628, regret -0.183
>>> result = canary(requests, current, candidate, guards={"error_rate": 0.25})
>>> result.decision
'rollback'
>>> result.log[["stage", "percent", "to_candidate", "error_rate", "action"]]
   stage  percent  to_candidate  error_rate    action
0      1        1             8       0.125  continue
1      2        5            45       0.378  rollback
"""

from mlep.deployment.rollout.automation import (
    AUTOMATION_DEGREES,
    TRADEOFF_COLUMNS,
    automation_tradeoff,
    choose_threshold,
    plot_automation_tradeoff,
)
from mlep.deployment.rollout.canary import (
    GUARD_METRICS,
    LOG_COLUMNS,
    RolloutResult,
    blue_green,
    canary,
)
from mlep.deployment.rollout.shadow import ShadowReport, shadow
from mlep.deployment.rollout.stream import (
    DEFAULT_LATENCY_MS,
    LABEL,
    LATENCY_SIGMA,
    REQUEST_ID,
    LinearModel,
    NoisyModel,
    ThresholdModel,
    concept_shift,
    features,
    request_stream,
    route,
)

__all__ = [
    "AUTOMATION_DEGREES",
    "DEFAULT_LATENCY_MS",
    "GUARD_METRICS",
    "LABEL",
    "LATENCY_SIGMA",
    "LOG_COLUMNS",
    "REQUEST_ID",
    "TRADEOFF_COLUMNS",
    "LinearModel",
    "NoisyModel",
    "RolloutResult",
    "ShadowReport",
    "ThresholdModel",
    "automation_tradeoff",
    "concept_shift",
    "blue_green",
    "canary",
    "choose_threshold",
    "features",
    "plot_automation_tradeoff",
    "request_stream",
    "route",
    "shadow",
]
