"""House rules that a reviewer would otherwise have to remember."""

import subprocess

from conftest import ROOT, tool


def test_ruff_finds_nothing():
    run = subprocess.run([tool("ruff"), "check", "lib", "tests", "autograder"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
