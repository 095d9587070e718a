"""Batch inference and ETL with Apache Beam: score a whole file with a SavedModel.

Not every prediction needs a server: nightly scores, backfills and offline evaluation read a
file, predict in batches and write the results (C4W2, *Batch inference* and *ETL*). Beam's
``RunInference`` transform batches elements, loads the model once per worker and shares it; a
:func:`saved_model_handler` plugs a TensorFlow SavedModel into it. (Beam's own TensorFlow handler
imports ``tensorflow_hub``, which does not import with setuptools ≥ 81 here, so the handler is
written against Beam's ``ModelHandler`` API directly.)

:func:`batch_predict` runs CSV → parse → RunInference → JSON lines on the DirectRunner. The same
pipeline runs on Flink, Spark or Dataflow by changing only the pipeline options, e.g.
``--runner=FlinkRunner --flink_master=host:8081 --environment_type=LOOPBACK`` or
``--runner=DataflowRunner --project=... --region=... --temp_location=gs://...``
(pass them as ``pipeline_args``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mlep._checks import count, foreign, instance, strings, text
from mlep.runtime import quiet

__all__ = ["batch_predict", "read_predictions", "saved_model_handler"]


def _handler_base():
    from apache_beam.ml.inference.base import ModelHandler

    return ModelHandler


def saved_model_handler(
    model_dir: str | Path, *, input_name: str | None = None, max_batch_size: int = 64
):
    """A Beam ``ModelHandler`` for a SavedModel whose ``serving_default`` takes one dense input.

    Elements are ``(key, feature_vector)`` pairs; results are ``(key, prediction_list)``. The
    class is made on call, so that importing this module does not import Beam.

    Parameters
    ----------
    model_dir : str or pathlib.Path
        The SavedModel's folder.
    input_name : str, optional
        The serving signature's input (its only input by default).
    max_batch_size : int, default 64
        The largest batch Beam's ``RunInference`` hands the model.
    """
    base = _handler_base()

    class _Handler(base):
        def __init__(self):
            self.model_dir = str(model_dir)
            self.input_name = input_name
            self.max_batch = max_batch_size

        def load_model(self):
            from mlep.runtime import tensorflow

            tf = tensorflow()
            model = tf.saved_model.load(self.model_dir)
            return model.signatures["serving_default"]

        def run_inference(self, batch, model, inference_args=None):
            import tensorflow as tf

            keys = [key for key, _ in batch]
            vectors = np.asarray([vector for _, vector in batch], dtype=np.float32)
            _, specs = model.structured_input_signature
            name = self.input_name or next(iter(specs))
            outputs = model(**{name: tf.constant(vectors)})
            values = next(iter(outputs.values())).numpy()
            return [(key, values[i].tolist()) for i, key in enumerate(keys)]

        def batch_elements_kwargs(self):
            return {"max_batch_size": self.max_batch}

    return _Handler()


def batch_predict(
    model_dir: str | Path,
    csv_path: str | Path,
    output_prefix: str | Path,
    *,
    features: Sequence[str],
    key: str,
    max_batch_size: int = 64,
    pipeline_args: Iterable[str] = (),
) -> Path:
    """Score every row of ``csv_path`` with the SavedModel in ``model_dir``.

    ``features`` are the CSV columns fed to the model in that order, ``key`` a column that
    identifies each row in the output (keys must be unique). Rows whose features are missing,
    not numbers, NaN or infinite are not scored but written to ``<output_prefix>-errors.jsonl``
    with the reason — nothing is lost silently. Returns the path of the predictions (JSON
    lines: key and prediction); earlier outputs with the same prefix are replaced.

    The model is loaded once before the pipeline starts, so a broken SavedModel or a wrong
    number of ``features`` fails with a short message instead of a Beam traceback.

    Parameters
    ----------
    model_dir : str or pathlib.Path
        The SavedModel's folder.
    csv_path : str or pathlib.Path
        The rows to score, with a header.
    output_prefix : str or pathlib.Path
        Where predictions (``-predictions.jsonl``) and rejected rows (``-errors.jsonl``) go.
    features : sequence of str
        The CSV columns the model takes, in order.
    key : str
        The column that identifies each row (unique).
    max_batch_size : int, default 64
        The largest batch the model sees.
    pipeline_args : iterable of str, optional
        Beam pipeline options (DirectRunner by default).
    """
    import apache_beam as beam
    from apache_beam.ml.inference.base import RunInference
    from apache_beam.options.pipeline_options import PipelineOptions

    model_dir = instance(model_dir, (str, Path), "model_dir", "a path (str or pathlib.Path)")
    csv_path = Path(instance(csv_path, (str, Path), "csv_path", "a path (str or pathlib.Path)"))
    output_prefix = Path(
        instance(output_prefix, (str, Path), "output_prefix", "a path (str or pathlib.Path)")
    )
    features = strings(features, "features")
    text(key, "key")
    count(max_batch_size, "max_batch_size", minimum=1)
    if isinstance(pipeline_args, (str, bytes)):
        raise TypeError(
            f"pipeline_args must be a list of options, but got a single string {pipeline_args!r}"
        )
    if not (Path(model_dir) / "saved_model.pb").is_file():
        raise FileNotFoundError(
            f"no SavedModel in {model_dir} (expected {Path(model_dir) / 'saved_model.pb'})"
        )
    if not csv_path.is_file():
        raise FileNotFoundError(f"no CSV file at {csv_path}")
    header = _header(csv_path)
    missing = [c for c in [key, *features] if c not in header]
    if missing:
        raise ValueError(
            f"{csv_path.name} has no column(s) {', '.join(missing)}; it has: {', '.join(header)}"
        )
    _check_unique_keys(csv_path, header.index(key), key)
    _check_model(model_dir, len(features))
    columns = {name: header.index(name) for name in [key, *features]}
    output_prefix.parent.mkdir(parents=True, exist_ok=True)

    def parse(line: str):
        import csv
        import math

        values = next(csv.reader([line]))
        try:
            vector = [float(values[columns[f]]) for f in features]
            bad = [f for f, v in zip(features, vector) if not math.isfinite(v)]
            if bad:
                raise ValueError(f"not finite (NaN or infinity) in {', '.join(bad)}")
        except (ValueError, IndexError) as error:
            yield beam.pvalue.TaggedOutput(
                "errors", json.dumps({"line": line, "reason": f"bad features: {error}"})
            )
            return
        yield values[columns[key]], vector

    options = PipelineOptions(
        list(pipeline_args) or ["--runner=DirectRunner", "--direct_num_workers=1"]
    )
    handler = saved_model_handler(model_dir, max_batch_size=max_batch_size)
    try:
        with quiet():
            _run(beam, RunInference, options, handler, parse, csv_path, output_prefix)
    except Exception as error:  # noqa: BLE001 - Beam wraps worker errors in long traces
        raise foreign(
            error,
            f"batch inference of {csv_path.name} with the model in {model_dir} failed",
            "check that the model takes one vector of the listed features and that the "
            "pipeline options are valid",
            RuntimeError,
        ) from error
    return output_prefix.with_name(output_prefix.name + ".jsonl")


def _run(beam, RunInference, options, handler, parse, csv_path: Path, output_prefix: Path):
    """The Beam pipeline: read, parse (bad rows to the errors file), predict, write."""
    with beam.Pipeline(options=options) as pipeline:
        parsed = (
            pipeline
            | "Read" >> beam.io.ReadFromText(str(csv_path), skip_header_lines=1)
            | "Parse" >> beam.FlatMap(parse).with_outputs("errors", main="rows")
        )
        (
            parsed.rows
            | "Predict" >> RunInference(handler)
            | "Format" >> beam.Map(lambda kv: json.dumps({"key": kv[0], "prediction": kv[1]}))
            | "Write"
            >> beam.io.WriteToText(
                str(output_prefix), file_name_suffix=".jsonl", shard_name_template=""
            )
        )
        _ = parsed.errors | "WriteErrors" >> beam.io.WriteToText(
            f"{output_prefix}-errors", file_name_suffix=".jsonl", shard_name_template=""
        )


def _header(csv_path: Path) -> list[str]:
    """The CSV's column names, read as CSV (quoted names, a UTF-8 byte-order mark)."""
    import csv

    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise ValueError(f"csv_path must be a CSV file with a header row, but {csv_path} is empty")
    return [name.strip() for name in header]


def _check_unique_keys(csv_path: Path, index: int, key: str) -> None:
    """Each row's key must be unique: predictions are looked up by key."""
    import csv

    seen, repeated = set(), []
    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle)
        next(rows, None)
        for row in rows:
            if len(row) > index:
                value = row[index]
                if value in seen and value not in repeated:
                    repeated.append(value)
                seen.add(value)
    if repeated:
        raise ValueError(
            f"the key column {key!r} must identify each row, but {len(repeated)} key(s) repeat "
            f"in {csv_path.name}, e.g. {repeated[:5]}; make the keys unique (e.g. add a row number)"
        )


def _check_model(model_dir, n_features: int) -> None:
    """Load the SavedModel once here, so a bad model fails before Beam starts."""
    from mlep.runtime import tensorflow

    tf = tensorflow()
    try:
        with quiet():
            model = tf.saved_model.load(str(model_dir))
    except Exception as error:  # noqa: BLE001 - TF raises many kinds for a broken model
        raise foreign(
            error,
            f"model_dir must hold a loadable SavedModel, but {model_dir} could not be loaded",
            "export the model again (mlep.deployment.serving.export_model)",
        ) from error
    if "serving_default" not in model.signatures:
        raise ValueError(
            f"model_dir must hold a model with a 'serving_default' signature, but {model_dir} "
            f"has {sorted(model.signatures) or 'none'}"
        )
    _, specs = model.signatures["serving_default"].structured_input_signature
    if len(specs) != 1:
        raise ValueError(
            f"the model must take one input (a vector of features), but its signature takes "
            f"{len(specs)}: {sorted(specs)}"
        )
    [spec] = specs.values()
    width = spec.shape[-1] if spec.shape.rank else None
    if width is not None and width != n_features:
        raise ValueError(
            f"features must list {width} column(s), one per model input, but got {n_features}"
        )


def read_predictions(path: str | Path) -> dict[str, Any]:
    """The predictions file of :func:`batch_predict` as ``{key: prediction}``.

    A key that appears twice is an error (a dict would keep only the last prediction).

    Parameters
    ----------
    path : str or pathlib.Path
        A predictions file written by :func:`batch_predict`.
    """
    file = Path(instance(path, (str, Path), "path", "a path (str or pathlib.Path)"))
    if not file.is_file():
        raise FileNotFoundError(f"no predictions file at {file}")
    out = {}
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            record = json.loads(line)
            key, prediction = record["key"], record["prediction"]
        except (ValueError, KeyError, TypeError):
            raise ValueError(
                f"{file.name}, line {number} must be a JSON object with 'key' and 'prediction' "
                f"(batch_predict's output), but got {line[:80]!r}"
            ) from None
        if key in out:
            raise ValueError(
                f"{file.name} must hold each key once, but key {key!r} repeats (line {number}); "
                "give each input row a unique key"
            )
        out[key] = prediction
    return out
