"""Compile a TFX pipeline for Kubeflow Pipelines, offline, and read the compiled spec back.

The pipeline you run here on ``LocalDagRunner`` runs on Kubeflow Pipelines (KFP v2) or Vertex AI
Pipelines by swapping the runner: TFX's ``KubeflowV2DagRunner`` *compiles* the pipeline into a
KFP ``PipelineJob`` JSON — one task per component, each a container (the image you name) that
runs the component's executor, with its inputs wired to other tasks' output artifacts. Nothing is
sent anywhere: uploading that file to a cluster (``kfp.Client().create_run_from_pipeline_package``
or ``aiplatform.PipelineJob(template_path=...)``) is the step this offline course cannot take.

:func:`compile_pipeline` writes the file; :func:`load_pipeline_job` parses it strictly into the
``PipelineJob`` proto of ``kfp-pipeline-spec`` (an unknown field or a wrong type is an error);
:func:`task_dependencies` and :func:`task_inputs` read the task graph from it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mlep._checks import instance, text
from mlep.tfx_runner import component_list

__all__ = [
    "compile_pipeline",
    "load_pipeline_job",
    "pipeline_spec",
    "task_dependencies",
    "task_inputs",
]

DEFAULT_IMAGE = "gcr.io/tfx-oss-public/tfx:1.16.0"  # TFX's own image for this release


def compile_pipeline(
    components: list,
    output_dir: str | Path,
    *,
    name: str = "readmission",
    pipeline_root: str = "gs://YOUR_BUCKET/tfx/readmission",
    image: str = DEFAULT_IMAGE,
    filename: str = "pipeline.json",
) -> Path:
    """Compile TFX components into a Kubeflow Pipelines v2 ``PipelineJob`` JSON file.

    Parameters
    ----------
    components
        TFX components wired to each other's ``outputs`` (fresh ones: build them again rather
        than reuse the instances of a local run).
    output_dir
        Folder for the JSON file.
    name
        The pipeline's name.
    pipeline_root
        Where the cluster's tasks write artifacts: storage every pod can reach (a bucket).
    image
        The container image each task runs; it must hold TFX and the user code.
    filename
        The JSON file's name.

    Returns
    -------
    pathlib.Path
        The compiled file.
    """
    components = component_list(components, non_empty=True)
    instance(output_dir, (str, Path), "output_dir", "a folder path (str or pathlib.Path)")
    for value, what in ((name, "name"), (pipeline_root, "pipeline_root"), (image, "image")):
        text(value, what)
    text(filename, "filename")
    from mlep.runtime import quiet, tensorflow

    tensorflow()
    from tfx import v1 as tfx

    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    pipeline = tfx.dsl.Pipeline(
        pipeline_name=name, pipeline_root=pipeline_root, components=components
    )
    runner = tfx.orchestration.experimental.KubeflowV2DagRunner(
        config=tfx.orchestration.experimental.KubeflowV2DagRunnerConfig(default_image=image),
        output_dir=str(output_dir),
        output_filename=filename,
    )
    with quiet():
        runner.run(pipeline, write_out=True)
    return output_dir / filename


def load_pipeline_job(path: str | Path):
    """Parse a compiled file strictly into ``kfp.pipeline_spec.pipeline_spec_pb2.PipelineJob``.

    Parameters
    ----------
    path
        The JSON file :func:`compile_pipeline` wrote.

    Returns
    -------
    PipelineJob
        The proto; ``.pipeline_spec`` is a ``Struct`` holding the ``PipelineSpec`` (parse it with
        :func:`pipeline_spec`).
    """
    from google.protobuf import json_format
    from kfp.pipeline_spec import pipeline_spec_pb2

    instance(path, (str, Path), "path", "a file path (str or pathlib.Path)")
    try:
        return json_format.Parse(Path(path).read_text(), pipeline_spec_pb2.PipelineJob())
    except json_format.ParseError as error:
        raise ValueError(f"{path} is not a valid Kubeflow PipelineJob: {error}") from None


def pipeline_spec(job):
    """The ``PipelineSpec`` proto inside a ``PipelineJob``, parsed strictly (no unknown field).

    Parameters
    ----------
    job
        A ``PipelineJob`` (:func:`load_pipeline_job`) or the path of its JSON file.

    Returns
    -------
    PipelineSpec
        ``root.dag.tasks`` maps task names to ``PipelineTaskSpec`` s.
    """
    from google.protobuf import json_format
    from kfp.pipeline_spec import pipeline_spec_pb2

    if isinstance(job, (str, Path)):
        job = load_pipeline_job(job)
    instance(job, pipeline_spec_pb2.PipelineJob, "job", "a PipelineJob or the path of its JSON")
    try:
        return json_format.ParseDict(
            json_format.MessageToDict(job.pipeline_spec), pipeline_spec_pb2.PipelineSpec()
        )
    except json_format.ParseError as error:
        raise ValueError(
            f"the PipelineJob's pipelineSpec is not a valid PipelineSpec: {error}"
        ) from None


def task_dependencies(job) -> dict[str, list[str]]:
    """Each task of the root DAG → the sorted tasks it waits for.

    Parameters
    ----------
    job
        A ``PipelineJob``, a ``PipelineSpec`` or the path of a compiled JSON file.

    Returns
    -------
    dict
        Task name → sorted ``dependentTasks``.
    """
    spec = _spec(job)
    return {
        name: sorted(task.dependent_tasks) for name, task in sorted(spec.root.dag.tasks.items())
    }


def task_inputs(job) -> pd.DataFrame:
    """A row per input artifact of every task: which task's output feeds it.

    Parameters
    ----------
    job
        A ``PipelineJob``, a ``PipelineSpec`` or the path of a compiled JSON file.

    Returns
    -------
    pandas.DataFrame
        Columns ``task``, ``input``, ``from`` (the producer task) and ``output`` (its output key).
    """
    spec = _spec(job)
    rows = [
        (
            name,
            key,
            spec_input.task_output_artifact.producer_task,
            spec_input.task_output_artifact.output_artifact_key,
        )  # fmt: skip
        for name, task in sorted(spec.root.dag.tasks.items())
        for key, spec_input in sorted(task.inputs.artifacts.items())
    ]
    return pd.DataFrame(rows, columns=["task", "input", "from", "output"])


def _spec(job):
    from kfp.pipeline_spec import pipeline_spec_pb2

    if isinstance(job, pipeline_spec_pb2.PipelineSpec):
        return job
    return pipeline_spec(job)
