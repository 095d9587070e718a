"""Active learning with modAL: label the examples the model is least sure about first.

A pool-based loop starts from a few labeled examples, asks a query strategy which pool
examples to label next, "labels" them from the held-back answers, refits, and records test
accuracy after every round. Comparing the curve with random sampling shows how many labels
the strategy saves (C2W4, *Advanced labeling*).

Strategies are modAL's: ``"uncertainty"`` (least confident), ``"margin"`` (smallest gap
between the top two classes), ``"entropy"``, ``"committee"`` (query by committee with vote
entropy over bootstrapped learners), and ``"random"`` as the baseline. Batches that cover
the data instead of piling up on one ambiguous case (cluster- and region-based sampling) are in
:mod:`~mlep.data.labeling.diversity`.

Examples
--------
>>> from sklearn.datasets import load_digits
>>> from sklearn.linear_model import LogisticRegression
>>> X, y = load_digits(return_X_y=True)
>>> model = LogisticRegression(max_iter=200)
>>> curve = learning_curve(model, X[:1000] / 16, y[:1000], X[1000:] / 16, y[1000:],
...                        strategy="margin", initial=20, rounds=3, batch_size=10, seed=0)
>>> curve["labels"].tolist()
[20, 30, 40, 50]
>>> bool(curve["accuracy"].iloc[-1] > curve["accuracy"].iloc[0])
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import (
    count,
    finite_array,
    frame,
    instance,
    labels,
    probability,
    real,
    same_label_kind,
    same_length,
    seeded_rng,
)

__all__ = ["STRATEGIES", "labels_to_reach", "learning_curve", "plot_learning_curves"]

STRATEGIES = ("uncertainty", "margin", "entropy", "committee", "random")
COMMITTEE_SIZE = 3


def _random_sampling(rng):
    def query(_learner, X_pool, n_instances=1):
        return rng.choice(len(X_pool), size=n_instances, replace=False)

    return query


def _learner(estimator, strategy: str, X, y, rng):
    from modAL.disagreement import vote_entropy_sampling
    from modAL.models import ActiveLearner, Committee
    from modAL.uncertainty import entropy_sampling, margin_sampling, uncertainty_sampling
    from sklearn.base import clone

    if strategy == "committee":
        members = []
        for _ in range(COMMITTEE_SIZE):  # bootstrap the seed set so members disagree
            rows = rng.choice(len(X), size=len(X), replace=True)
            members.append(ActiveLearner(clone(estimator), X_training=X[rows], y_training=y[rows]))
        return Committee(members, query_strategy=vote_entropy_sampling)
    query = {
        "uncertainty": uncertainty_sampling,
        "margin": margin_sampling,
        "entropy": entropy_sampling,
        "random": _random_sampling(rng),
    }[strategy]
    return ActiveLearner(clone(estimator), query_strategy=query, X_training=X, y_training=y)


def _check_strategy(strategy: str) -> None:
    instance(strategy, str, "strategy", f"a strategy name, one of {', '.join(STRATEGIES)}")
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of: {', '.join(STRATEGIES)}")


def learning_curve(
    estimator: Any,
    X_pool: Any,
    y_pool: Any,
    X_test: Any,
    y_test: Any,
    *,
    strategy: str,
    initial: int,
    rounds: int,
    batch_size: int = 1,
    seed: int = 0,
) -> pd.DataFrame:
    """Test accuracy after each round of pool-based active learning.

    Parameters
    ----------
    estimator : an unfitted scikit-learn classifier with ``predict_proba`` (cloned, not changed).
    X_pool, y_pool : the pool; ``y_pool`` plays the oracle, revealed only for queried rows.
    X_test, y_test : held-out data for the accuracy curve.
    strategy : one of :data:`STRATEGIES`.
    initial : labeled examples to start from, drawn at random (the same draw for every
        strategy with the same ``seed``, so curves start at the same point).
    rounds : query rounds; each labels ``batch_size`` more examples.

    Returns
    -------
    DataFrame with columns ``round``, ``labels`` (labeled so far) and ``accuracy``.
    """
    _check_strategy(strategy)
    if not all(callable(getattr(estimator, m, None)) for m in ("fit", "predict_proba")):
        raise TypeError(
            "estimator must be an unfitted scikit-learn classifier with predict_proba "
            f"(e.g. LogisticRegression()), but got {type(estimator).__name__}"
        )
    X_pool, X_test = finite_array(X_pool, "X_pool", ndim=2), finite_array(X_test, "X_test", ndim=2)
    y_pool, y_test = labels(y_pool, "y_pool"), labels(y_test, "y_test")
    same_label_kind(y_pool, y_test, "y_pool", "y_test")
    if X_pool.shape[1] != X_test.shape[1]:
        raise ValueError(
            f"X_pool and X_test must have the same features (columns), but got "
            f"{X_pool.shape[1]} and {X_test.shape[1]}"
        )
    same_length(X_pool, y_pool, "X_pool", "y_pool")
    same_length(X_test, y_test, "X_test", "y_test")
    count(initial, "initial", minimum=2)
    count(rounds, "rounds", minimum=0)
    count(batch_size, "batch_size", minimum=1)
    if initial + rounds * batch_size > len(X_pool):
        raise ValueError(
            f"initial + rounds * batch_size = {initial + rounds * batch_size} labels, but the "
            f"pool has only {len(X_pool)} examples"
        )
    rng = seeded_rng(seed)
    start = rng.choice(len(X_pool), size=initial, replace=False)
    if len(np.unique(y_pool[start])) < 2:
        raise ValueError(
            f"the {initial} initial examples all have one class; "
            "use a larger `initial` or another seed"
        )
    learner = _learner(estimator, strategy, X_pool[start], y_pool[start], rng)
    unlabeled = np.setdiff1d(np.arange(len(X_pool)), start)
    rows = [{"round": 0, "labels": initial, "accuracy": learner.score(X_test, y_test)}]
    for round_ in range(1, rounds + 1):
        picked = np.asarray(learner.query(X_pool[unlabeled], n_instances=batch_size)[0]).ravel()
        chosen = unlabeled[picked]
        learner.teach(X_pool[chosen], y_pool[chosen])
        unlabeled = np.delete(unlabeled, picked)
        rows.append(
            {
                "round": round_,
                "labels": initial + round_ * batch_size,
                "accuracy": learner.score(X_test, y_test),
            }
        )
    return pd.DataFrame(rows)


def labels_to_reach(curve: pd.DataFrame, target: float) -> int | None:
    """Fewest labels at which ``curve`` reaches ``target`` accuracy (``None`` if never).

    Parameters
    ----------
    curve : pandas.DataFrame
        A learning curve with ``labels`` and ``accuracy`` columns.
    target : float
        The accuracy to reach.

    Examples
    --------
    >>> curve = pd.DataFrame({"labels": [10, 20, 30], "accuracy": [0.5, 0.8, 0.9]})
    >>> labels_to_reach(curve, 0.8)
    20
    >>> labels_to_reach(curve, 0.95) is None
    True
    """
    instance(curve, pd.DataFrame, "curve", "a learning curve (a DataFrame)")
    probability(target, "target")
    missing = {"labels", "accuracy"} - set(curve.columns)
    if missing:
        raise ValueError(
            f"curve needs columns labels and accuracy; missing: {', '.join(sorted(missing))}"
        )
    reached = curve.loc[curve["accuracy"] >= target, "labels"]
    return None if reached.empty else int(reached.iloc[0])


def plot_learning_curves(curves: dict[str, pd.DataFrame], *, target: float | None = None):
    """Accuracy against labels for each named curve, with an optional target line.

    Parameters
    ----------
    curves : dict of str to pandas.DataFrame
        Name → learning curve (``labels``, ``accuracy``).
    target : float, optional
        Draw this accuracy as a dashed line.
    """
    import matplotlib.pyplot as plt

    instance(curves, dict, "curves", "a dict of name -> learning curve")
    if not curves:
        raise ValueError("curves must hold at least one learning curve, but got an empty dict")
    for name, curve in curves.items():
        frame(curve, f"curves[{name!r}]", columns=("labels", "accuracy"))
    if target is not None:
        real(target, "target")
    figure, axes = plt.subplots(figsize=(6.5, 4))
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    for name, curve in curves.items():
        axes.plot(
            curve["labels"],
            curve["accuracy"],
            label=name,
            linestyle="--" if name == "random" else "-",
        )
    if target is not None:
        axes.axhline(
            target, color="grey", linewidth=0.8, linestyle=":", label=f"target {target:.0%}"
        )
    axes.set(
        xlabel="labeled examples",
        ylabel="test accuracy",
        title="Active learning vs random sampling",
    )
    axes.legend()
    figure.tight_layout()
    return figure
