"""Benchmark: what the grading sandbox costs per submission (``make bench``).

Grades the same class of generated submissions of the quickest lab twice in one run, with the
bubblewrap sandbox and with ``--no-sandbox`` (order alternating per round, one worker, so the
two modes see the same machine load), and times ``mlep check`` of one notebook both ways.
Prints seconds per submission and the sandbox's overhead. Goal (issue 16): at most 10 %.

    PATH=.envs/tools/bin:$PATH .envs/course/bin/python tests/benchmarks/grading_sandbox.py \\
        [--students 4] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "labs"))

from mlep.grading import sandbox  # noqa: E402
from mlep.grading.nbgrader import start_course_dir, submit  # noqa: E402
from mlep.runtime import project_root  # noqa: E402

from demo_class import REFERENCE_LAB  # noqa: E402
from submissions import solved  # noqa: E402

MLEP = str(project_root() / ".envs" / "tools" / "bin" / "mlep")


def _class(root: Path, students: int) -> None:
    start_course_dir(root)
    run = subprocess.run(
        [MLEP, "release", REFERENCE_LAB, "--root", str(root)], capture_output=True, text=True
    )
    if run.returncode != 0:
        raise SystemExit(f"release failed: {run.stderr}")
    notebook = json.dumps(solved(REFERENCE_LAB))
    for index in range(students):
        submit(root, f"student{index:02d}", REFERENCE_LAB, None).write_text(
            notebook, encoding="utf-8"
        )


def _grade(root: Path, sandboxed: bool) -> float:
    shutil.rmtree(root / "autograder" / "var" / "autograded", ignore_errors=True)
    command = [MLEP, "grade", REFERENCE_LAB, "--root", str(root), "--workers", "1", "--force"]
    start = time.perf_counter()
    run = subprocess.run(
        command + ([] if sandboxed else ["--no-sandbox"]), capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(
            f"grading failed ({'sandbox' if sandboxed else 'no sandbox'}):"
            f"\n{run.stdout}\n{run.stderr}"
        )
    return seconds


def _check(path: Path, sandboxed: bool) -> float:
    start = time.perf_counter()
    subprocess.run(
        [MLEP, "check", str(path)] + ([] if sandboxed else ["--no-sandbox"]), capture_output=True
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if sandbox.problem() is not None:
        print(f"grading sandbox benchmark skipped: {sandbox.problem()}")
        return
    times: dict[bool, list[float]] = {True: [], False: []}
    checks: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory(prefix="mlep-bench-sandbox-") as folder:
        root = Path(folder) / "class"
        _class(root, args.students)
        notebook = Path(folder) / f"{REFERENCE_LAB}.ipynb"
        notebook.write_text(json.dumps(solved(REFERENCE_LAB)), encoding="utf-8")
        for round_ in range(args.rounds):
            for sandboxed in (True, False) if round_ % 2 == 0 else (False, True):
                times[sandboxed].append(_grade(root, sandboxed) / args.students)
                checks[sandboxed].append(_check(notebook, sandboxed))
    print(
        f"\nGrading sandbox overhead: {REFERENCE_LAB}, "
        f"{args.students} submissions x {args.rounds} rounds, "
        f"1 worker ({sandbox.describe()})"
    )
    print(f"{'':<26}{'sandboxed':>11}{'no sandbox':>12}{'overhead':>10}")
    for label, data in (("grade, s per submission", times), ("check, s per notebook", checks)):
        on, off = statistics.median(data[True]), statistics.median(data[False])
        print(f"{label:<26}{on:>11.1f}{off:>12.1f}{(on / off - 1) * 100:>9.1f}%")
    print("(medians; goal: overhead <= 10 %)")


if __name__ == "__main__":
    main()
