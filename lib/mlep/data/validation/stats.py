"""Statistics with TFDV: from a DataFrame or CSV, overall or per slice, read back as tables.

Part of :mod:`mlep.data.validation`, which re-exports the public names.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tensorflow_metadata.proto.v0 import statistics_pb2

from mlep.data.validation.common import (
    FEATURE_TABLE_COLUMNS,
    DataReadError,
    FeatureNotFoundError,
    SliceNotFoundError,
    feature_name,
    load_tfdv,
    not_found_message,
    require_stats,
)
from mlep.runtime import quiet

if TYPE_CHECKING:  # pragma: no cover
    pass


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
    tfdv = load_tfdv()
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
            raise FeatureNotFoundError(not_found_message("slice_by column", name, columns, where))


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
        with open(file, newline="", encoding="utf-8-sig") as handle:  # a BOM is not a name
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
    tfdv = load_tfdv()
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


def _without_bom(file: Path, folder: str) -> Path:
    """``file``, or a copy without its UTF-8 byte-order mark (TFDV would read it as part of
    the first column's name, and then not see that name's quotes)."""
    bom = b"\xef\xbb\xbf"
    with open(file, "rb") as handle:
        if handle.read(3) != bom:
            return file
        copy = Path(folder) / file.name
        with open(copy, "wb") as target:
            shutil.copyfileobj(handle, target)
    return copy


def _csv_statistics(file: Path, options) -> statistics_pb2.DatasetFeatureStatisticsList:
    tfdv = load_tfdv()
    try:
        # TFDV writes to a fresh mkdtemp() folder it never removes unless given an output path
        with quiet(), tempfile.TemporaryDirectory(prefix="mlep-stats-") as folder:
            output = os.path.join(folder, "data_stats.tfrecord")
            return tfdv.generate_statistics_from_csv(
                str(_without_bom(file, folder)), stats_options=options, output_path=output
            )
    except Exception as error:  # noqa: BLE001 - Beam wraps decoder errors in long traces
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)
        raise DataReadError(
            f"TFDV could not read {file} as CSV: {reason}. TFDV reads one example per line "
            "(no line breaks inside quoted fields); fix the file, or read it with "
            "pandas.read_csv and pass the DataFrame"
        ) from None


def _dataset(stats: statistics_pb2.DatasetFeatureStatisticsList, dataset: int | str):
    require_stats(stats)
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
    raise SliceNotFoundError(not_found_message("slice", dataset, names, "these statistics"))


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
        "feature": feature_name(feature),
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


def slice_names(stats: statistics_pb2.DatasetFeatureStatisticsList) -> list[str]:
    """Names of the datasets in sliced statistics, ``"All Examples"`` first.

    Statistics computed without ``slice_by`` have no slices: the result is ``[]``.
    """
    require_stats(stats)
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
        raise SliceNotFoundError(not_found_message("slice", slice_name, names, "these statistics"))
    return load_tfdv().get_slice_stats(stats, slice_name)
