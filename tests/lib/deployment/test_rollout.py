"""mlep.deployment.rollout: request streams, shadow, canary, blue-green, degrees of automation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlep.deployment import rollout as R

# --------------------------------------------------------------------------- requests and models


def test_request_stream_is_seeded_and_labelled():
    requests = R.request_stream(10_000, n_features=3, label_rate=0.3, seed=2)
    assert list(requests.columns) == ["request_id", "x0", "x1", "x2", "label"]
    assert requests["request_id"].tolist() == list(range(10_000))
    assert str(requests["label"].dtype) == "Int64"
    assert requests["label"].notna().mean() == pytest.approx(0.3, abs=0.02)
    assert set(requests["label"].dropna().unique()) == {0, 1}
    pd.testing.assert_frame_equal(
        requests, R.request_stream(10_000, n_features=3, label_rate=0.3, seed=2)
    )
    assert not requests.equals(R.request_stream(10_000, n_features=3, label_rate=0.3, seed=3))
    x = R.features(requests)
    assert x.shape == (10_000, 3) and x.dtype == float


def test_threshold_model_accuracy_follows_the_label_noise():
    requests = R.request_stream(20_000, noise=0.0)
    report = R.shadow(requests, R.ThresholdModel(), R.ThresholdModel())
    # label = [x0 + 0.5 x1 > 0]; predicting [x0 > 0] is wrong when the two disagree:
    # the angle between the boundaries is atan(0.5) -> error = atan(0.5) / pi = 0.1476
    assert 1 - report.current_accuracy == pytest.approx(math.atan(0.5) / math.pi, abs=0.01)


def test_noisy_model_flips_a_share_independently_of_batching():
    batch = R.features(R.request_stream(20_000))
    base = R.ThresholdModel().predict(batch)
    noisy = R.NoisyModel(R.ThresholdModel(latency_ms=33), flip_rate=0.2, seed=5)
    answers = noisy.predict(batch)
    assert np.mean(answers != base) == pytest.approx(0.2, abs=0.01)
    halves = np.concatenate([noisy.predict(batch[:7_000]), noisy.predict(batch[7_000:])])
    np.testing.assert_array_equal(answers, halves)
    assert noisy.latency_ms == 33
    assert R.NoisyModel(lambda b: np.zeros(len(b), int), 0.1).latency_ms == R.DEFAULT_LATENCY_MS
    with pytest.raises(ValueError, match="flip_rate must be a probability"):
        R.NoisyModel(R.ThresholdModel(), flip_rate=1.5)


def test_route_is_stable_monotone_and_close_to_the_share():
    ids = np.arange(20_000)
    at5, at25 = R.route(ids, 5, seed=1), R.route(ids, 25, seed=1)
    assert at5.mean() == pytest.approx(0.05, abs=0.005)
    assert at25.mean() == pytest.approx(0.25, abs=0.01)
    assert np.all(at5 <= at25)  # raising the share only adds requests
    np.testing.assert_array_equal(at5, R.route(ids, 5, seed=1))
    assert not np.array_equal(at5, R.route(ids, 5, seed=2))
    assert R.route(ids, 0).sum() == 0 and R.route(ids, 100).all()
    np.testing.assert_array_equal(R.route(["a", "b"], 50), R.route(np.array(["a", "b"]), 50))
    with pytest.raises(ValueError, match="percent must be between 0 and 100, but got 150"):
        R.route(ids, 150)


def test_models_can_be_functions_or_sklearn_estimators():
    from sklearn.linear_model import LogisticRegression

    requests = R.request_stream(2_000, seed=3)
    x, y = R.features(requests), requests["label"].astype(int)
    fitted = LogisticRegression().fit(x, y)
    report = R.shadow(requests, lambda batch: (batch[:, 0] > 0).astype(int), fitted)
    assert report.candidate_accuracy > report.current_accuracy  # it learned x1 matters too
    assert report.regret == pytest.approx(report.candidate_accuracy - report.current_accuracy)


def test_bad_models_and_requests_are_explained():
    requests = R.request_stream(10)
    with pytest.raises(
        ValueError, match=r"the candidate model returned predictions of shape \(10, 1\)"
    ):
        R.shadow(requests, R.ThresholdModel(), lambda batch: np.zeros((len(batch), 1)))
    with pytest.raises(TypeError, match="the current model must have a predict\\(batch\\) method"):
        R.shadow(requests, "model.pkl", R.ThresholdModel())
    with pytest.raises(TypeError, match="requests must be a DataFrame"):
        R.shadow(requests.to_numpy(), R.ThresholdModel(), R.ThresholdModel())
    with pytest.raises(ValueError, match="request stream is empty"):
        R.shadow(requests.iloc[:0], R.ThresholdModel(), R.ThresholdModel())
    with pytest.raises(ValueError, match="need a 'request_id' column"):
        R.shadow(requests.drop(columns="request_id"), R.ThresholdModel(), R.ThresholdModel())
    with pytest.raises(ValueError, match="no feature columns"):
        R.features(requests[["request_id", "label"]])
    for call, message in [
        (lambda: R.request_stream(0), "n must be >= 1"),
        (lambda: R.request_stream(5, label_rate=-0.1), "label_rate must be a probability"),
        (lambda: R.request_stream(5, noise=math.nan), "noise must be a finite number"),
        (lambda: R.request_stream(5, n_features=0), "n_features must be >= 1"),
    ]:
        with pytest.raises(ValueError, match=message):
            call()


# --------------------------------------------------------------------------- shadow


def test_shadow_serves_only_the_current_model_and_scores_labelled_requests():
    requests = R.request_stream(3_000, label_rate=0.4, seed=7)
    current, candidate = R.ThresholdModel(), R.ThresholdModel(threshold=0.5)
    report = R.shadow(requests, current, candidate)
    log = report.log
    np.testing.assert_array_equal(log["served"], current.predict(R.features(requests)))
    np.testing.assert_array_equal(log["shadow"], candidate.predict(R.features(requests)))
    labelled = log[log["label"].notna()]
    assert report.labelled == len(labelled) == requests["label"].notna().sum()
    assert report.agreement == pytest.approx(log["agree"].mean())
    assert report.current_accuracy == pytest.approx(
        (labelled["served"] == labelled["label"]).mean()
    )
    assert report.candidate_accuracy == pytest.approx(
        (labelled["shadow"] == labelled["label"]).mean()
    )
    assert report.regret < 0  # a shifted threshold loses accuracy
    summary = report.summary()
    assert summary.shape == (1, 6) and summary["regret"][0] == report.regret


def test_shadow_without_labels_reports_agreement_only():
    requests = R.request_stream(500).drop(columns="label")
    report = R.shadow(requests, R.ThresholdModel(), R.ThresholdModel(threshold=0.2))
    assert report.labelled == 0 and report.regret is None and report.current_accuracy is None
    assert str(report).endswith("; no labels, so no accuracy")
    unlabelled = R.shadow(
        R.request_stream(50, label_rate=0.0), R.ThresholdModel(), R.ThresholdModel()
    )
    assert unlabelled.agreement == 1.0 and unlabelled.candidate_accuracy is None


# --------------------------------------------------------------------------- canary

GUARDS = {"error_rate": 0.3, "latency_p95_ms": 60}


def test_canary_promotes_a_good_candidate_through_every_stage():
    requests = R.request_stream(10_000, seed=1)
    result = R.canary(requests, R.ThresholdModel(), R.ThresholdModel(threshold=0.1), guards=GUARDS)
    assert result.decision == "promote"
    log = result.log
    assert list(log.columns) == [
        "stage",
        "percent",
        "to_candidate",
        "requests",
        "labelled",
        "error_rate",
        "latency_p95_ms",
        "latency_mean_ms",
        "breached",
        "action",
    ]
    assert log["percent"].tolist() == [1, 5, 25, 50, 100]
    assert log["action"].tolist() == ["continue"] * 4 + ["promote"]
    shares = log["to_candidate"] / 2_000  # 10,000 requests over 5 stages
    assert shares.tolist() == pytest.approx([0.01, 0.05, 0.25, 0.5, 1.0], abs=0.03)
    assert (log["error_rate"] < 0.3).all() and (log["breached"] == "").all()


def test_canary_rolls_back_at_the_first_breach_and_stops():
    requests = R.request_stream(10_000, seed=1)
    bad = R.NoisyModel(R.ThresholdModel(), flip_rate=0.4)
    result = R.canary(requests, R.ThresholdModel(), bad, guards={"error_rate": 0.3})
    assert result.decision == "rollback"
    assert result.log["action"].iloc[-1] == "rollback"
    assert (result.log["action"].iloc[:-1] == "continue").all()
    assert len(result.log) < 5
    assert result.log["breached"].iloc[-1] == "error_rate"
    assert result.reason.startswith(f"stage {len(result.log)} (")
    slow = R.canary(requests, R.ThresholdModel(), R.ThresholdModel(latency_ms=80), guards=GUARDS)
    assert (slow.decision, slow.log["breached"].tolist()) == ("rollback", ["latency_p95_ms"])


def test_canary_is_deterministic_and_seeded():
    requests = R.request_stream(5_000, seed=4)
    args = (requests, R.ThresholdModel(), R.ThresholdModel(threshold=0.2))
    one = R.canary(*args, guards=GUARDS, seed=3)
    pd.testing.assert_frame_equal(one.log, R.canary(*args, guards=GUARDS, seed=3).log)
    assert not one.log.equals(R.canary(*args, guards=GUARDS, seed=4).log)


def test_canary_checks_its_arguments():
    requests = R.request_stream(1_000)
    models = (R.ThresholdModel(), R.ThresholdModel())
    with pytest.raises(ValueError, match="unknown guard metric 'accuracy'; choose from error_rate"):
        R.canary(requests, *models, guards={"accuracy": 0.9})
    with pytest.raises(ValueError, match="guards must map at least one metric"):
        R.canary(requests, *models, guards={})
    with pytest.raises(ValueError, match="guard 'error_rate' must be >= 0"):
        R.canary(requests, *models, guards={"error_rate": -0.1})
    with pytest.raises(ValueError, match="stages must be increasing percentages"):
        R.canary(requests, *models, guards=GUARDS, stages=[5, 1, 100])
    with pytest.raises(ValueError, match="stages must be increasing percentages"):
        R.canary(requests, *models, guards=GUARDS, stages=[0, 50])
    with pytest.raises(ValueError, match="stages is empty"):
        R.canary(requests, *models, guards=GUARDS, stages=[])
    with pytest.raises(ValueError, match="3 stages need at least 3 requests, got 2"):
        R.canary(requests.iloc[:2], *models, guards=GUARDS, stages=[10, 50, 100])
    with pytest.raises(ValueError, match=r"stage 1 \(1%\): no request was routed"):
        R.canary(R.request_stream(50), *models, guards=GUARDS)
    unlabelled = R.request_stream(5_000, label_rate=0.001)
    with pytest.raises(ValueError, match="no labelled request reached the model"):
        R.canary(unlabelled, *models, guards={"error_rate": 0.2})
    latency_only = R.canary(unlabelled, *models, guards={"latency_p95_ms": 100})
    assert latency_only.decision == "promote"


# --------------------------------------------------------------------------- blue-green


def test_blue_green_switches_everything_at_once_and_keeps_a_good_green():
    requests = R.request_stream(1_000, seed=2)
    result = R.blue_green(
        requests,
        R.ThresholdModel(),
        R.ThresholdModel(threshold=0.05),
        switch_at=350,
        window=100,
        guards=GUARDS,
    )
    assert result.decision == "green"
    log = result.log
    assert log[["first", "last"]].values.tolist() == [
        [0, 99],
        [100, 199],
        [200, 299],
        [300, 349],
        [350, 449],
        [450, 549],
        [550, 649],
        [650, 749],
        [750, 849],
        [850, 949],
        [950, 999],
    ]
    assert log["live"].tolist() == ["blue"] * 4 + ["green"] * 7
    assert log["action"].tolist() == ["serve"] * 4 + ["switch"] + ["serve"] * 6
    assert log["requests"].sum() == 1_000


def test_blue_green_rolls_back_instantly():
    requests = R.request_stream(1_000, seed=2)
    bad = R.NoisyModel(R.ThresholdModel(), flip_rate=0.4)
    result = R.blue_green(
        requests, R.ThresholdModel(), bad, switch_at=500, window=100, guards={"error_rate": 0.3}
    )
    assert result.decision == "rollback" and result.reason.startswith("window 6 (requests 500-599)")
    assert result.log["live"].tolist() == ["blue"] * 5 + ["green"] + ["blue"] * 4
    assert result.log["action"].tolist() == ["serve"] * 5 + ["rollback"] + ["serve"] * 4
    first = R.blue_green(requests, R.ThresholdModel(), bad, switch_at=0, guards=GUARDS)
    assert first.log["live"].tolist() == ["green"] + ["blue"] * 9


def test_blue_green_checks_its_arguments():
    requests = R.request_stream(100)
    models = (R.ThresholdModel(), R.ThresholdModel())
    with pytest.raises(ValueError, match="switch_at must be a request position, below 100"):
        R.blue_green(requests, *models, switch_at=100, guards=GUARDS)
    with pytest.raises(ValueError, match="switch_at must be >= 0"):
        R.blue_green(requests, *models, switch_at=-1, guards=GUARDS)
    with pytest.raises(ValueError, match="window must be >= 1"):
        R.blue_green(requests, *models, switch_at=50, window=0, guards=GUARDS)
    with pytest.raises(ValueError, match="unknown guard metric"):
        R.blue_green(requests, *models, switch_at=50, guards={"p95": 1})


# --------------------------------------------------------------------------- degrees of automation


def test_automation_tradeoff_hand_example():
    confidences = [0.99, 0.9, 0.8, 0.7, 0.6]
    correct = [1, 1, 0, 1, 0]
    table = R.automation_tradeoff(
        confidences,
        correct,
        human_cost=2.0,
        error_cost=10.0,
        thresholds=[0.0, 0.75, 0.95, 1.0],
        human_accuracy=0.9,
    )
    assert list(table.columns) == ["threshold", "automated", "accuracy", "cost", "degree"]
    # 0.0: the model decides all 5, 2 wrong -> cost 2 * 10 / 5 = 4
    # 0.75: model decides 3 (1 wrong), people 2 (0.2 expected errors) -> (2*2 + 1.2*10) / 5
    # 0.95: model decides 1 (right), people 4 (0.4 errors) -> (4*2 + 0.4*10) / 5
    # 1.0: people decide all 5 -> 2 + 0.1 * 10
    assert table["automated"].tolist() == [1.0, 0.6, 0.2, 0.0]
    assert table["accuracy"].tolist() == pytest.approx([0.6, 0.76, 0.92, 0.9])
    assert table["cost"].tolist() == pytest.approx([4.0, 3.2, 2.4, 3.0])
    assert table["degree"].tolist() == [
        "full automation",
        "partial automation",
        "partial automation",
        "human only",
    ]
    best = R.choose_threshold(table)
    assert best["threshold"] == 0.95 and best["cost"] == pytest.approx(2.4)
    with pytest.raises(
        ValueError, match="no threshold reaches accuracy 0.95; the best in the table is 0.92"
    ):
        R.choose_threshold(table, min_accuracy=0.95)
    assert R.choose_threshold(table, min_accuracy=0.8)["threshold"] == 0.95


def test_automation_tradeoff_on_a_model_and_its_extremes():
    rng = np.random.default_rng(0)
    confidences = rng.uniform(0.5, 1.0, 5_000)
    correct = rng.random(5_000) < confidences  # calibrated: right with probability = confidence
    table = R.automation_tradeoff(confidences, correct, human_cost=1.0, error_cost=4.0)
    assert table["threshold"].tolist() == pytest.approx(np.linspace(0, 1, 21).tolist())
    assert table["automated"].is_monotonic_decreasing
    full = table.iloc[0]
    assert full["cost"] == pytest.approx(4.0 * (1 - correct.mean()))
    assert table.iloc[-1]["degree"] == "human only" and table.iloc[-1]["cost"] == 1.0
    best = R.choose_threshold(table)
    # automate when expected error cost 4 * (1 - c) < human cost 1, i.e. c > 0.75
    # (0.75 and 0.8 are within sampling noise of each other: seed 0 picks 0.8)
    assert best["threshold"] in (0.75, 0.8)
    assert best["cost"] < min(full["cost"], 1.0)
    assert R.choose_threshold(table, min_accuracy=0.99)["threshold"] > best["threshold"]


def test_choose_threshold_breaks_ties_by_accuracy_then_automation():
    table = pd.DataFrame(
        {
            "threshold": [0.2, 0.4, 0.6],
            "automated": [1.0, 0.5, 0.2],
            "accuracy": [0.8, 0.9, 0.9],
            "cost": [1.0, 1.0, 1.0],
            "degree": ["full automation"] + ["partial automation"] * 2,
        }
    )
    assert R.choose_threshold(table)["threshold"] == 0.4


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"confidences": []}, ValueError, "confidences is empty"),
        ({"confidences": [0.5, 1.2]}, ValueError, "between 0 and 1, but range from 0.5 to 1.2"),
        ({"confidences": [0.5, math.nan]}, ValueError, "confidences holds 1 NaN"),
        ({"correct": [1, 0, 1]}, ValueError, "same length .* 2 and 3"),
        ({"correct": [1, 2]}, ValueError, "correct must hold booleans .* got 2"),
        ({"human_cost": -1}, ValueError, "human_cost must be >= 0"),
        ({"error_cost": math.inf}, ValueError, "error_cost must be a finite number"),
        ({"human_accuracy": 1.1}, ValueError, "human_accuracy must be a probability"),
        ({"thresholds": []}, ValueError, "thresholds is empty"),
    ],
)
def test_automation_tradeoff_errors(kwargs, error, message):
    args = {
        "confidences": [0.9, 0.6],
        "correct": [True, False],
        "human_cost": 1.0,
        "error_cost": 3.0,
    } | kwargs
    with pytest.raises(error, match=message):
        R.automation_tradeoff(**args)


def test_plot_automation_tradeoff():
    from matplotlib.figure import Figure

    table = R.automation_tradeoff([0.95, 0.9, 0.7, 0.6], [1, 1, 0, 1], human_cost=1, error_cost=5)
    figure = R.plot_automation_tradeoff(table, chosen=0.8)
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    cost_axis, share_axis = figure.axes
    np.testing.assert_allclose(cost_axis.lines[0].get_ydata(), table["cost"])
    assert [line.get_label() for line in share_axis.lines[:2]] == ["accuracy", "share automated"]
    assert cost_axis.lines[-1].get_xdata()[0] == 0.8  # the chosen threshold is marked
    with pytest.raises(TypeError, match="table must be the DataFrame automation_tradeoff returns"):
        R.plot_automation_tradeoff(table[["threshold", "cost"]])


def test_non_numeric_features_are_named():
    requests = R.request_stream(5).assign(city=["a", "b", "c", "d", "e"])
    with pytest.raises(
        TypeError, match=r"feature columns must be numeric, but got \{'city': 'object'\}"
    ):
        R.features(requests)


def test_a_candidate_returning_probabilities_is_told_to_threshold_them():
    """It was counted 100 % wrong with no hint (0.73 != 1), and rolled back."""
    from mlep.deployment import rollout as R

    requests = R.request_stream(400, seed=0)
    current = R.ThresholdModel()

    def probabilities(batch):
        return 1 / (1 + np.exp(-batch[:, 0]))

    with pytest.raises(ValueError, match=r"must predict class labels 0 or 1.*threshold them"):
        R.canary(requests, current, probabilities, guards={"error_rate": 0.3})
    with pytest.raises(TypeError, match="must predict class labels 0 or 1, but returned <U"):
        R.canary(requests, current, lambda b: np.array(["1"] * len(b)), guards={"error_rate": 0.3})
    with pytest.raises(ValueError, match="NaN or infinity"):
        R.canary(requests, current, lambda b: np.full(len(b), np.nan), guards={"error_rate": 0.3})
