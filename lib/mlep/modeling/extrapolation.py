"""Learning-curve extrapolation: predict where a trial will end from its first epochs (C3W1).

Domhan, Springenberg and Hutter (IJCAI 2015) fit saturating curve families to the first epochs
of a trial's validation curve and stop the trial when it will not beat the best one so far.
Two of their families, both with three parameters and a limit ``c`` as the epoch grows:

======  ==========================  =================================================
family  curve ``y(t)``              shape
======  ==========================  =================================================
pow3    ``c - a * t ** (-alpha)``   inverse power law: gains shrink like a power of t
exp3    ``c - a * b ** t``          geometric: each epoch gains ``b`` times the last
======  ==========================  =================================================

For a metric that rises (accuracy) ``a > 0``; for one that falls (loss) ``a < 0``. For a
fixed ``alpha`` (or ``b``) the curve is linear in ``c`` and ``a``, so :func:`fit_learning_curve`
solves those by least squares on a grid of ``alpha`` (``b``) and refines the best with
``scipy.optimize.least_squares``.

Examples
--------
The three epochs of C3W1's worked example gain half as much each epoch:

>>> fit = fit_learning_curve([0.60, 0.70, 0.75], family="exp3")
>>> print(fit)
exp3: y(t) = 0.8 - 0.4 * 0.5 ** t (rmse 0.0000)
>>> round(fit.predict(27), 3)
0.8
>>> should_stop([0.60, 0.70, 0.75], best=0.95, final_epoch=27, family="exp3")
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlep._checks import count, numbers_array, one_of, real

__all__ = ["FAMILIES", "LearningCurveFit", "fit_learning_curve", "should_stop"]

FAMILIES = ("pow3", "exp3")
_GRIDS = {"pow3": np.geomspace(0.01, 5.0, 200), "exp3": np.linspace(0.01, 0.99, 99)}


def _basis(family: str, shape: float, t: np.ndarray) -> np.ndarray:
    """The term multiplied by ``-a``: ``t ** -alpha`` or ``b ** t``."""
    return t ** (-shape) if family == "pow3" else shape**t


@dataclass(frozen=True)
class LearningCurveFit:
    """A fitted curve ``y(t) = c - a * basis(t)``.

    Parameters
    ----------
    family : {"pow3", "exp3"}
        The curve family.
    c : float
        The limit of the curve as ``t`` grows (its asymptote).
    a : float
        The scale (> 0 for a rising curve, < 0 for a falling one).
    shape : float
        ``alpha`` for pow3, ``b`` for exp3.
    rmse : float
        Root mean squared error of the fit on the observed epochs.
    """

    family: str
    c: float
    a: float
    shape: float
    rmse: float

    def predict(self, epoch):
        """The curve's value at ``epoch`` (a number or an array of epochs, counted from 1).

        Parameters
        ----------
        epoch : float or array-like
            Epoch(s) to predict, ``> 0``.

        Returns
        -------
        float or numpy.ndarray
        """
        t = np.asarray(epoch, dtype=float)
        if np.any(t <= 0):
            raise ValueError(f"epoch must be > 0 (epochs count from 1), but got {epoch}")
        value = self.c - self.a * _basis(self.family, self.shape, t)
        return float(value) if value.ndim == 0 else value

    @property
    def asymptote(self) -> float:
        """Where the curve levels off (``c``)."""
        return self.c

    def __str__(self) -> str:
        term = "t ** -{:.3g}" if self.family == "pow3" else "{:.3g} ** t"
        return (
            f"{self.family}: y(t) = {self.c:.3g} - {self.a:.3g} * {term.format(self.shape)} "
            f"(rmse {self.rmse:.4f})"
        )


def _solve(family: str, shape: float, t: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    design = np.column_stack([np.ones_like(t), -_basis(family, shape, t)])
    (c, a), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(c), float(a), float(np.sum((design @ [c, a] - y) ** 2))


def fit_learning_curve(values, *, family: str = "pow3", epochs=None) -> LearningCurveFit:
    """Fit a saturating curve family to the first epochs of a learning curve.

    Parameters
    ----------
    values : sequence of float
        The metric after each observed epoch (at least 3: the families have 3 parameters).
    family : {"pow3", "exp3"}, default "pow3"
        ``c - a * t ** -alpha`` (inverse power law) or ``c - a * b ** t`` (geometric).
    epochs : sequence of float, optional
        The epoch of each value (> 0, increasing); default ``1, 2, ..., len(values)``.

    Returns
    -------
    LearningCurveFit
        The fitted curve; ``predict(epoch)`` extrapolates it.

    Examples
    --------
    >>> t = np.arange(1, 11)
    >>> fit = fit_learning_curve(0.9 - 0.5 * t ** -0.7)  # the first 10 epochs of a known curve
    >>> print(fit)
    pow3: y(t) = 0.9 - 0.5 * t ** -0.7 (rmse 0.0000)
    >>> round(fit.predict(100), 4), round(0.9 - 0.5 * 100 ** -0.7, 4)
    (0.8801, 0.8801)
    """
    from scipy.optimize import least_squares

    family = one_of(family, FAMILIES, "family")
    y = numbers_array(values, "values")
    t = np.arange(1.0, y.size + 1) if epochs is None else numbers_array(epochs, "epochs")
    if t.size != y.size:
        raise ValueError(
            f"epochs and values must have the same length, but got {t.size} and {y.size}"
        )
    if y.size < 3:
        raise ValueError(f"values must hold at least 3 epochs (3 parameters), but got {y.size}")
    if np.any(t <= 0) or np.any(np.diff(t) <= 0):
        raise ValueError(f"epochs must be > 0 and increasing, but got {t.tolist()}")
    shape = min(_GRIDS[family], key=lambda s: _solve(family, s, t, y)[2])
    c, a, _ = _solve(family, shape, t, y)
    upper = 1.0 if family == "exp3" else np.inf

    def residuals(p):
        return p[0] - p[1] * _basis(family, p[2], t) - y

    result = least_squares(
        residuals,
        [c, a, shape],
        bounds=([-np.inf, -np.inf, 1e-6], [np.inf, np.inf, upper - 1e-9]),
        ftol=1e-12,  # scipy's 1e-8 stops ~1e-6 short of an exact 3-point fit (curve_fit's)
        xtol=1e-12,
        gtol=1e-12,
    )
    c, a, shape = (float(p) for p in result.x)
    rmse = float(np.sqrt(np.mean(residuals(result.x) ** 2)))
    return LearningCurveFit(family, c, a, shape, rmse)


def should_stop(
    values, *, best: float, final_epoch: int, family: str = "pow3", higher_is_better: bool = True
) -> bool:
    """Whether a trial's extrapolated final value falls short of the best trial so far.

    Parameters
    ----------
    values : sequence of float
        The trial's metric after each epoch so far (at least 3).
    best : float
        The best final value of the trials so far.
    final_epoch : int
        The epoch the trial would train to.
    family : {"pow3", "exp3"}, default "pow3"
        The curve family to extrapolate with.
    higher_is_better : bool, default True
        ``False`` for a loss.

    Returns
    -------
    bool
        ``True`` when the predicted value at ``final_epoch`` does not beat ``best``.

    Examples
    --------
    >>> should_stop([0.50, 0.62, 0.68], best=0.80, final_epoch=27, family="exp3")
    True
    >>> should_stop([0.50, 0.62, 0.68], best=0.70, final_epoch=27, family="exp3")
    False
    """
    best = real(best, "best")
    final_epoch = count(final_epoch, "final_epoch", minimum=1)
    if not isinstance(higher_is_better, bool):
        raise TypeError(
            f"higher_is_better must be True or False, but got a {type(higher_is_better).__name__}"
        )
    predicted = fit_learning_curve(values, family=family).predict(final_epoch)
    return predicted <= best if higher_is_better else predicted >= best
