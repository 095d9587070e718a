"""Reference tests for mlep.data.validation: real TFDV on the seeded hospital readmission data."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from tensorflow_metadata.proto.v0 import anomalies_pb2, schema_pb2, statistics_pb2

from mlep.data import validation as V
from mlep.data.generators import hospital_readmission

# Features whose drift/skew is planted, and thresholds chosen from the measured values below.
JSD_THRESHOLD = 0.05  # time_in_hospital drift 0.088, num_lab_procedures skew 0.080; clean <= 0.03
LINF_THRESHOLD = 0.1  # age skew 0.166; clean <= 0.052
NUMERIC_WATCHED = [
    "time_in_hospital",
    "num_lab_procedures",
    "num_medications",
    "num_procedures",
    "number_diagnoses",
]
CATEGORICAL_WATCHED = ["age", "payer_code", "gender", "race", "medical_specialty"]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return hospital_readmission(seed=2026)


@pytest.fixture(scope="module")
def stats(frames):
    return {split: V.statistics(frame) for split, frame in frames.items()}


@pytest.fixture(scope="module")
def base_schema(stats):
    return V.infer_schema(stats["train"])


@pytest.fixture()
def schema(base_schema):
    copy = schema_pb2.Schema()
    copy.CopyFrom(base_schema)
    return copy


@pytest.fixture()
def watched_schema(schema):
    for feature in NUMERIC_WATCHED:
        V.set_drift_threshold(schema, feature, JSD_THRESHOLD)
        V.set_skew_threshold(schema, feature, JSD_THRESHOLD)
    for feature in CATEGORICAL_WATCHED:
        V.set_drift_threshold(schema, feature, LINF_THRESHOLD)
        V.set_skew_threshold(schema, feature, LINF_THRESHOLD)
    return schema


@pytest.fixture(scope="module")
def sliced(frames):
    return V.statistics(frames["train"], slice_by=["gender"])


@pytest.fixture(scope="module")
def renamed_csv(frames, tmp_path_factory):
    """A serving-like CSV where 'race' is dropped and 'payer_code' was renamed to 'payer'."""
    frame = frames["train"].head(300).drop(columns=["race"]).rename(columns={"payer_code": "payer"})
    file = tmp_path_factory.mktemp("csv") / "renamed.csv"
    frame.to_csv(file, index=False)
    return file, frame


@pytest.fixture(scope="module")
def renamed_csv_stats(renamed_csv):
    return V.statistics(renamed_csv[0])


def _row(table: pd.DataFrame, feature: str) -> pd.Series:
    rows = table[table.feature == feature]
    assert len(rows) == 1, f"expected one row for {feature!r} in\n{table}"
    return rows.iloc[0]


def _stats_with_histogram(buckets, num_nan=0, feature="x"):
    """Hand-built statistics of one FLOAT feature with a given standard histogram."""
    stats = statistics_pb2.DatasetFeatureStatisticsList()
    dataset = stats.datasets.add(num_examples=100)
    entry = dataset.features.add(type=statistics_pb2.FeatureNameStatistics.FLOAT)
    entry.path.step.append(feature)
    entry.num_stats.common_stats.num_non_missing = 100
    histogram = entry.num_stats.histograms.add(type=statistics_pb2.Histogram.STANDARD)
    histogram.num_nan = num_nan
    for low, high, count in buckets:
        histogram.buckets.add(low_value=low, high_value=high, sample_count=count)
    return stats


# --------------------------------------------------------------------------- import discipline


def test_import_does_not_load_tensorflow():
    code = (
        "import sys, mlep, mlep.data.validation, mlep.data.validation.plots\n"
        "heavy = [m for m in ('tensorflow', 'tensorflow_data_validation', 'apache_beam',"
        " 'matplotlib') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- statistics


def test_statistics_of_dataframe(stats, frames):
    train = stats["train"]
    assert isinstance(train, statistics_pb2.DatasetFeatureStatisticsList)
    assert len(train.datasets) == 1
    assert train.datasets[0].num_examples == len(frames["train"])


def test_feature_table_numbers_match_pandas(stats, frames):
    table = V.feature_table(stats["train"])
    assert list(table.columns) == V.FEATURE_TABLE_COLUMNS
    assert len(table) == frames["train"].shape[1]
    stay = _row(table, "time_in_hospital")
    column = frames["train"]["time_in_hospital"]
    assert stay.type == "INT"
    assert stay["count"] == len(column)
    assert stay.missing_fraction == 0.0
    assert stay["mean"] == pytest.approx(column.mean(), rel=1e-12)
    assert stay["std"] == pytest.approx(column.std(ddof=0), rel=1e-9)
    assert (stay["min"], stay["max"]) == (column.min(), column.max())
    assert pd.isna(stay["unique"]) and stay["top"] is None


def test_feature_table_categorical_row(stats, frames):
    gender = _row(V.feature_table(stats["train"]), "gender")
    assert gender.type == "STRING"
    assert gender["unique"] == 2
    assert gender["top"] == frames["train"]["gender"].mode()[0]
    assert math.isnan(gender["mean"]) and math.isnan(gender["max"])


def test_feature_table_counts_missing_values(frames):
    frame = frames["train"].head(200).copy()
    frame.loc[:49, "num_medications"] = np.nan
    frame.loc[:19, "insulin"] = None
    table = V.feature_table(V.statistics(frame))
    assert _row(table, "num_medications").missing_fraction == pytest.approx(0.25)
    assert _row(table, "num_medications")["count"] == 150
    assert _row(table, "insulin").missing_fraction == pytest.approx(0.10)


@pytest.mark.slow
def test_statistics_of_csv_file(renamed_csv, renamed_csv_stats):
    _, frame = renamed_csv
    table = V.feature_table(renamed_csv_stats)
    assert renamed_csv_stats.datasets[0].num_examples == len(frame)
    assert set(table.feature) == set(frame.columns)
    assert _row(table, "num_lab_procedures")["mean"] == pytest.approx(
        frame["num_lab_procedures"].mean(), rel=1e-12
    )


# --------------------------------------------------------------------------- schema


def test_inferred_schema_table(schema):
    table = V.schema_table(schema)
    assert list(table.columns) == V.SCHEMA_TABLE_COLUMNS
    gender = _row(table, "gender")
    assert (gender.type, gender.presence, gender.valency) == ("STRING", "required", "single")
    assert sorted(gender.domain) == ["Female", "Male"]
    stay = _row(table, "time_in_hospital")
    assert (stay.type, stay.domain) == ("INT", None)
    assert "Dermatology" not in _row(table, "medical_specialty").domain


def test_curation_functions_chain_and_change_schema(schema):
    result = V.set_required(
        V.set_range(
            V.add_to_domain(V.set_domain(schema, "gender", ["F", "M"]), "gender", ["X", "F"]),
            "time_in_hospital",
            1,
            14,
        ),
        "insulin",
        required=False,
    )
    assert result is schema
    table = V.schema_table(schema)
    assert _row(table, "gender").domain == ["F", "M", "X"]
    assert _row(table, "time_in_hospital").domain == "min: 1; max: 14"
    assert _row(table, "insulin").presence == "optional"
    insulin = next(f for f in schema.feature if f.name == "insulin")
    assert (insulin.presence.min_fraction, insulin.presence.min_count) == (0.0, 0)


def test_set_range_uses_float_domain_for_float_features():
    schema = schema_pb2.Schema()
    schema.feature.add(name="weight", type=schema_pb2.FLOAT)
    V.set_range(schema, "weight", 0.5, 250)
    assert schema.feature[0].WhichOneof("domain_info") == "float_domain"
    assert V.schema_table(schema).domain[0] == "min: 0.5; max: 250.0"


def _tfdv_display(schema):
    from tensorflow_data_validation.utils.display_util import get_schema_dataframe

    features = get_schema_dataframe(schema)[0]
    return features.set_axis([name.strip("'") for name in features.index])  # TFDV quotes names


def _medication_schema(schema):
    """The inferred schema with a shared domain, an optional feature and environments."""
    schema.string_domain.add(name="medication", value=["Down", "No", "Steady", "Up"])
    for name in ("insulin", "metformin"):
        feature = schema.feature.add(name=name) if name == "metformin" else None
        feature = feature or next(f for f in schema.feature if f.name == name)
        feature.type = schema_pb2.BYTES
        feature.domain = "medication"
    V.set_required(schema, "medical_specialty", required=False)
    V.add_environments(schema, exclude={"SERVING": ["readmitted"]})
    next(f for f in schema.feature if f.name == "A1Cresult").in_environment.append("LABELING")
    return schema


def _expected_valency(feature):
    if feature.HasField("shape"):
        count = math.prod(dim.size for dim in feature.shape.dim)
        return count, count
    if feature.HasField("value_count"):
        count = feature.value_count
        return count.min, count.max if count.HasField("max") else None
    return None, None


def test_schema_table_structured_columns_follow_the_proto(schema):
    import tensorflow_data_validation as tfdv

    _medication_schema(schema)
    table = V.schema_table(schema).set_index("feature")
    assert list(table.index) == [f.name for f in schema.feature]
    for feature in schema.feature:
        row = table.loc[feature.name]
        assert row.required == (feature.presence.min_fraction == 1.0), feature.name
        assert row.min_fraction == feature.presence.min_fraction
        assert row.min_count == feature.presence.min_count
        assert (row.valency_min, row.valency_max) == _expected_valency(feature), feature.name
        domain = tfdv.get_domain(schema, feature.name) if feature.HasField("domain") else None
        values = tuple(domain.value) if domain is not None else None
        assert row.domain_values == values, feature.name
        assert row.domain_name == (feature.domain or None), feature.name
    assert table.loc["medical_specialty", ["required", "min_fraction", "min_count"]].tolist() == [
        False,
        0.0,
        0,
    ]
    specialty = table.loc["medical_specialty"]
    assert (specialty.valency, specialty.valency_min, specialty.valency_max) == ("single", 1, 1)
    assert table.required.dtype == bool and table.min_fraction.dtype == float
    assert table.loc["gender", "domain_values"] == ("Female", "Male")


def test_schema_table_shared_domain_stays_shared_until_one_feature_changes(schema):
    _medication_schema(schema)
    table = V.schema_table(schema).set_index("feature")
    for name in ("insulin", "metformin"):
        assert table.loc[name, "domain_name"] == "medication"
        assert table.loc[name, "domain_values"] == ("Down", "No", "Steady", "Up")
        assert table.loc[name, "type"] == "STRING"
    V.add_to_domain(schema, "metformin", ["Stopped"])
    table = V.schema_table(schema).set_index("feature")
    assert table.loc["insulin", "domain_name"] == "medication"
    assert table.loc["insulin", "domain_values"] == ("Down", "No", "Steady", "Up")
    assert table.loc["metformin", "domain_name"] != "medication"
    assert table.loc["metformin", "domain_values"] == ("Down", "No", "Steady", "Up", "Stopped")


def test_schema_table_environments_resolve_as_tfdv_does(schema):
    assert set(V.schema_table(schema).environments) == {()}
    _medication_schema(schema)
    table = V.schema_table(schema).set_index("feature")
    assert table.loc["readmitted", "environments"] == ("TRAINING",)
    assert table.loc["A1Cresult", "environments"] == ("TRAINING", "SERVING", "LABELING")
    assert table.loc["gender", "environments"] == ("TRAINING", "SERVING")
    # in_environment wins over not_in_environment, as in TFDV's Schema::IsFeatureInEnvironment
    label = next(f for f in schema.feature if f.name == "readmitted")
    label.in_environment.append("SERVING")
    assert _row(V.schema_table(schema), "readmitted").environments == ("TRAINING", "SERVING")


def test_schema_table_text_columns_use_tfdvs_wording(schema):
    _medication_schema(schema)
    V.set_range(schema, "time_in_hospital", 1, 14)
    schema.feature.add(name="codes", type=schema_pb2.INT).value_count.min = 1
    theirs = _tfdv_display(schema)
    ours = V.schema_table(schema).set_index("feature")
    assert ours.type.tolist() == theirs.Type.tolist()
    assert ours.presence.tolist() == theirs.Presence.tolist()
    assert ours.loc["time_in_hospital", "domain"] == theirs.loc["time_in_hospital", "Domain"]
    counted = [f.name for f in schema.feature if f.HasField("value_count")]
    assert ours.loc[counted, "valency"].tolist() == theirs.loc[counted, "Valency"].tolist()
    assert ours.loc["codes", "valency"] == "[1,inf)"
    assert (ours.loc["codes", "valency_min"], ours.loc["codes", "valency_max"]) == (1, None)


def test_schema_table_ranges_and_named_numeric_domains():
    schema = schema_pb2.Schema()
    schema.float_domain.add(name="unit", min=0.0, max=1.0)
    schema.feature.add(name="share", type=schema_pb2.FLOAT, domain="unit")
    schema.feature.add(name="weight", type=schema_pb2.FLOAT).float_domain.min = 0.5
    schema.feature.add(name="stay", type=schema_pb2.INT).int_domain.max = 30
    schema.feature.add(name="flag", type=schema_pb2.INT).bool_domain.SetInParent()
    schema.feature.add(name="note", type=schema_pb2.BYTES)
    table = V.schema_table(schema).set_index("feature")
    columns = ["domain", "domain_name", "domain_min", "domain_max", "domain_values"]
    assert table.loc["share", columns].tolist() == ["min: 0.0; max: 1.0", "unit", 0.0, 1.0, None]
    assert table.loc["weight", columns].tolist() == ["min: 0.5; max: inf", None, 0.5, None, None]
    assert table.loc["stay", columns].tolist() == ["max: 30", None, None, 30, None]
    assert isinstance(table.loc["stay", "domain_max"], int)
    assert table.loc["flag", columns].tolist() == ["bool_domain", None, None, None, None]
    assert table.loc["note", columns].tolist() == [None, None, None, None, None]
    assert table.loc["note", "type"] == "BYTES"
    assert table.loc["note", ["presence", "required", "valency", "valency_min"]].tolist() == [
        "",
        False,
        "",
        None,
    ]
    empty = V.schema_table(schema_pb2.Schema())
    assert empty.empty and list(empty.columns) == V.SCHEMA_TABLE_COLUMNS


def test_add_environments_sets_default_and_exclusions(schema):
    V.add_environments(schema, exclude={"SERVING": ["readmitted"]})
    V.add_environments(schema, exclude={"SERVING": ["readmitted"]})  # idempotent
    assert list(schema.default_environment) == ["TRAINING", "SERVING"]
    label = next(f for f in schema.feature if f.name == "readmitted")
    assert list(label.not_in_environment) == ["SERVING"]


# --------------------------------------------------------------------------- anomalies


def test_train_is_valid_against_its_own_schema(stats, schema):
    table = V.anomalies_table(V.validate(stats["train"], schema))
    assert table.empty
    assert list(table.columns) == V.ANOMALY_TABLE_COLUMNS


def test_eval_has_unseen_specialty(stats, schema):
    table = V.anomalies_table(V.validate(stats["eval"], schema))
    assert list(table.feature) == ["medical_specialty"]
    assert "Dermatology" in _row(table, "medical_specialty").description
    assert _row(table, "medical_specialty").severity == "ERROR"


def test_adding_the_value_to_the_domain_resolves_the_anomaly(stats, schema):
    V.add_to_domain(schema, "medical_specialty", ["Dermatology"])
    assert V.anomalies_table(V.validate(stats["eval"], schema)).empty


def test_serving_label_flagged_only_without_environment(stats, schema):
    without = V.anomalies_table(V.validate(stats["serving"], schema))
    assert set(without.feature) == {"payer_code", "readmitted"}
    assert "ZZ" in _row(without, "payer_code").description
    V.add_environments(schema, exclude={"SERVING": ["readmitted"]})
    with_env = V.anomalies_table(V.validate(stats["serving"], schema, environment="SERVING"))
    assert list(with_env.feature) == ["payer_code"]


def test_out_of_range_values_are_anomalies(stats, schema):
    V.set_range(schema, "time_in_hospital", 1, 10)
    table = V.anomalies_table(V.validate(stats["train"], schema))
    assert list(table.feature) == ["time_in_hospital"]
    assert "out-of-range" in _row(table, "time_in_hospital").short_description.lower()


def test_missing_and_renamed_columns_in_dataframe_are_reported(frames, schema):
    frame = frames["train"].head(200).drop(columns=["race"]).rename(columns={"payer_code": "payer"})
    table = V.anomalies_table(V.validate(V.statistics(frame), schema))
    assert set(table.feature) == {"race", "payer_code", "payer"}
    assert "column dropped" in _row(table, "race").short_description.lower()
    assert "new column" in _row(table, "payer").short_description.lower()


@pytest.mark.slow
def test_missing_and_renamed_columns_in_csv_are_reported(renamed_csv_stats, schema):
    table = V.anomalies_table(V.validate(renamed_csv_stats, schema))
    assert set(table.feature) == {"race", "payer_code", "payer"}
    assert "new column" in _row(table, "payer").short_description.lower()


# --------------------------------------------------------------------------- drift and skew


def test_thresholds_pick_the_measure_from_the_feature_type(schema):
    V.set_drift_threshold(schema, "age", 0.1)
    V.set_skew_threshold(schema, "num_lab_procedures", 0.05)
    features = {f.name: f for f in schema.feature}
    assert features["age"].drift_comparator.infinity_norm.threshold == 0.1
    assert not features["age"].drift_comparator.HasField("jensen_shannon_divergence")
    skew = features["num_lab_procedures"].skew_comparator
    assert skew.jensen_shannon_divergence.threshold == 0.05
    assert not skew.HasField("infinity_norm")


def test_drift_table_flags_planted_drift_only(stats, watched_schema):
    table = V.drift_table(stats["train"], stats["eval"], watched_schema)
    assert list(table.columns) == V.COMPARISON_TABLE_COLUMNS
    assert set(table.feature) == set(NUMERIC_WATCHED + CATEGORICAL_WATCHED)  # one row each
    assert set(table[table.alarm].feature) == {"time_in_hospital"}
    stay = _row(table, "time_in_hospital")
    assert (stay.measure, stay.threshold) == ("Jensen-Shannon", JSD_THRESHOLD)
    assert stay.value == pytest.approx(0.0877, abs=1e-3)
    assert _row(table, "age").measure == "L-infinity"
    assert table[~table.alarm].value.max() < 0.04


def test_skew_table_flags_planted_skew_only(stats, watched_schema):
    V.add_environments(watched_schema, exclude={"SERVING": ["readmitted"]})
    table = V.skew_table(stats["train"], stats["serving"], watched_schema)
    assert set(table[table.alarm].feature) == {"age", "num_lab_procedures"}
    assert _row(table, "age").value == pytest.approx(0.1658, abs=1e-3)
    assert _row(table, "num_lab_procedures").value == pytest.approx(0.0804, abs=1e-3)
    assert _row(table, "time_in_hospital").value < 0.01
    assert table[~table.alarm].value.max() < 0.06  # payer_code 0.052: "ZZ" is a domain anomaly


def test_skew_table_without_environments_and_alarms_match_anomalies(stats, watched_schema):
    table = V.skew_table(stats["train"], stats["serving"], watched_schema)  # no environments
    anomalies = V.validate(stats["train"], watched_schema, serving_stats=stats["serving"])
    flagged = {
        name
        for name, info in anomalies.anomaly_info.items()
        if any("COMPARATOR" in anomalies_pb2.AnomalyInfo.Type.Name(r.type) for r in info.reason)
    }
    assert set(table[table.alarm].feature) == flagged


def test_feature_missing_from_one_side_gives_unmeasured_row(frames, stats, schema):
    V.set_drift_threshold(schema, "race", 0.1)
    current = V.statistics(frames["eval"].drop(columns=["race"]))
    row = _row(V.drift_table(stats["train"], current, schema), "race")
    assert math.isnan(row.value) and not row.alarm


# --------------------------------------------------------------------------- our distances vs TFDV


def test_hand_written_distances_agree_with_tfdv(stats, schema):
    """Every feature, drift (train -> eval) and skew (train vs serving): agreement to 1e-12."""
    names = [f.name for f in schema.feature if f.name != "readmitted"]
    for name in names:
        V.set_drift_threshold(schema, name, 0.5)
        V.set_skew_threshold(schema, name, 0.5)
    drift = V.drift_table(stats["train"], stats["eval"], schema)
    skew = V.skew_table(stats["train"], stats["serving"], schema)
    checked = 0
    for table, a, b in (
        (drift, stats["eval"], stats["train"]),
        (skew, stats["train"], stats["serving"]),
    ):
        for row in table.itertuples():
            if row.measure == "L-infinity":
                ours = V.linf_distance(
                    V.category_frequencies(a, row.feature), V.category_frequencies(b, row.feature)
                )
            else:
                ours = V.jensen_shannon_divergence(
                    V.numeric_histogram(a, row.feature), V.numeric_histogram(b, row.feature)
                )
            assert ours == pytest.approx(row.value, abs=1e-12), (row.feature, ours, row.value)
            checked += 1
    assert checked == 2 * len(names)


INF = math.inf
EDGE_CASES = {
    "same boundaries": ([(0, 1, 10), (1, 2, 30)], 0, [(0, 1, 20), (1, 2, 20)], 0),
    "different boundaries": ([(0, 1, 10), (1, 2, 30)], 0, [(0, 1.5, 20), (1.5, 3, 20)], 0),
    "gap between buckets": ([(0, 1, 10), (2, 3, 30)], 0, [(0.2, 1.1, 20), (1.1, 2.5, 20)], 0),
    "point mass vs range": ([(5, 5, 40)], 0, [(4, 6, 40)], 0),
    "point masses": ([(5, 5, 40)], 0, [(5, 5, 10), (6, 6, 30)], 0),
    "infinite bounds": ([(-INF, 0, 5), (0, 1, 35)], 0, [(0, 1, 30), (1, INF, 10)], 0),
    "nan, same boundaries": ([(0, 1, 10), (1, 2, 30)], 5, [(0, 1, 20), (1, 2, 20)], 2),
    "nan, different boundaries": ([(0, 1, 10), (1, 2, 30)], 5, [(0, 1.5, 20), (1.5, 3, 20)], 5),
}


@pytest.mark.parametrize("case", EDGE_CASES, ids=list(EDGE_CASES))
def test_jensen_shannon_edge_cases_agree_with_tfdv(case):
    buckets_a, nan_a, buckets_b, nan_b = EDGE_CASES[case]
    current, previous = (
        _stats_with_histogram(buckets_a, nan_a),
        _stats_with_histogram(buckets_b, nan_b),
    )
    schema = schema_pb2.Schema()
    schema.feature.add(name="x", type=schema_pb2.FLOAT)
    V.set_drift_threshold(schema, "x", 0.5)
    tfdv_value = V.drift_table(previous, current, schema).value[0]
    ours = V.jensen_shannon_divergence(
        V.numeric_histogram(current, "x"), V.numeric_histogram(previous, "x")
    )
    assert ours == pytest.approx(tfdv_value, abs=1e-12)


def _random_histogram(rng):
    """Sorted buckets on random edges: empty buckets, fractional counts, points, inf, NaN."""
    edges = np.sort(rng.choice(np.round(rng.uniform(-5, 5, 12), 1), 5, replace=False))
    edges = edges[: int(rng.integers(2, 6))]
    counts = [float(rng.choice([0, rng.uniform(0, 10), rng.integers(1, 10)])) for _ in edges[1:]]
    counts[0] += 1.0  # never empty
    buckets = [(float(lo), float(hi), c) for lo, hi, c in zip(edges[:-1], edges[1:], counts)]
    if rng.random() < 0.3:
        point = float(rng.choice(edges))
        buckets = sorted(buckets + [(point, point, float(rng.integers(1, 5)))])
    if rng.random() < 0.15:
        buckets.insert(0, (-INF, float(edges[0]), 3.0))
    if rng.random() < 0.15:
        buckets.append((float(edges[-1]), INF, 2.0))
    return buckets, int(rng.integers(1, 4)) if rng.random() < 0.2 else 0


def test_jensen_shannon_on_random_histograms_agrees_with_tfdv():
    rng = np.random.default_rng(7)
    schema = schema_pb2.Schema()
    schema.feature.add(name="x", type=schema_pb2.FLOAT)
    V.set_drift_threshold(schema, "x", 0.0)
    for _ in range(40):
        (buckets_a, nan_a), (buckets_b, nan_b) = _random_histogram(rng), _random_histogram(rng)
        current = _stats_with_histogram(buckets_a, nan_a)
        previous = _stats_with_histogram(buckets_b, nan_b)
        tfdv_value = V.drift_table(previous, current, schema).value[0]
        ours = V.jensen_shannon_divergence(
            V.numeric_histogram(current, "x"), V.numeric_histogram(previous, "x")
        )
        assert ours == pytest.approx(tfdv_value, abs=1e-12), (buckets_a, buckets_b)
        shuffled = V.numeric_histogram(current, "x")[::-1]  # bucket order does not matter here
        assert V.jensen_shannon_divergence(shuffled, V.numeric_histogram(previous, "x")) == ours


def test_categorical_jensen_shannon_agrees_with_tfdv(stats, schema):
    age = next(f for f in schema.feature if f.name == "age")
    age.skew_comparator.jensen_shannon_divergence.threshold = 0.5  # TFDV allows JSD on strings
    anomalies = V.validate(stats["train"], schema, serving_stats=stats["serving"])
    (info,) = [i for i in anomalies.drift_skew_info if i.path.step[0] == "age"]
    ours = V.jensen_shannon_divergence(
        V.category_frequencies(stats["train"], "age"),
        V.category_frequencies(stats["serving"], "age"),
    )
    assert ours == pytest.approx(info.skew_measurements[0].value, abs=1e-12)


def test_distance_properties():
    counts = {"MC": 5, "MD": 3}
    assert V.linf_distance(counts, counts) == 0.0
    assert V.linf_distance({"a": 1}, {"b": 1}) == 1.0
    assert V.linf_distance({"a": 2, "b": 1}, {"a": 1}) == V.linf_distance(
        {"a": 1}, {"a": 2, "b": 1}
    )
    histogram = [(0.0, 1.0, 3.0), (1.0, 2.0, 1.0)]
    assert V.jensen_shannon_divergence(histogram, histogram) == 0.0
    assert V.jensen_shannon_divergence([(0, 1, 1)], [(2, 3, 1)]) == 1.0
    scaled = [(lo, hi, 10 * c) for lo, hi, c in histogram]
    assert V.jensen_shannon_divergence(histogram, scaled) == pytest.approx(0.0, abs=1e-15)


def test_distance_input_errors():
    with pytest.raises(ValueError, match="counts_b is empty"):
        V.linf_distance({"a": 1}, {})
    with pytest.raises(ValueError, match="negative counts"):
        V.linf_distance({"a": -1}, {"a": 1})
    with pytest.raises(TypeError, match="must map values to counts"):
        V.linf_distance([1, 2], {"a": 1})
    with pytest.raises(TypeError, match=r"\(low, high, count\)"):
        V.jensen_shannon_divergence([1, 2, 3], [(0, 1, 1)])
    with pytest.raises(ValueError, match="histogram b is empty"):
        V.jensen_shannon_divergence([(0, 1, 1)], [(0, 1, 0)])


def test_extractors_explain_the_wrong_feature_kind(stats):
    with pytest.raises(ValueError, match="'time_in_hospital' is numeric.*numeric_histogram"):
        V.category_frequencies(stats["train"], "time_in_hospital")
    with pytest.raises(ValueError, match="'age' has no numeric histogram.*category_frequencies"):
        V.numeric_histogram(stats["train"], "age")
    with pytest.raises(V.FeatureNotFoundError, match="did you mean 'payer_code'"):
        V.category_frequencies(stats["train"], "payercode")


# --------------------------------------------------------------------------- slices


@pytest.mark.slow
def test_sliced_statistics(sliced, frames):
    names = V.slice_names(sliced)
    assert names[0] == V.ALL_EXAMPLES
    assert sorted(names[1:]) == ["gender_Female", "gender_Male"]
    male = V.slice_statistics(sliced, "gender_Male")
    expected = frames["train"][frames["train"].gender == "Male"]
    assert male.datasets[0].num_examples == len(expected)
    female_table = V.feature_table(sliced, "gender_Female")
    female = frames["train"][frames["train"].gender == "Female"]
    assert _row(female_table, "num_medications")["mean"] == pytest.approx(
        female.num_medications.mean(), rel=1e-12
    )
    assert _row(V.feature_table(male), "gender").top == "Male"


@pytest.mark.slow
def test_sliced_statistics_work_as_whole_dataset(sliced, stats, base_schema):
    assert V.infer_schema(sliced) == base_schema
    overall = V.feature_table(sliced, V.ALL_EXAMPLES)
    pd.testing.assert_frame_equal(overall, V.feature_table(stats["train"]))
    assert V.anomalies_table(V.validate(sliced, base_schema)).empty


@pytest.mark.slow
def test_unknown_slice_lists_the_available_ones(sliced, stats):
    with pytest.raises(
        V.SliceNotFoundError, match="did you mean .*'gender_Male'.*Known: All Examples"
    ):
        V.slice_statistics(sliced, "gender_male")
    with pytest.raises(V.SliceNotFoundError, match="slice 'Male' is not in these statistics"):
        V.feature_table(sliced, "Male")
    assert V.slice_names(stats["train"]) == []
    with pytest.raises(V.SliceNotFoundError, match=r"no slices.*slice_by"):
        V.slice_statistics(stats["train"], "gender_Male")


# --------------------------------------------------------------------------- plots


def test_plot_feature_numeric_overlays_histograms(stats):
    figure = V.plot_feature(
        {"train": stats["train"], "serving": stats["serving"]}, "num_lab_procedures"
    )
    (axes,) = figure.axes
    assert len(axes.patches) == 2 * 10  # two datasets x ten histogram buckets
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["train", "serving"]
    assert axes.get_title() == "num_lab_procedures: train vs serving"
    heights = [p.get_height() for p in axes.patches[:10]]
    assert sum(heights) == pytest.approx(1.0)


def test_plot_feature_categorical_groups_top_values(stats):
    figure = V.plot_feature(
        [stats["train"], stats["eval"], stats["serving"]], "payer_code", top_k=5
    )
    (axes,) = figure.axes
    assert len(axes.patches) == 3 * 5
    assert len(axes.get_xticklabels()) == 5
    figure.savefig(os.devnull, format="png")  # renders headless


def test_plot_drift_bars_and_alarm_colours(stats, watched_schema):
    table = V.drift_table(stats["train"], stats["eval"], watched_schema)
    figure = V.plot_drift(table)
    (axes,) = figure.axes
    bars = axes.patches
    assert len(bars) == len(table)
    red = [
        b for b in bars if b.get_facecolor()[:3] == pytest.approx((0.839, 0.153, 0.157), abs=1e-2)
    ]
    assert len(red) == int(table.alarm.sum()) == 1
    assert "time_in_hospital (Jensen-Shannon)" in [t.get_text() for t in axes.get_yticklabels()]


def test_plots_reject_bad_input(stats):
    with pytest.raises(TypeError, match="drift_table"):
        V.plot_drift({"feature": "age"})
    with pytest.raises(ValueError, match="lacks"):
        V.plot_drift(pd.DataFrame({"feature": ["age"]}))
    with pytest.raises(ValueError, match="set_drift_threshold"):
        V.plot_drift(pd.DataFrame(columns=V.COMPARISON_TABLE_COLUMNS))
    with pytest.raises(TypeError, match="statistics 'train' must be the statistics"):
        V.plot_feature({"train": pd.DataFrame()}, "age")
    with pytest.raises(V.FeatureNotFoundError, match="'agee'"):
        V.plot_feature(stats["train"], "agee")


# --------------------------------------------------------------------------- error messages


def test_statistics_rejects_wrong_inputs(frames, tmp_path):
    with pytest.raises(TypeError, match="DataFrame or the path of a CSV file, got list"):
        V.statistics([1, 2, 3])
    with pytest.raises(FileNotFoundError, match="no CSV file at .*nope.csv"):
        V.statistics(tmp_path / "nope.csv")
    with pytest.raises(V.DataReadError, match="has no rows"):
        V.statistics(frames["train"].head(0))
    with pytest.raises(V.DataReadError, match="no columns"):
        V.statistics(pd.DataFrame(index=range(3)))
    dated = frames["train"].head(5).assign(admitted=pd.Timestamp("2024-01-01"))
    with pytest.raises(TypeError, match="column 'admitted' holds datetime64"):
        V.statistics(dated)
    mixed = frames["train"].head(5).assign(note=["a", 1, "b", "c", "d"])
    with pytest.raises(TypeError, match="column 'note' holds int values"):
        V.statistics(mixed)
    with pytest.raises(V.FeatureNotFoundError, match="slice_by column 'sex'"):
        V.statistics(frames["train"], slice_by=["sex"])
    with pytest.raises(TypeError, match=r"list of column names, e.g. \['gender'\]"):
        V.statistics(frames["train"], slice_by="gender")


def test_corrupt_csv_files_are_named(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,c\n1,2,3\n4,5\n6,7,8\n")
    with pytest.raises(V.DataReadError, match=r"ragged.csv is corrupt: line 3 has 2 fields .* 3"):
        V.statistics(ragged)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(V.DataReadError, match="empty.csv is empty"):
        V.statistics(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text("a,b\n")
    with pytest.raises(V.DataReadError, match="header.csv has a header but no rows"):
        V.statistics(header_only)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(V.DataReadError, match="binary.csv is not a readable UTF-8 CSV"):
        V.statistics(binary)
    duplicated = tmp_path / "dup.csv"
    duplicated.write_text("a,a\n1,2\n")
    with pytest.raises(V.DataReadError, match="repeats column"):
        V.statistics(duplicated)
    fine = tmp_path / "fine.csv"
    fine.write_text("a,b\n1,2\n")
    with pytest.raises(V.FeatureNotFoundError, match=r"slice_by column 'c' .*header of .*fine.csv"):
        V.statistics(fine, slice_by=["c"])


def test_schema_curation_errors(schema):
    with pytest.raises(
        V.FeatureNotFoundError, match="'payercode' is not in the schema; did you mean 'payer_code'"
    ):
        V.set_domain(schema, "payercode", ["ZZ"])
    assert isinstance(V.FeatureNotFoundError("x"), KeyError)
    with pytest.raises(ValueError, match="'time_in_hospital' is INT; a string domain"):
        V.set_domain(schema, "time_in_hospital", ["1"])
    with pytest.raises(TypeError, match=r"list of strings, e.g. \['ZZ'\]"):
        V.add_to_domain(schema, "payer_code", "ZZ")
    with pytest.raises(ValueError, match="'age' is BYTES; a range applies to INT or FLOAT"):
        V.set_range(schema, "age", 0, 100)
    with pytest.raises(ValueError, match="empty: min=10 is above max=1"):
        V.set_range(schema, "time_in_hospital", 10, 1)
    with pytest.raises(ValueError, match="between 0 and 1"):
        V.set_drift_threshold(schema, "age", 5)
    with pytest.raises(V.FeatureNotFoundError, match="did you mean 'readmitted'"):
        V.add_environments(schema, exclude={"SERVING": ["readmited"]})
    with pytest.raises(ValueError, match="environment 'SERVNG', which is not among"):
        V.add_environments(schema, exclude={"SERVNG": ["readmitted"]})
    bare = schema_pb2.Schema()
    bare.feature.add(name="code", type=schema_pb2.BYTES)
    with pytest.raises(ValueError, match="no string domain to extend; create one with set_domain"):
        V.add_to_domain(bare, "code", ["A"])


def test_wrong_objects_get_clear_type_errors(stats, schema, frames):
    with pytest.raises(TypeError, match="statistics returned by statistics\\(\\).*got DataFrame"):
        V.feature_table(frames["train"])
    with pytest.raises(TypeError, match="got DataFrame"):
        V.infer_schema(frames["train"])
    with pytest.raises(TypeError, match="Schema returned by infer_schema"):
        V.validate(stats["train"], stats["train"])
    with pytest.raises(TypeError, match="previous_stats must be"):
        V.drift_table(frames["train"], stats["eval"], schema)
    with pytest.raises(TypeError, match="Anomalies returned by validate"):
        V.anomalies_table(schema)
    with pytest.raises(V.SliceNotFoundError, match="index 3 is out of range"):
        V.feature_table(stats["train"], 3)


def test_unknown_environment_is_explained(stats, schema):
    with pytest.raises(
        ValueError, match="environment 'SERVING' is not in the schema.*no environments"
    ):
        V.validate(stats["serving"], schema, environment="SERVING")
    V.add_environments(schema)
    with pytest.raises(
        ValueError, match="'SERVNG' is not in the schema \\(it has TRAINING, SERVING\\)"
    ):
        V.validate(stats["serving"], schema, environment="SERVNG")


# --------------------------------------------------------------------------- quiet for nbgrader


@pytest.mark.slow
def test_library_calls_write_nothing_to_stderr(tmp_path, frames):
    """nbgrader scores a cell 0 if it writes to stderr: a fresh process must stay quiet."""
    file = tmp_path / "small.csv"
    frames["train"].head(100).to_csv(file, index=False)
    code = textwrap.dedent(f"""
        from mlep.data import validation as V
        stats = V.statistics({str(file)!r})
        schema = V.infer_schema(stats)
        V.anomalies_table(V.validate(stats, schema))
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    assert out.stderr == ""


def test_optional_feature_tolerates_missing_values(stats, frames):
    gappy = frames["train"].head(300).copy()
    gappy.loc[:99, "medical_specialty"] = None
    gappy_stats = V.statistics(gappy)
    required = V.infer_schema(stats["train"])
    assert "medical_specialty" in set(
        V.anomalies_table(V.validate(gappy_stats, required))["feature"]
    )
    optional = V.set_required(V.infer_schema(stats["train"]), "medical_specialty", False)
    assert "medical_specialty" not in set(
        V.anomalies_table(V.validate(gappy_stats, optional))["feature"]
    )


def test_domain_values_and_schema_round_trip(schema, tmp_path):
    assert sorted(V.domain_values(schema, "gender")) == ["Female", "Male"]
    assert V.domain_values(schema, "time_in_hospital") is None
    with pytest.raises(V.FeatureNotFoundError, match="gendre"):
        V.domain_values(schema, "gendre")
    path = V.write_schema(schema, tmp_path / "schema" / "schema.pbtxt")
    assert V.load_schema(path) == schema
    path.write_text("feature { nme: 1 }")
    with pytest.raises(V.DataReadError, match="not a text-format TFDV schema"):
        V.load_schema(path)


# --------------------------------------------------------------------------- issue 12: bad input


def _shared_domain_schema() -> schema_pb2.Schema:
    """Two string features referring to one schema-level domain (hand-written schemas do)."""
    schema = schema_pb2.Schema()
    schema.string_domain.add(name="colors", value=["red", "green"])
    for name in ("paint", "trim"):
        feature = schema.feature.add(name=name, type=schema_pb2.BYTES, domain="colors")
        feature.presence.min_fraction = 1.0
    return schema


@pytest.mark.parametrize("change", ["set_domain", "add_to_domain"])
def test_changing_a_shared_domain_changes_only_that_feature_as_tfdv(change):
    """TFDV's set_domain changes one feature; unchanged data must stay free of anomalies."""
    import tensorflow_data_validation as tfdv

    data = pd.DataFrame({"paint": ["red", "green", "blue"], "trim": ["red", "green", "red"]})
    stats = V.statistics(data)
    ours, theirs = _shared_domain_schema(), _shared_domain_schema()
    getattr(V, change)(ours, "paint", ["red", "green", "blue"])
    tfdv.set_domain(theirs, "paint", schema_pb2.StringDomain(value=["red", "green", "blue"]))
    assert V.domain_values(ours, "trim") == ["red", "green"]
    assert V.domain_values(ours, "paint") == ["red", "green", "blue"]
    assert V.anomalies_table(V.validate(stats, ours)).empty
    assert V.anomalies_table(V.validate(stats, theirs)).empty  # the reference agrees


def test_domain_values_must_be_strings():
    schema = _shared_domain_schema()
    with pytest.raises(TypeError, match=r"values for 'paint' must be strings.*write it as '1'"):
        V.set_domain(schema, "paint", ["red", 1])
    with pytest.raises(ValueError, match="must hold at least one string"):
        V.set_domain(schema, "paint", [])
    assert V.domain_values(schema, "paint") == ["red", "green"]  # unchanged


@pytest.mark.parametrize("bound", [math.nan, math.inf, -math.inf])
def test_set_range_refuses_a_non_finite_bound(bound):
    schema = schema_pb2.Schema()
    schema.feature.add(name="age", type=schema_pb2.FLOAT)
    with pytest.raises(ValueError, match="min must be a finite number"):
        V.set_range(schema, "age", bound, 10)
    with pytest.raises(ValueError, match="max must be a finite number"):
        V.set_range(schema, "age", 0, bound)
    with pytest.raises(TypeError, match="max must be a number"):
        V.set_range(schema, "age", 0, "10")
    assert not schema.feature[0].HasField("float_domain")


@pytest.mark.parametrize("bad", [math.nan, -1.0, math.inf])
def test_distances_refuse_nan_negative_and_infinite_counts(bad):
    with pytest.raises(ValueError, match=r"counts_b\['y'\] \(a count\) must be"):
        V.linf_distance({"x": 1, "y": 2}, {"x": 1, "y": bad})
    with pytest.raises(ValueError, match=r"b\['y'\] \(a count\) must be"):
        V.jensen_shannon_divergence({"x": 1, "y": 2}, {"x": 1, "y": bad})
    with pytest.raises(ValueError, match="histogram b, bucket 1: the count must be"):
        V.jensen_shannon_divergence([(0, 1, 3), (1, 2, 1)], [(0, 1, 3), (1, 2, bad)])


def test_histogram_buckets_must_be_ordered():
    with pytest.raises(ValueError, match=r"bucket 0 must have low <= high, but got \(2.0, 1.0\)"):
        V.jensen_shannon_divergence([(2, 1, 3)], [(0, 1, 3)])
    with pytest.raises(TypeError, match="histogram a must be a list of buckets"):
        V.jensen_shannon_divergence("abc", [(0, 1, 3)])


@pytest.mark.slow  # a Beam pipeline (TFDV's CSV statistics)
def test_csv_statistics_leave_no_temp_folder_and_no_root_log_handler(tmp_path, monkeypatch):
    import logging
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    file = tmp_path / "small.csv"
    pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "x"]}).to_csv(file, index=False)
    handlers = list(logging.getLogger().handlers)
    stats = V.statistics(file)
    assert stats.datasets[0].num_examples == 3
    assert list(scratch.iterdir()) == []
    assert logging.getLogger().handlers == handlers


@pytest.mark.slow  # two Beam pipelines (TFDV's CSV statistics)
def test_a_csv_with_a_byte_order_mark_and_quoted_header_reads_like_pandas(tmp_path):
    file = tmp_path / "bom.csv"
    file.write_bytes(b'\xef\xbb\xbf"age","name"\n30,"a"\n40,"b"\n')
    stats = V.statistics(file)
    names = sorted(".".join(f.path.step) for f in stats.datasets[0].features)
    assert names == sorted(pd.read_csv(file).columns) == ["age", "name"]
    assert V.slice_names(V.statistics(file, slice_by=["name"]))[0] == "All Examples"


def test_write_schema_does_not_replace_another_file(tmp_path):
    schema = schema_pb2.Schema()
    schema.feature.add(name="age", type=schema_pb2.INT)
    target = tmp_path / "schema.pbtxt"
    target.write_text("curated by hand\n")
    with pytest.raises(FileExistsError, match="already exists with other content.*overwrite=True"):
        V.write_schema(schema, target)
    assert target.read_text() == "curated by hand\n"
    V.write_schema(schema, target, overwrite=True)
    V.write_schema(schema, target)  # the same schema again: nothing lost
    assert V.load_schema(target) == schema
