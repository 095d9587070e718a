"""Seeded production records with planted incidents, to practise monitoring on (C4W4).

A lab needs production traffic whose problems are known, so that a learner's alerts,
redaction and retraining triggers can be checked against the truth:

- :func:`prediction_requests` — one request per row of features, from patients with names,
  e-mails, phone numbers and birth dates (all invented), some of them repeated in a free-text
  note: what a prediction log must not keep in the clear (:mod:`.privacy`).
- :func:`incident_events` — request events (latency, error, flagged prediction) with slow
  spans, one-minute pauses, failure spans and shifts of the flagged share (:mod:`.alerts`).
- :func:`monitoring_history` — daily accuracy and drift signals with a planted accuracy drop,
  a drift and a one-day glitch (:mod:`.retraining`).
- :func:`serving_log` — an hourly serving log with planted incidents (a slow tail, missing
  inputs, a stuck prediction) for the metrics and thresholds of C1W1 (:mod:`.metrics`).

The same ``seed`` always gives the same records.

Examples
--------
>>> events = incident_events(0, failures=[(60, 10)], hours=2)
>>> len(events), list(events.columns)
(3600, ['time', 'latency_ms', 'error', 'flagged'])
>>> minute = (events["time"] - events["time"].iloc[0]).dt.total_seconds() // 60
>>> during = minute.between(61, 68)
>>> bool(events["error"][during].mean() > 10 * events["error"][~during].mean())
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mlep._checks import (
    count,
    instance,
    non_negative,
    numbers_array,
    probability,
    real,
    seeded_rng,
    sequence,
)

__all__ = [
    "INCIDENTS",
    "incident_events",
    "monitoring_history",
    "prediction_requests",
    "serving_log",
]

#: When every synthetic record starts (a Monday morning).
START = pd.Timestamp("2026-03-02 08:00", tz="UTC")

_FIRST = [
    "Ann",
    "Omar",
    "Li",
    "Maria",
    "Jon",
    "Aiko",
    "Pedro",
    "Fatima",
    "Ivan",
    "Grace",
    "Kofi",
    "Nora",
]
_LAST = [
    "Lee",
    "Haddad",
    "Wang",
    "Garcia",
    "Smith",
    "Sato",
    "Silva",
    "Khan",
    "Petrov",
    "Okafor",
    "Berg",
    "Novak",
]
_NOTES = [
    "Daughter can be reached on {phone}.",
    "Send the follow-up letter to {email}.",
    "Patient born {dob}, lives alone.",
    "No remarks.",
    "Transport booked; confirm with {email} or {phone}.",
    "Check insulin dose at follow-up.",
]


def _patients(rng: np.random.Generator, n: int) -> list[dict[str, str]]:
    patients = []
    for k in range(n):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        patients.append(
            {
                "patient_id": f"MRN-{rng.integers(10**6, 10**7)}",
                "patient_name": f"{first} {last}",
                "email": f"{first}.{last}{k}@example.org".lower(),
                "phone": f"+1 415 555 {k:04d}",
                "dob": (
                    f"{rng.integers(1930, 1990)}-"
                    f"{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
                ),
            }
        )
    return patients


def prediction_requests(
    rows: pd.DataFrame, scores: Sequence[float], *, seed: int, n_patients: int = 600
) -> list[dict]:
    """One prediction request per row, as a serving system would log it.

    Parameters
    ----------
    rows : pandas.DataFrame
        The model's input features, one row per request (kept as the request's ``features``).
    scores : sequence of float
        The model's prediction for each row (rounded to 3 decimals in the request).
    seed : int
        Seeds the patients, the arrival times (a Poisson process, one request a minute on
        average from :data:`START`) and which patient and note each request gets.
    n_patients : int, default 600
        How many distinct (invented) patients the requests come from.

    Returns
    -------
    list of dict
        Each with ``request_id``, ``time``, ``patient_id``, ``patient_name``, ``email``,
        ``phone``, ``dob``, ``note`` (sometimes quoting the e-mail, phone or birth date),
        ``features`` (the row as a dict) and ``prediction``.

    Examples
    --------
    >>> rows = pd.DataFrame({"age": [70, 41], "visits": [3, 0]})
    >>> first = prediction_requests(rows, [0.81, 0.2], seed=0, n_patients=5)[0]
    >>> first["request_id"], first["features"], first["prediction"]
    ('req-0-00000', {'age': 70, 'visits': 3}, 0.81)
    >>> sorted(first)[:4]
    ['dob', 'email', 'features', 'note']
    """
    if not isinstance(rows, pd.DataFrame):
        raise TypeError(f"rows must be a DataFrame of features, but got {type(rows).__name__}")
    rounded = numbers_array(scores, "scores").round(3)
    if rounded.shape != (len(rows),):
        raise ValueError(
            f"scores must have one value per row ({len(rows)}), but got shape {rounded.shape}"
        )
    count(n_patients, "n_patients", minimum=1)
    rng = seeded_rng(seed)
    patients = _patients(rng, n_patients)
    times = START + pd.to_timedelta(np.cumsum(rng.exponential(60, len(rows))), unit="s")
    requests = []
    for i, (row, time, score) in enumerate(zip(rows.to_dict("records"), times, rounded)):
        patient = patients[rng.integers(n_patients)]
        requests.append(
            {
                "request_id": f"req-{seed}-{i:05d}",
                "time": time,
                **patient,
                "note": rng.choice(_NOTES).format(**patient),
                "features": row,
                "prediction": float(score),
            }
        )
    return requests


def _inside(minute: np.ndarray, spans) -> np.ndarray:
    hit = np.zeros(len(minute), bool)
    for start, length in spans:
        hit |= (minute >= start) & (minute < start + length)
    return hit


#: The most rows a synthetic generator makes (a course-sized table, a few hundred MB at most).
MAX_ROWS = 5_000_000


def _rows(n: int, what: str) -> int:
    """A number of rows to generate, refused before numpy runs out of memory."""
    if n > MAX_ROWS:
        raise ValueError(f"{what} must be at most {MAX_ROWS:,} rows, but got {n:,}")
    return n


def _spans(spans, what: str, width: int) -> list[tuple[float, ...]]:
    """Spans ``(start minute, length in minutes[, share])``: finite numbers, no negative length."""
    shape = "(start minute, length in minutes" + (", flagged share)" if width == 3 else ")")
    checked = []
    for span in sequence(spans, what, f"a list of {shape} tuples"):
        if not isinstance(span, (tuple, list)) or len(span) != width:
            raise TypeError(f"{what} must hold {shape} tuples, but got {span!r}")
        start = real(span[0], f"{what} start")
        length = non_negative(span[1], f"{what} length")
        share = (probability(span[2], f"{what} flagged share"),) if width == 3 else ()
        checked.append((start, length, *share))
    return checked


def incident_events(
    seed: int, *, slow=(), pauses=(), failures=(), shifts=(), hours: int = 6, per_minute: int = 30
) -> pd.DataFrame:
    """Request events with planted incidents, one row per request.

    Parameters
    ----------
    seed : int
        Seeds the arrival times and every value.
    slow : sequence of (start minute, length in minutes)
        Spans where every request takes 400 ms longer.
    pauses : sequence of int
        Minutes where every request takes 400 ms longer (a one-minute pause, e.g. garbage
        collection): a rule that needs a long enough duration should not fire on them.
    failures : sequence of (start minute, length in minutes)
        Spans where 8 % of requests fail instead of 0.2 %.
    shifts : sequence of (start minute, length in minutes, flagged share)
        Spans where the share of flagged predictions moves from 0.25 to the given share.
    hours : int, default 6
        How long the record lasts, from :data:`START`.
    per_minute : int, default 30
        Requests per minute on average.

    Returns
    -------
    pandas.DataFrame
        ``time`` (sorted), ``latency_ms``, ``error`` (0/1) and ``flagged`` (0/1).
    """
    count(hours, "hours", minimum=1)
    count(per_minute, "per_minute", minimum=1)
    rng = seeded_rng(seed)
    slow, failures = _spans(slow, "slow", 2), _spans(failures, "failures", 2)
    shifts = _spans(shifts, "shifts", 3)
    pauses = [real(p, "pauses[...]") for p in sequence(pauses, "pauses", "a list of minutes")]
    n = _rows(hours * 60 * per_minute, "hours * 60 * per_minute")
    minute = np.sort(rng.uniform(0, hours * 60, n))
    latency = rng.gamma(4, 30, n) + 400 * _inside(minute, slow + [(p, 1) for p in pauses])
    error = rng.random(n) < np.where(_inside(minute, failures), 0.08, 0.002)
    share = np.full(n, 0.25)
    for start, length, value in shifts:
        share[(minute >= start) & (minute < start + length)] = value
    return pd.DataFrame(
        {
            "time": START + pd.to_timedelta(minute, unit="min"),
            "latency_ms": latency.round(1),
            "error": error.astype(int),
            "flagged": (rng.random(n) < share).astype(int),
        }
    )


def monitoring_history(
    seed: int,
    *,
    baseline: float = 0.80,
    days: int = 120,
    drop_day: int = 70,
    drift_day: int = 55,
    glitch_day: int = 30,
) -> pd.DataFrame:
    """Daily monitoring signals with a planted accuracy drop, a drift and a one-day glitch.

    Parameters
    ----------
    seed : int
        Seeds the daily label counts, accuracies and drift noise.
    baseline : float, default 0.80
        Accuracy before ``drop_day``; from then on it is 6 points lower.
    days : int, default 120
        How many days the history covers.
    drop_day, drift_day, glitch_day : int
        The day accuracy drops; the day the PSI of age starts to climb (0.02 a day, up to
        +0.3); the one day PSI jumps to 0.45 and falls back.

    Returns
    -------
    pandas.DataFrame
        ``day``, ``new_rows`` (labelled rows that day), ``accuracy`` (NaN at weekends: no
        labels) and ``psi_age``.

    Examples
    --------
    >>> history = monitoring_history(0)
    >>> history.loc[history["day"] == 30, "psi_age"].item()
    0.45
    >>> bool(history["accuracy"][history["day"] >= 70].mean() < history["accuracy"][:70].mean())
    True
    """
    count(days, "days", minimum=1)
    rng = seeded_rng(seed)
    if not 0.06 <= probability(baseline, "baseline"):
        raise ValueError(
            f"baseline must be at least 0.06 (it drops by 6 points), but got {baseline}"
        )
    for what, value in (
        ("drop_day", drop_day),
        ("drift_day", drift_day),
        ("glitch_day", glitch_day),
    ):
        instance(value, (int, np.integer), what, "a day number (an integer)")
    day = np.arange(days)
    labelled = rng.integers(300, 500, days)
    accuracy = (
        rng.binomial(labelled, np.where(day >= drop_day, baseline - 0.06, baseline)) / labelled
    )
    accuracy = np.where(day % 7 >= 5, np.nan, accuracy)  # no labels at weekends
    psi = 0.03 + rng.gamma(2, 0.01, days) + np.clip((day - drift_day) * 0.02, 0, 0.3)
    if 0 <= glitch_day < days:
        psi[glitch_day] = 0.45
    return pd.DataFrame(
        {"day": day, "new_rows": labelled, "accuracy": accuracy.round(4), "psi_age": psi.round(3)}
    )


#: The incidents :func:`serving_log` can plant in an hour.
INCIDENTS = ("tail", "slow", "missing", "stuck")


def serving_log(
    model, *, hours: int = 24, per_hour: int = 200, incidents=None, seed: int = 0
) -> pd.DataFrame:
    """One row per request a model served, with incidents planted in chosen hours.

    Parameters
    ----------
    model : object with ``predict(batch)``
        The model in production (e.g. :class:`mlep.deployment.rollout.ThresholdModel`); it
        answers :func:`mlep.deployment.rollout.request_stream` traffic.
    hours : int, default 24
        How many hours the log covers.
    per_hour : int, default 200
        Requests per hour.
    incidents : dict of int to str, optional
        Hour → one of :data:`INCIDENTS`: ``"tail"`` (10 % of that hour's requests 6× slower),
        ``"slow"`` (every request 6× slower), ``"missing"`` (``x1`` missing in 20 %),
        ``"stuck"`` (every prediction 0).
    seed : int, default 0
        Seeds the requests, the latencies and which requests an incident hits.

    Returns
    -------
    pandas.DataFrame
        ``request_id``, ``hour``, ``x1`` (NaN when missing), ``prediction``, ``latency_ms``.

    Examples
    --------
    >>> from mlep.deployment.rollout import ThresholdModel
    >>> log = serving_log(ThresholdModel(), hours=3, incidents={2: "stuck"})
    >>> log.groupby("hour")["prediction"].mean().round(2).tolist()
    [0.46, 0.46, 0.0]
    """
    from mlep.deployment import rollout

    count(hours, "hours", minimum=1)
    count(per_hour, "per_hour", minimum=1)
    incidents = {} if incidents is None else incidents
    incidents = dict(instance(incidents, Mapping, "incidents", "a dict of hour -> incident"))
    unknown = {h: k for h, k in incidents.items() if k not in INCIDENTS}
    if unknown:
        raise ValueError(f"incidents must be one of {INCIDENTS}, but got {unknown}")
    rng = seeded_rng(seed)
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"model must have a predict(batch) method, but got {type(model).__name__}")
    requests = rollout.request_stream(_rows(hours * per_hour, "hours * per_hour"), seed=seed)
    log = requests[["request_id", "x1"]].copy()
    log.insert(1, "hour", log["request_id"] // per_hour)
    log["prediction"] = model.predict(rollout.features(requests))
    log["latency_ms"] = rng.lognormal(np.log(40), 0.3, len(log)).round(1)
    for hour, incident in incidents.items():
        rows = (log["hour"] == hour).to_numpy()
        some = rows & (rng.random(len(log)) < (0.1 if incident == "tail" else 0.2))
        if incident in ("tail", "slow"):
            log.loc[some if incident == "tail" else rows, "latency_ms"] *= 6
        elif incident == "missing":
            log.loc[some, "x1"] = np.nan
        elif incident == "stuck":
            log.loc[rows, "prediction"] = 0
    return log
