"""The seeded production records of C4W4: planted incidents are where they were planted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlep.deployment.monitoring import synthetic


def test_requests_are_seeded_and_keep_each_rows_features_and_score():
    rows = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 0.1, 0.9]})
    first = synthetic.prediction_requests(rows, [0.1234, 0.5, 0.9], seed=3, n_patients=2)
    again = synthetic.prediction_requests(rows, [0.1234, 0.5, 0.9], seed=3, n_patients=2)
    assert first == again
    assert [r["features"] for r in first] == rows.to_dict("records")
    assert [r["prediction"] for r in first] == [0.123, 0.5, 0.9]
    assert len({r["patient_id"] for r in first}) <= 2
    times = [r["time"] for r in first]
    assert times == sorted(times) and times[0] > synthetic.START


@pytest.mark.parametrize(
    ("rows", "scores", "error", "message"),
    [
        ([[1, 2]], [0.1], TypeError, "rows must be a DataFrame"),
        (pd.DataFrame({"a": [1, 2]}), [0.1], ValueError, "one value per row"),
    ],
)
def test_requests_refuse_mismatched_input(rows, scores, error, message):
    with pytest.raises(error, match=message):
        synthetic.prediction_requests(rows, scores, seed=0)


def test_incidents_happen_where_they_were_planted():
    events = synthetic.incident_events(2, slow=[(30, 5)], shifts=[(90, 20, 0.8)], hours=2)
    minute = ((events["time"] - synthetic.START).dt.total_seconds() / 60).to_numpy()
    slow = (minute >= 30) & (minute < 35)
    assert events["latency_ms"][slow].min() > 400 > events["latency_ms"][~slow].median()
    shifted = (minute >= 90) & (minute < 110)
    assert events["flagged"][shifted].mean() > 0.6 > 0.35 > events["flagged"][~shifted].mean()


def test_history_drops_accuracy_and_has_no_labels_at_weekends():
    history = synthetic.monitoring_history(
        1, baseline=0.9, drop_day=50, drift_day=40, glitch_day=80
    )
    weekend = history["day"] % 7 >= 5
    assert history["accuracy"][weekend].isna().all() and history["accuracy"][~weekend].notna().all()
    before = history["accuracy"][history["day"] < 50].mean()
    after = history["accuracy"][history["day"] >= 50].mean()
    assert before == pytest.approx(0.9, abs=0.02) and after == pytest.approx(0.84, abs=0.02)
    assert history["psi_age"][80] == 0.45 and np.all(history["psi_age"][:40] < 0.2)


def test_serving_log_plants_each_incident_in_its_hour():
    from mlep.deployment.rollout import ThresholdModel

    log = synthetic.serving_log(
        ThresholdModel(),
        hours=4,
        per_hour=300,
        incidents={0: "slow", 1: "tail", 2: "missing", 3: "stuck"},
        seed=5,
    )
    by_hour = log.groupby("hour")
    assert by_hour["latency_ms"].median()[0] > 200 > by_hour["latency_ms"].median()[1]
    assert by_hour["latency_ms"].quantile(0.95)[1] > 150
    assert log["x1"].isna().groupby(log["hour"]).mean().round(1).tolist() == [0.0, 0.0, 0.2, 0.0]
    assert by_hour["prediction"].mean()[3] == 0


def test_serving_log_names_an_unknown_incident():
    from mlep.deployment.rollout import ThresholdModel

    with pytest.raises(ValueError, match="incidents must be one of"):
        synthetic.serving_log(ThresholdModel(), incidents={1: "outage"})


def test_a_concept_shift_flips_labels_only_in_its_region_and_keeps_the_inputs():
    from mlep.deployment import rollout

    before = rollout.request_stream(500, seed=4)
    after = rollout.concept_shift(before, "x1", 0.5)
    region = before["x1"] > 0.5
    assert after[["x0", "x1"]].equals(before[["x0", "x1"]])
    assert (after["label"][region] != before["label"][region]).all()
    assert after["label"][~region].equals(before["label"][~region])
    with pytest.raises(KeyError, match="feature column"):
        rollout.concept_shift(before, "label", 0.5)


def test_the_linear_model_is_the_stream_truth_without_noise():
    from mlep.deployment import rollout

    requests = rollout.request_stream(4000, noise=0.0, seed=1)
    batch = rollout.features(requests)
    assert (rollout.LinearModel().predict(batch) == requests["label"].to_numpy()).all()
    noisy = rollout.request_stream(4000, noise=0.5, seed=1)
    right = rollout.LinearModel().predict(batch) == noisy["label"].to_numpy()
    assert rollout.LinearModel().confidence(batch).mean() == pytest.approx(right.mean(), abs=0.02)


@pytest.mark.parametrize(
    "make",
    [
        lambda: synthetic.prediction_requests(pd.DataFrame({"a": [1]}), [0.5], seed=None),
        lambda: synthetic.incident_events(None),
        lambda: synthetic.monitoring_history(None),
        lambda: synthetic.serving_log(lambda batch: batch[:, 0] > 0, seed=None),
    ],
)
def test_every_generator_refuses_an_unseeded_run(make):
    with pytest.raises(TypeError, match="seed must be an integer"):
        make()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"noise": 0}, "noise must be"),
        ({"weights": ("a", "b")}, "weights"),
    ],
)
def test_the_linear_model_refuses_settings_it_cannot_use(options, message):
    from mlep.deployment import rollout

    with pytest.raises((TypeError, ValueError), match=message):
        rollout.LinearModel(**options)
