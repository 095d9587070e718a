"""Shared pieces of the dataset generators: a seeded random generator and a weighted draw."""

from __future__ import annotations

import numpy as np

from mlep._checks import seeded_rng  # the shared home; re-exported for the generators

__all__ = ["seeded_rng", "weighted_choice"]


def weighted_choice(rng: np.random.Generator, values, size: int, weights) -> np.ndarray:
    """Draw ``size`` items of ``values`` with probabilities proportional to ``weights``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Where the randomness comes from.
    values : sequence
        The items to draw from (kept as Python objects: strings stay strings).
    size : int
        How many items to draw.
    weights : sequence of float
        One non-negative weight per item; they need not sum to 1.

    Returns
    -------
    numpy.ndarray
        ``size`` items, dtype ``object``.

    Examples
    --------
    >>> weighted_choice(np.random.default_rng(0), ["a", "b"], 3, [1, 0]).tolist()
    ['a', 'a', 'a']
    """
    weights = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(values, dtype=object), size=size, p=weights / weights.sum())
