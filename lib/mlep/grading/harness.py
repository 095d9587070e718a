"""Run a lab's test cells against any implementation, in-process and fast.

Autograding a whole notebook per wrong answer would cost minutes; the honesty tests instead
execute the source notebook once, then for each exercise swap in another implementation and
run that exercise's test cell (hidden tests included). Labs avoid IPython magics, so their
cells are plain Python, compiled as a notebook would compile them (without this module's
``from __future__`` flags, so e.g. a lab's dataclass sees real annotations).
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from mlep.grading import notebooks


@dataclass(frozen=True)
class Outcome:
    passed: bool
    message: str


class Lab:
    """A lab notebook whose cells can be run in one namespace.

    Parameters
    ----------
    path : path of a notebook (the source version, so hidden tests are included).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.notebook = notebooks.read(self.path)
        self.exercises = {e.function: e for e in notebooks.exercises(self.notebook)}
        self.namespace_: dict | None = None

    def _cells(self):
        for index, cell in enumerate(self.notebook["cells"]):
            if cell.get("cell_type") == "code":
                yield index, notebooks.source(cell)

    def run(self) -> Lab:
        """Execute every code cell in order (from the notebook's folder, plots off-screen)."""
        import matplotlib

        matplotlib.use("Agg")
        # IPython's `display` is a builtin in a kernel; here there is no screen to show a figure on
        namespace: dict = {"__name__": "__lab__", "display": lambda *objects, **options: None}
        with _cwd(self.path.parent), contextlib.redirect_stdout(io.StringIO()):
            for index, code in self._cells():
                try:
                    exec(_compile(code, f"{self.path.name}[cell {index}]"), namespace)
                except Exception as error:
                    raise RuntimeError(
                        f"{self.path.name} cell {index} failed: {error!r}"
                    ) from error
        self.namespace_ = namespace
        return self

    def check(
        self, function: str, implementation: str | None = None, *, others_unattempted: bool = False
    ) -> Outcome:
        """Run the test cell of exercise ``function`` with ``implementation`` swapped in.

        ``implementation`` is Python source defining ``function`` (``None`` keeps the
        notebook's own). ``others_unattempted`` replaces every other exercise's function by the
        released notebook's ``raise NotImplementedError()``, as for a learner who did only this
        one. Returns whether the tests passed and their last message.
        """
        if self.namespace_ is None:
            self.run()
        exercise = self.exercises[function]
        namespace = dict(self.namespace_)
        test_code = notebooks.source(self.notebook["cells"][exercise.test_index])
        output = io.StringIO()
        with _cwd(self.path.parent), contextlib.redirect_stdout(output):
            try:
                if others_unattempted:
                    for other in self.exercises.keys() - {function}:
                        exec(
                            _compile(_UNATTEMPTED.format(function=other), "<unattempted>"),
                            namespace,
                        )
                if implementation is not None:
                    exec(_compile(implementation, f"<{function} under test>"), namespace)
                exec(_compile(test_code, f"<{exercise.grade_id}>"), namespace)
            except Exception as error:  # any failure is a lost point in nbgrader
                return Outcome(False, f"{type(error).__name__}: {error}")
        return Outcome(True, output.getvalue().strip())


_UNATTEMPTED = "def {function}(*args, **kwargs):\n    raise NotImplementedError()\n"


def _compile(code: str, name: str):
    """Compile a cell as Jupyter would: without this module's ``from __future__`` flags."""
    return compile(code, name, "exec", dont_inherit=True)


@contextlib.contextmanager
def _cwd(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)
