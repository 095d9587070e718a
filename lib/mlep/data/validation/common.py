"""Shared pieces of data validation: constants, errors that name what is missing, TFDV access.

Part of :mod:`mlep.data.validation`, which re-exports the public names.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tensorflow_metadata.proto.v0 import schema_pb2, statistics_pb2

from mlep.exceptions import MlepError
from mlep.runtime import configure, quiet

if TYPE_CHECKING:  # pragma: no cover
    pass


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
#: ``schema_table``: five columns to read (TFDV's wording), then structured ones for programs.
SCHEMA_TABLE_COLUMNS = [
    "feature",
    "type",
    "presence",
    "valency",
    "domain",
    "required",
    "min_fraction",
    "min_count",
    "valency_min",
    "valency_max",
    "domain_name",
    "domain_values",
    "domain_min",
    "domain_max",
    "environments",
]
ANOMALY_TABLE_COLUMNS = ["feature", "short_description", "description", "severity"]
COMPARISON_TABLE_COLUMNS = ["feature", "measure", "value", "threshold", "alarm"]
L_INFINITY = "L-infinity"
JENSEN_SHANNON = "Jensen-Shannon"

Bucket = tuple[float, float, float]


class _NamedKeyError(MlepError, KeyError):
    """A KeyError whose message prints as written (KeyError would quote it)."""

    def __str__(self) -> str:
        return str(self.args[0])


class FeatureNotFoundError(_NamedKeyError):
    """A feature name that is not in the schema, the statistics or the data."""


class SliceNotFoundError(_NamedKeyError):
    """A slice (dataset) name or index that the statistics do not hold."""


class DataReadError(MlepError, ValueError):
    """A CSV file or DataFrame that cannot be turned into statistics."""


def not_found_message(kind: str, name: str, known: Sequence[str], where: str) -> str:
    """Message for an unknown name, with close matches first."""
    close = difflib.get_close_matches(str(name), list(known), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    listing = ", ".join(known) if known else "(none)"
    return f"{kind} {name!r} is not in {where}{hint} Known: {listing}"


def load_tfdv():
    """Import TFDV with the course's process settings (takes ~5 s the first time)."""
    configure()
    with quiet():
        import tensorflow_data_validation as tfdv
    return tfdv


def require_stats(stats: Any, argument: str = "stats") -> None:
    if not isinstance(stats, statistics_pb2.DatasetFeatureStatisticsList):
        raise TypeError(
            f"{argument} must be the statistics returned by statistics() "
            f"(a DatasetFeatureStatisticsList), got {type(stats).__name__}"
        )
    if not stats.datasets:
        raise ValueError(f"{argument} holds no dataset: compute it with statistics(data)")


def require_schema(schema: Any) -> None:
    if not isinstance(schema, schema_pb2.Schema):
        raise TypeError(
            f"schema must be the Schema returned by infer_schema(), got {type(schema).__name__}"
        )


def overall_dataset(stats: statistics_pb2.DatasetFeatureStatisticsList, argument: str = "stats"):
    """The statistics of the whole dataset (the 'All Examples' slice when sliced)."""
    require_stats(stats, argument)
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


def feature_name(feature) -> str:
    return ".".join(feature.path.step) if feature.path.step else feature.name


def find_feature_stats(dataset, feature: str):
    names = [feature_name(f) for f in dataset.features]
    for candidate, name in zip(dataset.features, names):
        if name == feature:
            return candidate
    raise FeatureNotFoundError(not_found_message("feature", feature, names, "the statistics"))
