"""Which slice of the data to work on next: the course's four factors, combined by mlep's own rule.

For each tag (a slice such as "car noise" in speech recognition), compare the model's
accuracy with human-level performance (HLP) and weigh the gap by how much of the data the
tag covers, how easy it is to improve and how much it matters:

    gap_to_hlp     = hlp - accuracy
    potential_gain = gap_to_hlp * fraction_of_data
    priority       = potential_gain * ease * importance

A negative gap (the model already beats HLP on that tag) gives a negative priority and
sorts last.

Examples
--------
>>> tags = [
...     {"tag": "clean speech", "accuracy": 0.94, "hlp": 0.95, "fraction_of_data": 0.60},
...     {"tag": "car noise", "accuracy": 0.89, "hlp": 0.93, "fraction_of_data": 0.04},
...     {"tag": "people noise", "accuracy": 0.87, "hlp": 0.89, "fraction_of_data": 0.30},
...     {"tag": "low bandwidth", "accuracy": 0.70, "hlp": 0.70, "fraction_of_data": 0.06},
... ]
>>> prioritize(tags)[["tag", "gap_to_hlp", "potential_gain", "priority"]].round(4)
             tag  gap_to_hlp  potential_gain  priority
0   clean speech        0.01          0.0060    0.0060
1   people noise        0.02          0.0060    0.0060
2      car noise        0.04          0.0016    0.0016
3  low bandwidth        0.00          0.0000    0.0000
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

__all__ = ["prioritize"]

REQUIRED = ("tag", "accuracy", "hlp", "fraction_of_data")
OPTIONAL = ("ease", "importance")  # default 1: "no preference"
DERIVED = ("gap_to_hlp", "potential_gain", "priority")  # recomputed if the input has them
_SHARE = "a share between 0 and 1 ({example} for {percent})"


def prioritize(tags: pd.DataFrame | Iterable[Mapping]) -> pd.DataFrame:
    """The prioritisation table, highest priority first.

    Parameters
    ----------
    tags
        A DataFrame or a list of dicts with columns ``tag``, ``accuracy``, ``hlp`` and
        ``fraction_of_data`` (all three shares between 0 and 1), and optionally ``ease`` and
        ``importance`` (default 1). ``ease`` is rated either 0–1 or 1–5, the same scale for
        every tag; ``importance`` is any non-negative weight. Extra columns are kept, except
        ``gap_to_hlp``, ``potential_gain`` and ``priority``, which are recomputed — so the
        table of :func:`mlep.modeling.analysis.error_analysis` (with ``ease`` and
        ``importance`` added) can be passed as it is.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``gap_to_hlp``, ``potential_gain`` and ``priority``, sorted by
        priority (descending; ties keep the input order), with a fresh index.

    Examples
    --------
    >>> table = prioritize([
    ...     {"tag": "scratch", "accuracy": 0.80, "hlp": 0.90, "fraction_of_data": 0.5, "ease": 2},
    ...     {"tag": "dent", "accuracy": 0.60, "hlp": 0.90, "fraction_of_data": 0.2, "ease": 4},
    ... ])
    >>> table[["tag", "potential_gain", "ease", "priority"]].round(3)
           tag  potential_gain  ease  priority
    0     dent            0.06   4.0      0.24
    1  scratch            0.05   2.0      0.10
    >>> prioritize([{"tag": "dent", "accuracy": 60, "hlp": 0.9, "fraction_of_data": 0.2}])
    Traceback (most recent call last):
    ...
    ValueError: tag 'dent': accuracy must be a share between 0 and 1 (0.6 for 60%), but got 60.0
    """
    frame = _frame(tags)
    for column in REQUIRED[1:] + OPTIONAL:
        _check_range(frame, column)
    _check_ease_scale(frame)
    gap = frame["hlp"] - frame["accuracy"]
    gain = gap * frame["fraction_of_data"]
    frame.insert(frame.columns.get_loc("hlp") + 1, "gap_to_hlp", gap)
    frame.insert(frame.columns.get_loc("fraction_of_data") + 1, "potential_gain", gain)
    frame["priority"] = gain * frame["ease"] * frame["importance"]
    order = list(REQUIRED[:3]) + ["gap_to_hlp", "fraction_of_data", "potential_gain"]
    order += ["ease", "importance", "priority"]
    frame = frame[order + [c for c in frame.columns if c not in order]]
    return frame.sort_values("priority", ascending=False, kind="mergesort").reset_index(drop=True)


def _frame(tags) -> pd.DataFrame:
    if isinstance(tags, pd.DataFrame):
        frame = tags.copy()
    elif isinstance(tags, Mapping | str) or not isinstance(tags, Iterable):
        raise TypeError(
            "tags must be a DataFrame or a list of dicts (one per tag), "
            f"but got a {type(tags).__name__}"
        )
    else:
        frame = pd.DataFrame(list(tags))
    frame = frame.drop(columns=[c for c in DERIVED if c in frame.columns])
    if frame.empty:
        raise ValueError("tags must hold at least one tag, but got an empty table")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(
            f"tags must have the columns {list(REQUIRED)}; "
            f"missing {missing}, got {list(frame.columns)}"
        )
    for column in OPTIONAL:
        if column not in frame.columns:
            frame[column] = 1.0
    if frame["tag"].isna().any():
        raise ValueError(f"every row needs a tag, but rows {_rows(frame['tag'].isna())} have none")
    duplicated = frame["tag"][frame["tag"].duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(f"each tag must appear once, but {duplicated} appear more than once")
    return frame.reset_index(drop=True)


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask.to_numpy())]


def _check_range(frame: pd.DataFrame, column: str) -> None:
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    for tag, value, number in zip(frame["tag"], raw, values):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            also = " (give it for every tag, or for none)" if column in OPTIONAL else ""
            raise ValueError(f"tag {tag!r}: {column} is missing{also}")
        if not np.isfinite(number):
            raise ValueError(f"tag {tag!r}: {column} must be a finite number, but got {value!r}")
        if number < 0:
            raise ValueError(f"tag {tag!r}: {column} cannot be negative, but got {number}")
        if column in REQUIRED and number > 1:
            example = round(number / 100, 4) if number <= 100 else 0.04
            percent = f"{number:g}%" if number <= 100 else "4%"
            expected = _SHARE.format(example=example, percent=percent)
            raise ValueError(f"tag {tag!r}: {column} must be {expected}, but got {number}")
    frame[column] = values


def _check_ease_scale(frame: pd.DataFrame) -> None:
    ease = frame["ease"]
    if (ease > 5).any():
        tag, value = frame.loc[ease.idxmax(), "tag"], ease.max()
        raise ValueError(f"tag {tag!r}: ease is rated 0–1 or 1–5, but got {value}")
    if (ease < 1).any() and (ease > 1).any():
        low, high = ease.idxmin(), ease.idxmax()
        raise ValueError(
            "ease mixes two scales: "
            f"tag {frame.loc[low, 'tag']!r} has {ease[low]} (a 0–1 rating) but "
            f"tag {frame.loc[high, 'tag']!r} has {ease[high]} (a 1–5 rating); use one scale"
        )
