"""Versioned schemas: every curated schema saved as a numbered version with a note.

A schema changes as the data does — a new category is accepted, a range widens, a feature
becomes optional — and each change should be reviewable and reversible, like code (C2W3,
*Schema development and evolution*). :class:`SchemaVersions` keeps ``v1/schema.pbtxt``,
``v2/schema.pbtxt`` … in a folder with a ``versions.json`` index (version, note, time,
fingerprint); :meth:`SchemaVersions.diff` says what changed between two versions. A version's
file is what TFX's ``ImportSchemaGen`` reads (see :func:`mlep.data.features.transform_pipeline`).

Examples
--------
>>> import tempfile
>>> from tensorflow_metadata.proto.v0 import schema_pb2
>>> from mlep.data import validation as dv
>>> schema = schema_pb2.Schema()
>>> _ = schema.feature.add(name="payer_code", type=schema_pb2.BYTES)
>>> _ = dv.set_domain(schema, "payer_code", ["BC", "MC"])
>>> versions = SchemaVersions(tempfile.mkdtemp())
>>> versions.save(schema, "inferred from train, domains curated")
1
>>> _ = dv.add_to_domain(schema, "payer_code", ["ZZ"])
>>> versions.save(schema, "accept payer ZZ seen in serving")
2
>>> versions.diff(1, 2)[["feature", "change", "before", "after"]]
      feature          change    before         after
0  payer_code  domain changed  [BC, MC]  [BC, MC, ZZ]
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from mlep._checks import count, instance

__all__ = ["SchemaVersions", "diff_schemas"]


class SchemaVersions:
    """Numbered, annotated versions of a TFDV schema in a folder (created if missing).

    Parameters
    ----------
    folder : str or pathlib.Path
        Where the numbered schema files live (created if missing).
    """

    INDEX = "versions.json"

    def __init__(self, folder: str | Path):
        instance(folder, (str, Path), "folder", "a folder path (str or pathlib.Path)")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _index(self) -> list[dict[str, Any]]:
        file = self.folder / self.INDEX
        return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else []

    def path(self, version: int | None = None) -> Path:
        """The ``schema.pbtxt`` of ``version`` (the latest by default)."""
        return self.folder / f"v{self._resolve(version)}" / "schema.pbtxt"

    def _resolve(self, version: int | None) -> int:
        known = [entry["version"] for entry in self._index()]
        if not known:
            raise LookupError(f"no schema versions in {self.folder} yet; save one first")
        if version is None:
            return known[-1]
        if count(version, "version", minimum=1) not in known:
            raise LookupError(f"no schema version {version} in {self.folder}; versions: {known}")
        return version

    def save(self, schema: Any, note: str) -> int:
        """Save ``schema`` as the next version with a ``note`` saying why; return its number.

        Saving a schema identical to the latest version is refused: a version should be a change.
        """
        from mlep.data.validation import write_schema

        if note is not None and not isinstance(note, str):
            raise TypeError(f"note must be a string, but got a {type(note).__name__}")
        if not note or not note.strip():
            raise ValueError("say why this version exists: save(schema, note='...')")
        text = _text(schema)
        fingerprint = hashlib.sha256(text.encode()).hexdigest()[:12]
        index = self._index()
        if index and index[-1]["fingerprint"] == fingerprint:
            raise ValueError(
                f"the schema is unchanged since version {index[-1]['version']}; nothing to save"
            )
        version = index[-1]["version"] + 1 if index else 1
        write_schema(schema, self.folder / f"v{version}" / "schema.pbtxt")
        index.append(
            {
                "version": version,
                "note": note.strip(),
                "saved": datetime.now(UTC).isoformat(timespec="seconds"),
                "fingerprint": fingerprint,
                "features": len(schema.feature),
            }
        )
        (self.folder / self.INDEX).write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
        return version

    def load(self, version: int | None = None):
        """The schema of ``version`` (the latest by default)."""
        from mlep.data.validation import load_schema

        return load_schema(self.path(version))

    def table(self) -> pd.DataFrame:
        """One row per version: version, note, saved, fingerprint, features."""
        return pd.DataFrame(
            self._index(), columns=["version", "note", "saved", "fingerprint", "features"]
        )

    def diff(self, old: int, new: int | None = None) -> pd.DataFrame:
        """What changed from version ``old`` to ``new`` (the latest by default).

        See :func:`diff_schemas`.
        """
        return diff_schemas(self.load(old), self.load(new))


def _text(schema: Any) -> str:
    from google.protobuf import text_format

    return text_format.MessageToString(schema)


def diff_schemas(old: Any, new: Any) -> pd.DataFrame:
    """Feature-level changes between two schemas: ``feature, change, before, after``.

    Changes: feature added / removed, type, presence (required/optional), domain (allowed
    strings or numeric range), environments.

    Parameters
    ----------
    old, new : tensorflow_metadata Schema
        The two schemas to compare.
    """
    from tensorflow_metadata.proto.v0 import schema_pb2

    from mlep.data.validation import schema_table

    columns = ["feature", "change", "before", "after"]
    a, b = (schema_table(s).set_index("feature") for s in (old, new))
    # The proto's own type: the table shows a BYTES feature with a string domain as STRING (as
    # TFDV displays it), so adding a domain would read as a type change.
    types = [{f.name: schema_pb2.FeatureType.Name(f.type) for f in s.feature} for s in (old, new)]
    rows = []
    for feature in b.index.difference(a.index, sort=False):
        rows.append(
            {"feature": feature, "change": "added", "before": None, "after": types[1][feature]}
        )
    for feature in a.index.difference(b.index, sort=False):
        rows.append(
            {"feature": feature, "change": "removed", "before": types[0][feature], "after": None}
        )
    for feature in a.index.intersection(b.index, sort=False):
        if types[0][feature] != types[1][feature]:
            rows.append(_change(feature, "type changed", types[0][feature], types[1][feature]))
        # Presence is compared on its numbers: no presence at all and min_fraction 0 both
        # display differently ("" and "optional") but constrain nothing.
        presence = ["required", "min_fraction", "min_count"]
        if a.loc[feature, presence].tolist() != b.loc[feature, presence].tolist():
            rows.append(
                _change(
                    feature,
                    "presence changed",
                    a.loc[feature, "presence"],
                    b.loc[feature, "presence"],
                )
            )
        before, after = a.loc[feature, "domain"], b.loc[feature, "domain"]
        if _normal(before) != _normal(after):
            rows.append(_change(feature, "domain changed", before, after))
    envs = [_environment_map(s) for s in (old, new)]
    for feature in sorted(set(envs[0]) | set(envs[1])):
        before, after = envs[0].get(feature), envs[1].get(feature)
        if before != after:
            rows.append(_change(feature, "environments changed", before, after))
    return pd.DataFrame(rows, columns=columns)


def _change(feature: str, change: str, before: Any, after: Any) -> dict[str, Any]:
    return {"feature": feature, "change": change, "before": before, "after": after}


def _normal(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _environment_map(schema: Any) -> dict[str, str]:
    out = {}
    for feature in schema.feature:
        parts = [f"not in {e}" for e in feature.not_in_environment] + [
            f"in {e}" for e in feature.in_environment
        ]
        if parts:
            out[feature.name] = ", ".join(parts)
    return out
