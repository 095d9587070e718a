"""Shared fixtures (the checkout, the tools environment, lab discovery) and xdist scheduling.

Scheduling (``make test`` runs ``-n 2 --dist loadgroup``): xdist's loadgroup sends every test
without an ``xdist_group`` mark to whichever worker is free, so a module-scoped fixture (a TFX
run, a model server) would be built on both workers. Here every ungrouped test joins a group
for its module (or, below a folder with its own ``conftest.py``, for that folder: its session
fixtures, e.g. the site build, are then built once), and the groups are handed out longest
first (seconds from ``tests/timings.json``, else one second per test), so the two workers
finish together. Refresh that file from a full run on an idle machine with
``make test PYTEST_ADDOPTS="--timings-out tests/timings.json"`` (each group's summed seconds).
"""

from __future__ import annotations

import json
import shutil
from collections import OrderedDict, defaultdict
from pathlib import Path

import pytest

from mlep.grading import notebooks
from mlep.runtime import configure, project_root

configure()

ROOT = project_root()
TOOLS_BIN = ROOT / ".envs" / "tools" / "bin"
LABS = notebooks.lab_ids(ROOT)


def tool(name: str) -> str:
    """Path of a tools-environment command (nbgrader, mkdocs, mlep)."""
    local = TOOLS_BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: run `make setup` to build the tools environment")
    return found


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


TIMINGS = Path(__file__).with_name("timings.json")


def pytest_addoption(parser):
    parser.addoption(
        "--timings-out",
        metavar="FILE",
        default=None,
        help="write each xdist group's total seconds as JSON (for tests/timings.json)",
    )


def _group_of(item) -> str:
    """The module of an ungrouped test, or the folder below the tests root with a conftest."""
    path = Path(item.path)
    for folder in path.parents:
        if folder == ROOT / "tests" or folder == ROOT:
            break
        if (folder / "conftest.py").is_file():
            path = folder
            break
    return path.relative_to(ROOT).as_posix()


_GROUPS: dict[str, str] = {}  # node id -> group, where this process collected


@pytest.hookimpl(tryfirst=True)  # before xdist appends the group to each node id
def pytest_collection_modifyitems(config, items):
    for item in items:
        names = {
            str(m.args[0] if m.args else m.kwargs.get("name", "default"))
            for m in item.iter_markers("xdist_group")
        }
        if not names:
            names = {_group_of(item)}
            item.add_marker(pytest.mark.xdist_group(*names))
        _GROUPS[item.nodeid] = "_".join(sorted(names))  # as xdist names a test with several
    unstable = [item.nodeid for item in items if " at 0x" in item.nodeid]
    if unstable:  # xdist refuses to run when its workers collect different ids
        raise pytest.UsageError(
            "test ids with a memory address differ between xdist workers; give these "
            f"parametrized values an id: {unstable[:5]}"
        )


def _scope(nodeid: str) -> str:
    """The group of a node id: xdist's ``<id>@<group>`` on the controller, else as collected."""
    if nodeid.rfind("@") > nodeid.rfind("]"):
        return nodeid.split("@")[-1]
    return _GROUPS.get(nodeid, nodeid)


class _CostliestFirst(OrderedDict):
    """xdist's work queue ({group: {node id: done}}), popped by the largest estimated seconds."""

    def __init__(self, seconds: dict[str, float]):
        super().__init__()
        self.seconds = seconds

    def cost(self, scope: str) -> float:
        return self.seconds.get(scope, float(len(self[scope])))

    def popitem(self, last=True):
        scope = max(self, key=self.cost)
        return scope, self.pop(scope)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    scheduler = LoadGroupScheduling(config, log)
    seconds = json.loads(TIMINGS.read_text()) if TIMINGS.is_file() else {}
    scheduler.workqueue = _CostliestFirst(seconds)
    return scheduler


_group_seconds: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    _group_seconds[_scope(report.nodeid)] += report.duration


def pytest_sessionfinish(session):
    out = session.config.getoption("--timings-out")
    if out and not hasattr(session.config, "workerinput"):  # the controller, or a run without xdist
        table = {k: round(v, 1) for k, v in sorted(_group_seconds.items(), key=lambda kv: -kv[1])}
        Path(out).write_text(json.dumps(table, indent=1) + "\n")
