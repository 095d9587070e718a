"""Label consistency: how much labelers agree, where they disagree, and what to do about it.

Labels are a DataFrame with one row per item (the index is the item id) and one column per
labeler; a missing value means that labeler did not label that item. The agreement measures
(:func:`cohen_kappa`, :func:`fleiss_kappa`) are written out by hand, as the course teaches
them, and tested against scikit-learn and the worked example of Fleiss (1971).

The course's recipe for inconsistent labels, one function per step:

    truth, labels = simulate_labelers(...)         # or your labelers' real output
    agreement_table(labels)                         # which labelers disagree?
    ambiguous_examples(labels)                      # on which items?
    confusable_classes(labels)                      # between which classes?
    merge_classes(labels, {"deep scratch": "scratch", "shallow scratch": "scratch"})
    borderline_class(labels, threshold=0.75)        # or make the ambiguity a class
    human_level_performance(labels)                 # how well can a human do?

Examples
--------
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
import itertools
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlep._checks import label_kind, same_label_kind

__all__ = [
    "HumanLevel",
    "agreement_table",
    "ambiguous_examples",
    "borderline_class",
    "cohen_kappa",
    "confusable_classes",
    "fleiss_kappa",
    "fleiss_kappa_from_counts",
    "human_level_performance",
    "label_counts",
    "majority_vote",
    "merge_classes",
    "simulate_labelers",
]


# --------------------------------------------------------------------------- input checks


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
    _one_label_kind(array, what)
    return array


def _one_label_kind(values, what: str) -> None:
    """Labels of one kind: 1 and "1" are different classes (scikit-learn refuses the mix)."""
    kinds = {}
    for value in values:
        kinds.setdefault(label_kind(value), value)
    kinds.pop("missing", None)
    if len(kinds) > 1:
        shown = ", ".join(f"{kind} ({value!r})" for kind, value in sorted(kinds.items()))
        raise TypeError(
            f"{what} must hold labels of one kind, but got a mix: {shown}; 1 and '1' never "
            "agree, so convert them to one type first (e.g. .astype(str))"
        )


def _table(labels, what: str = "labels", min_labelers: int = 1) -> pd.DataFrame:
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
    _one_label_kind(frame.to_numpy(dtype=object).ravel(), what)
    return frame


def _sorted(values) -> list:
    values = list(values)
    try:
        return sorted(values)
    except TypeError:  # mixed types: order by text
        return sorted(values, key=str)


def label_counts(labels) -> pd.DataFrame:
    """Items × classes: how many labelers gave each class to each item (missing ignored).

    Examples
    --------
    >>> label_counts(pd.DataFrame({"a": ["x", "y"], "b": ["x", None], "c": ["y", "y"]}))
       x  y
    0  2  1
    1  0  2
    """
    frame = _table(labels)
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


# --------------------------------------------------------------------------- kappa


def cohen_kappa(labels_a: Sequence[Hashable], labels_b: Sequence[Hashable]) -> float:
    """Cohen's kappa between two labelers: agreement corrected for chance.

    ``kappa = (p_o - p_e) / (1 - p_e)`` where ``p_o`` is the share of items on which the two
    agree and ``p_e = sum_k p_a(k) p_b(k)`` the agreement expected if each labeled at random
    with their own class frequencies. 1 is perfect agreement, 0 is chance level. The two
    sequences are compared position by position (a pandas index is not used for alignment).

    Examples
    --------
    >>> cohen_kappa(["cat", "cat", "dog", "dog"], ["cat", "dog", "dog", "dog"])
    0.5
    >>> cohen_kappa(["cat", "dog"], ["cat"])
    Traceback (most recent call last):
    ...
    ValueError: cohen_kappa compares two labelers on the same items, but labels_a has 2 labels and labels_b has 1
    """
    a, b = _vector(labels_a, "labels_a"), _vector(labels_b, "labels_b")
    same_label_kind(a, b, "labels_a", "labels_b")
    if len(a) != len(b):
        raise ValueError(
            "cohen_kappa compares two labelers on the same items, but "
            f"labels_a has {len(a)} labels and labels_b has {len(b)}"
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

    Examples
    --------
    >>> round(fleiss_kappa([["a", "a", "a"], ["b", "b", "b"], ["a", "a", "b"], ["a", "b", "b"]]), 6)
    0.333333
    """
    frame = _table(ratings, "ratings", min_labelers=2)
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

    Examples
    --------
    >>> labels = pd.DataFrame({"ana": list("aabb"), "ben": list("abbb"), "cy": list("aabb")})
    >>> agreement_table(labels)
      labeler_a labeler_b  n_items  agreement  kappa
    0       ana       ben        4       0.75    0.5
    1       ana        cy        4       1.00    1.0
    2       ben        cy        4       0.75    0.5
    """
    frame = _table(labels, min_labelers=2)
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


# --------------------------------------------------------------------------- where they disagree


def majority_vote(labels) -> pd.Series:
    """The most frequent label of each item; ties go to the class that sorts first.

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

    Examples
    --------
    >>> labels = pd.DataFrame({"a": list("xxyz"), "b": list("xyyz"), "c": list("xxzz")})
    >>> confusable_classes(labels)
      class_a class_b  count  share
    0       x       y      2    0.5
    1       y       z      2    0.5
    """
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
    frame = _table(labels)
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
    if isinstance(threshold, bool) or not 0 < threshold <= 1:
        raise ValueError(f"threshold is a share between 0 and 1 (e.g. 0.75), but got {threshold!r}")
    counts = label_counts(labels)
    ambiguous = counts.max(axis=1) / counts.sum(axis=1).clip(lower=1) < threshold
    if classes is not None:
        _known_classes(_table(labels), classes, "classes")
        others = [c for c in counts.columns if c not in set(classes)]
        ambiguous &= counts[others].sum(axis=1) == 0
    frame = _table(labels).astype(object)  # the new class may not fit an int column
    frame.loc[ambiguous] = frame.loc[ambiguous].where(frame.loc[ambiguous].isna(), name)
    return frame


# --------------------------------------------------------------------------- human-level performance


@dataclass(frozen=True, eq=False)
class HumanLevel:
    """Human-level performance estimated from labelers (see :func:`human_level_performance`)."""

    mean: float  #: mean over labelers
    best: float  #: the best labeler
    per_labeler: pd.Series  #: each labeler's score
    method: str  #: "ground_truth" or "leave_one_out"

    def __str__(self) -> str:
        how = {
            "ground_truth": "accuracy against ground truth",
            "leave_one_out": "agreement with the majority of the other labelers",
        }[self.method]
        return f"HLP {self.mean:.3f} (best labeler {self.best:.3f}; {how})"


def human_level_performance(labels, ground_truth=None) -> HumanLevel:
    """Estimate human-level performance (HLP) from several labelers.

    With ``ground_truth`` (a Series indexed like ``labels``, or a sequence in item order),
    each labeler's score is their accuracy against it (``method="ground_truth"``).

    Without it, each labeler's score is their agreement with the majority vote of the
    *other* labelers on the items they labelled (``method="leave_one_out"``). When the
    others' vote is tied, the labeler gets the expected credit of a random tie-break
    (1/2 if they match one of two tied labels). This measures agreement with peers, not
    correctness: with noisy peers it underestimates a labeler's true accuracy.

    Examples
    --------
    >>> labels = pd.DataFrame({"a": list("xxyy"), "b": list("xyyy"), "c": list("xxyx")})
    >>> hlp = human_level_performance(labels)
    >>> hlp.per_labeler.tolist()
    [0.75, 0.625, 0.625]
    >>> print(hlp)
    HLP 0.667 (best labeler 0.750; agreement with the majority of the other labelers)
    >>> print(human_level_performance(labels, ground_truth=list("xxyy")))
    HLP 0.833 (best labeler 1.000; accuracy against ground truth)
    """
    frame = _table(labels, min_labelers=1 if ground_truth is not None else 2)
    if ground_truth is not None:
        scores = _accuracy(frame, _truth(frame, ground_truth))
        method = "ground_truth"
    else:
        scores = _leave_one_out(frame)
        method = "leave_one_out"
    scores = pd.Series(scores, name="hlp")
    return HumanLevel(float(scores.mean()), float(scores.max()), scores, method)


def _truth(frame: pd.DataFrame, ground_truth) -> pd.Series:
    if isinstance(ground_truth, pd.Series):
        absent = frame.index.difference(ground_truth.index)
        if len(absent):
            raise ValueError(f"ground_truth has no label for items {absent[:5].tolist()}")
        truth = ground_truth.reindex(frame.index)
    else:
        values = np.asarray(ground_truth, dtype=object)
        if values.ndim != 1 or len(values) != len(frame):
            raise ValueError(
                f"ground_truth should have one label per item ({len(frame)}), "
                f"but got shape {values.shape}"
            )
        truth = pd.Series(values, index=frame.index)
    if truth.isna().any():
        raise ValueError(
            f"ground_truth is missing for items {truth.index[truth.isna()][:5].tolist()}"
        )
    return truth


def _accuracy(frame: pd.DataFrame, truth: pd.Series) -> dict:
    scores = {}
    for labeler in frame.columns:
        given = frame[labeler].dropna()
        if given.empty:
            raise ValueError(f"labeler {labeler!r} labelled no items")
        scores[labeler] = float((given == truth[given.index]).mean())
    return scores


def _leave_one_out(frame: pd.DataFrame) -> dict:
    counts = label_counts(frame)
    scores = {}
    for labeler in frame.columns:
        given = frame[labeler].dropna()
        own = pd.get_dummies(given).reindex(columns=counts.columns, fill_value=0).astype(int)
        others = counts.loc[given.index] - own
        scored = others.sum(axis=1) > 0
        if not scored.any():
            raise ValueError(f"labeler {labeler!r} shares no labelled item with another labeler")
        others, given = others[scored], given[scored]
        tied = others.eq(others.max(axis=1), axis=0).to_numpy()
        hit = tied[np.arange(len(given)), counts.columns.get_indexer(given)]
        scores[labeler] = float(np.mean(hit / tied.sum(axis=1)))
    return scores


# --------------------------------------------------------------------------- simulation


def simulate_labelers(
    n_items: int,
    classes: Sequence[Hashable],
    accuracy_per_labeler: Mapping[str, float] | Sequence[float],
    confusion: Mapping[tuple[Hashable, Hashable], float] | None = None,
    seed: int = 0,
) -> tuple[pd.Series, pd.DataFrame]:
    """Seeded labelers: ``(true labels, labels items × labelers)``.

    True classes are drawn uniformly. Each labeler gives the true class with their
    accuracy; otherwise a wrong class, chosen with weight 1 per class unless ``confusion``
    gives a pair of classes another (symmetric) weight: ``{("deep", "shallow"): 10}``
    makes those two classes 10× likelier to be mistaken for each other.

    Examples
    --------
    >>> truth, labels = simulate_labelers(4, ["a", "b", "c"], [0.9, 0.5], seed=3)
    >>> truth.tolist(), labels.columns.tolist()
    (['c', 'a', 'a', 'a'], ['labeler_1', 'labeler_2'])
    >>> labels["labeler_2"].tolist()
    ['c', 'c', 'a', 'c']
    """
    if isinstance(n_items, bool) or not isinstance(n_items, int | np.integer) or n_items < 1:
        raise ValueError(f"n_items should be a positive whole number, but got {n_items!r}")
    classes = list(classes)
    if len(classes) < 2 or len(set(classes)) != len(classes):
        raise ValueError(f"classes should be at least 2 distinct labels, but got {classes!r}")
    if isinstance(accuracy_per_labeler, Mapping):
        accuracies = dict(accuracy_per_labeler)
    else:
        accuracies = {f"labeler_{i + 1}": a for i, a in enumerate(accuracy_per_labeler)}
    if not accuracies:
        raise ValueError("accuracy_per_labeler is empty; give at least one labeler")
    for labeler, accuracy in accuracies.items():
        is_number = isinstance(accuracy, numbers.Real) and not isinstance(accuracy, bool)
        if not is_number or not 0 <= accuracy <= 1:  # also rejects NaN
            raise ValueError(
                f"accuracy of {labeler!r} should be a share between 0 and 1, but got {accuracy!r}"
            )
    mistakes = _mistake_probabilities(classes, confusion or {})
    rng = np.random.default_rng(seed)
    truth = rng.integers(len(classes), size=n_items)
    names = np.asarray(classes, dtype=object)
    columns = {}
    for labeler, accuracy in accuracies.items():
        right = rng.random(n_items) < accuracy
        draw = rng.random(n_items)
        wrong = (draw[:, None] >= mistakes[truth]).sum(axis=1)
        columns[labeler] = names[np.where(right, truth, wrong)]
    index = pd.RangeIndex(n_items, name="item")
    return pd.Series(names[truth], index=index, name="truth"), pd.DataFrame(columns, index=index)


def _mistake_probabilities(classes: list, confusion: Mapping) -> np.ndarray:
    """Row t: cumulative probabilities of each wrong class when the truth is class t."""
    k = len(classes)
    weights = np.ones((k, k)) - np.eye(k)
    for pair, weight in confusion.items():
        if not isinstance(pair, tuple) or len(pair) != 2 or pair[0] == pair[1]:
            raise ValueError(f"confusion keys should be pairs of two classes, but got {pair!r}")
        unknown = [c for c in pair if c not in classes]
        if unknown:
            raise ValueError(f"confusion names unknown classes {unknown}; classes: {classes}")
        if isinstance(weight, bool) or not 0 <= weight < np.inf:
            raise ValueError(f"confusion weight of {pair} should be >= 0, but got {weight!r}")
        i, j = classes.index(pair[0]), classes.index(pair[1])
        weights[i, j] = weights[j, i] = weight
    stuck = [classes[t] for t in range(k) if weights[t].sum() == 0]
    if stuck:
        raise ValueError(f"classes {stuck} have confusion weight 0 with every other class")
    cumulative = weights.cumsum(axis=1)
    return cumulative / cumulative[:, -1:]
