"""Plausible wrong answers for C3W5; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "permutation_drop": [
        # returns the score on the shuffled data, not the drop from the baseline
        """
def permutation_drop(model, X, y, feature, n_repeats, seed):
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n_repeats):
        shuffled = X.copy()
        shuffled[feature] = rng.permutation(shuffled[feature].to_numpy())
        scores.append(model.score(shuffled, y))
    return float(np.mean(scores))
""",
        # shuffles whole rows of X: every feature loses its link to y, not just one
        """
def permutation_drop(model, X, y, feature, n_repeats, seed):
    rng = np.random.default_rng(seed)
    baseline = model.score(X, y)
    drops = []
    for _ in range(n_repeats):
        shuffled = X.iloc[rng.permutation(len(X))].reset_index(drop=True)
        drops.append(baseline - model.score(shuffled, y))
    return float(np.mean(drops))
""",
        # shuffles X itself instead of a copy: the caller's data is destroyed
        """
def permutation_drop(model, X, y, feature, n_repeats, seed):
    rng = np.random.default_rng(seed)
    baseline = model.score(X, y)
    drops = []
    for _ in range(n_repeats):
        X[feature] = rng.permutation(X[feature].to_numpy())
        drops.append(baseline - model.score(X, y))
    return float(np.mean(drops))
""",
        # the drop as a share of the baseline accuracy, not in accuracy points
        """
def permutation_drop(model, X, y, feature, n_repeats, seed):
    rng = np.random.default_rng(seed)
    baseline = model.score(X, y)
    drops = []
    for _ in range(n_repeats):
        shuffled = X.copy()
        shuffled[feature] = rng.permutation(shuffled[feature].to_numpy())
        drops.append((baseline - model.score(shuffled, y)) / baseline)
    return float(np.mean(drops))
""",
        # ignores the arguments: always explains the lab's model on the test set
        """
def permutation_drop(model, X, y, feature, n_repeats, seed):
    rng = np.random.default_rng(seed)
    baseline = globals()["model"].score(X_test, y_test)
    drops = []
    for _ in range(n_repeats):
        shuffled = X_test.copy()
        shuffled[feature] = rng.permutation(shuffled[feature].to_numpy())
        drops.append(baseline - globals()["model"].score(shuffled, y_test))
    return float(np.mean(drops))
""",
    ],
    "partial_dependence_curve": [
        # the effect at the average patient, not the average effect over all patients
        """
def partial_dependence_curve(model, X, feature, grid):
    average_patient = X.mean().to_frame().T
    values = []
    for value in grid:
        changed = average_patient.copy()
        changed[feature] = value
        values.append(model.predict_proba(changed)[0, 1])
    return pd.Series(values, index=list(grid))
""",
        # averages predicted labels (0/1), not probabilities
        """
def partial_dependence_curve(model, X, feature, grid):
    values = []
    for value in grid:
        changed = X.copy()
        changed[feature] = value
        values.append(model.predict(changed).mean())
    return pd.Series(values, index=list(grid))
""",
        # the probability of the wrong class (no disease)
        """
def partial_dependence_curve(model, X, feature, grid):
    values = []
    for value in grid:
        changed = X.copy()
        changed[feature] = value
        values.append(model.predict_proba(changed)[:, 0].mean())
    return pd.Series(values, index=list(grid))
""",
        # sorts the grid: the curve no longer follows the order it was given
        """
def partial_dependence_curve(model, X, feature, grid):
    values = {}
    for value in sorted(grid):
        changed = X.copy()
        changed[feature] = value
        values[value] = model.predict_proba(changed)[:, 1].mean()
    return pd.Series(values)
""",
        # sets the feature in X itself: the caller's data is changed
        """
def partial_dependence_curve(model, X, feature, grid):
    values = []
    for value in grid:
        X[feature] = value
        values.append(model.predict_proba(X)[:, 1].mean())
    return pd.Series(values, index=list(grid))
""",
    ],
    "explain_prediction": [
        # ranks by signed value: the biggest push *towards* disease, not the biggest push
        """
def explain_prediction(model, background, row, k):
    table = explain.shap_values(model, row, background=background)
    values = table.iloc[0].sort_values(ascending=False)
    return {"prediction": float(model.predict_proba(row)[0, 1]),
            "expected": float(table.attrs["expected_value"]),
            "top": values[:k], "rest": float(values[k:].sum())}
""",
        # "rest" sums every SHAP value, the top ones included
        """
def explain_prediction(model, background, row, k):
    table = explain.shap_values(model, row, background=background)
    values = table.iloc[0]
    order = values.abs().sort_values(ascending=False).index
    return {"prediction": float(model.predict_proba(row)[0, 1]),
            "expected": float(table.attrs["expected_value"]),
            "top": values[order[:k]], "rest": float(values.sum())}
""",
        # the predicted label instead of the probability that SHAP explains
        """
def explain_prediction(model, background, row, k):
    table = explain.shap_values(model, row, background=background)
    values = table.iloc[0]
    order = values.abs().sort_values(ascending=False).index
    return {"prediction": float(model.predict(row)[0]),
            "expected": float(table.attrs["expected_value"]),
            "top": values[order[:k]], "rest": float(values[order[k:]].sum())}
""",
        # ignores the background argument: the lab's reference patients for every model
        """
def explain_prediction(model, background, row, k):
    table = explain.shap_values(model, row, background=BACKGROUND)
    values = table.iloc[0]
    order = values.abs().sort_values(ascending=False).index
    return {"prediction": float(model.predict_proba(row)[0, 1]),
            "expected": float(table.attrs["expected_value"]),
            "top": values[order[:k]], "rest": float(values[order[k:]].sum())}
""",
    ],
    "local_explanation": [
        # no proximity weighting: every made-up patient counts the same, near or far
        """
def local_explanation(model, X, row, k, n_samples, kernel_width, seed):
    center = row[X.columns].to_numpy(dtype=float)
    scale = X.std(ddof=0).to_numpy()
    rng = np.random.default_rng(seed)
    samples = center + rng.normal(size=(n_samples, X.shape[1])) * scale
    probabilities = model.predict_proba(pd.DataFrame(samples, columns=X.columns))[:, 1]
    surrogate = LinearRegression().fit(samples, probabilities)
    table = pd.DataFrame(
        {
            "weight": surrogate.coef_,
            "contribution": surrogate.coef_ * (center - X.mean().to_numpy()),
        },
        index=X.columns,
    )
    order = table["contribution"].abs().sort_values(ascending=False).index
    return {"top": table.loc[order[:k]], "r2": float(surrogate.score(samples, probabilities))}
""",
        # distance in raw units, not standard deviations: a year of age counts like a mg/dL
        # of glucose
        """
def local_explanation(model, X, row, k, n_samples, kernel_width, seed):
    center = row[X.columns].to_numpy(dtype=float)
    scale = X.std(ddof=0).to_numpy()
    rng = np.random.default_rng(seed)
    samples = center + rng.normal(size=(n_samples, X.shape[1])) * scale
    distance = np.sqrt(((samples - center) ** 2).sum(axis=1))
    weights = np.exp(-(distance**2) / (kernel_width * np.sqrt(X.shape[1])) ** 2)
    probabilities = model.predict_proba(pd.DataFrame(samples, columns=X.columns))[:, 1]
    surrogate = LinearRegression().fit(samples, probabilities, sample_weight=weights)
    table = pd.DataFrame(
        {
            "weight": surrogate.coef_,
            "contribution": surrogate.coef_ * (center - X.mean().to_numpy()),
        },
        index=X.columns,
    )
    order = table["contribution"].abs().sort_values(ascending=False).index
    return {
        "top": table.loc[order[:k]],
        "r2": float(surrogate.score(samples, probabilities, sample_weight=weights)),
    }
""",
        # ranks by signed contribution: the biggest push *towards* disease, not the biggest push
        """
def local_explanation(model, X, row, k, n_samples, kernel_width, seed):
    center = row[X.columns].to_numpy(dtype=float)
    scale = X.std(ddof=0).to_numpy()
    rng = np.random.default_rng(seed)
    samples = center + rng.normal(size=(n_samples, X.shape[1])) * scale
    distance = np.sqrt((((samples - center) / scale) ** 2).sum(axis=1))
    weights = np.exp(-(distance**2) / (kernel_width * np.sqrt(X.shape[1])) ** 2)
    probabilities = model.predict_proba(pd.DataFrame(samples, columns=X.columns))[:, 1]
    surrogate = LinearRegression().fit(samples, probabilities, sample_weight=weights)
    table = pd.DataFrame(
        {
            "weight": surrogate.coef_,
            "contribution": surrogate.coef_ * (center - X.mean().to_numpy()),
        },
        index=X.columns,
    )
    table = table.sort_values("contribution", ascending=False)
    return {
        "top": table.head(k),
        "r2": float(surrogate.score(samples, probabilities, sample_weight=weights)),
    }
""",
        # ranks by |weight|: per-unit slopes of features in different units are not comparable
        """
def local_explanation(model, X, row, k, n_samples, kernel_width, seed):
    center = row[X.columns].to_numpy(dtype=float)
    scale = X.std(ddof=0).to_numpy()
    rng = np.random.default_rng(seed)
    samples = center + rng.normal(size=(n_samples, X.shape[1])) * scale
    distance = np.sqrt((((samples - center) / scale) ** 2).sum(axis=1))
    weights = np.exp(-(distance**2) / (kernel_width * np.sqrt(X.shape[1])) ** 2)
    probabilities = model.predict_proba(pd.DataFrame(samples, columns=X.columns))[:, 1]
    surrogate = LinearRegression().fit(samples, probabilities, sample_weight=weights)
    table = pd.DataFrame(
        {
            "weight": surrogate.coef_,
            "contribution": surrogate.coef_ * (center - X.mean().to_numpy()),
        },
        index=X.columns,
    )
    order = table["weight"].abs().sort_values(ascending=False).index
    return {
        "top": table.loc[order[:k]],
        "r2": float(surrogate.score(samples, probabilities, sample_weight=weights)),
    }
""",
        # contribution as weight x the row's value, not its offset from the average patient
        """
def local_explanation(model, X, row, k, n_samples, kernel_width, seed):
    center = row[X.columns].to_numpy(dtype=float)
    scale = X.std(ddof=0).to_numpy()
    rng = np.random.default_rng(seed)
    samples = center + rng.normal(size=(n_samples, X.shape[1])) * scale
    distance = np.sqrt((((samples - center) / scale) ** 2).sum(axis=1))
    weights = np.exp(-(distance**2) / (kernel_width * np.sqrt(X.shape[1])) ** 2)
    probabilities = model.predict_proba(pd.DataFrame(samples, columns=X.columns))[:, 1]
    surrogate = LinearRegression().fit(samples, probabilities, sample_weight=weights)
    table = pd.DataFrame(
        {"weight": surrogate.coef_, "contribution": surrogate.coef_ * center}, index=X.columns
    )
    order = table["contribution"].abs().sort_values(ascending=False).index
    return {
        "top": table.loc[order[:k]],
        "r2": float(surrogate.score(samples, probabilities, sample_weight=weights)),
    }
""",
        # explains the predicted label (0/1) instead of the probability: a step the line
        # cannot follow
        """
def local_explanation(model, X, row, k, n_samples, kernel_width, seed):
    center = row[X.columns].to_numpy(dtype=float)
    scale = X.std(ddof=0).to_numpy()
    rng = np.random.default_rng(seed)
    samples = center + rng.normal(size=(n_samples, X.shape[1])) * scale
    distance = np.sqrt((((samples - center) / scale) ** 2).sum(axis=1))
    weights = np.exp(-(distance**2) / (kernel_width * np.sqrt(X.shape[1])) ** 2)
    labels = model.predict(pd.DataFrame(samples, columns=X.columns)).astype(float)
    surrogate = LinearRegression().fit(samples, labels, sample_weight=weights)
    table = pd.DataFrame(
        {
            "weight": surrogate.coef_,
            "contribution": surrogate.coef_ * (center - X.mean().to_numpy()),
        },
        index=X.columns,
    )
    order = table["contribution"].abs().sort_values(ascending=False).index
    return {
        "top": table.loc[order[:k]],
        "r2": float(surrogate.score(samples, labels, sample_weight=weights)),
    }
""",
    ],
    "find_shortcut": [
        # collapse the wrong way round (deploy - test): the shortcut ends up last
        """
def find_shortcut(model, X_test, y_test, X_deploy, y_deploy, n_repeats, seed):
    test = explain.permutation_importance(model, X_test, y_test, n_repeats=n_repeats, seed=seed)
    deploy = explain.permutation_importance(
        model, X_deploy, y_deploy, n_repeats=n_repeats, seed=seed
    )
    table = pd.DataFrame(
        {
            "test": test.set_index("feature")["importance"],
            "deploy": deploy.set_index("feature")["importance"],
        }
    )
    table["collapse"] = table["deploy"] - table["test"]
    return table.sort_values("collapse", ascending=False)
""",
        # measures importance on the training data instead of the test data
        """
def find_shortcut(model, X_test, y_test, X_deploy, y_deploy, n_repeats, seed):
    test = explain.permutation_importance(
        model, X_train, y_train, n_repeats=n_repeats, seed=seed
    )
    deploy = explain.permutation_importance(
        model, X_deploy, y_deploy, n_repeats=n_repeats, seed=seed
    )
    table = pd.DataFrame(
        {
            "test": test.set_index("feature")["importance"],
            "deploy": deploy.set_index("feature")["importance"],
        }
    )
    table["collapse"] = table["test"] - table["deploy"]
    return table.sort_values("collapse", ascending=False)
""",
        # sorts by test importance: the most used feature, not the one that stops working
        """
def find_shortcut(model, X_test, y_test, X_deploy, y_deploy, n_repeats, seed):
    test = explain.permutation_importance(model, X_test, y_test, n_repeats=n_repeats, seed=seed)
    deploy = explain.permutation_importance(
        model, X_deploy, y_deploy, n_repeats=n_repeats, seed=seed
    )
    table = pd.DataFrame(
        {
            "test": test.set_index("feature")["importance"],
            "deploy": deploy.set_index("feature")["importance"],
        }
    )
    table["collapse"] = table["test"] - table["deploy"]
    return table.sort_values("test", ascending=False)
""",
        # the library's defaults instead of the n_repeats and seed asked for
        """
def find_shortcut(model, X_test, y_test, X_deploy, y_deploy, n_repeats, seed):
    test = explain.permutation_importance(model, X_test, y_test)
    deploy = explain.permutation_importance(model, X_deploy, y_deploy)
    table = pd.DataFrame({"test": test.set_index("feature")["importance"],
                          "deploy": deploy.set_index("feature")["importance"]})
    table["collapse"] = table["test"] - table["deploy"]
    return table.sort_values("collapse", ascending=False)
""",
    ],
    "retrain_without": [
        # drops the lab's shortcut by name, whatever feature is asked for
        """
def retrain_without(X_train, y_train, X_deploy, y_deploy, feature):
    with_feature = make_model().fit(X_train, y_train)
    without = make_model().fit(X_train.drop(columns=["site"], errors="ignore"), y_train)
    return {
        "with": float(with_feature.score(X_deploy, y_deploy)),
        "without": float(
            without.score(X_deploy.drop(columns=["site"], errors="ignore"), y_deploy)
        ),
    }
""",
        # scores on the training data: says nothing about deployment
        """
def retrain_without(X_train, y_train, X_deploy, y_deploy, feature):
    with_feature = make_model().fit(X_train, y_train)
    without = make_model().fit(X_train.drop(columns=[feature]), y_train)
    return {"with": float(with_feature.score(X_train, y_train)),
            "without": float(without.score(X_train.drop(columns=[feature]), y_train))}
""",
        # keeps the column but shuffles it at deployment: the model was still trained on it
        """
def retrain_without(X_train, y_train, X_deploy, y_deploy, feature):
    trained = make_model().fit(X_train, y_train)
    shuffled = X_deploy.copy()
    shuffled[feature] = np.random.default_rng(0).permutation(shuffled[feature].to_numpy())
    return {"with": float(trained.score(X_deploy, y_deploy)),
            "without": float(trained.score(shuffled, y_deploy))}
""",
        # drops the feature from X_train in place: the caller's table loses a column
        """
def retrain_without(X_train, y_train, X_deploy, y_deploy, feature):
    with_feature = make_model().fit(X_train, y_train)
    X_train.drop(columns=[feature], inplace=True)
    without = make_model().fit(X_train, y_train)
    return {"with": float(with_feature.score(X_deploy, y_deploy)),
            "without": float(without.score(X_deploy.drop(columns=[feature]), y_deploy))}
""",
    ],
}
