"""Plausible wrong answers for C4W4; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "log_requests": [
        # turns redaction off: e-mails, phone numbers and names reach the log in the clear
        """
def log_requests(requests, path, sample_rate):
    logger = prediction_log.PredictionLogger(
        path,
        model="readmission",
        version=1,
        sample_rate=sample_rate,
        redact_personal_data=False,
    )
    for request in requests:
        features = {
            **request["features"],
            "note": request["note"],
            "patient_name": request["patient_name"],
        }
        logger.log(request["request_id"], features, request["prediction"], time=request["time"])
    return logger
""",
        # samples with a seeded coin flip: repeatable for the same batch, but a request's fate
        # depends on its position, not its id (another batch keeps other requests)
        """
def log_requests(requests, path, sample_rate):
    logger = prediction_log.PredictionLogger(
        path, model="readmission", version=1, sample_rate=1.0
    )
    rng = np.random.default_rng(0)
    for request in requests:
        if rng.random() >= sample_rate:
            continue
        features = {
            **request["features"],
            "note": request["note"],
            "patient_name": request["patient_name"],
        }
        logger.log(request["request_id"], features, request["prediction"], time=request["time"])
    return logger
""",
        # forgets time=: every line gets the time of logging, not the request's time
        """
def log_requests(requests, path, sample_rate):
    logger = prediction_log.PredictionLogger(
        path, model="readmission", version=1, sample_rate=sample_rate
    )
    for request in requests:
        features = {
            **request["features"],
            "note": request["note"],
            "patient_name": request["patient_name"],
        }
        logger.log(request["request_id"], features, request["prediction"])
    return logger
""",
        # logs the whole request: the patient id, e-mail and birth date need no model, and the
        # patient id is not found by any pattern
        """
def log_requests(requests, path, sample_rate):
    logger = prediction_log.PredictionLogger(
        path, model="readmission", version=1, sample_rate=sample_rate
    )
    for request in requests:
        features = {
            **request["features"],
            **{
                k: v
                for k, v in request.items()
                if k not in ("features", "time", "prediction", "request_id")
            },
        }
        logger.log(request["request_id"], features, request["prediction"], time=request["time"])
    return logger
""",
    ],
    "pseudonymize_requests": [
        # an unkeyed hash: the same for every key, and anyone can hash all ids and look them up
        """
def pseudonymize_requests(requests, key):
    import hashlib

    rows = [
        {
            "request_id": r["request_id"],
            "patient": hashlib.sha256(r["patient_id"].encode()).hexdigest()[:16],
            "note": privacy.redact(r["note"]),
            **{f: r["features"][f] for f in FEATURES},
        }
        for r in requests
    ]
    return pd.DataFrame(rows, columns=["request_id", "patient", "note", *FEATURES])
""",
        # pseudonymises the name instead of the id: two patients with the same name merge
        """
def pseudonymize_requests(requests, key):
    rows = [
        {
            "request_id": r["request_id"],
            "patient": privacy.pseudonymize(r["patient_name"], key=key),
            "note": privacy.redact(r["note"]),
            **{f: r["features"][f] for f in FEATURES},
        }
        for r in requests
    ]
    return pd.DataFrame(rows, columns=["request_id", "patient", "note", *FEATURES])
""",
        # numbers the patients in order of appearance: joinable within one table, but the same
        # tokens under every key (and a new table numbers them differently)
        """
def pseudonymize_requests(requests, key):
    numbers = {}
    rows = [
        {
            "request_id": r["request_id"],
            "patient": f"patient-{numbers.setdefault(r['patient_id'], len(numbers))}",
            "note": privacy.redact(r["note"]),
            **{f: r["features"][f] for f in FEATURES},
        }
        for r in requests
    ]
    return pd.DataFrame(rows, columns=["request_id", "patient", "note", *FEATURES])
""",
        # pseudonymises the note instead of redacting it
        """
def pseudonymize_requests(requests, key):
    rows = [
        {
            "request_id": r["request_id"],
            "patient": privacy.pseudonymize(r["patient_id"], key=key),
            "note": privacy.pseudonymize(r["note"], key=key),
            **{f: r["features"][f] for f in FEATURES},
        }
        for r in requests
    ]
    return pd.DataFrame(rows, columns=["request_id", "patient", "note", *FEATURES])
""",
    ],
    "serving_skew": [
        # one threshold for every feature: the numeric threshold is ignored
        """
def serving_skew(log, training, features, categorical_threshold, numeric_threshold):
    table = prediction_log.skew_against_training(
        log, training, threshold=categorical_threshold, features=features
    )
    return table.set_index("feature").loc[features].reset_index()
""",
        # the two thresholds swapped
        """
def serving_skew(log, training, features, categorical_threshold, numeric_threshold):
    training_stats = dv.statistics(training[features])
    serving_stats = dv.statistics(log[features])
    schema = dv.infer_schema(training_stats)
    for feature in features:
        categorical = training[feature].dtype == object
        dv.set_skew_threshold(
            schema, feature, numeric_threshold if categorical else categorical_threshold
        )
    table = dv.skew_table(training_stats, serving_stats, schema)
    return table.set_index("feature").loc[features].reset_index()
""",
        # compares the log with the first rows of itself instead of with the training data
        """
def serving_skew(log, training, features, categorical_threshold, numeric_threshold):
    training_stats = dv.statistics(log[features].head(len(log) // 2))
    serving_stats = dv.statistics(log[features])
    schema = dv.infer_schema(training_stats)
    for feature in features:
        categorical = training[feature].dtype == object
        dv.set_skew_threshold(
            schema, feature, categorical_threshold if categorical else numeric_threshold
        )
    table = dv.skew_table(training_stats, serving_stats, schema)
    return table.set_index("feature").loc[features].reset_index()
""",
    ],
    "paging_rules": [
        # no duration on the latency rule: a one-minute pause pages somebody
        """
def paging_rules():
    return [
        alerts.AlertRule("latency", metric="latency_ms", stat="p95", above=400, window="5min"),
        alerts.AlertRule(
            "errors", metric="error", stat="mean", above=0.02, window="10min", min_events=100
        ),
        alerts.AlertRule(
            "positive_share",
            metric="flagged",
            stat="mean",
            above=0.5,
            below=0.1,
            window="60min",
            for_="10min",
        ),
    ]
""",
        # the slowest request instead of the 95th percentile: normal traffic's tail pages
        """
def paging_rules():
    return [
        alerts.AlertRule(
            "latency", metric="latency_ms", stat="max", above=400, window="5min", for_="5min"
        ),
        alerts.AlertRule(
            "errors", metric="error", stat="mean", above=0.02, window="10min", min_events=100
        ),
        alerts.AlertRule(
            "positive_share",
            metric="flagged",
            stat="mean",
            above=0.5,
            below=0.1,
            window="60min",
            for_="10min",
        ),
    ]
""",
        # no minimum sample: one failed request among the first few of the day pages
        """
def paging_rules():
    return [
        alerts.AlertRule(
            "latency", metric="latency_ms", stat="p95", above=400, window="5min", for_="5min"
        ),
        alerts.AlertRule("errors", metric="error", stat="mean", above=0.02, window="10min"),
        alerts.AlertRule(
            "positive_share",
            metric="flagged",
            stat="mean",
            above=0.5,
            below=0.1,
            window="60min",
            for_="10min",
        ),
    ]
""",
        # only the upper bound of the flagged share: a model that stops flagging anyone is missed
        """
def paging_rules():
    return [
        alerts.AlertRule(
            "latency", metric="latency_ms", stat="p95", above=400, window="5min", for_="5min"
        ),
        alerts.AlertRule(
            "errors", metric="error", stat="mean", above=0.02, window="10min", min_events=100
        ),
        alerts.AlertRule(
            "positive_share",
            metric="flagged",
            stat="mean",
            above=0.5,
            window="60min",
            for_="10min",
        ),
    ]
""",
        # a 10-minute window for the share: the 10-minute burst of flagged predictions pages
        """
def paging_rules():
    return [
        alerts.AlertRule(
            "latency", metric="latency_ms", stat="p95", above=400, window="5min", for_="5min"
        ),
        alerts.AlertRule(
            "errors", metric="error", stat="mean", above=0.02, window="10min", min_events=100
        ),
        alerts.AlertRule(
            "positive_share",
            metric="flagged",
            stat="mean",
            above=0.5,
            below=0.1,
            window="10min",
            for_="5min",
        ),
    ]
""",
    ],
    "retraining_policies": [
        # patience 1: the one-day glitch triggers a retrain
        """
def retraining_policies(baseline):
    return {
        "performance": retraining.PerformanceDrop(
            metric="accuracy", baseline=baseline, tolerance=0.03, window=3
        ),
        "drift": retraining.DriftTrigger(signal="psi_age", threshold=0.15, patience=1),
    }
""",
        # judges single days: a noisy day below the baseline triggers a retrain
        """
def retraining_policies(baseline):
    return {
        "performance": retraining.PerformanceDrop(
            metric="accuracy", baseline=baseline, tolerance=0.03, window=1
        ),
        "drift": retraining.DriftTrigger(signal="psi_age", threshold=0.15, patience=2),
    }
""",
        # the baseline of this history hard-coded instead of the argument
        """
def retraining_policies(baseline):
    return {
        "performance": retraining.PerformanceDrop(
            metric="accuracy", baseline=0.80, tolerance=0.03, window=3
        ),
        "drift": retraining.DriftTrigger(signal="psi_age", threshold=0.15, patience=2),
    }
""",
        # waits too long: a week of drift above a high threshold
        """
def retraining_policies(baseline):
    return {
        "performance": retraining.PerformanceDrop(
            metric="accuracy", baseline=baseline, tolerance=0.03, window=3
        ),
        "drift": retraining.DriftTrigger(signal="psi_age", threshold=0.25, patience=7),
    }
""",
        # the textbook "significant shift" threshold of 0.2: safe, but a day or two too late
        """
def retraining_policies(baseline):
    return {
        "performance": retraining.PerformanceDrop(
            metric="accuracy", baseline=baseline, tolerance=0.03, window=3
        ),
        "drift": retraining.DriftTrigger(signal="psi_age", threshold=0.2, patience=2),
    }
""",
    ],
}
