"""Seeded generators for the synthetic course datasets.

Each generator is a pure function of its seed that returns its splits as DataFrames;
``python -m mlep.data.generators [name]`` rewrites the shipped CSVs under ``datasets/`` and
prints their sha256 for the datasheets.

One module per dataset, each with the constants it draws from:
:mod:`~mlep.data.generators.hospital` (:func:`hospital_readmission`),
:mod:`~mlep.data.generators.comments` (:func:`video_comments`),
:mod:`~mlep.data.generators.drivers` (:func:`driver_stats`),
:mod:`~mlep.data.generators.traffic` (:func:`metro_traffic`),
:mod:`~mlep.data.generators.forest` (:func:`forest_cover`) and
:mod:`~mlep.data.generators.loans` (:func:`loan_applications`); their shared pieces are in
:mod:`~mlep.data.generators.common`. Every public name is re-exported here, and a datasheet
names its generator as ``mlep.data.generators.<dataset>``.

To add a dataset: write ``<topic>.py`` beside the others (a public ``<dataset>(seed, *, rows)``
with a numpydoc docstring), register it in :data:`GENERATORS` below, run
``python -m mlep.data.generators <dataset>`` and write its datasheet with the printed sha256.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mlep.data.generators.comments import COMMENT_FILLERS, COMMENT_TEMPLATES, video_comments
from mlep.data.generators.common import seeded_rng, weighted_choice
from mlep.data.generators.drivers import driver_stats
from mlep.data.generators.forest import COVER_TYPES, SOIL_TYPES, WILDERNESS, forest_cover
from mlep.data.generators.hospital import (
    AGE_BRACKETS,
    MEDICATION_LEVELS,
    PAYER_CODES,
    RACES,
    READMITTED,
    SPECIALTIES,
    hospital_readmission,
)
from mlep.data.generators.loans import REGIONS, loan_applications
from mlep.data.generators.traffic import HOLIDAYS, WEATHER, metro_traffic

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AGE_BRACKETS",
    "COMMENT_FILLERS",
    "COMMENT_TEMPLATES",
    "COVER_TYPES",
    "GENERATORS",
    "HOLIDAYS",
    "MEDICATION_LEVELS",
    "PAYER_CODES",
    "RACES",
    "READMITTED",
    "REGIONS",
    "SOIL_TYPES",
    "SPECIALTIES",
    "WEATHER",
    "WILDERNESS",
    "driver_stats",
    "forest_cover",
    "hospital_readmission",
    "loan_applications",
    "metro_traffic",
    "seeded_rng",
    "video_comments",
    "weighted_choice",
    "write",
]

#: Dataset name -> its generator (called as ``generator(seed)``).
GENERATORS: dict[str, Callable[..., dict[str, pd.DataFrame]]] = {
    "hospital_readmission": hospital_readmission,
    "video_comments": video_comments,
    "driver_stats": driver_stats,
    "metro_traffic": metro_traffic,
    "forest_cover": forest_cover,
    "loan_applications": loan_applications,
}


def write(name: str, seed: int) -> dict[str, str]:
    """Regenerate ``datasets/<name>/<split>.csv`` from its generator.

    Parameters
    ----------
    name : str
        A dataset of :data:`GENERATORS`.
    seed : int
        The seed to generate with (the datasheet's, to reproduce the shipped files).

    Returns
    -------
    dict of str to str
        Split name -> sha256 of the file written, for the datasheet.
    """
    from mlep.data.datasets import data_dir, sha256

    if name not in GENERATORS:
        raise ValueError(f"name must be one of {sorted(GENERATORS)}, but got {name!r}")
    out = {}
    for split, frame in GENERATORS[name](seed).items():
        file = data_dir() / name / f"{split}.csv"
        file.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(file, index=False, lineterminator="\n")
        out[split] = sha256(file)
    return out
