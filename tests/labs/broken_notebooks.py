"""Broken submissions a grader meets, each a recipe over a lab: the notebook and what it should get.

Used by ``test_broken_notebooks.py`` (``mlep check`` and ``mlep grade`` must agree on each) and
by the grading benchmark. Each recipe returns a notebook (dict) from the lab's released one.
"""

from __future__ import annotations

import copy

from mlep.grading import notebooks

from submissions import solved

MARKER = "### BEGIN HIDDEN TESTS"


def _exercises(lab):
    return notebooks.exercises(notebooks.read(notebooks.released_notebook(lab)))


def _index(notebook, grade_id):
    return next(
        i
        for i, c in enumerate(notebook["cells"])
        if notebooks.nbgrader_meta(c).get("grade_id") == grade_id
    )


def no_metadata(lab):
    """Solved, saved by an editor that drops every cell's metadata (cell ids kept)."""
    notebook = solved(lab)
    for cell in notebook["cells"]:
        cell["metadata"] = {}
    return notebook


def no_metadata_no_ids(lab):
    """Solved, without cell metadata nor cell ids (an old nbformat 4.4 writer)."""
    notebook = no_metadata(lab)
    notebook["nbformat_minor"] = 4
    for cell in notebook["cells"]:
        cell.pop("id", None)
    return notebook


def duplicated(lab):
    """Solved, with exercise 2's cell and exercise 3's test cell copied right below themselves."""
    notebook = solved(lab)
    exercises = _exercises(lab)
    for grade_id in (exercises[2].grade_id + "_tests", exercises[1].grade_id):
        index = _index(notebook, grade_id)
        twin = copy.deepcopy(notebook["cells"][index])
        twin["id"] = twin.get("id", "cell") + "-copy"
        notebook["cells"].insert(index + 1, twin)
    return notebook


def markdown_test(lab):
    """Exercise 1 not attempted and its test cell turned into markdown; the rest solved."""
    exercises = _exercises(lab)
    notebook = solved(lab, {e.function for e in exercises[1:]})
    cell = notebook["cells"][exercises[0].test_index]
    cell["cell_type"] = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return notebook


def syntax_error(lab):
    """Exercise 2's cell has a syntax error; the rest solved."""
    second = _exercises(lab)[1].function
    return solved(lab, replace={second: f"def {second}(:\n    return None\n"})


def endless(lab):
    """Exercise 1 never returns."""
    first = _exercises(lab)[0].function
    return solved(
        lab, replace={first: f"def {first}(*args, **kwargs):\n    while True:\n        pass\n"}
    )


def dies_in_cell(lab):
    """Exercise 3's cell calls os._exit() when it runs; the rest solved."""
    third = _exercises(lab)[2].function
    return solved(lab, replace={third: "import os\nos._exit(1)\n"})


def dies_in_test(lab):
    """Exercise 4's function kills the kernel when the tests call it; the rest solved."""
    fourth = _exercises(lab)[3].function
    return solved(
        lab, replace={fourth: f"def {fourth}(*args, **kwargs):\n    import os\n    os._exit(1)\n"}
    )


def quotes_marker(lab):
    """Solved, with exercise 1's cell quoting nbgrader's hidden-test marker in a comment."""
    exercises = _exercises(lab)
    notebook = solved(lab)
    cell = notebook["cells"][exercises[0].solution_index]
    cell["source"] = f"{MARKER} (a note the learner pasted)\n" + notebooks.source(cell)
    return notebook


def copied(lab):
    """:func:`duplicated` and :func:`quotes_marker` in one notebook (full marks)."""
    notebook = duplicated(lab)
    cell = notebook["cells"][_index(notebook, _exercises(lab)[0].grade_id)]
    cell["source"] = f"{MARKER} (a note the learner pasted)\n" + notebooks.source(cell)
    return notebook


def mangled(lab):
    """:func:`markdown_test` and :func:`syntax_error` in one notebook."""
    exercises = _exercises(lab)
    second = exercises[1].function
    notebook = solved(
        lab,
        {e.function for e in exercises[1:]},
        replace={second: f"def {second}(:\n    return None\n"},
    )
    cell = notebook["cells"][exercises[0].test_index]
    cell["cell_type"] = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)
    return notebook


def dies(lab):
    """:func:`dies_in_cell` and :func:`dies_in_test` in one notebook: the kernel dies twice."""
    third, fourth = (e.function for e in _exercises(lab)[2:4])
    return solved(
        lab,
        replace={
            third: "import os\nos._exit(1)\n",
            fourth: f"def {fourth}(*args, **kwargs):\n    import os\n    os._exit(1)\n",
        },
    )


#: The whole-notebook class (each recipe costs an autograde run and a check run, a dying kernel one
#: more per death): every situation above, combined into five notebooks.
RECIPES = [no_metadata, copied, mangled, endless, dies]


def expected(lab, recipe) -> dict[str, str | None]:
    """Per exercise function: None when it should pass, else a word its message must contain."""
    exercises = _exercises(lab)
    fails = {
        markdown_test: {0: "not attempted"},
        syntax_error: {1: "SyntaxError"},
        mangled: {0: "not attempted", 1: "SyntaxError"},
        endless: {0: "time limit"},
        dies_in_cell: {2: "stopped the kernel"},
        dies_in_test: {3: "stopped the kernel"},
        dies: {2: "stopped the kernel", 3: "stopped the kernel"},
    }.get(recipe, {})
    return {e.function: fails.get(i) for i, e in enumerate(exercises)}
