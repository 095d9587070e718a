"""Shared fixtures: the checkout, the tools environment, lab discovery."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlep.grading import notebooks
from mlep.runtime import configure, project_root

configure()

ROOT = project_root()
TOOLS_BIN = ROOT / ".envs" / "tools" / "bin"
LABS = notebooks.lab_ids(ROOT)


def tool(name: str) -> str:
    """Path of a tools-environment command (nbgrader, mkdocs, mlep)."""
    local = TOOLS_BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: run `make setup` to build the tools environment")
    return found


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
