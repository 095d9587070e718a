"""The learner's container: its files agree with each other, and torch's CPU index is added only
where no local wheel of the locked build exists. (`make test-container` builds the image itself.)
"""

from __future__ import annotations

import importlib.util
import json
import re
import signal

import pytest

from mlep import cli
from mlep.runtime import project_root

ROOT = project_root()


def _uv_env():
    spec = importlib.util.spec_from_file_location("uv_env", ROOT / "tools" / "uv_env.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


uv_env = _uv_env()
LOCK = (ROOT / "requirements" / "course-constraints.txt").read_text()
CONTAINERFILE = (ROOT / "Containerfile").read_text()


def test_the_lock_pins_a_cpu_build_of_torch():
    assert uv_env.torch_pin(LOCK) == "2.13.0+cpu"
    assert uv_env.torch_pin("numpy==1.26.4\ntorch==2.13.0\n") is None


def test_torch_index_is_added_where_no_local_wheel_exists(tmp_path):
    settings = {"extra-index-url": "file:///nowhere/simple", "find-links": str(tmp_path)}
    added = uv_env.with_torch_index(settings, LOCK, environ={})
    assert added["extra-index-url"] == "file:///nowhere/simple https://download.pytorch.org/whl/cpu"
    assert added["find-links"] == str(tmp_path)
    assert uv_env.with_torch_index({}, LOCK, environ={}) == {"extra-index-url": uv_env.TORCH_INDEX}
    words = uv_env.uv_words(added)
    assert (
        "'UV_EXTRA_INDEX_URL=file:///nowhere/simple https://download.pytorch.org/whl/cpu'" in words
    )


def test_a_local_wheel_keeps_the_install_offline(tmp_path):
    (tmp_path / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").touch()
    for links in (str(tmp_path), tmp_path.as_uri(), f"/nowhere {tmp_path}"):
        settings = {"find-links": links}
        assert uv_env.with_torch_index(settings, LOCK, environ={}) == settings
    # another version's wheel is not the locked one
    assert "extra-index-url" in uv_env.with_torch_index(
        {"find-links": str(tmp_path)},
        LOCK.replace("torch==2.13.0+cpu", "torch==2.14.0+cpu"),
        environ={},
    )


def test_a_local_index_holding_the_wheel_keeps_the_install_offline(tmp_path):
    page = tmp_path / "simple" / "torch"
    page.mkdir(parents=True)
    (page / "index.html").write_text(
        '<a href="../../files/torch-2.13.0%2Bcpu-cp311-cp311-manylinux_2_28_x86_64.whl">torch</a>'
    )
    settings = {"extra-index-url": (tmp_path / "simple").as_uri()}
    assert uv_env.with_torch_index(settings, LOCK, environ={}) == settings
    (page / "index.html").write_text('<a href="torch-2.12.0-cp311-none-any.whl">torch</a>')
    assert uv_env.with_torch_index(settings, LOCK, environ={}) != settings


def test_mlep_torch_index_replaces_or_disables_the_index():
    mirror = {"MLEP_TORCH_INDEX": "https://mirror.example/whl/cpu"}
    assert uv_env.with_torch_index({}, LOCK, environ=mirror) == {
        "extra-index-url": mirror["MLEP_TORCH_INDEX"]
    }
    assert uv_env.with_torch_index({}, LOCK, environ={"MLEP_TORCH_INDEX": ""}) == {}


def test_the_containerfile_names_the_base_the_test_builds():
    base = re.search(
        r"^CONTAINER_BASE := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE
    ).group(1)
    assert re.search(rf"^FROM (--platform=\S+ )?{re.escape(base)}$", CONTAINERFILE, re.MULTILINE)


def test_the_containerfile_serves_the_course_and_tests_only_when_asked():
    assert "make setup" in CONTAINERFILE
    assert re.search(r'if \[ "\$MLEP_TEST" = 1 \]; then make test-fast; fi', CONTAINERFILE)
    assert re.search(r"^ARG MLEP_TEST=0$", CONTAINERFILE, re.MULTILINE)
    assert re.search(r"^EXPOSE 8000 8888$", CONTAINERFILE, re.MULTILINE)
    assert "MLEP_HOST=0.0.0.0" in CONTAINERFILE
    assert CONTAINERFILE.rstrip().endswith('CMD ["make", "start"]')


def test_the_build_context_leaves_out_environments_and_generated_files():
    docker = (ROOT / ".dockerignore").read_text()
    assert (ROOT / ".containerignore").read_text() == docker, (
        "keep .containerignore = .dockerignore"
    )
    patterns = {line for line in docker.splitlines() if line and not line.startswith("#")}
    assert {".envs", "site", "autograder/var", "**/__pycache__", ".pytest_cache"} <= patterns


def test_the_devcontainer_builds_the_containerfile_and_forwards_both_ports():
    text = (ROOT / ".devcontainer" / "devcontainer.json").read_text()
    config = json.loads(
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    )
    assert (
        ROOT / ".devcontainer" / config["build"]["dockerfile"]
    ).resolve() == ROOT / "Containerfile"
    assert (ROOT / ".devcontainer" / config["build"]["context"]).resolve() == ROOT
    assert config["forwardPorts"] == [8000, 8888]
    assert config["postCreateCommand"] == "make setup"


class _Exited:
    """A stand-in for a server process that has already stopped: `_start` returns at once."""

    pid = 0
    returncode = 1

    def poll(self):
        return 1

    def wait(self, timeout=None):
        return 1


@pytest.mark.parametrize(
    ("argv", "environ", "host"),
    [
        ([], {}, "127.0.0.1"),
        ([], {"MLEP_HOST": "0.0.0.0"}, "0.0.0.0"),
        (["--host", "0.0.0.0"], {}, "0.0.0.0"),
    ],
)
def test_mlep_start_binds_loopback_unless_asked(monkeypatch, tmp_path, capsys, argv, environ, host):
    from mlep import workspace

    monkeypatch.delenv("MLEP_HOST", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    commands = []
    monkeypatch.setattr(
        cli, "_server", lambda argv, *rest: commands.append([str(a) for a in argv]) or _Exited()
    )
    monkeypatch.setattr(cli, "project_root", lambda: tmp_path)  # no work/ copies in the checkout
    monkeypatch.setattr(workspace, "ensure_copies", lambda root: [])
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # keep the test process's handlers
    args = cli.parser().parse_args(["start", *argv])
    assert cli._start(args) == 1  # both "servers" stopped at once
    mkdocs, jupyter = commands
    assert mkdocs[mkdocs.index("--dev-addr") + 1] == f"{host}:8000"
    assert f"--ip={host}" in jupyter
    assert "stopped unexpectedly" in capsys.readouterr().err
