"""Run the released labs once for the site: ``make lab-outputs`` (tools environment).

The site renders each lab (``labs/<lab>/<lab>.ipynb``, committed without outputs) with the
outputs a learner sees after *Run All*: the tables, prints and plots of every cell that does not
depend on an exercise. Building the site never executes anything; this script does, once per
changed lab, and keeps the result in ``docs/lab_outputs/<lab>.json``:

- ``hash``: :func:`notebook_hash` of the released notebook (its cells' ids, types and sources);
  a cache whose hash differs from the notebook's is stale, and the site then shows that lab
  without outputs (``docs/_hooks/site.py`` says so in an info line);
- ``cells``: ``{cell id: {"execution_count": n, "outputs": [...]}}`` for the code cells that ran
  cleanly and printed or drew something;
- ``errors``: ``{cell id: "NameError: ..."}`` for the cells that failed (they wait for an
  unanswered exercise) and therefore keep no output at all;
- ``executed``: the ids of the cells that were run, in order (never an exercise cell).

Each lab runs from a temporary copy of its folder in the ``mlep`` kernel (the course environment
with the reference library), seeded (``PYTHONHASHSEED=0``; the labs seed their own randomness),
with progress bars off. **Exercise cells are never executed**: nbgrader solution cells (the
learner's answer) and graded test cells are skipped, so no solution can reach the site; the
released notebook holds only the stubs anyway. Outputs are slimmed for the web: PNG figures at
:data:`DPI`, no stderr, no ANSI colours, long texts cut.

Usage::

    python tools/lab_outputs.py            # run the labs whose cache is stale or missing
    python tools/lab_outputs.py LAB ...    # run these labs (even when fresh)
    python tools/lab_outputs.py --all      # run every lab
    python tools/lab_outputs.py --check    # exit 1 naming stale or missing caches (runs nothing)

Reading, checking, merging and slimming the caches is ``tools/lab_outputs_cache.py`` (no
Jupyter): the site hook and the tests load that module.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from lab_outputs_cache import (  # tools/, next to this script
    ANSI,
    DPI,
    FIGURE_TEXT,
    FORMAT,
    REPO,
    is_exercise,
    notebook_hash,
    read_notebook,
    released_labs,
    released_notebook,
    slim_outputs,
    status,
    write_cache,
)

KERNEL = "mlep"
CELL_TIMEOUT_S = 600
# Run before the lab, not stored: figures as PNG at DPI (no braces: IPython expands them in
# magics), and a figure's text/plain names its titles and axes (for the image's alt text).
PREAMBLE = (
    "import matplotlib\n"
    "import matplotlib.pyplot\n"
    "%config InlineBackend.figure_formats = set(['png'])\n"
    f"%config InlineBackend.print_figure_kwargs = dict(bbox_inches='tight', dpi={DPI})\n"
    "matplotlib.pyplot.close(matplotlib.pyplot.figure())  # sets the inline backend up now\n"
    "def _mlep_figure_text():\n"
    "    def text(figure, printer, cycle):\n"
    "        parts = [figure._suptitle.get_text()] if figure._suptitle else []\n"
    "        for axes in figure.axes:\n"
    "            labels = [axes.get_title(), axes.get_xlabel(), axes.get_ylabel()]\n"
    "            parts.append(' / '.join(label for label in labels if label))\n"
    "        parts = [part for part in parts if part]\n"
    f"        printer.text({FIGURE_TEXT!r} + '; '.join(parts) if parts else repr(figure))\n"
    "    def register():  # the inline backend drops it when set up: again before each flush\n"
    "        formatter = get_ipython().display_formatter.formatters['text/plain']\n"
    "        formatter.for_type(matplotlib.figure.Figure, text)\n"
    "    register()\n"
    "    get_ipython().events.callbacks['post_execute'].insert(0, register)\n"
    "_mlep_figure_text()\n"
    "del _mlep_figure_text\n"
)


class LabOutputsError(RuntimeError):
    """A lab that could not be run for the site (its kernel died or it could not start)."""


# ---------------------------------------------------------------- running a lab


def _environment() -> dict[str, str]:
    """The kernel's environment: the course settings, seeded hashing, no progress bars."""
    from mlep.runtime import configure

    env = configure(dict(os.environ))
    env.update({"PYTHONHASHSEED": "0", "TQDM_DISABLE": "1"})
    return env


def run_lab(lab: str, root: Path = REPO, timeout: int = CELL_TIMEOUT_S) -> dict:
    """Execute ``lab``'s released notebook, exercise cells skipped; return its cache entry.

    Parameters
    ----------
    lab : str
        The lab id.
    root : pathlib.Path
        The repository root.
    timeout : int
        Seconds a cell may run before it is interrupted (it then keeps no output).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    released = released_notebook(lab, root)
    raw = read_notebook(released)
    node = nbformat.reads(json.dumps(raw), as_version=4)
    cells: dict[str, dict] = {}
    errors: dict[str, str] = {}
    executed: list[str] = []
    old_env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix=f"mlep-lab-outputs-{lab}-") as scratch:
        folder = Path(scratch) / lab
        shutil.copytree(released.parent, folder)
        replace = {str(folder.resolve()): f"work/{lab}", str(folder): f"work/{lab}"}
        client = NotebookClient(
            node,
            kernel_name=KERNEL,
            timeout=timeout,
            allow_errors=True,
            interrupt_on_timeout=True,
            extra_arguments=[
                "--HistoryManager.hist_file=:memory:",
                "--IPKernelApp.log_level=ERROR",
            ],
            resources={"metadata": {"path": str(folder)}},
        )
        os.environ.update(_environment())
        try:
            with client.setup_kernel():
                preamble = nbformat.v4.new_code_cell(PREAMBLE)
                # nbclient stores an executed cell back at its index: run it at a place of its
                # own, or it takes the lab's first cell's place and runs again as a lab cell
                node.cells.insert(0, preamble)
                try:
                    client.execute_cell(preamble, 0, store_history=False)
                finally:
                    node.cells.pop(0)
                if any(o.output_type == "error" for o in preamble.outputs):
                    raise LabOutputsError(f"{lab}: the figure settings failed: {preamble.outputs}")
                number = 0  # the prompt numbers Run All gives in a fresh kernel
                for index, cell in enumerate(node.cells):
                    # JupyterLab and nbclient skip an empty code cell: it gets no number
                    number += cell.cell_type == "code" and bool(cell.source.strip())
                    if cell.cell_type != "code" or is_exercise(cell):
                        continue
                    executed.append(cell.id)
                    try:
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        errors[cell.id] = f"stopped after {timeout} s"
                        continue
                    _record(cell, number, cells, errors, replace)
        except DeadKernelError as error:
            raise LabOutputsError(f"{lab}: the kernel died ({error})") from None
        finally:
            os.environ.clear()
            os.environ.update(old_env)
    return {
        "lab": lab,
        "format": FORMAT,
        "hash": notebook_hash(raw),
        "cells": cells,
        "errors": errors,
        "executed": executed,
    }


def _record(cell, number: int, cells: dict, errors: dict, replace: dict[str, str]) -> None:
    outputs = json.loads(json.dumps(cell.outputs))  # NotebookNode → plain JSON
    slim = slim_outputs(outputs, replace)
    if slim is None:
        error = next(o for o in outputs if o["output_type"] == "error")
        errors[cell.id] = f"{error['ename']}: {ANSI.sub('', error['evalue'])}"[:200]
    elif slim:
        for output in slim:
            if output["output_type"] == "execute_result":
                output["execution_count"] = number
        cells[cell.id] = {"execution_count": number, "outputs": slim}


def _images(entry: dict) -> int:
    return sum(
        "image/png" in o.get("data", {}) for c in entry["cells"].values() for o in c["outputs"]
    )


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    """Run the stale labs (or those named); print one line per lab with its time.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).
    """
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _interrupt)  # stop as Ctrl-C does: kernel and scratch cleaned
    labs = released_labs()
    if "--check" in argv:
        stale = [f"{lab} ({status(lab)})" for lab in labs if status(lab) != "fresh"]
        for line in stale:
            print(f"lab outputs not up to date: {line}; run `make lab-outputs`")
        return 1 if stale else 0
    unknown = [name for name in argv if name != "--all" and name not in labs]
    if unknown:
        print(f"unknown lab(s) {', '.join(unknown)}; labs: {', '.join(labs)}", file=sys.stderr)
        return 2
    named = [name for name in argv if name != "--all"]
    todo = labs if "--all" in argv else named or [lab for lab in labs if status(lab) != "fresh"]
    print(f"lab outputs: running {len(todo)} of {len(labs)} labs (the others are up to date)")
    failed, start = [], time.monotonic()
    for lab in todo:
        began = time.monotonic()
        try:
            entry = run_lab(lab)
        except LabOutputsError as error:
            failed.append(lab)
            print(f"  {lab}: FAILED after {time.monotonic() - began:.0f} s: {error}", flush=True)
            continue
        size = write_cache(entry).stat().st_size
        print(
            f"  {lab}: {time.monotonic() - began:5.1f} s, "
            f"{len(entry['cells'])} cells with outputs, "
            f"{_images(entry)} figures, {len(entry['errors'])} cells waiting for exercises, "
            f"{size / 1024:.0f} KiB",
            flush=True,
        )
    print(
        f"lab outputs: done in {time.monotonic() - start:.0f} s"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
