"""Hospital encounters of diabetic patients with a readmission label (the data-validation lab)."""

from __future__ import annotations

import numpy as np

from mlep.data.generators.common import seeded_rng, weighted_choice

__all__ = [
    "AGE_BRACKETS",
    "MEDICATION_LEVELS",
    "PAYER_CODES",
    "RACES",
    "READMITTED",
    "SPECIALTIES",
    "hospital_readmission",
]

AGE_BRACKETS = [f"[{lo}-{lo + 10})" for lo in range(0, 100, 10)]
RACES = ["Caucasian", "AfricanAmerican", "Hispanic", "Asian", "Other"]
SPECIALTIES = [
    "InternalMedicine",
    "Emergency/Trauma",
    "Family/GeneralPractice",
    "Cardiology",
    "Surgery-General",
    "Nephrology",
    "Orthopedics",
    "Radiologist",
    "Pulmonology",
    "Psychiatry",
]
PAYER_CODES = ["MC", "MD", "HM", "UN", "BC", "SP", "CP", "OG"]
MEDICATION_LEVELS = ["No", "Steady", "Up", "Down"]
READMITTED = ["NO", ">30", "<30"]


def _encounters(rng, n, *, age_weights, lab_mean, stay_scale, payer_codes, specialties):
    """One table of hospital encounters of diabetic patients, label included."""
    import pandas as pd

    age = weighted_choice(rng, AGE_BRACKETS, n, age_weights)
    age_index = np.array([AGE_BRACKETS.index(a) for a in age])
    time_in_hospital = np.clip(np.round(rng.gamma(2.0, stay_scale, n)) + 1, 1, 14).astype(int)
    num_lab_procedures = np.clip(np.round(rng.normal(lab_mean, 19, n)), 1, 132).astype(int)
    num_medications = np.clip(np.round(rng.gamma(4.0, 4.0, n)), 1, 81).astype(int)
    number_inpatient = rng.poisson(0.6, n)
    number_emergency = rng.poisson(0.2, n)
    a1c = weighted_choice(rng, ["None", "Norm", ">7", ">8"], n, [83, 5, 4, 8])
    insulin = weighted_choice(rng, MEDICATION_LEVELS, n, [46, 30, 12, 12])
    # Readmission risk grows with prior stays, length of stay and age: a learnable signal.
    risk = (
        -1.6
        + 0.45 * number_inpatient
        + 0.06 * time_in_hospital
        + 0.08 * age_index
        + 0.3 * (insulin == "Up")
        + rng.normal(0, 0.8, n)
    )
    readmitted = np.where(risk > 0.6, "<30", np.where(risk > -0.5, ">30", "NO"))
    specialty_weights = np.linspace(3, 1, len(specialties))
    return pd.DataFrame(
        {
            "race": weighted_choice(rng, RACES, n, [75, 19, 2, 1, 3]),
            "gender": weighted_choice(rng, ["Female", "Male"], n, [54, 46]),
            "age": age,
            "admission_type_id": weighted_choice(
                rng, [1, 2, 3, 5, 6], n, [53, 18, 19, 5, 5]
            ).astype(int),
            "medical_specialty": weighted_choice(rng, specialties, n, specialty_weights),
            "payer_code": weighted_choice(rng, payer_codes, n, np.linspace(4, 1, len(payer_codes))),
            "time_in_hospital": time_in_hospital,
            "num_lab_procedures": num_lab_procedures,
            "num_procedures": rng.integers(0, 7, n),
            "num_medications": num_medications,
            "number_outpatient": rng.poisson(0.4, n),
            "number_emergency": number_emergency,
            "number_inpatient": number_inpatient,
            "number_diagnoses": np.clip(rng.poisson(7.4, n), 1, 16),
            "A1Cresult": a1c,
            "insulin": insulin,
            "diabetesMed": weighted_choice(rng, ["Yes", "No"], n, [77, 23]),
            "readmitted": readmitted,
        }
    )


def hospital_readmission(seed: int = 2026, *, rows=(4000, 1000, 1000)):
    """Train, eval and serving splits of a Diabetes-130-US-style readmission table.

    Planted for the data-validation lab (and listed in the datasheet):

    - ``eval`` drifts: longer hospital stays (``time_in_hospital``), and its
      ``medical_specialty`` has a value training never saw (``Dermatology``);
    - ``serving`` has no label column, skews older (``age``) with more lab procedures
      (``num_lab_procedures``), and its ``payer_code`` has an unseen value (``ZZ``).

    Parameters
    ----------
    seed : int, default 2026
        The random seed (an integer ``>= 0``); the shipped CSVs use the datasheet's.
    rows : tuple of int, default (4000, 1000, 1000)
        Rows of the train, eval and serving splits.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"train": ..., "eval": ..., "serving": ...}``; the label is ``readmitted``.

    Examples
    --------
    >>> splits = hospital_readmission(1, rows=(20, 5, 5))
    >>> {name: frame.shape for name, frame in splits.items()}
    {'train': (20, 18), 'eval': (5, 18), 'serving': (5, 17)}
    """
    rng = seeded_rng(seed)
    train_n, eval_n, serving_n = rows
    young_heavy = [1, 1, 2, 4, 9, 17, 22, 25, 16, 3]
    common = dict(payer_codes=PAYER_CODES, specialties=SPECIALTIES)
    train = _encounters(
        rng, train_n, age_weights=young_heavy, lab_mean=43, stay_scale=2.0, **common
    )
    eval_ = _encounters(
        rng,
        eval_n,
        age_weights=young_heavy,
        lab_mean=43,
        stay_scale=3.2,
        payer_codes=PAYER_CODES,
        specialties=SPECIALTIES + ["Dermatology"],
    )
    serving = _encounters(
        rng,
        serving_n,
        age_weights=[0, 0, 1, 2, 4, 9, 16, 28, 30, 10],
        lab_mean=55,
        stay_scale=2.0,
        payer_codes=PAYER_CODES + ["ZZ"],
        specialties=SPECIALTIES,
    ).drop(columns=["readmitted"])
    return {"train": train, "eval": eval_, "serving": serving}
