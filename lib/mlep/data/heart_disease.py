"""Synthetic heart-disease patients with a planted shortcut, to practise explainability on.

Introduced in C3W5 (``course/c3w5.md``): permutation importance, partial dependence, SHAP and
local surrogates all point at a feature that gives the label away in the training data but not
at deployment. :func:`patients` makes the table; the same ``seed`` always gives the same rows.

Datasheet
---------
- **Motivation.** A model that scores well on held-out data can still have learnt a shortcut.
  The lab needs a table where the shortcut is known, so that what the explanations show can
  be checked.
- **Composition.** One row per (invented) patient: ``age`` (years, 25-85), ``systolic_bp``
  (mmHg, about 130 ± 18), ``glucose`` (mg/dL, about 105 ± 25), ``activity`` (hours of
  exercise a week, gamma-distributed, mean 4), ``heart_rate`` (beats a minute, about 75 ± 10)
  and ``site`` (0-4, the hospital the record comes from). The label is 1 for heart disease,
  0 for none (about 45 % have it).
- **Collection process.** Drawn, not collected. The label is a Bernoulli draw of a logistic
  risk that grows with age, blood pressure and glucose and falls with activity, ``logit =
  -0.3 + 0.07 (age - 55) + 0.035 (bp - 130) + 0.03 (glucose - 105) - 0.3 (activity - 4)``;
  ``heart_rate`` and ``site`` play no part in it.
- **The planted shortcut.** With ``leaky=True`` the table is assembled as the project's
  training data was: 70 % of the patients with disease were referred by the cardiology
  hospital, :data:`REFERRAL_SITE`, and their ``site`` is set to it; referred healthy patients
  recorded there are moved to sites 0-2. ``site`` then predicts the label, and a model uses
  it. With ``leaky=False`` (what the hospitals send once the model is live) ``site`` is
  uniform and independent of the label.
- **Uses.** Teaching feature importance, partial dependence, SHAP, LIME and leakage. Not
  medical data: the effects are round numbers chosen to be learnable, not estimates from
  patients.

Examples
--------
>>> X, y = patients(1000, seed=0, leaky=True)
>>> list(X.columns) == FEATURES, X.shape, y.shape
(True, (1000, 6), (1000,))
>>> X_live, y_live = patients(1000, seed=0, leaky=False)
>>> at_referral = [(X["site"] == REFERRAL_SITE)[y == 1].mean(),
...                (X_live["site"] == REFERRAL_SITE)[y_live == 1].mean()]
>>> [round(share, 2) for share in at_referral]  # the share of the sick seen at the referral site
[0.77, 0.2]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlep._checks import count, instance, seeded_rng

__all__ = ["FEATURES", "REFERRAL_SITE", "patients"]

#: The columns of :func:`patients`, in order.
FEATURES = ["age", "systolic_bp", "glucose", "activity", "heart_rate", "site"]
#: The cardiology hospital that sent most of the training set's patients with disease.
REFERRAL_SITE = 3


def patients(n: int, *, seed: int, leaky: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    """``n`` patients: six measurements and whether they have heart disease (1) or not (0).

    Risk grows with age, blood pressure and glucose and falls with weekly hours of exercise;
    the resting heart rate and the site code (0-4, where the record was taken) play no part.
    See the module's datasheet for the distributions and the planted shortcut.

    Parameters
    ----------
    n : int
        How many patients (rows).
    seed : int
        Seeds every value (``numpy.random.default_rng(seed)``).
    leaky : bool, default False
        True: assembled the way the training data was, where 70 % of the patients with disease
        come from :data:`REFERRAL_SITE`, so ``site`` gives the label away. False: ``site`` is
        independent of the label, as at deployment.

    Returns
    -------
    X : pandas.DataFrame
        The columns of :data:`FEATURES`, floats except ``site`` (int).
    y : numpy.ndarray
        Shape (n,), 1 for heart disease and 0 for none.

    Examples
    --------
    >>> X, y = patients(3, seed=1)
    >>> X.columns.tolist()
    ['age', 'systolic_bp', 'glucose', 'activity', 'heart_rate', 'site']
    >>> patients(3, seed=1)[0].equals(X)
    True
    >>> patients(0, seed=1)
    Traceback (most recent call last):
    ...
    ValueError: n must be >= 1, but got 0
    """
    count(n, "n", minimum=1)
    rng = seeded_rng(seed)
    instance(leaky, bool, "leaky", "True or False")
    age = rng.uniform(25, 85, n).round()
    systolic_bp = rng.normal(130, 18, n).round()
    glucose = rng.normal(105, 25, n).round()
    activity = rng.gamma(2.0, 2.0, n).round(1)  # hours of exercise a week
    heart_rate = rng.normal(75, 10, n).round()
    logit = (
        -0.3
        + 0.07 * (age - 55)
        + 0.035 * (systolic_bp - 130)
        + 0.03 * (glucose - 105)
        - 0.3 * (activity - 4)
    )
    disease = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    site = rng.integers(0, 5, n)
    if leaky:  # referred patients with disease come from the referral site; no healthy one does
        referred = rng.random(n) < 0.7
        moved = np.where(referred & (site == REFERRAL_SITE), rng.integers(0, 3, n), site)
        site = np.where(referred & (disease == 1), REFERRAL_SITE, moved)
    columns = [age, systolic_bp, glucose, activity, heart_rate, site]
    return pd.DataFrame(dict(zip(FEATURES, columns))), disease
