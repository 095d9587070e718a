"""What ``autograder/nbgrader_config.py`` plugs into nbgrader (tools environment only).

- :func:`trace_cell`: before each cell runs, write its index to the file named by
  ``MLEP_CELL_TRACE``, so when the kernel dies the grader knows which cell killed it.
- :class:`ClearHiddenTestsOfTestCells`: nbgrader's ``ClearHiddenTests`` only on test cells —
  a learner's cell that quotes the hidden-test marker no longer breaks the feedback page.
- :class:`SanitizeOutputs`: feedback pages keep each test's outcome and message but no
  traceback (it would show hidden-test lines) and no absolute path of the grader.
"""

from __future__ import annotations

import os

from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

from mlep.grading import repair, verdict

TRACE_ENV = "MLEP_CELL_TRACE"


def trace_cell(cell=None, cell_index: int = -1, **_) -> None:
    """nbclient's ``on_cell_execute`` hook: record the index of the cell about to run."""
    path = os.environ.get(TRACE_ENV)
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(str(cell_index))


class ClearHiddenTestsOfTestCells(ClearHiddenTests):
    """Remove hidden-test regions from test cells only; other cells are the learner's text.

    The removed lines are kept in ``resources["mlep_hidden"]`` for :class:`SanitizeOutputs`.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if not repair.is_test(cell):
            return cell, resources
        resources.setdefault(HIDDEN_KEY, set()).update(verdict.hidden_lines(cell.get("source", "")))
        return super().preprocess_cell(cell, resources, cell_index)


HIDDEN_KEY = "mlep_hidden"


class SanitizeOutputs(NbGraderPreprocessor):
    """Test cells: the outcome and the failure message only. Other cells: paths cut."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.get("cell_type") != "code":
            return cell, resources
        _redact_outputs(cell, resources.get(HIDDEN_KEY) or set())
        test = repair.is_test(cell)
        if test and verdict.errors(cell):  # one failure line: the verdict grading and check give
            _, message = verdict.explain(cell, None)
            first = verdict.errors(cell)[0]
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"] + [first]
            first["evalue"], first["traceback"] = (
                verdict.clean(first.get("evalue", "")),
                [f"Tests failed: {message}"],
            )
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = verdict.clean_lines(output.get("text", ""))
            elif output.get("output_type") == "error":
                output["evalue"] = verdict.clean(output.get("evalue", ""))
                output["traceback"] = [
                    verdict.clean_lines(line) for line in output.get("traceback", [])
                ]
        if test and not verdict.errors(cell) and cell.get("execution_count") is not None:
            from nbformat.v4 import new_output

            cell.outputs.append(
                new_output("stream", name="stdout", text="Tests passed (public and hidden).\n")
            )
        return cell, resources


def _redact_outputs(cell, hidden: set[str]) -> None:
    """No output shows a hidden-test line, however the kernel got it (the test cell's frame, the
    input history): feedback pages go to learners."""
    if not hidden:
        return
    for output in cell.get("outputs", []):
        if "text" in output:
            output["text"] = verdict.redact(_text(output["text"]), hidden)
        if output.get("output_type") == "error":
            output["evalue"] = verdict.redact(output.get("evalue", ""), hidden)
            output["traceback"] = [
                verdict.redact(line, hidden) for line in output.get("traceback", [])
            ]
        data = output.get("data") or {}
        for kind in list(data):
            if kind.startswith("text/"):
                data[kind] = verdict.redact(_text(data[kind]), hidden)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)
