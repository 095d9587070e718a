"""Grade a class: one task per submission, run in parallel, merged into one gradebook.

Each task (:func:`~mlep.grading.submission.grade_submission`) grades one submission in a
scratch course folder of its own and returns the scores, the feedback lines, the feedback page
and the autograded notebook as data (:mod:`mlep.grading.submission`). Tasks never touch the
course's gradebook, so any number can run at once: in threads on this machine (``workers``),
or on a Dask cluster (``dask=True`` starts a ``LocalCluster``; ``scheduler="tcp://host:8786"``
uses a running one, whose workers need the course checkout at the same path and the tools
environment).

Only the coordinating process (:func:`grade_class`) writes the course's files
(:mod:`mlep.grading.gradebook`): it merges each result into ``autograder/var/gradebook.db`` as
it arrives, writes the feedback page and the autograded notebook, and appends the result to
``autograder/var/grades/<lab>.jsonl``. That log makes grading resumable: after an
interruption, a submission whose notebook and lab are unchanged is not graded again
(``force=True`` regrades everything).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from mlep.grading import gradebook, notebooks
from mlep.grading.nbgrader import VAR, GradingError, StudentResult, write_grades_csv
from mlep.grading.submission import Outcome, Task, grade_safely, grade_submission

__all__ = ["Task", "Outcome", "grade_class", "grade_submission", "grade_safely", "default_workers"]


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _tasks(
    root: Path, lab: str, students: list[str], released: dict, empty: bytes
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
            gradebook=empty,
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


def _released(root: Path, lab: str) -> tuple[Path, dict]:
    """The lab's source notebook path and its released notebook; refuse an unreleased lab."""
    source_path = notebooks.source_notebook(lab, root)
    if not source_path.is_file():
        raise GradingError(f"no source notebook for lab {lab!r}; labs: {notebooks.lab_ids(root)}")
    gradebook.require_released(root, lab)
    released_path = notebooks.released_notebook(lab, root)
    if not released_path.is_file():
        raise GradingError(
            f"lab {lab!r} is not released: no {released_path}. "
            f"Run `mlep release {lab}{gradebook.root_flag(root)}` first."
        )
    return source_path, notebooks.read(released_path)


def _still_valid(root: Path, lab: str, keys: dict[str, str]) -> dict[str, StudentResult]:
    """Logged results whose notebook and lab are unchanged (and, if graded, in the gradebook)."""
    logged, in_gradebook = gradebook.logged(root, lab), gradebook.graded_in_gradebook(root, lab)
    results = {}
    for student, key in keys.items():
        old_key, result = logged.get(student, (None, None))
        if (
            old_key == key
            and result is not None
            and (
                result.status == "not graded"
                or (result.status == "graded" and student in in_gradebook)
            )
        ):
            results[student] = result
    return results


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
    source_path, released = _released(root, lab)
    keys = {
        s: gradebook.submission_key(submitted / s / lab / f"{lab}.ipynb", source_path)
        for s in students
    }
    results = {} if force else _still_valid(root, lab, keys)
    to_grade = [s for s in students if s not in results]
    total, done = len(students), len(results)
    log = gradebook.log_path(root, lab)
    log.parent.mkdir(parents=True, exist_ok=True)
    empty = gradebook.empty_gradebook(root) if to_grade else b""
    tasks = list(_tasks(root, lab, to_grade, released, empty))
    run = (
        _run_dask(tasks, workers, scheduler)
        if (dask or scheduler)
        else _run_threads(tasks, workers)
    )
    for outcome in run:
        result = outcome.result
        gradebook.merge(root, lab, result)
        gradebook.write_files(root, lab, outcome)
        gradebook.append_log(log, keys[result.student], result)
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
