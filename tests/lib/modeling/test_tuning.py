"""Tuning and NAS: search spaces, five strategies on one objective, fidelity, and KerasTuner."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from mlep.modeling.tuning import (
    STRATEGIES,
    Space,
    keras_search,
    mlp_objective,
    plot_best_so_far,
    rank_agreement,
    search,
)

SPACE = Space(
    units=[16, 32, 64, 128, 256], layers=(1, 4), rate=(1e-4, 1e-1, "log"), dropout=(0.0, 0.5)
)


def score(units, layers, rate, dropout):
    """A smooth stand-in for validation accuracy.

    Best at 64 units, 2 layers, rate 10^-2.5, dropout 0.2.
    """
    return (
        -abs(np.log2(units) - 6) / 2
        - abs(layers - 2) / 2
        - abs(np.log10(rate) + 2.5)
        - abs(dropout - 0.2) * 2
    )


@pytest.fixture(scope="module")
def results():
    return {
        strategy: search(score, SPACE, strategy=strategy, budget=15, seed=0)
        for strategy in STRATEGIES
        if strategy != "hyperband"  # needs a training budget: tested below
    }


def test_every_strategy_stays_in_the_space_and_keeps_a_best_so_far(results):
    for name, table in results.items():
        assert 1 <= len(table) <= 15, name
        assert (
            table["units"].isin([16, 32, 64, 128, 256]).all()
            and table["layers"].between(1, 4).all()
        )
        assert table["rate"].between(1e-4, 1e-1).all() and table["dropout"].between(0, 0.5).all()
        assert (table["best_so_far"] == table["score"].cummax()).all()
        np.testing.assert_allclose(
            table["score"],
            [
                score(**row)
                for row in table[["units", "layers", "rate", "dropout"]].to_dict("records")
            ],
        )


def test_every_strategy_is_reproducible_with_its_seed(results):
    for strategy in ("random", "bayesian"):  # KerasTuner's oracles; evolution is checked below
        again = search(score, SPACE, strategy=strategy, budget=15, seed=0)
        assert again["score"].tolist() == results[strategy]["score"].tolist(), strategy


def test_guided_strategies_beat_their_own_start(results):
    for name in ("bayesian", "evolution"):
        table = results[name]
        assert table["score"].max() > table["score"].iloc[:5].max(), name


def test_evolution_is_seeded_and_improves_over_random_sampling_of_the_same_budget():
    evolved = [
        search(score, SPACE, strategy="evolution", budget=60, seed=s)["score"].max()
        for s in range(5)
    ]
    rng = np.random.default_rng(0)
    sampled = [max(score(**SPACE.sample(rng)) for _ in range(60)) for _ in range(5)]
    assert np.mean(evolved) > np.mean(sampled)
    first = search(score, SPACE, strategy="evolution", budget=20, seed=3)
    assert first.equals(search(score, SPACE, strategy="evolution", budget=20, seed=3))


def test_sampling_strategies_search_float_ranges_continuously(results):
    # grid search needs steps; random and Bayesian search should not be stuck on them
    assert results["random"]["rate"].nunique() == len(results["random"])
    assert results["grid"]["rate"].nunique() <= 4


def with_epochs(units, layers, rate, dropout, epochs):
    """``score`` seen through training for ``epochs`` of at most 9: short training underrates."""
    return score(units, layers, rate, dropout) - 3 / epochs


def test_a_fixed_fidelity_reaches_the_objective_and_counts_its_cost():
    calls = []

    def objective(epochs, **point):
        calls.append(epochs)
        return with_epochs(**point, epochs=epochs)

    table = search(objective, SPACE, strategy="random", budget=6, seed=1, epochs=2)
    assert calls == [2] * 6 and (table["epochs"] == 2).all()
    assert table["cost"].tolist() == [2, 4, 6, 8, 10, 12]
    evolved = search(objective, SPACE, strategy="evolution", budget=4, epochs=3)
    assert evolved["cost"].tolist() == [3, 6, 9, 12]
    assert "cost" not in search(score, SPACE, strategy="random", budget=2).columns


def test_hyperband_stops_most_points_early_and_trains_the_best_longer():
    table = search(with_epochs, SPACE, strategy="hyperband", budget=40, epochs=9, seed=0)
    assert len(table) == 40 and set(table["epochs"]) == {1, 3, 9}
    assert (
        (table["epochs"] == 1).sum() > (table["epochs"] == 3).sum() > (table["epochs"] == 9).sum()
    )
    assert (table["cost"] == table["epochs"].cumsum()).all()
    np.testing.assert_allclose(
        table["score"],
        [with_epochs(**r) for r in table[[*SPACE.dimensions, "epochs"]].to_dict("records")],
    )
    # the first bracket: 9 points at 1 epoch, the best 3 of them go on to 3 epochs, the best to 9
    dims = list(SPACE.dimensions)
    first = table.iloc[:9]
    promoted = first.nlargest(3, "score")[dims].round(12).to_dict("records")
    assert table.iloc[9:12]["epochs"].tolist() == [3, 3, 3]
    got = table.iloc[9:12][dims].round(12).to_dict("records")
    assert sorted(map(str, got)) == sorted(map(str, promoted))
    best_of_three = table.iloc[9:12].nlargest(1, "score")[dims].round(12).to_dict("records")
    assert table.iloc[12]["epochs"] == 9
    assert table.iloc[12:13][dims].round(12).to_dict("records") == best_of_three
    # the epochs it spent would train only a third as many points for 9 epochs each
    assert len(table.drop_duplicates(dims)) > 2 * table["cost"].iloc[-1] // 9
    with pytest.raises(ValueError, match="hyperband needs epochs"):
        search(score, SPACE, strategy="hyperband", budget=5)


def test_rank_agreement_is_spearmans_rank_correlation():
    rng = np.random.default_rng(0)
    full = rng.normal(size=12)
    cheap = full + rng.normal(scale=0.5, size=12)
    d = np.argsort(np.argsort(cheap)) - np.argsort(np.argsort(full))
    assert rank_agreement(cheap, full) == pytest.approx(1 - 6 * (d**2).sum() / (12 * (144 - 1)))
    tied = [0.5, 0.5, 0.7, 0.9]
    assert rank_agreement(tied, [1, 2, 3, 4]) == pytest.approx(spearmanr(tied, [1, 2, 3, 4])[0])
    assert rank_agreement(full * 0.5 - 1, full) == 1.0  # lower scores, the same ranking
    with pytest.raises(ValueError, match="equally long"):
        rank_agreement([1, 2, 3], [1, 2])


def test_plot_and_errors(results):
    assert len(plot_best_so_far(results).axes[0].get_lines()) == len(results)
    with pytest.raises(ValueError, match="unknown strategy 'annealing'"):
        search(score, SPACE, strategy="annealing", budget=5)
    with pytest.raises(ValueError, match="needs at least one dimension"):
        Space()
    with pytest.raises(ValueError, match="rate: a range needs low < high"):
        Space(rate=(0.1, 0.01))
    with pytest.raises(ValueError, match="and low > 0 on a log scale"):
        Space(rate=(0, 1, "log"))
    with pytest.raises(ValueError, match="units: an empty list"):
        Space(units=[])


@pytest.mark.slow
def test_keras_tuner_finds_a_working_model(tmp_path):
    from sklearn.datasets import load_digits

    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype("float32")

    def build(hp):
        model = keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(hp.Choice("units", [8, 64]), activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            keras.optimizers.Adam(hp.Float("rate", 1e-3, 1e-2, sampling="log")),
            "sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    tuner = keras_search(
        build, X, y, tuner="random", max_trials=3, epochs=4, directory=str(tmp_path)
    )
    best = tuner.get_best_hyperparameters()[0].values
    assert set(best) == {"units", "rate"}
    assert tuner.oracle.get_best_trials()[0].score > 0.7  # chance is 0.1; 4 epochs
    with pytest.raises(ValueError, match="unknown tuner 'grid'"):
        keras_search(build, X, y, tuner="grid")


def test_mlp_objective_is_a_real_seeded_score_and_remembers_results():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    objective = mlp_objective(X[:400] / 16, y[:400], X[400:600] / 16, y[400:600], seed=0)
    good, short = objective(units=32, rate=0.01, epochs=9), objective(units=32, rate=0.01, epochs=1)
    assert 0.7 < good <= 1 and short < good  # more epochs, a better estimate
    again = mlp_objective(X[:400] / 16, y[:400], X[400:600] / 16, y[400:600], seed=0)
    assert again(units=32, rate=0.01, epochs=9) == good
    assert objective(units=32, rate=0.01, epochs=9) == good  # served from memory


def test_best_so_far_against_the_epochs_spent():
    tables = {
        "random": search(with_epochs, SPACE, strategy="evolution", budget=4, epochs=3),
        "cheap": search(with_epochs, SPACE, strategy="evolution", budget=4, epochs=1),
    }
    lines = plot_best_so_far(tables, x="cost").axes[0].get_lines()
    assert [list(line.get_xdata()) for line in lines] == [[3, 6, 9, 12], [1, 2, 3, 4]]
    with pytest.raises(ValueError, match="has no 'cost' column"):
        plot_best_so_far({"plain": search(score, SPACE, strategy="evolution", budget=2)}, x="cost")
    with pytest.raises(ValueError, match="x must be 'trial' or 'cost'"):
        plot_best_so_far(tables, x="epochs")


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: Space(rate=("a", "b")), TypeError, "rate's low end must be a number"),
        (lambda: Space(rate=(1e-3, 1e-1, "logarithmic")), ValueError, "rate's scale must be"),
        (lambda: Space(units=[8]).sample(0), TypeError, "rng must be a numpy Generator"),
        (
            lambda: Space(units=[8, 16]).mutate({}, np.random.default_rng(0)),
            ValueError,
            "point must give every dimension",
        ),
        (lambda: Space(units=[8, 16]).mutate({"units": 8}, None), TypeError, "rng must be"),
        (
            lambda: search(lambda units: 1.0, {"units": [8]}, strategy="random", budget=2),
            TypeError,
            "space must be a Space",
        ),
        (
            lambda: search("objective", Space(units=[8]), strategy="random", budget=2),
            TypeError,
            "objective must be a function",
        ),
        (
            lambda: search(
                lambda units: 1.0, Space(units=[8]), strategy="evolution", budget=2, population=0
            ),
            ValueError,
            "population must be >= 1",
        ),
        (
            lambda: search(
                lambda units: 1.0, Space(units=[8]), strategy="evolution", budget=2, sample_size="3"
            ),
            TypeError,
            "sample_size must be an integer",
        ),
        (
            lambda: search(
                lambda units: 1.0, Space(units=[8]), strategy="random", budget=2, seed=None
            ),
            TypeError,
            "seed must be an integer",
        ),
        (lambda: plot_best_so_far("random"), TypeError, "results must be a dict"),
        (
            lambda: plot_best_so_far({"random": [1, 2]}),
            TypeError,
            "results\\['random'\\] must be a search",
        ),
        (
            lambda: mlp_objective([[0.0], [1.0]], [0], [[0.0]], [0]),
            ValueError,
            "y_train must hold one label per row",
        ),
        (
            lambda: mlp_objective([[0.0], [np.nan]], [0, 1], [[0.0]], [0]),
            ValueError,
            "X_train must hold finite",
        ),
        (
            lambda: keras_search(lambda hp: None, [[0.0]], [0], validation_split=1.0),
            ValueError,
            "validation_split",
        ),
        (lambda: keras_search("build", [[0.0]], [0]), TypeError, "build_model must be a function"),
        (
            lambda: keras_search(lambda hp: None, [[0.0]], [0], max_trials=0),
            ValueError,
            "max_trials must be >= 1",
        ),
    ],
)
def test_bad_arguments_are_refused_before_any_trial(call, error, message):
    with pytest.raises(error, match=message):
        call()
