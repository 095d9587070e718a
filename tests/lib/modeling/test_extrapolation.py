"""Learning-curve extrapolation: recover known curves from their first epochs, predict the end."""

from __future__ import annotations

import numpy as np
import pytest

from mlep.modeling.extrapolation import LearningCurveFit, fit_learning_curve, should_stop


@pytest.mark.parametrize(
    "family, c, a, shape",
    [
        ("pow3", 0.92, 0.6, 0.5),
        ("pow3", 0.25, -1.2, 1.1),
        ("exp3", 0.85, 0.5, 0.7),
        ("exp3", 0.3, -0.9, 0.8),
    ],
)
def test_recovers_the_parameters_of_an_exact_curve(family, c, a, shape):
    t = np.arange(1, 9, dtype=float)
    basis = t ** (-shape) if family == "pow3" else shape**t
    fit = fit_learning_curve(c - a * basis, family=family)
    assert isinstance(fit, LearningCurveFit) and fit.family == family
    assert (fit.c, fit.a, fit.shape) == pytest.approx((c, a, shape), rel=1e-4, abs=1e-6)
    assert fit.asymptote == fit.c


def test_predicts_the_final_value_of_a_noisy_curve():
    rng = np.random.default_rng(0)
    t = np.arange(1, 101, dtype=float)
    truth = 0.9 - 0.5 * t**-0.7
    observed = truth[:15] + rng.normal(0, 0.003, 15)
    fit = fit_learning_curve(observed)
    assert fit.predict(100) == pytest.approx(truth[-1], abs=0.015)
    assert fit.shape == pytest.approx(0.7, abs=0.2)
    np.testing.assert_allclose(fit.predict(t[:15]), truth[:15], atol=0.01)
    assert 0.001 < fit.rmse < 0.006  # it fits the curve, not the noise


def test_explicit_epochs_are_used():
    epochs = np.array([2.0, 4.0, 8.0, 16.0])
    fit = fit_learning_curve(0.8 - 0.3 * epochs**-0.5, epochs=epochs)
    assert fit.predict(64) == pytest.approx(0.8 - 0.3 / 8, abs=1e-6)


def test_the_page_examples():
    # C3W1: gains halve each epoch -> levels off at last value + last gain
    assert fit_learning_curve([0.60, 0.70, 0.75], family="exp3").asymptote == pytest.approx(0.80)
    assert fit_learning_curve([0.50, 0.62, 0.68], family="exp3").asymptote == pytest.approx(0.74)
    assert should_stop([0.60, 0.70, 0.75], best=0.95, final_epoch=27, family="exp3")
    assert not should_stop([0.60, 0.70, 0.75], best=0.78, final_epoch=27, family="exp3")


def test_should_stop_for_a_loss():
    losses = [1.0, 0.6, 0.4]  # gains 0.4, 0.2 -> levels off at 0.2
    assert should_stop(losses, best=0.1, final_epoch=50, family="exp3", higher_is_better=False)
    assert not should_stop(losses, best=0.3, final_epoch=50, family="exp3", higher_is_better=False)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: fit_learning_curve([0.5, 0.6]), ValueError, "at least 3 epochs"),
        (lambda: fit_learning_curve([0.5, 0.6, 0.7], family="pow4"), ValueError, "family must be"),
        (lambda: fit_learning_curve([0.5, 0.6, float("nan")]), ValueError, "NaN"),
        (lambda: fit_learning_curve("0.5"), TypeError, "values must be a sequence"),
        (lambda: fit_learning_curve([0.5, 0.6, 0.7], epochs=[1, 2]), ValueError, "same length"),
        (lambda: fit_learning_curve([0.5, 0.6, 0.7], epochs=[0, 1, 2]), ValueError, "increasing"),
        (lambda: fit_learning_curve([0.5, 0.6, 0.7]).predict(0), ValueError, "epoch must be > 0"),
        (lambda: should_stop([0.5, 0.6, 0.7], best="x", final_epoch=9), TypeError, "best must be"),
        (lambda: should_stop([0.5, 0.6, 0.7], best=0.9, final_epoch=0), ValueError, "final_epoch"),
    ],
)
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def _curve(family):
    if family == "pow3":
        return lambda t, c, a, s: c - a * t ** (-s)
    return lambda t, c, a, s: c - a * s**t


@pytest.mark.parametrize("family", ["pow3", "exp3"])
def test_fit_is_at_least_as_close_as_scipy_curve_fit_on_random_curves(family):
    """Random noisy curves of 3 to 12 epochs (scipy's default tolerances fell ~1e-6 short)."""
    from scipy.optimize import curve_fit

    rng = np.random.default_rng(1)
    f = _curve(family)
    for _ in range(15):
        t = np.arange(1.0, int(rng.integers(3, 13)) + 1)
        shape = rng.uniform(0.2, 2) if family == "pow3" else rng.uniform(0.2, 0.9)
        y = f(t, rng.uniform(0.5, 1), rng.uniform(-0.5, 0.5), shape)
        y = y + rng.normal(0, 0.01, t.size)
        ours = fit_learning_curve(y, family=family)
        try:
            p, _ = curve_fit(f, t, y, p0=[y[-1], y[-1] - y[0], 0.5], maxfev=20000)
        except RuntimeError:
            continue
        if family == "exp3" and not 0 < p[2] < 1:
            continue
        # 1e-3 relative: degenerate fits run along a bound (b -> 0) where both stop early
        assert ours.rmse <= np.sqrt(np.mean((f(t, *p) - y) ** 2)) * (1 + 1e-3) + 1e-9


def test_three_epochs_of_a_curve_are_fitted_exactly():
    t = np.arange(1.0, 4.0)
    fit = fit_learning_curve(0.5485 + 0.0381 * t**-1.115, family="pow3")
    assert fit.rmse < 1e-9
    assert (fit.c, fit.a, fit.shape) == pytest.approx((0.5485, -0.0381, 1.115), rel=1e-6)
