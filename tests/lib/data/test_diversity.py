"""Cluster- and region-based active learning: diverse batches where uncertainty sampling is not."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import entropy
from sklearn.datasets import make_blobs
from sklearn.linear_model import LogisticRegression

from mlep.data.labeling.diversity import (
    cluster_sampling,
    region_sampling,
    uncertainty,
    uncertainty_sampling,
)

CENTERS = [[0, 0], [0, 8], [8, 0], [8, 8], [4, 4]]


@pytest.fixture(scope="module")
def pool():
    """Five separated blobs; a model trained on a few labels, with its probabilities on the pool."""
    X, blob = make_blobs(500, centers=CENTERS, cluster_std=1.0, random_state=0)
    y = (X[:, 0] > 4).astype(int)  # the boundary crosses blob 4 (the middle one) only
    rng = np.random.default_rng(0)
    start = rng.choice(len(X), 20, replace=False)
    model = LogisticRegression().fit(X[start], y[start])
    return X, blob, model.predict_proba(X)


def test_uncertainty_sampling_piles_up_in_one_blob(pool):
    X, blob, probabilities = pool
    picked = uncertainty_sampling(probabilities, 5)
    assert len(set(blob[picked])) == 1  # five near-copies of the ambiguous middle


@pytest.mark.parametrize("pick", ["uncertain", "centre"])
@pytest.mark.parametrize("seed", [0, 1])
def test_cluster_sampling_takes_one_example_per_blob(pool, pick, seed):
    X, blob, probabilities = pool
    picked = cluster_sampling(X, probabilities, 5, pick=pick, seed=seed)
    assert sorted(blob[picked].tolist()) == [0, 1, 2, 3, 4]
    scores = uncertainty(probabilities)
    assert np.all(np.diff(scores[picked]) <= 0)  # most uncertain first
    if pick == "uncertain":  # each is its blob's most uncertain example
        for index in picked:
            assert scores[index] == scores[blob == blob[index]].max()
    else:  # each is near its blob's centre
        for index in picked:
            assert np.linalg.norm(X[index] - CENTERS[blob[index]]) < 1.0


def test_region_sampling_shares_the_batch_among_regions(pool):
    X, blob, probabilities = pool
    region = np.where(X[:, 0] < 4, "left", "right")  # regions by a feature's range
    picked = region_sampling(probabilities, region, 6)
    assert sorted(region[picked].tolist()) == ["left"] * 3 + ["right"] * 3
    scores = uncertainty(probabilities)
    for side in ("left", "right"):  # within a region: its most uncertain examples
        mine = picked[region[picked] == side]
        assert sorted(scores[mine]) == sorted(np.sort(scores[region == side])[-3:])
    by_blob = region_sampling(probabilities, blob, 12)
    assert sorted(np.bincount(blob[by_blob]).tolist()) == [2, 2, 2, 3, 3]


def test_region_sampling_when_a_region_runs_out():
    p = np.array([[0.5, 0.5], [0.6, 0.4], [0.7, 0.3], [0.8, 0.2]])
    assert region_sampling(p, ["a", "b", "b", "b"], 4).tolist() == [0, 1, 2, 3]


def test_the_measures_match_their_definitions():
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1, 1, 1], size=50)
    np.testing.assert_allclose(uncertainty(p), 1 - p.max(axis=1))
    top = -np.sort(-p, axis=1)
    np.testing.assert_allclose(uncertainty(p, measure="margin"), 1 - (top[:, 0] - top[:, 1]))
    np.testing.assert_allclose(uncertainty(p, measure="entropy"), entropy(p, axis=1))


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: uncertainty([0.5, 0.5]), ValueError, "probabilities must be 2-dimensional"),
        (lambda: uncertainty([[0.5, 0.6]]), ValueError, "rows summing to 1"),
        (lambda: uncertainty([[1.0]]), ValueError, "at least 2"),
        (lambda: uncertainty([[0.5, 0.5]], measure="gini"), ValueError, "measure must be"),
        (lambda: uncertainty_sampling([[0.5, 0.5]], 2), ValueError, "n must be at most"),
        (lambda: uncertainty_sampling([[0.5, 0.5]], 1.0), TypeError, "n must be an integer"),
        (lambda: cluster_sampling([[0.0]], [[0.5, 0.5], [0.5, 0.5]], 1), ValueError, "one row per"),
        (lambda: cluster_sampling([[0.0]], [[0.5, 0.5]], 1, pick="far"), ValueError, "pick must"),
        (lambda: region_sampling([[0.5, 0.5]], ["a", "b"], 1), ValueError, "regions must hold"),
    ],
)
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


class _Fixed:
    """A stand-in classifier whose predict_proba returns a fixed table (for modAL)."""

    def __init__(self, probabilities):
        self.probabilities = probabilities

    def predict_proba(self, X):
        return self.probabilities


def test_uncertainty_and_its_sampling_agree_with_modal_on_random_tables():
    """Random probability tables, rounded ones with ties, and one-hot rows (entropy 0)."""
    from modAL import uncertainty as modal

    strategies = {
        "least_confident": (modal.classifier_uncertainty, modal.uncertainty_sampling),
        "margin": (lambda c, X: 1 - modal.classifier_margin(c, X), modal.margin_sampling),
        "entropy": (modal.classifier_entropy, modal.entropy_sampling),
    }
    rng = np.random.default_rng(0)
    for trial in range(60):
        n, k = int(rng.integers(1, 20)), int(rng.integers(2, 5))
        table = rng.dirichlet(np.ones(k), size=n)
        if trial % 3 == 0:
            table = np.round(table, 1)
            table /= table.sum(axis=1, keepdims=True)
        table[0] = np.eye(k)[0]
        batch = int(rng.integers(1, n + 1))
        for measure, (score, sample) in strategies.items():
            ours = uncertainty(table, measure=measure)
            np.testing.assert_allclose(ours, score(_Fixed(table), None), atol=1e-12)
            theirs = sample(_Fixed(table), np.zeros((n, 1)), n_instances=batch)
            theirs = np.asarray(theirs[0] if isinstance(theirs, tuple) else theirs)  # (index, X)
            # ties may pick other rows: the chosen scores must be the same
            chosen = uncertainty_sampling(table, batch, measure=measure)
            np.testing.assert_allclose(np.sort(ours[chosen]), np.sort(ours[theirs]), atol=1e-12)
