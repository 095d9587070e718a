"""TFX Tuner → Trainer: one real pipeline run; the Trainer must train with the Tuner's winner."""

from __future__ import annotations

import pytest

from mlep.modeling import tfx_tuning as T
from mlep.modeling.tuning import Space

# the model's defaults are 32 units and rate 0.01: a Trainer that ignored the Tuner would use them
SPACE = Space(units=[4, 64], learning_rate=[0.001, 0.03])


@pytest.fixture(scope="module")
def digits_dir(tmp_path_factory):
    from sklearn.datasets import load_digits

    digits = load_digits(as_frame=True)
    frame = (digits.data.iloc[:400] / 16).round(4)
    frame["digit"] = digits.target.iloc[:400]
    folder = tmp_path_factory.mktemp("digits")
    frame.to_csv(folder / "digits.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def tuned(digits_dir, tmp_path_factory):
    spec = T.tuning_spec(SPACE, label="digit", classes=10, max_trials=3, epochs=2, seed=0)
    return T.tuning_pipeline(digits_dir, spec, pipeline_root=tmp_path_factory.mktemp("root"))


@pytest.mark.slow
def test_the_tuner_searches_and_writes_its_best_hyperparameters(tuned):
    trials = tuned.trials
    assert len(trials) == 3 and set(trials.columns) == {
        "trial_id",
        "score",
        "units",
        "learning_rate",
    }
    assert trials["units"].isin([4, 64]).all() and trials["learning_rate"].isin([0.001, 0.03]).all()
    best = trials.loc[trials["score"].idxmax()]
    assert tuned.best_hyperparameters == {
        "units": best["units"],
        "learning_rate": best["learning_rate"],
    }
    assert tuned.best_hyperparameters != {"units": 32, "learning_rate": 0.01}
    assert tuned.seconds > 0  # how long it takes is `make bench`'s business, not a test's


@pytest.mark.slow
def test_the_trainer_consumed_the_tuners_artifact_and_built_the_model_from_it(tuned):
    import tf_keras as keras

    # ML Metadata: the Trainer's hyperparameters input is the artifact the Tuner wrote
    used = T.trainer_hyperparameters(tuned.run.metadata_path)
    assert used["produced_by"] == "Tuner"
    assert used["uri"] == tuned.run.artifacts["Tuner.best_hyperparameters"]
    assert used["values"] == tuned.best_hyperparameters
    # the trained model itself: its hidden layer and its optimiser carry the winning values
    model = keras.models.load_model(tuned.model_uri)
    hidden = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][0]
    assert hidden.units == tuned.best_hyperparameters["units"]
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(
        tuned.best_hyperparameters["learning_rate"]
    )


@pytest.mark.slow
def test_the_trained_model_beats_the_majority_class(tuned):
    from mlep.data.features import read_examples

    labels = read_examples(tuned.run.artifacts["CsvExampleGen.examples"], split="eval")["digit"]
    majority = labels.value_counts(normalize=True).iloc[0]
    assert tuned.eval_accuracy > majority + 0.3


def test_specs_and_inputs_are_checked(tmp_path):
    with pytest.raises(ValueError, match="no hyperparameter width; tune any of: units"):
        T.tuning_spec(Space(width=[1, 2]), label="y", classes=2)
    with pytest.raises(ValueError, match="unknown strategy 'grid'"):
        T.tuning_spec(SPACE, label="y", classes=2, strategy="grid")
    with pytest.raises(ValueError, match="classes must be >= 2"):
        T.tuning_spec(SPACE, label="y", classes=1)
    spec = T.tuning_spec(SPACE, label="y", classes=2)
    assert spec["defaults"] == {"layers": 1, "dropout": 0.0} and spec["strategy"] == "random"
    assert [p["config"]["name"] for p in spec["hyperparameters"]["space"]] == [
        "units",
        "learning_rate",
    ]
    with pytest.raises(ValueError, match="no CSV file in"):
        T.tuning_pipeline(tmp_path, spec, pipeline_root=tmp_path / "root")
    (tmp_path / "rows.csv").write_text("x,y\n1,0\n")
    with pytest.raises(ValueError, match="spec lacks classes, defaults"):
        T.tuning_pipeline(tmp_path, {"label": "y", "hyperparameters": {}}, pipeline_root=tmp_path)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: T.tuning_spec({"units": [4, 64]}, label="y", classes=2),
            TypeError,
            "space must be a Space",
        ),
        (
            lambda: T.tuning_spec(SPACE, label="", classes=2),
            ValueError,
            "label must be a non-empty string",
        ),
        (
            lambda: T.tuning_spec(SPACE, label="y", classes=2, seed=-1),
            ValueError,
            "seed must be >= 0",
        ),
        (
            lambda: T.read_best_hyperparameters("/no/such/artifact"),
            FileNotFoundError,
            "Tuner.best_hyperparameters artifact",
        ),
        (
            lambda: T.read_trials("/no/such/artifact"),
            FileNotFoundError,
            "Tuner.tuner_results artifact",
        ),
        (lambda: T.read_trials(None), TypeError, "uri must be an artifact folder"),
    ],
)
def test_spec_and_artifact_readers_refuse_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
