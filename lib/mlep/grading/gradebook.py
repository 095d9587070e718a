"""The course's grading records, written by the coordinator of a class run only.

Three records live under ``autograder/var``: nbgrader's ``gradebook.db`` (:func:`merge`
writes a student's scores into it), the feedback page and autograded notebook of each student
(:func:`write_files`), and the grade log ``grades/<lab>.jsonl`` (:func:`append_log`,
:func:`logged`), one line per graded submission with the :func:`submission_key` of what was
graded, which makes a class run resumable. The tasks of :mod:`mlep.grading.submission`
start from :func:`empty_gradebook` and never write here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import warnings
from dataclasses import asdict
from pathlib import Path

from mlep.grading.nbgrader import VAR, GradingError, StudentResult
from mlep.grading.submission import Outcome

__all__ = [
    "append_log",
    "empty_gradebook",
    "graded_in_gradebook",
    "gradebook_url",
    "log_path",
    "logged",
    "merge",
    "require_released",
    "root_flag",
    "submission_key",
    "write_files",
]


def gradebook_url(root: Path) -> str:
    """The SQLAlchemy URL of the course's gradebook.

    Parameters
    ----------
    root : pathlib.Path
        The course folder.

    Examples
    --------
    >>> gradebook_url(Path("/course"))
    'sqlite:////course/autograder/var/gradebook.db'
    """
    return f"sqlite:///{root / VAR / 'gradebook.db'}"


def root_flag(root: Path) -> str:
    """The ``--root`` option a command needs for ``root`` ("" for this checkout).

    Parameters
    ----------
    root : pathlib.Path
        The course folder.
    """
    from mlep.runtime import project_root

    return "" if root.resolve() == project_root() else f" --root {root}"


def require_released(root: Path, lab: str) -> None:
    """Refuse to grade a lab the gradebook does not know (``mlep release`` registers it).

    Parameters
    ----------
    root : pathlib.Path
        The course folder.
    lab : str
        The lab's name.

    Raises
    ------
    GradingError
        When the gradebook is missing or has no assignment ``lab``; the message says what to run.
    """
    from nbgrader.api import Gradebook, MissingEntry

    database = root / VAR / "gradebook.db"
    unreleased = GradingError(
        f"lab {lab!r} is not released: the gradebook ({database}) has no assignment {lab!r}. "
        f"Run `mlep release {lab}{root_flag(root)}` first "
        f"(it registers the lab and writes labs/{lab}/)."
    )
    if not database.is_file():
        raise unreleased
    with Gradebook(gradebook_url(root)) as gradebook:
        try:
            gradebook.find_assignment(lab)
        except MissingEntry:
            raise unreleased from None


def empty_gradebook(root: Path) -> bytes:
    """The course's gradebook without students: what each task grades into.

    Parameters
    ----------
    root : pathlib.Path
        The course folder.

    Returns
    -------
    bytes
        The SQLite file's bytes.
    """
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "gradebook.db"
        shutil.copyfile(root / VAR / "gradebook.db", copy)
        with Gradebook(f"sqlite:///{copy}") as gradebook:
            for student in list(gradebook.students):
                gradebook.remove_student(student.id)
        return copy.read_bytes()


def merge(root: Path, lab: str, result: StudentResult) -> None:
    """Write one student's scores into the course's gradebook (the coordinator only).

    Parameters
    ----------
    root : pathlib.Path
        The course folder.
    lab : str
        The lab's name.
    result : StudentResult
        The student's graded result; one that is not "graded" only clears the old submission.
    """
    from nbgrader.api import Gradebook, MissingEntry

    with warnings.catch_warnings(), Gradebook(gradebook_url(root)) as gradebook:
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


def graded_in_gradebook(root: Path, lab: str) -> set[str]:
    """The students with a submission of ``lab`` in the course's gradebook.

    Parameters
    ----------
    root : pathlib.Path
        The course folder.
    lab : str
        The lab's name.
    """
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gradebook:
        return {s.student.id for s in gradebook.find_assignment(lab).submissions}


def submission_key(notebook: Path, source: Path) -> str:
    """What a grade depends on: a digest of the submitted notebook and the lab's source.

    Parameters
    ----------
    notebook : pathlib.Path
        The submitted notebook (it may be missing).
    source : pathlib.Path
        The lab's source notebook.
    """
    digest = hashlib.sha256(source.read_bytes())
    digest.update(notebook.read_bytes() if notebook.is_file() else b"<missing>")
    return digest.hexdigest()


def log_path(root: Path, lab: str) -> Path:
    """The grade log of ``lab``: ``autograder/var/grades/<lab>.jsonl``.

    Parameters
    ----------
    root : pathlib.Path
        The course folder.
    lab : str
        The lab's name.
    """
    return root / VAR / "grades" / f"{lab}.jsonl"


def logged(root: Path, lab: str) -> dict[str, tuple[str, StudentResult]]:
    """The grade log read back: student -> (key of what was graded, result).

    Parameters
    ----------
    root : pathlib.Path
        The course folder.
    lab : str
        The lab's name.
    """
    path = log_path(root, lab)
    found = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                found[entry["student"]] = (entry["key"], StudentResult(**entry["result"]))
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by an interruption
    return found


def append_log(log: Path, key: str, result: StudentResult) -> None:
    """Add one graded submission to the grade log (one JSON line).

    Parameters
    ----------
    log : pathlib.Path
        The log file (:func:`log_path`).
    key : str
        The :func:`submission_key` of what was graded.
    result : StudentResult
        The student's result.
    """
    entry = {"student": result.student, "key": key, "result": asdict(result)}
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def write_files(root: Path, lab: str, outcome: Outcome) -> None:
    """Write (or remove, when there is none) a student's feedback page and autograded notebook.

    Parameters
    ----------
    root : pathlib.Path
        The course folder.
    lab : str
        The lab's name.
    outcome : Outcome
        The graded submission.
    """
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
