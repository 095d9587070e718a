"""Bad input to mlep.scoping: the message names the argument (found by a fuzz sweep)."""

from __future__ import annotations

import pytest

from mlep.scoping import prioritize


@pytest.mark.parametrize(
    ("tags", "error", "message"),
    [
        (None, TypeError, "tags must be a DataFrame or a list of dicts"),
        ({"tag": "blurry"}, TypeError, "tags must be a DataFrame or a list of dicts"),
        ([], ValueError, "tags must hold at least one tag"),
        ([[1, 2], [3, 4]], ValueError, r"tags must have the columns \['tag'"),
    ],
)
def test_prioritize_names_tags_in_every_refusal(tags, error, message):
    with pytest.raises(error, match=message):
        prioritize(tags)
