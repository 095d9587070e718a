"""The mlep kernel as JupyterLab runs it: what a learner sees when a lab test fails or an
exercise is still a stub, and the scratch folders labs make, removed when the kernel shuts
down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlep.runtime import project_root

jupyter_client = pytest.importorskip("jupyter_client")


def _start():
    from jupyter_client.manager import start_new_kernel

    with (
        pytest.MonkeyPatch.context() as patch
    ):  # the kernel JupyterLab offers: registered in the tools env
        patch.setenv("JUPYTER_PATH", str(project_root() / ".envs" / "tools" / "share" / "jupyter"))
        patch.delenv("MLEP_GRADED", raising=False)
        return start_new_kernel(kernel_name="mlep", startup_timeout=120)


@pytest.fixture(scope="module")
def kernel():
    manager, client = _start()
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def _run(client, code: str) -> tuple[str, list[dict]]:
    """The reply's status and the error messages of running ``code``."""
    msg_id = client.execute(code)
    errors = []
    while True:
        message = client.get_iopub_msg(timeout=120)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "error":
            errors.append(message["content"])
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            break
    reply = client.get_shell_msg(timeout=120)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=120)
    return reply["content"]["status"], errors


def test_an_unattempted_exercise_says_so_and_a_failed_test_shows_its_message_without_grader_frames(
    kernel,
):
    _run(kernel, "def summarize(stats):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n")
    status, [error] = _run(kernel, "summarize(None)")
    assert (
        status == "error" and error["ename"] == "NotImplementedError"
    )  # still fails, still scores 0
    [line] = error["traceback"]
    assert "not attempted yet: summarize() still raises NotImplementedError" in line

    status, [error] = _run(
        kernel,
        "from mlep.grading import expect\n"
        "expect.instance([], dict, 'Exercise 2', what='summarize(stats)')",
    )
    assert status == "error" and error["ename"] == "ExerciseFailure"
    [line] = error["traceback"]
    assert "ExerciseFailure: Exercise 2: summarize(stats) should be a dict" in line
    assert "expect.py" not in line


def test_an_undefined_name_keeps_its_frames_and_says_to_run_the_cells_above(kernel):
    status, [error] = _run(kernel, "def use():\n    return pipeline_run\nuse()")
    assert status == "error" and error["ename"] == "NameError"  # still an error: scores 0
    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error["traceback"]))
    assert "return pipeline_run" in text  # the frame where the name was needed
    assert text.count("is not defined") == 1
    assert "run the cells above in order" in text.splitlines()[-1]
    status, [error] = _run(kernel, "def f():\n    x += 1\nf()")
    assert error["ename"] == "UnboundLocalError"  # a bug in the cell itself: no such hint
    assert "cells above" not in "".join(error["traceback"])


def test_other_errors_keep_their_full_traceback(kernel):
    status, [error] = _run(kernel, "def g():\n    return 1 / 0\ng()")
    assert status == "error" and error["ename"] == "ZeroDivisionError"
    text = re.sub(r"\x1b\[[0-9;]*m", "", "".join(error["traceback"]))
    assert "Traceback" in text and "return 1 / 0" in text  # the frames where it happened


def _stdout(client, code: str) -> str:
    msg_id, text = client.execute(code), ""
    while True:
        message = client.get_iopub_msg(timeout=120)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "stream":
            text += message["content"]["text"]
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return text


def test_scratch_folders_a_lab_makes_are_removed_at_shutdown_and_a_killed_kernels_next_time():
    manager, client = _start()
    try:
        folder = Path(
            _stdout(
                client,
                "import tempfile\nd = tempfile.mkdtemp(prefix='c4w1-')\n"
                "open(d + '/x', 'w').write('x')\nprint(d)",
            ).strip()
        )
        assert folder.is_dir() and folder.parent.name.startswith("mlep-kernel-")
        kernel_dir = folder.parent
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)  # as JupyterLab does: a shutdown request
    assert not kernel_dir.exists()

    manager, client = _start()
    try:
        killed = Path(_stdout(client, "import tempfile\nprint(tempfile.gettempdir())").strip())
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)  # killed: no chance to clean up
    assert killed.is_dir()
    manager, client = _start()  # the next kernel removes it
    client.stop_channels()
    manager.shutdown_kernel(now=False)
    assert not killed.exists()
