"""The pieces of the C4W3 pipeline that a learner wires, and a table of how they are wired.

:mod:`mlep.deployment.pipelines` runs the pipeline; this module holds what goes into it:

* :func:`data_volume_check` — the custom ``DataVolumeCheck`` component (a Python function
  decorated with TFX's ``@component``), whose logic is :func:`count_rows`;
* :func:`eval_config` — the Evaluator's TFMA config: accuracy at least a threshold and no worse
  than the latest blessed model (the *baseline*);
* :func:`reference_components` — the course's own wiring of the ten components, the answer
  the lab's exercise is compared with;
* :func:`wiring` — who feeds whom: one row per component input, read from the components'
  channels (what a hidden test or a reviewer checks without running anything).

TFX is imported inside the functions, so importing this module stays light.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypedDict

import pandas as pd

from mlep._checks import count, non_negative, probability, text
from mlep.tfx_runner import component_list, read_examples

__all__ = [
    "count_rows",
    "data_volume_check",
    "eval_config",
    "reference_components",
    "wiring",
]


class _Rows(TypedDict):
    train_rows: int
    eval_rows: int


def count_rows(examples_uri: str | Path, *, min_rows: int) -> dict[str, int]:
    """Examples per split of an Examples artifact; ``ValueError`` if ``train`` has < ``min_rows``.

    Parameters
    ----------
    examples_uri
        The Examples artifact's folder (with ``Split-train`` and ``Split-eval``).
    min_rows
        The fewest training rows to accept.

    Returns
    -------
    dict
        Split name → number of examples.
    """
    count(min_rows, "min_rows")
    rows = {
        split: len(read_examples(examples_uri, split=split))
        for split in ("train", "eval")
        if (Path(examples_uri) / f"Split-{split}").is_dir()
    }
    if rows.get("train", 0) < min_rows:
        raise ValueError(
            f"DataVolumeCheck: the train split has {rows.get('train', 0)} rows, fewer than "
            f"min_rows={min_rows}; not training on so little data (add data or lower min_rows)"
        )
    return rows


def DataVolumeCheck(examples, min_rows):  # noqa: N802  (a TFX component is named like a class)
    """Count the examples and stop the pipeline before Trainer if there are too few."""
    rows = count_rows(examples.uri, min_rows=min_rows)
    return {"train_rows": rows["train"], "eval_rows": rows.get("eval", 0)}


_COMPONENT: list = []


def data_volume_check():
    """The ``DataVolumeCheck`` component class: ``data_volume_check()(examples=..., min_rows=100)``.

    A TFX Python-function component (``@component``) made on first use, so that importing this
    module does not import TFX (TFX reads the typehints of :func:`DataVolumeCheck`). Its
    outputs are ``train_rows`` and ``eval_rows``; a run with fewer than ``min_rows`` training
    rows fails here, so a Trainer that depends on it never runs.

    Returns
    -------
    type
        The component class.
    """
    if not _COMPONENT:
        from mlep.runtime import tensorflow

        tensorflow()
        from tfx import v1 as tfx

        DataVolumeCheck.__annotations__ = {
            "examples": tfx.dsl.components.InputArtifact[tfx.types.standard_artifacts.Examples],
            "min_rows": tfx.dsl.components.Parameter[int],
            "return": _Rows,
        }
        _COMPONENT.append(tfx.dsl.components.component(DataVolumeCheck))
    return _COMPONENT[0]


def eval_config(label: str, accuracy_threshold: float, max_accuracy_drop: float = 0.0):
    """The Evaluator's TFMA ``EvalConfig``: bless only if accuracy ≥ ``accuracy_threshold`` and
    candidate − baseline ≥ −``max_accuracy_drop``.

    Parameters
    ----------
    label
        The label column of the raw examples.
    accuracy_threshold
        The lowest binary accuracy on the eval split that is blessed.
    max_accuracy_drop
        How far below the baseline (the latest blessed model) the candidate may be.

    Returns
    -------
    tensorflow_model_analysis.EvalConfig
        With the model read through its ``serving_examples`` signature (raw ``tf.Example``).
    """
    from mlep.modeling.analysis.sliced import eval_config as sliced_config
    from mlep.runtime import quiet

    text(label, "label")
    probability(accuracy_threshold, "accuracy_threshold")
    non_negative(max_accuracy_drop, "max_accuracy_drop")
    with quiet():
        config = sliced_config(
            label_key=label,
            prediction_key="",  # the model computes the predictions
            baseline_prediction_key="",
            metrics=("ExampleCount", "BinaryAccuracy", "AUC"),
            thresholds={
                # 0.0 - drop: never -0.0, which would print as "change >= -0"
                "BinaryAccuracy": {
                    "lower": accuracy_threshold,
                    "min_change": 0.0 - max_accuracy_drop,
                }
            },
        )
    for spec in config.model_specs:
        spec.signature_name = "serving_examples"  # parses tf.Example records
    return config


def reference_components(
    data_dir: str | Path,
    module: str,
    serving_dir: str | Path,
    config,
    min_rows: int = 100,
    train_config: Mapping[str, Any] | None = None,
) -> list:
    """The course's wiring of the C4W3 pipeline: ten TFX components, in a runnable order.

    Parameters
    ----------
    data_dir
        The folder of CSV files CsvExampleGen reads.
    module
        Dotted path of the module with ``preprocessing_fn`` and ``run_fn``.
    serving_dir
        The Pusher's filesystem destination (the model server's base path).
    config
        The Evaluator's ``EvalConfig`` (:func:`eval_config`).
    min_rows
        The DataVolumeCheck's ``min_rows``.
    train_config
        The Trainer's ``custom_config`` (read by ``run_fn``).

    Returns
    -------
    list
        CsvExampleGen, StatisticsGen, SchemaGen, ExampleValidator, DataVolumeCheck, Transform,
        Trainer, Resolver, Evaluator, Pusher.
    """
    from tfx import v1 as tfx

    example_gen = tfx.components.CsvExampleGen(input_base=str(data_dir))
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"])
    validator = tfx.components.ExampleValidator(
        statistics=statistics_gen.outputs["statistics"], schema=schema_gen.outputs["schema"]
    )
    volume = data_volume_check()(examples=example_gen.outputs["examples"], min_rows=min_rows)
    # dotted paths, not module_file: TFX would build and pip-install a wheel on every run
    transform = tfx.components.Transform(
        examples=example_gen.outputs["examples"],
        schema=schema_gen.outputs["schema"],
        preprocessing_fn=f"{module}.preprocessing_fn",
        disable_statistics=True,  # pre/post-transform statistics would double its run time
    )
    trainer = tfx.components.Trainer(
        run_fn=f"{module}.run_fn",
        examples=transform.outputs["transformed_examples"],
        transform_graph=transform.outputs["transform_graph"],
        schema=schema_gen.outputs["schema"],
        train_args=tfx.proto.TrainArgs(splits=["train"]),
        eval_args=tfx.proto.EvalArgs(splits=["eval"]),
        custom_config=dict(train_config or {}),
    )
    trainer.add_upstream_node(volume)  # no training when the data volume check fails
    baseline = tfx.dsl.Resolver(
        strategy_class=tfx.dsl.experimental.LatestBlessedModelStrategy,
        model=tfx.dsl.Channel(type=tfx.types.standard_artifacts.Model),
        model_blessing=tfx.dsl.Channel(type=tfx.types.standard_artifacts.ModelBlessing),
    ).with_id("latest_blessed_model_resolver")
    evaluator = tfx.components.Evaluator(
        examples=example_gen.outputs["examples"],
        model=trainer.outputs["model"],
        baseline_model=baseline.outputs["model"],
        eval_config=config,
    )
    pusher = tfx.components.Pusher(
        model=trainer.outputs["model"],
        model_blessing=evaluator.outputs["blessing"],
        push_destination=tfx.proto.PushDestination(
            filesystem=tfx.proto.PushDestination.Filesystem(base_directory=str(serving_dir))
        ),
    )
    return [example_gen, statistics_gen, schema_gen, validator, volume, transform, trainer,
            baseline, evaluator, pusher]  # fmt: skip


def wiring(components: list) -> pd.DataFrame:
    """Who feeds whom: a row per input of every component, read from its channels.

    Parameters
    ----------
    components
        TFX components (or nodes such as a Resolver), as passed to a pipeline.

    Returns
    -------
    pandas.DataFrame
        Columns ``component`` (its type, e.g. ``Trainer``), ``id``, ``input`` (the key, e.g.
        ``examples``), ``from`` (the producing component's type, ``""`` for a channel no
        component produces, such as a Resolver's query) and ``output`` (the producer's output
        key); plus one row with input ``(after)`` per extra upstream node
        (``add_upstream_node``).
    """
    components = component_list(components)
    kinds = {node.id: type(node).__name__ for node in components}
    rows = []
    for node in components:
        fed = set()
        for key, channel in sorted(node.inputs.items()):
            producer = getattr(channel, "producer_component_id", None)
            fed.add(producer)
            rows.append((kinds[node.id], node.id, key, kinds.get(producer, producer or ""),
                         getattr(channel, "output_key", None) or ""))  # fmt: skip
        for upstream in sorted(node.upstream_nodes, key=lambda n: n.id):
            if upstream.id not in fed:
                rows.append((kinds[node.id], node.id, "(after)",
                             kinds.get(upstream.id, upstream.id), ""))  # fmt: skip
    return pd.DataFrame(rows, columns=["component", "id", "input", "from", "output"])
