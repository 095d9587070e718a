"""Diverse active-learning batches: cluster-based and region-based sampling (C2W4).

Uncertainty sampling picks the examples the model is least sure about; in a batch these are
often near-copies of one ambiguous case, and the batch teaches little more than one of them.
Two of the course's strategies spread a batch over the data:

- **cluster-based sampling** (:func:`cluster_sampling`) clusters the unlabeled pool with
  k-means into as many clusters as the batch has slots and takes one example per cluster —
  its most uncertain, or the one nearest the centre (a representative);
- **region-based sampling** (:func:`region_sampling`) divides the pool into regions (clusters,
  or ranges of a feature such as the device or the hour) and runs uncertainty sampling
  *within* each region, taking the regions in turn, so every region keeps receiving labels.

:func:`uncertainty_sampling` is the plain strategy they improve on. All three take the
model's ``predict_proba`` output for the pool and return the pool indices to label, most
uncertain first.

Examples
--------
>>> from sklearn.datasets import make_blobs
>>> centers = [[0, 0], [0, 6], [6, 0], [6, 6]]
>>> X, blob = make_blobs(200, centers=centers, cluster_std=0.8, random_state=0)
>>> p_first = 1 / (1 + np.exp(-np.linalg.norm(X, axis=1) / 2))  # unsure near (0, 0) only
>>> probabilities = np.column_stack([p_first, 1 - p_first])
>>> blob[uncertainty_sampling(probabilities, 4)].tolist()  # four near-copies from blob 0
[0, 0, 0, 0]
>>> blob[cluster_sampling(X, probabilities, 4, seed=0)].tolist()  # one per blob
[0, 1, 2, 3]
>>> blob[region_sampling(probabilities, blob, 6)].tolist()  # regions = the blobs here
[0, 1, 2, 3, 0, 2]
"""

from __future__ import annotations

import numpy as np

from mlep._checks import count, finite_array, one_of

__all__ = ["MEASURES", "cluster_sampling", "region_sampling", "uncertainty", "uncertainty_sampling"]

MEASURES = ("least_confident", "margin", "entropy")


def _probabilities(probabilities) -> np.ndarray:
    p = finite_array(probabilities, "probabilities", ndim=2)
    if p.shape[1] < 2 or p.shape[0] == 0:
        raise ValueError(
            "probabilities must have one row per pool example and one column per class (at "
            f"least 2), as predict_proba returns, but got shape {p.shape}"
        )
    if p.min() < 0 or not np.allclose(p.sum(axis=1), 1, atol=1e-6):
        raise ValueError(
            "probabilities must be between 0 and 1 with rows summing to 1 (predict_proba's "
            f"output), but got row sums from {p.sum(axis=1).min():.3g} to {p.sum(axis=1).max():.3g}"
        )
    return p


def uncertainty(probabilities, *, measure: str = "least_confident") -> np.ndarray:
    """How unsure the model is about each example (higher is more uncertain).

    Parameters
    ----------
    probabilities : array-like of shape (n_examples, n_classes)
        The model's ``predict_proba`` output for the pool.
    measure : {"least_confident", "margin", "entropy"}, default "least_confident"
        ``1 - max p``; ``1 - (p_top - p_second)``; or the entropy ``-sum p log p``.

    Returns
    -------
    numpy.ndarray of shape (n_examples,)

    Examples
    --------
    >>> uncertainty([[0.9, 0.1], [0.5, 0.5]], measure="margin").round(2).tolist()
    [0.2, 1.0]
    """
    p = _probabilities(probabilities)
    one_of(measure, MEASURES, "measure")
    if measure == "least_confident":
        return 1 - p.max(axis=1)
    if measure == "margin":
        top = np.sort(p, axis=1)
        return 1 - (top[:, -1] - top[:, -2])
    return -np.sum(p * np.log(np.where(p > 0, p, 1)), axis=1)


def _batch_size(n, pool: int) -> int:
    n = count(n, "n", minimum=1)
    if n > pool:
        raise ValueError(f"n must be at most the pool size ({pool}), but got {n}")
    return n


def uncertainty_sampling(probabilities, n: int, *, measure: str = "least_confident") -> np.ndarray:
    """The ``n`` most uncertain examples (ties: the lower index first).

    Parameters
    ----------
    probabilities : array-like of shape (n_examples, n_classes)
        The model's ``predict_proba`` output for the pool.
    n : int
        Batch size.
    measure : {"least_confident", "margin", "entropy"}, default "least_confident"

    Returns
    -------
    numpy.ndarray of int
        Pool indices, most uncertain first.

    Examples
    --------
    >>> uncertainty_sampling([[0.9, 0.1], [0.6, 0.4], [0.5, 0.5]], 2).tolist()
    [2, 1]
    """
    scores = uncertainty(probabilities, measure=measure)
    n = _batch_size(n, len(scores))
    return np.argsort(-scores, kind="stable")[:n]


def cluster_sampling(
    X,
    probabilities,
    n: int,
    *,
    pick: str = "uncertain",
    measure: str = "least_confident",
    seed: int = 0,
) -> np.ndarray:
    """One example from each of ``n`` k-means clusters of the pool.

    Parameters
    ----------
    X : array-like of shape (n_examples, n_features)
        The pool's features (scale them first: k-means uses Euclidean distance).
    probabilities : array-like of shape (n_examples, n_classes)
        The model's ``predict_proba`` output for the pool.
    n : int
        Batch size, and number of clusters.
    pick : {"uncertain", "centre"}, default "uncertain"
        Take each cluster's most uncertain example, or the one nearest its centre.
    measure : {"least_confident", "margin", "entropy"}, default "least_confident"
    seed : int, default 0
        Seed of k-means.

    Returns
    -------
    numpy.ndarray of int
        ``n`` pool indices from ``n`` different clusters, most uncertain first.

    Examples
    --------
    >>> X = np.array([[0.0], [0.1], [0.2], [5.0], [5.1]])
    >>> p = np.array([[0.5, 0.5], [0.55, 0.45], [0.6, 0.4], [0.9, 0.1], [0.8, 0.2]])
    >>> cluster_sampling(X, p, 2).tolist()
    [0, 4]
    """
    from sklearn.cluster import KMeans

    X = finite_array(X, "X", ndim=2)
    scores = uncertainty(probabilities, measure=measure)
    if len(X) != len(scores):
        raise ValueError(
            "X and probabilities must have one row per pool example, "
            f"but got {len(X)} and {len(scores)}"
        )
    one_of(pick, ("uncertain", "centre"), "pick")
    n = _batch_size(n, len(X))
    model = KMeans(n_clusters=n, n_init=3, random_state=count(seed, "seed")).fit(X)
    distance = np.linalg.norm(X - model.cluster_centers_[model.labels_], axis=1)
    chosen = []
    for cluster in range(n):
        members = np.flatnonzero(model.labels_ == cluster)
        best = (
            members[np.argmax(scores[members])]
            if pick == "uncertain"
            else members[np.argmin(distance[members])]
        )
        chosen.append(best)
    chosen = np.array(chosen)
    return chosen[np.argsort(-scores[chosen], kind="stable")]


def region_sampling(
    probabilities, regions, n: int, *, measure: str = "least_confident"
) -> np.ndarray:
    """Uncertainty sampling within each region, taking the regions in turn.

    Round after round, each region gives its most uncertain example not yet taken; within a
    round, regions whose candidate is more uncertain go first. So with ``R`` regions every
    region gets ``n // R`` or one more of the batch (fewer only if it runs out of examples).

    Parameters
    ----------
    probabilities : array-like of shape (n_examples, n_classes)
        The model's ``predict_proba`` output for the pool.
    regions : array-like of shape (n_examples,)
        Each example's region: a cluster label, a device, an hour bucket...
    n : int
        Batch size.
    measure : {"least_confident", "margin", "entropy"}, default "least_confident"

    Returns
    -------
    numpy.ndarray of int
        ``n`` pool indices, in the order taken.

    Examples
    --------
    >>> p = [[0.5, 0.5], [0.52, 0.48], [0.55, 0.45], [0.95, 0.05], [0.9, 0.1]]
    >>> region_sampling(p, ["phone", "phone", "phone", "web", "web"], 2).tolist()
    [0, 4]
    """
    scores = uncertainty(probabilities, measure=measure)
    regions = np.asarray(regions)
    if regions.ndim != 1 or len(regions) != len(scores):
        raise ValueError(
            f"regions must hold one region per pool example ({len(scores)}), "
            f"but got shape {regions.shape}"
        )
    n = _batch_size(n, len(scores))
    queues = []
    for region in np.unique(regions):
        members = np.flatnonzero(regions == region)
        queues.append(list(members[np.argsort(-scores[members], kind="stable")]))
    chosen: list[int] = []
    while len(chosen) < n:
        heads = sorted((q for q in queues if q), key=lambda q: (-scores[q[0]], q[0]))
        for queue in heads[: n - len(chosen)]:
            chosen.append(int(queue.pop(0)))
    return np.array(chosen)
