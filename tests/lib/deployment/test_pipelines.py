"""The C4W3 training pipeline: two real TFX runs into a running model server.

Run 1 trains a model that passes the accuracy threshold: the Evaluator blesses it, the Pusher
writes it into the server's model_base_path, and the running server switches to it from an
older hand-exported version 1. Run 2 trains a worse candidate on the same data: the Evaluator,
comparing with run 1's model (the latest blessed one), does not bless it, nothing is pushed,
and the server keeps serving run 1's model.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from mlep.data.features import read_examples
from mlep.deployment import pipelines as P
from mlep.deployment import readmission_trainer as T
from mlep.deployment.serving import ModelConfig, ModelServer, ServingClient, export_model, serve

pytestmark = pytest.mark.slow  # two real TFX pipeline runs

THRESHOLD = 0.55
WORSE = {"epochs": 1, "learning_rate": 0.0003}  # barely trained


def _tiny_model():
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    inputs = keras.Input((1,), name="x")
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


def _serving(client: ServingClient) -> str | None:
    """The version that answers (the status also lists unloaded versions, in state END)."""
    states = client.status()["model_version_status"]
    return next((v["version"] for v in states if v["state"] == "AVAILABLE"), None)


def _wait_for_version(client: ServingClient, version: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        served = _serving(client)
        if served is not None and int(served) == version:
            return
        time.sleep(0.2)
    raise AssertionError(f"the server did not load version {version} within {seconds} s")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("c4w3")
    P.sample_data(base / "data", rows=600, seed=0)
    serving_dir = base / "serving"
    export_model(_tiny_model(), serving_dir, 1)  # an older, hand-exported model
    server = ModelServer([ModelConfig("readmission", str(serving_dir))], poll_seconds=0.2)
    with serve(server, port=0) as running:
        client = ServingClient(running.url, "readmission")
        assert _serving(client) == "1"
        options = dict(
            serving_dir=serving_dir,
            pipeline_root=base / "root",
            accuracy_threshold=THRESHOLD,
            min_rows=100,
        )
        first = P.training_pipeline(base / "data", **options)
        if first.pushed_version is not None:
            _wait_for_version(client, first.pushed_version)
        first_predictions = _served_and_direct(client, first)
        second = P.training_pipeline(base / "data", train_config=WORSE, **options)
        time.sleep(0.5)  # a few poll rounds: a stray new folder would be loaded by now
        yield {
            "first": first,
            "second": second,
            "first_predictions": first_predictions,
            "served_after_second": _serving(client),
            "second_predictions": _served_and_direct(client, first),
            "serving_dir": serving_dir,
        }


def _rows(run: P.TrainingRun, n: int = 20) -> list[dict]:
    frame = read_examples(run.artifacts["CsvExampleGen.examples"], split="eval", limit=n)
    features = [*T.NUMERIC, *T.CATEGORICAL]
    return [
        {k: (v.decode() if isinstance(v, bytes) else int(v)) for k, v in row.items()}
        for row in frame[features].to_dict("records")
    ]


def _served_and_direct(client: ServingClient, run: P.TrainingRun):
    """Predictions of the served model and of the pushed SavedModel loaded here."""
    from mlep.runtime import tensorflow

    tf = tensorflow()
    instances = _rows(run)
    served = np.asarray(client.predict(instances), dtype=float)
    model = tf.saved_model.load(str(run.pushed_path))
    columns = {
        k: tf.constant(np.asarray([row[k] for row in instances]))
        for k in [*T.NUMERIC, *T.CATEGORICAL]
    }
    direct = model.signatures["serving_default"](**columns)["outputs"].numpy()
    return served, direct


def test_a_good_model_is_blessed_pushed_as_a_timestamp_version_and_hot_loaded(world):
    first = world["first"]
    assert first.blessed and first.failures.empty
    assert first.metrics["binary_accuracy"] >= THRESHOLD
    assert first.baseline_metrics == {}  # nothing was blessed before: value threshold only
    # the Pusher's version is the push time (seconds since the epoch) and the largest folder
    assert abs(first.pushed_version - time.time()) < 600
    assert (first.pushed_path / "saved_model.pb").is_file()
    assert P.served_version(world["serving_dir"]) == first.pushed_version
    served, direct = world["first_predictions"]
    assert served.shape == (20, 1) and np.ptp(served) > 0
    np.testing.assert_allclose(served, direct, rtol=1e-5)


def test_the_evaluators_accuracy_is_the_models_accuracy_on_the_eval_split(world):
    from mlep.runtime import tensorflow

    tf = tensorflow()
    first = world["first"]
    frame = read_examples(first.artifacts["CsvExampleGen.examples"], split="eval")
    model = tf.saved_model.load(str(first.pushed_path))
    columns = {k: tf.constant(frame[k].to_numpy()) for k in [*T.NUMERIC, *T.CATEGORICAL]}
    scores = model.signatures["serving_default"](**columns)["outputs"].numpy()[:, 0]
    accuracy = np.mean((scores > 0.5) == (frame[T.LABEL].to_numpy() == 1))
    assert first.metrics["example_count"] == len(frame) == first.rows["eval"]
    assert first.metrics["binary_accuracy"] == pytest.approx(accuracy, abs=1e-6)


def test_a_worse_candidate_is_not_blessed_and_the_server_keeps_the_blessed_model(world):
    first, second = world["first"], world["second"]
    assert not second.blessed and second.pushed_version is None and second.pushed_path is None
    # the resolver found run 1's model: the change threshold compared the two
    assert second.baseline_metrics["binary_accuracy"] == pytest.approx(
        first.metrics["binary_accuracy"]
    )
    change = second.metrics["binary_accuracy_change"]
    assert change == pytest.approx(
        second.metrics["binary_accuracy"] - first.metrics["binary_accuracy"]
    )
    assert change < 0 and "binary_accuracy_change" in set(second.failures["metric"])
    assert P.served_version(world["serving_dir"]) == first.pushed_version
    assert world["served_after_second"] == str(first.pushed_version)
    served, direct = world["second_predictions"]
    np.testing.assert_allclose(served, direct, rtol=1e-5)


def test_unchanged_data_steps_come_from_the_cache_on_the_second_run(world):
    from mlep.data.lineage import LineageStore

    store = LineageStore(world["second"].metadata_path).store
    names = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    states = {}
    for execution in store.get_executions():  # oldest first: the second run wins
        states[names[execution.type_id]] = execution.last_known_state
    cached, complete = 5, 3  # ml_metadata Execution.State
    assert states["Transform"] == cached and states["DataVolumeCheck"] == cached
    assert states["Trainer"] == complete and states["Evaluator"] == complete


def test_the_data_volume_component_counts_rows_and_stops_small_data(world):
    first = world["first"]
    assert first.rows["train"] + first.rows["eval"] == 600
    assert first.rows["train"] > 300  # ExampleGen's default 2:1 hash split
    examples = first.artifacts["CsvExampleGen.examples"]
    assert P.count_rows(examples, min_rows=100) == first.rows
    with pytest.raises(ValueError, match=r"has \d+ rows, fewer than min_rows=10000"):
        P.count_rows(examples, min_rows=10_000)


def test_quality_gate_fails_the_bad_model_and_passes_the_good_one(world):
    first, second = world["first"], world["second"]
    assert P.quality_gate(first, min_accuracy=THRESHOLD) == first.metrics["binary_accuracy"]
    with pytest.raises(
        AssertionError, match="quality gate: binary_accuracy .* below the threshold"
    ):
        P.quality_gate(second, min_accuracy=THRESHOLD)
    with pytest.raises(AssertionError, match="below the baseline's"):
        P.quality_gate(second, min_accuracy=0.0, baseline=first)


def test_quality_gate_on_plain_numbers():
    assert P.quality_gate({"binary_accuracy": 0.7}, min_accuracy=0.7) == 0.7
    assert P.quality_gate({"auc": 0.8}, min_accuracy=0.75, metric="auc") == 0.8
    P.quality_gate(
        {"binary_accuracy": 0.69},
        min_accuracy=0.6,
        baseline={"binary_accuracy": 0.7},
        max_drop=0.02,
    )
    with pytest.raises(AssertionError, match="0.6900 is below the baseline's 0.7000"):
        P.quality_gate(
            {"binary_accuracy": 0.69}, min_accuracy=0.6, baseline={"binary_accuracy": 0.7}
        )
    with pytest.raises(KeyError, match="no 'binary_accuracy' among the metrics"):
        P.quality_gate({"auc": 0.9}, min_accuracy=0.5)


def test_maturity_levels_say_what_is_automated():
    table = P.maturity_levels()
    assert table["level"].tolist() == [0, 1, 2]
    level = table.set_index("level")["automated here"]
    assert "nothing" in level[0]
    assert all(c in level[1] for c in ("Transform", "Trainer", "Evaluator", "Pusher"))
    assert "quality_gate" in level[2]


def test_pipeline_input_errors(tmp_path):
    options = dict(serving_dir=tmp_path / "s", pipeline_root=tmp_path / "r")
    with pytest.raises(ValueError, match="no CSV file in"):
        P.training_pipeline(tmp_path, **options)
    (tmp_path / "a.csv").write_text("x\n1\n")
    with pytest.raises(ValueError, match="dotted path of an importable module"):
        P.training_pipeline(tmp_path, "no_such_module_here", **options)
    with pytest.raises(ValueError, match="does not define preprocessing_fn and run_fn"):
        P.training_pipeline(tmp_path, "mlep.runtime", **options)
    with pytest.raises(
        ValueError, match="accuracy_threshold must be a probability between 0 and 1"
    ):
        P.training_pipeline(tmp_path, accuracy_threshold=70, **options)
    with pytest.raises(ValueError, match="rows must be between 1 and 4000"):
        P.sample_data(tmp_path, rows=0)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: P.quality_gate({"binary_accuracy": float("nan")}, min_accuracy=0.5),
            ValueError,
            "metrics\\['binary_accuracy'\\] must be a finite number",
        ),
        (
            lambda: P.quality_gate({"binary_accuracy": 0.9}, min_accuracy=float("nan")),
            ValueError,
            "min_accuracy must be a finite number",
        ),
        (
            lambda: P.quality_gate({"binary_accuracy": 0.9}, min_accuracy=True),
            TypeError,
            "min_accuracy must be a number",
        ),
        (
            lambda: P.quality_gate({"binary_accuracy": 0.9}, min_accuracy="0.5"),
            TypeError,
            "min_accuracy must be a number",
        ),
        (
            lambda: P.quality_gate("binary_accuracy", min_accuracy=0.5),
            TypeError,
            "metrics must be a dict of metrics",
        ),
        (
            lambda: P.quality_gate(
                {"binary_accuracy": 0.9}, min_accuracy=0.5, baseline={"auc": 0.9}
            ),
            KeyError,
            "among the baseline",
        ),
        (
            lambda: P.quality_gate({"binary_accuracy": 0.9}, min_accuracy=0.5, baseline=[0.9]),
            TypeError,
            "baseline must be",
        ),
        (
            lambda: P.quality_gate({"binary_accuracy": 0.9}, min_accuracy=0.5, max_drop=-0.1),
            ValueError,
            "max_drop must be >= 0",
        ),
        (
            lambda: P.quality_gate({"binary_accuracy": 0.9}, min_accuracy=0.5, max_drop="0.1"),
            TypeError,
            "max_drop must be a number",
        ),
        (
            lambda: P.served_version("/no/such/serving/dir"),
            FileNotFoundError,
            "serving_dir must be an existing folder",
        ),
        (
            lambda: P.count_rows("/no/such/examples", min_rows=-1),
            ValueError,
            "min_rows must be >= 0",
        ),
        (lambda: P.sample_data(".", rows="600"), TypeError, "rows must be an integer"),
    ],
)
def test_bad_gate_and_helper_arguments_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_a_nan_accuracy_never_passes_the_gate_silently():
    # nan < threshold is False: without the check a NaN metric would pass every gate
    with pytest.raises(ValueError, match="finite"):
        P.quality_gate({"binary_accuracy": float("nan")}, min_accuracy=0.99)


def test_pipeline_settings_are_checked_before_tfx(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    options = dict(serving_dir=tmp_path / "s", pipeline_root=tmp_path / "r")
    with pytest.raises(TypeError, match="train_config must be a dict"):
        P.training_pipeline(tmp_path, train_config="epochs=2", **options)
    with pytest.raises(TypeError, match="min_rows must be an integer"):
        P.training_pipeline(tmp_path, min_rows=10.5, **options)
    with pytest.raises(ValueError, match="max_accuracy_drop must be a finite number"):
        P.training_pipeline(tmp_path, max_accuracy_drop=float("nan"), **options)
    with pytest.raises(TypeError, match="serving_dir must be a folder path"):
        P.training_pipeline(tmp_path, serving_dir=None, pipeline_root=tmp_path / "r")


def test_sample_data_does_not_replace_other_rows(tmp_path):
    first = P.sample_data(tmp_path, rows=20, seed=0)
    before = first.read_text()
    assert P.sample_data(tmp_path, rows=20, seed=0) == first  # the same sample again is fine
    with pytest.raises(FileExistsError, match="overwrite=True"):
        P.sample_data(tmp_path, rows=20, seed=1)
    assert first.read_text() == before
    P.sample_data(tmp_path, rows=20, seed=1, overwrite=True)
    assert first.read_text() != before
