"""The lab outputs cache (``docs/lab_outputs/<lab>.json``): read, checked, merged, slimmed.

``tools/lab_outputs.py`` (``make lab-outputs``) runs the labs and writes these files; the site
hook (``docs/_hooks/site.py``) and ``tests/site/test_lab_outputs.py`` load this module by its path
to read them: it imports only the standard library and the pure-JSON
:mod:`mlep.grading.notebooks` (no Jupyter). What a cache holds is described in
``tools/lab_outputs.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path

# read_notebook and released_notebook: the site hook and the tests call them from here too
from mlep.grading.notebooks import nbgrader_meta, released_notebook, source
from mlep.grading.notebooks import read as read_notebook

REPO = Path(__file__).resolve().parents[1]
#: Bumped when the way outputs are produced or slimmed changes (every cache is then stale).
FORMAT = 3
#: Dots per inch of the PNG figures (an 8-inch-wide figure is 640 px: readable, light).
DPI = 80
MAX_TEXT_LINES = 60
MAX_TEXT_CHARS = 6_000
MAX_HTML_CHARS = 60_000
#: The output types the site shows, richest first (JavaScript and widgets cannot work offline).
MIMES = ("image/png", "image/jpeg", "image/svg+xml", "text/html", "text/markdown", "text/plain")
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
#: How a figure's text/plain starts when it names its titles (the image's alt text on the site).
FIGURE_TEXT = "Figure: "


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
    >>> slim_outputs(
    ...     [{"output_type": "error", "ename": "NameError", "evalue": "", "traceback": []}]
    ... )
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
                slim["execution_count"] = output.get("execution_count")  # the runner renumbers it
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
