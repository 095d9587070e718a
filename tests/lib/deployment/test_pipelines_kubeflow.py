"""The C4W3 pipeline compiled offline for Kubeflow Pipelines, and read back as a valid spec.

Nothing runs: the components are wired (cheap) and compiled by TFX's KubeflowV2DagRunner into a
PipelineJob JSON, which is parsed strictly into kfp-pipeline-spec's protos.
"""

from __future__ import annotations

import json

import pytest

from mlep.deployment import pipelines as P
from mlep.deployment import pipelines_kubeflow as K

pytestmark = pytest.mark.slow  # imports TFX (about 10 s)

MODULE = "mlep.deployment.readmission_trainer"
RESOLVER = "latest_blessed_model_resolver"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    base = tmp_path_factory.mktemp("kfp")
    P.sample_data(base / "data", rows=200, seed=0)
    config = P.eval_config("readmitted", 0.55)
    components = P.reference_components(base / "data", MODULE, base / "serving", config)
    path = K.compile_pipeline(
        components, base / "out", image="registry.local/mlep:1.16", pipeline_root="gs://bucket/root"
    )
    return base, components, path


def test_the_compiled_file_is_a_valid_pipeline_job(compiled):
    from google.protobuf import json_format
    from kfp.pipeline_spec import pipeline_spec_pb2

    _, _, path = compiled
    job = K.load_pipeline_job(path)
    assert isinstance(job, pipeline_spec_pb2.PipelineJob)
    spec = K.pipeline_spec(job)
    assert spec.pipeline_info.name == "readmission" and spec.schema_version == "2.0.0"
    assert job.runtime_config.gcs_output_directory == "gs://bucket/root"
    # every task's executor is a container of the given image, and the deployment spec is valid
    deployment = json_format.ParseDict(
        json_format.MessageToDict(spec.deployment_spec),
        pipeline_spec_pb2.PipelineDeploymentConfig(),
    )
    images = {e.container.image for e in deployment.executors.values() if e.HasField("container")}
    assert images == {"registry.local/mlep:1.16"}
    # the JSON round-trips through the proto without losing a field
    assert json_format.MessageToDict(job) == json.loads(path.read_text())


def test_tasks_and_dependencies_follow_the_wiring(compiled):
    _, _, path = compiled
    deps = K.task_dependencies(path)
    assert deps["CsvExampleGen"] == []
    assert deps["Trainer"] == ["DataVolumeCheck", "SchemaGen", "Transform"]
    assert deps["Evaluator"] == ["CsvExampleGen", "Trainer", f"{RESOLVER}-model-resolver"]
    assert deps["Pusher"] == ["Evaluator", "Trainer"]
    assert {"StatisticsGen", "SchemaGen", "ExampleValidator", "Transform"} <= set(deps)
    inputs = K.task_inputs(path).set_index(["task", "input"])
    assert tuple(inputs.loc[("Trainer", "examples")]) == ("Transform", "transformed_examples")
    assert tuple(inputs.loc[("Trainer", "transform_graph")]) == ("Transform", "transform_graph")
    assert tuple(inputs.loc[("Pusher", "model_blessing")]) == ("Evaluator", "blessing")
    assert tuple(inputs.loc[("Evaluator", "baseline_model")]) == (
        f"{RESOLVER}-model-resolver",
        "model",
    )


def test_the_local_wiring_table_matches_the_compiled_tasks(compiled):
    _, components, path = compiled
    local = P.wiring(components)
    local = local[(local["input"] != "(after)") & (local["from"] != "")]
    compiled_inputs = K.task_inputs(path)
    ours = {(r.id, r.input, r.output) for r in local.itertuples()}
    theirs = {
        (r.task, r.input, r.output)
        for r in compiled_inputs.itertuples()
        if not r.task.startswith(RESOLVER)
    }
    assert ours == theirs


def test_a_wrong_wiring_shows_in_the_compiled_spec(compiled, tmp_path):
    from tfx import v1 as tfx

    base, _, _ = compiled
    example_gen = tfx.components.CsvExampleGen(input_base=str(base / "data"))
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"])
    transform = tfx.components.Transform(
        examples=example_gen.outputs["examples"],
        schema=schema_gen.outputs["schema"],
        preprocessing_fn=f"{MODULE}.preprocessing_fn",
    )
    trainer = tfx.components.Trainer(  # raw examples instead of the transformed ones
        run_fn=f"{MODULE}.run_fn",
        examples=example_gen.outputs["examples"],
        transform_graph=transform.outputs["transform_graph"],
        schema=schema_gen.outputs["schema"],
        train_args=tfx.proto.TrainArgs(splits=["train"]),
        eval_args=tfx.proto.EvalArgs(splits=["eval"]),
    )
    path = K.compile_pipeline(
        [example_gen, statistics_gen, schema_gen, transform, trainer], tmp_path
    )
    inputs = K.task_inputs(path).set_index(["task", "input"])
    assert tuple(inputs.loc[("Trainer", "examples")]) == ("CsvExampleGen", "examples")


def test_a_malformed_file_is_refused(tmp_path, compiled):
    _, _, path = compiled
    data = json.loads(path.read_text())
    data["pipelineSpec"]["root"]["dag"]["tasks"]["Trainer"]["dependsOn"] = [
        "Transform"
    ]  # not a field
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    K.load_pipeline_job(bad)  # the PipelineJob holds its spec as a free-form Struct...
    with pytest.raises(ValueError, match="not a valid PipelineSpec.*dependsOn"):
        K.pipeline_spec(bad)  # ...which is parsed strictly on its own
    data = json.loads(path.read_text()) | {"displayNmae": "typo"}
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="not a valid Kubeflow PipelineJob.*displayNmae"):
        K.load_pipeline_job(bad)


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="components must be a list"):
        K.compile_pipeline("CsvExampleGen", tmp_path)
    with pytest.raises(ValueError, match="at least one"):
        K.compile_pipeline([], tmp_path)
    with pytest.raises(TypeError, match="components must be a list"):
        P.wiring("Trainer")
    with pytest.raises(ValueError, match="exactly one Pusher"):
        P.run_components(
            P.reference_components(tmp_path, MODULE, tmp_path, P.eval_config("y", 0.5))[:-1],
            pipeline_root=tmp_path,
        )


def test_run_components_needs_a_pusher_into_a_folder(tmp_path):
    from tfx import v1 as tfx

    parts = P.reference_components(tmp_path, MODULE, tmp_path / "serving", P.eval_config("y", 0.5))
    trainer, evaluator = parts[6], parts[8]
    to_nowhere = tfx.components.Pusher(
        model=trainer.outputs["model"],
        model_blessing=evaluator.outputs["blessing"],
        push_destination=tfx.proto.PushDestination(),
    )  # no folder
    with pytest.raises(ValueError, match="the Pusher must push to a folder"):
        P.run_components([*parts[:-1], to_nowhere], pipeline_root=tmp_path / "root")
    assert not (tmp_path / "root").exists()  # refused before anything ran


def test_every_entry_point_refuses_what_is_not_a_tfx_component(tmp_path):
    # compile_pipeline, run_components and wiring share one check (component_list)
    for call in (lambda c: K.compile_pipeline(c, tmp_path), P.wiring,
                 lambda c: P.run_components(c, pipeline_root=tmp_path / "root")):  # fmt: skip
        with pytest.raises(
            TypeError, match="components must hold TFX components, but got 'Trainer'"
        ):
            call(["Trainer"])
    assert not (tmp_path / "root").exists()
