"""Hourly interstate traffic volume with weather (the feature-engineering lab).

In the style of the UCI "Metro Interstate Traffic Volume" data (I-94 westbound,
Minneapolis-St Paul) that the official C2W2 lab downloads.
"""

from __future__ import annotations

import numpy as np

from mlep.data.generators.common import seeded_rng, weighted_choice

__all__ = ["HOLIDAYS", "WEATHER", "metro_traffic"]

HOLIDAYS = {
    "2016-01-01": "New Years Day",
    "2016-01-18": "Martin Luther King Jr Day",
    "2016-02-15": "Washington Birthday",
    "2016-05-30": "Memorial Day",
    "2016-07-04": "Independence Day",
    "2016-08-25": "State Fair",
    "2016-09-05": "Labor Day",
    "2016-10-10": "Columbus Day",
    "2016-11-11": "Veterans Day",
    "2016-11-24": "Thanksgiving Day",
    "2016-12-25": "Christmas Day",
    "2017-01-01": "New Years Day",
    "2017-01-16": "Martin Luther King Jr Day",
    "2017-02-20": "Washington Birthday",
    "2017-05-29": "Memorial Day",
    "2017-07-04": "Independence Day",
    "2017-08-24": "State Fair",
    "2017-09-04": "Labor Day",
    "2017-10-09": "Columbus Day",
    "2017-11-10": "Veterans Day",
    "2017-11-23": "Thanksgiving Day",
    "2017-12-25": "Christmas Day",
}
WEATHER = {  # weather_main -> (descriptions, their weights)
    "Clear": (["sky is clear"], [1]),
    "Clouds": (
        ["few clouds", "scattered clouds", "broken clouds", "overcast clouds"],
        [2, 2, 3, 3],
    ),
    "Mist": (["mist"], [1]),
    "Rain": (["light rain", "moderate rain", "heavy intensity rain"], [6, 3, 1]),
    "Snow": (["light snow", "snow", "heavy snow"], [6, 3, 1]),
    "Drizzle": (["light intensity drizzle", "drizzle"], [3, 1]),
    "Haze": (["haze"], [1]),
    "Fog": (["fog"], [1]),
    "Thunderstorm": (
        ["thunderstorm", "thunderstorm with light rain", "thunderstorm with heavy rain"],
        [2, 3, 1],
    ),
    "Squall": (["squalls"], [1]),
}


def _weekly_profile(hour, day_of_week, holiday):
    """Mean traffic volume for an hour: rush-hour peaks on workdays, one midday hump otherwise."""
    workday = (day_of_week < 5) & ~holiday
    rush = (
        800
        + 5200 * np.exp(-0.5 * ((hour - 7.5) / 1.2) ** 2)
        + 5000 * np.exp(-0.5 * ((hour - 16.5) / 1.8) ** 2)
        + 3200 * np.exp(-0.5 * ((hour - 12) / 3.5) ** 2)
    )
    rest = 600 + 3600 * np.exp(-0.5 * ((hour - 13.5) / 4.0) ** 2)
    night = (hour < 5) * 300
    return np.where(workday, rush, rest) - night


def _weather(rng, temp, weather_weights):
    """Weather per hour: ``weather_main`` (no snow when warm), ``weather_description``."""
    n = len(temp)
    names = list(WEATHER)
    weights = np.tile(np.asarray(weather_weights, dtype=float), (n, 1))
    cold = temp < 272
    weights[cold, names.index("Rain")] *= 0.1
    weights[cold, names.index("Thunderstorm")] = 0
    weights[cold, names.index("Drizzle")] *= 0.1
    weights[~cold, names.index("Snow")] = 0
    weights /= weights.sum(axis=1, keepdims=True)
    main = np.array([names[rng.choice(len(names), p=w)] for w in weights], dtype=object)
    description = np.array(
        [weighted_choice(rng, WEATHER[m][0], 1, WEATHER[m][1])[0] for m in main], dtype=object
    )
    return main, description


def _hours(rng, times, *, weather_weights):
    import pandas as pd

    n = len(times)
    hour = times.hour.to_numpy()
    month = times.month.to_numpy()
    day_of_week = times.dayofweek.to_numpy()
    day = times.strftime("%Y-%m-%d")
    holiday_name = np.array([HOLIDAYS.get(d, "None") for d in day], dtype=object)
    season = np.cos(2 * np.pi * (month - 7) / 12)  # 1 in July, -1 in January
    temp = 281 + 15 * season + 4 * np.sin(2 * np.pi * (hour - 9) / 24) + rng.normal(0, 4, n)
    main, description = _weather(rng, temp, weather_weights)
    wet = np.isin(main, ["Rain", "Drizzle", "Thunderstorm"])
    heavy = np.char.find(description.astype(str), "heavy") >= 0
    rain = np.where(wet, rng.gamma(1.2, 0.6, n) * np.where(heavy, 5, 1), 0.0)
    snow = np.where(main == "Snow", rng.gamma(1.0, 0.3, n) * np.where(heavy, 4, 1), 0.0)
    clouds = np.where(
        main == "Clear",
        rng.integers(0, 6, n),
        np.where(main == "Clouds", rng.integers(20, 101, n), rng.integers(60, 101, n)),
    )
    volume = _weekly_profile(hour, day_of_week, holiday_name != "None")
    volume = volume * (
        1 - 0.08 * wet - 0.25 * (main == "Snow") - 0.1 * np.isin(main, ["Fog", "Squall"])
    )
    volume = volume * (1 + 0.04 * season) + rng.normal(0, 280, n)
    return pd.DataFrame(
        {
            "holiday": holiday_name,
            "temp": temp.round(2),
            "rain_1h": rain.round(2),
            "snow_1h": snow.round(2),
            "clouds_all": clouds.astype(int),
            "weather_main": main,
            "weather_description": description,
            "date_time": times.strftime("%Y-%m-%d %H:%M:%S"),
            "hour": hour.astype(int),
            "day_of_week": day_of_week.astype(int),
            "month": month.astype(int),
            "traffic_volume": np.clip(volume, 100, 7300).round().astype(int),
        }
    )


def metro_traffic(seed: int = 2026, *, rows=(2000, 500, 200)):
    """Train, eval and serving splits of hourly interstate traffic volume with weather.

    The volume follows a weekly pattern (morning and afternoon rush hours on workdays, one midday
    hump on weekends and holidays), lowered by snow and rain. Planted for the feature-engineering
    lab (and listed in the datasheet): ``serving`` has no label and a ``weather_main`` value
    training never saw (``Squall``), so a vocabulary must have an out-of-vocabulary bucket.

    Parameters
    ----------
    seed : int, default 2026
        The random seed (an integer ``>= 0``); the shipped CSVs use the datasheet's.
    rows : tuple of int, default (2000, 500, 200)
        Rows of the train, eval and serving splits (train and eval are hours of 2016-2017,
        serving hours of early 2018).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"train": ..., "eval": ..., "serving": ...}``; the label is ``traffic_volume``.

    Examples
    --------
    >>> splits = metro_traffic(1, rows=(20, 5, 5))
    >>> "traffic_volume" in splits["train"], "traffic_volume" in splits["serving"]
    (True, False)
    """
    import pandas as pd

    rng = seeded_rng(seed)
    hours = pd.date_range("2016-01-01", "2017-12-31 23:00", freq="h")
    train_n, eval_n, serving_n = rows
    picked = np.sort(rng.choice(len(hours), train_n + eval_n, replace=False))
    order = rng.permutation(len(picked))
    usual = [30, 32, 12, 12, 8, 5, 3, 2, 2, 0]  # no squalls in the labelled data
    frame = _hours(rng, hours[picked], weather_weights=usual)
    train = frame.iloc[np.sort(order[:train_n])].reset_index(drop=True)
    eval_ = frame.iloc[np.sort(order[train_n:])].reset_index(drop=True)
    late = pd.date_range("2018-01-01", "2018-03-31 23:00", freq="h")
    serving_times = late[np.sort(rng.choice(len(late), serving_n, replace=False))]
    serving = _hours(rng, serving_times, weather_weights=[30, 32, 12, 12, 8, 5, 3, 2, 2, 6])
    return {"train": train, "eval": eval_, "serving": serving.drop(columns=["traffic_volume"])}
