"""Credit applications with a planted bias against one group (the fairness labs)."""

from __future__ import annotations

import numpy as np

from mlep.data.generators.common import seeded_rng, weighted_choice

__all__ = ["REGIONS", "loan_applications"]

REGIONS = ["north", "south", "east", "west"]


def _applicants(rng, n, *, minority_share):
    """Loan applications with the outcome; group ``B``'s short credit histories do not matter."""
    import pandas as pd

    group = np.where(rng.random(n) < minority_share, "B", "A")
    minority = group == "B"
    income = np.round(np.exp(rng.normal(np.log(52), 0.45, n)), 1)  # thousands a year
    debt_ratio = np.round(rng.beta(2.2, 4.0, n), 3)
    late_payments = rng.poisson(0.7, n)
    # B: recent arrivals, so short histories; for them history says nothing about repayment
    history = np.where(minority, rng.gamma(2.0, 2.0, n), rng.gamma(4.0, 3.0, n))
    history = np.round(np.clip(history, 0, 40), 1)
    region = weighted_choice(rng, REGIONS, n, [30, 30, 25, 15])
    risk = (
        -1.3
        + 4.0 * (debt_ratio - 0.35)
        + 0.7 * late_payments
        - 1.2 * np.log(income / 52)
        - np.where(minority, 0.0, 0.12 * (history - 12))
        + 0.5 * (region == "west")  # a harder region: more defaults, more noise
        + rng.normal(0, np.where(region == "west", 1.2, 0.5), n)
    )
    return pd.DataFrame(
        {
            "age": np.clip(np.round(rng.normal(41, 11, n)), 18, 80).astype(int),
            "income": income,
            "debt_ratio": debt_ratio,
            "late_payments": late_payments,
            "credit_history_years": history,
            "region": region,
            "group": group,
            "defaulted": (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int),
        }
    )


def loan_applications(seed: int = 2026, *, rows=(3000, 1000)):
    """Train and eval splits of credit applications with a planted bias against group ``B``.

    Group ``B`` is 20 % of the applicants and has short credit histories (``credit_history_years``)
    that, for them, say nothing about repayment; for group ``A`` a long history lowers the risk. A
    model trained on everyone learns "short history, risky" and flags more of ``B``'s good payers:
    a higher false positive rate for ``B`` (label ``defaulted``, 1 = the loan was not repaid).
    Region ``west`` is noisier than the others (a weak slice).

    Parameters
    ----------
    seed : int, default 2026
        The random seed (an integer ``>= 0``); the shipped CSVs use the datasheet's.
    rows : tuple of int, default (3000, 1000)
        Rows of the train and eval splits.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"train": ..., "eval": ...}``; the label is ``defaulted``, the group ``group``.

    Examples
    --------
    >>> splits = loan_applications(1, rows=(20, 5))
    >>> sorted(set(splits["train"]["group"]) | set(splits["eval"]["group"]))
    ['A', 'B']
    """
    rng = seeded_rng(seed)
    return {
        "train": _applicants(rng, rows[0], minority_share=0.2),
        "eval": _applicants(rng, rows[1], minority_share=0.2),
    }
