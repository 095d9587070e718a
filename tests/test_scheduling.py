"""The xdist scheduling in conftest.py: one group per module, costliest group first."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest

# by path: `import conftest` finds whichever conftest.py was imported first (tests/site has one too)
_spec = importlib.util.spec_from_file_location(
    "tests_conftest", Path(__file__).with_name("conftest.py")
)
_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conftest)
ROOT, _CostliestFirst, _group_of, _scope = (
    _conftest.ROOT,
    _conftest._CostliestFirst,
    _conftest._group_of,
    _conftest._scope,
)


def test_the_costliest_known_group_goes_first_and_unknown_ones_weigh_their_test_count():
    queue = _CostliestFirst({"lab-slow": 300.0, "lab-quick": 2.0})
    queue["tests/lib/test_many.py"] = dict.fromkeys(f"t{i}" for i in range(50))
    queue["lab-quick"] = {"a": False}
    queue["lab-slow"] = {"b": False}
    queue["tests/lib/test_few.py"] = {"c": False, "d": False, "e": False}
    order = [queue.popitem(last=False)[0] for _ in range(len(queue))]
    assert order == ["lab-slow", "tests/lib/test_many.py", "tests/lib/test_few.py", "lab-quick"]
    assert not queue


@pytest.mark.parametrize(
    ("nodeid", "group"),
    [
        ("tests/labs/test_labs.py::test_x[c1w1]@harness-c1w1", "harness-c1w1"),
        (
            "tests/lib/test_a.py::test_b[x@y]",
            "tests/lib/test_a.py::test_b[x@y]",
        ),  # '@' inside a parameter
    ],
)
def test_scope_reads_the_group_xdist_appended(nodeid, group):
    assert _scope(nodeid) == group


def test_a_module_is_a_group_and_a_folder_with_its_own_conftest_is_one():
    lib = SimpleNamespace(path=ROOT / "tests" / "lib" / "data" / "test_validation.py")
    assert _group_of(lib) == "tests/lib/data/test_validation.py"
    site = SimpleNamespace(path=ROOT / "tests" / "site" / "test_site.py")
    assert (ROOT / "tests" / "site" / "conftest.py").is_file()
    assert _group_of(site) == "tests/site"
    doctest = SimpleNamespace(path=ROOT / "lib" / "mlep" / "runtime.py")
    assert _group_of(doctest) == "lib/mlep/runtime.py"
