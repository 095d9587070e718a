"""Print pip's package sources as uv environment variables, for `make setup`.

uv reads no pip configuration, but a machine may set some: a folder of local wheels
(``find-links``), extra indexes, a global constraint file. So that ``uv pip install`` finds exactly
what ``pip install`` would, this prints them as shell-quoted ``NAME=value`` words for ``env``::

    $ python tools/uv_env.py
    'UV_EXTRA_INDEX_URL=file:///opt/pypi/simple file:///opt/pypi-more/simple' UV_FIND_LINKS=/opt/wheels

Precedence follows pip: environment variables (``PIP_FIND_LINKS``), then the ``install`` section,
then ``global``. Nothing is printed on a machine without pip configuration. A machine-wide pip
constraint file is not passed on: the project's lock files pin every package exactly.
"""

from __future__ import annotations

import shlex
import subprocess
import sys

# pip's option -> (uv's variable, uv's list separator)
OPTIONS = {
    "index-url": ("UV_INDEX_URL", " "),
    "extra-index-url": ("UV_EXTRA_INDEX_URL", " "),
    "find-links": ("UV_FIND_LINKS", ","),
    "cert": ("SSL_CERT_FILE", " "),
}
SECTIONS = [":env:", "install", "global"]  # first found wins, as in pip


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


def main() -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    print(" ".join(uv_words(pip_settings(listing))))


if __name__ == "__main__":
    main()
