"""The worked examples on the reading pages that show a session (``>>>``) print what they say.

Every ```` ```python ```` fence of ``course/*.md`` that holds a ``>>>`` prompt is run as a doctest,
so a page cannot drift from the library it quotes. Such examples must stay cheap (no TensorFlow).
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FENCE = re.compile(r"^```python\n(.*?)^```", re.M | re.S)


def _sessions():
    found = []
    for page in sorted((ROOT / "course").glob("*.md")):
        for number, block in enumerate(FENCE.findall(page.read_text(encoding="utf-8"))):
            if ">>>" in block:
                found.append(pytest.param(page.name, block, id=f"{page.stem}-{number}"))
    return found


def test_the_pages_show_sessions():
    assert _sessions(), "no >>> example found on the reading pages"


@pytest.mark.parametrize("page, block", _sessions())
def test_session_prints_what_the_page_says(page, block):
    test = doctest.DocTestParser().get_doctest(block, {}, page, page, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    output = []
    runner.run(test, out=output.append)
    assert runner.failures == 0, "".join(output)
