"""Concept-drift detectors from river behind one small API: ``update(x) -> bool``.

Data-drift measures (:mod:`~mlep.deployment.monitoring.drift`) compare two samples. A
concept-drift detector instead watches a stream one point at a time — usually the model's
errors (1 wrong, 0 right) once labels arrive, or a real-valued signal such as a score — and
says *when* it changed. Three classics, all from river:

====================  ============  ==========================================================
name                  stream        idea
====================  ============  ==========================================================
``"adwin"``           real or 0/1   keep a window; drop its old part when the means of its two
                                    parts differ more than chance allows (``delta``)
``"page_hinkley"``    real or 0/1   cumulative deviation from the running mean; alarm when it
                                    exceeds ``threshold`` (a CUSUM test)
``"ddm"``             0/1 errors    error rate ``p`` and its std ``s``; alarm when ``p + s``
                                    exceeds its minimum by ``drift_threshold`` std's
====================  ============  ==========================================================

Every detector resets itself after a detection, so one stream can hold several drifts.

Examples
--------
>>> from mlep.deployment.monitoring.streams import abrupt_stream
>>> stream = abrupt_stream(2000, change_at=1000, before=0.0, after=1.0, seed=0)
>>> watch = detector("page_hinkley", delta=0.5, threshold=12, alpha=1.0)
>>> watch.run(stream)
[1025]
>>> detection_delay(watch.drifts, change_at=1000)
25
>>> detector("cusum")
Traceback (most recent call last):
...
ValueError: unknown detector 'cusum'; choose one of: adwin, page_hinkley, ddm
"""

from __future__ import annotations

import importlib
import inspect
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, instance, numbers_array, real

__all__ = ["DETECTORS", "Detector", "detection_delay", "detector", "false_alarms"]

#: name -> (river module, class, kind of stream it watches).
DETECTORS: dict[str, tuple[str, str, str]] = {
    "adwin": ("river.drift", "ADWIN", "real"),
    "page_hinkley": ("river.drift", "PageHinkley", "real"),
    "ddm": ("river.drift.binary", "DDM", "binary"),
}


class Detector:
    """One river drift detector with a small common API.

    Make one with :func:`detector`. ``update(x)`` feeds one point and says whether a drift
    was detected at that point; :attr:`drifts` lists the indices (0-based, counted from the
    first update) of every detection so far; :meth:`run` feeds a whole stream.

    Parameters
    ----------
    name : str
        The detector's name in :data:`DETECTORS`.
    river_detector : object
        The river detector it wraps.
    params : dict
        The settings it was made with.

    Attributes
    ----------
    name : str
        The detector's name in :data:`DETECTORS`.
    params : dict
        The parameters given to river (river's defaults for the others).
    n : int
        Number of points seen.
    drifts : list of int
        Indices of the points at which a drift was detected.

    Examples
    --------
    >>> ddm = detector("ddm", warm_start=30)
    >>> [ddm.update(x) for x in [0, 1, 0, 0]]
    [False, False, False, False]
    >>> ddm.n, ddm.drifts
    (4, [])
    >>> ddm.update(0.5)
    Traceback (most recent call last):
    ...
    ValueError: ddm watches an error stream: each point must be 0 (right) or 1 (wrong), but got 0.5
    """

    def __init__(self, name: str, river_detector: Any, params: dict[str, Any]) -> None:
        self.name = _known(name)
        self.params = instance(params, dict, "params", "a dict of detector parameters")
        self.kind = DETECTORS[name][2]
        self._river = river_detector
        self.n = 0
        self.drifts: list[int] = []

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"detector({self.name!r}{', ' if args else ''}{args})"

    def update(self, x: float) -> bool:
        """Feed one point; ``True`` if a drift is detected at this point."""
        return self._update(self._checked(x))

    def run(self, stream: Iterable[float]) -> list[int]:
        """Feed every point of ``stream``; the indices of the drifts detected in it.

        Indices continue from earlier updates (they are positions in everything this
        detector has seen), so on a fresh detector they are positions in ``stream``.
        """
        values = numbers_array(stream if hasattr(stream, "__len__") else list(stream), "the stream")
        if self.kind == "binary":
            _require_binary(values, self.name)
        first = len(self.drifts)
        for value in values.tolist():
            self._update(value)
        return self.drifts[first:]

    def _update(self, x: float) -> bool:
        self._river.update(x)
        detected = bool(self._river.drift_detected)
        if detected:
            self.drifts.append(self.n)
        self.n += 1
        return detected

    def _checked(self, x) -> float:
        if isinstance(x, bool):
            x = int(x)
        if not isinstance(x, numbers.Real):
            raise TypeError(f"{self.name} needs a number per point, but got {type(x).__name__}")
        value = real(x, f"each point fed to {self.name}")
        if self.kind == "binary":
            _require_binary(np.array([value]), self.name)
        return value


def _require_binary(values: np.ndarray, name: str) -> None:
    bad = values[(values != 0) & (values != 1)]
    if bad.size:
        raise ValueError(
            f"{name} watches an error stream: each point must be 0 (right) or 1 (wrong), "
            f"but got {bad[0]:g}"
        )


def detector(name: str, **params: Any) -> Detector:
    """A drift detector by name, with river's parameters.

    Parameters
    ----------
    name
        ``"adwin"`` (:class:`river.drift.ADWIN`), ``"page_hinkley"``
        (:class:`river.drift.PageHinkley`) or ``"ddm"`` (:class:`river.drift.binary.DDM`,
        for 0/1 error streams only).
    **params
        Passed to the river class, e.g. ``delta=0.002`` for ADWIN, ``threshold=50`` for
        Page-Hinkley, ``drift_threshold=3`` for DDM.

    Raises
    ------
    ValueError
        An unknown name or parameter; the message lists the valid ones.

    Notes
    -----
    River's defaults are a starting point, not a tuning. Measured on 10,000-point seeded
    streams (``tests/benchmarks/drift_detectors.py``; no false alarm on stationary streams):

    - A real signal with noise ``sd`` whose mean may move by ``shift``: Page-Hinkley with
      ``delta = shift / 2`` (the CUSUM rule), ``threshold`` about ``12 * sd`` and
      ``alpha=1.0`` finds a 1-sd shift in about 30 points. Its defaults (``delta=0.005,
      threshold=50, alpha=0.9999``) give several false alarms per 10,000 points on unit
      noise: the forgetting factor ``alpha < 1`` lets the cumulative sum wander.
    - A 0/1 error stream whose rate jumps: the same CUSUM rule, with the jump in error rate as
      the shift; find ``threshold`` by trial (too low raises false alarms on a quiet stream,
      too high delays detection). DDM needs hundreds of points, and its defaults raise about
      one false alarm per 10,000 points.
    - ADWIN needs no tuning (``delta`` is a false-alarm probability) but is slow in river
      0.19: about 300 points for a 1-sd shift, 500 for the error stream.

    Examples
    --------
    >>> detector("adwin", delta=0.001)
    detector('adwin', delta=0.001)
    >>> detector("adwin", threshold=3)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: adwin has no parameter 'threshold'; its parameters are: delta, clock, max_buckets,
    min_window_length, grace_period
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a detector name (a string), but got {type(name).__name__}")
    _known(name)
    module, cls_name, _ = DETECTORS[name]
    cls = getattr(importlib.import_module(module), cls_name)
    accepted = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    for key in params:
        if key not in accepted:
            raise ValueError(
                f"{name} has no parameter {key!r}; its parameters are: {', '.join(accepted)}"
            )
    return Detector(name, cls(**params), dict(params))


def detection_delay(drifts: Iterable[int], change_at: int) -> int | None:
    """Points from the change to the first detection at or after it (``None``: missed).

    Parameters
    ----------
    drifts : iterable of int
        Indices of the detections.
    change_at : int
        Index of the true change.

    Examples
    --------
    >>> detection_delay([120, 1040, 1500], change_at=1000)
    40
    >>> detection_delay([120], change_at=1000) is None
    True
    """
    drifts = _indices(drifts)
    change_at = count(change_at, "change_at")
    after = [index for index in drifts if index >= change_at]
    return min(after) - change_at if after else None


def false_alarms(drifts: Iterable[int], change_at: int | None = None) -> int:
    """Detections before the change (all of them for a stationary stream, ``change_at=None``).

    Parameters
    ----------
    drifts : iterable of int
        Indices of the detections.
    change_at : int, optional
        Index of the true change; ``None`` for a stream without one.

    Examples
    --------
    >>> false_alarms([120, 1040], change_at=1000), false_alarms([120, 1040])
    (1, 2)
    """
    drifts = _indices(drifts)
    if change_at is None:
        return len(drifts)
    change_at = count(change_at, "change_at")
    return sum(index < change_at for index in drifts)


def _indices(drifts) -> list[int]:
    """Detection indices (from :meth:`Detector.run`) as a list of non-negative integers."""
    if isinstance(drifts, (str, bytes, Mapping, pd.DataFrame)) or not isinstance(drifts, Iterable):
        raise TypeError(
            f"drifts must be a list of detection indices (from run()), but got a "
            f"{type(drifts).__name__}"
        )
    return [count(index, "drifts[...]") for index in drifts]


def _known(name) -> str:
    """A detector name from :data:`DETECTORS`."""
    if not isinstance(name, str) or name not in DETECTORS:
        raise ValueError(f"unknown detector {name!r}; choose one of: {', '.join(DETECTORS)}")
    return name
