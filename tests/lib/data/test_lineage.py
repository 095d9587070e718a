"""ML Metadata lineage: record by hand, query parents/children/ancestry, reopen, read a TFX
run's store."""

from __future__ import annotations

import pytest

from mlep.data.lineage import LineageError, LineageStore


def _record(store: LineageStore) -> dict:
    """raw → clean → (statistics → schema) and clean + schema → model, in one experiment."""
    run = store.context("Experiment", "readmission-v1")
    a = {
        "raw": store.record_artifact("Dataset", "data/raw.csv", name="raw", rows=6000),
        "clean": store.record_artifact("Dataset", "data/clean.csv", name="clean", rows=5800),
        "stats": store.record_artifact("ExampleStatistics", "stats/clean.pb", name="stats"),
        "schema": store.record_artifact("Schema", "schema/schema.pbtxt", name="schema", version=2),
        "model": store.record_artifact("Model", "models/1", name="model", accuracy=0.81),
    }
    store.record_execution(
        "Cleaner", inputs={"raw": [a["raw"]]}, outputs={"clean": [a["clean"]]}, contexts=[run]
    )
    store.record_execution(
        "StatisticsGen", inputs={"examples": [a["clean"]]}, outputs={"statistics": [a["stats"]]}
    )
    store.record_execution(
        "SchemaGen", inputs={"statistics": [a["stats"]]}, outputs={"schema": [a["schema"]]}
    )
    store.record_execution(
        "Trainer",
        inputs={"examples": [a["clean"]], "schema": [a["schema"]]},
        outputs={"model": [a["model"]]},
        contexts=[run],
        epochs=5,
    )
    return a


@pytest.fixture
def recorded(tmp_path):
    store = LineageStore(tmp_path / "metadata.sqlite")
    return store, _record(store)


def test_parents_and_children_follow_the_events(recorded):
    store, a = recorded
    assert [x.name for x in store.parents(a["model"])] == ["clean", "schema"]
    assert [x.name for x in store.parents(a["raw"])] == []
    assert [x.name for x in store.children(a["clean"])] == ["stats", "model"]
    assert [x.name for x in store.children(a["model"].id)] == []  # ids work too


def test_lineage_walks_the_whole_history_nearest_first(recorded):
    store, a = recorded
    up = store.lineage(a["model"])
    assert list(zip(up["name"], up["distance"], strict=True)) == [
        ("clean", 1),
        ("schema", 1),
        ("raw", 2),
        ("stats", 2),
    ]
    down = store.lineage(a["raw"], direction="downstream")
    assert down.set_index("name")["distance"].to_dict() == {
        "clean": 1,
        "stats": 2,
        "model": 2,
        "schema": 3,
    }
    assert store.lineage(a["model"], depth=1)["name"].tolist() == ["clean", "schema"]


def test_tables_show_types_properties_and_events(recorded):
    store, a = recorded
    artifacts = store.artifacts()
    assert artifacts["type"].tolist() == [
        "Dataset",
        "Dataset",
        "ExampleStatistics",
        "Schema",
        "Model",
    ]
    assert store.artifacts("Schema")["version"].tolist() == [2]
    assert store.artifacts("Model")["accuracy"].tolist() == [0.81]
    executions = store.executions()
    assert executions["type"].tolist() == ["Cleaner", "StatisticsGen", "SchemaGen", "Trainer"]
    trainer = executions.iloc[-1]
    assert trainer["inputs"] == sorted([a["clean"].id, a["schema"].id]) and trainer["outputs"] == [
        a["model"].id
    ]
    assert set(executions["state"]) == {"COMPLETE"}
    in_run = store.store.get_executions_by_context(store.context("Experiment", "readmission-v1").id)
    assert len(in_run) == 2


def test_the_store_survives_reopening(recorded, tmp_path):
    store, a = recorded
    again = LineageStore(tmp_path / "metadata.sqlite")
    assert (
        again.lineage(a["model"].id)["name"].tolist() == store.lineage(a["model"])["name"].tolist()
    )


def test_the_graph_is_drawn(recorded):
    store, a = recorded
    figure = store.plot()
    labels = {t.get_text() for t in figure.axes[0].texts}
    assert {"Trainer", "Model\nmodel", "Dataset\nraw"} <= labels
    other = store.record_artifact("Dataset", "data/other.csv", name="other")
    store.record_execution(
        "Sampler",
        inputs={"raw": [other]},
        outputs={"sample": [store.record_artifact("Dataset", "data/sample.csv", name="sample")]},
    )
    related = {t.get_text() for t in store.plot(a["model"]).axes[0].texts}
    assert "Cleaner" in related and "Sampler" not in related and "Dataset\nother" not in related


def test_bad_requests_get_specific_messages(recorded):
    store, a = recorded
    with pytest.raises(LineageError, match="no artifact with id 999"):
        store.parents(999)
    with pytest.raises(
        LineageError, match="no artifact type 'Tensor'.*types: Dataset, ExampleStatistics"
    ):
        store.artifacts("Tensor")
    with pytest.raises(LineageError, match="direction must be 'upstream' or 'downstream'"):
        store.lineage(a["raw"], direction="up")
    from ml_metadata.proto import metadata_store_pb2

    with pytest.raises(LineageError, match="record the artifact with record_artifact"):
        store.record_execution("Cleaner", inputs={"raw": [metadata_store_pb2.Artifact(uri="x")]})
    with pytest.raises(
        LineageError, match="type 'Dataset' already stores a property with another value type"
    ):
        store.record_artifact("Dataset", "data/x.csv", rows="many")
    with pytest.raises(LineageError, match="nothing to draw"):
        LineageStore().plot()


@pytest.mark.slow
def test_reads_the_store_a_tfx_pipeline_run_leaves_behind(tmp_path):
    from mlep.runtime import configure

    configure()
    from tfx import v1 as tfx

    from mlep.data import datasets

    data = tmp_path / "data"
    data.mkdir()
    datasets.load("hospital_readmission", "train").head(300).to_csv(data / "train.csv", index=False)
    example_gen = tfx.components.CsvExampleGen(input_base=str(data))
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.SchemaGen(statistics=statistics_gen.outputs["statistics"])
    metadata = tmp_path / "metadata.sqlite"
    pipeline = tfx.dsl.Pipeline(
        pipeline_name="lineage_test",
        pipeline_root=str(tmp_path / "root"),
        components=[example_gen, statistics_gen, schema_gen],
        metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
            str(metadata)
        ),
    )
    tfx.orchestration.LocalDagRunner().run(pipeline)

    store = LineageStore(metadata)
    [schema_id] = store.artifacts("Schema")["id"]
    assert [store._type_names()[p.type_id] for p in store.parents(schema_id)] == [
        "ExampleStatistics"
    ]
    ancestry = store.lineage(schema_id)
    assert ancestry["type"].tolist() == ["ExampleStatistics", "Examples"]
    assert store.artifacts("Examples")["split_names"].iloc[0] == '["train", "eval"]'
    assert {"CsvExampleGen", "StatisticsGen", "SchemaGen"} <= {
        t.rsplit(".", 1)[-1] for t in store.executions()["type"]
    }


def test_an_artifact_of_another_store_is_refused_and_changes_nothing():
    """MLMD would overwrite this store's artifact with the same id and link it as a parent."""
    here, there = LineageStore(), LineageStore()
    model = here.record_artifact("Model", "models/1", name="model")
    foreign = there.record_artifact("Dataset", "raw.csv", name="raw")  # id 1 too
    out = here.record_artifact("Dataset", "out.csv", name="out")
    with pytest.raises(
        LineageError, match=r"inputs\['raw'\]\[0\] must be an artifact of this store"
    ):
        here.record_execution("Cleaner", inputs={"raw": [foreign]}, outputs={"out": [out]})
    assert here.artifact(model.id).uri == "models/1"  # untouched
    assert len(here.executions()) == 0
    with pytest.raises(LineageError, match="another store"):
        here.parents(foreign)


def test_wrong_types_name_the_argument():
    store = LineageStore()
    raw = store.record_artifact("Dataset", "raw.csv")
    with pytest.raises(TypeError, match=r"inputs\['raw'\] must be a list of artifacts"):
        store.record_execution("Cleaner", inputs={"raw": raw})
    with pytest.raises(TypeError, match="contexts must be a list"):
        store.record_execution("Cleaner", inputs={"raw": [raw]}, contexts="run-1")
    with pytest.raises(
        TypeError, match="artifact must be an artifact of this store or its integer id"
    ):
        store.parents("1")
    with pytest.raises(TypeError, match="property 'rows' must be a str, int, float or bool"):
        store.record_artifact("Dataset", "x.csv", rows=[1, 2])
    with pytest.raises(ValueError, match="property 'auc' must be a finite number"):
        store.record_artifact("Model", "m/1", auc=float("nan"))
    with pytest.raises(ValueError, match="depth must be >= 1"):
        store.lineage(raw, depth=0)
    with pytest.raises(ValueError, match="type_name must be a non-empty string"):
        store.record_artifact(" ", "x.csv")


def test_plot_leaves_no_pyplot_figure_open():
    import matplotlib.pyplot as plt

    store = LineageStore()
    _record(store)
    before = len(plt.get_fignums())
    for _ in range(3):
        store.plot()
    assert len(plt.get_fignums()) == before


def test_a_file_that_is_not_a_store_is_named_with_what_to_do(tmp_path):
    file = tmp_path / "data.csv"
    file.write_text("a,b\n1,2\n")
    with pytest.raises(
        LineageError, match="path must be an ML Metadata SQLite store.*metadata.sqlite"
    ):
        LineageStore(file)
    with pytest.raises(TypeError, match="path must be a SQLite file path"):
        LineageStore(3)
