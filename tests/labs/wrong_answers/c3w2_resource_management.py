"""Plausible wrong answers for C3W2; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "distance_contrasts": [
        # measures the first point's distance to itself too: the nearest is always 0
        """
def distance_contrasts(dimensions, points, seed):
    rows = []
    for d in dimensions:
        data = np.random.default_rng(seed).random((points, d))
        distances = np.linalg.norm(data - data[0], axis=1)
        nearest, farthest = distances.min(), distances.max()
        rows.append({"dimensions": d, "nearest": nearest, "farthest": farthest,
                     "contrast": (farthest - nearest) / max(nearest, 1e-12)})
    return pd.DataFrame(rows)
""",
        # one generator for all dimensions: each d gets different random points
        """
def distance_contrasts(dimensions, points, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for d in dimensions:
        data = rng.random((points, d))
        distances = np.linalg.norm(data[1:] - data[0], axis=1)
        nearest, farthest = distances.min(), distances.max()
        rows.append({"dimensions": d, "nearest": nearest, "farthest": farthest,
                     "contrast": (farthest - nearest) / nearest})
    return pd.DataFrame(rows)
""",
        # divides by the farthest distance instead of the nearest
        """
def distance_contrasts(dimensions, points, seed):
    rows = []
    for d in dimensions:
        data = np.random.default_rng(seed).random((points, d))
        distances = np.linalg.norm(data[1:] - data[0], axis=1)
        nearest, farthest = distances.min(), distances.max()
        rows.append({"dimensions": d, "nearest": nearest, "farthest": farthest,
                     "contrast": (farthest - nearest) / farthest})
    return pd.DataFrame(rows)
""",
        # squared distances (no square root): the contrast comes out about twice as large
        """
def distance_contrasts(dimensions, points, seed):
    rows = []
    for d in dimensions:
        data = np.random.default_rng(seed).random((points, d))
        distances = ((data[1:] - data[0]) ** 2).sum(axis=1)
        nearest, farthest = distances.min(), distances.max()
        rows.append({"dimensions": d, "nearest": nearest, "farthest": farthest,
                     "contrast": (farthest - nearest) / nearest})
    return pd.DataFrame(rows)
""",
    ],
    "engineer_features": [
        # pd.cut's default buckets are closed on the right: hour 6 lands in the night,
        # hour 0 nowhere
        """
def engineer_features(trips):
    north = 111.0 * (trips["dropoff_latitude"] - trips["pickup_latitude"])
    east = 83.0 * (trips["dropoff_longitude"] - trips["pickup_longitude"])
    distance = np.sqrt(north**2 + east**2)
    out = pd.DataFrame(
        {"distance_km": distance, "log_distance": np.log1p(distance)}, index=trips.index
    )
    names = [f"{low}_{high}" for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:])]
    bucket = pd.cut(trips["trip_start_hour"], HOUR_EDGES, labels=names)
    for name in names:
        out[f"hour_{name}"] = (bucket == name).astype(float)
    weekend = trips["trip_start_day"].isin([1, 7])
    for name in names:
        out[f"weekend_x_hour_{name}"] = ((bucket == name) & weekend).astype(float)
    return out
""",
        # np.log instead of np.log1p: a trip with no distance gets -inf
        """
def engineer_features(trips):
    north = 111.0 * (trips["dropoff_latitude"] - trips["pickup_latitude"])
    east = 83.0 * (trips["dropoff_longitude"] - trips["pickup_longitude"])
    distance = np.sqrt(north**2 + east**2)
    out = pd.DataFrame(
        {"distance_km": distance, "log_distance": np.log(distance)}, index=trips.index
    )
    hour = trips["trip_start_hour"]
    weekend = trips["trip_start_day"].isin([1, 7])
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"hour_{low}_{high}"] = ((hour >= low) & (hour < high)).astype(float)
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"weekend_x_hour_{low}_{high}"] = ((hour >= low) & (hour < high) & weekend).astype(
            float
        )
    return out
""",
        # the distance in degrees, not km: a degree of longitude is not a degree of latitude
        """
def engineer_features(trips):
    distance = np.hypot(
        trips["dropoff_latitude"] - trips["pickup_latitude"],
        trips["dropoff_longitude"] - trips["pickup_longitude"],
    )
    out = pd.DataFrame(
        {"distance_km": distance, "log_distance": np.log1p(distance)}, index=trips.index
    )
    hour = trips["trip_start_hour"]
    weekend = trips["trip_start_day"].isin([1, 7])
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"hour_{low}_{high}"] = ((hour >= low) & (hour < high)).astype(float)
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"weekend_x_hour_{low}_{high}"] = ((hour >= low) & (hour < high) & weekend).astype(
            float
        )
    return out
""",
        # counts from Monday: days 6 and 7 taken as the weekend (Friday and Saturday here)
        """
def engineer_features(trips):
    north = 111.0 * (trips["dropoff_latitude"] - trips["pickup_latitude"])
    east = 83.0 * (trips["dropoff_longitude"] - trips["pickup_longitude"])
    distance = np.sqrt(north**2 + east**2)
    out = pd.DataFrame(
        {"distance_km": distance, "log_distance": np.log1p(distance)}, index=trips.index
    )
    hour = trips["trip_start_hour"]
    weekend = trips["trip_start_day"] >= 6
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"hour_{low}_{high}"] = ((hour >= low) & (hour < high)).astype(float)
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"weekend_x_hour_{low}_{high}"] = ((hour >= low) & (hour < high) & weekend).astype(
            float
        )
    return out
""",
        # the cross as "weekend or bucket" instead of "weekend and bucket"
        """
def engineer_features(trips):
    north = 111.0 * (trips["dropoff_latitude"] - trips["pickup_latitude"])
    east = 83.0 * (trips["dropoff_longitude"] - trips["pickup_longitude"])
    distance = np.sqrt(north**2 + east**2)
    out = pd.DataFrame(
        {"distance_km": distance, "log_distance": np.log1p(distance)}, index=trips.index
    )
    hour = trips["trip_start_hour"]
    weekend = trips["trip_start_day"].isin([1, 7])
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"hour_{low}_{high}"] = ((hour >= low) & (hour < high)).astype(float)
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"weekend_x_hour_{low}_{high}"] = (
            ((hour >= low) & (hour < high)) | weekend
        ).astype(float)
    return out
""",
        # a fresh index (reset_index): rows no longer line up with the trips
        """
def engineer_features(trips):
    trips = trips.reset_index(drop=True)
    north = 111.0 * (trips["dropoff_latitude"] - trips["pickup_latitude"])
    east = 83.0 * (trips["dropoff_longitude"] - trips["pickup_longitude"])
    distance = np.sqrt(north**2 + east**2)
    out = pd.DataFrame({"distance_km": distance, "log_distance": np.log1p(distance)})
    hour = trips["trip_start_hour"]
    weekend = trips["trip_start_day"].isin([1, 7])
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"hour_{low}_{high}"] = ((hour >= low) & (hour < high)).astype(float)
    for low, high in zip(HOUR_EDGES, HOUR_EDGES[1:]):
        out[f"weekend_x_hour_{low}_{high}"] = ((hour >= low) & (hour < high) & weekend).astype(
            float
        )
    return out
""",
    ],
    "pca_tradeoff": [
        # off by one: the index of the first component reaching `keep`, not the count
        """
def pca_tradeoff(X_train, y_train, X_test, y_test, keep):
    cumulative = np.cumsum(PCA().fit(X_train).explained_variance_ratio_)
    k = int(np.argmax(cumulative >= keep))
    pca = PCA(n_components=k).fit(X_train)
    knn = KNeighborsClassifier().fit(pca.transform(X_train), y_train)
    full = KNeighborsClassifier().fit(X_train, y_train)
    return {"n_components": k, "variance": float(cumulative[k - 1]),
            "accuracy": float(knn.score(pca.transform(X_test), y_test)),
            "full_accuracy": float(full.score(X_test, y_test))}
""",
        # explained_variance_ (in pixel units) instead of the ratio: stops far too early
        """
def pca_tradeoff(X_train, y_train, X_test, y_test, keep):
    cumulative = np.cumsum(PCA().fit(X_train).explained_variance_)
    k = int(np.searchsorted(cumulative, keep) + 1)
    pca = PCA(n_components=k).fit(X_train)
    knn = KNeighborsClassifier().fit(pca.transform(X_train), y_train)
    full = KNeighborsClassifier().fit(X_train, y_train)
    return {"n_components": k, "variance": float(pca.explained_variance_ratio_.sum()),
            "accuracy": float(knn.score(pca.transform(X_test), y_test)),
            "full_accuracy": float(full.score(X_test, y_test))}
""",
        # fits a second PCA on the test set: its axes are not the ones the classifier learned
        """
def pca_tradeoff(X_train, y_train, X_test, y_test, keep):
    cumulative = np.cumsum(PCA().fit(X_train).explained_variance_ratio_)
    k = int(np.searchsorted(cumulative, keep) + 1)
    train = PCA(n_components=k).fit_transform(X_train)
    test = PCA(n_components=k).fit_transform(X_test)
    knn = KNeighborsClassifier().fit(train, y_train)
    full = KNeighborsClassifier().fit(X_train, y_train)
    return {"n_components": k, "variance": float(cumulative[k - 1]),
            "accuracy": float(knn.score(test, y_test)),
            "full_accuracy": float(full.score(X_test, y_test))}
""",
        # scores on the training set: a 5-NN classifier partly remembers it
        """
def pca_tradeoff(X_train, y_train, X_test, y_test, keep):
    cumulative = np.cumsum(PCA().fit(X_train).explained_variance_ratio_)
    k = int(np.searchsorted(cumulative, keep) + 1)
    pca = PCA(n_components=k).fit(X_train)
    knn = KNeighborsClassifier().fit(pca.transform(X_train), y_train)
    full = KNeighborsClassifier().fit(X_train, y_train)
    return {"n_components": k, "variance": float(cumulative[k - 1]),
            "accuracy": float(knn.score(pca.transform(X_train), y_train)),
            "full_accuracy": float(full.score(X_train, y_train))}
""",
        # the variance of the k-th component alone, not the cumulative share
        """
def pca_tradeoff(X_train, y_train, X_test, y_test, keep):
    ratios = PCA().fit(X_train).explained_variance_ratio_
    k = int(np.searchsorted(np.cumsum(ratios), keep) + 1)
    pca = PCA(n_components=k).fit(X_train)
    knn = KNeighborsClassifier().fit(pca.transform(X_train), y_train)
    full = KNeighborsClassifier().fit(X_train, y_train)
    return {"n_components": k, "variance": float(ratios[k - 1]),
            "accuracy": float(knn.score(pca.transform(X_test), y_test)),
            "full_accuracy": float(full.score(X_test, y_test))}
""",
    ],
    "convert_int8": [
        # no representative dataset: dynamic-range quantization, activations stay float32
        """
def convert_int8(model, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()
""",
        # float16 weights instead of integers
        """
def convert_int8(model, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    return converter.convert()
""",
        # a representative dataset but no optimization flag: nothing is quantized
        """
def convert_int8(model, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)

    def samples():
        for row in representative:
            yield [np.asarray(row, dtype=np.float32)[None, :]]

    converter.representative_dataset = samples
    return converter.convert()
""",
        # calibrates on the global training images, not on the representative argument
        """
def convert_int8(model, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]

    def samples():
        for row in X_train[:300]:
            yield [row[None, :]]

    converter.representative_dataset = samples
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return converter.convert()
""",
        # calibrates on only the first 10 rows: the activation ranges come out too narrow
        """
def convert_int8(model, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]

    def samples():
        for row in representative[:10]:
            yield [np.asarray(row, dtype=np.float32)[None, :]]

    converter.representative_dataset = samples
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return converter.convert()
""",
    ],
    "prune_kernels": [
        # one global threshold over all kernels instead of each layer on its own
        """
def prune_kernels(weights, sparsity):
    kernels = np.concatenate([np.abs(w).ravel() for w in weights if w.ndim >= 2])
    keep = int(round(kernels.size * (1 - sparsity)))
    threshold = np.sort(kernels)[kernels.size - keep]
    return [np.where(np.abs(w) < threshold, 0, w) if w.ndim >= 2 else w.copy() for w in weights]
""",
        # smallest values, not smallest magnitudes: large negative weights are removed
        """
def prune_kernels(weights, sparsity):
    pruned = []
    for array in weights:
        array = np.array(array, copy=True)
        if array.ndim >= 2:
            keep = int(round(array.size * (1 - sparsity)))
            flat = array.reshape(-1)
            flat[np.argsort(flat)[: array.size - keep]] = 0
        pruned.append(array)
    return pruned
""",
        # prunes the biases too
        """
def prune_kernels(weights, sparsity):
    pruned = []
    for array in weights:
        array = np.array(array, copy=True)
        keep = int(round(array.size * (1 - sparsity)))
        flat = array.reshape(-1)
        flat[np.argsort(np.abs(flat))[: array.size - keep]] = 0
        pruned.append(array)
    return pruned
""",
        # truncates instead of rounding the number of weights to zero: one too many kept
        """
def prune_kernels(weights, sparsity):
    pruned = []
    for array in weights:
        array = np.array(array, copy=True)
        if array.ndim >= 2:
            zeroed = int(array.size * sparsity)
            flat = array.reshape(-1)
            flat[np.argsort(np.abs(flat))[:zeroed]] = 0
        pruned.append(array)
    return pruned
""",
        # zeroes in place: the caller's model weights are destroyed
        """
def prune_kernels(weights, sparsity):
    for array in weights:
        if array.ndim >= 2:
            keep = int(round(array.size * (1 - sparsity)))
            flat = array.reshape(-1)
            flat[np.argsort(np.abs(flat))[: array.size - keep]] = 0
    return weights
""",
    ],
    "choose_variant": [
        # "at most" read as strictly below the budget
        """
def choose_variant(table, max_kb, max_ms):
    fits = table[(table["size_kb"] < max_kb) & (table["ms_per_1000"] < max_ms)]
    if fits.empty:
        return None
    best = fits.sort_values(["accuracy", "size_kb"], ascending=[False, True], kind="stable")
    return str(best["variant"].iloc[0])
""",
        # ignores the latency budget
        """
def choose_variant(table, max_kb, max_ms):
    fits = table[table["size_kb"] <= max_kb]
    if fits.empty:
        return None
    best = fits.sort_values(["accuracy", "size_kb"], ascending=[False, True], kind="stable")
    return str(best["variant"].iloc[0])
""",
        # ships the smallest variant that fits, whatever its accuracy
        """
def choose_variant(table, max_kb, max_ms):
    fits = table[(table["size_kb"] <= max_kb) & (table["ms_per_1000"] <= max_ms)]
    if fits.empty:
        return None
    return str(fits.sort_values("size_kb", kind="stable")["variant"].iloc[0])
""",
        # breaks accuracy ties by table order instead of size (idxmax takes the first)
        """
def choose_variant(table, max_kb, max_ms):
    fits = table[(table["size_kb"] <= max_kb) & (table["ms_per_1000"] <= max_ms)]
    if fits.empty:
        return None
    return str(fits.loc[fits["accuracy"].idxmax(), "variant"])
""",
        # returns the row's index label instead of the variant's name
        """
def choose_variant(table, max_kb, max_ms):
    fits = table[(table["size_kb"] <= max_kb) & (table["ms_per_1000"] <= max_ms)]
    if fits.empty:
        return None
    return fits.sort_values(
        ["accuracy", "size_kb"], ascending=[False, True], kind="stable"
    ).index[0]
""",
        # budgets the gzip size, which is what a download costs, not what the device holds
        """
def choose_variant(table, max_kb, max_ms):
    fits = table[(table["gzip_kb"] <= max_kb) & (table["ms_per_1000"] <= max_ms)]
    if fits.empty:
        return None
    best = fits.sort_values(["accuracy", "size_kb"], ascending=[False, True], kind="stable")
    return str(best["variant"].iloc[0])
""",
    ],
}
