"""Benchmark of grading a class: prints a markdown table (``make bench-grading``); not pass/fail.

A class of N generated submissions of one lab (the reference lab, the quickest: 50 in the full
run, ``--students 8`` for a quick one) is graded from scratch with ``mlep grade --force`` in
three set-ups:

* 1 worker — one submission at a time;
* 2 workers — two at a time, in threads of the coordinating process (the default on 2 cores);
* a 2-worker Dask ``LocalCluster`` (``--dask --workers 2``) — each submission a Dask task.

The class mixes what a grader meets: 60 % full solutions, 25 % half-finished labs (a seeded
subset of the exercises solved), 15 % broken notebooks that still grade (metadata lost, a
copied cell, a syntax error). Endless loops and dying kernels are left out: they measure the
time limit and the retry, not throughput. Each set-up grades the same class in a fresh course
folder; the table gives the wall time, seconds per submission, submissions per minute and the
speed-up over one worker. The sandbox overhead is measured by ``grading_sandbox.py``.

Usage: ``python tests/benchmarks/grading.py [--students N] [--setups 1,2,dask2]`` (the tools
environment's ``mlep`` must be on PATH or in ``.envs/tools/bin``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests" / "labs")]

import broken_notebooks as broken  # noqa: E402

from mlep.grading import notebooks  # noqa: E402
from mlep.grading.nbgrader import start_course_dir, submit  # noqa: E402

from demo_class import REFERENCE_LAB  # noqa: E402
from submissions import solved  # noqa: E402

SETUPS = {"1": ["--workers", "1"], "2": ["--workers", "2"], "dask2": ["--dask", "--workers", "2"]}
LABELS = {"1": "1 worker", "2": "2 workers (threads)", "dask2": "Dask LocalCluster, 2 workers"}


def _mlep() -> str:
    local = ROOT / ".envs" / "tools" / "bin" / "mlep"
    return str(local) if local.exists() else (shutil.which("mlep") or "mlep")


def make_class(lab: str, students: int, seed: int = 0) -> dict[str, dict]:
    """``students`` seeded submissions of ``lab``: solved, half-finished and broken-but-gradable."""
    rng = random.Random(seed)
    functions = [
        e.function for e in notebooks.exercises(notebooks.read(notebooks.released_notebook(lab)))
    ]
    kinds = [broken.no_metadata, broken.duplicated, broken.syntax_error]
    made = {}
    for i in range(students):
        draw = rng.random()
        if draw < 0.60:
            notebook = solved(lab)
        elif draw < 0.85:
            notebook = solved(lab, set(rng.sample(functions, k=len(functions) // 2)))
        else:
            notebook = rng.choice(kinds)(lab)
        made[f"student{i:03d}"] = notebook
    return made


def _grade(lab: str, made: dict[str, dict], setup: str) -> float:
    with tempfile.TemporaryDirectory(prefix="mlep-bench-grading-") as folder:
        root = Path(folder)
        start_course_dir(root)
        subprocess.run(
            [_mlep(), "release", lab, "--root", str(root)], check=True, capture_output=True
        )
        for student, notebook in made.items():
            submit(root, student, lab, None).write_text(json.dumps(notebook), encoding="utf-8")
        start = time.perf_counter()
        run = subprocess.run(
            [_mlep(), "grade", lab, "--root", str(root), "--force", *SETUPS[setup]],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        if run.returncode != 0:
            raise SystemExit(f"grading failed ({setup}):\n{run.stdout}\n{run.stderr}")
        return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--lab", default=REFERENCE_LAB)
    parser.add_argument("--setups", default="1,2,dask2", help="comma-separated: 1, 2, dask2")
    args = parser.parse_args(argv)
    setups = args.setups.split(",")
    unknown = [s for s in setups if s not in SETUPS]
    if unknown:
        raise SystemExit(f"unknown set-ups {unknown}; choose from {sorted(SETUPS)}")
    made = make_class(args.lab, args.students)
    times = {setup: _grade(args.lab, made, setup) for setup in setups}
    base = times.get("1")
    print(f"\nGrading {args.students} submissions of {args.lab} on {os.cpu_count()} cores\n")
    print("| set-up | wall (s) | s / submission | submissions / min | speed-up vs 1 worker |")
    print("|---|---:|---:|---:|---:|")
    for setup, seconds in times.items():
        speedup = f"{base / seconds:.2f}x" if base else "-"
        print(
            f"| {LABELS[setup]} | {seconds:.1f} | {seconds / args.students:.2f} | "
            f"{60 * args.students / seconds:.1f} | {speedup} |"
        )


if __name__ == "__main__":
    main()
