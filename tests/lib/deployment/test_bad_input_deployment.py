"""Bad input to mlep.deployment's light public functions: a clear TypeError/ValueError naming
the argument, never a raw KeyError/AttributeError or a pandas message (found by a fuzz sweep)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlep.deployment import autoscaling, rollout
from mlep.deployment.monitoring import (
    alerts,
    detectors,
    drift,
    metrics,
    prediction_log,
    privacy,
    retraining,
    synthetic,
)
from mlep.deployment.rollout import ThresholdModel


def _id(value) -> str:
    """A test id that is the same in every process (xdist compares them): no memory addresses."""
    return type(value).__name__ if " at 0x" in repr(value) else repr(value)


NOT_A_SAMPLE = [None, 1.0, 3, True, {"a": 1}, object()]
ARRAY_LIKE = [pd.DataFrame({"x": [1]}), np.ones((2, 2)), ["mean"]]
GUARDS = {"error_rate": 0.5}


@pytest.mark.parametrize("measure", [drift.l_infinity, drift.jensen_shannon])
@pytest.mark.parametrize("sample", NOT_A_SAMPLE, ids=_id)
def test_drift_measures_name_a_sample_that_is_not_a_sequence(measure, sample):
    with pytest.raises(TypeError, match="expected must be a sequence of values"):
        measure(sample, [1, 2, 3])


def test_value_counts_refuses_a_table_instead_of_counting_its_column_names():
    with pytest.raises(ValueError, match="values must be one-dimensional"):
        drift.value_counts(pd.DataFrame({"a": [1, 2], "b": [3, 4]}))


@pytest.mark.parametrize("stat", ARRAY_LIKE, ids=type)
def test_alert_rule_names_a_stat_that_is_not_a_name(stat):
    with pytest.raises(ValueError, match="stat must be one of"):
        alerts.AlertRule("r", metric="m", stat=stat, above=1)


@pytest.mark.parametrize("rules", [None, 1.0, "r", True], ids=_id)
def test_evaluate_names_rules_that_are_not_a_list(rules):
    events = pd.DataFrame({"time": pd.date_range("2026-01-01", periods=3, freq="1min")})
    with pytest.raises(TypeError, match="rules must be a list of AlertRule objects"):
        alerts.evaluate(events, rules)


@pytest.mark.parametrize("group", ARRAY_LIKE, ids=type)
def test_metric_names_a_group_that_is_not_a_name(group):
    with pytest.raises(ValueError, match="group must be one of"):
        metrics.Metric("m", upper=1.0, group=group)


@pytest.mark.parametrize("name", ["nope", None, ["adwin"], {"a": 1}], ids=_id)
def test_detector_class_names_an_unknown_detector(name):
    with pytest.raises(ValueError, match="unknown detector"):
        detectors.Detector(name, None, {})
    with pytest.raises((TypeError, ValueError), match="name must be|unknown detector"):
        detectors.detector(name)


@pytest.mark.parametrize("drifts", [1.0, None, "12"], ids=_id)
def test_detection_delay_names_drifts_that_are_not_a_list(drifts):
    with pytest.raises(TypeError, match="drifts must be a list of detection indices"):
        detectors.detection_delay(drifts, change_at=3)


@pytest.mark.parametrize("path", [None, 1.0, ["a.jsonl"]], ids=_id)
def test_prediction_logger_names_a_path_that_is_not_a_path(path):
    with pytest.raises(TypeError, match="path must be a path"):
        prediction_log.PredictionLogger(path, model="m", version=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"log": None}, "log must be a pandas DataFrame"),
        ({"training": [1, 2]}, "training must be a pandas DataFrame"),
        ({"threshold": "0.1"}, "threshold must be a number"),
        ({"threshold": math.nan}, "threshold must be a finite number"),
        ({"features": "x"}, "features must be a list of strings"),
    ],
)
def test_skew_against_training_names_the_bad_argument(kwargs, message):
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    arguments = {"log": table, "training": table, "threshold": 0.1, **kwargs}
    with pytest.raises((TypeError, ValueError), match=message):
        prediction_log.skew_against_training(**arguments)


@pytest.mark.parametrize("kinds", ["EMAIL", 1.0, [None], True], ids=_id)
def test_privacy_names_kinds_that_are_not_a_list_of_names(kinds):
    with pytest.raises((TypeError, ValueError), match="kinds must"):
        privacy.scan({"note": "a@b.com"}, kinds=kinds)


@pytest.mark.parametrize(
    ("history", "policies", "message"),
    [
        (1.0, {}, "history must be a DataFrame or a list of dicts"),
        ([1, 2], {}, "history must be a DataFrame or a list of dicts"),
        ([{"day": 0}], 1.0, "policies must be a dict"),
        ([{"day": 0}], {"weekly": 7}, "policies must map names to policies"),
    ],
)
def test_retraining_simulate_names_the_bad_argument(history, policies, message):
    with pytest.raises(TypeError, match=message):
        retraining.simulate(history, policies)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"slow": [(1,)]}, "slow must hold"),
        ({"failures": 5}, "failures must be a list"),
        ({"pauses": [None]}, "pauses"),
        ({"shifts": [(0, 10, 3)]}, "shifts flagged share must be a probability"),
    ],
)
def test_incident_events_names_a_bad_span(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        synthetic.incident_events(0, hours=1, per_minute=1, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"baseline": True}, "baseline must be a number"),
        ({"baseline": None}, "baseline must be a number"),
        ({"baseline": math.nan}, "baseline must be a finite number"),
        ({"drop_day": 2.5}, "drop_day must be a day number"),
        ({"glitch_day": "3"}, "glitch_day must be a day number"),
    ],
)
def test_monitoring_history_names_a_bad_argument_instead_of_returning_nan(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        synthetic.monitoring_history(0, days=10, **kwargs)


def test_serving_log_names_a_model_without_predict_and_bad_incidents():
    with pytest.raises(TypeError, match="model must have a predict"):
        synthetic.serving_log("model", hours=1, per_hour=5)
    with pytest.raises(TypeError, match="incidents must be a dict"):
        synthetic.serving_log(ThresholdModel(), hours=1, per_hour=5, incidents=math.nan)


@pytest.mark.parametrize("seed", [None, "0", 1.5, [0]], ids=_id)
def test_request_stream_and_route_name_a_seed_that_is_not_an_integer(seed):
    with pytest.raises(TypeError, match="seed must be an integer"):
        rollout.request_stream(5, seed=seed)
    with pytest.raises(TypeError, match="seed must be an integer"):
        rollout.route(range(5), 50, seed=seed)


@pytest.mark.parametrize("ids", [None, 5, 1.0, {"a": 1}], ids=_id)
def test_route_names_request_ids_that_are_not_a_sequence(ids):
    with pytest.raises(TypeError, match="request_ids must be a sequence of request ids"):
        rollout.route(ids, 50)


@pytest.mark.parametrize(
    ("steps", "capacity", "message"),
    [
        (None, 10, "steps .* must be a pandas DataFrame"),
        (pd.DataFrame({"step": [0]}), 10, r"must have the column\(s\)"),
        ("table", 10, "steps .* must be a pandas DataFrame"),
        ("simulated", None, "capacity_per_replica must be a number"),
        ("simulated", 0, "capacity_per_replica must be > 0"),
    ],
)
def test_plot_simulation_names_a_bad_table_or_capacity(steps, capacity, message):
    if isinstance(steps, str) and steps == "simulated":
        steps = autoscaling.simulate([10, 20], autoscaling.HPA(), capacity_per_replica=10)
    with pytest.raises((TypeError, ValueError), match=message):
        autoscaling.plot_simulation(steps, capacity_per_replica=capacity)


@pytest.mark.parametrize("seed", [None, "0", True], ids=_id)
def test_seeded_rollout_and_stream_helpers_refuse_a_seed_that_is_not_an_integer(seed):
    from mlep.deployment.monitoring import streams
    from mlep.deployment.rollout import bandits

    requests = rollout.request_stream(40, seed=0)
    calls = [
        lambda: streams.abrupt_stream(10, 5, 0.0, 1.0, seed=seed),
        lambda: bandits.simulate(bandits.EpsilonGreedy(2), [0.1, 0.2], n=5, seed=seed),
        lambda: rollout.canary(
            requests, ThresholdModel(), ThresholdModel(), guards=GUARDS, seed=seed
        ),
        lambda: rollout.blue_green(
            requests, ThresholdModel(), ThresholdModel(), switch_at=10, guards=GUARDS, seed=seed
        ),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="seed must be an integer"):
            call()


def test_stream_kind_bandit_rates_and_canary_stages_are_named():
    from mlep.deployment.monitoring import streams
    from mlep.deployment.rollout import bandits

    with pytest.raises(ValueError, match="kind must be one of"):
        streams.abrupt_stream(10, 5, 0.0, 1.0, kind=np.array(["real", "binary"]))
    with pytest.raises(TypeError, match="rates must be a list of reward rates"):
        bandits.simulate(bandits.EpsilonGreedy(2), None, n=5)
    requests = rollout.request_stream(40, seed=0)
    with pytest.raises(TypeError, match="stages must be a list of traffic percentages"):
        rollout.canary(requests, ThresholdModel(), ThresholdModel(), guards=GUARDS, stages=None)


@pytest.mark.parametrize(
    ("column", "above", "error", "message"),
    [
        (None, 0.5, TypeError, "column must be a string"),
        ({"x": 1}, 0.5, TypeError, "column must be a string"),
        ("label", 0.5, ValueError, "column must be a feature column"),
        ("x0", "0.5", TypeError, "above must be a number"),
        ("x0", [0.5, 1.0], TypeError, "above must be a number"),
    ],
)
def test_concept_shift_names_a_bad_column_or_threshold(column, above, error, message):
    with pytest.raises(error, match=message):
        rollout.concept_shift(rollout.request_stream(4, seed=1), column, above)


def test_alerts_and_prediction_requests_name_a_bad_time_column_or_scores():
    events = pd.DataFrame({"time": pd.date_range("2026-01-01", periods=3, freq="1min")})
    rule = alerts.AlertRule("r", metric="time", stat="count", above=1)
    with pytest.raises(TypeError, match="time must be a string"):
        alerts.evaluate(events, [rule], time={"a": 1})
    rows = pd.DataFrame({"age": [40, 50]})
    with pytest.raises(TypeError, match="scores must hold numbers only"):
        synthetic.prediction_requests(rows, ["high", "low"], seed=0)


@pytest.mark.parametrize(
    "values", [np.ones((3, 2)), [[1, 2], [3, 4]], pd.DataFrame({"x": [1.0, None]})], ids=type
)
def test_missing_rate_refuses_a_table_instead_of_returning_zero(values):
    with pytest.raises(ValueError, match="values must be one-dimensional"):
        metrics.missing_rate(values)


def test_drift_and_spans_refuse_a_dataframe_instead_of_iterating_its_column_names():
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(
        TypeError, match="expected must be a sequence of values, but got a DataFrame"
    ):
        drift.jensen_shannon(table, [1.0, 2.0])
    with pytest.raises(TypeError, match="slow must be a list .* but got a DataFrame"):
        synthetic.incident_events(0, hours=1, per_minute=1, slow=pd.DataFrame({"a": [0]}))


@pytest.mark.parametrize("ids", [[[1, 2]], [1, None], np.ones((2, 2)), [1.0, math.nan]], ids=_id)
def test_route_refuses_ids_that_are_not_one_id_per_request(ids):
    with pytest.raises(ValueError, match="request_ids must hold one id per request"):
        rollout.route(ids, 50)


@pytest.mark.parametrize("current", [None, "v1", {"model": 1}], ids=_id)
def test_canary_names_a_current_model_that_cannot_serve_instead_of_promoting(current):
    requests = rollout.request_stream(40, seed=0)
    with pytest.raises(TypeError, match="current must have a predict"):
        rollout.canary(requests, current, ThresholdModel(), guards=GUARDS)


def test_read_log_of_a_missing_file_is_a_value_error_and_a_file_not_found_error(tmp_path):
    from mlep.exceptions import MlepError

    with pytest.raises(ValueError, match="path must be a prediction log file") as caught:
        prediction_log.read_log(tmp_path / "none.jsonl")
    assert isinstance(caught.value, FileNotFoundError) and isinstance(caught.value, MlepError)


def test_synthetic_generators_refuse_a_size_that_would_exhaust_memory():
    with pytest.raises(ValueError, match="must be at most 5,000,000 rows"):
        synthetic.incident_events(0, hours=10**7)
    with pytest.raises(ValueError, match="must be at most 5,000,000 rows"):
        synthetic.serving_log(ThresholdModel(), hours=10**7)


@pytest.mark.parametrize("every", [60, 1e7, True], ids=_id)
def test_evaluate_refuses_a_bare_number_as_a_duration_instead_of_reading_nanoseconds(every):
    events = pd.DataFrame({"time": pd.date_range("2026-01-01", periods=3, freq="1min")})
    rule = alerts.AlertRule("r", metric="time", stat="count", above=1)
    with pytest.raises(TypeError, match="every must be a duration such as '5min'"):
        alerts.evaluate(events, [rule], every=every)
    with pytest.raises(TypeError, match="window must be a duration"):
        alerts.AlertRule("r", metric="m", above=1, window=every)
