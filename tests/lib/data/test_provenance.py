import pandas as pd
import pytest

from mlep.data.provenance import ProvenanceLog, fingerprint


def _pipeline(raw, *, min_age):
    log = ProvenanceLog()
    clean = log.record(
        "clean",
        lambda df, min_age: df[df["age"] >= min_age],
        inputs={"raw": raw},
        params={"min_age": min_age},
    )
    log.record(
        "split", lambda df: {"train": df.iloc[::2], "test": df.iloc[1::2]}, inputs={"clean": clean}
    )
    return log


RAW = pd.DataFrame({"age": [15, 30, 45, 60, 75], "y": [0, 1, 0, 1, 1]})


def test_same_inputs_and_params_replicate_exactly(tmp_path):
    first, second = _pipeline(RAW, min_age=18), _pipeline(RAW.copy(), min_age=18)
    assert first.differences(second) == []
    restored = ProvenanceLog.load(first.save(tmp_path / "run.json"))
    assert restored.differences(first) == []
    assert list(first.table()["step"]) == ["clean", "split"]
    assert set(first.steps[1].outputs) == {"train", "test"}


def test_a_changed_parameter_or_input_is_traced_to_its_step():
    assert _pipeline(RAW, min_age=18).differences(_pipeline(RAW, min_age=40)) == [
        "step 'clean': params differ",
        "step 'clean': outputs differ",
        "step 'split': inputs differ",
        "step 'split': outputs differ",
    ]
    edited = RAW.assign(y=[0, 1, 0, 1, 0])
    assert "step 'clean': inputs differ" in _pipeline(RAW, min_age=18).differences(
        _pipeline(edited, min_age=18)
    )


def test_bad_use_is_explained(tmp_path):
    log = ProvenanceLog()
    with pytest.raises(ValueError, match="has no inputs"):
        log.record("x", lambda: 1, inputs={})
    with pytest.raises(TypeError, match="cannot fingerprint a int"):
        log.record("x", lambda df: 3, inputs={"raw": RAW})
    with pytest.raises(TypeError, match="parameters must be plain values"):
        log.record("y", lambda df, f: df, inputs={"raw": RAW}, params={"f": object()})
    log.record("z", lambda df: df, inputs={"raw": RAW})
    with pytest.raises(ValueError, match="already recorded"):
        log.record("z", lambda df: df, inputs={"raw": RAW})
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": 1}]')
    with pytest.raises(ValueError, match="not a provenance log"):
        ProvenanceLog.load(bad)
    assert fingerprint(bad) == fingerprint(bad.read_bytes())


def test_fingerprint_refuses_a_file_name_given_as_a_string(tmp_path):
    """A str is hashed as text: the name of a file would silently stand in for its bytes."""
    from pathlib import Path

    from mlep.data.provenance import fingerprint

    file = tmp_path / "data.csv"
    file.write_text("a\n1\n")
    with pytest.raises(ValueError, match="obj must be the data, but got the name of a file"):
        fingerprint(str(file))
    assert fingerprint(Path(file)) == fingerprint(b"a\n1\n")
