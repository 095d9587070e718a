"""Plausible wrong answers for C1W3; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "label_agreement": [
        # averages the pairwise Cohen's kappas instead of computing Fleiss' kappa
        """
def label_agreement(labels, min_kappa):
    pairs = agreement_table(labels)
    weakest = pairs.loc[pairs["kappa"].idxmin()]
    fleiss = float(pairs["kappa"].mean())
    return {"fleiss": fleiss, "weakest_pair": (weakest["labeler_a"], weakest["labeler_b"]),
            "weakest_kappa": float(weakest["kappa"]), "consistent": bool(fleiss >= min_kappa)}
""",
        # ranks the pairs by raw agreement, not by kappa
        """
def label_agreement(labels, min_kappa):
    pairs = agreement_table(labels)
    weakest = pairs.loc[pairs["agreement"].idxmin()]
    fleiss = fleiss_kappa(labels)
    return {"fleiss": fleiss, "weakest_pair": (weakest["labeler_a"], weakest["labeler_b"]),
            "weakest_kappa": float(weakest["kappa"]), "consistent": bool(fleiss >= min_kappa)}
""",
        # picks the pair that agrees best
        """
def label_agreement(labels, min_kappa):
    pairs = agreement_table(labels)
    weakest = pairs.loc[pairs["kappa"].idxmax()]
    fleiss = fleiss_kappa(labels)
    return {"fleiss": fleiss, "weakest_pair": (weakest["labeler_a"], weakest["labeler_b"]),
            "weakest_kappa": float(weakest["kappa"]), "consistent": bool(fleiss >= min_kappa)}
""",
        # hard-codes the threshold of the visible test instead of using min_kappa
        """
def label_agreement(labels, min_kappa):
    pairs = agreement_table(labels)
    weakest = pairs.loc[pairs["kappa"].idxmin()]
    fleiss = fleiss_kappa(labels)
    return {"fleiss": fleiss, "weakest_pair": (weakest["labeler_a"], weakest["labeler_b"]),
            "weakest_kappa": float(weakest["kappa"]), "consistent": bool(fleiss >= 0.7)}
""",
        # uses the global labels instead of the argument
        """
def label_agreement(data, min_kappa):
    pairs = agreement_table(labels)
    weakest = pairs.loc[pairs["kappa"].idxmin()]
    fleiss = fleiss_kappa(labels)
    return {"fleiss": fleiss, "weakest_pair": (weakest["labeler_a"], weakest["labeler_b"]),
            "weakest_kappa": float(weakest["kappa"]), "consistent": bool(fleiss >= min_kappa)}
""",
    ],
    "fix_confusion": [
        # takes the least confused pair (the last row)
        """
def fix_confusion(labels, threshold):
    top = confusable_classes(labels).iloc[-1]
    pair = (top["class_a"], top["class_b"])
    return {"pair": pair, "before": fleiss_kappa(labels),
            "merged": fleiss_kappa(merge_classes(labels, {pair[1]: pair[0]})),
            "borderline": fleiss_kappa(borderline_class(labels, threshold, classes=list(pair)))}
""",
        # a borderline class for every ambiguous image, not only those between the pair
        """
def fix_confusion(labels, threshold):
    top = confusable_classes(labels).iloc[0]
    pair = (top["class_a"], top["class_b"])
    return {"pair": pair, "before": fleiss_kappa(labels),
            "merged": fleiss_kappa(merge_classes(labels, {pair[1]: pair[0]})),
            "borderline": fleiss_kappa(borderline_class(labels, threshold))}
""",
        # ignores the threshold argument (borderline_class's default 0.75)
        """
def fix_confusion(labels, threshold):
    top = confusable_classes(labels).iloc[0]
    pair = (top["class_a"], top["class_b"])
    return {"pair": pair, "before": fleiss_kappa(labels),
            "merged": fleiss_kappa(merge_classes(labels, {pair[1]: pair[0]})),
            "borderline": fleiss_kappa(borderline_class(labels, classes=list(pair)))}
""",
        # hard-codes the scratch classes seen in the visible test
        """
def fix_confusion(labels, threshold):
    pair = ("deep scratch", "shallow scratch")
    return {"pair": pair, "before": fleiss_kappa(labels),
            "merged": fleiss_kappa(merge_classes(labels, {pair[1]: pair[0]})),
            "borderline": fleiss_kappa(borderline_class(labels, threshold, classes=list(pair)))}
""",
        # merges by overwriting the labels in place
        """
def fix_confusion(labels, threshold):
    top = confusable_classes(labels).iloc[0]
    pair = (top["class_a"], top["class_b"])
    before = fleiss_kappa(labels)
    border = fleiss_kappa(borderline_class(labels, threshold, classes=list(pair)))
    labels[labels == pair[1]] = pair[0]
    return {"pair": pair, "before": before, "merged": fleiss_kappa(labels), "borderline": border}
""",
    ],
    "compare_to_hlp": [
        # takes the best labeler as HLP instead of the mean
        """
def compare_to_hlp(predictions, labels, ground_truth=None):
    if ground_truth is None:
        hlp = human_level_performance(labels).best
        model = float((predictions == majority_vote(labels)).mean())
    else:
        hlp = human_level_performance(labels, ground_truth=ground_truth).best
        model = float((predictions == ground_truth).mean())
    return {"hlp": hlp, "model": model, "gap": hlp - model, "beats_hlp": bool(model > hlp)}
""",
        # never passes the ground truth to human_level_performance
        """
def compare_to_hlp(predictions, labels, ground_truth=None):
    hlp = human_level_performance(labels).mean
    if ground_truth is None:
        model = float((predictions == majority_vote(labels)).mean())
    else:
        model = float((predictions == ground_truth).mean())
    return {"hlp": hlp, "model": model, "gap": hlp - model, "beats_hlp": bool(model > hlp)}
""",
        # the gap the wrong way round
        """
def compare_to_hlp(predictions, labels, ground_truth=None):
    if ground_truth is None:
        hlp = human_level_performance(labels).mean
        model = float((predictions == majority_vote(labels)).mean())
    else:
        hlp = human_level_performance(labels, ground_truth=ground_truth).mean
        model = float((predictions == ground_truth).mean())
    return {"hlp": hlp, "model": model, "gap": model - hlp, "beats_hlp": bool(model > hlp)}
""",
        # scores the model against the majority vote even when ground truth is given
        """
def compare_to_hlp(predictions, labels, ground_truth=None):
    hlp = human_level_performance(labels, ground_truth=ground_truth).mean
    model = float((predictions == majority_vote(labels)).mean())
    return {"hlp": hlp, "model": model, "gap": hlp - model, "beats_hlp": bool(model > hlp)}
""",
        # without ground truth, treats the first labeler as the truth
        """
def compare_to_hlp(predictions, labels, ground_truth=None):
    reference = labels.iloc[:, 0] if ground_truth is None else ground_truth
    hlp = human_level_performance(labels, ground_truth=ground_truth).mean
    model = float((predictions == reference).mean())
    return {"hlp": hlp, "model": model, "gap": hlp - model, "beats_hlp": bool(model > hlp)}
""",
    ],
    "go_no_go": [
        # decides on the likely value, ignoring the range
        """
def go_no_go(factors, yearly_cost):
    value = fermi(**factors)
    if value.likely > yearly_cost:
        return {"value": value, "decision": "go"}
    if value.high < yearly_cost:
        return {"value": value, "decision": "stop"}
    return {"value": value, "decision": "refine"}
""",
        # forgets the stop case
        """
def go_no_go(factors, yearly_cost):
    value = fermi(**factors)
    return {"value": value, "decision": "go" if value.low > yearly_cost else "refine"}
""",
        # swaps the two ends of the range
        """
def go_no_go(factors, yearly_cost):
    value = fermi(**factors)
    if value.high > yearly_cost:
        decision = "go"
    elif value.low < yearly_cost:
        decision = "stop"
    else:
        decision = "refine"
    return {"value": value, "decision": decision}
""",
        # uses the global defect_factors instead of the argument
        """
def go_no_go(factors, yearly_cost):
    value = fermi(**defect_factors)
    if value.low > yearly_cost:
        decision = "go"
    elif value.high < yearly_cost:
        decision = "stop"
    else:
        decision = "refine"
    return {"value": value, "decision": decision}
""",
    ],
    "pilot_review": [
        # trusts the guessed direction of false_reject_rate ("higher")
        """
def pilot_review(measured):
    pilot = Milestone("pilot", ml={"recall": 0.95, "false_reject_rate": 0.02},
                      software={"latency_ms_p95": 300}, business={"yearly_savings": 20_000},
                      compute="1 vCPU, no GPU")
    table = pilot.check(measured)
    return {"ready": bool(table["met"].all()), "unmet": list(table.loc[~table["met"], "metric"])}
""",
        # lists the targets that are met
        """
def pilot_review(measured):
    pilot = Milestone("pilot", ml={"recall": 0.95, "false_reject_rate": 0.02},
                      software={"latency_ms_p95": 300}, business={"yearly_savings": 20_000},
                      compute="1 vCPU, no GPU", directions={"false_reject_rate": "lower"})
    table = pilot.check(measured)
    return {"ready": pilot.all_met(measured), "unmet": list(table.loc[table["met"], "metric"])}
""",
        # reads "unmet" from the note column, which also annotates met software targets
        """
def pilot_review(measured):
    pilot = Milestone(
        "pilot",
        ml={"recall": 0.95, "false_reject_rate": 0.02},
        software={"latency_ms_p95": 300},
        business={"yearly_savings": 20_000},
        compute="1 vCPU, no GPU",
        directions={"false_reject_rate": "lower"},
    )
    table = pilot.check(measured)
    return {
        "ready": pilot.all_met(measured),
        "unmet": list(table.loc[table["note"] != "", "metric"]),
    }
""",
        # a zero short in the business target
        """
def pilot_review(measured):
    pilot = Milestone("pilot", ml={"recall": 0.95, "false_reject_rate": 0.02},
                      software={"latency_ms_p95": 300}, business={"yearly_savings": 2_000},
                      compute="1 vCPU, no GPU", directions={"false_reject_rate": "lower"})
    table = pilot.check(measured)
    return {"ready": bool(table["met"].all()), "unmet": list(table.loc[~table["met"], "metric"])}
""",
        # only checks the metrics that were measured, so a missing one counts as met
        """
def pilot_review(measured):
    targets = {
        "recall": 0.95,
        "false_reject_rate": 0.02,
        "latency_ms_p95": 300,
        "yearly_savings": 20_000,
    }
    lower = {"false_reject_rate", "latency_ms_p95"}
    unmet = [
        m
        for m, t in targets.items()
        if m in measured and (measured[m] > t if m in lower else measured[m] < t)
    ]
    return {"ready": not unmet, "unmet": unmet}
""",
    ],
    "run_pipeline": [
        # bakes the parameters into the function, so the log does not record them
        """
def run_pipeline(raw, seed, test_fraction, folder):
    log = ProvenanceLog()
    cleaned = log.record("clean", clean, inputs={"raw": raw})
    log.record("split", lambda df: split(df, seed, test_fraction), inputs={"clean": cleaned})
    log.save(Path(folder) / "provenance.json")
    return log
""",
        # splits the raw data instead of the cleaned data
        """
def run_pipeline(raw, seed, test_fraction, folder):
    log = ProvenanceLog()
    log.record("clean", clean, inputs={"raw": raw})
    log.record(
        "split",
        split,
        inputs={"clean": raw},
        params={"seed": seed, "test_fraction": test_fraction},
    )
    log.save(Path(folder) / "provenance.json")
    return log
""",
        # forgets to save the log
        """
def run_pipeline(raw, seed, test_fraction, folder):
    log = ProvenanceLog()
    cleaned = log.record("clean", clean, inputs={"raw": raw})
    log.record(
        "split",
        split,
        inputs={"clean": cleaned},
        params={"seed": seed, "test_fraction": test_fraction},
    )
    return log
""",
        # uses the global raw_images instead of the argument
        """
def run_pipeline(raw, seed, test_fraction, folder):
    log = ProvenanceLog()
    cleaned = log.record("clean", clean, inputs={"raw": raw_images})
    log.record(
        "split",
        split,
        inputs={"clean": cleaned},
        params={"seed": seed, "test_fraction": test_fraction},
    )
    log.save(Path(folder) / "provenance.json")
    return log
""",
    ],
}
