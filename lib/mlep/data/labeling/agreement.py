"""Labeler agreement: Cohen's and Fleiss' kappa, and every pair of labelers side by side.

Written out by hand, as the course teaches them (C1W3), and tested against scikit-learn's
``cohen_kappa_score`` and the worked example of Fleiss (1971). Labels are a table as in
:mod:`mlep.data.labeling.consistency`: a row per item, a column per labeler.

Examples
--------
>>> import pandas as pd
>>> labels = pd.DataFrame({"ana": list("aabb"), "ben": list("abbb")})
>>> cohen_kappa(labels["ana"], labels["ben"]), round(fleiss_kappa(labels), 3)
(0.5, 0.467)
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from mlep._checks import one_label_kind, same_label_kind
from mlep.data.labeling.consistency import label_counts, labels_table

__all__ = ["agreement_table", "cohen_kappa", "fleiss_kappa", "fleiss_kappa_from_counts"]


def _vector(labels, what: str) -> np.ndarray:
    array = np.asarray(labels, dtype=object)
    if array.ndim != 1:
        raise ValueError(
            f"{what} should be one labeler's labels (1-D), but got shape {array.shape}; "
            "for a table of labelers use agreement_table(labels)"
        )
    if len(array) == 0:
        raise ValueError(f"{what} is empty; kappa needs at least one labelled item")
    missing = np.flatnonzero(pd.isna(array))
    if len(missing):
        raise ValueError(
            f"{what} has {len(missing)} missing label(s) at positions {missing[:5].tolist()}; "
            "drop those items first (agreement_table does it pair by pair)"
        )
    one_label_kind(array, what)
    return array


def cohen_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable]) -> float:
    """Cohen's kappa between two labelers: agreement corrected for chance.

    ``kappa = (p_o - p_e) / (1 - p_e)`` where ``p_o`` is the share of items on which the two
    agree and ``p_e = sum_k p_a(k) p_b(k)`` the agreement expected if each labeled at random
    with their own class frequencies. 1 is perfect agreement, 0 is chance level. The two
    sequences are compared position by position (a pandas index is not used for alignment).

    Parameters
    ----------
    labels_a, labels_b : sequence
        The two labelers' labels of the same items, in the same order.

    Examples
    --------
    >>> cohen_kappa(["cat", "cat", "dog", "dog"], ["cat", "dog", "dog", "dog"])
    0.5
    >>> cohen_kappa(["cat", "dog"], ["cat"])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    ValueError: cohen_kappa compares two labelers on the same items: labels_a and labels_b
    must have the same length, but labels_a has 2 labels and labels_b has 1
    """
    a, b = _vector(labels_a, "labels_a"), _vector(labels_b, "labels_b")
    same_label_kind(a, b, "labels_a", "labels_b")
    if len(a) != len(b):
        raise ValueError(
            "cohen_kappa compares two labelers on the same items: labels_a and labels_b "
            f"must have the same length, but labels_a has {len(a)} labels and labels_b has {len(b)}"
        )
    codes, classes = pd.factorize(np.concatenate([a, b]))
    n, k = len(a), len(classes)
    code_a, code_b = codes[:n], codes[n:]
    observed = np.mean(code_a == code_b)
    expected = np.bincount(code_a, minlength=k) @ np.bincount(code_b, minlength=k) / n**2
    if expected == 1:
        raise ValueError(
            f"kappa is undefined: both labelers gave every item the same class {classes[0]!r}, "
            "so chance agreement is already 1; label more varied items"
        )
    return float((observed - expected) / (1 - expected))


def fleiss_kappa_from_counts(counts) -> float:
    """Fleiss' kappa from an items × classes table of rating counts.

    Every row must sum to the same number of raters ``n >= 2``. With ``p_j`` the share of
    all ratings in class ``j`` and ``P_i = (sum_j n_ij² - n) / (n (n - 1))`` the agreement
    on item ``i``: ``kappa = (mean(P_i) - sum_j p_j²) / (1 - sum_j p_j²)``.

    Parameters
    ----------
    counts : 2-D array-like of int
        Items × classes: how many raters put each item in each class.

    Examples
    --------
    >>> round(fleiss_kappa_from_counts([[3, 0], [0, 3], [2, 1], [1, 2]]), 6)
    0.333333
    """
    table = np.asarray(counts.to_numpy() if isinstance(counts, pd.DataFrame) else counts)
    if table.ndim != 2 or table.size == 0:
        raise ValueError(
            f"counts should be a non-empty items × classes table, but got shape {table.shape}"
        )
    table = table.astype(float)
    if not np.isfinite(table).all() or (table < 0).any() or (table != np.round(table)).any():
        raise ValueError("counts must be non-negative whole numbers of ratings (no NaN)")
    raters = table.sum(axis=1)
    if (raters != raters[0]).any():
        row = int(np.flatnonzero(raters != raters[0])[0])
        raise ValueError(
            "Fleiss' kappa needs the same number of ratings for every item, but row 0 sums "
            f"to {raters[0]:g} and row {row} to {raters[row]:g}"
        )
    n = raters[0]
    if n < 2:
        raise ValueError(f"Fleiss' kappa needs at least 2 ratings per item, but got {n:g}")
    shares = table.sum(axis=0) / table.sum()
    per_item = ((table**2).sum(axis=1) - n) / (n * (n - 1))
    expected = float(shares @ shares)
    if expected == 1:
        raise ValueError("kappa is undefined: every rating is the same class (chance agreement 1)")
    return float((per_item.mean() - expected) / (1 - expected))


def fleiss_kappa(ratings) -> float:
    """Fleiss' kappa for items × raters labels (the same number of raters for every item).

    Parameters
    ----------
    ratings : 2-D array-like
        Items × raters labels, with no missing rating.

    Examples
    --------
    >>> round(fleiss_kappa([["a", "a", "a"], ["b", "b", "b"], ["a", "a", "b"], ["a", "b", "b"]]), 6)
    0.333333
    """
    frame = labels_table(ratings, "ratings", min_labelers=2)
    missing = frame.index[frame.isna().any(axis=1)]
    if len(missing):
        raise ValueError(
            "fleiss_kappa needs every item rated by every rater, but items "
            f"{missing[:5].tolist()} have missing labels; drop them first"
        )
    return fleiss_kappa_from_counts(label_counts(frame))


def agreement_table(labels) -> pd.DataFrame:
    """Raw agreement and Cohen's kappa for every pair of labelers.

    Each pair is compared on the items both labelled (``n_items``); pairs that share no
    item are left out.

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means that labeler did not
        label that item.

    Examples
    --------
    >>> labels = pd.DataFrame({"ana": list("aabb"), "ben": list("abbb"), "cy": list("aabb")})
    >>> agreement_table(labels)
      labeler_a labeler_b  n_items  agreement  kappa
    0       ana       ben        4       0.75    0.5
    1       ana        cy        4       1.00    1.0
    2       ben        cy        4       0.75    0.5
    """
    frame = labels_table(labels, min_labelers=2)
    rows = []
    for first, second in itertools.combinations(frame.columns, 2):
        both = frame[[first, second]].dropna()
        if both.empty:
            continue
        a, b = both[first].to_numpy(), both[second].to_numpy()
        try:
            kappa = cohen_kappa(a, b)
        except ValueError as error:
            raise ValueError(f"labelers {first!r} and {second!r}: {error}") from None
        rows.append((first, second, len(both), float(np.mean(a == b)), kappa))
    columns = ["labeler_a", "labeler_b", "n_items", "agreement", "kappa"]
    if not rows:
        raise ValueError("no two labelers labelled a common item, so there is nothing to compare")
    return pd.DataFrame(rows, columns=columns)
