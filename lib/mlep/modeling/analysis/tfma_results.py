"""Read what TensorFlow Model Analysis wrote: metrics per slice and failed thresholds (C3W4).

TFMA writes its results to an output folder (``analyze_predictions`` and the TFX ``Evaluator``
alike); these functions turn them into tables a learner reads: a row per slice and model, a
row per failed threshold with the bound it missed. TFMA is imported inside the functions.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mlep.runtime import configure, quiet

__all__ = [
    "BASELINE",
    "CANDIDATE",
    "load_tfma",
    "metrics_table",
    "threshold_text",
    "validation_failures",
]

#: The model names TFMA's results use for the model under test and the one it is compared to.
CANDIDATE, BASELINE = "candidate", "baseline"


def load_tfma():
    """Import TensorFlow Model Analysis quietly (it logs at import) and return the module."""
    configure()
    with quiet():
        import tensorflow_model_analysis as tfma
    return tfma


def _slice_name(slice_key) -> str:
    if not slice_key:
        return "Overall"
    parts = []
    for column, value in slice_key:
        value = value.decode() if isinstance(value, bytes) else value
        parts.append(f"{column}={value}")
    return " & ".join(parts)


def _slice_key_of(proto) -> str:
    from tensorflow_model_analysis.slicer import slicer_lib

    return _slice_name(slicer_lib.deserialize_slice_key(proto))


def metrics_table(output_path: str) -> pd.DataFrame:
    """The metrics TFMA wrote to ``output_path``: a row per (slice, model), a column per metric.

    Parameters
    ----------
    output_path : str
        The folder TFMA's evaluation wrote.
    """
    tfma = load_tfma()

    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for per_slice in tfma.load_metrics(output_path):
        name = _slice_key_of(per_slice.slice_key)
        for kv in per_slice.metric_keys_and_values:
            key, value = kv.key, kv.value
            if not value.HasField("double_value"):
                continue
            metric = key.name + ("_change" if key.is_diff else "")
            row = rows.setdefault((name, key.model_name or CANDIDATE), {})
            row[metric] = value.double_value.value
    table = pd.DataFrame([{"slice": s, "model": m, **values} for (s, m), values in rows.items()])
    overall = table["slice"] == "Overall"
    table = pd.concat([table[overall], table[~overall].sort_values(["slice", "model"])])
    return table.reset_index(drop=True)


def threshold_text(threshold) -> str:
    """A TFMA ``MetricThreshold`` as text, e.g. ``">= 0.7 and change >= -0.01"``.

    Parameters
    ----------
    threshold : tensorflow_model_analysis MetricThreshold
        The threshold to describe.
    """
    texts = []
    if threshold.HasField("value_threshold"):
        bounds = threshold.value_threshold
        if bounds.HasField("lower_bound"):
            texts.append(f">= {bounds.lower_bound.value:g}")
        if bounds.HasField("upper_bound"):
            texts.append(f"<= {bounds.upper_bound.value:g}")
    if threshold.HasField("change_threshold"):
        change = threshold.change_threshold
        sign = ">=" if change.direction == 2 else "<="  # tfma.MetricDirection: 2 = HIGHER_IS_BETTER
        texts.append(f"change {sign} {change.absolute.value:g}")
    return " and ".join(texts)


def validation_failures(output_path: str) -> tuple[bool, pd.DataFrame]:
    """Whether TFMA's validation at ``output_path`` passed, and a row per failed threshold.

    Parameters
    ----------
    output_path : str
        The folder TFMA's evaluation wrote.
    """
    tfma = load_tfma()

    result = tfma.load_validation_result(output_path)
    rows = []
    for per_slice in result.metric_validations_per_slice:
        for failure in per_slice.failures:
            key = failure.metric_key
            rows.append(
                {
                    "slice": _slice_key_of(per_slice.slice_key),
                    "metric": key.name + ("_change" if key.is_diff else ""),
                    "value": failure.metric_value.double_value.value,
                    "threshold": threshold_text(failure.metric_threshold),
                }
            )
    columns = ["slice", "metric", "value", "threshold"]
    return bool(result.validation_ok), pd.DataFrame(rows, columns=columns)
