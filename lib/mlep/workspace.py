"""The learner's own copies of the labs, outside what git tracks.

``mlep start`` serves JupyterLab on ``work/`` (ignored by git): the first time, each lab folder
is copied there from ``labs/<lab>/``, so a learner's answers and autosaves never touch the
released notebooks and a ``git pull`` of course updates never conflicts with them.

``mlep update [LAB]`` brings a changed released lab into ``work/``: the learner's solution cells
are carried over, matched by nbgrader ``grade_id`` (the cell ``id`` when a cell has none), into
the new released notebook; the previous copy stays next to it as ``<lab>.<timestamp>.ipynb``.
Pure JSON: no Jupyter needed.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlep.grading import notebooks
from mlep.runtime import project_root

WORK = "work"


@dataclass
class Update:
    """What :func:`update` did to one lab's work copy.

    Attributes
    ----------
    lab : str
        The lab id.
    notebook : pathlib.Path
        The learner's work copy.
    carried : list of str
        Keys of the solution cells whose answer was carried into the new notebook.
    backup : pathlib.Path or None
        The previous copy, or None when nothing changed (or there was no copy yet).
    created : bool
        True when the work copy did not exist and was copied from the released lab.
    """

    lab: str
    notebook: Path
    carried: list[str] = field(default_factory=list)
    backup: Path | None = None
    created: bool = False


def work_dir(root: Path | None = None) -> Path:
    """The folder JupyterLab serves: ``<root>/work``."""
    return (project_root() if root is None else Path(root)) / WORK


def work_notebook(lab: str, root: Path | None = None) -> Path:
    """The learner's copy of ``lab``: ``work/<lab>/<lab>.ipynb``."""
    return work_dir(root) / lab / f"{lab}.ipynb"


def cell_key(cell: dict) -> str | None:
    """How a cell is matched across versions: its nbgrader ``grade_id``, else its ``id``.

    Examples
    --------
    >>> cell_key({"id": "a1", "metadata": {"nbgrader": {"grade_id": "ex1_f"}}})
    'ex1_f'
    >>> cell_key({"id": "a1", "metadata": {}})
    'a1'
    >>> cell_key({"metadata": {}}) is None
    True
    """
    return notebooks.nbgrader_meta(cell).get("grade_id") or cell.get("id")


def is_answer(cell: dict) -> bool:
    """Whether the learner writes this cell (an nbgrader solution cell).

    Examples
    --------
    >>> is_answer({"metadata": {"nbgrader": {"solution": True}}})
    True
    >>> is_answer({"metadata": {"nbgrader": {"solution": False, "grade": True}}})
    False
    """
    return bool(notebooks.nbgrader_meta(cell).get("solution"))


def carry_over(old: dict, new: dict) -> tuple[dict, list[str]]:
    """The new released notebook with the learner's answers from ``old``.

    Every solution cell of ``new`` whose key (:func:`cell_key`) names a solution cell of ``old``
    takes that cell's source; its outputs are cleared. All else comes from ``new``.

    Parameters
    ----------
    old : dict
        The learner's notebook (JSON).
    new : dict
        The newly released notebook (JSON); not changed.

    Returns
    -------
    tuple of (dict, list of str)
        The merged notebook and the keys of the cells whose answer was carried over.

    Examples
    --------
    >>> ans = lambda s: {"cell_type": "code", "id": "x", "source": s, "outputs": [],
    ...                  "metadata": {"nbgrader": {"grade_id": "ex1_f", "solution": True}}}
    >>> merged, carried = carry_over({"cells": [ans("mine")]}, {"cells": [ans("stub")]})
    >>> merged["cells"][0]["source"], carried
    ('mine', ['ex1_f'])
    """
    for name, notebook in (("old", old), ("new", new)):
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            raise TypeError(
                f"{name} must be a notebook (a dict with a list of cells), "
                f"but got {type(notebook).__name__}"
            )
    answers = {cell_key(c): c for c in old["cells"] if is_answer(c) and cell_key(c)}
    merged = json.loads(json.dumps(new))
    carried = []
    for cell in merged["cells"]:
        key = cell_key(cell)
        if is_answer(cell) and key in answers:
            mine = notebooks.source(answers[key])
            if mine != notebooks.source(cell):
                cell["source"] = mine
                if cell.get("cell_type") == "code":
                    cell["outputs"], cell["execution_count"] = [], None
                carried.append(key)
    return merged, carried


def _write(path: Path, notebook: dict) -> None:
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def ensure_copies(root: Path | None = None, labs: list[str] | None = None) -> list[Path]:
    """Copy each released lab folder to ``work/`` when it is not there yet; return those copied."""
    root = project_root() if root is None else Path(root)
    copied = []
    for lab in notebooks.lab_ids(root) if labs is None else labs:
        released, target = root / "labs" / lab, work_dir(root) / lab
        if released.is_dir() and not target.exists():
            shutil.copytree(released, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            copied.append(target)
    return copied


def update(lab: str, root: Path | None = None, stamp: str | None = None) -> Update:
    """Bring the released ``lab`` into the learner's work copy, keeping their answers.

    Parameters
    ----------
    lab : str
        A lab id (``mlep labs`` lists them).
    root : pathlib.Path, optional
        The course folder (default: this checkout).
    stamp : str, optional
        The backup's timestamp (default: now, ``YYYYmmdd-HHMMSS``).

    Returns
    -------
    Update
        What was done; nothing is written when the work copy already matches.
    """
    root = project_root() if root is None else Path(root)
    if lab not in notebooks.lab_ids(root):
        raise ValueError(
            f"lab must be one of {', '.join(notebooks.lab_ids(root))}, but got {lab!r}"
        )
    target = work_notebook(lab, root)
    if not target.exists():
        ensure_copies(root, [lab])
        return Update(lab, target, created=True)
    released = notebooks.read(notebooks.released_notebook(lab, root))
    mine = notebooks.read(target)
    merged, carried = carry_over(mine, released)
    for extra in (root / "labs" / lab).iterdir():  # data files a new release added
        if (
            extra.name != target.name
            and not (target.parent / extra.name).exists()
            and extra.is_file()
        ):
            shutil.copy2(extra, target.parent / extra.name)
    if _same(merged, mine):
        return Update(lab, target, carried)
    backup = target.with_name(f"{lab}.{stamp or time.strftime('%Y%m%d-%H%M%S')}.ipynb")
    shutil.copy2(target, backup)
    _write(target, merged)
    return Update(lab, target, carried, backup)


def _same(a: dict, b: dict) -> bool:
    """Equal apart from outputs and execution counts (what running a notebook changes)."""

    def strip(notebook):
        cells = [
            {k: v for k, v in c.items() if k not in ("outputs", "execution_count")}
            for c in notebook["cells"]
        ]
        for c in cells:
            c["source"] = notebooks.source(c)
        return cells, notebook.get("metadata", {}).get("kernelspec")

    return strip(a) == strip(b)
