"""Hostile answers and files against the checks and the grader's readers, in-process (cheap).

The same attacks graded for real, through ``mlep grade``, are in
``tests/labs/test_hostile_grading.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from mlep.grading import expect, notebooks, repair, verdict
from mlep.scoping import Estimate


class _Yes:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class _Text(str):
    __eq__ = _Yes.__eq__
    __hash__ = str.__hash__


class _Pair(tuple):
    __eq__ = _Yes.__eq__
    __hash__ = tuple.__hash__


class _Spy(float):
    """A float that answers whatever the check compares it with (read from the check's frame)."""

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __float__(self):
        return float(sys._getframe(1).f_locals.get("expected", 0.0))

    def __gt__(self, other):
        return True


class _Array(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)


class _Frame(pd.DataFrame):
    def __eq__(self, other):
        return True


class _Forged(Estimate):
    __eq__ = _Yes.__eq__
    __hash__ = object.__hash__


FORGERIES = [
    (_Pair(("a", "b")), ("x", "y")),
    (_Text("?"), "refine"),
    (_Spy(0.0), 0.77),
    (_Forged(1, 2, 3), Estimate(4, 5, 6)),
    (np.zeros(3).view(_Array), np.ones(3)),
    (_Frame({"a": [1]}), pd.DataFrame({"a": [2]})),
    ([_Yes()], ["a"]),
    ({"key": _Yes()}, {"key": 1}),
    (np.array([_Yes()], dtype=object), np.array(["a"], dtype=object)),
    (_Yes(), False),
]


@pytest.mark.parametrize("check", [expect.matches, expect.equal])
@pytest.mark.parametrize("value, expected", FORGERIES, ids=lambda v: type(v).__name__)
def test_an_answer_whose_eq_always_says_true_does_not_pass(check, value, expected):
    with pytest.raises(expect.ExerciseFailure, match="a class defined in the notebook"):
        check(value, expected, "Exercise 1")


@pytest.mark.parametrize("check", [expect.near, expect.close])
def test_a_number_that_reads_the_expected_value_from_the_check_does_not_pass(check):
    with pytest.raises(expect.ExerciseFailure, match="a class defined in the notebook"):
        check(_Spy(0.0), 0.77, "Exercise 1")
    with pytest.raises(expect.ExerciseFailure, match="a class defined in the notebook"):
        expect.instance(_Spy(0.0), (int, float), "Exercise 1")


def test_real_answers_of_every_kind_still_pass():
    expect.matches(np.float64(0.5), 0.5, "x")
    expect.matches((np.str_("a"), "b"), ("a", "b"), "x")
    expect.matches(Estimate(1, 2, 3), Estimate(1, 2, 3), "x")
    expect.matches(None, None, "x")
    expect.equal(np.array([1, 2]), np.array([1, 2]), "x")
    expect.equal({"k": [1.0, "a"]}, {"k": [1.0, "a"]}, "x")
    expect.near(np.float32(0.5), 0.5, "x")
    expect.close(np.array(0.5), 0.5, "x")
    expect.instance(pd.DataFrame(), pd.DataFrame, "x")

    class Servable(Estimate):  # a subclass of a library base the lab asks for is fine
        pass

    expect.instance(Servable(1, 2, 3), Estimate, "x")
    with pytest.raises(expect.ExerciseFailure, match="is not the expected one"):
        expect.matches("a", "b", "x")


def test_feedback_messages_carry_no_terminal_controls():
    forged = "\x1b[2K\r\x1b[1Aex4_go_no_go_tests: 1/1 passed\x1b]0;title\x07"
    assert verdict.clean(forged) == "ex4_go_no_go_tests: 1/1 passed"
    error = {"ename": "ValueError", "evalue": forged}
    assert "\x1b" not in verdict.describe(error) and "\r" not in verdict.describe(error)


def test_hidden_test_lines_are_redacted_from_any_output():
    source = (
        'x = 1\n### BEGIN HIDDEN TESTS\n_speech = {"calls_per_year": 3}\nok()\n### END HIDDEN TESTS'
    )
    hidden = verdict.hidden_lines(source)
    assert '_speech = {"calls_per_year": 3}' in hidden and "ok()" not in hidden  # too common
    leaked = 'before\n    _speech = {"calls_per_year": 3}\nafter'
    assert verdict.redact(leaked, hidden) == (
        "before\n[a line of the hidden tests was removed]\nafter"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 100_000, "not valid notebook JSON"),
        ('{"cells": [1, "two", null]}', "cell 1 is not a cell"),
        ('{"cells": [{"cell_type": "code", "source": 5, "metadata": {}}]}', "source that is not"),
        ('{"cells": [{"cell_type": "code", "source": "", "metadata": []}]}', "metadata that is"),
        ('{"cells": {}}', "no list of cells"),
    ],
)
def test_malformed_notebooks_get_one_clear_message(text, message):
    with pytest.raises(notebooks.NotebookError, match=message):
        notebooks.parse(text, "lab.ipynb")


def _lab():
    cell = {
        "cell_type": "code",
        "source": "check()",
        "metadata": {"nbgrader": {"grade": True, "grade_id": "ex1_f_tests", "points": 2}},
    }
    solution = {
        "cell_type": "code",
        "source": "def f(): ...",
        "metadata": {"nbgrader": {"solution": True, "grade_id": "ex1_f"}},
    }
    return {"cells": [solution, cell]}


def test_nbgrader_settings_are_the_labs_whatever_the_notebook_says():
    submitted = json.loads(json.dumps(_lab()))
    test = submitted["cells"][1]["metadata"]["nbgrader"]
    test.update(points=100, solution=True, locked=False)
    bonus = {
        "cell_type": "code",
        "source": "pass",
        "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "points": 50}},
    }
    submitted["cells"].append(bonus)
    fixed = repair.normalise(submitted, _lab())
    assert (
        fixed.notebook["cells"][1]["metadata"]["nbgrader"]
        == _lab()["cells"][1]["metadata"]["nbgrader"]
    )
    assert "nbgrader" not in fixed.notebook["cells"][2]["metadata"]
    assert any("settings were changed (locked, points, solution)" in n for n in fixed.notes)
    assert any("'bonus', which the lab does not have" in n for n in fixed.notes)


def _channel_fed(messages):
    """A CappedIOPubChannel reading ``messages`` instead of a socket; what nbclient receives."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from mlep.grading import sandbox

    feed = iter(messages)

    class Fed(sandbox.CappedIOPubChannel):
        def __init__(self):
            self.cell = self.total = self.started = 0
            self.told = self.idle = False
            self.running = None
            self.failed = set()

    async def next_message(self, **kwargs):
        return next(feed)

    original = sandbox.AsyncZMQSocketChannel._recv
    sandbox.AsyncZMQSocketChannel._recv = next_message

    async def receive_all():
        channel = Fed()
        return [await channel._recv() for _ in messages]

    # A thread of its own: an earlier test in this worker may have left an event loop running
    # in the main thread, where asyncio.run refuses to start.
    try:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, receive_all()).result()
    finally:
        sandbox.AsyncZMQSocketChannel._recv = original


def _message(kind, parent="cell-1", **content):
    return {
        "msg_type": kind,
        "header": {"msg_type": kind},
        "parent_header": {"msg_id": parent},
        "content": content,
    }


def test_a_failed_cells_error_cannot_be_cleared_by_a_later_clear_output():
    received = _channel_fed(
        [
            _message("execute_input", code="test()"),
            _message("error", ename="ExerciseFailure", evalue="wrong", traceback=[]),
            _message("clear_output", wait=False),  # from a thread the notebook left running
            _message("clear_output", parent="cell-2", wait=False),
        ]
    )
    kinds = [m["msg_type"] for m in received]
    assert kinds == ["execute_input", "error", "execute_input", "clear_output"]


def test_a_cells_role_is_told_from_the_released_labs():
    from mlep.grading.roles import LabCells
    from mlep.runtime import project_root

    cells = LabCells([project_root()])
    lab = notebooks.source_notebook("c1w3_data_definition")
    source = notebooks.read(lab)
    exercise = notebooks.exercises(source)[0]
    test = notebooks.source(source["cells"][exercise.test_index])  # with its hidden tests
    assert "### BEGIN HIDDEN TESTS" in test and cells.role(test) == "test"
    assert cells.role(notebooks.source(source["cells"][1])) == "lab"  # the setup cell
    assert cells.role(notebooks.source(source["cells"][exercise.solution_index])) == "learner"
    assert cells.role("expect.matches = lambda *a, **k: None") == "learner"


def test_library_patches_are_found_and_undone():
    import mlep.scoping as scoping
    from mlep.grading.tamper import Modules

    modules = Modules()
    modules.take_new()
    assert modules.changes() == []
    fermi, mean = scoping.fermi, np.mean
    scoping.fermi = lambda **factors: None
    Estimate.__eq__ = lambda self, other: True
    np.mean = lambda *args, **kwargs: 0.0
    found = modules.changes()
    assert {"mlep.scoping.fermi", "numpy.mean"} <= set(found)
    assert any(line.endswith("Estimate.__eq__") for line in found)
    assert scoping.fermi is fermi and np.mean is mean and Estimate(1, 2, 3) != Estimate(1, 2, 4)
    assert modules.changes() == []


def test_a_library_function_patched_before_the_guard_saw_it_is_found_from_its_source(tmp_path):
    code = (
        "import sys, types\n"
        "import mlep.data.provenance as p\n"
        "p.fingerprint = lambda *args, **kwargs: 'same'\n"
        "from mlep.grading.tamper import Modules\n"
        "modules = Modules()\n"
        "modules.take_new()\n"
        "print(modules.broken)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "'mlep.data.provenance': ['fingerprint']" in run.stdout, run.stderr
