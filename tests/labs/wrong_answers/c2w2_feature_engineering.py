"""Plausible wrong answers for C2W2; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "preprocessing_fn": [
        # scales the numbers to [0, 1] instead of standardising them
        """
def preprocessing_fn(inputs):
    outputs = {f"{c}_z": tft.scale_to_0_1(inputs[c]) for c in ["temp", "snow_1h"]}
    outputs["clouds_all_01"] = tft.scale_to_0_1(inputs["clouds_all"])
    for c in ["weather_main", "holiday"]:
        outputs[f"{c}_id"] = tft.compute_and_apply_vocabulary(inputs[c], num_oov_buckets=1)
    outputs["temp_bucket"] = tft.bucketize(inputs["temp"], 4)
    outputs["hour"] = inputs["hour"]
    outputs["day_of_week"] = inputs["day_of_week"]
    volume = tf.cast(inputs["traffic_volume"], tf.float32)
    outputs["busy"] = tf.cast(volume > tft.mean(volume), tf.int64)
    return outputs
""",
        # a vocabulary without an out-of-vocabulary id: unseen values get -1
        """
def preprocessing_fn(inputs):
    outputs = {f"{c}_z": tft.scale_to_z_score(inputs[c]) for c in ["temp", "snow_1h"]}
    outputs["clouds_all_01"] = tft.scale_to_0_1(inputs["clouds_all"])
    for c in ["weather_main", "holiday"]:
        outputs[f"{c}_id"] = tft.compute_and_apply_vocabulary(inputs[c])
    outputs["temp_bucket"] = tft.bucketize(inputs["temp"], 4)
    outputs["hour"] = inputs["hour"]
    outputs["day_of_week"] = inputs["day_of_week"]
    volume = tf.cast(inputs["traffic_volume"], tf.float32)
    outputs["busy"] = tf.cast(volume > tft.mean(volume), tf.int64)
    return outputs
""",
        # hashes the categories instead of learning a vocabulary
        """
def preprocessing_fn(inputs):
    outputs = {f"{c}_z": tft.scale_to_z_score(inputs[c]) for c in ["temp", "snow_1h"]}
    outputs["clouds_all_01"] = tft.scale_to_0_1(inputs["clouds_all"])
    for c in ["weather_main", "holiday"]:
        outputs[f"{c}_id"] = tft.hash_strings(inputs[c], 10)
    outputs["temp_bucket"] = tft.bucketize(inputs["temp"], 4)
    outputs["hour"] = inputs["hour"]
    outputs["day_of_week"] = inputs["day_of_week"]
    volume = tf.cast(inputs["traffic_volume"], tf.float32)
    outputs["busy"] = tf.cast(volume > tft.mean(volume), tf.int64)
    return outputs
""",
        # fixed temperature boundaries instead of quantiles learned from the data
        """
def preprocessing_fn(inputs):
    outputs = {f"{c}_z": tft.scale_to_z_score(inputs[c]) for c in ["temp", "snow_1h"]}
    outputs["clouds_all_01"] = tft.scale_to_0_1(inputs["clouds_all"])
    for c in ["weather_main", "holiday"]:
        outputs[f"{c}_id"] = tft.compute_and_apply_vocabulary(inputs[c], num_oov_buckets=1)
    outputs["temp_bucket"] = tft.apply_buckets(inputs["temp"], tf.constant([[260.0, 270.0, 280.0]]))
    outputs["hour"] = inputs["hour"]
    outputs["day_of_week"] = inputs["day_of_week"]
    volume = tf.cast(inputs["traffic_volume"], tf.float32)
    outputs["busy"] = tf.cast(volume > tft.mean(volume), tf.int64)
    return outputs
""",
        # the label against the mean of the batch, not of the training data
        """
def preprocessing_fn(inputs):
    outputs = {f"{c}_z": tft.scale_to_z_score(inputs[c]) for c in ["temp", "snow_1h"]}
    outputs["clouds_all_01"] = tft.scale_to_0_1(inputs["clouds_all"])
    for c in ["weather_main", "holiday"]:
        outputs[f"{c}_id"] = tft.compute_and_apply_vocabulary(inputs[c], num_oov_buckets=1)
    outputs["temp_bucket"] = tft.bucketize(inputs["temp"], 4)
    outputs["hour"] = inputs["hour"]
    outputs["day_of_week"] = inputs["day_of_week"]
    volume = tf.cast(inputs["traffic_volume"], tf.float32)
    outputs["busy"] = tf.cast(volume > tf.reduce_mean(volume), tf.int64)
    return outputs
""",
        # standardises with hard-coded statistics of the visible rows
        """
def preprocessing_fn(inputs):
    outputs = {
        "temp_z": (inputs["temp"] - 271.0909) / 7.8325,
        "snow_1h_z": tft.scale_to_z_score(inputs["snow_1h"]),
    }
    outputs["clouds_all_01"] = tft.scale_to_0_1(inputs["clouds_all"])
    for c in ["weather_main", "holiday"]:
        outputs[f"{c}_id"] = tft.compute_and_apply_vocabulary(inputs[c], num_oov_buckets=1)
    outputs["temp_bucket"] = tft.bucketize(inputs["temp"], 4)
    outputs["hour"] = inputs["hour"]
    outputs["day_of_week"] = inputs["day_of_week"]
    volume = tf.cast(inputs["traffic_volume"], tf.float32)
    outputs["busy"] = tf.cast(volume > tft.mean(volume), tf.int64)
    return outputs
""",
        # forgets the label
        """
def preprocessing_fn(inputs):
    outputs = {f"{c}_z": tft.scale_to_z_score(inputs[c]) for c in ["temp", "snow_1h"]}
    outputs["clouds_all_01"] = tft.scale_to_0_1(inputs["clouds_all"])
    for c in ["weather_main", "holiday"]:
        outputs[f"{c}_id"] = tft.compute_and_apply_vocabulary(inputs[c], num_oov_buckets=1)
    outputs["temp_bucket"] = tft.bucketize(inputs["temp"], 4)
    outputs["hour"] = inputs["hour"]
    outputs["day_of_week"] = inputs["day_of_week"]
    return outputs
""",
    ],
    "stale_outputs": [
        # every output that reads a changed column, analyzer or not (counts the cross)
        """
def stale_outputs(spec, changed_columns):
    return sorted(name for name, part in spec.items() if set(changed_columns) & set(part.inputs))
""",
        # every analyzer, whether or not its column changed
        """
def stale_outputs(spec, changed_columns):
    return sorted(name for name, part in spec.items() if part.analyzes)
""",
        # returns the changed input columns instead of the output names
        """
def stale_outputs(spec, changed_columns):
    return sorted(
        {
            c
            for part in spec.values()
            if part.analyzes
            for c in part.inputs
            if c in changed_columns
        }
    )
""",
        # thinks only numeric scaling learns statistics (forgets vocabularies and buckets)
        """
def stale_outputs(spec, changed_columns):
    return sorted(
        name
        for name, part in spec.items()
        if part.kind in ("z_score", "scale_0_1") and set(changed_columns) & set(part.inputs)
    )
""",
        # thinks hashing and crossing learn statistics too (everything but identity)
        """
def stale_outputs(spec, changed_columns):
    return sorted(name for name, part in spec.items()
                  if part.kind != "identity" and set(changed_columns) & set(part.inputs))
""",
    ],
    "serve": [
        # analyzes the serving rows again instead of using the exported graph
        """
def serve(output_dir, rows, train):
    spec = {"temp_z": z_score("temp"), "weather_main_id": vocabulary("weather_main"),
            "hour_bucket": bucketize("hour", 6), "day_x_hour": cross(["day_of_week", "hour"], 500)}
    features = analyze_and_transform(rows, spec, output_dir=tempfile.mkdtemp()).train
    oov_id = int(train["weather_main"].nunique())
    unseen = sorted(set(rows["weather_main"][(features["weather_main_id"] == oov_id).to_numpy()]))
    return {"features": features, "oov_id": oov_id, "unseen": unseen}
""",
        # an off-by-one OOV id: the last vocabulary id instead of the one after it
        """
def serve(output_dir, rows, train):
    features = transform_for_serving(output_dir, rows)
    oov_id = int(train["weather_main"].nunique()) - 1
    unseen = sorted(set(rows["weather_main"][(features["weather_main_id"] == oov_id).to_numpy()]))
    return {"features": features, "oov_id": oov_id, "unseen": unseen}
""",
        # expects unseen values at -1, as with num_oov_buckets=0
        """
def serve(output_dir, rows, train):
    features = transform_for_serving(output_dir, rows)
    unseen = sorted(set(rows["weather_main"][(features["weather_main_id"] == -1).to_numpy()]))
    return {"features": features, "oov_id": -1, "unseen": unseen}
""",
        # uses the global serving_df instead of the rows argument
        """
def serve(output_dir, rows, train):
    features = transform_for_serving(output_dir, serving_df)
    oov_id = int(train["weather_main"].nunique())
    unseen = sorted(
        set(serving_df["weather_main"][(features["weather_main_id"] == oov_id).to_numpy()])
    )
    return {"features": features, "oov_id": oov_id, "unseen": unseen}
""",
        # hard-codes the visible answer
        """
def serve(output_dir, rows, train):
    return {"features": transform_for_serving(output_dir, rows), "oov_id": 9, "unseen": ["Squall"]}
""",
    ],
    "pipeline_report": [
        # reads the raw examples of ExampleGen instead of the transformed ones
        """
def pipeline_report(artifacts):
    uri = artifacts["Transform.transformed_examples"]
    raw = artifacts["CsvExampleGen.examples"]
    splits = {s: read_examples(uri, split=s) for s in ("train", "eval")}
    means = {s: float(f["temp_z"].mean()) for s, f in splits.items()}
    return {"rows": {s: len(f) for s, f in splits.items()},
            "features": sorted(read_examples(raw, split="train").columns),
            "temp_z_mean": means, "analyzed_split": min(means, key=lambda s: abs(means[s]))}
""",
        # picks the split whose mean is farthest from 0
        """
def pipeline_report(artifacts):
    uri = artifacts["Transform.transformed_examples"]
    splits = {s: read_examples(uri, split=s) for s in ("train", "eval")}
    means = {s: float(f["temp_z"].mean()) for s, f in splits.items()}
    return {
        "rows": {s: len(f) for s, f in splits.items()},
        "features": sorted(splits["train"].columns),
        "temp_z_mean": means,
        "analyzed_split": max(means, key=lambda s: abs(means[s])),
    }
""",
        # assumes Transform always analyzes "train", without looking at the data
        """
def pipeline_report(artifacts):
    uri = artifacts["Transform.transformed_examples"]
    splits = {s: read_examples(uri, split=s) for s in ("train", "eval")}
    means = {s: float(f["temp_z"].mean()) for s, f in splits.items()}
    return {
        "rows": {s: len(f) for s, f in splits.items()},
        "features": sorted(splits["train"].columns),
        "temp_z_mean": means,
        "analyzed_split": "train",
    }
""",
        # compares the signed means: the more negative split wins
        """
def pipeline_report(artifacts):
    uri = artifacts["Transform.transformed_examples"]
    splits = {s: read_examples(uri, split=s) for s in ("train", "eval")}
    means = {s: float(f["temp_z"].mean()) for s, f in splits.items()}
    return {
        "rows": {s: len(f) for s, f in splits.items()},
        "features": sorted(splits["train"].columns),
        "temp_z_mean": means,
        "analyzed_split": min(means, key=means.get),
    }
""",
        # reads only the train split and reports it for both
        """
def pipeline_report(artifacts):
    train = read_examples(artifacts["Transform.transformed_examples"], split="train")
    mean = float(train["temp_z"].mean())
    return {"rows": {"train": len(train), "eval": len(train)}, "features": sorted(train.columns),
            "temp_z_mean": {"train": mean, "eval": mean}, "analyzed_split": "train"}
""",
    ],
    "smallest_good_subset": [
        # takes the most accurate subset instead of the smallest good one
        """
def smallest_good_subset(X, y, methods, ks, tolerance):
    sel = {f"{m} k={k}": fsel.select(X, y, method=m, k=k) for m in methods for k in ks}
    table = fsel.compare(X, y, sel)
    base = float(table.loc[table["selection"] == "all features", "accuracy"].iloc[0])
    best = table[table["selection"] != "all features"].iloc[0]
    return {"selection": best["selection"], "features": sel[best["selection"]],
            "accuracy": float(best["accuracy"]), "baseline": base}
""",
        # a relative tolerance (1 % of the accuracy) instead of an absolute one
        """
def smallest_good_subset(X, y, methods, ks, tolerance):
    sel = {f"{m} k={k}": fsel.select(X, y, method=m, k=k) for m in methods for k in ks}
    table = fsel.compare(X, y, sel)
    base = float(table.loc[table["selection"] == "all features", "accuracy"].iloc[0])
    good = table[table["accuracy"] >= base * (1 - tolerance)]
    best = good.sort_values(
        ["n_features", "accuracy"], ascending=[True, False], kind="stable"
    ).iloc[0]
    features = (
        list(X.columns) if best["selection"] == "all features" else sel[best["selection"]]
    )
    return {
        "selection": best["selection"],
        "features": features,
        "accuracy": float(best["accuracy"]),
        "baseline": base,
    }
""",
        # measures the tolerance from the best subset, not from all features
        """
def smallest_good_subset(X, y, methods, ks, tolerance):
    sel = {f"{m} k={k}": fsel.select(X, y, method=m, k=k) for m in methods for k in ks}
    table = fsel.compare(X, y, sel)
    base = float(table.loc[table["selection"] == "all features", "accuracy"].iloc[0])
    subsets = table[table["selection"] != "all features"]
    good = subsets[subsets["accuracy"] >= subsets["accuracy"].max() - tolerance]
    best = good.sort_values(
        ["n_features", "accuracy"], ascending=[True, False], kind="stable"
    ).iloc[0]
    return {
        "selection": best["selection"],
        "features": sel[best["selection"]],
        "accuracy": float(best["accuracy"]),
        "baseline": base,
    }
""",
        # among the smallest good subsets keeps the first one found, not the most accurate
        """
def smallest_good_subset(X, y, methods, ks, tolerance):
    sel = {f"{m} k={k}": fsel.select(X, y, method=m, k=k) for m in methods for k in ks}
    table = fsel.compare(X, y, sel)
    base = float(table.loc[table["selection"] == "all features", "accuracy"].iloc[0])
    good = [name for name in ["all features", *sel] if
            table.set_index("selection").loc[name, "accuracy"] >= base - tolerance]
    name = min(good, key=lambda n: len(X.columns) if n == "all features" else len(sel[n]))
    features = list(X.columns) if name == "all features" else sel[name]
    return {"selection": name, "features": features,
            "accuracy": float(table.set_index("selection").loc[name, "accuracy"]), "baseline": base}
""",
        # selects by a filter score only, ignoring the methods argument
        """
def smallest_good_subset(X, y, methods, ks, tolerance):
    sel = {f"correlation k={k}": fsel.select(X, y, method="correlation", k=k) for k in ks}
    table = fsel.compare(X, y, sel)
    base = float(table.loc[table["selection"] == "all features", "accuracy"].iloc[0])
    good = table[table["accuracy"] >= base - tolerance]
    best = good.sort_values(
        ["n_features", "accuracy"], ascending=[True, False], kind="stable"
    ).iloc[0]
    features = (
        list(X.columns) if best["selection"] == "all features" else sel[best["selection"]]
    )
    return {
        "selection": best["selection"],
        "features": features,
        "accuracy": float(best["accuracy"]),
        "baseline": base,
    }
""",
        # never lets "all features" win: falls back to the largest subset
        """
def smallest_good_subset(X, y, methods, ks, tolerance):
    sel = {f"{m} k={k}": fsel.select(X, y, method=m, k=k) for m in methods for k in ks}
    table = fsel.compare(X, y, sel)
    base = float(table.loc[table["selection"] == "all features", "accuracy"].iloc[0])
    subsets = table[table["selection"] != "all features"]
    good = subsets[subsets["accuracy"] >= base - tolerance]
    if good.empty:
        good = subsets.sort_values("n_features", ascending=False).head(1)
    best = good.sort_values(
        ["n_features", "accuracy"], ascending=[True, False], kind="stable"
    ).iloc[0]
    return {
        "selection": best["selection"],
        "features": sel[best["selection"]],
        "accuracy": float(best["accuracy"]),
        "baseline": base,
    }
""",
    ],
}
