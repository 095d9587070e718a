"""Feast feature store: point-in-time joins without leakage, idempotent materialization,
an online store that survives a restart, clear errors, and Redis as the scale path."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from mlep.data import datasets
from mlep.data.featurestore import FeatureRepo, FeatureStoreError, entity, feature_view, to_utc

FEATURES = ["driver_stats:conv_rate", "driver_stats:acc_rate", "driver_stats:avg_daily_trips"]
TTL_HOURS = 2
START, END = "2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z"


def _build(path, **options) -> FeatureRepo:
    repo = FeatureRepo(path, **options)
    source = repo.add_source(
        "driver_hourly", datasets.load("driver_stats", "hourly"), created_field="created"
    )
    driver = entity("driver", "driver_id")
    types = {"conv_rate": "float", "acc_rate": "float", "avg_daily_trips": "int"}
    repo.apply(driver, feature_view("driver_stats", driver, source, types, ttl_hours=TTL_HOURS))
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("feast"))


@pytest.fixture(scope="module")
def orders():
    return datasets.load("driver_stats", "orders")


def _reference_join(orders: pd.DataFrame) -> pd.DataFrame:
    """Point-in-time join by hand: newest row at or before each order, within the TTL, and
    of two rows for the same hour the one created last."""
    stats = datasets.load("driver_stats", "hourly")
    stats["event_timestamp"], stats["created"] = (
        to_utc(stats["event_timestamp"]),
        to_utc(stats["created"]),
    )
    stats = stats.sort_values(["event_timestamp", "created"]).drop_duplicates(
        ["driver_id", "event_timestamp"], keep="last"
    )
    rows = orders.assign(event_timestamp=to_utc(orders["event_timestamp"]), _row=range(len(orders)))
    joined = pd.merge_asof(
        rows.sort_values("event_timestamp"),
        stats.drop(columns="created"),
        on="event_timestamp",
        by="driver_id",
        direction="backward",
        tolerance=pd.Timedelta(hours=TTL_HOURS),
    )
    return joined.sort_values("_row").drop(columns="_row").reset_index(drop=True)


def test_point_in_time_join_equals_the_hand_join_and_never_sees_the_future(repo, orders):
    got = repo.historical_features(orders, FEATURES)
    expected = _reference_join(orders)
    assert len(got) == len(orders) and got["order_id"].tolist() == orders["order_id"].tolist()
    for column in ("conv_rate", "acc_rate"):
        np.testing.assert_allclose(got[column], expected[column], rtol=1e-6, equal_nan=True)
    np.testing.assert_array_equal(
        got["avg_daily_trips"].astype(float), expected["avg_daily_trips"].astype(float)
    )
    # the planted future rows: joining each driver's latest value would give different features
    latest = datasets.load("driver_stats", "hourly").groupby("driver_id")["conv_rate"].last()
    naive = orders["driver_id"].map(latest)
    assert (np.abs(naive - got["conv_rate"]) > 1e-6).mean() > 0.9


def test_rows_without_a_value_come_back_as_missing(repo, orders):
    got = repo.historical_features(orders, FEATURES).set_index("order_id")
    assert np.isnan(got.loc[8, "conv_rate"])  # driver 1099 has no statistics
    in_gap = (got["driver_id"] == 1002) & got["event_timestamp"].between(
        pd.Timestamp("2026-03-04T03:00Z"), pd.Timestamp("2026-03-04T08:00Z"), inclusive="left"
    )
    assert in_gap.any() and got.loc[in_gap, "conv_rate"].isna().all()  # older than the 2 h TTL
    assert got["conv_rate"].notna().mean() > 0.9


def test_a_later_correction_wins(repo):
    row = pd.DataFrame({"driver_id": [1001], "event_timestamp": ["2026-03-03T06:30:00Z"]})
    assert repo.historical_features(row, ["driver_stats:conv_rate"])["conv_rate"].iloc[
        0
    ] == pytest.approx(0.5)


def _online(repo) -> pd.DataFrame:
    rows = [{"driver_id": d} for d in (1001, 1002, 1003, 1004, 1005, 1099)]
    return repo.online_features(FEATURES, rows).sort_values("driver_id").reset_index(drop=True)


def test_materialize_is_idempotent_and_serves_the_newest_values(repo):
    repo.materialize(START, END)
    first = _online(repo)
    repo.materialize(START, END)
    pd.testing.assert_frame_equal(first, _online(repo))
    stats = datasets.load("driver_stats", "hourly").sort_values("event_timestamp", kind="stable")
    newest = stats.groupby("driver_id")["conv_rate"].last()
    np.testing.assert_allclose(first["conv_rate"].iloc[:5], newest.loc[1001:1005], rtol=1e-6)
    assert first.iloc[5][["conv_rate", "acc_rate"]].isna().all()  # unknown driver


def test_materialize_is_silent(repo, capsys):
    # a lab cell that writes to stderr (Feast's tqdm progress bar) fails under nbgrader
    repo.materialize(START, END)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_materialize_takes_rows_from_start_up_to_but_excluding_end(tmp_path):
    repo = _build(tmp_path)
    repo.materialize("2026-03-03T06:00:00Z", "2026-03-03T07:00:00Z")
    online = repo.online_features(["driver_stats:conv_rate"], [{"driver_id": 1001}])
    assert online["conv_rate"].iloc[0] == pytest.approx(0.5)  # the corrected 06:00 row, not 07:00


@pytest.mark.slow  # Feast in a second process
def test_online_store_and_registry_survive_a_restart(repo):
    repo.materialize(START, END)
    before = _online(repo)
    script = (
        "import sys; from mlep.data.featurestore import FeatureRepo; "
        f"rows = [{{'driver_id': d}} for d in (1001, 1002, 1003, 1004, 1005, 1099)]; "
        f"out = FeatureRepo(sys.argv[1]).online_features({FEATURES!r}, rows); "
        "print(out.sort_values('driver_id').to_json(orient='records'))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(repo.path)], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    after = pd.read_json(__import__("io").StringIO(run.stdout))
    np.testing.assert_allclose(after["conv_rate"], before["conv_rate"], rtol=1e-6, equal_nan=True)


def test_a_view_on_a_missing_column_fails_at_apply_naming_it(tmp_path):
    repo = FeatureRepo(tmp_path)
    source = repo.add_source("driver_hourly", datasets.load("driver_stats", "hourly"))
    driver = entity("driver", "driver_id")
    view = feature_view(
        "driver_stats", driver, source, {"conv_rate": "float", "tips": "float"}, ttl_hours=2
    )
    with pytest.raises(
        FeatureStoreError, match="uses column\\(s\\) 'tips', which its source 'driver_hourly'"
    ):
        repo.apply(driver, view)
    assert repo.store.list_feature_views() == []  # nothing half-registered


def test_bad_requests_get_specific_messages(repo, orders, tmp_path):
    with pytest.raises(
        FeatureStoreError, match="unknown feature view 'drivers'.*applied views: driver_stats"
    ):
        repo.historical_features(orders, ["drivers:conv_rate"])
    with pytest.raises(
        FeatureStoreError, match="has no feature 'speed'; it has: acc_rate, avg_daily_trips"
    ):
        repo.online_features(["driver_stats:speed"], [{"driver_id": 1001}])
    with pytest.raises(FeatureStoreError, match="must be written 'view:feature'"):
        repo.online_features(["conv_rate"], [{"driver_id": 1001}])
    with pytest.raises(FeatureStoreError, match="a list of 'view:feature' names, got the string"):
        repo.online_features("driver_stats:conv_rate", [{"driver_id": 1001}])
    with pytest.raises(FeatureStoreError, match="need an 'event_timestamp' column"):
        repo.historical_features(orders.drop(columns="event_timestamp"), FEATURES)
    with pytest.raises(
        FeatureStoreError, match="could not read these as timestamps: \\['yesterday'\\]"
    ):
        repo.historical_features(
            pd.DataFrame({"driver_id": [1], "event_timestamp": ["yesterday"]}), FEATURES
        )
    with pytest.raises(FeatureStoreError, match="start < end"):
        repo.materialize(END, START)
    with pytest.raises(FeatureStoreError, match="unknown feature type 'float64'"):
        feature_view("v", entity("driver", "driver_id"), None, {"x": "float64"}, ttl_hours=1)
    with pytest.raises(FeatureStoreError, match="unknown online store 'memcached'"):
        FeatureRepo(tmp_path / "x", online_store="memcached")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_address(tmp_path):
    server = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if shutil.os.path.exists("/usr/bin/redis-server") else None
    )
    if server is None:
        pytest.skip("redis-server is not installed (`make setup` installs Debian's redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_online_store_serves_what_sqlite_serves(repo, redis_address, tmp_path):
    on_redis = _build(tmp_path / "redis_repo", online_store="redis", redis_address=redis_address)
    on_redis.materialize(START, END)
    repo.materialize(START, END)
    pd.testing.assert_frame_equal(_online(on_redis), _online(repo), check_dtype=False)


def test_an_existing_feature_store_yaml_is_not_overwritten(tmp_path):
    config = tmp_path / "feature_store.yaml"
    config.write_text("project: theirs\nregistry: other.db\nprovider: local\n")
    with pytest.raises(FeatureStoreError, match="another feature store.*overwrite=True"):
        FeatureRepo(tmp_path)
    assert config.read_text().startswith("project: theirs")  # untouched
    FeatureRepo(tmp_path / "ours")
    FeatureRepo(tmp_path / "ours")  # re-opening the same configuration is fine
    with pytest.raises(FeatureStoreError, match="another feature store"):
        FeatureRepo(tmp_path / "ours", project="other")
    FeatureRepo(tmp_path, overwrite=True)
    assert config.read_text().startswith("project: mlep")


def test_feature_view_refuses_a_nan_ttl():
    with pytest.raises(FeatureStoreError, match="ttl_hours must be positive, got nan"):
        feature_view(
            "v", entity("driver", "driver_id"), None, {"x": "float"}, ttl_hours=float("nan")
        )
