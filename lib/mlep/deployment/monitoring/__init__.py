"""Monitoring a deployed model: metrics and alarms, data drift, concept drift.

- :mod:`~mlep.deployment.monitoring.metrics` — :class:`Monitor`: named software, input and
  output metrics with bounds; ``update(**values)`` returns :class:`Alarm` objects.
- :mod:`~mlep.deployment.monitoring.drift` — data-drift measures on raw samples:
  :func:`psi`, :func:`ks`, :func:`jensen_shannon` and :func:`l_infinity` (the last two are
  TFDV's measures, computed by :mod:`mlep.data.validation`).
- :mod:`~mlep.deployment.monitoring.detectors` — concept-drift detectors (river's ADWIN,
  Page-Hinkley, DDM) behind one API: ``detector(name).update(x) -> bool``.
- :mod:`~mlep.deployment.monitoring.streams` — seeded streams with known change points
  (:func:`abrupt_stream`, :func:`gradual_stream`) to test detectors against the truth.

Production (Course 4, week 4):

- :mod:`~mlep.deployment.monitoring.prediction_log` — :class:`PredictionLogger`: sampled,
  redacted JSON-lines prediction logs; :func:`read_log`.
- :mod:`~mlep.deployment.monitoring.privacy` — :func:`scan`, :func:`redact` and
  :func:`pseudonymize` personal data in payloads.
- :mod:`~mlep.deployment.monitoring.alerts` — alert rules as data (:class:`AlertRule`: a metric,
  a statistic over a window, a threshold, a duration) and :func:`evaluate` over logged events.
- :mod:`~mlep.deployment.monitoring.retraining` — retraining policies (:class:`Schedule`,
  :class:`DataVolume`, :class:`PerformanceDrop`, :class:`DriftTrigger`) and :func:`simulate`.
- :mod:`~mlep.deployment.monitoring.synthetic` — seeded production records with planted
  incidents (requests carrying personal data, request events, daily signals) to practise on.

Importing this package is light:
river and scipy are imported when a detector or a KS test is first used.

Examples
--------
>>> stream = abrupt_stream(3000, change_at=2000, before=0.1, after=0.4, kind="binary", seed=7)
>>> detector("ddm", warm_start=500, drift_threshold=4).run(stream)
[2232]
"""

from mlep.deployment.monitoring.alerts import AlertRule, evaluate
from mlep.deployment.monitoring.detectors import (
    DETECTORS,
    Detector,
    detection_delay,
    detector,
    false_alarms,
)
from mlep.deployment.monitoring.drift import (
    KSResult,
    jensen_shannon,
    ks,
    l_infinity,
    psi,
    value_counts,
)
from mlep.deployment.monitoring.metrics import (
    GROUPS,
    Alarm,
    Metric,
    Monitor,
    error_rate,
    missing_rate,
    prediction_rate,
)
from mlep.deployment.monitoring.prediction_log import PredictionLogger, read_log
from mlep.deployment.monitoring.privacy import pseudonymize, redact, scan
from mlep.deployment.monitoring.retraining import (
    DataVolume,
    DriftTrigger,
    PerformanceDrop,
    Schedule,
    simulate,
)
from mlep.deployment.monitoring.streams import abrupt_stream, gradual_stream

__all__ = [
    "DETECTORS",
    "GROUPS",
    "Alarm",
    "AlertRule",
    "DataVolume",
    "Detector",
    "DriftTrigger",
    "KSResult",
    "Metric",
    "Monitor",
    "PerformanceDrop",
    "PredictionLogger",
    "Schedule",
    "abrupt_stream",
    "detection_delay",
    "detector",
    "error_rate",
    "evaluate",
    "false_alarms",
    "gradual_stream",
    "jensen_shannon",
    "ks",
    "l_infinity",
    "missing_rate",
    "prediction_rate",
    "psi",
    "pseudonymize",
    "read_log",
    "redact",
    "scan",
    "simulate",
    "value_counts",
]
