"""Beam batch inference: RunInference with a SavedModel equals calling the model directly;
bad rows go to an errors file; clear messages for missing inputs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlep.deployment import batch
from mlep.deployment.serving import export_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    inputs = keras.Input(shape=(2,), name="features")
    outputs = keras.layers.Dense(
        1,
        kernel_initializer=keras.initializers.Constant([[0.5], [-2.0]]),
        bias_initializer=keras.initializers.Constant(1.0),
    )(inputs)
    return export_model(keras.Model(inputs, outputs), tmp_path_factory.mktemp("models"), 1)


def test_batch_predictions_equal_direct_model_calls_and_bad_rows_are_kept(model_dir, tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "id": [f"r{i}" for i in range(300)],
            "a": rng.normal(size=300),
            "b": rng.normal(size=300),
            "note": "x",
        }
    )
    frame.loc[7, "a"] = np.nan
    csv = tmp_path / "rows.csv"
    frame.to_csv(csv, index=False)
    with open(csv, "a") as handle:
        handle.write("r-bad,not-a-number,1.0,x\n")
    out = batch.batch_predict(
        model_dir,
        csv,
        tmp_path / "out" / "scores",
        features=["a", "b"],
        key="id",
        max_batch_size=32,
    )
    predictions = batch.read_predictions(out)
    expected = 0.5 * frame["a"] - 2.0 * frame["b"] + 1.0
    assert len(predictions) == 299
    for i in (0, 100, 299):
        assert predictions[f"r{i}"][0] == pytest.approx(expected[i], rel=1e-5)
    errors = [
        json.loads(line)
        for line in (tmp_path / "out" / "scores-errors.jsonl").read_text().splitlines()
    ]
    assert sorted(e["line"].split(",")[0] for e in errors) == ["r-bad", "r7"]
    assert all("bad features" in e["reason"] for e in errors)


def test_missing_inputs_are_explained(model_dir, tmp_path):
    csv = tmp_path / "rows.csv"
    csv.write_text("id,a\nr1,1.0\n")
    with pytest.raises(ValueError, match="rows.csv has no column\\(s\\) b; it has: id, a"):
        batch.batch_predict(model_dir, csv, tmp_path / "o", features=["a", "b"], key="id")
    with pytest.raises(FileNotFoundError, match="no SavedModel in"):
        batch.batch_predict(tmp_path, csv, tmp_path / "o", features=["a"], key="id")
    with pytest.raises(FileNotFoundError, match="no CSV file at"):
        batch.batch_predict(
            model_dir, tmp_path / "none.csv", tmp_path / "o", features=["a"], key="id"
        )


@pytest.mark.slow  # two worker subprocesses each import TensorFlow
def test_multi_process_workers_score_every_row_like_the_in_memory_runner(model_dir, tmp_path):
    # the handler and the parse step are pickled into two SDK worker subprocesses
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(200)], "a": rng.normal(size=200)})
    frame["b"] = rng.normal(size=200)
    csv = tmp_path / "rows.csv"
    frame.to_csv(csv, index=False)
    options = [
        "--runner=DirectRunner",
        "--direct_running_mode=multi_processing",
        "--direct_num_workers=2",
    ]
    out = batch.batch_predict(
        model_dir, csv, tmp_path / "mp", features=["a", "b"], key="id", pipeline_args=options
    )
    predictions = batch.read_predictions(out)
    expected = 0.5 * frame["a"] - 2.0 * frame["b"] + 1.0
    assert sorted(predictions) == sorted(frame["id"])
    np.testing.assert_allclose(
        [predictions[k][0] for k in frame["id"]], expected, rtol=1e-5, atol=1e-6
    )


def test_infinite_features_go_to_the_errors_file_and_quoted_bom_headers_are_read(
    model_dir, tmp_path
):
    csv = tmp_path / "rows.csv"
    csv.write_text('\ufeff"id","a","b"\nr1,1.0,2.0\nr2,inf,1.0\nr3,1.0,-inf\n', encoding="utf-8")
    out = batch.batch_predict(model_dir, csv, tmp_path / "o", features=["a", "b"], key="id")
    assert list(batch.read_predictions(out)) == ["r1"]
    errors = (tmp_path / "o-errors.jsonl").read_text().splitlines()
    assert sorted(json.loads(e)["line"].split(",")[0] for e in errors) == ["r2", "r3"]
    assert all("not finite" in json.loads(e)["reason"] for e in errors)


def test_repeated_keys_and_a_bad_model_fail_before_beam_runs(model_dir, tmp_path, capfd):
    csv = tmp_path / "rows.csv"
    csv.write_text("id,a,b\nr1,1,2\nr1,3,4\nr2,5,6\n")
    with pytest.raises(ValueError, match=r"key column 'id' must identify each row.*\['r1'\]"):
        batch.batch_predict(model_dir, csv, tmp_path / "o", features=["a", "b"], key="id")
    csv.write_text("id,a,b,c\nr1,1,2,3\n")
    with pytest.raises(ValueError, match="features must list 2 column"):
        batch.batch_predict(model_dir, csv, tmp_path / "o", features=["a", "b", "c"], key="id")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "saved_model.pb").write_bytes(b"not a protobuf")
    with pytest.raises(ValueError, match="model_dir must hold a loadable SavedModel.*export"):
        batch.batch_predict(broken, csv, tmp_path / "o", features=["a", "b"], key="id")
    with pytest.raises(TypeError, match="features must be a list of strings"):
        batch.batch_predict(model_dir, csv, tmp_path / "o", features="a", key="id")
    assert "Traceback" not in capfd.readouterr().err


def test_read_predictions_refuses_a_repeated_key(tmp_path):
    file = tmp_path / "p.jsonl"
    file.write_text('{"key": "r1", "prediction": [1]}\n{"key": "r1", "prediction": [2]}\n')
    with pytest.raises(ValueError, match="key 'r1' repeats \\(line 2\\)"):
        batch.read_predictions(file)
    file.write_text("r1,1\n")
    with pytest.raises(ValueError, match="line 1 must be a JSON object"):
        batch.read_predictions(file)
