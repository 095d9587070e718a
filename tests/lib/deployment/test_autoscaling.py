"""The HPA rule and its simulation on load traces."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlep.deployment.autoscaling import HPA, plot_simulation, simulate


def test_the_rule_is_kubernetes_formula_with_tolerance_and_bounds():
    hpa = HPA(target_utilization=0.5, min_replicas=2, max_replicas=8, scale_down_stabilization=1)
    assert hpa.desired(4, 0.75) == math.ceil(4 * 0.75 / 0.5)  # 6
    assert hpa.desired(4, 0.52) == 4  # within 10 % of the target: no change
    assert hpa.desired(4, 2.0) == 8  # capped at max_replicas
    assert hpa.desired(4, 0.05) == 2  # floored at min_replicas


def test_scale_down_waits_for_the_stabilization_window():
    hpa = HPA(target_utilization=0.5, max_replicas=20, scale_down_stabilization=3)
    assert hpa.desired(10, 0.5) == 10
    assert hpa.desired(10, 0.1) == 10  # the window still remembers "10"
    assert hpa.desired(10, 0.1) == 10
    assert hpa.desired(10, 0.1) == 2  # three low recommendations in a row


def test_a_spike_drops_requests_only_until_new_replicas_are_ready():
    trace = [100] * 10 + [500] * 20 + [100] * 20
    fast = simulate(
        trace,
        HPA(target_utilization=0.7, max_replicas=20),
        capacity_per_replica=100,
        startup_steps=1,
    )
    slow = simulate(
        trace,
        HPA(target_utilization=0.7, max_replicas=20),
        capacity_per_replica=100,
        startup_steps=4,
    )
    assert fast["dropped"].sum() < slow["dropped"].sum()
    assert (fast.loc[12:29, "dropped"] == 0).all()
    assert fast.loc[12:29, "utilization"].max() <= 0.7 + 0.07  # settles near the target
    assert fast["replicas"].iloc[-1] < fast["replicas"].max()  # and scales back down
    served = fast["served"] + fast["dropped"]
    np.testing.assert_allclose(served, trace)  # nothing is lost from the accounting


def test_a_capped_autoscaler_drops_what_it_cannot_serve():
    steps = simulate([1000] * 10, HPA(max_replicas=3), capacity_per_replica=100)
    assert steps["dropped"].iloc[-1] == 700 and steps["replicas"].max() == 3
    assert plot_simulation(steps, capacity_per_replica=100).axes


def test_impossible_settings_are_refused():
    with pytest.raises(ValueError, match="max_replicas \\(1\\) is below min_replicas \\(2\\)"):
        HPA(min_replicas=2, max_replicas=1)
    with pytest.raises(ValueError, match="target_utilization must be above 0"):
        HPA(target_utilization=0)
    with pytest.raises(ValueError, match="load must not be negative"):
        simulate([10, -1], HPA(), capacity_per_replica=10)
    with pytest.raises(ValueError, match="load is empty"):
        simulate([], HPA(), capacity_per_replica=10)
    with pytest.raises(ValueError, match="capacity_per_replica must be positive"):
        simulate([10], HPA(), capacity_per_replica=0)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: simulate([10.0], "HPA", capacity_per_replica=10),
            TypeError,
            "autoscaler must be an HPA",
        ),
        (
            lambda: simulate([10.0], HPA(), capacity_per_replica=float("inf")),
            ValueError,
            "capacity_per_replica",
        ),
        (
            lambda: simulate([10.0], HPA(), capacity_per_replica=True),
            TypeError,
            "capacity_per_replica",
        ),
        (
            lambda: simulate([10.0], HPA(), capacity_per_replica=10, initial_replicas=0),
            ValueError,
            "initial_replicas",
        ),
        (
            lambda: simulate([10.0], HPA(), capacity_per_replica=10, initial_replicas=True),
            TypeError,
            "initial_replicas",
        ),
        (lambda: HPA().desired(0, 0.5), ValueError, "replicas must be >= 1"),
        (lambda: HPA().desired(2, float("inf")), ValueError, "utilization"),
        (lambda: HPA().desired(2, -0.5), ValueError, "utilization"),
        (lambda: HPA().desired(True, 0.5), TypeError, "replicas"),
    ],
)
def test_second_arguments_are_refused_before_any_step(call, error, message):
    with pytest.raises(error, match=message):
        call()


def _kubernetes_reference(replicas, utilization, hpa, window):
    """k8s ``replica_calculator`` + ``stabilizeRecommendation`` (scale-up window 0)."""
    ratio = utilization / hpa.target_utilization
    wanted = replicas if abs(1 - ratio) <= hpa.tolerance else math.ceil(ratio * replicas)
    wanted = min(max(wanted, hpa.min_replicas), hpa.max_replicas)
    window.append(wanted)
    down = max(window[-hpa.scale_down_stabilization :])
    return min(max(replicas, wanted), down)


def test_desired_matches_kubernetes_stabilization_on_random_readings():
    """A low reading after a high one never scales *up* past the current replicas."""
    rng = np.random.default_rng(0)
    for _ in range(50):
        hpa = HPA(
            target_utilization=float(rng.uniform(0.3, 0.9)),
            max_replicas=int(rng.integers(3, 15)),
            scale_down_stabilization=int(rng.integers(1, 6)),
        )
        window: list[int] = []
        for _ in range(30):
            replicas = int(rng.integers(1, 20))
            utilization = float(rng.choice([rng.uniform(0, 2), hpa.target_utilization]))
            expected = _kubernetes_reference(replicas, utilization, hpa, window)
            assert hpa.desired(replicas, utilization) == min(expected, hpa.max_replicas)
    hpa = HPA(target_utilization=0.5, max_replicas=10, scale_down_stabilization=3)
    assert hpa.desired(10, 1.0) == 10
    assert hpa.desired(3, 0.1) == 3  # the window remembers 10, but 3 are running: keep 3
