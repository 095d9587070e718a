"""Locust load tests against the model server on loopback: real Locust processes, bounded runs."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mlep.deployment import loadtest as L
from mlep.deployment import serving as S

BODY = {"instances": [[1.0, 2.0, 3.0]]}
PATH = "/v1/models/m:predict"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    inputs = keras.Input(shape=(3,), name="features")
    base = tmp_path_factory.mktemp("models") / "m"
    S.export_model(keras.Model(inputs, keras.layers.Dense(1)(inputs)), base, 1)
    with S.serve(S.ModelServer([S.ModelConfig("m", str(base))], poll_seconds=0), port=0) as run:
        yield run.url


def test_a_run_reports_locusts_own_counts_and_ordered_percentiles(server):
    stats = L.locust_run(server, PATH, BODY, users=4, run_time_s=2)
    # How many requests fit in 2 s depends on the machine's load: only that some did, none failed
    assert stats["requests"] > 0 and stats["failures"] == 0
    assert stats["p50_ms"] <= stats["p90_ms"] <= stats["p99_ms"] <= stats["p99.9_ms"]
    assert stats["requests_per_s"] > 0


def test_the_request_budget_stops_the_run_early(server):
    stats = L.locust_run(server, PATH, BODY, users=4, run_time_s=30, max_requests=40)
    assert stats["requests"] == 40  # and it did not wait out the 30 s (the timeout below would say)


def test_failed_requests_are_counted_not_hidden(server):
    stats = L.locust_run(
        server, "/v1/models/unknown:predict", BODY, users=2, run_time_s=30, max_requests=30
    )
    assert stats["failures"] == stats["requests"] == 30


@pytest.mark.parametrize(
    "host, message",
    [
        ("http://example.com:8501", "loopback"),
        ("http://10.0.0.5:8501", "loopback"),
        ("127.0.0.1:8501", "URL like"),
    ],
)
def test_only_loopback_hosts_are_load_tested(host, message):
    with pytest.raises(ValueError, match=message):
        L.locust_run(host, PATH, BODY, users=1)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"users": 0}, "users"),
        ({"users": 1, "max_requests": 0}, "max_requests"),
        ({"users": 1, "run_time_s": 0}, "run_time_s"),
    ],
)
def test_unbounded_or_empty_runs_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        L.locust_run("http://127.0.0.1:1", PATH, BODY, **options)


def test_percentiles_from_the_histogram_match_locusts_own_on_random_histograms():
    """Locust's rule, computed by Locust in a child process (importing it patches gevent)."""
    rng = np.random.default_rng(0)
    histograms = []
    for _ in range(200):
        samples = rng.integers(1, int(rng.integers(2, 300)), size=int(rng.integers(1, 60)))
        values, counts = np.unique(samples, return_counts=True)
        histograms.append({str(v): int(c) for v, c in zip(values, counts)})
    histograms.append({str(ms): 1 for ms in range(1, 11)})
    quantiles = (*L.PERCENTILES, 0.0, 0.1, 0.25, 1.0)
    script = (
        "import json, sys\n"
        "from locust.stats import calculate_response_time_percentile as p\n"
        "hs, qs = json.load(sys.stdin)\n"
        "print(json.dumps([[p({int(k): v for k, v in h.items()}, sum(h.values()), q)"
        " for q in qs] for h in hs]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps([histograms, quantiles]),
        capture_output=True,
        text=True,
        check=True,
    )
    expected = json.loads(done.stdout)
    ours = [[L._percentile(h, q) for q in quantiles] for h in histograms]
    assert ours == expected
    assert L._percentile(histograms[-1], 0.5) == 6.0  # numpy's inverted_cdf says 5


def test_compare_and_plot(server):
    table = L.compare(
        {"mlep": (server, PATH)}, BODY, concurrency=(1, 2), run_time_s=30, max_requests=20
    )
    assert table[["server", "concurrency", "requests"]].values.tolist() == [
        ["mlep", 1, 20],
        ["mlep", 2, 20],
    ]
    figure = L.plot_percentiles(table)
    assert len(figure.axes) == 2


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: L.locust_run(8501, PATH, BODY, users=1), TypeError, "host must be a string"),
        (
            lambda: L.locust_run("http://127.0.0.1:1", PATH, BODY, users=True),
            TypeError,
            "users must be an integer",
        ),
        (
            lambda: L.locust_run("http://127.0.0.1:1", PATH, BODY, users=1, run_time_s="10"),
            TypeError,
            "run_time_s must be a number",
        ),
        (
            lambda: L.locust_run(
                "http://127.0.0.1:1", PATH, BODY, users=1, run_time_s=float("inf")
            ),
            ValueError,
            "run_time_s must be a finite",
        ),
        (
            lambda: L.locust_run("http://127.0.0.1:1", PATH, BODY, users=1, timeout_s=0),
            ValueError,
            "timeout_s must be > 0",
        ),
        (
            lambda: L.locust_run("http://127.0.0.1:1", PATH, {"x": object()}, users=1),
            TypeError,
            "body must be JSON",
        ),
        (
            lambda: L.locust_run("http://127.0.0.1:1", None, BODY, users=1),
            TypeError,
            "path must be a string",
        ),
        (lambda: L.compare("http://127.0.0.1:1", BODY), TypeError, "targets must be a dict"),
        (lambda: L.compare({}, BODY), ValueError, "targets must name at least one"),
        (
            lambda: L.compare({"a": "http://127.0.0.1:1"}, BODY),
            TypeError,
            "must be a \\(host, path\\) pair",
        ),
        (lambda: L.compare({"a": ("http://example.com", PATH)}, BODY), ValueError, "loopback"),
        (
            lambda: L.compare({"a": ("http://127.0.0.1:1", PATH)}, BODY, concurrency=[]),
            ValueError,
            "concurrency must hold",
        ),
        (
            lambda: L.compare({"a": ("http://127.0.0.1:1", PATH)}, BODY, concurrency=8),
            TypeError,
            "concurrency must be a list",
        ),
        (
            lambda: L.compare({"a": ("http://127.0.0.1:1", PATH)}, BODY, concurrency=[1, 0]),
            ValueError,
            "each concurrency must be >= 1",
        ),
    ],
)
def test_bad_targets_and_settings_are_refused_before_any_run(call, error, message):
    # before: an empty concurrency or a string of targets returned an empty table
    with pytest.raises(error, match=message):
        call()
