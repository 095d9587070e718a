"""Grade one submission in a scratch course folder of its own (one task of a class run).

:func:`grade_submission` takes a :class:`Task` (everything as data, so it may run on another
machine): a copy of the lab's gradebook with no students in it, the submission (repaired by
:mod:`mlep.grading.repair`) and the lab's data files. It runs ``nbgrader autograde`` and
``nbgrader generate_feedback`` there, and returns an :class:`Outcome`: the scores, the
feedback lines, the feedback page and the autograded notebook. A task never touches the
course's gradebook, so any number can run at once (:mod:`mlep.grading.classroom` runs them).

A kernel that dies (``os._exit()``, out of memory) is handled here: the cell it died in is
known from ``$MLEP_CELL_TRACE`` (see :mod:`mlep.grading.nbhooks`), that cell is defused
(:func:`mlep.grading.repair.defuse`) and the notebook graded again, so the cells that ran
before it keep their scores and the feedback names the cell.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlep.grading import notebooks, repair, verdict
from mlep.grading.nbgrader import (
    MAX_KILLS,
    VAR,
    StudentResult,
    explain_failure,
    last_line,
    run_nbgrader,
)

__all__ = ["Task", "Outcome", "grade_submission", "grade_safely"]


@dataclass
class Task:
    """Everything one submission's grading needs, as data (it may run on another machine)."""

    lab: str
    student: str
    root: str  # the course folder: the lab's data files are read from its solutions/<lab>/
    notebook: str | None  # the submitted notebook's text, None when there is none
    found: list[str]  # the files in the submission folder (for a missing notebook's message)
    released: dict  # the released notebook: what the learner started from
    gradebook: bytes  # the lab's gradebook with no students
    timestamp: str | None = None


@dataclass
class Outcome:
    """A graded submission: the result, the feedback page and the autograded notebook."""

    result: StudentResult
    feedback_html: str | None = None
    autograded: str | None = None


def _cell_timeout() -> int:
    return int(os.environ.get("MLEP_CELL_TIMEOUT", 240))


def grade_submission(task: Task) -> Outcome:
    """Grade one submission in a scratch course folder (safe to run in parallel).

    Parameters
    ----------
    task : Task
        One student's submission and where to grade it.
    """
    exercises = notebooks.exercises(task.released)
    result = StudentResult(
        task.student,
        max_score=sum(e.points for e in exercises),
        cells={e.grade_id + notebooks.TEST_SUFFIX: 0.0 for e in exercises},
    )
    name = f"{task.lab}.ipynb"
    if task.notebook is None:
        result.status = "not graded"
        result.feedback = [
            f"no notebook named {name} in the submission (found: {task.found or 'nothing'})"
        ]
        return Outcome(result)
    try:
        submitted = notebooks.parse(task.notebook, name)
    except notebooks.NotebookError as error:
        result.status = "not graded"
        result.feedback = [str(error)]
        return Outcome(result)
    fixed = repair.normalise(submitted, task.released)
    result.feedback = list(fixed.notes)
    present = set(notebooks.grade_ids(fixed.notebook))
    result.feedback += [
        f"test cell {gid} was deleted, so it scores 0; restore it from the released lab"
        for gid in result.cells
        if gid not in present
    ]
    scratch = Path(tempfile.mkdtemp(prefix=f"mlep-grade-{task.student}-"))
    try:
        return _grade_in(scratch, task, fixed.notebook, result, exercises)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def grade_safely(task: Task) -> Outcome:
    """:func:`grade_submission`, with any unexpected failure as this student's *error* result.

    Parameters
    ----------
    task : Task
        One student's submission and where to grade it.
    """
    try:
        return grade_submission(task)
    except Exception as error:  # one broken task must not stop the class
        result = StudentResult(
            task.student,
            status="error",
            max_score=sum(e.points for e in notebooks.exercises(task.released)),
        )
        result.feedback = [f"grading failed: {type(error).__name__}: {verdict.clean(str(error))}"]
        return Outcome(result)


def _lay_out(scratch: Path, task: Task, notebook: dict) -> Path:
    var = scratch / VAR
    var.mkdir(parents=True)
    (var / "gradebook.db").write_bytes(task.gradebook)
    lab_files = Path(task.root) / "solutions" / task.lab
    target = scratch / "solutions" / task.lab
    target.mkdir(parents=True)
    for path in lab_files.rglob("*"):  # the lab's data files; never its solution notebook
        if path.is_file() and path.suffix != ".ipynb" and "__pycache__" not in path.parts:
            destination = target / path.relative_to(lab_files)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    folder = var / "submitted" / task.student / task.lab
    folder.mkdir(parents=True)
    if task.timestamp:
        (folder / "timestamp.txt").write_text(task.timestamp, encoding="utf-8")
    submission = folder / f"{task.lab}.ipynb"
    submission.write_text(json.dumps(notebook), encoding="utf-8")
    return submission


def _autograde(scratch: Path, task: Task, notebook: dict, result: StudentResult) -> bool:
    """``nbgrader autograde``, defusing each cell the kernel dies in; False: give up (an error)."""
    submission = _lay_out(scratch, task, notebook)
    trace = scratch / "cell-trace"
    env = {"MLEP_CELL_TRACE": str(trace)}
    for _attempt in range(MAX_KILLS + 1):
        trace.unlink(missing_ok=True)
        run = run_nbgrader(
            ["autograde", task.lab, "--student", task.student, "--force"], scratch, extra_env=env
        )
        if run.returncode == 0:
            return True
        died = _died_in(run, trace)
        if died is None:
            result.status = "error"
            result.feedback.append(explain_failure(run))
            return False
        try:
            fix = repair.defuse(notebook, died)
        except ValueError as error:
            result.status = "error"
            result.feedback.append(
                f"the kernel died in cell {died + 1} and the rest could not be graded: {error}"
            )
            return False
        result.feedback += fix.notes
        notebook = fix.notebook
        submission.write_text(json.dumps(notebook), encoding="utf-8")
    result.status = "error"
    result.feedback.append(f"the kernel died {MAX_KILLS + 1} times; scored 0")
    return False


def _grade_in(
    scratch: Path, task: Task, notebook: dict, result: StudentResult, exercises
) -> Outcome:
    if not _autograde(scratch, task, notebook, result):
        return Outcome(result)
    _scores(result, scratch, task.lab)
    autograded_path = scratch / VAR / "autograded" / task.student / task.lab / f"{task.lab}.ipynb"
    autograded = autograded_path.read_text(encoding="utf-8") if autograded_path.is_file() else None
    if autograded:
        _messages(result, json.loads(autograded), exercises)
    feedback = run_nbgrader(
        ["generate_feedback", task.lab, "--student", task.student, "--force"], scratch
    )
    page = scratch / VAR / "feedback" / task.student / task.lab / f"{task.lab}.html"
    html = page.read_text(encoding="utf-8") if page.is_file() else None
    if feedback.returncode != 0 or html is None:
        result.feedback.append("feedback page could not be generated: " + last_line(feedback))
    return Outcome(result, html, autograded)


def _died_in(run, trace: Path) -> int | None:
    text = run.stderr + run.stdout
    if not ("DeadKernelError" in text or "Kernel died" in text) or not trace.is_file():
        return None
    try:
        return int(trace.read_text(encoding="utf-8").strip())
    except ValueError:
        return None


def _scores(result: StudentResult, scratch: Path, lab: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{scratch / VAR / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(lab, result.student)
        result.score, result.max_score = submission.score, submission.max_score
        for nb in submission.notebooks:
            for grade in nb.grades:
                if grade.max_score:
                    result.cells[grade.name] = grade.score


def _messages(result: StudentResult, autograded: dict, exercises) -> None:
    """A feedback line per test cell: its score, and why it failed (from the autograded copy)."""
    found = {
        v.grade_id: v for v in verdict.verdicts(autograded, exercises, timeout=_cell_timeout())
    }
    points = {e.grade_id + notebooks.TEST_SUFFIX: e.points for e in exercises}
    for gid in sorted(result.cells):
        score, top = result.cells[gid], points.get(gid, 0)
        line = f"{gid}: {score:g}/{top:g} " + ("passed" if score == top else "failed")
        if score != top and gid in found and not found[gid].passed:
            line += f": {found[gid].message}"
        result.feedback.append(line)
