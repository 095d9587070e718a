"""Plausible wrong answers for C3W1; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "build_model": [
        # forgets the Dropout layers: "dropout" is declared but never used
        """
def build_model(hp):
    layers = hp.Int("layers", 1, 3)
    units = hp.Int("units", 16, 128, step=16)
    hp.Float("dropout", 0.0, 0.5, step=0.1)
    learning_rate = hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])
    model = keras.Sequential([keras.Input((64,))])
    for _ in range(layers):
        model.add(keras.layers.Dense(units, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
""",
        # the learning rate as a continuous Float range instead of the three choices
        """
def build_model(hp):
    layers = hp.Int("layers", 1, 3)
    units = hp.Int("units", 16, 128, step=16)
    rate = hp.Float("dropout", 0.0, 0.5, step=0.1)
    learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
    model = keras.Sequential([keras.Input((64,))])
    for _ in range(layers):
        model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
""",
        # one hidden block whatever "layers" says
        """
def build_model(hp):
    hp.Int("layers", 1, 3)
    units = hp.Int("units", 16, 128, step=16)
    rate = hp.Float("dropout", 0.0, 0.5, step=0.1)
    learning_rate = hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])
    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dropout(rate),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
""",
        # units in steps of 32, not 16: a smaller search space than asked
        """
def build_model(hp):
    layers = hp.Int("layers", 1, 3)
    units = hp.Int("units", 16, 128, step=32)
    rate = hp.Float("dropout", 0.0, 0.5, step=0.1)
    learning_rate = hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])
    model = keras.Sequential([keras.Input((64,))])
    for _ in range(layers):
        model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(
        keras.optimizers.Adam(learning_rate),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
""",
        # the tuned learning rate never reaches the optimizer (Adam's default 0.001)
        """
def build_model(hp):
    layers = hp.Int("layers", 1, 3)
    units = hp.Int("units", 16, 128, step=16)
    rate = hp.Float("dropout", 0.0, 0.5, step=0.1)
    hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4])
    model = keras.Sequential([keras.Input((64,))])
    for _ in range(layers):
        model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
""",
    ],
    "tune": [
        # the table keeps only the best trial: get_best_trials() defaults to one
        """
def tune(build, X, y, max_trials, seed):
    tuner = keras_search(
        build, X, y, tuner="random", max_trials=max_trials, epochs=EPOCHS, seed=seed
    )
    trials = tuner.oracle.get_best_trials()
    table = pd.DataFrame(
        [{**t.hyperparameters.values, "val_accuracy": t.score} for t in trials]
    )
    return {
        "best": dict(trials[0].hyperparameters.values),
        "val_accuracy": float(trials[0].score),
        "table": table,
    }
""",
        # the seed is not passed on: every call searches the same points
        """
def tune(build, X, y, max_trials, seed):
    tuner = keras_search(build, X, y, tuner="random", max_trials=max_trials, epochs=EPOCHS)
    trials = tuner.oracle.get_best_trials(max_trials)
    table = pd.DataFrame(
        [{**t.hyperparameters.values, "val_accuracy": t.score} for t in trials]
    )
    return {
        "best": dict(trials[0].hyperparameters.values),
        "val_accuracy": float(trials[0].score),
        "table": table,
    }
""",
        # the trials in the order they ran, and the last one reported as the winner
        """
def tune(build, X, y, max_trials, seed):
    tuner = keras_search(
        build, X, y, tuner="random", max_trials=max_trials, epochs=EPOCHS, seed=seed
    )
    trials = list(tuner.oracle.trials.values())
    table = pd.DataFrame(
        [{**t.hyperparameters.values, "val_accuracy": t.score} for t in trials]
    )
    return {
        "best": dict(trials[-1].hyperparameters.values),
        "val_accuracy": float(trials[-1].score),
        "table": table,
    }
""",
    ],
    "epochs_to_target": [
        # "at least" read as strictly above the target
        """
def epochs_to_target(results, target):
    spent = {}
    for name, table in results.items():
        reached = np.flatnonzero(table["score"].to_numpy() > target)
        spent[name] = (
            int(table["epochs"].to_numpy()[: reached[0] + 1].sum()) if len(reached) else None
        )
    return spent
""",
        # counts trials, not epochs: a one-epoch Hyperband trial costs as much as a full one
        """
def epochs_to_target(results, target):
    spent = {}
    for name, table in results.items():
        reached = np.flatnonzero(table["score"].to_numpy() >= target)
        spent[name] = int(reached[0] + 1) if len(reached) else None
    return spent
""",
        # stops counting before the trial that reached the target
        """
def epochs_to_target(results, target):
    spent = {}
    for name, table in results.items():
        reached = np.flatnonzero(table["score"].to_numpy() >= target)
        spent[name] = int(table["epochs"].to_numpy()[: reached[0]].sum()) if len(reached) else None
    return spent
""",
        # relies on the cost column, which other tables do not have
        """
def epochs_to_target(results, target):
    spent = {}
    for name, table in results.items():
        hit = table[table["score"] >= target]
        spent[name] = int(hit["cost"].iloc[0]) if len(hit) else None
    return spent
""",
    ],
    "cheapest_faithful": [
        # Pearson correlation of the scores, not of their ranks
        """
def cheapest_faithful(scores, threshold):
    full = max(scores.columns)
    agreement = {
        c: float(np.corrcoef(scores[c], scores[full])[0, 1])
        for c in sorted(scores.columns)
        if c != full
    }
    good = [c for c, rho in agreement.items() if rho >= threshold]
    return {"agreement": agreement, "cheapest": min(good) if good else full}
""",
        # takes the last column as full training: wrong when the columns are not in order
        """
def cheapest_faithful(scores, threshold):
    full = scores.columns[-1]
    agreement = {
        c: float(spearmanr(scores[c], scores[full]).statistic)
        for c in scores.columns
        if c != full
    }
    good = [c for c, rho in agreement.items() if rho >= threshold]
    return {"agreement": agreement, "cheapest": min(good) if good else full}
""",
        # None when no cheaper fidelity agrees, instead of falling back to full training
        """
def cheapest_faithful(scores, threshold):
    full = max(scores.columns)
    agreement = {
        c: float(spearmanr(scores[c], scores[full]).statistic)
        for c in scores.columns
        if c != full
    }
    good = [c for c, rho in agreement.items() if rho >= threshold]
    return {"agreement": agreement, "cheapest": min(good) if good else None}
""",
        # the best-agreeing fidelity, not the cheapest good enough one
        """
def cheapest_faithful(scores, threshold):
    full = max(scores.columns)
    agreement = {
        c: float(spearmanr(scores[c], scores[full]).statistic)
        for c in scores.columns
        if c != full
    }
    good = {c: rho for c, rho in agreement.items() if rho >= threshold}
    return {"agreement": agreement, "cheapest": max(good, key=good.get) if good else full}
""",
    ],
    "tuner_report": [
        # trusts the pipeline: never looks at the trained model
        """
def tuner_report(artifacts):
    config = json.loads(
        (Path(artifacts["Tuner.best_hyperparameters"]) / "best_hyperparameters.txt").read_text()
    )
    trials = json.loads(
        (Path(artifacts["Tuner.tuner_results"]) / "tuner_results.json").read_text()
    )
    return {
        "best": dict(config["values"]),
        "best_score": float(max(t["score"] for t in trials)),
        "trials": len(trials),
        "trainer_used_best": True,
    }
""",
        # checks the units only: a model trained at another learning rate passes
        """
def tuner_report(artifacts):
    config = json.loads(
        (Path(artifacts["Tuner.best_hyperparameters"]) / "best_hyperparameters.txt").read_text()
    )
    trials = json.loads(
        (Path(artifacts["Tuner.tuner_results"]) / "tuner_results.json").read_text()
    )
    best = dict(config["values"])
    model = keras.models.load_model(str(Path(artifacts["Trainer.model"]) / "Format-Serving"))
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][0]
    return {
        "best": best,
        "best_score": float(max(t["score"] for t in trials)),
        "trials": len(trials),
        "trainer_used_best": bool(dense.units == best["units"]),
    }
""",
        # the first trial's score, assuming the file is sorted best first
        """
def tuner_report(artifacts):
    config = json.loads(
        (Path(artifacts["Tuner.best_hyperparameters"]) / "best_hyperparameters.txt").read_text()
    )
    trials = json.loads(
        (Path(artifacts["Tuner.tuner_results"]) / "tuner_results.json").read_text()
    )
    best = dict(config["values"])
    model = keras.models.load_model(str(Path(artifacts["Trainer.model"]) / "Format-Serving"))
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)][0]
    rate = float(model.optimizer.learning_rate.numpy())
    used = dense.units == best["units"] and abs(rate - best["learning_rate"]) <= 1e-6
    return {
        "best": best,
        "best_score": float(trials[0]["score"]),
        "trials": len(trials),
        "trainer_used_best": bool(used),
    }
""",
        # compares with the output layer (10 classes) instead of the first, tuned Dense layer
        """
def tuner_report(artifacts):
    config = json.loads(
        (Path(artifacts["Tuner.best_hyperparameters"]) / "best_hyperparameters.txt").read_text()
    )
    trials = json.loads(
        (Path(artifacts["Tuner.tuner_results"]) / "tuner_results.json").read_text()
    )
    best = dict(config["values"])
    model = keras.models.load_model(str(Path(artifacts["Trainer.model"]) / "Format-Serving"))
    dense = model.layers[-1]
    rate = float(model.optimizer.learning_rate.numpy())
    used = dense.units == best["units"] and abs(rate - best["learning_rate"]) <= 1e-6
    return {
        "best": best,
        "best_score": float(max(t["score"] for t in trials)),
        "trials": len(trials),
        "trainer_used_best": bool(used),
    }
""",
    ],
    "automl_report": [
        # random search instead of successive halving: every candidate on all the rows
        """
def automl_report(X, y, X_test, y_test, budget, seed):
    families = {
        "logistic": (LogisticRegression(max_iter=200), {"C": (0.01, 10.0, "log")}),
        "knn": (
            KNeighborsClassifier(),
            {"n_neighbors": (1, 15), "weights": ["uniform", "distance"]},
        ),
        "tree": (DecisionTreeClassifier(), {"max_depth": (2, 12)}),
    }
    result = automl(
        X,
        y,
        families,
        preprocessing=["none", "standard", "minmax"],
        budget=budget,
        strategy="random",
        seed=seed,
    )
    board = result.leaderboard
    return {
        "best": result.best_family,
        "params": result.best_params,
        "cv_score": float(result.best_score),
        "test_accuracy": float(result.best_pipeline.score(X_test, y_test)),
        "finalists": int((board["round"] == board["round"].max()).sum()),
        "tried": {family: int((board["family"] == family).sum()) for family in families},
    }
""",
        # C on a linear scale: most draws land near 10, the small values are hardly tried
        """
def automl_report(X, y, X_test, y_test, budget, seed):
    families = {
        "logistic": (LogisticRegression(max_iter=200), {"C": (0.01, 10.0)}),
        "knn": (
            KNeighborsClassifier(),
            {"n_neighbors": (1, 15), "weights": ["uniform", "distance"]},
        ),
        "tree": (DecisionTreeClassifier(), {"max_depth": (2, 12)}),
    }
    result = automl(
        X,
        y,
        families,
        preprocessing=["none", "standard", "minmax"],
        budget=budget,
        strategy="halving",
        seed=seed,
    )
    board = result.leaderboard
    return {
        "best": result.best_family,
        "params": result.best_params,
        "cv_score": float(result.best_score),
        "test_accuracy": float(result.best_pipeline.score(X_test, y_test)),
        "finalists": int((board["round"] == board["round"].max()).sum()),
        "tried": {family: int((board["family"] == family).sum()) for family in families},
    }
""",
        # leaves out the preprocessing choices: automl's default has no "minmax"
        """
def automl_report(X, y, X_test, y_test, budget, seed):
    families = {
        "logistic": (LogisticRegression(max_iter=200), {"C": (0.01, 10.0, "log")}),
        "knn": (
            KNeighborsClassifier(),
            {"n_neighbors": (1, 15), "weights": ["uniform", "distance"]},
        ),
        "tree": (DecisionTreeClassifier(), {"max_depth": (2, 12)}),
    }
    result = automl(X, y, families, budget=budget, strategy="halving", seed=seed)
    board = result.leaderboard
    return {
        "best": result.best_family,
        "params": result.best_params,
        "cv_score": float(result.best_score),
        "test_accuracy": float(result.best_pipeline.score(X_test, y_test)),
        "finalists": int((board["round"] == board["round"].max()).sum()),
        "tried": {family: int((board["family"] == family).sum()) for family in families},
    }
""",
        # the winner's accuracy on the rows it was trained on, not on the test data
        """
def automl_report(X, y, X_test, y_test, budget, seed):
    families = {
        "logistic": (LogisticRegression(max_iter=200), {"C": (0.01, 10.0, "log")}),
        "knn": (
            KNeighborsClassifier(),
            {"n_neighbors": (1, 15), "weights": ["uniform", "distance"]},
        ),
        "tree": (DecisionTreeClassifier(), {"max_depth": (2, 12)}),
    }
    result = automl(
        X,
        y,
        families,
        preprocessing=["none", "standard", "minmax"],
        budget=budget,
        strategy="halving",
        seed=seed,
    )
    board = result.leaderboard
    return {
        "best": result.best_family,
        "params": result.best_params,
        "cv_score": float(result.best_score),
        "test_accuracy": float(result.best_pipeline.score(X, y)),
        "finalists": int((board["round"] == board["round"].max()).sum()),
        "tried": {family: int((board["family"] == family).sum()) for family in families},
    }
""",
        # counts every candidate as a finalist: halving dropped most of them in early rounds
        """
def automl_report(X, y, X_test, y_test, budget, seed):
    families = {
        "logistic": (LogisticRegression(max_iter=200), {"C": (0.01, 10.0, "log")}),
        "knn": (
            KNeighborsClassifier(),
            {"n_neighbors": (1, 15), "weights": ["uniform", "distance"]},
        ),
        "tree": (DecisionTreeClassifier(), {"max_depth": (2, 12)}),
    }
    result = automl(
        X,
        y,
        families,
        preprocessing=["none", "standard", "minmax"],
        budget=budget,
        strategy="halving",
        seed=seed,
    )
    board = result.leaderboard
    return {
        "best": result.best_family,
        "params": result.best_params,
        "cv_score": float(result.best_score),
        "test_accuracy": float(result.best_pipeline.score(X_test, y_test)),
        "finalists": len(board),
        "tried": {family: int((board["family"] == family).sum()) for family in families},
    }
""",
        # value_counts: a family the search never drew is missing instead of 0
        """
def automl_report(X, y, X_test, y_test, budget, seed):
    families = {
        "logistic": (LogisticRegression(max_iter=200), {"C": (0.01, 10.0, "log")}),
        "knn": (
            KNeighborsClassifier(),
            {"n_neighbors": (1, 15), "weights": ["uniform", "distance"]},
        ),
        "tree": (DecisionTreeClassifier(), {"max_depth": (2, 12)}),
    }
    result = automl(
        X,
        y,
        families,
        preprocessing=["none", "standard", "minmax"],
        budget=budget,
        strategy="halving",
        seed=seed,
    )
    board = result.leaderboard
    return {
        "best": result.best_family,
        "params": result.best_params,
        "cv_score": float(result.best_score),
        "test_accuracy": float(result.best_pipeline.score(X_test, y_test)),
        "finalists": int((board["round"] == board["round"].max()).sum()),
        "tried": {k: int(v) for k, v in board["family"].value_counts().items()},
    }
""",
        # ignores the arguments: always the lab's training rows and a budget of 12
        """
def automl_report(X, y, X_test, y_test, budget, seed):
    families = {
        "logistic": (LogisticRegression(max_iter=200), {"C": (0.01, 10.0, "log")}),
        "knn": (
            KNeighborsClassifier(),
            {"n_neighbors": (1, 15), "weights": ["uniform", "distance"]},
        ),
        "tree": (DecisionTreeClassifier(), {"max_depth": (2, 12)}),
    }
    result = automl(
        X_train,
        y_train,
        families,
        preprocessing=["none", "standard", "minmax"],
        budget=12,
        strategy="halving",
        seed=0,
    )
    board = result.leaderboard
    return {
        "best": result.best_family,
        "params": result.best_params,
        "cv_score": float(result.best_score),
        "test_accuracy": float(result.best_pipeline.score(X_test, y_test)),
        "finalists": int((board["round"] == board["round"].max()).sum()),
        "tried": {family: int((board["family"] == family).sum()) for family in families},
    }
""",
    ],
}
