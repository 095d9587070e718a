"""The nbgrader flows: release labs, grade a class, check one learner's notebook.

Runs in the tools environment (nbgrader, nbclient); every lab executes in the ``mlep``
kernel, i.e. the course environment. Instructor commands run real ``nbgrader`` with the
configuration in ``autograder/nbgrader_config.py``; a course root other than the checkout
(the tests' demo class) is chosen with ``root=``.

A bad submission never stops a batch: each student is graded in its own nbgrader run, and a
missing or broken notebook, a kernel that dies or a deleted test cell becomes a feedback
line in the report.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlep.grading import notebooks
from mlep.runtime import GRADED_ENV, configure, project_root

KERNEL_NAME = "mlep"
VAR = Path("autograder") / "var"


class GradingError(RuntimeError):
    """An instructor command that could not run (not a learner's mistake)."""


def _nbgrader(args: list[str], root: Path, timeout: float = 1800) -> subprocess.CompletedProcess:
    env = configure(dict(os.environ))
    env.update(GRADED_ENV)
    env["MLEP_COURSE_ROOT"] = str(root)
    # nbgrader shells out to `alembic` from its own environment.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
        cwd=project_root() / "autograder",  # where nbgrader_config.py lives
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _require_ok(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise GradingError(f"{what} failed:\n{result.stdout}\n{result.stderr}".strip())


def release(lab: str, *, root: Path | None = None) -> Path:
    """Generate ``labs/<lab>/`` from ``solutions/<lab>/`` (nbgrader generate_assignment)."""
    root = project_root() if root is None else Path(root)
    if not notebooks.source_notebook(lab, root).is_file():
        raise GradingError(f"no source notebook for lab {lab!r}; labs: {notebooks.lab_ids(root)}")
    (root / VAR).mkdir(parents=True, exist_ok=True)
    _require_ok(_nbgrader(["db", "assignment", "add", lab], root), f"registering {lab}")
    result = _nbgrader(["generate_assignment", lab, "--force"], root)
    _require_ok(result, f"releasing {lab}")
    return notebooks.released_notebook(lab, root)


@dataclass
class StudentResult:
    """One student's grade for one lab, with per-test-cell scores and feedback lines."""

    student: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "graded"
    cells: dict[str, float] = field(default_factory=dict)
    feedback: list[str] = field(default_factory=list)


def _precheck(notebook: Path, source_ids: list[str]) -> tuple[bool, list[str]]:
    """(gradable, feedback lines) for problems nbgrader would hide or choke on."""
    if not notebook.is_file():
        found = sorted(p.name for p in notebook.parent.glob("*")) if notebook.parent.is_dir() else []
        return False, [f"no notebook named {notebook.name} in the submission (found: {found or 'nothing'})"]
    try:
        submitted = notebooks.read(notebook)
    except notebooks.NotebookError as error:
        return False, [str(error)]
    present = set(notebooks.grade_ids(submitted))
    deleted = [gid for gid in source_ids if gid not in present]
    return True, [f"test cell {gid} was deleted, so it scores 0; restore it from the released lab" for gid in deleted]


def _record_scores(result: StudentResult, root: Path, lab: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / VAR / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(lab, result.student)
        result.score, result.max_score = submission.score, submission.max_score
        for nb in submission.notebooks:
            for grade in sorted(nb.grades, key=lambda g: g.name):
                if grade.max_score:
                    result.cells[grade.name] = grade.score
                    mark = "passed" if grade.score == grade.max_score else "failed"
                    result.feedback.append(f"{grade.name}: {grade.score:g}/{grade.max_score:g} {mark}")


def grade(
    lab: str,
    *,
    root: Path | None = None,
    students: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[StudentResult]:
    """Autograde and generate feedback for every submission of ``lab``.

    Submissions live in ``<root>/autograder/var/submitted/<student>/<lab>/<lab>.ipynb``. Writes
    ``<root>/autograder/var/grades/<lab>.csv`` (one row per student, a column per test cell)
    and returns one result per student. ``progress(done, total, student)`` is called before
    each student (a class of 30 takes ~15 minutes).
    """
    root = project_root() if root is None else Path(root)
    submitted = root / VAR / "submitted"
    if students is None:
        students = sorted(p.name for p in submitted.glob("*") if p.is_dir())
    if not students:
        raise GradingError(f"no submissions under {submitted}/<student>/{lab}/")
    source = notebooks.read(notebooks.source_notebook(lab, root))
    source_ids = notebooks.grade_ids(source)
    max_score = sum(e.points for e in notebooks.exercises(source))
    results = []
    for done, student in enumerate(students):
        if progress is not None:
            progress(done, len(students), student)
        result = StudentResult(student, max_score=max_score, cells=dict.fromkeys(source_ids, 0.0))
        results.append(result)
        gradable, result.feedback = _precheck(submitted / student / lab / f"{lab}.ipynb", source_ids)
        if not gradable:
            result.status = "not graded"
            continue
        run = _nbgrader(["autograde", lab, "--student", student, "--force"], root)
        if run.returncode != 0:
            result.status = "error"
            result.feedback.append(_explain_failure(run))
            continue
        _record_scores(result, root, lab)
        result.feedback += _timeouts(root, lab, student)
        feedback = _nbgrader(["generate_feedback", lab, "--student", student, "--force"], root)
        if feedback.returncode != 0:
            result.feedback.append("feedback page could not be generated: " + _last_line(feedback))
    _write_csv(root / VAR / "grades" / f"{lab}.csv", lab, source_ids, results)
    return results


def _last_line(run: subprocess.CompletedProcess) -> str:
    lines = [line for line in (run.stderr + run.stdout).splitlines() if line.strip()]
    return lines[-1] if lines else f"exit code {run.returncode}"


def _explain_failure(run: subprocess.CompletedProcess) -> str:
    text = run.stderr + run.stdout
    if "DeadKernelError" in text or "Kernel died" in text:
        return "the kernel died while running the notebook (e.g. it ran out of memory or called exit()); scored 0"
    return "autograding failed: " + _last_line(run)


def _timeouts(root: Path, lab: str, student: str) -> list[str]:
    graded = root / VAR / "autograded" / student / lab / f"{lab}.ipynb"
    if not graded.is_file():
        return []
    lines = []
    for cell in notebooks.read(graded)["cells"]:
        for output in cell.get("outputs", []):
            if output.get("ename") == "CellTimeoutError":
                gid = notebooks.nbgrader_meta(cell).get("grade_id", "a cell")
                lines.append(f"{gid}: stopped after the per-cell time limit (an endless loop?)")
    return lines


def _write_csv(path: Path, lab: str, cells: list[str], results: list[StudentResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["lab", "student", "score", "max_score", "status", *cells, "feedback"])
        for r in results:
            scores = [f"{r.cells.get(cell, 0):g}" for cell in cells]
            row = [lab, r.student, f"{r.score:g}", f"{r.max_score:g}", r.status, *scores, " | ".join(r.feedback)]
            writer.writerow(row)


def report(results: list[StudentResult]) -> str:
    """A plain-text table of a class's results."""
    width = max([len(r.student) for r in results] + [7])
    lines = [f"{'student':<{width}}  {'score':>9}  status"]
    for r in results:
        lines.append(f"{r.student:<{width}}  {r.score:>4g}/{r.max_score:<4g}  {r.status}")
        lines += [f"{'':<{width}}    - {line}" for line in r.feedback]
    return "\n".join(lines)


@dataclass
class CheckLine:
    exercise: str
    passed: bool
    message: str


def check(path: str | Path, *, timeout: int = 240) -> list[CheckLine]:
    """Run a learner's notebook in the course kernel; report each exercise's visible tests.

    The notebook file is not modified. Hidden tests are not in a released notebook, so
    passing here means "public tests passed", not full marks.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    raw = notebooks.read(path)
    nb = nbformat.reads(_json(raw), as_version=4)
    env = configure(dict(os.environ))
    env.update(GRADED_ENV)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL_NAME, allow_errors=True,
        interrupt_on_timeout=True, resources={"metadata": {"path": str(path.parent)}},
    )
    old = dict(os.environ)
    os.environ.update(env)
    try:
        client.execute()
    except Exception as error:  # a dead kernel or a kernel that never started
        return [CheckLine("notebook", False, f"could not run the notebook: {type(error).__name__}: {error}")]
    finally:
        os.environ.clear()
        os.environ.update(old)
    return [_check_line(e, nb.cells[e.test_index]) for e in notebooks.exercises(raw)]


def _json(raw: dict) -> str:
    import json

    return json.dumps(raw)


def _check_line(exercise: notebooks.Exercise, cell) -> CheckLine:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            if output.get("ename") == "NotImplementedError":
                return CheckLine(exercise.title, False, "not attempted yet (NotImplementedError)")
            return CheckLine(exercise.title, False, f"{output['ename']}: {output.get('evalue', '')}")
    return CheckLine(exercise.title, True, "public tests passed")


def start_course_dir(root: Path) -> None:
    """Lay out a fresh course root (for a demo class or the tests) that shares ``solutions/``."""
    root.mkdir(parents=True, exist_ok=True)
    link = root / "solutions"
    if not link.exists():
        link.symlink_to(project_root() / "solutions", target_is_directory=True)
    (root / VAR).mkdir(parents=True, exist_ok=True)


def submit(root: Path, student: str, lab: str, notebook: Path | None) -> Path:
    """Place a notebook as ``student``'s submission of ``lab`` (``None``: an empty folder)."""
    folder = root / VAR / "submitted" / student / lab
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{lab}.ipynb"
    if notebook is not None:
        shutil.copyfile(notebook, target)
    return target
