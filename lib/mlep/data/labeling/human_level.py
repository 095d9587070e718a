"""Human-level performance from labelers, and a seeded simulator of labelers (C1W3, C2W4).

How well can a human do? :func:`human_level_performance` answers from several labelers'
labels: against ground truth when there is one, otherwise each labeler against the majority
of the others. :func:`simulate_labelers` makes labelers of known accuracy (and known
confusions) to try the measures on.

Examples
--------
>>> truth, labels = simulate_labelers(300, ["dent", "scratch", "ok"], [0.95, 0.9, 0.85], seed=0)
>>> print(human_level_performance(labels, ground_truth=truth))
HLP 0.889 (best labeler 0.933; accuracy against ground truth)
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlep._checks import class_labels, instance, one_label_kind, seeded_rng
from mlep.data.labeling.consistency import label_counts, labels_table

__all__ = ["HumanLevel", "human_level_performance", "simulate_labelers"]


@dataclass(frozen=True, eq=False)
class HumanLevel:
    """Human-level performance estimated from labelers (see :func:`human_level_performance`)."""

    mean: float  #: mean over labelers
    best: float  #: the best labeler
    per_labeler: pd.Series  #: each labeler's score
    method: str  #: "ground_truth" or "leave_one_out"

    @property
    def best_labeler(self) -> Hashable:
        """The name of the labeler with the best score."""
        return self.per_labeler.idxmax()

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

    Parameters
    ----------
    labels : pandas.DataFrame or 2-D array-like
        One row per item, one column per labeler; a missing value means not labelled.
    ground_truth : pandas.Series or sequence, optional
        The true label of each item; without it labelers are scored against each other.

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

    A labeler who skipped an item (``None``/NaN) is scored on the items they labelled:

    >>> labels = pd.DataFrame({"ana": ["cat", "dog", "dog", "cat"],
    ...                        "ben": ["cat", "cat", "dog", None]})
    >>> hlp = human_level_performance(labels, ["cat", "dog", "dog", "dog"])
    >>> hlp.per_labeler.round(4).to_dict(), round(hlp.mean, 4), hlp.best_labeler
    ({'ana': 0.75, 'ben': 0.6667}, 0.7083, 'ana')
    """
    frame = labels_table(labels, min_labelers=1 if ground_truth is not None else 2)
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
    # 1 and "1" never match: labels and truth must be one kind, as labels_table asks of labels
    one_label_kind(
        np.concatenate([frame.stack().to_numpy(), truth.to_numpy()]),
        "labels and ground_truth together",
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

    Parameters
    ----------
    n_items : int
        How many items to label.
    classes : sequence
        The classes.
    accuracy_per_labeler : mapping of str to float, or sequence of float
        Each labeler's chance of giving the true class (a sequence names them
        ``labeler_1``, ``labeler_2``...).
    confusion : mapping of (class, class) to float, optional
        Relative weights of particular wrong answers (symmetric).
    seed : int, default 0
        Seeds the true classes and every label.

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
    instance(classes, (list, tuple, np.ndarray, pd.Index), "classes", "a list of classes")
    classes = class_labels(classes, "classes")
    if len(classes) < 2 or len(set(classes)) != len(classes):
        raise ValueError(f"classes should be at least 2 distinct labels, but got {classes!r}")
    if isinstance(accuracy_per_labeler, Mapping):
        accuracies = dict(accuracy_per_labeler)
    else:
        instance(
            accuracy_per_labeler,
            (list, tuple, np.ndarray, pd.Series),
            "accuracy_per_labeler",
            "a dict of labeler -> accuracy, or a list of accuracies",
        )
        accuracies = {f"labeler_{i + 1}": a for i, a in enumerate(accuracy_per_labeler)}
    if not accuracies:
        raise ValueError("accuracy_per_labeler is empty; give at least one labeler")
    for labeler, accuracy in accuracies.items():
        is_number = isinstance(accuracy, numbers.Real) and not isinstance(accuracy, bool)
        if not is_number or not 0 <= accuracy <= 1:  # also rejects NaN
            raise ValueError(
                f"accuracy of {labeler!r} should be a share between 0 and 1, but got {accuracy!r}"
            )
    if confusion is not None:
        instance(confusion, Mapping, "confusion", "a dict of (class, class) -> weight")
    mistakes = _mistake_probabilities(classes, confusion or {})
    rng = seeded_rng(seed)
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
