"""Semi-supervised labeling: spread a few labels to similar unlabeled examples.

Label propagation builds a similarity graph over all examples (labeled and not) and lets
labels flow along its edges until they settle; *spreading* also lets the known labels
change a little (``alpha``), which tolerates label noise (C2W4, *Advanced labeling*). The
graph algorithms are scikit-learn's ``LabelPropagation`` and ``LabelSpreading``.

Examples
--------
>>> from sklearn.datasets import load_digits
>>> X, y = load_digits(return_X_y=True)
>>> partial = hide_labels(y, keep=50, seed=0)
>>> int((partial != UNLABELED).sum())
50
>>> result = propagate(X / 16, partial)
>>> round(float((result.labels == y).mean()), 3)
0.875
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from mlep._checks import count, finite_array, labels, real, same_length, seeded_rng

__all__ = ["UNLABELED", "Propagated", "hide_labels", "propagate"]

UNLABELED = -1  # scikit-learn's marker for an unlabeled example


class Propagated(NamedTuple):
    """Labels for every example, how sure the graph is of each (0–1), and whether the
    iteration settled within ``max_iter`` (scikit-learn would warn on stderr otherwise)."""

    labels: np.ndarray
    confidence: np.ndarray
    converged: bool


def hide_labels(y: Any, *, keep: int, seed: int = 0) -> np.ndarray:
    """A copy of ``y`` with all but ``keep`` randomly chosen labels set to :data:`UNLABELED`.

    At least one example of each class is kept when ``keep`` allows it, so every class can
    spread.

    Parameters
    ----------
    y : array-like
        Every example's label.
    keep : int
        How many labels to keep.
    seed : int, default 0
        Seeds which labels are kept.
    """
    y = labels(y, "y")
    count(keep, "keep", minimum=1)
    if keep > len(y):
        raise ValueError(f"keep={keep} is more than the {len(y)} labels available")
    rng = seeded_rng(seed)
    classes = np.unique(y)
    kept = [rng.choice(np.flatnonzero(y == c)) for c in classes] if keep >= len(classes) else []
    rest = np.setdiff1d(np.arange(len(y)), kept)
    kept = np.concatenate([kept, rng.choice(rest, size=keep - len(kept), replace=False)]).astype(
        int
    )
    partial = np.full_like(y, UNLABELED)
    partial[kept] = y[kept]
    return partial


def propagate(
    X: Any,
    y_partial: Any,
    *,
    method: str = "spreading",
    n_neighbors: int = 7,
    alpha: float = 0.2,
    max_iter: int = 1000,
) -> Propagated:
    """Label every row of ``X`` from the few labels in ``y_partial`` (-1 = unlabeled).

    ``method`` is ``"spreading"`` (``LabelSpreading``, known labels may change by
    ``alpha``) or ``"propagation"`` (``LabelPropagation``, known labels are clamped); both
    use a k-nearest-neighbour graph with ``n_neighbors``. ``converged`` in the result says
    whether the labels settled; on a k-NN graph propagation can oscillate — raise
    ``max_iter`` or use spreading.

    Parameters
    ----------
    X : array-like
        Features of every example.
    y_partial : array-like
        Labels, with -1 (:data:`UNLABELED`) where unknown.
    method : {"spreading", "propagation"}, default "spreading"
        scikit-learn's ``LabelSpreading`` or ``LabelPropagation``.
    n_neighbors : int, default 7
        Neighbours in the k-nearest-neighbour graph.
    alpha : float, default 0.2
        How much a known label may change (spreading only).
    max_iter : int, default 1000
        Iterations before giving up on convergence.
    """
    from sklearn.semi_supervised import LabelPropagation, LabelSpreading

    X, y_partial = finite_array(X, "X", ndim=2), np.asarray(y_partial)
    if y_partial.ndim != 1:
        raise ValueError(f"y_partial must be one-dimensional, but got shape {y_partial.shape}")
    same_length(X, y_partial, "X", "y_partial")
    count(n_neighbors, "n_neighbors", minimum=1)
    count(max_iter, "max_iter", minimum=1)
    if not 0 < real(alpha, "alpha") < 1:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), but got {alpha}")
    if n_neighbors >= len(X):
        raise ValueError(
            f"n_neighbors must be below the number of rows of X ({len(X)}), but got {n_neighbors}"
        )
    labeled = y_partial != UNLABELED
    if len(np.unique(y_partial[labeled])) < 2:
        raise ValueError("y_partial needs labeled examples of at least two classes (others -1)")
    if not isinstance(method, str) or method not in ("spreading", "propagation"):
        raise ValueError(f"unknown method {method!r}; choose 'spreading' or 'propagation'")
    if method == "spreading":
        model = LabelSpreading(
            kernel="knn", n_neighbors=n_neighbors, alpha=alpha, max_iter=max_iter
        )
    elif method == "propagation":
        model = LabelPropagation(kernel="knn", n_neighbors=n_neighbors, max_iter=max_iter)
    else:
        raise ValueError(f"unknown method {method!r}; choose 'spreading' or 'propagation'")
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        model.fit(X, y_partial)
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return Propagated(model.transduction_, model.label_distributions_.max(axis=1), converged)
