"""The house rules that code review keeps forgetting: small modules, no borrowed private names.

Both checks read the source (nothing is imported). Modules that were already too long when the
rule was written are listed with their length at that time: they may shrink, never grow, and
leave the list once they are split (CONTRIBUTING.md, "Small rooms").
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LIB = ROOT / "lib"
MAX_LINES = 500

#: module -> its length when the rule came in; split these along their seams (issue 13).
OVERSIZE_RATCHET: dict[str, int] = {}

#: "module: borrowed name" pairs that predate the rule; none may be added.
PRIVATE_IMPORT_RATCHET: set[str] = set()


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(LIB.rglob("*.py")):
        name = ".".join(path.relative_to(LIB).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """The dotted module an ``ImportFrom`` names, with relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def borrowed_private_names(path: Path, package: str = "mlep") -> set[str]:
    """Private names ``path`` takes from other ``mlep`` modules (imports and ``module._name``).

    ``package`` is the package ``path`` belongs to, for resolving relative imports.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: dict[str, str] = {}  # local alias -> mlep module it stands for
    borrowed = set()
    for node in ast.walk(tree):
        source = _absolute(node, package) if isinstance(node, ast.ImportFrom) else ""
        if isinstance(node, ast.ImportFrom) and source.startswith("mlep"):
            for alias in node.names:
                if _is_private(alias.name):
                    borrowed.add(f"{source}.{alias.name}")
                modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mlep"):
                    modules[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _is_private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            borrowed.add(f"{modules[node.value.id]}.{node.attr}")
    return borrowed


def test_the_checks_see_what_they_should(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from mlep.a import _hidden, shown\nimport mlep.b as b\nfrom mlep import c\n"
        "b._inner()\nc._deep\nb.__name__\nself._own = 1\nfrom .d import _near\n"
    )
    assert borrowed_private_names(module, "mlep.pkg") == {
        "mlep.a._hidden",
        "mlep.b._inner",
        "mlep.c._deep",
        "mlep.pkg.d._near",
    }


@pytest.mark.parametrize("name", sorted(_modules()))
def test_modules_stay_small(name):
    lines = len(_modules()[name].read_text(encoding="utf-8").splitlines())
    limit = OVERSIZE_RATCHET.get(name, MAX_LINES)
    assert lines <= limit, (
        f"{name} has {lines} lines (limit {limit}): split it along its seams into small modules"
    )


def test_the_oversize_list_only_names_modules_still_too_long():
    modules = _modules()
    stale = [
        name
        for name in OVERSIZE_RATCHET
        if name not in modules
        or len(modules[name].read_text(encoding="utf-8").splitlines()) <= MAX_LINES
    ]
    assert not stale, f"remove {stale} from OVERSIZE_RATCHET: they are split or short now"


def test_no_module_borrows_another_modules_private_names():
    found = set()
    for name, path in _modules().items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for borrowed in borrowed_private_names(path, package):
            owner = borrowed.rsplit(".", 1)[0]
            if owner != name and not owner.startswith(name + "."):
                found.add(f"{name}: {borrowed}")
    new = sorted(found - PRIVATE_IMPORT_RATCHET)
    assert not new, (
        f"private names used outside their module (make them public or move them): {new}"
    )
    gone = sorted(PRIVATE_IMPORT_RATCHET - found)
    assert not gone, f"remove {gone} from PRIVATE_IMPORT_RATCHET: they are fixed"


#: errors that predate the shared base; add MlepError to their bases, then remove them here.
WITHOUT_SHARED_BASE: set[str] = set()


def test_every_error_of_mlep_shares_one_base():
    import importlib
    import inspect

    from mlep.exceptions import MlepError

    found, imported = set(), set()
    for name in _modules():
        if name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:  # a tools-environment module (nbgrader)
            assert error.name.split(".")[0] in {"nbgrader", "nbclient", "nbconvert", "dask"}, error
            continue
        imported.add(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                value.__module__ == name
                and issubclass(value, BaseException)
                and not value.__name__.startswith("_")
                and not issubclass(value, MlepError)
            ):
                found.add(f"{name}.{value.__name__}")
    new = sorted(found - WITHOUT_SHARED_BASE)
    assert not new, f"these errors should derive from mlep.exceptions.MlepError: {new}"
    done = sorted(e for e in WITHOUT_SHARED_BASE - found if e.rsplit(".", 1)[0] in imported)
    assert not done, f"remove {done} from WITHOUT_SHARED_BASE: they share the base now"


def test_the_library_tests_mirror_the_package_layout():
    """tests/lib/<subpackage>/ holds the tests of mlep.<subpackage>; cross-cutting ones on top."""
    tests = ROOT / "tests" / "lib"
    folders = sorted(p.name for p in tests.iterdir() if p.is_dir() and p.name != "__pycache__")
    subpackages = sorted(p.parent.name for p in (LIB / "mlep").glob("*/__init__.py"))
    assert folders, "tests/lib has no subpackage folders"
    assert set(folders) <= set(subpackages), (
        f"not mlep subpackages: {set(folders) - set(subpackages)}"
    )
    for folder in folders:
        for test in (tests / folder).glob("test_*.py"):
            imported = test.read_text()
            assert f"mlep.{folder}" in imported or f"mlep import {folder}" in imported, (
                f"{test.relative_to(ROOT)} does not use mlep.{folder}: "
                "move it to the folder it tests"
            )
