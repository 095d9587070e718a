"""A/B tests: the two-proportion z-test and its sample size, against scipy and a simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from mlep.deployment.rollout.abtest import ABTestResult, ab_test, sample_size


def _reference(x_a, n_a, x_b, n_b, confidence=0.95):
    p_a, p_b = x_a / n_a, x_b / n_b
    pooled = (x_a + x_b) / (n_a + n_b)
    z = (p_b - p_a) / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    half = norm.ppf(1 - (1 - confidence) / 2) * math.sqrt(
        p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b
    )
    return z, 2 * norm.sf(abs(z)), p_b - p_a - half, p_b - p_a + half


@pytest.mark.parametrize(
    "counts, confidence",
    [((100, 1000, 125, 1000), 0.95), ((30, 400, 21, 350), 0.9), ((512, 5000, 480, 4700), 0.99)],
)
def test_matches_scipy(counts, confidence):
    result = ab_test(*counts, confidence=confidence)
    z, p, low, high = _reference(*counts, confidence)
    assert result.z == pytest.approx(z, rel=1e-9)
    assert result.p_value == pytest.approx(p, rel=1e-7)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-7)


def test_matches_scipy_on_random_counts_including_tiny_p_values():
    """Lopsided groups give |z| up to ~30: p-values down to 1e-200 keep their digits."""
    rng = np.random.default_rng(0)
    for _ in range(300):
        n_a, n_b = (int(n) for n in rng.integers(1, 500, 2))
        x_a, x_b = int(rng.integers(0, n_a + 1)), int(rng.integers(0, n_b + 1))
        if x_a + x_b in (0, n_a + n_b):
            continue
        confidence = float(rng.choice([0.9, 0.95, 0.99]))
        result = ab_test(x_a, n_a, x_b, n_b, confidence=confidence)
        z, p, low, high = _reference(x_a, n_a, x_b, n_b, confidence)
        assert result.z == pytest.approx(z, rel=1e-9)
        assert result.p_value == pytest.approx(p, rel=1e-9, abs=0.0)
        assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-7, abs=1e-12)
    assert ab_test(326, 337, 36, 409).p_value == pytest.approx(2.1039725973582868e-126, rel=1e-9)


def test_the_worked_example_of_c4w3():
    result = ab_test(100, 1000, 125, 1000)
    assert isinstance(result, ABTestResult)
    assert round(result.z, 2) == 1.77 and round(result.p_value, 3) == 0.077
    assert result.lift == pytest.approx(0.025)
    assert not result.significant() and result.significant(alpha=0.1)
    assert result.ci_low < 0 < result.ci_high  # the interval agrees with the test


def test_swapping_groups_flips_the_sign_only():
    ab, ba = ab_test(100, 1000, 125, 1000), ab_test(125, 1000, 100, 1000)
    assert ba.z == pytest.approx(-ab.z) and ba.p_value == pytest.approx(ab.p_value)


def test_sample_size_matches_the_formula_with_scipy():
    p1, p2, alpha, power = 0.10, 0.12, 0.05, 0.8
    mean = (p1 + p2) / 2
    root = norm.ppf(1 - alpha / 2) * math.sqrt(2 * mean * (1 - mean)) + norm.ppf(power) * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    assert sample_size(p1, 0.02) == math.ceil(root**2 / 0.02**2)
    assert sample_size(0.10, -0.02) != sample_size(0.10, 0.02)  # the variance depends on p2
    assert sample_size(0.10, 0.01) > 3 * sample_size(0.10, 0.02)  # ~1/delta^2


def test_sample_size_gives_the_promised_power_and_false_positive_rate():
    rng = np.random.default_rng(0)
    n, trials = sample_size(0.10, 0.03), 4000
    a = rng.binomial(n, 0.10, trials)
    for rate_b, expected in [(0.13, 0.80), (0.10, 0.05)]:
        b = rng.binomial(n, rate_b, trials)
        rejected = np.mean([ab_test(int(x), n, int(y), n).p_value < 0.05 for x, y in zip(a, b)])
        assert abs(rejected - expected) < 0.03, (rate_b, rejected)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: ab_test(10, 0, 5, 10), ValueError, "users_a must be >= 1"),
        (lambda: ab_test(11, 10, 5, 10), ValueError, "conversions_a must be <= users_a"),
        (lambda: ab_test(1.5, 10, 5, 10), TypeError, "conversions_a must be an integer"),
        (lambda: ab_test(0, 10, 0, 10), ValueError, "some conversions"),
        (lambda: ab_test(1, 10, 5, 10, confidence=95), ValueError, "confidence must be"),
        (lambda: sample_size(0.1, 0), ValueError, "min_detectable_effect must be non-zero"),
        (lambda: sample_size(0.95, 0.1), ValueError, "strictly between 0 and 1"),
        (lambda: sample_size("0.1", 0.02), TypeError, "baseline must be a number"),
        (lambda: sample_size(0.1, 0.02, power=1), ValueError, "power must be"),
    ],
)
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
