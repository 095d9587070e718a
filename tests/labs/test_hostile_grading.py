"""Hostile submissions graded for real (``mlep grade``, nbgrader, the sandbox): none gets a
point it did not earn, each gets a clear line, and an honest student in the same class keeps
full marks. The class is graded once (slow); the attacks are in ``hostile_notebooks.py``, the
same attacks in-process in ``tests/lib/grading/test_hostile_checks.py``."""

from __future__ import annotations

import csv
import json
import os
import subprocess

import pytest
from hostile_notebooks import HIDDEN_LINE, HOSTILE, LAB, broken_files

from mlep.grading import notebooks, sandbox
from mlep.grading.nbgrader import VAR, start_course_dir, submit

from conftest import tool
from submissions import solved

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile-grading")]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    if sandbox.problem() is not None:
        pytest.skip(f"no sandbox here: {sandbox.problem()}")
    root = tmp_path_factory.mktemp("hostile_grading")
    start_course_dir(root)
    released = subprocess.run(
        [tool("mlep"), "release", LAB, "--root", str(root)], capture_output=True, text=True
    )
    assert released.returncode == 0, released.stderr
    submit(root, "honest", LAB, None).write_text(json.dumps(solved(LAB)), encoding="utf-8")
    for recipe in HOSTILE:
        submit(root, recipe.__name__, LAB, None).write_text(json.dumps(recipe()), encoding="utf-8")
    for name, content in broken_files().items():
        target = submit(root, name, LAB, None)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    env = dict(os.environ, MLEP_CELL_TIMEOUT="20", MLEP_SANDBOX_WALL_SECONDS="900")
    env.pop(sandbox.SWITCH, None)
    run = subprocess.run(
        [tool("mlep"), "grade", LAB, "--root", str(root), "--workers", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=3000,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    with open(root / VAR / "grades" / f"{LAB}.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    exercises = notebooks.exercises(notebooks.read(notebooks.released_notebook(LAB)))
    return root, rows, exercises


def _scores(row, exercises):
    return {e.function: float(row[e.grade_id + "_tests"] or 0) for e in exercises}


def test_the_honest_student_keeps_full_marks(hostile):
    _, rows, exercises = hostile
    assert _scores(rows["honest"], exercises) == {e.function: e.points for e in exercises}
    assert rows["honest"]["status"] == "graded", rows["honest"]["feedback"]


@pytest.mark.parametrize("recipe", [r.__name__ for r in HOSTILE])
def test_no_hostile_submission_gets_a_point(hostile, recipe):
    _, rows, exercises = hostile
    row = rows[recipe]
    assert float(row["score"] or 0) == 0, row["feedback"]
    assert set(_scores(row, exercises).values()) == {0.0}, row["feedback"]
    assert float(row["max_score"]) == sum(e.points for e in exercises)  # points not re-weighted
    assert row["status"] == "graded", row["feedback"]  # graded to the end, not a grading error
    assert "Tests passed" not in row["feedback"]  # a forked process's output is not the log


@pytest.mark.parametrize("recipe", [r.__name__ for r in HOSTILE])
def test_no_feedback_page_shows_a_hidden_test(hostile, recipe):
    root, rows, _ = hostile
    page = root / VAR / "feedback" / recipe / LAB / f"{LAB}.html"
    if page.is_file():
        html = page.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in html
        assert HIDDEN_LINE.replace('"', "&quot;") not in html and HIDDEN_LINE not in html


def test_what_was_caught_is_named(hostile):
    _, rows, _ = hostile
    assert "a class defined in the notebook" in rows["always_equal"]["feedback"]
    assert "was changed while it ran" in rows["patches_during_the_test"]["feedback"]
    assert "ignored" in rows["ignores_interrupts"]["feedback"] or (
        "stopped the kernel" in rows["ignores_interrupts"]["feedback"]
    )
    assert "settings were changed" in rows["forged_metadata"]["feedback"]
    for gid in ("ex1_label_agreement_tests", "ex2_fix_confusion_tests"):
        assert f"{gid}: 0/2 failed" in rows["exits"]["feedback"]


@pytest.mark.parametrize("name", list(broken_files()))
def test_a_broken_file_is_not_graded_and_says_why(hostile, name):
    _, rows, _ = hostile
    row = rows[name]
    assert row["status"] == "not graded", row["feedback"]
    assert "not valid notebook JSON" in row["feedback"] or "not a notebook" in row["feedback"]
    assert "Traceback" not in row["feedback"] and "Error:" not in row["feedback"].split("(")[0]
