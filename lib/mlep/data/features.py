"""TF Transform features from readable parts, run in Beam, in TFX, and at serving time.

Feature engineering in production has one rule the course keeps coming back to: the
transformation applied at serving time must be *exactly* the one the model was trained with,
including every statistic it learned from the training data (a mean, a vocabulary, bucket
boundaries). TF Transform guarantees that by exporting the transformation as a TensorFlow graph
(C2W2, *Feature engineering, transformation and selection*).

Here a transformation is a declarative **spec** — output feature name → a part such as
:func:`z_score` or :func:`vocabulary` — that :func:`preprocessing_fn` turns into the
``preprocessing_fn`` TF Transform and the TFX ``Transform`` component expect. The *executors*
are separate: :func:`analyze_and_transform` runs it with ``tft_beam`` on a DataFrame,
:func:`transform_for_serving` applies the exported graph to raw rows, and
:func:`transform_pipeline` runs ExampleGen → StatisticsGen → SchemaGen → ExampleValidator →
Transform on the LocalDagRunner. TensorFlow loads only when one of them runs.

Examples
--------
>>> spec = {"stay_z": z_score("time_in_hospital"), "age_id": vocabulary("age", top_k=5)}
>>> print(describe(spec).to_string())
  feature             input                               transform analyzes data
0  stay_z  time_in_hospital                                 z_score           yes
1  age_id               age  vocabulary  top_k=5, num_oov_buckets=1           yes
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from mlep._checks import ExistsError, instance
from mlep.exceptions import MlepError
from mlep.runtime import quiet
from mlep.tfx_runner import PipelineRun, read_examples, run_pipeline

__all__ = [
    "FeatureError",
    "Part",
    "TransformResult",
    "analyze_and_transform",
    "bucketize",
    "cross",
    "describe",
    "feature_spec",
    "for_tfx",
    "hash_buckets",
    "identity",
    "preprocessing_fn",
    "read_examples",
    "scale_0_1",
    "transform_for_serving",
    "transform_pipeline",
    "vocabulary",
    "z_score",
]


class FeatureError(MlepError, ValueError):
    """A feature spec or input that cannot be transformed, with what to change."""


@dataclass(frozen=True)
class Part:
    """One transformation of one (or, for a cross, several) raw input columns."""

    kind: str
    inputs: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def analyzes(self) -> bool:
        """Whether it needs a full pass over the training data (a TFT *analyzer*)."""
        return self.kind in ("z_score", "scale_0_1", "vocabulary", "bucketize")


def z_score(column: str) -> Part:
    """``(x - mean) / std`` with the mean and std of the training data."""
    return Part("z_score", (column,))


def scale_0_1(column: str) -> Part:
    """``(x - min) / (max - min)`` with the training data's min and max."""
    return Part("scale_0_1", (column,))


def vocabulary(column: str, *, top_k: int | None = None, num_oov_buckets: int = 1) -> Part:
    """Strings → integer ids by frequency in the training data; the ``top_k`` most frequent
    get their own id, anything else (or unseen at serving) one of ``num_oov_buckets`` ids."""
    return Part("vocabulary", (column,), {"top_k": top_k, "num_oov_buckets": num_oov_buckets})


def bucketize(column: str, num_buckets: int) -> Part:
    """A number → its quantile bucket (``0 … num_buckets - 1``) on the training data."""
    if num_buckets < 2:
        raise FeatureError(f"bucketize({column!r}) needs num_buckets >= 2, got {num_buckets}")
    return Part("bucketize", (column,), {"num_buckets": num_buckets})


def hash_buckets(column: str, buckets: int) -> Part:
    """Strings → ``hash % buckets``: no vocabulary to learn, collisions possible."""
    if buckets < 1:
        raise FeatureError(f"hash_buckets({column!r}) needs buckets >= 1, got {buckets}")
    return Part("hash", (column,), {"buckets": buckets})


def cross(columns: Sequence[str], buckets: int) -> Part:
    """A feature cross: the combination of several columns' values, hashed into ``buckets``."""
    if len(columns) < 2:
        raise FeatureError(f"cross needs at least two columns, got {list(columns)}")
    return Part("cross", tuple(columns), {"buckets": buckets})


def identity(column: str) -> Part:
    """Pass a column through unchanged (e.g. a numeric label)."""
    return Part("identity", (column,))


def describe(spec: Mapping[str, Part]) -> pd.DataFrame:
    """The spec as a table: output feature, input column(s), transform, parameters."""
    _check_spec(spec)
    rows = []
    for name, part in spec.items():
        params = ", ".join(f"{k}={v}" for k, v in part.params.items() if v is not None)
        rows.append(
            {
                "feature": name,
                "input": " × ".join(part.inputs),
                "transform": f"{part.kind}  {params}".strip() if params else part.kind,
                "analyzes data": "yes" if part.analyzes else "no",
            }
        )
    return pd.DataFrame(rows)


def _check_spec(spec: Mapping[str, Part]) -> None:
    if not isinstance(spec, Mapping) or not spec:
        raise FeatureError(
            "a spec is a non-empty dict: output feature name → a part such as z_score('age')"
        )
    for name, part in spec.items():
        if not isinstance(part, Part):
            raise FeatureError(
                f"spec[{name!r}] is a {type(part).__name__}, not a transformation part; "
                "use z_score(...), "
                "scale_0_1, vocabulary, bucketize, hash_buckets, cross or identity"
            )


def preprocessing_fn(spec: Mapping[str, Part]) -> Callable[[dict], dict]:
    """The ``preprocessing_fn(inputs) -> outputs`` TF Transform and TFX ``Transform`` expect."""
    _check_spec(spec)
    spec = dict(spec)

    def fn(inputs):
        import tensorflow as tf
        import tensorflow_transform as tft

        missing = sorted({c for part in spec.values() for c in part.inputs} - set(inputs))
        if missing:
            raise FeatureError(
                f"the spec uses column(s) {', '.join(missing)}, which the data does not have"
            )
        outputs = {}
        for name, part in spec.items():
            x = inputs[part.inputs[0]]
            if part.kind == "z_score":
                outputs[name] = tft.scale_to_z_score(tf.cast(x, tf.float32))
            elif part.kind == "scale_0_1":
                outputs[name] = tft.scale_to_0_1(tf.cast(x, tf.float32))
            elif part.kind == "vocabulary":
                outputs[name] = tft.compute_and_apply_vocabulary(
                    _as_string(tf, x),
                    top_k=part.params["top_k"],
                    num_oov_buckets=part.params["num_oov_buckets"],
                )
            elif part.kind == "bucketize":
                outputs[name] = tft.bucketize(x, part.params["num_buckets"])
            elif part.kind == "hash":
                outputs[name] = tft.hash_strings(_as_string(tf, x), part.params["buckets"])
            elif part.kind == "cross":
                joined = tf.strings.join(
                    [_as_string(tf, inputs[c]) for c in part.inputs], separator="_x_"
                )
                outputs[name] = tft.hash_strings(joined, part.params["buckets"])
            else:
                outputs[name] = x
        return outputs

    fn.spec = spec  # kept for describe() and the tests
    return fn


def _as_string(tf, x):
    return x if x.dtype == tf.string else tf.strings.as_string(x)


def _dense(tf, x):
    # TFX ExampleGen reads columns as (possibly empty) lists: SparseTensors of shape [batch, 1]
    if isinstance(x, tf.SparseTensor):
        default = "" if x.dtype == tf.string else 0
        return tf.squeeze(
            tf.sparse.to_dense(tf.sparse.reset_shape(x, [x.dense_shape[0], 1]), default), axis=1
        )
    if x.shape.rank == 2 and x.shape[1] == 1:  # a FixedLenFeature of shape [1]
        return tf.squeeze(x, axis=1)
    return x


def for_tfx(spec: Mapping[str, Part] | Callable) -> Callable[[dict], dict]:
    """:func:`preprocessing_fn` (or your own function) for TFX ``Transform``, fed dense inputs."""
    from mlep.data.user_transform import checked, is_function  # (it imports this module)

    inner = checked(spec) if is_function(spec) else preprocessing_fn(spec)

    def fn(inputs):
        import tensorflow as tf

        return inner({name: _dense(tf, value) for name, value in inputs.items()})

    return fn


# -- executors -------------------------------------------------------------------------------

_TF_TYPES = {"i": "int64", "u": "int64", "b": "int64", "f": "float32", "O": "string"}


def feature_spec(frame: pd.DataFrame, columns: Sequence[str]) -> dict:
    """A ``tf.io`` feature spec for ``columns`` of ``frame``.

    Integer columns become int64, floats float32 and everything else string.
    """
    import tensorflow as tf

    spec = {}
    for column in columns:
        kind = _TF_TYPES.get(frame[column].dtype.kind, "string")
        spec[column] = tf.io.FixedLenFeature([], getattr(tf, kind))
    return spec


def _rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict]:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise FeatureError(
            f"the spec uses column(s) {', '.join(missing)}, which the DataFrame does not have; "
            f"it has: {', '.join(frame.columns)}"
        )
    empty = [c for c in columns if frame[c].isna().any()]
    if empty:
        raise FeatureError(
            f"column(s) {', '.join(empty)} have missing values; impute or drop them first "
            "(TF Transform needs a value in every row of a fixed-length feature)"
        )
    numeric = [c for c in columns if frame[c].dtype.kind in "iuf"]
    infinite = [c for c in numeric if np.isinf(frame[c].to_numpy(dtype=float)).any()]
    if infinite:
        raise FeatureError(
            f"column(s) {', '.join(infinite)} must hold finite numbers, but have infinite "
            "values; a mean or a 0-1 scale of them would be inf or NaN. Clip or drop them first"
        )
    for column in (c for c in columns if frame[c].dtype.kind == "O"):
        odd = {type(v).__name__ for v in frame[column] if not isinstance(v, (str, bytes))}
        if odd:
            raise FeatureError(
                f"column {column!r} must hold one kind of value, but mixes strings with "
                f"{', '.join(sorted(odd))}; convert it, e.g. df[{column!r}].astype(str)"
            )
    records = frame[list(columns)].to_dict("records")
    return [{k: v.encode() if isinstance(v, str) else v for k, v in row.items()} for row in records]


class TransformResult(NamedTuple):
    """Transformed training (and eval) data and where the transform graph was written."""

    train: pd.DataFrame
    eval: pd.DataFrame | None
    output_dir: Path


def _frame(instances) -> pd.DataFrame:
    frame = pd.DataFrame(list(instances))
    return frame[sorted(frame.columns)]


def analyze_and_transform(
    train: pd.DataFrame,
    spec: Mapping[str, Part] | Callable,
    *,
    output_dir: str | Path,
    eval_df: pd.DataFrame | None = None,
    overwrite: bool = False,
) -> TransformResult:
    """Analyze ``train`` (learn means, vocabularies, boundaries), transform it (and ``eval_df``
    with the *training* statistics), and write the transform graph to ``output_dir``.

    ``spec`` is a spec, or your own ``preprocessing_fn(inputs)`` (checked by
    :func:`mlep.data.user_transform.checked`), which then gets every column of ``train``.

    Runs TF Transform's Beam implementation on the DirectRunner. A folder that already holds
    a transform graph is refused unless ``overwrite=True``, which replaces it (TF Transform
    cannot write over one). Its scratch folders are removed afterwards.
    """
    from mlep.runtime import tensorflow

    tensorflow()
    import tensorflow_transform.beam as tft_beam
    from tensorflow_transform.tf_metadata import dataset_metadata, metadata_io, schema_utils

    from mlep.data.user_transform import checked, is_function

    fn = checked(spec) if is_function(spec) else preprocessing_fn(spec)
    instance(train, pd.DataFrame, "train", "a pandas DataFrame")
    if eval_df is not None:
        instance(eval_df, pd.DataFrame, "eval_df", "a pandas DataFrame or None")
    instance(output_dir, (str, Path), "output_dir", "a folder path (str or pathlib.Path)")
    columns = sorted(
        train.columns if is_function(spec) else {c for p in spec.values() for c in p.inputs}
    )
    train_rows = _rows(train, columns)
    eval_rows = None if eval_df is None else _rows(eval_df, columns)
    if not train_rows:
        raise FeatureError("the training DataFrame is empty: there is nothing to analyze")
    metadata = dataset_metadata.DatasetMetadata(
        schema_utils.schema_from_feature_spec(feature_spec(train, columns))
    )
    output_dir = _fresh_output(Path(output_dir), overwrite)
    try:
        with (
            quiet(),
            tempfile.TemporaryDirectory(prefix="mlep-tft-") as scratch,
            tft_beam.Context(temp_dir=scratch, force_tf_compat_v1=False),
        ):
            train_out, eval_out = _run_transform(
                tft_beam, fn, metadata, train_rows, eval_rows, output_dir
            )
            # Beam computes the eval rows when they are read, and TFT logs a warning then
            train, evaluated = _frame(train_out), None if eval_out is None else _frame(eval_out)
            # the raw schema, where TFTransformOutput (and so transform_for_serving) looks for it
            metadata_io.write_metadata(metadata, str(output_dir / "metadata"))
    finally:
        shutil.rmtree(output_dir / "transform_tmp", ignore_errors=True)  # TFT's staging folder
    return TransformResult(train, evaluated, output_dir)


#: What analyze_and_transform writes into its output folder.
_OUTPUTS = ("transform_fn", "transformed_metadata", "metadata", "transform_tmp", "tmp")


def _fresh_output(output_dir: Path, overwrite: bool) -> Path:
    """``output_dir``, emptied of a previous transform graph when ``overwrite``."""
    if output_dir.exists() and not output_dir.is_dir():
        raise FeatureError(f"output_dir must be a folder, but {output_dir} is a file")
    previous = [name for name in _OUTPUTS if (output_dir / name).exists()]
    if previous and not overwrite:
        raise ExistsError(
            f"output_dir must not hold a transform graph yet, but {output_dir} already does "
            f"({', '.join(previous)}); pass overwrite=True to replace it, or choose a new folder"
        )
    for name in previous:
        shutil.rmtree(output_dir / name, ignore_errors=True)
    output_dir.mkdir(parents=True, exist_ok=True)
    return output_dir


def _run_transform(tft_beam, fn, metadata, train_rows, eval_rows, output_dir: Path):
    """Analyze and transform the training rows, transform the eval rows, write the graph."""
    analyze = tft_beam.AnalyzeAndTransformDataset(fn)
    (train_out, _), transform_fn = (train_rows, metadata) | analyze
    eval_out = None
    if eval_rows is not None:
        eval_out, _ = ((eval_rows, metadata), transform_fn) | tft_beam.TransformDataset()
    _ = transform_fn | tft_beam.WriteTransformFn(str(output_dir))
    return train_out, eval_out


def transform_for_serving(output_dir: str | Path, rows: pd.DataFrame) -> pd.DataFrame:
    """Apply the exported transform graph to raw ``rows``, as a serving model would."""
    from mlep.runtime import tensorflow

    tf = tensorflow()
    import tensorflow_transform as tft

    output_dir = Path(output_dir)
    if not (output_dir / "transform_fn").is_dir():
        raise FeatureError(
            f"no transform graph in {output_dir}: "
            "run analyze_and_transform(..., output_dir=...) first"
        )
    output = tft.TFTransformOutput(str(output_dir))
    raw_spec = output.raw_feature_spec()
    fixed = [n for n, f in raw_spec.items() if isinstance(f, tf.io.FixedLenFeature)]
    _rows(rows, fixed)  # same checks, same messages
    missing = [n for n in raw_spec if n not in rows.columns]
    if missing:
        raise FeatureError(
            f"the rows lack raw feature(s) {', '.join(missing)} that the transform graph reads"
        )
    features = {name: _tensor(tf, rows[name], spec) for name, spec in raw_spec.items()}
    with quiet():  # loading the graph logs "struct2tensor is not available." and the like
        transformed = output.transform_features_layer()(features)
    return pd.DataFrame({k: _numpy(v) for k, v in sorted(transformed.items())})


def _tensor(tf, column: pd.Series, spec):
    """A column as the tensor a feature spec describes (a SparseTensor for a VarLenFeature,
    which is how TFX reads a column that may be empty)."""
    dtype = object if spec.dtype == tf.string else spec.dtype.as_numpy_dtype
    if isinstance(spec, tf.io.FixedLenFeature):
        values = column.to_numpy()
        values = (
            [v.encode() if isinstance(v, str) else v for v in values] if dtype is object else values
        )
        return tf.constant(np.asarray(values, dtype=dtype).reshape((len(column), *spec.shape)))
    present = column.notna().to_numpy()
    values = column[present].to_numpy()
    values = [str(v).encode() for v in values] if dtype is object else values.astype(dtype)
    indices = np.stack([np.flatnonzero(present), np.zeros(present.sum(), dtype=int)], axis=1)
    return tf.SparseTensor(
        indices.astype(np.int64), tf.constant(values, dtype=spec.dtype), [len(column), 1]
    )


def _numpy(tensor) -> np.ndarray | list:
    array = tensor.numpy()
    if array.ndim > 1 and array.shape[1:] == (1,):
        return array.reshape(len(array))
    return list(array) if array.ndim > 1 else array  # e.g. images: one array per row


# -- TFX -------------------------------------------------------------------------------------


def transform_pipeline(
    data_dir: str | Path,
    module_file: str | Path | Callable,
    *,
    pipeline_root: str | Path,
    metadata_path: str | Path | None = None,
    schema_file: str | Path | None = None,
    name: str = "features",
) -> PipelineRun:
    """Run CsvExampleGen → StatisticsGen → SchemaGen → ExampleValidator → Transform.

    With ``schema_file`` (a curated ``schema.pbtxt``, e.g. a
    :class:`~mlep.data.schema_versions.SchemaVersions` version) the pipeline imports that schema
    with ``ImportSchemaGen`` instead of inferring one, so validation and Transform use the
    reviewed schema.

    ``data_dir`` holds the CSV file(s); ``module_file`` is a Python file that defines
    ``preprocessing_fn`` (typically ``preprocessing_fn = for_tfx(spec)``), or is your own
    ``preprocessing_fn``, which :func:`mlep.data.user_transform.tfx_module` writes to
    ``pipeline_root/user_module/<name>_fn.py`` for the run. The run is recorded
    in an ML Metadata SQLite store (``metadata_path``, default ``pipeline_root/metadata.sqlite``),
    which :class:`mlep.data.lineage.LineageStore` can query.
    """
    from mlep.data.user_transform import is_function, tfx_module, transform_component

    if is_function(module_file):
        module_file = tfx_module(module_file, Path(pipeline_root) / "user_module" / f"{name}_fn.py")
    data_dir, module_file, pipeline_root = Path(data_dir), Path(module_file), Path(pipeline_root)
    if not any(data_dir.glob("*.csv")):
        raise FeatureError(
            f"no CSV file in {data_dir}: CsvExampleGen reads every *.csv in that folder"
        )
    if not module_file.is_file() or "preprocessing_fn" not in module_file.read_text(
        encoding="utf-8"
    ):
        raise FeatureError(f"{module_file} must be a Python file that defines preprocessing_fn")
    if schema_file is not None and not Path(schema_file).is_file():
        raise FeatureError(f"no schema file at {schema_file}")
    from mlep.runtime import tensorflow

    tensorflow()
    from tfx import v1 as tfx

    example_gen = tfx.components.CsvExampleGen(input_base=str(data_dir))
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    if schema_file is None:
        schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"])
    else:
        schema_gen = tfx.components.ImportSchemaGen(schema_file=str(Path(schema_file).resolve()))
    validator = tfx.components.ExampleValidator(
        statistics=statistics_gen.outputs["statistics"], schema=schema_gen.outputs["schema"]
    )
    transform = transform_component(
        example_gen.outputs["examples"], schema_gen.outputs["schema"], module_file
    )
    components = [example_gen, statistics_gen, schema_gen, validator, transform]
    return run_pipeline(name, components, pipeline_root=pipeline_root, metadata_path=metadata_path)
