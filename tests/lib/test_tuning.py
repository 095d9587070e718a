"""Tuning and NAS: search spaces, four strategies on one objective, and KerasTuner on a Keras model."""

from __future__ import annotations

import numpy as np
import pytest

from mlep.modeling.tuning import STRATEGIES, Space, keras_search, plot_best_so_far, search

SPACE = Space(
    units=[16, 32, 64, 128, 256], layers=(1, 4), rate=(1e-4, 1e-1, "log"), dropout=(0.0, 0.5)
)


def score(units, layers, rate, dropout):
    """A smooth stand-in for validation accuracy, best at 64 units, 2 layers, rate 10^-2.5, dropout 0.2."""
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


def test_plot_and_errors(results):
    assert len(plot_best_so_far(results).axes[0].get_lines()) == len(STRATEGIES)
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
