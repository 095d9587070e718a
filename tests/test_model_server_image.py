"""The model server's image (containers/model-server): its files agree with each other and with
the course's lock, its app and smoke test work on this machine, and (only under
`make test-model-server-image`, MLEP_IMAGE_TESTS=1) it builds with `podman build --isolation
chroot` from the Debian base that the Makefile makes, its smoke test passing inside the build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "containers" / "model-server"
CONTAINERFILE = (FOLDER / "Containerfile").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
PODMAN = ["podman", "--storage-driver", "vfs"]
TAG = "localhost/mlep-model-server-test"


def _make_variable(name: str) -> str:
    return re.search(rf"^{name} \??:?= ?(\S+)$", MAKEFILE, re.MULTILINE).group(1)


def test_the_image_builds_on_the_base_the_makefile_makes():
    assert re.search(
        rf"^FROM {re.escape(_make_variable('CONTAINER_BASE'))}$", CONTAINERFILE, re.MULTILINE
    )


def test_every_copied_path_exists_and_the_build_runs_the_smoke_test():
    for line in re.findall(r"^COPY (.+)$", CONTAINERFILE, re.MULTILINE):
        for source in line.split()[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: no such path in the build context"
    assert re.search(
        r"^RUN python train\.py && python smoke_test\.py$", CONTAINERFILE, re.MULTILINE
    )
    assert re.search(r"^USER server$", CONTAINERFILE, re.MULTILINE)  # not root at run time
    assert CONTAINERFILE.rstrip().endswith(
        'CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]'
    )


def test_the_images_packages_are_all_in_the_course_lock():
    lock = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "requirements" / "course-constraints.txt").read_text().splitlines()
        if "==" in line
    }
    wanted = [
        line.split("#")[0].strip()
        for line in (FOLDER / "requirements.txt").read_text().splitlines()
    ]
    wanted = [w.lower() for w in wanted if w]
    assert wanted and all(re.fullmatch(r"[a-z0-9-]+", w) for w in wanted), (
        "unpinned names; the lock pins them"
    )
    assert set(wanted) <= lock
    assert "-c /srv/constraints.txt -r /srv/requirements.txt" in CONTAINERFILE


@pytest.mark.slow
@pytest.mark.xdist_group("model-server-app")
def test_the_app_trains_serves_and_passes_its_smoke_test_here(tmp_path):
    """The image's three scripts, run by the course environment in a scratch folder: the same
    checks the build runs, on a real uvicorn process on loopback."""
    for name in ("app.py", "train.py", "smoke_test.py"):
        shutil.copy(FOLDER / name, tmp_path / name)
    for script in ("train.py", "smoke_test.py"):
        run = subprocess.run(
            [sys.executable, script], cwd=tmp_path, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, f"{script}: {run.stdout}\n{run.stderr}"
    assert "smoke test passed" in run.stdout
    ranges = json.loads((tmp_path / "model" / "features.json").read_text())
    assert len(ranges) == 13 and all(r["ge"] == 0 and r["le"] > 0 for r in ranges.values())


def _podman(*args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([*PODMAN, *args], capture_output=True, text=True, **options)


@pytest.mark.skipif(
    os.environ.get("MLEP_IMAGE_TESTS") != "1",
    reason="builds a container image (minutes): run `make test-model-server-image`",
)
def test_the_image_builds_with_podman_and_its_server_answers_inside_the_build():
    base = _make_variable("CONTAINER_BASE")
    assert _podman("image", "exists", base).returncode == 0, (
        f"no base image {base}: use the make target"
    )
    certs = os.environ.get("CONTAINER_CERTS", "/etc/ssl/certs")
    start = time.monotonic()
    build = subprocess.run(
        [
            *PODMAN,
            "build",
            "--pull=never",
            "--layers=false",
            "--isolation",
            "chroot",
            "--cgroup-manager",
            "cgroupfs",
            "--ulimit",
            "nofile=1024:1024",
            "-v",
            f"{certs}:/etc/ssl/host-certs:ro",
            "--build-arg",
            "PIP_CERT=/etc/ssl/host-certs/ca-certificates.crt",
            "-f",
            str(FOLDER / "Containerfile"),
            "-t",
            TAG,
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    seconds = time.monotonic() - start
    try:
        assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
        assert "smoke test passed" in build.stdout + build.stderr
        config = json.loads(_podman("image", "inspect", TAG).stdout)[0]
        assert config["Config"]["User"] == "server"
        assert config["Config"]["Cmd"] == [
            "uvicorn",
            "app:app",
            "--host",
            "0.0.0.0",
            "--port",
            "8000",
        ]
        assert "8000/tcp" in config["Config"]["ExposedPorts"]
        size = int(config["Size"])
        print(
            f"\n== model server image built and smoke-tested in {seconds:.0f} s; "
            f"size {size / 1e6:.0f} MB"
        )
    finally:
        _podman("rmi", "--force", TAG)  # only the image this test built
