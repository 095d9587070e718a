"""Print pip's package sources as uv environment variables, for `make setup`.

uv reads no pip configuration, but a machine may set some: a folder of local wheels
(``find-links``), extra indexes, a global constraint file. So that ``uv pip install`` finds exactly
what ``pip install`` would, this prints them as shell-quoted ``NAME=value`` words for ``env``::

    $ python tools/uv_env.py
    'UV_EXTRA_INDEX_URL=file:///opt/pypi/simple file:///opt/pypi-more/simple' \\
        UV_FIND_LINKS=/opt/wheels

Precedence follows pip: environment variables (``PIP_FIND_LINKS``), then the ``install`` section,
then ``global``. Nothing is printed on a machine without pip configuration. A machine-wide pip
constraint file is not passed on: the project's lock files pin every package exactly.

PyTorch's CPU build: the course lock pins ``torch==X+cpu`` (the 190 MB CPU-only build; PyPI hosts
only the ~2.7 GB CUDA build, under the plain version). Only PyTorch's own index serves ``+cpu``
wheels, so when no local wheel folder or ``file://`` index holds the pinned one, PyTorch's CPU
index is added as an extra index (the pins keep every other package at its locked version)::

    UV_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu

``MLEP_TORCH_INDEX`` replaces that address (a mirror); set it empty to never add one.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

# pip's option -> (uv's variable, uv's list separator)
OPTIONS = {
    "index-url": ("UV_INDEX_URL", " "),
    "extra-index-url": ("UV_EXTRA_INDEX_URL", " "),
    "find-links": ("UV_FIND_LINKS", ","),
    "cert": ("SSL_CERT_FILE", " "),
}
SECTIONS = [":env:", "install", "global"]  # first found wins, as in pip
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
LOCK = Path(__file__).resolve().parents[1] / "requirements" / "course-constraints.txt"


def pip_settings(listing: str) -> dict[str, str]:
    """``{option: value}`` from the output of ``pip config list``."""
    found: dict[tuple[str, str], str] = {}
    for line in listing.splitlines():
        key, sep, value = line.partition("=")
        section, dot, option = key.rpartition(".")
        if not (sep and dot) or option not in OPTIONS:
            continue
        found[(section, option)] = " ".join(shlex.split(value))
    settings = {}
    for option in OPTIONS:
        for section in SECTIONS:
            if (section, option) in found:
                settings[option] = found[(section, option)]
                break
    return settings


def uv_words(settings: dict[str, str]) -> list[str]:
    """``NAME=value`` words for ``env``, each shell-quoted."""
    words = []
    for option, value in settings.items():
        name, separator = OPTIONS[option]
        words.append(shlex.quote(f"{name}={separator.join(value.split())}"))
    return words


def torch_pin(lock: str) -> str | None:
    """The torch version the lock pins if it is a local build such as ``2.13.0+cpu``, else None."""
    match = re.search(r"^torch==(\S+\+\S+)\s*$", lock, flags=re.MULTILINE)
    return match.group(1) if match else None


def _local_folder(location: str) -> Path | None:
    """The folder a find-links entry or index names, when it is on this machine."""
    url = urlparse(location)
    if url.scheme == "file":
        return Path(unquote(url.path))
    return None if url.scheme else Path(location)


def has_local_wheel(version: str, settings: dict[str, str]) -> bool:
    """Whether a find-links folder or ``file://`` index of ``settings`` has ``torch-<version>``."""
    prefix = f"torch-{version}-"
    for folder in map(_local_folder, settings.get("find-links", "").split()):
        if folder and folder.is_dir() and any(folder.glob(f"{prefix}*.whl")):
            return True
    indexes = f"{settings.get('index-url', '')} {settings.get('extra-index-url', '')}".split()
    for folder in map(_local_folder, indexes):
        page = folder / "torch" if folder else None
        if page and page.is_dir():
            listing = " ".join(p.name for p in page.iterdir())
            listing += " " + " ".join(p.read_text(errors="replace") for p in page.glob("*.html"))
            if prefix in unquote(listing):
                return True
    return False


def with_torch_index(settings: dict[str, str], lock: str, environ=os.environ) -> dict[str, str]:
    """``settings`` plus PyTorch's CPU index if the pinned ``+cpu`` torch is not on this machine."""
    version = torch_pin(lock)
    index = environ.get("MLEP_TORCH_INDEX", TORCH_INDEX).strip()
    if not version or not index or has_local_wheel(version, settings):
        return settings
    extra = f"{settings.get('extra-index-url', '')} {index}".strip()
    return {**settings, "extra-index-url": extra}


def main() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    settings = with_torch_index(pip_settings(listing), LOCK.read_text())
    print(" ".join(uv_words(settings)))


if __name__ == "__main__":
    main()
