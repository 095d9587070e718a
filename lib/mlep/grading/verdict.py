"""One verdict per exercise, read from an executed notebook: the same for ``mlep check`` and grade.

``mlep check`` executes the released tests, ``mlep grade`` the tests with hidden ones; both read
their executed notebook with :func:`verdicts`, so they name the same cause for a failure:

- ``NotImplementedError`` → "not attempted yet";
- the test cell's ``NameError`` when the learner's own cell failed → that cell's real error
  (a ``SyntaxError`` is named as such, not as the ``NameError`` it causes);
- an interrupt after the per-cell time limit → "stopped after the time limit" (not an empty
  ``KeyboardInterrupt:``);
- a test cell that never ran (the kernel died earlier) or was deleted → said so.

Messages never carry tracebacks (they would show hidden-test lines) or absolute paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlep.grading import notebooks

_PATH = re.compile(r"(?<![\w.~-])/(?:[\w.+@-]+/)+")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Terminal controls other than colours (cursor moves, line erases, titles) and carriage
#: returns: a message could use them to draw over the line before it in a terminal.
_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|[\x00-\x08\x0b-\x1f\x7f]"
)
_ANSI_SPLIT = re.compile(r"(\x1b\[[0-9;]*m)")
_CELL_FILE = re.compile(r"\(\d+\.py, (line \d+)\)")  # IPython names a cell's code <hash>.py
TIMEOUT_ERRORS = {"CellTimeoutError", "TimeoutError"}


@dataclass(frozen=True)
class Verdict:
    """One exercise's public (check) or full (grade) test outcome."""

    exercise: str
    grade_id: str
    passed: bool
    message: str


def clean(text: str) -> str:
    """``text`` without terminal colours and with absolute paths cut to their last part.

    Examples
    --------
    >>> clean("No such file: '/work/main/solutions/lab/data.csv'")
    "No such file: 'data.csv'"
    >>> clean("ratio 3/4 of a/b")
    'ratio 3/4 of a/b'
    >>> clean("\\x1b[1A\\x1b[2K\\rex1: 2/2 passed")
    'ex1: 2/2 passed'
    """
    text = _CONTROLS.sub("", _ANSI.sub("", str(text)))
    return _CELL_FILE.sub(r"(\1 of the cell)", _PATH.sub("", text)).strip()


def clean_lines(text: str) -> str:
    r"""``text`` with absolute paths cut to their last part (lines and colours kept).

    Examples
    --------
    >>> clean_lines("File \x1b[0;32m/tmp/ipykernel_7/2041.py:3\x1b[0m")
    'File \x1b[0;32m2041.py:3\x1b[0m'
    """
    parts = _ANSI_SPLIT.split(str(text))  # colour codes end in a letter: clean between them
    return "".join(part if _ANSI.fullmatch(part) else _PATH.sub("", part) for part in parts)


def errors(cell: dict) -> list[dict]:
    """A cell's error outputs."""
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def timed_out(cell: dict) -> bool:
    """Whether the cell was interrupted after the per-cell time limit."""
    found = errors(cell)
    names = {o.get("ename") for o in found}
    return bool(names & TIMEOUT_ERRORS) or any(
        o.get("ename") == "KeyboardInterrupt" and not str(o.get("evalue", "")).strip()
        for o in found
    )


def describe(error: dict) -> str:
    """``Name: message`` of an error output, with the line of a syntax error."""
    name, value = error.get("ename", "Error"), clean(error.get("evalue", ""))
    if name in ("SyntaxError", "IndentationError", "TabError"):
        lines = [clean(line) for line in error.get("traceback", [])]
        where = next((m[0] for line in lines if (m := re.search(r"line \d+", line))), None)
        return f"{name}: {value}" + (f" ({where})" if where and where not in value else "")
    return f"{name}: {value}" if value else name


def _limit(timeout: int | None) -> str:
    return f" of {timeout} s" if timeout else ""


def explain(
    test_cell: dict, solution_cell: dict | None, timeout: int | None = None
) -> tuple[bool, str]:
    """(passed, message) for one executed test cell; its exercise's cell tells the cause."""
    if test_cell.get("cell_type") != "code":
        return False, "its test cell is not a code cell, so it did not run"
    found = errors(test_cell)
    if not found:
        if test_cell.get("execution_count") is None and not test_cell.get("outputs"):
            return False, "its test cell did not run"
        return True, "public tests passed"
    if timed_out(test_cell):
        return (
            False,
            f"stopped after the per-cell time limit{_limit(timeout)} "
            "(an endless loop, or far too slow?)",
        )
    first = found[0]
    if first.get("ename") == "NotImplementedError":
        return False, "not attempted yet (NotImplementedError)"
    own = errors(solution_cell) if solution_cell is not None else []
    if first.get("ename") == "NameError" and own:
        if timed_out(solution_cell):
            return (
                False,
                f"your exercise cell was stopped after the per-cell time limit{_limit(timeout)}",
            )
        cause = own[0]
        if cause.get("ename") == "NotImplementedError":
            return False, "not attempted yet (NotImplementedError)"
        return (
            False,
            f"your exercise cell failed, so its function is not defined: {describe(cause)}",
        )
    return False, describe(first)


def verdicts(
    executed: dict,
    exercises: list[notebooks.Exercise],
    *,
    timeout: int | None = None,
    not_run: str | None = None,
) -> list[Verdict]:
    """A verdict per exercise of ``exercises`` (the lab's, from the released notebook).

    ``executed`` is the executed notebook (check's run, or nbgrader's autograded copy); cells
    are found by ``grade_id``. ``not_run`` explains test cells without outputs (e.g. "the kernel
    died in cell 7").
    """
    by_id: dict[str, dict] = {}
    for cell in executed["cells"]:
        gid = notebooks.nbgrader_meta(cell).get("grade_id")
        if gid and gid not in by_id:
            by_id[gid] = cell
    found = []
    for exercise in exercises:
        test_id = exercise.grade_id + notebooks.TEST_SUFFIX
        test = by_id.get(test_id)
        if test is None:
            passed, message = (
                False,
                "its test cell was deleted, so it scores 0; restore it from the released lab",
            )
        else:
            passed, message = explain(test, by_id.get(exercise.grade_id), timeout)
            if message == "its test cell did not run" and not_run:
                message += f" ({not_run})"
        found.append(Verdict(exercise.title, test_id, passed, message))
    return found


#: Hidden-test lines shorter than this (``)``, ``else:``) are too common to redact.
MIN_HIDDEN = 12


def hidden_lines(source: str) -> set[str]:
    r"""A cell's hidden-test lines (stripped) and the two markers around them.

    Examples
    --------
    >>> cell = "a = 1\n### BEGIN HIDDEN TESTS\nassert answer() == 42\n### END HIDDEN TESTS"
    >>> sorted(hidden_lines(cell))
    ['### BEGIN HIDDEN TESTS', '### END HIDDEN TESTS', 'assert answer() == 42']
    """
    found, inside = set(), False
    for line in source.splitlines():
        marker = line.strip()
        if marker in ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"):
            inside = marker.startswith("### BEGIN")
            found.add(marker)
        elif inside and len(line.strip()) >= MIN_HIDDEN:
            found.add(line.strip())
    return found


def redact(text: str, hidden: set[str]) -> str:
    r"""``text`` with every line that quotes a hidden-test line replaced by a notice.

    Examples
    --------
    >>> redact("ok\nx: assert answer() == 42\n", {"assert answer() == 42"})
    'ok\n[a line of the hidden tests was removed]\n'
    """
    if not hidden or not text:
        return text
    pattern = re.compile("|".join(re.escape(line) for line in sorted(hidden)))
    return "".join(
        "[a line of the hidden tests was removed]" + ("\n" if line.endswith("\n") else "")
        if pattern.search(line)
        else line
        for line in text.splitlines(keepends=True)
    )
