"""The course Jupyter kernel: configures the process, then runs ipykernel.

``make setup`` registers it, as the ``mlep`` kernel that every lab names, inside the tools
environment (``python -m mlep.kernel install --prefix .envs/tools``). JupyterLab, nbgrader
and the tests therefore run every lab in the course environment with the settings of
:mod:`mlep.runtime`.

In graded runs (``MLEP_GRADED=1``: ``mlep check``, ``mlep grade``) the kernel is
:func:`graded_kernel_class`: before each cell :class:`ExpectGuard` undoes a learner's patches
of the test checks. The sandbox around the kernel is :mod:`mlep.grading.sandbox`.
"""

from __future__ import annotations

import argparse
import atexit
import builtins
import fcntl
import json
import math
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

from mlep.runtime import ENV_DEFAULTS, configure

KERNEL_NAME = "mlep"
DISPLAY_NAME = "MLEP course (Python 3.11)"


def kernel_spec() -> dict:
    """The ``kernel.json`` content for this interpreter."""
    return {
        "argv": [sys.executable, "-m", "mlep.kernel", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "env": dict(ENV_DEFAULTS),
        "metadata": {"debugger": True},
    }


def install(prefix: str | Path) -> Path:
    """Write the kernel spec under ``<prefix>/share/jupyter/kernels/mlep``; return its path."""
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "kernel.json"
    target.write_text(json.dumps(kernel_spec(), indent=2) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["install"]:
        parser = argparse.ArgumentParser(prog="python -m mlep.kernel install")
        parser.add_argument("--prefix", required=True, help="environment to register the kernel in")
        args = parser.parse_args(argv[1:])
        print(f"installed kernel {KERNEL_NAME!r} at {install(args.prefix)}")
        return
    configure()
    private_tempdir()
    from ipykernel import kernelapp

    if os.environ.get("MLEP_GRADED") == "1":
        kernelapp.IPKernelApp.launch_instance(kernel_class=graded_kernel_class())
        return
    app = kernelapp.IPKernelApp.instance()
    app.initialize()
    install_learner_errors(app.shell)
    app.start()


TEMP_PREFIX = "mlep-kernel-"


def private_tempdir() -> Path | None:
    """Give this kernel its own temporary folder, removed when the kernel exits; return it.

    Labs make scratch folders with :mod:`tempfile` (model versions, TFX runs, feature
    repositories); inside the kernel, and in the processes it starts (``TMPDIR``), those land in
    ``<system temp>/mlep-kernel-<pid>-*``, removed at exit. A kernel that was killed cannot clean
    up: the next kernel removes the folders no running kernel holds (each kernel keeps a lock
    on its folder's ``.lock`` file while it runs, so this holds across containers too). None
    (and the system's folder used as before) when the temporary folder is not writable.
    """
    base = Path(tempfile.gettempdir())
    for stale in base.glob(f"{TEMP_PREFIX}*"):
        if _abandoned(stale):
            shutil.rmtree(stale, ignore_errors=True)
    try:
        path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=base))
        lock = open(path / ".lock", "w")  # noqa: SIM115 (held open for the kernel's life)
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return None
    _HELD.append(lock)
    os.environ["TMPDIR"] = tempfile.tempdir = str(path)
    owner = os.getpid()
    # only the kernel itself removes it (a forked child that exits normally must not)
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(path, ignore_errors=True))
    return path


_HELD: list = []


def _abandoned(folder: Path) -> bool:
    """Whether no running kernel holds ``folder`` (its ``.lock`` can be locked)."""
    try:
        with open(folder / ".lock", "r+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except OSError:  # held, missing (still being made), or not ours to open
        return False


NOT_ATTEMPTED = "not attempted yet"


def learner_error(etype: type, value: BaseException, tb) -> list[str]:
    """What a learner sees for a failed lab test or an exercise still to write: the message only.

    A test's :class:`~mlep.grading.expect.ExerciseFailure` carries its own feedback ("Exercise 2:
    ... expected ..., got ..."), so the frames of the checking code add nothing; an exercise whose
    stub still raises ``NotImplementedError`` is named as not attempted yet; an undefined name
    (a cell run before the one that defines it, often one waiting for an exercise) says so.

    Examples
    --------
    >>> def summarize(stats):
    ...     raise NotImplementedError()
    >>> try:  # doctest: +NORMALIZE_WHITESPACE
    ...     summarize(None)
    ... except NotImplementedError as error:
    ...     print(learner_error(NotImplementedError, error, error.__traceback__)[0])
    NotImplementedError: not attempted yet: summarize() still raises NotImplementedError;
    write it in place of `raise NotImplementedError()` in its cell, run that cell, then this one.
    """
    if issubclass(etype, NotImplementedError):
        where = tb
        while where is not None and where.tb_next is not None:
            where = where.tb_next
        name = where.tb_frame.f_code.co_name if where is not None else "<module>"
        what = (
            f"{name}() still raises NotImplementedError"
            if name != "<module>"
            else "the exercise's stub is still there"
        )
        return [
            f"NotImplementedError: {NOT_ATTEMPTED}: {what}; "
            "write it in place of `raise NotImplementedError()` "
            "in its cell, run that cell, then this one."
        ]
    if issubclass(etype, NameError) and not issubclass(etype, UnboundLocalError):
        return [
            f"{etype.__name__}: {value}. An earlier cell defines it: run the cells above in order; "
            "if one of them calls an exercise you have not answered yet, answer it first "
            "(or check the name's spelling)."
        ]
    return [f"{etype.__name__}: {value}"]


def install_learner_errors(shell) -> None:
    """Show lab test failures, unattempted exercises and undefined names as :func:`learner_error`.

    Interactive kernels only: graded runs keep full tracebacks (their guard clears custom
    exception handlers before each cell).
    """
    from mlep.grading.expect import ExerciseFailure

    def handler(shell, etype, value, tb, tb_offset=None):
        red, plain = "\x1b[0;31m", "\x1b[0m"
        lines = [f"{red}{line}{plain}" for line in learner_error(etype, value, tb)]
        if issubclass(etype, NameError):  # the frames say where the name was needed: keep them
            frames = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset)
            lines = frames[:-1] + lines
        shell._showtraceback(
            etype, value, lines
        )  # IPython discards what a handler returns: show it
        return lines

    shell.set_custom_exc((ExerciseFailure, NotImplementedError, NameError), handler)


EXPECT = "mlep.grading.expect"
#: Shell methods a cell could replace to hide a failing test's error from the grader.
_SHELL_METHODS = (
    "showtraceback",
    "_showtraceback",
    "showsyntaxerror",
    "run_cell",
    "run_cell_async",
    "run_code",
    "run_ast_nodes",
    "transform_cell",
    "should_run_async",
)


class ExpectGuard:
    """Keeps the tests' checks as shipped: before each cell, undo a learner's patches.

    Built at kernel start, before any learner code, from ``mlep/grading/expect.py`` (read-only
    in the sandbox, so no run can change it for the next student). :meth:`restore` puts back a
    pristine ``expect`` module (in ``sys.modules``, on the ``mlep.grading`` package and as the
    notebook's ``expect`` name) when its contents, or the builtins and ``math`` functions it
    relies on, were changed; clears custom exception handlers; and removes overrides of the
    shell methods that report errors. It stops the patches a learner could make by accident
    or on a whim; code written to defeat this guard itself can still fool its own notebook
    (see docs/instructors.md, "Threat model"), never anyone else's.
    """

    def __init__(self):
        import mlep.exceptions
        import mlep.grading.expect as module

        # ExerciseFailure derives from MlepError: keep that base as shipped too
        self.exceptions = mlep.exceptions
        self.base = mlep.exceptions.MlepError
        self.base_attrs = dict(vars(self.base))
        path = Path(module.__file__)
        self.code = compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)
        self.path = str(path)
        self.builtins = dict(vars(builtins))
        self.math = dict(vars(math))
        self.module = self._fresh()
        self.methods: dict[tuple[type, str], object] = {}
        self.own: dict[str, object] | None = None

    def _restore_base(self) -> None:
        sys.modules["mlep.exceptions"] = self.exceptions
        self.exceptions.MlepError = self.base
        for name in set(vars(self.base)) - set(self.base_attrs):
            delattr(self.base, name)
        for name, value in self.base_attrs.items():
            if name not in ("__dict__", "__weakref__") and vars(self.base).get(name) is not value:
                setattr(self.base, name, value)

    def _fresh(self) -> types.ModuleType:
        self._restore_base()
        module = types.ModuleType(EXPECT)
        module.__file__ = self.path
        exec(self.code, module.__dict__)
        self.snapshot = dict(module.__dict__)
        self.codes = {
            k: v.__code__ for k, v in self.snapshot.items() if isinstance(v, types.FunctionType)
        }
        self.classes = {  # its own classes and the error base (not e.g. typing's Iterable)
            k: _class_attrs(v)
            for k, v in self.snapshot.items()
            if isinstance(v, type) and v.__module__ in (EXPECT, "mlep.exceptions")
        }
        return module

    def _intact(self) -> bool:
        current = vars(self.module)
        if current.keys() != self.snapshot.keys() or any(
            current[k] is not v for k, v in self.snapshot.items()
        ):
            return False
        if any(self.snapshot[k].__code__ is not code for k, code in self.codes.items()):
            return False
        return all(_class_attrs(self.snapshot[k]) == attrs for k, attrs in self.classes.items())

    def watch(self, shell) -> None:
        """Remember the shell's error-reporting methods (call once, at kernel start)."""
        self.own = {name: vars(shell)[name] for name in _SHELL_METHODS if name in vars(shell)}
        for cls in type(shell).__mro__:
            for name in _SHELL_METHODS:
                if name in vars(cls):
                    self.methods[(cls, name)] = vars(cls)[name]

    def restore(self, shell=None) -> list[str]:
        """Undo patches; return what was restored (empty when nothing was touched)."""
        fixed = []
        for saved, live, what in (
            (self.builtins, vars(builtins), "builtins"),
            (self.math, vars(math), "math"),
        ):
            changed = [k for k, v in saved.items() if live.get(k) is not v]
            for key in changed:
                live[key] = saved[key]
            if changed:
                fixed.append(f"{what} ({', '.join(sorted(changed)[:5])})")
        if not self._intact():
            self.module = self._fresh()
            fixed.append(EXPECT)
        if sys.modules.get(EXPECT) is not self.module:
            sys.modules[EXPECT] = self.module
        package = sys.modules.get("mlep.grading")
        if package is not None and getattr(package, "expect", None) is not self.module:
            package.expect = self.module
        if shell is not None:
            fixed += self._restore_shell(shell)
        return fixed

    def _restore_shell(self, shell) -> list[str]:
        fixed = []
        namespace = shell.user_ns
        if "expect" in namespace and namespace["expect"] is not self.module:
            namespace["expect"] = self.module
            fixed.append("the name `expect`")
        if getattr(shell, "custom_exceptions", ()):
            shell.custom_exceptions = ()
            fixed.append("a custom exception handler")
        for name in _SHELL_METHODS:
            saved = (self.own or {}).get(name)
            if vars(shell).get(name) is not saved:
                if saved is None:
                    delattr(shell, name)
                else:
                    setattr(shell, name, saved)
                fixed.append(f"shell.{name}")
        for (cls, name), method in self.methods.items():
            if vars(cls).get(name) is not method:
                setattr(cls, name, method)
                fixed.append(f"{cls.__name__}.{name}")
        return fixed


def _class_attrs(cls: type) -> dict:
    """A class's attributes, without ``__annotations__`` (made on first access since 3.10)."""
    return {k: v for k, v in vars(cls).items() if k != "__annotations__"}


def graded_kernel_class():
    """The kernel for graded runs: :class:`ExpectGuard` before each cell; a forked copy of the
    kernel (a fork bomb's children) exits when its cell ends instead of living on."""
    from ipykernel.ipkernel import IPythonKernel

    from mlep.grading.tamper import TestGuard

    guard = ExpectGuard()
    tests = TestGuard(_course_roots())
    kernel_pid = os.getpid()

    class GradedKernel(IPythonKernel):
        async def do_execute(self, code, silent, store_history=True, *args, **kwargs):
            if guard.own is None:
                guard.watch(self.shell)
            fixed = guard.restore(self.shell)  # builtins first: the checks below use them
            try:
                role, more = tests.before(code, self.shell, self)
            except Exception as error:  # a test then cannot be trusted: it fails (below)
                role, more, broken = "test", [], f"the grader's guard failed: {error!r}"
            else:
                broken = None
            fixed += more
            if fixed:
                print(f"[grader] restored what an earlier cell had changed: {'; '.join(fixed)}")
            if role == "test":  # not in In/_ih: a later cell cannot print the hidden tests
                store_history = False
            try:
                reply = await super().do_execute(code, silent, store_history, *args, **kwargs)
            finally:
                if os.getpid() != kernel_pid:
                    os._exit(0)
            changed = guard.restore(self.shell) if role == "test" else []
            try:
                changed += tests.after(role, self.shell)
            except Exception as error:
                changed += [f"the grader's guard failed: {error!r}"]
            changed += [broken] if broken else []
            if changed and reply.get("status") == "ok":
                reply = _fail_test(self, changed)
            return reply

    return GradedKernel


def _course_roots() -> list[Path]:
    from mlep.runtime import project_root

    extra = os.environ.get("MLEP_COURSE_ROOT")
    return [project_root(), *([Path(extra)] if extra else [])]


TAMPERED = "TestTampered"


def _fail_test(kernel, changed: list[str]) -> dict:
    """Turn a passing test cell into a failure: something it relies on changed while it ran."""
    what = "; ".join(dict.fromkeys(changed))[:600]
    content: dict = {
        "ename": TAMPERED,
        "evalue": (
            f"what this test relies on was changed while it ran ({what}), so its result cannot be "
            "trusted and it scores 0; leave the lab's names, the library and the checks as they are"
        ),
    }
    content["traceback"] = [f"{content['ename']}: {content['evalue']}"]
    kernel.send_response(kernel.iopub_socket, "error", content)
    return {"status": "error", "execution_count": kernel.execution_count, **content}


if __name__ == "__main__":
    main()
