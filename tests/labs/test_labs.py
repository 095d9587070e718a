"""Honesty of every lab: no outputs, wrong answers caught (released = generated: test_autograde)."""

from __future__ import annotations

import importlib.util
import subprocess

import pytest

from mlep.grading import harness, notebooks

from conftest import LABS, ROOT


def _git_notebooks() -> list[str]:
    out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    tracked = out.stdout.split()
    return tracked or [str(p.relative_to(ROOT)) for p in ROOT.glob("*/*/*.ipynb")]


def test_there_is_at_least_one_lab():
    assert "c2w1_data_validation" in LABS


@pytest.mark.parametrize("path", _git_notebooks())
def test_notebooks_are_committed_without_outputs(path):
    notebook = notebooks.read(ROOT / path)
    dirty = [
        i for i, c in enumerate(notebook["cells"]) if c.get("outputs") or c.get("execution_count")
    ]
    assert not dirty, f"{path}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("lab", LABS)
def test_every_solution_lab_has_a_released_lab_and_enough_exercises(lab):
    assert notebooks.released_notebook(lab).is_file(), f"run `make labs` to release {lab}"
    exercises = notebooks.exercises(notebooks.read(notebooks.source_notebook(lab)))
    assert len(exercises) >= 4
    assert all(e.points > 0 for e in exercises)
    kernel = notebooks.read(notebooks.source_notebook(lab))["metadata"]["kernelspec"]["name"]
    assert kernel == "mlep"


def _wrong_answers(lab: str) -> dict[str, list[str]]:
    path = ROOT / "tests" / "labs" / "wrong_answers" / f"{lab}.py"
    spec = importlib.util.spec_from_file_location(f"wrong_{lab}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG_ANSWERS


@pytest.mark.parametrize("lab", LABS)
def test_every_exercise_has_a_wrong_answer_fixture(lab):
    functions = {
        e.function for e in notebooks.exercises(notebooks.read(notebooks.source_notebook(lab)))
    }
    wrong = _wrong_answers(lab)
    assert functions <= set(wrong), (
        f"exercises without a wrong answer: {sorted(functions - set(wrong))}"
    )
    assert all(wrong[f] for f in functions)


# session scope: xdist may run other modules' tests in between, which would tear a
# module-scoped fixture down and rebuild it
# one xdist group per lab, so the labs' harness runs spread over the workers
@pytest.fixture(
    scope="session",
    params=[pytest.param(lab, marks=pytest.mark.xdist_group(f"harness-{lab}")) for lab in LABS],
)
def ran_lab(request):
    return request.param, harness.Lab(notebooks.source_notebook(request.param)).run()


@pytest.mark.slow
def test_wrong_answers_lose_points_and_solutions_keep_them(ran_lab):
    lab_id, lab = ran_lab
    failures = []
    for function, answers in _wrong_answers(lab_id).items():
        solution = lab.check(function)
        if not solution.passed:
            failures.append(f"{function}: the solution fails its own tests: {solution.message}")
        for index, answer in enumerate(answers):
            outcome = lab.check(function, answer)
            if outcome.passed:
                failures.append(f"{function}: wrong answer #{index} passes the tests")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_each_test_cell_needs_only_its_own_exercise(ran_lab):
    """A learner who skipped every other exercise is still graded on this one: no test cell
    calls another exercise's function (the per-lab half of the demo class's `patchy` learner)."""
    lab_id, lab = ran_lab
    failing = {
        f: outcome.message
        for f in lab.exercises
        if not (outcome := lab.check(f, others_unattempted=True)).passed
    }
    assert not failing, f"test cells that fail when the other exercises are unattempted: {failing}"
