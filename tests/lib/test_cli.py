"""The `mlep` command as people use it (tools environment)."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from mlep.runtime import project_root

from conftest import tool


def _mlep(*args, **kwargs):
    return subprocess.run(
        [tool("mlep"), *args], capture_output=True, text=True, timeout=120, **kwargs
    )


def test_labs_lists_each_lab_with_its_exercises():
    run = _mlep("labs")
    assert run.returncode == 0
    assert re.search(
        r"c2w1_data_validation\s+8 exercises, 14 points\s+labs/c2w1_data_validation/", run.stdout
    )


def test_datasets_list_and_describe():
    listing = _mlep("datasets")
    assert "hospital_readmission" in listing.stdout and "chicago_taxi" in listing.stdout
    sheet = _mlep("datasets", "describe", "hospital_readmission")
    assert sheet.returncode == 0 and "licence:" in sheet.stdout and "sha256" not in sheet.stdout
    unknown = _mlep("datasets", "describe", "mnist")
    assert unknown.returncode == 2
    assert (
        "unknown dataset 'mnist'; available: chicago_taxi, driver_stats, forest_cover, "
        "hospital_readmission, loan_applications, metro_traffic, video_comments" in unknown.stderr
    )
    assert "Traceback" not in unknown.stderr


def test_grade_without_submissions_says_where_they_go(tmp_path):
    run = _mlep("grade", "c2w1_data_validation", "--root", str(tmp_path))
    assert (
        run.returncode == 2
        and "no submissions under" in run.stderr
        and "Traceback" not in run.stderr
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, deadline: float) -> int:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in time")


@pytest.mark.slow
def test_start_serves_site_and_jupyterlab_and_stops_both_on_ctrl_c():
    site_port, lab_port = _free_port(), _free_port()
    process = subprocess.Popen(
        [tool("mlep"), "start", "--site-port", str(site_port), "--lab-port", str(lab_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # started the way a background job is: with SIGINT ignored, which children inherit
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    try:
        first = lines.get(timeout=60)
        while "course site" not in first:  # a first run says which work copies it made
            first = lines.get(timeout=60)
        # the site is still building: no address yet, only the word
        assert "building" in first and f":{site_port}/" not in first, first
        deadline = time.monotonic() + 180
        address, seen = f"http://127.0.0.1:{site_port}/", ""
        while address not in seen or "token=" not in seen:  # each address once it answers
            seen += lines.get(
                timeout=max(1, deadline - time.monotonic())
            )  # queue.Empty: it never came
        token = re.search(r"token=(\w+)", seen)[1]
        # printed once it answers: it answers now
        with urllib.request.urlopen(f"http://127.0.0.1:{site_port}/", timeout=5) as r:
            assert r.status == 200
        assert (
            _wait_for(f"http://127.0.0.1:{lab_port}/api/kernelspecs?token={token}", deadline) == 200
        )
        with urllib.request.urlopen(
            f"http://127.0.0.1:{lab_port}/api/kernelspecs?token={token}"
        ) as r:
            assert b'"mlep"' in r.read()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, _ = process.communicate(
            timeout=90
        )  # JupyterLab shuts kernels down first; slow on a busy machine
    assert process.returncode == 0
    for port in (site_port, lab_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served after Ctrl-C"


def test_start_refuses_a_busy_site_port_before_starting_anything(tmp_path):
    """mkdocs serve binds only after a minute of building: meanwhile another server on the port
    would answer as if it were the course site, so `mlep start` says so and starts nothing."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = _mlep("start", "--site-port", str(port), "--lab-port", "1", "--root", str(tmp_path))
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"port {port} is in use" in run.stderr and "--site-port" in run.stderr
    assert "http://" not in run.stdout and not (tmp_path / "work").exists()


def test_workspace_update_command_reports_each_lab(tmp_path):
    run = _mlep("update", "c9w9_nothing")
    assert run.returncode == 2 and "cannot update: lab must be one of" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_start_with_jupyterlab_port_busy_prints_the_port_it_took_and_learner_settings():
    """Jupyter moves to the next free port: the URL printed is the one that answers (loopback)."""
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    lab_port, site_port = busy.getsockname()[1], _free_port()
    process = subprocess.Popen(
        [tool("mlep"), "start", "--site-port", str(site_port), "--lab-port", str(lab_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    try:
        seen = ""
        while "JupyterLab:   http" not in seen:
            seen += lines.get(timeout=180)  # queue.Empty: JupyterLab never answered
        assert "JupyterLab:   starting..." in seen and "course site:  building..." in seen
        url = re.search(r"JupyterLab:   (http://127\.0\.0\.1:(\d+)/lab\?token=(\w+))(.*)", seen)
        port, token = int(url[2]), url[3]
        assert port != lab_port and f"(port {lab_port} was busy)" in url[4]
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(url[1], timeout=10) as r:
            assert r.status == 200
            page = r.read().decode()
        with urllib.request.urlopen(f"{base}/api/kernelspecs?token={token}", timeout=10) as r:
            specs = json.loads(r.read())
        assert specs["default"] == "mlep" and sorted(specs["kernelspecs"]) == ["mlep"]
        with urllib.request.urlopen(
            f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}",
            timeout=10,
        ) as r:
            notification = json.loads(r.read())["schema"]["properties"]
        assert notification["fetchNews"]["default"] == "false"
        assert (
            '"@jupyter/nbgrader:formgrader"' in page
            and '"@jupyter/nbgrader:validate-assignment"' not in page
        )
        with pytest.raises(
            urllib.error.HTTPError
        ) as missing:  # the formgrader server extension is off
            urllib.request.urlopen(f"{base}/formgrader?token={token}", timeout=10)
        assert missing.value.code == 404
        with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=10) as r:
            folders = {item["name"] for item in json.loads(r.read())["content"]}
        assert "c2w1_data_validation" in folders
        log = (project_root() / ".cache" / "mlep-start" / "jupyterlab.log").read_text(
            encoding="utf-8"
        )
        assert (
            f"Serving notebooks from local directory: {project_root() / 'work'}" in log
        )  # not labs/
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=90)
        busy.close()
    assert process.returncode == 0
