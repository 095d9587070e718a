"""The learner's work copies: created once, updated without losing answers (pure JSON, no
kernels)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mlep import workspace
from mlep.grading import notebooks
from mlep.runtime import project_root

LAB = "c2w1_data_validation"


@pytest.fixture
def course(tmp_path) -> Path:
    """A course folder with one lab's source and released notebook."""
    for part in ("solutions", "labs"):
        shutil.copytree(project_root() / part / LAB, tmp_path / part / LAB)
    return tmp_path


def _answer(notebook: dict, grade_id: str) -> dict:
    return next(
        c for c in notebook["cells"] if notebooks.nbgrader_meta(c).get("grade_id") == grade_id
    )


def test_first_copy_is_the_released_lab_and_is_not_made_twice(course):
    assert workspace.ensure_copies(course) == [course / "work" / LAB]
    assert (
        workspace.work_notebook(LAB, course).read_bytes()
        == notebooks.released_notebook(LAB, course).read_bytes()
    )
    workspace.work_notebook(LAB, course).write_text("{}", encoding="utf-8")
    assert workspace.ensure_copies(course) == []
    assert workspace.work_notebook(LAB, course).read_text(encoding="utf-8") == "{}"


def test_update_carries_answers_into_a_changed_release_and_keeps_the_old_copy(course):
    workspace.ensure_copies(course)
    mine = notebooks.read(workspace.work_notebook(LAB, course))
    _answer(mine, "ex2_summarize")["source"] = "def summarize(stats):\n    return {'mine': 1}\n"
    _answer(mine, "ex2_summarize")["outputs"] = []
    mine["cells"].append(
        {"cell_type": "markdown", "id": "scratch", "metadata": {}, "source": "my note"}
    )
    workspace.work_notebook(LAB, course).write_text(json.dumps(mine), encoding="utf-8")
    released = notebooks.read(notebooks.released_notebook(LAB, course))
    intro = released["cells"][0]
    intro["source"] = notebooks.source(intro) + "\n\nA new paragraph of the release."
    del _answer(released, "ex1_compute_statistics")["metadata"]["nbgrader"][
        "grade_id"
    ]  # matched by cell id
    notebooks.released_notebook(LAB, course).write_text(json.dumps(released), encoding="utf-8")

    done = workspace.update(LAB, course, stamp="20260101-000000")

    assert done.carried == ["ex2_summarize"]
    assert done.backup == course / "work" / LAB / f"{LAB}.20260101-000000.ipynb"
    assert json.loads(done.backup.read_text(encoding="utf-8")) == mine
    new = notebooks.read(done.notebook)
    assert notebooks.source(new["cells"][0]).endswith("A new paragraph of the release.")
    assert "{'mine': 1}" in notebooks.source(_answer(new, "ex2_summarize"))
    assert "NotImplementedError" in notebooks.source(_answer(new, "ex3_curated_schema"))
    assert [c["id"] for c in new["cells"]] == [c["id"] for c in released["cells"]]


def test_update_of_an_unchanged_lab_writes_nothing(course):
    workspace.ensure_copies(course)
    before = workspace.work_notebook(LAB, course).read_bytes()
    done = workspace.update(LAB, course)
    assert done.backup is None and done.carried == []
    assert workspace.work_notebook(LAB, course).read_bytes() == before
    assert sorted(p.name for p in (course / "work" / LAB).iterdir()) == [f"{LAB}.ipynb"]


def test_update_without_a_copy_makes_one_and_names_unknown_labs(course):
    assert workspace.update(LAB, course).created
    with pytest.raises(ValueError, match="lab must be one of c2w1_data_validation, but got 'c9w9'"):
        workspace.update("c9w9", course)
    with pytest.raises(TypeError, match="old must be a notebook"):
        workspace.carry_over([], {"cells": []})


def test_work_folder_is_ignored_by_git():
    run = subprocess.run(
        ["git", "check-ignore", "-q", "work/c2w1_data_validation/x.ipynb"],
        cwd=project_root(),
        capture_output=True,
    )
    assert run.returncode == 0


@pytest.mark.parametrize("lab", notebooks.lab_ids())
def test_source_cells_have_ids_and_test_cells_let_run_all_go_on(lab):
    """Checked where labs are written: a cell without an id gets a random one at each release
    (its site outputs then go stale every time), and a test cell without `raises-exception`
    stops JupyterLab's Run All."""
    notebook = notebooks.read(notebooks.source_notebook(lab))
    cells = notebook["cells"]
    assert all(c.get("id") for c in cells), f"solutions/{lab}: give every cell a stable id"
    ids = [c["id"] for c in cells]
    assert len(ids) == len(set(ids)), f"solutions/{lab}: duplicate cell ids"
    untagged = [
        notebooks.nbgrader_meta(c)["grade_id"]
        for c in cells
        if c["cell_type"] == "code"
        and notebooks.nbgrader_meta(c).get("grade")
        and "raises-exception" not in c["metadata"].get("tags", [])
    ]
    assert untagged == [], f"solutions/{lab}: tag these test cells raises-exception: {untagged}"


@pytest.mark.parametrize("lab", notebooks.lab_ids())
def test_released_lab_runs_to_the_end_and_links_its_reading_on_the_course_site(lab):
    """Run All in JupyterLab goes past failing test cells (raises-exception); the reading link
    leaves JupyterLab's root for the site `make start` serves, and names a reading that exists."""
    notebook = notebooks.read(notebooks.released_notebook(lab))
    untagged = [
        notebooks.nbgrader_meta(c)["grade_id"]
        for c in notebook["cells"]
        if notebooks.nbgrader_meta(c).get("grade")
        and c["cell_type"] == "code"
        and "raises-exception" not in c["metadata"].get("tags", [])
    ]
    assert untagged == []
    text = "\n".join(notebooks.source(c) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "../../course/" not in text
    weeks = re.findall(r"\]\(http://127\.0\.0\.1:8000/course/(c\dw\d)/[^)]*\)", text)
    assert weeks[0] == lab[:4]  # its own week first; later cells may point to other weeks
    assert all((project_root() / "course" / f"{week}.md").is_file() for week in weeks)
