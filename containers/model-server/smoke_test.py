"""Start the server on loopback, check its answers, stop it: the build's own test.

``podman run`` does not work on the course's test machines, so the image is tested while it is
built: a ``RUN python smoke_test.py`` step starts ``uvicorn app:app`` on 127.0.0.1 (a free
port), sends real HTTP requests with the standard library, and stops the server whatever
happens. A failed check fails the build. Only the standard library and the image's packages.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import joblib
from sklearn.datasets import load_wine

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, body=None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode} before answering")
        try:
            if call(url + "/health")[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url}/health within {seconds:.0f} s")


def check(url: str) -> list[str]:
    """The checks; returns what went wrong (empty when all passed)."""
    data = load_wine()
    names = [name.replace("/", "_") for name in data.feature_names]
    want = joblib.load(HERE / "model" / "wine.joblib").predict(data.data)
    problems = []
    status, body = call(url + "/health")
    if body.get("features") != names:
        problems.append(f"/health: {status} {body}")
    for i in (0, 100, 170):
        status, body = call(url + "/predict", dict(zip(names, data.data[i].tolist())))
        if (status, body) != (200, {"prediction": f"class_{want[i]}"}):
            problems.append(f"/predict of wine {i}: {status} {body}, want class_{want[i]}")
    rows = [dict(zip(names, row.tolist())) for row in data.data[:50]]
    status, body = call(url + "/predict/batch", {"instances": rows})
    if (status, body.get("predictions")) != (200, [f"class_{k}" for k in want[:50]]):
        problems.append(f"/predict/batch: {status} {str(body)[:200]}")
    status, body = call(url + "/predict", {**rows[0], "alcohol": -1})
    if status != 422 or not body.get("error", "").startswith("alcohol: "):
        problems.append(f"a negative alcohol: {status} {body}, want a 422 naming alcohol")
    return problems


def main() -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning"], cwd=HERE)
    try:
        wait_until_up(url, server)
        problems = check(url)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for problem in problems:
        print("smoke test FAILED:", problem, file=sys.stderr)
    if not problems:
        print(f"smoke test passed: /health, /predict, /predict/batch and a 422 on {url}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
