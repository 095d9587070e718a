"""Fixtures for the site tests: one strict build per session, a loopback server, Chromium.

The build runs ``mkdocs build --strict`` from the tools environment (``.envs/tools/bin/mkdocs``,
or ``mkdocs`` on PATH) into a temporary folder; the server is the standard library's
``http.server`` on 127.0.0.1 with an ephemeral port; the browser is Debian's Chromium driven by
Playwright — never a downloaded browser.

Set ``MLEP_SCREENSHOTS=/some/dir`` to keep full-page screenshots of the pages the browser tests
open.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without these Chromium keeps trying the (closed) network and floods refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUILD_TIMEOUT_S = 600
BROWSER_TIMEOUT_MS = 20_000


def find_mkdocs() -> str | None:
    """The tools environment's mkdocs, else one on PATH."""
    local = REPO / ".envs" / "tools" / "bin" / "mkdocs"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("mkdocs")


@dataclass
class Build:
    returncode: int
    output: str
    seconds: float
    site: Path

    def page(self, url_path: str) -> Path:
        """The built HTML file for a site path such as ``course/c2w1/``."""
        return self.site / url_path / "index.html"


@pytest.fixture(scope="session")
def site_build(tmp_path_factory) -> Build:
    """``mkdocs build --strict`` into a temporary folder, once per session.

    ``MLEP_SITE_DIR=/path/to/site`` tests a site built beforehand instead (for a quick edit loop
    on the browser tests; the strict-build test then has nothing to check).
    """
    prebuilt = os.environ.get("MLEP_SITE_DIR")
    if prebuilt:
        return Build(0, "(prebuilt: MLEP_SITE_DIR)", 0.0, Path(prebuilt))
    mkdocs = find_mkdocs()
    if mkdocs is None:
        pytest.skip("mkdocs not found: run `make setup` (tools environment .envs/tools)")
    site = tmp_path_factory.mktemp("site") / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    start = time.monotonic()
    try:
        result = subprocess.run(
            [
                mkdocs,
                "build",
                "--strict",
                "--config-file",
                str(REPO / "mkdocs.yml"),
                "--site-dir",
                str(site),
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(
            f"mkdocs build did not finish in {BUILD_TIMEOUT_S} s:\n{error.stdout}\n{error.stderr}"
        )
    return Build(result.returncode, result.stdout + result.stderr, time.monotonic() - start, site)


@pytest.fixture(scope="session")
def built_site(site_build: Build) -> Build:
    """The build, required to have succeeded (tests that read the site use this)."""
    if site_build.returncode != 0:
        pytest.fail(
            f"mkdocs build --strict failed (exit {site_build.returncode}):\n{site_build.output}"
        )
    return site_build


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Build):
    """Serve the built site on 127.0.0.1 (ephemeral port) from a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright (skipped when either is missing)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (`make browser`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed in this environment")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
    except Exception:
        manager.stop()
        raise
    try:
        yield chromium
    finally:
        chromium.close()
        manager.stop()


@pytest.fixture
def page(browser, request):
    """A fresh page (own context) with bounded timeouts; screenshot kept if MLEP_SCREENSHOTS."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(BROWSER_TIMEOUT_MS)
    tab.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield tab
        folder = os.environ.get("MLEP_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(Path(folder) / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()
