"""The synthetic heart-disease patients of C3W5: seeded, the stated risk, the planted shortcut."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from mlep.data import heart_disease as H


def test_the_same_seed_gives_the_same_patients_and_another_seed_others():
    X, y = H.patients(500, seed=4, leaky=True)
    X_again, y_again = H.patients(500, seed=4, leaky=True)
    assert X.equals(X_again) and np.array_equal(y, y_again)
    assert not H.patients(500, seed=5, leaky=True)[0].equals(X)


def test_columns_types_and_ranges_are_the_datasheets():
    X, y = H.patients(4000, seed=0)
    assert list(X.columns) == H.FEATURES and len(X) == len(y) == 4000
    assert X["site"].dtype.kind == "i" and set(X["site"]) == {0, 1, 2, 3, 4}
    assert X["age"].between(25, 85).all() and set(np.unique(y)) == {0, 1}
    assert abs(X["systolic_bp"].mean() - 130) < 2 and abs(X["activity"].mean() - 4) < 0.3
    assert 0.35 < y.mean() < 0.55


def test_the_label_follows_the_stated_risk_and_ignores_heart_rate_and_site():
    X, y = H.patients(20_000, seed=1, leaky=False)
    scaled = (X - X.mean()) / X.std()
    coef = dict(zip(X.columns, LogisticRegression().fit(scaled, y).coef_[0] / X.std()))
    for name, want in [
        ("age", 0.07),
        ("systolic_bp", 0.035),
        ("glucose", 0.03),
        ("activity", -0.3),
    ]:
        assert coef[name] == pytest.approx(want, rel=0.2), name
    assert abs(coef["heart_rate"]) < 0.01 and abs(coef["site"]) < 0.05


def test_leaky_tables_send_most_patients_with_disease_to_the_referral_site():
    X, y = H.patients(5000, seed=2, leaky=True)
    at_referral = (X["site"] == H.REFERRAL_SITE).to_numpy()
    # 70 % referred, plus a fifth of the rest that were drawn there anyway
    assert at_referral[y == 1].mean() == pytest.approx(0.7 + 0.3 * 0.2, abs=0.03)
    assert at_referral[y == 0].mean() == pytest.approx(0.3 * 0.2, abs=0.02)
    X_live, y_live = H.patients(5000, seed=2, leaky=False)
    live = (X_live["site"] == H.REFERRAL_SITE).to_numpy()
    assert live[y_live == 1].mean() == pytest.approx(0.2, abs=0.03)
    # the leak changes only the site: the measurements and labels are the same draws
    assert X.drop(columns="site").equals(X_live.drop(columns="site"))
    assert np.array_equal(y, y_live)


@pytest.mark.parametrize(
    "n, kwargs, error, words",
    [
        (0, {"seed": 0}, ValueError, "n must be >= 1"),
        (2.5, {"seed": 0}, TypeError, "n must be an integer"),
        (5, {"seed": None}, TypeError, "seed"),
        (5, {"seed": -1}, ValueError, "seed"),
        (5, {"seed": 0, "leaky": "yes"}, TypeError, "leaky"),
    ],
)
def test_bad_arguments_are_refused_by_name(n, kwargs, error, words):
    with pytest.raises(error, match=words):
        H.patients(n, **kwargs)
