"""Run a learner's Jupyter kernel in a bubblewrap sandbox (``mlep grade``, ``mlep check``).

A graded notebook is arbitrary code. Its kernel is started through Debian's ``bwrap``
(bubblewrap) in its own user, mount, PID, IPC, UTS and network namespaces:

- no network: inside there is only a loopback interface (labs may start a local server);
- read-only: the Python installation, the course environment, ``lib/`` (the library and
  ``mlep.grading.expect``), ``datasets/`` and the released ``labs/``; nothing else of the
  checkout is visible: not ``solutions/``, not ``autograder/var`` (the gradebook, other
  students' submissions), not ``.git``;
- a private scratch folder: the notebook's folder is copied into a size-limited tmpfs at the
  same path (the kernel's working directory), ``/tmp`` is another; writes vanish with the
  kernel;
- limits (:class:`Limits`): address space per process, processes and threads (when the
  grader runs as root the kernel runs as its own unprivileged uid, so the count is
  per-sandbox), largest file, wall time of the whole kernel, and the notebook output the
  grader keeps.

The command line itself is built by :mod:`mlep.grading.bubblewrap` (:func:`command`) and
the limits are :mod:`mlep.grading.limits` (:class:`Limits`); both are re-exported here.
The grader talks to the kernel over ZeroMQ ``ipc`` sockets (Unix sockets in a private folder
bound into the sandbox), because TCP cannot cross the network namespace. Only the grading
process, never the kernel, writes the gradebook.

:class:`SandboxKernelManager` is a ``jupyter_client`` kernel manager that does all this;
``nbgrader_config.py`` makes nbgrader use it (:func:`install_nbgrader`) and
:func:`mlep.grading.nbgrader.check` passes it to ``nbclient``. Where ``bwrap`` cannot run,
:func:`require` raises :class:`SandboxUnavailable` with what to do.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

from mlep.grading.bubblewrap import (
    SandboxUnavailable,
    bwrap_path,
    command,
    probe_command,
    sandbox_uid,
    unavailable,
)
from mlep.grading.limits import MB, Limits

__all__ = [
    "SWITCH",
    "CappedIOPubChannel",
    "Limits",
    "SandboxKernelClient",
    "SandboxKernelManager",
    "SandboxUnavailable",
    "bwrap_path",
    "command",
    "describe",
    "enabled",
    "install_nbgrader",
    "kernel_manager_class",
    "problem",
    "require",
    "sandbox_uid",
]

#: Environment switch read by ``nbgrader_config.py`` and :func:`enabled`: "0" turns it off.
SWITCH = "MLEP_SANDBOX"


def enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether graded kernels run sandboxed (``MLEP_SANDBOX`` is not "0"; on by default).

    Parameters
    ----------
    environ : mapping of str to str, optional
        The environment to read (``os.environ`` by default).

    Examples
    --------
    >>> enabled({}), enabled({"MLEP_SANDBOX": "0"})
    (True, False)
    """
    env = os.environ if environ is None else environ
    return env.get(SWITCH, "1") != "0"


@functools.lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the sandbox cannot run here (None when it can): a trial ``bwrap`` run."""
    bwrap = bwrap_path()
    if bwrap is None:
        return "bubblewrap (`bwrap`) is not installed"
    try:
        run = subprocess.run(
            probe_command(bwrap, sandbox_uid()), capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start: {error}"
    if run.returncode != 0:
        why = run.stderr.strip() or f"exit code {run.returncode}"
        return f"bubblewrap cannot create namespaces here: {why}"
    return None


def require() -> None:
    """Raise :class:`SandboxUnavailable` with the remedy unless the sandbox can run."""
    reason = problem()
    if reason is not None:
        raise unavailable(reason)


class CappedIOPubChannel(AsyncZMQSocketChannel):
    """The grader's end of the kernel's output: at most ``limit`` characters per cell.

    Past the limit a cell's stream and display output is dropped (a notice says so), and once
    the whole notebook has printed four times the limit, every later cell keeps only its first
    4 KB. ``status`` and ``error`` messages always pass (tracebacks shortened), so a failing
    test cell still scores 0 and the notebook goes on; and once a cell has an error, no
    ``clear_output`` (e.g. from a thread the notebook left running) can wipe it.
    ``started`` counts the cells the kernel began.

    Parameters
    ----------
    *args, **kwargs
        As for ``jupyter_client``'s ``AsyncZMQSocketChannel``.
    """

    limit = 16 * MB

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell = self.total = self.started = 0
        self.told = self.idle = False
        self.running: str | None = None  # the request of the cell running now
        self.failed: set[str] = set()  # ids of the requests whose cell had an error

    def _allowance(self) -> int:
        return self.limit if self.total <= 4 * self.limit else 4096

    async def _recv(self, **kwargs):
        msg = await super()._recv(**kwargs)
        kind = msg.get("msg_type")
        content = msg.get("content") or {}
        parent = (msg.get("parent_header") or {}).get("msg_id")
        if kind == "execute_input":  # a new cell
            self.cell, self.told, self.idle, self.running = 0, False, False, parent
            self.started += 1
            return msg
        if kind == "error":
            content["traceback"] = [line[:2000] for line in (content.get("traceback") or [])[-20:]]
            self.failed.add(parent)
            return msg
        if kind == "clear_output" and parent in self.failed:
            return _ignored(msg)
        if kind == "status" and parent == self.running:  # not the interrupt's own status
            self.idle = content.get("execution_state") == "idle"
        if kind == "stream":
            size = len(content.get("text", ""))
        elif kind in ("display_data", "execute_result", "update_display_data"):
            size = sum(len(str(value)) for value in (content.get("data") or {}).values())
        else:
            return msg
        allowance = self._allowance()
        left = allowance - self.cell
        self.cell += size
        self.total += size
        if size <= left:
            return msg
        notice = (
            f"\n[output cut by the grader: a cell may print at most {allowance:,} characters; "
            "the rest of this cell's output was dropped]\n"
        )
        text = content.get("text", "")[: max(left, 0)] if kind == "stream" else ""
        if self.told:
            return _ignored(msg)
        self.told = True
        msg["msg_type"] = msg["header"]["msg_type"] = "stream"
        msg["content"] = {"name": "stdout", "text": text + notice}
        return msg


def _ignored(msg: dict) -> dict:
    """``msg`` made into one nbclient ignores (an ``execute_input``)."""
    msg["msg_type"] = msg["header"]["msg_type"] = "execute_input"
    msg["content"] = {"code": "", "execution_count": None}
    return msg


class SandboxKernelClient(AsyncKernelClient):
    """A kernel client whose output channel is :class:`CappedIOPubChannel`."""

    iopub_channel_class = Type(CappedIOPubChannel)


#: Seconds a cell has to stop after the interrupt at its time limit before its kernel is killed.
INTERRUPT_GRACE = 15


class SandboxKernelManager(AsyncKernelManager):
    """Starts the notebook's kernel (the ``mlep`` kernelspec) inside bubblewrap.

    Transport is ``ipc`` in a private folder; interrupts go as messages (a signal would stop
    bwrap, not the cell). Limits come from ``MLEP_SANDBOX_*`` (:meth:`Limits.from_env`). A cell
    that ignores the interrupt sent at its time limit (it catches ``KeyboardInterrupt``) and is
    still busy :data:`INTERRUPT_GRACE` seconds later gets its kernel killed: grading then names
    that cell and goes on without it (as for ``os._exit()``), instead of failing the notebook.

    Parameters
    ----------
    **kwargs
        As for ``jupyter_client``'s ``AsyncKernelManager``.
    """

    client_class = DottedObjectName("mlep.grading.sandbox.SandboxKernelClient")
    client_factory = Type(klass="mlep.grading.sandbox.SandboxKernelClient")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        require()
        self.limits = Limits.from_env()
        CappedIOPubChannel.limit = self.limits.output_mb * MB
        self.sandbox_uid = sandbox_uid()
        self.run_dir = Path(tempfile.mkdtemp(prefix="mlep-sandbox-"))
        if self.sandbox_uid is not None:
            os.chown(self.run_dir, self.sandbox_uid, self.sandbox_uid)
        self.transport = "ipc"
        self.connection_file = str(self.run_dir / "kernel.json")
        self.ip = str(self.run_dir / "kernel-ipc")

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"
        return spec

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.sandbox_uid is not None and os.path.exists(self.connection_file):
            os.chown(self.connection_file, self.sandbox_uid, self.sandbox_uid)

    def format_kernel_cmd(self, extra_arguments=None):
        kernel_cmd = super().format_kernel_cmd(extra_arguments)
        launch = dict(self._launch_args or {})
        cwd = Path(launch.get("cwd") or os.getcwd()).resolve()
        roots = [Path(os.environ["MLEP_COURSE_ROOT"])] if os.environ.get("MLEP_COURSE_ROOT") else []
        environ = {
            **os.environ,
            **(self.kernel_spec.env if self.kernel_spec else {}),
            **(launch.get("env") or {}),
        }
        return command(
            kernel_cmd,
            cwd=cwd,
            run_dir=self.run_dir,
            limits=self.limits,
            environ=environ,
            course_roots=roots,
            uid=self.sandbox_uid,
        )

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # the kernel's own stdout/stderr (a forked child's writes too) must not reach the
        # grader's log, where a failure's last line becomes the instructor's feedback line
        kw["stdout"] = kw["stderr"] = subprocess.DEVNULL
        await super()._async_launch_kernel(kernel_cmd, **kw)

    def client(self, **kwargs):
        """The kernel's client (remembered: its output channel counts the cells begun)."""
        self.last_client = super().client(**kwargs)
        return self.last_client

    async def _async_interrupt_kernel(self) -> None:
        await super()._async_interrupt_kernel()
        channel = getattr(getattr(self, "last_client", None), "_iopub_channel", None)
        if channel is None or channel.idle:  # e.g. the interrupt before a shutdown
            return
        for _ in range(int(INTERRUPT_GRACE * 10)):  # nbclient reads the output meanwhile
            await asyncio.sleep(0.1)
            if channel.idle:
                return
        self.log.warning("the cell ignored the interrupt at its time limit: killing the kernel")
        await self._async_kill_kernel()
        from nbclient.exceptions import DeadKernelError

        raise DeadKernelError("Kernel died: the cell ignored the interrupt at its time limit")

    interrupt_kernel = _async_interrupt_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


def kernel_manager_class() -> type:
    """The kernel manager for a graded run: sandboxed unless ``MLEP_SANDBOX=0``."""
    return SandboxKernelManager if enabled() else AsyncKernelManager


def install_nbgrader() -> None:
    """Make nbgrader's Execute preprocessor start kernels with :class:`SandboxKernelManager`.

    nbgrader 0.9 passes ``kernel_manager_class=AsyncKernelManager`` to nbclient explicitly
    (so configuration cannot change it); this swaps that one module-level default. Called
    from ``autograder/nbgrader_config.py`` unless ``MLEP_SANDBOX=0``.
    """
    from nbgrader.preprocessors import execute

    require()
    execute.AsyncKernelManager = SandboxKernelManager


def describe(limits: Limits | None = None) -> str:
    """One line for logs: the sandbox's limits.

    Parameters
    ----------
    limits : Limits, optional
        The limits to describe (those of ``MLEP_SANDBOX_*`` by default).

    Examples
    --------
    >>> describe(Limits()).split(", ")[0]
    'memory_mb=6144'
    """
    limits = Limits.from_env() if limits is None else limits
    return ", ".join(f"{key}={value}" for key, value in asdict(limits).items())


if __name__ == "__main__":  # `python -m mlep.grading.sandbox`: can the sandbox run here?
    reason = problem()
    print(
        "sandbox: ok (" + describe() + ")" if reason is None else f"sandbox unavailable: {reason}"
    )
    sys.exit(0 if reason is None else 1)
