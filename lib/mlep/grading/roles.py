"""A graded kernel's cells by role: the lab's read-only cells, its test cells, the learner's.

The released labs (read-only in the grader's sandbox) say which code is which, so a learner
cannot make a test cell look like anything else: grading restores every test cell's text from
the gradebook before it runs (:mod:`mlep.grading.tamper` uses the roles).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["LabCells"]

_HIDDEN = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")


def _lines(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines() if line.strip()]


class LabCells:
    """The released labs' read-only cells and test cells, to tell a cell's role by its code.

    Parameters
    ----------
    roots : list of pathlib.Path
        Course folders whose ``labs/*/*.ipynb`` are read.
    """

    def __init__(self, roots: list[Path]):
        self.lab: set[str] = set()
        self.tests: dict[str, list[list[str]]] = {}
        for root in dict.fromkeys(roots):
            for path in sorted(Path(root).glob("labs/*/*.ipynb")):
                try:
                    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                for cell in cells:
                    self._add(cell)

    def _add(self, cell: dict) -> None:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        source = cell.get("source", "")
        code = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") != "code" or not meta.get("locked"):
            return
        lines = _lines(code)
        if meta.get("grade") and lines:
            self.tests.setdefault(lines[0], []).append(lines)
        elif not meta.get("grade"):
            self.lab.add("\n".join(lines))

    def role(self, code: str) -> str:
        """``"lab"``, ``"test"`` or ``"learner"`` for a cell's code."""
        lines = [line for line in _lines(code) if not _HIDDEN.match(line)]
        if "\n".join(lines) in self.lab:
            return "lab"
        for released in self.tests.get(lines[0] if lines else "", []):
            found = iter(lines)
            if all(any(line == want for line in found) for want in released):
                return "test"
        return "learner"
