"""Plausible wrong answers for C2W1; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "compute_statistics": [
        # leaves the options out: statistics of every column
        "def compute_statistics(df, features):\n"
        "    return tfdv.generate_statistics_from_dataframe(df)\n",
        # uses the global training frame instead of the argument
        """
def compute_statistics(df, features):
    options = tfdv.StatsOptions(feature_allowlist=list(features))
    return tfdv.generate_statistics_from_dataframe(train_df, stats_options=options)
""",
        # returns a table instead of TFDV statistics
        """
def compute_statistics(df, features):
    options = tfdv.StatsOptions(feature_allowlist=list(features))
    return dv.feature_table(tfdv.generate_statistics_from_dataframe(df, stats_options=options))
""",
    ],
    "summarize": [
        # reads the mean stay instead of the longest
        """
def summarize(stats):
    dataset = stats.datasets[0]
    numeric = [f.path.step[0] for f in dataset.features if f.HasField("num_stats")]
    categorical = [f.path.step[0] for f in dataset.features if f.HasField("string_stats")]
    missing = {
        f.path.step[0]: (
            f.num_stats if f.HasField("num_stats") else f.string_stats
        ).common_stats.num_missing
        for f in dataset.features
    }
    stay = tfdv.get_feature_stats(dataset, tfdv.FeaturePath(["time_in_hospital"]))
    return {
        "num_examples": int(dataset.num_examples),
        "numeric_features": sorted(numeric),
        "categorical_features": sorted(categorical),
        "most_missing": max(missing, key=missing.get),
        "longest_stay": float(stay.num_stats.mean),
    }
""",
        # picks the least-missing feature
        """
def summarize(stats):
    dataset = stats.datasets[0]
    numeric = [f.path.step[0] for f in dataset.features if f.HasField("num_stats")]
    categorical = [f.path.step[0] for f in dataset.features if f.HasField("string_stats")]
    missing = {
        f.path.step[0]: (
            f.num_stats if f.HasField("num_stats") else f.string_stats
        ).common_stats.num_missing
        for f in dataset.features
    }
    stay = tfdv.get_feature_stats(dataset, tfdv.FeaturePath(["time_in_hospital"]))
    return {
        "num_examples": int(dataset.num_examples),
        "numeric_features": sorted(numeric),
        "categorical_features": sorted(categorical),
        "most_missing": min(missing, key=missing.get),
        "longest_stay": float(stay.num_stats.max),
    }
""",
        # reads the longest stay from the training DataFrame, not from the statistics
        """
def summarize(stats):
    dataset = stats.datasets[0]
    numeric = [f.path.step[0] for f in dataset.features if f.HasField("num_stats")]
    categorical = [f.path.step[0] for f in dataset.features if f.HasField("string_stats")]
    missing = {
        f.path.step[0]: (
            f.num_stats if f.HasField("num_stats") else f.string_stats
        ).common_stats.num_missing
        for f in dataset.features
    }
    return {
        "num_examples": int(dataset.num_examples),
        "numeric_features": sorted(numeric),
        "categorical_features": sorted(categorical),
        "most_missing": max(missing, key=missing.get),
        "longest_stay": float(train_df["time_in_hospital"].max()),
    }
""",
    ],
    "curated_schema": [
        # makes medical_specialty optional but keeps the inferred shape
        """
def curated_schema(stats):
    schema = tfdv.infer_schema(stats)
    tfdv.set_domain(schema, "time_in_hospital", schema_pb2.IntDomain(min=1, max=14))
    tfdv.set_domain(schema, "admission_type_id", schema_pb2.IntDomain(min=1, max=8))
    tfdv.get_feature(schema, "medical_specialty").presence.min_fraction = 0.0
    return schema
""",
        # counts days from 0
        """
def curated_schema(stats):
    schema = tfdv.infer_schema(stats)
    tfdv.set_domain(schema, "time_in_hospital", schema_pb2.IntDomain(min=0, max=14))
    tfdv.set_domain(schema, "admission_type_id", schema_pb2.IntDomain(min=1, max=8))
    specialty = tfdv.get_feature(schema, "medical_specialty")
    specialty.presence.min_fraction = 0.0
    specialty.ClearField("shape")
    return schema
""",
        # trusts the inferred schema for the admission codes
        """
def curated_schema(stats):
    schema = tfdv.infer_schema(stats)
    tfdv.set_domain(schema, "time_in_hospital", schema_pb2.IntDomain(min=1, max=14))
    specialty = tfdv.get_feature(schema, "medical_specialty")
    specialty.presence.min_fraction = 0.0
    specialty.ClearField("shape")
    return schema
""",
    ],
    "accept_new_values": [
        # fixes only the anomaly seen in eval, by name
        """
def accept_new_values(schema, stats):
    tfdv.get_domain(schema, "medical_specialty").value.append("Dermatology")
    return schema
""",
        # replaces each anomalous domain with the values seen now, dropping the curated order
        """
def accept_new_values(schema, stats):
    unexpected = anomalies_pb2.AnomalyInfo.ENUM_TYPE_UNEXPECTED_STRING_VALUES
    for feature, info in tfdv.validate_statistics(stats, schema).anomaly_info.items():
        if any(r.type == unexpected for r in info.reason):
            seen = tfdv.get_feature_stats(stats.datasets[0], tfdv.FeaturePath([feature]))
            domain = tfdv.get_domain(schema, feature)
            del domain.value[:]
            domain.value.extend(sorted(b.label for b in seen.string_stats.rank_histogram.buckets))
    return schema
""",
        # stops after the first anomalous feature
        """
def accept_new_values(schema, stats):
    unexpected = anomalies_pb2.AnomalyInfo.ENUM_TYPE_UNEXPECTED_STRING_VALUES
    for feature, info in tfdv.validate_statistics(stats, schema).anomaly_info.items():
        if any(r.type == unexpected for r in info.reason):
            seen = tfdv.get_feature_stats(stats.datasets[0], tfdv.FeaturePath([feature]))
            domain = tfdv.get_domain(schema, feature)
            labels = [b.label for b in seen.string_stats.rank_histogram.buckets]
            domain.value.extend(sorted(set(labels) - set(domain.value)))
            return schema
    return schema
""",
    ],
    "curate_domains": [
        # copies the values into each feature's own domain: nothing is shared
        """
def curate_domains(schema, medications, min_mass):
    for feature in medications:
        tfdv.set_domain(
            schema, feature, schema_pb2.StringDomain(name="medication", value=MEDICATION_VALUES)
        )
    tfdv.get_feature(schema, "payer_code").distribution_constraints.min_domain_mass = min_mass
    return schema
""",
        # reads min_domain_mass as the fraction of unknown values allowed
        """
def curate_domains(schema, medications, min_mass):
    schema.string_domain.add(name="medication", value=MEDICATION_VALUES)
    for feature in medications:
        tfdv.set_domain(schema, feature, "medication")
    tfdv.get_feature(schema, "payer_code").distribution_constraints.min_domain_mass = 1 - min_mass
    return schema
""",
        # relaxes the medications too
        """
def curate_domains(schema, medications, min_mass):
    schema.string_domain.add(name="medication", value=MEDICATION_VALUES)
    for feature in [*medications, "payer_code"]:
        if feature in medications:
            tfdv.set_domain(schema, feature, "medication")
        tfdv.get_feature(schema, feature).distribution_constraints.min_domain_mass = min_mass
    return schema
""",
        # uses the notebook's MEDICATIONS instead of the argument
        """
def curate_domains(schema, medications, min_mass):
    schema.string_domain.add(name="medication", value=MEDICATION_VALUES)
    for feature in MEDICATIONS:
        tfdv.set_domain(schema, feature, "medication")
    tfdv.get_feature(schema, "payer_code").distribution_constraints.min_domain_mass = min_mass
    return schema
""",
    ],
    "serving_anomalies": [
        # validates without the SERVING environment
        """
def serving_anomalies(schema, serving_stats):
    schema.default_environment.extend(["TRAINING", "SERVING"])
    tfdv.get_feature(schema, LABEL).not_in_environment.append("SERVING")
    return tfdv.validate_statistics(serving_stats, schema)
""",
        # takes the label out of every environment
        """
def serving_anomalies(schema, serving_stats):
    schema.default_environment.extend(["TRAINING", "SERVING"])
    tfdv.get_feature(schema, LABEL).not_in_environment.extend(["TRAINING", "SERVING"])
    return tfdv.validate_statistics(serving_stats, schema, environment="SERVING")
""",
        # drops the label from the schema instead of using environments
        """
def serving_anomalies(schema, serving_stats):
    schema.feature.remove(tfdv.get_feature(schema, LABEL))
    return tfdv.validate_statistics(serving_stats, schema)
""",
    ],
    "drift_and_skew": [
        # swaps drift and skew
        """
def drift_and_skew(schema, train_stats, eval_stats, serving_stats, threshold):
    tfdv.get_feature(
        schema, "time_in_hospital"
    ).skew_comparator.jensen_shannon_divergence.threshold = threshold
    tfdv.get_feature(schema, "payer_code").skew_comparator.infinity_norm.threshold = threshold
    tfdv.get_feature(schema, "age").drift_comparator.infinity_norm.threshold = threshold
    tfdv.get_feature(
        schema, "num_lab_procedures"
    ).drift_comparator.jensen_shannon_divergence.threshold = threshold
    drift = tfdv.validate_statistics(eval_stats, schema, previous_statistics=train_stats)
    skew = tfdv.validate_statistics(train_stats, schema, serving_statistics=serving_stats)
    return drift, skew
""",
        # ignores the threshold argument
        """
def drift_and_skew(schema, train_stats, eval_stats, serving_stats, threshold):
    tfdv.get_feature(
        schema, "time_in_hospital"
    ).drift_comparator.jensen_shannon_divergence.threshold = 0.05
    tfdv.get_feature(schema, "payer_code").drift_comparator.infinity_norm.threshold = 0.05
    tfdv.get_feature(schema, "age").skew_comparator.infinity_norm.threshold = 0.05
    tfdv.get_feature(
        schema, "num_lab_procedures"
    ).skew_comparator.jensen_shannon_divergence.threshold = 0.05
    drift = tfdv.validate_statistics(eval_stats, schema, previous_statistics=train_stats)
    skew = tfdv.validate_statistics(train_stats, schema, serving_statistics=serving_stats)
    return drift, skew
""",
        # the L-infinity distance for every feature, numeric ones too
        """
def drift_and_skew(schema, train_stats, eval_stats, serving_stats, threshold):
    tfdv.get_feature(
        schema, "time_in_hospital"
    ).drift_comparator.infinity_norm.threshold = threshold
    tfdv.get_feature(schema, "payer_code").drift_comparator.infinity_norm.threshold = threshold
    tfdv.get_feature(schema, "age").skew_comparator.infinity_norm.threshold = threshold
    tfdv.get_feature(
        schema, "num_lab_procedures"
    ).skew_comparator.infinity_norm.threshold = threshold
    drift = tfdv.validate_statistics(eval_stats, schema, previous_statistics=train_stats)
    skew = tfdv.validate_statistics(train_stats, schema, serving_statistics=serving_stats)
    return drift, skew
""",
        # measures skew against the evaluation data instead of the training data
        """
def drift_and_skew(schema, train_stats, eval_stats, serving_stats, threshold):
    tfdv.get_feature(
        schema, "time_in_hospital"
    ).drift_comparator.jensen_shannon_divergence.threshold = threshold
    tfdv.get_feature(schema, "payer_code").drift_comparator.infinity_norm.threshold = threshold
    tfdv.get_feature(schema, "age").skew_comparator.infinity_norm.threshold = threshold
    tfdv.get_feature(
        schema, "num_lab_procedures"
    ).skew_comparator.jensen_shannon_divergence.threshold = threshold
    drift = tfdv.validate_statistics(eval_stats, schema, previous_statistics=train_stats)
    skew = tfdv.validate_statistics(eval_stats, schema, serving_statistics=serving_stats)
    return drift, skew
""",
    ],
    "slice_stats": [
        # forgets to pick the slice
        """
def slice_stats(df, feature, value):
    options = tfdv.StatsOptions(
        experimental_slice_functions=[slicing_util.get_feature_value_slicer({feature: None})]
    )
    with tempfile.TemporaryDirectory() as folder:
        df.to_csv(Path(folder) / "data.csv", index=False)
        return tfdv.generate_statistics_from_csv(
            str(Path(folder) / "data.csv"), stats_options=options
        )
""",
        # slices a DataFrame in memory, where TFDV 1.16 ignores the slice functions
        """
def slice_stats(df, feature, value):
    options = tfdv.StatsOptions(
        experimental_slice_functions=[slicing_util.get_feature_value_slicer({feature: None})]
    )
    return tfdv.generate_statistics_from_dataframe(df, stats_options=options)
""",
        # the whole dataset
        "def slice_stats(df, feature, value):\n"
        "    return tfdv.generate_statistics_from_dataframe(df)\n",
    ],
}
