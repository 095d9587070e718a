"""Label consistency: how much labelers agree, where they disagree, and what to do about it.

Labels are a DataFrame with one row per item (the index is the item id) and one column per
labeler; a missing value means that labeler did not label that item. The agreement measures
(Cohen's and Fleiss' kappa, :func:`agreement_table`) live in :mod:`mlep.data.labeling.agreement`.

The course's recipe for inconsistent labels, one function per step:

    truth, labels = simulate_labelers(...)         # or your labelers' real output
    agreement_table(labels)                         # which labelers disagree?
    ambiguous_examples(labels)                      # on which items?
    confusable_classes(labels)                      # between which classes?
    merge_classes(labels, {"deep scratch": "scratch", "shallow scratch": "scratch"})
    borderline_class(labels, threshold=0.75)        # or make the ambiguity a class
    human_level_performance(labels)                 # how well can a human do?

Human-level performance and the labeler simulator live in
:mod:`mlep.data.labeling.human_level`.

Examples
--------
>>> from mlep.data.labeling import cohen_kappa, fleiss_kappa, simulate_labelers
>>> truth, labels = simulate_labelers(
...     6, ["dent", "scratch"], {"ana": 0.9, "ben": 0.7, "cy": 0.6}, seed=5
... )
>>> print(labels.to_string(index_names=False))
       ana      ben       cy
0  scratch     dent     dent
1  scratch  scratch     dent
2     dent     dent     dent
3  scratch  scratch     dent
4     dent     dent     dent
5  scratch  scratch  scratch
>>> round(cohen_kappa(labels["ana"], labels["ben"]), 3)
0.667
>>> round(fleiss_kappa(labels), 3)
0.325
>>> round(float((majority_vote(labels) == truth).mean()), 3)  # item 0: two of three wrong
0.833
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

from mlep._checks import class_labels, label_kind, one_label_kind, real

__all__ = [
    "ambiguous_examples",
    "borderline_class",
    "confusable_classes",
    "label_counts",
    "labels_table",
    "majority_vote",
    "merge_classes",
]


# --------------------------------------------------------------------------- input checks


def labels_table(labels, what: str = "labels", min_labelers: int = 1) -> pd.DataFrame:
    """Labels as a DataFrame (a row per item, a column per labeler), checked: ``what`` names them.

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means that labeler did not
        label that item.
    what : str, default "labels"
        How error messages name the labels.
    min_labelers : int, default 1
        The fewest labeler columns accepted.
    """
    if isinstance(labels, pd.DataFrame):
        frame = labels
    else:
        array = np.asarray(labels, dtype=object)
        if array.ndim != 2:
            raise ValueError(
                f"{what} should be a table (items × labelers), but got shape {array.shape}"
            )
        frame = pd.DataFrame(array, columns=[f"labeler_{i + 1}" for i in range(array.shape[1])])
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise ValueError(f"{what} is empty: got {frame.shape[0]} items × {frame.shape[1]} labelers")
    if frame.shape[1] < min_labelers:
        raise ValueError(
            f"{what} needs at least {min_labelers} labelers (columns) to compare, "
            f"but got {frame.shape[1]}: {list(frame.columns)}"
        )
    for axis, index in (("item ids (index)", frame.index), ("labeler names", frame.columns)):
        if not index.is_unique:
            raise ValueError(f"{what} has duplicate {axis}: {index[index.duplicated()].tolist()}")
    one_label_kind(frame.to_numpy(dtype=object).ravel(), what)
    return frame


def _sorted(values) -> list:
    values = list(values)
    try:
        return sorted(values)
    except TypeError:  # mixed types: order by text
        return sorted(values, key=str)


def label_counts(labels) -> pd.DataFrame:
    """Items × classes: how many labelers gave each class to each item (missing ignored).

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means that labeler did not
        label that item.

    Examples
    --------
    >>> label_counts(pd.DataFrame({"a": ["x", "y"], "b": ["x", None], "c": ["y", "y"]}))
       x  y
    0  2  1
    1  0  2
    """
    frame = labels_table(labels)
    stacked = frame.stack()  # drops missing labels
    if stacked.empty:
        raise ValueError("labels has no labels at all: every value is missing")
    counts = stacked.groupby(level=0).value_counts().unstack(fill_value=0)
    counts = counts.reindex(index=frame.index, columns=_sorted(counts.columns), fill_value=0)
    counts.columns.name = None
    return counts.astype(int)


def _require_labelled(counts: pd.DataFrame) -> None:
    empty = counts.index[counts.sum(axis=1) == 0]
    if len(empty):
        raise ValueError(f"items {empty[:5].tolist()} have no labels; drop them first")


# --------------------------------------------------------------------------- where they disagree


def majority_vote(labels) -> pd.Series:
    """The most frequent label of each item; ties go to the class that sorts first.

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means that labeler did not
        label that item.

    Examples
    --------
    >>> majority_vote(pd.DataFrame({"a": ["x", "y"], "b": ["y", "y"]})).tolist()
    ['x', 'y']
    """
    counts = label_counts(labels)
    _require_labelled(counts)
    return counts.idxmax(axis=1).rename("majority")


def ambiguous_examples(labels, top: int | None = 10) -> pd.DataFrame:
    """Items sorted by disagreement, most ambiguous first (ties: by item id).

    ``disagreement = 1 - share`` where ``share`` is the fraction of an item's labels that
    are its majority label. ``votes`` maps each label given to its count.

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means that labeler did not
        label that item.
    top : int or None, default 10
        How many items to return; ``None`` returns them all.

    Examples
    --------
    >>> labels = pd.DataFrame({"a": list("xxyz"), "b": list("xyyz"), "c": list("xxzz")})
    >>> ambiguous_examples(labels, top=3)
      majority     share  disagreement  n_labels             votes
    1        x  0.666667      0.333333         3  {'x': 2, 'y': 1}
    2        y  0.666667      0.333333         3  {'y': 2, 'z': 1}
    0        x  1.000000      0.000000         3          {'x': 3}
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top should be a positive whole number or None, but got {top!r}")
    counts = label_counts(labels)
    _require_labelled(counts)
    totals = counts.sum(axis=1)
    share = counts.max(axis=1) / totals
    table = pd.DataFrame(
        {"majority": counts.idxmax(axis=1), "share": share, "disagreement": 1 - share}
    )
    table["n_labels"] = totals
    table = table.sort_index(kind="mergesort")
    table = table.sort_values("disagreement", ascending=False, kind="mergesort")
    table = table if top is None else table.head(top)
    table["votes"] = [_votes(counts.loc[item]) for item in table.index]
    return table


def _votes(row: pd.Series) -> dict:
    given = row[row > 0].sort_values(ascending=False, kind="mergesort")
    return {label: int(count) for label, count in given.items()}


def confusable_classes(labels, top: int | None = None) -> pd.DataFrame:
    """Pairs of classes that labelers confuse, most often first.

    ``count`` is the number of (labeler, labeler) pairs on the same item who gave one the
    first class and the other the second; ``share`` is its fraction of all such
    disagreements. Empty when every item is unanimous.

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means that labeler did not
        label that item.
    top : int or None, default None
        How many pairs to return; ``None`` returns them all.

    Examples
    --------
    >>> labels = pd.DataFrame({"a": list("xxyz"), "b": list("xyyz"), "c": list("xxzz")})
    >>> confusable_classes(labels)
      class_a class_b  count  share
    0       x       y      2    0.5
    1       y       z      2    0.5
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top should be a positive whole number or None, but got {top!r}")
    counts = label_counts(labels)
    values = counts.to_numpy()
    pairs = values.T @ values  # pairs[i, j]: labeler pairs saying class i and class j
    rows = [
        (counts.columns[i], counts.columns[j], int(pairs[i, j]))
        for i, j in zip(*np.triu_indices(len(counts.columns), k=1))
        if pairs[i, j] > 0
    ]
    table = pd.DataFrame(rows, columns=["class_a", "class_b", "count"])
    table["share"] = table["count"] / table["count"].sum() if rows else []
    table = table.sort_values("count", ascending=False, kind="mergesort").reset_index(drop=True)
    return table if top is None else table.head(top)


# --------------------------------------------------------------------------- what to do about it


def _check_new_class(name) -> None:
    """The new class of :func:`borderline_class`: one hashable, non-missing label."""
    try:
        hash(name)
    except TypeError:
        raise TypeError(
            f"name must be a class label (a string or a number), but got {type(name).__name__}"
        ) from None
    if label_kind(name) == "missing":
        raise ValueError(f"name must be a class label, but got a missing value {name!r}")


def _known_classes(frame: pd.DataFrame, asked, what: str) -> None:
    known = _sorted(pd.unique(frame.stack()))
    unknown = [c for c in asked if c not in known]
    if unknown:
        hints = [difflib.get_close_matches(str(c), map(str, known), n=1) for c in unknown]
        hint = "".join(f"; did you mean {h[0]!r} for {c!r}?" for c, h in zip(unknown, hints) if h)
        raise ValueError(f"{what} names classes no labeler used: {unknown}; known: {known}{hint}")


def merge_classes(labels, mapping: Mapping[Hashable, Hashable]):
    """Relabel classes, e.g. merge two that labelers cannot tell apart.

    ``labels`` is a labels DataFrame or one labeler's Series; the result has the same type.
    Classes not in ``mapping`` are kept; a mapping key no labeler used is an error (a typo).

    Parameters
    ----------
    labels : pandas.DataFrame or pandas.Series
        Several labelers' labels, or one labeler's.
    mapping : mapping
        Old class → new class; every key must be a class some labeler used.

    Examples
    --------
    >>> labels = pd.DataFrame({"a": ["deep", "shallow", "dent"], "b": ["shallow", "deep", "dent"]})
    >>> merge_classes(labels, {"deep": "scratch", "shallow": "scratch"})
             a        b
    0  scratch  scratch
    1  scratch  scratch
    2     dent     dent
    """
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError(f"mapping should be a non-empty dict old class → new, but got {mapping!r}")
    if isinstance(labels, pd.Series):
        return merge_classes(labels.to_frame(), mapping).iloc[:, 0]
    frame = labels_table(labels)
    _known_classes(frame, mapping, "mapping")
    return frame.apply(lambda column: column.map(lambda v: mapping.get(v, v)))


def borderline_class(
    labels,
    threshold: float = 0.75,
    *,
    classes: Sequence[Hashable] | None = None,
    name: Hashable = "borderline",
) -> pd.DataFrame:
    """Give ambiguous items their own class: every label of such an item becomes ``name``.

    An item is ambiguous when the share of its majority label is below ``threshold``
    (items with a single label never are). With ``classes``, only items whose labels all
    fall among those classes are relabelled (e.g. only scratch-vs-dent disagreements).
    This models writing a labeling instruction "if unsure between X and Y, say borderline".

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means that labeler did not
        label that item.
    threshold : float, default 0.75
        Items whose majority label has a smaller share than this are ambiguous.
    classes : sequence, optional
        Only relabel items whose labels all fall among these classes.
    name : hashable, default "borderline"
        The new class.

    Examples
    --------
    >>> labels = pd.DataFrame({"a": list("xxyz"), "b": list("xyyz"), "c": list("xxzz")})
    >>> borderline_class(labels, threshold=0.75, classes=["x", "y"])
                a           b           c
    0           x           x           x
    1  borderline  borderline  borderline
    2           y           y           z
    3           z           z           z
    """
    if not 0 < real(threshold, "threshold") <= 1:
        raise ValueError(f"threshold is a share between 0 and 1 (e.g. 0.75), but got {threshold!r}")
    counts = label_counts(labels)
    ambiguous = counts.max(axis=1) / counts.sum(axis=1).clip(lower=1) < threshold
    _check_new_class(name)
    if classes is not None:
        if isinstance(classes, pd.DataFrame):
            raise TypeError("classes must be a list of classes, but got a DataFrame")
        classes = class_labels(classes, "classes")
        if not classes:
            raise ValueError("classes must name at least one class, but got an empty list")
        _known_classes(labels_table(labels), classes, "classes")
        others = [c for c in counts.columns if c not in set(classes)]
        ambiguous &= counts[others].sum(axis=1) == 0
    frame = labels_table(labels).astype(object)  # the new class may not fit an int column
    frame.loc[ambiguous] = frame.loc[ambiguous].where(frame.loc[ambiguous].isna(), name)
    return frame
