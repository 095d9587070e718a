"""The bubblewrap (``bwrap``) command line that confines a graded kernel.

:func:`command` builds the whole command: every namespace (no network but loopback),
read-only binds of the Python installation and the course's public folders, a size-limited
tmpfs for the notebook's folder and ``/tmp``, only the course's own environment variables,
and the resource limits of :class:`~mlep.grading.limits.Limits` (``prlimit`` and
``timeout``). Nothing here starts a kernel; :mod:`mlep.grading.sandbox` decides when the
sandbox is used and runs it.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from mlep.exceptions import MlepError
from mlep.grading.limits import MB, Limits
from mlep.runtime import project_root

__all__ = [
    "SandboxUnavailable",
    "bwrap_path",
    "command",
    "drop_privileges",
    "namespaces",
    "probe_command",
    "sandbox_uid",
    "system_binds",
    "unavailable",
]

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
_FONT_CACHE = "/run/mlep-matplotlib"


class SandboxUnavailable(MlepError, RuntimeError):
    """bubblewrap cannot run here, and the caller did not opt out of the sandbox."""


def unavailable(reason: str) -> SandboxUnavailable:
    """The error for a sandbox that cannot run, with the remedy.

    Parameters
    ----------
    reason : str
        Why it cannot run (as :func:`mlep.grading.sandbox.problem` says it).

    Returns
    -------
    SandboxUnavailable
        The error to raise; its message names the reason and what to do.

    Examples
    --------
    >>> print(unavailable("no bwrap"))  # doctest: +ELLIPSIS
    cannot run learners' code in a sandbox: no bwrap. Install Debian's bubblewrap ...
    """
    return SandboxUnavailable(
        f"cannot run learners' code in a sandbox: {reason}. Install Debian's bubblewrap "
        "(`apt-get install bubblewrap`, or `make sandbox`) on a machine with user namespaces; "
        "or, only for notebooks you trust, pass --no-sandbox."
    )


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None."""
    return shutil.which("bwrap") or next(
        (p for p in ("/usr/bin/bwrap",) if os.access(p, os.X_OK)), None
    )


def sandbox_uid() -> int | None:
    """An unprivileged uid of our own when running as root (None: keep the caller's uid)."""
    if os.geteuid() != 0:
        return None
    return 200_000 + os.getpid() % 50_000


def drop_privileges(uid: int | None) -> list[str]:
    """The ``setpriv`` prefix that runs a command as ``uid`` with no capabilities left.

    Parameters
    ----------
    uid : int or None
        The uid to become; None keeps the caller's (and needs no prefix).

    Examples
    --------
    >>> drop_privileges(None)
    []
    >>> drop_privileges(200_001)[:2]
    ['setpriv', '--reuid=200001']
    """
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


def namespaces(uid: int | None) -> list[str]:
    """All namespaces; as root, no user namespace, so the kernel can run as its own ``uid``.

    Parameters
    ----------
    uid : int or None
        The kernel's own uid when the grader is root (:func:`sandbox_uid`), else None.

    Examples
    --------
    >>> namespaces(None)
    ['--unshare-all']
    """
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


def system_binds() -> list[str]:
    """Read-only binds (or symlinks) of the system folders: ``/usr``, ``/bin``, ``/etc`` ..."""
    args = []
    for name in ("usr", "bin", "sbin", "lib", "lib64", "lib32", "etc"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def probe_command(bwrap: str, uid: int | None) -> list[str]:
    """A trial run of ``/bin/true`` in the sandbox's namespaces: does bubblewrap work here?

    Parameters
    ----------
    bwrap : str
        The ``bwrap`` executable (:func:`bwrap_path`).
    uid : int or None
        The kernel's own uid when the grader is root (:func:`sandbox_uid`), else None.
    """
    return [
        bwrap,
        *namespaces(uid),
        "--die-with-parent",
        "--new-session",
        *system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--",
        *drop_privileges(uid),
        "/bin/true",
    ]


def _kernel_binds(kernel_cmd: list[str], course_roots: list[Path]) -> list[str]:
    """Read-only binds: the kernel's Python (env and base install), the course's public folders."""
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


def _environment(environ: Mapping[str, str], kernel_cmd: list[str]) -> list[str]:
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


def _matplotlib_cache(environ: Mapping[str, str]) -> Path | None:
    """The grader's matplotlib font cache, copied in so each kernel does not rebuild it (~1 s)."""
    base = environ.get("MPLCONFIGDIR") or os.path.join(
        environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "matplotlib",
    )
    path = Path(base)
    return path if path.is_dir() and any(path.glob("fontlist-*.json")) else None


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


def _start_script(cwd: Path, source: str, limits: Limits, uid: int | None, fonts) -> str:
    """The shell line run first inside: fill the scratch folder, then exec the limited kernel.

    As the sandbox's root (when the grader is root) it copies the notebook's folder, which may
    be private to root, into the tmpfs and opens it to the kernel's uid; then drops to that uid.
    """
    target = shlex.quote(str(cwd))
    copy_fonts = (
        f"cp -R {_FONT_CACHE} /tmp/home/.cache/matplotlib 2>/dev/null; "
        "chmod -R a+rwX /tmp/home/.cache; "
    )
    return (
        "mkdir -p /tmp/home/.cache && chmod -R 777 /tmp/home; "
        f"cp -R {shlex.quote(source)}/. {target}/ 2>/dev/null; "
        + (copy_fonts if fonts else "")
        + f"chmod -R a+rwX {target} 2>/dev/null; exec {shlex.join(drop_privileges(uid))} "
        f"prlimit --as={limits.memory_mb * MB} --nproc={limits.processes} "
        f'--fsize={limits.file_mb * MB} --core=0 -- timeout -s KILL {limits.wall_seconds} "$@"'
    )


def command(
    kernel_cmd: list[str],
    *,
    cwd: Path,
    run_dir: Path,
    limits: Limits,
    environ: Mapping[str, str] | None = None,
    course_roots: Sequence[Path] = (),
    uid: int | None = None,
) -> list[str]:
    """The full command that runs ``kernel_cmd`` sandboxed, in a private copy of ``cwd``.

    ``run_dir`` (connection file and ipc sockets) is the only host folder bound writable.

    Parameters
    ----------
    kernel_cmd : list of str
        The kernel's own command line (its Python first).
    cwd : pathlib.Path
        The notebook's folder; the kernel works in a private, writable copy of it.
    run_dir : pathlib.Path
        The folder of the connection file and the ipc sockets.
    limits : Limits
        The resource limits.
    environ : mapping of str to str, optional
        The environment to pick the course's variables from (``os.environ`` by default).
    course_roots : sequence of pathlib.Path, default ()
        More course checkouts whose ``lib``, ``datasets`` and ``labs`` are bound read-only.
    uid : int, optional
        The kernel's own uid when the grader is root (:func:`sandbox_uid`).

    Raises
    ------
    SandboxUnavailable
        When ``bwrap`` is not installed.
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise unavailable("bubblewrap (`bwrap`) is not installed")
    cwd = Path(cwd)
    environ = dict(os.environ if environ is None else environ)
    source = "/run/mlep-notebook"  # the real notebook folder, read-only, copied into the tmpfs
    size = str(limits.scratch_mb * MB)
    fonts = _matplotlib_cache(environ)
    start = _start_script(cwd, source, limits, uid, fonts)
    binds = _kernel_binds(kernel_cmd, list(course_roots))
    targets = [Path(binds[i + 2]) for i in range(0, len(binds), 3)] + [Path(run_dir), cwd]
    return [
        bwrap,
        *namespaces(uid),
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        *system_binds(),
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
