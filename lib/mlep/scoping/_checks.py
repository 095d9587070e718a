"""Input checks shared by the scoping calculators: say what was expected and what was got."""

from __future__ import annotations

import math
import numbers


def real(value, what: str) -> float:
    """``value`` as a finite float; :class:`TypeError` / :class:`ValueError` name ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a number, but got a {type(value).__name__}: {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, but got {number}")
    return number
