"""Every data file of the library ships in its wheel (pyproject's package-data names it).

An installed ``mlep`` reads files next to its modules (JupyterLab's learner settings under
``jupyter_config/``, the TFJob schema); setuptools puts only ``.py`` files and what
``[tool.setuptools.package-data]`` names into a wheel, so a file left out works from the clone
and is missing once installed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "lib" / "mlep"
NOT_DATA = {".py", ".pyc"}


def _data_files() -> set[Path]:
    return {
        path.relative_to(PACKAGE)
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in NOT_DATA and "__pycache__" not in path.parts
    }


def _shipped() -> set[Path]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["mlep"]
    return {
        path.relative_to(PACKAGE)
        for pattern in patterns
        for path in PACKAGE.glob(pattern)
        if path.is_file()
    }


def test_every_data_file_is_package_data():
    files = _data_files()
    assert Path("jupyter_config/jupyter_server_config.json") in files  # the check sees them
    missing = sorted(str(p) for p in files - _shipped())
    assert not missing, f"not in [tool.setuptools.package-data] of pyproject.toml: {missing}"
