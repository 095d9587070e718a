"""Alert rules over a logged event stream: windows, percentiles, the ``for`` duration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlep.deployment.monitoring import alerts


def _stream(seed=0, minutes=180, per_minute=20):
    """Requests with noise, a 10-minute latency incident at minute 60, a 1-minute blip at 120."""
    rng = np.random.default_rng(seed)
    n = minutes * per_minute
    seconds = np.sort(rng.uniform(0, minutes * 60, n))
    minute = seconds // 60
    latency = rng.gamma(4, 25, n) + np.where((minute >= 60) & (minute < 70), 400, 0)
    latency += np.where(minute == 120, 400, 0)
    error = (rng.random(n) < np.where((minute >= 140) & (minute < 160), 0.2, 0.01)).astype(int)
    time = pd.Timestamp("2026-03-01") + pd.to_timedelta(seconds, unit="s")
    return pd.DataFrame({"time": time, "latency_ms": latency, "error": error})


def test_rule_values_match_a_plain_window_computation():
    events = _stream()
    rule = alerts.AlertRule("slow", metric="latency_ms", stat="p95", above=300, window="5min")
    got = alerts.rule_values(events, rule, every="1min")
    for tick in got.index[::17]:
        inside = events[(events.time > tick - pd.Timedelta("5min")) & (events.time <= tick)]
        assert got[tick] == pytest.approx(inside.latency_ms.quantile(0.95))
    mean_rule = alerts.AlertRule("errors", metric="error", above=0.05, window="10min")
    rolling = events.set_index("time")["error"].rolling("10min").mean()
    last = events.time.iloc[-1]
    assert alerts.rule_values(events, mean_rule).loc[last.ceil("1min")] == pytest.approx(
        rolling.iloc[-1]
    )  # no event between the last one and the final tick: the windows coincide


def test_planted_incidents_fire_and_a_blip_does_not_page():
    rules = [
        alerts.AlertRule(
            "slow", metric="latency_ms", stat="p95", above=300, window="2min", for_="3min"
        ),
        alerts.AlertRule("errors", metric="error", above=0.05, window="10min", for_="2min"),
    ]
    table = alerts.evaluate(_stream(), rules)
    assert list(table.columns) == alerts.ALERT_COLUMNS
    assert table["rule"].tolist() == ["slow", "errors"]
    start = pd.Timestamp("2026-03-01")
    slow, errors = table.iloc[0], table.iloc[1]
    assert start + pd.Timedelta("63min") <= slow.start <= start + pd.Timedelta("65min")
    assert start + pd.Timedelta("70min") <= slow.end <= start + pd.Timedelta("73min")
    assert slow.peak > 300 and "p95 of latency_ms" in slow.message
    assert start + pd.Timedelta("140min") <= errors.start <= start + pd.Timedelta("146min")
    # without the duration the one-minute blip at minute 120 pages too
    eager = alerts.AlertRule("slow", metric="latency_ms", stat="p95", above=300, window="2min")
    starts = alerts.evaluate(_stream(), [eager])["start"]
    assert any(start + pd.Timedelta("120min") < s <= start + pd.Timedelta("123min") for s in starts)


def test_below_rules_no_data_and_an_alert_still_firing_at_the_end():
    time = pd.date_range("2026-01-01", periods=60, freq="1min")
    events = pd.DataFrame({"time": time, "positive": [1] * 30 + [0] * 30})
    share = alerts.AlertRule("share", metric="positive", below=0.2, window="5min", for_="1min")
    table = alerts.evaluate(events.sample(frac=1, random_state=0), [share])  # order does not matter
    assert len(table) == 1 and pd.isna(table.end.iloc[0]) and table.peak.iloc[0] == 0
    gap = pd.concat([events.head(10), events.tail(5)])  # 45 minutes without any event
    quiet = alerts.AlertRule("quiet", metric="positive", below=0.5, window="2min")
    assert alerts.rule_values(gap, quiet).isna().sum() > 30
    counted = alerts.AlertRule("traffic", metric="positive", stat="count", below=1, window="2min")
    assert len(alerts.evaluate(gap, [counted])) == 1  # an empty window counts 0 requests


def test_a_window_with_too_few_events_has_no_value():
    time = pd.date_range("2026-01-01", periods=40, freq="1min")
    events = pd.DataFrame({"time": time, "error": [1] + [0] * 39})  # the very first request fails
    eager = alerts.AlertRule("errors", metric="error", above=0.2, window="10min")
    patient = alerts.AlertRule("errors", metric="error", above=0.2, window="10min", min_events=5)
    assert len(alerts.evaluate(events, [eager])) == 1
    quiet = alerts.evaluate(events.assign(time=events.time.dt.tz_localize("UTC")), [patient])
    assert quiet.empty and str(quiet["start"].dtype) == "datetime64[ns, UTC]"
    assert alerts.rule_values(events, patient).iloc[:3].isna().all()
    with pytest.raises(ValueError, match="min_events must be >= 1"):
        alerts.AlertRule("x", metric="error", above=1, min_events=0)


def test_rules_reject_what_cannot_be_evaluated():
    with pytest.raises(ValueError, match="needs a threshold"):
        alerts.AlertRule("x", metric="latency_ms")
    with pytest.raises(ValueError, match="stat must be one of"):
        alerts.AlertRule("x", metric="latency_ms", stat="median", above=1)
    with pytest.raises(ValueError, match="window must be a duration"):
        alerts.AlertRule("x", metric="latency_ms", above=1, window="five minutes")
    with pytest.raises(ValueError, match="lack"):
        alerts.evaluate(_stream(minutes=5), [alerts.AlertRule("x", metric="memory", above=1)])
    with pytest.raises(ValueError, match="unique"):
        rule = alerts.AlertRule("x", metric="error", above=1)
        alerts.evaluate(_stream(minutes=5), [rule, rule])
    with pytest.raises(TypeError, match="AlertRule objects"):
        alerts.evaluate(_stream(minutes=5), [{"metric": "error"}])
