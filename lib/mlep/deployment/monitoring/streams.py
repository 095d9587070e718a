"""Seeded streams with known change points, to test drift detectors against the truth.

Two kinds of stream, chosen with ``kind``:

- ``"real"``: a real-valued signal (a feature, a score, a latency): ``mean + scale * noise``
  with standard normal noise. ``before`` and ``after`` are the means.
- ``"binary"``: an error stream, 1 where the model was wrong, 0 where it was right.
  ``before`` and ``after`` are error probabilities.

Two shapes of change:

- :func:`abrupt_stream`: the concept switches at one index, ``change_at``.
- :func:`gradual_stream`: from ``start`` to ``start + width`` each point comes from the new
  concept with a probability that rises linearly from 0 to 1 (MOA's and river's "gradual"
  drift: old and new concept interleave). For a binary stream this is the same as an error
  probability sliding linearly from ``before`` to ``after``.

The same ``seed`` gives the same noise, so a stationary stream (``before == after``) and a
drifting one differ only by the change itself.

Examples
--------
>>> abrupt_stream(8, change_at=4, before=0.0, after=5.0, scale=0.1, seed=1).round(1).tolist()
[0.0, 0.1, 0.0, -0.1, 5.1, 5.0, 4.9, 5.1]
>>> abrupt_stream(10, change_at=5, before=0.2, after=0.8, kind="binary", seed=0).tolist()
[0, 0, 1, 1, 0, 0, 1, 1, 1, 0]
"""

from __future__ import annotations

import numpy as np

from mlep._checks import count, non_negative, probability, real, seeded_rng

__all__ = ["KINDS", "abrupt_stream", "gradual_stream"]

#: The kinds of stream the generators make.
KINDS = ("real", "binary")


def abrupt_stream(
    n: int,
    change_at: int,
    before: float,
    after: float,
    *,
    kind: str = "real",
    scale: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """A stream whose concept switches from ``before`` to ``after`` at index ``change_at``.

    Parameters
    ----------
    n
        Length of the stream.
    change_at
        Index of the first point of the new concept; ``n`` (or ``before == after``) makes a
        stationary stream.
    before, after
        Means (``kind="real"``) or error probabilities (``kind="binary"``).
    kind
        ``"real"`` (float values) or ``"binary"`` (0/1 integers).
    scale
        Standard deviation of the noise of a real stream (ignored for binary streams).
    seed
        Seed of the noise.

    Returns
    -------
    numpy.ndarray
        ``n`` floats, or ``n`` integers 0/1 for a binary stream.

    Examples
    --------
    >>> stream = abrupt_stream(2000, change_at=1000, before=0.1, after=0.3, kind="binary")
    >>> round(stream[:1000].mean(), 3), round(stream[1000:].mean(), 3)
    (0.089, 0.327)
    """
    n = count(n, "n", minimum=1)
    change_at = _index(change_at, n, "change_at")
    weight = (np.arange(n) >= change_at).astype(float)
    return _draw(n, weight, before, after, kind, scale, seed)


def gradual_stream(
    n: int,
    start: int,
    width: int,
    before: float,
    after: float,
    *,
    kind: str = "real",
    scale: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """A stream that moves from ``before`` to ``after`` over ``width`` points from ``start``.

    Point ``i`` comes from the new concept with probability ``(i - start + 1) / width``,
    clipped to ``[0, 1]``: old before ``start``, new from ``start + width - 1`` on.
    ``width=0`` is an abrupt change at ``start``.

    Parameters
    ----------
    n
        Length of the stream.
    start
        Index where the change begins.
    width
        Number of points the change takes; ``start + width`` must be at most ``n``.
    before, after, kind, scale, seed
        As in :func:`abrupt_stream`.

    Examples
    --------
    >>> stream = gradual_stream(3000, start=1000, width=1000, before=0.0, after=2.0, seed=3)
    >>> [round(part.mean(), 2) for part in np.split(stream, [1000, 2000])]
    [0.04, 1.01, 2.01]
    """
    n = count(n, "n", minimum=1)
    start = _index(start, n, "start")
    width = count(width, "width")
    if start + width > n:
        raise ValueError(
            f"the change must end inside the stream: start + width = {start} + {width} = "
            f"{start + width}, but n = {n}"
        )
    steps = (np.arange(n) - start + 1) / width if width else (np.arange(n) >= start) * 1.0
    return _draw(n, np.clip(steps, 0.0, 1.0), before, after, kind, scale, seed)


def _index(value, n: int, what: str) -> int:
    index = count(value, what)
    if index > n:
        raise ValueError(f"{what} must be between 0 and n = {n}, but got {index}")
    return index


def _draw(n, weight, before, after, kind, scale, seed) -> np.ndarray:
    """Values whose concept is the new one with probability ``weight`` (one per point)."""
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, but got {kind!r}")
    rng = seeded_rng(seed)
    if kind == "binary":
        before = probability(before, "before (an error probability)")
        after = probability(after, "after (an error probability)")
        return (rng.random(n) < before + weight * (after - before)).astype(int)
    before, after = real(before, "before (a mean)"), real(after, "after (a mean)")
    scale = non_negative(scale, "scale")
    noise = rng.normal(0.0, 1.0, n)
    new = rng.random(n) < weight
    return np.where(new, after, before) + scale * noise
