"""Load testing a model server with Locust, headless, bounded, loopback only (C4W2).

The course load-tests its serving infrastructure with Locust: many simulated users send requests
while Locust records throughput and the latency distribution. :func:`locust_run` does the same
from Python: it writes a tiny locustfile whose users POST one JSON body to one path as fast as
they can, runs ``locust --headless`` in its own process (so the load generator does not share an
interpreter with the server under test), and returns Locust's own statistics as one row.
:func:`compare` runs one row per (server, concurrency) and :func:`plot_percentiles` draws the
latency percentiles.

Every run is bounded twice, by ``run_time_s`` and by ``max_requests``, and only loopback hosts
are accepted: a load test is not a tool to point at someone else's server.

Examples
--------
>>> _check_host("http://127.0.0.1:8501")
'http://127.0.0.1:8501'
>>> _check_host("http://example.com")
Traceback (most recent call last):
...
ValueError: host must be on loopback (127.0.0.1, localhost or [::1]); got 'example.com'
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from mlep._checks import count as count_of
from mlep._checks import instance, positive, text

__all__ = ["compare", "locust_run", "plot_percentiles"]

PERCENTILES = (0.5, 0.9, 0.95, 0.99, 0.999)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

_LOCUSTFILE = """\
import json

import gevent
from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

BODY = json.loads({body!r})
LIMIT = {limit!r}


class Client(FastHttpUser):
    wait_time = constant(0)
    sent = 0  # shared by all users of this process: the request budget

    @task
    def post(self):
        if LIMIT is not None and Client.sent >= LIMIT:
            gevent.spawn(self.environment.runner.quit)  # not from this greenlet: quit() kills users
            raise StopUser()
        Client.sent += 1
        self.client.post({path!r}, json=BODY, name="request")
"""


def _check_host(host: str) -> str:
    parts = urlsplit(text(host, "host"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"host must be a URL like 'http://127.0.0.1:8501'; got {host!r}")
    if parts.hostname not in _LOOPBACK:
        raise ValueError(
            f"host must be on loopback (127.0.0.1, localhost or [::1]); got {parts.hostname!r}"
        )
    return host


def _percentile(histogram: Mapping[str, int], q: float) -> float:
    """The ``q``-quantile of Locust's response-time histogram (rounded ms -> count).

    Locust's own rule (``locust.stats.calculate_response_time_percentile``), so the numbers
    are the ones its web UI and CSV report: the largest time with at most ``int(n * q)``
    requests below it. With ``n * q`` whole that is the sample just above numpy's
    ``inverted_cdf`` (the p50 of 1..10 ms is 6, not 5).
    """
    times = sorted(((float(ms), count) for ms, count in histogram.items()), reverse=True)
    total = sum(count for _, count in times)
    allowed = int(total * q)
    seen = 0
    for ms, count in times:
        seen += count
        if total - seen <= allowed:
            return ms
    return 0.0


def _stats_row(path: Path) -> dict[str, float]:
    if not path.exists():
        raise RuntimeError(f"Locust wrote no statistics ({path.name} is missing)")
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not entries or entries[0]["num_requests"] == 0:
        raise RuntimeError("Locust sent no request: is the server up and the path right?")
    entry = entries[0]  # one request name, so this is the aggregate
    seconds = max(entry["last_request_timestamp"] - entry["start_time"], 1e-9)
    result = {
        "requests": entry["num_requests"],
        "failures": entry["num_failures"],
        "requests_per_s": entry["num_requests"] / seconds,
        "mean_ms": entry["total_response_time"] / entry["num_requests"],
    }
    for q in PERCENTILES:
        result[f"p{q * 100:g}_ms"] = _percentile(entry["response_times"], q)
    return result


def locust_run(
    host: str,
    path: str,
    body: Any,
    *,
    users: int,
    run_time_s: float = 10,
    max_requests: int | None = None,
    timeout_s: float | None = None,
) -> dict[str, float]:
    """Send ``body`` to ``host + path`` from ``users`` concurrent Locust users; return the stats.

    Parameters
    ----------
    host : str
        Loopback URL of the server, e.g. ``"http://127.0.0.1:8501"``.
    path : str
        Request path, e.g. ``"/v1/models/m:predict"``.
    body : JSON-serialisable
        The request body every user sends.
    users : int
        Concurrent users (all start at once; none waits between requests).
    run_time_s : float
        Upper bound on the test's duration.
    max_requests : int, optional
        Upper bound on the number of requests (all users together).
    timeout_s : float, optional
        Wall-clock limit for the Locust process (default ``run_time_s + 60``).

    Returns
    -------
    dict
        ``requests``, ``failures``, ``requests_per_s``, ``mean_ms`` and ``p50_ms`` … ``p99.9_ms``
        as Locust measured them.
    """
    _check_host(host)
    if not text(path, "path").startswith("/"):
        raise ValueError(f"path must start with '/', but got {path!r}")
    count_of(users, "users", minimum=1)
    if max_requests is not None:
        count_of(max_requests, "max_requests", minimum=1)
    positive(run_time_s, "run_time_s")
    if timeout_s is not None:
        positive(timeout_s, "timeout_s")
    try:
        json.dumps(body)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"body must be JSON-serialisable, but got {type(body).__name__}: {error}"
        ) from None
    with tempfile.TemporaryDirectory(prefix="mlep-locust-") as tmp:
        locustfile = Path(tmp) / "locustfile.py"
        locustfile.write_text(
            _LOCUSTFILE.format(body=json.dumps(body), path=path, limit=max_requests),
            encoding="utf-8",
        )
        command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(locustfile),
            "--headless",
            "--only-summary",
            "--host",
            host,
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{max(1, round(run_time_s))}s",
            "--stop-timeout",
            "5",
            "--json-file",
            str(Path(tmp) / "stats"),
            "--skip-log-setup",
        ]
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout_s or run_time_s + 60,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(
                f"Locust did not finish within {timeout_s or run_time_s + 60:.0f} s"
            ) from None
        if done.returncode not in (0, 1):  # 1 = some requests failed, reported in the stats
            raise RuntimeError(
                f"Locust failed (exit {done.returncode}): {done.stderr.strip()[-800:]}"
            )
        return _stats_row(Path(tmp) / "stats.json")


def compare(
    targets: Mapping[str, tuple[str, str]],
    body: Any,
    *,
    concurrency: Sequence[int] = (1, 8, 32),
    run_time_s: float = 10,
    max_requests: int | None = None,
) -> pd.DataFrame:
    """Run :func:`locust_run` for every target and concurrency; one row each.

    Parameters
    ----------
    targets
        Server name → ``(host, path)``, each host on loopback.
    body
        The JSON body every request posts.
    concurrency
        The numbers of users to run, each >= 1.
    run_time_s, max_requests
        As for :func:`locust_run`.
    """
    instance(targets, Mapping, "targets", "a dict of name -> (host, path)")
    if not targets:
        raise ValueError("targets must name at least one server, but got an empty dict")
    for name, target in targets.items():
        if not isinstance(target, (tuple, list)) or len(target) != 2:
            raise TypeError(f"targets[{name!r}] must be a (host, path) pair, but got {target!r}")
        _check_host(target[0])
        if not text(target[1], f"targets[{name!r}]'s path").startswith("/"):
            raise ValueError(f"targets[{name!r}]'s path must start with '/', but got {target[1]!r}")
    if isinstance(concurrency, (str, bytes)) or not isinstance(concurrency, Sequence):
        raise TypeError(f"concurrency must be a list of user counts, but got {concurrency!r}")
    if not concurrency:
        raise ValueError("concurrency must hold at least one user count, but got none")
    for users in concurrency:
        count_of(users, "each concurrency", minimum=1)
    positive(run_time_s, "run_time_s")
    if max_requests is not None:
        count_of(max_requests, "max_requests", minimum=1)
    rows = []
    for users in concurrency:
        for name, (host, path) in targets.items():
            stats = locust_run(
                host, path, body, users=users, run_time_s=run_time_s, max_requests=max_requests
            )
            rows.append({"server": name, "concurrency": users, **stats})
    return pd.DataFrame(rows)


def plot_percentiles(table: pd.DataFrame):
    """Latency percentiles per server, one panel per concurrency (log scale)."""
    import matplotlib.pyplot as plt

    columns = [f"p{q * 100:g}_ms" for q in PERCENTILES]
    levels = sorted(table["concurrency"].unique())
    fig, axes = plt.subplots(
        1, len(levels), figsize=(4 * len(levels), 3.2), sharey=True, squeeze=False
    )
    plt.close(fig)  # detach from pyplot: the caller owns and displays the figure
    for ax, users in zip(axes[0], levels):
        for _, row in table[table["concurrency"] == users].iterrows():
            ax.plot(
                [f"p{q * 100:g}" for q in PERCENTILES],
                row[columns].to_numpy(float),
                marker="o",
                label=row["server"],
            )
        ax.set_title(f"{users} concurrent users")
        ax.set_xlabel("percentile")
        ax.set_yscale("log")
    axes[0][0].set_ylabel("latency (ms)")
    axes[0][0].legend()
    fig.tight_layout()
    return fig
