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

The grader talks to the kernel over ZeroMQ ``ipc`` sockets (Unix sockets in a private
folder bound into the sandbox), because TCP cannot cross the network namespace. Only the
grading process, never the kernel, writes the gradebook.

:class:`SandboxKernelManager` is a ``jupyter_client`` kernel manager that does all this;
``nbgrader_config.py`` makes nbgrader use it (:func:`install_nbgrader`) and
:func:`mlep.grading.nbgrader.check` passes it to ``nbclient``. Where ``bwrap`` cannot run,
:func:`require` raises :class:`SandboxUnavailable` with what to do.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

from mlep.exceptions import MlepError
from mlep.runtime import project_root

#: Environment switch read by ``nbgrader_config.py`` and :func:`enabled`: "0" turns it off.
SWITCH = "MLEP_SANDBOX"
_PREFIX = "MLEP_SANDBOX_"
#: Variables passed into the sandbox (everything else of the grader's environment is dropped).
_PASS_KEYS = {
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "PYTHONHASHSEED",
    "PYTHONWARNINGS",
    "PYTHONIOENCODING",
}
_PASS_PREFIXES = (
    "MLEP_",
    "TF_",
    "JPY_",
    "KMP_",
    "OMP_",
    "TQDM_",
    "DASK_",
    "FEAST_",
    "HF_",
    "MPLBACKEND",
)
_MB = 1024 * 1024


class SandboxUnavailable(MlepError, RuntimeError):
    """bubblewrap cannot run here, and the caller did not opt out of the sandbox."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel (``MLEP_SANDBOX_<FIELD>`` overrides each).

    Attributes
    ----------
    memory_mb : address space of each process (``RLIMIT_AS``); a bigger allocation raises
        ``MemoryError`` in the learner's cell. TensorFlow alone maps about 1.7 GB.
    processes : processes and threads (``RLIMIT_NPROC``); a fork bomb gets ``BlockingIOError``.
    file_mb : largest file the kernel may write (``RLIMIT_FSIZE``).
    scratch_mb : size of each tmpfs (the working folder and ``/tmp``); they live in memory.
    output_mb : notebook output the grader keeps per kernel; beyond it output is dropped
        (error messages are kept, shortened, so a failing test still fails).
    wall_seconds : the whole kernel's lifetime; then it is killed (the per-cell limit is
        nbgrader's, ``MLEP_CELL_TIMEOUT``).
    """

    memory_mb: int = 6144
    processes: int = 512
    file_mb: int = 512
    scratch_mb: int = 1024
    output_mb: int = 16
    wall_seconds: int = 1500

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"sandbox limit {item.name} must be a positive int, but got {value!r}"
                )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Defaults, overridden by ``MLEP_SANDBOX_MEMORY_MB`` etc. where set."""
        environ = os.environ if environ is None else environ
        values = {}
        for item in fields(cls):
            raw = environ.get(_PREFIX + item.name.upper())
            if raw is not None:
                try:
                    values[item.name] = int(raw)
                except ValueError:
                    raise ValueError(
                        f"{_PREFIX}{item.name.upper()} must be an integer, but got {raw!r}"
                    ) from None
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The ``MLEP_SANDBOX_*`` variables that reproduce these limits in a child process."""
        return {_PREFIX + key.upper(): str(value) for key, value in asdict(self).items()}


def enabled(environ: dict[str, str] | None = None) -> bool:
    """Whether graded kernels run sandboxed (``MLEP_SANDBOX`` is not "0"; on by default)."""
    environ = os.environ if environ is None else environ
    return environ.get(SWITCH, "1") != "0"


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None."""
    return shutil.which("bwrap") or next(
        (p for p in ("/usr/bin/bwrap",) if os.access(p, os.X_OK)), None
    )


@functools.lru_cache(maxsize=1)
def problem() -> str | None:
    """Why the sandbox cannot run here (None when it can): a trial ``bwrap`` run."""
    bwrap = bwrap_path()
    if bwrap is None:
        return "bubblewrap (`bwrap`) is not installed"
    uid = sandbox_uid()
    probe = [
        bwrap,
        *_namespaces(uid),
        "--die-with-parent",
        "--new-session",
        *_system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--",
        *_drop_privileges(uid),
        "/bin/true",
    ]
    try:
        run = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start: {error}"
    if run.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {run.stderr.strip() or f'exit code {run.returncode}'}"
    return None


def require() -> None:
    """Raise :class:`SandboxUnavailable` with the remedy unless the sandbox can run."""
    reason = problem()
    if reason is not None:
        raise SandboxUnavailable(
            f"cannot run learners' code in a sandbox: {reason}. Install Debian's bubblewrap "
            "(`apt-get install bubblewrap`, or `make sandbox`) on a machine with user namespaces; "
            "or, only for notebooks you trust, pass --no-sandbox."
        )


def sandbox_uid() -> int | None:
    """An unprivileged uid of our own when running as root (None: keep the caller's uid)."""
    if os.geteuid() != 0:
        return None
    return 200_000 + os.getpid() % 50_000


def _drop_privileges(uid: int | None) -> list[str]:
    if uid is None:
        return []
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--no-new-privs",
        "--",
    ]


def _system_binds() -> list[str]:
    args = []
    for name in ("usr", "bin", "sbin", "lib", "lib64", "lib32", "etc"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _kernel_binds(kernel_cmd: list[str], course_roots: list[Path]) -> list[str]:
    """Read-only binds: the kernel's Python (env and base install) and the course's public folders."""
    paths: list[Path] = []
    executable = Path(kernel_cmd[0])
    if executable.is_absolute():
        env_dir = executable.parent.parent
        paths += [env_dir, executable.resolve().parent.parent]
        config = env_dir / "pyvenv.cfg"
        if config.is_file():  # a venv: bind the base installation it was made from
            for line in config.read_text(encoding="utf-8").splitlines():
                key, _, value = line.partition("=")
                if key.strip() == "home":
                    paths.append(Path(value.strip()).resolve().parent)
    for root in dict.fromkeys([project_root(), *course_roots]):
        paths += [root / "lib", root / "datasets", root / "labs"]
    args = []
    for path in dict.fromkeys(paths):
        if path.exists() and not any(str(path).startswith(p) for p in ("/usr/", "/etc/")):
            args += ["--ro-bind", str(path), str(path)]
    return args


def _environment(environ: dict[str, str], kernel_cmd: list[str]) -> list[str]:
    """Only the course's own variables pass in (no tokens or paths of the grader's)."""
    args = ["--clearenv"]
    for key, value in sorted(environ.items()):
        if key in _PASS_KEYS or key.startswith(_PASS_PREFIXES):
            args += ["--setenv", key, value]
    path = "/usr/local/bin:/usr/bin:/bin"
    if Path(kernel_cmd[0]).is_absolute():
        path = f"{Path(kernel_cmd[0]).parent}:{path}"
    # JPY_PARENT_PID=1: no parent poller (bwrap --die-with-parent does that) and no console banner
    return [
        *args,
        "--setenv",
        "HOME",
        "/tmp/home",
        "--setenv",
        "TMPDIR",
        "/tmp",
        "--setenv",
        "PATH",
        path,
        "--setenv",
        "JPY_PARENT_PID",
        "1",
    ]


def command(
    kernel_cmd: list[str],
    *,
    cwd: Path,
    run_dir: Path,
    limits: Limits,
    environ: dict[str, str] | None = None,
    course_roots: list[Path] = (),
    uid: int | None = None,
) -> list[str]:
    """The full command that runs ``kernel_cmd`` sandboxed, in a private copy of ``cwd``.

    ``run_dir`` (connection file and ipc sockets) is the only host folder bound writable.
    """
    bwrap = bwrap_path()
    if bwrap is None:
        require()
    cwd = Path(cwd)
    environ = dict(os.environ if environ is None else environ)
    source = "/run/mlep-notebook"  # the real notebook folder, read-only, copied into the tmpfs
    size = str(limits.scratch_mb * _MB)
    # as the sandbox's root (when the grader is root): copy the notebook's folder, which may be
    # private to root, into the tmpfs and open it to the kernel's uid; then drop to that uid
    target = shlex.quote(str(cwd))
    fonts = _matplotlib_cache(environ)
    start = (
        f"mkdir -p /tmp/home/.cache && chmod -R 777 /tmp/home; cp -R {shlex.quote(source)}/. {target}/ 2>/dev/null; "
        + (
            f"cp -R {_FONT_CACHE} /tmp/home/.cache/matplotlib 2>/dev/null; chmod -R a+rwX /tmp/home/.cache; "
            if fonts
            else ""
        )
        + f"chmod -R a+rwX {target} 2>/dev/null; exec {shlex.join(_drop_privileges(uid))} "
        f"prlimit --as={limits.memory_mb * _MB} --nproc={limits.processes} "
        f'--fsize={limits.file_mb * _MB} --core=0 -- timeout -s KILL {limits.wall_seconds} "$@"'
    )
    binds = _kernel_binds(kernel_cmd, list(course_roots))
    targets = [Path(binds[i + 2]) for i in range(0, len(binds), 3)] + [Path(run_dir), cwd]
    return [
        bwrap,
        *_namespaces(uid),
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        *_system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        # /dev/shm: POSIX semaphores of multiprocessing (Beam, joblib)
        "--perms",
        "1777",
        "--size",
        size,
        "--tmpfs",
        "/dev/shm",
        "--perms",
        "1777",
        "--size",
        size,
        "--tmpfs",
        "/tmp",
        *_parents(targets),
        *binds,
        *(["--ro-bind", str(cwd), source] if cwd.is_dir() else ["--dir", source]),
        *(["--ro-bind", str(fonts), _FONT_CACHE] if fonts else []),
        "--perms",
        "0777",
        "--size",
        size,
        "--tmpfs",
        str(cwd),
        "--bind",
        str(run_dir),
        str(run_dir),
        "--chdir",
        str(cwd),
        *_environment(environ, kernel_cmd),
        "--",
        "/bin/sh",
        "-c",
        start,
        "mlep-sandbox",
        *kernel_cmd,
    ]


_FONT_CACHE = "/run/mlep-matplotlib"


def _matplotlib_cache(environ: dict[str, str]) -> Path | None:
    """The grader's matplotlib font cache, copied in so each kernel does not rebuild it (~1 s)."""
    base = environ.get("MPLCONFIGDIR") or os.path.join(
        environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "matplotlib",
    )
    path = Path(base)
    return path if path.is_dir() and any(path.glob("fontlist-*.json")) else None


def _namespaces(uid: int | None) -> list[str]:
    """All namespaces; as root, no user namespace, so the kernel can run as its own ``uid``."""
    if uid is None:
        return ["--unshare-all"]
    return [
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--cap-add",
        "CAP_SETUID",
        "--cap-add",
        "CAP_SETGID",
    ]


def _parents(targets: list[Path]) -> list[str]:
    """Create the mount points' parent folders world-readable (bwrap copies the host's modes,
    e.g. ``/root`` 0700, which an unprivileged kernel could not traverse)."""
    system = ("/usr", "/etc", "/bin", "/lib", "/proc", "/dev")
    folders = {parent for target in targets for parent in target.parents if str(parent) != "/"}
    args = []
    for folder in sorted(folders, key=lambda p: len(p.parts)):
        text = str(folder)
        if (
            text.startswith(system)
            or text == "/tmp"
            or any(folder == t or t in folder.parents for t in targets)
        ):
            continue
        args += ["--perms", "0755", "--dir", text]
    return args


class CappedIOPubChannel(AsyncZMQSocketChannel):
    """The grader's end of the kernel's output: at most ``limit`` characters per cell.

    Past the limit a cell's stream and display output is dropped (a notice says so), and once
    the whole notebook has printed four times the limit, every later cell keeps only its first
    4 KB. ``status`` and ``error`` messages always pass (tracebacks shortened), so a failing
    test cell still scores 0 and the notebook goes on.
    """

    limit = 16 * _MB

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cell = self.total = 0
        self.told = False

    def _allowance(self) -> int:
        return self.limit if self.total <= 4 * self.limit else 4096

    async def _recv(self, **kwargs):
        msg = await super()._recv(**kwargs)
        kind = msg.get("msg_type")
        content = msg.get("content") or {}
        if kind == "execute_input":  # a new cell
            self.cell, self.told = 0, False
            return msg
        if kind == "error":
            content["traceback"] = [line[:2000] for line in (content.get("traceback") or [])[-20:]]
            return msg
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
            msg["msg_type"] = msg["header"]["msg_type"] = "execute_input"  # nbclient ignores these
            msg["content"] = {"code": "", "execution_count": None}
            return msg
        self.told = True
        msg["msg_type"] = msg["header"]["msg_type"] = "stream"
        msg["content"] = {"name": "stdout", "text": text + notice}
        return msg


class SandboxKernelClient(AsyncKernelClient):
    """A kernel client whose output channel is :class:`CappedIOPubChannel`."""

    iopub_channel_class = Type(CappedIOPubChannel)


class SandboxKernelManager(AsyncKernelManager):
    """Starts the notebook's kernel (the ``mlep`` kernelspec) inside bubblewrap.

    Transport is ``ipc`` in a private folder; interrupts go as messages (a signal would stop
    bwrap, not the cell). Limits come from ``MLEP_SANDBOX_*`` (:meth:`Limits.from_env`).
    """

    client_class = DottedObjectName("mlep.grading.sandbox.SandboxKernelClient")
    client_factory = Type(klass="mlep.grading.sandbox.SandboxKernelClient")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        require()
        self.limits = Limits.from_env()
        CappedIOPubChannel.limit = self.limits.output_mb * _MB
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
    """One line for logs: the sandbox's limits."""
    limits = Limits.from_env() if limits is None else limits
    return ", ".join(f"{key}={value}" for key, value in asdict(limits).items())


if __name__ == "__main__":  # `python -m mlep.grading.sandbox`: can the sandbox run here?
    reason = problem()
    print(
        "sandbox: ok (" + describe() + ")" if reason is None else f"sandbox unavailable: {reason}"
    )
    sys.exit(0 if reason is None else 1)
