"""Plausible wrong answers for C2W3; each must lose its exercise's points.

Each entry is the source a learner might write in the exercise's cell.
"""

WRONG_ANSWERS = {
    "save_serving_version": [
        # curates version 1 instead of the latest version
        """
def save_serving_version(versions, label, accept, note):
    schema = versions.load(1)
    dv.add_environments(schema, ["TRAINING", "SERVING"], exclude={"SERVING": [label]})
    for feature, values in accept.items():
        dv.add_to_domain(schema, feature, values)
    return versions.save(schema, note)
""",
        # excludes the label from TRAINING instead of SERVING
        """
def save_serving_version(versions, label, accept, note):
    schema = versions.load()
    dv.add_environments(schema, ["TRAINING", "SERVING"], exclude={"TRAINING": [label]})
    for feature, values in accept.items():
        dv.add_to_domain(schema, feature, values)
    return versions.save(schema, note)
""",
        # replaces the domain with the new values, so the training values become invalid
        """
def save_serving_version(versions, label, accept, note):
    schema = versions.load()
    dv.add_environments(schema, ["TRAINING", "SERVING"], exclude={"SERVING": [label]})
    for feature, values in accept.items():
        dv.set_domain(schema, feature, values)
    return versions.save(schema, note)
""",
        # makes the label optional instead of declaring environments
        """
def save_serving_version(versions, label, accept, note):
    schema = versions.load()
    dv.set_required(schema, label, False)
    for feature, values in accept.items():
        dv.add_to_domain(schema, feature, values)
    return versions.save(schema, note)
""",
        # hard-codes the visible test's label and accepted value
        """
def save_serving_version(versions, label, accept, note):
    schema = versions.load()
    dv.add_environments(schema, ["TRAINING", "SERVING"], exclude={"SERVING": ["readmitted"]})
    dv.add_to_domain(schema, "payer_code", ["ZZ"])
    return versions.save(schema, note)
""",
        # forgets to save and returns the number the version would get
        """
def save_serving_version(versions, label, accept, note):
    schema = versions.load()
    dv.add_environments(schema, ["TRAINING", "SERVING"], exclude={"SERVING": [label]})
    for feature, values in accept.items():
        dv.add_to_domain(schema, feature, values)
    return len(versions.table()) + 1
""",
    ],
    "breaking_changes": [
        # every domain change counts as breaking, widening too
        """
def breaking_changes(versions, old, new):
    presence = dv.schema_table(versions.load(new)).set_index("feature")["presence"]
    breaking = set()
    for row in versions.diff(old, new).itertuples():
        if row.change in ("removed", "type changed", "domain changed"):
            breaking.add(row.feature)
        elif row.change == "added" and presence[row.feature] == "required":
            breaking.add(row.feature)
        elif row.change == "presence changed" and row.after == "required":
            breaking.add(row.feature)
    return sorted(breaking)
""",
        # looks at string domains only: numeric ranges never break
        """
def breaking_changes(versions, old, new):
    presence = dv.schema_table(versions.load(new)).set_index("feature")["presence"]
    breaking = set()
    for row in versions.diff(old, new).itertuples():
        if row.change in ("removed", "type changed"):
            breaking.add(row.feature)
        elif row.change == "added" and presence[row.feature] == "required":
            breaking.add(row.feature)
        elif row.change == "presence changed" and row.after == "required":
            breaking.add(row.feature)
        elif (
            row.change == "domain changed"
            and isinstance(row.before, list)
            and isinstance(row.after, list)
        ):
            if set(row.before) - set(row.after):
                breaking.add(row.feature)
    return sorted(breaking)
""",
        # the direction reversed: values added break, values removed do not
        """
def breaking_changes(versions, old, new):
    presence = dv.schema_table(versions.load(new)).set_index("feature")["presence"]
    breaking = set()
    for row in versions.diff(old, new).itertuples():
        if row.change in ("removed", "type changed"):
            breaking.add(row.feature)
        elif row.change == "added" and presence[row.feature] == "required":
            breaking.add(row.feature)
        elif row.change == "presence changed" and row.after == "required":
            breaking.add(row.feature)
        elif row.change == "domain changed":
            if row.before is None or row.after is None or not isinstance(row.before, list):
                breaking.add(row.feature)
            elif set(row.after) - set(row.before):
                breaking.add(row.feature)
    return sorted(breaking)
""",
        # ignores added and removed features
        """
def breaking_changes(versions, old, new):
    was = dv.schema_table(versions.load(old)).set_index("feature")
    now = dv.schema_table(versions.load(new)).set_index("feature")

    def bounds(row):
        low = -math.inf if row.domain_min is None else row.domain_min
        return low, math.inf if row.domain_max is None else row.domain_max

    breaking = set()
    for row in versions.diff(old, new).itertuples():
        if row.change == "type changed":
            breaking.add(row.feature)
        elif row.change == "presence changed" and now.loc[row.feature, "required"]:
            breaking.add(row.feature)
        elif row.change == "domain changed" and now.loc[row.feature, "domain"] is not None:
            before, after = was.loc[row.feature], now.loc[row.feature]
            if before.domain is None:
                breaking.add(row.feature)
            elif before.domain_values is not None:
                if set(before.domain_values) - set(after.domain_values):
                    breaking.add(row.feature)
            elif bounds(after)[0] > bounds(before)[0] or bounds(after)[1] < bounds(before)[1]:
                breaking.add(row.feature)
    return sorted(breaking)
""",
        # compares only the maximum of a range
        """
def breaking_changes(versions, old, new):
    was = dv.schema_table(versions.load(old)).set_index("feature")
    now = dv.schema_table(versions.load(new)).set_index("feature")
    breaking = set()
    for row in versions.diff(old, new).itertuples():
        if row.change in ("removed", "type changed"):
            breaking.add(row.feature)
        elif row.change in ("added", "presence changed") and now.loc[row.feature, "required"]:
            breaking.add(row.feature)
        elif row.change == "domain changed" and now.loc[row.feature, "domain"] is not None:
            before, after = was.loc[row.feature], now.loc[row.feature]
            if before.domain is None:
                breaking.add(row.feature)
            elif before.domain_values is not None:
                if set(before.domain_values) - set(after.domain_values):
                    breaking.add(row.feature)
            else:
                high_before = math.inf if before.domain_max is None else before.domain_max
                high_after = math.inf if after.domain_max is None else after.domain_max
                if high_after < high_before:
                    breaking.add(row.feature)
    return sorted(breaking)
""",
        # every presence change counts, also required -> optional
        """
def breaking_changes(versions, old, new):
    presence = dv.schema_table(versions.load(new)).set_index("feature")["presence"]
    breaking = set()
    for row in versions.diff(old, new).itertuples():
        if row.change in ("removed", "type changed", "presence changed"):
            breaking.add(row.feature)
        elif row.change == "added" and presence[row.feature] == "required":
            breaking.add(row.feature)
        elif row.change == "domain changed" and row.after is not None:
            if (
                row.before is None
                or not isinstance(row.before, list)
                or set(row.before) - set(row.after)
            ):
                breaking.add(row.feature)
    return sorted(breaking)
""",
    ],
    "open_metadata_store": [
        # opens it read-write, creating a file where there was none
        """
def open_metadata_store(path):
    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = str(path)
    config.sqlite.connection_mode = (
        metadata_store_pb2.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    )
    return metadata_store.MetadataStore(config)
""",
        # leaves the mode unset (MLMD then opens read-write and creates the file)
        """
def open_metadata_store(path):
    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = str(path)
    return metadata_store.MetadataStore(config)
""",
        # always opens the TFX run's store, whatever the path
        """
def open_metadata_store(path):
    config = metadata_store_pb2.ConnectionConfig()
    config.sqlite.filename_uri = str(run.metadata_path)
    config.sqlite.connection_mode = metadata_store_pb2.SqliteMetadataSourceConfig.READONLY
    return metadata_store.MetadataStore(config)
""",
        # returns mlep's wrapper instead of an MLMD store
        "def open_metadata_store(path):\n    return LineageStore(path)\n",
    ],
    "transform_provenance": [
        # takes the newest Examples artifact as the transformed examples
        """
def transform_provenance(store):
    INPUT, OUTPUT = metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.OUTPUT
    component = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    artifact_type = {t.id: t.name for t in store.get_artifact_types()}
    transformed = max(a.id for a in store.get_artifacts_by_type("Examples"))
    writers = [
        ev.execution_id
        for ev in store.get_events_by_artifact_ids([transformed])
        if ev.type == OUTPUT
    ]
    parents = store.get_artifacts_by_id(
        [
            ev.artifact_id
            for ev in store.get_events_by_execution_ids(writers)
            if ev.type == INPUT
        ]
    )
    [schema] = [a.id for a in parents if artifact_type[a.type_id] == "Schema"]
    readers = {
        ev.execution_id for ev in store.get_events_by_artifact_ids([schema]) if ev.type == INPUT
    }
    return {
        "transformed_examples": int(transformed),
        "parents": sorted(artifact_type[a.type_id] for a in parents),
        "schema_used_by": sorted(
            component[e.type_id] for e in store.get_executions_by_id(sorted(readers))
        ),
    }
""",
        # finds the transformed examples by a URI pattern TFX happens to use
        """
def transform_provenance(store):
    INPUT, OUTPUT = metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.OUTPUT
    component = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    artifact_type = {t.id: t.name for t in store.get_artifact_types()}
    [transformed] = [
        a.id for a in store.get_artifacts_by_type("Examples") if "transformed_examples" in a.uri
    ]
    writers = [
        ev.execution_id
        for ev in store.get_events_by_artifact_ids([transformed])
        if ev.type == OUTPUT
    ]
    parents = store.get_artifacts_by_id(
        [
            ev.artifact_id
            for ev in store.get_events_by_execution_ids(writers)
            if ev.type == INPUT
        ]
    )
    [schema] = [a.id for a in parents if artifact_type[a.type_id] == "Schema"]
    readers = {
        ev.execution_id for ev in store.get_events_by_artifact_ids([schema]) if ev.type == INPUT
    }
    return {
        "transformed_examples": int(transformed),
        "parents": sorted(artifact_type[a.type_id] for a in parents),
        "schema_used_by": sorted(
            component[e.type_id] for e in store.get_executions_by_id(sorted(readers))
        ),
    }
""",
        # counts every artifact the Transform execution touched as a parent, outputs too
        """
def transform_provenance(store):
    INPUT, OUTPUT = metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.OUTPUT
    component = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    artifact_type = {t.id: t.name for t in store.get_artifact_types()}
    [transform] = [e for e in store.get_executions() if component[e.type_id] == "Transform"]
    events = store.get_events_by_execution_ids([transform.id])
    examples = {a.id for a in store.get_artifacts_by_type("Examples")}
    [transformed] = [
        ev.artifact_id for ev in events if ev.type == OUTPUT and ev.artifact_id in examples
    ]
    parents = store.get_artifacts_by_id(
        [ev.artifact_id for ev in events if ev.artifact_id != transformed]
    )
    schemas = [a.id for a in parents if artifact_type[a.type_id] == "Schema"]
    readers = {
        ev.execution_id for ev in store.get_events_by_artifact_ids(schemas) if ev.type == INPUT
    }
    return {
        "transformed_examples": int(transformed),
        "parents": sorted(artifact_type[a.type_id] for a in parents),
        "schema_used_by": sorted(
            component[e.type_id] for e in store.get_executions_by_id(sorted(readers))
        ),
    }
""",
        # takes the first Schema in the store, not the one the transform read
        """
def transform_provenance(store):
    INPUT, OUTPUT = metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.OUTPUT
    component = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    artifact_type = {t.id: t.name for t in store.get_artifact_types()}
    [transform] = [e for e in store.get_executions() if component[e.type_id] == "Transform"]
    examples = {a.id for a in store.get_artifacts_by_type("Examples")}
    [transformed] = [
        ev.artifact_id
        for ev in store.get_events_by_execution_ids([transform.id])
        if ev.type == OUTPUT and ev.artifact_id in examples
    ]
    parents = store.get_artifacts_by_id(
        [
            ev.artifact_id
            for ev in store.get_events_by_execution_ids([transform.id])
            if ev.type == INPUT
        ]
    )
    schema = store.get_artifacts_by_type("Schema")[0].id
    readers = {
        ev.execution_id for ev in store.get_events_by_artifact_ids([schema]) if ev.type == INPUT
    }
    return {
        "transformed_examples": int(transformed),
        "parents": sorted(artifact_type[a.type_id] for a in parents),
        "schema_used_by": sorted(
            component[e.type_id] for e in store.get_executions_by_id(sorted(readers))
        ),
    }
""",
        # lists the executions that wrote the schema, not those that read it
        """
def transform_provenance(store):
    INPUT, OUTPUT = metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.OUTPUT
    component = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    artifact_type = {t.id: t.name for t in store.get_artifact_types()}
    [transform] = [e for e in store.get_executions() if component[e.type_id] == "Transform"]
    examples = {a.id for a in store.get_artifacts_by_type("Examples")}
    [transformed] = [
        ev.artifact_id
        for ev in store.get_events_by_execution_ids([transform.id])
        if ev.type == OUTPUT and ev.artifact_id in examples
    ]
    parents = store.get_artifacts_by_id(
        [
            ev.artifact_id
            for ev in store.get_events_by_execution_ids([transform.id])
            if ev.type == INPUT
        ]
    )
    [schema] = [a.id for a in parents if artifact_type[a.type_id] == "Schema"]
    writers = {
        ev.execution_id
        for ev in store.get_events_by_artifact_ids([schema])
        if ev.type == OUTPUT
    }
    return {
        "transformed_examples": int(transformed),
        "parents": sorted(artifact_type[a.type_id] for a in parents),
        "schema_used_by": sorted(
            component[e.type_id] for e in store.get_executions_by_id(sorted(writers))
        ),
    }
""",
        # keeps TFX's full execution type names
        """
def transform_provenance(store):
    INPUT, OUTPUT = metadata_store_pb2.Event.INPUT, metadata_store_pb2.Event.OUTPUT
    component = {t.id: t.name.rsplit(".", 1)[-1] for t in store.get_execution_types()}
    artifact_type = {t.id: t.name for t in store.get_artifact_types()}
    [transform] = [e for e in store.get_executions() if component[e.type_id] == "Transform"]
    examples = {a.id for a in store.get_artifacts_by_type("Examples")}
    [transformed] = [
        ev.artifact_id
        for ev in store.get_events_by_execution_ids([transform.id])
        if ev.type == OUTPUT and ev.artifact_id in examples
    ]
    parents = store.get_artifacts_by_id(
        [
            ev.artifact_id
            for ev in store.get_events_by_execution_ids([transform.id])
            if ev.type == INPUT
        ]
    )
    [schema] = [a.id for a in parents if artifact_type[a.type_id] == "Schema"]
    readers = {
        ev.execution_id for ev in store.get_events_by_artifact_ids([schema]) if ev.type == INPUT
    }
    return {
        "transformed_examples": int(transformed),
        "parents": sorted(artifact_type[a.type_id] for a in parents),
        "schema_used_by": sorted(e.type for e in store.get_executions_by_id(sorted(readers))),
    }
""",
    ],
    "run_artifacts": [
        # every context counts as a run, the pipeline's and the components' too
        """
def run_artifacts(store):
    return {
        c.name: sorted(a.type for a in store.get_artifacts_by_context(c.id))
        for c in store.get_contexts()
    }
""",
        # every artifact of the store for each run
        """
def run_artifacts(store):
    types = sorted(a.type for a in store.get_artifacts())
    return {c.name: types for c in store.get_contexts_by_type("pipeline_run")}
""",
        # one entry per type, not per artifact
        """
def run_artifacts(store):
    return {c.name: sorted({a.type for a in store.get_artifacts_by_context(c.id)})
            for c in store.get_contexts_by_type("pipeline_run")}
""",
        # only the artifacts the run's executions wrote
        """
def run_artifacts(store):
    OUTPUT = metadata_store_pb2.Event.OUTPUT
    result = {}
    for c in store.get_contexts_by_type("pipeline_run"):
        ids = [e.id for e in store.get_executions_by_context(c.id)]
        written = [
            ev.artifact_id for ev in store.get_events_by_execution_ids(ids) if ev.type == OUTPUT
        ]
        result[c.name] = sorted(a.type for a in store.get_artifacts_by_id(written))
    return result
""",
    ],
    "affected_by": [
        # records a new artifact every time a URI appears, so the steps never connect
        """
def affected_by(store, steps, bad_uri):
    bad = None
    for step in steps:
        inputs = {role: [store.record_artifact(t, u)] for role, (t, u) in step["inputs"].items()}
        outputs = {role: [store.record_artifact(t, u)] for role, (t, u) in step["outputs"].items()}
        store.record_execution(step["component"], inputs=inputs, outputs=outputs)
        for role, (t, u) in step["inputs"].items():
            if u == bad_uri and bad is None:
                bad = inputs[role][0]
    return sorted(store.lineage(bad, direction="downstream")["uri"])
""",
        # walks upstream: what the bad dataset came from
        """
def affected_by(store, steps, bad_uri):
    recorded = {}
    def artifact(type_name, uri):
        if uri not in recorded:
            recorded[uri] = store.record_artifact(type_name, uri)
        return recorded[uri]
    for step in steps:
        store.record_execution(step["component"],
                               inputs={r: [artifact(*ref)] for r, ref in step["inputs"].items()},
                               outputs={r: [artifact(*ref)] for r, ref in step["outputs"].items()})
    return sorted(store.lineage(recorded[bad_uri], direction="upstream", depth=len(steps))["uri"])
""",
        # only the direct children
        """
def affected_by(store, steps, bad_uri):
    recorded = {}
    def artifact(type_name, uri):
        if uri not in recorded:
            recorded[uri] = store.record_artifact(type_name, uri)
        return recorded[uri]
    for step in steps:
        store.record_execution(step["component"],
                               inputs={r: [artifact(*ref)] for r, ref in step["inputs"].items()},
                               outputs={r: [artifact(*ref)] for r, ref in step["outputs"].items()})
    return sorted(a.uri for a in store.children(recorded[bad_uri]))
""",
        # keeps lineage's default depth of 10
        """
def affected_by(store, steps, bad_uri):
    recorded = {}
    def artifact(type_name, uri):
        if uri not in recorded:
            recorded[uri] = store.record_artifact(type_name, uri)
        return recorded[uri]
    for step in steps:
        store.record_execution(step["component"],
                               inputs={r: [artifact(*ref)] for r, ref in step["inputs"].items()},
                               outputs={r: [artifact(*ref)] for r, ref in step["outputs"].items()})
    return sorted(store.lineage(recorded[bad_uri], direction="downstream")["uri"])
""",
        # counts the bad dataset itself among what it affected
        """
def affected_by(store, steps, bad_uri):
    recorded = {}
    def artifact(type_name, uri):
        if uri not in recorded:
            recorded[uri] = store.record_artifact(type_name, uri)
        return recorded[uri]
    for step in steps:
        store.record_execution(step["component"],
                               inputs={r: [artifact(*ref)] for r, ref in step["inputs"].items()},
                               outputs={r: [artifact(*ref)] for r, ref in step["outputs"].items()})
    down = store.lineage(recorded[bad_uri], direction="downstream", depth=len(steps))
    return sorted([bad_uri, *down["uri"]])
""",
        # records into a new store of its own instead of the one given
        """
def affected_by(store, steps, bad_uri):
    store = LineageStore()
    recorded = {}
    def artifact(type_name, uri):
        if uri not in recorded:
            recorded[uri] = store.record_artifact(type_name, uri)
        return recorded[uri]
    for step in steps:
        store.record_execution(step["component"],
                               inputs={r: [artifact(*ref)] for r, ref in step["inputs"].items()},
                               outputs={r: [artifact(*ref)] for r, ref in step["outputs"].items()})
    return sorted(store.lineage(recorded[bad_uri], direction="downstream", depth=len(steps))["uri"])
""",
    ],
    "point_in_time_training": [
        # the naive join: each driver's latest statistics for every order
        """
def point_in_time_training(repo, orders, hourly, features):
    columns = [f.split(":")[1] for f in features]
    ordered = hourly.assign(stamp=to_utc(hourly["event_timestamp"])).sort_values("stamp")
    latest = ordered.groupby("driver_id")[columns].last()
    training = orders.join(latest, on="driver_id").reset_index(drop=True)
    missing = int(training[columns].isna().any(axis=1).sum())
    naive_time = orders["driver_id"].map(ordered.groupby("driver_id")["stamp"].last())
    leaky = int((naive_time > to_utc(orders["event_timestamp"])).sum())
    return {"training": training, "missing": missing, "leaky": leaky}
""",
        # counts only drivers without statistics as missing, forgetting the TTL
        """
def point_in_time_training(repo, orders, hourly, features):
    training = repo.historical_features(orders, features)
    missing = int((~orders["driver_id"].isin(hourly["driver_id"])).sum())
    latest = to_utc(hourly["event_timestamp"]).groupby(hourly["driver_id"].to_numpy()).max()
    leaky = int((orders["driver_id"].map(latest) > to_utc(orders["event_timestamp"])).sum())
    return {"training": training, "missing": missing, "leaky": leaky}
""",
        # takes each driver's first row instead of the latest as the naive join
        """
def point_in_time_training(repo, orders, hourly, features):
    training = repo.historical_features(orders, features)
    columns = [f.split(":")[1] for f in features]
    missing = int(training[columns].isna().any(axis=1).sum())
    first = to_utc(hourly["event_timestamp"]).groupby(hourly["driver_id"].to_numpy()).min()
    leaky = int((orders["driver_id"].map(first) > to_utc(orders["event_timestamp"])).sum())
    return {"training": training, "missing": missing, "leaky": leaky}
""",
        # counts statistics rows stamped after the first order, not orders
        """
def point_in_time_training(repo, orders, hourly, features):
    training = repo.historical_features(orders, features)
    columns = [f.split(":")[1] for f in features]
    missing = int(training[columns].isna().any(axis=1).sum())
    leaky = int((to_utc(hourly["event_timestamp"]) > to_utc(orders["event_timestamp"]).min()).sum())
    return {"training": training, "missing": missing, "leaky": leaky}
""",
        # uses the notebook's global hourly statistics instead of the argument
        """
def point_in_time_training(repo, orders, stats, features):
    training = repo.historical_features(orders, features)
    columns = [f.split(":")[1] for f in features]
    missing = int(training[columns].isna().any(axis=1).sum())
    latest = to_utc(hourly["event_timestamp"]).groupby(hourly["driver_id"].to_numpy()).max()
    leaky = int((orders["driver_id"].map(latest) > to_utc(orders["event_timestamp"])).sum())
    return {"training": training, "missing": missing, "leaky": leaky}
""",
        # sorts the training rows by time, losing the orders' order
        """
def point_in_time_training(repo, orders, hourly, features):
    training = (
        repo.historical_features(orders, features)
        .sort_values("event_timestamp")
        .reset_index(drop=True)
    )
    columns = [f.split(":")[1] for f in features]
    missing = int(training[columns].isna().any(axis=1).sum())
    latest = to_utc(hourly["event_timestamp"]).groupby(hourly["driver_id"].to_numpy()).max()
    leaky = int((orders["driver_id"].map(latest) > to_utc(orders["event_timestamp"])).sum())
    return {"training": training, "missing": missing, "leaky": leaky}
""",
    ],
    "serve_features": [
        # reads the online store without materializing first
        """
def serve_features(repo, feature, driver_ids, start, end, default):
    online = repo.online_features([feature], [{"driver_id": d} for d in driver_ids])
    column = feature.split(":")[1]
    return {d: default if pd.isna(v) else float(v) for d, v in zip(driver_ids, online[column])}
""",
        # leaves NaN for an unknown driver
        """
def serve_features(repo, feature, driver_ids, start, end, default):
    repo.materialize(start, end)
    online = repo.online_features([feature], [{"driver_id": d} for d in driver_ids])
    column = feature.split(":")[1]
    return {d: float(v) for d, v in zip(driver_ids, online[column])}
""",
        # materializes the whole week whatever the interval asked
        """
def serve_features(repo, feature, driver_ids, start, end, default):
    repo.materialize("2026-03-02T00:00Z", "2026-03-09T00:00Z")
    online = repo.online_features([feature], [{"driver_id": d} for d in driver_ids])
    column = feature.split(":")[1]
    return {d: default if pd.isna(v) else float(v) for d, v in zip(driver_ids, online[column])}
""",
        # always reads conv_rate, whatever feature was asked
        """
def serve_features(repo, feature, driver_ids, start, end, default):
    repo.materialize(start, end)
    online = repo.online_features(
        ["driver_stats:conv_rate"], [{"driver_id": d} for d in driver_ids]
    )
    return {
        d: default if pd.isna(v) else float(v) for d, v in zip(driver_ids, online["conv_rate"])
    }
""",
        # a point-in-time lookup at `end` instead of the online store: the TTL hides stale drivers
        """
def serve_features(repo, feature, driver_ids, start, end, default):
    rows = pd.DataFrame({"driver_id": list(driver_ids), "event_timestamp": [end] * len(driver_ids)})
    values = repo.historical_features(rows, [feature])[feature.split(":")[1]]
    return {d: default if pd.isna(v) else float(v) for d, v in zip(driver_ids, values)}
""",
    ],
}
