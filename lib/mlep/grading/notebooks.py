"""Read lab notebooks: their exercises and test cells, from nbgrader's cell metadata.

A lab names each exercise by its solution cell's ``grade_id`` (``ex1_compute_statistics``);
the graded test cell that checks it has the same id plus ``_tests``. Pure JSON, no Jupyter
needed, so both environments can use it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mlep.exceptions import MlepError
from mlep.runtime import project_root

TEST_SUFFIX = "_tests"
EXERCISE_ID = re.compile(r"^ex(?P<number>\d+)_(?P<function>\w+)$")


class NotebookError(MlepError, ValueError):
    """A notebook file that cannot be read as a lab."""


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: the cell a learner writes and the test cell that checks it."""

    grade_id: str
    number: int
    function: str
    solution_index: int
    test_index: int
    points: float

    @property
    def title(self) -> str:
        return f"Exercise {self.number} ({self.function})"


def read(path: str | Path) -> dict:
    """Load a notebook as JSON, with a clear error for a missing or broken file."""
    path = Path(path)
    if not path.is_file():
        raise NotebookError(f"no notebook at {path}")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotebookError(
            f"{path.name} is not valid notebook JSON ({error}); it was probably damaged by an "
            "editor. Re-download the lab or restore it from a checkpoint."
        ) from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{path.name} is JSON but not a notebook (it has no list of cells)")
    return notebook


def source(cell: dict) -> str:
    """A cell's source as one string (notebooks store a string or a list of lines)."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_ids(notebook: dict) -> list[str]:
    """The ids of the graded test cells present in ``notebook``."""
    return [
        nbgrader_meta(c)["grade_id"] for c in notebook["cells"] if nbgrader_meta(c).get("grade")
    ]


def exercises(notebook: dict) -> list[Exercise]:
    """The exercises of a lab, in notebook order."""
    index = {nbgrader_meta(c).get("grade_id"): i for i, c in enumerate(notebook["cells"])}
    found = []
    for grade_id, i in index.items():
        match = EXERCISE_ID.match(grade_id or "")
        cell = notebook["cells"][i]
        if not match or not nbgrader_meta(cell).get("solution"):
            continue
        test_index = index.get(grade_id + TEST_SUFFIX)
        if test_index is None:
            raise NotebookError(f"exercise {grade_id} has no test cell {grade_id + TEST_SUFFIX}")
        found.append(
            Exercise(
                grade_id=grade_id,
                number=int(match["number"]),
                function=match["function"],
                solution_index=i,
                test_index=test_index,
                points=float(nbgrader_meta(notebook["cells"][test_index]).get("points", 0)),
            )
        )
    return found


def lab_ids(root: Path | None = None) -> list[str]:
    """Every lab that has a source notebook under ``solutions/``."""
    root = project_root() if root is None else root
    return sorted(p.parent.name for p in (root / "solutions").glob("*/*.ipynb"))


def source_notebook(lab: str, root: Path | None = None) -> Path:
    root = project_root() if root is None else root
    return root / "solutions" / lab / f"{lab}.ipynb"


def released_notebook(lab: str, root: Path | None = None) -> Path:
    root = project_root() if root is None else root
    return root / "labs" / lab / f"{lab}.ipynb"
