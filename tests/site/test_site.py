"""The course site: navigation, a strict offline build, and the pages in a real browser.

Fast tests read ``mkdocs.yml`` and the files; ``slow`` ones build the site once per session
(``mkdocs build --strict``); ``browser`` ones serve it on 127.0.0.1 and drive Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]

# All site tests share one build: keep them on one xdist worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("site")

WEEKS = [
    "c1w1",
    "c1w2",
    "c1w3",
    "c2w1",
    "c2w2",
    "c2w3",
    "c2w4",
    "c3w1",
    "c3w2",
    "c3w3",
    "c3w4",
    "c3w5",
    "c4w1",
    "c4w2",
    "c4w3",
    "c4w4",
]
LAB = "c2w1_data_validation"
LAB_URL = f"labs/{LAB}/{LAB}/"
BROWSER_TIMEOUT_MS = 20_000


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml names Python objects (``!!python/name:...``, e.g. the Mermaid fence's
    formatter); reading the nav needs none of them, so they load as their dotted name."""


_ConfigLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix
)


def nav_entries() -> list[tuple[str, str]]:
    """(title, docs path) of every page in the nav of mkdocs.yml (untitled entries: title "")."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    entries: list[tuple[str, str]] = []

    def walk(items):
        for item in items:
            if isinstance(item, str):
                entries.append(("", item))
            else:
                for title, value in item.items():
                    if isinstance(value, str):
                        entries.append((title, value))
                    else:
                        walk(value)

    walk(config["nav"])
    return entries


def h1(markdown: str) -> str:
    match = re.search(r"^# (.+)$", markdown, re.MULTILINE)
    return match.group(1).strip() if match else ""


def library_modules() -> list[str]:
    """Public modules and packages of lib/mlep, by the rule the API-page hook uses."""
    root = REPO / "lib" / "mlep"
    names = []
    for file in sorted(root.rglob("*.py")):
        parts = file.relative_to(root.parent).with_suffix("").parts
        if any(p.startswith("_") and p != "__init__" for p in parts):
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return sorted(names)


def api_url(dotted: str) -> str:
    return "reference/" + "/".join(dotted.split(".")) + "/"


# -- navigation and files (fast) --------------------------------------------------------------


def test_every_week_has_a_page_in_the_nav():
    paths = {path for _, path in nav_entries()}
    for week in WEEKS:
        page = REPO / "course" / f"{week}.md"
        assert page.is_file(), f"missing reading page {page.relative_to(REPO)}"
        assert f"course/{week}.md" in paths, f"course/{week}.md is not in the nav of mkdocs.yml"
    extra = sorted(p.stem for p in (REPO / "course").glob("*.md") if p.stem not in WEEKS)
    assert not extra, f"unexpected pages in course/: {extra}"


def test_coming_weeks_are_marked_alike_in_nav_and_page():
    titles = {path: title for title, path in nav_entries()}
    for week in WEEKS:
        text = (REPO / "course" / f"{week}.md").read_text(encoding="utf-8")
        nav_title, heading = titles[f"course/{week}.md"], h1(text)
        assert heading.upper().startswith(week.upper()), f"{week}: heading {heading!r}"
        page_coming = "(coming)" in heading
        assert page_coming == ('!!! info "Coming"' in text), (
            f"{week}: heading and admonition disagree"
        )
        assert page_coming == ("(coming)" in nav_title), (
            f"{week}: nav title {nav_title!r} and page heading {heading!r} disagree on '(coming)'"
        )
    assert "(coming)" not in h1((REPO / "course" / "c2w1.md").read_text(encoding="utf-8"))


def test_every_released_lab_is_in_the_nav():
    paths = {path for _, path in nav_entries()}
    labs = sorted(
        p for p in (REPO / "labs").glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    assert labs, "no released lab under labs/"
    for lab in labs:
        path = lab.relative_to(REPO).as_posix()
        assert path in paths, f"released lab {path} is not in the nav of mkdocs.yml"


def test_course_and_labs_reach_the_docs_dir_by_relative_symlinks():
    for name in ("course", "labs"):
        link = REPO / "docs" / name
        assert link.is_symlink(), f"docs/{name} should be a symlink to ../{name}"
        assert Path(link.readlink()).as_posix() == f"../{name}", f"docs/{name} -> {link.readlink()}"
        assert link.resolve() == (REPO / name).resolve()


# -- the strict build (slow) ------------------------------------------------------------------


@pytest.mark.slow
def test_strict_build_succeeds_without_warnings(site_build):
    assert site_build.returncode == 0, f"mkdocs build --strict failed:\n{site_build.output}"
    warnings = [line for line in site_build.output.splitlines() if "WARNING" in line]
    assert not warnings, "\n".join(warnings)
    print(f"site built in {site_build.seconds:.1f} s")


@pytest.mark.slow
def test_every_week_lab_and_search_index_is_built(built_site):
    for week in WEEKS:
        assert built_site.page(f"course/{week}").is_file(), f"course/{week}/ was not built"
    assert built_site.page(LAB_URL).is_file(), f"{LAB_URL} was not built"
    assert (built_site.site / "search" / "search_index.json").is_file()
    for name in ("learners", "instructors", "architecture", "datasets", "reference"):
        assert built_site.page(name).is_file(), f"{name}/ was not built"


@pytest.mark.slow
def test_one_api_page_per_library_module(built_site):
    modules = library_modules()
    assert "mlep.data.datasets" in modules
    for dotted in modules:
        page = built_site.page(api_url(dotted))
        assert page.is_file(), f"no API page for {dotted} ({api_url(dotted)})"
        html = page.read_text(encoding="utf-8")
        assert re.search(rf"<h1[^>]*>.*?{re.escape(dotted)}", html, re.DOTALL), (
            f"the API page of {dotted} does not have it as its heading"
        )
    index = built_site.page("reference").read_text(encoding="utf-8")
    for dotted in modules:
        assert f"<code>{dotted}</code>" in index, f"{dotted} missing from the API overview table"


@pytest.mark.slow
def test_pages_load_nothing_from_the_network(built_site):
    external = re.compile(
        r'<(?:script|img|iframe)[^>]+src="(https?:)?//|<link[^>]+href="(https?:)?//[^"]*"[^>]*>'
    )
    offenders = []
    for html_file in built_site.site.rglob("*.html"):
        for match in external.finditer(html_file.read_text(encoding="utf-8")):
            if 'rel="stylesheet"' in match.group(0) or match.group(0).startswith(
                ("<script", "<img", "<iframe")
            ):
                offenders.append(
                    f"{html_file.relative_to(built_site.site)}: {match.group(0)[:120]}"
                )
    assert not offenders, "pages fetch from the network:\n" + "\n".join(offenders)
    css = "".join(p.read_text(encoding="utf-8") for p in built_site.site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "fonts.gstatic" not in css


@pytest.mark.slow
def test_no_link_is_left_pointing_at_a_source_file(built_site):
    # (a lab page's download link to its released notebook, marked `download`, is meant)
    source_link = re.compile(
        r'href="(?!https?:|mailto:|#)([^"]*\.(?:md|ipynb)(?:#[^"]*)?)"(?![^>]*\bdownload=)'
    )
    offenders = []
    for html_file in built_site.site.rglob("*.html"):
        for match in source_link.finditer(html_file.read_text(encoding="utf-8")):
            offenders.append(f"{html_file.relative_to(built_site.site)}: {match.group(1)}")
    assert not offenders, "links to .md/.ipynb files were not turned into page URLs:\n" + "\n".join(
        offenders
    )


# -- in the browser ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_c2w1_reading_page(page, site_url):
    page.goto(urljoin(site_url, "course/c2w1/"))
    heading = page.locator("article h1").first.inner_text()
    assert heading.startswith("C2W1") and "validating data" in heading, heading
    assert "(coming)" not in heading
    body = page.locator("article").inner_text()
    for concept in (
        "Concept drift",
        "Schema skew",
        "Distribution skew",
        "Feature skew",
        "covariate shift",
        "Jensen–Shannon",
        "L-infinity",
    ):
        assert concept.lower() in body.lower(), f"C2W1 page does not mention {concept!r}"
    lab_links = page.locator(f'article a[href$="{LAB_URL}"]')
    assert lab_links.count() >= 1, "no link from the C2W1 page to its lab"
    api_links = page.locator('article a[href$="reference/mlep/data/validation/"]')
    assert api_links.count() >= 1, "no link from the C2W1 page to the mlep.data.validation API page"
    lab_links.first.click()
    page.wait_for_url(f"**/{LAB_URL}")
    # instant navigation changes the address first, then swaps the page in
    page.locator(".jp-Cell").first.wait_for()


@pytest.mark.slow
@pytest.mark.browser
def test_lab_page_renders_the_notebook_without_running_it(page, site_url):
    page.goto(urljoin(site_url, LAB_URL))
    code_cells = page.locator(".jp-CodeCell")
    code_cells.first.wait_for(state="visible")
    assert code_cells.count() >= 2
    sources = page.locator(".jp-CodeCell .jp-InputArea").all_inner_texts()
    assert any("mlep" in source for source in sources), "no code cell of the lab uses mlep"
    assert any("NotImplementedError" in source for source in sources), (
        "the released lab should show its exercise stubs"
    )
    assert page.locator(".jp-MarkdownCell h1, .jp-MarkdownCell h2").count() >= 1
    # Not executed at build time: the only outputs are those `make lab-outputs` cached (all of
    # them, or none while the cache is stale; tests/site/test_lab_outputs.py checks the rest).
    cache = json.loads((REPO / "docs" / "lab_outputs" / f"{LAB}.json").read_text("utf-8"))
    cached = sum(len(cell["outputs"]) for cell in cache["cells"].values())
    assert page.locator(".jp-OutputArea-output").count() in (0, cached)
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    nav = page.locator("nav.md-nav--primary").inner_text()
    assert "C2W1 lab" in nav


@pytest.mark.slow
@pytest.mark.browser
def test_api_page_documents_the_datasets_registry(page, site_url):
    page.goto(urljoin(site_url, api_url("mlep.data.datasets")))
    assert "mlep.data.datasets" in page.locator("article h1").first.inner_text()
    load = page.locator('[id="mlep.data.datasets.load"]')
    load.wait_for(state="visible")
    assert "load" in load.inner_text()
    body = page.locator("article").inner_text()
    assert "Load one split of a dataset" in body
    assert "UnknownDatasetError" in body


@pytest.mark.slow
@pytest.mark.browser
def test_search_finds_the_c2w1_page(page, site_url):
    from playwright.sync_api import expect

    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()  # opens Material's search overlay; the index loads in a web worker
    # Typing before the worker has the index would be lost: wait for "Type to start searching".
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_contain_text("Type to start searching", timeout=BROWSER_TIMEOUT_MS)
    box.press_sequentially("skew", delay=50)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="visible")
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any("course/c2w1/" in href for href in hrefs), f"search results for 'skew': {hrefs}"
