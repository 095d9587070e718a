"""Plausible wrong answers for C4W3; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

# the solution's wiring; each wrong answer below changes one plausible thing in it
_WIRED = """
def wire_pipeline(data_dir, serving_dir, module, eval_config, min_rows):
    example_gen = tfx.components.CsvExampleGen(input_base=str(data_dir))
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"])
    validator = tfx.components.ExampleValidator(statistics=statistics_gen.outputs["statistics"],
                                                schema=schema_gen.outputs["schema"])
    volume = P.data_volume_check()(examples=example_gen.outputs["examples"], min_rows=min_rows)
    transform = tfx.components.Transform(examples=example_gen.outputs["examples"],
                                         schema=schema_gen.outputs["schema"],
                                         preprocessing_fn=f"{module}.preprocessing_fn",
                                         disable_statistics=True)
    trainer = tfx.components.Trainer(examples=transform.outputs["transformed_examples"],
                                     transform_graph=transform.outputs["transform_graph"],
                                     schema=schema_gen.outputs["schema"], run_fn=f"{module}.run_fn",
                                     train_args=tfx.proto.TrainArgs(splits=["train"]),
                                     eval_args=tfx.proto.EvalArgs(splits=["eval"]))
    trainer.add_upstream_node(volume)
    baseline = tfx.dsl.Resolver(
        strategy_class=tfx.dsl.experimental.LatestBlessedModelStrategy,
        model=tfx.dsl.Channel(type=tfx.types.standard_artifacts.Model),
        model_blessing=tfx.dsl.Channel(type=tfx.types.standard_artifacts.ModelBlessing),
    ).with_id("latest_blessed_model_resolver")
    evaluator = tfx.components.Evaluator(examples=example_gen.outputs["examples"],
                                         model=trainer.outputs["model"],
                                         baseline_model=baseline.outputs["model"],
                                         eval_config=eval_config)
    pusher = tfx.components.Pusher(
        model=trainer.outputs["model"], model_blessing=evaluator.outputs["blessing"],
        push_destination=tfx.proto.PushDestination(
            filesystem=tfx.proto.PushDestination.Filesystem(base_directory=str(serving_dir))))
    return [example_gen, statistics_gen, schema_gen, validator, volume, transform, trainer,
            baseline, evaluator, pusher]
"""


def _changed(old: str, new: str) -> str:
    assert old in _WIRED, old
    return _WIRED.replace(old, new)


WRONG_ANSWERS = {
    "wire_pipeline": [
        # the Trainer fed the raw examples instead of Transform's
        _changed(
            'examples=transform.outputs["transformed_examples"]',
            'examples=example_gen.outputs["examples"]',
        ),
        # the Pusher not gated on the Evaluator's blessing: every model is pushed
        _changed(
            'model=trainer.outputs["model"], model_blessing=evaluator.outputs["blessing"],',
            'model=trainer.outputs["model"],',
        ),
        # the Evaluator reads the transformed examples (the exported model expects raw ones)
        _changed(
            'tfx.components.Evaluator(examples=example_gen.outputs["examples"]',
            'tfx.components.Evaluator(examples=transform.outputs["transformed_examples"]',
        ),
        # no baseline: the Evaluator only checks the threshold, a worse model than production passes
        _changed('baseline_model=baseline.outputs["model"],', ""),
        # the Trainer does not wait for the data volume check
        _changed("    trainer.add_upstream_node(volume)\n", ""),
        # the global SERVING folder instead of the serving_dir argument
        _changed("base_directory=str(serving_dir)", "base_directory=str(SERVING)"),
    ],
    "pushed_model_story": [
        # the newest Model artifact taken as the pushed one: wrong once a later Trainer ran
        """
def pushed_model_story(metadata_path):
    store = LineageStore(metadata_path).store
    types = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    executions = sorted(store.get_executions(), key=lambda e: e.id)
    model = store.get_artifacts_by_id(
        [int(LineageStore(metadata_path).artifacts("Model")["id"].max())]
    )[0]
    [writer] = [
        e.execution_id
        for e in store.get_events_by_artifact_ids([model.id])
        if e.type == Event.OUTPUT
    ]
    [examples_id] = [
        e.artifact_id
        for e in store.get_events_by_execution_ids([writer])
        if e.type == Event.INPUT and e.path.steps[0].key == "examples"
    ]
    return {
        "order": [types[e.type_id] for e in executions],
        "pushed_model": model.uri,
        "trained_on": store.get_artifacts_by_id([examples_id])[0].uri,
    }
""",
        # the raw examples (ExampleGen's output) instead of what the Trainer read, and full type
        # names
        """
def pushed_model_story(metadata_path):
    store = LineageStore(metadata_path).store
    types = {t.id: t.name for t in store.get_execution_types()}
    executions = sorted(store.get_executions(), key=lambda e: e.id)
    pusher = [e for e in executions if types[e.type_id].endswith("Pusher")][-1]
    [model_id] = [
        e.artifact_id
        for e in store.get_events_by_execution_ids([pusher.id])
        if e.type == Event.INPUT and e.path.steps[0].key == "model"
    ]
    examples = [
        a for a in store.get_artifacts() if "examples" in a.uri.lower() or "data" in a.uri
    ][0]
    return {
        "order": [types[e.type_id] for e in executions],
        "pushed_model": store.get_artifacts_by_id([model_id])[0].uri,
        "trained_on": examples.uri,
    }
""",
        # the first Pusher instead of the most recent one
        """
def pushed_model_story(metadata_path):
    store = LineageStore(metadata_path).store
    types = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    executions = sorted(store.get_executions(), key=lambda e: e.id)

    def read(execution_id, role):
        return [
            e.artifact_id
            for e in store.get_events_by_execution_ids([execution_id])
            if e.type == Event.INPUT and e.path.steps[0].key == role
        ][0]

    pusher = [e for e in executions if types[e.type_id] == "Pusher"][0]
    model_id = read(pusher.id, "model")
    [writer] = [
        e.execution_id
        for e in store.get_events_by_artifact_ids([model_id])
        if e.type == Event.OUTPUT
    ]
    [model] = store.get_artifacts_by_id([model_id])
    [examples] = store.get_artifacts_by_id([read(writer, "examples")])
    return {
        "order": [types[e.type_id] for e in executions],
        "pushed_model": model.uri,
        "trained_on": examples.uri,
    }
""",
    ],
    "rollback_plan": [
        # versions compared as strings: "2" > "10", and "10" < "9"
        """
def rollback_plan(serving_dir, bad_version):
    names = sorted(p.name for p in Path(serving_dir).iterdir() if p.is_dir() and p.name.isdigit())
    if str(bad_version) not in names:
        raise ValueError(f"bad_version {bad_version} is not a version")
    older = [n for n in names if n < str(bad_version)]
    return {"served": int(names[-1]), "rollback_to": int(older[-1]) if older else None,
            "remove": [int(n) for n in names if n >= str(bad_version)]}
""",
        # every folder counts as a version (.partial exports and files too), and only the bad one
        # is removed
        """
def rollback_plan(serving_dir, bad_version):
    versions = sorted(
        int(p.name.strip(".").split(".")[0])
        for p in Path(serving_dir).iterdir()
        if p.name.strip(".").split(".")[0].isdigit()
    )
    if bad_version not in versions:
        raise ValueError(f"bad_version {bad_version} is not a version")
    older = [v for v in versions if v < bad_version]
    return {
        "served": versions[-1],
        "rollback_to": older[-1] if older else None,
        "remove": [bad_version],
    }
""",
        # rolls back to the version before the served one, whatever bad_version is
        """
def rollback_plan(serving_dir, bad_version):
    versions = sorted(
        int(p.name) for p in Path(serving_dir).iterdir() if p.is_dir() and p.name.isdigit()
    )
    if bad_version not in versions:
        raise ValueError(f"bad_version {bad_version} is not a version")
    return {
        "served": versions[-1],
        "rollback_to": versions[-2] if len(versions) > 1 else None,
        "remove": [versions[-1]],
    }
""",
    ],
    "release_gate": [
        # only the overall accuracy is checked: a slice regression ships
        """
def release_gate(candidate, baseline, min_accuracy, max_drop):
    overall = float(candidate["Overall"])
    assert overall >= min_accuracy, f"Overall: {overall} is below {min_accuracy}"
    if baseline:
        assert overall >= baseline["Overall"] - max_drop, "Overall: worse than production"
    return overall
""",
        # a slice the candidate was not evaluated on is skipped instead of failing
        """
def release_gate(candidate, baseline, min_accuracy, max_drop):
    overall = float(candidate["Overall"])
    assert overall >= min_accuracy, f"Overall: {overall} is below {min_accuracy}"
    for name, accuracy in (baseline or {}).items():
        if name in candidate:
            assert candidate[name] >= accuracy - max_drop, f"{name}: dropped"
    return overall
""",
        # max_drop ignored: any drop at all fails, and a bare assert gives no slice name
        """
def release_gate(candidate, baseline, min_accuracy, max_drop):
    overall = float(candidate["Overall"])
    assert overall >= min_accuracy
    for name, accuracy in (baseline or {}).items():
        assert candidate.get(name, 0.0) >= accuracy
    return overall
""",
    ],
    "label_share_check": [
        # only the share of positives is checked: a split that is almost all positives passes
        """
def label_share_check(examples_uri, label, min_share):
    shares = {}
    for folder in sorted(Path(examples_uri).glob("Split-*")):
        split = folder.name.removeprefix("Split-")
        share = float((read_examples(examples_uri, split=split)[label] == 1).mean())
        if share < min_share:
            raise ValueError(f"split {split!r}: only {share:.3f} positives")
        shares[split] = share
    return shares
""",
        # only train and eval: other splits are never checked
        """
def label_share_check(examples_uri, label, min_share):
    shares = {}
    for split in ["train", "eval"]:
        share = float((read_examples(examples_uri, split=split)[label] == 1).mean())
        if min(share, 1 - share) < min_share:
            raise ValueError(f"split {split!r}: {share:.3f} positives")
        shares[split] = share
    return shares
""",
        # "below" read as "at most": a split exactly at min_share fails
        """
def label_share_check(examples_uri, label, min_share):
    shares = {}
    for folder in sorted(Path(examples_uri).glob("Split-*")):
        split = folder.name.removeprefix("Split-")
        share = float((read_examples(examples_uri, split=split)[label] == 1).mean())
        if min(share, 1 - share) <= min_share:
            raise ValueError(f"split {split!r}: {share:.3f} positives")
        shares[split] = share
    return shares
""",
    ],
    "maturity_level": [
        # counts practices instead of requiring each level's practices: CI/CD without a pipeline
        # is level 1
        """
def maturity_level(setup):
    practices = ["continuous_training", "pipeline", "pipeline_cd", "pipeline_ci"]
    has = sum(bool(setup.get(p)) for p in practices)
    level = 2 if has == 4 else 1 if has >= 2 else 0
    needs = {0: ["continuous_training", "pipeline"], 1: practices, 2: []}[level]
    return level, sorted(p for p in needs if not setup.get(p))
""",
        # a pipeline alone is taken as level 1 (continuous training forgotten)
        """
def maturity_level(setup):
    practices = ["continuous_training", "pipeline", "pipeline_cd", "pipeline_ci"]
    if all(setup.get(p) for p in practices):
        return 2, []
    if setup.get("pipeline"):
        return 1, sorted(p for p in practices if not setup.get(p))
    return 0, sorted(p for p in ["continuous_training", "pipeline"] if not setup.get(p))
""",
        # missing lists every practice the setup lacks, not only those the next level needs
        """
def maturity_level(setup):
    practices = ["continuous_training", "pipeline", "pipeline_cd", "pipeline_ci"]
    level = 0
    if setup.get("pipeline") and setup.get("continuous_training"):
        level = 2 if setup.get("pipeline_ci") and setup.get("pipeline_cd") else 1
    return level, sorted(p for p in practices if not setup.get(p))
""",
    ],
}
