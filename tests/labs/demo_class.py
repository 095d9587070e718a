"""A demo class for the instructor flow: one submission per situation a grader meets.

Each recipe turns the lab's released notebook into a learner's submission (a dict, raw text,
or None for a missing notebook). The recipes are generic over labs.
"""

from __future__ import annotations

import copy

from mlep.grading import notebooks

from submissions import solved

ENDLESS = "def {function}(*args, **kwargs):\n    while True:\n        pass\n"
DIES = "import os\nos._exit(1)\n"


def _exercises(lab):
    return notebooks.exercises(notebooks.read(notebooks.released_notebook(lab)))


def perfect(lab):
    return solved(lab)


def unsolved(lab):
    return notebooks.read(notebooks.released_notebook(lab))


def partial(lab):
    first_half = {e.function for e in _exercises(lab)[: len(_exercises(lab)) // 2]}
    return solved(lab, first_half)


def broken(lab):
    """Everything solved, but the second exercise has a syntax error."""
    second = _exercises(lab)[1].function
    return solved(lab, replace={second: f"def {second}(:\n    return None\n"})


def endless(lab):
    """The first exercise never returns: the per-cell timeout must stop it."""
    first = _exercises(lab)[0].function
    return solved(lab, replace={first: ENDLESS.format(function=first)})


def dies(lab):
    """The kernel dies in the first exercise's cell."""
    return solved(lab, replace={_exercises(lab)[0].function: DIES})


def edited_tests(lab):
    """Nothing solved, but every test cell rewritten to pass: nbgrader restores them."""
    notebook = copy.deepcopy(unsolved(lab))
    for exercise in _exercises(lab):
        notebook["cells"][exercise.test_index]["source"] = "print('public tests passed')\n"
    return notebook


def deleted_test(lab):
    """Everything solved, but the first test cell deleted."""
    notebook = solved(lab)
    del notebook["cells"][_exercises(lab)[0].test_index]
    return notebook


def invalid_json(lab):
    return '{"cells": [ {"cell_type": "code", "source": "print(1)"'  # cut short by a crash


def missing(lab):
    return None


RECIPES = [perfect, unsolved, partial, broken, endless, dies, edited_tests, deleted_test, invalid_json, missing]
