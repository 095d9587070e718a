"""Reference tests for mlep.modeling.analysis.sliced: TFMA metrics per slice, thresholds,
blessing."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from mlep.modeling.analysis import sliced, tfma_results


def test_the_package_keeps_the_c1w2_api_and_stays_light():
    code = (
        "import sys\n"
        "from mlep.modeling.analysis import error_analysis, per_class_report\n"
        "import mlep.modeling.analysis.sliced, mlep.modeling.analysis.fairness\n"
        "import mlep.modeling.analysis.debugging\n"
        "heavy = ('tensorflow', 'tensorflow_model_analysis', 'tfx', 'apache_beam', 'sklearn')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def scored():
    """Labels, a slicing feature and two models' scores; the candidate is better except in 'c'."""
    rng = np.random.default_rng(7)
    n = 900
    y = rng.integers(0, 2, n)
    region = rng.choice(["a", "b", "c"], n, p=[0.4, 0.4, 0.2])
    noise = np.where(region == "c", 0.6, 0.2)  # the candidate is weak in region c
    candidate = np.clip(0.25 + 0.5 * y + rng.normal(0, noise), 0, 1)
    baseline = np.clip(0.3 + 0.4 * y + rng.normal(0, 0.3, n), 0, 1)
    return pd.DataFrame({"label": y, "region": region, "cand": candidate, "base": baseline})


@pytest.fixture(scope="module")
def evaluation(scored):
    config = sliced.eval_config(
        label_key="label",
        prediction_key="cand",
        baseline_prediction_key="base",
        slices=["region"],
        thresholds={"AUC": {"lower": 0.75, "min_change": -0.02}, "BinaryAccuracy": {"lower": 0.5}},
    )
    return sliced.analyze_predictions(scored, config)


def _reference(frame, score):
    return {
        "example_count": len(frame),
        "binary_accuracy": float(((frame[score] >= 0.5) == frame["label"]).mean()),
        "auc": float(roc_auc_score(frame["label"], frame[score])),
    }


@pytest.mark.slow  # the module's TFMA Beam run (fixture evaluation)
def test_metrics_per_slice_equal_a_hand_computation(scored, evaluation):
    table = evaluation.metrics.set_index(["slice", "model"])
    parts = {"Overall": scored, **{f"region={r}": g for r, g in scored.groupby("region")}}
    for name, part in parts.items():
        for model, column in [("candidate", "cand"), ("baseline", "base")]:
            want = _reference(part, column)
            got = table.loc[(name, model)]
            assert got["example_count"] == want["example_count"]
            assert got["binary_accuracy"] == pytest.approx(want["binary_accuracy"], abs=1e-6)
            assert got["auc"] == pytest.approx(want["auc"], abs=2e-3)  # TFMA's AUC uses 10k buckets
        change = table.loc[(name, "candidate"), "auc_change"]
        assert change == pytest.approx(
            table.loc[(name, "candidate"), "auc"] - table.loc[(name, "baseline"), "auc"]
        )


@pytest.mark.slow  # the module's TFMA Beam run (fixture evaluation)
def test_thresholds_fail_on_the_weak_slice_only(evaluation):
    assert not evaluation.blessed
    failed = evaluation.failures
    assert set(failed["slice"]) == {"region=c"}
    assert {"auc", "auc_change"} <= set(failed["metric"])
    assert ">= 0.75" in failed.set_index("metric").loc["auc", "threshold"]
    assert sliced.worst_slice(evaluation.metrics, "auc")["slice"] == "region=c"


@pytest.mark.slow  # a TFMA Beam run
def test_a_candidate_that_passes_everything_is_blessed(scored):
    config = sliced.eval_config(
        label_key="label",
        prediction_key="cand",
        baseline_prediction_key="base",
        thresholds={"AUC": {"lower": 0.6, "min_change": 0.0}},
    )
    result = sliced.analyze_predictions(scored, config)
    assert result.blessed and result.failures.empty
    assert list(result.metrics["slice"]) == ["Overall", "Overall"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"thresholds": {"AUC": {"min_change": 0.0}}}, "baseline_prediction_key"),
        ({"thresholds": {"AUC": {"lowest": 0.5}}}, "unknown key"),
        ({"thresholds": {"AUC": {"lower": "high"}}}, "finite number"),
        ({"slices": "region"}, "list of feature lists"),
        ({"slices": [[]]}, "one or more features"),
    ],
)
def test_eval_config_rejects_bad_specs(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        sliced.eval_config(label_key="label", **kwargs)


def test_analyze_predictions_names_missing_columns(scored):
    config = sliced.eval_config(label_key="label", prediction_key="score")
    with pytest.raises(ValueError, match=r"no column\(s\) \['score'\]"):
        sliced.analyze_predictions(scored, config)


@pytest.mark.slow
def test_tfx_evaluator_blesses_a_better_candidate(tmp_path):
    """Candidate and baseline Keras models, imported into a pipeline; the Evaluator blesses."""
    from mlep.data import datasets
    from mlep.runtime import tensorflow

    tf = tensorflow()
    import tf_keras as keras

    train = datasets.load("loan_applications", "train")
    features = ["income", "debt_ratio", "late_payments", "credit_history_years"]
    X = train[features].to_numpy("float32")
    mean, std = X.mean(axis=0), X.std(axis=0)

    def fit(columns):
        keras.utils.set_random_seed(0)
        mask = np.array([f in columns for f in features], dtype="float32")
        inputs = keras.Input((len(features),))
        scaled = keras.layers.Lambda(lambda m: (m - mean) / std * mask)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(scaled))
        model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy")
        model.fit(X, train["defaulted"].to_numpy(), epochs=5, batch_size=128, verbose=0)
        return model

    kinds = {f: "int" if f == "late_payments" else "float" for f in features}
    full = sliced.export_for_evaluator(fit(features), str(tmp_path / "full"), features=kinds)
    weak = sliced.export_for_evaluator(
        fit(["late_payments"]), str(tmp_path / "weak"), features=kinds
    )
    data = tmp_path / "data"
    data.mkdir()
    datasets.load("loan_applications", "eval").to_csv(data / "eval.csv", index=False)
    thresholds = {"AUC": {"lower": 0.6, "min_change": 0.0}}
    with pytest.raises(ValueError, match="baseline_model should be a SavedModel folder"):
        sliced.evaluate_with_tfx(
            candidate_model=full,
            baseline_model=str(data),
            examples_csv="x.csv",
            label_key="defaulted",
            pipeline_root=str(tmp_path / "p0"),
        )
    result = sliced.evaluate_with_tfx(
        candidate_model=full,
        baseline_model=weak,
        examples_csv=str(data / "eval.csv"),
        label_key="defaulted",
        pipeline_root=str(tmp_path / "p1"),
        thresholds=thresholds,
    )
    table = result["metrics"].set_index(["slice", "model"])
    assert table.loc[("Overall", "candidate"), "auc"] > 0.6
    assert table.loc[("Overall", "candidate"), "auc_change"] > 0
    assert result["blessed"]
    assert tf.io.gfile.exists(result["blessing_uri"] + "/BLESSED")


def test_failed_threshold_text_follows_the_metric_direction():
    import tensorflow_model_analysis as tfma

    higher = tfma.MetricThreshold(
        change_threshold=tfma.GenericChangeThreshold(
            absolute={"value": -0.01}, direction=tfma.MetricDirection.HIGHER_IS_BETTER
        )
    )
    lower = tfma.MetricThreshold(
        change_threshold=tfma.GenericChangeThreshold(
            absolute={"value": 0.5}, direction=tfma.MetricDirection.LOWER_IS_BETTER
        )
    )
    assert tfma_results.threshold_text(higher) == "change >= -0.01"
    assert tfma_results.threshold_text(lower) == "change <= 0.5"


TABLE = pd.DataFrame(
    {
        "slice": ["Overall", "region=east", "region=west"],
        "model": "candidate",
        "example_count": [10, 6, 4],
        "auc": [0.8, 0.9, 0.6],
    }
)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: sliced.worst_slice(TABLE.to_dict(), "auc"),
            TypeError,
            "metrics must be a pandas DataFrame",
        ),
        (
            lambda: sliced.worst_slice(TABLE[["auc"]], "auc"),
            ValueError,
            "metrics must have the column",
        ),
        (lambda: sliced.worst_slice(TABLE, ["auc"]), TypeError, "metric must be a string"),
        (
            lambda: sliced.worst_slice(TABLE, "auc", higher_is_better="no"),
            TypeError,
            "higher_is_better must be True or False",
        ),
        (
            lambda: sliced.worst_slice(TABLE, "auc", higher_is_better=None),
            TypeError,
            "higher_is_better",
        ),
        (
            lambda: sliced.worst_slice(TABLE, "auc", min_examples=0),
            ValueError,
            "min_examples must be >= 1",
        ),
        (lambda: sliced.worst_slice(TABLE, "auc", min_examples=True), TypeError, "min_examples"),
    ],
)
def test_worst_slice_refuses_settings_that_would_pick_another_slice(call, error, message):
    # before: higher_is_better="no" or None silently picked the best slice as the worst
    with pytest.raises(error, match=message):
        call()
    assert sliced.worst_slice(TABLE, "auc", higher_is_better=False)["slice"] == "region=east"


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"metrics": "AUC"}, TypeError, "wrap it in a list"),  # before: metrics 'A', 'U', 'C'
        ({"metrics": []}, ValueError, "metrics must hold at least 1"),
        ({"metrics": ["AUC", 3]}, TypeError, "metrics must hold strings only"),
        ({"prediction_key": None}, TypeError, "prediction_key must be a column name"),
        ({"baseline_prediction_key": 1}, TypeError, "baseline_prediction_key must be"),
        ({"thresholds": ["AUC"]}, TypeError, "thresholds must be a dict"),
        ({"fairness_thresholds": "0.5"}, TypeError, "fairness_thresholds must be a list"),
        ({"slices": {"region": 1}}, TypeError, "list of feature lists"),
    ],
)
def test_eval_config_refuses_specs_tfma_would_misread(kwargs, error, message):
    with pytest.raises(error, match=message):
        sliced.eval_config(label_key="label", **kwargs)
