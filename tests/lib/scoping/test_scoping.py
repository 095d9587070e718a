"""Reference tests for mlep.scoping: Fermi estimates, business value, milestones, prioritisation."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from mlep.scoping import (
    Estimate,
    Milestone,
    business_value,
    fermi,
    fermi_table,
    guess_direction,
    prioritize,
    product,
)

# --------------------------------------------------------------------------- Estimate


def test_estimate_validates_order_and_finiteness():
    assert Estimate(1, 2, 3) == Estimate(1.0, 2.0, 3.0)
    with pytest.raises(ValueError, match=r"low <= likely <= high.*low=3.0, likely=2.0"):
        Estimate(3, 2, 1)
    with pytest.raises(ValueError, match="Estimate likely must be a finite number, but got nan"):
        Estimate(1, math.nan, 3)
    with pytest.raises(ValueError, match="finite number, but got inf"):
        Estimate(1, 2, math.inf)
    with pytest.raises(TypeError, match="Estimate low must be a number, but got a str"):
        Estimate("1", 2, 3)
    with pytest.raises(TypeError, match="bool"):
        Estimate(True, 2, 3)


def test_estimate_str_and_format():
    assert str(Estimate(8, 12, 20)) == "12.0 (8.0–20.0)"
    assert str(Estimate.point(0.1 + 0.2)) == "0.3"  # rounded to 6 significant digits
    assert f"{Estimate(1000, 2500, 4000):,.0f}" == "2,500 (1,000–4,000)"
    assert repr(Estimate(1, 2, 3)) == "Estimate(low=1.0, likely=2.0, high=3.0)"


def _grid(e: Estimate, n: int = 7) -> np.ndarray:
    return np.unique(np.r_[np.linspace(e.low, e.high, n), e.likely])


RANGES = [
    Estimate(2, 3, 5),
    Estimate(-4, -2, -1),
    Estimate(-2, 1, 3),
    Estimate(0, 0, 0),
    Estimate(0.5, 0.5, 0.5),
    Estimate(-3, 0, 0),
]
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}


@pytest.mark.parametrize("symbol", list(OPS))
def test_interval_arithmetic_matches_brute_force(symbol):
    op = OPS[symbol]
    for a, b in itertools.product(RANGES, repeat=2):
        result = op(a, b)
        values = op(_grid(a)[:, None], _grid(b)[None, :])
        assert result.low == pytest.approx(values.min()), (a, symbol, b)
        assert result.high == pytest.approx(values.max()), (a, symbol, b)
        assert result.likely == pytest.approx(op(a.likely, b.likely))


def test_division_handles_signs_and_rejects_ranges_through_zero():
    for a, b in itertools.product(RANGES, repeat=2):
        if b.low <= 0 <= b.high:
            with pytest.raises(ZeroDivisionError, match="its range includes 0"):
                a / b
            continue
        result = a / b
        values = _grid(a)[:, None] / _grid(b)[None, :]
        assert (result.low, result.high) == pytest.approx((values.min(), values.max()))
        assert result.likely == pytest.approx(a.likely / b.likely)


def test_random_intervals_contain_every_sampled_result():
    rng = np.random.default_rng(2026)
    for _ in range(200):
        a, b = (Estimate(*np.sort(rng.normal(scale=10, size=3))) for _ in range(2))
        x = rng.uniform(a.low, a.high, 50)
        y = rng.uniform(b.low, b.high, 50)
        for op in OPS.values():
            result = op(a, b)
            assert np.all((op(x, y) >= result.low - 1e-9) & (op(x, y) <= result.high + 1e-9))
            assert result.low <= result.likely <= result.high


def test_numbers_mix_in_from_either_side():
    e = Estimate(1, 2, 4)
    assert 10 + e == e + 10 == Estimate(11, 12, 14)
    assert 10 - e == Estimate(6, 8, 9)
    assert e - 1 == Estimate(0, 1, 3)
    assert 2 * e == e * 2 == Estimate(2, 4, 8)
    assert -1 * e == -e == Estimate(-4, -2, -1)
    assert 8 / e == Estimate(2, 4, 8)
    assert e / 2 == Estimate(0.5, 1, 2)
    assert e * np.int64(3) == np.float64(3) * e == Estimate(3, 6, 12)
    with pytest.raises(TypeError):
        e * "3"
    with pytest.raises(ZeroDivisionError):
        e / 0


def test_overflow_is_an_error_not_inf():
    with pytest.raises(ValueError, match="too large to represent"):
        Estimate(1, 1e200, 1e300) * Estimate(1, 1e200, 1e300)


def test_between_uses_geometric_mean_for_positive_ranges():
    assert Estimate.between(10, 1000).likely == pytest.approx(100)
    assert Estimate.between(-2, 4).likely == 1
    assert Estimate.between(3, 3) == Estimate.point(3)
    with pytest.raises(ValueError, match="low <= high"):
        Estimate.between(5, 1)


# --------------------------------------------------------------------------- fermi, product


def test_fermi_multiplies_named_factors():
    value = fermi(inspections=(8_000, 10_000, 12_000), defect_rate=0.01, cost=Estimate(5, 10, 20))
    assert value == Estimate(400, 1000, 2400)
    assert product((8_000, 10_000, 12_000), 0.01, Estimate(5, 10, 20)) == value
    table = fermi_table(inspections=(8_000, 10_000, 12_000), defect_rate=0.01)
    assert list(table.index) == ["inspections", "defect_rate", "product"]
    assert list(table.columns) == ["low", "likely", "high"]
    assert table.loc["product"].tolist() == pytest.approx([80, 100, 120])


@pytest.mark.parametrize(
    ("factors", "error", "message"),
    [
        ({}, ValueError, "at least one named factor"),
        ({"rate": math.nan}, ValueError, "rate must be a finite number, but got nan"),
        ({"rate": (1, 2)}, ValueError, r"rate as a tuple must be \(low, likely, high\)"),
        ({"rate": (3, 2, 1)}, ValueError, "rate: an Estimate needs low <= likely <= high"),
        ({"rate": "high"}, TypeError, "rate must be a number, but got a str"),
    ],
)
def test_fermi_names_the_bad_factor(factors, error, message):
    with pytest.raises(error, match=message):
        fermi(**factors)


def test_product_needs_factors():
    with pytest.raises(ValueError, match="at least one factor"):
        product()
    with pytest.raises(ValueError, match="factor 2 must be a finite"):
        product(1, math.inf)


# --------------------------------------------------------------------------- business_value


def test_business_value_float_in_float_out():
    value = business_value(0.02, value_per_unit=200, volume=5_000)
    assert isinstance(value, float) and value == pytest.approx(20_000)


def test_business_value_propagates_ranges():
    value = business_value(Estimate(0.01, 0.02, 0.03), (100, 200, 500), 5_000)
    assert isinstance(value, Estimate)
    assert (value.low, value.likely, value.high) == pytest.approx((5_000, 20_000, 75_000))
    # a regression (negative gain) costs money
    assert business_value(-0.01, 200, 5_000) == pytest.approx(-10_000)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2, 200, 5_000), r"between -1 and 1 \(0.02 means \+2 points\), but got 2.0"),
        ((Estimate(0.5, 0.9, 1.5), 200, 5_000), "between -1 and 1"),
        ((0.02, 200, -5), "volume is a count per period and cannot be negative, but got -5.0"),
        ((0.02, math.nan, 5), "value_per_unit must be a finite number, but got nan"),
    ],
)
def test_business_value_rejects_impossible_input(args, message):
    with pytest.raises(ValueError, match=message):
        business_value(*args)


# --------------------------------------------------------------------------- Milestone


@pytest.fixture()
def pilot() -> Milestone:
    return Milestone(
        "pilot",
        ml={"recall": 0.95},
        software={"latency_ms_p95": 300, "throughput_rps": 20},
        business={"cost_per_inspection": 0.10, "defects_caught_per_day": 40},
        compute="1 vCPU",
    )


def test_check_has_one_row_per_target(pilot):
    table = pilot.check(
        {
            "recall": 0.95,  # equal to target: met
            "latency_ms_p95": 320,
            "throughput_rps": 25,
            "cost_per_inspection": 0.08,
            "defects_caught_per_day": 38,
            "precision": 0.5,  # no target: ignored
        }
    )
    assert list(table.columns) == [
        "kind", "metric", "target", "measured", "direction", "met", "note"
    ]  # fmt: skip
    assert table["kind"].tolist() == ["ml", "software", "software", "business", "business"]
    assert table["direction"].tolist() == ["higher", "lower", "higher", "lower", "higher"]
    assert table["met"].tolist() == [True, False, True, True, False]
    assert table["met"].dtype == bool
    notes = dict(zip(table["metric"], table["note"]))
    assert notes["latency_ms_p95"] == "20 above target"
    assert notes["defects_caught_per_day"] == "2 below target"
    assert notes["throughput_rps"] == "on 1 vCPU"
    assert notes["recall"] == ""
    assert not pilot.all_met({"recall": 0.99})


def test_missing_and_unusable_measurements_are_not_met(pilot):
    table = pilot.check(
        {"recal": 0.99, "latency_ms_p95": None, "throughput_rps": math.nan,
         "cost_per_inspection": "cheap"}
    )  # fmt: skip
    notes = dict(zip(table["metric"], table["note"]))
    assert not table["met"].any()
    assert table["measured"].isna().all()
    assert notes["recall"] == "not measured (did you mean 'recal'?)"
    assert notes["latency_ms_p95"] == "measured value is None"
    assert notes["throughput_rps"] == "measured value is nan"
    assert notes["cost_per_inspection"] == "measured value is not a number: 'cheap'"
    assert notes["defects_caught_per_day"] == "not measured"


def test_directions_override_the_guess():
    milestone = Milestone(
        "m", business={"defects_escaped": 5}, directions={"defects_escaped": "lower"}
    )
    assert milestone.check({"defects_escaped": 3})["met"].tolist() == [True]
    assert guess_direction("defects_escaped") == "higher"  # why the override is needed


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, ValueError, "has no targets"),
        ({"ml": {"recall": math.nan}}, ValueError, "the ml target for 'recall' must be a finite"),
        ({"ml": {"recall": "high"}}, TypeError, "must be a number"),
        ({"ml": {"recall": 0.9}, "business": {"recall": 0.8}}, ValueError, "give it one home"),
        ({"ml": [0.9]}, TypeError, "should map metric name to target"),
        (
            {"ml": {"recall": 0.9}, "directions": {"recall": "up"}},
            ValueError,
            "'higher' or 'lower'",
        ),
        ({"ml": {"recall": 0.9}, "directions": {"loss": "lower"}}, ValueError, "not a target"),
    ],
)
def test_milestone_rejects_bad_specs(kwargs, error, message):
    with pytest.raises(error, match=message):
        Milestone("m", **kwargs)


def test_check_needs_a_mapping(pilot):
    with pytest.raises(TypeError, match="mapping of metric name to measured value"):
        pilot.check([0.9])


@pytest.mark.parametrize(
    ("metric", "direction"),
    [
        ("accuracy", "higher"), ("throughput_rps", "higher"), ("uptime", "higher"),
        ("latency_ms_p99", "lower"), ("error_rate", "lower"), ("val_loss", "lower"),
        ("false_negative_rate", "lower"), ("RMSE", "lower"), ("memory_mb", "lower"),
    ],
)  # fmt: skip
def test_guess_direction(metric, direction):
    assert guess_direction(metric) == direction


# --------------------------------------------------------------------------- prioritize

SPEECH = [
    {"tag": "clean speech", "accuracy": 0.94, "hlp": 0.95, "fraction_of_data": 0.60},
    {"tag": "car noise", "accuracy": 0.89, "hlp": 0.93, "fraction_of_data": 0.04},
    {"tag": "people noise", "accuracy": 0.87, "hlp": 0.89, "fraction_of_data": 0.30},
    {"tag": "low bandwidth", "accuracy": 0.70, "hlp": 0.70, "fraction_of_data": 0.06},
]


def test_prioritize_computes_the_course_table():
    table = prioritize(SPEECH).set_index("tag")
    assert table.loc["car noise", "gap_to_hlp"] == pytest.approx(0.04)
    assert table.loc["car noise", "potential_gain"] == pytest.approx(0.0016)
    assert table.loc["clean speech", "potential_gain"] == pytest.approx(0.006)
    assert table.loc["people noise", "potential_gain"] == pytest.approx(0.006)
    assert table["priority"].tolist() == pytest.approx(table["potential_gain"].tolist())
    assert not table.isna().any().any()


def test_prioritize_sorts_by_priority_and_accepts_a_dataframe():
    frame = pd.DataFrame(SPEECH).assign(ease=[1, 5, 2, 3], importance=[1, 1, 2, 1], owner="ana")
    before = frame.copy()
    table = prioritize(frame)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert table["tag"].tolist() == ["people noise", "car noise", "clean speech", "low bandwidth"]
    assert table["priority"].is_monotonic_decreasing
    assert list(table.index) == [0, 1, 2, 3]
    assert table.columns[-1] == "owner"  # extra columns kept, after the computed ones
    assert table.loc[0, "priority"] == pytest.approx(0.02 * 0.30 * 2 * 2)


def test_prioritize_recomputes_derived_columns_such_as_error_analysis_ones():
    from mlep.modeling.analysis import error_analysis

    tags = pd.DataFrame({"blurry": [1, 1, 0, 0], "dark": [0, 1, 1, 1]})
    analysis = error_analysis(tags, [0, 1, 1, 0], [0, 0, 1, 0], hlp={"blurry": 0.9, "dark": 0.95})
    stale = analysis.assign(potential_gain=9.0, priority=9.0, ease=[1, 4])
    table = prioritize(stale).set_index("tag")
    assert table.loc["blurry", "gap_to_hlp"] == pytest.approx(0.9 - 0.5)
    assert table.loc["blurry", "potential_gain"] == pytest.approx(0.4 * 0.5)
    assert table.loc["blurry", "priority"] == pytest.approx(0.4 * 0.5 * 4)
    assert list(table.columns).count("potential_gain") == 1
    assert table.index[0] == "blurry" and "errors" in table.columns  # extra columns kept


def test_negative_gap_sorts_last():
    tags = SPEECH + [{"tag": "kids", "accuracy": 0.9, "hlp": 0.8, "fraction_of_data": 0.1}]
    table = prioritize(tags)
    assert table["tag"].iloc[-1] == "kids"
    assert table["priority"].iloc[-1] == pytest.approx(-0.01)


def _with(**changes):
    row = {"tag": "car noise", "accuracy": 0.89, "hlp": 0.93, "fraction_of_data": 0.04}
    optional = {column: 1 for column in ("ease", "importance") if column in changes}
    return [{**SPEECH[0], **optional}, {**row, **changes}]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (_with(fraction_of_data=4), r"tag 'car noise': fraction_of_data must be a share between "
         r"0 and 1 \(0.04 for 4%\), but got 4.0"),
        (_with(fraction_of_data=-0.1), "tag 'car noise': fraction_of_data cannot be negative"),
        (_with(accuracy=89), r"tag 'car noise': accuracy must be a share .*\(0.89 for 89%\)"),
        (_with(hlp=1.2), "tag 'car noise': hlp must be a share between 0 and 1"),
        (_with(hlp=math.nan), "tag 'car noise': hlp is missing"),
        (_with(hlp=math.inf), "tag 'car noise': hlp must be a finite number, but got inf"),
        ([{**SPEECH[0], "ease": 2}, SPEECH[1]],
         r"tag 'car noise': ease is missing \(give it for every tag, or for none\)"),
        (_with(accuracy="high"),
         "tag 'car noise': accuracy must be a finite number, but got 'high'"),
        (_with(importance=-1), "tag 'car noise': importance cannot be negative"),
        (_with(ease=7), "tag 'car noise': ease is rated 0–1 or 1–5, but got 7"),
        ([{**SPEECH[0], "ease": 0.5}, {**SPEECH[1], "ease": 3}], "ease mixes two scales"),
        ([], "at least one tag"),
        ([{"tag": "a", "accuracy": 0.9}], r"missing \['hlp', 'fraction_of_data'\]"),
        ([SPEECH[0], SPEECH[0]], r"\['clean speech'\] appear more than once"),
        ([{**SPEECH[0], "tag": None}], "every row needs a tag"),
    ],
)  # fmt: skip
def test_prioritize_rejects_impossible_input(tags, message):
    with pytest.raises(ValueError, match=message):
        prioritize(tags)


def test_prioritize_rejects_a_single_dict():
    with pytest.raises(TypeError, match="list of dicts"):
        prioritize(SPEECH[0])


# --------------------------------------------------------------------------- house rules


def test_import_is_light():
    code = (
        "import sys, mlep.scoping; "
        "heavy = {'tensorflow', 'torch', 'apache_beam', 'sklearn', 'matplotlib'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_guess_direction_needs_a_metric_name():
    from mlep.scoping.milestones import guess_direction

    with pytest.raises(TypeError, match="metric must be a string"):
        guess_direction(None)


@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"name": None}, TypeError, "Milestone name must be a string"),
        ({"name": " "}, ValueError, "Milestone name must be a non-empty string"),
        ({"compute": 2}, TypeError, "Milestone compute must be a string"),
        ({"directions": "lower"}, TypeError, "Milestone directions must be a dict"),
    ],
)
def test_milestone_name_compute_and_directions_are_checked(options, error, message):
    settings = {"name": "pilot", "ml": {"recall": 0.9}, **options}
    with pytest.raises(error, match=message):
        Milestone(**settings)
