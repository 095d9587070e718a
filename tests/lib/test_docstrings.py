"""Public docstrings follow numpydoc (sklearn's ``test_docstrings.py`` idea, checked statically).

Every name a module exports in ``__all__`` has a docstring. Functions and classes that take
parameters should document them in a numpydoc ``Parameters`` section; many predate the rule,
so their number may only fall (lower :data:`UNDOCUMENTED_PARAMETERS_AT_MOST` when you add
sections; never raise it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LIB = ROOT / "lib"
#: public callables with parameters but no ``Parameters`` section
#: (2026-12-04: 162 of 304, then 58 of 345)
UNDOCUMENTED_PARAMETERS_AT_MOST = 58
PARAMETERS = re.compile(r"^Parameters\n-{5,}", re.MULTILINE)


def _exported(tree: ast.Module) -> set[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return set()


def _signature_of(node: ast.FunctionDef | ast.ClassDef) -> ast.FunctionDef | None:
    if isinstance(node, ast.FunctionDef):
        return node
    inits = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
    return inits[0] if inits else None


def public_callables() -> list[tuple[str, ast.FunctionDef | ast.ClassDef]]:
    """``(dotted name, node)`` of every function and class exported in ``__all__``."""
    found = []
    for path in sorted(LIB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exported = _exported(tree)
        module = ".".join(path.relative_to(LIB).with_suffix("").parts).removesuffix(".__init__")
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in exported:
                found.append((f"{module}.{node.name}", node))
    return found


def lacks_parameters_section(node: ast.FunctionDef | ast.ClassDef) -> bool:
    function = _signature_of(node)
    if function is None:
        return False
    arguments = function.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    takes = [n for n in names if n not in ("self", "cls")] or arguments.vararg or arguments.kwarg
    return bool(takes) and not PARAMETERS.search(ast.get_docstring(node) or "")


def test_the_check_reads_numpydoc_sections():
    tree = ast.parse(
        'def f(x):\n    """Do.\n\n'
        '    Parameters\n    ----------\n    x\n        A value.\n    """\n'
        'def g(x):\n    """Do, with no section."""\n'
        'def h():\n    """Nothing to document."""\n'
    )
    f, g, h = tree.body
    assert [lacks_parameters_section(n) for n in (f, g, h)] == [False, True, False]


def test_every_exported_name_has_a_docstring():
    missing = [name for name, node in public_callables() if not ast.get_docstring(node)]
    assert not missing, f"exported without a docstring: {missing}"


def test_parameters_sections_only_get_more():
    lacking = [name for name, node in public_callables() if lacks_parameters_section(node)]
    assert len(lacking) <= UNDOCUMENTED_PARAMETERS_AT_MOST, (
        f"{len(lacking)} public callables take parameters without a numpydoc Parameters "
        f"section (at most {UNDOCUMENTED_PARAMETERS_AT_MOST}); the newest of them need one. "
        f"All of them: {lacking}"
    )
