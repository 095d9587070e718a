"""JupyterLab as a learner meets it: ``mlep start`` on a course folder, driven in Chromium.

One long test, in the order a learner goes: the file browser shows every lab folder's full name
and the launcher offers only the course kernel (no nbgrader instructor menus or panels, no news
popup); a lab opened from the learner's ``work/`` copy runs whole with *Run All* (unwritten
exercises say "not attempted yet" and the run goes on); an answer typed into an exercise passes
its test cell and is saved into ``work/`` (the released ``labs/`` copy stays untouched); then
``mlep update``, with a changed lab in the course, brings the new version in with the answer
carried over and keeps the old copy.

It runs on a temporary course folder (``mlep start --root``, JupyterLab only: ``--no-site``) with
its own Jupyter config, settings and runtime folders, on a loopback ephemeral port with a token;
the server is always stopped, and any kernel it left behind is killed by its process id.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from mlep.grading import notebooks

REPO = Path(__file__).resolve().parents[2]
MLEP = REPO / ".envs" / "tools" / "bin" / "mlep"
#: the cheapest released lab (pandas only: Run All takes seconds); its exercise 4 gets an answer
LAB = "c1w3_data_definition"
ANSWERED, ANSWER_TEST = "ex4-go-no-go", "ex4-go-no-go-tests"
ANSWER = '''def go_no_go(factors, yearly_cost):
    """My answer: the Fermi estimate and a decision."""
    value = fermi(**factors)
    if value.low > yearly_cost:
        decision = "go"
    elif value.high < yearly_cost:
        decision = "stop"
    else:
        decision = "refine"
    return {"value": value, "decision": decision}
'''
NEW_PARAGRAPH = "A new paragraph of this lab's next release."
START_TIMEOUT_S = 180
RUN_ALL_TIMEOUT_MS = 240_000
UI_TIMEOUT_MS = 60_000

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("jupyterlab")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def course(tmp_path) -> Path:
    """A course folder with every lab's source and released notebook (no work/ yet)."""
    root = tmp_path / "course"
    for part in ("solutions", "labs"):
        shutil.copytree(
            REPO / part, root / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    return root


def _kill_leftovers(marker: str) -> None:
    """Kill (by pid) processes whose command line names ``marker`` (our temporary course folder)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in command:
            try:
                os.kill(int(proc.name), signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture
def jupyterlab(course, tmp_path):
    """``mlep start --no-site --root <course>``: yield (its printed URL, its output so far)."""
    if not MLEP.is_file():
        pytest.skip(f"{MLEP} not found: run `make setup` (tools environment)")
    home = (
        tmp_path / "jupyter"
    )  # no settings or config of this machine's user (workspaces: the course's .cache)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
    )
    process = subprocess.Popen(
        [MLEP, "start", "--no-site", "--root", str(course), "--lab-port", str(_free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    try:
        seen, deadline = "", time.monotonic() + START_TIMEOUT_S
        while "JupyterLab:   http" not in seen:
            try:
                seen += lines.get(timeout=max(1, deadline - time.monotonic()))
            except queue.Empty:
                log = course / ".cache" / "mlep-start" / "jupyterlab.log"
                pytest.fail(
                    f"JupyterLab did not answer in {START_TIMEOUT_S} s:\n{seen}\n"
                    f"{log.read_text(errors='replace') if log.exists() else ''}"
                )
        yield re.search(r"JupyterLab:   (http://127\.0\.0\.1:\d+/lab\?token=\w+)", seen)[1], seen
    finally:
        try:
            os.killpg(
                process.pid, signal.SIGINT
            )  # what Ctrl-C does: stops JupyterLab and its kernels
            process.communicate(timeout=90)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        # anything left: JupyterLab (its root_dir) and kernels (their connection files) name the
        # course folder
        _kill_leftovers(str(course))


def _cell_index(notebook: Path, cell_id: str) -> int:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found = [i for i, cell in enumerate(cells) if cell.get("id") == cell_id]
    assert found, f"{notebook.name} has no cell with id {cell_id!r} (this test names {LAB}'s cells)"
    return found[0]


def _cell(notebook: dict, cell_id: str) -> dict:
    found = [cell for cell in notebook["cells"] if cell.get("id") == cell_id]
    assert found, f"no cell with id {cell_id!r}"
    return found[0]


def _texts(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "nodes => nodes.map(n => n.innerText.trim())")


def _screenshot(page, name: str) -> None:
    """Keep a screenshot when ``MLEP_SCREENSHOTS`` names a folder."""
    folder = os.environ.get("MLEP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).click()


NEWS = "notified about official Jupyter news"
# every code cell shows an execution count: the whole notebook ran, nothing skipped or pending
ALL_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p.textContent.trim()));
}"""


def _wait_all_ran(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(ALL_RAN, timeout=RUN_ALL_TIMEOUT_MS)
    except PlaywrightTimeout:
        prompts = page.eval_on_selector_all(
            ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt",
            "nodes => nodes.map(n => n.textContent.trim())",
        )
        pytest.fail(
            f"Run All did not run every code cell in {RUN_ALL_TIMEOUT_MS / 1000:g} s: "
            f"prompts {prompts}"
        )


def _full_names(page) -> list[str]:
    """The names the file browser lists, failing if any is cut off (ellipsized)."""
    names = page.eval_on_selector_all(
        ".jp-DirListing-content .jp-DirListing-itemText",
        "nodes => nodes.map(n => [n.innerText, n.scrollWidth, n.clientWidth])",
    )
    cut = [name for name, needed, shown in names if needed > shown]
    assert not cut, f"names cut off in the file browser: {cut}"
    return [name for name, _, _ in names]


def _check_learner_settings(page, labs: list[str]) -> None:
    """Full folder names, only the course kernel, no instructor menus or panels, no news."""
    page.wait_for_selector(".jp-DirListing-item", timeout=UI_TIMEOUT_MS)
    page.wait_for_selector(".jp-LauncherCard", timeout=UI_TIMEOUT_MS)
    assert sorted(_full_names(page)) == labs
    # the notebooks with the longest names, each in its folder
    for lab in sorted(labs, key=len)[-3:]:
        page.locator(".jp-DirListing-item", has_text=re.compile(f"^{lab}$")).dblclick()
        page.locator(".jp-DirListing-item", has_text=f"{lab}.ipynb").wait_for()
        assert f"{lab}.ipynb" in _full_names(page)
        page.locator(".jp-BreadCrumbs-home").click()
        page.locator(".jp-DirListing-item", has_text=re.compile(f"^{labs[0]}$")).wait_for()
    cards = page.eval_on_selector_all(
        ".jp-LauncherCard", "nodes => nodes.map(n => [n.dataset.category, n.innerText.trim()])"
    )
    kernels = {
        (category, text.split("\n")[-1])
        for category, text in cards
        if category in ("Notebook", "Console")
    }
    assert kernels == {
        ("Notebook", "MLEP course (Python 3.11)"),
        ("Console", "MLEP course (Python 3.11)"),
    }
    menus = _texts(page, ".lm-MenuBar-itemLabel")
    assert "Run" in menus and "Nbgrader" not in menus, menus
    panels = page.eval_on_selector_all(
        ".jp-SideBar .lm-TabBar-tab", "nodes => nodes.map(n => n.title)"
    )
    assert any("File Browser" in title for title in panels), panels
    assert not [title for title in panels if "Nbgrader" in title or "Assignment" in title], panels
    assert not [t for t in _texts(page, ".Toastify__toast") if NEWS in t]


def test_learner_runs_answers_saves_and_updates_a_lab(browser, jupyterlab, course):
    url, printed = jupyterlab
    labs = sorted(p.name for p in (course / "labs").iterdir() if p.is_dir())
    assert f"{LAB}," in printed and "copied from labs/ into work/" in printed
    work_copy, released = (
        course / "work" / LAB / f"{LAB}.ipynb",
        course / "labs" / LAB / f"{LAB}.ipynb",
    )
    released_bytes = released.read_bytes()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        page.goto(url, timeout=UI_TIMEOUT_MS)
        _check_learner_settings(page, labs)

        # open the lab as a learner does: its folder, then its notebook
        page.locator(".jp-DirListing-item", has_text=LAB).dblclick()
        page.locator(".jp-DirListing-item", has_text=f"{LAB}.ipynb").dblclick()
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-CodeCell", timeout=UI_TIMEOUT_MS)
        # the course kernel is picked by itself: no kernel dialog
        page.locator(
            ".jp-NotebookPanel-toolbar .jp-KernelName", has_text="MLEP course (Python 3.11)"
        ).wait_for()
        assert page.locator(".jp-Dialog").count() == 0

        _menu(page, "Run", "Run All Cells")
        _wait_all_ran(page)
        cells = page.locator(".jp-Notebook .jp-Cell")
        first_test = cells.nth(_cell_index(released, "ex1-label-agreement-tests"))
        shown = first_test.locator(".jp-OutputArea").text_content()
        assert (
            "not attempted yet" in shown and "expect.py" not in shown and "Traceback" not in shown
        ), shown
        # non-exercise cells after the first exercise ran and show their tables
        for later in ("ambiguous", "borderline-all", "hlp-ref", "pipeline"):
            prompt = (
                cells.nth(_cell_index(released, later))
                .locator(".jp-InputArea-prompt")
                .text_content()
            )
            assert re.fullmatch(r"\[\d+\]:", prompt.strip()), (later, prompt)
        for table in ("ambiguous", "hlp-ref"):
            assert (
                cells.nth(_cell_index(released, table)).locator(".jp-OutputArea table").count() == 1
            )
        last_test = cells.nth(_cell_index(released, "ex6-run-pipeline-tests"))
        assert "not attempted yet" in last_test.locator(".jp-OutputArea").text_content()

        # answer exercise 4, run it and its test cell (Shift+Enter twice), save
        answer = cells.nth(_cell_index(released, ANSWERED))
        answer.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(ANSWER)
        page.keyboard.press("Shift+Enter")
        page.keyboard.press("Shift+Enter")
        test_cell = cells.nth(_cell_index(released, ANSWER_TEST))
        test_cell.locator(".jp-OutputArea", has_text="Exercise 4: public tests passed").wait_for()
        assert "Error" not in test_cell.locator(".jp-OutputArea").text_content()
        page.keyboard.press("Control+s")
        page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')"
        )
        assert not [t for t in _texts(page, ".Toastify__toast") if NEWS in t]
        _screenshot(page, "jupyterlab-answered")
    finally:
        context.close()

    saved = json.loads(work_copy.read_text(encoding="utf-8"))
    assert notebooks.source(_cell(saved, ANSWERED)).rstrip("\n") == ANSWER.rstrip("\n")
    assert released.read_bytes() == released_bytes  # the released lab was never written

    # the course changes the lab; `mlep update` brings it in and keeps the answer
    new = json.loads(released_bytes)
    new["cells"][0]["source"] = notebooks.source(new["cells"][0]) + f"\n\n{NEW_PARAGRAPH}"
    released.write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
    update = subprocess.run(
        [MLEP, "update", "--root", str(course)], capture_output=True, text=True, timeout=120
    )
    assert update.returncode == 0, update.stderr
    backups = [p for p in work_copy.parent.glob(f"{LAB}.*.ipynb") if p != work_copy]
    assert len(backups) == 1, backups
    assert (
        f"{LAB}: updated work/{LAB}/{LAB}.ipynb; 1 answer(s) carried over; "
        f"previous copy: work/{LAB}/{backups[0].name}"
    ) in update.stdout
    assert json.loads(backups[0].read_text(encoding="utf-8")) == saved  # the old copy, as saved
    updated = json.loads(work_copy.read_text(encoding="utf-8"))
    assert notebooks.source(updated["cells"][0]).endswith(NEW_PARAGRAPH)
    assert notebooks.source(_cell(updated, ANSWERED)) == notebooks.source(_cell(saved, ANSWERED))
    assert "raise NotImplementedError()" in notebooks.source(_cell(updated, "ex5-pilot-review"))

    # the learner opens it again: the new release, with their answer
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    try:
        page.goto(url.replace("/lab?", f"/lab/tree/{LAB}/{LAB}.ipynb?"), timeout=UI_TIMEOUT_MS)
        cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
        cells.first.locator(".jp-RenderedMarkdown", has_text=NEW_PARAGRAPH).wait_for()
        editor = cells.nth(_cell_index(work_copy, ANSWERED)).locator(".cm-content")
        assert "My answer: the Fermi estimate" in editor.text_content()
        _screenshot(page, "jupyterlab-updated")
    finally:
        context.close()
