"""Make learner submissions from a lab's source and released notebooks."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from mlep.grading import notebooks

_MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*\n", re.MULTILINE)


def solution_code(source_cell: dict) -> str:
    """A solution cell as a learner would have typed it (without nbgrader's markers)."""
    return _MARKERS.sub("", notebooks.source(source_cell))


def solved(
    lab: str, functions: set[str] | None = None, replace: dict[str, str] | None = None
) -> dict:
    """The released notebook with the exercises in ``functions`` solved (all when None).

    ``replace`` maps an exercise's function to other code for its solution cell.
    """
    source = notebooks.read(notebooks.source_notebook(lab))
    released = copy.deepcopy(notebooks.read(notebooks.released_notebook(lab)))
    by_id = {notebooks.nbgrader_meta(c).get("grade_id"): c for c in source["cells"]}
    for exercise in notebooks.exercises(released):
        cell = released["cells"][exercise.solution_index]
        if replace and exercise.function in replace:
            cell["source"] = replace[exercise.function]
        elif functions is None or exercise.function in functions:
            cell["source"] = solution_code(by_id[exercise.grade_id])
    return released


def write(notebook: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    return path
