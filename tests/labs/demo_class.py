"""A demo class for the instructor flow: one submission per situation a grader meets.

Each recipe turns the lab's released notebook into a learner's submission (a dict, raw text,
or None for a missing notebook). The recipes are generic over labs.

:data:`LAB_RECIPES` check properties of each lab (full marks, zero when unsolved) and run for
every lab; :data:`GRADER_RECIPES` check the grading machinery (a half-finished lab graded per
exercise, time limit, dead kernel, edited tests, broken files), which is the same for every lab, so
they run once, on :data:`REFERENCE_LAB` (the quickest lab). That each lab's exercises are graded on
their own is checked for every lab in-process (``tests/labs/test_labs.py``), which costs test cells,
not a third notebook run per lab.
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


def patchy(lab):
    """A realistic half-finished lab: exercise 1 solved but its test cell deleted, exercise 2
    with a syntax error, the last third not attempted, the rest solved."""
    exercises = _exercises(lab)
    untouched = {e.function for e in exercises[len(exercises) - max(1, len(exercises) // 3) :]}
    second = exercises[1].function
    notebook = solved(
        lab,
        {e.function for e in exercises} - untouched,
        replace={second: f"def {second}(:\n    return None\n"},
    )
    del notebook["cells"][exercises[0].test_index]
    return notebook


def patchy_expected(lab) -> dict[str, float]:
    """Per-exercise points :func:`patchy` should get."""
    exercises = _exercises(lab)
    untouched = len(exercises) - max(1, len(exercises) // 3)
    return {e.function: (e.points if 1 < i < untouched else 0.0) for i, e in enumerate(exercises)}


def invalid_json(lab):
    return '{"cells": [ {"cell_type": "code", "source": "print(1)"'  # cut short by a crash


def missing(lab):
    return None


REFERENCE_LAB = "c1w3_data_definition"
LAB_RECIPES = [perfect, unsolved]
GRADER_RECIPES = [perfect, patchy, endless, dies, edited_tests, invalid_json, missing]
