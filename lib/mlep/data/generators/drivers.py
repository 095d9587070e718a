"""Hourly driver statistics and ride orders, for point-in-time joins (the feature-store lab)."""

from __future__ import annotations

import numpy as np

from mlep.data.generators.common import seeded_rng

__all__ = ["driver_stats"]


def _driver_hours(rng, driver: int, hours):
    import pandas as pd

    skill = rng.uniform(0.3, 0.9)
    conv = np.clip(skill + np.cumsum(rng.normal(0, 0.03, len(hours))), 0.01, 0.99)
    return pd.DataFrame(
        {
            "driver_id": driver,
            "event_timestamp": hours,
            "conv_rate": conv.round(4),
            "acc_rate": np.clip(rng.normal(0.8, 0.1, len(hours)), 0, 1).round(4),
            "avg_daily_trips": rng.poisson(20 + 30 * skill, len(hours)),
            "created": hours + pd.Timedelta(minutes=5),
        }
    )


def _stamp(frame, column: str):
    """``frame`` with ``column`` written as ISO-8601 UTC text (how the CSV stores times)."""
    return frame.assign(**{column: frame[column].dt.strftime("%Y-%m-%dT%H:%M:%SZ")})


def driver_stats(seed: int = 2026, *, drivers: int = 5, days: int = 7, orders: int = 400):
    """Hourly driver statistics (a feature table) and ride orders (entity rows with a label).

    Shaped like Feast's driver-ranking tutorial, seeded. ``trip_completed`` depends on the
    driver's ``conv_rate`` at the order's time, so only a point-in-time join recovers the signal.
    Planted: statistics after every order (future values a naive join would leak), a corrected
    row (same hour, later ``created``), a six-hour gap for driver 1002 and an order for driver
    1099, who has no statistics.

    Parameters
    ----------
    seed : int, default 2026
        The random seed (an integer ``>= 0``); the shipped CSVs use the datasheet's.
    drivers : int, default 5
        Drivers with statistics, numbered from 1001 (at least 2: driver 1002 has the gap).
    days : int, default 7
        Days of hourly statistics, from 2026-03-02.
    orders : int, default 400
        Ride orders (at least 8: order 8 is the one for driver 1099).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"hourly": ..., "orders": ...}``, times as ISO-8601 UTC text.

    Examples
    --------
    >>> tables = driver_stats(1, days=3, orders=20)
    >>> list(tables["orders"].columns)
    ['order_id', 'driver_id', 'event_timestamp', 'trip_completed']
    """
    import pandas as pd

    rng = seeded_rng(seed)
    hours = pd.date_range("2026-03-02", periods=24 * days, freq="h")
    ids = list(range(1001, 1001 + drivers))
    stats = pd.concat([_driver_hours(rng, d, hours) for d in ids], ignore_index=True)
    gap = (stats["driver_id"] == 1002) & stats["event_timestamp"].between(hours[50], hours[55])
    stats = stats[~gap]
    correction = stats.iloc[[30]].assign(
        conv_rate=0.5, created=lambda f: f["created"] + pd.Timedelta(hours=1)
    )
    stats = pd.concat([stats, correction], ignore_index=True)
    order_times = hours[0] + pd.to_timedelta(
        rng.uniform(1, 24 * days - 1, orders) * 3600, unit="s"
    ).round("s")
    order_drivers = rng.choice(ids, orders)
    order_drivers[7] = 1099
    frame = pd.DataFrame(
        {
            "order_id": np.arange(1, orders + 1),
            "driver_id": order_drivers,
            "event_timestamp": order_times,
        }
    ).sort_values("event_timestamp", kind="stable")
    now = pd.merge_asof(
        frame,
        stats.sort_values("event_timestamp")[["driver_id", "event_timestamp", "conv_rate"]],
        on="event_timestamp",
        by="driver_id",
    )
    chance = now["conv_rate"].fillna(0.5).to_numpy()
    frame["trip_completed"] = (rng.random(orders) < chance).astype(int)
    stats = _stamp(_stamp(stats, "event_timestamp"), "created")
    return {"hourly": stats, "orders": _stamp(frame.reset_index(drop=True), "event_timestamp")}
