"""The local AutoML search: scikit-learn's own searches underneath, a leaderboard read from them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from mlep.modeling.automl import AutoMLResult, automl

X, Y = load_iris(return_X_y=True)
FAMILIES = {
    "logistic": (LogisticRegression(max_iter=300), {"C": (1e-2, 1e2, "log")}),
    "knn": (KNeighborsClassifier(), {"n_neighbors": (1, 10), "weights": ["uniform", "distance"]}),
    "tree": (DecisionTreeClassifier(), {"max_depth": (1, 6)}),
}


@pytest.fixture(scope="module")
def halving():
    return automl(X, Y, FAMILIES, preprocessing=["none", "standard", "minmax"], budget=9, seed=0)


@pytest.fixture(scope="module")
def random_search():
    return automl(X, Y, FAMILIES, budget=8, strategy="random", seed=1)


def test_the_leaderboard_has_one_row_per_candidate_and_the_winner_first(halving):
    board = halving.leaderboard
    assert isinstance(halving, AutoMLResult)
    search = halving.search
    assert len(board) == search.n_candidates_[0] == 9
    assert list(board.columns) == [
        "family",
        "preprocessing",
        "params",
        "score",
        "std",
        "round",
        "n_samples",
        "fit_seconds",
    ]
    assert set(board["family"]) <= set(FAMILIES) and set(board["preprocessing"]) <= {
        "none",
        "standard",
        "minmax",
    }
    best = search.cv_results_["params"][search.best_index_]
    assert board.loc[0, "family"] == halving.best_family
    assert (
        board.loc[0, "params"]
        == halving.best_params
        == {k.removeprefix("model__"): v for k, v in best.items() if k.startswith("model__")}
    )
    assert (
        board.loc[0, "score"]
        == pytest.approx(halving.best_score)
        == pytest.approx(search.best_score_)
    )
    assert board.loc[0, "round"] == search.n_iterations_ - 1


def test_halving_keeps_each_candidate_s_last_round_finalists_first(halving):
    board, search = halving.leaderboard, halving.search
    assert board["round"].is_monotonic_decreasing
    for _, rows in board.groupby("round"):
        assert rows["score"].is_monotonic_decreasing
    finalists = (board["round"] == board["round"].max()).sum()
    assert finalists == search.n_candidates_[-1]
    assert sorted(board["n_samples"].unique().tolist()) == sorted(search.n_resources_)
    # every finalist's score is the one sklearn recorded for it in the last round
    last = np.asarray(search.cv_results_["iter"]) == search.n_iterations_ - 1
    want = sorted(np.asarray(search.cv_results_["mean_test_score"])[last], reverse=True)
    assert board["score"].head(finalists).tolist() == pytest.approx(want)


def test_the_best_pipeline_is_the_refitted_winner(halving):
    pipeline = halving.best_pipeline
    assert isinstance(pipeline, Pipeline) and [name for name, _ in pipeline.steps] == [
        "prep",
        "model",
    ]
    model = pipeline.named_steps["model"]
    assert type(model) is type(FAMILIES[halving.best_family][0])
    assert {k: model.get_params()[k] for k in halving.best_params} == halving.best_params
    assert pipeline.score(X, Y) > 0.9  # refitted on all the data


def test_ranges_are_sampled_within_bounds_and_as_the_right_type(random_search):
    board = random_search.leaderboard
    assert len(board) == 8 and (board["round"] == 0).all() and (board["n_samples"] == len(X)).all()
    assert board["score"].is_monotonic_decreasing
    for family, params in zip(board["family"], board["params"]):
        if family == "logistic":
            assert 1e-2 <= params["C"] <= 1e2
        elif family == "knn":
            assert isinstance(params["n_neighbors"], int) and 1 <= params["n_neighbors"] <= 10
            assert params["weights"] in ("uniform", "distance")
        else:
            assert isinstance(params["max_depth"], int) and 1 <= params["max_depth"] <= 6


def test_a_seed_gives_the_same_search_and_another_seed_another():
    families = {
        "forest": (RandomForestClassifier(n_estimators=5), {"max_depth": (1, 4)}),
        "knn": (KNeighborsClassifier(), {"n_neighbors": (1, 20)}),
    }
    a, b = (automl(X, Y, families, budget=4, strategy="random", seed=3) for _ in range(2))
    pd.testing.assert_frame_equal(
        a.leaderboard.drop(columns="fit_seconds"), b.leaderboard.drop(columns="fit_seconds")
    )
    c = automl(X, Y, families, budget=4, strategy="random", seed=4)
    assert a.leaderboard["params"].tolist() != c.leaderboard["params"].tolist()
    models = [p["model"] for p in a.search.cv_results_["params"]]
    forests = [m for m in models if isinstance(m, RandomForestClassifier)]
    assert forests and all(f.random_state == 3 for f in forests)  # the seed reaches the estimators
    assert families["forest"][0].random_state is None  # the caller's estimator is left alone


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::sklearn.exceptions.FitFailedWarning")
def test_a_candidate_whose_fit_fails_scores_nan_and_ranks_last():
    families = {
        "knn": (KNeighborsClassifier(), {"n_neighbors": [500]}),  # more than the rows
        "tree": (DecisionTreeClassifier(), {"max_depth": (1, 3)}),
    }
    board = automl(X, Y, families, budget=6, strategy="random", seed=0).leaderboard
    failed = board["family"] == "knn"
    assert failed.any() and (~failed).any()
    assert board.loc[failed, "score"].isna().all() and board.loc[~failed, "score"].notna().all()
    assert failed.to_numpy()[-failed.sum() :].all()


def test_regression_with_a_scorer_name():
    Xr, yr = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
    result = automl(
        Xr,
        yr,
        {"ridge": (Ridge(), {"alpha": (1e-3, 1e2, "log")})},
        preprocessing=["standard", "pca"],
        budget=4,
        strategy="random",
        scoring="r2",
        seed=0,
    )
    assert result.best_family == "ridge" and result.best_score > 0.9
    assert set(result.leaderboard["preprocessing"]) <= {"standard", "pca"}


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"families": {}}, ValueError, "families must name at least one"),
        ({"families": {"knn": KNeighborsClassifier()}}, TypeError, "must be a pair"),
        ({"families": {"knn": ("knn", {})}}, TypeError, "scikit-learn estimator"),
        (
            {"families": {"knn": (KNeighborsClassifier(), {"neighbours": [1, 2]})}},
            ValueError,
            "unknown hyperparameter",
        ),
        (
            {"families": {"knn": (KNeighborsClassifier(), {"n_neighbors": (5, 1)})}},
            ValueError,
            "low < high",
        ),
        (
            {"families": {"knn": (KNeighborsClassifier(), {"n_neighbors": 5})}},
            TypeError,
            "list of choices",
        ),
        (
            {"families": {"knn": (KNeighborsClassifier(), {"n_neighbors": []})}},
            ValueError,
            "at least one choice",
        ),
        ({"budget": 1}, ValueError, "budget must be >= 2"),
        ({"budget": 2.5}, TypeError, "budget must be an integer"),
        ({"strategy": "grid"}, ValueError, "strategy must be"),
        ({"preprocessing": "standard"}, TypeError, "preprocessing must be a list"),
        ({"preprocessing": ["log"]}, ValueError, "preprocessing must be"),
        ({"cv": 1}, ValueError, "cv must be >= 2"),
    ],
)
def test_wrong_arguments_are_named(kwargs, error, words):
    arguments = {"families": {"knn": (KNeighborsClassifier(), {"n_neighbors": (1, 5)})}, **kwargs}
    with pytest.raises(error, match=words):
        automl(X, Y, **arguments)


def test_mismatched_data_is_named():
    with pytest.raises(ValueError, match="y must hold one value per row"):
        automl(X, Y[:-1], FAMILIES)
    with pytest.raises(ValueError, match="X must be a table"):
        automl(X[:, 0], Y, FAMILIES)


def test_too_few_rows_for_halving_is_named():
    small = np.r_[0:9:3, 50:59:3, 100:109:3]  # 9 rows, 3 classes: halving's first round needs 18
    with pytest.raises(
        ValueError, match="successive halving cannot start on 9 rows.*strategy='random'"
    ):
        automl(X[small], Y[small], FAMILIES)
