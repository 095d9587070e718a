"""Bandits for model rollout: Thompson sampling loses less than an even split and finds the
best arm."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import beta as beta_distribution

from mlep.deployment.rollout.bandits import EpsilonGreedy, ThompsonSampling, Uniform, simulate

RATES = [0.10, 0.20, 0.30]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_thompson_regrets_less_than_uniform_and_converges(seed):
    uniform = simulate(Uniform(3, seed=seed), RATES, n=2000, seed=seed)
    thompson = simulate(ThompsonSampling(3, seed=seed), RATES, n=2000, seed=seed)
    # uniform: expected regret per request (0.2 + 0.1 + 0) / 3 = 0.1
    assert uniform["regret"].iloc[-1] == pytest.approx(200, rel=0.1)
    assert thompson["regret"].iloc[-1] < uniform["regret"].iloc[-1] / 3
    assert (thompson["arm"].iloc[-500:] == 2).mean() > 0.9  # the best arm, at the end


def test_epsilon_greedy_exploits_the_best_arm_and_explores_epsilon():
    run = simulate(EpsilonGreedy(3, epsilon=0.3, seed=0), RATES, n=3000, seed=0)
    late = run["arm"].iloc[-1000:]
    # a random arm with probability 0.3 (the best one a third of those times): 0.8 on arm 2
    assert (late == 2).mean() == pytest.approx(0.8, abs=0.05)
    assert (late == 0).mean() == pytest.approx(0.1, abs=0.04)
    greedy = simulate(EpsilonGreedy(3, epsilon=0.0, seed=0), RATES, n=300, seed=0)
    assert greedy["arm"].iloc[-100:].nunique() == 1  # pure exploitation never switches back


def test_regret_is_the_cumulative_gap_to_the_best_rate():
    run = simulate(Uniform(3, seed=4), RATES, n=500, seed=4)
    gaps = np.array([0.2, 0.1, 0.0])[run["arm"].to_numpy()]
    np.testing.assert_allclose(run["regret"], np.cumsum(gaps))
    assert list(run.columns) == ["step", "arm", "reward", "regret"]


def test_same_seed_same_stream_and_choices():
    first = simulate(ThompsonSampling(3, seed=7), RATES, n=300, seed=3)
    again = simulate(ThompsonSampling(3, seed=7), RATES, n=300, seed=3)
    assert first.equals(again)


def test_thompson_posterior_is_beta_of_successes_and_failures():
    policy = ThompsonSampling(2, seed=0)
    for reward in [1, 1, 0, 1]:
        policy.update(1, reward)
    np.testing.assert_array_equal(policy.posterior_(), [[1, 1], [4, 2]])
    # arm 1 is pulled when its Beta(4, 2) draw beats arm 0's uniform draw: P(U < X) = E[X]
    pulls = np.array([policy.pull() for _ in range(4000)])
    expected = beta_distribution(4, 2).mean()
    assert (pulls == 1).mean() == pytest.approx(expected, abs=0.03)


def test_update_keeps_counts_and_means():
    policy = EpsilonGreedy(2, seed=0).update(0, 1).update(0, 0).update(1, 1)
    assert policy.counts_.tolist() == [2, 1] and policy.means_.tolist() == [0.5, 1.0]


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: Uniform(1), ValueError, "n_arms must be >= 2"),
        (lambda: EpsilonGreedy(2, epsilon=1.5), ValueError, "epsilon must be a probability"),
        (lambda: EpsilonGreedy(2).update(2, 1), ValueError, "arm must be below n_arms"),
        (lambda: EpsilonGreedy(2).update(0, "1"), TypeError, "reward must be a number"),
        (lambda: ThompsonSampling(2).update(0, 0.5), ValueError, "reward must be 0 or 1"),
        (lambda: simulate(object(), RATES, n=10), TypeError, "policy must have pull"),
        (lambda: simulate(Uniform(3), [0.1], n=10), ValueError, "at least 2"),
        (lambda: simulate(Uniform(3), [0.1, 2, 0.3], n=10), ValueError, r"rates\[1\] must be"),
        (lambda: simulate(Uniform(3), RATES, n=0), ValueError, "n must be >= 1"),
        (lambda: simulate(Uniform(3), RATES[:2], n=50), ValueError, "policy pulled arm 2"),
    ],
)
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
