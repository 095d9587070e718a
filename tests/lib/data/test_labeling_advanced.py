"""Advanced labeling: label propagation, active learning (modAL), weak supervision (Snorkel)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from mlep.data import datasets
from mlep.data.labeling import active, propagation, weak


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16, y


# -- label propagation ----------------------------------------------------------------------


def test_hide_labels_keeps_exactly_k_and_every_class(digits):
    _, y = digits
    partial = propagation.hide_labels(y, keep=30, seed=1)
    kept = partial != propagation.UNLABELED
    assert kept.sum() == 30
    assert set(partial[kept]) == set(y)  # every class can spread
    assert (partial[kept] == y[kept]).all()


@pytest.mark.parametrize("method", ["spreading", "propagation"])
def test_propagation_beats_a_model_trained_on_the_few_labels(digits, method):
    X, y = digits
    spread, nearest = [], []
    for seed in range(5):
        partial = propagation.hide_labels(y, keep=50, seed=seed)
        result = propagation.propagate(X, partial, method=method)
        kept = partial != propagation.UNLABELED
        spread.append((result.labels == y).mean())
        nearest.append(
            (KNeighborsClassifier(n_neighbors=1).fit(X[kept], y[kept]).predict(X) == y).mean()
        )
    assert np.mean(spread) > np.mean(nearest) + 0.03, (spread, nearest)
    assert result.confidence.shape == y.shape
    assert isinstance(result.converged, bool)
    assert ((0 <= result.confidence) & (result.confidence <= 1)).all()


def test_propagation_rejects_bad_input(digits):
    X, y = digits
    with pytest.raises(ValueError, match="at least two classes"):
        propagation.propagate(X, np.full_like(y, -1))
    with pytest.raises(ValueError, match="same length"):
        propagation.propagate(X[:10], y[:9])
    with pytest.raises(ValueError, match="unknown method 'graph'"):
        propagation.propagate(X, propagation.hide_labels(y, keep=20), method="graph")
    with pytest.raises(ValueError, match="more than the 5 labels"):
        propagation.hide_labels(y[:5], keep=6)


# -- active learning ------------------------------------------------------------------------


def _curve(digits, strategy, seed):
    X, y = digits
    return active.learning_curve(
        LogisticRegression(max_iter=300),
        X[:1200],
        y[:1200],
        X[1200:],
        y[1200:],
        strategy=strategy,
        initial=20,
        rounds=30,
        batch_size=5,
        seed=seed,
    )


@pytest.mark.slow
def test_margin_sampling_needs_fewer_labels_than_random(digits):
    reach = {
        s: [active.labels_to_reach(_curve(digits, s, seed), 0.9) for seed in (0, 1)]
        for s in ("margin", "random")
    }
    for margin, random in zip(reach["margin"], reach["random"], strict=True):
        assert margin is not None
        assert random is None or margin < random, reach


def test_every_strategy_runs_and_starts_from_the_same_labels(digits):
    X, y = digits
    starts = set()
    for strategy in active.STRATEGIES:
        curve = active.learning_curve(
            LogisticRegression(max_iter=200),
            X[:400],
            y[:400],
            X[400:600],
            y[400:600],
            strategy=strategy,
            initial=20,
            rounds=2,
            batch_size=3,
            seed=4,
        )
        assert curve["labels"].tolist() == [20, 23, 26]
        assert curve["accuracy"].between(0, 1).all()
        if strategy != "committee":  # the committee's members see bootstrap resamples
            starts.add(round(curve["accuracy"].iloc[0], 10))
    assert len(starts) == 1


def test_the_same_seed_gives_the_same_curve(digits):
    pd.testing.assert_frame_equal(_curve(digits, "entropy", 3), _curve(digits, "entropy", 3))


def test_active_learning_rejects_bad_input(digits):
    X, y = digits
    model = LogisticRegression()
    with pytest.raises(ValueError, match="unknown strategy 'smart'; choose one of: uncertainty"):
        active.learning_curve(model, X, y, X, y, strategy="smart", initial=10, rounds=1)
    with pytest.raises(ValueError, match="only 50 examples"):
        active.learning_curve(
            model, X[:50], y[:50], X, y, strategy="margin", initial=40, rounds=3, batch_size=5
        )
    with pytest.raises(ValueError, match="X_pool and y_pool must have the same length"):
        active.learning_curve(model, X[:50], y[:40], X, y, strategy="margin", initial=10, rounds=1)
    with pytest.raises(ValueError, match="all have one class"):
        active.learning_curve(
            model,
            X[y < 2],
            np.zeros((y < 2).sum(), int),
            X,
            y,
            strategy="margin",
            initial=5,
            rounds=1,
        )
    with pytest.raises(ValueError, match="missing: accuracy"):
        active.labels_to_reach(pd.DataFrame({"labels": [1]}), 0.5)


def test_learning_curve_plot_has_a_line_per_strategy(digits):
    curves = {"margin": _curve(digits, "margin", 0), "random": _curve(digits, "random", 0)}
    figure = active.plot_learning_curves(curves, target=0.9)
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert labels == ["margin", "random", "target 90%"]


# -- weak supervision -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def comments():
    return {split: datasets.load("video_comments", split) for split in ("train", "test")}


def _lfs():
    from snorkel.labeling import labeling_function

    @labeling_function()
    def short_comment(row):
        return weak.HAM if len(row.text.split()) < 8 else weak.ABSTAIN

    return [
        weak.keyword_lf("subscribe", ["subscribe"], weak.SPAM),
        weak.keyword_lf("check_out", ["check out"], weak.SPAM),
        weak.keyword_lf("song", ["song"], weak.HAM),
        weak.keyword_lf("free", ["free", "win", "gift", "money"], weak.SPAM),
        weak.keyword_lf("love", ["love"], weak.HAM),
        short_comment,
    ]


def test_label_model_beats_majority_vote_on_held_out_labels(comments):
    lfs = _lfs()
    L_train, L_test = weak.apply_lfs(lfs, comments["train"]), weak.apply_lfs(lfs, comments["test"])
    for seed in (0, 1):
        scores = weak.compare_with_majority_vote(
            L_train, L_test, comments["test"]["label"], seed=seed
        )
        accuracy = dict(zip(scores["method"], scores["accuracy"], strict=True))
        assert accuracy["label model"] > accuracy["majority vote"] + 0.03, accuracy


def test_lf_summary_is_snorkels_analysis(comments):
    from snorkel.labeling import LFAnalysis

    lfs, test = _lfs(), comments["test"]
    L = weak.apply_lfs(lfs, test)
    summary = weak.lf_summary(L, lfs, test["label"])
    pd.testing.assert_frame_equal(summary, LFAnalysis(L, lfs).lf_summary(test["label"].to_numpy()))
    assert summary.loc["check_out", "Emp. Acc."] < 0.6  # the planted trap: ham says "check out"
    # keyword_lf matches the words themselves, as a regular expression would
    pattern = re.compile(r"\bsong\b")
    expected = test["text"].str.lower().map(lambda t: bool(pattern.search(t))).mean()
    assert summary.loc["song", "Coverage"] == pytest.approx(expected)


def test_training_labels_drop_rows_no_lf_voted_on(comments):
    lfs = _lfs()
    L = weak.apply_lfs(lfs, comments["train"])
    model = weak.fit_label_model(L, seed=0)
    labels = weak.training_labels(model, L)
    voted = (L != weak.ABSTAIN).any(axis=1)
    assert labels.index.tolist() == np.flatnonzero(voted).tolist()
    assert labels["label"].isin([0, 1]).all() and labels["confidence"].between(0.5, 1).all()


def test_weak_supervision_rejects_bad_input(comments):
    lfs = _lfs()
    with pytest.raises(ValueError, match="no labeling functions"):
        weak.apply_lfs([], comments["test"])
    with pytest.raises(TypeError, match="@labeling_function"):
        weak.apply_lfs([lambda row: 1], comments["test"])
    with pytest.raises(ValueError, match="repeated: subscribe"):
        weak.apply_lfs([lfs[0], lfs[0]], comments["test"])
    with pytest.raises(ValueError, match="non-empty pandas DataFrame"):
        weak.apply_lfs(lfs, comments["test"].iloc[:0])
    L = weak.apply_lfs(lfs, comments["test"])
    with pytest.raises(ValueError, match="6 columns but 5 labeling functions"):
        weak.lf_summary(L, lfs[:5])
    with pytest.raises(ValueError, match="y_test has 3 labels but L_test has 400 rows"):
        weak.compare_with_majority_vote(L, L, [0, 1, 0])
    with pytest.raises(ValueError, match="cardinality=2 allows 0..1"):
        weak.fit_label_model(np.array([[0, 2], [1, -1]]))
    with pytest.raises(ValueError, match="at least one keyword"):
        weak.keyword_lf("empty", [], weak.SPAM)


def test_keyword_lf_refuses_a_bare_string_and_a_missing_column():
    """keywords="free" was read letter by letter and never voted."""
    with pytest.raises(TypeError, match=r"keywords must be a list of strings.*\['free'\]"):
        weak.keyword_lf("free", "free", weak.SPAM)
    with pytest.raises(TypeError, match="keywords must hold strings only"):
        weak.keyword_lf("free", ["free", 3], weak.SPAM)
    with pytest.raises(ValueError, match="label must be >= 0"):
        weak.keyword_lf("free", ["free"], weak.ABSTAIN)
    lf = weak.keyword_lf("free", ["free"], weak.SPAM, column="body")
    with pytest.raises(ValueError, match="frame must have the column 'body'"):
        weak.apply_lfs([lf], pd.DataFrame({"text": ["free phone"]}))
    assert weak.apply_lfs([lf], pd.DataFrame({"body": ["free phone", "hi"]})).tolist() == [
        [1],
        [-1],
    ]


def test_learning_curve_and_propagation_refuse_nan_and_mixed_labels():
    from sklearn.linear_model import LogisticRegression

    X = np.arange(40, dtype=float).reshape(20, 2)
    y = np.array([0, 1] * 10)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="X_pool must hold finite numbers"):
        active.learning_curve(
            LogisticRegression(), bad, y, X, y, strategy="random", initial=4, rounds=1
        )
    with pytest.raises(TypeError, match="y_pool and y_test must hold the same kind"):
        active.learning_curve(
            LogisticRegression(), X, y, X, y.astype(str), strategy="random", initial=4, rounds=1
        )
    with pytest.raises(ValueError, match="X must hold finite numbers"):
        propagation.propagate(bad, np.where(np.arange(20) < 4, y, -1))
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        propagation.propagate(X, np.where(np.arange(20) < 4, y, -1), alpha=1.5)


def test_plot_learning_curves_leaves_no_pyplot_figure():
    import matplotlib.pyplot as plt

    curve = pd.DataFrame({"labels": [10, 20], "accuracy": [0.5, 0.8]})
    before = len(plt.get_fignums())
    active.plot_learning_curves({"random": curve}, target=0.7)
    assert len(plt.get_fignums()) == before
