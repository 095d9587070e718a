"""The schema: what valid data looks like (types, presence, domains, ranges, environments).

Part of :mod:`mlep.data.validation`, which re-exports the public names.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tensorflow_metadata.proto.v0 import schema_pb2, statistics_pb2

from mlep._checks import ExistsError, real
from mlep.data.validation.common import (
    DataReadError,
    FeatureNotFoundError,
    load_tfdv,
    not_found_message,
    overall_dataset,
    require_schema,
)
from mlep.runtime import quiet

if TYPE_CHECKING:  # pragma: no cover
    pass


def infer_schema(stats: statistics_pb2.DatasetFeatureStatisticsList) -> schema_pb2.Schema:
    """Infer a schema (types, presence, valency, string domains) with ``tfdv.infer_schema``.

    Sliced statistics are reduced to their ``"All Examples"`` dataset first.
    """
    overall = overall_dataset(stats)
    with quiet():
        return load_tfdv().infer_schema(statistics=overall)


def schema_feature(schema: schema_pb2.Schema, feature: str):
    require_schema(schema)
    for candidate in schema.feature:
        if candidate.name == feature:
            return candidate
    names = [f.name for f in schema.feature]
    raise FeatureNotFoundError(not_found_message("feature", feature, names, "the schema"))


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
    >>> domain_values(set_domain(schema, "gender", ["Female", "Male"]), "gender")
    ['Female', 'Male']
    >>> set_domain(schema, "gendr", ["X"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mlep.data.validation.FeatureNotFoundError: feature 'gendr' ... did you mean 'gender'? ...
    """
    chosen = schema_feature(schema, feature)
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
    >>> domain_values(add_to_domain(schema, "payer_code", ["ZZ", "MC"]), "payer_code")
    ['MC', 'MD', 'ZZ']
    """
    chosen = schema_feature(schema, feature)
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
    ``float_domain`` (stored as 32-bit floats, rounded outward so that no value inside
    ``[min, max]`` is flagged). Any previous domain of the feature is replaced. Returns ``schema``.

    Examples
    --------
    >>> from tensorflow_metadata.proto.v0 import schema_pb2
    >>> schema = schema_pb2.Schema()
    >>> _ = schema.feature.add(name="time_in_hospital", type=schema_pb2.INT)
    >>> domain = set_range(schema, "time_in_hospital", 1, 14).feature[0].int_domain
    >>> domain.min, domain.max
    (1, 14)
    >>> set_range(schema, "time_in_hospital", 1, 7.5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: feature 'time_in_hospital' is INT: its range needs whole-number bounds, ... max=7.5
    """
    chosen = schema_feature(schema, feature)
    kind = schema_pb2.FeatureType.Name(chosen.type)
    if kind not in ("INT", "FLOAT"):
        raise ValueError(
            f"feature {feature!r} is {kind}; a range applies to INT or FLOAT features. "
            "Use set_domain(schema, feature, values) for strings"
        )
    low, high = real(min, "min"), real(max, "max")  # NaN would disable that side of the check
    if low > high:
        raise ValueError(f"range for {feature!r} is empty: min={low:g} is above max={high:g}")
    if kind == "INT":
        bounds = [_int_bound(feature, value, name) for value, name in ((min, "min"), (max, "max"))]
        if None in bounds:
            raise ValueError(
                f"feature {feature!r} is INT: its range needs whole-number bounds, "
                f"got min={low:g}, max={high:g}"
            )
        chosen.int_domain.min, chosen.int_domain.max = bounds
    else:
        chosen.float_domain.min = _float32_bound(low, "min", outward=-math.inf)
        chosen.float_domain.max = _float32_bound(high, "max", outward=math.inf)
    return schema


def _int_bound(feature: str, value: Any, name: str) -> int | None:
    """A whole-number bound as an int64 (None if it is not whole)."""
    whole = int(value) if isinstance(value, numbers.Integral) else None
    if whole is None and float(value).is_integer():
        whole = int(value)
    if whole is not None and not -(2**63) <= whole < 2**63:
        raise ValueError(
            f"{name} must fit in a 64-bit integer (the schema stores INT bounds so), "
            f"but got {value}"
        )
    return whole


def _float32_bound(value: float, name: str, *, outward: float) -> float:
    """A FLOAT bound as the schema stores it (32-bit), rounded outward so that every value
    within the requested range stays allowed; beyond float32's range it would be infinity."""
    limit = float(np.finfo(np.float32).max)
    if abs(value) > limit:
        raise ValueError(
            f"{name} must be within +-{limit:.3g} (the schema stores FLOAT bounds as 32-bit "
            f"floats, where {value:g} would become infinity and disable the check), but got "
            f"{value:g}"
        )
    stored = np.float32(value)
    if (outward < 0 and stored > value) or (outward > 0 and stored < value):
        stored = np.nextafter(stored, np.float32(outward))
    return float(stored)


def set_required(
    schema: schema_pb2.Schema, feature: str, required: bool = True
) -> schema_pb2.Schema:
    """Require ``feature`` in every example (``min_fraction`` 1) or make it optional (0).

    Making a feature optional also drops the fixed ``shape`` TFDV infers for features that
    were always present (a shape says "exactly one value in every example") and keeps the
    weaker "at most one value" as a value count.
    """
    chosen = schema_feature(schema, feature)
    chosen.presence.min_fraction = 1.0 if required else 0.0
    chosen.presence.min_count = 1 if required else 0
    if not required and chosen.HasField("shape"):
        chosen.ClearField("shape")
        chosen.value_count.min = 1
        chosen.value_count.max = 1
    return schema


def domain_values(schema: schema_pb2.Schema, feature: str) -> list[str] | None:
    """The values a string feature may take, or ``None`` if it has no string domain."""
    return _string_domain_values(schema, schema_feature(schema, feature))


def write_schema(
    schema: schema_pb2.Schema, path: str | os.PathLike, *, overwrite: bool = False
) -> Path:
    """Save a curated schema as text (``.pbtxt``), to version it next to the code.

    A file at ``path`` that holds something else is not replaced unless ``overwrite=True``
    (writing the same schema again is fine).
    """
    require_schema(schema)
    from google.protobuf import text_format

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path, but got a {type(path).__name__}")
    target = Path(path)
    content = text_format.MessageToString(schema)
    if target.is_dir():
        raise ValueError(f"path must be a file, but {target} is a folder")
    if target.exists() and not overwrite:
        if target.read_text(encoding="utf-8", errors="replace") != content:
            raise ExistsError(
                f"path must not hold another file, but {target} already exists with other "
                "content; pass overwrite=True to replace it, or save a new version "
                "(mlep.data.schema_versions.SchemaVersions)"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
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


def schema_environments(schema: schema_pb2.Schema) -> list[str]:
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
    require_schema(schema)
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
            chosen = schema_feature(schema, name)
            if environment not in chosen.not_in_environment:
                chosen.not_in_environment.append(environment)
    return schema
