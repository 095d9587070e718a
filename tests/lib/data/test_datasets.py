import shutil

import pandas as pd
import pytest

from mlep.data import datasets, generators


def test_unknown_dataset_lists_the_known_names():
    with pytest.raises(
        datasets.UnknownDatasetError,
        match="available: chicago_taxi, driver_stats, forest_cover, hospital_readmission, "
        "loan_applications, metro_traffic, video_comments",
    ):
        datasets.load("diabetes")


def test_unknown_split_lists_the_splits():
    with pytest.raises(
        datasets.UnknownDatasetError, match="no split 'test'; available: train, eval, serving"
    ):
        datasets.path("hospital_readmission", "test")


@pytest.fixture
def copied_registry(tmp_path, monkeypatch):
    shutil.copytree(datasets.data_dir(), tmp_path / "datasets")
    monkeypatch.setattr(datasets, "data_dir", lambda: tmp_path / "datasets")
    datasets._sheets.cache_clear()
    yield tmp_path / "datasets"
    datasets._sheets.cache_clear()


def test_corrupted_file_fails_its_checksum_naming_it(copied_registry):
    file = copied_registry / "hospital_readmission" / "eval.csv"
    file.write_text(file.read_text().replace("Caucasian", "Caucasain", 1))
    with pytest.raises(
        datasets.ChecksumError, match=r"'hospital_readmission' split 'eval'.*eval\.csv"
    ):
        datasets.load("hospital_readmission", "eval")
    datasets.load("hospital_readmission", "train")  # the other splits still load


def test_missing_file_says_which(copied_registry):
    (copied_registry / "hospital_readmission" / "serving.csv").unlink()
    with pytest.raises(FileNotFoundError, match="split 'serving': missing file"):
        datasets.path("hospital_readmission", "serving")


def test_every_dataset_verifies_and_matches_its_datasheet():
    for name in datasets.list_datasets():
        sheet = datasets.datasheet(name)
        assert sheet.source and sheet.licence and sheet.schema
        for split, spec in sheet.splits.items():
            frame = datasets.load(name, split)
            assert len(frame) == spec.rows, (name, split)
            assert set(frame.columns) <= set(sheet.schema), (name, split)


def test_chicago_taxi_comes_from_the_tfx_wheel():
    assert "site-packages/tfx/examples/chicago_taxi_pipeline" in str(datasets.path("chicago_taxi"))


@pytest.mark.parametrize("name", sorted(generators.GENERATORS))
def test_generator_reproduces_the_shipped_files_byte_for_byte(name, tmp_path):
    sheet = datasets.datasheet(name)
    assert sheet.generator == f"mlep.data.generators.{name}"
    for split, frame in generators.GENERATORS[name](sheet.seed).items():
        out = tmp_path / f"{split}.csv"
        frame.to_csv(out, index=False, lineterminator="\n")
        assert datasets.sha256(out) == sheet.splits[split].sha256, split


def test_planted_problems_are_there():
    train = datasets.load("hospital_readmission", "train")
    eval_ = datasets.load("hospital_readmission", "eval")
    serving = datasets.load("hospital_readmission", "serving")
    assert "readmitted" not in serving and "readmitted" in train
    assert "Dermatology" in set(eval_["medical_specialty"]) - set(train["medical_specialty"])
    assert "ZZ" in set(serving["payer_code"]) - set(train["payer_code"])
    assert eval_["time_in_hospital"].mean() > train["time_in_hospital"].mean() + 1
    assert serving["num_lab_procedures"].mean() > train["num_lab_procedures"].mean() + 8
    older = lambda df: df["age"].isin(["[70-80)", "[80-90)", "[90-100)"]).mean()  # noqa: E731
    assert older(serving) > older(train) + 0.15


def test_video_comments_train_is_unlabeled_and_keywords_are_imperfect():
    train = datasets.load("video_comments", "train")
    test = datasets.load("video_comments", "test")
    assert "label" not in train and set(test["label"]) == {0, 1}
    says_check_out = test["text"].str.lower().str.contains("check out")
    assert set(test.loc[says_check_out, "label"]) == {0, 1}  # a keyword rule that errs


def test_seed_changes_the_data():
    a = generators.hospital_readmission(1, rows=(50, 10, 10))["train"]
    b = generators.hospital_readmission(2, rows=(50, 10, 10))["train"]
    assert not a.equals(b)
    pd.testing.assert_frame_equal(a, generators.hospital_readmission(1, rows=(50, 10, 10))["train"])


def test_describe_prints_the_datasheet():
    text = datasets.datasheet("hospital_readmission").describe()
    assert "licence:" in text and "readmitted" in text and "planted" in text


def test_forest_cover_plants_a_new_soil_and_out_of_range_hillshade():
    train = datasets.load("forest_cover", "train")
    eval_ = datasets.load("forest_cover", "eval")
    assert set(eval_["Soil_Type"]) - set(train["Soil_Type"]) == {"C8772"}
    assert train["Hillshade_Noon"].between(0, 255).all()
    assert (eval_["Hillshade_Noon"] > 255).mean() == 0.02
    assert train["Cover_Type"].nunique() == 7


def test_one_broken_datasheet_names_its_file_and_spares_the_others(copied_registry):
    sheet = copied_registry / "driver_stats" / "datasheet.toml"
    sheet.write_text(sheet.read_text() + "\nthis is = = not toml\n")
    with pytest.raises(
        datasets.DatasheetError, match=r"driver_stats/datasheet\.toml is not a valid datasheet"
    ):
        datasets.load("driver_stats", "hourly")
    assert len(datasets.load("hospital_readmission", "eval")) > 0  # the others still load
    assert "driver_stats" not in datasets.list_datasets()
    with pytest.raises(
        datasets.UnknownDatasetError, match=r"unreadable: .*driver_stats/datasheet\.toml"
    ):
        datasets.load("diabetes")


def test_a_datasheet_missing_a_key_names_the_key(copied_registry):
    sheet = copied_registry / "metro_traffic" / "datasheet.toml"
    sheet.write_text(
        "\n".join(line for line in sheet.read_text().splitlines() if not line.startswith("licence"))
    )
    with pytest.raises(datasets.DatasheetError, match="metro_traffic/datasheet.toml.*licence"):
        datasets.datasheet("metro_traffic")


def test_names_must_be_strings():
    with pytest.raises(TypeError, match="name must be a string"):
        datasets.load(3)


def test_gitattributes_keeps_dataset_files_byte_exact():
    """A line-ending conversion would change every sha256; git must leave the files alone."""
    import subprocess

    root = datasets.data_dir().parent
    files = [str(p.relative_to(root)) for p in datasets.data_dir().glob("*/*") if p.is_file()]
    done = subprocess.run(
        ["git", "check-attr", "text", "--", *files], cwd=root, capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    assert all(line.endswith(": text: unset") for line in done.stdout.splitlines()), done.stdout
