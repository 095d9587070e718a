"""Hyperparameter tuning and neural architecture search: search spaces, strategies, budgets (C3W1).

A search has three parts, as the course frames NAS: a **search space** (:class:`Space`: named
choices and ranges), a **search strategy** (random, grid, Bayesian optimisation, evolution) and
a **performance estimate** (full training is costly, so cheaper, lower-fidelity estimates and
early stopping matter). :func:`search` runs one strategy on any objective and returns every trial
with its best-so-far score; random, grid and Bayesian optimisation are KerasTuner's oracles,
driven through a KerasTuner ``Tuner``; the evolutionary strategy (regularised evolution:
mutate the best of a random sample, retire the oldest) is written here as the course teaches it.
:func:`keras_search` is the plain KerasTuner path for a Keras model-building function.

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

import random
import tempfile
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlep._checks import count

__all__ = ["STRATEGIES", "Space", "keras_search", "plot_best_so_far", "search"]

STRATEGIES = ("random", "grid", "bayesian", "evolution")


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

    def kt_hyperparameters(self, grid_steps: int = 4):
        """The space as KerasTuner ``HyperParameters`` (ranges get ``grid_steps`` values for grid search)."""
        import keras_tuner as kt

        hp = kt.HyperParameters()
        for name, (kind, spec) in self.dimensions.items():
            if kind == "choice":
                hp.Choice(name, spec)
            elif kind == "int":
                hp.Int(name, spec[0], spec[1], step=max(1, (spec[1] - spec[0]) // (grid_steps - 1)))
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


def _kt_search(
    objective: Callable[..., float], space: Space, strategy: str, budget: int, seed: int
) -> list[dict]:
    import keras_tuner as kt

    oracle_cls = {
        "random": kt.oracles.RandomSearchOracle,
        "grid": kt.oracles.GridSearchOracle,
        "bayesian": kt.oracles.BayesianOptimizationOracle,
    }[strategy]
    oracle = oracle_cls(
        objective=kt.Objective("score", direction="max"),
        max_trials=budget,
        seed=seed + 1,  # KerasTuner treats seed 0 as "no seed" and draws a random one
        hyperparameters=space.kt_hyperparameters(),
    )
    trials: list[dict] = []

    class _FunctionTuner(kt.Tuner):
        def run_trial(self, trial, *args, **kwargs):
            values = dict(trial.hyperparameters.values)
            score = float(objective(**values))
            trials.append({**values, "score": score})
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


def _evolution(
    objective, space: Space, budget: int, seed: int, population: int, sample_size: int
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
        trial = {**point, "score": float(objective(**point))}
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
    population: int = 10,
    sample_size: int = 3,
) -> pd.DataFrame:
    """Run ``budget`` trials of ``strategy`` maximising ``objective(**point)``.

    Returns one row per trial (its point, ``score``, ``trial`` number and ``best_so_far``).
    Grid search may stop early when the grid is exhausted.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of: {', '.join(STRATEGIES)}")
    count(budget, "budget", minimum=1)
    if strategy == "evolution":
        trials = _evolution(objective, space, budget, seed, population, sample_size)
    else:
        trials = _kt_search(objective, space, strategy, budget, seed)
    table = pd.DataFrame(trials)
    table.insert(0, "trial", range(1, len(table) + 1))
    table["best_so_far"] = table["score"].cummax()
    return table


def plot_best_so_far(results: Mapping[str, pd.DataFrame]):
    """Best score found after each trial, one line per strategy."""
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.5, 4))
    for name, table in results.items():
        axes.step(table["trial"], table["best_so_far"], where="post", label=name)
    axes.set(xlabel="trials", ylabel="best score so far", title="Search strategies on one space")
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
    from mlep.runtime import tensorflow

    tensorflow()
    import keras_tuner as kt
    import tf_keras as keras

    common = dict(
        objective="val_accuracy",
        seed=seed + 1,  # KerasTuner treats seed 0 as "no seed"
        overwrite=True,
        project_name=f"{tuner}_search",
        directory=directory or tempfile.mkdtemp(),
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
