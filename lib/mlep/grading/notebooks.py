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
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(_damaged(path.name, error)) from None
    return parse(text, path.name)


def _damaged(name: str, error) -> str:
    return (
        f"{name} is not valid notebook JSON ({error}); it was probably damaged by an "
        "editor. Re-download the lab or restore it from a checkpoint."
    )


_CELL_TYPES = ("code", "markdown", "raw")


def parse(text: str, name: str = "the notebook") -> dict:
    """A notebook from its JSON text, or :class:`NotebookError` saying what is wrong with it.

    Parameters
    ----------
    text : str
        The file's content.
    name : str, default "the notebook"
        How messages name the file.

    Examples
    --------
    >>> cell = '{"cell_type": "code", "source": "x = 1", "metadata": {}}'
    >>> parse('{"cells": [' + cell + ']}')["cells"][0]["source"]
    'x = 1'
    >>> parse('{"cells": [1]}', "lab.ipynb")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mlep.grading.notebooks.NotebookError: lab.ipynb is JSON but not a notebook: cell 1 is not...
    """
    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError) as error:  # RecursionError: "[[[[..." nested too deep
        raise NotebookError(
            _damaged(name, type(error).__name__ if isinstance(error, RecursionError) else error)
        ) from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError(f"{name} is JSON but not a notebook (it has no list of cells)")
    for number, cell in enumerate(notebook["cells"], 1):
        problem = _cell_problem(cell)
        if problem:
            raise NotebookError(f"{name} is JSON but not a notebook: cell {number} {problem}")
    return notebook


def _cell_problem(cell) -> str | None:
    if not isinstance(cell, dict) or cell.get("cell_type") not in _CELL_TYPES:
        return "is not a cell (an object with a cell_type, a source and metadata)"
    text = cell.get("source", "")
    if not isinstance(text, str) and not (
        isinstance(text, list) and all(isinstance(line, str) for line in text)
    ):
        return "has a source that is not text"
    if not isinstance(cell.get("metadata", {}), dict):
        return "has metadata that is not an object"
    return None


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
