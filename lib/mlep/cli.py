"""The ``mlep`` command: what learners and instructors do, in one place.

    mlep labs                       list the labs
    mlep check NOTEBOOK             run your notebook, per-exercise feedback
    mlep release [LAB | --all]      instructor: regenerate labs/ from solutions/
    mlep grade LAB [--workers N]    instructor: autograde every submission of LAB (--dask, --export)
    mlep datasets [list]            list the offline datasets
    mlep datasets describe NAME     print a dataset's datasheet
    mlep start [--no-site]          serve the site and JupyterLab (on your copies in work/)
    mlep update [LAB]               bring changed labs into work/, keeping your answers

It runs in the tools environment (``.envs/tools/bin/mlep``); labs run in the course kernel.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from mlep.runtime import project_root


def _labs(args) -> int:
    from mlep.grading import notebooks

    for lab in notebooks.lab_ids():
        source = notebooks.read(notebooks.source_notebook(lab))
        exercises = notebooks.exercises(source)
        points = sum(e.points for e in exercises)
        released = notebooks.released_notebook(lab)
        where = released.relative_to(project_root())
        print(f"{lab:<28} {len(exercises)} exercises, {points:g} points   {where}")
    return 0


def _check(args) -> int:
    from mlep.grading import nbgrader, notebooks

    notes: list[str] = []
    try:
        lines = nbgrader.check(
            args.notebook, timeout=args.timeout, notes=notes, sandbox=_sandbox(args)
        )
    except (notebooks.NotebookError, nbgrader.GradingError) as error:
        print(f"cannot check: {error}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"note: {note}")
    width = max(len(line.exercise) for line in lines)
    for line in lines:
        mark = "ok  " if line.passed else "FAIL"
        print(f"{mark} {line.exercise:<{width}}  {line.message}")
    done = sum(line.passed for line in lines)
    print(
        f"\n{done} of {len(lines)} exercises: public tests passed. "
        "Hidden tests run when your lab is graded."
    )
    return 0 if done == len(lines) else 1


def _release(args) -> int:
    from mlep.grading import nbgrader, notebooks

    root = Path(args.root) if args.root else project_root()
    labs = notebooks.lab_ids(root) if args.all or not args.lab else [args.lab]
    for lab in labs:
        try:
            path = nbgrader.release(lab, root=root)
        except nbgrader.GradingError as error:
            print(f"cannot release: {error}", file=sys.stderr)
            return 2
        print(f"released {lab} -> {path}")
    return 0


def _grade(args) -> int:
    from mlep.grading import nbgrader

    root = Path(args.root) if args.root else None
    bar = _ProgressBar(sys.stderr)
    try:
        results = nbgrader.grade(
            args.lab,
            root=root,
            on_result=bar.update,
            workers=args.workers,
            force=args.force,
            dask=args.dask,
            scheduler=args.scheduler,
            sandbox=_sandbox(args),
        )
    except (nbgrader.GradingError, ValueError) as error:
        print(f"cannot grade: {error}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    print(nbgrader.report(results))
    base = Path(args.root) if args.root else project_root()
    grades = base / nbgrader.VAR / "grades"
    print(f"\ngrades: {grades / (args.lab + '.csv')}")
    if args.export:
        from mlep.grading import platforms

        path = platforms.export(
            args.lab, results, grades / f"{args.lab}.{args.export}.csv", args.export
        )
        print(f"{args.export} import file: {path}")
    print(f"feedback pages: {base / nbgrader.VAR / 'feedback'}")
    return 0


class _ProgressBar:
    """Graded submissions so far: a bar redrawn in place on a terminal, a line each otherwise."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width, self.drawn = stream, width, False
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def update(self, done: int, total: int, result) -> None:
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        score = f"{result.score:g}/{result.max_score:g}"
        text = f"[{bar}] {done}/{total} graded  {result.student}: {score} {result.status}"
        if self.live:
            self.stream.write("\r" + text.ljust(100)[:100])
            self.drawn = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def _datasets(args) -> int:
    from mlep.data import datasets

    if args.action == "describe":
        if not args.name:
            print("usage: mlep datasets describe NAME", file=sys.stderr)
            return 2
        try:
            print(datasets.datasheet(args.name).describe())
        except datasets.UnknownDatasetError as error:
            print(error, file=sys.stderr)
            return 2
        return 0
    for name in datasets.list_datasets():
        sheet = datasets.datasheet(name)
        print(f"{name:<22} {sheet.rows:>6} rows  {sheet.title}")
    return 0


def _status(url: str) -> int | None:
    """The HTTP status ``url`` answers with within half a second (redirects followed), or None."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def _in_use(port: int) -> bool:
    """Whether something already listens on ``port`` of the loopback address."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _answers(url: str) -> bool:
    """Whether ``url`` answers as a page does (HTTP 200, or 302 to one)."""
    return _status(url) in (200, 302)


def _lab_port(runtime: Path, pid: int) -> int | None:
    """The port JupyterLab (process ``pid``) really listens on, from its runtime file.

    With the asked port busy, Jupyter moves on to the next free one; it writes the one it took
    to ``jpserver-<pid>.json`` in its runtime folder once it listens.
    """
    import json

    try:
        return int(
            json.loads((runtime / f"jpserver-{pid}.json").read_text(encoding="utf-8"))["port"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _tail(path: Path, lines: int = 25) -> str:
    """The last ``lines`` lines of a log file (empty when it is missing)."""
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _server(argv: list, cwd: Path, log: Path, env: dict | None = None) -> subprocess.Popen:
    """Start a server in its own session, its output appended to ``log``."""
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.Popen(
            [str(a) for a in argv],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )


#: JupyterLab settings for learners: only the mlep kernel, no nbgrader instructor panels, no news.
JUPYTER_CONFIG = Path(__file__).parent / "jupyter_config"


def _start(args) -> int:
    """Serve the course site and JupyterLab (on the learner's ``work/`` copies) until Ctrl-C."""
    from mlep import workspace

    bin_dir = Path(sys.executable).parent
    root = Path(args.root).resolve() if args.root else project_root()
    token = secrets.token_hex(16)
    # the addresses to bind; the URLs printed stay 127.0.0.1, which a container's published
    # ports reach
    host = getattr(args, "host", None) or os.environ.get("MLEP_HOST") or "127.0.0.1"
    site_url = f"http://127.0.0.1:{args.site_port}/"
    if not args.no_site and _in_use(args.site_port):  # mkdocs serve binds it after a 1-min build
        print(
            f"port {args.site_port} is in use (another `mlep start`?): stop it or use --site-port",
            file=sys.stderr,
        )
        return 2
    work = workspace.work_dir(root)
    work.mkdir(exist_ok=True)
    copied = workspace.ensure_copies(root)
    if copied:
        print(
            f"your copies of the labs: {', '.join(c.name for c in copied)} copied from labs/ "
            f"into {work.relative_to(root)}/ (yours to edit; `mlep update` brings in new versions)"
        )
    logs = root / ".cache" / "mlep-start"
    runtime, workspaces = logs / "runtime", logs / "workspaces"
    runtime.mkdir(parents=True, exist_ok=True)
    if not workspaces.is_dir():  # the first layout: a file browser wide enough for the labs' names
        shutil.copytree(JUPYTER_CONFIG / "lab" / "workspaces", workspaces)
    env = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(runtime),
        JUPYTER_CONFIG_PATH=os.pathsep.join(
            filter(None, [str(JUPYTER_CONFIG), os.environ.get("JUPYTER_CONFIG_PATH")])
        ),
    )
    servers = (
        {}
        if args.no_site
        else {
            "course site": (
                _server(
                    [
                        bin_dir / "mkdocs",
                        "serve",
                        "--dev-addr",
                        f"{host}:{args.site_port}",
                        "--no-livereload",
                    ],
                    root,
                    logs / "site.log",
                ),
                logs / "site.log",
            )
        }
    )
    servers.update(
        {
            "JupyterLab": (
                _server(
                    [
                        bin_dir / "jupyter",
                        "lab",
                        "--no-browser",
                        f"--ip={host}",
                        f"--port={args.lab_port}",
                        f"--IdentityProvider.token={token}",
                        f"--ServerApp.root_dir={work}",
                        f"--LabApp.app_settings_dir={JUPYTER_CONFIG / 'lab' / 'settings'}",
                        f"--LabApp.workspaces_dir={workspaces}",
                        "--MappingKernelManager.default_kernel_name=mlep",
                        *(["--allow-root"] if os.geteuid() == 0 else []),
                    ],
                    work,
                    logs / "jupyterlab.log",
                    env,
                ),
                logs / "jupyterlab.log",
            ),
        }
    )
    # mkdocs serve builds the whole site before it answers (about a minute), and Jupyter may
    # move to another port: each address is printed once it answers
    print(
        *(
            ["course site:  building... (its address follows when it answers)"]
            if "course site" in servers
            else []
        ),
        "JupyterLab:   starting... (its address follows when it answers)",
        f"(Ctrl-C stops {'both' if len(servers) > 1 else 'it'}; logs: {logs.relative_to(root)}/)",
        sep="\n",
        flush=True,
    )
    ready: set[str] = set()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops both too
    # a parent that ignored SIGINT (a background job, nohup, some test runners) passes that on,
    # and Python then installs no KeyboardInterrupt handler: Ctrl-C must still work
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while all(p.poll() is None for p, _ in servers.values()):
            if "course site" in servers and "course site" not in ready and _answers(site_url):
                ready.add("course site")
                print(f"course site:  {site_url}", flush=True)
            if "JupyterLab" not in ready:
                port = _lab_port(runtime, servers["JupyterLab"][0].pid)
                if port and _answers(f"http://127.0.0.1:{port}/lab?token={token}"):
                    ready.add("JupyterLab")
                    moved = f"  (port {args.lab_port} was busy)" if port != args.lab_port else ""
                    print(
                        f"JupyterLab:   http://127.0.0.1:{port}/lab?token={token}{moved}",
                        flush=True,
                    )
            time.sleep(0.5)
        for name, (process, log) in servers.items():
            if process.poll() is not None:
                print(
                    f"{name} stopped unexpectedly (exit status {process.returncode}); the end of "
                    f"{log.relative_to(root)}:\n{_tail(log)}",
                    file=sys.stderr,
                )
        return 1
    except KeyboardInterrupt:
        print("\nstopping...")
        return 0
    finally:
        processes = [p for p, _ in servers.values()]
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _update(args) -> int:
    """Bring changed released labs into ``work/``, keeping the learner's answers."""
    from mlep import workspace
    from mlep.grading import notebooks

    root = Path(args.root).resolve() if args.root else project_root()
    labs = (
        [args.lab]
        if args.lab
        else [lab for lab in notebooks.lab_ids(root) if workspace.work_notebook(lab, root).exists()]
    )
    for lab in labs:
        try:
            done = workspace.update(lab, root)
        except (ValueError, notebooks.NotebookError) as error:
            print(f"cannot update: {error}", file=sys.stderr)
            return 2
        where = done.notebook.relative_to(root)
        if done.created:
            print(f"{lab}: new work copy {where}")
        elif done.backup is None:
            print(f"{lab}: up to date ({where})")
        else:
            print(
                f"{lab}: updated {where}; {len(done.carried)} answer(s) carried over; "
                f"previous copy: {done.backup.relative_to(root)}"
            )
    if not labs:
        print("no work copies yet: `mlep start` makes them (or name a lab: mlep update LAB)")
    return 0


def _sandbox(args) -> bool | None:
    """``--no-sandbox`` → False; otherwise None (``MLEP_SANDBOX``, on by default)."""
    return False if getattr(args, "no_sandbox", False) else None


_NO_SANDBOX = (
    "run the notebook's code without the bubblewrap sandbox (only for notebooks you trust; "
    "limits: MLEP_SANDBOX_MEMORY_MB, _PROCESSES, _FILE_MB, _SCRATCH_MB, _OUTPUT_MB, _WALL_SECONDS)"
)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, but got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="mlep", description="MLEP Companion: labs, grading, datasets."
    )
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("labs", help="list the labs").set_defaults(run=_labs)
    check = sub.add_parser("check", help="run a notebook and report each exercise's public tests")
    check.add_argument("notebook")
    check.add_argument("--timeout", type=int, default=240, help="seconds per cell (default 240)")
    check.add_argument("--no-sandbox", action="store_true", help=_NO_SANDBOX)
    check.set_defaults(run=_check)
    release = sub.add_parser("release", help="instructor: regenerate labs/ from solutions/")
    release.add_argument("lab", nargs="?")
    release.add_argument("--all", action="store_true")
    release.add_argument("--root", help="course folder (default: this checkout)")
    release.set_defaults(run=_release)
    grade = sub.add_parser("grade", help="instructor: autograde all submissions of a lab")
    grade.add_argument("lab")
    grade.add_argument("--root", help="course folder (default: this checkout)")
    grade.add_argument(
        "--workers",
        type=_positive,
        default=None,
        help="submissions graded at once (default: the machine's cores)",
    )
    grade.add_argument(
        "--force", action="store_true", help="grade again submissions already graded"
    )
    grade.add_argument(
        "--dask", action="store_true", help="grade on a local Dask cluster of WORKERS workers"
    )
    grade.add_argument(
        "--scheduler", help="grade on a running Dask cluster, e.g. tcp://10.0.0.5:8786"
    )
    grade.add_argument(
        "--export",
        choices=["canvas", "moodle"],
        help="also write the grades as a Canvas or Moodle import CSV",
    )
    grade.add_argument("--no-sandbox", action="store_true", help=_NO_SANDBOX)
    grade.set_defaults(run=_grade)
    data = sub.add_parser("datasets", help="list or describe the offline datasets")
    data.add_argument("action", nargs="?", choices=["list", "describe"], default="list")
    data.add_argument("name", nargs="?")
    data.set_defaults(run=_datasets)
    start = sub.add_parser("start", help="serve the course site and JupyterLab on 127.0.0.1")
    start.add_argument("--site-port", type=int, default=8000)
    start.add_argument("--lab-port", type=int, default=8888)
    start.add_argument(
        "--host",
        help="address to serve on (default: MLEP_HOST or 127.0.0.1; "
        "0.0.0.0 in a container, so that its published ports answer)",
    )
    start.add_argument(
        "--no-site", action="store_true", help="JupyterLab only (the site takes a minute to build)"
    )
    start.add_argument(
        "--root", help="course folder whose labs/ and work/ are used (default: this checkout)"
    )
    start.set_defaults(run=_start)
    update = sub.add_parser("update", help="bring changed labs into work/, keeping your answers")
    update.add_argument(
        "lab", nargs="?", help="one lab (default: every lab you have a work copy of)"
    )
    update.add_argument(
        "--root", help="course folder whose labs/ and work/ are used (default: this checkout)"
    )
    update.set_defaults(run=_update)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
