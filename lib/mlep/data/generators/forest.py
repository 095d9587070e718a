"""Cartographic features and forest cover types, UCI-Covertype style (schema work)."""

from __future__ import annotations

import numpy as np

from mlep.data.generators.common import seeded_rng, weighted_choice

__all__ = ["COVER_TYPES", "SOIL_TYPES", "WILDERNESS", "forest_cover"]

SOIL_TYPES = [
    f"C{code}" for code in (2702, 2703, 2704, 2705, 2706, 2717, 4201, 4703, 4704, 4744, 7101, 7745)
]
WILDERNESS = ["Rawah", "Neota", "Comanche Peak", "Cache la Poudre"]
COVER_TYPES = [
    "Spruce/Fir",
    "Lodgepole Pine",
    "Ponderosa Pine",
    "Cottonwood/Willow",
    "Aspen",
    "Douglas-fir",
    "Krummholz",
]


def _distance(rng, shape, scale, top, n):
    """A skewed, clipped, whole-metre distance (gamma distributed)."""
    return np.clip(rng.gamma(shape, scale, n), 0, top).round().astype(int)


def _forest(rng, n, *, soils, hillshade_max):
    import pandas as pd

    elevation = rng.normal(2960, 280, n).round().astype(int)
    aspect = rng.integers(0, 360, n)
    slope = np.clip(rng.gamma(2.5, 5.5, n), 0, 66).round().astype(int)
    wilderness = weighted_choice(rng, WILDERNESS, n, [45, 5, 44, 6])
    soil = weighted_choice(rng, soils, n, np.linspace(3, 1, len(soils)))
    # the cover type follows elevation bands, shifted by wilderness and slope: learnable,
    # not trivial
    score = (
        (elevation - 2960) / 280
        + 0.4 * (wilderness == "Neota")
        - 0.5 * (wilderness == "Cache la Poudre")
    )
    score = score + 0.02 * (slope - 14) + rng.normal(0, 0.45, n)
    bands = np.digitize(score, [-1.6, -1.0, -0.5, 0.0, 0.5, 1.2])  # 7 bands, low to high elevation
    order = [3, 2, 5, 4, 1, 0, 6]  # cottonwood lowest ... krummholz highest

    def hillshade(centre):
        return np.clip(rng.normal(centre, 25, n), 0, hillshade_max).round().astype(int)

    return pd.DataFrame(
        {
            "Elevation": elevation,
            "Aspect": aspect,
            "Slope": slope,
            "Horizontal_Distance_To_Hydrology": _distance(rng, 1.6, 170, 1400, n),
            "Vertical_Distance_To_Hydrology": rng.normal(46, 58, n).round().astype(int),
            "Horizontal_Distance_To_Roadways": _distance(rng, 1.8, 1300, 7100, n),
            "Hillshade_9am": hillshade(212),
            "Hillshade_Noon": hillshade(223),
            "Hillshade_3pm": hillshade(142),
            "Horizontal_Distance_To_Fire_Points": _distance(rng, 1.8, 1100, 7200, n),
            "Wilderness_Area": wilderness,
            "Soil_Type": soil,
            "Cover_Type": np.asarray(COVER_TYPES, dtype=object)[np.asarray(order)[bands]],
        }
    )


def forest_cover(seed: int = 2026, *, rows=(3000, 1000)):
    """Train and eval splits of a UCI-Covertype-style table (cartographic features → cover type).

    Planted for schema work: eval holds a soil type training never saw (``C8772``) and
    hillshade values above the sensor's 0–255 range (a unit bug upstream).

    Parameters
    ----------
    seed : int, default 2026
        The random seed (an integer ``>= 0``); the shipped CSVs use the datasheet's.
    rows : tuple of int, default (3000, 1000)
        Rows of the train and eval splits.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"train": ..., "eval": ...}``; the label is ``Cover_Type`` (7 classes).

    Examples
    --------
    >>> splits = forest_cover(1, rows=(20, 100))
    >>> int((splits["eval"]["Hillshade_Noon"] > 255).sum())
    2
    """
    rng = seeded_rng(seed)
    train = _forest(rng, rows[0], soils=SOIL_TYPES, hillshade_max=255)
    eval_ = _forest(rng, rows[1], soils=SOIL_TYPES + ["C8772"], hillshade_max=255)
    broken = rng.choice(rows[1], size=rows[1] // 50, replace=False)
    eval_.loc[broken, "Hillshade_Noon"] = eval_.loc[broken, "Hillshade_Noon"] + 256
    return {"train": train, "eval": eval_}
