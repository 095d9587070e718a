"""The `mlep` command as people use it (tools environment)."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import tool


def _mlep(*args, **kwargs):
    return subprocess.run([tool("mlep"), *args], capture_output=True, text=True, timeout=120, **kwargs)


def test_labs_lists_each_lab_with_its_exercises():
    run = _mlep("labs")
    assert run.returncode == 0
    assert re.search(r"c2w1_data_validation\s+7 exercises, 12 points\s+labs/c2w1_data_validation/", run.stdout)


def test_datasets_list_and_describe():
    listing = _mlep("datasets")
    assert "hospital_readmission" in listing.stdout and "chicago_taxi" in listing.stdout
    sheet = _mlep("datasets", "describe", "hospital_readmission")
    assert sheet.returncode == 0 and "licence:" in sheet.stdout and "sha256" not in sheet.stdout
    unknown = _mlep("datasets", "describe", "mnist")
    assert unknown.returncode == 2
    assert "unknown dataset 'mnist'; available: chicago_taxi, driver_stats, forest_cover, hospital_readmission, loan_applications, metro_traffic, video_comments" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_grade_without_submissions_says_where_they_go(tmp_path):
    run = _mlep("grade", "c2w1_data_validation", "--root", str(tmp_path))
    assert run.returncode == 2 and "no submissions under" in run.stderr and "Traceback" not in run.stderr


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
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # started the way a background job is: with SIGINT ignored, which children inherit
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        first = lines.get(timeout=60) + lines.get(timeout=60)
        # the site is still building: no address yet, only the word
        assert "building" in first and f":{site_port}/" not in first, first
        token = re.search(r"token=(\w+)", first)[1]
        deadline = time.monotonic() + 180
        address = f"http://127.0.0.1:{site_port}/"
        while address not in lines.get(timeout=max(1, deadline - time.monotonic())):
            pass  # the lines before the site's address (a queue.Empty here: it never came)
        # printed once it answers: it answers now
        with urllib.request.urlopen(f"http://127.0.0.1:{site_port}/", timeout=5) as r:
            assert r.status == 200
        assert _wait_for(f"http://127.0.0.1:{lab_port}/api/kernelspecs?token={token}", deadline) == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{lab_port}/api/kernelspecs?token={token}") as r:
            assert b'"mlep"' in r.read()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        out, _ = process.communicate(timeout=90)  # JupyterLab shuts kernels down first; slow on a busy machine
    assert process.returncode == 0
    for port in (site_port, lab_port):
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served after Ctrl-C"
