"""mypy on the library, against a baseline that may only shrink.

``py.typed`` ships with ``mlep``, so its annotations are a promise to its users. Errors that
predate the check are listed per file in ``mypy_baseline.json``; a file may not gain errors, and
when one loses some, lower its count (or run this file with ``MLEP_MYPY_BASELINE=write``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("mypy_baseline.json")
ERROR = re.compile(r"^(?P<file>lib/mlep/[^:]+\.py):\d+: error: ")


def mypy_errors_per_file() -> Counter[str]:
    """Run mypy as configured in pyproject.toml; count its errors by file."""
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1):
        pytest.fail(f"mypy could not run:\n{run.stderr or run.stdout}")
    return Counter(m["file"] for line in run.stdout.splitlines() if (m := ERROR.match(line)))


@pytest.mark.slow
@pytest.mark.xdist_group("mypy")
def test_mypy_errors_only_fall():
    found = mypy_errors_per_file()
    if os.environ.get("MLEP_MYPY_BASELINE") == "write":
        BASELINE.write_text(json.dumps(dict(sorted(found.items())), indent=1) + "\n")
    baseline = json.loads(BASELINE.read_text())
    worse = {f: f"{baseline.get(f, 0)} -> {n}" for f, n in found.items() if n > baseline.get(f, 0)}
    assert not worse, f"new mypy errors (run `.envs/course/bin/python -m mypy`): {worse}"
    better = {f: f"{n} -> {found.get(f, 0)}" for f, n in baseline.items() if found.get(f, 0) < n}
    assert not better, f"fewer mypy errors, well done: lower tests/lib/mypy_baseline.json {better}"
