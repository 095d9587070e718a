"""The reading pages' figures: present, captioned, described, and up to date with `make figures`.

Fast: nothing here builds the site or draws a TensorFlow figure. Staleness is checked by hashes
(``course/figures/figures.json`` records the hash of each figure's inputs and of its SVG; see
``tools/figures.py``); one figure that needs only matplotlib is redrawn to show the drawing is
deterministic, so the hashes mean something.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"
WEEKS = sorted(p.stem for p in COURSE.glob("c[0-9]w[0-9].md"))
FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.DOTALL)
IMAGE = re.compile(r"!\[([^\]]*)\]\((figures/[^)\s]+)\)")
MIN_FIGURES_PER_WEEK = 2

pytestmark = pytest.mark.xdist_group("site")


def load_figures_module():
    """tools/figures.py as a fresh module (it imports only the standard library)."""
    spec = importlib.util.spec_from_file_location("mlep_figures", REPO / "tools" / "figures.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def page_figures(week: str) -> list[str]:
    return FIGURE.findall((COURSE / f"{week}.md").read_text(encoding="utf-8"))


def test_sixteen_reading_pages_are_checked():
    assert len(WEEKS) == 16, WEEKS


@pytest.mark.parametrize("week", WEEKS)
def test_every_reading_page_has_captioned_described_figures(week):
    figures = page_figures(week)
    assert len(figures) >= MIN_FIGURES_PER_WEEK, (
        f"course/{week}.md has {len(figures)} figure(s); every week needs at least "
        f"{MIN_FIGURES_PER_WEEK} (a chart from `make figures` or a Mermaid diagram)"
    )
    for number, body in enumerate(figures, 1):
        where = f"course/{week}.md, figure {number}"
        caption = re.search(r"<figcaption>(.*?)</figcaption>", body, re.DOTALL)
        assert caption and len(caption.group(1).split()) >= 8, f"{where}: no real caption"
        images = IMAGE.findall(body)
        mermaid = "```mermaid" in body
        assert images or mermaid, f"{where}: neither an image nor a Mermaid diagram"
        for alt, _ in images:
            assert len(alt.split()) >= 8, f"{where}: the alt text should describe the chart"
        if mermaid:
            assert re.search(r"^\s*accTitle: \S", body, re.MULTILINE), f"{where}: no accTitle"
            assert re.search(r"^\s*accDescr: .{40,}", body, re.MULTILINE), (
                f"{where}: no accDescr (the diagram's text alternative)"
            )


def test_every_chart_is_drawn_by_the_script_and_shown_on_a_page():
    figures = load_figures_module()
    referenced = set()
    for week in WEEKS:
        for _, src in IMAGE.findall((COURSE / f"{week}.md").read_text(encoding="utf-8")):
            path = COURSE / src
            assert path.is_file(), f"course/{week}.md shows {src}, which does not exist"
            referenced.add(path.stem)
    drawn = set(figures.FIGURES)
    assert referenced <= drawn, f"shown but not drawn by tools/figures.py: {referenced - drawn}"
    assert drawn <= referenced, f"drawn but shown on no page: {drawn - referenced}"
    on_disk = {p.stem for p in (COURSE / "figures").glob("*.svg")}
    assert on_disk == drawn, f"course/figures/ holds {sorted(on_disk ^ drawn)} unexpectedly"


def test_committed_figures_are_up_to_date():
    problems = load_figures_module().stale()
    assert not problems, (
        "figures are out of date; run `make figures` and commit course/figures/:\n"
        + "\n".join(problems)
    )


def test_the_hash_notices_a_change_in_a_figures_inputs(tmp_path, monkeypatch):
    figures = load_figures_module()
    fig = figures.FIGURES["c2w3-pit"]
    before = figures.input_hash(fig)
    data = tmp_path / "datasets" / "driver_stats"
    data.mkdir(parents=True)
    for file in (REPO / "datasets" / "driver_stats").iterdir():
        (data / file.name).write_bytes(file.read_bytes())
    (tmp_path / "lib").symlink_to(REPO / "lib")
    monkeypatch.setattr(figures, "REPO", tmp_path)
    assert figures.input_hash(fig) == before
    orders = data / "orders.csv"
    orders.write_text(orders.read_text(encoding="utf-8").replace(",0\n", ",1\n", 1))
    assert figures.input_hash(fig) != before, "editing the data must make the figure stale"


def test_drawing_is_deterministic():
    pytest.importorskip("matplotlib")
    figures = load_figures_module()
    fig = figures.FIGURES["c3w1-hyperband"]  # matplotlib only: no library, no data
    svg = figures.render(fig)
    assert svg == figures.render(fig), "the same figure drew different bytes twice"
    assert svg == (COURSE / "figures" / "c3w1-hyperband.svg").read_bytes(), (
        "c3w1-hyperband.svg differs from a fresh drawing: run `make figures`"
    )
    assert b"<dc:date>" not in svg, "the SVG carries a date, so it changes on every run"


def test_site_scripts_and_styles_are_served_by_the_site():
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assets = config.get("extra_javascript", []) + config.get("extra_css", [])
    assert any("katex" in a for a in assets) and "javascripts/site.js" in assets
    for asset in assets:
        assert not re.match(r"^(https?:)?//", asset), f"{asset} is loaded from the network"
        assert (REPO / "docs" / asset).is_file(), f"docs/{asset} is missing"
    # Mermaid is loaded by site.js, from the site, on pages with a diagram
    site_js = (REPO / "docs/javascripts/site.js").read_text(encoding="utf-8")
    assert "vendor/mermaid/mermaid.min.js" in site_js and "http" not in site_js
    assert (REPO / "docs/javascripts/vendor/mermaid/mermaid.min.js").stat().st_size > 1_000_000
    fonts = list((REPO / "docs/javascripts/vendor/katex/fonts").glob("*.woff2"))
    assert len(fonts) >= 10, "KaTeX's fonts are not vendored"
