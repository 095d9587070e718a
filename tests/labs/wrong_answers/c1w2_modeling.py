"""Plausible wrong answers for C1W2; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "compare_baselines": [
        # takes the best labeler as HLP instead of the mean
        """
def compare_baselines(X_train, y_train, X_eval, y_eval, labels):
    return ma.baseline_table(
        majority=ma.majority_baseline(y_train, y_eval),
        logistic=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="logistic")["accuracy"],
        tree=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="tree")["accuracy"],
        human=human_level_performance(labels, y_eval).best,
    )
""",
        # reports the logistic model's training accuracy
        """
def compare_baselines(X_train, y_train, X_eval, y_eval, labels):
    return ma.baseline_table(
        majority=ma.majority_baseline(y_train, y_eval),
        logistic=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="logistic")[
            "train_accuracy"
        ],
        tree=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="tree")["accuracy"],
        human=human_level_performance(labels, y_eval).mean,
    )
""",
        # takes the majority class from the evaluation labels (a peek at the answers)
        """
def compare_baselines(X_train, y_train, X_eval, y_eval, labels):
    return ma.baseline_table(
        majority=ma.majority_baseline(y_eval, y_eval),
        logistic=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="logistic")["accuracy"],
        tree=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="tree")["accuracy"],
        human=human_level_performance(labels, y_eval).mean,
    )
""",
        # uses the notebook's global labels instead of the argument
        """
def compare_baselines(X_train, y_train, X_eval, y_eval, labels):
    return ma.baseline_table(
        majority=ma.majority_baseline(y_train, y_eval),
        logistic=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="logistic")["accuracy"],
        tree=ma.quick_baseline(X_train, y_train, X_eval, y_eval, model="tree")["accuracy"],
        human=human_level_performance(globals()["labels"], globals()["y_eval"]).mean,
    )
""",
    ],
    "rare_class_metrics": [
        # reads the row as predictions and the column as truth: precision and recall swapped
        """
def rare_class_metrics(y_true, y_pred, rare_class):
    matrix = ma.confusion(y_true, y_pred)
    tp = matrix.loc[rare_class, rare_class]
    precision = tp / matrix.loc[rare_class].sum()
    recall = tp / matrix[rare_class].sum()
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1),
            "support": int(matrix.loc[rare_class].sum())}
""",
        # F1 as the arithmetic mean of precision and recall
        """
def rare_class_metrics(y_true, y_pred, rare_class):
    matrix = ma.confusion(y_true, y_pred)
    tp = matrix.loc[rare_class, rare_class]
    predicted, support = matrix[rare_class].sum(), matrix.loc[rare_class].sum()
    precision = tp / predicted if predicted else 0.0
    recall = tp / support if support else 0.0
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float((precision + recall) / 2),
        "support": int(support),
    }
""",
        # divides by zero when the class is never predicted (NaN precision)
        """
def rare_class_metrics(y_true, y_pred, rare_class):
    import warnings

    warnings.simplefilter("ignore")
    matrix = ma.confusion(y_true, y_pred).to_numpy().astype(float)
    k = list(ma.confusion(y_true, y_pred).index).index(rare_class)
    tp = matrix[k, k]
    precision = tp / matrix[:, k].sum()
    recall = tp / matrix[k, :].sum()
    f1 = 2 * precision * recall / (precision + recall)
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "support": int(matrix[k, :].sum()),
    }
""",
        # support counts the predictions of the class, not its true examples
        """
def rare_class_metrics(y_true, y_pred, rare_class):
    matrix = ma.confusion(y_true, y_pred)
    tp = matrix.loc[rare_class, rare_class]
    predicted, support = matrix[rare_class].sum(), matrix.loc[rare_class].sum()
    precision = tp / predicted if predicted else 0.0
    recall = tp / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "support": int(predicted),
    }
""",
    ],
    "sanity_check": [
        # calls a model fine when it is "nearly" perfect
        """
def sanity_check(factories, X, y, n, seed):
    rows = []
    for name, factory in factories.items():
        result = ma.overfit_small_set(factory, X, y, n=n, seed=seed)
        rows.append({"model": name, "train_accuracy": result["train_accuracy"],
                     "ok": result["train_accuracy"] >= 0.9})
    return pd.DataFrame(rows)
""",
        # forgets to pass n and seed: always 20 examples drawn with seed 0
        """
def sanity_check(factories, X, y, n, seed):
    rows = []
    for name, factory in factories.items():
        result = ma.overfit_small_set(factory, X, y)
        rows.append({"model": name, "train_accuracy": result["train_accuracy"], "ok": result["ok"]})
    return pd.DataFrame(rows)
""",
        # passes n but not seed
        """
def sanity_check(factories, X, y, n, seed):
    rows = []
    for name, factory in factories.items():
        result = ma.overfit_small_set(factory, X, y, n=n)
        rows.append({"model": name, "train_accuracy": result["train_accuracy"], "ok": result["ok"]})
    return pd.DataFrame(rows)
""",
        # always checks the lab's training set instead of the X, y arguments
        """
def sanity_check(factories, X, y, n, seed):
    rows = []
    for name, factory in factories.items():
        result = ma.overfit_small_set(factory, X_train, y_train, n=n, seed=seed)
        rows.append({"model": name, "train_accuracy": result["train_accuracy"], "ok": result["ok"]})
    return pd.DataFrame(rows)
""",
        # fits on all the data and scores on it (not a small set)
        """
def sanity_check(factories, X, y, n, seed):
    rows = []
    for name, factory in factories.items():
        accuracy = float(np.mean(factory().fit(X, y).predict(X) == y))
        rows.append({"model": name, "train_accuracy": accuracy, "ok": accuracy == 1.0})
    return pd.DataFrame(rows)
""",
    ],
    "error_table": [
        # one overall HLP for every tag
        """
def error_table(tags, labels, y_true, y_pred):
    overall = human_level_performance(labels, y_true).mean
    return ma.error_analysis(tags, y_true, y_pred, hlp={tag: overall for tag in tags.columns})
""",
        # the best labeler on the tag instead of the mean
        """
def error_table(tags, labels, y_true, y_pred):
    hlp = {}
    for tag in tags.columns:
        mask = tags[tag].to_numpy(dtype=bool)
        hlp[tag] = human_level_performance(labels[mask], y_true[mask]).best
    return ma.error_analysis(tags, y_true, y_pred, hlp=hlp)
""",
        # the HLP of the examples WITHOUT the tag
        """
def error_table(tags, labels, y_true, y_pred):
    hlp = {}
    for tag in tags.columns:
        mask = ~tags[tag].to_numpy(dtype=bool)
        hlp[tag] = human_level_performance(labels[mask], y_true[mask]).mean
    return ma.error_analysis(tags, y_true, y_pred, hlp=hlp)
""",
        # forgets to pass the HLPs: no gap, no potential gain
        """
def error_table(tags, labels, y_true, y_pred):
    return ma.error_analysis(tags, y_true, y_pred)
""",
    ],
    "choose_tag": [
        # ignores ease and importance: the largest potential gain
        """
def choose_tag(analysis, ease, importance):
    return str(analysis.sort_values("potential_gain", ascending=False)["tag"].iloc[0])
""",
        # the largest gap to HLP, whatever the tag's share of the data
        """
def choose_tag(analysis, ease, importance):
    known = analysis.dropna(subset=["hlp"])
    gap = known["hlp"] - known["accuracy"]
    return str(known.loc[gap.idxmax(), "tag"])
""",
        # reads the last row, as if prioritize sorted ascending
        """
def choose_tag(analysis, ease, importance):
    rows = [
        {
            "tag": r.tag,
            "accuracy": r.accuracy,
            "hlp": r.hlp,
            "fraction_of_data": r.fraction_of_data,
            "ease": ease[r.tag],
            "importance": importance[r.tag],
        }
        for r in analysis.itertuples()
        if not pd.isna(r.hlp)
    ]
    return str(prioritize(rows)["tag"].iloc[-1])
""",
        # keeps tags without an HLP (prioritize refuses them)
        """
def choose_tag(analysis, ease, importance):
    rows = [
        {
            "tag": r.tag,
            "accuracy": r.accuracy,
            "hlp": r.hlp,
            "fraction_of_data": r.fraction_of_data,
            "ease": ease[r.tag],
            "importance": importance[r.tag],
        }
        for r in analysis.itertuples()
    ]
    return str(prioritize(rows)["tag"].iloc[0])
""",
        # hard-codes the visible test's answer
        'def choose_tag(analysis, ease, importance):\n    return "eight"\n',
    ],
    "augmentation_vs_duplication": [
        # duplicates the whole training set, so the balance does not change
        """
def augmentation_vs_duplication(X_train, y_train, X_eval, y_eval, rare_class, copies, seed):
    X_dup = np.concatenate([X_train] * (copies + 1))
    y_dup = np.concatenate([y_train] * (copies + 1))
    X_aug, y_aug = aug.augment(
        X_train, y_train, target_class=rare_class, copies=copies, seed=seed
    )
    recall = {}
    for name, (X_fit, y_fit) in {
        "original": (X_train, y_train),
        "duplicated": (X_dup, y_dup),
        "augmented": (X_aug, y_aug),
    }.items():
        recall[name] = float(
            ma.per_class_report(y_eval, SVC().fit(X_fit, y_fit).predict(X_eval)).loc[
                rare_class, "recall"
            ]
        )
    return recall
""",
        # counts the original as one of the copies (one duplicate too few)
        """
def augmentation_vs_duplication(X_train, y_train, X_eval, y_eval, rare_class, copies, seed):
    rare = y_train == rare_class
    X_dup = np.concatenate([X_train, np.repeat(X_train[rare], copies - 1, axis=0)])
    y_dup = np.concatenate([y_train, np.repeat(y_train[rare], copies - 1)])
    X_aug, y_aug = aug.augment(
        X_train, y_train, target_class=rare_class, copies=copies, seed=seed
    )
    recall = {}
    for name, (X_fit, y_fit) in {
        "original": (X_train, y_train),
        "duplicated": (X_dup, y_dup),
        "augmented": (X_aug, y_aug),
    }.items():
        recall[name] = float(
            ma.per_class_report(y_eval, SVC().fit(X_fit, y_fit).predict(X_eval)).loc[
                rare_class, "recall"
            ]
        )
    return recall
""",
        # forgets to pass the seed to augment
        """
def augmentation_vs_duplication(X_train, y_train, X_eval, y_eval, rare_class, copies, seed):
    rare = y_train == rare_class
    X_dup = np.concatenate([X_train, np.repeat(X_train[rare], copies, axis=0)])
    y_dup = np.concatenate([y_train, np.repeat(y_train[rare], copies)])
    X_aug, y_aug = aug.augment(X_train, y_train, target_class=rare_class, copies=copies)
    recall = {}
    for name, (X_fit, y_fit) in {
        "original": (X_train, y_train),
        "duplicated": (X_dup, y_dup),
        "augmented": (X_aug, y_aug),
    }.items():
        recall[name] = float(
            ma.per_class_report(y_eval, SVC().fit(X_fit, y_fit).predict(X_eval)).loc[
                rare_class, "recall"
            ]
        )
    return recall
""",
        # measures recall on the training data
        """
def augmentation_vs_duplication(X_train, y_train, X_eval, y_eval, rare_class, copies, seed):
    rare = y_train == rare_class
    X_dup = np.concatenate([X_train, np.repeat(X_train[rare], copies, axis=0)])
    y_dup = np.concatenate([y_train, np.repeat(y_train[rare], copies)])
    X_aug, y_aug = aug.augment(
        X_train, y_train, target_class=rare_class, copies=copies, seed=seed
    )
    recall = {}
    for name, (X_fit, y_fit) in {
        "original": (X_train, y_train),
        "duplicated": (X_dup, y_dup),
        "augmented": (X_aug, y_aug),
    }.items():
        recall[name] = float(
            ma.per_class_report(y_fit, SVC().fit(X_fit, y_fit).predict(X_fit)).loc[
                rare_class, "recall"
            ]
        )
    return recall
""",
        # the macro-average recall instead of the rare class's
        """
def augmentation_vs_duplication(X_train, y_train, X_eval, y_eval, rare_class, copies, seed):
    rare = y_train == rare_class
    X_dup = np.concatenate([X_train, np.repeat(X_train[rare], copies, axis=0)])
    y_dup = np.concatenate([y_train, np.repeat(y_train[rare], copies)])
    X_aug, y_aug = aug.augment(
        X_train, y_train, target_class=rare_class, copies=copies, seed=seed
    )
    recall = {}
    for name, (X_fit, y_fit) in {
        "original": (X_train, y_train),
        "duplicated": (X_dup, y_dup),
        "augmented": (X_aug, y_aug),
    }.items():
        recall[name] = float(
            ma.per_class_report(y_eval, SVC().fit(X_fit, y_fit).predict(X_eval)).loc[
                "macro avg", "recall"
            ]
        )
    return recall
""",
        # a logistic regression instead of the SVC the exercise asks for
        """
def augmentation_vs_duplication(X_train, y_train, X_eval, y_eval, rare_class, copies, seed):
    rare = y_train == rare_class
    X_dup = np.concatenate([X_train, np.repeat(X_train[rare], copies, axis=0)])
    y_dup = np.concatenate([y_train, np.repeat(y_train[rare], copies)])
    X_aug, y_aug = aug.augment(
        X_train, y_train, target_class=rare_class, copies=copies, seed=seed
    )
    recall = {}
    for name, (X_fit, y_fit) in {
        "original": (X_train, y_train),
        "duplicated": (X_dup, y_dup),
        "augmented": (X_aug, y_aug),
    }.items():
        model = LogisticRegression().fit(X_fit, y_fit)
        recall[name] = float(
            ma.per_class_report(y_eval, model.predict(X_eval)).loc[rare_class, "recall"]
        )
    return recall
""",
    ],
}
