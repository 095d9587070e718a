"""Plausible wrong answers for C2W4; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "spread_labels": [
        # scores every example, including the kept labels that were given, not guessed
        """
def spread_labels(X, y, keep, seed, min_confidence):
    partial = propagation.hide_labels(y, keep=keep, seed=seed)
    result = propagation.propagate(X, partial)
    hidden = partial == propagation.UNLABELED
    nearest = KNeighborsClassifier(n_neighbors=1).fit(X[~hidden], y[~hidden])
    trusted = hidden & (result.confidence >= min_confidence)
    return {"accuracy": float((result.labels == y).mean()),
            "baseline": float((nearest.predict(X[hidden]) == y[hidden]).mean()),
            "trusted_share": float(trusted.sum() / hidden.sum()),
            "trusted_accuracy": float((result.labels[trusted] == y[trusted]).mean())}
""",
        # the baseline uses KNeighborsClassifier's default of 5 neighbours
        """
def spread_labels(X, y, keep, seed, min_confidence):
    partial = propagation.hide_labels(y, keep=keep, seed=seed)
    result = propagation.propagate(X, partial)
    hidden = partial == propagation.UNLABELED
    nearest = KNeighborsClassifier().fit(X[~hidden], y[~hidden])
    trusted = hidden & (result.confidence >= min_confidence)
    return {"accuracy": float((result.labels[hidden] == y[hidden]).mean()),
            "baseline": float((nearest.predict(X[hidden]) == y[hidden]).mean()),
            "trusted_share": float(trusted.sum() / hidden.sum()),
            "trusted_accuracy": float((result.labels[trusted] == y[trusted]).mean())}
""",
        # trains the baseline on every true label: it has seen the answers
        """
def spread_labels(X, y, keep, seed, min_confidence):
    partial = propagation.hide_labels(y, keep=keep, seed=seed)
    result = propagation.propagate(X, partial)
    hidden = partial == propagation.UNLABELED
    nearest = KNeighborsClassifier(n_neighbors=1).fit(X, y)
    trusted = hidden & (result.confidence >= min_confidence)
    return {"accuracy": float((result.labels[hidden] == y[hidden]).mean()),
            "baseline": float((nearest.predict(X[hidden]) == y[hidden]).mean()),
            "trusted_share": float(trusted.sum() / hidden.sum()),
            "trusted_accuracy": float((result.labels[trusted] == y[trusted]).mean())}
""",
        # "at least" read as strictly above the threshold
        """
def spread_labels(X, y, keep, seed, min_confidence):
    partial = propagation.hide_labels(y, keep=keep, seed=seed)
    result = propagation.propagate(X, partial)
    hidden = partial == propagation.UNLABELED
    nearest = KNeighborsClassifier(n_neighbors=1).fit(X[~hidden], y[~hidden])
    trusted = hidden & (result.confidence > min_confidence)
    return {"accuracy": float((result.labels[hidden] == y[hidden]).mean()),
            "baseline": float((nearest.predict(X[hidden]) == y[hidden]).mean()),
            "trusted_share": float(trusted.sum() / hidden.sum()),
            "trusted_accuracy": float((result.labels[trusted] == y[trusted]).mean())}
""",
        # the trusted share of all examples, not of the hidden ones
        """
def spread_labels(X, y, keep, seed, min_confidence):
    partial = propagation.hide_labels(y, keep=keep, seed=seed)
    result = propagation.propagate(X, partial)
    hidden = partial == propagation.UNLABELED
    nearest = KNeighborsClassifier(n_neighbors=1).fit(X[~hidden], y[~hidden])
    trusted = hidden & (result.confidence >= min_confidence)
    return {"accuracy": float((result.labels[hidden] == y[hidden]).mean()),
            "baseline": float((nearest.predict(X[hidden]) == y[hidden]).mean()),
            "trusted_share": float(trusted.sum() / len(y)),
            "trusted_accuracy": float((result.labels[trusted] == y[trusted]).mean())}
""",
        # ignores the seed argument
        """
def spread_labels(X, y, keep, seed, min_confidence):
    partial = propagation.hide_labels(y, keep=keep)
    result = propagation.propagate(X, partial)
    hidden = partial == propagation.UNLABELED
    nearest = KNeighborsClassifier(n_neighbors=1).fit(X[~hidden], y[~hidden])
    trusted = hidden & (result.confidence >= min_confidence)
    return {"accuracy": float((result.labels[hidden] == y[hidden]).mean()),
            "baseline": float((nearest.predict(X[hidden]) == y[hidden]).mean()),
            "trusted_share": float(trusted.sum() / hidden.sum()),
            "trusted_accuracy": float((result.labels[trusted] == y[trusted]).mean())}
""",
        # uses the global digits instead of the arguments
        """
def spread_labels(X, y, keep, seed, min_confidence):
    X, y = X_digits, y_digits
    partial = propagation.hide_labels(y, keep=keep, seed=seed)
    result = propagation.propagate(X, partial)
    hidden = partial == propagation.UNLABELED
    nearest = KNeighborsClassifier(n_neighbors=1).fit(X[~hidden], y[~hidden])
    trusted = hidden & (result.confidence >= min_confidence)
    return {"accuracy": float((result.labels[hidden] == y[hidden]).mean()),
            "baseline": float((nearest.predict(X[hidden]) == y[hidden]).mean()),
            "trusted_share": float(trusted.sum() / hidden.sum()),
            "trusted_accuracy": float((result.labels[trusted] == y[trusted]).mean())}
""",
    ],
    "choose_strategy": [
        # lets random sampling win the choice
        """
def choose_strategy(curves, target):
    needed = {name: active.labels_to_reach(curve, target) for name, curve in curves.items()}
    reached = {name: n for name, n in needed.items() if n is not None}
    if not reached:
        return {"labels": needed, "best": None, "saved": None}
    best = min(reached, key=reached.get)
    random_needs = (
        needed["random"]
        if needed["random"] is not None
        else int(curves["random"]["labels"].max())
    )
    return {"labels": needed, "best": best, "saved": random_needs - needed[best]}
""",
        # counts "never" as 0 labels, so a strategy that never gets there wins
        """
def choose_strategy(curves, target):
    needed = {name: active.labels_to_reach(curve, target) for name, curve in curves.items()}
    best = min((n for n in needed if n != "random"), key=lambda n: needed[n] or 0)
    random_needs = (
        needed["random"]
        if needed["random"] is not None
        else int(curves["random"]["labels"].max())
    )
    return {"labels": needed, "best": best, "saved": random_needs - (needed[best] or 0)}
""",
        # no saving when random never reaches the target
        """
def choose_strategy(curves, target):
    needed = {name: active.labels_to_reach(curve, target) for name, curve in curves.items()}
    reached = {name: n for name, n in needed.items() if name != "random" and n is not None}
    if not reached:
        return {"labels": needed, "best": None, "saved": None}
    best = min(reached, key=reached.get)
    saved = None if needed["random"] is None else needed["random"] - needed[best]
    return {"labels": needed, "best": best, "saved": saved}
""",
        # the saving the wrong way round
        """
def choose_strategy(curves, target):
    needed = {name: active.labels_to_reach(curve, target) for name, curve in curves.items()}
    reached = {name: n for name, n in needed.items() if name != "random" and n is not None}
    if not reached:
        return {"labels": needed, "best": None, "saved": None}
    best = min(reached, key=reached.get)
    random_needs = (
        needed["random"]
        if needed["random"] is not None
        else int(curves["random"]["labels"].max())
    )
    return {"labels": needed, "best": best, "saved": needed[best] - random_needs}
""",
        # hard-codes the visible test's target
        """
def choose_strategy(curves, target):
    needed = {name: active.labels_to_reach(curve, 0.9) for name, curve in curves.items()}
    reached = {name: n for name, n in needed.items() if name != "random" and n is not None}
    if not reached:
        return {"labels": needed, "best": None, "saved": None}
    best = min(reached, key=reached.get)
    random_needs = (
        needed["random"]
        if needed["random"] is not None
        else int(curves["random"]["labels"].max())
    )
    return {"labels": needed, "best": best, "saved": random_needs - needed[best]}
""",
        # on a tie the last strategy wins
        """
def choose_strategy(curves, target):
    needed = {name: active.labels_to_reach(curve, target) for name, curve in curves.items()}
    best = None
    for name, n in needed.items():
        if name != "random" and n is not None and (best is None or n <= needed[best]):
            best = name
    if best is None:
        return {"labels": needed, "best": None, "saved": None}
    random_needs = (
        needed["random"]
        if needed["random"] is not None
        else int(curves["random"]["labels"].max())
    )
    return {"labels": needed, "best": best, "saved": random_needs - needed[best]}
""",
        # when random never gets there, counts its rounds instead of its labels
        """
def choose_strategy(curves, target):
    needed = {name: active.labels_to_reach(curve, target) for name, curve in curves.items()}
    reached = {name: n for name, n in needed.items() if name != "random" and n is not None}
    if not reached:
        return {"labels": needed, "best": None, "saved": None}
    best = min(reached, key=reached.get)
    random_needs = needed["random"] if needed["random"] is not None else len(curves["random"])
    return {"labels": needed, "best": best, "saved": random_needs - needed[best]}
""",
    ],
    "prune_worst_lf": [
        # drops an LF that never votes on dev (its empirical accuracy shows as 0)
        """
def prune_worst_lf(lfs, dev):
    summary = weak.lf_summary(weak.apply_lfs(lfs, dev), lfs, dev["label"])
    worst = summary["Emp. Acc."].idxmin()
    return {"dropped": worst, "accuracy": float(summary.loc[worst, "Emp. Acc."]),
            "kept": [lf for lf in lfs if lf.name != worst]}
""",
        # drops the most accurate LF
        """
def prune_worst_lf(lfs, dev):
    summary = weak.lf_summary(weak.apply_lfs(lfs, dev), lfs, dev["label"])
    voting = summary[summary["Coverage"] > 0]
    worst = voting["Emp. Acc."].idxmax()
    return {"dropped": worst, "accuracy": float(voting.loc[worst, "Emp. Acc."]),
            "kept": [lf for lf in lfs if lf.name != worst]}
""",
        # uses the global dev split instead of the argument
        """
def prune_worst_lf(lfs, dev):
    summary = weak.lf_summary(weak.apply_lfs(lfs, comments_dev), lfs, comments_dev["label"])
    voting = summary[summary["Coverage"] > 0]
    worst = voting["Emp. Acc."].idxmin()
    return {"dropped": worst, "accuracy": float(voting.loc[worst, "Emp. Acc."]),
            "kept": [lf for lf in lfs if lf.name != worst]}
""",
        # keeps the names of the LFs instead of the LFs
        """
def prune_worst_lf(lfs, dev):
    summary = weak.lf_summary(weak.apply_lfs(lfs, dev), lfs, dev["label"])
    voting = summary[summary["Coverage"] > 0]
    worst = voting["Emp. Acc."].idxmin()
    return {"dropped": worst, "accuracy": float(voting.loc[worst, "Emp. Acc."]),
            "kept": [lf.name for lf in lfs if lf.name != worst]}
""",
        # drops the LF with the most conflicts, which is not the least accurate
        """
def prune_worst_lf(lfs, dev):
    summary = weak.lf_summary(weak.apply_lfs(lfs, dev), lfs, dev["label"])
    worst = summary["Conflicts"].idxmax()
    return {"dropped": worst, "accuracy": float(summary.loc[worst, "Emp. Acc."]),
            "kept": [lf for lf in lfs if lf.name != worst]}
""",
        # summarises without the labels, so there is no accuracy column
        """
def prune_worst_lf(lfs, dev):
    summary = weak.lf_summary(weak.apply_lfs(lfs, dev), lfs)
    worst = summary["Emp. Acc."].idxmin()
    return {"dropped": worst, "accuracy": float(summary.loc[worst, "Emp. Acc."]),
            "kept": [lf for lf in lfs if lf.name != worst]}
""",
    ],
    "spam_lfs": [
        # returns the given LFs, bad ones included, and none of one's own
        """
def spam_lfs():
    return list(GIVEN_LFS)
""",
        # a link LF and a shouting LF: both accurate, but the label model falls below the vote
        """
def spam_lfs():
    @labeling_function()
    def has_link(row):
        return SPAM if "www." in row.text.lower() or "http" in row.text.lower() else ABSTAIN

    @labeling_function()
    def shouting(row):
        return SPAM if row.text.isupper() else ABSTAIN

    return [lf for lf in GIVEN_LFS if lf.name not in ("check_out", "my")] + [has_link, shouting]
""",
        # only spam LFs: nothing ever votes HAM
        """
def spam_lfs():
    return [weak.keyword_lf("subscribe", ["subscribe"], SPAM),
            weak.keyword_lf("free", ["free", "win", "gift", "money"], SPAM),
            weak.keyword_lf("link", ["www", "http"], SPAM),
            weak.keyword_lf("robux", ["robux", "iphone", "giveaway"], SPAM),
            weak.keyword_lf("own_channel", ["my channel", "my page"], SPAM)]
""",
        # plain Python functions, not Snorkel labeling functions
        """
def spam_lfs():
    def own_channel(row):
        return SPAM if "my channel" in row.text.lower() else ABSTAIN

    def nostalgia(row):
        return HAM if "lyrics" in row.text.lower() else ABSTAIN

    return [lf for lf in GIVEN_LFS if lf.name not in ("check_out", "my")] + [own_channel, nostalgia]
""",
        # only one LF of one's own
        """
def spam_lfs():
    return [lf for lf in GIVEN_LFS if lf.name not in ("check_out", "my")] + [
        weak.keyword_lf("own_channel", ["my channel", "my page"], SPAM)]
""",
        # two LFs with the same name
        """
def spam_lfs():
    return [lf for lf in GIVEN_LFS if lf.name not in ("check_out", "my")] + [
        weak.keyword_lf("spam_words", ["my channel", "my page"], SPAM),
        weak.keyword_lf("spam_words", ["robux", "iphone"], SPAM)]
""",
        # too few LFs
        """
def spam_lfs():
    return [weak.keyword_lf("own_channel", ["my channel", "my page"], SPAM),
            weak.keyword_lf("nostalgia", ["lyrics", "masterpiece", "summer"], HAM),
            weak.keyword_lf("free", ["free", "win", "gift", "money"], SPAM)]
""",
    ],
    "window_features": [
        # pandas' sample standard deviation (ddof=1)
        """
def window_features(recording, size, step):
    rows = []
    for start in range(0, len(recording) - size + 1, step):
        part = recording.iloc[start:start + size]
        rows.append([part["x"].mean(), part["y"].mean(), part["z"].mean(),
                     part["x"].std(), part["y"].std(), part["z"].std(), part["activity"].mode()[0]])
    return pd.DataFrame(rows, columns=WINDOW_FEATURES + ["activity"])
""",
        # labels each window by its last sample
        """
def window_features(recording, size, step):
    cut = aug.windows(recording[["x", "y", "z"]].to_numpy(), size=size, step=step)
    table = pd.DataFrame(
        np.concatenate([cut.mean(axis=1), cut.std(axis=1)], axis=1), columns=WINDOW_FEATURES
    )
    table["activity"] = aug.window_labels(
        recording["activity"].to_numpy(), size=size, step=step, how="last"
    )
    return table
""",
        # swaps size and step
        """
def window_features(recording, size, step):
    cut = aug.windows(recording[["x", "y", "z"]].to_numpy(), size=step, step=size)
    table = pd.DataFrame(
        np.concatenate([cut.mean(axis=1), cut.std(axis=1)], axis=1), columns=WINDOW_FEATURES
    )
    table["activity"] = aug.window_labels(
        recording["activity"].to_numpy(), size=step, step=size
    )
    return table
""",
        # back-to-back windows: ignores step
        """
def window_features(recording, size, step):
    cut = aug.windows(recording[["x", "y", "z"]].to_numpy(), size=size, step=size)
    table = pd.DataFrame(
        np.concatenate([cut.mean(axis=1), cut.std(axis=1)], axis=1), columns=WINDOW_FEATURES
    )
    table["activity"] = aug.window_labels(
        recording["activity"].to_numpy(), size=size, step=size
    )
    return table
""",
        # means and standard deviations interleaved per axis, under the expected names
        """
def window_features(recording, size, step):
    cut = aug.windows(recording[["x", "y", "z"]].to_numpy(), size=size, step=step)
    values = np.stack([cut.mean(axis=1), cut.std(axis=1)], axis=2).reshape(len(cut), 6)
    table = pd.DataFrame(values, columns=WINDOW_FEATURES)
    table["activity"] = aug.window_labels(recording["activity"].to_numpy(), size=size, step=step)
    return table
""",
        # uses the global recording instead of the argument
        """
def window_features(data, size, step):
    cut = aug.windows(recording[["x", "y", "z"]].to_numpy(), size=size, step=step)
    table = pd.DataFrame(
        np.concatenate([cut.mean(axis=1), cut.std(axis=1)], axis=1), columns=WINDOW_FEATURES
    )
    table["activity"] = aug.window_labels(
        recording["activity"].to_numpy(), size=size, step=step
    )
    return table
""",
    ],
    "compare_splits": [
        # takes the user of the first samples instead of windowing the users
        """
def compare_splits(X, y, users, size, step, seed):
    window_users = np.asarray(users)[: len(X)]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed)
    random_split = float(
        (
            DecisionTreeClassifier(random_state=0).fit(X_train, y_train).predict(X_test)
            == y_test
        ).mean()
    )
    per_user = {}
    for user in np.unique(window_users):
        held = window_users == user
        per_user[user] = float(
            (
                DecisionTreeClassifier(random_state=0).fit(X[~held], y[~held]).predict(X[held])
                == y[held]
            ).mean()
        )
    return {
        "random_split": random_split,
        "per_user": per_user,
        "user_split": float(np.mean(list(per_user.values()))),
    }
""",
        # sklearn's default test size (0.25) written as 0.2
        """
def compare_splits(X, y, users, size, step, seed):
    window_users = aug.window_labels(users, size=size, step=step)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=seed)
    random_split = float(
        (
            DecisionTreeClassifier(random_state=0).fit(X_train, y_train).predict(X_test)
            == y_test
        ).mean()
    )
    per_user = {}
    for user in np.unique(window_users):
        held = window_users == user
        per_user[user] = float(
            (
                DecisionTreeClassifier(random_state=0).fit(X[~held], y[~held]).predict(X[held])
                == y[held]
            ).mean()
        )
    return {
        "random_split": random_split,
        "per_user": per_user,
        "user_split": float(np.mean(list(per_user.values()))),
    }
""",
        # pools all held-out windows instead of averaging the users
        """
def compare_splits(X, y, users, size, step, seed):
    window_users = aug.window_labels(users, size=size, step=step)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed)
    random_split = float(
        (
            DecisionTreeClassifier(random_state=0).fit(X_train, y_train).predict(X_test)
            == y_test
        ).mean()
    )
    per_user, right = {}, 0
    for user in np.unique(window_users):
        held = window_users == user
        hits = (
            DecisionTreeClassifier(random_state=0).fit(X[~held], y[~held]).predict(X[held])
            == y[held]
        )
        per_user[user], right = float(hits.mean()), right + hits.sum()
    return {
        "random_split": random_split,
        "per_user": per_user,
        "user_split": float(right / len(y)),
    }
""",
        # ignores the seed argument
        """
def compare_splits(X, y, users, size, step, seed):
    window_users = aug.window_labels(users, size=size, step=step)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    random_split = float(
        (
            DecisionTreeClassifier(random_state=0).fit(X_train, y_train).predict(X_test)
            == y_test
        ).mean()
    )
    per_user = {}
    for user in np.unique(window_users):
        held = window_users == user
        per_user[user] = float(
            (
                DecisionTreeClassifier(random_state=0).fit(X[~held], y[~held]).predict(X[held])
                == y[held]
            ).mean()
        )
    return {
        "random_split": random_split,
        "per_user": per_user,
        "user_split": float(np.mean(list(per_user.values()))),
    }
""",
        # trains on every window, the held-out user's too
        """
def compare_splits(X, y, users, size, step, seed):
    window_users = aug.window_labels(users, size=size, step=step)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed)
    random_split = float(
        (
            DecisionTreeClassifier(random_state=0).fit(X_train, y_train).predict(X_test)
            == y_test
        ).mean()
    )
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    per_user = {
        user: float((model.predict(X[window_users == user]) == y[window_users == user]).mean())
        for user in np.unique(window_users)
    }
    return {
        "random_split": random_split,
        "per_user": per_user,
        "user_split": float(np.mean(list(per_user.values()))),
    }
""",
        # hard-codes the visible windowing (100 samples every 50)
        """
def compare_splits(X, y, users, size, step, seed):
    window_users = aug.window_labels(users, size=100, step=50)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed)
    random_split = float(
        (
            DecisionTreeClassifier(random_state=0).fit(X_train, y_train).predict(X_test)
            == y_test
        ).mean()
    )
    per_user = {}
    for user in np.unique(window_users):
        held = window_users == user
        per_user[user] = float(
            (
                DecisionTreeClassifier(random_state=0).fit(X[~held], y[~held]).predict(X[held])
                == y[held]
            ).mean()
        )
    return {
        "random_split": random_split,
        "per_user": per_user,
        "user_split": float(np.mean(list(per_user.values()))),
    }
""",
    ],
    "image_preprocessing_fn": [
        # does not scale the pixels: they stay 0-255
        """
def image_preprocessing_fn(inputs):
    pixels = tf.map_fn(
        lambda png: tf.io.decode_png(png, channels=3),
        inputs["image_raw"],
        fn_output_signature=tf.uint8,
    )
    pixels = tf.image.resize(tf.cast(pixels, tf.float32), [IMAGE_SIZE, IMAGE_SIZE])
    brightness = tf.reduce_mean(pixels, axis=[1, 2, 3])
    return {
        "image_xf": pixels,
        "brightness_z": tft.scale_to_z_score(brightness),
        "label_xf": inputs["label"],
    }
""",
        # scales to [-1, 1] as MobileNet's preprocess_input does, not to [0, 1]
        """
def image_preprocessing_fn(inputs):
    pixels = tf.map_fn(
        lambda png: tf.io.decode_png(png, channels=3),
        inputs["image_raw"],
        fn_output_signature=tf.uint8,
    )
    pixels = tf.image.resize(tf.cast(pixels, tf.float32), [IMAGE_SIZE, IMAGE_SIZE]) / 127.5 - 1
    brightness = tf.reduce_mean(pixels, axis=[1, 2, 3])
    return {
        "image_xf": pixels,
        "brightness_z": tft.scale_to_z_score(brightness),
        "label_xf": inputs["label"],
    }
""",
        # does not resize: the images keep their 16 x 16 pixels
        """
def image_preprocessing_fn(inputs):
    pixels = tf.map_fn(
        lambda png: tf.io.decode_png(png, channels=3),
        inputs["image_raw"],
        fn_output_signature=tf.uint8,
    )
    pixels = tf.cast(pixels, tf.float32) / 255.0
    brightness = tf.reduce_mean(pixels, axis=[1, 2, 3])
    return {
        "image_xf": pixels,
        "brightness_z": tft.scale_to_z_score(brightness),
        "label_xf": inputs["label"],
    }
""",
        # resizes with the nearest neighbour instead of bilinear interpolation
        """
def image_preprocessing_fn(inputs):
    pixels = tf.map_fn(
        lambda png: tf.io.decode_png(png, channels=3),
        inputs["image_raw"],
        fn_output_signature=tf.uint8,
    )
    pixels = (
        tf.image.resize(tf.cast(pixels, tf.float32), [IMAGE_SIZE, IMAGE_SIZE], method="nearest")
        / 255.0
    )
    brightness = tf.reduce_mean(pixels, axis=[1, 2, 3])
    return {
        "image_xf": pixels,
        "brightness_z": tft.scale_to_z_score(brightness),
        "label_xf": inputs["label"],
    }
""",
        # standardises the brightness with the batch's statistics, not the training set's
        """
def image_preprocessing_fn(inputs):
    pixels = tf.map_fn(
        lambda png: tf.io.decode_png(png, channels=3),
        inputs["image_raw"],
        fn_output_signature=tf.uint8,
    )
    pixels = tf.image.resize(tf.cast(pixels, tf.float32), [IMAGE_SIZE, IMAGE_SIZE]) / 255.0
    brightness = tf.reduce_mean(pixels, axis=[1, 2, 3])
    return {
        "image_xf": pixels,
        "brightness_z": (brightness - tf.reduce_mean(brightness))
        / tf.math.reduce_std(brightness),
        "label_xf": inputs["label"],
    }
""",
        # decodes the images in grey: one channel
        """
def image_preprocessing_fn(inputs):
    pixels = tf.map_fn(
        lambda png: tf.io.decode_png(png, channels=1),
        inputs["image_raw"],
        fn_output_signature=tf.uint8,
    )
    pixels = tf.image.resize(tf.cast(pixels, tf.float32), [IMAGE_SIZE, IMAGE_SIZE]) / 255.0
    brightness = tf.reduce_mean(pixels, axis=[1, 2, 3])
    return {
        "image_xf": pixels,
        "brightness_z": tft.scale_to_z_score(brightness),
        "label_xf": inputs["label"],
    }
""",
    ],
}
