import json

import pytest

from mlep.grading import expect, notebooks


def test_failures_name_the_exercise_and_what_was_got():
    with pytest.raises(
        expect.ExerciseFailure, match=r"^Exercise 4: the domain should be \['a'\], but got \['b'\]$"
    ):
        expect.equal(["b"], ["a"], "Exercise 4", what="the domain")
    with pytest.raises(expect.ExerciseFailure, match="did you forget to `return` it"):
        expect.instance(None, dict, "Exercise 2")
    with pytest.raises(expect.ExerciseFailure, match="should be about 0.5, but got 0.4"):
        expect.close(0.4, 0.5, "Exercise 6")


def test_columns_lists_what_is_missing():
    import pandas as pd

    with pytest.raises(expect.ExerciseFailure, match=r"missing column\(s\) \['alarm'\]"):
        expect.columns(pd.DataFrame({"feature": []}), ["feature", "alarm"], "Exercise 6")


def test_passed_never_says_all_tests(capsys):
    expect.passed("Exercise 1")
    out = capsys.readouterr().out
    assert "public tests passed" in out and "all tests" not in out


def test_read_rejects_broken_files(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(notebooks.NotebookError, match="bad.ipynb is not valid notebook JSON"):
        notebooks.read(bad)
    bad.write_text(json.dumps({"cells": "nope"}))
    with pytest.raises(notebooks.NotebookError, match="not a notebook"):
        notebooks.read(bad)
    with pytest.raises(notebooks.NotebookError, match="no notebook at"):
        notebooks.read(tmp_path / "missing.ipynb")


def test_exercises_pair_solution_and_test_cells():
    lab = notebooks.read(notebooks.source_notebook("c2w1_data_validation"))
    exercises = notebooks.exercises(lab)
    assert [e.number for e in exercises] == list(range(1, len(exercises) + 1))
    for e in exercises:
        assert e.test_index > e.solution_index
        assert (
            notebooks.nbgrader_meta(lab["cells"][e.test_index])["grade_id"] == e.grade_id + "_tests"
        )


def test_exercise_without_test_cell_is_an_error():
    cell = {
        "cell_type": "code",
        "source": "",
        "metadata": {"nbgrader": {"grade_id": "ex1_f", "solution": True}},
    }
    with pytest.raises(notebooks.NotebookError, match="ex1_f has no test cell ex1_f_tests"):
        notebooks.exercises({"cells": [cell]})


def test_harness_runs_cells_as_a_notebook_would(tmp_path):
    """Cells do not inherit the harness's `from __future__ import annotations` (a dataclass in a
    lab cell would look its string annotations up in a module that does not exist)."""
    from mlep.grading import harness

    cells = [
        {
            "cell_type": "code",
            "source": "from dataclasses import dataclass\n\n@dataclass\nclass Box:\n"
            "    size: int = 1\n\nkind = type(Box.__annotations__['size']).__name__",
        },
    ]
    path = tmp_path / "lab.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    lab = harness.Lab(path).run()
    assert lab.namespace_["kind"] == "type" and lab.namespace_["Box"]().size == 1


def test_harness_can_grade_one_exercise_as_if_the_others_were_not_attempted(tmp_path):
    from mlep.grading import harness

    def cell(grade_id, source, **nbgrader):
        meta = {
            "grade_id": grade_id,
            "grade": "points" in nbgrader,
            "solution": nbgrader.pop("solution", False),
            "locked": False,
            "schema_version": 3,
            **nbgrader,
        }
        return {
            "cell_type": "code",
            "metadata": {"nbgrader": meta},
            "source": source,
            "outputs": [],
            "execution_count": None,
        }

    cells = [
        cell("ex1_double", "def double(x):\n    return 2 * x", solution=True),
        cell("ex1_double_tests", "assert double(2) == 4", points=1),
        cell("ex2_quadruple", "def quadruple(x):\n    return 4 * x", solution=True),
        cell(
            "ex2_quadruple_tests", "assert quadruple(1) == double(2)", points=1
        ),  # leans on exercise 1
    ]
    path = tmp_path / "lab.ipynb"
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    lab = harness.Lab(path).run()
    assert lab.check("quadruple").passed
    assert lab.check("double", others_unattempted=True).passed
    alone = lab.check("quadruple", others_unattempted=True)
    assert not alone.passed and "NotImplementedError" in alone.message
    assert lab.namespace_["double"](1) == 2  # the run's own namespace is left alone


def test_numpy_scalars_count_as_the_python_numbers_they_stand_for():
    import numpy as np

    expect.close(np.float32(0.5), 0.5, "Exercise 1")
    expect.close(np.array(0.25), 0.25, "Exercise 1")  # a 0-d array is a number too
    expect.instance(np.float32(0.5), float, "Exercise 1")
    expect.instance(np.int64(3), int, "Exercise 1")
    expect.instance(np.bool_(True), bool, "Exercise 1")
    with pytest.raises(expect.ExerciseFailure, match="should be about 0.5, but got 0.25"):
        expect.close(np.float32(0.25), 0.5, "Exercise 1")
    with pytest.raises(expect.ExerciseFailure, match="should be a int, but got a float32"):
        expect.instance(np.float32(3.0), int, "Exercise 1")  # a float is still not an int


def test_an_array_where_one_value_was_due_gets_a_clear_message():
    import numpy as np
    import pandas as pd

    with pytest.raises(expect.ExerciseFailure) as failure:
        expect.equal(np.array([1, 2, 3]), 2, "Exercise 3", what="the label")
    message = str(failure.value)
    assert message.startswith("Exercise 3: the label should be 2, but got array([1, 2, 3])")
    assert "shape (3,)" in message and "single value" in message and "ambiguous" not in message
    with pytest.raises(expect.ExerciseFailure, match="single value"):
        expect.equal(pd.Series([1, 2]), 1, "Exercise 3")
    with pytest.raises(expect.ExerciseFailure, match="should be a int or float, but got a ndarray"):
        expect.close(np.array([0.5, 0.5]), 0.5, "Exercise 3")
    expect.equal(np.array([1, 2]), np.array([1, 2]), "Exercise 3")  # same shape: every element
    with pytest.raises(expect.ExerciseFailure, match=r"should be array\(\[1, 3\]\)"):
        expect.equal(np.array([1, 2]), np.array([1, 3]), "Exercise 3")
    with pytest.raises(expect.ExerciseFailure, match="single value"):
        expect.that(np.array([True, False]), "Exercise 3", "all rows should be kept")


def test_hidden_test_checks_say_what_is_wrong_without_the_answer():
    with pytest.raises(expect.ExerciseFailure) as raised:
        expect.matches("check_in", "check_out", "Exercise 3", what="the LF to drop")
    assert "check_out" not in str(raised.value) and "got 'check_in'" in str(raised.value)
    with pytest.raises(expect.ExerciseFailure, match="should have 3 items, but got 2"):
        expect.matches(["a", "b"], ["a", "b", "c"], "Exercise 1", what="the names")
    with pytest.raises(expect.ExerciseFailure, match="should be a str, but got a int"):
        expect.matches(3, "3", "Exercise 1")
    with pytest.raises(expect.ExerciseFailure) as raised:
        expect.near(0.7, 0.79, "Exercise 7", what="the threshold", tol=0.01)
    assert "too low: got 0.7" in str(raised.value) and "0.79" not in str(raised.value)
    with pytest.raises(expect.ExerciseFailure, match="too high"):
        expect.matches(5, 4, "Exercise 2")
    expect.matches((1, "a"), (1, "a"), "Exercise 1")
    expect.near(0.3 + 1e-9, 0.3, "Exercise 1")


def test_no_hidden_test_prints_its_expected_value():
    """Hidden regions use matches/near, whose failures never print the expected value."""
    import re

    offenders = []
    for lab in notebooks.lab_ids():
        for cell in notebooks.read(notebooks.source_notebook(lab))["cells"]:
            text = notebooks.source(cell)
            if "### BEGIN HIDDEN TESTS" in text:
                hidden = text.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                if re.search(r"\bexpect\.(equal|close)\(", hidden):
                    offenders.append(f"{lab}: {notebooks.nbgrader_meta(cell)['grade_id']}")
    assert not offenders, (
        f"hidden tests that print their expected value (use expect.matches/near): {offenders}"
    )


def test_grades_export_for_canvas_and_moodle(tmp_path):
    import csv

    from mlep.grading.nbgrader import StudentResult
    from mlep.grading.platforms import export

    results = [
        StudentResult(
            "ana", 9, 11, "graded", feedback=["ex1_f_tests: 0/2 failed: Exercise 1: too low"]
        ),
        StudentResult("ben", 0, 11, "not graded", feedback=["no notebook"]),
    ]
    canvas = list(csv.reader(export("lab1", results, tmp_path / "c.csv", "canvas").open()))
    assert canvas == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "lab1"],
        ["Points Possible", "", "", "", "", "11"],
        ["ana", "", "", "ana", "", "9"],
        ["ben", "", "", "ben", "", ""],
    ]
    moodle = list(csv.reader(export("lab1", results, tmp_path / "m.csv", "moodle").open()))
    assert moodle[0] == ["username", "lab1", "lab1 feedback"]
    assert (
        moodle[1] == ["ana", "9", "ex1_f_tests: 0/2 failed: Exercise 1: too low"]
        and moodle[2][1] == ""
    )
    with pytest.raises(ValueError, match="fmt must be one of"):
        export("lab1", results, tmp_path / "x.csv", "blackboard")


def test_the_guard_restores_the_error_base_a_cell_patched():
    """ExerciseFailure derives from MlepError: a learner's patch of that base (its __init__, or
    the name in mlep.exceptions) is undone before the next cell, as a patch of expect is."""
    import subprocess
    import sys

    script = """
import mlep.exceptions as e, sys
from mlep.kernel import ExpectGuard
guard = ExpectGuard()
assert guard.restore() == []
e.MlepError.__init__ = lambda self, *args: None
e.MlepError = type("Fake", (Exception,), {})
fixed = guard.restore()
failure = sys.modules["mlep.grading.expect"].ExerciseFailure
assert fixed == ["mlep.grading.expect"], fixed
assert "__init__" not in vars(sys.modules["mlep.exceptions"].MlepError)
assert failure.__mro__[1] is sys.modules["mlep.exceptions"].MlepError
assert failure.__mro__[1].__name__ == "MlepError" and issubclass(failure, AssertionError)
print("ok")
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.stdout.strip() == "ok", run.stderr
