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
    identifies each row in the output. Rows whose features are missing or not numbers are not
    scored but written to ``<output_prefix>-errors.jsonl`` with the reason — nothing is lost
    silently. Returns the path of the predictions (JSON lines: key and prediction).
    """
    import apache_beam as beam
    from apache_beam.ml.inference.base import RunInference
    from apache_beam.options.pipeline_options import PipelineOptions

    csv_path, output_prefix = Path(csv_path), Path(output_prefix)
    if not (Path(model_dir) / "saved_model.pb").is_file():
        raise FileNotFoundError(
            f"no SavedModel in {model_dir} (expected {Path(model_dir) / 'saved_model.pb'})"
        )
    if not csv_path.is_file():
        raise FileNotFoundError(f"no CSV file at {csv_path}")
    header = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    missing = [c for c in [key, *features] if c not in header]
    if missing:
        raise ValueError(
            f"{csv_path.name} has no column(s) {', '.join(missing)}; it has: {', '.join(header)}"
        )
    columns = {name: header.index(name) for name in [key, *features]}
    output_prefix.parent.mkdir(parents=True, exist_ok=True)

    def parse(line: str):
        import csv

        values = next(csv.reader([line]))
        try:
            vector = [float(values[columns[f]]) for f in features]
            if any(v != v for v in vector):
                raise ValueError("NaN")
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
    return output_prefix.with_name(output_prefix.name + ".jsonl")


def read_predictions(path: str | Path) -> dict[str, Any]:
    """The predictions file of :func:`batch_predict` as ``{key: prediction}``."""
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out[record["key"]] = record["prediction"]
    return out
