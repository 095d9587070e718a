"""MkDocs hook for the MLEP Companion site (registered in ``mkdocs.yml`` under ``hooks:``).

1. **API pages, one per module that exists.** Every ``.py`` file under ``lib/mlep`` (public
   names only) gets a generated page ``reference/<dotted/path>.md`` holding a mkdocstrings
   ``::: mlep.x.y`` directive, and the "API reference" section of the nav is filled with them,
   grouped by subpackage. Modules are found by walking the folder: nothing is imported, so
   building the site never imports TensorFlow. A new module appears on the site by itself.
2. **Sphinx roles in docstrings.** ``:mod:`mlep.data```, ``:func:`load``` and friends are
   Sphinx syntax; mkdocstrings shows them literally. They become optional cross-references
   (a link when the target is documented, plain code otherwise).
   reStructuredText's literal-block marker (a paragraph ending in ``::`` before indented code)
   is shown as reST shows it: ``label::`` becomes ``label:``, a lone ``::`` disappears.
3. **Offline notebooks.** nbconvert's HTML template loads MathJax from a CDN; that script tag is
   dropped and a page never asks the network for it (the site's vendored KaTeX typesets the labs'
   ``$...$`` maths instead, see ``docs/javascripts/site.js``).
4. **Links inside notebooks.** MkDocs rewrites ``page.md`` links in Markdown pages only; a lab's
   markdown cell linking to ``../../course/c2w1.md`` would point nowhere on the site. Such
   relative links are resolved like MkDocs does for Markdown, and a link to a missing page is a
   warning (so ``mkdocs build --strict`` fails on it). Labs link to their reading as
   ``http://127.0.0.1:8000/course/c2w1/`` (the site ``make start`` serves, which JupyterLab
   can open); on the site that becomes the same relative link, checked the same way.
6. **Notebook contents.** The right-hand contents of a lab link to the headings' real ids
   (mkdocs-jupyter leaves inline code out of its anchors; two C4W1 links led nowhere).
5. **Search.** A notebook heading's "¶" link gets Material's ``headerlink`` class (the search
   index then leaves it out of titles), code cells are left out of the index (their prompts,
   "Copied!" and flattened code made poor hits), and lab pages rank below the readings
   (``search.boost``). Each API page is titled by its module (a package's page is not "Index").
7. **Labs with their outputs.** A lab page shows the outputs of a run of the released notebook
   (exercise cells left unexecuted), kept in ``docs/lab_outputs/<lab>.json`` by
   ``make lab-outputs`` (``tools/lab_outputs.py``); nothing is executed while building. The
   outputs are merged into a copy of the notebook (``.cache/mlep-lab-pages/``) that
   mkdocs-jupyter renders instead of the file; a lab whose cache is stale or missing is shown
   without outputs, with an info line. Each lab page opens with how to run it and a download
   link to the released notebook, copied next to the page.
"""

from __future__ import annotations

import ast
import html
import importlib.util
import json
import logging
import os
import posixpath
import re
import shutil
import tomllib
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.mlep_site")

API_SECTION = "API reference"
PACKAGE = "mlep"
REFERENCE_DIR = "reference"


def _library_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent / "lib" / PACKAGE


def discover_modules(root: Path) -> list[str]:
    """Dotted names of the public modules and packages under ``root``, sorted.

    A file or folder whose name starts with ``_`` (other than ``__init__.py``) is private and
    skipped, and so is ``__main__.py``.
    """
    names = []
    for file in sorted(root.rglob("*.py")):
        parts = file.relative_to(root.parent).with_suffix("").parts
        if any(p.startswith("_") and p != "__init__" for p in parts) or "__pycache__" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return sorted(names)


def page_path(dotted: str, packages: set[str]) -> str:
    """Docs path of the API page of ``dotted`` (a package gets the ``index.md`` of its folder)."""
    parts = dotted.split(".")
    if dotted in packages:
        return "/".join([REFERENCE_DIR, *parts, "index.md"])
    return "/".join([REFERENCE_DIR, *parts]) + ".md"


def _packages(root: Path) -> set[str]:
    return {
        ".".join(init.parent.relative_to(root.parent).parts) for init in root.rglob("__init__.py")
    }


def api_nav(modules: list[str], packages: set[str]) -> list:
    """The nav entries of the API section.

    Top-level modules are plain entries; a subpackage with modules becomes a section whose
    first page (its ``index.md``, the section's own link) documents the package itself; a
    subpackage without modules yet is a plain entry.
    """
    children: dict[str, list[str]] = {}
    for dotted in modules:
        parts = dotted.split(".")
        if len(parts) > 2 and ".".join(parts[:2]) in packages:
            children.setdefault(".".join(parts[:2]), []).append(dotted)
    nav: list = []
    for dotted in modules:
        parts = dotted.split(".")
        if len(parts) > 2 and ".".join(parts[:2]) in packages:
            continue  # listed inside its subpackage's section
        if dotted in children:
            section = [page_path(dotted, packages)]
            section += [{child: page_path(child, packages)} for child in children[dotted]]
            nav.append({dotted: section})
        else:
            nav.append({dotted: page_path(dotted, packages)})
    return nav


def _summary(file: Path) -> str:
    """First line of a module's docstring, read with ``ast`` (no import)."""
    try:
        doc = ast.get_docstring(ast.parse(file.read_text(encoding="utf-8")))
    except (SyntaxError, UnicodeDecodeError):
        return ""
    return (doc or "").strip().splitlines()[0] if doc else ""


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = _library_root(config)
    modules = discover_modules(root)
    packages = _packages(root)
    for item in config.nav or []:
        if isinstance(item, dict) and API_SECTION in item:
            entries = item[API_SECTION]
            overview = [e for e in entries if isinstance(e, str)] or []
            item[API_SECTION] = overview + api_nav(modules, packages)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = _library_root(config)
    packages = _packages(root)
    modules = discover_modules(root)
    for dotted in modules:
        # the title names the module (a package's index.md would otherwise be titled "Index")
        content = f"---\ntitle: {dotted}\n---\n\n::: {dotted}\n"
        files.append(File.generated(config, page_path(dotted, packages), content=content))
    # The overview table, so the index page stays in step with the modules.
    rows = []
    for dotted in modules:
        source = root.parent.joinpath(*dotted.split("."))
        source = source / "__init__.py" if dotted in packages else source.with_suffix(".py")
        link = page_path(dotted, packages).removeprefix(REFERENCE_DIR + "/")
        summary = _summary(source).replace("|", "\\|")
        rows.append(f"| [`{dotted}`]({link}) | {summary} |")
    config.extra["mlep_api_table"] = "\n".join(["| module | what it is |", "|---|---|", *rows])
    _lab_pages(files, config)
    return files


# ---------------------------------------------------------------- 7. labs with their outputs

_LAB_PAGE = re.compile(r"^labs/(?P<lab>[^/]+)/(?P=lab)\.ipynb$")
#: lab id → "fresh", "stale" or "missing" (its outputs cache), for the labs of this build
_LAB_STATE: dict[str, str] = {}
#: lab id → the site path its released notebook is copied to (next to its page)
_LAB_DOWNLOADS: dict[str, str] = {}
#: lab id → the alt texts of its output figures, in page order
_LAB_ALTS: dict[str, list[str]] = {}
#: what nbconvert gives an image without alt text
_NO_ALT = 'alt="No description has been provided for this image"'


def _repo(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _lab_outputs_tool(root: Path):
    """``tools/lab_outputs_cache.py`` as a module (no Jupyter needed to import it)."""
    spec = importlib.util.spec_from_file_location(
        "mlep_lab_outputs", root / "tools" / "lab_outputs_cache.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}")
    part.write_text(text, encoding="utf-8")
    part.replace(path)


def _lab_pages(files: Files, config: MkDocsConfig) -> None:
    """Point each lab page with a fresh outputs cache at a copy of its notebook with outputs."""
    root = _repo(config)
    tool = _lab_outputs_tool(root)
    _LAB_STATE.clear()
    _LAB_DOWNLOADS.clear()
    _LAB_ALTS.clear()
    for file in files:
        match = _LAB_PAGE.match(file.src_uri)
        if not match:
            continue
        lab = match["lab"]
        state = _LAB_STATE[lab] = tool.status(lab, root)
        if state != "fresh":
            log.info(
                "Lab '%s' is shown without outputs: docs/lab_outputs/%s.json is %s "
                "(run `make lab-outputs`)",
                lab,
                lab,
                state,
            )
            continue
        notebook = tool.read_notebook(tool.released_notebook(lab, root))
        tool.merge(notebook, json.loads(tool.cache_path(lab, root).read_text(encoding="utf-8")))
        _LAB_ALTS[lab] = tool.figure_alts(notebook)
        merged = root / ".cache" / "mlep-lab-pages" / f"{lab}.ipynb"
        _write_if_changed(merged, json.dumps(notebook, ensure_ascii=False, indent=1))
        file.abs_src_path = str(merged)  # what mkdocs-jupyter converts (and hashes for its cache)


def _lab_intro(lab: str, page: Page, files: Files) -> str:
    """The box a lab page opens with: how to run the lab, check it, and download it."""
    work = f"work/{lab}/{lab}.ipynb"
    guide = files.get_file_from_path("learners.md")
    guide_link = (
        f' (<a href="{guide.url_relative_to(page.file)}">learner guide</a>)' if guide else ""
    )
    folder = page.file.url if page.file.url.endswith("/") else posixpath.dirname(page.file.url)
    _LAB_DOWNLOADS[lab] = posixpath.join(folder, f"{lab}.ipynb")
    if _LAB_STATE.get(lab) == "fresh":
        shown = (
            "Below, the lab as it looks after <em>Run All</em> before any exercise is answered: "
            "the outputs of a run with the course's reference library. Exercise cells, and the "
            "cells that need their answers, are left without output."
        )
    else:
        shown = "Below, the lab without its outputs: run it to see its tables and plots."
    return (
        '<div class="admonition tip mlep-lab-run" data-search-exclude>'
        '<p class="admonition-title">Run this lab yourself</p>'
        f"<ol><li>At the top of the repository run <code>make start</code> and open the "
        f"JupyterLab address it prints{guide_link}.</li>"
        f"<li>Open your own copy, <code>{work}</code>, and run the cells "
        "(<em>Run → Run All Cells</em>); write each exercise where it says "
        "<code># YOUR CODE HERE</code>.</li>"
        f"<li>Check your answers: <code>make check NB={work}</code>.</li></ol>"
        f'<p><a class="md-button mlep-lab-download" href="{html.escape(lab)}.ipynb" '
        f'download="{html.escape(lab)}.ipynb">Download {html.escape(lab)}.ipynb</a> '
        "(the released notebook, without outputs)</p>"
        f"<p>{shown}</p></div>"
    )


def _with_lab_intro(html_text: str, page: Page, files: Files) -> str:
    match = _LAB_PAGE.match(page.file.src_uri)
    if not match:
        return html_text
    intro = _lab_intro(match["lab"], page, files)
    for alt in _LAB_ALTS.get(match["lab"], []):  # the output figures, in page order
        html_text = html_text.replace(_NO_ALT, f'alt="{html.escape(alt)}"', 1)
    end = html_text.find("</h1>")
    if end < 0:
        return intro + html_text
    end += len("</h1>")
    return html_text[:end] + intro + html_text[end:]


def on_post_build(config: MkDocsConfig) -> None:
    # the released notebooks, downloadable from their pages
    root = _repo(config)
    for lab, target in _LAB_DOWNLOADS.items():
        destination = Path(config.site_dir) / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / "labs" / lab / f"{lab}.ipynb", destination)


def datasets_table(datasets_dir: Path) -> str:
    """A Markdown table of the registry, read from each ``datasheet.toml`` (no import)."""
    rows = ["| name | what | rows per split | label | licence |", "|---|---|---|---|---|"]
    for sheet_file in sorted(datasets_dir.glob("*/datasheet.toml")):
        sheet = tomllib.loads(sheet_file.read_text(encoding="utf-8"))
        splits = ", ".join(f"{name} {spec['rows']:,}" for name, spec in sheet["splits"].items())
        cells = [
            f"`{sheet['name']}`",
            sheet["title"],
            splits,
            f"`{sheet.get('label', '')}`",
            sheet["licence"],
        ]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Markers in docs pages, replaced by tables generated from the repository.
    if "{{ api_table }}" in markdown:
        markdown = markdown.replace("{{ api_table }}", config.extra.get("mlep_api_table", ""))
    if "{{ datasets_table }}" in markdown:
        root = Path(config.config_file_path).resolve().parent
        markdown = markdown.replace("{{ datasets_table }}", datasets_table(root / "datasets"))
    return markdown


_ROLE = re.compile(
    r":(?:py:)?(?:mod|func|class|meth|attr|data|exc|obj|const):<code>(~?)([\w.]+)(\(\))?</code>"
)
# The MathJax loader: a CDN URL, or an empty src when no URL is configured.
_MATHJAX = re.compile(
    r'<!-- Load mathjax -->\s*<script[^>]*src="(?:[^"]*mathjax[^"]*)?"[^>]*>\s*</script>',
    re.IGNORECASE,
)
_MATHJAX_CONFIG = re.compile(
    r'<script type="text/x-mathjax-config">.*?</script>', re.IGNORECASE | re.DOTALL
)


# A docstring paragraph ending in reST's "::" (its code block follows): "text::" -> "text:",
# "text ::" -> "text", a paragraph of "::" alone -> nothing.
_LITERAL_MARKER = re.compile(r"(<p>)?(\s*)::</p>")


def _literal_marker(match: re.Match) -> str:
    if match.group(1):
        return ""
    return "</p>" if match.group(2) else ":</p>"


def _role_to_autoref(match: re.Match) -> str:
    tilde, target, call = match.groups()
    shown = (target.rsplit(".", 1)[-1] if tilde else target) + (call or "")
    return (
        f'<autoref identifier="{html.escape(target)}" optional>'
        f"<code>{html.escape(shown)}</code></autoref>"
    )


# Lab pages rank below the reading pages for the same words (Material's search boost).
LAB_SEARCH_BOOST = 0.5
_ANCHOR_LINK = re.compile(r'<a class="anchor-link" href="([^"]*)">¶</a>')
# Material's search parser matches a skipped element's end by tag name alone, so only elements
# without a nested element of the same tag are marked: the prompt, the copy button, the code.
# (plus the hidden copy of each cell's code that the copy button reads)
# Cached outputs (7.) stay out of the index too: their prompts, printed text and tables.
_SEARCH_EXCLUDED = re.compile(
    r'<div class="(jp-InputPrompt[^"]*|jp-OutputPrompt[^"]*|jp-RenderedText[^"]*'
    r'|zeroclipboard-container|clipboard-copy-txt)"'
)
_NOTEBOOK_CODE = re.compile(r'(<div class="highlight-ipynb[^"]*">\s*<pre)')
_OUTPUT_TABLE = re.compile(r'(<table\b[^>]*class="dataframe")')


def _notebook_search(html_text: str) -> str:
    """Clean a rendered notebook for Material's search index (see the module docstring)."""
    html_text = _ANCHOR_LINK.sub(
        r'<a class="headerlink" href="\1" title="Link to this section">¶</a>', html_text
    )
    html_text = _NOTEBOOK_CODE.sub(r"\1 data-search-exclude", html_text)
    html_text = _OUTPUT_TABLE.sub(r"\1 data-search-exclude", html_text)
    return _SEARCH_EXCLUDED.sub(r'<div class="\1" data-search-exclude', html_text)


_HEADING = re.compile(r'<h[1-6] id="([^"]+)"[^>]*>(.*?)</h[1-6]>', re.DOTALL)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("¶", "").split())


def _omits(heading: str, title: str) -> bool:
    """Whether ``title`` is ``heading`` with some words left out (in order)."""
    words = iter(heading.split())
    return all(word in words for word in title.split())


def _notebook_toc(html_text: str, page: Page) -> None:
    """Point the page's contents at the headings' real ids.

    mkdocs-jupyter makes the contents from the notebook's markdown with inline code left out,
    so a heading such as "Exercise 3 — call `predict` with plain HTTP" is listed as
    ``#exercise-3-call-with-plain-http`` while nbconvert gave it the id
    ``exercise-3-call-predict-with-plain-http``: the link led nowhere.
    """
    headings = [(hid, _text(body)) for hid, body in _HEADING.findall(html_text)]
    ids = {hid for hid, _ in headings}

    def fix(items) -> None:
        for item in items:
            if item.id not in ids:
                title = _text(item.title)
                match = next((hid for hid, text in headings if _omits(text, title)), None)
                if match is None:
                    log.warning(
                        "Notebook '%s': no heading for contents entry '%s'",
                        page.file.src_uri,
                        item.title,
                    )
                else:
                    item.id = match
            fix(item.children)

    fix(page.toc or [])


_HREF = re.compile(r'(<a\s[^>]*?href=")([^"]+)(")')


#: Labs link to readings as ``make start`` serves the site (JupyterLab cannot reach ``../../course``).
LOCAL_SITE = "http://127.0.0.1:8000/"


def _notebook_links(html_text: str, page: Page, files: Files) -> str:
    def fix(match: re.Match) -> str:
        href = html.unescape(match.group(2))
        if href.startswith(LOCAL_SITE):  # on the site itself: a relative link to that page
            path, _, fragment = href[len(LOCAL_SITE) :].partition("#")
            target = (path.rstrip("/") or "index") + ".md"
        elif href.startswith(("#", "/")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href):
            return match.group(0)  # anchor, absolute path, or a URL with a scheme
        else:
            path, _, fragment = href.partition("#")
            if not path.endswith((".md", ".ipynb")):
                return match.group(0)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), path))
        file = files.get_file_from_path(target)
        if file is None:
            log.warning(
                "Notebook '%s' links to '%s', but '%s' is not among the documentation files.",
                page.file.src_uri,
                href,
                target,
            )
            return match.group(0)
        url = file.url_relative_to(page.file) + (f"#{fragment}" if fragment else "")
        return f"{match.group(1)}{html.escape(url)}{match.group(3)}"

    return _HREF.sub(fix, html_text)


# A text block drawn with box-drawing characters keeps its lines (site.css: .mlep-drawing).
_TEXT_BLOCK = re.compile(r'<div class="language-text highlight">(.*?)</code></pre></div>', re.S)
_DRAWING = re.compile(r"[\u2500-\u257f\u25b2-\u25c0]")


def _mark_drawings(html_text: str) -> str:
    def mark(match: re.Match) -> str:
        if not _DRAWING.search(match.group(1)):
            return match.group(0)
        return match.group(0).replace('highlight">', 'highlight mlep-drawing">', 1)

    return _TEXT_BLOCK.sub(mark, html_text)


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    html_text = _ROLE.sub(_role_to_autoref, html_text)
    html_text = _mark_drawings(html_text)
    if page.file.src_uri.startswith(REFERENCE_DIR + "/"):
        html_text = _LITERAL_MARKER.sub(_literal_marker, html_text)
    if page.file.src_uri.endswith(".ipynb"):
        html_text = _MATHJAX.sub("", html_text)
        html_text = _MATHJAX_CONFIG.sub("", html_text)
        html_text = _notebook_links(html_text, page, files)
        html_text = _notebook_search(html_text)
        _notebook_toc(html_text, page)
        html_text = _with_lab_intro(html_text, page, files)
        page.meta.setdefault("search", {}).setdefault("boost", LAB_SEARCH_BOOST)
    return html_text
