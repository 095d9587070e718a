"""Sliced metrics and model validation with TensorFlow Model Analysis (Course 3, week 4).

A model can score well overall and fail a slice of the data (a region, an age band, a group).
TFMA computes every metric on every slice, and *validates* a candidate model: **value
thresholds** (``AUC >= 0.8``) and **change thresholds** against a baseline model (``AUC may drop
by at most 0.01``). A candidate that passes every threshold is *blessed*: the TFX
``Evaluator`` writes that blessing and a ``Pusher`` deploys only blessed models.

* :func:`eval_config` builds a ``tfma.EvalConfig`` from a readable spec;
* :func:`analyze_predictions` runs TFMA on a pandas DataFrame of labels and predictions (one
  prediction column per model: the baseline's too, for change thresholds) and returns a
  :class:`SlicedEvaluation`: metrics per slice as a DataFrame, and the validation result;
* :func:`worst_slice` reads the metrics table;
* :func:`evaluate_with_tfx` runs the TFX ``Evaluator`` on two exported Keras models (candidate
  and baseline) in a small pipeline on ``LocalDagRunner`` and reports the blessing.

TensorFlow, TFMA, Beam and TFX are imported inside the functions (TFMA takes ~5 s to load).

Examples
--------
>>> spec = eval_config(label_key="y", prediction_key="p", slices=[["region"]],
...                    thresholds={"AUC": {"lower": 0.7}})  # doctest: +SKIP
>>> [s.feature_keys for s in spec.slicing_specs]  # doctest: +SKIP
[[], ['region']]
"""

from __future__ import annotations

import math
import numbers
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mlep._checks import count, frame, instance, strings, text
from mlep.modeling.analysis.tfma_results import (
    BASELINE,
    CANDIDATE,
    load_tfma,
    metrics_table,
    validation_failures,
)
from mlep.runtime import quiet
from mlep.tfx_runner import run_pipeline

__all__ = [
    "DEFAULT_METRICS",
    "SlicedEvaluation",
    "analyze_predictions",
    "eval_config",
    "evaluate_with_tfx",
    "export_for_evaluator",
    "metrics_table",
    "validation_failures",
    "worst_slice",
]

#: Metrics computed when none are named: TFMA class names.
DEFAULT_METRICS = ("ExampleCount", "BinaryAccuracy", "AUC")
_THRESHOLD_KEYS = {"lower", "upper", "min_change", "max_change"}


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{what} should be a finite number, got {value!r}")
    return float(value)


def _threshold(tfma, metric: str, spec: Mapping[str, float]):
    if not isinstance(spec, Mapping) or not spec:
        raise ValueError(
            f"thresholds[{metric!r}] should be a dict with keys among {sorted(_THRESHOLD_KEYS)}, "
            f"e.g. {{'lower': 0.8, 'min_change': -0.01}}; got {spec!r}"
        )
    unknown = set(spec) - _THRESHOLD_KEYS
    if unknown:
        raise ValueError(
            f"thresholds[{metric!r}] has unknown key(s) {sorted(unknown)}; "
            f"use {sorted(_THRESHOLD_KEYS)}"
        )
    if "min_change" in spec and "max_change" in spec:
        raise ValueError(
            f"thresholds[{metric!r}]: give min_change (higher is better) or max_change "
            "(lower is better), not both"
        )
    values = {
        key: _number(value, f"thresholds[{metric!r}][{key!r}]") for key, value in spec.items()
    }
    threshold = tfma.MetricThreshold()
    if "lower" in values or "upper" in values:
        bounds = tfma.GenericValueThreshold()
        if "lower" in values:
            bounds.lower_bound.value = values["lower"]
        if "upper" in values:
            bounds.upper_bound.value = values["upper"]
        threshold.value_threshold.CopyFrom(bounds)
    if "min_change" in values:  # candidate - baseline >= min_change
        threshold.change_threshold.direction = tfma.MetricDirection.HIGHER_IS_BETTER
        threshold.change_threshold.absolute.value = values["min_change"]
    if "max_change" in values:  # candidate - baseline <= max_change
        threshold.change_threshold.direction = tfma.MetricDirection.LOWER_IS_BETTER
        threshold.change_threshold.absolute.value = values["max_change"]
    return threshold


def _slices(slices: Sequence[Sequence[str] | str]) -> list[list[str]]:
    if isinstance(slices, (str, Mapping)):
        raise TypeError(
            f"slices must be a list of feature lists, e.g. [['region']], but got {slices!r}"
        )
    out = []
    for item in slices:
        keys = [item] if isinstance(item, str) else list(item)
        if not keys or not all(isinstance(k, str) and k for k in keys):
            raise ValueError(f"each slice should name one or more features, got {item!r}")
        out.append(keys)
    return out


def eval_config(
    *,
    label_key: str,
    prediction_key: str = "prediction",
    baseline_prediction_key: str | None = None,
    slices: Sequence[Sequence[str] | str] = (),
    metrics: Sequence[str] = DEFAULT_METRICS,
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
    fairness_thresholds: Sequence[float] | None = None,
):
    """A ``tfma.EvalConfig`` from a readable spec.

    Parameters
    ----------
    label_key
        The label column (0/1).
    prediction_key
        The candidate model's score column (a probability of class 1).
    baseline_prediction_key
        The baseline model's score column; needed for change thresholds. The two models are
        named ``"candidate"`` and ``"baseline"`` in the results.
    slices
        Features to slice by: ``[["region"], ["region", "group"]]`` (a string is one feature).
        The whole data set (the overall slice) is always included.
    metrics
        TFMA metric class names, e.g. ``"BinaryAccuracy"``, ``"AUC"``, ``"Precision"``.
    thresholds
        Metric class name → a dict with any of ``lower`` / ``upper`` (value bounds, inclusive),
        ``min_change`` (for a higher-is-better metric: candidate − baseline ≥ min_change) or
        ``max_change`` (lower is better: candidate − baseline ≤ max_change). A metric with a
        threshold is added to ``metrics`` if missing. Thresholds apply to every slice.
    fairness_thresholds
        Decision thresholds for Fairness Indicators (adds the ``FairnessIndicators`` metric).

    Raises
    ------
    ValueError
        On an unknown threshold key, a change threshold without a baseline, or an empty slice.
    """
    if not isinstance(label_key, str) or not label_key:
        raise ValueError(f"label_key should name the label column, got {label_key!r}")
    instance(prediction_key, str, "prediction_key", "a column name")
    instance(baseline_prediction_key, (str, type(None)), "baseline_prediction_key", "a column name")
    metrics = strings(metrics, "metrics", minimum=0 if thresholds else 1)
    instance(thresholds or {}, Mapping, "thresholds", "a dict of metric -> {'lower': ...}")
    if isinstance(fairness_thresholds, (str, bytes, Mapping)):
        raise TypeError(
            f"fairness_thresholds must be a list of numbers, but got {fairness_thresholds!r}"
        )
    _slices(slices)
    tfma = load_tfma()
    thresholds = dict(thresholds or {})
    changes = [
        m
        for m, t in thresholds.items()
        if isinstance(t, Mapping) and ({"min_change", "max_change"} & set(t))
    ]
    if changes and baseline_prediction_key is None:
        raise ValueError(
            f"thresholds for {changes} compare with a baseline: pass baseline_prediction_key "
            "(the baseline model's prediction column)"
        )
    specs = [tfma.ModelSpec(name=CANDIDATE, label_key=label_key, prediction_key=prediction_key)]
    if baseline_prediction_key is not None:
        specs.append(
            tfma.ModelSpec(
                name=BASELINE,
                label_key=label_key,
                prediction_key=baseline_prediction_key,
                is_baseline=True,
            )
        )
    names = list(dict.fromkeys([*metrics, *thresholds]))
    configs = []
    for name in names:
        config = tfma.MetricConfig(class_name=name)
        if name in thresholds:
            config.threshold.CopyFrom(_threshold(tfma, name, thresholds[name]))
        configs.append(config)
    if fairness_thresholds is not None:
        import fairness_indicators.fairness_indicators_metrics  # noqa: F401  registers the metric

        cuts = [_number(t, "fairness_thresholds") for t in fairness_thresholds]
        configs.append(
            tfma.MetricConfig(class_name="FairnessIndicators", config=f'{{"thresholds": {cuts}}}')
        )
    return tfma.EvalConfig(
        model_specs=specs,
        slicing_specs=[tfma.SlicingSpec()]
        + [tfma.SlicingSpec(feature_keys=keys) for keys in _slices(slices)],
        metrics_specs=[tfma.MetricsSpec(metrics=configs)],
    )


@dataclass
class SlicedEvaluation:
    """What :func:`analyze_predictions` found.

    Attributes
    ----------
    metrics
        One row per slice and model: ``slice`` (``"Overall"`` or ``"region=west"``, features
        joined by ``" & "``), ``model``, then one column per metric; for the candidate also
        ``<metric>_change`` columns (candidate − baseline) when there is a baseline.
    blessed
        True iff every threshold passed on every slice.
    failures
        One row per failed threshold: ``slice``, ``metric``, ``value``, ``threshold`` (the
        violated bound, as text).
    output_path
        TFMA's output folder (``tfma.load_eval_result`` reads it).
    """

    metrics: pd.DataFrame
    blessed: bool
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)
    output_path: str = ""


def analyze_predictions(
    data: pd.DataFrame, config, *, output_path: str | None = None
) -> SlicedEvaluation:
    """Run TFMA on a DataFrame of labels, predictions and slicing features.

    Like ``tfma.analyze_raw_data`` (which it follows), but it also accepts a baseline model's
    predictions, so change thresholds are validated (``analyze_raw_data`` refuses them).

    Parameters
    ----------
    data
        One row per example: the label, the prediction column(s) and the features to slice by.
    config
        A ``tfma.EvalConfig``, e.g. from :func:`eval_config`.
    output_path
        Where TFMA writes its results (a new temporary folder by default).

    Returns
    -------
    SlicedEvaluation
        Metrics per slice and model, blessed or not, and the failed thresholds.
    """
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise TypeError(f"data should be a non-empty pandas DataFrame, got {type(data).__name__}")
    tfma = load_tfma()
    needed = {k for spec in config.model_specs for k in (spec.label_key, spec.prediction_key)}
    needed |= {k for s in config.slicing_specs for k in s.feature_keys}
    missing = sorted(needed - set(data.columns))
    if missing:
        raise ValueError(f"data has no column(s) {missing}; it has {list(data.columns)}")
    output_path = output_path or tempfile.mkdtemp(prefix="tfma_")
    with quiet():
        import apache_beam as beam
        import pyarrow as pa
        from tensorflow_model_analysis.evaluators import metrics_plots_and_validations_evaluator
        from tensorflow_model_analysis.extractors import (
            example_weights_extractor,
            features_extractor,
            labels_extractor,
            materialized_predictions_extractor,
            slice_key_extractor,
            unbatch_extractor,
        )
        from tensorflow_model_analysis.utils import config_util
        from tfx_bsl.arrow import table_util

        has_baseline = any(spec.is_baseline for spec in config.model_specs)
        full = config_util.update_eval_config_with_defaults(config, has_baseline=has_baseline)
        extractors = [
            features_extractor.FeaturesExtractor(eval_config=full),
            labels_extractor.LabelsExtractor(eval_config=full),
            example_weights_extractor.ExampleWeightsExtractor(eval_config=full),
            materialized_predictions_extractor.MaterializedPredictionsExtractor(eval_config=full),
            unbatch_extractor.UnbatchExtractor(),
            slice_key_extractor.SliceKeyExtractor(eval_config=full),
        ]
        evaluators = [
            metrics_plots_and_validations_evaluator.MetricsPlotsAndValidationsEvaluator(
                eval_config=full
            )
        ]
        writers = tfma.default_writers(output_path, eval_config=full)
        # No model is loaded (the predictions are columns); the two names only tell TFMA that
        # a baseline exists, which analyze_raw_data cannot express.
        models = [
            tfma.types.EvalSharedModel(
                model_path="", model_name=spec.name, is_baseline=spec.is_baseline
            )
            for spec in full.model_specs
        ]
        batch = table_util.CanonicalizeRecordBatch(
            pa.RecordBatch.from_pandas(data.reset_index(drop=True), preserve_index=False)
        )
        with beam.Pipeline() as pipeline:
            _ = (
                pipeline
                | beam.Create([batch])
                | tfma.ExtractEvaluateAndWriteResults(
                    eval_shared_model=models if len(models) > 1 else None,
                    eval_config=full,
                    extractors=extractors,
                    evaluators=evaluators,
                    writers=writers,
                    output_path=output_path,
                )
            )
        metrics = metrics_table(output_path)
        blessed, failures = validation_failures(output_path)
    return SlicedEvaluation(
        metrics=metrics, blessed=blessed, failures=failures, output_path=output_path
    )


def worst_slice(
    metrics: pd.DataFrame,
    metric: str,
    *,
    higher_is_better: bool = True,
    min_examples: int = 1,
    model: str = CANDIDATE,
) -> pd.Series:
    """The slice (not the overall one) with the worst ``metric`` for ``model``.

    Slices with fewer than ``min_examples`` examples (``example_count``) are skipped: a tiny
    slice is noisy.

    Examples
    --------
    >>> table = pd.DataFrame({"slice": ["Overall", "region=east", "region=west"],
    ...                       "model": "candidate", "example_count": [10, 6, 4],
    ...                       "auc": [0.8, 0.9, 0.6]})
    >>> worst_slice(table, "auc")["slice"]
    'region=west'
    >>> worst_slice(table, "auc", min_examples=5)["slice"]
    'region=east'
    """
    frame(metrics, "metrics", columns=["slice", "model"])
    text(metric, "metric")
    instance(higher_is_better, bool, "higher_is_better", "True or False")
    count(min_examples, "min_examples", minimum=1)
    if metric not in metrics.columns:
        raise ValueError(
            f"metric {metric!r} is not a column; the metrics are {list(metrics.columns[2:])}"
        )
    rows = metrics[(metrics["model"] == model) & (metrics["slice"] != "Overall")]
    if "example_count" in rows:
        rows = rows[rows["example_count"] >= min_examples]
    if rows.empty:
        raise ValueError(f"no slice of model {model!r} has at least {min_examples} examples")
    position = rows[metric].idxmin() if higher_is_better else rows[metric].idxmax()
    return rows.loc[position]


def export_for_evaluator(
    model: Any, path: str, *, features: Sequence[str] | Mapping[str, str]
) -> str:
    """Save a Keras model so TFMA and the TFX ``Evaluator`` can run it on ``tf.Example`` records.

    ``model`` takes one float matrix whose columns are ``features`` (in that order) and outputs
    a probability. The SavedModel's ``serving_default`` signature takes serialized
    ``tf.Example`` strings, parses those features, and returns ``{"outputs": probability}``.

    Parameters
    ----------
    features
        The input columns in order; a list (all stored as floats) or a dict name → ``"float"``
        or ``"int"`` (how the examples store it: ``CsvExampleGen`` stores whole numbers as int).

    Returns
    -------
    str
        ``path``.
    """
    from mlep.runtime import tensorflow

    tf = tensorflow()
    kinds = dict(features) if isinstance(features, Mapping) else dict.fromkeys(features, "float")
    dtypes = {"float": tf.float32, "int": tf.int64}
    if not kinds or any(kind not in dtypes for kind in kinds.values()):
        raise ValueError(
            f"features should list the model's input columns (or map them to 'float'/'int'), "
            f"got {features!r}"
        )
    spec = {name: tf.io.FixedLenFeature([], dtypes[kind]) for name, kind in kinds.items()}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="examples")])
    def serve(examples):
        parsed = tf.io.parse_example(examples, spec)
        matrix = tf.stack([tf.cast(parsed[name], tf.float32) for name in kinds], axis=1)
        return {"outputs": model(matrix, training=False)}

    with quiet():
        model.save(path, save_format="tf", signatures={"serving_default": serve})
    return path


def evaluate_with_tfx(
    *,
    candidate_model: str,
    baseline_model: str,
    examples_csv: str,
    label_key: str,
    pipeline_root: str,
    slices: Sequence[Sequence[str] | str] = (),
    thresholds: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, Any]:
    """Validate a candidate against a baseline with the TFX ``Evaluator``: is it blessed?

    A small pipeline on ``LocalDagRunner``: ``CsvExampleGen`` reads the evaluation data, two
    ``Importer`` nodes bring in the exported models (Keras SavedModels with a serving signature
    that takes serialized ``tf.Example``), and the ``Evaluator`` computes the metrics with TFMA
    and writes a ``ModelBlessing``. Takes ~40 s on two cores.

    Returns
    -------
    dict
        ``blessed`` (bool), ``metrics`` (the TFMA table, as :func:`analyze_predictions`),
        ``evaluation_uri`` and ``blessing_uri``.
    """
    from mlep.runtime import tensorflow

    tensorflow()
    with quiet():
        from pathlib import Path

        from tfx import v1 as tfx
        from tfx.types import standard_artifacts

        # the models compute the predictions: no prediction column, the serving signature
        config = eval_config(
            label_key=label_key,
            prediction_key="",
            baseline_prediction_key="",
            slices=slices,
            thresholds=thresholds,
        )
        for spec in config.model_specs:
            spec.signature_name = "serving_default"
        root = Path(pipeline_root)
        data_dir = str(Path(examples_csv).resolve().parent)
        example_gen = tfx.components.CsvExampleGen(input_base=data_dir)
        importers = []
        for name, saved_model in ((CANDIDATE, candidate_model), (BASELINE, baseline_model)):
            if not (Path(saved_model) / "saved_model.pb").is_file():
                raise ValueError(f"{name}_model should be a SavedModel folder, got {saved_model}")
            # a Model artifact keeps its SavedModel in Format-Serving/ (as the Trainer writes it)
            artifact = root / "imported" / name
            artifact.mkdir(parents=True, exist_ok=True)
            link = artifact / "Format-Serving"
            if not link.exists():
                link.symlink_to(Path(saved_model).resolve(), target_is_directory=True)
            importers.append(
                tfx.dsl.Importer(
                    source_uri=str(artifact), artifact_type=standard_artifacts.Model
                ).with_id(name)
            )
        candidate, baseline = importers
        evaluator = tfx.components.Evaluator(
            examples=example_gen.outputs["examples"],
            model=candidate.outputs["result"],
            baseline_model=baseline.outputs["result"],
            eval_config=config,
        )
        run_pipeline(
            "c3w4_evaluator",
            [example_gen, candidate, baseline, evaluator],
            pipeline_root=root / "root",
            metadata_path=root / "metadata.sqlite",
        )
        evaluation = sorted((root / "root" / "Evaluator" / "evaluation").glob("*"))[-1]
        blessing = sorted((root / "root" / "Evaluator" / "blessing").glob("*"))[-1]
        metrics = metrics_table(str(evaluation))
    return {
        "blessed": (blessing / "BLESSED").exists(),
        "metrics": metrics,
        "evaluation_uri": str(evaluation),
        "blessing_uri": str(blessing),
    }
