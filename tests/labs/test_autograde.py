"""The instructor flow on a demo class: real nbgrader, real gradebook, one run per lab."""

from __future__ import annotations

import csv
import json
import os
import subprocess

import pytest

from mlep.grading import notebooks
from mlep.grading.nbgrader import VAR, start_course_dir, submit

from conftest import LABS, tool
from demo_class import GRADER_RECIPES, LAB_RECIPES, REFERENCE_LAB, patchy_expected

pytestmark = pytest.mark.slow
CELL_TIMEOUT = 20  # seconds; the `endless` submission spends exactly this
LAB_CELL_TIMEOUT = (
    240  # the autograder's default, what learners get: a lab may run one TFX pipeline
)


def _release(lab: str, root) -> None:
    """The instructor's first step: ``mlep release`` into a fresh course folder."""
    start_course_dir(root)
    released = subprocess.run(
        [tool("mlep"), "release", lab, "--root", str(root)], capture_output=True, text=True
    )
    assert released.returncode == 0, released.stderr


def _grade_class(lab: str, recipes, root, timeout: int = CELL_TIMEOUT) -> tuple:
    """Submit one notebook per recipe into the released course ``root`` and grade them."""
    for recipe in recipes:
        content = recipe(lab)
        target = submit(root, recipe.__name__, lab, None)
        if isinstance(content, dict):
            target.write_text(json.dumps(content), encoding="utf-8")
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
    env = dict(os.environ, MLEP_CELL_TIMEOUT=str(timeout))
    run = subprocess.run(
        [tool("mlep"), "grade", lab, "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(recipes)}/{len(recipes)} graded" in run.stderr  # progress for the instructor
    with open(root / VAR / "grades" / f"{lab}.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    exercises = notebooks.exercises(notebooks.read(notebooks.source_notebook(lab)))
    return lab, root, rows, exercises, run.stdout


# One demo class per lab, released once (the drift test below reads that release) and graded
# once: session scope (xdist may run other modules' tests in between, which would tear a
# module-scoped fixture down), and each lab's tests stay on one xdist worker (different labs
# may run on different workers).
@pytest.fixture(
    scope="session",
    params=[pytest.param(lab, marks=pytest.mark.xdist_group(f"autograde-{lab}")) for lab in LABS],
)
def released(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"class_{request.param}")
    _release(request.param, root)
    return request.param, root


@pytest.fixture(scope="session")
def graded(released):
    lab, root = released
    return _grade_class(lab, LAB_RECIPES, root, LAB_CELL_TIMEOUT)


# The grading machinery's edge cases, once, on the quickest lab.
@pytest.fixture(scope="session")
def grader(tmp_path_factory):
    root = tmp_path_factory.mktemp("grader_class")
    _release(REFERENCE_LAB, root)
    return _grade_class(REFERENCE_LAB, GRADER_RECIPES, root)


def _cells(row, exercises):
    return {e.function: float(row[e.grade_id + "_tests"]) for e in exercises}


def test_released_lab_is_what_generate_assignment_produces(released):
    """The committed labs/<lab> is what `mlep release` makes from solutions/<lab> now."""
    lab, root = released
    fresh = json.loads((root / "labs" / lab / f"{lab}.ipynb").read_text())
    committed = notebooks.read(notebooks.released_notebook(lab))
    assert fresh == committed, f"labs/{lab} drifted from solutions/{lab}: run `make labs`"


def test_every_student_gets_a_row_and_the_report_lists_them(graded):
    _, _, rows, _, report = graded
    assert sorted(rows) == sorted(r.__name__ for r in LAB_RECIPES)
    for student in rows:
        assert student in report


def test_solution_scores_full_marks(graded):
    _, _, rows, exercises, _ = graded
    perfect = rows["perfect"]
    assert perfect["status"] == "graded"
    assert (
        float(perfect["score"]) == float(perfect["max_score"]) == sum(e.points for e in exercises)
    )


def test_released_notebook_scores_zero_on_every_graded_cell(graded):
    _, _, rows, exercises, _ = graded
    assert _cells(rows["unsolved"], exercises) == {e.function: 0.0 for e in exercises}


@pytest.mark.xdist_group("autograde-grader")
def test_each_exercise_is_graded_on_its_own(grader):
    """A deleted test cell, a syntax error and unattempted exercises cost only their own points."""
    lab, _, rows, exercises, _ = grader
    row = rows["patchy"]
    assert _cells(row, exercises) == patchy_expected(lab)
    assert f"test cell {exercises[0].grade_id}_tests was deleted" in row["feedback"]


def test_the_reference_lab_is_a_lab():
    assert REFERENCE_LAB in LABS


@pytest.mark.xdist_group("autograde-grader")
def test_endless_loop_is_stopped_and_the_lab_goes_on(grader):
    _, _, rows, exercises, _ = grader
    row = rows["endless"]
    cells = _cells(row, exercises)
    assert cells[exercises[0].function] == 0
    assert cells[exercises[-1].function] == exercises[-1].points
    assert "time limit" in row["feedback"]


@pytest.mark.xdist_group("autograde-grader")
def test_dead_kernel_costs_only_its_cell_and_does_not_stop_the_batch(grader):
    _, _, rows, exercises, _ = grader
    row = rows["dies"]
    cells = _cells(row, exercises)
    assert cells[exercises[0].function] == 0  # the cell that called os._exit()
    assert cells == {e.function: (0.0 if i == 0 else e.points) for i, e in enumerate(exercises)}
    assert row["status"] == "graded"
    assert f"{exercises[0].grade_id} stopped the kernel" in row["feedback"]
    assert rows["edited_tests"]["status"] == "graded"  # graded after it, alphabetically
    assert rows["perfect"]["status"] == "graded"


@pytest.mark.xdist_group("autograde-grader")
def test_edited_test_cells_are_restored_from_the_gradebook(grader):
    _, _, rows, _, _ = grader
    assert float(rows["edited_tests"]["score"]) == 0


@pytest.mark.xdist_group("autograde-grader")
def test_invalid_json_and_missing_notebook_get_a_clear_line(grader):
    lab, _, rows, _, _ = grader
    assert rows["invalid_json"]["status"] == "not graded"
    assert "not valid notebook JSON" in rows["invalid_json"]["feedback"]
    assert rows["missing"]["status"] == "not graded"
    assert f"no notebook named {lab}.ipynb" in rows["missing"]["feedback"]


def test_feedback_pages_are_written_for_graded_students(graded):
    lab, root, _, _, _ = graded
    page = root / VAR / "feedback" / "perfect" / lab / f"{lab}.html"
    assert page.is_file()
    html = page.read_text()
    assert "BEGIN HIDDEN TESTS" not in html and "public tests passed" in html
    unsolved = (root / VAR / "feedback" / "unsolved" / lab / f"{lab}.html").read_text()
    assert "NotImplementedError" in unsolved
