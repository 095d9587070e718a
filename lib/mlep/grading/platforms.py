"""Grades out to a learning platform: the CSV layouts Canvas and Moodle import.

:func:`export` writes :func:`mlep.grading.classroom.grade_class`'s results (``mlep grade
--export canvas|moodle``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from mlep.grading.nbgrader import StudentResult

__all__ = ["FORMATS", "export"]

#: Export formats: a column layout each platform's grade import reads.
FORMATS = ("canvas", "moodle")


def export(lab: str, results: list[StudentResult], path: str | Path, fmt: str = "canvas") -> Path:
    """Write ``results`` as a learning platform's grade-import CSV.

    ``canvas``: Canvas's gradebook import (``Student, ID, SIS User ID, SIS Login ID, Section``
    then one column per assignment, and a ``Points Possible`` row); the student folder name is
    used as the SIS Login ID, the column Canvas matches on. ``moodle``: Moodle's grade import
    ("CSV file"): an identifier column to map to the user's ``username``, the grade, and a
    feedback column. Students that were not graded get an empty grade, not 0.

    Parameters
    ----------
    lab : str
        The lab's name (the assignment column).
    results : list of StudentResult
        The graded submissions.
    path : str or pathlib.Path
        Where to write the CSV.
    fmt : {"canvas", "moodle"}, default "canvas"
        The learning platform's import format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, but got {fmt!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    top = max((r.max_score for r in results), default=0)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if fmt == "canvas":
            column = f"{lab}"
            writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
            writer.writerow(["Points Possible", "", "", "", "", f"{top:g}"])
            for r in results:
                writer.writerow([r.student, "", "", r.student, "", _grade_cell(r)])
        else:
            writer.writerow(["username", lab, f"{lab} feedback"])
            for r in results:
                writer.writerow([r.student, _grade_cell(r), " | ".join(r.feedback)])
    return path


def _grade_cell(result: StudentResult) -> str:
    return f"{result.score:g}" if result.status == "graded" else ""
