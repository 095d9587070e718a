"""The schema as a table: the columns ``tfdv.display_schema`` shows, and structured ones.

Part of :mod:`mlep.data.validation`, which re-exports the public names.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from tensorflow_metadata.proto.v0 import schema_pb2

from mlep.data.validation.common import SCHEMA_TABLE_COLUMNS, require_schema

_SCHEMA_LEVEL_DOMAINS = ("string_domain", "int_domain", "float_domain")


def _domain(schema: schema_pb2.Schema, feature: Any) -> tuple[Any, str | None]:
    """The feature's domain message and its kind, following a reference to a named domain.

    A reference to a domain the schema does not define gives ``(None, "domain")``.
    """
    kind = feature.WhichOneof("domain_info")
    if kind is None:
        return None, None
    if kind != "domain":
        return getattr(feature, kind), kind
    for level in _SCHEMA_LEVEL_DOMAINS:
        for domain in getattr(schema, level):
            if domain.name == feature.domain:
                return domain, level
    return None, "domain"


def _number(value: float, kind: str) -> str:
    """A bound as text: an int as is, a float as the shortest text of the float32 stored."""
    return str(int(value)) if kind == "int_domain" else str(np.float32(value))


def _range_text(domain: Any, kind: str) -> str:
    """TFDV's wording for a range, ``"min: 1; max: 14"``: a FLOAT side without a bound is
    ``-inf``/``inf`` unless the domain disallows infinities; an INT side is left out."""
    parts = []
    for side, unbounded in (("min", "-inf"), ("max", "inf")):
        if domain.HasField(side):
            parts.append(f"{side}: {_number(getattr(domain, side), kind)}")
        elif kind == "float_domain" and not domain.disallow_inf:
            parts.append(f"{side}: {unbounded}")
    return "; ".join(parts) or kind


def _domain_columns(schema: schema_pb2.Schema, feature: Any) -> list[Any]:
    """``domain, domain_name, domain_values, domain_min, domain_max`` of one feature."""
    domain, kind = _domain(schema, feature)
    name = feature.domain if feature.WhichOneof("domain_info") == "domain" else None
    if name is None and domain is not None:
        name = getattr(domain, "name", "") or None
    if kind == "string_domain":
        values = tuple(domain.value)
        return [list(values), name, values, None, None]
    if kind in ("int_domain", "float_domain"):
        convert = int if kind == "int_domain" else float
        low, high = (
            convert(getattr(domain, side)) if domain.HasField(side) else None
            for side in ("min", "max")
        )
        return [_range_text(domain, kind), name, None, low, high]
    return [kind, name, None, None, None]


def _valency_columns(feature: Any) -> list[Any]:
    """``valency, valency_min, valency_max``: TFDV's wording, then the value counts."""
    if feature.HasField("shape"):
        sizes = [dim.size for dim in feature.shape.dim]
        count = math.prod(sizes)
        return ["single" if sizes == [1] else f"shape {sizes}", count, count]
    if feature.HasField("value_count"):
        low = feature.value_count.min
        high = feature.value_count.max if feature.value_count.HasField("max") else None
        if low == high == 1:
            return ["single", 1, 1]
        return [f"[{low},{'inf)' if high is None else f'{high}]'}", low, high]
    return ["", None, None]


def _environments(schema: schema_pb2.Schema, feature: Any) -> tuple[str, ...]:
    """The environments the feature is expected in, resolved as TFDV does: one of its
    ``in_environment``, else not one of its ``not_in_environment`` and a default one."""
    names = dict.fromkeys([*schema.default_environment, *feature.in_environment])
    return tuple(
        name
        for name in names
        if name in feature.in_environment or name not in feature.not_in_environment
    )


def _type_name(feature: Any) -> str:
    """The type as ``tfdv.display_schema`` names it: BYTES with a string domain is STRING."""
    kind = schema_pb2.FeatureType.Name(feature.type)
    if kind == "BYTES" and feature.WhichOneof("domain_info") in ("domain", "string_domain"):
        return "STRING"
    return kind


def schema_table(schema: schema_pb2.Schema) -> pd.DataFrame:
    """One row per schema feature: what ``tfdv.display_schema`` shows, and structured columns.

    The first five columns are for reading, in TFDV's wording; the others are for programs,
    so that no code has to take the text apart.

    ========================  ==========================================================
    ``feature``               the feature's name
    ``type``                  ``INT``, ``FLOAT``, ``BYTES``, ``STRUCT``; ``STRING`` for
                              BYTES with a string domain (as ``tfdv.display_schema``)
    ``presence``              ``"required"`` (``min_fraction`` 1), ``"optional"``, or
                              ``""`` when the feature states no presence
    ``valency``               ``"single"``, ``"[min,max]"``, ``"[min,inf)"``,
                              ``"shape [...]"`` or ``""`` when not stated
    ``domain``                the allowed strings (a list), a range in TFDV's words
                              (``"min: 1; max: 14"``), another domain's kind (e.g.
                              ``"bool_domain"``), or None (no domain)
    ``required``              bool: ``presence.min_fraction`` is 1
    ``min_fraction``          float: ``presence.min_fraction``
    ``min_count``             int: ``presence.min_count`` (above 0, TFDV also flags a
                              feature missing from the whole dataset)
    ``valency_min``,          ints: the least and most values in one example
    ``valency_max``           (``value_count`` or the product of the ``shape``); a None
                              maximum is unbounded, both None when not stated
    ``domain_name``           the name of the domain (a shared, schema-level domain
                              several features may refer to), or None
    ``domain_values``         tuple of the allowed strings, or None (no string domain)
    ``domain_min``,           the bounds of an INT (int) or FLOAT (float) range; None on
    ``domain_max``            a side without a bound, or without a range
    ``environments``          tuple of the schema's environments the feature is expected
                              in (``in_environment`` wins over ``not_in_environment``,
                              then ``default_environment``); () when the schema declares
                              none, and then it is expected everywhere
    ========================  ==========================================================

    Parameters
    ----------
    schema : tensorflow_metadata Schema
        The schema to show (inferred with :func:`infer_schema` or loaded).

    Returns
    -------
    pandas.DataFrame
        One row per feature, with the columns ``SCHEMA_TABLE_COLUMNS`` above.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> from mlep.data.validation import add_environments, set_domain, set_range, set_required
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="age", type=schema_pb2.INT)
    >>> _ = set_range(schema, "age", 0, 120)
    >>> _ = schema.feature.add(name="gender", type=schema_pb2.BYTES)
    >>> _ = set_required(set_domain(schema, "gender", ["Female", "Male"]), "gender")
    >>> _ = add_environments(schema, exclude={"SERVING": ["gender"]})
    >>> table = schema_table(schema)
    >>> table[["feature", "type", "presence", "valency", "domain"]]
      feature    type  presence valency            domain
    0     age     INT                    min: 0; max: 120
    1  gender  STRING  required            [Female, Male]
    >>> age, gender = table.itertuples(index=False)
    >>> age.required, age.domain_min, age.domain_max, age.environments
    (False, 0, 120, ('TRAINING', 'SERVING'))
    >>> gender.required, gender.domain_name, gender.domain_values, gender.environments
    (True, 'gender', ('Female', 'Male'), ('TRAINING',))
    """
    require_schema(schema)
    rows = []
    for feature in schema.feature:
        presence = feature.presence
        required = presence.min_fraction == 1.0
        stated = ("optional", "required")[required] if feature.HasField("presence") else ""
        valency, valency_min, valency_max = _valency_columns(feature)
        domain, *domain_parts = _domain_columns(schema, feature)
        rows.append(
            [feature.name, _type_name(feature), stated]
            + [valency, domain, required, presence.min_fraction, presence.min_count]
            + [valency_min, valency_max, *domain_parts, _environments(schema, feature)]
        )
    table = pd.DataFrame(rows, columns=SCHEMA_TABLE_COLUMNS, dtype=object)
    return table.astype({"required": bool, "min_fraction": float, "min_count": int})
