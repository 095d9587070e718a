"""Labs on the site with their outputs, never a solution, and how to run them (issue 17).

``make lab-outputs`` (``tools/lab_outputs.py``) runs each released lab once, exercise cells
skipped, and keeps the outputs in ``docs/lab_outputs/<lab>.json``; the site hook merges them into
the page. The fast tests read those files (no Jupyter, no build); the ``slow`` ones read the
session's strict build, the ``browser`` one opens every lab page in Debian's Chromium.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.xdist_group("site")


def load_tool():
    """tools/lab_outputs_cache.py as a fresh module (no Jupyter needed to import it)."""
    spec = importlib.util.spec_from_file_location(
        "mlep_lab_outputs", REPO / "tools" / "lab_outputs_cache.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()
LABS = TOOL.released_labs(REPO)


def cache(lab: str) -> dict:
    return json.loads(TOOL.cache_path(lab, REPO).read_text(encoding="utf-8"))


def notebook(lab: str) -> dict:
    return TOOL.read_notebook(TOOL.released_notebook(lab, REPO))


def images(entry: dict) -> int:
    return sum(
        "image/png" in o.get("data", {}) for c in entry["cells"].values() for o in c["outputs"]
    )


def test_every_lab_is_covered():
    assert len(LABS) == 16, LABS


@pytest.mark.parametrize("lab", LABS)
def test_outputs_cache_is_up_to_date(lab):
    state = TOOL.status(lab, REPO)
    assert state == "fresh", (
        f"docs/lab_outputs/{lab}.json is {state}: labs/{lab}/{lab}.ipynb changed since its outputs "
        "were made, so the site shows the lab without them. Run `make lab-outputs` and commit "
        "docs/lab_outputs/."
    )


@pytest.mark.parametrize("lab", LABS)
def test_no_cached_output_belongs_to_an_exercise_cell(lab):
    if not TOOL.cache_path(lab, REPO).is_file():
        pytest.skip(f"no outputs cache for {lab} (the staleness test fails for it)")
    nb, entry = notebook(lab), cache(lab)
    exercise = TOOL.exercise_cell_ids(nb)
    assert exercise, f"{lab} has no exercise cells: the check below would prove nothing"
    leaked = sorted(set(entry["cells"]) & exercise)
    assert not leaked, f"{lab}: outputs cached for exercise cells {leaked} (a solution could leak)"
    executed = set(entry["executed"])
    assert set(entry["cells"]) | set(entry["errors"]) <= executed
    ran = sorted(executed & exercise)
    assert not ran, f"{lab}: exercise cells {ran} were executed"
    code = {c["id"] for c in nb["cells"] if c["cell_type"] == "code"}
    unknown = sorted(set(entry["cells"]) - code)
    assert not unknown or TOOL.status(lab, REPO) != "fresh", (
        f"{lab}: cached cells {unknown} are not code cells"
    )
    for cell_id, cell in entry["cells"].items():
        for output in cell["outputs"]:
            assert output["output_type"] in ("stream", "display_data", "execute_result"), cell_id
            assert output.get("name", "stdout") == "stdout", f"{lab} {cell_id}: stderr kept"
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            assert "\x1b[" not in text, f"{lab} {cell_id}: ANSI colour codes kept"
            assert "/tmp/" not in text, f"{lab} {cell_id}: the run's temporary folder shows"


@pytest.mark.parametrize("lab", LABS)
def test_cells_that_need_an_answer_let_run_all_go_on(lab):
    """A cell that failed in the run without answers (it calls an exercise) is tagged
    ``raises-exception``: JupyterLab's Run All stops at the first untagged cell that fails, so
    a learner could not preview the rest of the lab before answering."""
    if not TOOL.cache_path(lab, REPO).is_file():
        pytest.skip(f"no outputs cache for {lab} (the staleness test fails for it)")
    tags = {c.get("id"): c["metadata"].get("tags", []) for c in notebook(lab)["cells"]}
    untagged = sorted(
        cell_id
        for cell_id in cache(lab)["errors"]
        if cell_id in tags and "raises-exception" not in tags[cell_id]
    )
    assert not untagged, (
        f"{lab}: cells {untagged} fail until the exercises are answered and would stop Run All; "
        "tag them raises-exception in solutions/ and release the lab"
    )


@pytest.mark.parametrize("lab", LABS)
def test_prompts_are_numbered_as_run_all_numbers_them(lab):
    """Only the notebook's own code cells ran, and a cell's prompt is its place among the
    notebook's non-empty code cells (the first is [1]), as after Run All, which runs the
    exercise cells too."""
    if not TOOL.cache_path(lab, REPO).is_file():
        pytest.skip(f"no outputs cache for {lab} (the staleness test fails for it)")
    nb, entry = notebook(lab), cache(lab)
    code = [c["id"] for c in nb["cells"] if c["cell_type"] == "code"]
    executed = entry["executed"]
    assert set(executed) <= set(code), (
        f"{lab}: ran cells that are not the lab's: {set(executed) - set(code)}"
    )
    filled = [
        c["id"] for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]
    order = {cell_id: n for n, cell_id in enumerate(filled, 1)}
    numbered = {
        cell_id: cell["execution_count"]
        for cell_id, cell in entry["cells"].items()
        if cell.get("execution_count") is not None
    }
    assert numbered, f"{lab}: no cached cell has a prompt number"
    wrong = {
        cell_id: (n, order.get(cell_id))
        for cell_id, n in numbered.items()
        if n != order.get(cell_id)
    }
    assert not wrong, f"{lab}: prompt numbers (cached, expected) {wrong}"


def test_merge_never_fills_an_exercise_cell():
    def code_cell(cell_id, nbgrader):
        return {
            "id": cell_id,
            "cell_type": "code",
            "metadata": {"nbgrader": nbgrader},
            "source": "x",
            "outputs": [],
            "execution_count": None,
        }

    nb = {
        "cells": [
            code_cell("plain", {}),
            code_cell("answer", {"solution": True, "grade": False}),
            code_cell("answer_tests", {"solution": False, "grade": True}),
        ]
    }
    out = {"output_type": "stream", "name": "stdout", "text": "42\n"}
    crafted = {
        "cells": {
            cid: {"execution_count": 1, "outputs": [out]}
            for cid in ("plain", "answer", "answer_tests")
        }
    }
    assert TOOL.merge(nb, crafted) == 1
    assert [bool(c["outputs"]) for c in nb["cells"]] == [True, False, False]


def test_outputs_are_slimmed_for_the_web():
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "\x1b[1m10%\x1b[0m\r100%\n"},
        {"output_type": "stream", "name": "stderr", "text": "a warning\n"},
        {"output_type": "stream", "name": "stdout", "text": "".join(f"{i}\n" for i in range(500))},
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {
                "application/javascript": "x()",
                "text/plain": "<Figure>",
                "image/png": "iVBO",
            },
        },
    ]
    slim = TOOL.slim_outputs(outputs, {"/tmp/run/lab": "work/lab"})
    assert [o["output_type"] for o in slim] == ["stream", "display_data"]
    assert slim[0]["text"].startswith("100%\n0\n")  # a progress line keeps its last redraw
    assert "more lines not shown" in slim[0]["text"] and slim[0]["text"].count("\n") < 100
    assert sorted(slim[1]["data"]) == ["image/png", "text/plain"]
    failed = outputs + [
        {"output_type": "error", "ename": "NameError", "evalue": "x", "traceback": []}
    ]
    assert TOOL.slim_outputs(failed) is None


def test_hash_follows_sources_not_metadata():
    nb = notebook(LABS[0])
    same = json.loads(json.dumps(nb))
    same["metadata"]["language_info"] = {"version": "9.9"}
    assert TOOL.notebook_hash(same) == TOOL.notebook_hash(nb)
    changed = json.loads(json.dumps(nb))
    code = next(c for c in changed["cells"] if c["cell_type"] == "code")
    code["source"] = "".join(code["source"]) + "\n# edited"
    assert TOOL.notebook_hash(changed) != TOOL.notebook_hash(nb)


# ---------------------------------------------------------------- the built site

CELL = re.compile(r'<div\s+class="jp-Cell\b[^"]*"\s+id="cell-id=([^"]+)"')
OUTPUT = re.compile(r'class="[^"]*\bjp-OutputArea-output\b')


def cell_blocks(page_html: str) -> dict[str, str]:
    """Each cell's HTML by its id (nbconvert marks cells as ``id="cell-id=<id>"``)."""
    starts = [(m.start(), m.group(1)) for m in CELL.finditer(page_html)]
    ends = [s for s, _ in starts[1:]] + [len(page_html)]
    return {cid: page_html[start:end] for (start, cid), end in zip(starts, ends)}


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_built_lab_page_has_no_output_under_an_exercise_cell(built_site, lab):
    page_html = built_site.page(f"labs/{lab}/{lab}").read_text(encoding="utf-8")
    blocks = cell_blocks(page_html)
    exercise = TOOL.exercise_cell_ids(notebook(lab))
    assert exercise <= set(blocks), (
        f"{lab}: exercise cells missing from the page: {exercise - set(blocks)}"
    )
    filled = sorted(cid for cid in exercise if OUTPUT.search(blocks[cid]))
    assert not filled, f"{lab}: exercise cells with outputs on the site: {filled}"
    if TOOL.status(lab, REPO) == "fresh":
        shown = sum(bool(OUTPUT.search(block)) for block in blocks.values())
        assert shown == len(cache(lab)["cells"]), (
            f"{lab}: {shown} cells show outputs, cache has {len(cache(lab)['cells'])}"
        )


@pytest.mark.slow
@pytest.mark.browser
def test_every_lab_page_shows_its_plots_how_to_run_it_and_a_download(page, site_url):
    with_plots = [lab for lab in LABS if TOOL.status(lab, REPO) == "fresh" and images(cache(lab))]
    # a guard against a generator that keeps no figure at all (most labs plot only after an
    # exercise)
    assert len(with_plots) >= 2, f"only {with_plots} have plots among their cached outputs"
    problems = []
    for lab in LABS:
        page.goto(urljoin(site_url, f"labs/{lab}/{lab}/"), wait_until="domcontentloaded")
        box = page.locator(".mlep-lab-run")
        if not box.count() or not box.first.is_visible():
            problems.append(f"{lab}: no how-to-run box")
            continue
        text = box.first.inner_text()
        for needed in ("make start", f"work/{lab}/{lab}.ipynb", "make check"):
            if needed not in text:
                problems.append(f"{lab}: the how-to-run box does not say {needed!r}")
        with page.expect_download() as info:
            box.first.locator("a[download]").click()
        downloaded = Path(info.value.path()).read_bytes()
        if downloaded != TOOL.released_notebook(lab, REPO).read_bytes():
            problems.append(f"{lab}: the download is not the released notebook")
        if lab in with_plots:
            plots = page.locator(".jp-OutputArea-output img")
            shown = 0
            for i in range(plots.count()):
                size = plots.nth(i).evaluate(
                    "i => i.decode().then(() => [i.naturalWidth, i.naturalHeight], () => [0, 0])"
                )
                shown += size[0] > 100 and size[1] > 50
                alt = (plots.nth(i).get_attribute("alt") or "").strip()
                if not alt or alt.startswith("No description"):
                    problems.append(f"{lab}: plot {i + 1} has no alt text")
            if shown < images(cache(lab)):
                problems.append(f"{lab}: {shown} plot(s) rendered of {images(cache(lab))} cached")
    assert not problems, "\n".join(problems)


def test_cached_figures_are_light_png():
    for lab in LABS:
        if not TOOL.cache_path(lab, REPO).is_file():
            continue
        for cell in cache(lab)["cells"].values():
            for output in cell["outputs"]:
                png = output.get("data", {}).get("image/png")
                if png:
                    raw = base64.b64decode(png)
                    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
                    width = int.from_bytes(raw[16:20], "big")
                    assert width <= 1200, (
                        f"{lab}: a {width}-px-wide figure (dpi {TOOL.DPI} expected)"
                    )
