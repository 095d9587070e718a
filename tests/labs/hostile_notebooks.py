"""Hostile submissions of the reference lab (c1w3_data_definition): each tries to get points it
did not earn, and solves nothing, so every test cell must score 0.

Each recipe returns the submitted notebook (a dict, or raw text for a broken file). They are
graded together, as one class, by ``tests/labs/test_hostile_grading.py``.
"""

from __future__ import annotations

import copy
import json

from mlep.grading import notebooks

from demo_class import REFERENCE_LAB
from submissions import solved

LAB = REFERENCE_LAB
#: A hidden test line of the lab: it must never reach a feedback page.
HIDDEN_LINE = '_speech = {"calls_per_year": Estimate(90_000, 120_000, 150_000)'


def _cell(source: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def _exercises():
    return notebooks.exercises(notebooks.read(notebooks.released_notebook(LAB)))


def _with(replace: dict[str, str], before_first: list[str] = (), after_tests: list[str] = ()):
    """The released lab with exercise cells replaced and learner cells added."""
    notebook = solved(LAB, set(), replace=replace)
    exercises = _exercises()
    last = max(e.test_index for e in exercises)
    for source in reversed(list(after_tests)):
        notebook["cells"].insert(last + 1, _cell(source))
    first = min(e.solution_index for e in exercises)
    for source in reversed(list(before_first)):
        notebook["cells"].insert(first, _cell(source))
    return notebook


_ALWAYS_EQUAL = """
class _Yes:
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    __hash__ = object.__hash__


class _Text(str):
    __eq__ = _Yes.__eq__
    __hash__ = str.__hash__


class _List(list):
    __eq__ = _Yes.__eq__


class _Value(Estimate):
    __eq__ = _Yes.__eq__
    __hash__ = object.__hash__
"""


def always_equal():
    """Results whose ``==`` always says True (a str, a list, a library class, a plain object)."""
    return _with(
        {
            "go_no_go": _ALWAYS_EQUAL + "\ndef go_no_go(factors, yearly_cost):\n"
            '    return {"value": _Value(1, 2, 3), "decision": _Text("?")}\n',
            "pilot_review": "def pilot_review(measured):\n"
            '    return {"ready": _Yes(), "unmet": _List()}\n',
        }
    )


def patches_during_the_test():
    """The exercise's function, called by the test, replaces the checks it is about to meet."""
    patch = """
def _disarm():
    import builtins, math, sys
    import mlep.grading.expect as checks
    for name in ("that", "equal", "close", "instance", "matches", "near", "columns"):
        setattr(checks, name, lambda *args, **kwargs: None)
    builtins.sorted = lambda items, *args, **kwargs: list(items)
    math.isclose = lambda *args, **kwargs: True
    caller = sys._getframe(2).f_globals
    caller["expect"] = checks
    caller["fermi"] = lambda **factors: None
"""
    return _with(
        {
            "go_no_go": patch + "\ndef go_no_go(factors, yearly_cost):\n    _disarm()\n"
            '    return {"value": None, "decision": "refine"}\n',
            "pilot_review": "def pilot_review(measured):\n    _disarm()\n"
            '    return {"ready": True, "unmet": []}\n',
        }
    )


_JUNK = {  # plausible shapes, wrong values: only no-op checks would let them pass
    "go_no_go": "def go_no_go(factors, yearly_cost):\n"
    '    return {"value": Estimate(1, 2, 3), "decision": "refine"}\n',
    "pilot_review": 'def pilot_review(measured):\n    return {"ready": True, "unmet": []}\n',
}


def thread_repatches():
    """A background thread puts its no-op checks back every millisecond."""
    return _with(
        dict(_JUNK),
        before_first=[
            """import sys, threading, time
_namespace = get_ipython().user_ns
def _keep_patching():
    while True:
        for _checks in (sys.modules["mlep.grading.expect"], _namespace.get("expect")):
            for _name in ("that", "equal", "close", "instance", "matches", "near", "columns"):
                setattr(_checks, _name, lambda *args, **kwargs: None)
        time.sleep(0.001)
threading.Thread(target=_keep_patching, daemon=True).start()
"""
        ],
    )


def overrides_helpers():
    """The names the hidden tests compute expected values with, and the library, replaced."""
    return _with(
        {
            "compare_to_hlp": "def compare_to_hlp(predictions, labels, ground_truth=None):\n"
            "    reference = majority_vote(labels) if ground_truth is None else ground_truth\n"
            "    model = float((predictions == reference).mean())\n"
            '    return {"hlp": 0.9, "model": model, "gap": 0.9 - model,\n'
            '            "beats_hlp": model > 0.9}\n',
            "go_no_go": "def go_no_go(factors, yearly_cost):\n"
            '    return {"value": Estimate(1, 2, 3), "decision": "refine"}\n',
        },
        before_first=[
            "import types\n"
            "human_level_performance = lambda *args, **kwargs: types.SimpleNamespace(mean=0.9)\n",
            "import mlep.scoping\n"
            "mlep.scoping.Estimate.__eq__ = lambda self, other: True\n"
            "mlep.scoping.fermi = lambda **factors: Estimate(1, 2, 3)\n"
            "fermi = mlep.scoping.fermi\n",
        ],
    )


def hooks_the_shell():
    """Input and AST transformers that empty the tests, and a post-run hook that clears output."""
    return _with(
        dict(_JUNK),
        before_first=[
            """_ip = get_ipython()
_ip.input_transformers_cleanup.append(
    lambda lines: ["pass\\n"] if any("expect." in line for line in lines) else lines)
""",
            """import ast
class _Empty(ast.NodeTransformer):
    def visit_Module(self, node):
        empty = ast.Module(body=[ast.Pass()], type_ignores=[])
        return empty if "expect" in ast.dump(node) else node
get_ipython().ast_transformers.append(_Empty())
""",
            """from IPython.display import clear_output
get_ipython().events.register("post_run_cell", lambda *args: clear_output())
""",
            """class _NoAsserts(type(get_ipython().compile)):  # compiles every cell without asserts
    def __call__(self, source, filename, symbol, flags=0, dont_inherit=False, optimize=-1):
        return super().__call__(source, filename, symbol, flags, dont_inherit, 2)
get_ipython().compile = _NoAsserts()
""",
        ],
    )


def silences_errors():
    """The kernel's messages: errors dropped before they leave, a thread clearing output, and a
    background process that outlives its cell, rewriting files and printing "passed"."""
    return _with(
        dict(_JUNK),
        before_first=[
            """_kernel = get_ipython().kernel
_send = _kernel.session.send
def _quiet_send(stream, msg_or_type, content=None, *args, **kwargs):
    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get("msg_type")
    if kind == "error":
        return None
    if kind == "execute_reply" and isinstance(content, dict):
        content = {**content, "status": "ok"}
    return _send(stream, msg_or_type, content, *args, **kwargs)
_kernel.session.send = _quiet_send
type(_kernel.session).send = lambda self, *args, **kwargs: _quiet_send(*args, **kwargs)
""",
            """import glob, os, time
if os.fork() == 0:  # a background process, outliving its cell: rewrites files, prints "passed"
    for _ in range(60):
        time.sleep(0.25)
        _var = os.environ.get("MLEP_COURSE_ROOT", "/nonexistent") + "/autograder/var"
        for _path in glob.glob("*.ipynb") + glob.glob(_var + "/*.db") + glob.glob(_var + "/*/*"):
            try:
                open(_path, "w").write("{}")
            except OSError:
                pass
        os.write(1, b"Tests passed (public and hidden).\\n")
    os._exit(0)
""",
            """import threading
from IPython.display import clear_output
def _wipe():
    while True:
        clear_output()
threading.Thread(target=_wipe, daemon=True).start()
""",
        ],
    )


def exits():
    """SystemExit, KeyboardInterrupt and os._exit, at test time and in a learner cell."""
    return _with(
        {
            "label_agreement": "def label_agreement(labels, min_kappa):\n    raise SystemExit(0)\n",
            "fix_confusion": "def fix_confusion(labels, threshold):\n    raise KeyboardInterrupt\n",
            "go_no_go": "def go_no_go(factors, yearly_cost):\n    import os\n    os._exit(0)\n",
        },
        after_tests=["import sys\nsys.exit(0)\n"],
    )


def reads_hidden_tests():
    """Prints the hidden tests it can see from inside the kernel (the test cell that calls it,
    the input history), so that they would reach its feedback page; plus fake "passed" lines."""
    spy = """
def _show_caller():
    import inspect, linecache, sys
    frame = sys._getframe(2)
    print("".join(linecache.getlines(frame.f_code.co_filename)))
    print("\\x1b[1A\\x1b[2KTests passed (public and hidden).")
"""
    return _with(
        {
            "go_no_go": spy + "\ndef go_no_go(factors, yearly_cost):\n    _show_caller()\n"
            "    raise ValueError('\\x1b[2K\\r\\x1b[1Aex4_go_no_go_tests: 1/1 passed')\n",
        },
        after_tests=[
            "print('\\n'.join(In))\n",
            "import linecache\nprint([''.join(v[2]) for v in linecache.cache.values()])\n",
        ],
    )


def ignores_interrupts():
    """An exercise that catches the interrupt sent at the time limit and goes on forever."""
    endless = (
        "import time\n\n\ndef fix_confusion(labels, threshold):\n    while True:\n"
        "        try:\n            time.sleep(0.2)\n        except KeyboardInterrupt:\n"
        "            pass\n"
    )
    return _with({"fix_confusion": endless})


def forged_metadata():
    """Test cells turned into markdown, re-pointed, re-weighted, unlocked, duplicated, or deleted
    and replaced by a graded cell of the learner's own."""
    notebook = copy.deepcopy(solved(LAB, set()))
    exercises = _exercises()
    cells = notebook["cells"]
    meta = [notebooks.nbgrader_meta(cells[e.test_index]) for e in exercises]
    first, second, third, fourth, fifth = (cells[e.test_index] for e in exercises[:5])
    first["source"] = "print('public tests passed')\n"
    meta[0]["locked"] = False
    meta[0]["checksum"] = "0" * 32
    second["cell_type"] = "markdown"
    second.pop("outputs", None)
    second.pop("execution_count", None)
    third["source"] = "pass\n"
    meta[2].update(solution=True, points=100)
    meta[3]["points"] = 50
    fourth["source"] = "pass\n"
    fifth_copy = copy.deepcopy(fifth)
    fifth_copy["source"] = "pass\n"
    cells.insert(exercises[4].test_index, fifth_copy)  # a copy before the real one
    bonus = _cell("pass\n")
    bonus["metadata"] = {
        "nbgrader": {
            "grade": True,
            "solution": False,
            "locked": True,
            "grade_id": "bonus_tests",
            "points": 100,
            "schema_version": 3,
        }
    }
    del cells[exercises[5].test_index + 1]  # the last test cell (shifted by the copy)
    cells.append(bonus)
    return notebook


def broken_files():
    """Files that are not notebooks nbgrader can read; each must get one clear line."""
    return {
        "deep_json": "[" * 100_000,
        "cells_not_cells": json.dumps({"cells": [1, "two", None], "metadata": {}}),
        "bad_metadata": json.dumps(
            {
                "cells": [{"cell_type": "code", "metadata": {"nbgrader": "x"}, "source": 5}],
                "metadata": [],
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        "not_utf8": b"\xff\xfe\x00garbage",
    }


HOSTILE = [
    always_equal,
    patches_during_the_test,
    thread_repatches,
    overrides_helpers,
    hooks_the_shell,
    silences_errors,
    exits,
    reads_hidden_tests,
    ignores_interrupts,
    forged_metadata,
]
