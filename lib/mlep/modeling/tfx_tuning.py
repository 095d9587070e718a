"""The TFX Tuner component feeding the Trainer: tune in the pipeline, train with the winner (C3W1).

In a TFX pipeline hyperparameter tuning is a component: **Tuner** runs a KerasTuner search on the
pipeline's examples and writes the best ``HyperParameters`` as an artifact; **Trainer** takes
that artifact as its ``hyperparameters`` input and trains the final model with it. ML Metadata
records the link, so the model's lineage says which search chose its configuration.

Here both user functions live in this module and read one readable **spec** (from
:func:`tuning_spec`: a :class:`~mlep.modeling.tuning.Space` over ``units``, ``layers``,
``dropout`` and ``learning_rate``, a KerasTuner strategy, ``max_trials`` and ``epochs``) from the
components' ``custom_config``: :func:`tuner_fn` (``tuner_fn(fn_args) -> TunerFnResult``) and
:func:`run_fn` (Trainer's ``run_fn(fn_args)``, building the model from
``fn_args.hyperparameters``). :func:`tuning_pipeline` runs CsvExampleGen → StatisticsGen →
SchemaGen → Tuner → Trainer on the LocalDagRunner with an ML Metadata SQLite store, and
:func:`trainer_hyperparameters` reads back from ML Metadata which hyperparameters artifact the
Trainer consumed. `import` stays light: KerasTuner (and TensorFlow) load when a spec is built,
TFX when a pipeline runs.

Examples
--------
>>> from mlep.modeling.tuning import Space
>>> spec = tuning_spec(Space(units=[8, 32], learning_rate=[0.003, 0.03]), label="digit",
...                    classes=10, max_trials=3, epochs=2)  # doctest: +SKIP
>>> spec["strategy"], spec["max_trials"], spec["epochs"], sorted(spec["defaults"])  # doctest: +SKIP
('random', 3, 2, ['dropout', 'layers'])
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from mlep._checks import count, instance, text
from mlep.modeling.tuning import Space
from mlep.tfx_runner import PipelineRun, read_examples, run_pipeline

__all__ = [
    "HYPERPARAMETERS",
    "TunedPipeline",
    "read_best_hyperparameters",
    "read_trials",
    "run_fn",
    "trainer_hyperparameters",
    "tuner_fn",
    "tuning_pipeline",
    "tuning_spec",
]

#: The model's hyperparameters and their values when the space leaves one out.
HYPERPARAMETERS = {"units": 32, "layers": 1, "dropout": 0.0, "learning_rate": 0.01}
_STRATEGIES = ("random", "bayesian", "hyperband")


def tuning_spec(
    space: Space,
    *,
    label: str,
    classes: int,
    strategy: str = "random",
    max_trials: int = 3,
    epochs: int = 2,
    batch_size: int = 32,
    seed: int = 0,
) -> dict[str, Any]:
    """A JSON-ready spec for :func:`tuner_fn` and :func:`run_fn` (TFX ``custom_config``).

    ``space`` may use the dimensions in :data:`HYPERPARAMETERS`; the others keep their default.
    ``strategy`` is a KerasTuner tuner: ``"random"``, ``"bayesian"`` or ``"hyperband"`` (which
    ignores ``max_trials`` and uses ``epochs`` as its largest budget).
    """
    instance(space, Space, "space", "a Space (mlep.modeling.tuning.Space)")
    text(label, "label")
    count(seed, "seed")
    unknown = sorted(set(space.dimensions) - set(HYPERPARAMETERS))
    if unknown:
        raise ValueError(
            f"the model has no hyperparameter {', '.join(unknown)}; "
            f"tune any of: {', '.join(HYPERPARAMETERS)}"
        )
    if strategy not in _STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of: {', '.join(_STRATEGIES)}")
    count(classes, "classes", minimum=2)
    for name, value in (("max_trials", max_trials), ("epochs", epochs), ("batch_size", batch_size)):
        count(value, name, minimum=1)
    return {
        "label": label,
        "classes": classes,
        "strategy": strategy,
        "max_trials": max_trials,
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        "hyperparameters": space.kt_hyperparameters().get_config(),
        "defaults": {k: v for k, v in HYPERPARAMETERS.items() if k not in space.dimensions},
    }


# -- the two user functions TFX imports by their dotted path ---------------------------------


def _build_model(hp, spec: dict, feature_names: list[str]):
    import tf_keras as keras

    def value(name):
        return hp.get(name) if name in hp.values else spec["defaults"][name]

    inputs = {name: keras.Input((1,), name=name) for name in feature_names}
    x = keras.layers.Concatenate()(list(inputs.values()))
    for _ in range(int(value("layers"))):
        x = keras.layers.Dense(int(value("units")), activation="relu")(x)
        if value("dropout") > 0:
            x = keras.layers.Dropout(value("dropout"))(x)
    outputs = keras.layers.Dense(spec["classes"], activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(
        keras.optimizers.Adam(value("learning_rate")),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _datasets(fn_args, spec: dict):
    """Train and eval ``tf.data`` sets of (features dict, label) from the raw examples."""
    from tfx import v1 as tfx
    from tfx_bsl.public import tfxio

    schema = tfx.utils.parse_pbtxt_file(fn_args.schema_path, _schema_proto())
    features = sorted(f.name for f in schema.feature if f.name != spec["label"])

    def dataset(files, shuffle):
        options = tfxio.TensorFlowDatasetOptions(
            batch_size=spec["batch_size"],
            label_key=spec["label"],
            num_epochs=1,  # Keras iterates it once per epoch
            shuffle=shuffle,
            shuffle_seed=spec["seed"],
        )
        return fn_args.data_accessor.tf_dataset_factory(files, options, schema)

    return dataset(fn_args.train_files, True), dataset(fn_args.eval_files, False), features


def _schema_proto():
    from tensorflow_metadata.proto.v0 import schema_pb2

    return schema_pb2.Schema()


def _seed(seed: int) -> None:
    # KerasTuner's oracles draw from Python's and NumPy's global generators; Keras from TF's
    import tf_keras as keras

    keras.utils.set_random_seed(seed)


def tuner_fn(fn_args):
    """TFX Tuner's ``tuner_fn``: a KerasTuner tuner over the spec's space, and its fit arguments."""
    import keras_tuner as kt
    from tfx import v1 as tfx

    spec = fn_args.custom_config
    train, evaluation, features = _datasets(fn_args, spec)
    common = dict(
        objective="val_accuracy",
        hyperparameters=kt.HyperParameters.from_config(spec["hyperparameters"]),
        tune_new_entries=False,
        seed=spec["seed"] + 1,  # KerasTuner treats seed 0 as "no seed"
        directory=fn_args.working_dir,
        project_name="search",
        overwrite=True,
    )

    def build(hp):
        return _build_model(hp, spec, features)

    if spec["strategy"] == "random":
        tuner = kt.RandomSearch(build, max_trials=spec["max_trials"], **common)
    elif spec["strategy"] == "bayesian":
        tuner = kt.BayesianOptimization(build, max_trials=spec["max_trials"], **common)
    else:
        tuner = kt.Hyperband(build, max_epochs=spec["epochs"], factor=3, **common)
    _seed(spec["seed"])
    return tfx.components.TunerFnResult(
        tuner=tuner,
        fit_kwargs={
            "x": train,
            "validation_data": evaluation,
            "epochs": spec["epochs"],
            "verbose": 0,
        },
    )


def run_fn(fn_args):
    """TFX Trainer's ``run_fn``: train with ``fn_args.hyperparameters`` (Tuner's best) and save."""
    import keras_tuner as kt

    spec = fn_args.custom_config
    if fn_args.hyperparameters is None:
        raise ValueError(
            "Trainer got no hyperparameters: connect Tuner.outputs['best_hyperparameters']"
        )
    hp = kt.HyperParameters.from_config(fn_args.hyperparameters)
    train, evaluation, features = _datasets(fn_args, spec)
    _seed(spec["seed"])
    model = _build_model(hp, spec, features)
    model.fit(train, validation_data=evaluation, epochs=spec["epochs"], verbose=0)
    model.save(fn_args.serving_model_dir, save_format="tf")


# -- running it ------------------------------------------------------------------------------


class TunedPipeline(NamedTuple):
    """What :func:`tuning_pipeline` found and trained."""

    best_hyperparameters: dict[str, Any]  # Tuner's best_hyperparameters artifact
    trials: pd.DataFrame  # Tuner's tuner_results: one row per completed trial, best first
    model_uri: str  # Trainer's serving model (a SavedModel)
    eval_accuracy: float  # the trained model on the eval split, computed here from the examples
    seconds: float  # wall time of the pipeline run
    run: PipelineRun  # pipeline root, ML Metadata store, "Component.output" -> URI


def tuning_pipeline(
    data_dir: str | Path,
    spec: dict[str, Any],
    *,
    pipeline_root: str | Path,
    metadata_path: str | Path | None = None,
    name: str = "tuning",
) -> TunedPipeline:
    """Run CsvExampleGen → StatisticsGen → SchemaGen → Tuner → Trainer with ``spec``.

    ``data_dir`` holds the CSV file(s) (numeric features and an integer label); ``spec`` comes
    from :func:`tuning_spec`. The run is recorded in an ML Metadata SQLite store
    (``metadata_path``, default ``pipeline_root/metadata.sqlite``).
    """
    data_dir, pipeline_root = Path(data_dir), Path(pipeline_root)
    if not any(data_dir.glob("*.csv")):
        raise ValueError(
            f"no CSV file in {data_dir}: CsvExampleGen reads every *.csv in that folder"
        )
    missing = {"label", "classes", "hyperparameters", "defaults"} - set(spec)
    if missing:
        raise ValueError(f"spec lacks {', '.join(sorted(missing))}: build it with tuning_spec()")
    from mlep.runtime import tensorflow

    tensorflow()
    from tfx import v1 as tfx

    example_gen = tfx.components.CsvExampleGen(input_base=str(data_dir))
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"])
    tuner = tfx.components.Tuner(
        examples=example_gen.outputs["examples"],
        schema=schema_gen.outputs["schema"],
        # a dotted path: TFX would package a module file as a wheel
        tuner_fn=f"{__name__}.tuner_fn",
        train_args=tfx.proto.TrainArgs(splits=["train"]),
        eval_args=tfx.proto.EvalArgs(splits=["eval"]),
        custom_config=spec,
    )
    trainer = tfx.components.Trainer(
        examples=example_gen.outputs["examples"],
        schema=schema_gen.outputs["schema"],
        hyperparameters=tuner.outputs["best_hyperparameters"],
        run_fn=f"{__name__}.run_fn",
        train_args=tfx.proto.TrainArgs(splits=["train"]),
        eval_args=tfx.proto.EvalArgs(splits=["eval"]),
        custom_config=spec,
    )
    start = time.perf_counter()
    run = run_pipeline(
        name,
        [example_gen, statistics_gen, schema_gen, tuner, trainer],
        pipeline_root=pipeline_root,
        metadata_path=metadata_path,
    )
    seconds = time.perf_counter() - start
    model_uri = str(Path(run.artifacts["Trainer.model"]) / "Format-Serving")
    return TunedPipeline(
        best_hyperparameters=read_best_hyperparameters(run.artifacts["Tuner.best_hyperparameters"]),
        trials=read_trials(run.artifacts["Tuner.tuner_results"]),
        model_uri=model_uri,
        eval_accuracy=_accuracy(model_uri, run.artifacts["CsvExampleGen.examples"], spec["label"]),
        seconds=seconds,
        run=run,
    )


def read_best_hyperparameters(uri: str | Path) -> dict[str, Any]:
    """The values in a ``HyperParameters`` artifact (Tuner's ``best_hyperparameters``)."""
    config = json.loads(
        _artifact_file(uri, "best_hyperparameters.txt", "Tuner.best_hyperparameters").read_text()
    )
    return {
        entry["config"]["name"]: config["values"][entry["config"]["name"]]
        for entry in config["space"]
    }


def read_trials(uri: str | Path) -> pd.DataFrame:
    """Tuner's ``tuner_results`` artifact as a table, best trial first."""
    return pd.DataFrame(
        json.loads(_artifact_file(uri, "tuner_results.json", "Tuner.tuner_results").read_text())
    )


def _artifact_file(uri: str | Path, name: str, artifact: str) -> Path:
    """``uri/name``, or a clear error naming the artifact the folder should be."""
    instance(uri, (str, Path), "uri", "an artifact folder (str or pathlib.Path)")
    path = Path(uri) / name
    if not path.is_file():
        raise FileNotFoundError(
            f"uri must be the folder of a {artifact} artifact (holding {name}), but {str(uri)!r} "
            "has no such file; pass run.artifacts[...] of a tuning_pipeline run"
        )
    return path


def _accuracy(model_uri: str, examples_uri: str, label: str) -> float:
    import numpy as np
    import tf_keras as keras

    model = keras.models.load_model(model_uri)
    rows = read_examples(examples_uri, split="eval")
    inputs = {name: rows[name].to_numpy("float32")[:, None] for name in model.input_names}
    predicted = model.predict(inputs, verbose=0).argmax(axis=1)
    return float(np.mean(predicted == rows[label].to_numpy()))


def trainer_hyperparameters(metadata_path: str | Path) -> dict[str, Any]:
    """From ML Metadata: the hyperparameters artifact the newest Trainer run read, and its values.

    Returns ``{"artifact_id", "uri", "produced_by", "values"}``; ``produced_by`` is the type of
    the execution that wrote the artifact (``"Tuner"`` when the Trainer is fed by a Tuner).
    """
    from ml_metadata.proto import metadata_store_pb2

    from mlep.data.lineage import LineageStore

    store = LineageStore(metadata_path).store
    types = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    trainers = [e for e in store.get_executions() if types[e.type_id] == "Trainer"]
    if not trainers:
        raise ValueError(f"no Trainer run in the ML Metadata store {metadata_path}")
    events = store.get_events_by_execution_ids([trainers[-1].id])
    inputs = [
        e
        for e in events
        if e.type == metadata_store_pb2.Event.INPUT and e.path.steps[0].key == "hyperparameters"
    ]
    if not inputs:
        raise ValueError("the Trainer ran without a hyperparameters input")
    [artifact] = store.get_artifacts_by_id([inputs[0].artifact_id])
    writers = [
        e
        for e in store.get_events_by_artifact_ids([artifact.id])
        if e.type == metadata_store_pb2.Event.OUTPUT
    ]
    [writer] = store.get_executions_by_id([writers[0].execution_id])
    return {
        "artifact_id": artifact.id,
        "uri": artifact.uri,
        "produced_by": types[writer.type_id],
        "values": read_best_hyperparameters(artifact.uri),
    }
