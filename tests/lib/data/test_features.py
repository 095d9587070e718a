"""TF Transform features: each part checked against its formula, training/serving consistency
(Beam vs the exported graph, and TFX Transform vs the same graph), clear errors; feature
selection."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from mlep.data import datasets
from mlep.data import feature_selection as fsel
from mlep.data import features as F

SPEC = {
    "stay_z": F.z_score("time_in_hospital"),
    "labs_01": F.scale_0_1("num_lab_procedures"),
    "age_id": F.vocabulary("age", top_k=5),
    "meds_bucket": F.bucketize("num_medications", 4),
    "payer_hash": F.hash_buckets("payer_code", 8),
    "race_x_gender": F.cross(["race", "gender"], 16),
}
COLUMNS = [
    "time_in_hospital",
    "num_lab_procedures",
    "age",
    "num_medications",
    "payer_code",
    "race",
    "gender",
]


@pytest.fixture(scope="module")
def frames():
    train = datasets.load("hospital_readmission", "train").head(1000)
    eval_ = datasets.load("hospital_readmission", "eval").head(300)
    return train, eval_


@pytest.fixture(scope="module")
def transformed(frames, tmp_path_factory):
    train, eval_ = frames
    return F.analyze_and_transform(
        train, SPEC, output_dir=tmp_path_factory.mktemp("tft"), eval_df=eval_
    )


@pytest.mark.slow  # the module's TF Transform Beam run (fixture transformed)
def test_each_part_matches_its_formula_on_the_training_data(frames, transformed):
    train, eval_ = frames
    out = transformed.train
    stay = train["time_in_hospital"].to_numpy(float)
    np.testing.assert_allclose(
        out["stay_z"], (stay - stay.mean()) / stay.std(), rtol=1e-4, atol=1e-5
    )
    labs = train["num_lab_procedures"].to_numpy(float)
    np.testing.assert_allclose(
        out["labs_01"], (labs - labs.min()) / (labs.max() - labs.min()), atol=1e-6
    )
    # vocabulary: ids by frequency, the 5 most frequent own 0..4, everything else the OOV id 5
    ranked = train["age"].value_counts().index  # most frequent first
    expected = train["age"].map({v: i for i, v in enumerate(ranked[:5])}).fillna(5)
    np.testing.assert_array_equal(out["age_id"], expected.astype(int))
    # quantile buckets: 4 buckets of roughly a quarter each
    shares = out["meds_bucket"].value_counts(normalize=True).sort_index()
    assert list(shares.index) == [0, 1, 2, 3] and shares.between(0.15, 0.35).all()
    assert out["payer_hash"].between(0, 7).all() and out["race_x_gender"].between(0, 15).all()
    # a cross tells apart combinations that the separate features share
    pairs = train["race"] + "|" + train["gender"]
    assert out.groupby(pairs.to_numpy())["race_x_gender"].nunique().eq(1).all()
    assert out["race_x_gender"].nunique() > train["race"].nunique()


@pytest.mark.slow  # the module's TF Transform Beam run (fixture transformed)
def test_eval_is_transformed_with_the_training_statistics(frames, transformed):
    train, eval_ = frames
    stay = train["time_in_hospital"].to_numpy(float)
    expected = (eval_["time_in_hospital"].to_numpy(float) - stay.mean()) / stay.std()
    np.testing.assert_allclose(transformed.eval["stay_z"], expected, rtol=1e-4, atol=1e-5)
    assert (
        transformed.eval["stay_z"].mean() > 0.3
    )  # eval's longer stays (planted drift) stay visible


@pytest.mark.slow  # the module's TF Transform Beam run (fixture transformed)
def test_serving_graph_gives_what_training_got(frames, transformed):
    _, eval_ = frames
    served = F.transform_for_serving(transformed.output_dir, eval_[COLUMNS])
    pd.testing.assert_frame_equal(served, transformed.eval, check_dtype=False)


@pytest.mark.slow  # the module's TF Transform Beam run (fixture transformed)
def test_unseen_values_at_serving_go_to_the_oov_bucket(frames, transformed):
    _, eval_ = frames
    row = eval_[COLUMNS].head(1).assign(age="[110-120)")
    assert F.transform_for_serving(transformed.output_dir, row)["age_id"].iloc[0] == 5


def test_spec_and_input_errors_are_specific(frames, tmp_path):
    train, _ = frames
    with pytest.raises(
        F.FeatureError,
        match="the spec uses column\\(s\\) weight, which the DataFrame does not have",
    ):
        F.analyze_and_transform(train, {"w": F.z_score("weight")}, output_dir=tmp_path)
    with pytest.raises(F.FeatureError, match="medical_specialty have missing values; impute"):
        F.analyze_and_transform(
            train.assign(medical_specialty=None),
            {"s": F.vocabulary("medical_specialty")},
            output_dir=tmp_path,
        )
    with pytest.raises(F.FeatureError, match="spec\\['x'\\] is a str, not a transformation part"):
        F.describe({"x": "z_score"})
    with pytest.raises(F.FeatureError, match="non-empty dict"):
        F.preprocessing_fn({})
    with pytest.raises(F.FeatureError, match="needs num_buckets >= 2"):
        F.bucketize("age", 1)
    with pytest.raises(F.FeatureError, match="at least two columns"):
        F.cross(["race"], 4)
    with pytest.raises(F.FeatureError, match="no transform graph in"):
        F.transform_for_serving(tmp_path, train)
    with pytest.raises(F.FeatureError, match="the training DataFrame is empty"):
        F.analyze_and_transform(
            train.head(0), {"z": F.z_score("time_in_hospital")}, output_dir=tmp_path
        )


@pytest.mark.slow  # the module's TF Transform Beam run (fixture transformed)
def test_serving_rows_missing_a_raw_feature_are_refused(frames, transformed):
    _, eval_ = frames
    with pytest.raises(F.FeatureError, match="does not have; it has"):
        F.transform_for_serving(transformed.output_dir, eval_[COLUMNS].drop(columns="race"))


@pytest.mark.slow  # the module's TF Transform Beam run (fixture transformed)
def test_serving_logs_nothing_a_graded_cell_would_print(frames, transformed):
    # loading the graph logs "struct2tensor is not available." and the like at INFO; nbgrader
    # fails a graded cell that writes anything to stderr, so serving must keep TF quiet
    import logging

    _, eval_ = frames
    records = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        F.transform_for_serving(transformed.output_dir, eval_[COLUMNS].head(3))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert [r.getMessage() for r in records] == []


@pytest.mark.slow
def test_tfx_transform_component_matches_its_own_serving_graph_and_leaves_lineage(frames, tmp_path):
    train, _ = frames
    data = tmp_path / "data"
    data.mkdir()
    train.head(400).to_csv(data / "train.csv", index=False)
    module = tmp_path / "readmission_transform.py"
    module.write_text(
        "from mlep.data.features import for_tfx, z_score, vocabulary, cross\n"
        "preprocessing_fn = for_tfx({'stay_z': z_score('time_in_hospital'), "
        "'age_id': vocabulary('age', top_k=5), 'race_x_gender': cross(['race', 'gender'], 16)})\n"
    )
    run = F.transform_pipeline(data, module, pipeline_root=tmp_path / "root")
    done = F.read_examples(run.artifacts["Transform.transformed_examples"])
    assert sorted(done.columns) == ["age_id", "race_x_gender", "stay_z"]
    assert abs(done["stay_z"].mean()) < 1e-5
    raw = F.read_examples(run.artifacts["CsvExampleGen.examples"])
    served = F.transform_for_serving(run.artifacts["Transform.transform_graph"], raw)
    key = list(served.columns)
    pd.testing.assert_frame_equal(
        served.sort_values(key).reset_index(drop=True),
        done[key].sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    from mlep.data.lineage import LineageStore

    store = LineageStore(run.metadata_path)
    [examples_id] = store.artifacts("Examples").query(
        "uri.str.contains('transformed_examples')", engine="python"
    )["id"]
    assert {"Examples", "Schema"} <= set(store.lineage(examples_id, depth=1)["type"])
    assert run.artifacts["ExampleValidator.anomalies"]
    with pytest.raises(ValueError, match="no split 'test'"):
        F.read_examples(run.artifacts["CsvExampleGen.examples"], split="test")


def test_pipeline_input_errors(tmp_path):
    with pytest.raises(F.FeatureError, match="no CSV file in"):
        F.transform_pipeline(tmp_path, tmp_path / "m.py", pipeline_root=tmp_path / "root")
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "m.py").write_text("x = 1\n")
    with pytest.raises(F.FeatureError, match="must be a Python file that defines preprocessing_fn"):
        F.transform_pipeline(tmp_path, tmp_path / "m.py", pipeline_root=tmp_path / "root")


# -- feature selection ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cancer():
    data = load_breast_cancer(as_frame=True)
    return data.data, data.target


def test_filters_rank_by_their_score(cancer):
    from sklearn.feature_selection import f_classif

    X, y = cancer
    top = fsel.select(X, y, method="univariate", k=4)
    assert top == list(pd.Series(f_classif(X, y)[0], index=X.columns).nlargest(4).index)
    correlation = X.corrwith(pd.Series(y, index=X.index)).abs().nlargest(4).index
    assert fsel.select(X, y, method="correlation", k=4) == list(correlation)
    assert top == list(correlation)  # for two classes the F-test orders features as |r| does


def test_every_method_keeps_k_known_features_and_l1_follows_c(cancer):
    X, y = cancer
    for method in ("correlation", "univariate", "mutual_info", "forward", "rfe", "tree"):
        chosen = fsel.select(X, y, method=method, k=3)
        assert len(chosen) == 3 and set(chosen) <= set(X.columns), method
    assert len(fsel.select(X, y, method="l1", C=0.01)) < len(fsel.select(X, y, method="l1", C=0.5))


def test_a_few_selected_features_come_close_to_all(cancer):
    X, y = cancer
    selections = {m: fsel.select(X, y, method=m, k=5) for m in ("univariate", "rfe", "tree")}
    table = fsel.compare(X, y, selections).set_index("selection")
    assert table.loc["all features", "n_features"] == 30
    assert (table.loc[list(selections), "accuracy"] > 0.93).all()
    assert table["family"].to_dict()["rfe"] == "wrapper"


def test_feature_selection_errors(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match="unknown method 'pca'"):
        fsel.select(X, y, method="pca", k=2)
    with pytest.raises(ValueError, match="needs k"):
        fsel.select(X, y, method="tree")
    with pytest.raises(ValueError, match="k=40 is more than the 30 features"):
        fsel.select(X, y, method="tree", k=40)
    with pytest.raises(ValueError, match="encode these first: colour"):
        fsel.select(X.assign(colour="red"), y, method="tree", k=2)
    with pytest.raises(TypeError, match="pandas DataFrame"):
        fsel.select(X.to_numpy(), y, method="tree", k=2)
    with pytest.raises(ValueError, match="names features X does not have: nope"):
        fsel.compare(X, y, {"mine": ["nope"]})


def test_infinite_and_mixed_values_are_refused_before_tf_transform(tmp_path):
    frame = pd.DataFrame({"a": [1.0, np.inf, 2.0], "c": ["x", "y", "x"]})
    spec = {"a_z": F.z_score("a"), "c_id": F.vocabulary("c")}
    with pytest.raises(ValueError, match="column\\(s\\) a must hold finite numbers"):
        F.analyze_and_transform(frame, spec, output_dir=tmp_path / "out")
    mixed = pd.DataFrame({"a": [1.0, 2.0, 3.0], "c": ["x", 1, "x"]})
    with pytest.raises(ValueError, match="column 'c' must hold one kind of value"):
        F.analyze_and_transform(mixed, spec, output_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()  # refused before anything was written


@pytest.mark.slow  # two TF Transform Beam pipelines
def test_a_second_run_into_the_same_folder_is_refused_or_replaces_cleanly(tmp_path):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    spec = {"a_01": F.scale_0_1("a")}
    out = tmp_path / "out"
    F.analyze_and_transform(frame, spec, output_dir=out)
    with pytest.raises(FileExistsError, match="already does.*overwrite=True"):
        F.analyze_and_transform(frame, spec, output_dir=out)
    again = F.analyze_and_transform(frame * 10, spec, output_dir=out, overwrite=True)
    assert again.train["a_01"].tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    served = F.transform_for_serving(out, pd.DataFrame({"a": [25.0]}))
    assert served["a_01"].tolist() == pytest.approx([0.5])  # the new graph: (25-10)/(40-10)
    assert sorted(p.name for p in out.iterdir()) == [
        "metadata",
        "transform_fn",
        "transformed_metadata",
    ]


def test_feature_selection_refuses_infinite_values_and_missing_labels(cancer):
    X, y = cancer
    broken = X.copy()
    broken.iloc[3, 2] = np.inf
    with pytest.raises(ValueError, match="X must hold finite numbers"):
        fsel.select(broken, y, method="mutual_info", k=3)
    labels = np.asarray(y, dtype=float)
    labels[5] = np.nan
    with pytest.raises(ValueError, match="y must be one-dimensional with a label for every row"):
        fsel.select(X, labels, method="mutual_info", k=3)
