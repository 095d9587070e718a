"""Validation against the schema, and drift and skew between two sets of statistics.

Part of :mod:`mlep.data.validation`, which re-exports the public names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from tensorflow_metadata.proto.v0 import anomalies_pb2, schema_pb2, statistics_pb2

from mlep.data.validation.common import (
    ANOMALY_TABLE_COLUMNS,
    COMPARISON_TABLE_COLUMNS,
    JENSEN_SHANNON,
    L_INFINITY,
    load_tfdv,
    overall_dataset,
    require_schema,
)
from mlep.data.validation.schema import schema_environments, schema_feature
from mlep.runtime import quiet

if TYPE_CHECKING:  # pragma: no cover
    pass


def validate(
    stats: statistics_pb2.DatasetFeatureStatisticsList,
    schema: schema_pb2.Schema,
    *,
    environment: str | None = None,
    previous_stats: statistics_pb2.DatasetFeatureStatisticsList | None = None,
    serving_stats: statistics_pb2.DatasetFeatureStatisticsList | None = None,
) -> anomalies_pb2.Anomalies:
    """Check statistics against a schema with ``tfdv.validate_statistics``.

    Parameters
    ----------
    stats, schema
        What to check, and the expectations. Sliced statistics use their whole dataset.
    environment
        E.g. ``"SERVING"``: features excluded from it (see :func:`add_environments`) are
        not expected.
    previous_stats
        Statistics of an earlier span: drift comparators (see :func:`set_drift_threshold`)
        compare ``stats`` with these.
    serving_stats
        Serving statistics: skew comparators compare ``stats`` (training) with these.
    """
    require_schema(schema)
    if environment is not None and environment not in schema_environments(schema):
        known = schema_environments(schema)
        raise ValueError(
            f"environment {environment!r} is not in the schema (it has "
            f"{', '.join(known) if known else 'no environments'}); declare it with "
            "add_environments(schema, ...)"
        )
    previous = None if previous_stats is None else overall_dataset(previous_stats, "previous_stats")
    serving = None if serving_stats is None else overall_dataset(serving_stats, "serving_stats")
    with quiet():
        return load_tfdv().validate_statistics(
            overall_dataset(stats),
            schema,
            environment=environment,
            previous_statistics=previous,
            serving_statistics=serving,
        )


def anomalies_table(anomalies: anomalies_pb2.Anomalies) -> pd.DataFrame:
    """One row per anomalous feature: ``feature, short_description, description, severity``.

    Dataset-level anomalies (e.g. too few examples) get the feature name ``"(dataset)"``.
    No anomalies gives an empty DataFrame with the same columns.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import anomalies_pb2
    >>> anomalies_table(anomalies_pb2.Anomalies()).columns.tolist()
    ['feature', 'short_description', 'description', 'severity']
    """
    if not isinstance(anomalies, anomalies_pb2.Anomalies):
        raise TypeError(
            "anomalies must be the Anomalies returned by validate(), "
            f"got {type(anomalies).__name__}"
        )
    infos = [(name, anomalies.anomaly_info[name]) for name in sorted(anomalies.anomaly_info)]
    if anomalies.HasField("dataset_anomaly_info"):
        infos.append(("(dataset)", anomalies.dataset_anomaly_info))
    rows = [
        [
            name,
            info.short_description,
            info.description,
            anomalies_pb2.AnomalyInfo.Severity.Name(info.severity),
        ]
        for name, info in infos
    ]
    return pd.DataFrame(rows, columns=ANOMALY_TABLE_COLUMNS)


def _measure_for(feature) -> str:
    """TFDV measures strings with L-infinity and numbers with Jensen-Shannon divergence."""
    return L_INFINITY if feature.type == schema_pb2.BYTES else JENSEN_SHANNON


def _set_threshold(comparator, feature, threshold: float) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise TypeError(f"threshold for {feature.name!r} must be a number, got {threshold!r}")
    if not 0 <= threshold <= 1:
        raise ValueError(
            f"threshold for {feature.name!r} must be between 0 and 1 (both distances are), "
            f"got {threshold}"
        )
    comparator.Clear()
    if _measure_for(feature) == L_INFINITY:
        comparator.infinity_norm.threshold = threshold
    else:
        comparator.jensen_shannon_divergence.threshold = threshold


def set_drift_threshold(
    schema: schema_pb2.Schema, feature: str, threshold: float
) -> schema_pb2.Schema:
    """Alarm when ``feature`` moves more than ``threshold`` between spans (drift).

    String features use the L-infinity distance, numeric ones the Jensen-Shannon divergence,
    as TFDV supports. Returns ``schema`` (changed in place).

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="age", type=schema_pb2.BYTES)
    >>> _ = schema.feature.add(name="time_in_hospital", type=schema_pb2.INT)
    >>> _ = set_drift_threshold(schema, "age", 0.1)
    >>> _ = set_drift_threshold(schema, "time_in_hospital", 0.05)
    >>> schema.feature[0].drift_comparator.infinity_norm.threshold
    0.1
    >>> schema.feature[1].drift_comparator.jensen_shannon_divergence.threshold
    0.05
    """
    chosen = schema_feature(schema, feature)
    _set_threshold(chosen.drift_comparator, chosen, threshold)
    return schema


def set_skew_threshold(
    schema: schema_pb2.Schema, feature: str, threshold: float
) -> schema_pb2.Schema:
    """Alarm when ``feature`` differs more than ``threshold`` between training and serving.

    Same measures as :func:`set_drift_threshold`. Returns ``schema`` (changed in place).
    """
    chosen = schema_feature(schema, feature)
    _set_threshold(chosen.skew_comparator, chosen, threshold)
    return schema


def drift_table(
    previous_stats: statistics_pb2.DatasetFeatureStatisticsList,
    current_stats: statistics_pb2.DatasetFeatureStatisticsList,
    schema: schema_pb2.Schema,
    *,
    environment: str | None = None,
) -> pd.DataFrame:
    """Drift of each feature with a drift threshold, as TFDV measured it.

    Returns
    -------
    pandas.DataFrame
        ``feature, measure, value, threshold, alarm``: one row per feature with a threshold
        (set by :func:`set_drift_threshold`), in schema order, whether or not it alarms.
        ``alarm`` is ``value > threshold`` (TFDV's rule). ``value`` is NaN when TFDV could
        not measure (the feature is missing from one of the datasets; :func:`validate`
        then reports it as an anomaly).

    Notes
    -----
    The values are read from ``Anomalies.drift_skew_info``: TFDV 1.16 records a measurement
    for every feature with a comparator threshold, including those under it.
    """
    anomalies = validate(
        current_stats, schema, environment=environment, previous_stats=previous_stats
    )
    _require_thresholds(schema, "drift")  # after validate's type checks of the statistics
    return _comparison_table(anomalies, schema, "drift")


def skew_table(
    training_stats: statistics_pb2.DatasetFeatureStatisticsList,
    serving_stats: statistics_pb2.DatasetFeatureStatisticsList,
    schema: schema_pb2.Schema,
    *,
    environment: str | None = "SERVING",
) -> pd.DataFrame:
    """Training/serving skew of each feature with a skew threshold, as TFDV measured it.

    Same columns and rules as :func:`drift_table`. ``environment`` (default ``"SERVING"``)
    leaves out features excluded from serving, such as the label; it is ignored when the
    schema declares no environments at all.
    """
    require_schema(schema)
    if environment is not None and not schema_environments(schema):
        environment = None
    anomalies = validate(
        training_stats, schema, environment=environment, serving_stats=serving_stats
    )
    _require_thresholds(schema, "skew")
    return _comparison_table(anomalies, schema, "skew")


def _thresholds(comparator) -> list[tuple[str, float]]:
    found = []
    if comparator.infinity_norm.HasField("threshold"):
        found.append((L_INFINITY, comparator.infinity_norm.threshold))
    if comparator.jensen_shannon_divergence.HasField("threshold"):
        found.append((JENSEN_SHANNON, comparator.jensen_shannon_divergence.threshold))
    return found


def _measurements(anomalies: anomalies_pb2.Anomalies, kind: str) -> dict[tuple[str, str], float]:
    names = {
        anomalies_pb2.DriftSkewInfo.Measurement.L_INFTY: L_INFINITY,
        anomalies_pb2.DriftSkewInfo.Measurement.JENSEN_SHANNON_DIVERGENCE: JENSEN_SHANNON,
    }
    values = {}
    for info in anomalies.drift_skew_info:
        feature = ".".join(info.path.step)
        measured = info.drift_measurements if kind == "drift" else info.skew_measurements
        for measurement in measured:
            if measurement.type in names:
                values[(feature, names[measurement.type])] = measurement.value
    return values


def _require_thresholds(schema: schema_pb2.Schema, kind: str) -> None:
    """A table without a threshold would be empty: it would read as "no drift"."""
    require_schema(schema)
    for feature in schema.feature:
        comparator = feature.drift_comparator if kind == "drift" else feature.skew_comparator
        if _thresholds(comparator):
            return
    raise ValueError(
        f"schema must set a {kind} threshold on at least one feature, but it sets none, so "
        f"nothing would be measured; call set_{kind}_threshold(schema, feature, threshold) first"
    )


def _comparison_table(anomalies, schema: schema_pb2.Schema, kind: str) -> pd.DataFrame:
    values = _measurements(anomalies, kind)
    rows = []
    for feature in schema.feature:
        comparator = feature.drift_comparator if kind == "drift" else feature.skew_comparator
        for measure, threshold in _thresholds(comparator):
            value = values.get((feature.name, measure), float("nan"))
            rows.append([feature.name, measure, value, threshold, bool(value > threshold)])
    table = pd.DataFrame(rows, columns=COMPARISON_TABLE_COLUMNS)
    return table.astype({"value": float, "threshold": float, "alarm": bool})
