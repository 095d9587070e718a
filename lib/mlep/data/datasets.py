"""Offline dataset registry: load course datasets by name, verified, never downloaded.

Every dataset has a folder under ``datasets/`` with a ``datasheet.toml`` (source, licence,
schema, rows, and a sha256 per file). Files either ship in that folder or inside an installed
package (the Chicago taxi sample ships in the ``tfx`` wheel). Synthetic sets are made by a
seeded generator in :mod:`mlep.data.generators`; the shipped CSVs are its exact output,
which a test regenerates byte for byte.

Examples
--------
>>> "hospital_readmission" in list_datasets()
True
>>> sheet = datasheet("hospital_readmission")
>>> sorted(sheet.splits)
['eval', 'serving', 'train']
>>> load("nope")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
mlep.data.datasets.UnknownDatasetError: unknown dataset 'nope'; available: chicago_taxi,
driver_stats, forest_cover, hospital_readmission, loan_applications, metro_traffic, video_comments
"""

from __future__ import annotations

import hashlib
import importlib.util
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from mlep._checks import text
from mlep.exceptions import MlepError
from mlep.runtime import project_root

__all__ = [
    "ChecksumError",
    "Datasheet",
    "DatasheetError",
    "UnknownDatasetError",
    "data_dir",
    "datasheet",
    "list_datasets",
    "load",
    "path",
    "sha256",
    "verify",
]


class UnknownDatasetError(MlepError, KeyError):
    """Raised for a dataset or split name the registry does not know."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class ChecksumError(MlepError, ValueError):
    """Raised when a dataset file on disk is not the file its datasheet describes."""


@dataclass(frozen=True)
class Split:
    """One file of a dataset."""

    name: str
    file: str
    sha256: str
    rows: int
    package: str | None = None  # file lives inside this installed package


@dataclass(frozen=True)
class Datasheet:
    """What a dataset is, where it comes from, and what it may be used for."""

    name: str
    title: str
    description: str
    source: str
    licence: str
    splits: dict[str, Split]
    schema: dict[str, dict[str, str]] = field(default_factory=dict)
    label: str | None = None
    generator: str | None = None
    seed: int | None = None
    planted: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(split.rows for split in self.splits.values())

    def describe(self) -> str:
        """A plain-text datasheet for the terminal."""
        splits = ", ".join(f"{s.name} {s.rows}" for s in self.splits.values())
        lines = [
            f"{self.name}: {self.title}",
            "",
            self.description.strip(),
            "",
            f"source:  {self.source}",
            f"licence: {self.licence}",
            f"rows:    {self.rows} ({splits})",
        ]
        if self.label:
            lines.append(f"label:   {self.label}")
        if self.generator:
            lines.append(f"made by: {self.generator}(seed={self.seed})")
        if self.schema:
            lines += ["", "columns:"]
            width = max(map(len, self.schema))
            for column, info in self.schema.items():
                lines.append(
                    f"  {column:<{width}}  {info['type']:<11} {info.get('description', '')}"
                )
        if self.planted:
            lines += ["", "planted for the labs:"] + [f"  - {item}" for item in self.planted]
        return "\n".join(lines)


def data_dir() -> Path:
    """The folder that holds one sub-folder per dataset."""
    return project_root() / "datasets"


class DatasheetError(MlepError, ValueError):
    """A ``datasheet.toml`` that cannot be read; the message names the file and the fault."""


def _read_sheet(sheet_file: Path) -> Datasheet:
    """One datasheet; any fault becomes a :class:`DatasheetError` naming the file."""
    try:
        raw = tomllib.loads(sheet_file.read_text(encoding="utf-8"))
        splits = {name: Split(name=name, **spec) for name, spec in raw.pop("splits").items()}
        return Datasheet(splits=splits, **raw)
    except (
        tomllib.TOMLDecodeError,
        UnicodeDecodeError,
        KeyError,
        TypeError,
        AttributeError,
    ) as error:
        reason = f"missing key {error}" if isinstance(error, KeyError) else str(error)
        return DatasheetError(
            f"{sheet_file} is not a valid datasheet ({type(error).__name__}: {reason}); "
            "fix it, or restore it with `git checkout -- datasets/`"
        )


@cache
def _all_sheets() -> tuple[dict[str, Datasheet], dict[str, DatasheetError]]:
    """Readable datasheets by dataset name, and broken ones by folder name.

    One broken file must not hide every other dataset: it is reported when its own
    dataset is asked for.
    """
    sheets, broken = {}, {}
    for sheet_file in sorted(data_dir().glob("*/datasheet.toml")):
        sheet = _read_sheet(sheet_file)
        if isinstance(sheet, DatasheetError):
            broken[sheet_file.parent.name] = sheet
        else:
            sheets[sheet.name] = sheet
    return sheets, broken


def _sheets() -> dict[str, Datasheet]:
    return _all_sheets()[0]


_sheets.cache_clear = _all_sheets.cache_clear  # type: ignore[attr-defined]


def list_datasets() -> list[str]:
    """Names of all registered datasets, sorted (a broken datasheet's dataset is left out)."""
    return sorted(_sheets())


def datasheet(name: str) -> Datasheet:
    """The datasheet of ``name``; :class:`UnknownDatasetError` lists the known names.

    Parameters
    ----------
    name : str
        The dataset's folder name under ``datasets/`` (see :func:`names`).
    """
    text(name, "name")
    sheets, broken = _all_sheets()
    if name in sheets:
        return sheets[name]
    if name in broken:
        raise broken[name]
    known = ", ".join(list_datasets())
    problems = "".join(f"; unreadable: {error}" for error in broken.values())
    raise UnknownDatasetError(f"unknown dataset {name!r}; available: {known}{problems}") from None


def _split(name: str, split: str | None) -> Split:
    sheet = datasheet(name)
    if split is not None:
        text(split, "split")
    if split is None:
        split = next(iter(sheet.splits))
    try:
        return sheet.splits[split]
    except KeyError:
        known = ", ".join(sheet.splits)
        raise UnknownDatasetError(
            f"dataset {name!r} has no split {split!r}; available: {known}"
        ) from None


def sha256(file: Path) -> str:
    """Hex sha256 of a file, read in chunks.

    Parameters
    ----------
    file : pathlib.Path
        The file to hash.
    """
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _locate(name: str, split: Split) -> Path:
    if split.package is None:
        return data_dir() / name / split.file
    spec = importlib.util.find_spec(split.package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"dataset {name!r} ships inside the {split.package!r} package, which is not "
            "installed in this environment; run `make setup` (course environment)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / split.file


@cache
def _verified(file: Path, size: int, mtime: float, expected: str) -> bool:
    return sha256(file) == expected


def path(name: str, split: str | None = None) -> Path:
    """Verified path of a dataset file (first split by default).

    Raises :class:`FileNotFoundError` if the file is missing and :class:`ChecksumError` if
    its sha256 differs from the datasheet's.

    Parameters
    ----------
    name : str
        The dataset's folder name under ``datasets/`` (see :func:`names`).
    split : str, optional
        Which split's file (the first split of the datasheet by default).
    """
    spec = _split(name, split)
    file = _locate(name, spec)
    if not file.is_file():
        raise FileNotFoundError(f"dataset {name!r} split {spec.name!r}: missing file {file}")
    stat = file.stat()
    if not _verified(file, stat.st_size, stat.st_mtime, spec.sha256):
        raise ChecksumError(
            f"dataset {name!r} split {spec.name!r}: {file} has sha256 {sha256(file)}, "
            f"but its datasheet says {spec.sha256}. The file is corrupted or was edited; "
            "restore it with `git checkout -- datasets/`."
        )
    return file


def verify(name: str) -> dict[str, Path]:
    """Check every split of ``name``; return split → verified path.

    Parameters
    ----------
    name : str
        The dataset's folder name under ``datasets/`` (see :func:`names`).
    """
    return {split: path(name, split) for split in datasheet(name).splits}


def load(name: str, split: str | None = None):
    """Load one split of a dataset as a :class:`pandas.DataFrame` after verifying it.

    Parameters
    ----------
    name : str
        The dataset's folder name under ``datasets/`` (see :func:`names`).
    split : str, optional
        Which split (the first split of the datasheet by default).
    """
    import pandas as pd

    return pd.read_csv(path(name, split))
