"""Griffe extension for the API pages: a parameter table for every documented public function.

mkdocstrings draws numpydoc's "Parameters" table only from a docstring's ``Parameters`` section,
and many of ``mlep``'s docstrings describe their arguments in prose instead. For a public function
or method that has a docstring but no ``Parameters`` section, this extension appends one that
lists the signature's parameters by name; griffe then fills in each one's type and default from
the signature, so the API page shows the table (descriptions stay in the prose above it).
Registered in ``mkdocs.yml`` under the python handler's ``extensions``. Nothing is imported.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_HAS_PARAMETERS = re.compile(r"^\s*(Parameters|Other Parameters)\s*\n\s*-{3,}", re.MULTILINE)
_LATER_SECTION = re.compile(
    r"^(Returns|Yields|Receives|Raises|Warns|Warnings|See Also|Notes|References|Examples|"
    r"Attributes|Methods)\s*\n\s*-{3,}",
    re.MULTILINE,
)
_SKIPPED = {"self", "cls"}


def _public(obj: griffe.Object) -> bool:
    return not obj.name.startswith("_") or obj.name == "__init__"


def _add_parameters(func: griffe.Function) -> None:
    docstring = func.docstring
    if docstring is None or _HAS_PARAMETERS.search(docstring.value):
        return
    names = [
        ("*" if p.kind is griffe.ParameterKind.var_positional else "")
        + ("**" if p.kind is griffe.ParameterKind.var_keyword else "")
        + p.name
        for p in func.parameters
        if p.name not in _SKIPPED
    ]
    if not names:
        return
    section = "\n".join(["Parameters", "----------", *names])
    text = docstring.value.rstrip()
    later = _LATER_SECTION.search(text)  # numpydoc's order: Parameters come first
    if later:
        docstring.value = f"{text[: later.start()].rstrip()}\n\n{section}\n\n{text[later.start():]}\n"
    else:
        docstring.value = f"{text}\n\n{section}\n"


class SignatureParameters(griffe.Extension):
    """Append a ``Parameters`` section, from the signature, where a docstring has none."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            for member in obj.members.values():
                if member.is_alias or not _public(member):
                    continue
                if member.is_function:
                    _add_parameters(member)
                elif member.is_module or member.is_class:
                    stack.append(member)
