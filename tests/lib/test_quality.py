"""House rules that a reviewer would otherwise have to remember."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT, tool

LINTED = ("lib", "tests", "tools", "autograder")


def test_ruff_finds_nothing():
    run = subprocess.run(
        [tool("ruff"), "check", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout


def test_the_code_is_formatted_as_ruff_format_writes_it():
    run = subprocess.run(
        [tool("ruff"), "format", "--check", *LINTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, f"run `ruff format {' '.join(LINTED)}`:\n{run.stdout}"


GROUPED = """
import os, pytest

@pytest.fixture(scope="session",
                params=[pytest.param(lab, marks=pytest.mark.xdist_group(f"lab-{lab}"))
                        for lab in "abcd"])
def lab(request):
    return request.param

@pytest.mark.parametrize("n", range(3))
def test_one(lab, n, tmp_path_factory):
    with open(os.path.join(os.environ["GROUP_LOG"], lab), "a") as log:
        log.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
"""


def _without_addopts() -> dict[str, str]:
    """This process's environment minus PYTEST_ADDOPTS: options meant for the outer run (such as
    ``--timings-out``, which tests/conftest.py defines) are unknown to the inner one."""
    return {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}


@pytest.mark.slow  # a nested pytest run on two workers
def test_xdist_groups_keep_each_lab_on_one_worker(tmp_path):
    # the demo classes rely on it: a lab split over two workers is graded twice (pytest 9 broke
    # pytest-xdist 3.8's loadgroup silently, doubling the suite's time)
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    logs = tmp_path / "logs"
    logs.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            str(tmp_path / "test_grouped.py"),
        ],
        capture_output=True,
        text=True,
        env={**_without_addopts(), "GROUP_LOG": str(logs)},
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    workers = {log.name: set(log.read_text().split()) for log in logs.iterdir()}
    assert sorted(workers) == list("abcd")
    assert all(len(ran_on) == 1 for ran_on in workers.values()), workers
