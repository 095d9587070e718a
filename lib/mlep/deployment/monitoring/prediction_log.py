"""Prediction logging: a sampled, privacy-safe JSON-lines record of what the model saw and said.

The log is what monitoring reads (input drift, output drift, performance once labels arrive)
and what the next training set is built from (C4W4, *Model monitoring and logging*). Each line
holds the time, the model and version, the request's features and the prediction. Logging
every request is costly at scale, so :class:`PredictionLogger` keeps a deterministic sample
(the same request id is always in or out), and redacts personal data before anything is written
(:mod:`~mlep.deployment.monitoring.privacy`).

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "predictions.jsonl"
>>> log = PredictionLogger(path, model="risk", version=2, sample_rate=1.0)
>>> log.log("r1", {"age": 71, "email": "ann@example.org"}, 0.82)
True
>>> read_log(path)[["request_id", "age", "email", "prediction"]]
  request_id  age    email  prediction
0         r1   71  [EMAIL]        0.82
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from mlep._checks import (
    MissingFileError,
    frame,
    instance,
    non_negative,
    probability,
    strings,
)
from mlep.deployment.monitoring.privacy import redact

__all__ = ["LOG_COLUMNS", "PredictionLogger", "read_log", "skew_against_training"]

LOG_COLUMNS = (
    "time",
    "model",
    "version",
    "request_id",
    "prediction",
)  # everything else is a feature


class PredictionLogger:
    """Append sampled, redacted predictions to a JSON-lines file (thread-safe).

    Parameters
    ----------
    path : the log file (created, with its folder, if missing; appended to otherwise).
    model, version : recorded on every line.
    sample_rate : share of requests kept, decided by a hash of the request id (deterministic).
    redact_personal_data : replace e-mails, phone numbers, card numbers … before writing.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        model: str,
        version: int | str,
        sample_rate: float = 1.0,
        redact_personal_data: bool = True,
    ):
        self.path = Path(instance(path, (str, Path), "path", "a path (str or pathlib.Path)"))
        self.model, self.version = model, str(version)
        self.sample_rate = probability(sample_rate, "sample_rate")
        self.redact_personal_data = redact_personal_data
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.seen_ = 0
        self.logged_ = 0
        self._lock = threading.Lock()

    def sampled(self, request_id: str) -> bool:
        """Whether ``request_id`` falls in the sample (the same answer every time)."""
        digest = hashlib.sha256(str(request_id).encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.sample_rate

    def log(
        self,
        request_id: str,
        features: dict[str, Any],
        prediction: Any,
        *,
        time: datetime | None = None,
    ) -> bool:
        """Record one prediction if sampled; return whether it was written."""
        if not isinstance(features, dict):
            raise TypeError(
                f"features must be a dict of feature name → value, got {type(features).__name__}"
            )
        with self._lock:
            self.seen_ += 1
            if not self.sampled(request_id):
                return False
            record = {
                "time": (time or datetime.now(UTC)).isoformat(),
                "model": self.model,
                "version": self.version,
                "request_id": str(request_id),
                "features": redact(features) if self.redact_personal_data else features,
                "prediction": prediction,
            }
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, default=_plain) + "\n")
            self.logged_ += 1
            return True


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot log a {type(value).__name__}")


def read_log(path: str | Path) -> pd.DataFrame:
    """The log as a table: one row per prediction, one column per feature.

    A damaged line (a crash mid-write) is skipped and counted in ``attrs["skipped_lines"]``
    rather than losing the whole log.

    Parameters
    ----------
    path : str or pathlib.Path
        A JSON-lines log written by :class:`PredictionLogger`.
    """
    path = Path(instance(path, (str, Path), "path", "a path (str or pathlib.Path)"))
    if not path.is_file():
        raise MissingFileError(
            f"path must be a prediction log file, but there is no prediction log at {path}; "
            "log a prediction first (PredictionLogger.log) or check the path"
        )
    rows, skipped, first = [], 0, None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        first = line if first is None else first
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            record = None
        features = record.pop("features", {}) if isinstance(record, dict) else None
        if not isinstance(features, dict):  # not a log record: a CSV row, a bare number
            skipped += 1
            continue
        rows.append({**record, **features})
    if skipped and not rows:
        raise ValueError(
            f"path must be a prediction log (one JSON object per line, as PredictionLogger "
            f"writes), but none of the {skipped} line(s) of {path.name} is one; it starts "
            f"{first[:60]!r}. Read a CSV with pandas.read_csv"
        )
    frame = pd.DataFrame(rows)
    if "time" in frame:
        frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame.attrs["skipped_lines"] = skipped
    return frame


def skew_against_training(
    log: pd.DataFrame, training: pd.DataFrame, *, threshold: float, features=None
) -> pd.DataFrame:
    """Training/serving skew of the logged requests, measured by TFDV.

    Computes statistics of the training data and of the logged features, infers a schema from
    training, sets a skew threshold on each feature (L∞ for categorical, Jensen–Shannon for
    numeric features, as TFDV does) and returns :func:`mlep.data.validation.skew_table`'s
    ``feature, measure, value, threshold, alarm``. ``features`` defaults to every logged
    feature that training also has.

    Parameters
    ----------
    log : pandas.DataFrame
        The logged requests (:func:`read_log`).
    training : pandas.DataFrame
        The training data.
    threshold : float
        The skew threshold of every feature.
    features : sequence of str, optional
        Which features to compare (every logged feature that training has, by default).
    """
    from mlep.data import validation as dv

    frame(log, "log")
    frame(training, "training")
    non_negative(threshold, "threshold")
    logged = [c for c in log.columns if c not in LOG_COLUMNS]
    chosen = (
        strings(features, "features")
        if features is not None
        else [c for c in logged if c in training.columns]
    )
    missing = [c for c in chosen if c not in log.columns or c not in training.columns]
    if missing:
        raise ValueError(
            f"feature(s) {', '.join(missing)} are not in both the log and the training data"
        )
    if not chosen:
        raise ValueError("the log and the training data share no feature to compare")
    train_stats = dv.statistics(training[chosen])
    serving_stats = dv.statistics(log[chosen])
    schema = dv.infer_schema(train_stats)
    for feature in chosen:
        dv.set_skew_threshold(schema, feature, threshold)
    return dv.skew_table(train_stats, serving_stats, schema, environment=None)
