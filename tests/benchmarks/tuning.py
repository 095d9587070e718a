"""Benchmark of search strategies: prints markdown tables (``make bench``); not part of pass/fail.

1. Trials and epochs each strategy of :func:`mlep.modeling.tuning.search` spends before a trial
   reaches a target validation accuracy, on one space (units, learning rate, L2 penalty) of
   scikit-learn's ``MLPClassifier`` on the digits (:func:`~mlep.modeling.tuning.mlp_objective`),
   with the same budget of epochs for every strategy; median over seeds.
2. Lower-fidelity estimates: Spearman rank agreement of 1, 3 and 9 epochs with 27 epochs on
   random points of the same space.

Runs in about 8 minutes on a busy 2-core machine; Bayesian optimisation (its Gaussian process)
and Hyperband (KerasTuner bookkeeping for ~100 short trials) are most of it.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from mlep.modeling.tuning import Space, mlp_objective, rank_agreement, search

SEEDS = 3
TARGET = 0.92
EPOCHS = 9  # full training of one trial
BUDGET_EPOCHS = 270  # 30 full trials
SPACE = Space(units=[4, 8, 16, 32, 64], rate=(1e-4, 1.0, "log"), alpha=(1e-5, 1.0, "log"))
STRATEGIES = ("grid", "random", "bayesian", "evolution", "hyperband")


def _objective():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X / 16
    return mlp_objective(X[:1200], y[:1200], X[1200:], y[1200:])


def _run(objective, strategy: str, seed: int):
    # hyperband's trials cost 1, 3 or 9 epochs: give it enough trials, then cut at the same cost
    trials = BUDGET_EPOCHS if strategy == "hyperband" else BUDGET_EPOCHS // EPOCHS
    start = time.perf_counter()
    table = search(objective, SPACE, strategy=strategy, budget=trials, epochs=EPOCHS, seed=seed)
    seconds = time.perf_counter() - start
    return table[table["cost"] <= BUDGET_EPOCHS], seconds


def _median(values: list[float]) -> str:
    finite = [v for v in values if np.isfinite(v)]
    if len(finite) * 2 <= len(values):  # the median itself is "never"
        return "not reached"
    return f"{np.median(values):.0f}"


def strategy_rows(objective) -> list[list[str]]:
    rows = []
    for strategy in STRATEGIES:
        trials, epochs, best, seconds = [], [], [], 0.0
        for seed in range(SEEDS):
            table, took = _run(objective, strategy, seed)
            seconds += took
            hit = np.flatnonzero(table["score"].to_numpy() >= TARGET)
            trials.append(hit[0] + 1 if len(hit) else np.inf)
            epochs.append(table["cost"].iloc[hit[0]] if len(hit) else np.inf)
            best.append(table["score"].max())
        reached = sum(np.isfinite(trials))
        rows.append(
            [
                strategy,
                f"{reached}/{SEEDS}",
                _median(trials),
                _median(epochs),
                f"{np.median(best):.3f}",
                f"{seconds / SEEDS:.1f} s",
            ]
        )
    return rows


def fidelity_rows(objective, points: int = 20) -> list[list[str]]:
    agreement: dict[int, list[float]] = {1: [], 3: [], 9: []}
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        sample = [SPACE.sample(rng) for _ in range(points)]
        full = [objective(**p, epochs=27) for p in sample]
        for epochs in agreement:
            cheap = [objective(**p, epochs=epochs) for p in sample]
            agreement[epochs].append(rank_agreement(cheap, full))
    return [
        [f"{e} of 27", f"{e / 27:.0%}", f"{np.median(v):.2f}", f"{min(v):.2f}"]
        for e, v in agreement.items()
    ]


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    start = time.perf_counter()
    objective = _objective()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(
        f"\nSearch strategies to validation accuracy >= {TARGET} (MLPClassifier on digits, "
        f"1,200 train / 597 validation; units x learning rate x L2 penalty); every strategy gets "
        f"{BUDGET_EPOCHS} epochs ({BUDGET_EPOCHS // EPOCHS} trials of {EPOCHS}; hyperband's "
        f"trials cost 1, 3 or 9); median over {SEEDS} seeds\n"
    )
    header = [
        "strategy",
        "reached",
        "trials to target",
        "epochs to target",
        "best accuracy",
        "search time / run",
    ]
    print(_table(header, strategy_rows(objective)))
    print("\nLower-fidelity estimates: Spearman agreement with 27 epochs, 20 random points x 3\n")
    print(_table(["epochs", "cost", "median agreement", "worst"], fidelity_rows(objective)))
    print(f"\n(benchmark ran in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
