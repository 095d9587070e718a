"""Hyperparameter tuning and neural architecture search: search spaces, strategies, budgets (C3W1).

A search has three parts, as the course frames NAS: a **search space** (:class:`Space`: named
choices and ranges), a **search strategy** (random, grid, Bayesian optimisation, evolution) and
a **performance estimate** (full training is costly, so cheaper, lower-fidelity estimates and
early stopping matter). :func:`search` runs one strategy on any objective and returns every trial
with its best-so-far score; random, grid and Bayesian optimisation are KerasTuner's oracles,
driven through a KerasTuner ``Tuner``; the evolutionary strategy (regularised evolution:
mutate the best of a random sample, retire the oldest) is written here as the course teaches it.
The performance estimate is visible too: ``search(..., epochs=e)`` scores every point with a
training budget of ``e`` epochs (a lower-fidelity estimate when ``e`` is small), and
``strategy="hyperband"`` (KerasTuner's Hyperband oracle) stops most points early and trains only
the best longer; :func:`rank_agreement` says whether a cheap estimate ranks points as the full
one does. :func:`keras_search` is the plain KerasTuner path for a Keras model-building function.

Examples
--------
>>> space = Space(units=[16, 32, 64, 128], rate=(1e-4, 1e-1, "log"))
>>> def score(units, rate):  # a stand-in for "train and validate"
...     return -abs(units - 64) / 64 - abs(np.log10(rate) + 2)
>>> trials = search(score, space, strategy="evolution", budget=30, seed=0)
>>> best = trials.loc[trials["score"].idxmax()]
>>> int(best["units"]), bool(-2.5 < np.log10(best["rate"]) < -1.5)
(64, True)
"""

from __future__ import annotations

import os
import random
import tempfile
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count, finite_array, instance, one_of, real

__all__ = [
    "STRATEGIES",
    "Space",
    "keras_search",
    "mlp_objective",
    "plot_best_so_far",
    "rank_agreement",
    "search",
]

STRATEGIES = ("random", "grid", "bayesian", "evolution", "hyperband")


class Space:
    """A search space: each keyword is a list of choices or a range ``(low, high[, "log"])``.

    Integer ranges (both ends ints) sample integers; ``"log"`` samples on a log scale.
    """

    def __init__(self, **dimensions: Any):
        if not dimensions:
            raise ValueError(
                "a search space needs at least one dimension, e.g. Space(units=[16, 32])"
            )
        self.dimensions = {}
        for name, spec in dimensions.items():
            if isinstance(spec, list):
                if not spec:
                    raise ValueError(f"{name}: an empty list of choices")
                self.dimensions[name] = ("choice", list(spec))
            elif isinstance(spec, tuple) and len(spec) in (2, 3):
                low, high = spec[0], spec[1]
                real(low, f"{name}'s low end"), real(high, f"{name}'s high end")
                if len(spec) == 3:
                    one_of(spec[2], ("log",), f"{name}'s scale")
                log = len(spec) == 3 and spec[2] == "log"
                if not low < high or (log and low <= 0):
                    raise ValueError(
                        f"{name}: a range needs low < high (and low > 0 on a log scale), got {spec}"
                    )
                kind = (
                    "int" if isinstance(low, int) and isinstance(high, int) and not log else "float"
                )
                self.dimensions[name] = (kind, (low, high, log))
            else:
                raise ValueError(
                    f"{name}: use a list of choices or a (low, high[, 'log']) range, got {spec!r}"
                )

    def kt_hyperparameters(self, grid_steps: int | None = 4):
        """The space as KerasTuner ``HyperParameters``.

        Ranges get ``grid_steps`` values (what grid search needs); ``None`` leaves float ranges
        continuous, for the strategies that sample.
        """
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for name, (kind, spec) in self.dimensions.items():
            if kind == "choice":
                hp.Choice(name, spec)
            elif kind == "int":
                step = 1 if grid_steps is None else max(1, (spec[1] - spec[0]) // (grid_steps - 1))
                hp.Int(name, spec[0], spec[1], step=step)
            elif grid_steps is None:
                low, high, log = spec
                hp.Float(name, low, high, sampling="log" if log else "linear")
            else:
                low, high, log = spec
                sampling = "log" if log else "linear"
                step = (
                    (high / low) ** (1 / (grid_steps - 1))
                    if log
                    else (high - low) / (grid_steps - 1)
                )
                hp.Float(name, low, high, step=step, sampling=sampling)
        return hp

    def sample(self, rng: np.random.Generator) -> dict[str, Any]:
        """One random point of the space, drawn with ``rng``."""
        instance(rng, np.random.Generator, "rng", "a numpy Generator (np.random.default_rng(seed))")
        point = {}
        for name, (kind, spec) in self.dimensions.items():
            if kind == "choice":
                point[name] = spec[rng.integers(len(spec))]
            elif kind == "int":
                point[name] = int(rng.integers(spec[0], spec[1] + 1))
            else:
                low, high, log = spec
                point[name] = float(
                    np.exp(rng.uniform(np.log(low), np.log(high)))
                    if log
                    else rng.uniform(low, high)
                )
        return point

    def mutate(self, point: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
        """Change one dimension: a neighbouring choice, or a step within the range."""
        instance(rng, np.random.Generator, "rng", "a numpy Generator (np.random.default_rng(seed))")
        instance(point, Mapping, "point", "a dict with a value for every dimension")
        missing = [name for name in self.dimensions if name not in point]
        if missing:
            raise ValueError(f"point must give every dimension, but got no value for {missing}")
        child = dict(point)
        name = list(self.dimensions)[rng.integers(len(self.dimensions))]
        kind, spec = self.dimensions[name]
        if kind == "choice":
            index = spec.index(point[name]) + rng.choice([-1, 1])
            child[name] = spec[int(np.clip(index, 0, len(spec) - 1))]
        elif kind == "int":
            width = max(1, (spec[1] - spec[0]) // 4)
            child[name] = int(
                np.clip(point[name] + rng.integers(-width, width + 1), spec[0], spec[1])
            )
        else:
            low, high, log = spec
            if log:
                child[name] = float(np.clip(point[name] * np.exp(rng.normal(0, 0.5)), low, high))
            else:
                child[name] = float(
                    np.clip(point[name] + rng.normal(0, (high - low) / 6), low, high)
                )
        return child


def _oracle(kt, strategy: str, space: Space, budget: int, seed: int, epochs: int | None):
    common = dict(
        objective=kt.Objective("score", direction="max"),
        seed=seed + 1,  # KerasTuner treats seed 0 as "no seed" and draws a random one
        # only grid search needs float ranges cut into steps; the others sample them
        hyperparameters=space.kt_hyperparameters(grid_steps=4 if strategy == "grid" else None),
    )
    if strategy == "hyperband":
        # many points at 1 epoch, the best third at 3, ... up to `epochs`; many brackets
        oracle = kt.oracles.HyperbandOracle(
            max_epochs=epochs, factor=3, hyperband_iterations=budget, **common
        )
        oracle.max_trials = budget  # the oracle stops creating trials at this many
        return oracle
    oracle_cls = {
        "random": kt.oracles.RandomSearchOracle,
        "grid": kt.oracles.GridSearchOracle,
        "bayesian": kt.oracles.BayesianOptimizationOracle,
    }[strategy]
    return oracle_cls(max_trials=budget, **common)


def _kt_search(
    objective: Callable[..., float],
    space: Space,
    strategy: str,
    budget: int,
    seed: int,
    epochs: int | None,
) -> list[dict]:
    import keras_tuner as kt

    oracle = _oracle(kt, strategy, space, budget, seed, epochs)
    trials: list[dict] = []

    class _FunctionTuner(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            values = {
                k: v for k, v in trial.hyperparameters.values.items() if k in space.dimensions
            }
            # Hyperband sets this trial's budget; a plain objective trains from scratch for it
            budget_epochs = trial.hyperparameters.values.get("tuner/epochs", epochs)
            score = float(_evaluate(objective, values, budget_epochs))
            trials.append({**values, **_epochs_column(budget_epochs), "score": score})
            return {"score": score}

    # KerasTuner's oracles also draw from Python's and NumPy's global generators (the Bayesian
    # one through scikit-learn's Gaussian process): seed them too, or runs differ
    random.seed(seed)
    np.random.seed(seed)
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        # the Bayesian oracle's Gaussian process warns when its optimiser stops early
        warnings.simplefilter("ignore")
        tuner = _FunctionTuner(
            oracle=oracle, directory=folder, project_name=strategy, overwrite=True
        )
        tuner.search(verbose=0)
    return trials


def _evaluate(objective: Callable[..., float], point: Mapping[str, Any], epochs: int | None):
    return objective(**point) if epochs is None else objective(**point, epochs=int(epochs))


def _epochs_column(epochs: int | None) -> dict[str, int]:
    return {} if epochs is None else {"epochs": int(epochs)}


def _evolution(
    objective,
    space: Space,
    budget: int,
    seed: int,
    population: int,
    sample_size: int,
    epochs: int | None,
) -> list[dict]:
    rng = np.random.default_rng(seed)
    trials: list[dict] = []
    alive: list[dict] = []
    for step in range(budget):
        if step < population:
            point = space.sample(rng)
        else:  # tournament: the best of a random sample is the parent
            contenders = [
                alive[i]
                for i in rng.choice(len(alive), size=min(sample_size, len(alive)), replace=False)
            ]
            parent = max(contenders, key=lambda t: t["score"])
            point = space.mutate({k: parent[k] for k in space.dimensions}, rng)
        score = float(_evaluate(objective, point, epochs))
        trial = {**point, **_epochs_column(epochs), "score": score}
        trials.append(trial)
        alive.append(trial)
        if len(alive) > population:
            alive.pop(0)  # regularised evolution retires the oldest, not the worst
    return trials


def search(
    objective: Callable[..., float],
    space: Space,
    *,
    strategy: str,
    budget: int,
    seed: int = 0,
    epochs: int | None = None,
    population: int = 10,
    sample_size: int = 3,
) -> pd.DataFrame:
    """Run ``budget`` trials of ``strategy`` maximising ``objective(**point)``.

    ``epochs`` is the fidelity of the performance estimate. ``None`` calls ``objective(**point)``;
    an integer calls ``objective(**point, epochs=epochs)`` for every trial, a lower-fidelity
    estimate when it is below full training. ``"hyperband"`` needs it as the largest budget: it
    scores many points with 1 epoch and trains only the best third of each round 3 times longer
    (successive halving), so hopeless points stop early; its trials differ in ``epochs``.

    Returns one row per trial: ``trial``, the point, ``epochs`` (when given), ``score``,
    ``best_so_far`` and, with ``epochs``, ``cost`` (epochs spent so far, the fair x-axis when
    trials differ in budget). Grid search may stop early when the grid is exhausted.

    Examples
    --------
    >>> def accuracy(units, rate, epochs):  # more epochs help; 64 units and rate 0.01 are best
    ...     return 1 - abs(np.log2(units) - 6) / 10 - abs(np.log10(rate) + 2) / 4 - 0.5 / epochs
    >>> space = Space(units=[8, 16, 32, 64, 128], rate=(1e-4, 1e-1, "log"))
    >>> table = search(  # doctest: +SKIP
    ...     accuracy, space, strategy="hyperband", budget=20, epochs=9, seed=0
    ... )
    >>> sorted(table["epochs"].unique()), int(table["cost"].iloc[-1])  # doctest: +SKIP
    ([1, 3, 9], 60)
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of: {', '.join(STRATEGIES)}")
    if not callable(objective):
        raise TypeError(
            f"objective must be a function of the point, but got {type(objective).__name__}"
        )
    instance(space, Space, "space", "a Space (mlep.modeling.tuning.Space)")
    count(budget, "budget", minimum=1)
    count(seed, "seed")
    count(population, "population", minimum=1)
    count(sample_size, "sample_size", minimum=1)
    if epochs is not None:
        count(epochs, "epochs", minimum=1)
    elif strategy == "hyperband":
        raise ValueError(
            "hyperband needs epochs, the largest training budget of a trial, e.g. epochs=9"
        )
    if strategy == "evolution":
        trials = _evolution(objective, space, budget, seed, population, sample_size, epochs)
    else:
        trials = _kt_search(objective, space, strategy, budget, seed, epochs)
    table = pd.DataFrame(trials)
    table.insert(0, "trial", range(1, len(table) + 1))
    table["best_so_far"] = table["score"].cummax()
    if epochs is not None:
        table["cost"] = table["epochs"].cumsum()
    return table


def rank_agreement(cheap: Any, full: Any) -> float:
    """Spearman rank correlation of two estimates of the same points (1: the same ranking).

    A lower-fidelity estimate (fewer epochs, less data) is good enough for a search when it
    ranks candidates as the full estimate does, even if its scores are lower.

    Parameters
    ----------
    cheap, full
        The two estimates, one score per point, in the same order (at least 3).

    Examples
    --------
    >>> rank_agreement([0.5, 0.7, 0.6], [0.80, 0.95, 0.90])
    1.0
    >>> rank_agreement([0.5, 0.7, 0.6], [0.95, 0.80, 0.90])
    -1.0
    """
    from scipy.stats import spearmanr

    cheap, full = np.asarray(cheap, dtype=float), np.asarray(full, dtype=float)
    if cheap.ndim != 1 or cheap.shape != full.shape or len(cheap) < 3:
        raise ValueError(
            "cheap and full must be two equally long 1-D sequences of at least 3 scores, "
            f"got shapes {cheap.shape} and {full.shape}"
        )
    return float(spearmanr(cheap, full).statistic)


def mlp_objective(
    X_train: Any, y_train: Any, X_val: Any, y_val: Any, *, seed: int = 0
) -> Callable[..., float]:
    """A real, cheap objective: validation accuracy of scikit-learn's ``MLPClassifier``.

    The returned ``objective(units, rate, alpha=1e-4, layers=1, epochs=9)`` trains ``layers``
    hidden layers of ``units`` with Adam at learning rate ``rate``, L2 penalty ``alpha``, for
    ``epochs`` passes (the fidelity), and remembers each result (grid search and evolution
    revisit points).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> objective = mlp_objective(X[:500] / 16, y[:500], X[500:800] / 16, y[500:800])
    >>> good = objective(units=32, rate=0.01, epochs=9)
    >>> bad = objective(units=32, rate=1e-4, epochs=1)
    >>> good > 0.8 > 0.2 > bad
    True
    """
    from sklearn.neural_network import MLPClassifier

    for X, y, what in ((X_train, y_train, "train"), (X_val, y_val, "val")):
        features, labels = finite_array(X, f"X_{what}", ndim=2), np.asarray(y)
        if labels.ndim != 1 or len(labels) != len(features):
            raise ValueError(
                f"y_{what} must hold one label per row of X_{what}, but got shape {labels.shape} "
                f"for {len(features)} rows"
            )
    count(seed, "seed")
    seen: dict[tuple, float] = {}

    def objective(units, rate, alpha=1e-4, layers=1, epochs=9):
        key = (int(units), float(rate), float(alpha), int(layers), int(epochs))
        if key not in seen:
            model = MLPClassifier(
                (int(units),) * int(layers),
                learning_rate_init=float(rate),
                alpha=float(alpha),
                max_iter=int(epochs),
                batch_size=64,
                random_state=seed,
            )
            with warnings.catch_warnings():  # few epochs do not converge, on purpose
                warnings.simplefilter("ignore")
                model.fit(X_train, y_train)
            seen[key] = float(model.score(X_val, y_val))
        return seen[key]

    return objective


def plot_best_so_far(results: Mapping[str, pd.DataFrame], *, x: str = "trial"):
    """Best score found after each trial, one line per strategy.

    ``x="cost"`` plots against the epochs spent (tables from ``search(..., epochs=...)``), the
    fair axis when strategies give trials different budgets.

    Parameters
    ----------
    results
        Strategy name → the table :func:`search` returned.
    x
        ``"trial"`` or ``"cost"``.
    """
    import matplotlib.pyplot as plt

    if x not in ("trial", "cost"):
        raise ValueError(f"x must be 'trial' or 'cost', but got {x!r}")
    instance(results, Mapping, "results", "a dict of strategy name -> search() table")
    for name, table in results.items():
        instance(table, pd.DataFrame, f"results[{name!r}]", "a search() table (DataFrame)")
    figure, axes = plt.subplots(figsize=(6.5, 4))
    plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
    for name, table in results.items():
        if x not in table:
            raise ValueError(f"the {name} table has no {x!r} column: search with epochs=...")
        axes.step(table[x], table["best_so_far"], where="post", label=name)
    label = "trials" if x == "trial" else "epochs spent"
    axes.set(xlabel=label, ylabel="best score so far", title="Search strategies on one space")
    axes.legend()
    figure.tight_layout()
    return figure


def keras_search(
    build_model: Callable,
    X: Any,
    y: Any,
    *,
    tuner: str = "random",
    max_trials: int = 5,
    epochs: int = 5,
    validation_split: float = 0.2,
    seed: int = 0,
    directory: str | None = None,
):
    """KerasTuner on a ``build_model(hp)`` function: ``"random"``, ``"bayesian"`` or
    ``"hyperband"`` (successive halving: many short trainings, the best trained longer).

    Early stopping on validation loss (patience 2) cuts hopeless trials. Returns the tuner;
    ``tuner.get_best_hyperparameters()[0].values`` holds the winner.
    """
    one_of(tuner, ("random", "bayesian", "hyperband"), "tuner")
    if not callable(build_model):
        raise TypeError(
            f"build_model must be a function of hp, but got {type(build_model).__name__}"
        )
    count(max_trials, "max_trials", minimum=1)
    count(epochs, "epochs", minimum=1)
    count(seed, "seed")
    if not 0 < real(validation_split, "validation_split") < 1:
        raise ValueError(
            f"validation_split must be between 0 and 1 (exclusive), but got {validation_split}"
        )
    if directory is not None:
        instance(directory, (str, os.PathLike), "directory", "a folder path")
    from mlep.runtime import tensorflow

    tensorflow()
    import keras_tuner as kt
    import tf_keras as keras

    common = dict(
        objective="val_accuracy",
        seed=seed + 1,  # KerasTuner treats seed 0 as "no seed"
        overwrite=True,
        project_name=f"{tuner}_search",
        directory=str(directory or tempfile.mkdtemp()),
    )
    if tuner == "random":
        searcher = kt.RandomSearch(build_model, max_trials=max_trials, **common)
    elif tuner == "bayesian":
        searcher = kt.BayesianOptimization(build_model, max_trials=max_trials, **common)
    elif tuner == "hyperband":
        searcher = kt.Hyperband(build_model, max_epochs=epochs, factor=3, **common)
    else:
        raise ValueError(f"unknown tuner {tuner!r}; choose 'random', 'bayesian' or 'hyperband'")
    keras.utils.set_random_seed(seed)
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    searcher.search(
        X, y, epochs=epochs, validation_split=validation_split, callbacks=[stop], verbose=0
    )
    return searcher
