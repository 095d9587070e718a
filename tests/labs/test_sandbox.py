"""The sandbox every graded kernel runs in: hostile submissions are contained and graded as if
they had done nothing (issue 16). One class of two students is graded once (slow); the rest
run a bare command in the sandbox (seconds) or check its command line."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import threading

import pytest

from mlep.grading import nbgrader, notebooks, sandbox
from mlep.grading.nbgrader import VAR, start_course_dir, submit
from mlep.runtime import project_root

from conftest import tool
from demo_class import REFERENCE_LAB
from submissions import solved

COURSE_PY = str(project_root() / ".envs" / "course" / "bin" / "python")
needs_bwrap = pytest.mark.skipif(
    sandbox.problem() is not None, reason=f"no sandbox here: {sandbox.problem()}"
)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Listener:
    """A TCP server on the host's loopback that records every connection it accepts."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.accepted += 1
            connection.close()

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.server.close()


def _run_sandboxed(
    code: str, tmp_path, limits: sandbox.Limits | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -c code`` (course environment) the way a graded kernel is run."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    uid = sandbox.sandbox_uid()
    if uid is not None:
        os.chown(run_dir, uid, uid)
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.txt").write_text("the notebook's own file\n")
    cmd = sandbox.command(
        [COURSE_PY, "-c", code],
        cwd=work,
        run_dir=run_dir,
        limits=limits or sandbox.Limits(),
        environ={"MLEP_GRADED": "1", "SECRET_TOKEN": "do-not-pass"},
        uid=uid,
    )
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


# --- unit level: the command line and the switch ---------------------------------------------


def test_the_command_isolates_network_and_hides_solutions_and_the_gradebook(tmp_path):
    cmd = sandbox.command(
        [COURSE_PY, "-m", "mlep.kernel", "-f", "k.json"],
        cwd=tmp_path,
        run_dir=tmp_path,
        limits=sandbox.Limits(),
        environ={},
    )
    text = " ".join(cmd)
    assert "--unshare-net" in cmd or "--unshare-all" in cmd
    assert "--die-with-parent" in cmd and "--clearenv" in cmd
    root = project_root()
    binds = {cmd[i + 2] for i, arg in enumerate(cmd) if arg in ("--bind", "--ro-bind")}
    assert str(root / "lib") in binds and str(root / "datasets") in binds
    for hidden in (
        root,
        root / "solutions",
        root / "autograder",
        root / "autograder" / "var",
        root / ".git",
    ):
        assert str(hidden) not in binds
    writable = {cmd[i + 2] for i, arg in enumerate(cmd) if arg == "--bind"}
    assert writable == {str(tmp_path)}  # only the connection/socket folder
    assert (
        "--as=" in text and "--nproc=" in text and "--fsize=" in text and "timeout -s KILL" in text
    )


def test_limits_come_from_the_environment_and_are_checked():
    limits = sandbox.Limits.from_env(
        {"MLEP_SANDBOX_MEMORY_MB": "1024", "MLEP_SANDBOX_PROCESSES": "64"}
    )
    assert (limits.memory_mb, limits.processes, limits.wall_seconds) == (
        1024,
        64,
        sandbox.Limits().wall_seconds,
    )
    assert sandbox.Limits.from_env(limits.to_env()) == limits
    with pytest.raises(
        ValueError, match="MLEP_SANDBOX_MEMORY_MB must be an integer, but got 'lots'"
    ):
        sandbox.Limits.from_env({"MLEP_SANDBOX_MEMORY_MB": "lots"})
    with pytest.raises(ValueError, match="processes must be a positive int"):
        sandbox.Limits(processes=0)


def test_grading_refuses_without_bubblewrap_unless_told_not_to_sandbox(monkeypatch):
    monkeypatch.setattr(sandbox, "problem", lambda: "bubblewrap (`bwrap`) is not installed")
    monkeypatch.setenv(sandbox.SWITCH, "1")
    with pytest.raises(
        nbgrader.GradingError, match=r"bwrap.*not installed.*make sandbox.*--no-sandbox"
    ):
        nbgrader.use_sandbox(None)
    with pytest.raises(nbgrader.GradingError, match="--no-sandbox"):
        nbgrader.check(project_root() / "labs" / REFERENCE_LAB / f"{REFERENCE_LAB}.ipynb")
    assert nbgrader.use_sandbox(False) is False  # an explicit --no-sandbox
    assert (
        os.environ[sandbox.SWITCH] == "0"
        and sandbox.kernel_manager_class() is not sandbox.SandboxKernelManager
    )
    monkeypatch.setenv(sandbox.SWITCH, "0")
    assert nbgrader.use_sandbox(None) is False  # MLEP_SANDBOX=0 is the same opt-out


def test_the_cli_has_no_sandbox_for_check_and_grade():
    from mlep.cli import parser

    assert parser().parse_args(["grade", "lab", "--no-sandbox"]).no_sandbox
    assert parser().parse_args(["check", "x.ipynb", "--no-sandbox"]).no_sandbox
    assert not parser().parse_args(["check", "x.ipynb"]).no_sandbox


# --- a bare process in the real sandbox (seconds) -------------------------------------------


@needs_bwrap
def test_inside_only_loopback_read_only_course_and_a_private_scratch(tmp_path):
    listener = _Listener()
    root = project_root()
    code = f"""
import os, socket
_lines = open("/proc/net/dev").readlines()[2:]
print("IFACES", sorted(line.split(":")[0].strip() for line in _lines))
try:
    socket.create_connection(("127.0.0.1", {listener.port}), timeout=3); print("CONNECTED")
except OSError as error:
    print("NOCONNECT", type(error).__name__)
for path in ["{root}/solutions", "{root}/autograder", "{root}/.git", "/root/.ssh"]:
    print("SEES" if os.path.exists(path) else "HIDDEN", path)
for path in ["{root}/lib/mlep/grading/expect.py", "{root}/labs/x.txt", "/usr/x.txt"]:
    try:
        open(path, "a").write("# patched")
        print("WROTE", path)
    except OSError as error:
        print("READONLY", path, type(error).__name__)
print("OWN", open("data.txt").read().strip())
open("data.txt", "w").write("changed inside")
print("ENV", "SECRET_TOKEN" in os.environ, os.environ.get("MLEP_GRADED"))
print("UID", os.getuid())
import multiprocessing
multiprocessing.Lock()  # a POSIX semaphore in /dev/shm, as Beam's and joblib's workers need
print("SEMAPHORE ok")
"""
    expect_file = root / "lib" / "mlep" / "grading" / "expect.py"
    before = _digest(expect_file)
    try:
        run = _run_sandboxed(code, tmp_path)
    finally:
        listener.close()
    out = run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
    assert "IFACES ['lo']" in out
    assert "NOCONNECT" in out and "CONNECTED\n" not in out and listener.accepted == 0
    assert "SEES" not in out and out.count("HIDDEN") == 4
    assert "WROTE" not in out and out.count("READONLY") == 3
    assert "OWN the notebook's own file" in out
    assert (
        tmp_path / "work" / "data.txt"
    ).read_text() == "the notebook's own file\n"  # scratch was a copy
    assert "ENV False 1" in out and "SEMAPHORE ok" in out
    assert _digest(expect_file) == before
    if os.geteuid() == 0:
        assert "UID 0" not in out  # root's graders run kernels as an unprivileged uid of their own


@needs_bwrap
def test_memory_and_fork_bombs_hit_limits_inside(tmp_path):
    code = """
import os, time
try:
    hog = bytearray(64 * 2**30)
    print("ALLOCATED")
except MemoryError:
    print("MEMORYERROR")
children = []
try:
    while True:
        pid = os.fork()
        if pid == 0:
            time.sleep(2)
            os._exit(0)
        children.append(pid)
except OSError as error:
    print("FORKS", len(children), type(error).__name__)
"""
    run = _run_sandboxed(code, tmp_path, sandbox.Limits(memory_mb=2048, processes=40))
    assert "MEMORYERROR" in run.stdout and "ALLOCATED" not in run.stdout, run.stdout + run.stderr
    forks = int(run.stdout.split("FORKS ")[1].split()[0])
    assert forks < 40


# --- a class graded for real: a hostile submission and its honest twin ------------------------

HOSTILE_CELLS = [
    # the gradebook, solutions/ and every student's files, wherever the course lives
    """import glob, os, pathlib
_root = pathlib.Path(os.environ.get("MLEP_COURSE_ROOT", "/nonexistent"))
_db = pathlib.Path("autograder") / "var" / "gradebook.db"
for _path in [_root / _db, pathlib.Path("{root}") / _db]:
    try:
        _path.write_bytes(b"owned")
        print("WROTE " + "GRADEBOOK", _path)
    except OSError as _error:
        print("no gradebook:", type(_error).__name__)
_patterns = [
    "{root}/solutions/*/*.ipynb",
    str(_root / "solutions" / "*" / "*.ipynb"),
    "{course}/solutions/*/*.ipynb",
]
for _pattern in _patterns:
    for _file in glob.glob(_pattern):
        print("LEAK" + "ED:", open(_file).read())
for _file in glob.glob("{course}/autograder/var/submitted/*/*/*.ipynb"):
    print("OTHER " + "STUDENT:", _file)
    open(_file, "w").write("{{}}")
""",
    # the library every later student's tests import
    """import mlep.grading.expect as _e
try:
    open(_e.__file__, "a").write("\\ndef that(*args, **kwargs):\\n    pass\\n")
    print("PATCHED " + "THE LIBRARY")
except OSError as _error:
    print("library is read-only:", type(_error).__name__)
""",
    # expect, in this kernel: every check passes, whatever the answer
    """import mlep.grading.expect as _e
_e.that = _e.equal = _e.close = _e.instance = _e.columns = lambda *args, **kwargs: None
get_ipython().set_custom_exc((Exception,), lambda *args, **kwargs: None)
""",
    # the network: the grader's loopback server, from inside
    """import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=3)
    print("REACHED " + "THE HOST")
except OSError as _error:
    print("no network:", type(_error).__name__)
""",
    # a memory bomb, a fork bomb (children that return to the kernel exit) and a flood of output
    """_hog = []
try:
    while True:
        _hog.append(bytearray(2**28))
except MemoryError:
    _hog = None
    print("memory limit")
""",
    """import os
while True:
    os.fork()
""",
    """for _i in range(1500):
    print("y" * 10_000)
""",
]


def _hostile(lab: str, course, port: int) -> dict:
    exercises = notebooks.exercises(notebooks.read(notebooks.released_notebook(lab)))
    notebook = solved(lab, {e.function for e in exercises[:2]})
    setup = min(e.solution_index for e in exercises)
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": code.format(root=project_root(), course=course, port=port),
        }
        for code in HOSTILE_CELLS
    ]
    notebook["cells"][setup:setup] = cells
    return notebook


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    if sandbox.problem() is not None:
        pytest.skip(f"no sandbox here: {sandbox.problem()}")
    lab = REFERENCE_LAB
    root = tmp_path_factory.mktemp("hostile_class")
    start_course_dir(root)
    released = subprocess.run(
        [tool("mlep"), "release", lab, "--root", str(root)], capture_output=True, text=True
    )
    assert released.returncode == 0, released.stderr
    exercises = notebooks.exercises(notebooks.read(notebooks.released_notebook(lab)))
    honest = solved(lab, {e.function for e in exercises[:2]})
    listener = _Listener()
    submit(root, "honest", lab, None).write_text(json.dumps(honest), encoding="utf-8")
    submit(root, "hostile", lab, None).write_text(
        json.dumps(_hostile(lab, root, listener.port)), encoding="utf-8"
    )
    protected = [
        project_root() / "lib" / "mlep" / "grading" / "expect.py",
        project_root() / "solutions" / lab / f"{lab}.ipynb",
        project_root() / "labs" / lab / f"{lab}.ipynb",
    ]
    before = {path: _digest(path) for path in protected}
    env = dict(
        os.environ,
        MLEP_CELL_TIMEOUT="60",
        MLEP_SANDBOX_PROCESSES="128",
        MLEP_SANDBOX_MEMORY_MB="3072",
        MLEP_SANDBOX_OUTPUT_MB="1",
    )
    env.pop(sandbox.SWITCH, None)
    try:
        run = subprocess.run(
            [tool("mlep"), "grade", lab, "--root", str(root), "--workers", "1"],
            capture_output=True,
            text=True,
            env=env,
            timeout=1500,
        )
    finally:
        listener.close()
    assert run.returncode == 0, run.stdout + run.stderr
    with open(root / VAR / "grades" / f"{lab}.csv", newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {
        "lab": lab,
        "root": root,
        "rows": rows,
        "exercises": exercises,
        "listener": listener,
        "protected": before,
        "run": run,
    }


def _cells(row, exercises):
    return {e.function: float(row[e.grade_id + "_tests"]) for e in exercises}


@pytest.mark.slow
def test_a_hostile_submission_is_graded_as_if_it_had_done_nothing(hostile_class):
    rows, exercises = hostile_class["rows"], hostile_class["exercises"]
    honest, hostile = _cells(rows["honest"], exercises), _cells(rows["hostile"], exercises)
    expected = {e.function: (e.points if i < 2 else 0.0) for i, e in enumerate(exercises)}
    assert honest == expected
    assert (
        hostile == expected
    )  # the patched `expect` made no junk answer pass; solved ones kept their points
    assert rows["hostile"]["status"] == rows["honest"]["status"] == "graded"


@pytest.mark.slow
def test_nothing_outside_the_sandbox_was_touched(hostile_class):
    for path, digest in hostile_class["protected"].items():
        assert _digest(path) == digest, f"{path} was changed"
    root, lab = hostile_class["root"], hostile_class["lab"]
    assert hostile_class["listener"].accepted == 0
    honest = json.loads((root / VAR / "submitted" / "honest" / lab / f"{lab}.ipynb").read_text())
    assert notebooks.exercises(honest)  # the other student's notebook is intact
    with sqlite3.connect(
        root / VAR / "gradebook.db"
    ) as db:  # still a sound gradebook, with both students
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        scores = dict(
            db.execute(
                "SELECT sa.student_id, SUM(g.auto_score) FROM grade g "
                "JOIN submitted_notebook sn ON g.notebook_id = sn.id "
                "JOIN submitted_assignment sa ON sn.assignment_id = sa.id GROUP BY sa.student_id"
            ).fetchall()
        )
    expected = sum(e.points for e in hostile_class["exercises"][:2])
    assert scores == {"honest": expected, "hostile": expected}


@pytest.mark.slow
def test_the_hostile_feedback_shows_what_was_stopped_and_no_solution(hostile_class):
    root, lab = hostile_class["root"], hostile_class["lab"]
    graded = json.loads((root / VAR / "autograded" / "hostile" / lab / f"{lab}.ipynb").read_text())
    printed = json.dumps([cell.get("outputs", []) for cell in graded["cells"]])
    page = (root / VAR / "feedback" / "hostile" / lab / f"{lab}.html").read_text()
    for shown in (printed, page):
        assert "BEGIN SOLUTION" not in shown and "BEGIN HIDDEN TESTS" not in shown
        for marker in (
            "LEAKED:",
            "OTHER STUDENT:",
            "WROTE GRADEBOOK",
            "PATCHED THE LIBRARY",
            "REACHED THE HOST",
        ):
            assert marker not in shown
    assert "no network" in page and "library is read-only" in page and "memory limit" in page
    assert len(page) < 3 * 2**20  # 15 MB of printing was cut to the output limit
    assert "output cut by the grader" in page


@pytest.mark.slow
def test_the_guard_says_nothing_for_an_honest_notebook_and_names_what_it_undid_for_the_hostile_one(
    hostile_class,
):
    root, lab = hostile_class["root"], hostile_class["lab"]

    def printed(student):
        graded = json.loads(
            (root / VAR / "autograded" / student / lab / f"{lab}.ipynb").read_text()
        )
        return json.dumps([cell.get("outputs", []) for cell in graded["cells"]])

    assert "[grader] restored" not in printed("honest")
    hostile = printed("hostile")
    assert (
        "[grader] restored" in hostile
        and "mlep.grading.expect" in hostile
        and "custom exception handler" in hostile
    )
