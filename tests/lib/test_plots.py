"""Every public ``plot_*`` of mlep returns a Figure that pyplot does not hold, with labelled axes.

A plot left registered with pyplot is drawn a second time by Jupyter's inline backend (and
leaks memory in a loop); an unlabelled one cannot be read on its own. The builders below are
the smallest real inputs each function takes; a new ``plot_*`` without one fails the census.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import numpy as np
import pandas as pd
import pytest

import mlep


def _feature():
    from mlep.data import validation as V

    stats = V.statistics(pd.DataFrame({"age": [20.0, 35.0, 41.0, 58.0, 63.0]}))
    return V.plot_feature(stats, "age")


def _drift():
    from mlep.data import validation as V

    table = pd.DataFrame(
        {
            "feature": ["age", "payer_code"],
            "measure": ["Jensen-Shannon", "L-infinity"],
            "value": [0.02, 0.3],
            "threshold": [0.1, 0.1],
            "alarm": [False, True],
        }
    )
    return V.plot_drift(table)


def _learning_curves():
    from mlep.data.labeling import active

    curve = pd.DataFrame({"labels": [10, 20, 40], "accuracy": [0.6, 0.7, 0.8]})
    return active.plot_learning_curves({"random": curve, "uncertainty": curve + 0.01})


def _explain_tables():
    from sklearn.linear_model import LogisticRegression

    from mlep.modeling import explain

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    y = (X["a"] + 0.5 * X["b"] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    return explain, model, X, y


def _importance():
    explain, model, X, y = _explain_tables()
    return explain.plot_importance(explain.permutation_importance(model, X, y, n_repeats=2))


def _partial_dependence():
    explain, model, X, _ = _explain_tables()
    return explain.plot_partial_dependence(explain.partial_dependence(model, X, "a", ice=True))


def _local():
    explain, model, X, _ = _explain_tables()
    return explain.plot_local(explain.local_surrogate(model, X, X.iloc[0], n_samples=200))


def _error_analysis():
    from mlep.modeling import analysis

    tags = pd.DataFrame({"car_noise": [True, True, False, False], "accent": [False, True] * 2})
    table = analysis.error_analysis(tags, [1, 0, 1, 0], [1, 1, 1, 0], hlp={"car_noise": 0.9})
    return analysis.plot_error_analysis(table)


def _group_rates():
    from mlep.modeling.analysis import fairness

    table = fairness.group_rates([0, 1, 0, 1, 0, 1], [0, 1, 1, 1, 0, 0], list("aaabbb"))
    return fairness.plot_group_rates(table)


def _best_so_far():
    from mlep.modeling.tuning import Space, plot_best_so_far, search

    def score(units):
        return -abs(units - 32)

    space = Space(units=[8, 16, 32, 64])
    return plot_best_so_far({"random": search(score, space, strategy="random", budget=4)})


def _automation_tradeoff():
    from mlep.deployment import rollout

    table = rollout.automation_tradeoff(
        [0.95, 0.9, 0.7, 0.6], [1, 1, 0, 1], human_cost=1, error_cost=5
    )
    return rollout.plot_automation_tradeoff(table, chosen=0.8)


def _simulation():
    from mlep.deployment.autoscaling import HPA, plot_simulation, simulate

    steps = simulate([100, 400, 900, 300], HPA(max_replicas=5), capacity_per_replica=100)
    return plot_simulation(steps, capacity_per_replica=100)


def _percentiles():
    from mlep.deployment import loadtest

    row = {f"p{q * 100:g}_ms": 1.0 + i for i, q in enumerate(loadtest.PERCENTILES)}
    table = pd.DataFrame([{"server": "mlep", "concurrency": 1, **row}])
    return loadtest.plot_percentiles(table)


BUILDERS = {
    "plot_feature": _feature,
    "plot_drift": _drift,
    "plot_learning_curves": _learning_curves,
    "plot_importance": _importance,
    "plot_partial_dependence": _partial_dependence,
    "plot_local": _local,
    "plot_error_analysis": _error_analysis,
    "plot_group_rates": _group_rates,
    "plot_best_so_far": _best_so_far,
    "plot_automation_tradeoff": _automation_tradeoff,
    "plot_simulation": _simulation,
    "plot_percentiles": _percentiles,
}


NBGRADER_ONLY = "mlep.grading.nbhooks"  # imports nbgrader, which only the tools env has


def _public_plot_functions() -> set[str]:
    names = set()
    for info in pkgutil.walk_packages(mlep.__path__, "mlep."):
        if info.name.rsplit(".", 1)[-1].startswith("_") or info.name == NBGRADER_ONLY:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == info.name
            if name.startswith("plot_") and inspect.isfunction(value) and defined_here:
                names.add(name)
    return names


def test_every_public_plot_function_is_checked_here():
    assert _public_plot_functions() == set(BUILDERS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_a_plot_is_a_detached_labelled_figure(name):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    plt.close("all")
    figure = BUILDERS[name]()
    assert isinstance(figure, Figure), f"{name} returned {type(figure).__name__}"
    assert plt.get_fignums() == [], f"{name} left its figure registered with pyplot"
    drawn = [axes for axes in figure.axes if axes.has_data()]
    assert drawn, f"{name} drew nothing"
    for axes in drawn:
        title = axes.get_title() or (figure._suptitle and figure._suptitle.get_text())
        labelled = title or (axes.get_xlabel() and axes.get_ylabel())
        assert labelled, f"{name}: a panel has neither a title nor both axis labels"
