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

At import time this module uses only the standard library and the pure-JSON
:mod:`mlep.grading.notebooks` (reading notebooks and their nbgrader metadata): the site hook and
the tests read :func:`notebook_hash`, :func:`status` and :func:`merge` without Jupyter.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

# read_notebook and released_notebook: the site hook and the tests call them from here too
from mlep.grading.notebooks import nbgrader_meta, released_notebook, source
from mlep.grading.notebooks import read as read_notebook

REPO = Path(__file__).resolve().parents[1]
LABS = REPO / "labs"
OUT = REPO / "docs" / "lab_outputs"
#: Bumped when the way outputs are produced or slimmed changes (every cache is then stale).
FORMAT = 3
KERNEL = "mlep"
#: Dots per inch of the PNG figures (an 8-inch-wide figure is 640 px: readable, light).
DPI = 80
CELL_TIMEOUT_S = 600
MAX_TEXT_LINES = 60
MAX_TEXT_CHARS = 6_000
MAX_HTML_CHARS = 60_000
#: The output types the site shows, richest first (JavaScript and widgets cannot work offline).
MIMES = ("image/png", "image/jpeg", "image/svg+xml", "text/html", "text/markdown", "text/plain")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
#: How a figure's text/plain starts when it names its titles (the image's alt text on the site).
FIGURE_TEXT = "Figure: "
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


# ---------------------------------------------------------------- reading notebooks and caches


def released_labs(root: Path = REPO) -> list[str]:
    """The labs that have a released notebook ``labs/<lab>/<lab>.ipynb``, sorted.

    Parameters
    ----------
    root : pathlib.Path
        The repository root.
    """
    return sorted(
        p.parent.name for p in (root / "labs").glob("*/*.ipynb") if p.stem == p.parent.name
    )


def cache_path(lab: str, root: Path = REPO) -> Path:
    """Where the outputs of ``lab`` are kept: ``docs/lab_outputs/<lab>.json``.

    Parameters
    ----------
    lab : str
        The lab id.
    root : pathlib.Path
        The repository root.
    """
    return root / "docs" / "lab_outputs" / f"{lab}.json"


def is_exercise(cell: dict) -> bool:
    """Whether ``cell`` is an exercise cell: an nbgrader solution cell or a graded test cell.

    The same metadata ``mlep.grading.notebooks`` reads (``metadata.nbgrader.solution`` /
    ``grade``); such cells are never executed for the site and never get outputs.

    Parameters
    ----------
    cell : dict
        A notebook cell (JSON).

    Examples
    --------
    >>> is_exercise({"metadata": {"nbgrader": {"solution": True, "grade": False}}})
    True
    >>> is_exercise({"metadata": {"nbgrader": {"solution": False, "grade": False}}})
    False
    """
    meta = nbgrader_meta(cell)
    return bool(meta.get("solution") or meta.get("grade"))


def exercise_cell_ids(notebook: dict) -> set[str]:
    """The ids of the exercise cells of ``notebook`` (see :func:`is_exercise`).

    Parameters
    ----------
    notebook : dict
        A notebook (JSON).
    """
    return {c.get("id") for c in notebook["cells"] if is_exercise(c)}


def notebook_hash(notebook: dict) -> str:
    """A hash of what a run depends on: each cell's id, type, source and exercise flag.

    Metadata (kernel, ``language_info``) and outputs are left out.

    Parameters
    ----------
    notebook : dict
        A notebook (JSON).

    Examples
    --------
    >>> cell = {"id": "a", "cell_type": "code", "source": "1 + 1", "metadata": {}}
    >>> notebook_hash({"cells": [cell]}) == notebook_hash({"cells": [dict(cell, outputs=[1])]})
    True
    """
    cells = [
        [c.get("id"), c.get("cell_type"), source(c), is_exercise(c)] for c in notebook["cells"]
    ]
    text = json.dumps({"format": FORMAT, "cells": cells}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def status(lab: str, root: Path = REPO) -> str:
    """``"fresh"``, ``"stale"`` (the released notebook changed since the run) or ``"missing"``.

    Parameters
    ----------
    lab : str
        The lab id.
    root : pathlib.Path
        The repository root.
    """
    path = cache_path(lab, root)
    if not path.is_file():
        return "missing"
    try:
        cached = json.loads(path.read_text(encoding="utf-8")).get("hash")
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return "stale"
    fresh = cached == notebook_hash(read_notebook(released_notebook(lab, root)))
    return "fresh" if fresh else "stale"


def merge(notebook: dict, cache: dict) -> int:
    """Put the cached outputs into ``notebook`` (in place); return how many outputs were added.

    Only code cells that are not exercise cells receive outputs, matched by cell id, whatever
    the cache holds.

    Parameters
    ----------
    notebook : dict
        The released notebook (JSON), without outputs.
    cache : dict
        The contents of ``docs/lab_outputs/<lab>.json``.

    Examples
    --------
    >>> nb = {"cells": [{"id": "a", "cell_type": "code", "metadata": {}, "source": "1",
    ...                  "outputs": [], "execution_count": None}]}
    >>> out = {"output_type": "stream", "name": "stdout", "text": "1\\n"}
    >>> merge(nb, {"cells": {"a": {"execution_count": 1, "outputs": [out]}}})
    1
    """
    added = 0
    for cell in notebook["cells"]:
        entry = cache.get("cells", {}).get(cell.get("id"))
        if cell.get("cell_type") != "code" or is_exercise(cell) or not entry:
            continue
        cell["outputs"] = entry["outputs"]
        cell["execution_count"] = entry.get("execution_count")
        added += len(entry["outputs"])
    return added


def figure_alts(notebook: dict) -> list[str]:
    """Alt texts for the figures of a merged notebook, in page order.

    A figure's ``text/plain`` names its titles and axis labels (see :data:`PREAMBLE`);
    without them the alt text says which cell drew it.

    Parameters
    ----------
    notebook : dict
        A notebook after :func:`merge`.

    Examples
    --------
    >>> png = {"image/png": "iVBO", "text/plain": "Figure: error rate / hour"}
    >>> cell = {"id": "plot", "cell_type": "code", "outputs": [{"data": png}]}
    >>> figure_alts({"cells": [cell]})
    ['Figure: error rate / hour']
    """
    alts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {})
            if not any(mime.startswith("image/") for mime in data):
                continue
            text = _joined(data.get("text/plain", ""))
            alts.append(
                text if text.startswith(FIGURE_TEXT) else f"A figure drawn by cell {cell.get('id')}"
            )
    return alts


# ---------------------------------------------------------------- slimming outputs for the web


def cap_text(text: str) -> str:
    """``text`` without ANSI colours or carriage-return redraws, cut to a readable length.

    Parameters
    ----------
    text : str
        An output's text.

    Examples
    --------
    >>> cap_text("\\x1b[31mred\\x1b[0m")
    'red'
    >>> cap_text("10%\\r100%\\n")
    '100%\\n'
    """
    text = ANSI.sub("", text)
    text = "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))
    lines = text.split("\n")
    if len(lines) > MAX_TEXT_LINES:
        cut = len(lines) - MAX_TEXT_LINES
        text = "\n".join(lines[:MAX_TEXT_LINES]) + f"\n… ({cut} more lines not shown)\n"
    if len(text) > MAX_TEXT_CHARS:
        text = (
            text[:MAX_TEXT_CHARS]
            + f"\n… ({len(text) - MAX_TEXT_CHARS} more characters not shown)\n"
        )
    return text


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _slim_data(data: dict) -> dict:
    kept = {mime: _joined(data[mime]) for mime in MIMES if mime in data}
    html = kept.get("text/html", "")
    if html and (len(html) > MAX_HTML_CHARS or "<script" in html.lower()):
        del kept["text/html"]
    if "text/plain" in kept:
        kept["text/plain"] = cap_text(kept["text/plain"])
    return kept


def slim_outputs(outputs: list[dict], replace: dict[str, str] | None = None) -> list[dict] | None:
    """The outputs of a cell as the site shows them, or None when the cell failed.

    stdout is kept (consecutive streams joined), stderr dropped; rich outputs keep only
    :data:`MIMES`; ``replace`` maps strings (the temporary folder) to what a learner would see.

    Parameters
    ----------
    outputs : list of dict
        The cell's outputs, as nbclient recorded them.
    replace : dict of str to str, optional
        Text replacements for stream and plain-text outputs.

    Examples
    --------
    >>> slim_outputs([{"output_type": "stream", "name": "stderr", "text": "warning"}])
    []
    >>> slim_outputs([{"output_type": "error", "ename": "NameError", "evalue": "", "traceback": []}])
    """
    if any(o.get("output_type") == "error" for o in outputs):
        return None
    kept: list[dict] = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream" and output.get("name") == "stdout":
            text = _joined(output.get("text", ""))
            if kept and kept[-1]["output_type"] == "stream":
                kept[-1]["text"] += text
            else:
                kept.append({"output_type": "stream", "name": "stdout", "text": text})
        elif kind in ("display_data", "execute_result"):
            data = _slim_data(output.get("data", {}))
            if not data:
                continue
            slim = {"output_type": kind, "data": data, "metadata": {}}
            if kind == "execute_result":
                slim["execution_count"] = output.get("execution_count")  # the cell's, see _record
            kept.append(slim)
    for output in kept:
        for key in ("text",) if output["output_type"] == "stream" else ():
            output[key] = cap_text(_replace(output[key], replace))
        if "text/plain" in output.get("data", {}):
            output["data"]["text/plain"] = _replace(output["data"]["text/plain"], replace)
    return [o for o in kept if o["output_type"] != "stream" or o["text"].strip()]


# The kernel's private temporary folder (mlep.kernel.private_tempdir) and a folder made in it.
_KERNEL_TMP = re.compile(
    re.escape(tempfile.gettempdir().rstrip("/")) + r"/mlep-kernel-[\w.-]+(?:/tmp[\w.-]+)?"
)


def _replace(text: str, replace: dict[str, str] | None) -> str:
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    return _KERNEL_TMP.sub("<tmp>", text)


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
                client.execute_cell(preamble, 0, store_history=False)
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


def write_cache(entry: dict, root: Path = REPO) -> Path:
    """Write ``entry`` (from :func:`run_lab`) to its cache file and return the path.

    Parameters
    ----------
    entry : dict
        What :func:`run_lab` returned.
    root : pathlib.Path
        The repository root.
    """
    path = cache_path(entry["lab"], root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(entry, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


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
            f"  {lab}: {time.monotonic() - began:5.1f} s, {len(entry['cells'])} cells with outputs, "
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
