"""Scoping an ML project: is it feasible, what is it worth, and what does "done" mean?

Course 1 asks these questions before any data is collected. The calculators here answer
them with honest ranges and explicit targets:

- :mod:`mlep.scoping.estimates` — :class:`Estimate` ``(low, likely, high)`` with interval
  arithmetic, :func:`fermi` estimates and :func:`business_value` (ML metric → money).
- :mod:`mlep.scoping.milestones` — :class:`Milestone`: ML, software and business targets,
  checked against measurements in one table.
- :mod:`mlep.scoping.prioritize` — :func:`prioritize`: the gap-to-HLP × share-of-data table
  that says which slice of the data to improve next.

Every calculator rejects impossible input (NaN, negative counts, shares above 1, empty
tables) with a message saying what was expected and what was got; none returns NaN.

Examples
--------
>>> gain = business_value(Estimate(0.01, 0.02, 0.03), value_per_unit=200, volume=5_000)
>>> print(gain)
20000.0 (10000.0–30000.0)
"""

from mlep.scoping.estimates import (
    Estimate,
    EstimateLike,
    business_value,
    fermi,
    fermi_table,
    product,
)
from mlep.scoping.milestones import Milestone, guess_direction
from mlep.scoping.prioritize import prioritize

__all__ = [
    "Estimate",
    "EstimateLike",
    "Milestone",
    "business_value",
    "fermi",
    "fermi_table",
    "guess_direction",
    "prioritize",
    "product",
]
