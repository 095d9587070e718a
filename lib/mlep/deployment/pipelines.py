"""A complete TFX training pipeline that pushes to the model server, and MLOps maturity levels.

Course 4, week 3 (*Model management and delivery*): experiment tracking gives way to
**pipelines** — the same steps, run by an orchestrator, recorded in ML Metadata, and gated so
that only a model that is good enough reaches production.

:func:`training_pipeline` runs, on TFX's ``LocalDagRunner`` with an ML Metadata SQLite store:

    CsvExampleGen → StatisticsGen → SchemaGen → ExampleValidator
          ├→ DataVolumeCheck (a custom @component: too few rows stop the run)
          └→ Transform → Trainer → Evaluator → Pusher → serving_dir/<version>/
    Resolver (latest blessed model) ───┘

The Evaluator (TFMA) blesses a model whose accuracy reaches the threshold and is no worse than
the latest blessed model's; only a blessed model is pushed.

``serving_dir`` is the ``model_base_path`` of :mod:`mlep.deployment.serving`: a running server
polls it and hot-loads a pushed model. The user code (``preprocessing_fn``, ``run_fn``) is a module
imported by its dotted path, :mod:`mlep.deployment.readmission_trainer` by default.

**Model versions.** The TFX ``Pusher`` names the folder after the push time in whole seconds
since the epoch (``versioning: UNIX_TIMESTAMP``, e.g. ``serving_dir/1795763712/``), and copies
``saved_model.pb`` last, so a server never loads half a model. The server (like TF Serving's
default ``latest`` policy) serves the *largest* integer folder name, so the newest push is
served; a model the Evaluator does not bless is never pushed, and the served model stays. Two
pushes within the same second would get the same number: the Pusher then skips the second
copy. Versions exported by hand with :func:`~mlep.deployment.serving.export_model` (1, 2, …)
are older than any pushed one. :func:`served_version` tells which version a server serves.

**MLOps maturity** (Google's levels, as the course presents them) — :func:`maturity_levels`:

=====  ==========================  =============================================================
level  name                        what is automated
=====  ==========================  =============================================================
0      manual process              nothing: notebooks, hand-off of a model file to be served
1      ML pipeline automation      training_pipeline: data validation, transform, training,
                                   evaluation against a blessed baseline, push (continuous training)
2      CI/CD pipeline automation   also the pipeline's own code: tests + quality_gate in CI, then
                                   the pipeline is built and deployed and runs on new data
=====  ==========================  =============================================================

:func:`quality_gate` is the CI check: it fails (``AssertionError``) when a model's accuracy is
below its threshold or drops below its baseline, so a pytest test can block a release.

Examples
--------
>>> quality_gate({"binary_accuracy": 0.71}, min_accuracy=0.65)
0.71
>>> quality_gate({"binary_accuracy": 0.58}, min_accuracy=0.65)
Traceback (most recent call last):
...
AssertionError: quality gate: binary_accuracy 0.5800 is below the threshold 0.6500
>>> maturity_levels()["name"].tolist()
['manual process', 'ML pipeline automation', 'CI/CD pipeline automation']
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mlep._checks import ExistsError, count, instance, non_negative, probability, real, text
from mlep.deployment.pipelines_wiring import (
    count_rows,
    data_volume_check,
    eval_config,
    reference_components,
    wiring,
)
from mlep.runtime import quiet
from mlep.tfx_runner import PipelineRun, component_list, run_pipeline

__all__ = [
    "TrainingRun",
    "count_rows",
    "data_volume_check",
    "eval_config",
    "reference_components",
    "run_components",
    "wiring",
    "maturity_levels",
    "quality_gate",
    "sample_data",
    "served_version",
    "training_pipeline",
]

ACCURACY = "binary_accuracy"  # the name TFMA gives the BinaryAccuracy metric


@dataclass
class TrainingRun:
    """What one :func:`training_pipeline` run did.

    Attributes
    ----------
    blessed : whether the Evaluator blessed the candidate (every threshold passed).
    pushed_version : the version folder the Pusher wrote in ``serving_dir`` (None: not pushed).
    metrics : the candidate's overall TFMA metrics (``binary_accuracy``, ``auc``, …; with a
        baseline also ``binary_accuracy_change`` = candidate − baseline).
    baseline_metrics : the baseline's (the latest blessed model's) metrics; empty on a first run.
    failures : the thresholds the candidate failed (slice, metric, value, threshold).
    rows : examples per split counted by the DataVolumeCheck component.
    artifacts : ``Component.output`` → URI of this run's artifacts (from ML Metadata).
    serving_dir, pipeline_root, metadata_path : where the run pushed, wrote and recorded.
    seconds : wall time of the pipeline run.
    components : the ids of the pipeline's components, in the order given.
    """

    blessed: bool
    pushed_version: int | None
    metrics: dict[str, float]
    baseline_metrics: dict[str, float]
    failures: pd.DataFrame
    rows: dict[str, int]
    artifacts: dict[str, str]
    serving_dir: Path
    pipeline_root: Path
    metadata_path: Path
    seconds: float
    components: tuple[str, ...] = ()

    @property
    def pushed_path(self) -> Path | None:
        return None if self.pushed_version is None else self.serving_dir / str(self.pushed_version)


# -- the pipeline -------------------------------------------------------------------------------


def sample_data(
    data_dir: str | Path, *, rows: int = 600, seed: int = 0, split: str = "train", overwrite=False
) -> Path:
    """Write ``rows`` rows of the ``hospital_readmission`` dataset as ``data_dir/data.csv``,
    with the columns :mod:`~mlep.deployment.readmission_trainer` uses and a 0/1 label
    ``readmitted`` (1 = readmitted, within or after 30 days). Returns the file.

    An existing ``data.csv`` with other content is replaced only with ``overwrite=True``
    (writing the same sample again is fine)."""
    from mlep.data.datasets import load
    from mlep.deployment import readmission_trainer as module

    instance(data_dir, (str, Path), "data_dir", "a folder path (str or pathlib.Path)")
    count(rows, "rows")
    count(seed, "seed")
    text(split, "split")
    frame = load("hospital_readmission", split)
    if not 1 <= rows <= len(frame):
        raise ValueError(f"rows must be between 1 and {len(frame)}, but got {rows}")
    frame = frame.sample(rows, random_state=seed)
    frame[module.LABEL] = (frame[module.LABEL] != "NO").astype(int)
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    columns = [*module.NUMERIC, *module.CATEGORICAL, module.LABEL]
    target, content = data_dir / "data.csv", frame[columns].to_csv(index=False)
    if target.exists() and not overwrite and target.read_text() != content:
        raise ExistsError(
            f"data_dir must not hold another data.csv, but {str(target)!r} already exists with "
            "other rows; pass overwrite=True to replace it, or choose another folder"
        )
    target.write_text(content)
    return target


def _user_module(module: str):
    try:
        loaded = importlib.import_module(module)
    except ImportError as error:
        raise ValueError(
            f"module should be the dotted path of an importable module, got {module!r} ({error})"
        ) from None
    missing = [name for name in ("preprocessing_fn", "run_fn") if not hasattr(loaded, name)]
    if missing:
        raise ValueError(f"module {module!r} does not define {' and '.join(missing)}")
    return loaded


def training_pipeline(
    data_dir: str | Path,
    module: str = "mlep.deployment.readmission_trainer",
    *,
    serving_dir: str | Path,
    pipeline_root: str | Path,
    metadata_path: str | Path | None = None,
    accuracy_threshold: float = 0.6,
    max_accuracy_drop: float = 0.0,
    min_rows: int = 100,
    train_config: Mapping[str, Any] | None = None,
    name: str = "readmission",
    enable_cache: bool = True,
) -> TrainingRun:
    """Run the full TFX pipeline and push a blessed model into ``serving_dir``.

    Parameters
    ----------
    data_dir : folder with the CSV file(s), e.g. from :func:`sample_data`.
    module : dotted path of the module with ``preprocessing_fn`` and ``run_fn``.
    serving_dir : the model server's ``model_base_path``; blessed models are pushed to
        ``serving_dir/<unix time>/``.
    pipeline_root, metadata_path : artifacts and the ML Metadata SQLite store (default
        ``pipeline_root/metadata.sqlite``). Runs of one ``name`` share the store: the resolver
        finds the previous run's blessed model there.
    accuracy_threshold : the Evaluator blesses a candidate only if its accuracy on the eval
        split is at least this...
    max_accuracy_drop : ...and at most this much below the latest blessed model's (0: no worse).
    min_rows : the DataVolumeCheck component stops the run before Trainer below this many
        training rows.
    train_config : ``custom_config`` for ``run_fn`` (e.g. ``{"epochs": 2, "learning_rate": 0.01}``).
    enable_cache : reuse outputs of components whose inputs did not change (ExampleGen …
        Transform on a rerun over the same data).

    Returns
    -------
    TrainingRun

    Examples
    --------
    >>> sample_data("work/data", rows=600)  # doctest: +SKIP
    >>> run = training_pipeline("work/data", serving_dir="work/serving",  # doctest: +SKIP
    ...                         pipeline_root="work/root", accuracy_threshold=0.55)
    >>> run.blessed, run.pushed_version, round(run.metrics["binary_accuracy"], 2)  # doctest: +SKIP
    (True, 1795763512, 0.59)
    """
    for what, path in {
        "data_dir": data_dir,
        "serving_dir": serving_dir,
        "pipeline_root": pipeline_root,
    }.items():
        instance(path, (str, Path), what, "a folder path (str or pathlib.Path)")
    data_dir, pipeline_root, serving_dir = Path(data_dir), Path(pipeline_root), Path(serving_dir)
    if not any(data_dir.glob("*.csv")):
        raise ValueError(f"no CSV file in {data_dir}: CsvExampleGen reads every *.csv in it")
    probability(accuracy_threshold, "accuracy_threshold")
    non_negative(max_accuracy_drop, "max_accuracy_drop")
    count(min_rows, "min_rows")
    text(module, "module")
    text(name, "name")
    if train_config is not None:
        instance(train_config, Mapping, "train_config", "a dict (run_fn's custom_config)")
    user = _user_module(module)
    from mlep.runtime import tensorflow

    tensorflow()
    serving_dir.mkdir(parents=True, exist_ok=True)
    with quiet():
        config = eval_config(user.LABEL, accuracy_threshold, max_accuracy_drop)
        components = reference_components(
            data_dir, module, serving_dir, config, min_rows, train_config or {}
        )
    return run_components(
        components, pipeline_root=pipeline_root, metadata_path=metadata_path, name=name,
        enable_cache=enable_cache,
    )  # fmt: skip


def run_components(
    components: list,
    *,
    pipeline_root: str | Path,
    metadata_path: str | Path | None = None,
    name: str = "readmission",
    enable_cache: bool = True,
) -> TrainingRun:
    """Run a pipeline you wired yourself (it needs an Evaluator and a Pusher) and summarise it.

    Parameters
    ----------
    components
        TFX components wired to each other's ``outputs`` (e.g.
        :func:`~mlep.deployment.pipelines_wiring.reference_components`), with one Evaluator and
        one Pusher whose destination is a filesystem folder (the model server's base path).
    pipeline_root, metadata_path
        Artifacts and the ML Metadata SQLite store (default ``pipeline_root/metadata.sqlite``).
    name
        The pipeline's name: runs of one name share the store.
    enable_cache
        Reuse outputs of components whose inputs did not change.

    Returns
    -------
    TrainingRun
        As :func:`training_pipeline` returns it; ``components`` lists the components' ids.
    """
    instance(pipeline_root, (str, Path), "pipeline_root", "a folder path (str or pathlib.Path)")
    components = component_list(components)
    kinds = [type(c).__name__ for c in components]
    for needed in ("Evaluator", "Pusher"):
        if kinds.count(needed) != 1:
            raise ValueError(
                f"components must hold exactly one {needed}, but got {kinds.count(needed)} "
                f"(components: {', '.join(kinds)})"
            )
    serving_dir = _push_folder(components[kinds.index("Pusher")])
    serving_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    run = run_pipeline(
        name, components, pipeline_root=Path(pipeline_root), metadata_path=metadata_path,
        enable_cache=enable_cache,
    )  # fmt: skip
    summary = _summary(run, serving_dir, time.perf_counter() - start)
    summary.components = tuple(c.id for c in components)
    return summary


def _push_folder(pusher) -> Path:
    """The Pusher's filesystem destination (its ``push_destination`` exec property)."""
    from google.protobuf import json_format
    from tfx import v1 as tfx

    destination = pusher.exec_properties.get("push_destination")
    if isinstance(destination, str):
        destination = json_format.Parse(destination, tfx.proto.PushDestination())
    folder = getattr(getattr(destination, "filesystem", None), "base_directory", "")
    if not folder:
        raise ValueError(
            "the Pusher must push to a folder: push_destination=tfx.proto.PushDestination("
            "filesystem=tfx.proto.PushDestination.Filesystem(base_directory=...)), but it has "
            f"{destination!r}"
        )
    return Path(folder)


def _summary(run: PipelineRun, serving_dir: Path, seconds: float):
    from mlep.data.lineage import LineageStore
    from mlep.modeling.analysis.tfma_results import BASELINE, metrics_table, validation_failures

    artifacts, metadata_path, pipeline_root = run.artifacts, run.metadata_path, run.pipeline_root
    evaluation = artifacts["Evaluator.evaluation"]
    table = metrics_table(evaluation).set_index(["slice", "model"])
    metrics = table.loc[("Overall", "candidate")].dropna().to_dict()
    baseline = (
        table.loc[("Overall", BASELINE)].dropna().to_dict()
        if ("Overall", BASELINE) in table.index
        else {}
    )
    _, failures = validation_failures(evaluation)
    blessed = (Path(artifacts["Evaluator.blessing"]) / "BLESSED").exists()
    store = LineageStore(metadata_path).store
    [push] = store.get_artifacts_by_uri(artifacts["Pusher.pushed_model"])
    pushed = push.custom_properties["pushed"].int_value == 1
    version = int(push.custom_properties["pushed_version"].string_value) if pushed else None
    rows = {
        split: int(Path(artifacts[f"DataVolumeCheck.{split}_rows"]).read_text())
        for split in ("train", "eval")
        if f"DataVolumeCheck.{split}_rows" in artifacts
    }
    return TrainingRun(
        blessed=blessed,
        pushed_version=version,
        metrics=metrics,
        baseline_metrics=baseline,
        failures=failures,
        rows=rows,
        artifacts=artifacts,
        pipeline_root=pipeline_root,
        metadata_path=metadata_path,
        seconds=seconds,
        serving_dir=serving_dir,
    )


def served_version(serving_dir: str | Path) -> int | None:
    """The version a server with the ``latest`` policy serves from ``serving_dir``: the largest
    integer folder name (None if there is none).

    Examples
    --------
    >>> import tempfile
    >>> base = Path(tempfile.mkdtemp())
    >>> for name in ("1", "1795763712", ".1795763999.partial", "notes"):
    ...     (base / name).mkdir()
    >>> served_version(base)
    1795763712
    """
    instance(serving_dir, (str, Path), "serving_dir", "a folder path (str or pathlib.Path)")
    if not Path(serving_dir).is_dir():
        raise FileNotFoundError(
            "serving_dir must be an existing folder (the model base path), "
            f"but {str(serving_dir)!r} is not"
        )
    versions = [int(p.name) for p in Path(serving_dir).iterdir() if p.is_dir() and p.name.isdigit()]
    return max(versions, default=None)


# -- CI/CD and maturity -------------------------------------------------------------------------


def quality_gate(
    metrics: Mapping[str, float] | TrainingRun,
    *,
    min_accuracy: float,
    metric: str = ACCURACY,
    baseline: Mapping[str, float] | TrainingRun | None = None,
    max_drop: float = 0.0,
) -> float:
    """A CI check: ``AssertionError`` unless ``metrics[metric] >= min_accuracy`` (and, with a
    ``baseline``, ``>= baseline[metric] - max_drop``). Returns the value.

    Call it in a pytest test so that a model below its bar fails the build.
    """
    min_accuracy = real(min_accuracy, "min_accuracy")
    non_negative(max_drop, "max_drop")
    text(metric, "metric")
    value = _gate_value(metrics, metric, "metrics")
    if value < min_accuracy:
        raise AssertionError(
            f"quality gate: {metric} {value:.4f} is below the threshold {min_accuracy:.4f}"
        )
    if baseline is not None:
        reference = _gate_value(baseline, metric, "baseline")
        if value < reference - max_drop:
            raise AssertionError(
                f"quality gate: {metric} {value:.4f} is below the baseline's "
                f"{reference:.4f} minus the allowed drop {max_drop:.4f}"
            )
    return value


def _gate_value(metrics: Any, metric: str, what: str) -> float:
    """``metrics[metric]`` of a TrainingRun or a dict, as a finite number."""
    instance(metrics, (Mapping, TrainingRun), what, "a dict of metrics or a TrainingRun")
    values = metrics.metrics if isinstance(metrics, TrainingRun) else metrics
    if metric not in values:
        raise KeyError(f"quality gate: no {metric!r} among the {what} {sorted(map(str, values))}")
    return real(values[metric], f"{what}[{metric!r}]")


_LEVELS = [  # level, name, what stays manual, what this module automates
    (
        0,
        "manual process",
        "everything: data checks, training, evaluation and the hand-off to "
        "serving are notebook steps; releases are rare",
        "nothing (each component can still be run by hand, as in the labs)",
    ),
    (
        1,
        "ML pipeline automation",
        "changing, testing and deploying the pipeline's code",
        "training_pipeline: ExampleGen → statistics/schema/validation → DataVolumeCheck → "
        "Transform → Trainer → Evaluator (thresholds + latest blessed baseline) → Pusher; "
        "ML Metadata records every run (continuous training)",
    ),
    (
        2,
        "CI/CD pipeline automation",
        "only the decision to merge a change",
        "level 1 plus CI: unit tests of preprocessing_fn/run_fn and quality_gate in pytest on "
        "every change, then the pipeline is deployed and triggered (schedule, new data, drift)",
    ),
]


def maturity_levels() -> pd.DataFrame:
    """MLOps maturity levels 0–2 and what :func:`training_pipeline` automates at each."""
    return pd.DataFrame(_LEVELS, columns=["level", "name", "manual", "automated here"])
