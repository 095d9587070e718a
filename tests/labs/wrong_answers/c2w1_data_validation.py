"""Plausible wrong answers for C2W1; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "compute_statistics": [
        # uses the global training frame instead of the argument
        "def compute_statistics(df):\n    return dv.statistics(train_df)\n",
        # returns a table instead of TFDV statistics
        "def compute_statistics(df):\n    return dv.feature_table(dv.statistics(df))\n",
    ],
    "summarize": [
        # reads the mean stay instead of the longest
        """
def summarize(stats):
    table = dv.feature_table(stats)
    numeric = table["type"].isin(["INT", "FLOAT"])
    return {
        "num_examples": int(stats.datasets[0].num_examples),
        "numeric_features": sorted(table.loc[numeric, "feature"]),
        "categorical_features": sorted(table.loc[~numeric, "feature"]),
        "most_missing": table.sort_values("missing_fraction")["feature"].iloc[-1],
        "longest_stay": float(table.loc[table["feature"] == "time_in_hospital", "mean"].iloc[0]),
    }
""",
        # picks the least-missing feature
        """
def summarize(stats):
    table = dv.feature_table(stats)
    numeric = table["type"].isin(["INT", "FLOAT"])
    return {
        "num_examples": int(stats.datasets[0].num_examples),
        "numeric_features": sorted(table.loc[numeric, "feature"]),
        "categorical_features": sorted(table.loc[~numeric, "feature"]),
        "most_missing": table.sort_values("missing_fraction")["feature"].iloc[0],
        "longest_stay": float(table.loc[table["feature"] == "time_in_hospital", "max"].iloc[0]),
    }
""",
    ],
    "curated_schema": [
        # forgets that medical_specialty may be missing
        """
def curated_schema(stats):
    schema = dv.infer_schema(stats)
    dv.set_range(schema, "time_in_hospital", 1, 14)
    dv.set_range(schema, "admission_type_id", 1, 8)
    return schema
""",
        # counts days from 0
        """
def curated_schema(stats):
    schema = dv.infer_schema(stats)
    dv.set_range(schema, "time_in_hospital", 0, 14)
    dv.set_range(schema, "admission_type_id", 1, 8)
    dv.set_required(schema, "medical_specialty", False)
    return schema
""",
        # trusts the inferred schema for the admission codes
        """
def curated_schema(stats):
    schema = dv.infer_schema(stats)
    dv.set_range(schema, "time_in_hospital", 1, 14)
    dv.set_required(schema, "medical_specialty", False)
    return schema
""",
    ],
    "accept_new_values": [
        # fixes only the anomaly seen in eval, by name
        """
def accept_new_values(schema, stats):
    dv.add_to_domain(schema, "medical_specialty", ["Dermatology"])
    return schema
""",
        # replaces each domain with the values seen now, dropping the curated ones
        """
def accept_new_values(schema, stats):
    for feature in dv.feature_table(stats)["feature"]:
        if dv.domain_values(schema, feature) is not None:
            dv.set_domain(schema, feature, sorted(dv.category_frequencies(stats, feature)))
    return schema
""",
    ],
    "serving_anomalies": [
        # validates without the SERVING environment
        """
def serving_anomalies(schema, serving_stats):
    dv.add_environments(schema, ["TRAINING", "SERVING"], exclude={"SERVING": [LABEL]})
    return dv.anomalies_table(dv.validate(serving_stats, schema))
""",
        # removes the label from every environment
        """
def serving_anomalies(schema, serving_stats):
    dv.add_environments(schema, ["TRAINING", "SERVING"], exclude={"SERVING": [LABEL], "TRAINING": [LABEL]})
    return dv.anomalies_table(dv.validate(serving_stats, schema, environment="SERVING"))
""",
    ],
    "drift_and_skew": [
        # swaps drift and skew
        """
def drift_and_skew(schema, train_stats, eval_stats, serving_stats, threshold):
    for feature in ["time_in_hospital", "payer_code"]:
        dv.set_skew_threshold(schema, feature, threshold)
    for feature in ["age", "num_lab_procedures"]:
        dv.set_drift_threshold(schema, feature, threshold)
    return (dv.drift_table(train_stats, eval_stats, schema),
            dv.skew_table(train_stats, serving_stats, schema))
""",
        # ignores the threshold argument
        """
def drift_and_skew(schema, train_stats, eval_stats, serving_stats, threshold):
    for feature in ["time_in_hospital", "payer_code"]:
        dv.set_drift_threshold(schema, feature, 0.05)
    for feature in ["age", "num_lab_procedures"]:
        dv.set_skew_threshold(schema, feature, 0.05)
    return (dv.drift_table(train_stats, eval_stats, schema),
            dv.skew_table(train_stats, serving_stats, schema))
""",
    ],
    "slice_stats": [
        # forgets to pick the slice
        "def slice_stats(df, feature, value):\n    return dv.statistics(df, slice_by=[feature])\n",
        # the whole dataset
        "def slice_stats(df, feature, value):\n    return dv.statistics(df)\n",
    ],
}
