"""The site as a reader meets it: figures, maths, diagrams, phones and search (issue 17).

``slow`` tests read the one strict build of the session (``conftest.site_build``); ``browser``
tests also drive Debian's Chromium through Playwright against a loopback server. Each check opens
every reading page (or a handful of representative pages) in one browser, in one loop.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
WEEKS = sorted(p.stem for p in (REPO / "course").glob("c[0-9]w[0-9].md"))

pytestmark = pytest.mark.xdist_group("site")

LAB_WITH_MATHS = "labs/c3w3_high_performance/c3w3_high_performance/"
# pages with wide content: the home table, code, a lab, an API page, a page of tables
PHONE_PAGES = [
    "",
    "course/c1w1/",
    "course/c2w1/",
    "course/c3w3/",
    "course/c4w1/",
    LAB_WITH_MATHS,
    "reference/mlep/data/datasets/",
    "datasets/",
]
PHONE = {"width": 390, "height": 844}
RAW_TEX = re.compile(r"\\\(|\\\[|\$\$|\\frac|\\mathrm|\\sum|\\alpha")
MERMAID_SOURCE = re.compile(r'<pre class="mermaid"><code>(.*?)</code></pre>', re.DOTALL)

# Everything the page does once loaded, in the browser: wait until Mermaid and KaTeX are done.
SETTLED = """() => document.querySelectorAll('pre.mermaid').length === 0
    && [...document.querySelectorAll('.arithmatex')].every(e => e.querySelector('.katex'))"""

# Elements sticking out to the right of the viewport, unless inside a horizontal scroll box.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.right <= width + 1) continue;
    let parent = el.parentElement, boxed = false;
    for (; parent && parent !== document.body; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (/auto|scroll/.test(style.overflowX)
          && parent.getBoundingClientRect().right <= width + 1) {
        boxed = true; break;
      }
    }
    if (!boxed) {
      const name = `${el.tagName}.${el.getAttribute('class') || ''}`;
      out.push(`${name} reaches ${Math.round(box.right)} px`);
    }
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, out: out.slice(0, 5)};
}"""


def _off_site(page, base: str) -> list[str]:
    """Start recording requests that leave the loopback site; returns the live list."""
    host = urlparse(base).netloc
    requests: list[str] = []
    page.on(
        "request",
        lambda r: (
            requests.append(r.url)
            if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != host
            else None
        ),
    )
    return requests


@pytest.mark.slow
@pytest.mark.browser
def test_every_reading_page_shows_its_figures_diagrams_and_maths(page, site_url):
    off_site = _off_site(page, site_url)
    problems = []
    for week in WEEKS:
        page.goto(urljoin(site_url, f"course/{week}/"))
        page.wait_for_load_state("load")
        try:
            page.wait_for_function(SETTLED, timeout=20_000)
        except Exception:
            left = page.evaluate(
                """() => [document.querySelectorAll('pre.mermaid').length,
                          [...document.querySelectorAll('.arithmatex')]
                              .filter(e => !e.querySelector('.katex')).length]"""
            )
            problems.append(
                f"{week}: {left[0]} Mermaid diagram(s) not drawn, {left[1]} formula(s) not typeset"
            )
            continue
        figures = page.locator("article figure")
        if figures.count() < 2:
            problems.append(f"{week}: {figures.count()} figure(s) on the page")
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            box = figure.bounding_box()
            caption = figure.locator("figcaption").inner_text().strip()
            if not caption:
                problems.append(f"{week} figure {i + 1}: no caption")
            img = figure.locator("img")
            if img.count():
                loaded = img.evaluate("i => i.complete && i.naturalWidth > 0")
                alt = img.get_attribute("alt") or ""
                if not loaded or not alt.strip():
                    problems.append(f"{week} figure {i + 1}: image not loaded or without alt text")
                drawing = img.bounding_box()
            else:
                drawing = figure.locator("div.mermaid").first.bounding_box()
            if not box or not drawing or drawing["width"] < 100 or drawing["height"] < 60:
                problems.append(f"{week} figure {i + 1}: drawing not visible ({drawing})")
        text = page.locator("article").inner_text()
        if RAW_TEX.search(text):
            problems.append(f"{week}: raw TeX visible: {RAW_TEX.search(text).group(0)!r}")
        if page.locator(".katex-error").count():
            problems.append(f"{week}: KaTeX could not typeset a formula")
    assert not problems, "\n".join(problems)
    assert not off_site, f"pages asked the network: {sorted(set(off_site))[:5]}"


@pytest.mark.slow
@pytest.mark.browser
def test_every_mermaid_diagram_parses(page, site_url, built_site):
    sources = {}
    for week in WEEKS:
        built = built_site.page(f"course/{week}").read_text(encoding="utf-8")
        for n, source in enumerate(MERMAID_SOURCE.findall(built), 1):
            sources[f"{week} diagram {n}"] = html.unescape(source)
    assert len(sources) >= 16, f"only {len(sources)} Mermaid diagrams on the reading pages"
    page.goto(urljoin(site_url, "course/c1w1/"))
    page.wait_for_function("() => typeof mermaid !== 'undefined'")
    failures = page.evaluate(
        """async (sources) => {
            const failures = [];
            for (const [name, text] of Object.entries(sources)) {
                try { await mermaid.parse(text); }
                catch (error) {
                    failures.push(name + ': ' + String(error.message || error).slice(0, 200));
                }
            }
            return failures;
        }""",
        sources,
    )
    assert not failures, "\n".join(failures)


@pytest.mark.slow
@pytest.mark.browser
def test_lab_maths_is_typeset(page, site_url):
    page.goto(urljoin(site_url, LAB_WITH_MATHS))
    page.wait_for_function("() => document.querySelectorAll('.jp-MarkdownCell .katex').length > 0")
    text = page.locator(".jp-MarkdownCell").all_inner_texts()
    raw = [t for t in text if "$$" in t or "\\mathrm" in t or "\\frac" in t]
    assert not raw, f"raw TeX in the lab's text: {raw[0][:200]!r}"
    assert page.locator(".jp-MarkdownCell .katex-display").count() >= 1  # the distillation loss


@pytest.mark.slow
@pytest.mark.browser
def test_nothing_overflows_a_phone_screen(browser, site_url):
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    try:
        problems = []
        for path in PHONE_PAGES:
            tab.goto(urljoin(site_url, path))
            tab.wait_for_load_state("load")
            tab.wait_for_function(SETTLED, timeout=20_000)
            result = tab.evaluate(OVERFLOW)
            if result["scrollWidth"] > result["width"] + 1 or result["out"]:
                problems.append(f"/{path}: {result}")
        assert not problems, "horizontal overflow at 390 px:\n" + "\n".join(problems)
    finally:
        context.close()


@pytest.mark.slow
def test_search_index_titles_are_clean_and_labs_rank_below_readings(built_site):
    index = json.loads((built_site.site / "search" / "search_index.json").read_text("utf-8"))
    docs = index["docs"]
    pilcrows = [d["title"] for d in docs if "¶" in d["title"]]
    assert not pilcrows, f"{len(pilcrows)} search titles carry '¶', e.g. {pilcrows[:3]}"
    prompts = [d["location"] for d in docs if "In [ ]:" in d["text"] or "Copied!" in d["text"]]
    assert not prompts, f"notebook prompts in the index: {prompts[:3]}"
    code = [
        d["location"]
        for d in docs
        if d["location"].startswith("labs/") and "import numpy as np" in d["text"]
    ]
    assert not code, f"lab code cells flattened into the index: {code[:3]}"
    untitled = [d["location"] for d in docs if d["title"] == "Index"]
    assert not untitled, f"API pages titled 'Index': {untitled}"
    labs = [d for d in docs if d["location"].startswith("labs/")]
    readings = [d for d in docs if d["location"].startswith("course/")]
    assert labs and all(d.get("boost", 1) < 1 for d in labs), "lab pages are not boosted down"
    assert readings and all(d.get("boost", 1) >= 1 for d in readings)


@pytest.mark.slow
def test_sitemap_lists_the_pages(built_site):
    sitemap = (built_site.site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locations) > 50, f"sitemap.xml lists {len(locations)} pages (is site_url set?)"
    assert any(loc.endswith("/course/c2w1/") for loc in locations)


@pytest.mark.slow
@pytest.mark.browser
def test_search_suggests_clean_words_and_ranks_the_reading_first(page, site_url):
    from playwright.sync_api import expect

    page.goto(urljoin(site_url, "course/c1w1/"))
    box = page.locator("input.md-search__input")
    box.click()
    expect(page.locator(".md-search-result__meta")).to_contain_text(
        "Type to start searching", timeout=20_000
    )
    box.press_sequentially("canary", delay=50)
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(state="visible")
    first = results.first.get_attribute("href") or ""
    assert "/labs/" not in first, f"a lab outranks the readings for 'canary': {first}"
    titles = page.locator(".md-search-result__article h1, .md-search-result__article h2")
    assert not [t for t in titles.all_inner_texts() if "¶" in t], "a result title ends in '¶'"
    suggestion = page.locator(".md-search__suggest").inner_text()
    assert "¶" not in suggestion, f"search completion suggests {suggestion!r}"


@pytest.mark.slow
def test_every_in_page_link_has_its_target(built_site):
    """Contents entries and in-page links point at an element of the page (labs included)."""
    missing = []
    for page_file in built_site.site.rglob("*.html"):
        text = page_file.read_text(encoding="utf-8")
        ids = set(re.findall(r'\bid="([^"]+)"', text))
        for target in sorted(set(re.findall(r'href="#([^"]+)"', text)) - ids):
            missing.append(f"{page_file.relative_to(built_site.site)}: #{target}")
    assert not missing, "links to anchors that do not exist:\n" + "\n".join(missing[:20])


@pytest.mark.slow
def test_api_functions_have_parameter_tables(built_site):
    """numpydoc tables on the API pages, also where a docstring describes its arguments in prose."""
    tables = functions = 0
    for page_file in (built_site.site / "reference").rglob("index.html"):
        text = page_file.read_text(encoding="utf-8")
        blocks = text.split('class="doc doc-object doc-function"')[1:]
        functions += len(blocks)
        tables += sum(
            'doc-section-title">Parameters' in block.split('class="doc doc-object ')[0]
            for block in blocks
        )
    assert functions > 100, f"only {functions} functions documented on the API pages"
    assert tables >= 0.9 * functions, f"{tables} parameter tables for {functions} functions"
    route = built_site.page("reference/mlep/deployment/rollout").read_text(encoding="utf-8")
    block = route.split('id="mlep.deployment.rollout.route"')[1].split('class="doc doc-object ')[0]
    assert 'doc-section-title">Parameters' in block and "percent" in block


@pytest.mark.slow
def test_api_pages_show_no_rest_literal_marker(built_site):
    """A docstring's "text::" (reST's code-block marker) reads "text:" on its API page."""
    marked = []
    for page_file in (built_site.site / "reference").rglob("index.html"):
        text = page_file.read_text(encoding="utf-8")
        marked += [
            f"{page_file.parent.name}: ...{m[-60:]}" for m in re.findall(r"[^>]*::</p>", text)
        ]
    assert not marked, "a literal '::' ends a paragraph:\n" + "\n".join(marked[:10])
    signals = built_site.page("reference/mlep/data/signals").read_text(encoding="utf-8")
    assert "one training example with one label:</p>" in signals


# Code blocks whose text needs a horizontal scroll, and code whose text runs under the copy button.
CODE_PROBLEMS = """() => {
  const scrolls = [], covered = [];
  for (const pre of document.querySelectorAll('article pre')) {
    const code = pre.querySelector('code') || pre;  // a lab's cells have no <code>
    if (!pre.offsetParent) continue;
    if (code.scrollWidth > pre.clientWidth + 1) scrolls.push(code.innerText.slice(0, 60));
    const cell = pre.closest('.jp-CodeCell');  // a lab's code cell has its own copy button
    const button = pre.querySelector('button.md-clipboard')
      || (cell && cell.querySelector('.zeroclipboard-container'));
    if (!button) continue;
    const b = button.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(code);
    if ([...range.getClientRects()].some(r => r.width && r.right > b.left && r.left < b.right
        && r.bottom > b.top && r.top < b.bottom)) covered.push(code.innerText.slice(0, 60));
  }
  return {scrolls, covered};
}"""
WIDE_PAGES = [
    "",
    "architecture/",
    "learners/",
    "datasets/",
    "reference/mlep/deployment/pipelines/",  # a drawing in a docstring
    LAB_WITH_MATHS,
    "labs/c4w4_monitoring/c4w4_monitoring/",
] + [f"course/{week}/" for week in WEEKS]


@pytest.mark.slow
@pytest.mark.browser
def test_code_is_not_cut_off_at_1280_px_and_copy_buttons_cover_no_text(page, site_url):
    problems = []
    for path in WIDE_PAGES:
        page.goto(urljoin(site_url, path))
        page.wait_for_load_state("load")
        found = page.evaluate(CODE_PROBLEMS)
        if found["scrolls"]:
            problems.append(f"/{path}: code cut off (scrolls) at 1280 px: {found['scrolls'][:2]}")
        if found["covered"]:
            problems.append(f"/{path}: the copy button covers code: {found['covered'][:2]}")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.browser
def test_text_drawings_keep_their_lines_on_a_phone(browser, site_url):
    """Long code lines wrap on a phone, but a drawing (box characters) scrolls in its box:
    wrapped, its arrows would point nowhere."""
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    try:
        tab.goto(site_url)
        drawing = tab.locator("article .mlep-drawing pre > code").first
        lines = drawing.inner_text().strip("\n").split("\n")
        assert len(lines) == 4 and lines[0].startswith("course/ (read) ──▶ labs/"), lines
        box = drawing.evaluate("c => [c.scrollWidth, c.parentElement.clientWidth]")
        assert box[0] > box[1], f"the drawing was squeezed into the phone's width: {box}"
        height = drawing.evaluate("c => c.getBoundingClientRect().height")
        line = drawing.evaluate("c => parseFloat(getComputedStyle(c).lineHeight)")
        assert height < 5.5 * line, f"the drawing's 4 lines take {height / line:.1f} lines"
    finally:
        context.close()


def _close_search(page):
    """Close Material's search as its own toggle does, then wait until the overlay is gone.

    Escape alone raced the overlay on a busy machine: it still covered the page 20 s later.
    """
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur();"
        " const toggle = document.getElementById('__search');"
        " toggle.checked = false; toggle.dispatchEvent(new Event('change')); }"
    )
    page.wait_for_function(
        "() => document.querySelector('.md-search__overlay').getBoundingClientRect().width === 0",
        timeout=60_000,
    )


@pytest.mark.slow
@pytest.mark.browser
def test_search_is_ready_at_once_after_following_a_link(page, site_url):
    """Instant navigation on the test server's own port: a click swaps the page in place, so the
    search index is not loaded again and search answers at once."""
    from playwright.sync_api import expect

    index_loads: list[str] = []
    page.on("request", lambda r: index_loads.append(r.url) if "search_index" in r.url else None)
    # Material follows links in place once it has read the sitemap
    with page.expect_response(lambda r: r.url.endswith("/sitemap.xml")):
        page.goto(urljoin(site_url, "course/c1w1/"))
    meta = page.locator(".md-search-result__meta")
    page.locator("input.md-search__input").click()
    expect(meta).to_contain_text("Type to start searching", timeout=20_000)
    _close_search(page)
    loads = len(index_loads)
    for week in ("c2w1", "c3w3"):
        page.locator(f"nav.md-nav a[href$='{week}/']").first.click()
        expect(page.locator(".md-content h1").first).to_contain_text(week.upper())
        page.locator("input.md-search__input").click()
        state = meta.text_content()  # "Type to start..." or the last query's matches
        assert "Initializing" not in state and state.strip(), f"{week}: search says {state!r}"
        page.keyboard.press("Control+a")  # the box keeps the last query across pages
        page.keyboard.type("canary")
        page.locator(".md-search-result__item").first.wait_for()
        _close_search(page)
    assert len(index_loads) == loads, f"the search index was loaded again: {index_loads}"
