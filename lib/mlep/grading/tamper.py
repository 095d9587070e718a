"""Test cells of a graded kernel run against what the lab shipped, or fail.

A learner's code runs in the same kernel as the tests that grade it, so it can change what a
test relies on: rebind a name the lab defined (``fleiss_kappa = lambda *a: 0.9``), replace a
library function or a class's ``__eq__``, add an input transformer that empties the next cell,
or patch the kernel's messaging so an error never leaves. It can also do so *while* a test runs:
from inside the exercise's function, which the test calls, or from a background thread.

:class:`TestGuard` (used by the graded kernel, :mod:`mlep.kernel`) knows each cell's role from the
released labs (read-only in the sandbox): a lab's read-only cell, a test cell (the released text,
with hidden tests in a graded run), or the learner's. Then:

- after a lab cell, it remembers the names that cell bound;
- before a test cell, it puts back those names, the library modules (``mlep``, NumPy, pandas:
  their functions, classes and code, as first imported) and the shell's and kernel's hooks, and
  runs the test without storing it in the input history;
- after a test cell, if any of them changed *during* the test, the test fails with a message
  naming what changed (and they are put back); the test cell's code is dropped from
  ``linecache``.

An ``mlep`` module is also compared, when first seen, with its source file: a function replaced
before the guard saw it fails every later test. Code written to defeat the guard itself is out of
reach (docs/instructors.md, "Limits of this threat model").
"""

from __future__ import annotations

import ast
import linecache
import os
import re
import sys
import threading
import types
from pathlib import Path

from mlep.grading.roles import LabCells

#: Modules whose contents a test relies on, snapshotted when first seen (``mlep`` and below).
LIBRARY = ("mlep",)
#: Kept by :class:`mlep.kernel.ExpectGuard`, which rebuilds it from its file.
OWN = "mlep.grading.expect"
#: Imported at kernel start and snapshotted then, before any learner code.
EAGER = ("numpy", "pandas")
_HIDDEN = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$")
#: Names IPython itself binds after each cell (output history), never the lab's.
_IPYTHON = re.compile(r"^(_+|_i+\d*|_\d+|_[iod]h|In|Out|exit|quit|get_ipython)$")


def _functions(value) -> list[types.FunctionType]:
    """The plain functions behind a class attribute (methods, static/class methods, properties)."""
    found = []
    for item in (value, getattr(value, "__func__", None)):
        if isinstance(item, types.FunctionType):
            found.append(item)
    if isinstance(value, property):
        found += [f for f in (value.fget, value.fset) if isinstance(f, types.FunctionType)]
    return found


def _is_class(value) -> bool:
    return isinstance(value, type) and bool(value.__flags__ & (1 << 9))  # a Python class


class Modules:
    """Snapshots of modules: their names, the classes they define and every function's code."""

    def __init__(self):
        self.saved: dict[str, tuple[types.ModuleType, dict, dict, dict]] = {}
        self.broken: dict[str, list[str]] = {}

    def watched(self) -> list[str]:
        return [
            name
            for name in list(sys.modules)
            if name.split(".")[0] in LIBRARY + EAGER
            and (name in EAGER or name.startswith(LIBRARY))
            and name != OWN
        ]

    def take(self, name: str) -> None:
        module = sys.modules.get(name)
        if module is None or name in self.saved:
            return
        names = dict(vars(module))
        classes = {v: dict(vars(v)) for v in names.values() if _is_class(v)}
        codes = {}
        for value in [*names.values(), *(x for c in classes.values() for x in c.values())]:
            for function in _functions(value):
                codes[function] = (
                    function.__code__,
                    function.__defaults__,
                    function.__kwdefaults__,
                )
        self.saved[name] = (module, names, classes, codes)
        if name.startswith(LIBRARY):
            replaced = _differs_from_source(module)
            if replaced:
                self.broken[name] = replaced

    def take_new(self) -> None:
        for name in self.watched():
            self.take(name)

    def changes(self, restore: bool = True) -> list[str]:
        """What differs from the snapshots (put back when ``restore``)."""
        found = []
        for name, (module, names, classes, codes) in self.saved.items():
            live = vars(module)
            if sys.modules.get(name) is not module:
                found.append(f"sys.modules[{name!r}]")
                if restore:
                    sys.modules[name] = module
            found += _restore_dict(live, names, name, restore, added=False)
            for cls, attrs in classes.items():
                found += _restore_dict(
                    vars(cls), attrs, f"{name}.{cls.__name__}", restore, setter=cls
                )
            for function, (code, defaults, kwdefaults) in codes.items():
                now = (function.__code__, function.__defaults__, function.__kwdefaults__)
                if now[0] is not code or now[1] is not defaults or now[2] is not kwdefaults:
                    found.append(f"the code of {name}.{function.__qualname__}")
                    if restore:
                        function.__code__, function.__defaults__ = code, defaults
                        function.__kwdefaults__ = kwdefaults
        return found


def _code_like(value) -> bool:
    """Functions, classes and descriptors: what a patch replaces (data, e.g. caches, may change)."""
    return (
        isinstance(
            value,
            (types.FunctionType, types.MethodType, staticmethod, classmethod, property, type),
        )
        or callable(getattr(value, "__get__", None))
        and not isinstance(value, types.ModuleType)
    )


def _restore_dict(
    live, saved: dict, where: str, restore: bool, setter=None, added: bool = True
) -> list[str]:
    """Names of ``live`` whose code-like value is not ``saved``'s (put back when ``restore``).

    ``added=False`` leaves new names alone: libraries add classes to their modules as they run
    (TFX registers each component's executor class), and a class a cell adds to a module is
    still not trusted by :mod:`mlep.grading.expect` (its code comes from a cell).
    """
    changed = [
        k
        for k in (set(saved) | set(live) if added else set(saved))
        if live.get(k, _MISSING) is not saved.get(k, _MISSING)
        and (_code_like(live.get(k)) or _code_like(saved.get(k)))
        and k not in ("__annotations__", "_abc_impl", "__doc__", "__dict__", "__weakref__")
    ]
    if restore:
        for key in changed:
            if setter is not None:
                if key in saved:
                    setattr(setter, key, saved[key])
                else:
                    delattr(setter, key)
            elif key in saved:
                live[key] = saved[key]
            else:
                del live[key]
    return [f"{where}.{key}" for key in sorted(changed, key=str)[:5]]


_MISSING = object()


_SHELL_PARTS = (
    "compile",
    "input_transformer_manager",
    "displayhook",
    "display_pub",
    "events",
    "user_ns",
    "user_global_ns",
    "kernel",
)
_KERNEL_PARTS = ("session", "iopub_socket", "iopub_thread", "shell")


def _method_of(cls: type, name: str) -> bool:
    """Whether ``name`` is a method of ``cls`` (an instance attribute of that name hides it)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return isinstance(vars(klass)[name], (types.FunctionType, staticmethod, classmethod))
    return False


def _overrides(obj, saved: dict) -> list[str]:
    """Instance attributes of ``obj`` that hide one of its class's methods, unlike at the start."""
    live = {k: v for k, v in vars(obj).items() if _method_of(type(obj), k)}
    return sorted(k for k in set(live) | set(saved) if live.get(k, _MISSING) is not saved.get(k))


def _set_list(shell, name: str, kept: list) -> None:
    if name == "input_transformers_cleanup":  # IPython 7: a property over the manager's list
        shell.input_transformer_manager.cleanup_transforms = kept
    else:
        setattr(shell, name, kept)


def _same_items(live: list, saved: list) -> bool:
    return len(live) == len(saved) and all(a is b for a, b in zip(live, saved, strict=True))


def _differs_from_source(module: types.ModuleType) -> list[str]:
    """Functions and methods of ``module`` whose code is not its source file's."""
    path = getattr(module, "__file__", None)
    if not path or not path.endswith(".py") or not os.path.isfile(path):
        return []
    try:
        text = Path(path).read_text(encoding="utf-8")
        code = compile(text, path, "exec", dont_inherit=True)
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError):
        return []
    compiled: dict[str, types.CodeType] = {}
    stack = [code]
    while stack:
        unit = stack.pop()
        compiled.setdefault(unit.co_qualname, unit)
        stack += [c for c in unit.co_consts if isinstance(c, types.CodeType)]
    wrong = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            wrong += _compare(getattr(module, node.name, None), node.name, compiled, path)
        elif isinstance(node, ast.ClassDef) and isinstance(getattr(module, node.name, None), type):
            cls = getattr(module, node.name)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    wrong += _compare(
                        vars(cls).get(item.name), f"{node.name}.{item.name}", compiled, path
                    )
            for key, value in vars(cls).items():  # added later, from a notebook cell
                for function in _functions(value):
                    if _in_cell(function.__code__.co_filename):
                        wrong.append(f"{module.__name__}.{node.name}.{key}")
    return wrong


def _compare(value, qualname: str, compiled: dict, path: str) -> list[str]:
    functions = _functions(value)
    want = compiled.get(qualname)
    if value is not None and not functions and not isinstance(value, (type, property)):
        return [] if callable(value) and not _cell_object(value) else [qualname]
    if not functions or want is None:
        return []
    function = functions[0]
    while isinstance(getattr(function, "__wrapped__", None), types.FunctionType):
        function = getattr(function, "__wrapped__")  # noqa: B009 (mypy: not a FunctionType field)
    code = function.__code__
    if code.co_qualname != qualname and code.co_filename == path:
        return []  # a decorator of this module returned its own inner function
    return [] if code == want else [qualname]


def _in_cell(filename: str) -> bool:
    """Whether code was compiled from a notebook cell (IPython names cells so)."""
    return filename.startswith("<ipython-input") or bool(
        re.search(r"ipykernel_\d+/\d+\.py$", filename)
    )


def _cell_object(value) -> bool:
    call = next((vars(c)["__call__"] for c in type(value).__mro__ if "__call__" in vars(c)), None)
    return isinstance(call, types.FunctionType) and _in_cell(call.__code__.co_filename)


class Hooks:
    """The shell's transformers and event callbacks, and the kernel's messaging methods."""

    def __init__(self, shell, kernel):
        self.shell, self.kernel = shell, kernel
        self.lists = {
            name: (list(getattr(shell, name)), getattr(shell, name))
            for name in (
                "input_transformers_cleanup",
                "input_transformers_post",
                "ast_transformers",
            )
            if isinstance(getattr(shell, name, None), list)
        }
        self.events_object = getattr(shell, "events", None)
        self.callbacks = getattr(self.events_object, "callbacks", {})
        self.events = {k: list(v) for k, v in self.callbacks.items()}
        self.objects = [
            o
            for o in (
                kernel,
                getattr(kernel, "session", None),
                getattr(kernel, "iopub_socket", None),
                getattr(kernel, "iopub_thread", None),
                getattr(shell, "displayhook", None),
                getattr(shell, "display_pub", None),
                getattr(shell, "input_transformer_manager", None),
                getattr(shell, "compile", None),
                getattr(shell, "events", None),
                shell,
            )
            if o is not None
        ]
        self.instance = {id(o): (o, self._callables(o)) for o in self.objects}
        self.parts = {  # the objects a cell's code and errors pass through, by identity
            (owner, name): getattr(owner, name)
            for owner, names in ((shell, _SHELL_PARTS), (kernel, _KERNEL_PARTS))
            for name in names
            if getattr(owner, name, None) is not None
        }
        classes = {c for o in self.objects for c in type(o).__mro__ if _is_class(c)}
        try:
            import zmq

            classes |= {c for c in zmq.Socket.__mro__ if _is_class(c)}
        except ImportError:
            pass
        self.classes = {c: dict(vars(c)) for c in classes}

    @staticmethod
    def _callables(obj) -> dict:
        return {k: v for k, v in vars(obj).items() if _method_of(type(obj), k)}

    def changes(self, restore: bool = True) -> list[str]:
        found = []
        for name, (saved, kept) in self.lists.items():
            live = getattr(self.shell, name)
            if live is not kept:  # the list itself replaced: put the shell's own back
                found.append(f"shell.{name}")
                if restore:
                    _set_list(self.shell, name, kept)
                live = kept
            if not _same_items(live, saved):
                found.append(f"shell.{name}")
                if restore:
                    live[:] = saved  # (a property without a setter in IPython 7)
        events = getattr(self.shell, "events", None)
        callbacks = getattr(events, "callbacks", None)
        if events is not None and (
            events is not self.events_object
            or callbacks is not self.callbacks
            or set(callbacks) != set(self.events)
            or not all(_same_items(callbacks[k], v) for k, v in self.events.items())
        ):
            found.append("shell.events")
            if restore:
                self.shell.events = self.events_object
                self.callbacks.clear()
                self.callbacks.update({k: list(v) for k, v in self.events.items()})
                self.events_object.callbacks = self.callbacks
        for (owner, name), part in self.parts.items():
            if getattr(owner, name, None) is not part:
                found.append(f"{type(owner).__name__}.{name}")
                if restore:
                    setattr(owner, name, part)
        for obj, saved in self.instance.values():
            changed = _overrides(obj, saved)
            if changed:
                found.append(f"{type(obj).__name__}.{changed[0]}")
                if restore:
                    for key in changed:
                        if key in saved:
                            setattr(obj, key, saved[key])
                        else:
                            delattr(obj, key)
        for cls, attrs in self.classes.items():
            found += _restore_dict(vars(cls), attrs, cls.__name__, restore, setter=cls)
        for name, getter, setter in (
            ("sys.settrace", sys.gettrace, sys.settrace),
            ("sys.setprofile", sys.getprofile, sys.setprofile),
        ):
            if getter() is not None:
                found.append(name)
                if restore:
                    setter(None)
        for name in ("_trace_hook", "_profile_hook"):
            if getattr(threading, name, None) is not None:
                found.append(f"threading.{name}")
                if restore:
                    setattr(threading, name, None)
        return found


class TestGuard:
    """Before and after each cell of a graded kernel (see the module's notes).

    Parameters
    ----------
    roots : list of pathlib.Path
        Course folders whose released labs tell the cells' roles.
    """

    def __init__(self, roots: list[Path]):
        for name in EAGER:
            try:
                __import__(name)
            except ImportError:
                pass
        self.cells = LabCells(roots)
        self.modules = Modules()
        self.modules.take_new()
        self.hooks: Hooks | None = None
        self.bound: dict[str, object] = {}
        self._before: dict[str, object] = {}
        self._assigned: set[str] = set()

    def before(self, code: str, shell, kernel) -> tuple[str, list[str]]:
        """Prepare for a cell: its role and what was put back."""
        if self.hooks is None:
            self.hooks = Hooks(shell, kernel)
        self.modules.take_new()
        role = self.cells.role(code)
        fixed = self.hooks.changes() + self.modules.changes()
        namespace = shell.user_ns
        if role == "test":
            rebound = [k for k, v in self.bound.items() if namespace.get(k, _MISSING) is not v]
            for key in rebound:
                namespace[key] = self.bound[key]
            fixed += [f"the name `{key}` the lab defined" for key in sorted(rebound)[:5]]
        self._before = dict(namespace) if role in ("lab", "test") else {}
        self._assigned = _assigned(code) if role == "test" else set()
        return role, fixed

    def after(self, role: str, shell) -> list[str]:
        """After a cell: remember a lab cell's names; for a test cell, what changed while it ran."""
        namespace = shell.user_ns
        if role == "lab":
            for key, value in namespace.items():
                if (
                    self._before.get(key, _MISSING) is not value
                    and not _IPYTHON.match(key)
                    and getattr(value, "__name__", None) != OWN  # ExpectGuard keeps `expect`
                ):
                    self.bound[key] = value
            return []
        if role != "test":
            return []
        self.modules.take_new()
        changed = self.hooks.changes() + self.modules.changes() if self.hooks else []
        changed += [
            f"library module {name} ({', '.join(w[:3])})" for name, w in self.modules.broken.items()
        ]
        for key in self._assigned & set(self.bound):  # the test's own assignment: keep it
            if key in namespace:
                self.bound[key] = namespace[key]
        changed += [
            f"the name `{key}`"
            for key, value in self.bound.items()
            if namespace.get(key, _MISSING) is not value and self._before.get(key) is value
        ]
        for key, value in self.bound.items():
            namespace[key] = value
        _forget_cells()
        return changed


def _assigned(code: str) -> set[str]:
    """The names a cell's code binds itself (``_reply = ...``, ``for _row in ...``, imports)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def _forget_cells() -> None:
    """Drop test cells' code from ``linecache`` (a later cell could print their hidden lines)."""
    for key, entry in list(linecache.cache.items()):
        lines = entry[2] if isinstance(entry, tuple) and len(entry) > 2 else []
        if any(_HIDDEN.match(line) for line in lines or []):
            linecache.cache.pop(key, None)
