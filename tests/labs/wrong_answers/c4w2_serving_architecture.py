"""Plausible wrong answers for C4W2; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

_WINE_FIELDS = """
        alcohol: float = Field({c}le=WINE_LIMITS["alcohol"])
        malic_acid: float = Field({c}le=WINE_LIMITS["malic_acid"])
        ash: float = Field({c}le=WINE_LIMITS["ash"])
        alcalinity_of_ash: float = Field({c}le=WINE_LIMITS["alcalinity_of_ash"])
        magnesium: float = Field({c}le=WINE_LIMITS["magnesium"])
        total_phenols: float = Field({c}le=WINE_LIMITS["total_phenols"])
        flavanoids: float = Field({c}le=WINE_LIMITS["flavanoids"])
        nonflavanoid_phenols: float = Field({c}le=WINE_LIMITS["nonflavanoid_phenols"])
        proanthocyanins: float = Field({c}le=WINE_LIMITS["proanthocyanins"])
        color_intensity: float = Field({c}le=WINE_LIMITS["color_intensity"])
        hue: float = Field({c}le=WINE_LIMITS["hue"])
        od280_od315_of_diluted_wines: float = Field(
            {c}le=WINE_LIMITS["od280_od315_of_diluted_wines"]
        )
        proline: float = Field({c}le=WINE_LIMITS["proline"])
"""


def _wine_app(
    fields=None,
    config='model_config = ConfigDict(extra="forbid")',
    batch_limits="Field(min_length=1, max_length=64)",
    columns="WINE_FEATURES",
    batch_predict="[int(k) for k in MODEL.predict(rows(batch.instances))]",
    used="model",
):
    """A make_wine_app with one part changed (the defaults are the solution)."""
    fields = _WINE_FIELDS.format(c="ge=0, ") if fields is None else fields
    batch_predict = batch_predict.replace("MODEL", used)
    return f"""
def make_wine_app(model):
    class Wine(BaseModel):
        {config}
{fields}
    class WineBatch(BaseModel):
        instances: list[Wine] = {batch_limits}

    def rows(wines):
        return np.array([[getattr(wine, name) for name in {columns}] for wine in wines])

    app = FastAPI(title="wine")

    @app.post("/predict")
    def predict(wine: Wine):
        return {{"prediction": int({used}.predict(rows([wine]))[0])}}

    @app.post("/predict/batch")
    def predict_batch(batch: WineBatch):
        return {{"predictions": {batch_predict}}}

    return app
"""


WRONG_ANSWERS = {
    "make_server": [
        # batching left off: the server answers correctly, one model call per request
        """
def make_server(base_path):
    return S.ModelServer(
        [S.ModelConfig("digits", str(base_path))], poll_seconds=1.0, cache_size=1000
    )
""",
        # "a longer window batches more": breaks the 5 ms latency budget
        """
def make_server(base_path):
    return S.ModelServer([S.ModelConfig("digits", str(base_path))], poll_seconds=1.0,
                         max_batch_size=32, batch_timeout_ms=50, cache_size=1000)
""",
        # no cache
        """
def make_server(base_path):
    return S.ModelServer([S.ModelConfig("digits", str(base_path))], poll_seconds=1.0,
                         max_batch_size=32, batch_timeout_ms=5)
""",
        # the global BASE instead of the argument
        """
def make_server(base_path):
    return S.ModelServer([S.ModelConfig("digits", str(BASE))], poll_seconds=1.0,
                         max_batch_size=32, batch_timeout_ms=5, cache_size=1000)
""",
    ],
    "capacity_at_slo": [
        # ignores failures
        """
def capacity_at_slo(table, p99_ms, max_failure_share):
    meets = table[table["p99_ms"] <= p99_ms]
    best = meets.loc[meets.groupby("server", sort=False)["requests_per_s"].idxmax()]
    servers = pd.Index(table["server"].unique(), name="server")
    return best.set_index("server")[["concurrency", "requests_per_s"]].reindex(servers)
""",
        # takes the run with the most users instead of the highest throughput
        """
def capacity_at_slo(table, p99_ms, max_failure_share):
    meets = table[
        (table["p99_ms"] <= p99_ms)
        & (table["failures"] / table["requests"] <= max_failure_share)
    ]
    best = meets.loc[meets.groupby("server", sort=False)["concurrency"].idxmax()]
    servers = pd.Index(table["server"].unique(), name="server")
    return best.set_index("server")[["concurrency", "requests_per_s"]].reindex(servers)
""",
        # strict limits: a run exactly at the objective does not count
        """
def capacity_at_slo(table, p99_ms, max_failure_share):
    meets = table[
        (table["p99_ms"] < p99_ms) & (table["failures"] / table["requests"] < max_failure_share)
    ]
    best = meets.loc[meets.groupby("server", sort=False)["requests_per_s"].idxmax()]
    servers = pd.Index(table["server"].unique(), name="server")
    return best.set_index("server")[["concurrency", "requests_per_s"]].reindex(servers)
""",
        # drops the servers that never meet the SLO
        """
def capacity_at_slo(table, p99_ms, max_failure_share):
    meets = table[
        (table["p99_ms"] <= p99_ms)
        & (table["failures"] / table["requests"] <= max_failure_share)
    ]
    best = meets.loc[meets.groupby("server", sort=False)["requests_per_s"].idxmax()]
    return best.set_index("server")[["concurrency", "requests_per_s"]]
""",
    ],
    "canary_server": [
        # weights swapped: the canary gets the big share
        """
def canary_server(base_path, stable, canary, canary_percent):
    config = S.ModelConfig(
        "digits",
        str(base_path),
        policy=("specific", (stable, canary)),
        labels={"stable": stable, "canary": canary},
    )
    return S.ModelServer(
        [config],
        poll_seconds=0,
        traffic_split={"digits": {stable: canary_percent, canary: 100 - canary_percent}},
    )
""",
        # serves every version found (version 3 too) instead of exactly the two
        """
def canary_server(base_path, stable, canary, canary_percent):
    config = S.ModelConfig(
        "digits", str(base_path), policy=("all",), labels={"stable": stable, "canary": canary}
    )
    return S.ModelServer(
        [config],
        poll_seconds=0,
        traffic_split={"digits": {stable: 100 - canary_percent, canary: canary_percent}},
    )
""",
        # labels but no split: unlabelled traffic never reaches the canary
        """
def canary_server(base_path, stable, canary, canary_percent):
    config = S.ModelConfig("digits", str(base_path), policy=("specific", (stable, canary)),
                           labels={"stable": stable, "canary": canary})
    return S.ModelServer([config], poll_seconds=0)
""",
    ],
    "score_file": [
        # forgets the damaged rows: they are silently lost
        """
def score_file(model_dir, csv_path, output_prefix):
    path = batch.batch_predict(
        model_dir, csv_path, output_prefix, features=[f"p{i}" for i in range(64)], key="id"
    )
    predictions = batch.read_predictions(path)
    labels = pd.Series(
        {key: int(np.argmax(p)) for key, p in predictions.items()}, name="label"
    ).sort_index()
    return {"labels": labels, "errors": []}
""",
        # features in the wrong order (sorted as strings: p0, p1, p10, p11, ...)
        """
def score_file(model_dir, csv_path, output_prefix):
    features = sorted(f"p{i}" for i in range(64))
    path = batch.batch_predict(model_dir, csv_path, output_prefix, features=features, key="id")
    predictions = batch.read_predictions(path)
    labels = pd.Series(
        {key: int(np.argmax(p)) for key, p in predictions.items()}, name="label"
    ).sort_index()
    errors_path = Path(f"{output_prefix}-errors.jsonl")
    lines = errors_path.read_text(encoding="utf-8").splitlines() if errors_path.exists() else []
    return {
        "labels": labels,
        "errors": sorted(json.loads(line)["line"].split(",")[0] for line in lines),
    }
""",
        # labels in the order Beam wrote them (not sorted by id)
        """
def score_file(model_dir, csv_path, output_prefix):
    path = batch.batch_predict(
        model_dir, csv_path, output_prefix, features=[f"p{i}" for i in range(64)], key="id"
    )
    predictions = batch.read_predictions(path)
    labels = pd.Series({key: int(np.argmax(p)) for key, p in predictions.items()}, name="label")
    labels = labels.iloc[::-1] if labels.index.is_monotonic_increasing else labels
    errors_path = Path(f"{output_prefix}-errors.jsonl")
    lines = errors_path.read_text(encoding="utf-8").splitlines() if errors_path.exists() else []
    return {
        "labels": labels,
        "errors": sorted(json.loads(line)["line"].split(",")[0] for line in lines),
    }
""",
    ],
    "choose_hpa": [
        # cheapest rule, ignoring dropped requests
        """
def choose_hpa(load, capacity_per_replica, startup_steps, max_replicas):
    best, best_key = None, None
    for target in (0.5, 0.6, 0.7, 0.8, 0.9):
        for minimum in range(1, 5):
            rule = autoscaling.HPA(
                target_utilization=target, min_replicas=minimum, max_replicas=max_replicas
            )
            steps = autoscaling.simulate(
                load,
                rule,
                capacity_per_replica=capacity_per_replica,
                startup_steps=startup_steps,
            )
            key = (steps["replicas"].sum(), -target, minimum)
            if best_key is None or key < best_key:
                best, best_key = rule, key
    return best
""",
        # ignores the start-up delay of new replicas
        """
def choose_hpa(load, capacity_per_replica, startup_steps, max_replicas):
    best, best_key = None, None
    for target in (0.5, 0.6, 0.7, 0.8, 0.9):
        for minimum in range(1, 5):
            rule = autoscaling.HPA(
                target_utilization=target, min_replicas=minimum, max_replicas=max_replicas
            )
            steps = autoscaling.simulate(load, rule, capacity_per_replica=capacity_per_replica)
            if steps["dropped"].sum() > 0:
                continue
            key = (steps["replicas"].sum(), -target, minimum)
            if best_key is None or key < best_key:
                best, best_key = (
                    autoscaling.HPA(
                        target_utilization=target,
                        min_replicas=minimum,
                        max_replicas=max_replicas,
                    ),
                    key,
                )
    return best
""",
        # safest rule: the lowest target and most replicas that drop nothing, whatever they cost
        """
def choose_hpa(load, capacity_per_replica, startup_steps, max_replicas):
    for target in (0.5, 0.6, 0.7, 0.8, 0.9):
        for minimum in (4, 3, 2, 1):
            rule = autoscaling.HPA(
                target_utilization=target, min_replicas=minimum, max_replicas=max_replicas
            )
            steps = autoscaling.simulate(
                load,
                rule,
                capacity_per_replica=capacity_per_replica,
                startup_steps=startup_steps,
            )
            if steps["dropped"].sum() == 0:
                return autoscaling.HPA(
                    target_utilization=target, min_replicas=minimum, max_replicas=max_replicas
                )
    return None
""",
    ],
    "make_wine_app": [
        # no ranges: plain floats take a negative alcohol or any magnesium
        _wine_app(
            fields="\n".join(
                f"        {name}: float"
                for name in (
                    "alcohol",
                    "malic_acid",
                    "ash",
                    "alcalinity_of_ash",
                    "magnesium",
                    "total_phenols",
                    "flavanoids",
                    "nonflavanoid_phenols",
                    "proanthocyanins",
                    "color_intensity",
                    "hue",
                    "od280_od315_of_diluted_wines",
                    "proline",
                )
            )
            + "\n"
        ),
        # an upper limit only: negative measurements pass
        _wine_app(fields=_WINE_FIELDS.format(c="")),
        # strict bounds (gt/lt): a value exactly at a limit is refused
        _wine_app(fields=_WINE_FIELDS.format(c="gt=0, ").replace("le=", "lt=")),
        # unknown fields silently ignored (pydantic's default): a typo'd extra field is accepted
        _wine_app(config="pass"),
        # a batch without limits: an empty batch and 65 wines are accepted
        _wine_app(batch_limits="Field()"),
        # one model call per wine instead of one per batch
        _wine_app(
            batch_predict="[int(MODEL.predict(rows([wine]))[0]) for wine in batch.instances]"
        ),
        # the features in alphabetical order: the model gets its columns shuffled
        _wine_app(columns="sorted(WINE_FEATURES)"),
        # the notebook's wine_model instead of the argument
        _wine_app(used="wine_model"),
        # a NumPy integer in the answer: JSON cannot hold it (a 500)
        _wine_app(batch_predict="list(MODEL.predict(rows(batch.instances)))"),
    ],
}
