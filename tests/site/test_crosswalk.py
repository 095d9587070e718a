"""The crosswalk page (docs/crosswalk.md), read from the files (no build).

It lists the official course's 46 labs once each, numbered 1-46, with a match of full, partial or
none; the counts at its top are the rows' counts; every link of a row points to a file, module or
heading that exists, and every «section» named after a lab link is a section heading of that lab.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
PAGE = DOCS / "crosswalk.md"
MATCHES = ("full", "partial", "none")
ROW = re.compile(r"^\| (\d+) \| (.+?) \| (.+?) \| (full|partial|none|[^|]*?) \| (.+) \|$")
LINK = re.compile(r"\[[^\]]+\]\(([^)#\s]+)(?:#([^)\s]+))?\)")
COUNTS = re.compile(r"\*\*Counts: (\d+) full · (\d+) partial · (\d+) none\*\* \(of (\d+) labs\)")


def _rows() -> list[tuple[int, str, str, str, str]]:
    rows = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            number, official, here, kind, differs = match.groups()
            rows.append((int(number), official, here, kind.strip(), differs))
    return rows


def _anchors(page: Path) -> set[str]:
    """The ids mkdocs' toc extension gives a page's headings (code fences skipped)."""
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {slugify(title, "-") for title in re.findall(r"^#{1,6} (.+?)\s*$", text, re.M)}


def _lab_sections(notebook: Path) -> set[str]:
    """A lab's section titles: its ``## N · Title`` headings without the number."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return {title.strip() for title in re.findall(r"^## (?:\d+[a-z]? · )?(.+)$", text, re.M)}


def _target_problem(target: str, anchor: str | None) -> str | None:
    """Why a link of the page does not resolve, or None when it does."""
    if target.startswith(("http://", "https://")):
        return None
    if target.startswith("reference/mlep/"):
        module = target.removeprefix("reference/").removesuffix(".md")
        module = module.removesuffix("/index")
        found = (REPO / "lib" / f"{module}.py").is_file() or (
            REPO / "lib" / module / "__init__.py"
        ).is_file()
        return None if found else f"{target}: no module lib/{module}(.py|/__init__.py)"
    path = DOCS / target
    if not path.exists():
        return f"{target}: no such file under docs/"
    if anchor and anchor not in _anchors(path):
        return f"{target}#{anchor}: no such heading"
    return None


def test_page_lists_the_46_official_labs_once_each():
    numbers = [row[0] for row in _rows()]
    assert numbers == list(range(1, 47)), f"rows numbered {numbers}"
    officials = [row[1] for row in _rows()]
    assert len(set(officials)) == 46, [o for o, n in Counter(officials).items() if n > 1]
    courses = Counter(re.match(r"C(\d)W\d", official).group(1) for official in officials)
    assert courses == {"1": 3, "2": 12, "3": 15, "4": 16}


def test_every_row_has_a_known_match_and_says_what_differs():
    for number, _, here, kind, differs in _rows():
        assert kind in MATCHES, f"row {number}: match {kind!r}"
        assert len(differs.split()) >= 8, f"row {number}: say what differs, and why"
        if kind == "none":
            assert not LINK.search(here), f"row {number}: a counterpart for a lab marked none"
        else:
            assert LINK.search(here), f"row {number}: no counterpart link for a lab marked {kind}"


def test_counts_at_the_top_match_the_rows():
    found = COUNTS.search(PAGE.read_text(encoding="utf-8"))
    assert found, "the page should start with **Counts: F full · P partial · N none** (of 46 labs)"
    full, partial, none, total = map(int, found.groups())
    counted = Counter(row[3] for row in _rows())
    assert (full, partial, none, total) == (
        counted["full"],
        counted["partial"],
        counted["none"],
        len(_rows()),
    )


def test_every_counterpart_link_resolves():
    problems = []
    for number, _, here, _, differs in _rows():
        for target, anchor in LINK.findall(here + " " + differs):
            problem = _target_problem(target, anchor or None)
            if problem:
                problems.append(f"row {number}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("number", range(1, 47))
def test_named_lab_sections_exist(number):
    _, _, here, _, _ = _rows()[number - 1]
    # each «section» belongs to the lab link before it
    pieces = re.split(r"(\[[^\]]+\]\([^)]+\))", here)
    lab, missing = None, []
    for piece in pieces:
        link = LINK.fullmatch(piece)
        if link:
            target = link.group(1)
            lab = (
                REPO / "solutions" / Path(target).parent.name / Path(target).name
                if target.startswith("labs/")
                else None
            )
            continue
        for section in re.findall(r"«([^»]+)»", piece):
            if lab is None:
                missing.append(f"«{section}» does not follow a lab link")
            elif section not in _lab_sections(lab):
                missing.append(f"«{section}» is not a section of {lab.name}")
    assert not missing, f"row {number}: {missing}"


def test_page_is_in_the_site_nav():
    assert re.search(
        r"^\s+- .+: crosswalk\.md$", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.M
    )
