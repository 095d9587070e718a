"""Benchmarks for the foundation: prints a table (``make bench``); not part of pass/fail.

Measures: environment set-up (recorded by make on first install) and disk use, the cost of
``import mlep``, and for every lab: its solution end to end in the course kernel (``mlep
check``) and autograding one submission with real nbgrader.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "labs"))
TOOLS_BIN = ROOT / ".envs" / "tools" / "bin"


def _seconds(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - start


def _disk(path: Path) -> str:
    out = subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()
    return out[0] if out else "?"


def setup_rows() -> list[tuple[str, str]]:
    rows = []
    for env in ("course", "tools"):
        record = ROOT / ".envs" / env / ".install-seconds"
        took = f"{float(record.read_text()):.0f} s" if record.exists() else "not recorded"
        rows.append(
            (
                f"set-up: {env} environment (first install)",
                f"{took}, {_disk(ROOT / '.envs' / env)} on disk",
            )
        )
    return rows


def import_rows() -> list[tuple[str, str]]:
    rows = []
    for modules in ("mlep", "mlep.data.validation"):
        code = (
            f"import time; t = time.perf_counter(); import {modules}; "
            "print(time.perf_counter() - t)"
        )
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(5)
        ]
        rows.append(
            (
                f"import {modules}, median of 5 fresh processes",
                f"{statistics.median(runs) * 1000:.0f} ms",
            )
        )
    return rows


def lab_rows() -> list[tuple[str, str]]:
    from mlep.grading.nbgrader import start_course_dir, submit
    from mlep.grading.notebooks import lab_ids

    from submissions import solved, write

    rows = []
    for lab in lab_ids(ROOT):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            notebook = write(solved(lab), tmp / f"{lab}.ipynb")
            run = _seconds([str(TOOLS_BIN / "mlep"), "check", str(notebook)])
            root = tmp / "class"
            start_course_dir(root)
            subprocess.run(
                [str(TOOLS_BIN / "mlep"), "release", lab, "--root", str(root)],
                check=True,
                capture_output=True,
            )
            shutil.copyfile(notebook, submit(root, "learner", lab, None))
            grade = _seconds([str(TOOLS_BIN / "mlep"), "grade", lab, "--root", str(root)])
        rows += [
            (f"{lab} solution, end to end in the course kernel", f"{run:.1f} s"),
            (f"autograde one {lab} submission (nbgrader + feedback)", f"{grade:.1f} s"),
        ]
    return rows


def main() -> None:
    rows = [*setup_rows(), *import_rows(), *lab_rows()]
    width = max(len(name) for name, _ in rows)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"| {'measure':<{width}} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
