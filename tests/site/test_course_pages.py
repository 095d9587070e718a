"""The reading pages' shared structure and the glossary's links, read from the files (no build).

Every course page ends with "Check yourself" (collapsible questions, each with an answer) and
"Further reading"; every glossary entry links to a course page and to a heading that exists on it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown.extensions.toc import slugify

REPO = Path(__file__).resolve().parents[2]
PAGES = sorted((REPO / "course").glob("c[1-4]w[1-5].md"))
GLOSSARY = REPO / "docs" / "glossary.md"
QUESTION = re.compile(r'^\?\?\? question "(.+)"$')
LINK = re.compile(r"\]\(course/(c[1-4]w[1-5])\.md(?:#([^)]+))?\)")


def h2_sections(text: str) -> dict[str, str]:
    """Each level-2 heading's title mapped to the text under it (fenced code ignored)."""
    sections: dict[str, list[str]] = {}
    current, fenced = None, False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {title: "\n".join(lines) for title, lines in sections.items()}


def anchors(path: Path) -> set[str]:
    """The ids mkdocs' toc extension gives the headings of a page."""
    text = re.sub(r"^```.*?^```", "", path.read_text(), flags=re.S | re.M)
    return {slugify(title, "-") for title in re.findall(r"^#{1,6} (.+?)\s*$", text, re.M)}


def test_there_are_sixteen_reading_pages():
    assert [p.stem for p in PAGES] == [
        f"c{c}w{w}" for c, n in ((1, 3), (2, 4), (3, 5), (4, 4)) for w in range(1, n + 1)
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_ends_with_check_yourself_then_further_reading(page):
    titles = list(h2_sections(page.read_text()))
    assert titles[-2:] == ["Check yourself", "Further reading"], (
        f"{page.name} ends with {titles[-2:]}"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_check_yourself_has_questions_with_collapsible_answers(page):
    lines = h2_sections(page.read_text())["Check yourself"].splitlines()
    starts = [i for i, line in enumerate(lines) if QUESTION.match(line)]
    assert len(starts) >= 3, f"{page.name}: {len(starts)} questions"
    for i in starts:
        answer = lines[i + 1] if i + 1 < len(lines) else ""
        assert answer.startswith("    ") and answer.strip(), (
            f"{page.name}: no answer under {lines[i]!r}"
        )
    stray = [line for line in lines if line.startswith("???") and not QUESTION.match(line)]
    assert not stray, f"{page.name}: malformed admonitions {stray}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_further_reading_lists_at_least_two_sources(page):
    items = [
        line
        for line in h2_sections(page.read_text())["Further reading"].splitlines()
        if line.startswith("- ")
    ]
    assert len(items) >= 2, f"{page.name}: {len(items)} items"


def test_glossary_entries_link_to_existing_headings():
    text = GLOSSARY.read_text()
    links = LINK.findall(text)
    assert len(links) >= 100
    known = {p.stem: anchors(p) for p in PAGES}
    missing = [
        f"{page}#{anchor}"
        for page, anchor in links
        if page not in known or (anchor and anchor not in known[page])
    ]
    assert not missing, f"glossary links to headings that do not exist: {missing}"


def test_glossary_terms_are_alphabetical_and_each_has_a_link():
    entries = re.findall(r"^\*\*(.+?)\*\*\n:   (.+)$", GLOSSARY.read_text(), re.M)
    terms = [term for term, _ in entries]
    assert len(terms) == len(set(terms)), "a term is listed twice"
    assert terms == sorted(terms, key=str.lower), "terms are not in alphabetical order"
    unlinked = [term for term, body in entries if not LINK.search(body)]
    assert not unlinked, f"terms without a link to a course page: {unlinked}"


def test_glossary_is_in_the_nav_and_questions_can_collapse():
    config = (REPO / "mkdocs.yml").read_text()
    assert re.search(r"^\s+- Glossary: glossary\.md$", config, re.M)
    for extension in ("admonition", "pymdownx.details"):
        assert re.search(rf"^\s+- {re.escape(extension)}:?\s*$", config, re.M), extension


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_code_fences_are_balanced_and_bare(page):
    """A fence line is ``` plus at most a language: text after a closing fence swallows the rest."""
    fences = [line for line in page.read_text().splitlines() if line.lstrip().startswith("```")]
    bad = [line for line in fences if not re.fullmatch(r"\s*```[\w-]*", line)]
    assert not bad, f"{page.name}: fence lines with trailing text {bad}"
    assert len(fences) % 2 == 0, f"{page.name}: an unclosed code fence"
