"""The nbgrader flows: release labs, grade a class, check one learner's notebook.

Runs in the tools environment (nbgrader, nbclient); every lab executes in the ``mlep``
kernel, i.e. the course environment. Instructor commands run real ``nbgrader`` with the
configuration in ``autograder/nbgrader_config.py``; a course root other than the checkout
(the tests' demo class) is chosen with ``root=``.

A bad submission never stops a batch: each student is graded in its own nbgrader run (in
parallel, in a scratch folder: :mod:`mlep.grading.classroom`), a damaged notebook is repaired
first (:mod:`mlep.grading.repair`), and a missing notebook, a kernel that dies or a deleted test
cell becomes a feedback line in the report. ``check`` and ``grade`` read their runs with the same
:mod:`mlep.grading.verdict`.
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

from mlep.exceptions import MlepError
from mlep.grading import notebooks
from mlep.runtime import GRADED_ENV, configure, project_root

KERNEL_NAME = "mlep"
VAR = Path("autograder") / "var"


class GradingError(MlepError, RuntimeError):
    """An instructor command that could not run (not a learner's mistake)."""


def run_nbgrader(
    args: list[str], root: Path, timeout: float = 1800, *, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = configure(dict(os.environ))
    env.update(GRADED_ENV)
    env.update(extra_env or {})
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


def use_sandbox(sandbox: bool | None = None) -> bool:
    """Resolve the sandbox switch for this process and the graders it starts.

    ``None`` keeps ``MLEP_SANDBOX`` (on unless "0"); ``False`` is ``--no-sandbox``. Sets
    ``MLEP_SANDBOX`` so nbgrader subprocesses and local workers follow; raises
    :class:`GradingError` with the remedy when the sandbox is on but bubblewrap cannot run.
    """
    from mlep.grading import sandbox as box

    on = box.enabled() if sandbox is None else bool(sandbox)
    os.environ[box.SWITCH] = "1" if on else "0"
    if on:
        try:
            box.require()
        except box.SandboxUnavailable as error:
            raise GradingError(str(error)) from None
    return on


def _require_ok(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise GradingError(f"{what} failed:\n{result.stdout}\n{result.stderr}".strip())


def release(lab: str, *, root: Path | None = None) -> Path:
    """Generate ``labs/<lab>/`` from ``solutions/<lab>/`` (nbgrader generate_assignment)."""
    root = project_root() if root is None else Path(root)
    if not notebooks.source_notebook(lab, root).is_file():
        raise GradingError(f"no source notebook for lab {lab!r}; labs: {notebooks.lab_ids(root)}")
    (root / VAR).mkdir(parents=True, exist_ok=True)
    # generate_assignment registers the lab in the gradebook too (create_assignment): one
    # nbgrader process instead of `db assignment add` first (each start costs seconds)
    result = run_nbgrader(
        ["generate_assignment", lab, "--force", "--GenerateAssignment.create_assignment=True"], root
    )
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


def grade(
    lab: str,
    *,
    root: Path | None = None,
    students: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    workers: int | None = None,
    force: bool = False,
    dask: bool = False,
    scheduler: str | None = None,
    on_result: Callable[[int, int, StudentResult], None] | None = None,
    sandbox: bool | None = None,
) -> list[StudentResult]:
    """Autograde and generate feedback for every submission of ``lab``.

    Submissions live in ``<root>/autograder/var/submitted/<student>/<lab>/<lab>.ipynb``. Writes
    ``<root>/autograder/var/grades/<lab>.csv`` (one row per student, a column per test cell)
    and returns one result per student. Submissions are graded ``workers`` at a time (default:
    the machine's cores), on a Dask cluster with ``dask=True`` (a local one) or ``scheduler``
    (``tcp://host:8786``); see :mod:`mlep.grading.classroom`. A submission already graded
    (same notebook, same lab) is not graded again unless ``force``. ``progress(done, total,
    student)`` is called as each student's grading ends, ``on_result(done, total, result)`` too.
    """
    from mlep.grading import classroom

    use_sandbox(sandbox)  # each submission's kernel runs in bubblewrap unless sandbox=False
    return classroom.grade_class(
        lab,
        root=project_root() if root is None else Path(root),
        students=students,
        workers=workers,
        force=force,
        dask=dask,
        scheduler=scheduler,
        progress=progress,
        on_result=on_result,
    )


def last_line(run: subprocess.CompletedProcess) -> str:
    lines = [line for line in (run.stderr + run.stdout).splitlines() if line.strip()]
    return lines[-1] if lines else f"exit code {run.returncode}"


def explain_failure(run: subprocess.CompletedProcess) -> str:
    text = run.stderr + run.stdout
    if "DeadKernelError" in text or "Kernel died" in text:
        return (
            "the kernel died while running the notebook "
            "(e.g. it ran out of memory or called exit()); scored 0"
        )
    return "autograding failed: " + last_line(run)


def write_grades_csv(path: Path, lab: str, cells: list[str], results: list[StudentResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["lab", "student", "score", "max_score", "status", *cells, "feedback"])
        for r in results:
            scores = [f"{r.cells.get(cell, 0):g}" for cell in cells]
            row = [
                lab,
                r.student,
                f"{r.score:g}",
                f"{r.max_score:g}",
                r.status,
                *scores,
                " | ".join(r.feedback),
            ]
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


#: How many cells that stop the kernel are skipped before a notebook is given up on.
MAX_KILLS = 3

#: Kernel arguments: nbgrader's in-memory history, and no "Kernel is running over TCP without
#: encryption" warning on the learner's terminal (the kernel listens on loopback only).
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]


def check(
    path: str | Path,
    *,
    timeout: int = 240,
    notes: list[str] | None = None,
    sandbox: bool | None = None,
) -> list[CheckLine]:
    """Run a learner's notebook in the course kernel; report each exercise's visible tests.

    The verdict is grading's (:mod:`mlep.grading.verdict`): the notebook is prepared as grading
    prepares it (:mod:`mlep.grading.repair`: lost nbgrader metadata restored, copied cells
    de-duplicated, test cells restored from the released lab, a cell that stops the kernel
    skipped) and run by nbgrader's own ``Execute`` preprocessor with the same time limit.
    The notebook file is not modified. Hidden tests are not in a released notebook, so passing
    here means "public tests passed", not full marks. ``notes``, a list, receives a line per
    repair.
    """
    from mlep.grading import repair, verdict

    use_sandbox(sandbox)  # the kernel runs in bubblewrap, as in grading, unless sandbox=False
    path = Path(path)
    raw = notebooks.read(path)
    reference = _reference(path, raw)
    prepared = repair.normalise(raw, reference)
    restored = repair.restore_tests(prepared.notebook, reference)
    said, notebook, not_run = prepared.notes + restored.notes, restored.notebook, None
    for _ in range(MAX_KILLS + 1):
        try:
            executed, died = _execute(notebook, path.parent, timeout)
        except Exception as error:  # a kernel that never started
            return [
                CheckLine(
                    "notebook",
                    False,
                    f"could not run the notebook: {type(error).__name__}: {error}",
                )
            ]
        if died is None:
            break
        not_run = f"the kernel died in cell {died + 1}"
        try:
            fix = repair.defuse(notebook, died)
        except ValueError:
            break
        said, notebook = said + fix.notes, fix.notebook
    if notes is not None:
        notes.extend(said)
    found = verdict.verdicts(
        executed, notebooks.exercises(reference), timeout=timeout, not_run=not_run
    )
    return [CheckLine(v.exercise, v.passed, v.message) for v in found]


def _reference(path: Path, raw: dict) -> dict:
    """The released lab a notebook is a copy of (by file name), else the notebook itself."""
    released = notebooks.released_notebook(path.stem)
    if released.is_file():
        return notebooks.read(released)
    if notebooks.exercises(raw):
        return raw
    raise notebooks.NotebookError(
        f"cannot tell which lab {path.name} is: it has no graded cells "
        f"and no lab is called {path.stem!r}; "
        f"keep the lab's file name (labs: {', '.join(notebooks.lab_ids())})"
    )


def _execute(notebook: dict, folder: Path, timeout: int) -> tuple[dict, int | None]:
    """Run ``notebook`` as ``nbgrader autograde`` runs it: (executed notebook, index of the cell
    the kernel died in, or None)."""
    import nbformat
    from nbclient.exceptions import DeadKernelError
    from nbgrader.preprocessors import Execute

    from mlep.grading import sandbox

    node = nbformat.reads(_json(notebook), as_version=4)
    started: list[int] = []
    executor = Execute(
        timeout=timeout,
        kernel_name=KERNEL_NAME,
        extra_arguments=KERNEL_ARGUMENTS,
        kernel_manager_class=sandbox.kernel_manager_class(),
        on_cell_execute=lambda cell=None, cell_index=-1, **_: started.append(cell_index),
    )
    env = configure(dict(os.environ))
    env.update(GRADED_ENV)
    old = dict(os.environ)
    os.environ.update(env)
    died = None
    try:
        executor.preprocess(node, {"metadata": {"path": str(folder)}})
    except DeadKernelError:
        died = started[-1] if started else 0
    finally:
        os.environ.clear()
        os.environ.update(old)
    return node, died


def _json(raw: dict) -> str:
    import json

    return json.dumps(raw)


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
