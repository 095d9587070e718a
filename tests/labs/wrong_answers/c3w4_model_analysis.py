"""Plausible wrong answers for C3W4; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "worst_slices": [
        # keeps the baseline's rows: a baseline slice can come out as the "worst"
        """
def worst_slices(metrics, metric, min_examples, k):
    overall = metrics.loc[
        (metrics["model"] == "candidate") & (metrics["slice"] == "Overall"), metric
    ].iloc[0]
    rows = metrics[(metrics["slice"] != "Overall") & (metrics["example_count"] >= min_examples)]
    rows = rows.sort_values([metric, "slice"]).head(k)
    table = rows[["slice", "example_count", metric]].reset_index(drop=True)
    table["gap_to_overall"] = table[metric] - overall
    return table
""",
        # sorts the best slices first
        """
def worst_slices(metrics, metric, min_examples, k):
    cand = metrics[metrics["model"] == "candidate"]
    overall = cand.loc[cand["slice"] == "Overall", metric].iloc[0]
    rows = cand[(cand["slice"] != "Overall") & (cand["example_count"] >= min_examples)]
    rows = rows.sort_values(metric, ascending=False).head(k)
    table = rows[["slice", "example_count", metric]].reset_index(drop=True)
    table["gap_to_overall"] = table[metric] - overall
    return table
""",
        # ignores min_examples: tiny, noisy slices come first
        """
def worst_slices(metrics, metric, min_examples, k):
    cand = metrics[metrics["model"] == "candidate"]
    overall = cand.loc[cand["slice"] == "Overall", metric].iloc[0]
    rows = cand[cand["slice"] != "Overall"].sort_values([metric, "slice"]).head(k)
    table = rows[["slice", "example_count", metric]].reset_index(drop=True)
    table["gap_to_overall"] = table[metric] - overall
    return table
""",
        # the gap the wrong way round (overall minus slice)
        """
def worst_slices(metrics, metric, min_examples, k):
    cand = metrics[metrics["model"] == "candidate"]
    overall = cand.loc[cand["slice"] == "Overall", metric].iloc[0]
    rows = cand[(cand["slice"] != "Overall") & (cand["example_count"] >= min_examples)]
    rows = rows.sort_values([metric, "slice"]).head(k)
    table = rows[["slice", "example_count", metric]].reset_index(drop=True)
    table["gap_to_overall"] = overall - table[metric]
    return table
""",
    ],
    "gate": [
        # strict bounds: a slice exactly at the bound fails, and a change of exactly 0 fails
        """
def gate(metrics, thresholds):
    failures = []
    for _, row in metrics[metrics["model"] == "candidate"].iterrows():
        for metric, bounds in thresholds.items():
            if "lower" in bounds and not row[metric] > bounds["lower"]:
                failures.append((row["slice"], metric, "lower"))
            if "upper" in bounds and not row[metric] < bounds["upper"]:
                failures.append((row["slice"], metric, "upper"))
            if "min_change" in bounds and not row[metric + "_change"] > bounds["min_change"]:
                failures.append((row["slice"], metric, "min_change"))
    return {"blessed": not failures, "failures": sorted(failures)}
""",
        # forgets the change thresholds (compares with nothing)
        """
def gate(metrics, thresholds):
    failures = []
    for _, row in metrics[metrics["model"] == "candidate"].iterrows():
        for metric, bounds in thresholds.items():
            if "lower" in bounds and row[metric] < bounds["lower"]:
                failures.append((row["slice"], metric, "lower"))
            if "upper" in bounds and row[metric] > bounds["upper"]:
                failures.append((row["slice"], metric, "upper"))
    return {"blessed": not failures, "failures": sorted(failures)}
""",
        # checks the overall metrics only: a failing slice is blessed
        """
def gate(metrics, thresholds):
    failures = []
    rows = metrics[(metrics["model"] == "candidate") & (metrics["slice"] == "Overall")]
    for _, row in rows.iterrows():
        for metric, bounds in thresholds.items():
            if "lower" in bounds and row[metric] < bounds["lower"]:
                failures.append((row["slice"], metric, "lower"))
            if "upper" in bounds and row[metric] > bounds["upper"]:
                failures.append((row["slice"], metric, "upper"))
            if "min_change" in bounds and row[metric + "_change"] < bounds["min_change"]:
                failures.append((row["slice"], metric, "min_change"))
    return {"blessed": not failures, "failures": sorted(failures)}
""",
    ],
    "fairness_report": [
        # FPR over all of the group's examples, not over its negatives
        """
def fairness_report(y_true, scores, groups, threshold):
    flagged = scores >= threshold
    rows = {}
    for group in np.unique(groups):
        t, p = y_true[groups == group], flagged[groups == group]
        rows[group] = {
            "fpr": (p & (t == 0)).sum() / len(t),
            "fnr": (~p & (t == 1)).sum() / (t == 1).sum(),
            "selection_rate": p.mean(),
        }
    rates = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    return {
        "rates": rates,
        "fpr_gap": float(rates["fpr"].max() - rates["fpr"].min()),
        "most_flagged": rates["fpr"].idxmax(),
    }
""",
        # selection rate among the true positives only (that is the TPR)
        """
def fairness_report(y_true, scores, groups, threshold):
    flagged = scores >= threshold
    rows = {}
    for group in np.unique(groups):
        t, p = y_true[groups == group], flagged[groups == group]
        rows[group] = {
            "fpr": (p & (t == 0)).sum() / (t == 0).sum(),
            "fnr": (~p & (t == 1)).sum() / (t == 1).sum(),
            "selection_rate": p[t == 1].mean(),
        }
    rates = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    return {
        "rates": rates,
        "fpr_gap": float(rates["fpr"].max() - rates["fpr"].min()),
        "most_flagged": rates["fpr"].idxmax(),
    }
""",
        # flags only scores strictly above the threshold, and ignores the threshold argument
        """
def fairness_report(y_true, scores, groups, threshold):
    flagged = scores > 0.5
    rows = {}
    for group in np.unique(groups):
        t, p = y_true[groups == group], flagged[groups == group]
        rows[group] = {
            "fpr": (p & (t == 0)).sum() / (t == 0).sum(),
            "fnr": (~p & (t == 1)).sum() / (t == 1).sum(),
            "selection_rate": p.mean(),
        }
    rates = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    return {
        "rates": rates,
        "fpr_gap": float(rates["fpr"].max() - rates["fpr"].min()),
        "most_flagged": rates["fpr"].idxmax(),
    }
""",
    ],
    "remediate": [
        # chooses the thresholds on the test data it then reports on
        """
def remediate(val, test, target_fpr):
    fitted = fairness.GroupThresholds(target_fpr=target_fpr).fit(
        test["defaulted"], test["score"], test["group"]
    )
    before = (test["score"] >= 0.5).astype(int).to_numpy()
    after = fitted.predict(test["score"], test["group"])
    y = test["defaulted"].to_numpy()
    gap = lambda pred: fairness.fairness_gaps(fairness.group_rates(y, pred, test["group"]))[
        "fpr_gap"
    ]
    return {
        "thresholds": dict(fitted.thresholds_),
        "fpr_gap_before": gap(before),
        "accuracy_before": float((before == y).mean()),
        "fpr_gap_after": gap(after),
        "accuracy_after": float((after == y).mean()),
    }
""",
        # one threshold for everyone (the largest group's), so the gap stays
        """
def remediate(val, test, target_fpr):
    fitted = fairness.GroupThresholds(target_fpr=target_fpr).fit(
        val["defaulted"], val["score"], val["group"]
    )
    biggest = val["group"].value_counts().idxmax()
    cut = fitted.thresholds_[biggest]
    before = (test["score"] >= 0.5).astype(int).to_numpy()
    after = (test["score"] >= cut).astype(int).to_numpy()
    y = test["defaulted"].to_numpy()
    gap = lambda pred: fairness.fairness_gaps(fairness.group_rates(y, pred, test["group"]))[
        "fpr_gap"
    ]
    return {
        "thresholds": {g: cut for g in fitted.thresholds_},
        "fpr_gap_before": gap(before),
        "accuracy_before": float((before == y).mean()),
        "fpr_gap_after": gap(after),
        "accuracy_after": float((after == y).mean()),
    }
""",
        # measures the result on the validation data used to choose the thresholds
        """
def remediate(val, test, target_fpr):
    fitted = fairness.GroupThresholds(target_fpr=target_fpr).fit(
        val["defaulted"], val["score"], val["group"]
    )
    before = (val["score"] >= 0.5).astype(int).to_numpy()
    after = fitted.predict(val["score"], val["group"])
    y = val["defaulted"].to_numpy()
    gap = lambda pred: fairness.fairness_gaps(fairness.group_rates(y, pred, val["group"]))[
        "fpr_gap"
    ]
    return {
        "thresholds": dict(fitted.thresholds_),
        "fpr_gap_before": gap(before),
        "accuracy_before": float((before == y).mean()),
        "fpr_gap_after": gap(after),
        "accuracy_after": float((after == y).mean()),
    }
""",
    ],
    "fgsm_examples": [
        # steps against the gradient: that lowers the loss and helps the model
        """
def fgsm_examples(model, X, y, epsilon):
    x = tf.convert_to_tensor(X, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x, training=False))
    return tf.clip_by_value(x - epsilon * tf.sign(tape.gradient(loss, x)), 0.0, 1.0).numpy()
""",
        # uses the raw gradient instead of its sign: the steps are tiny
        """
def fgsm_examples(model, X, y, epsilon):
    x = tf.convert_to_tensor(X, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x, training=False))
    return tf.clip_by_value(x + epsilon * tape.gradient(loss, x), 0.0, 1.0).numpy()
""",
        # forgets to clip: pixels leave the valid 0-1 range
        """
def fgsm_examples(model, X, y, epsilon):
    x = tf.convert_to_tensor(X, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = keras.losses.SparseCategoricalCrossentropy()(y, model(x, training=False))
    return (x + epsilon * tf.sign(tape.gradient(loss, x))).numpy()
""",
    ],
    "residual_table": [
        # residuals the wrong way round (prediction minus truth): the signs flip
        """
def residual_table(y_true, y_pred, by, z):
    residuals = pd.Series(np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float))
    grouped = residuals.groupby(np.asarray(by))
    table = pd.DataFrame({"count": grouped.size(), "mean_residual": grouped.mean(),
                          "std_error": grouped.std(ddof=1) / np.sqrt(grouped.size())})
    table["systematic"] = table["mean_residual"].abs() > z * table["std_error"]
    return table
""",
        # uses the standard deviation instead of the standard error: nothing looks systematic
        """
def residual_table(y_true, y_pred, by, z):
    residuals = pd.Series(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
    grouped = residuals.groupby(np.asarray(by))
    table = pd.DataFrame({"count": grouped.size(), "mean_residual": grouped.mean(),
                          "std_error": grouped.std(ddof=1)})
    table["systematic"] = table["mean_residual"].abs() > z * table["std_error"]
    return table
""",
        # flags only under-prediction (a positive mean), missing over-predicted groups
        """
def residual_table(y_true, y_pred, by, z):
    residuals = pd.Series(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
    grouped = residuals.groupby(np.asarray(by))
    table = pd.DataFrame({"count": grouped.size(), "mean_residual": grouped.mean(),
                          "std_error": grouped.std(ddof=1) / np.sqrt(grouped.size())})
    table["systematic"] = table["mean_residual"] > z * table["std_error"]
    return table
""",
    ],
}
