"""Autoscaling a model service: Kubernetes' Horizontal Pod Autoscaler rule, on a load trace.

The HPA (C4W2, *Scaling infrastructure*) looks at a metric per replica — here CPU-like
utilisation = load / (replicas × capacity) — and sets

    desired = ceil(replicas × utilisation / target)

skipping changes within a ``tolerance`` of the target (default 10 %), clamped to
``[min_replicas, max_replicas]``; it scales *down* only to the highest recommendation of the
last ``scale_down_stabilization`` steps, so a dip does not throw replicas away that the next
peak needs. New replicas take ``startup_steps`` to become ready. :func:`simulate` replays a load
trace and reports replicas, utilisation and the requests that found no capacity.

Examples
--------
>>> trace = [100] * 5 + [400] * 10 + [100] * 10
>>> steps = simulate(trace, HPA(target_utilization=0.6, min_replicas=1, max_replicas=10),
...                  capacity_per_replica=100)
>>> int(steps["replicas"].max()), int(steps["replicas"].iloc[-1])
(7, 2)
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mlep._checks import (
    count,
    finite_frame,
    frame,
    instance,
    non_negative,
    numbers_array,
    positive,
    probability,
    real,
)

__all__ = ["HPA", "plot_simulation", "simulate"]


@dataclass
class HPA:
    """The Horizontal Pod Autoscaler's rule (``autoscaling/v2`` defaults where they exist)."""

    target_utilization: float = 0.7
    min_replicas: int = 1
    max_replicas: int = 10
    tolerance: float = 0.1
    scale_down_stabilization: int = 5  # steps (Kubernetes: 300 s)
    history_: deque = field(default_factory=deque, init=False, repr=False)

    def __post_init__(self):
        probability(self.target_utilization, "target_utilization")
        if self.target_utilization == 0:
            raise ValueError("target_utilization must be above 0")
        count(self.min_replicas, "min_replicas", minimum=1)
        if count(self.max_replicas, "max_replicas", minimum=1) < self.min_replicas:
            raise ValueError(
                f"max_replicas ({self.max_replicas}) is below min_replicas ({self.min_replicas})"
            )
        non_negative(self.tolerance, "tolerance")
        count(self.scale_down_stabilization, "scale_down_stabilization", minimum=1)
        self.history_ = deque(maxlen=self.scale_down_stabilization)

    def desired(self, replicas: int, utilization: float) -> int:
        """Replicas to run next, given the current replicas and their mean utilisation."""
        replicas = count(replicas, "replicas", minimum=1)
        utilization = non_negative(utilization, "utilization")
        ratio = utilization / self.target_utilization
        wanted = replicas if abs(ratio - 1) <= self.tolerance else math.ceil(replicas * ratio)
        wanted = min(max(wanted, self.min_replicas), self.max_replicas)
        self.history_.append(wanted)
        if wanted < replicas:  # scale down only as far as every recent recommendation allows,
            # never up: Kubernetes clamps the current count into [desired, max of the window]
            wanted = min(replicas, max(self.history_))
        return min(wanted, self.max_replicas)


def simulate(
    load: Sequence[float],
    autoscaler: HPA,
    *,
    capacity_per_replica: float,
    startup_steps: int = 1,
    initial_replicas: int | None = None,
) -> pd.DataFrame:
    """Replay ``load`` (requests per step) under ``autoscaler``.

    Returns one row per step: ``step, load, replicas`` (ready), ``utilization`` (capped at 1),
    ``served``, ``dropped`` (load beyond the ready capacity) and ``desired``.

    Parameters
    ----------
    load : sequence of float
        Requests arriving at each step.
    autoscaler : HPA
        The autoscaler's settings.
    capacity_per_replica : float
        Requests one ready replica serves per step.
    startup_steps : int, default 1
        Steps a new replica takes before it serves.
    initial_replicas : int, optional
        Replicas ready at step 0 (the autoscaler's minimum by default).
    """
    load = numbers_array(load, "load")
    if (load < 0).any():
        raise ValueError("load must not be negative")
    instance(autoscaler, HPA, "autoscaler", "an HPA (mlep.deployment.autoscaling.HPA)")
    if real(capacity_per_replica, "capacity_per_replica") <= 0:
        raise ValueError(f"capacity_per_replica must be positive, but got {capacity_per_replica}")
    count(startup_steps, "startup_steps")
    if initial_replicas is not None:
        count(initial_replicas, "initial_replicas", minimum=1)
    ready = initial_replicas or autoscaler.min_replicas
    pending: deque[tuple[int, int]] = deque()  # (step when ready, replicas)
    rows = []
    for step, requests in enumerate(load):
        while pending and pending[0][0] <= step:
            ready += pending.popleft()[1]
        capacity = ready * capacity_per_replica
        utilization = requests / capacity
        desired = autoscaler.desired(ready + sum(n for _, n in pending), utilization)
        rows.append(
            {
                "step": step,
                "load": float(requests),
                "replicas": ready,
                "utilization": float(min(utilization, 1.0)),
                "served": float(min(requests, capacity)),
                "dropped": float(max(requests - capacity, 0.0)),
                "desired": desired,
            }
        )
        starting = sum(n for _, n in pending)
        if desired > ready + starting:
            pending.append((step + startup_steps, desired - ready - starting))
        elif desired < ready:
            ready = desired  # removing replicas takes effect at the next step
    return pd.DataFrame(rows)


def plot_simulation(steps: pd.DataFrame, *, capacity_per_replica: float):
    """Load against ready capacity, with dropped requests shaded.

    Parameters
    ----------
    steps : pandas.DataFrame
        The table :func:`simulate` returns.
    capacity_per_replica : float
        Requests one ready replica serves per step.
    """
    import matplotlib.pyplot as plt

    columns = ("step", "load", "replicas", "dropped")
    frame(steps, "steps (the table simulate() returns)", columns=columns)
    finite_frame(steps, "steps", columns=columns)
    positive(capacity_per_replica, "capacity_per_replica")
    figure, axes = plt.subplots(figsize=(7, 3.8))
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    capacity = steps["replicas"] * capacity_per_replica
    axes.plot(steps["step"], steps["load"], label="load", color="#1f77b4")
    axes.step(steps["step"], capacity, where="post", label="ready capacity", color="#2ca02c")
    over = np.asarray(steps["dropped"] > 0)
    axes.fill_between(
        steps["step"],
        capacity,
        steps["load"],
        where=over,
        color="#d62728",
        alpha=0.3,
        label="dropped",
        step="post",
    )
    axes.set(xlabel="step", ylabel="requests per step", title="Autoscaling on a load trace")
    axes.legend()
    figure.tight_layout()
    return figure
