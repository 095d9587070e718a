"""Weak supervision with Snorkel: labeling functions, their analysis, and a label model.

Instead of labeling rows by hand, write *labeling functions* (LFs): small heuristics that
vote a class or abstain. Snorkel's :class:`~snorkel.labeling.model.LabelModel` learns how
accurate each LF is from their agreements and disagreements alone — no labels — and turns
the votes into training labels, which often beats a plain majority vote when LFs differ in
quality (C2W4, *Advanced labeling*). Often, not always: the label model assumes LFs err
independently, and LFs that fire together on the same mistakes can make it worse than the
vote — always compare the two on a few held-out labels, as
:func:`compare_with_majority_vote` does. Snorkel (and PyTorch) load only when a function runs.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"text": ["win a free phone", "i love this song", "free gift http://x"]})
>>> lfs = [keyword_lf("free", ["free"], SPAM), keyword_lf("song", ["song"], HAM)]
>>> apply_lfs(lfs, frame).tolist()
[[1, -1], [-1, 0], [1, -1]]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, instance, strings, text

__all__ = [
    "ABSTAIN",
    "HAM",
    "SPAM",
    "apply_lfs",
    "compare_with_majority_vote",
    "fit_label_model",
    "keyword_lf",
    "lf_summary",
    "training_labels",
]

ABSTAIN, HAM, SPAM = -1, 0, 1


def keyword_lf(name: str, keywords: Sequence[str], label: int, *, column: str = "text"):
    """A Snorkel labeling function voting ``label`` when ``column`` contains any keyword.

    Matching is case-insensitive on whole words or phrases.

    Parameters
    ----------
    name : str
        The labeling function's name (Snorkel's LF name, shown in :func:`lf_summary`).
    keywords : sequence of str
        Words or phrases that trigger the vote (not a single string).
    label : int
        The class it votes for.
    column : str, default "text"
        The text column it reads.
    """
    from snorkel.labeling import LabelingFunction

    text(name, "name")
    if isinstance(keywords, (list, tuple)) and not keywords:
        raise ValueError(f"labeling function {name!r} needs at least one keyword")
    keywords = strings(keywords, "keywords")  # a bare string would never match as a word
    count(label, "label")  # a class index; ABSTAIN (-1) is what the function says otherwise
    text(column, "column")
    pattern = re.compile(r"\b(" + "|".join(re.escape(k.lower()) for k in keywords) + r")\b")

    def vote(row):
        return label if pattern.search(str(getattr(row, column)).lower()) else ABSTAIN

    function = LabelingFunction(name=name, f=vote)
    function.mlep_column = column  # apply_lfs checks the frame has it
    return function


def _check_lfs(lfs) -> list:
    if isinstance(lfs, (str, bytes)) or not isinstance(lfs, Iterable):
        raise TypeError(
            f"lfs must be a list of Snorkel labeling functions, but got a {type(lfs).__name__}: "
            f"{lfs!r:.80}"
        )
    lfs = list(lfs)
    if not lfs:
        raise ValueError("no labeling functions given; pass a list of Snorkel labeling functions")
    names = [getattr(lf, "name", None) for lf in lfs]
    if None in names:
        raise TypeError(
            "labeling functions must be Snorkel LabelingFunctions: decorate each with "
            "@labeling_function() or build it with keyword_lf()"
        )
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(
            f"labeling function names must be unique; repeated: {', '.join(duplicated)}"
        )
    return lfs


def apply_lfs(lfs, frame: pd.DataFrame) -> np.ndarray:
    """The label matrix ``L``: one row per row of ``frame``, one column per LF (-1 = abstain).

    Parameters
    ----------
    lfs : sequence of snorkel LabelingFunction
        The labeling functions, one column each.
    frame : pandas.DataFrame
        The rows to label.
    """
    from snorkel.labeling import PandasLFApplier

    lfs = _check_lfs(lfs)
    frame_ = instance(frame, pd.DataFrame, "frame", "a pandas DataFrame")
    if frame_.empty:
        raise ValueError("frame must be a non-empty pandas DataFrame, but got one with no rows")
    for lf in lfs:
        column = getattr(lf, "mlep_column", None)
        if column is not None and column not in frame.columns:
            raise ValueError(
                f"frame must have the column {column!r} that labeling function {lf.name!r} "
                f"reads, but got columns {list(frame.columns)}"
            )
    return PandasLFApplier(lfs).apply(frame, progress_bar=False)


def _check_matrix(L: Any, what: str = "L") -> np.ndarray:
    L = np.asarray(L)
    if L.ndim != 2 or L.shape[0] == 0 or L.shape[1] == 0:
        raise ValueError(
            f"{what} must be a non-empty 2-D label matrix (rows × labeling functions), "
            f"got shape {L.shape}"
        )
    if not np.issubdtype(L.dtype, np.integer) or L.min() < ABSTAIN:
        raise ValueError(f"{what} must hold integer votes: -1 (abstain) or a class index 0, 1, ...")
    return L


def lf_summary(L: np.ndarray, lfs, labels: Any = None) -> pd.DataFrame:
    """Snorkel's ``LFAnalysis`` table: polarity, coverage, overlaps, conflicts (and accuracy
    when ``labels`` are given).

    Parameters
    ----------
    L : numpy.ndarray
        The label matrix from :func:`apply_lfs`.
    lfs : sequence of snorkel LabelingFunction
        The functions that made it, in column order.
    labels : array-like, optional
        True labels of the rows, to add each LF's empirical accuracy.
    """
    from snorkel.labeling import LFAnalysis

    L, lfs = _check_matrix(L), _check_lfs(lfs)
    if L.shape[1] != len(lfs):
        raise ValueError(f"L has {L.shape[1]} columns but {len(lfs)} labeling functions were given")
    if labels is not None:
        labels = np.asarray(labels)
        if len(labels) != len(L):
            raise ValueError(f"labels has {len(labels)} entries but L has {len(L)} rows")
    return LFAnalysis(L, lfs).lf_summary(labels)


def fit_label_model(
    L_train: np.ndarray, *, cardinality: int = 2, n_epochs: int = 500, seed: int = 0
):
    """Fit Snorkel's ``LabelModel`` on an unlabeled label matrix (seeded, no progress bar).

    Parameters
    ----------
    L_train : numpy.ndarray
        An unlabeled label matrix.
    cardinality : int, default 2
        The number of classes.
    n_epochs : int, default 500
        Training epochs of the label model.
    seed : int, default 0
        Seeds Snorkel's training.
    """
    from snorkel.labeling.model import LabelModel

    L_train = _check_matrix(L_train, "L_train")
    count(cardinality, "cardinality", minimum=2)
    count(n_epochs, "n_epochs", minimum=1)
    count(seed, "seed")
    if L_train.max() >= cardinality:
        raise ValueError(
            f"L_train has the vote {L_train.max()}, but cardinality={cardinality} "
            f"allows 0..{cardinality - 1}"
        )
    model = LabelModel(cardinality=cardinality, verbose=False)
    model.fit(L_train, n_epochs=n_epochs, seed=seed, progress_bar=False)
    return model


def compare_with_majority_vote(
    L_train: np.ndarray, L_test: np.ndarray, y_test: Any, *, cardinality: int = 2, seed: int = 0
) -> pd.DataFrame:
    """Test accuracy of majority vote and of a label model fit on ``L_train``.

    Ties and all-abstain rows are broken at random (seeded), as Snorkel's ``score`` does,
    so both methods label every test row.

    Parameters
    ----------
    L_train : numpy.ndarray
        Label matrix to fit the label model on (no labels needed).
    L_test : numpy.ndarray
        Label matrix of the test rows.
    y_test : array-like
        True labels of the test rows.
    cardinality : int, default 2
        The number of classes.
    seed : int, default 0
        Seeds the label model and the tie-breaks.
    """
    from snorkel.labeling.model import MajorityLabelVoter

    L_test = _check_matrix(L_test, "L_test")
    y_test = np.asarray(y_test)
    if y_test.ndim != 1:
        raise ValueError(
            f"y_test must be a 1-D sequence of labels (one per row of L_test), "
            f"but got shape {y_test.shape}"
        )
    if len(y_test) != len(L_test):
        raise ValueError(f"y_test has {len(y_test)} labels but L_test has {len(L_test)} rows")
    label_model = fit_label_model(L_train, cardinality=cardinality, seed=seed)
    models = {
        "majority vote": MajorityLabelVoter(cardinality=cardinality),
        "label model": label_model,
    }
    rows = []
    for name, model in models.items():
        np.random.seed(seed)  # Snorkel breaks ties with the global NumPy generator
        accuracy = model.score(L_test, y_test, tie_break_policy="random")["accuracy"]
        rows.append({"method": name, "accuracy": float(accuracy)})
    return pd.DataFrame(rows)


def training_labels(label_model, L: np.ndarray) -> pd.DataFrame:
    """Probabilistic labels for the rows at least one LF voted on.

    Returns a DataFrame indexed by row number with the most likely ``label`` and its
    ``confidence``; rows where every LF abstained are dropped — they carry no signal.

    Parameters
    ----------
    label_model : snorkel.labeling.model.LabelModel
        A fitted label model (:func:`fit_label_model`).
    L : numpy.ndarray
        The label matrix of the rows to label.
    """
    L = _check_matrix(L)
    if not hasattr(label_model, "predict_proba"):
        raise TypeError(
            f"label_model must be a fitted label model (see fit_label_model), but got a "
            f"{type(label_model).__name__}"
        )
    expected = getattr(label_model, "m", L.shape[1])
    if L.shape[1] != expected:
        raise ValueError(
            f"L must have one column per labeling function the model was fit on ({expected}), "
            f"but got {L.shape[1]}"
        )
    voted = (L != ABSTAIN).any(axis=1)
    probs = label_model.predict_proba(L[voted])
    return pd.DataFrame(
        {"label": probs.argmax(axis=1), "confidence": probs.max(axis=1)},
        index=np.flatnonzero(voted),
    )
