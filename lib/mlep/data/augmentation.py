"""Data augmentation for small images and windowing for sensor signals (Course 1, week 2).

Two ways to get more out of the data you have:

* **Augment a rare class.** When one class has a handful of examples, add realistic
  variations of them — a one-pixel shift, a small rotation, a little noise — so the model
  sees more of what that class can look like:

      X_rare, y_rare = make_rare(X_train, y_train, rare_class=8, keep=10, seed=0)
      X_aug, y_aug = augment(X_rare, y_rare, target_class=8, copies=20, seed=0)

  The image helpers are written for small grayscale images such as scikit-learn's digits
  (8×8 pixels, values 0–16, see :data:`DIGITS_RANGE`); every result is clipped back into
  the value range, and every random choice comes from a seed.

* **Window a signal.** Sensor streams are cut into fixed-size windows, one training example
  each: :func:`~mlep.data.signals.windows` and :func:`~mlep.data.signals.window_labels` live
  in :mod:`mlep.data.signals` and are re-exported here, next to the images they are taught with.

NumPy does the work; SciPy (``scipy.ndimage``) is imported inside :func:`shift` and
:func:`rotate`, so importing this module is cheap.

Examples
--------
>>> import numpy as np
>>> image = np.zeros((3, 3)); image[1, 1] = 16
>>> shift(image, dx=1)
array([[ 0.,  0.,  0.],
       [ 0.,  0., 16.],
       [ 0.,  0.,  0.]])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from mlep.data.signals import window_labels, windows

__all__ = [
    "DIGITS_RANGE",
    "add_noise",
    "augment",
    "make_rare",
    "rotate",
    "shift",
    "window_labels",
    "windows",
]

#: Pixel value range of scikit-learn's ``load_digits`` images (16 grey levels).
DIGITS_RANGE: tuple[float, float] = (0.0, 16.0)


# --------------------------------------------------------------------------- validation


def _seed_rng(seed: int | np.random.Generator) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(
            f"seed should be an int (or a numpy Generator), got {type(seed).__name__}: {seed!r}"
        )
    return np.random.default_rng(int(seed))


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} should be a positive integer, got {value!r}")
    return int(value)


def _non_negative_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} should be an integer >= 0, got {value!r}")
    return int(value)


def _images(images: Any, what: str = "images") -> np.ndarray:
    """One image (H, W) or a batch (N, H, W) as a non-empty float array."""
    if isinstance(images, (str, bytes)):
        raise TypeError(f"{what} must be an array of pixel values, but got a string")
    try:
        array = np.asarray(images, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an array of pixel values (numbers)") from None
    if array.ndim not in (2, 3) or array.size == 0:
        raise ValueError(
            f"{what} should be one image of shape (height, width) or a batch of shape "
            f"(n_images, height, width), got an array of shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{what} contain NaN or infinite values; clean them before augmenting")
    return array


def _value_range(value_range: Sequence[float]) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"value_range should be a pair (low, high) such as {DIGITS_RANGE}, got {value_range!r}"
        ) from None
    if not low < high:
        raise ValueError(f"value_range should have low < high, got {value_range!r}")
    return low, high


def _check_in_range(array: np.ndarray, value_range: Sequence[float], what: str) -> tuple:
    low, high = _value_range(value_range)
    seen_low, seen_high = float(array.min()), float(array.max())
    if seen_low < low or seen_high > high:
        raise ValueError(
            f"{what} have values in [{seen_low:g}, {seen_high:g}], outside value_range "
            f"({low:g}, {high:g}); pass the range your images use, e.g. value_range=(0, 255)"
        )
    return low, high


def _labels_for(labels: Any, n: int, what: str) -> np.ndarray:
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"labels should be 1-D (one per {what}), got shape {array.shape}")
    if len(array) != n:
        raise ValueError(f"got {n} {what} but {len(array)} labels; they should match one to one")
    return array


def _present_class(labels: np.ndarray, wanted: Any, name: str) -> np.ndarray:
    mask = labels == wanted
    if not np.any(mask):
        available = ", ".join(map(repr, np.unique(labels).tolist()))
        raise ValueError(
            f"{name}={wanted!r} does not occur in the labels; classes present: {available}"
        )
    return mask


# --------------------------------------------------------------------------- images


def shift(
    images: Any,
    *,
    dx: float = 0,
    dy: float = 0,
    value_range: Sequence[float] = DIGITS_RANGE,
) -> np.ndarray:
    """Move image content ``dx`` pixels right and ``dy`` pixels down, filling with 0.

    Parameters
    ----------
    images
        One image ``(height, width)`` or a batch ``(n_images, height, width)``.
    dx, dy
        Shift in pixels; negative moves left/up. Whole numbers move pixels exactly;
        fractions interpolate linearly between neighbours.
    value_range
        ``(low, high)`` the pixel values live in; the result is clipped to it.

    Returns
    -------
    numpy.ndarray
        A new float array of the same shape; pixels shifted out of the frame are lost.

    Examples
    --------
    >>> image = np.arange(9.0).reshape(3, 3)
    >>> shift(image, dx=-1, dy=1)
    array([[0., 0., 0.],
           [1., 2., 0.],
           [4., 5., 0.]])
    """
    array = _images(images)
    low, high = _check_in_range(array, value_range, "images")
    from scipy import ndimage

    offset = (float(dy), float(dx)) if array.ndim == 2 else (0.0, float(dy), float(dx))
    moved = ndimage.shift(array, offset, order=1, mode="grid-constant", cval=0.0)
    return np.clip(moved, low, high)


def rotate(
    images: Any, degrees: float, *, value_range: Sequence[float] = DIGITS_RANGE
) -> np.ndarray:
    """Rotate images counter-clockwise by ``degrees`` about their centre, keeping their size.

    Meant for small angles (a few to ~15 degrees): a tilted 7 is still a 7, but a 6 turned
    by 180 degrees is a 9 — an augmentation must not change the label.

    Parameters
    ----------
    images
        One image ``(height, width)`` or a batch ``(n_images, height, width)``.
    degrees
        Angle in degrees; negative turns clockwise.
    value_range
        ``(low, high)`` the pixel values live in; the result is clipped to it.

    Returns
    -------
    numpy.ndarray
        A new float array of the same shape (linear interpolation, corners filled with 0).

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[0, 1] = 16
    >>> rotate(image, 90).round(6)
    array([[ 0.,  0.,  0.],
           [16.,  0.,  0.],
           [ 0.,  0.,  0.]])
    >>> rotate(np.ones((4, 4)), 0.0).sum()
    16.0
    """
    array = _images(images)
    low, high = _check_in_range(array, value_range, "images")
    if not math.isfinite(float(degrees)):
        raise ValueError(f"degrees should be a finite number, got {degrees!r}")
    from scipy import ndimage

    axes = (1, 0) if array.ndim == 2 else (2, 1)
    turned = ndimage.rotate(
        array, float(degrees), axes=axes, reshape=False, order=1, mode="grid-constant", cval=0.0
    )
    return np.clip(turned, low, high)


def add_noise(
    images: Any,
    *,
    scale: float = 1.0,
    seed: int | np.random.Generator = 0,
    value_range: Sequence[float] = DIGITS_RANGE,
) -> np.ndarray:
    """Add Gaussian pixel noise with standard deviation ``scale``, clipped to ``value_range``.

    Parameters
    ----------
    images
        One image ``(height, width)`` or a batch ``(n_images, height, width)``.
    scale
        Noise standard deviation in pixel units (digits use 0–16, so 1.0 is mild).
    seed
        Seed (or a :class:`numpy.random.Generator`); the same seed gives the same noise.
    value_range
        ``(low, high)`` the pixel values live in.

    Returns
    -------
    numpy.ndarray
        A new float array of the same shape.

    Examples
    --------
    >>> image = np.full((2, 2), 8.0)
    >>> noisy = add_noise(image, scale=1.0, seed=0)
    >>> noisy.round(2)
    array([[8.13, 7.87],
           [8.64, 8.1 ]])
    >>> bool((add_noise(image, scale=1.0, seed=0) == noisy).all())
    True
    >>> float(add_noise(np.zeros((2, 2)), scale=100.0, seed=1).min())  # clipped at 0
    0.0
    """
    array = _images(images)
    low, high = _check_in_range(array, value_range, "images")
    if not (math.isfinite(float(scale)) and scale >= 0):
        raise ValueError(f"scale should be a standard deviation >= 0, got {scale!r}")
    rng = _seed_rng(seed)
    return np.clip(array + rng.normal(0.0, float(scale), size=array.shape), low, high)


def _as_batch(images: Any) -> tuple[np.ndarray, tuple[int, ...]]:
    """A batch (N, H, W) from (N, H, W) or flat square images (N, H*W), plus the input shape."""
    if isinstance(images, (str, bytes)):
        raise TypeError("images must be an array of pixel values, but got a string")
    try:
        array = np.asarray(images, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("images must be an array of pixel values (numbers)") from None
    if array.ndim == 3:
        return array, array.shape
    if array.ndim == 2:
        side = math.isqrt(array.shape[1])
        if side * side == array.shape[1] and side > 0:
            return array.reshape(len(array), side, side), array.shape
        raise ValueError(
            f"flat images should have a square number of pixels per row (64 for 8x8 digits), "
            f"got {array.shape[1]}; pass images shaped (n_images, height, width) instead"
        )
    raise ValueError(
        "images should be a batch shaped (n_images, height, width) or flat "
        f"(n_images, height*width), got shape {array.shape}"
    )


def augment(
    images: Any,
    labels: Any,
    *,
    target_class: Any,
    copies: int,
    seed: int = 0,
    max_shift: int = 1,
    max_degrees: float = 10.0,
    noise: float = 0.5,
    value_range: Sequence[float] = DIGITS_RANGE,
) -> tuple[np.ndarray, np.ndarray]:
    """Add ``copies`` randomly varied versions of every example of one (rare) class.

    Each copy gets a random whole-pixel shift in ``[-max_shift, max_shift]`` along each
    axis, a random rotation in ``[-max_degrees, max_degrees]`` and Gaussian noise of
    standard deviation ``noise``, in that order, and is clipped to ``value_range``.

    Parameters
    ----------
    images
        A batch shaped ``(n, height, width)`` or flat ``(n, height*width)`` with a square
        number of pixels (``load_digits().data`` is ``(n, 64)``).
    labels
        One label per image.
    target_class
        The class to augment; it must occur in ``labels``.
    copies
        New examples per existing example of ``target_class`` (0 adds none).
    seed
        Seed for every random choice: the same seed gives the same output.
    max_shift, max_degrees, noise
        How strong the variations are; 0 switches one off.
    value_range
        ``(low, high)`` of the pixel values (:data:`DIGITS_RANGE` by default).

    Returns
    -------
    images, labels : numpy.ndarray
        The original examples followed by the new ones, in the input's shape layout
        (flat in, flat out). The inputs are not modified.

    Examples
    --------
    >>> X = np.zeros((3, 16)); X[:, 5] = 16
    >>> y = np.array([0, 1, 1])
    >>> X_aug, y_aug = augment(X, y, target_class=0, copies=2, seed=0)
    >>> X_aug.shape, y_aug.tolist()
    ((5, 16), [0, 1, 1, 0, 0])
    >>> bool(X_aug.min() >= 0 and X_aug.max() <= 16)
    True
    >>> augment(X, y, target_class=7, copies=2, seed=0)
    Traceback (most recent call last):
    ...
    ValueError: target_class=7 does not occur in the labels; classes present: 0, 1
    """
    batch, shape = _as_batch(images)
    if batch.shape[0] == 0 or batch.size == 0:
        raise ValueError(f"images is empty (shape {shape}); augment needs at least one image")
    if not np.isfinite(batch).all():
        raise ValueError("images contain NaN or infinite values; clean them before augmenting")
    label_array = _labels_for(labels, len(batch), "images")
    low, high = _check_in_range(batch, value_range, "images")
    copies = _non_negative_int(copies, "copies")
    max_shift = _non_negative_int(max_shift, "max_shift")
    if not (math.isfinite(float(max_degrees)) and max_degrees >= 0):
        raise ValueError(f"max_degrees should be a number >= 0, got {max_degrees!r}")
    mask = _present_class(label_array, target_class, "target_class")
    rng = _seed_rng(seed)

    sources = np.repeat(batch[mask], copies, axis=0)
    new = np.empty_like(sources)
    for i, image in enumerate(sources):
        dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
        varied = shift(image, dx=dx, dy=dy, value_range=(low, high))
        varied = rotate(varied, rng.uniform(-max_degrees, max_degrees), value_range=(low, high))
        new[i] = add_noise(varied, scale=noise, seed=rng, value_range=(low, high))

    out_images = np.concatenate([batch, new]).reshape(-1, *shape[1:])
    out_labels = np.concatenate([label_array, np.repeat(label_array[mask], copies)])
    return out_images, out_labels


def make_rare(
    X: Any, y: Any, *, rare_class: Any, keep: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Drop all but ``keep`` randomly chosen examples of ``rare_class``; keep every other row.

    Use it to build the skewed training set of the augmentation lab, e.g. only 10 eights.

    Parameters
    ----------
    X
        Examples, one per row (any trailing shape).
    y
        One label per row of ``X``.
    rare_class
        The class to make rare; it must occur in ``y``.
    keep
        How many of its examples to keep (``0 <= keep <=`` its count).
    seed
        Chooses which examples survive.

    Returns
    -------
    X, y : numpy.ndarray
        The remaining rows, in their original order.

    Examples
    --------
    >>> X = np.arange(12).reshape(6, 2)
    >>> y = np.array([0, 1, 1, 0, 1, 1])
    >>> X_rare, y_rare = make_rare(X, y, rare_class=1, keep=1, seed=0)
    >>> y_rare.tolist(), X_rare[:, 0].tolist()
    ([0, 0, 1], [0, 6, 10])
    >>> make_rare(X, y, rare_class=1, keep=9, seed=0)
    Traceback (most recent call last):
    ...
    ValueError: keep should be between 0 and 4 (the number of examples of class 1), got 9
    """
    X_array = np.asarray(X)
    if X_array.ndim == 0 or len(X_array) == 0:
        raise ValueError(f"X is empty (shape {X_array.shape}); make_rare needs examples")
    y_array = _labels_for(y, len(X_array), "rows of X")
    mask = _present_class(y_array, rare_class, "rare_class")
    count = int(mask.sum())
    if isinstance(keep, bool) or not isinstance(keep, numbers.Integral) or not 0 <= keep <= count:
        raise ValueError(
            f"keep should be between 0 and {count} (the number of examples of class "
            f"{rare_class!r}), got {keep!r}"
        )
    rng = _seed_rng(seed)
    rare_rows = np.flatnonzero(mask)
    kept = rng.choice(rare_rows, size=int(keep), replace=False)
    rows = np.sort(np.concatenate([np.flatnonzero(~mask), kept]))
    return X_array[rows], y_array[rows]


# --------------------------------------------------------------------------- signals
