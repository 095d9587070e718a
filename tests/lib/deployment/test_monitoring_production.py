"""Production monitoring: privacy scanning/redaction, sampled prediction logs, retraining
policies."""

from __future__ import annotations

import concurrent.futures
import json

import pandas as pd
import pytest

from mlep.deployment.monitoring import prediction_log, privacy, retraining

PAYLOAD = {
    "patient_name": "Ann Lee",
    "note": "Reach me at ann.lee@example.org or +1 415 555 0100; born 1984-03-07.",
    "billing": {"card": "4111 1111 1111 1111", "order_ref": "1234 5678 9012 3456"},
    "client": {"ip": "192.168.10.24", "ssn": "123-45-6789"},
    "vitals": [{"taken": "2026-03-02", "temp": "36.6"}],
    "age": 41,
}


def test_scan_finds_each_planted_item_and_nothing_else():
    found = {(f.path, f.kind, f.text) for f in privacy.scan(PAYLOAD)}
    assert found == {
        ("patient_name", "PERSONAL_FIELD", "Ann Lee"),
        ("note", "EMAIL", "ann.lee@example.org"),
        ("note", "PHONE", "+1 415 555 0100"),
        ("note", "DATE_OF_BIRTH", "1984-03-07"),
        ("billing.card", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("client.ip", "IP_ADDRESS", "192.168.10.24"),
        ("client.ssn", "US_SSN", "123-45-6789"),
    }  # not the order reference (fails the Luhn check), not a measurement date, not a number


def test_redact_keeps_structure_and_everything_that_is_not_personal():
    clean = privacy.redact(PAYLOAD)
    assert clean["note"] == "Reach me at [EMAIL] or [PHONE]; born [DATE_OF_BIRTH]."
    assert clean["billing"] == {"card": "[CREDIT_CARD]", "order_ref": "1234 5678 9012 3456"}
    assert clean["vitals"] == PAYLOAD["vitals"] and clean["age"] == 41
    assert privacy.scan(clean) == [f for f in privacy.scan(clean) if f.kind == "PERSONAL_FIELD"]
    assert PAYLOAD["patient_name"] == "Ann Lee"  # the input is not changed
    only_email = privacy.redact(PAYLOAD["note"], kinds=["EMAIL"])
    assert "[EMAIL]" in only_email and "+1 415" in only_email


def test_pseudonyms_are_stable_per_key_and_do_not_reveal_the_value():
    a = privacy.pseudonymize(PAYLOAD, key=b"secret-1")
    b = privacy.pseudonymize(PAYLOAD, key=b"secret-1")
    c = privacy.pseudonymize(PAYLOAD, key=b"secret-2")
    assert a == b and a != c
    assert "ann.lee@example.org" not in json.dumps(a) and "<EMAIL:" in a["note"]
    assert privacy.pseudonymize("patient-0042", key=b"k").startswith("<ID:")
    with pytest.raises(ValueError, match="non-empty secret key as bytes"):
        privacy.pseudonymize("x", key="secret")
    with pytest.raises(ValueError, match="unknown kind\\(s\\) NAME"):
        privacy.scan("x", kinds=["NAME"])


def test_prediction_log_samples_deterministically_and_redacts(tmp_path):
    path = tmp_path / "logs" / "predictions.jsonl"
    logger = prediction_log.PredictionLogger(path, model="risk", version=3, sample_rate=0.25)
    written = [
        logger.log(f"req-{i}", {"age": i % 90, "email": f"p{i}@example.org"}, i % 2)
        for i in range(2000)
    ]
    again = prediction_log.PredictionLogger(
        tmp_path / "other.jsonl", model="risk", version=3, sample_rate=0.25
    )
    assert written == [again.sampled(f"req-{i}") for i in range(2000)]  # same ids, same sample
    assert (
        0.22 < sum(written) / 2000 < 0.28
        and logger.logged_ == sum(written)
        and logger.seen_ == 2000
    )
    log = prediction_log.read_log(path)
    assert len(log) == sum(written) and set(log["email"]) == {"[EMAIL]"}
    assert set(log["model"]) == {"risk"} and set(log["version"]) == {"3"}
    assert pd.api.types.is_datetime64_any_dtype(log["time"])


def test_prediction_log_is_thread_safe_and_survives_a_torn_line(tmp_path):
    path = tmp_path / "p.jsonl"
    logger = prediction_log.PredictionLogger(path, model="m", version=1)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: logger.log(str(i), {"x": i}, i), range(400)))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-')  # the process died mid-write
    log = prediction_log.read_log(path)
    assert sorted(log["x"]) == list(range(400)) and log.attrs["skipped_lines"] == 1
    with pytest.raises(TypeError, match="features must be a dict"):
        logger.log("x", [1, 2], 0)
    with pytest.raises(FileNotFoundError, match="no prediction log at"):
        prediction_log.read_log(tmp_path / "none.jsonl")
    with pytest.raises(ValueError, match="sample_rate"):
        prediction_log.PredictionLogger(path, model="m", version=1, sample_rate=1.5)


def _history():
    # 60 days: accuracy decays from day 30; input PSI rises from day 20; 150 labelled rows a day
    rows = []
    for day in range(60):
        rows.append(
            {
                "day": day,
                "new_rows": 150,
                "accuracy": 0.91 - max(0, day - 30) * 0.004
                if day % 7
                else float("nan"),  # labels weekly gaps
                "psi_age": 0.02 + max(0, day - 20) * 0.01,
            }
        )
    return rows


def test_each_policy_fires_when_its_signal_says_so():
    table = retraining.simulate(
        _history(),
        {
            "schedule": retraining.Schedule(every_days=14),
            "volume": retraining.DataVolume(min_new_rows=3000),
            "performance": retraining.PerformanceDrop(
                metric="accuracy", baseline=0.91, tolerance=0.03, window=3
            ),
            "drift": retraining.DriftTrigger(signal="psi_age", threshold=0.2, patience=3),
        },
    )
    days = table.groupby("policy")["day"].apply(list).to_dict()
    assert days["schedule"] == [14, 28, 42, 56]
    assert days["volume"] == [19, 39, 59]  # 3000 rows every 20 days
    assert days["drift"][0] == 41  # PSI > 0.2 from day 39; the third day in a row
    assert days["performance"][0] == 39  # days 37-39 average 0.878 < 0.88 (day 35 had no labels)
    assert "below 0.880" in table.query("policy == 'performance'")["reason"].iloc[0]


def test_policies_reject_impossible_settings():
    with pytest.raises(ValueError, match="every_days must be >= 1"):
        retraining.Schedule(every_days=0)
    with pytest.raises(ValueError, match="tolerance"):
        retraining.PerformanceDrop(metric="accuracy", baseline=0.9, tolerance=-0.1)
    with pytest.raises(ValueError, match="new_rows must be >= 0"):
        retraining.DataVolume(min_new_rows=10).update(new_rows=-5)
    with pytest.raises(ValueError, match="needs a 'day' column"):
        retraining.simulate([{"accuracy": 0.9}], {})


def test_logged_requests_are_compared_with_the_training_data(tmp_path):
    from mlep.data import datasets

    train = datasets.load("hospital_readmission", "train")
    serving = datasets.load("hospital_readmission", "serving")  # planted: older patients, more labs
    logger = prediction_log.PredictionLogger(tmp_path / "p.jsonl", model="readmission", version=1)
    for index, row in serving.head(500).iterrows():
        logger.log(f"r{index}", {k: row[k] for k in ("age", "num_lab_procedures", "gender")}, 0)
    table = prediction_log.skew_against_training(
        prediction_log.read_log(tmp_path / "p.jsonl"), train, threshold=0.05
    ).set_index("feature")
    assert bool(table.loc["age", "alarm"]) and bool(table.loc["num_lab_procedures", "alarm"])
    assert not bool(table.loc["gender", "alarm"])
    with pytest.raises(ValueError, match="not in both the log and the training data"):
        prediction_log.skew_against_training(
            prediction_log.read_log(tmp_path / "p.jsonl"),
            train,
            threshold=0.05,
            features=["weight"],
        )


def test_read_log_refuses_a_csv_instead_of_returning_an_empty_table(tmp_path):
    csv = tmp_path / "requests.csv"
    pd.DataFrame({"age": [30, 40], "score": [0.1, 0.9]}).to_csv(csv, index=False)
    with pytest.raises(ValueError, match=r"path must be a prediction log.*'age,score'.*read_csv"):
        prediction_log.read_log(csv)
    numbers = tmp_path / "numbers.jsonl"
    numbers.write_text("1\n2\n")  # valid JSON, but not log records
    with pytest.raises(ValueError, match="none of the 2 line"):
        prediction_log.read_log(numbers)
