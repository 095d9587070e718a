"""Seeded generators for the synthetic course datasets.

Each generator is a pure function of its seed; ``python -m mlep.data.generators`` rewrites
the shipped CSVs under ``datasets/`` and prints their sha256 for the datasheets.
"""

from __future__ import annotations

import sys

import numpy as np

from mlep._checks import count

AGE_BRACKETS = [f"[{lo}-{lo + 10})" for lo in range(0, 100, 10)]
RACES = ["Caucasian", "AfricanAmerican", "Hispanic", "Asian", "Other"]
SPECIALTIES = [
    "InternalMedicine",
    "Emergency/Trauma",
    "Family/GeneralPractice",
    "Cardiology",
    "Surgery-General",
    "Nephrology",
    "Orthopedics",
    "Radiologist",
    "Pulmonology",
    "Psychiatry",
]
PAYER_CODES = ["MC", "MD", "HM", "UN", "BC", "SP", "CP", "OG"]
MEDICATION_LEVELS = ["No", "Steady", "Up", "Down"]
READMITTED = ["NO", ">30", "<30"]


def _choice(rng, values, size, weights):
    weights = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(values, dtype=object), size=size, p=weights / weights.sum())


def _encounters(rng, n, *, age_weights, lab_mean, stay_scale, payer_codes, specialties):
    """One table of hospital encounters of diabetic patients, label included."""
    import pandas as pd

    age = _choice(rng, AGE_BRACKETS, n, age_weights)
    age_index = np.array([AGE_BRACKETS.index(a) for a in age])
    time_in_hospital = np.clip(np.round(rng.gamma(2.0, stay_scale, n)) + 1, 1, 14).astype(int)
    num_lab_procedures = np.clip(np.round(rng.normal(lab_mean, 19, n)), 1, 132).astype(int)
    num_medications = np.clip(np.round(rng.gamma(4.0, 4.0, n)), 1, 81).astype(int)
    number_inpatient = rng.poisson(0.6, n)
    number_emergency = rng.poisson(0.2, n)
    a1c = _choice(rng, ["None", "Norm", ">7", ">8"], n, [83, 5, 4, 8])
    insulin = _choice(rng, MEDICATION_LEVELS, n, [46, 30, 12, 12])
    # Readmission risk grows with prior stays, length of stay and age: a learnable signal.
    risk = (
        -1.6
        + 0.45 * number_inpatient
        + 0.06 * time_in_hospital
        + 0.08 * age_index
        + 0.3 * (insulin == "Up")
        + rng.normal(0, 0.8, n)
    )
    readmitted = np.where(risk > 0.6, "<30", np.where(risk > -0.5, ">30", "NO"))
    return pd.DataFrame(
        {
            "race": _choice(rng, RACES, n, [75, 19, 2, 1, 3]),
            "gender": _choice(rng, ["Female", "Male"], n, [54, 46]),
            "age": age,
            "admission_type_id": _choice(rng, [1, 2, 3, 5, 6], n, [53, 18, 19, 5, 5]).astype(int),
            "medical_specialty": _choice(rng, specialties, n, np.linspace(3, 1, len(specialties))),
            "payer_code": _choice(rng, payer_codes, n, np.linspace(4, 1, len(payer_codes))),
            "time_in_hospital": time_in_hospital,
            "num_lab_procedures": num_lab_procedures,
            "num_procedures": rng.integers(0, 7, n),
            "num_medications": num_medications,
            "number_outpatient": rng.poisson(0.4, n),
            "number_emergency": number_emergency,
            "number_inpatient": number_inpatient,
            "number_diagnoses": np.clip(rng.poisson(7.4, n), 1, 16),
            "A1Cresult": a1c,
            "insulin": insulin,
            "diabetesMed": _choice(rng, ["Yes", "No"], n, [77, 23]),
            "readmitted": readmitted,
        }
    )


def hospital_readmission(seed: int = 2026, *, rows=(4000, 1000, 1000)):
    """Train, eval and serving splits of a Diabetes-130-US-style readmission table.

    Planted for the data-validation lab (and listed in the datasheet):

    - ``eval`` drifts: longer hospital stays (``time_in_hospital``), and its
      ``medical_specialty`` has a value training never saw (``Dermatology``);
    - ``serving`` has no label column, skews older (``age``) with more lab procedures
      (``num_lab_procedures``), and its ``payer_code`` has an unseen value (``ZZ``).
    """
    rng = np.random.default_rng(count(seed, "seed"))  # None would not be reproducible
    train_n, eval_n, serving_n = rows
    young_heavy = [1, 1, 2, 4, 9, 17, 22, 25, 16, 3]
    common = dict(payer_codes=PAYER_CODES, specialties=SPECIALTIES)
    train = _encounters(
        rng, train_n, age_weights=young_heavy, lab_mean=43, stay_scale=2.0, **common
    )
    eval_ = _encounters(
        rng,
        eval_n,
        age_weights=young_heavy,
        lab_mean=43,
        stay_scale=3.2,
        payer_codes=PAYER_CODES,
        specialties=SPECIALTIES + ["Dermatology"],
    )
    serving = _encounters(
        rng,
        serving_n,
        age_weights=[0, 0, 1, 2, 4, 9, 16, 28, 30, 10],
        lab_mean=55,
        stay_scale=2.0,
        payer_codes=PAYER_CODES + ["ZZ"],
        specialties=SPECIALTIES,
    ).drop(columns=["readmitted"])
    return {"train": train, "eval": eval_, "serving": serving}


# Video comments, spam or not, in the style of the YouTube Spam Collection (Alberto et al.
# 2015) used by Snorkel's tutorial. Some ham reuses spam words ("check out", "subscribe")
# and some spam has none, so keyword rules are useful but imperfect: weak supervision.
COMMENT_TEMPLATES = {
    1: [
        "check out my channel {for_}",
        "subscribe to my channel {for_}",
        "please subscribe, i upload {thing} every week",
        "visit {url} for {prize}",
        "go to {url} and get {prize}",
        "{prize} giveaway, click {url}",
        "win {prize} now at {url}",
        "make money from home, i earn {money} a day {url}",
        "i make {money} a week working online, ask me how",
        "hey guys i just started making {thing}, would mean a lot if you listened",
        "new {thing} on my page, give it a chance",
        "follow me on {social} for {prize}",
        "free {prize} for the first 100 people {url}",
    ],
    0: [
        "i love this song",
        "this song never gets old",
        "who is still listening in {year}",
        "the part at {time} gives me chills",
        "check out the lyrics, they are beautiful",
        "subscribed to this channel years ago and still love it",
        "great video, the {part} is amazing",
        "her voice is incredible",
        "{year} and this is still a masterpiece",
        "this reminds me of {memory}",
        "best music video ever made",
        "the {part} at {time} is my favourite",
        "listening to this while {activity}",
        "i can't stop playing this song",
    ],
}
COMMENT_FILLERS = {
    "for_": ["for more videos", "if you like music", "you won't regret it", "thanks", ""],
    "thing": ["music", "beats", "covers", "game videos", "rap songs"],
    "url": ["http://bit.ly/xk2", "www.freegift.com", "http://tinyurl.com/win", "www.easycash.net"],
    "prize": ["gift cards", "an iphone", "free coins", "a free trip", "robux"],
    "money": ["$500", "$300", "$1000"],
    "social": ["instagram", "twitter", "tiktok"],
    "year": ["2019", "2021", "2024", "2026"],
    "time": ["1:23", "2:31", "3:05", "0:45"],
    "part": ["chorus", "dance", "ending", "guitar solo", "bridge"],
    "memory": ["my childhood", "summer 2015", "my first concert", "high school"],
    "activity": ["studying", "driving", "cooking", "running"],
}


def _comment(rng, label: int) -> str:
    template = COMMENT_TEMPLATES[label][rng.integers(len(COMMENT_TEMPLATES[label]))]
    text = template.format_map(
        {key: values[rng.integers(len(values))] for key, values in COMMENT_FILLERS.items()}
    ).strip()
    if rng.random() < 0.25:
        text = ["lol ", "omg ", "wow ", "ok "][rng.integers(4)] + text
    if rng.random() < (0.3 if label else 0.05):
        text = text.upper()
    if rng.random() < (0.4 if label else 0.1):
        text += " !!!"
    if label == 0 and rng.random() < 0.15:
        text += " <3"
    return text


def _comments(rng, n: int, spam_rate: float):
    import pandas as pd

    labels = (rng.random(n) < spam_rate).astype(int)
    return pd.DataFrame(
        {
            "author_id": rng.integers(10_000, 99_999, n),
            "text": [_comment(rng, label) for label in labels],
            "label": labels,
        }
    )


def video_comments(seed: int = 2026, *, rows=(1600, 200, 400)):
    """Train (unlabeled), dev and test splits of spam / not-spam video comments.

    ``label`` is 1 for spam and 0 for ham; the train split has no label column, as in
    weak supervision, where labels come from labeling functions instead.
    """
    rng = np.random.default_rng(count(seed, "seed"))  # None would not be reproducible
    train_n, dev_n, test_n = rows
    return {
        "train": _comments(rng, train_n, 0.45).drop(columns=["label"]),
        "dev": _comments(rng, dev_n, 0.45),
        "test": _comments(rng, test_n, 0.45),
    }


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


def driver_stats(seed: int = 2026, *, drivers: int = 5, days: int = 7, orders: int = 400):
    """Hourly driver statistics (a feature table) and ride orders (entity rows with a label).

    Shaped like Feast's driver-ranking tutorial, seeded. ``trip_completed`` depends on the
    driver's ``conv_rate`` at the order's time, so only a point-in-time join recovers the signal.
    Planted: statistics after every order (future values a naive join would leak), a corrected
    row (same hour, later ``created``), a six-hour gap for driver 1002 and an order for driver
    1099, who has no statistics.
    """
    import pandas as pd

    rng = np.random.default_rng(count(seed, "seed"))  # None would not be reproducible
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
    stamp = lambda f, c: f.assign(**{c: f[c].dt.strftime("%Y-%m-%dT%H:%M:%SZ")})  # noqa: E731
    stats = stamp(stamp(stats, "event_timestamp"), "created")
    return {"hourly": stats, "orders": stamp(frame.reset_index(drop=True), "event_timestamp")}


# Interstate traffic volume, hourly, in the style of the UCI "Metro Interstate Traffic Volume"
# data (I-94 westbound, Minneapolis-St Paul) that the official C2W2 lab downloads.
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
        [_choice(rng, WEATHER[m][0], 1, WEATHER[m][1])[0] for m in main], dtype=object
    )
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
    """
    import pandas as pd

    rng = np.random.default_rng(count(seed, "seed"))  # None would not be reproducible
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


SOIL_TYPES = [
    f"C{code}" for code in (2702, 2703, 2704, 2705, 2706, 2717, 4201, 4703, 4704, 4744, 7101, 7745)
]
WILDERNESS = ["Rawah", "Neota", "Comanche Peak", "Cache la Poudre"]
COVER_TYPES = [
    "Spruce/Fir",
    "Lodgepole Pine",
    "Ponderosa Pine",
    "Cottonwood/Willow",
    "Aspen",
    "Douglas-fir",
    "Krummholz",
]


def _forest(rng, n, *, soils, hillshade_max):
    import pandas as pd

    elevation = rng.normal(2960, 280, n).round().astype(int)
    aspect = rng.integers(0, 360, n)
    slope = np.clip(rng.gamma(2.5, 5.5, n), 0, 66).round().astype(int)
    wilderness = _choice(rng, WILDERNESS, n, [45, 5, 44, 6])
    soil = _choice(rng, soils, n, np.linspace(3, 1, len(soils)))
    # the cover type follows elevation bands, shifted by wilderness and slope: learnable, not trivial
    score = (
        (elevation - 2960) / 280
        + 0.4 * (wilderness == "Neota")
        - 0.5 * (wilderness == "Cache la Poudre")
    )
    score = score + 0.02 * (slope - 14) + rng.normal(0, 0.45, n)
    bands = np.digitize(score, [-1.6, -1.0, -0.5, 0.0, 0.5, 1.2])  # 7 bands, low to high elevation
    order = [3, 2, 5, 4, 1, 0, 6]  # cottonwood lowest ... krummholz highest

    def hillshade(centre):
        return np.clip(rng.normal(centre, 25, n), 0, hillshade_max).round().astype(int)

    return pd.DataFrame(
        {
            "Elevation": elevation,
            "Aspect": aspect,
            "Slope": slope,
            "Horizontal_Distance_To_Hydrology": np.clip(rng.gamma(1.6, 170, n), 0, 1400)
            .round()
            .astype(int),
            "Vertical_Distance_To_Hydrology": rng.normal(46, 58, n).round().astype(int),
            "Horizontal_Distance_To_Roadways": np.clip(rng.gamma(1.8, 1300, n), 0, 7100)
            .round()
            .astype(int),
            "Hillshade_9am": hillshade(212),
            "Hillshade_Noon": hillshade(223),
            "Hillshade_3pm": hillshade(142),
            "Horizontal_Distance_To_Fire_Points": np.clip(rng.gamma(1.8, 1100, n), 0, 7200)
            .round()
            .astype(int),
            "Wilderness_Area": wilderness,
            "Soil_Type": soil,
            "Cover_Type": np.asarray(COVER_TYPES, dtype=object)[np.asarray(order)[bands]],
        }
    )


def forest_cover(seed: int = 2026, *, rows=(3000, 1000)):
    """Train and eval splits of a UCI-Covertype-style table (cartographic features → cover type).

    Planted for schema work: eval holds a soil type training never saw (``C8772``) and
    hillshade values above the sensor's 0–255 range (a unit bug upstream).
    """
    rng = np.random.default_rng(count(seed, "seed"))  # None would not be reproducible
    train = _forest(rng, rows[0], soils=SOIL_TYPES, hillshade_max=255)
    eval_ = _forest(rng, rows[1], soils=SOIL_TYPES + ["C8772"], hillshade_max=255)
    broken = rng.choice(rows[1], size=rows[1] // 50, replace=False)
    eval_.loc[broken, "Hillshade_Noon"] = eval_.loc[broken, "Hillshade_Noon"] + 256
    return {"train": train, "eval": eval_}


REGIONS = ["north", "south", "east", "west"]


def _applicants(rng, n, *, minority_share):
    """Loan applications with the outcome; group ``B`` has short credit histories that do not matter."""
    import pandas as pd

    group = np.where(rng.random(n) < minority_share, "B", "A")
    minority = group == "B"
    income = np.round(np.exp(rng.normal(np.log(52), 0.45, n)), 1)  # thousands a year
    debt_ratio = np.round(rng.beta(2.2, 4.0, n), 3)
    late_payments = rng.poisson(0.7, n)
    # B: recent arrivals, so short histories; for them history says nothing about repayment
    history = np.where(minority, rng.gamma(2.0, 2.0, n), rng.gamma(4.0, 3.0, n))
    history = np.round(np.clip(history, 0, 40), 1)
    region = _choice(rng, REGIONS, n, [30, 30, 25, 15])
    risk = (
        -1.3
        + 4.0 * (debt_ratio - 0.35)
        + 0.7 * late_payments
        - 1.2 * np.log(income / 52)
        - np.where(minority, 0.0, 0.12 * (history - 12))
        + 0.5 * (region == "west")  # a harder region: more defaults, more noise
        + rng.normal(0, np.where(region == "west", 1.2, 0.5), n)
    )
    return pd.DataFrame(
        {
            "age": np.clip(np.round(rng.normal(41, 11, n)), 18, 80).astype(int),
            "income": income,
            "debt_ratio": debt_ratio,
            "late_payments": late_payments,
            "credit_history_years": history,
            "region": region,
            "group": group,
            "defaulted": (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int),
        }
    )


def loan_applications(seed: int = 2026, *, rows=(3000, 1000)):
    """Train and eval splits of credit applications with a planted bias against group ``B``.

    Group ``B`` is 20 % of the applicants and has short credit histories (``credit_history_years``)
    that, for them, say nothing about repayment; for group ``A`` a long history lowers the risk. A
    model trained on everyone learns "short history, risky" and flags more of ``B``'s good payers:
    a higher false positive rate for ``B`` (label ``defaulted``, 1 = the loan was not repaid).
    Region ``west`` is noisier than the others (a weak slice).
    """
    rng = np.random.default_rng(count(seed, "seed"))  # None would not be reproducible
    return {
        "train": _applicants(rng, rows[0], minority_share=0.2),
        "eval": _applicants(rng, rows[1], minority_share=0.2),
    }


GENERATORS = {
    "hospital_readmission": hospital_readmission,
    "video_comments": video_comments,
    "driver_stats": driver_stats,
    "metro_traffic": metro_traffic,
    "forest_cover": forest_cover,
    "loan_applications": loan_applications,
}


def write(name: str, seed: int) -> dict[str, str]:
    """Regenerate ``datasets/<name>/<split>.csv``; return split → sha256."""
    from mlep.data.datasets import data_dir, sha256

    out = {}
    for split, frame in GENERATORS[name](seed).items():
        file = data_dir() / name / f"{split}.csv"
        file.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(file, index=False, lineterminator="\n")
        out[split] = sha256(file)
    return out


if __name__ == "__main__":
    for split, digest in write(
        sys.argv[1] if len(sys.argv) > 1 else "hospital_readmission", 2026
    ).items():
        print(split, digest)
