"""Explainability: permutation importance vs scikit-learn, partial dependence = scikit-learn's,
SHAP additivity, a local surrogate that recovers a linear model, and a planted shortcut found."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer
from sklearn.ensemble import GradientBoostingClassifier, RandomForestRegressor
from sklearn.inspection import partial_dependence as sk_partial_dependence
from sklearn.inspection import permutation_importance as sk_permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression

from mlep.modeling import explain


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {"a": rng.normal(size=400), "b": rng.uniform(-2, 2, 400), "c": rng.normal(size=400)}
    )
    y = 2 * X["a"] + np.sin(2 * X["b"]) + 0.1 * rng.normal(size=400)
    model = RandomForestRegressor(n_estimators=50, random_state=0).fit(X[:300], y[:300])
    return model, X[300:], y[300:]


def test_permutation_importance_agrees_with_scikit_learn(regression):
    model, X, y = regression
    ours = explain.permutation_importance(model, X, y, n_repeats=30, seed=0).set_index("feature")
    theirs = sk_permutation_importance(model, X, y, n_repeats=30, random_state=0)
    reference = pd.Series(theirs.importances_mean, index=X.columns)
    assert list(ours.index) == list(reference.sort_values(ascending=False).index)
    np.testing.assert_allclose(ours["importance"].loc[X.columns], reference, atol=0.03, rtol=0.1)


def test_partial_dependence_equals_scikit_learns_brute_force(regression):
    model, X, _ = regression
    ours = explain.partial_dependence(model, X, "b", grid_resolution=15)
    theirs = sk_partial_dependence(
        model, X, ["b"], grid_resolution=15, method="brute", kind="average"
    )
    np.testing.assert_allclose(ours["b"], theirs["grid_values"][0])
    np.testing.assert_allclose(ours["average"], theirs["average"][0])
    with_ice = explain.partial_dependence(model, X, "b", grid_resolution=15, ice=True)
    ice = with_ice.filter(like="row_")
    assert ice.shape == (15, len(X))
    np.testing.assert_allclose(ice.mean(axis=1), with_ice["average"])


def test_shap_values_add_up_to_each_prediction(regression):
    model, X, _ = regression
    values = explain.shap_values(model, X.head(20))
    assert values.shape == (20, 3)
    total = values.sum(axis=1) + values.attrs["expected_value"]
    np.testing.assert_allclose(total, model.predict(X.head(20)), atol=1e-6)
    assert values.abs().mean().idxmax() == "a"


@pytest.mark.slow  # SHAP's KernelExplainer: seconds of model calls
def test_shap_explains_a_model_shap_has_no_tree_explainer_for(regression):
    _, X, y = regression
    linear = LinearRegression().fit(X, y)
    values = explain.shap_values(linear, X.head(10), background=X)
    total = values.sum(axis=1) + values.attrs["expected_value"]
    np.testing.assert_allclose(total, linear.predict(X.head(10)), atol=1e-6)


def test_local_surrogate_recovers_a_linear_model_and_fits_locally(regression):
    _, X, y = regression
    linear = LinearRegression().fit(X, y)
    local = explain.local_surrogate(linear, X, X.iloc[3], seed=1)
    np.testing.assert_allclose(local.loc[list(X.columns), "weight"], linear.coef_, atol=1e-6)
    assert local.attrs["r2"] > 0.999
    forest_local = explain.local_surrogate(regression[0], X, X.iloc[3], seed=1)
    assert forest_local.index[0] == "a" or abs(forest_local.loc["a", "weight"]) > 1


class _SiteEffect:
    """Prediction = 0.8 at site 2, plus 0.1 per unit of ``a``: a step no line through codes fits."""

    def predict(self, X):
        return 0.8 * (X["site"].to_numpy() == 2) + 0.1 * X["a"].to_numpy()


def test_local_surrogate_treats_codes_as_categories_like_lime():
    rng = np.random.default_rng(5)
    X = pd.DataFrame({"a": rng.normal(size=300), "site": rng.integers(0, 5, 300)})
    row = X[X["site"] == 2].iloc[0]
    local = explain.local_surrogate(_SiteEffect(), X, row, categorical=["site"], seed=0)
    assert local.index[0] == "site"
    np.testing.assert_allclose(local.loc[["site", "a"], "weight"], [0.8, 0.1], atol=1e-6)
    share_at_site_2 = (X["site"] == 2).mean()
    assert np.isclose(local.loc["site", "contribution"], 0.8 * (1 - share_at_site_2))
    assert local.attrs["r2"] > 0.999
    as_numbers = explain.local_surrogate(_SiteEffect(), X, row, seed=0)
    # as numbers, samples near site 2 land between the codes: the surrogate misses the effect
    assert abs(as_numbers.loc["site", "weight"]) < 0.05
    with pytest.raises(TypeError, match=r"list of column names, e.g. \['site'\]"):
        explain.local_surrogate(_SiteEffect(), X, row, categorical="site")
    with pytest.raises(ValueError, match="categorical names unknown feature\\(s\\) ward"):
        explain.local_surrogate(_SiteEffect(), X, row, categorical=["ward"])


def test_a_planted_shortcut_dominates_every_explanation():
    rng = np.random.default_rng(3)
    n = 600
    y = rng.integers(0, 2, n)
    X = pd.DataFrame(
        {
            "lesion_size": y * 0.6 + rng.normal(size=n),  # a weak real signal
            "age": rng.normal(50, 10, n),
            "ruler_in_photo": (y ^ (rng.random(n) < 0.05)).astype(float),  # the shortcut
        }
    )
    model = GradientBoostingClassifier(random_state=0).fit(X[:400], y[:400])
    test_X, test_y = X[400:], y[400:]
    assert (
        explain.permutation_importance(model, test_X, test_y, seed=0)["feature"].iloc[0]
        == "ruler_in_photo"
    )
    assert explain.shap_values(model, test_X.head(50)).abs().mean().idxmax() == "ruler_in_photo"
    assert (
        explain.local_surrogate(model, test_X, test_X.iloc[0], seed=0).index[0] == "ruler_in_photo"
    )


def test_plots_draw(regression):
    model, X, y = regression
    assert explain.plot_importance(explain.permutation_importance(model, X, y, n_repeats=3)).axes
    assert explain.plot_partial_dependence(explain.partial_dependence(model, X, "b", ice=True)).axes
    assert explain.plot_local(explain.local_surrogate(model, X, X.iloc[0])).axes


def test_importance_plot_compares_datasets_in_the_first_tables_order(regression):
    model, X, y = regression
    held_out = explain.permutation_importance(model, X, y, n_repeats=3)
    shifted = explain.permutation_importance(model, X.assign(a=X["a"] + 3), y, n_repeats=3)
    axes = explain.plot_importance({"held out": held_out, "shifted": shifted}).axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == held_out["feature"].iloc[::-1].tolist()
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["held out", "shifted"]
    bars = {
        c.get_label(): [p.get_width() for p in c]
        for c in axes.containers
        if isinstance(c, BarContainer)
    }
    np.testing.assert_allclose(
        bars["shifted"],
        shifted.set_index("feature")["importance"].loc[held_out["feature"].iloc[::-1]],
    )
    with pytest.raises(ValueError, match="empty dict"):
        explain.plot_importance({})


def test_bad_input_gets_specific_messages(regression):
    model, X, y = regression
    with pytest.raises(TypeError, match="pandas DataFrame"):
        explain.permutation_importance(model, X.to_numpy(), y)
    with pytest.raises(ValueError, match="X has 100 rows but y has 99"):
        explain.permutation_importance(model, X, y[:99])
    with pytest.raises(ValueError, match="unknown feature 'd'; X has: a, b, c"):
        explain.partial_dependence(model, X, "d")
    with pytest.raises(ValueError, match="the row lacks feature\\(s\\) c"):
        explain.local_surrogate(model, X, X.iloc[0].drop("c"))
    with pytest.raises(ValueError, match="X is empty"):
        explain.shap_values(model, X.head(0))
    classifier = LogisticRegression().fit(X, y > 0)
    assert explain.partial_dependence(classifier, X, "a")["average"].between(0, 1).all()


def test_degenerate_arguments_are_refused_not_answered_with_nan(regression):
    model, X, y = regression
    with pytest.raises(ValueError, match="n_repeats must be >= 1, but got 0"):
        explain.permutation_importance(model, X, y, n_repeats=0)
    with pytest.raises(ValueError, match=r"percentiles\[0\] must be below percentiles\[1\]"):
        explain.partial_dependence(model, X, X.columns[0], percentiles=(0.95, 0.05))
    with pytest.raises(ValueError, match="percentiles must lie between 0 and 1"):
        explain.partial_dependence(model, X, X.columns[0], percentiles=(5, 95))
    with pytest.raises(ValueError, match="grid_resolution must be >= 2"):
        explain.partial_dependence(model, X, X.columns[0], grid_resolution=1)
    with pytest.raises(TypeError, match="model must be a fitted model with a predict method"):
        explain.permutation_importance("model", X, y)
    with pytest.raises(ValueError, match="X and y must have the same length"):
        explain.permutation_importance(model, X, y[:5])
    with pytest.raises(TypeError, match="row must be one row of X"):
        explain.local_surrogate(model, X, X.iloc[0].to_dict())


def test_plots_leave_no_pyplot_figure_open(regression):
    import matplotlib.pyplot as plt

    model, X, y = regression
    before = len(plt.get_fignums())
    table = explain.permutation_importance(model, X, y, n_repeats=2)
    explain.plot_importance(table)
    explain.plot_partial_dependence(explain.partial_dependence(model, X, X.columns[0]))
    explain.plot_local(explain.local_surrogate(model, X, X.iloc[0], n_samples=200))
    assert len(plt.get_fignums()) == before
