"""Fermi estimates with ranges: back-of-the-envelope numbers that carry their uncertainty.

Scoping asks "is this project worth doing?" before any data is collected. The honest answer
is a range, so every quantity here is an :class:`Estimate` ``(low, likely, high)``, and
arithmetic propagates the range by interval arithmetic: the low and high of a result are the
smallest and largest values the operation can take over the input ranges, and the likely
value is the operation applied to the likely values.

Examples
--------
The yearly value of a defect-detection model: parts inspected per year × share of parts with
a defect × cost of a defect that escapes × the recall the model adds.

>>> value = fermi(
...     parts_per_year=Estimate(2_000_000, 2_500_000, 3_000_000),
...     defect_rate=Estimate(0.001, 0.002, 0.004),
...     cost_per_escape=Estimate(50, 120, 300),
...     recall_gain=Estimate(0.02, 0.05, 0.10),
... )
>>> print(value)
30000.0 (2000.0–360000.0)
>>> print(f"{value:,.0f} $/year")  # a format spec applies to all three numbers
30,000 (2,000–360,000) $/year
>>> Estimate(1, 2, 3) - Estimate(0, 1, 5)
Estimate(low=-4.0, likely=1.0, high=3.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

from mlep._checks import real

__all__ = ["Estimate", "EstimateLike", "business_value", "fermi", "fermi_table", "product"]


@dataclass(frozen=True)
class Estimate:
    """A quantity known only as a range: ``low <= likely <= high``, all finite.

    Combine Estimates (and plain numbers) with ``+ - * /``; the result is again an Estimate.
    Dividing by an Estimate whose range includes 0 raises :class:`ZeroDivisionError`.

    Examples
    --------
    >>> rate = Estimate(0.01, 0.02, 0.05)
    >>> print(rate * 1000)
    20.0 (10.0–50.0)
    >>> print(Estimate(-2, 1, 3) * Estimate(-1, 2, 4))
    2.0 (-8.0–12.0)
    >>> print(100 / Estimate(2, 4, 5))
    25.0 (20.0–50.0)
    >>> print(Estimate.point(7))
    7.0
    >>> Estimate(20, 12, 8)
    Traceback (most recent call last):
    ...
    ValueError: an Estimate needs low <= likely <= high, but got low=20.0, likely=12.0, high=8.0
    """

    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "likely", "high"):
            object.__setattr__(self, name, real(getattr(self, name), f"Estimate {name}"))
        if not self.low <= self.likely <= self.high:
            raise ValueError(
                "an Estimate needs low <= likely <= high, but got "
                f"low={self.low}, likely={self.likely}, high={self.high}"
            )

    # ---------------------------------------------------------------- constructors

    @classmethod
    def point(cls, value: float) -> Estimate:
        """An exactly known value: ``low == likely == high``."""
        return cls(value, value, value)

    @classmethod
    def between(cls, low: float, high: float) -> Estimate:
        """A range with its Fermi-style middle as the likely value.

        The likely value is the geometric mean when both ends are positive (the middle of an
        order-of-magnitude range), else the midpoint.

        Examples
        --------
        >>> print(Estimate.between(100, 10_000))
        1000.0 (100.0–10000.0)
        >>> print(Estimate.between(-1, 3))
        1.0 (-1.0–3.0)
        """
        low, high = real(low, "low"), real(high, "high")
        if low > high:
            raise ValueError(f"Estimate.between needs low <= high, but got low={low}, high={high}")
        likely = math.sqrt(low) * math.sqrt(high) if low > 0 else (low + high) / 2
        return cls(low, min(max(likely, low), high), high)

    @classmethod
    def coerce(cls, value: EstimateLike, what: str = "value") -> Estimate:
        """``value`` as an Estimate: an Estimate, a number, or a ``(low, likely, high)`` tuple."""
        if isinstance(value, Estimate):
            return value
        if isinstance(value, tuple | list):
            if len(value) != 3:
                raise ValueError(
                    f"{what} as a tuple must be (low, likely, high), but got {len(value)} "
                    f"values: {value!r}"
                )
            low, likely, high = (real(v, f"{what} {n}") for v, n in zip(value, _ENDS))
            try:
                return cls(low, likely, high)
            except ValueError as error:
                raise ValueError(f"{what}: {error}") from None
        return cls.point(real(value, what))

    # ---------------------------------------------------------------- views

    @property
    def is_point(self) -> bool:
        """True when the range has no width."""
        return self.low == self.high

    def __str__(self) -> str:
        return self.__format__("")

    def __format__(self, spec: str) -> str:
        def fmt(x: float) -> str:
            return repr(float(f"{x:.6g}")) if not spec else format(x, spec)

        if self.is_point:
            return fmt(self.likely)
        return f"{fmt(self.likely)} ({fmt(self.low)}–{fmt(self.high)})"

    # ---------------------------------------------------------------- arithmetic

    def _apply(self, other, symbol: str, op: Callable[[Estimate, Estimate], Estimate], swap=False):
        if isinstance(other, bool) or not isinstance(other, Estimate | numbers.Real):
            return NotImplemented
        other = Estimate.coerce(other, "the other operand")
        left, right = (other, self) if swap else (self, other)
        try:
            return op(left, right)
        except ValueError:  # a finite input overflowed to inf
            raise ValueError(
                f"({left}) {symbol} ({right}) is too large to represent as a finite number"
            ) from None

    def __add__(self, other):
        return self._apply(other, "+", _add)

    def __radd__(self, other):
        return self._apply(other, "+", _add, swap=True)

    def __sub__(self, other):
        return self._apply(other, "-", _sub)

    def __rsub__(self, other):
        return self._apply(other, "-", _sub, swap=True)

    def __mul__(self, other):
        return self._apply(other, "*", _mul)

    def __rmul__(self, other):
        return self._apply(other, "*", _mul, swap=True)

    def __truediv__(self, other):
        return self._apply(other, "/", _div)

    def __rtruediv__(self, other):
        return self._apply(other, "/", _div, swap=True)

    def __neg__(self) -> Estimate:
        return Estimate(-self.high, -self.likely, -self.low)


EstimateLike = Estimate | float | tuple[float, float, float]
_ENDS = ("low", "likely", "high")


def _add(a: Estimate, b: Estimate) -> Estimate:
    return Estimate(a.low + b.low, a.likely + b.likely, a.high + b.high)


def _sub(a: Estimate, b: Estimate) -> Estimate:
    return Estimate(a.low - b.high, a.likely - b.likely, a.high - b.low)


def _mul(a: Estimate, b: Estimate) -> Estimate:
    corners = [x * y for x in (a.low, a.high) for y in (b.low, b.high)]
    return Estimate(min(corners), a.likely * b.likely, max(corners))


def _div(a: Estimate, b: Estimate) -> Estimate:
    if b.low <= 0 <= b.high:
        raise ZeroDivisionError(f"cannot divide by {b}: its range includes 0")
    corners = [x / y for x in (a.low, a.high) for y in (b.low, b.high)]
    return Estimate(min(corners), a.likely / b.likely, max(corners))


def product(*factors: EstimateLike) -> Estimate:
    """The product of Estimates, numbers or ``(low, likely, high)`` tuples.

    Parameters
    ----------
    *factors : Estimate, number or (low, likely, high) tuple
        What to multiply.

    Examples
    --------
    >>> print(product(Estimate(1, 2, 3), 10, (0.5, 1, 2)))
    20.0 (5.0–60.0)
    """
    if not factors:
        raise ValueError("product needs at least one factor, but got none")
    result = Estimate.point(1)
    for position, factor in enumerate(factors, start=1):
        result = result * Estimate.coerce(factor, f"factor {position}")
    return result


def fermi(**factors: EstimateLike) -> Estimate:
    """A Fermi estimate: the product of named factors (Estimates, numbers or 3-tuples).

    Naming the factors documents the reasoning and lets errors point at the bad one.

    Parameters
    ----------
    **factors : Estimate, number or (low, likely, high) tuple
        The named factors to multiply.

    Examples
    --------
    >>> print(fermi(calls_per_day=(800, 1_000, 1_500), minutes_saved=Estimate(1, 2, 4)))
    2000.0 (800.0–6000.0)
    >>> fermi(calls_per_day=1_000, minutes_saved=float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: minutes_saved must be a finite number, but got nan
    """
    if not factors:
        raise ValueError(
            "fermi needs at least one named factor, e.g. fermi(parts_per_day=10_000, "
            "defect_rate=(0.001, 0.002, 0.004)), but got none"
        )
    result = Estimate.point(1)
    for name, factor in factors.items():
        result = result * Estimate.coerce(factor, name)
    return result


def fermi_table(**factors: EstimateLike):
    """The working of :func:`fermi` as a table: one row per factor, then the product.

    Parameters
    ----------
    **factors : Estimate, number or (low, likely, high) tuple
        The named factors to multiply.

    Examples
    --------
    >>> fermi_table(calls_per_day=(800, 1_000, 1_500), minutes_saved=Estimate(1, 2, 4))
                     low  likely    high
    calls_per_day  800.0  1000.0  1500.0
    minutes_saved    1.0     2.0     4.0
    product        800.0  2000.0  6000.0
    """
    import pandas as pd

    total = fermi(**factors)
    rows = {name: Estimate.coerce(value, name) for name, value in factors.items()}
    rows["product"] = total
    table = pd.DataFrame(
        [(e.low, e.likely, e.high) for e in rows.values()], index=list(rows), columns=_ENDS
    )
    return table


def business_value(
    metric_gain: EstimateLike, value_per_unit: EstimateLike, volume: EstimateLike
) -> Estimate | float:
    """Map an ML metric improvement to a business quantity: ``gain × value per unit × volume``.

    Parameters
    ----------
    metric_gain
        Change in a rate-type ML metric as a fraction between -1 and 1: ``0.02`` means
        "+2 points of recall".
    value_per_unit
        What one unit the metric counts is worth, e.g. the cost of one escaped defect.
    volume
        How many units per period, e.g. defects per year; must not be negative.

    Returns
    -------
    Estimate or float
        A float when all three inputs are plain numbers, else an :class:`Estimate`.

    Examples
    --------
    +2 points of recall (somewhere between 1 and 3) on 5,000 defects a year, each escape
    costing about $200:

    >>> print(business_value(Estimate(0.01, 0.02, 0.03), Estimate(100, 200, 500), 5_000))
    20000.0 (5000.0–75000.0)
    >>> business_value(0.02, 200, 5_000)
    20000.0
    >>> business_value(2, 200, 5_000)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: metric_gain is a change in a rate such as recall, so it must lie between -1 and 1
    (0.02 means +2 points), but got 2.0
    """
    inputs = {"metric_gain": metric_gain, "value_per_unit": value_per_unit, "volume": volume}
    gain, value, count = (Estimate.coerce(v, name) for name, v in inputs.items())
    if gain.low < -1 or gain.high > 1:
        raise ValueError(
            "metric_gain is a change in a rate such as recall, so it must lie between -1 and 1 "
            f"(0.02 means +2 points), but got {gain}"
        )
    if count.low < 0:
        raise ValueError(f"volume is a count per period and cannot be negative, but got {count}")
    result = gain * value * count
    if any(isinstance(v, Estimate | tuple | list) for v in inputs.values()):
        return result
    return result.likely
