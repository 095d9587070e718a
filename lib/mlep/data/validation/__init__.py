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

The package is one module per step: :mod:`~mlep.data.validation.stats` (statistics),
:mod:`~mlep.data.validation.schema` (and :mod:`~mlep.data.validation.schema_view`, the
schema as a table), :mod:`~mlep.data.validation.anomalies` (validation,
drift and skew), :mod:`~mlep.data.validation.distances` (the distances by hand) and
:mod:`~mlep.data.validation.plots`; their shared pieces are in
:mod:`~mlep.data.validation.common`. Every public name is re-exported here.

Scale path: :func:`statistics` runs in memory for an unsliced DataFrame and on Beam's
DirectRunner otherwise. For data that does not fit one machine, use TFDV's Beam transform
``tfdv.GenerateStatistics`` in a pipeline with Dataflow/Flink/Spark options; every other
function here takes the resulting proto unchanged.
"""

from mlep.data.validation.anomalies import (
    anomalies_table,
    drift_table,
    set_drift_threshold,
    set_skew_threshold,
    skew_table,
    validate,
)
from mlep.data.validation.common import (
    ALL_EXAMPLES,
    ANOMALY_TABLE_COLUMNS,
    COMPARISON_TABLE_COLUMNS,
    FEATURE_TABLE_COLUMNS,
    JENSEN_SHANNON,
    L_INFINITY,
    SCHEMA_TABLE_COLUMNS,
    Bucket,
    DataReadError,
    FeatureNotFoundError,
    SliceNotFoundError,
)
from mlep.data.validation.distances import (
    category_frequencies,
    jensen_shannon_divergence,
    linf_distance,
    numeric_histogram,
)
from mlep.data.validation.plots import plot_drift, plot_feature
from mlep.data.validation.schema import (
    add_environments,
    add_to_domain,
    domain_values,
    infer_schema,
    load_schema,
    set_domain,
    set_range,
    set_required,
    write_schema,
)
from mlep.data.validation.schema_view import schema_table
from mlep.data.validation.stats import feature_table, slice_names, slice_statistics, statistics

# Tracebacks name the errors where learners import them from.
for _error in (DataReadError, FeatureNotFoundError, SliceNotFoundError):
    _error.__module__ = __name__
del _error

__all__ = [
    "ALL_EXAMPLES",
    "ANOMALY_TABLE_COLUMNS",
    "Bucket",
    "COMPARISON_TABLE_COLUMNS",
    "DataReadError",
    "FEATURE_TABLE_COLUMNS",
    "FeatureNotFoundError",
    "JENSEN_SHANNON",
    "L_INFINITY",
    "SCHEMA_TABLE_COLUMNS",
    "SliceNotFoundError",
    "add_environments",
    "add_to_domain",
    "anomalies_table",
    "category_frequencies",
    "domain_values",
    "drift_table",
    "feature_table",
    "infer_schema",
    "jensen_shannon_divergence",
    "linf_distance",
    "load_schema",
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
    "write_schema",
]
