"""A/B tests of two models on a conversion rate: the two-proportion z-test (C4W3).

Users are split at random between model A and model B; each group's *conversion rate* is the
share of its users who did the thing the business cares about (clicked, bought, came back).
:func:`ab_test` asks whether B's rate differs from A's by more than chance: it pools the two
groups under the null hypothesis "same rate" to get the standard error of the difference
(``x`` conversions out of ``n`` users per group, ``p_A = x_A / n_A``):

    z = (p_B - p_A) / sqrt(p (1 - p) (1/n_A + 1/n_B)),   p = (x_A + x_B) / (n_A + n_B)

and reads the p-value off the standard normal distribution. The confidence interval for the
lift ``p_B - p_A`` uses the unpooled (Wald) standard error, as the textbook does.
:func:`sample_size` fixes the number of users per group *before* the test, for a minimum
detectable effect, a significance level and a power — stopping early when B "looks better"
inflates the false-positive rate.

Only the standard library is used (``statistics.NormalDist``); the tests check the numbers
against ``scipy.stats.norm``.

Examples
--------
>>> result = ab_test(100, 1000, 125, 1000)
>>> print(result)  # doctest: +NORMALIZE_WHITESPACE
A 10.00% (100/1000), B 12.50% (125/1000): lift +2.50 points, z = 1.77, p = 0.077,
95% CI [-0.27, +5.27] points
>>> result.significant()
False
>>> sample_size(0.10, 0.025)
2507
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from mlep._checks import count, real

__all__ = ["ABTestResult", "ab_test", "sample_size"]

_NORMAL = NormalDist()


def _open_probability(value, what: str) -> float:
    number = real(value, what)
    if not 0 < number < 1:
        raise ValueError(f"{what} must be a probability strictly between 0 and 1, but got {number}")
    return number


@dataclass(frozen=True)
class ABTestResult:
    """The outcome of a two-proportion z-test (B against A).

    Parameters
    ----------
    conversions_a, users_a, conversions_b, users_b : int
        The counts the test was run on.
    lift : float
        ``rate_b - rate_a`` (a difference of proportions, not a ratio).
    z : float
        The test statistic (pooled standard error).
    p_value : float
        Two-sided p-value.
    ci_low, ci_high : float
        Confidence interval for the lift (unpooled standard error).
    confidence : float
        Level of the interval, e.g. 0.95.
    """

    conversions_a: int
    users_a: int
    conversions_b: int
    users_b: int
    lift: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    confidence: float

    @property
    def rate_a(self) -> float:
        """A's conversion rate."""
        return self.conversions_a / self.users_a

    @property
    def rate_b(self) -> float:
        """B's conversion rate."""
        return self.conversions_b / self.users_b

    def significant(self, alpha: float | None = None) -> bool:
        """Whether ``p_value < alpha`` (``alpha`` defaults to ``1 - confidence``).

        Parameters
        ----------
        alpha : float, optional
            Significance level, between 0 and 1.

        Returns
        -------
        bool
        """
        level = 1 - self.confidence if alpha is None else _open_probability(alpha, "alpha")
        return self.p_value < level

    def __str__(self) -> str:
        return (
            f"A {self.rate_a:.2%} ({self.conversions_a}/{self.users_a}), "
            f"B {self.rate_b:.2%} ({self.conversions_b}/{self.users_b}): "
            f"lift {100 * self.lift:+.2f} points, z = {self.z:.2f}, p = {self.p_value:.3f}, "
            f"{self.confidence:.0%} CI [{100 * self.ci_low:+.2f}, {100 * self.ci_high:+.2f}] points"
        )


def _group(conversions, users, name: str) -> tuple[int, int]:
    users = count(users, f"users_{name}", minimum=1)
    conversions = count(conversions, f"conversions_{name}")
    if conversions > users:
        raise ValueError(
            f"conversions_{name} must be <= users_{name} ({users}), but got {conversions}"
        )
    return conversions, users


def ab_test(
    conversions_a: int,
    users_a: int,
    conversions_b: int,
    users_b: int,
    *,
    confidence: float = 0.95,
) -> ABTestResult:
    """Two-sided two-proportion z-test of B's conversion rate against A's.

    Parameters
    ----------
    conversions_a, users_a : int
        Converted users and users in group A (the current model).
    conversions_b, users_b : int
        The same for group B (the candidate).
    confidence : float, default 0.95
        Level of the confidence interval for the lift, strictly between 0 and 1.

    Returns
    -------
    ABTestResult
        Lift, z, two-sided p-value and confidence interval.

    Raises
    ------
    ValueError
        When a group has no users, more conversions than users, or both groups convert
        all or none of their users (the pooled standard error is zero).

    Examples
    --------
    >>> result = ab_test(100, 1000, 125, 1000)
    >>> round(result.z, 3), round(result.p_value, 4)
    (1.769, 0.0769)
    >>> ab_test(200, 2000, 250, 2000).significant()
    True
    """
    x_a, n_a = _group(conversions_a, users_a, "a")
    x_b, n_b = _group(conversions_b, users_b, "b")
    level = _open_probability(confidence, "confidence")
    pooled = (x_a + x_b) / (n_a + n_b)
    if pooled in (0.0, 1.0):
        raise ValueError(
            "the two groups together must have some conversions and some non-conversions, but got "
            f"{x_a + x_b} of {n_a + n_b}: the rates cannot be compared"
        )
    p_a, p_b = x_a / n_a, x_b / n_b
    lift = p_b - p_a
    z = lift / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    # 2 * Phi(-|z|) as erfc: NormalDist.cdf computes 1 + erf(...), which cancels to 0
    # for |z| > ~8.3 and loses digits well before (p = 2e-126 came out as 0.0)
    p_value = math.erfc(abs(z) / math.sqrt(2))
    half = _NORMAL.inv_cdf(0.5 + level / 2) * math.sqrt(
        p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b
    )
    return ABTestResult(x_a, n_a, x_b, n_b, lift, z, p_value, lift - half, lift + half, level)


def sample_size(
    baseline: float, min_detectable_effect: float, *, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Users per group for a two-sided two-proportion z-test to detect a given lift.

    The classical formula (Fleiss et al., *Statistical Methods for Rates and Proportions*,
    without continuity correction), for rates ``p1`` (baseline) and ``p2 = p1 + delta``,
    ``m = (p1 + p2) / 2``, and standard normal quantiles ``z(q)``:

        n = (z(1 - alpha/2) sqrt(2 m (1 - m)) + z(power) sqrt(p1 (1 - p1) + p2 (1 - p2)))² / delta²

    rounded up.

    Parameters
    ----------
    baseline : float
        The current model's conversion rate, strictly between 0 and 1.
    min_detectable_effect : float
        The smallest absolute lift worth detecting (0.02 = 2 points); may be negative, and
        ``baseline + min_detectable_effect`` must stay strictly between 0 and 1.
    alpha : float, default 0.05
        Significance level (false-positive rate) of the two-sided test.
    power : float, default 0.8
        Chance of detecting a true lift of ``min_detectable_effect`` (1 - false-negative rate).

    Returns
    -------
    int
        Users in *each* group.

    Examples
    --------
    >>> sample_size(0.10, 0.02)
    3841
    >>> sample_size(0.10, 0.02, power=0.9)
    5142
    """
    p1 = _open_probability(baseline, "baseline")
    delta = real(min_detectable_effect, "min_detectable_effect")
    if delta == 0:
        raise ValueError("min_detectable_effect must be non-zero, but got 0")
    p2 = p1 + delta
    if not 0 < p2 < 1:
        raise ValueError(
            "baseline + min_detectable_effect must be strictly between 0 and 1, but got "
            f"{p1} + {delta} = {p2}"
        )
    z_alpha = _NORMAL.inv_cdf(1 - _open_probability(alpha, "alpha") / 2)
    z_beta = _NORMAL.inv_cdf(_open_probability(power, "power"))
    mean = (p1 + p2) / 2
    root = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_beta * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(root**2 / delta**2)
