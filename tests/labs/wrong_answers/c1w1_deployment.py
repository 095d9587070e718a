"""Plausible wrong answers for C1W1; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "drift_report": [
        # flags drift on the KS p-value: window B's x0 has p < 0.05 by chance
        """
def drift_report(reference, live, threshold=0.1):
    rows = []
    for feature in ["x0", "x1", "x2"]:
        psi = mon.psi(reference[feature], live[feature])
        ks = mon.ks(reference[feature], live[feature])
        rows.append({"feature": feature, "psi": psi, "ks_statistic": ks.statistic,
                     "ks_pvalue": ks.pvalue, "drifted": ks.pvalue < 0.05})
    return pd.DataFrame(rows)
""",
        # live as the expected sample: the bins come from the wrong window
        """
def drift_report(reference, live, threshold=0.1):
    rows = []
    for feature in reference.columns:
        if feature in ("request_id", "label"):
            continue
        psi = mon.psi(live[feature], reference[feature])
        ks = mon.ks(live[feature], reference[feature])
        rows.append({"feature": feature, "psi": psi, "ks_statistic": ks.statistic,
                     "ks_pvalue": ks.pvalue, "drifted": psi > threshold})
    return pd.DataFrame(rows)
""",
        # hard-codes the features of the lab's windows
        """
def drift_report(reference, live, threshold=0.1):
    rows = []
    for feature in ["x0", "x1", "x2"]:
        psi = mon.psi(reference[feature], live[feature])
        ks = mon.ks(reference[feature], live[feature])
        rows.append({"feature": feature, "psi": psi, "ks_statistic": ks.statistic,
                     "ks_pvalue": ks.pvalue, "drifted": psi > threshold})
    return pd.DataFrame(rows)
""",
        # ignores the threshold argument
        """
def drift_report(reference, live, threshold=0.1):
    rows = []
    for feature in reference.columns:
        if feature in ("request_id", "label"):
            continue
        psi = mon.psi(reference[feature], live[feature])
        ks = mon.ks(reference[feature], live[feature])
        rows.append({"feature": feature, "psi": psi, "ks_statistic": ks.statistic,
                     "ks_pvalue": ks.pvalue, "drifted": psi > 0.1})
    return pd.DataFrame(rows)
""",
    ],
    "drift_kind": [
        # any rise in the error rate counts: window D's tiny rise becomes concept drift
        """
def drift_kind(reference, live, model, psi_threshold=0.1, error_margin=0.05):
    features = [c for c in reference.columns if c not in ("request_id", "label")]
    data = any(mon.psi(reference[f], live[f]) > psi_threshold for f in features)

    def error(requests):
        known = requests[requests["label"].notna()]
        return float(
            np.mean(
                model.predict(rollout.features(known)) != known["label"].to_numpy(dtype=int)
            )
        )

    concept = error(live) > error(reference)
    return DRIFT_KINDS[int(data) + 2 * int(concept)]
""",
        # treats missing labels as 0 instead of leaving those requests out
        """
def drift_kind(reference, live, model, psi_threshold=0.1, error_margin=0.05):
    features = [c for c in reference.columns if c not in ("request_id", "label")]
    data = any(mon.psi(reference[f], live[f]) > psi_threshold for f in features)
    def error(requests):
        labels = requests["label"].fillna(0).to_numpy(dtype=int)
        return float(np.mean(model.predict(rollout.features(requests)) != labels))
    concept = error(live) > error(reference) + error_margin
    return DRIFT_KINDS[int(data) + 2 * int(concept)]
""",
        # calls a performance drop data drift too: only one kind at a time
        """
def drift_kind(reference, live, model, psi_threshold=0.1, error_margin=0.05):
    features = [c for c in reference.columns if c not in ("request_id", "label")]
    if any(mon.psi(reference[f], live[f]) > psi_threshold for f in features):
        return "data drift"

    def error(requests):
        known = requests[requests["label"].notna()]
        return float(
            np.mean(
                model.predict(rollout.features(known)) != known["label"].to_numpy(dtype=int)
            )
        )

    if error(live) > error(reference) + error_margin:
        return "concept drift"
    return "no drift"
""",
    ],
    "monitor_log": [
        # watches the mean latency: the slow tail of hour 3 goes unnoticed
        """
def monitor_log(log):
    monitor = mon.Monitor(
        mon.Metric("latency_p95_ms", upper=100, group="software"),
        mon.Metric("missing_x1", upper=0.05, group="input", rate=True),
        mon.Metric("positive_rate", lower=0.3, upper=0.7, group="output", rate=True),
    )
    for _, batch in log.groupby("hour"):
        monitor.update(latency_p95_ms=float(batch["latency_ms"].mean()),
                       missing_x1=mon.missing_rate(batch["x1"]),
                       positive_rate=mon.prediction_rate(batch["prediction"], 1))
    return monitor
""",
        # only an upper bound on the positive rate: a stuck model answering 0 passes
        """
def monitor_log(log):
    monitor = mon.Monitor(
        mon.Metric("latency_p95_ms", upper=100, group="software"),
        mon.Metric("missing_x1", upper=0.05, group="input", rate=True),
        mon.Metric("positive_rate", upper=0.7, group="output", rate=True),
    )
    for _, batch in log.groupby("hour"):
        monitor.update(latency_p95_ms=float(np.percentile(batch["latency_ms"], 95)),
                       missing_x1=mon.missing_rate(batch["x1"]),
                       positive_rate=mon.prediction_rate(batch["prediction"], 1))
    return monitor
""",
        # every metric left in the default software group
        """
def monitor_log(log):
    monitor = mon.Monitor(
        mon.Metric("latency_p95_ms", upper=100),
        mon.Metric("missing_x1", upper=0.05, rate=True),
        mon.Metric("positive_rate", lower=0.3, upper=0.7, rate=True),
    )
    for _, batch in log.groupby("hour"):
        monitor.update(latency_p95_ms=float(np.percentile(batch["latency_ms"], 95)),
                       missing_x1=mon.missing_rate(batch["x1"]),
                       positive_rate=mon.prediction_rate(batch["prediction"], 1))
    return monitor
""",
        # assumes 24 hours of 200 requests
        """
def monitor_log(log):
    monitor = mon.Monitor(
        mon.Metric("latency_p95_ms", upper=100, group="software"),
        mon.Metric("missing_x1", upper=0.05, group="input", rate=True),
        mon.Metric("positive_rate", lower=0.3, upper=0.7, group="output", rate=True),
    )
    for hour in range(24):
        batch = log.iloc[hour * 200:(hour + 1) * 200]
        monitor.update(latency_p95_ms=float(np.percentile(batch["latency_ms"], 95)),
                       missing_x1=mon.missing_rate(batch["x1"]),
                       positive_rate=mon.prediction_rate(batch["prediction"], 1))
    return monitor
""",
    ],
    "make_detector": [
        # river's defaults: DDM raises false alarms on these streams
        'def make_detector():\n    return mon.detector("ddm")\n',
        # Page-Hinkley's defaults: no false alarm, but slow
        'def make_detector():\n    return mon.detector("page_hinkley")\n',
        # the right delta and threshold, but the default forgetting factor lets the sum wander
        'def make_detector():\n    return mon.detector("page_hinkley", delta=0.1, threshold=8)\n',
        # tuned for speed only: a low threshold alarms on noise
        "def make_detector():\n"
        '    return mon.detector("page_hinkley", delta=0.1, threshold=4, alpha=1.0)\n',
        # DDM tuned against false alarms: quiet but slow
        'def make_detector():\n    return mon.detector("ddm", warm_start=500, drift_threshold=4)\n',
        # one detector shared by every call: it has seen the previous streams
        '_shared = mon.detector("page_hinkley", delta=0.1, threshold=8, alpha=1.0)\n'
        "def make_detector():\n    return _shared\n",
    ],
    "shadow_verdict": [
        # ready on any gain, however little evidence
        """
def shadow_verdict(requests, current, candidate, min_gain=0.02, min_labelled=300):
    report = rollout.shadow(requests, current, candidate)
    return {"agreement": report.agreement, "labelled": report.labelled, "regret": report.regret,
            "ready": report.regret is not None and report.regret >= min_gain}
""",
        # judges by agreement: a candidate that differs is "not ready"
        """
def shadow_verdict(requests, current, candidate, min_gain=0.02, min_labelled=300):
    report = rollout.shadow(requests, current, candidate)
    return {"agreement": report.agreement, "labelled": report.labelled, "regret": report.regret,
            "ready": bool(report.agreement >= 0.9)}
""",
        # the regret with the wrong sign
        """
def shadow_verdict(requests, current, candidate, min_gain=0.02, min_labelled=300):
    report = rollout.shadow(requests, current, candidate)
    regret = None if report.regret is None else report.current_accuracy - report.candidate_accuracy
    ready = regret is not None and report.labelled >= min_labelled and regret >= min_gain
    return {"agreement": report.agreement, "labelled": report.labelled, "regret": regret,
            "ready": bool(ready)}
""",
    ],
    "canary_release": [
        # the simulator's default stages: too few labelled requests in the first stages
        """
def canary_release(requests, current, candidate, tolerance=0.05, max_p95_ms=60):
    known = requests[requests["label"].notna()]
    baseline = float(
        np.mean(current.predict(rollout.features(known)) != known["label"].to_numpy(dtype=int))
    )
    guards = {"error_rate": baseline + tolerance, "latency_p95_ms": max_p95_ms}
    return rollout.canary(requests, current, candidate, guards=guards)
""",
        # forgets the latency guard: the slow candidate is promoted
        """
def canary_release(requests, current, candidate, tolerance=0.05, max_p95_ms=60):
    known = requests[requests["label"].notna()]
    baseline = float(
        np.mean(current.predict(rollout.features(known)) != known["label"].to_numpy(dtype=int))
    )
    return rollout.canary(
        requests,
        current,
        candidate,
        guards={"error_rate": baseline + tolerance},
        stages=(10, 50, 100),
    )
""",
        # a fixed error-rate guard instead of the current model's error plus the tolerance
        """
def canary_release(requests, current, candidate, tolerance=0.05, max_p95_ms=60):
    guards = {"error_rate": 0.25, "latency_p95_ms": max_p95_ms}
    return rollout.canary(requests, current, candidate, guards=guards, stages=(10, 50, 100))
""",
        # starts big: a quarter of the users meet a bad candidate
        """
def canary_release(requests, current, candidate, tolerance=0.05, max_p95_ms=60):
    known = requests[requests["label"].notna()]
    baseline = float(
        np.mean(current.predict(rollout.features(known)) != known["label"].to_numpy(dtype=int))
    )
    guards = {"error_rate": baseline + tolerance, "latency_p95_ms": max_p95_ms}
    return rollout.canary(requests, current, candidate, guards=guards, stages=(25, 50, 100))
""",
    ],
    "automation_plan": [
        # ignores the accuracy floor: the cheapest threshold of all
        """
def automation_plan(
    confidences,
    correct,
    min_accuracy,
    human_cost,
    error_cost,
    human_accuracy=0.98,
    per_day=10_000,
):
    table = rollout.automation_tradeoff(
        confidences,
        correct,
        human_cost=human_cost,
        error_cost=error_cost,
        thresholds=THRESHOLDS,
        human_accuracy=human_accuracy,
    )
    row = rollout.choose_threshold(table)
    plan = {key: row[key] for key in ["threshold", "automated", "accuracy", "cost", "degree"]}
    plan["reviews_per_day"] = float((1 - row["automated"]) * per_day)
    return plan
""",
        # the default grid of thresholds (steps of 0.05)
        """
def automation_plan(
    confidences,
    correct,
    min_accuracy,
    human_cost,
    error_cost,
    human_accuracy=0.98,
    per_day=10_000,
):
    table = rollout.automation_tradeoff(
        confidences,
        correct,
        human_cost=human_cost,
        error_cost=error_cost,
        human_accuracy=human_accuracy,
    )
    row = rollout.choose_threshold(table, min_accuracy=min_accuracy)
    plan = {key: row[key] for key in ["threshold", "automated", "accuracy", "cost", "degree"]}
    plan["reviews_per_day"] = float((1 - row["automated"]) * per_day)
    return plan
""",
        # perfect reviewers assumed
        """
def automation_plan(
    confidences,
    correct,
    min_accuracy,
    human_cost,
    error_cost,
    human_accuracy=0.98,
    per_day=10_000,
):
    table = rollout.automation_tradeoff(
        confidences,
        correct,
        human_cost=human_cost,
        error_cost=error_cost,
        thresholds=THRESHOLDS,
    )
    row = rollout.choose_threshold(table, min_accuracy=min_accuracy)
    plan = {key: row[key] for key in ["threshold", "automated", "accuracy", "cost", "degree"]}
    plan["reviews_per_day"] = float((1 - row["automated"]) * per_day)
    return plan
""",
        # counts the automated requests as the reviews
        """
def automation_plan(
    confidences,
    correct,
    min_accuracy,
    human_cost,
    error_cost,
    human_accuracy=0.98,
    per_day=10_000,
):
    table = rollout.automation_tradeoff(
        confidences,
        correct,
        human_cost=human_cost,
        error_cost=error_cost,
        thresholds=THRESHOLDS,
        human_accuracy=human_accuracy,
    )
    row = rollout.choose_threshold(table, min_accuracy=min_accuracy)
    plan = {key: row[key] for key in ["threshold", "automated", "accuracy", "cost", "degree"]}
    plan["reviews_per_day"] = float(row["automated"] * per_day)
    return plan
""",
    ],
}
