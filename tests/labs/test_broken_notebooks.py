"""Broken notebooks get a fair, explained result, and `mlep check` agrees with `mlep grade`.

The repairs and verdicts are checked at the function level on the reference lab (milliseconds);
one class of broken notebooks is graded for real once (on a 2-worker Dask LocalCluster, so the
distributed path is exercised too) and each notebook is checked, to prove the two commands agree.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess

import broken_notebooks as broken
import pytest

from mlep.grading import notebooks, repair, verdict
from mlep.grading.nbgrader import VAR, start_course_dir, submit

from conftest import tool
from demo_class import REFERENCE_LAB
from submissions import solved

LAB = REFERENCE_LAB
TIMEOUT = 10  # seconds per cell for the endless loop: check and grade use the same limit


def _released():
    return notebooks.read(notebooks.released_notebook(LAB))


def _ids(notebook):
    return [notebooks.nbgrader_meta(c).get("grade_id") for c in notebook["cells"]]


# ---- repairs, at the function level --------------------------------------------------------


@pytest.mark.parametrize("recipe", [broken.no_metadata, broken.no_metadata_no_ids])
def test_metadata_less_notebooks_are_matched_back_to_the_lab(recipe):
    damaged = recipe(LAB)
    assert not notebooks.exercises(damaged)  # what nbgrader would see: no graded cell at all
    fixed = repair.normalise(damaged, _released())
    assert _ids(fixed.notebook) == _ids(solved(LAB))
    assert len(notebooks.exercises(fixed.notebook)) == len(notebooks.exercises(_released()))
    assert "lost nbgrader's cell metadata" in fixed.notes[0]
    assert damaged["cells"][0]["metadata"] == {}  # the learner's notebook is left alone


def test_an_exercise_cell_is_found_by_its_function_when_ids_and_text_differ():
    damaged = broken.no_metadata_no_ids(LAB)
    first = notebooks.exercises(_released())[0]
    damaged["cells"][first.solution_index]["source"] = (
        f"import math\n\ndef {first.function}(a, b):\n    return 1\n"
    )
    fixed = repair.normalise(damaged, _released())
    assert _ids(fixed.notebook)[first.solution_index] == first.grade_id


def test_an_edited_test_cell_without_metadata_is_still_found():
    damaged = broken.no_metadata_no_ids(LAB)
    test = notebooks.exercises(_released())[1].test_index
    damaged["cells"][test]["source"] += "\nprint('my own check')\n"
    fixed = repair.normalise(damaged, _released())
    assert _ids(fixed.notebook)[test] == notebooks.exercises(_released())[1].grade_id + "_tests"


def test_copied_graded_cells_keep_one_graded_copy():
    fixed = repair.normalise(broken.duplicated(LAB), _released())
    ids = [i for i in _ids(fixed.notebook) if i]
    assert len(ids) == len(set(ids)) == len(_ids(_released())) - _ids(_released()).count(None)
    assert sum("appears 2 times" in note for note in fixed.notes) == 2
    assert len(fixed.notebook["cells"]) == len(_released()["cells"]) + 2  # the copies still run


def test_a_test_cell_turned_to_markdown_runs_as_code_like_in_grading():
    fixed = repair.restore_tests(broken.markdown_test(LAB), _released())
    cell = fixed.notebook["cells"][notebooks.exercises(_released())[0].test_index]
    assert cell["cell_type"] == "code" and cell["outputs"] == []
    assert "turned into a markdown cell" in fixed.notes[0]


def test_defuse_skips_a_killing_cell_or_stubs_the_function_a_test_died_in():
    notebook = broken.dies_in_cell(LAB)
    third, fourth = notebooks.exercises(_released())[2:4]
    fixed = repair.defuse(notebook, third.solution_index)
    assert notebooks.source(fixed.notebook["cells"][third.solution_index]).startswith(
        "raise RuntimeError("
    )
    assert "stopped the kernel" in fixed.notes[0]
    fixed = repair.defuse(broken.dies_in_test(LAB), fourth.test_index)
    assert notebooks.source(fixed.notebook["cells"][fourth.test_index]) == notebooks.source(
        _released()["cells"][fourth.test_index]
    )  # grading would restore it anyway
    namespace: dict = {}
    exec(notebooks.source(fixed.notebook["cells"][fourth.solution_index]), namespace)
    with pytest.raises(RuntimeError, match="stopped the kernel"):
        namespace[fourth.function]()
    with pytest.raises(ValueError, match="index must be"):
        repair.defuse(notebook, 999)


def _error(ename, evalue="", traceback=()):
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": list(traceback)}


def _cell(*outputs, count=1):
    return {
        "cell_type": "code",
        "outputs": list(outputs),
        "execution_count": count,
        "source": "",
        "metadata": {},
    }


def test_verdicts_name_the_real_cause():
    name_error = _error("NameError", "name 'f' is not defined")
    syntax = _error("SyntaxError", "invalid syntax (2041391.py, line 3)", ["  Cell In[4], line 3"])
    assert verdict.explain(_cell(name_error), _cell(syntax)) == (
        False,
        "your exercise cell failed, so its function is not defined: SyntaxError: invalid syntax "
        "(line 3 of the cell)",
    )
    interrupted = _cell(_error("KeyboardInterrupt"), _error("CellTimeoutError"))
    assert verdict.explain(interrupted, None, 20) == (
        False,
        "stopped after the per-cell time limit of 20 s (an endless loop, or far too slow?)",
    )
    assert verdict.explain(_cell(_error("KeyboardInterrupt")), None)[1].startswith("stopped after")
    assert verdict.explain(_cell(_error("NotImplementedError")), None)[1].startswith(
        "not attempted"
    )
    assert verdict.explain(_cell(count=None), None) == (False, "its test cell did not run")
    assert verdict.explain(_cell(), None) == (True, "public tests passed")
    markdown = {"cell_type": "markdown", "source": "", "metadata": {}}
    assert verdict.explain(markdown, None)[0] is False


def test_messages_carry_no_paths():
    failure = _error(
        "FileNotFoundError", "[Errno 2] No such file: '/work/main/solutions/lab/data.csv'"
    )
    assert verdict.describe(failure) == "FileNotFoundError: [Errno 2] No such file: 'data.csv'"


# ---- one class, graded and checked: the two commands agree -------------------------------


def _check(path):
    run = subprocess.run(
        [tool("mlep"), "check", "--timeout", str(TIMEOUT), str(path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode in (0, 1), run.stdout + run.stderr
    return run


@pytest.fixture(scope="session")
def broken_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken_class")
    start_course_dir(root)
    for recipe in broken.RECIPES:
        submit(root, recipe.__name__, LAB, None).write_text(
            json.dumps(recipe(LAB)), encoding="utf-8"
        )
    before = subprocess.run(
        [tool("mlep"), "grade", LAB, "--root", str(root)], capture_output=True, text=True
    )
    released = subprocess.run(
        [tool("mlep"), "release", LAB, "--root", str(root)], capture_output=True, text=True
    )
    assert released.returncode == 0, released.stderr
    env = dict(os.environ, MLEP_CELL_TIMEOUT=str(TIMEOUT))
    graded = subprocess.run(
        [
            tool("mlep"),
            "grade",
            LAB,
            "--root",
            str(root),
            "--dask",
            "--workers",
            "2",
            "--export",
            "canvas",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    again = subprocess.run(
        [tool("mlep"), "grade", LAB, "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    with open(root / VAR / "grades" / f"{LAB}.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    checks = {}
    for recipe in broken.RECIPES:
        path = root / "learner" / recipe.__name__ / f"{LAB}.ipynb"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(recipe(LAB)), encoding="utf-8")
        checks[recipe.__name__] = _check(path).stdout
    return root, before, graded, again, rows, checks


@pytest.mark.slow
@pytest.mark.xdist_group("broken-class")
def test_grading_an_unreleased_lab_says_so(broken_class):
    _, before, _, _, _, _ = broken_class
    assert before.returncode == 2
    assert f"lab '{LAB}' is not released" in before.stderr and "mlep release" in before.stderr
    assert "Traceback" not in before.stderr


@pytest.mark.slow
@pytest.mark.xdist_group("broken-class")
@pytest.mark.parametrize("recipe", broken.RECIPES, ids=lambda r: r.__name__)
def test_check_and_grade_agree_and_name_the_cause(broken_class, recipe):
    _, _, _, _, rows, checks = broken_class
    row, out = rows[recipe.__name__], checks[recipe.__name__]
    assert row["status"] == "graded", row["feedback"]
    for exercise in notebooks.exercises(_released()):
        line = next(line for line in out.splitlines() if exercise.title in line)
        check_passed = line.startswith("ok")
        graded_full = float(row[exercise.grade_id + "_tests"]) == exercise.points
        assert check_passed == graded_full, (
            f"{exercise.title}: check says {line!r}, grade {row['feedback']!r}"
        )
        word = broken.expected(LAB, recipe)[exercise.function]
        assert check_passed == (word is None), line
        if word is not None:
            message = line.split(exercise.title, 1)[1].strip()
            assert word in message
            assert message in row["feedback"], f"grade's message differs from check's {message!r}"
    assert "Traceback" not in out and "Kernel is running over TCP" not in out


@pytest.mark.slow
@pytest.mark.xdist_group("broken-class")
def test_feedback_pages_show_outcomes_and_messages_but_no_hidden_code_or_paths(broken_class):
    root, _, _, _, _, _ = broken_class
    source = notebooks.read(notebooks.source_notebook(LAB))
    hidden_lines = set()
    for cell in source["cells"]:
        text = notebooks.source(cell)
        if "### BEGIN HIDDEN TESTS" in text:
            region = text.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden_lines |= {line.strip() for line in region.splitlines() if len(line.strip()) > 25}
    assert hidden_lines
    for recipe in broken.RECIPES:
        page = root / VAR / "feedback" / recipe.__name__ / LAB / f"{LAB}.html"
        assert page.is_file(), f"no feedback page for {recipe.__name__}"
        html = page.read_text()
        leaked = [
            line for line in hidden_lines if line in html or line.replace('"', "&quot;") in html
        ]
        assert not leaked, f"{recipe.__name__}: hidden test code on the page: {leaked[:2]}"
        assert not re.search(r"/(work|tmp|home|root)/[\w.-]+/", html), (
            f"{recipe.__name__}: a path on the page"
        )
        assert "Tests passed (public and hidden)" in html
        if recipe is not broken.copied:  # its learner quotes the marker in their own cell
            assert "BEGIN HIDDEN TESTS" not in html
    endless = (root / VAR / "feedback" / "endless" / LAB / f"{LAB}.html").read_text()
    assert "Tests failed: stopped after the per-cell time limit" in endless


@pytest.mark.slow
@pytest.mark.xdist_group("broken-class")
def test_the_class_is_merged_into_one_gradebook_and_exported(broken_class):
    root, _, graded, _, rows, _ = broken_class
    lines = [line for line in graded.stderr.splitlines() if " graded " in line]
    n = len(broken.RECIPES)
    assert len(lines) == n and f"{n}/{n} graded" in lines[-1]  # progress, one line per submission
    database = root / VAR / "gradebook.db"
    code = (
        "import sys, json\nfrom nbgrader.api import Gradebook\n"
        f"with Gradebook('sqlite:///{database}') as gb:\n"
        "    print(json.dumps({s.student.id: s.score "
        f"for s in gb.find_assignment('{LAB}').submissions}}))"
    )
    scores = json.loads(
        subprocess.run(
            [tool("python"), "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert scores == {student: float(row["score"]) for student, row in rows.items()}
    with open(root / VAR / "grades" / f"{LAB}.canvas.csv", newline="") as handle:
        canvas = list(csv.reader(handle))
    assert canvas[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[1][0] == "Points Possible"
    assert {r[0]: float(r[5]) for r in canvas[2:]} == scores


@pytest.mark.slow
@pytest.mark.xdist_group("broken-class")
def test_grading_again_resumes_instead_of_regrading(broken_class):
    root, _, _, again, rows, _ = broken_class
    assert again.returncode == 0, again.stderr
    assert " graded " not in again.stderr  # nothing was graded again
    for student, row in rows.items():
        assert student in again.stdout and row["score"] in again.stdout
