"""Versioned schemas: save/load/diff, refusals, and a curated version imported into TFX."""

from __future__ import annotations

import pytest

from mlep.data import datasets
from mlep.data import validation as dv
from mlep.data.schema_versions import SchemaVersions, diff_schemas


@pytest.fixture(scope="module")
def inferred():
    return dv.infer_schema(dv.statistics(datasets.load("hospital_readmission", "train").head(500)))


def test_versions_are_numbered_annotated_and_reloadable(inferred, tmp_path):
    versions = SchemaVersions(tmp_path)
    assert versions.save(inferred, "inferred") == 1
    curated = dv.load_schema(versions.path())
    dv.set_required(curated, "medical_specialty", False)
    dv.add_to_domain(curated, "payer_code", ["ZZ"])
    assert versions.save(curated, "serving: optional specialty, payer ZZ") == 2
    table = SchemaVersions(tmp_path).table()  # a new object reads the same index
    assert table["version"].tolist() == [1, 2] and table["note"].iloc[1].startswith("serving")
    assert dv.domain_values(versions.load(), "payer_code")[-1] == "ZZ"
    assert "ZZ" not in dv.domain_values(versions.load(1), "payer_code")
    changes = versions.diff(1, 2).set_index("feature")["change"].to_dict()
    assert changes == {"medical_specialty": "presence changed", "payer_code": "domain changed"}


def test_diff_reports_added_removed_and_environment_changes(inferred):
    new = type(inferred)()
    new.CopyFrom(inferred)
    dv.add_environments(new, ["TRAINING", "SERVING"], exclude={"SERVING": ["readmitted"]})
    removed = [f for f in new.feature if f.name == "race"][0]
    new.feature.remove(removed)
    new.feature.add(name="weight", type=inferred.feature[0].type)
    table = diff_schemas(inferred, new)
    rows = {(r.feature, r.change) for r in table.itertuples()}
    assert {
        ("race", "removed"),
        ("weight", "added"),
        ("readmitted", "environments changed"),
    } <= rows
    assert diff_schemas(inferred, inferred).empty


def test_versions_refuse_what_would_be_lost_or_meaningless(inferred, tmp_path):
    versions = SchemaVersions(tmp_path)
    with pytest.raises(LookupError, match="no schema versions .* yet"):
        versions.load()
    with pytest.raises(ValueError, match="say why this version exists"):
        versions.save(inferred, " ")
    versions.save(inferred, "inferred")
    with pytest.raises(ValueError, match="unchanged since version 1"):
        versions.save(inferred, "again")
    with pytest.raises(LookupError, match="no schema version 7 .* versions: \\[1\\]"):
        versions.load(7)


@pytest.mark.slow
def test_a_curated_version_is_what_the_tfx_pipeline_validates_against(inferred, tmp_path):
    from mlep.data import features as F

    data = tmp_path / "data"
    data.mkdir()
    datasets.load("hospital_readmission", "serving").head(200).to_csv(
        data / "serving.csv", index=False
    )
    versions = SchemaVersions(tmp_path / "schema")
    versions.save(inferred, "inferred from train")  # has the label, lacks payer ZZ
    module = tmp_path / "serving_transform.py"
    module.write_text(
        "from mlep.data.features import for_tfx, z_score\n"
        "preprocessing_fn = for_tfx({'stay_z': z_score('time_in_hospital')})\n"
    )
    run = F.transform_pipeline(
        data, module, pipeline_root=tmp_path / "root", schema_file=versions.path()
    )
    assert "ImportSchemaGen.schema" in run.artifacts and "SchemaGen.schema" not in run.artifacts
    from tensorflow_data_validation.utils import anomalies_util

    anomalies = anomalies_util.load_anomalies_binary(
        str(
            next((tmp_path / "root").glob("ExampleValidator/anomalies/*/Split-train/SchemaDiff.pb"))
        )
    )
    flagged = set(anomalies.anomaly_info)
    assert {
        "payer_code",
        "readmitted",
    } <= flagged  # unseen ZZ, and the label missing in serving data
    with pytest.raises(F.FeatureError, match="no schema file at"):
        F.transform_pipeline(
            data, module, pipeline_root=tmp_path / "r2", schema_file=tmp_path / "none.pbtxt"
        )


def test_a_folder_or_version_of_the_wrong_type_is_named(tmp_path):
    with pytest.raises(TypeError, match="folder must be a folder path"):
        SchemaVersions(3)
    versions = SchemaVersions(tmp_path)
    with pytest.raises(LookupError):
        versions.path(1)  # nothing saved yet


def test_a_domain_or_an_unset_presence_is_not_a_type_or_presence_change():
    """TFDV shows BYTES with a domain as STRING and no presence as "": neither is a change."""
    from tensorflow_metadata.proto.v0 import schema_pb2

    from mlep.data import validation as dv

    old = schema_pb2.Schema()
    old.feature.add(name="payer_code", type=schema_pb2.BYTES)
    new = schema_pb2.Schema()
    new.CopyFrom(old)
    dv.set_domain(new, "payer_code", ["BC", "MC"])
    new.feature[0].presence.min_fraction = 0.0  # explicitly optional: constrains nothing more
    assert diff_schemas(old, new)[["change", "before", "after"]].values.tolist() == [
        ["domain changed", None, ["BC", "MC"]]
    ]
    new.feature[0].type = schema_pb2.INT
    new.feature[0].presence.min_fraction = 1.0
    assert diff_schemas(old, new)["change"].tolist()[:2] == ["type changed", "presence changed"]
