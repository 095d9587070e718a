"""Data validation with TensorFlow Data Validation (TFDV): statistics, schema, anomalies, drift.

The course's data-validation loop, one function per step:

    train = statistics(load("hospital_readmission", "train"))   # describe the data
    feature_table(train)                                         # ... as a table
    schema = infer_schema(train)                                  # what valid data looks like
    add_environments(schema, exclude={"SERVING": ["readmitted"]})
    set_drift_threshold(schema, "time_in_hospital", 0.05)         # JSD for numbers
    set_skew_threshold(schema, "age", 0.1)                        # L-infinity for strings
    anomalies_table(validate(statistics(eval_df), schema))       # what broke?
    drift_table(train, statistics(eval_df), schema)               # how far did it move?

TFDV does the work; this module chooses sensible options, turns protos into DataFrames and
turns library failures into messages that name the feature, file or slice at fault.
TensorFlow, TFDV and Beam are imported inside the functions that need them, so importing
this module is cheap. The two distances TFDV uses for drift and skew are also written out
by hand (:func:`linf_distance`, :func:`jensen_shannon_divergence`) and tested against the
values TFDV reports.

Scale path: :func:`statistics` runs in memory for an unsliced DataFrame and on Beam's
DirectRunner otherwise. For data that does not fit one machine, use TFDV's Beam transform
``tfdv.GenerateStatistics`` in a pipeline with Dataflow/Flink/Spark options; every other
function here takes the resulting proto unchanged.
"""

from __future__ import annotations

import csv
import difflib
import itertools
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tensorflow_metadata.proto.v0 import anomalies_pb2, schema_pb2, statistics_pb2

from mlep._checks import non_negative, real
from mlep.runtime import configure, quiet

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "ALL_EXAMPLES",
    "DataReadError",
    "FeatureNotFoundError",
    "SliceNotFoundError",
    "add_environments",
    "add_to_domain",
    "anomalies_table",
    "category_frequencies",
    "drift_table",
    "feature_table",
    "infer_schema",
    "jensen_shannon_divergence",
    "linf_distance",
    "numeric_histogram",
    "plot_drift",
    "plot_feature",
    "schema_table",
    "set_domain",
    "set_drift_threshold",
    "set_range",
    "set_required",
    "set_skew_threshold",
    "skew_table",
    "slice_names",
    "slice_statistics",
    "statistics",
    "validate",
]

#: Name TFDV gives the whole dataset when statistics are sliced.
ALL_EXAMPLES = "All Examples"

FEATURE_TABLE_COLUMNS = [
    "feature",
    "type",
    "count",
    "missing_fraction",
    "mean",
    "std",
    "min",
    "max",
    "unique",
    "top",
]
SCHEMA_TABLE_COLUMNS = ["feature", "type", "presence", "valency", "domain"]
ANOMALY_TABLE_COLUMNS = ["feature", "short_description", "description", "severity"]
COMPARISON_TABLE_COLUMNS = ["feature", "measure", "value", "threshold", "alarm"]
L_INFINITY = "L-infinity"
JENSEN_SHANNON = "Jensen-Shannon"

Bucket = tuple[float, float, float]


# --------------------------------------------------------------------------- errors


class _NamedKeyError(KeyError):
    """A KeyError whose message prints as written (KeyError would quote it)."""

    def __str__(self) -> str:
        return str(self.args[0])


class FeatureNotFoundError(_NamedKeyError):
    """A feature name that is not in the schema, the statistics or the data."""


class SliceNotFoundError(_NamedKeyError):
    """A slice (dataset) name or index that the statistics do not hold."""


class DataReadError(ValueError):
    """A CSV file or DataFrame that cannot be turned into statistics."""


def _not_found(kind: str, name: str, known: Sequence[str], where: str) -> str:
    """Message for an unknown name, with close matches first."""
    close = difflib.get_close_matches(str(name), list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    listing = ", ".join(known) if known else "(none)"
    return f"{kind} {name!r} is not in {where}{hint} Known: {listing}"


# --------------------------------------------------------------------------- TFDV access


def _tfdv():
    """Import TFDV with the course's process settings (takes ~5 s the first time)."""
    configure()
    with quiet():
        import tensorflow_data_validation as tfdv
    return tfdv


def _require_stats(stats: Any, argument: str = "stats") -> None:
    if not isinstance(stats, statistics_pb2.DatasetFeatureStatisticsList):
        raise TypeError(
            f"{argument} must be the statistics returned by statistics() "
            f"(a DatasetFeatureStatisticsList), got {type(stats).__name__}"
        )
    if not stats.datasets:
        raise ValueError(f"{argument} holds no dataset: compute it with statistics(data)")


def _require_schema(schema: Any) -> None:
    if not isinstance(schema, schema_pb2.Schema):
        raise TypeError(
            f"schema must be the Schema returned by infer_schema(), got {type(schema).__name__}"
        )


def _overall(stats: statistics_pb2.DatasetFeatureStatisticsList, argument: str = "stats"):
    """The statistics of the whole dataset (the 'All Examples' slice when sliced)."""
    _require_stats(stats, argument)
    if len(stats.datasets) == 1:
        return stats
    for dataset in stats.datasets:
        if dataset.name == ALL_EXAMPLES:
            overall = statistics_pb2.DatasetFeatureStatisticsList()
            overall.datasets.add().CopyFrom(dataset)
            return overall
    raise SliceNotFoundError(
        f"{argument} holds {len(stats.datasets)} datasets but none named {ALL_EXAMPLES!r}; "
        "pick one with slice_statistics(stats, name)"
    )


# --------------------------------------------------------------------------- statistics


def statistics(
    data: pd.DataFrame | str | os.PathLike, *, slice_by: list[str] | None = None
) -> statistics_pb2.DatasetFeatureStatisticsList:
    """Compute TFDV statistics of a DataFrame or a CSV file.

    Parameters
    ----------
    data
        A :class:`pandas.DataFrame`, or the path of a CSV file with a header row.
    slice_by
        Feature names to slice on, e.g. ``["gender"]``: the result then holds the whole
        dataset (named ``"All Examples"``) plus one dataset per value combination
        (``"gender_Female"``, ``"gender_Male"``). See :func:`slice_names`.

    Returns
    -------
    DatasetFeatureStatisticsList
        One dataset without ``slice_by``; ``1 + number of slices`` datasets with it.

    Raises
    ------
    TypeError
        ``data`` is neither a DataFrame nor a path, or a column holds values TFDV cannot
        describe (dates, mixed objects).
    FileNotFoundError
        The CSV file does not exist.
    DataReadError
        The CSV is empty, unreadable or ragged (a row with more or fewer fields than the
        header), or the DataFrame has no rows or columns. The message names the file/line.
    FeatureNotFoundError
        A ``slice_by`` name is not a column.

    Notes
    -----
    An unsliced DataFrame uses ``tfdv.generate_statistics_from_dataframe`` (in memory, a
    fraction of a second). That function ignores slice functions, so a sliced DataFrame
    runs ``tfdv.GenerateStatistics`` on Beam's DirectRunner (~3 s), as does every CSV
    (``tfdv.generate_statistics_from_csv``). Booleans are counted as 0/1 integers.
    """
    if isinstance(data, pd.DataFrame):
        frame = _checked_frame(data)
        _check_slice_columns(slice_by, list(frame.columns), "the DataFrame's columns")
        return _frame_statistics(frame, _stats_options(slice_by))
    if isinstance(data, (str, os.PathLike)):
        file = Path(data)
        header = _checked_csv(file)
        _check_slice_columns(slice_by, header, f"the header of {file}")
        return _csv_statistics(file, _stats_options(slice_by))
    raise TypeError(
        f"data must be a pandas DataFrame or the path of a CSV file, got {type(data).__name__}"
    )


def _stats_options(slice_by: list[str] | None):
    tfdv = _tfdv()
    if not slice_by:
        return tfdv.StatsOptions()
    from tensorflow_data_validation.utils import slicing_util

    slicer = slicing_util.get_feature_value_slicer({name: None for name in slice_by})
    return tfdv.StatsOptions(experimental_slice_functions=[slicer])


def _check_slice_columns(slice_by: list[str] | None, columns: list[str], where: str) -> None:
    if slice_by is None:
        return
    if isinstance(slice_by, str) or not isinstance(slice_by, Iterable):
        raise TypeError(f"slice_by must be a list of column names, e.g. [{slice_by!r}]")
    for name in slice_by:
        if name not in columns:
            raise FeatureNotFoundError(_not_found("slice_by column", name, columns, where))


def _checked_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Reject empty frames and columns TFDV cannot describe; count booleans as 0/1."""
    if frame.shape[1] == 0:
        raise DataReadError("the DataFrame has no columns: there is nothing to describe")
    if frame.shape[0] == 0:
        raise DataReadError(
            f"the DataFrame has no rows (columns: {', '.join(map(str, frame.columns))}); "
            "statistics need at least one example"
        )
    frame = frame.copy()
    for column in frame.columns:
        frame[column] = _supported_column(frame[column])
    return frame


def _supported_column(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    kind = column.dtype.kind
    if kind == "b":
        return column.astype("int64")
    if kind in "iuf":
        return column
    if kind == "O":
        odd = {type(v).__name__ for v in column.dropna() if not isinstance(v, (str, bytes))}
        if not odd:
            return column
        got = ", ".join(sorted(odd))
    else:
        got = str(column.dtype)
    raise TypeError(
        f"column {column.name!r} holds {got} values; TFDV statistics describe numbers and "
        "strings only. Convert it first, e.g. df[col] = df[col].astype(str)"
    )


def _checked_csv(file: Path) -> list[str]:
    """The CSV header, after checking the file is readable and rectangular."""
    if not file.is_file():
        raise FileNotFoundError(f"no CSV file at {file}")
    try:
        with open(file, newline="", encoding="utf-8") as handle:
            return _rectangular_header(csv.reader(handle), file)
    except (UnicodeDecodeError, csv.Error) as error:
        raise DataReadError(f"{file} is not a readable UTF-8 CSV file ({error})") from None


def _rectangular_header(rows: Iterator[list[str]], file: Path) -> list[str]:
    header = next(rows, None)
    if not header:
        raise DataReadError(f"{file} is empty: expected a header row, then one row per example")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise DataReadError(f"{file}: the header repeats column(s) {', '.join(duplicates)}")
    has_rows = False
    for row in rows:
        has_rows = True
        if len(row) != len(header):
            line = rows.line_num
            raise DataReadError(
                f"{file} is corrupt: line {line} has {len(row)} fields but the header has "
                f"{len(header)} ({', '.join(header)}); fix or drop that row"
            )
    if not has_rows:
        raise DataReadError(f"{file} has a header but no rows: nothing to describe")
    return header


def _frame_statistics(frame: pd.DataFrame, options) -> statistics_pb2.DatasetFeatureStatisticsList:
    tfdv = _tfdv()
    with quiet():
        if not options.experimental_slice_functions:
            return tfdv.generate_statistics_from_dataframe(frame, stats_options=options)
        return _beam_frame_statistics(tfdv, frame, options)


def _beam_frame_statistics(tfdv, frame: pd.DataFrame, options):
    """Sliced statistics of a DataFrame: one Arrow record batch through tfdv.GenerateStatistics."""
    import apache_beam as beam
    import pyarrow as pa
    from tfx_bsl.arrow import table_util

    batch = table_util.CanonicalizeRecordBatch(
        pa.RecordBatch.from_pandas(frame, preserve_index=False)
    )
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "statistics.binpb")
        with beam.Pipeline() as pipeline:
            _ = (
                pipeline
                | "Data" >> beam.Create([batch], reshuffle=False)
                | "Statistics" >> tfdv.GenerateStatistics(options)
                | "Write" >> tfdv.WriteStatisticsToBinaryFile(output)
            )
        return tfdv.load_stats_binary(output)


def _csv_statistics(file: Path, options) -> statistics_pb2.DatasetFeatureStatisticsList:
    tfdv = _tfdv()
    try:
        # TFDV writes to a fresh mkdtemp() folder it never removes unless given an output path
        with quiet(), tempfile.TemporaryDirectory(prefix="mlep-stats-") as folder:
            output = os.path.join(folder, "data_stats.tfrecord")
            return tfdv.generate_statistics_from_csv(
                str(file), stats_options=options, output_path=output
            )
    except Exception as error:  # noqa: BLE001 - Beam wraps decoder errors in long traces
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)
        raise DataReadError(f"TFDV could not read {file} as CSV: {reason}") from None


# --------------------------------------------------------------------------- reading statistics


def _dataset(stats: statistics_pb2.DatasetFeatureStatisticsList, dataset: int | str):
    _require_stats(stats)
    names = [d.name or "(unnamed)" for d in stats.datasets]
    if isinstance(dataset, bool) or not isinstance(dataset, (int, str)):
        raise TypeError(f"dataset must be an index or a slice name, got {type(dataset).__name__}")
    if isinstance(dataset, int):
        if -len(names) <= dataset < len(names):
            return stats.datasets[dataset]
        raise SliceNotFoundError(
            f"dataset index {dataset} is out of range: these statistics hold "
            f"{len(names)} dataset(s): {', '.join(names)}"
        )
    for candidate in stats.datasets:
        if candidate.name == dataset:
            return candidate
    raise SliceNotFoundError(_not_found("slice", dataset, names, "these statistics"))


def _feature_name(feature) -> str:
    return ".".join(feature.path.step) if feature.path.step else feature.name


def _find_feature_stats(dataset, feature: str):
    names = [_feature_name(f) for f in dataset.features]
    for candidate, name in zip(dataset.features, names):
        if name == feature:
            return candidate
    raise FeatureNotFoundError(_not_found("feature", feature, names, "the statistics"))


def feature_table(
    stats: statistics_pb2.DatasetFeatureStatisticsList, dataset: int | str = 0
) -> pd.DataFrame:
    """One row per feature: what TFDV's statistics say, as a DataFrame.

    Parameters
    ----------
    stats
        Statistics from :func:`statistics`.
    dataset
        Which dataset of ``stats``: an index, or a slice name such as ``"gender_Male"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``feature, type, count, missing_fraction, mean, std, min, max, unique, top``.
        ``count`` is the number of examples where the feature is present. ``mean`` ..
        ``max`` are NaN for string features; ``unique`` (missing, ``<NA>``) and ``top``
        (``None``) are empty for numeric ones.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import statistics_pb2
    >>> stats = statistics_pb2.DatasetFeatureStatisticsList()
    >>> ds = stats.datasets.add(num_examples=4)
    >>> f = ds.features.add(type=statistics_pb2.FeatureNameStatistics.INT)
    >>> f.path.step.append("age")
    >>> f.num_stats.common_stats.num_non_missing = 3
    >>> f.num_stats.common_stats.num_missing = 1
    >>> f.num_stats.mean, f.num_stats.min, f.num_stats.max = 40.0, 30.0, 50.0
    >>> feature_table(stats)[["feature", "type", "count", "missing_fraction", "mean", "top"]]
      feature type  count  missing_fraction  mean   top
    0     age  INT      3              0.25  40.0  None
    """
    chosen = _dataset(stats, dataset)
    rows = [_feature_row(feature, chosen.num_examples) for feature in chosen.features]
    table = pd.DataFrame(rows, columns=FEATURE_TABLE_COLUMNS)
    table["unique"] = table["unique"].astype("Int64")
    return table


def _feature_row(feature, num_examples: int) -> dict[str, Any]:
    kind = statistics_pb2.FeatureNameStatistics.Type.Name(feature.type)
    nan = float("nan")
    row = {
        "feature": _feature_name(feature),
        "type": kind,
        "mean": nan,
        "std": nan,
        "min": nan,
        "max": nan,
        "unique": None,
        "top": None,
    }
    if feature.HasField("num_stats"):
        numbers = feature.num_stats
        common = numbers.common_stats
        row.update(mean=numbers.mean, std=numbers.std_dev, min=numbers.min, max=numbers.max)
    else:
        strings = feature.string_stats
        common = strings.common_stats
        top = strings.top_values[0].value if strings.top_values else None
        row.update(unique=strings.unique, top=top)
    row["count"] = int(common.num_non_missing)
    row["missing_fraction"] = common.num_missing / num_examples if num_examples else nan
    return row


# --------------------------------------------------------------------------- schema


def infer_schema(stats: statistics_pb2.DatasetFeatureStatisticsList) -> schema_pb2.Schema:
    """Infer a schema (types, presence, valency, string domains) with ``tfdv.infer_schema``.

    Sliced statistics are reduced to their ``"All Examples"`` dataset first.
    """
    overall = _overall(stats)
    with quiet():
        return _tfdv().infer_schema(statistics=overall)


def _schema_feature(schema: schema_pb2.Schema, feature: str):
    _require_schema(schema)
    for candidate in schema.feature:
        if candidate.name == feature:
            return candidate
    names = [f.name for f in schema.feature]
    raise FeatureNotFoundError(_not_found("feature", feature, names, "the schema"))


def _global_string_domain(schema: schema_pb2.Schema, feature) -> Any:
    """The schema-level string_domain a feature refers to by name, if any."""
    if feature.WhichOneof("domain_info") != "domain":
        return None
    for domain in schema.string_domain:
        if domain.name == feature.domain:
            return domain
    return None


def _string_domain_values(schema: schema_pb2.Schema, feature) -> list[str] | None:
    domain = _global_string_domain(schema, feature)
    if domain is not None:
        return list(domain.value)
    if feature.WhichOneof("domain_info") == "string_domain":
        return list(feature.string_domain.value)
    return None


def _domain_text(schema: schema_pb2.Schema, feature) -> list[str] | str | None:
    values = _string_domain_values(schema, feature)
    if values is not None:
        return values
    kind = feature.WhichOneof("domain_info")
    if kind in ("int_domain", "float_domain"):
        domain = getattr(feature, kind)
        low = f"{domain.min:g}" if domain.HasField("min") else ""
        high = f"{domain.max:g}" if domain.HasField("max") else ""
        return f"{low}..{high}"
    return kind  # e.g. "bool_domain", or None when the feature has no domain


def _valency(feature) -> str:
    if feature.HasField("shape"):
        sizes = [dim.size for dim in feature.shape.dim]
        return "single" if sizes == [1] else f"shape {sizes}"
    if feature.HasField("value_count"):
        count = feature.value_count
        if count.min == count.max == 1:
            return "single"
        high = str(count.max) if count.HasField("max") else "inf"
        return f"[{count.min},{high}]"
    return ""


def schema_table(schema: schema_pb2.Schema) -> pd.DataFrame:
    """One row per schema feature: ``feature, type, presence, valency, domain``.

    ``type`` follows ``tfdv.display_schema``: a BYTES feature with a string domain shows as
    STRING. ``domain`` is the list of allowed strings, ``"min..max"`` for a numeric range,
    or None.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="age", type=schema_pb2.INT)
    >>> _ = set_range(schema, "age", 0, 120)
    >>> _ = schema.feature.add(name="gender", type=schema_pb2.BYTES)
    >>> _ = set_required(set_domain(schema, "gender", ["Female", "Male"]), "gender")
    >>> schema_table(schema)
      feature    type  presence valency          domain
    0     age     INT  optional                  0..120
    1  gender  STRING  required          [Female, Male]
    """
    _require_schema(schema)
    rows = []
    for feature in schema.feature:
        kind = schema_pb2.FeatureType.Name(feature.type)
        if kind == "BYTES" and _string_domain_values(schema, feature) is not None:
            kind = "STRING"
        presence = "required" if feature.presence.min_fraction == 1.0 else "optional"
        rows.append(
            [feature.name, kind, presence, _valency(feature), _domain_text(schema, feature)]
        )
    return pd.DataFrame(rows, columns=SCHEMA_TABLE_COLUMNS)


def _as_strings(values: Iterable[Any], feature: str) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(
            f"values for {feature!r} must be a list of strings, e.g. [{values!r}], "
            f"but got {type(values).__name__}"
        )
    values = list(values)
    odd = [value for value in values if not isinstance(value, str)]
    if odd:
        raise TypeError(
            f"values for {feature!r} must be strings (TFDV compares the text), but got "
            f"{type(odd[0]).__name__} {odd[0]!r}; write it as {str(odd[0])!r}"
        )
    if not values:
        raise ValueError(
            f"values for {feature!r} must hold at least one string, but got none "
            "(an empty domain would flag every value)"
        )
    return list(dict.fromkeys(values))


def _own_string_domain(schema: schema_pb2.Schema, chosen) -> Any:
    """The feature's schema-level string domain, copied first if other features share it.

    TFDV changes only the feature it is asked about; editing a shared domain in place
    would change every feature that refers to it.
    """
    domain = _global_string_domain(schema, chosen)
    if domain is None:
        return None
    sharing = [f for f in schema.feature if f is not chosen and f.domain == domain.name]
    if not sharing:
        return domain
    taken = {d.name for d in schema.string_domain}
    name, suffix = chosen.name, 2
    while name in taken:
        name, suffix = f"{chosen.name}_{suffix}", suffix + 1
    own = schema.string_domain.add(name=name)
    own.value.extend(domain.value)
    chosen.domain = name
    return own


def _require_bytes(feature, action: str, instead: str) -> None:
    if feature.type != schema_pb2.BYTES:
        kind = schema_pb2.FeatureType.Name(feature.type)
        raise ValueError(
            f"feature {feature.name!r} is {kind}; {action} needs a string (BYTES) feature. "
            f"Use {instead} instead"
        )


def set_domain(schema: schema_pb2.Schema, feature: str, values: Iterable[str]) -> schema_pb2.Schema:
    """Make ``values`` the only allowed strings of ``feature`` (creating the domain if needed).

    A feature that refers to a schema-level ``string_domain`` (as inferred schemas do) has
    that domain's values replaced; otherwise a schema-level domain named after the feature is
    created. Returns ``schema`` (changed in place) so calls can chain.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="gender", type=schema_pb2.BYTES)
    >>> schema_table(set_domain(schema, "gender", ["Female", "Male"])).domain[0]
    ['Female', 'Male']
    >>> set_domain(schema, "gendr", ["X"])
    Traceback (most recent call last):
    ...
    mlep.data.validation.FeatureNotFoundError: feature 'gendr' is not in the schema; did you mean 'gender'? Known: gender
    """
    chosen = _schema_feature(schema, feature)
    _require_bytes(chosen, "a string domain", "set_range(schema, feature, min, max)")
    new_values = _as_strings(values, feature)
    domain = _own_string_domain(schema, chosen)
    if domain is None:
        taken = {d.name for d in schema.string_domain}
        name, suffix = feature, 2
        while name in taken:  # a domain of this name may belong to other features
            name, suffix = f"{feature}_{suffix}", suffix + 1
        chosen.ClearField("string_domain")
        domain = schema.string_domain.add(name=name)
        chosen.domain = name
    del domain.value[:]
    domain.value.extend(new_values)
    return schema


def add_to_domain(
    schema: schema_pb2.Schema, feature: str, values: Iterable[str]
) -> schema_pb2.Schema:
    """Allow extra strings for ``feature``: the fix when a new value is legitimate.

    Values already in the domain are skipped. Returns ``schema`` (changed in place).

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="payer_code", type=schema_pb2.BYTES)
    >>> _ = set_domain(schema, "payer_code", ["MC", "MD"])
    >>> schema_table(add_to_domain(schema, "payer_code", ["ZZ", "MC"])).domain[0]
    ['MC', 'MD', 'ZZ']
    """
    chosen = _schema_feature(schema, feature)
    _require_bytes(chosen, "add_to_domain", "set_range(schema, feature, min, max)")
    current = _string_domain_values(schema, chosen)
    if current is None:
        raise ValueError(
            f"feature {feature!r} has no string domain to extend; "
            f"create one with set_domain(schema, {feature!r}, values)"
        )
    new_values = [v for v in _as_strings(values, feature) if v not in current]
    domain = _own_string_domain(schema, chosen) or chosen.string_domain
    domain.value.extend(new_values)
    return schema


def set_range(schema: schema_pb2.Schema, feature: str, min: float, max: float) -> schema_pb2.Schema:
    """Allow values of a numeric ``feature`` only within ``[min, max]``.

    INT features get an ``int_domain`` (bounds must be whole numbers), FLOAT features a
    ``float_domain``. Any previous domain of the feature is replaced. Returns ``schema``.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="time_in_hospital", type=schema_pb2.INT)
    >>> schema_table(set_range(schema, "time_in_hospital", 1, 14)).domain[0]
    '1..14'
    >>> set_range(schema, "time_in_hospital", 1, 7.5)
    Traceback (most recent call last):
    ...
    ValueError: feature 'time_in_hospital' is INT: its range needs whole-number bounds, got min=1, max=7.5
    """
    chosen = _schema_feature(schema, feature)
    kind = schema_pb2.FeatureType.Name(chosen.type)
    if kind not in ("INT", "FLOAT"):
        raise ValueError(
            f"feature {feature!r} is {kind}; a range applies to INT or FLOAT features. "
            "Use set_domain(schema, feature, values) for strings"
        )
    min, max = real(min, "min"), real(max, "max")  # NaN would disable that side of the check
    if min > max:
        raise ValueError(f"range for {feature!r} is empty: min={min:g} is above max={max:g}")
    if kind == "INT":
        if float(min) != int(min) or float(max) != int(max):
            raise ValueError(
                f"feature {feature!r} is INT: its range needs whole-number bounds, "
                f"got min={min:g}, max={max:g}"
            )
        chosen.int_domain.min, chosen.int_domain.max = int(min), int(max)
    else:
        chosen.float_domain.min, chosen.float_domain.max = float(min), float(max)
    return schema


def set_required(
    schema: schema_pb2.Schema, feature: str, required: bool = True
) -> schema_pb2.Schema:
    """Require ``feature`` in every example (``min_fraction`` 1) or make it optional (0).

    Making a feature optional also drops the fixed ``shape`` TFDV infers for features that
    were always present (a shape says "exactly one value in every example") and keeps the
    weaker "at most one value" as a value count.
    """
    chosen = _schema_feature(schema, feature)
    chosen.presence.min_fraction = 1.0 if required else 0.0
    chosen.presence.min_count = 1 if required else 0
    if not required and chosen.HasField("shape"):
        chosen.ClearField("shape")
        chosen.value_count.min = 1
        chosen.value_count.max = 1
    return schema


def domain_values(schema: schema_pb2.Schema, feature: str) -> list[str] | None:
    """The values a string feature may take, or ``None`` if it has no string domain."""
    return _string_domain_values(schema, _schema_feature(schema, feature))


def write_schema(schema: schema_pb2.Schema, path: str | os.PathLike) -> Path:
    """Save a curated schema as text (``.pbtxt``), to version it next to the code."""
    _require_schema(schema)
    from google.protobuf import text_format

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text_format.MessageToString(schema), encoding="utf-8")
    return target


def load_schema(path: str | os.PathLike) -> schema_pb2.Schema:
    """Read a schema written by :func:`write_schema` (or by TFX's SchemaGen)."""
    from google.protobuf import text_format

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no schema file at {file}")
    try:
        return text_format.Parse(file.read_text(encoding="utf-8"), schema_pb2.Schema())
    except text_format.ParseError as error:
        raise DataReadError(f"{file} is not a text-format TFDV schema: {error}") from None


def _environments(schema: schema_pb2.Schema) -> list[str]:
    names = list(schema.default_environment)
    for feature in schema.feature:
        names += list(feature.in_environment) + list(feature.not_in_environment)
    return list(dict.fromkeys(names))


def add_environments(
    schema: schema_pb2.Schema,
    environments: Sequence[str] = ("TRAINING", "SERVING"),
    exclude: Mapping[str, Sequence[str]] | None = None,
) -> schema_pb2.Schema:
    """Declare the schema's environments and the features absent from some of them.

    ``exclude={"SERVING": ["readmitted"]}`` says serving data has no label: validate serving
    statistics with ``environment="SERVING"`` and the missing label is not an anomaly.
    Returns ``schema`` (changed in place).

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="readmitted", type=schema_pb2.BYTES)
    >>> schema = add_environments(schema, exclude={"SERVING": ["readmitted"]})
    >>> list(schema.default_environment), list(schema.feature[0].not_in_environment)
    (['TRAINING', 'SERVING'], ['SERVING'])
    """
    _require_schema(schema)
    if isinstance(environments, str):
        environments = [environments]
    exclude = dict(exclude or {})
    for environment in exclude:
        if environment not in environments:
            raise ValueError(
                f"exclude names environment {environment!r}, which is not among the "
                f"environments {list(environments)}"
            )
    for environment in environments:
        if environment not in schema.default_environment:
            schema.default_environment.append(environment)
    for environment, features in exclude.items():
        for name in [features] if isinstance(features, str) else features:
            chosen = _schema_feature(schema, name)
            if environment not in chosen.not_in_environment:
                chosen.not_in_environment.append(environment)
    return schema


# --------------------------------------------------------------------------- validation


def validate(
    stats: statistics_pb2.DatasetFeatureStatisticsList,
    schema: schema_pb2.Schema,
    *,
    environment: str | None = None,
    previous_stats: statistics_pb2.DatasetFeatureStatisticsList | None = None,
    serving_stats: statistics_pb2.DatasetFeatureStatisticsList | None = None,
) -> anomalies_pb2.Anomalies:
    """Check statistics against a schema with ``tfdv.validate_statistics``.

    Parameters
    ----------
    stats, schema
        What to check, and the expectations. Sliced statistics use their whole dataset.
    environment
        E.g. ``"SERVING"``: features excluded from it (see :func:`add_environments`) are
        not expected.
    previous_stats
        Statistics of an earlier span: drift comparators (see :func:`set_drift_threshold`)
        compare ``stats`` with these.
    serving_stats
        Serving statistics: skew comparators compare ``stats`` (training) with these.
    """
    _require_schema(schema)
    if environment is not None and environment not in _environments(schema):
        known = _environments(schema)
        raise ValueError(
            f"environment {environment!r} is not in the schema (it has "
            f"{', '.join(known) if known else 'no environments'}); declare it with "
            "add_environments(schema, ...)"
        )
    previous = None if previous_stats is None else _overall(previous_stats, "previous_stats")
    serving = None if serving_stats is None else _overall(serving_stats, "serving_stats")
    with quiet():
        return _tfdv().validate_statistics(
            _overall(stats),
            schema,
            environment=environment,
            previous_statistics=previous,
            serving_statistics=serving,
        )


def anomalies_table(anomalies: anomalies_pb2.Anomalies) -> pd.DataFrame:
    """One row per anomalous feature: ``feature, short_description, description, severity``.

    Dataset-level anomalies (e.g. too few examples) get the feature name ``"(dataset)"``.
    No anomalies gives an empty DataFrame with the same columns.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import anomalies_pb2
    >>> anomalies_table(anomalies_pb2.Anomalies()).columns.tolist()
    ['feature', 'short_description', 'description', 'severity']
    """
    if not isinstance(anomalies, anomalies_pb2.Anomalies):
        raise TypeError(
            f"anomalies must be the Anomalies returned by validate(), got {type(anomalies).__name__}"
        )
    infos = [(name, anomalies.anomaly_info[name]) for name in sorted(anomalies.anomaly_info)]
    if anomalies.HasField("dataset_anomaly_info"):
        infos.append(("(dataset)", anomalies.dataset_anomaly_info))
    rows = [
        [
            name,
            info.short_description,
            info.description,
            anomalies_pb2.AnomalyInfo.Severity.Name(info.severity),
        ]
        for name, info in infos
    ]
    return pd.DataFrame(rows, columns=ANOMALY_TABLE_COLUMNS)


# --------------------------------------------------------------------------- drift and skew


def _measure_for(feature) -> str:
    """TFDV measures strings with L-infinity and numbers with Jensen-Shannon divergence."""
    return L_INFINITY if feature.type == schema_pb2.BYTES else JENSEN_SHANNON


def _set_threshold(comparator, feature, threshold: float) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
        raise TypeError(f"threshold for {feature.name!r} must be a number, got {threshold!r}")
    if not 0 <= threshold <= 1:
        raise ValueError(
            f"threshold for {feature.name!r} must be between 0 and 1 (both distances are), "
            f"got {threshold}"
        )
    comparator.Clear()
    if _measure_for(feature) == L_INFINITY:
        comparator.infinity_norm.threshold = threshold
    else:
        comparator.jensen_shannon_divergence.threshold = threshold


def set_drift_threshold(
    schema: schema_pb2.Schema, feature: str, threshold: float
) -> schema_pb2.Schema:
    """Alarm when ``feature`` moves more than ``threshold`` between spans (drift).

    String features use the L-infinity distance, numeric ones the Jensen-Shannon divergence,
    as TFDV supports. Returns ``schema`` (changed in place).

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="age", type=schema_pb2.BYTES)
    >>> _ = schema.feature.add(name="time_in_hospital", type=schema_pb2.INT)
    >>> _ = set_drift_threshold(schema, "age", 0.1)
    >>> _ = set_drift_threshold(schema, "time_in_hospital", 0.05)
    >>> schema.feature[0].drift_comparator.infinity_norm.threshold
    0.1
    >>> schema.feature[1].drift_comparator.jensen_shannon_divergence.threshold
    0.05
    """
    chosen = _schema_feature(schema, feature)
    _set_threshold(chosen.drift_comparator, chosen, threshold)
    return schema


def set_skew_threshold(
    schema: schema_pb2.Schema, feature: str, threshold: float
) -> schema_pb2.Schema:
    """Alarm when ``feature`` differs more than ``threshold`` between training and serving.

    Same measures as :func:`set_drift_threshold`. Returns ``schema`` (changed in place).
    """
    chosen = _schema_feature(schema, feature)
    _set_threshold(chosen.skew_comparator, chosen, threshold)
    return schema


def drift_table(
    previous_stats: statistics_pb2.DatasetFeatureStatisticsList,
    current_stats: statistics_pb2.DatasetFeatureStatisticsList,
    schema: schema_pb2.Schema,
    *,
    environment: str | None = None,
) -> pd.DataFrame:
    """Drift of each feature with a drift threshold, as TFDV measured it.

    Returns
    -------
    pandas.DataFrame
        ``feature, measure, value, threshold, alarm``: one row per feature with a threshold
        (set by :func:`set_drift_threshold`), in schema order, whether or not it alarms.
        ``alarm`` is ``value > threshold`` (TFDV's rule). ``value`` is NaN when TFDV could
        not measure (the feature is missing from one of the datasets; :func:`validate`
        then reports it as an anomaly).

    Notes
    -----
    The values are read from ``Anomalies.drift_skew_info``: TFDV 1.16 records a measurement
    for every feature with a comparator threshold, including those under it.
    """
    anomalies = validate(
        current_stats, schema, environment=environment, previous_stats=previous_stats
    )
    return _comparison_table(anomalies, schema, "drift")


def skew_table(
    training_stats: statistics_pb2.DatasetFeatureStatisticsList,
    serving_stats: statistics_pb2.DatasetFeatureStatisticsList,
    schema: schema_pb2.Schema,
    *,
    environment: str | None = "SERVING",
) -> pd.DataFrame:
    """Training/serving skew of each feature with a skew threshold, as TFDV measured it.

    Same columns and rules as :func:`drift_table`. ``environment`` (default ``"SERVING"``)
    leaves out features excluded from serving, such as the label; it is ignored when the
    schema declares no environments at all.
    """
    _require_schema(schema)
    if environment is not None and not _environments(schema):
        environment = None
    anomalies = validate(
        training_stats, schema, environment=environment, serving_stats=serving_stats
    )
    return _comparison_table(anomalies, schema, "skew")


def _thresholds(comparator) -> list[tuple[str, float]]:
    found = []
    if comparator.infinity_norm.HasField("threshold"):
        found.append((L_INFINITY, comparator.infinity_norm.threshold))
    if comparator.jensen_shannon_divergence.HasField("threshold"):
        found.append((JENSEN_SHANNON, comparator.jensen_shannon_divergence.threshold))
    return found


def _measurements(anomalies: anomalies_pb2.Anomalies, kind: str) -> dict[tuple[str, str], float]:
    names = {
        anomalies_pb2.DriftSkewInfo.Measurement.L_INFTY: L_INFINITY,
        anomalies_pb2.DriftSkewInfo.Measurement.JENSEN_SHANNON_DIVERGENCE: JENSEN_SHANNON,
    }
    values = {}
    for info in anomalies.drift_skew_info:
        feature = ".".join(info.path.step)
        measured = info.drift_measurements if kind == "drift" else info.skew_measurements
        for measurement in measured:
            if measurement.type in names:
                values[(feature, names[measurement.type])] = measurement.value
    return values


def _comparison_table(anomalies, schema: schema_pb2.Schema, kind: str) -> pd.DataFrame:
    values = _measurements(anomalies, kind)
    rows = []
    for feature in schema.feature:
        comparator = feature.drift_comparator if kind == "drift" else feature.skew_comparator
        for measure, threshold in _thresholds(comparator):
            value = values.get((feature.name, measure), float("nan"))
            rows.append([feature.name, measure, value, threshold, bool(value > threshold)])
    table = pd.DataFrame(rows, columns=COMPARISON_TABLE_COLUMNS)
    return table.astype({"value": float, "threshold": float, "alarm": bool})


# --------------------------------------------------------------------------- slices


def slice_names(stats: statistics_pb2.DatasetFeatureStatisticsList) -> list[str]:
    """Names of the datasets in sliced statistics, ``"All Examples"`` first.

    Statistics computed without ``slice_by`` have no slices: the result is ``[]``.
    """
    _require_stats(stats)
    if len(stats.datasets) == 1 and not stats.datasets[0].name:
        return []
    return [dataset.name for dataset in stats.datasets]


def slice_statistics(
    stats: statistics_pb2.DatasetFeatureStatisticsList, slice_name: str
) -> statistics_pb2.DatasetFeatureStatisticsList:
    """The statistics of one slice (``tfdv.get_slice_stats``), usable like any statistics."""
    names = slice_names(stats)
    if not names:
        raise SliceNotFoundError(
            f"these statistics have no slices, so no slice {slice_name!r}; compute them with "
            "statistics(data, slice_by=[column, ...])"
        )
    if slice_name not in names:
        raise SliceNotFoundError(_not_found("slice", slice_name, names, "these statistics"))
    return _tfdv().get_slice_stats(stats, slice_name)


# --------------------------------------------------------------------------- distances by hand


def category_frequencies(
    stats: statistics_pb2.DatasetFeatureStatisticsList, feature: str
) -> dict[str, float]:
    """Value -> count of a string feature, from its rank histogram (what TFDV's L-infinity uses).

    The rank histogram keeps up to ``StatsOptions.num_rank_histogram_buckets`` (1000)
    values; ``top_values`` (20) would be too short for distances.
    """
    chosen = _find_feature_stats(_overall(stats).datasets[0], feature)
    if not chosen.HasField("string_stats"):
        raise ValueError(
            f"feature {feature!r} is numeric, so it has no value counts; "
            "use numeric_histogram(stats, feature)"
        )
    return {b.label: b.sample_count for b in chosen.string_stats.rank_histogram.buckets}


def numeric_histogram(
    stats: statistics_pb2.DatasetFeatureStatisticsList, feature: str
) -> list[Bucket]:
    """``(low, high, count)`` buckets of a numeric feature's standard histogram.

    This is the histogram TFDV's Jensen-Shannon divergence uses (10 equal-width buckets by
    default; counts are fractional because TFDV builds it from a quantiles sketch). NaN
    values, if any, come last as a ``(nan, nan, count)`` bucket.
    """
    chosen = _find_feature_stats(_overall(stats).datasets[0], feature)
    standard = statistics_pb2.Histogram.STANDARD
    histograms = [h for h in chosen.num_stats.histograms if h.type == standard]
    if not histograms:
        raise ValueError(
            f"feature {feature!r} has no numeric histogram (it is a string feature?); "
            "use category_frequencies(stats, feature)"
        )
    buckets = [(b.low_value, b.high_value, b.sample_count) for b in histograms[0].buckets]
    if histograms[0].num_nan:
        buckets.append((math.nan, math.nan, float(histograms[0].num_nan)))
    return buckets


def _normalized(counts: Mapping[str, float], argument: str) -> dict[str, float]:
    _counts(counts, argument)
    total = _running_sum(counts[value] for value in sorted(counts))
    if total <= 0:
        raise ValueError(f"{argument} is empty (total count 0): no distribution to compare")
    return {value: counts[value] / total for value in sorted(counts)}


def linf_distance(counts_a: Mapping[str, float], counts_b: Mapping[str, float]) -> float:
    """L-infinity distance: the largest gap between the two normalized frequency tables.

    Each table is divided by its own total; values missing from one side count as 0. This
    is TFDV's drift/skew measure for string features (``infinity_norm``), computed the
    same way (same order of operations) as its C++ ``LInftyDistance``.

    Examples
    --------
    >>> linf_distance({"a": 3, "b": 1}, {"a": 1, "b": 1, "c": 2})
    0.5
    >>> linf_distance({"MC": 60, "MD": 40}, {"MC": 50, "MD": 40, "ZZ": 10})
    0.1
    >>> linf_distance({"x": 1}, {"x": 5})
    0.0
    """
    freq_a = _normalized(counts_a, "counts_a")
    freq_b = _normalized(counts_b, "counts_b")
    values = sorted(set(freq_a) | set(freq_b))
    return max(abs(freq_a.get(v, 0.0) - freq_b.get(v, 0.0)) for v in values)


def jensen_shannon_divergence(
    a: Sequence[Bucket] | Mapping[str, float], b: Sequence[Bucket] | Mapping[str, float]
) -> float:
    """Jensen-Shannon divergence (log base 2, so between 0 and 1), computed as TFDV does.

    ``JSD(P, Q) = (KL(P || M) + KL(Q || M)) / 2`` with ``M = (P + Q) / 2``.

    Parameters
    ----------
    a, b
        Either two histograms as ``(low, high, count)`` buckets (see
        :func:`numeric_histogram`), or two value -> count mappings (string features).

    Notes
    -----
    For histograms this mirrors ``JensenShannonDivergence`` in TFDV's
    ``anomalies/metrics.cc`` (read for TFDV 1.16):

    1. Point buckets (``low == high``), buckets with an infinite bound and NaN buckets are
       set aside; the remaining buckets of both histograms are re-bucketed onto the union of
       their boundaries, spreading each bucket's count uniformly over its width.
    2. Point masses are appended as one bucket per distinct point; infinite masses as
       *non-overlapping* buckets (a's infinite mass against 0, then 0 against b's);
       NaN counts as the pair ``[0, nan_a]`` / ``[nan_b, 0]``, i.e. also non-overlapping.
    3. Both are normalized to sum 1; the result is capped at 1.0.

    One TFDV 1.16 quirk is reproduced on purpose, so the values agree: when the two
    histograms have different boundaries, re-bucketing builds new histograms that do not
    carry the NaN counts, so NaNs are ignored; with identical boundaries they count. (NaN is
    rare in practice: pandas' NaN reaches TFDV as a *missing* value, not as a NaN.)

    Because TFDV's standard histogram comes from a quantiles sketch and assumes values are
    uniform inside a bucket, this approximates the divergence of the true distributions.

    Examples
    --------
    Identical histograms, disjoint ones, and one bucket split in half:

    >>> jensen_shannon_divergence([(0, 10, 5)], [(0, 10, 50)])
    0.0
    >>> jensen_shannon_divergence([(0, 1, 1)], [(1, 2, 1)])
    1.0
    >>> jensen_shannon_divergence([(0, 2, 4)], [(0, 1, 4)])
    0.31127812445913283
    >>> jensen_shannon_divergence({"a": 1, "b": 1}, {"a": 1})
    0.31127812445913283
    """
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return _categorical_jsd(a, b)
    p_counts, q_counts = _aligned_counts(_buckets(a, "a"), _buckets(b, "b"))
    p = _probabilities(p_counts, "a")
    q = _probabilities(q_counts, "b")
    m = [(x + y) / 2 for x, y in zip(p, q)]
    return min((_kl_divergence(p, m) + _kl_divergence(q, m)) / 2, 1.0)


def _counts(counts: Mapping[str, float], argument: str) -> None:
    """A value -> count mapping with finite, non-negative counts."""
    if not isinstance(counts, Mapping):
        raise TypeError(f"{argument} must map values to counts, but got {type(counts).__name__}")
    for value, number in counts.items():
        if real(number, f"{argument}[{value!r}] (a count)") < 0:
            raise ValueError(
                f"{argument}[{value!r}] (a count) must be >= 0, but got {number}: "
                "negative counts are not a distribution"
            )


def _categorical_jsd(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """TFDV's JSD of two value->count maps (its ``JensenShannonDivergence`` for strings)."""
    _counts(a, "a")
    _counts(b, "b")
    if not a or not b or min(a.values()) <= 0 or min(b.values()) <= 0:
        raise ValueError("both value counts must be non-empty with positive counts")
    a_sum = _running_sum(a[v] for v in sorted(a))
    b_sum = _running_sum(b[v] for v in sorted(b))
    total = 0.0
    for value in sorted(set(a) | set(b)):
        pa, pb = a.get(value, 0.0) / a_sum, b.get(value, 0.0) / b_sum
        m = (pa + pb) / 2
        if value in a:
            total += pa * math.log2(pa / m)
        if value in b:
            total += pb * math.log2(pb / m)
    return min(total / 2, 1.0)


def _buckets(histogram: Sequence[Bucket], argument: str) -> list[Bucket]:
    if isinstance(histogram, Mapping) or not isinstance(histogram, Sequence):
        raise TypeError(
            f"histogram {argument} must be a list of (low, high, count) buckets "
            "(see numeric_histogram) — or pass two value->count mappings"
        )
    if isinstance(histogram, (str, bytes)):
        raise TypeError(f"histogram {argument} must be a list of buckets, but got a string")
    try:
        buckets = [(float(lo), float(hi), float(count)) for lo, hi, count in histogram]
    except (TypeError, ValueError):
        raise TypeError(
            f"histogram {argument} must hold (low, high, count) triples, but got {histogram!r}"
        ) from None
    for index, (low, high, number) in enumerate(buckets):
        non_negative(number, f"histogram {argument}, bucket {index}: the count")
        if math.isnan(low) != math.isnan(high):
            raise ValueError(
                f"histogram {argument}, bucket {index} must have both bounds NaN (the NaN "
                f"bucket) or neither, but got ({low}, {high})"
            )
        if low > high:
            raise ValueError(
                f"histogram {argument}, bucket {index} must have low <= high, but got "
                f"({low}, {high})"
            )
    return buckets


def _split_buckets(buckets: list[Bucket]):
    """Regular buckets (sorted), point masses, infinite mass and NaN count."""
    regular, points, infinite, nan = [], {}, 0.0, 0.0
    for low, high, count in buckets:
        if math.isnan(low) and math.isnan(high):
            nan += count
        elif not (math.isfinite(low) and math.isfinite(high)):
            infinite += count
        elif low == high:
            points[low] = points.get(low, 0.0) + count
        else:
            regular.append((low, high, count))
    return sorted(regular), points, infinite, nan


def _rebucket(regular: list[Bucket], boundaries: list[float]) -> list[float]:
    """Counts on ``boundaries``, spreading each bucket uniformly over the intervals it covers."""
    counts, index = [], 0
    for low, high, count in regular:
        while low > boundaries[index]:
            counts.append(0.0)
            index += 1
        covered = []
        while high > boundaries[index]:
            covered.append(boundaries[index])
            index += 1
        covered.append(boundaries[index])
        for left, right in itertools.pairwise(covered):
            counts.append(((right - left) / (high - low)) * count)
    counts += [0.0] * (len(boundaries) - 1 - index)
    return counts


def _edges(regular: list[Bucket]) -> set[float]:
    return {edge for low, high, _ in regular for edge in (low, high)}


def _aligned_counts(a: list[Bucket], b: list[Bucket]) -> tuple[list[float], list[float]]:
    """Counts of a and b on common buckets (TFDV's ``AlignHistograms``)."""
    a_regular, a_points, a_inf, a_nan = _split_buckets(a)
    b_regular, b_points, b_inf, b_nan = _split_buckets(b)
    if _edges(a_regular) == _edges(b_regular):
        p, q = [c for *_, c in a_regular], [c for *_, c in b_regular]
    else:
        boundaries = sorted(_edges(a_regular) | _edges(b_regular))
        p, q = _rebucket(a_regular, boundaries), _rebucket(b_regular, boundaries)
        a_nan = b_nan = 0.0  # TFDV 1.16's rebucketed histograms lose num_nan
    for point in sorted(set(a_points) | set(b_points)):
        p.append(a_points.get(point, 0.0))
        q.append(b_points.get(point, 0.0))
    if a_inf:
        p, q = p + [a_inf], q + [0.0]
    if b_inf:
        p, q = p + [0.0], q + [b_inf]
    if a_nan or b_nan:
        p, q = p + [0.0, a_nan], q + [b_nan, 0.0]
    return p, q


def _running_sum(values: Iterable[float]) -> float:
    """Left-to-right float sum, like TFDV's C++ loops (Python 3.12's sum() compensates)."""
    total = 0.0
    for value in values:
        total += value
    return total


def _probabilities(counts: list[float], argument: str) -> list[float]:
    total = _running_sum(counts)
    if total == 0:
        raise ValueError(f"histogram {argument} is empty (total count 0): nothing to compare")
    return [count / total for count in counts]


def _kl_divergence(p: list[float], q: list[float]) -> float:
    return _running_sum(x * math.log2(x / y) for x, y in zip(p, q) if x > 0 and y > 0)


# --------------------------------------------------------------------------- plots


def plot_feature(stats: Any, feature: str, *, top_k: int = 10) -> Figure:
    """Overlay one feature's distribution in several datasets; see ``validation_plots``."""
    from mlep.data.validation_plots import plot_feature as _plot_feature

    return _plot_feature(stats, feature, top_k=top_k)


def plot_drift(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Distance vs threshold per feature (a drift or skew table); see ``validation_plots``."""
    from mlep.data.validation_plots import plot_drift as _plot_drift

    return _plot_drift(table, title=title)
