"""Grade a class: one task per submission, run in parallel, merged into one gradebook.

Each task (:func:`grade_submission`) grades one submission in a scratch course folder of its
own: a copy of the lab's gradebook with no students in it, the submission (repaired by
:mod:`mlep.grading.repair`) and the lab's data files. It runs ``nbgrader autograde`` and
``nbgrader generate_feedback`` there, and returns the scores, the feedback lines, the feedback
page and the autograded notebook as data. Tasks never touch the course's gradebook, so any
number can run at once: in threads on this machine (``workers``), or on a Dask cluster
(``dask=True`` starts a ``LocalCluster``; ``scheduler="tcp://host:8786"`` uses a running one,
whose workers need the course checkout at the same path and the tools environment).

Only the coordinating process (:func:`grade_class`) writes the course's files: it merges each
result into ``autograder/var/gradebook.db`` as it arrives, writes the feedback page and the
autograded notebook, and appends the result to ``autograder/var/grades/<lab>.jsonl``. That log
makes grading resumable: after an interruption, a submission whose notebook and lab are
unchanged is not graded again (``force=True`` regrades everything).

A kernel that dies (``os._exit()``, out of memory) is handled per task: the cell it died in is
known from ``$MLEP_CELL_TRACE`` (see :mod:`mlep.grading.nbhooks`), that cell is defused
(:func:`mlep.grading.repair.defuse`) and the notebook graded again, so the cells that ran
before it keep their scores and the feedback names the cell.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from mlep.grading import notebooks, repair, verdict
from mlep.grading.nbgrader import (
    MAX_KILLS,
    VAR,
    GradingError,
    StudentResult,
    explain_failure,
    last_line,
    run_nbgrader,
    write_grades_csv,
)

__all__ = ["Task", "Outcome", "grade_class", "grade_submission", "grade_safely", "default_workers"]


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


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
        submitted = json.loads(task.notebook)
        if not isinstance(submitted, dict) or not isinstance(submitted.get("cells"), list):
            raise ValueError("it is JSON but not a notebook (it has no list of cells)")
    except ValueError as error:
        result.status = "not graded"
        result.feedback = [
            f"{name} is not valid notebook JSON ({error}); it was probably damaged by an editor. "
            "Re-download the lab or restore it from a checkpoint."
        ]
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


def _grade_in(
    scratch: Path, task: Task, notebook: dict, result: StudentResult, exercises
) -> Outcome:
    submission = _lay_out(scratch, task, notebook)
    trace = scratch / "cell-trace"
    env = {"MLEP_CELL_TRACE": str(trace)}
    for _attempt in range(MAX_KILLS + 1):
        trace.unlink(missing_ok=True)
        run = run_nbgrader(
            ["autograde", task.lab, "--student", task.student, "--force"], scratch, extra_env=env
        )
        if run.returncode == 0:
            break
        died = _died_in(run, trace)
        if died is None:
            result.status = "error"
            result.feedback.append(explain_failure(run))
            return Outcome(result)
        try:
            fix = repair.defuse(notebook, died)
        except ValueError as error:
            result.status = "error"
            result.feedback.append(
                f"the kernel died in cell {died + 1} and the rest could not be graded: {error}"
            )
            return Outcome(result)
        result.feedback += fix.notes
        notebook = fix.notebook
        submission.write_text(json.dumps(notebook), encoding="utf-8")
    else:
        result.status = "error"
        result.feedback.append(f"the kernel died {MAX_KILLS + 1} times; scored 0")
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


# ---- the coordinator -------------------------------------------------------------------------


def _gradebook_url(root: Path) -> str:
    return f"sqlite:///{root / VAR / 'gradebook.db'}"


def _require_released(root: Path, lab: str) -> None:
    """Refuse to grade a lab the gradebook does not know (``mlep release`` registers it)."""
    from nbgrader.api import Gradebook, MissingEntry

    database = root / VAR / "gradebook.db"
    unreleased = GradingError(
        f"lab {lab!r} is not released: the gradebook ({database}) has no assignment {lab!r}. "
        f"Run `mlep release {lab}{_root_flag(root)}` first (it registers the lab and writes labs/{lab}/)."
    )
    if not database.is_file():
        raise unreleased
    with Gradebook(_gradebook_url(root)) as gradebook:
        try:
            gradebook.find_assignment(lab)
        except MissingEntry:
            raise unreleased from None


def _template(root: Path) -> bytes:
    """The course's gradebook without students: what each task grades into."""
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "gradebook.db"
        shutil.copyfile(root / VAR / "gradebook.db", copy)
        with Gradebook(f"sqlite:///{copy}") as gradebook:
            for student in list(gradebook.students):
                gradebook.remove_student(student.id)
        return copy.read_bytes()


def _root_flag(root: Path) -> str:
    from mlep.runtime import project_root

    return "" if root.resolve() == project_root() else f" --root {root}"


def _merge(root: Path, lab: str, result: StudentResult) -> None:
    """Write one student's scores into the course's gradebook (the coordinator only)."""
    from nbgrader.api import Gradebook, MissingEntry

    with warnings.catch_warnings(), Gradebook(_gradebook_url(root)) as gradebook:
        # nbgrader 0.9.6's add_submission trips SQLAlchemy 2.0's autoflush warnings (harmless)
        warnings.simplefilter("ignore")
        gradebook.update_or_create_student(result.student)
        try:
            gradebook.remove_submission(lab, result.student)
        except MissingEntry:
            pass
        if result.status != "graded":
            return
        submission = gradebook.add_submission(lab, result.student)
        for nb in submission.notebooks:
            for grade in nb.grades:
                if grade.name in result.cells:
                    grade.auto_score = result.cells[grade.name]
                    grade.needs_manual_grade = False
        gradebook.db.commit()


def _graded_in_gradebook(root: Path, lab: str) -> set[str]:
    from nbgrader.api import Gradebook

    with Gradebook(_gradebook_url(root)) as gradebook:
        return {s.student.id for s in gradebook.find_assignment(lab).submissions}


def _key(notebook: Path, source: Path) -> str:
    digest = hashlib.sha256(source.read_bytes())
    digest.update(notebook.read_bytes() if notebook.is_file() else b"<missing>")
    return digest.hexdigest()


def _log_path(root: Path, lab: str) -> Path:
    return root / VAR / "grades" / f"{lab}.jsonl"


def _logged(root: Path, lab: str) -> dict[str, tuple[str, StudentResult]]:
    path = _log_path(root, lab)
    found = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                found[entry["student"]] = (entry["key"], StudentResult(**entry["result"]))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by an interruption
    return found


def _write_files(root: Path, lab: str, outcome: Outcome) -> None:
    student = outcome.result.student
    for folder, text, name in (
        (VAR / "feedback", outcome.feedback_html, f"{lab}.html"),
        (VAR / "autograded", outcome.autograded, f"{lab}.ipynb"),
    ):
        target = root / folder / student / lab / name
        if text is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _tasks(
    root: Path, lab: str, students: list[str], released: dict, gradebook: bytes
) -> Iterator[Task]:
    for student in students:
        folder = root / VAR / "submitted" / student / lab
        notebook = folder / f"{lab}.ipynb"
        stamp = folder / "timestamp.txt"
        yield Task(
            lab=lab,
            student=student,
            root=str(root),
            notebook=notebook.read_text(encoding="utf-8", errors="replace")
            if notebook.is_file()
            else None,
            found=sorted(p.name for p in folder.glob("*")) if folder.is_dir() else [],
            released=released,
            gradebook=gradebook,
            timestamp=stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None,
        )


def _run_threads(tasks: list[Task], workers: int) -> Iterator[Outcome]:
    from concurrent.futures import ThreadPoolExecutor, as_completed

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(grade_safely, task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()


def _run_dask(tasks: list[Task], workers: int, scheduler: str | None) -> Iterator[Outcome]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        futures = [
            client.submit(grade_safely, task, key=f"grade-{task.lab}-{task.student}", pure=False)
            for task in tasks
        ]
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def grade_class(
    lab: str,
    *,
    root: Path,
    students: list[str] | None = None,
    workers: int | None = None,
    force: bool = False,
    dask: bool = False,
    scheduler: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    on_result: Callable[[int, int, StudentResult], None] | None = None,
) -> list[StudentResult]:
    """Grade every submission of ``lab`` under ``root`` (see the module's notes); write the CSV.

    Parameters
    ----------
    lab : str
        The lab's name, e.g. ``"c2w1_data_validation"``.
    root : pathlib.Path
        The nbgrader course folder (``submitted/<student>/<lab>/`` under it).
    students : list of str, optional
        Grade only these students (all submissions by default).
    workers : int, optional
        Parallel grading processes (the number of cores by default).
    force : bool, default False
        Grade again submissions whose unchanged result is already logged and in the gradebook.
    dask : bool, default False
        Spread the work with Dask instead of local processes.
    scheduler : str, optional
        The address of a running Dask scheduler to grade on (implies ``dask``).
    progress : callable, optional
        Called as ``progress(index, total, student)`` as each submission finishes
        (``index`` counts from 0, submissions already graded included).
    on_result : callable, optional
        Called as ``on_result(done, total, result)`` with each :class:`StudentResult`.
    """
    root = Path(root)
    workers = default_workers() if workers is None else workers
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive int, but got {workers!r}")
    submitted = root / VAR / "submitted"
    if students is None:
        students = sorted(p.name for p in submitted.glob("*") if p.is_dir())
    if not students:
        raise GradingError(f"no submissions under {submitted}/<student>/{lab}/")
    source_path = notebooks.source_notebook(lab, root)
    if not source_path.is_file():
        raise GradingError(f"no source notebook for lab {lab!r}; labs: {notebooks.lab_ids(root)}")
    _require_released(root, lab)
    released_path = notebooks.released_notebook(lab, root)
    if not released_path.is_file():
        raise GradingError(
            f"lab {lab!r} is not released: no {released_path}. "
            f"Run `mlep release {lab}{_root_flag(root)}` first."
        )
    released = notebooks.read(released_path)
    keys = {s: _key(submitted / s / lab / f"{lab}.ipynb", source_path) for s in students}
    results: dict[str, StudentResult] = {}
    if not force:
        logged, in_gradebook = _logged(root, lab), _graded_in_gradebook(root, lab)
        for student in students:
            key, result = logged.get(student, (None, None))
            if (
                key == keys[student]
                and result is not None
                and (
                    result.status == "not graded"
                    or (result.status == "graded" and student in in_gradebook)
                )
            ):
                results[student] = result
    to_grade = [s for s in students if s not in results]
    total, done = len(students), len(results)
    log = _log_path(root, lab)
    log.parent.mkdir(parents=True, exist_ok=True)
    tasks = list(_tasks(root, lab, to_grade, released, _template(root))) if to_grade else []
    run = (
        _run_dask(tasks, workers, scheduler)
        if (dask or scheduler)
        else _run_threads(tasks, workers)
    )
    for outcome in run:
        result = outcome.result
        _merge(root, lab, result)
        _write_files(root, lab, outcome)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(
                json.dumps(
                    {
                        "student": result.student,
                        "key": keys[result.student],
                        "result": asdict(result),
                    }
                )
                + "\n"
            )
        results[result.student] = result
        done += 1
        if progress is not None:
            progress(done - 1, total, result.student)
        if on_result is not None:
            on_result(done, total, result)
    ordered = [results[s] for s in students]
    cells = [e.grade_id + notebooks.TEST_SUFFIX for e in notebooks.exercises(released)]
    write_grades_csv(root / VAR / "grades" / f"{lab}.csv", lab, cells, ordered)
    return ordered
