"""Windowing for sensor signals (Course 1, week 2; Course 2, week 4).

Sensor streams (accelerometers, audio) are cut into fixed-size, possibly overlapping windows;
each window becomes one training example with one label::

    X = windows(signal, size=50, step=25)
    y = window_labels(labels, size=50, step=25, how="majority")

Examples
--------
>>> import numpy as np
>>> windows(np.arange(6), size=4, step=2)
array([[0, 1, 2, 3],
       [2, 3, 4, 5]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlep._checks import count as _count_arg

__all__ = ["window_labels", "windows"]

_WINDOW_LABEL_RULES = ("majority", "last")


def _window_count(n: int, size: int, step: int, what: str) -> int:
    if n < size:
        raise ValueError(
            f"{what} has {n} samples, fewer than one window of size={size}; "
            "use a smaller size or a longer recording"
        )
    return 1 + (n - size) // step


def windows(signal: Any, *, size: int, step: int) -> np.ndarray:
    """Cut a signal into windows of ``size`` samples, starting every ``step`` samples.

    ``step < size`` gives overlapping windows, ``step == size`` back-to-back ones. Samples
    after the last full window are dropped (there are ``1 + (len - size) // step`` windows).

    Parameters
    ----------
    signal
        A 1-D signal ``(n_samples,)`` or a multichannel one ``(n_samples, n_channels)``
        (e.g. the x, y, z axes of an accelerometer).
    size
        Samples per window (> 0, at most the signal length).
    step
        Samples between the starts of consecutive windows (> 0).

    Returns
    -------
    numpy.ndarray
        ``(n_windows, size)`` for a 1-D signal, ``(n_windows, size, n_channels)`` otherwise;
        a new array (not a view) with the signal's dtype.

    Examples
    --------
    >>> windows(np.arange(7), size=3, step=3)  # sample 6 does not fill a window
    array([[0, 1, 2],
           [3, 4, 5]])
    >>> windows(np.arange(8).reshape(4, 2), size=2, step=2).shape
    (2, 2, 2)
    >>> windows(np.arange(3), size=5, step=1)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: signal has 3 samples, fewer than one window of size=5; use a smaller size or a
    longer recording
    """
    size = _count_arg(size, "size", minimum=1)
    step = _count_arg(step, "step", minimum=1)
    array = np.asarray(signal)
    if array.ndim not in (1, 2):
        raise ValueError(
            "signal should be 1-D (n_samples,) or 2-D (n_samples, n_channels), "
            f"got shape {array.shape}"
        )
    count = _window_count(len(array), size, step, "signal")
    starts = np.arange(count) * step
    index = starts[:, None] + np.arange(size)[None, :]
    return array[index]


def window_labels(labels: Any, *, size: int, step: int, how: str = "majority") -> np.ndarray:
    """One label per window of :func:`windows` (same ``size`` and ``step``).

    Parameters
    ----------
    labels
        One label per sample, 1-D.
    size, step
        The values given to :func:`windows`.
    how
        ``"majority"``: the most frequent label in the window (a tie goes to the smallest
        label); ``"last"``: the label of the window's last sample, which is what a live
        system knows when the window closes.

    Returns
    -------
    numpy.ndarray
        ``(n_windows,)`` with the labels' dtype.

    Examples
    --------
    >>> labels = ["walk", "walk", "run", "run", "run", "sit"]
    >>> window_labels(labels, size=3, step=3).tolist()
    ['walk', 'run']
    >>> window_labels(labels, size=3, step=3, how="last").tolist()
    ['run', 'sit']
    >>> window_labels(labels, size=3, step=3, how="mode")
    Traceback (most recent call last):
    ...
    ValueError: how should be 'majority' or 'last', got 'mode'
    """
    if how not in _WINDOW_LABEL_RULES:
        raise ValueError(f"how should be 'majority' or 'last', got {how!r}")
    size = _count_arg(size, "size", minimum=1)
    step = _count_arg(step, "step", minimum=1)
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"labels should be 1-D (one per sample), got shape {array.shape}")
    count = _window_count(len(array), size, step, "labels")
    if how == "last":
        return array[np.arange(count) * step + size - 1]
    classes, codes = np.unique(array, return_inverse=True)
    coded = windows(codes, size=size, step=step)
    counts = np.zeros((count, len(classes)), dtype=int)
    np.add.at(counts, (np.repeat(np.arange(count), size), coded.ravel()), 1)
    return classes[counts.argmax(axis=1)]
