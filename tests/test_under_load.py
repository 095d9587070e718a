"""A lab's solution still scores full marks on a busy machine (``make test-load``).

Eight busy-looping processes (``MLEP_LOAD_HOGS``) push the load average of a 2-core machine to
about 8 while the project's own grading command, ``mlep grade``, autogrades the solution of one
lab (``MLEP_LOAD_LAB``, by default C3W3, the TensorFlow lab whose input-pipeline exercise once
graded a speed-up). A graded check on wall time, a speed-up ratio or a too-short cell timeout
fails here first. The hogs are killed whatever happens.

Not part of ``make test``: it takes several minutes and makes the machine busy on purpose, so it
runs only when ``MLEP_TEST_LOAD=1`` (which ``make test-load`` sets).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mlep.grading.nbgrader import VAR, start_course_dir, submit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "labs"))
from submissions import solved  # noqa: E402  (tests/labs: every exercise's solution typed in)

TOOLS_BIN = ROOT / ".envs" / "tools" / "bin"
LAB = os.environ.get("MLEP_LOAD_LAB", "c3w3_high_performance")
HOGS = int(os.environ.get("MLEP_LOAD_HOGS", "8"))
WARM_UP_S = 120  # at most: the 1-minute load average needs a minute or two to climb

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("MLEP_TEST_LOAD") != "1",
        reason="makes the machine busy on purpose for minutes: run it with `make test-load`",
    ),
]


def _mlep() -> str:
    local = TOOLS_BIN / "mlep"
    return str(local) if local.exists() else "mlep"


class _LoadWatch:
    """The 1-minute load average, sampled every two seconds in a thread."""

    def __init__(self):
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(2):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _start_hogs(count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-c", "while True: pass"],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def _stop_hogs(hogs: list[subprocess.Popen]) -> None:
    for hog in hogs:
        hog.kill()
    for hog in hogs:
        hog.wait(timeout=30)


def test_solution_scores_full_marks_at_load_8(tmp_path):
    start_course_dir(tmp_path)
    released = subprocess.run(
        [_mlep(), "release", LAB, "--root", str(tmp_path)], capture_output=True, text=True
    )
    assert released.returncode == 0, released.stderr
    target = submit(tmp_path, "solution", LAB, None)
    target.write_text(json.dumps(solved(LAB), indent=1), encoding="utf-8")

    hogs = _start_hogs(HOGS)
    try:
        deadline = time.monotonic() + WARM_UP_S
        while os.getloadavg()[0] < 0.75 * HOGS and time.monotonic() < deadline:
            time.sleep(2)
        with _LoadWatch() as load:
            started = time.monotonic()
            run = subprocess.run(
                [_mlep(), "grade", LAB, "--root", str(tmp_path)],
                capture_output=True,
                text=True,
                timeout=3600,
            )
            seconds = time.monotonic() - started
    finally:
        _stop_hogs(hogs)

    assert run.returncode == 0, run.stdout + run.stderr
    with open(tmp_path / VAR / "grades" / f"{LAB}.csv", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["student"] == "solution")
    print(
        f"\n{LAB}: graded in {seconds:.0f} s with {HOGS} busy processes; 1-minute load average "
        f"{min(load.samples, default=0):.1f}-{max(load.samples, default=0):.1f}; "
        f"score {row['score']} of {row['max_score']}"
    )
    # the machine really was busy: otherwise this test would prove nothing
    assert load.samples and max(load.samples) >= 0.75 * HOGS, (
        f"load average only reached {load.samples}"
    )
    assert row["status"] == "graded", row
    assert float(row["score"]) == float(row["max_score"]) > 0, (
        f"{LAB}'s solution lost points at load {HOGS}: {row}"
    )
