"""The learner's local check: per-exercise feedback, never "all tests passed"."""

from __future__ import annotations

import subprocess

import pytest

from mlep.grading import notebooks

from conftest import tool
from submissions import solved, write

LAB = "c2w1_data_validation"


@pytest.mark.slow
def test_check_reports_each_exercise_of_a_half_done_lab(tmp_path):
    exercises = notebooks.exercises(notebooks.read(notebooks.released_notebook(LAB)))
    done = {e.function for e in exercises[:3]}
    path = write(solved(LAB, done), tmp_path / f"{LAB}.ipynb")
    before = path.read_bytes()
    run = subprocess.run(
        [tool("mlep"), "check", str(path)], capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 1, run.stdout + run.stderr  # not everything passes yet
    lines = run.stdout.splitlines()
    for exercise in exercises:
        line = next(line for line in lines if exercise.title in line)
        if exercise.function in done:
            assert line.startswith("ok") and "public tests passed" in line
        else:
            assert line.startswith("FAIL") and "not attempted yet" in line
    assert "3 of 8 exercises: public tests passed" in run.stdout
    assert "all tests passed" not in run.stdout.lower()
    assert path.read_bytes() == before  # the learner's file is left alone


def test_check_explains_a_damaged_notebook(tmp_path):
    path = tmp_path / "lab.ipynb"
    path.write_text('{"cells": [')
    run = subprocess.run(
        [tool("mlep"), "check", str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2
    assert "not valid notebook JSON" in run.stderr
    assert "Traceback" not in run.stderr


def test_check_explains_a_missing_notebook(tmp_path):
    run = subprocess.run(
        [tool("mlep"), "check", str(tmp_path / "nope.ipynb")], capture_output=True, text=True
    )
    assert run.returncode == 2 and "no notebook at" in run.stderr


def test_check_explains_a_notebook_it_cannot_match_to_a_lab(tmp_path):
    """No graded cell (an editor dropped the metadata), not named after a lab: say so, no crash."""
    path = tmp_path / "my_copy.ipynb"
    path.write_text(
        '{"cells": [{"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [], '
        '"execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    run = subprocess.run(
        [tool("mlep"), "check", "--no-sandbox", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert (
        "cannot tell which lab my_copy.ipynb is" in run.stderr
        and "keep the lab's file name" in run.stderr
    )
    assert "Traceback" not in run.stderr
