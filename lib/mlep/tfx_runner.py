"""Run a TFX pipeline locally with its ML Metadata store, and find what it produced.

Every TFX pipeline in the course (TF Transform in C2W2, the Tuner in C3W1, the Evaluator in
C3W4, the full training pipeline in C4W3) is run the same way: ``LocalDagRunner`` with an
ML Metadata SQLite store next to the pipeline root, quietly (nbgrader scores a cell that logs
to stderr as failed), and read back through ML Metadata. This module is that one way.

To scale, the same components run on Kubeflow Pipelines or Vertex AI by swapping the runner
and pointing ``metadata_connection_config`` at MySQL; nothing else changes.

TensorFlow and TFX are imported inside the functions, so importing this module stays light.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from mlep._checks import instance, text
from mlep.runtime import quiet

__all__ = ["PipelineRun", "component_list", "pipeline_outputs", "read_examples", "run_pipeline"]


class PipelineRun(NamedTuple):
    """Where a pipeline run left its artifacts and metadata."""

    pipeline_root: Path
    metadata_path: Path
    artifacts: dict[str, str]  # "Component.output" (e.g. "Transform.transformed_examples") → URI


def component_list(components, *, non_empty: bool = False) -> list:
    """``components`` as a list, refused with a clear error unless it is a list or tuple of TFX
    nodes (components or nodes such as a Resolver: each has an ``id`` and ``inputs``).

    Parameters
    ----------
    components
        What a caller passed as a pipeline's components.
    non_empty
        Refuse an empty list too.

    Returns
    -------
    list
        The components, in the order given.
    """
    if not isinstance(components, (list, tuple)):
        raise TypeError(f"components must be a list of TFX components, but got {components!r}")
    if non_empty and not components:
        raise ValueError("components must hold at least one TFX component, but got none")
    for node in components:
        if not hasattr(node, "inputs") or not hasattr(node, "id"):
            raise TypeError(f"components must hold TFX components, but got {node!r}")
    return list(components)


def run_pipeline(
    name: str,
    components: list,
    *,
    pipeline_root: str | Path,
    metadata_path: str | Path | None = None,
    enable_cache: bool = False,
) -> PipelineRun:
    """Run ``components`` as one pipeline on ``LocalDagRunner``; return where the outputs went.

    Parameters
    ----------
    name
        The pipeline's name (ML Metadata records runs under it).
    components
        TFX component instances, wired to each other's ``outputs``.
    pipeline_root
        Folder for the components' artifacts.
    metadata_path
        The ML Metadata SQLite file; default ``pipeline_root/metadata.sqlite``.
    enable_cache
        Reuse a component's earlier outputs when its inputs and code are unchanged.

    Returns
    -------
    PipelineRun
        The pipeline root, the metadata file and, per ``"Component.output"``, the newest
        artifact's URI.
    """
    text(name, "name")
    components = component_list(components, non_empty=True)
    instance(pipeline_root, (str, Path), "pipeline_root", "a folder path (str or pathlib.Path)")
    if metadata_path is not None:
        instance(metadata_path, (str, Path), "metadata_path", "a file path (str or pathlib.Path)")
    instance(enable_cache, bool, "enable_cache", "True or False")
    from mlep.runtime import tensorflow

    tensorflow()
    from tfx import v1 as tfx

    pipeline_root = Path(pipeline_root)
    metadata_path = Path(metadata_path) if metadata_path else pipeline_root / "metadata.sqlite"
    pipeline = tfx.dsl.Pipeline(
        pipeline_name=name,
        pipeline_root=str(pipeline_root),
        components=components,
        enable_cache=enable_cache,
        metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
            str(metadata_path)
        ),
    )
    # components such as KerasTuner print summaries to stdout; the callers' tables say it better
    with quiet(), contextlib.redirect_stdout(io.StringIO()):
        tfx.orchestration.LocalDagRunner().run(pipeline)
    return PipelineRun(pipeline_root, metadata_path, pipeline_outputs(metadata_path))


def pipeline_outputs(metadata_path: str | Path) -> dict[str, str]:
    """``Component.output_key`` → URI of the newest run's artifacts, read from ML Metadata."""
    from ml_metadata.proto import metadata_store_pb2

    from mlep.data.lineage import LineageStore

    store = LineageStore(metadata_path).store
    types = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    outputs = {}
    for execution in store.get_executions():  # oldest first: newer runs overwrite
        for event in store.get_events_by_execution_ids([execution.id]):
            if event.type == metadata_store_pb2.Event.OUTPUT:
                [artifact] = store.get_artifacts_by_id([event.artifact_id])
                outputs[f"{types[execution.type_id]}.{event.path.steps[0].key}"] = artifact.uri
    return outputs


def read_examples(
    uri: str | Path, *, split: str = "train", limit: int | None = None
) -> pd.DataFrame:
    """Read (transformed) ``tf.Example`` TFRecords of one split of an Examples artifact.

    Parameters
    ----------
    uri
        The Examples artifact's folder (``run.artifacts["CsvExampleGen.examples"]``, or
        ``"Transform.transformed_examples"``).
    split
        Which ``Split-<name>`` folder to read.
    limit
        Read at most this many examples (all by default).

    Returns
    -------
    pandas.DataFrame
        A row per example, a column per feature (sorted); a one-value feature is a scalar.
    """
    from mlep.runtime import tensorflow

    tf = tensorflow()
    files = sorted(Path(uri).glob(f"Split-{split}/*"))
    if not files:
        splits = sorted(p.name.removeprefix("Split-") for p in Path(uri).glob("Split-*"))
        raise ValueError(f"no split {split!r} under {uri}; splits: {', '.join(splits) or 'none'}")
    rows = []
    for record in tf.data.TFRecordDataset([str(f) for f in files], compression_type="GZIP").take(
        limit or -1
    ):
        example = tf.train.Example.FromString(record.numpy())
        row = {}
        for key, feature in example.features.feature.items():
            kind = feature.WhichOneof("kind")
            values = list(getattr(feature, kind).value) if kind else []
            row[key] = values[0] if len(values) == 1 else (values or None)
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame[sorted(frame.columns)]
