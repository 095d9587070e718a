"""The course's fourth retraining trigger: on demand, next to the schedule, data and
performance ones."""

from __future__ import annotations

import pandas as pd
import pytest

from mlep.deployment.monitoring import retraining
from mlep.deployment.monitoring.retraining import Decision, OnDemand, Schedule, simulate


def test_a_request_fires_once_on_the_next_update():
    button = OnDemand()
    assert button.update(day=0) == Decision(False, "")
    button.request("new regulation")
    button.request("  labelling bug fixed ")
    decision = button.update(day=1)
    assert decision.retrain and decision.reason == "requested: new regulation; labelling bug fixed"
    assert not button.update(day=2).retrain


def test_requests_in_a_replayed_history():
    history = pd.DataFrame(
        {
            "day": range(10),
            "accuracy": [0.8] * 10,
            "incident": [
                None,
                None,
                "pager: wrong units",
                None,
                None,
                None,
                None,
                "",
                None,
                "audit",
            ],
        }
    )
    table = simulate(
        history, {"on demand": OnDemand(signal="incident"), "schedule": Schedule(every_days=4)}
    )
    on_demand = table[table["policy"] == "on demand"]
    assert on_demand["day"].tolist() == [2, 9]
    assert on_demand["reason"].tolist() == ["requested: pager: wrong units", "requested: audit"]
    assert table.loc[table["policy"] == "schedule", "day"].tolist() == [4, 8]


def test_the_four_triggers_of_the_course_are_policies():
    doc = retraining.__doc__
    assert "four triggers" in doc and "three triggers" not in doc
    for policy in ("OnDemand", "Schedule", "DataVolume", "PerformanceDrop"):
        assert policy in retraining.__all__ and f":class:`{policy}`" in doc


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: OnDemand(signal=""), TypeError, "signal must be a non-empty string"),
        (lambda: OnDemand().request(""), ValueError, "reason must say why"),
        (lambda: OnDemand().request(None), ValueError, "reason must say why"),
        (lambda: OnDemand().update(request=1), TypeError, "request must be a reason"),
    ],
)
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()
