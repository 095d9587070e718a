"""mlep.deployment.monitoring: alarms, data-drift measures, concept-drift detectors, streams."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from mlep.deployment import monitoring as M

# --------------------------------------------------------------------------- import discipline


def test_import_is_light():
    code = (
        "import sys, mlep.deployment.monitoring, mlep.deployment.rollout\n"
        "heavy = [m for m in ('tensorflow', 'tensorflow_data_validation', 'apache_beam', 'torch',"
        " 'matplotlib', 'river') if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- streams


def test_streams_are_seeded_and_shaped():
    a = M.abrupt_stream(500, 250, 0.0, 1.0, seed=4)
    assert a.shape == (500,) and a.dtype == float
    np.testing.assert_array_equal(a, M.abrupt_stream(500, 250, 0.0, 1.0, seed=4))
    assert not np.array_equal(a, M.abrupt_stream(500, 250, 0.0, 1.0, seed=5))
    b = M.abrupt_stream(500, 250, 0.1, 0.9, kind="binary", seed=4)
    assert b.dtype.kind == "i" and set(np.unique(b)) == {0, 1}


def test_abrupt_stream_changes_mean_at_change_point():
    s = M.abrupt_stream(20_000, 10_000, 2.0, -1.0, scale=0.5, seed=0)
    assert s[:10_000].mean() == pytest.approx(2.0, abs=0.02)
    assert s[10_000:].mean() == pytest.approx(-1.0, abs=0.02)
    assert s[:10_000].std() == pytest.approx(0.5, abs=0.02)
    e = M.abrupt_stream(20_000, 10_000, 0.1, 0.4, kind="binary", seed=0)
    assert e[:10_000].mean() == pytest.approx(0.1, abs=0.012)  # 4 standard errors
    assert e[10_000:].mean() == pytest.approx(0.4, abs=0.02)  # seed 0 draws 0.3846


def test_stationary_and_drifting_streams_share_noise():
    still = M.abrupt_stream(100, 100, 0.0, 3.0, seed=1)
    moved = M.abrupt_stream(100, 50, 0.0, 3.0, seed=1)
    np.testing.assert_allclose(moved[:50], still[:50])
    np.testing.assert_allclose(moved[50:] - 3.0, still[50:])


def test_gradual_stream_ramps_linearly():
    s = M.gradual_stream(40_000, 10_000, 20_000, 0.0, 1.0, scale=0.1, seed=0)
    quarters = [part.mean() for part in np.split(s, 4)]
    assert quarters == pytest.approx([0.0, 0.25, 0.75, 1.0], abs=0.02)
    e = M.gradual_stream(40_000, 10_000, 20_000, 0.0, 1.0, kind="binary", seed=0)
    assert [part.mean() for part in np.split(e, 4)] == pytest.approx([0, 0.25, 0.75, 1], abs=0.02)
    np.testing.assert_array_equal(
        M.gradual_stream(300, 100, 0, 0.0, 1.0, seed=2), M.abrupt_stream(300, 100, 0.0, 1.0, seed=2)
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: M.abrupt_stream(0, 0, 0, 1), "n must be >= 1"),
        (lambda: M.abrupt_stream(10, 11, 0, 1), "change_at must be between 0 and n = 10"),
        (lambda: M.abrupt_stream(10, -1, 0, 1), "change_at must be >= 0"),
        (lambda: M.abrupt_stream(10, 5, -0.1, 0.2, kind="binary"), "before .*between 0 and 1"),
        (lambda: M.abrupt_stream(10, 5, 0.1, 1.2, kind="binary"), "after .*between 0 and 1"),
        (lambda: M.abrupt_stream(10, 5, math.nan, 1), "before .*finite"),
        (lambda: M.abrupt_stream(10, 5, 0, 1, scale=-1), "scale must be >= 0"),
        (lambda: M.abrupt_stream(10, 5, 0, 1, kind="bool"), "kind must be one of real, binary"),
        (lambda: M.gradual_stream(10, 5, 6, 0, 1), r"start \+ width = 5 \+ 6 = 11, but n = 10"),
    ],
)
def test_stream_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_stream_type_errors():
    with pytest.raises(TypeError, match="n must be an integer"):
        M.abrupt_stream(10.5, 5, 0, 1)
    with pytest.raises(TypeError, match="before .*must be a number"):
        M.abrupt_stream(10, 5, "0", 1)


# --------------------------------------------------------------------------- detectors

# Parameters chosen for these streams (a 1-sd mean shift; error rate 0.1 -> 0.3), and the
# delays measured on seeds 0-4 of 10,000-point streams with the change at 5,000. The exact
# delays are pinned, so a change in river or in the streams shows up here.
REAL = {"before": 0.0, "after": 1.0}
BINARY = {"before": 0.1, "after": 0.3, "kind": "binary"}
PH_REAL = {"delta": 0.5, "threshold": 12, "alpha": 1.0}  # CUSUM rule: delta = half the shift
PH_BINARY = {"delta": 0.1, "threshold": 8, "alpha": 1.0}
DDM = {"warm_start": 500, "drift_threshold": 4}
CASES = {
    # case: (detector, params, stream, delays on seeds 0-4, "reasonable" bound)
    "adwin real": ("adwin", {}, REAL, [375, 343, 247, 279, 247], 400),
    "adwin binary": ("adwin", {}, BINARY, [791, 535, 695, 759, 535], 800),
    "page_hinkley real": ("page_hinkley", PH_REAL, REAL, [20, 27, 38, 16, 30], 60),
    "page_hinkley binary": ("page_hinkley", PH_BINARY, BINARY, [95, 115, 50, 54, 115], 200),
    "ddm": ("ddm", DDM, BINARY, [454, 421, 371, 892, 669], 900),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_detector_finds_abrupt_change_without_false_alarm(case):
    name, params, stream, expected, bound = CASES[case]
    delays = []
    for seed in range(5):
        watch = M.detector(name, **params)
        watch.run(M.abrupt_stream(10_000, 5_000, seed=seed, **stream))
        assert M.false_alarms(watch.drifts, 5_000) == 0, (seed, watch.drifts)
        delays.append(M.detection_delay(watch.drifts, 5_000))
        still = M.detector(name, **params)
        assert still.run(M.abrupt_stream(10_000, 10_000, seed=100 + seed, **stream)) == []
    assert delays == expected
    assert max(delays) <= bound


@pytest.mark.parametrize("case", ["adwin real", "page_hinkley real", "ddm"])
def test_detector_finds_gradual_change(case):
    name, params, stream, _, _ = CASES[case]
    for seed in range(3):
        watch = M.detector(name, **params)
        watch.run(M.gradual_stream(10_000, 5_000, 1_000, seed=seed, **stream))
        assert M.false_alarms(watch.drifts, 5_000) == 0
        delay = M.detection_delay(watch.drifts, 5_000)
        assert delay is not None and delay <= 1_500, (seed, delay)


def test_update_and_run_agree_and_indices_continue():
    stream = M.abrupt_stream(3_000, 1_000, 0.0, 2.0, seed=3)
    one = M.detector("page_hinkley", **PH_REAL)
    flags = [one.update(x) for x in stream]
    assert all(isinstance(flag, bool) for flag in flags)
    assert one.drifts == [i for i, flag in enumerate(flags) if flag] and one.n == 3_000
    two = M.detector("page_hinkley", **PH_REAL)
    first = two.run(stream[:1_500])
    second = two.run(stream[1_500:])
    assert first + second == one.drifts and two.drifts == one.drifts
    three = M.detector("page_hinkley", **PH_REAL)
    assert three.run(iter(stream.tolist())) == one.drifts  # any iterable


def test_detectors_reset_after_each_detection():
    stream = np.concatenate(
        [
            M.abrupt_stream(2_000, 1_000, 0.0, 3.0, seed=1),
            3.0 + M.abrupt_stream(2_000, 1_000, 0, 3.0, seed=2),
        ]
    )
    drifts = M.detector("page_hinkley", **PH_REAL).run(stream)
    assert M.detection_delay(drifts, 1_000) < 30
    assert M.detection_delay(drifts, 3_000) < 30


def test_ddm_accepts_booleans():
    watch = M.detector("ddm")
    assert watch.update(True) is False and watch.update(False) is False
    assert watch.n == 2


def test_detector_errors_teach():
    with pytest.raises(
        ValueError, match="unknown detector 'kswin'; choose one of: adwin, page_hinkley, ddm"
    ):
        M.detector("kswin")
    with pytest.raises(ValueError, match="page_hinkley has no parameter 'delt'.*delta, threshold"):
        M.detector("page_hinkley", delt=0.1)
    watch = M.detector("adwin")
    with pytest.raises(ValueError, match="the stream is empty"):
        watch.run([])
    with pytest.raises(ValueError, match="NaN or infinite"):
        watch.run([0.1, math.nan])
    with pytest.raises(ValueError, match="each point fed to adwin must be a finite number"):
        watch.update(math.inf)
    with pytest.raises(TypeError, match="needs a number"):
        watch.update("0.3")
    assert watch.n == 0 and watch.drifts == []
    with pytest.raises(ValueError, match="ddm watches an error stream.*got 2"):
        M.detector("ddm").run([0, 1, 2])
    with pytest.raises(ValueError, match="ddm watches an error stream.*got -1"):
        M.detector("ddm").update(-1)


def test_delay_and_false_alarm_helpers():
    assert M.detection_delay([10, 600, 700], 500) == 100
    assert M.detection_delay([500], 500) == 0
    assert M.detection_delay([], 500) is None
    assert M.false_alarms([10, 20, 600], 500) == 2
    assert M.false_alarms([10, 20, 600]) == 3
    with pytest.raises(ValueError, match="change_at must be >= 0"):
        M.detection_delay([1], -5)


# --------------------------------------------------------------------------- PSI


def _textbook_psi(expected_counts, actual_counts, epsilon=1e-4):
    """PSI from bin counts, written out: sum (a - e) * ln(a / e) over proportions."""
    e_total, a_total = sum(expected_counts), sum(actual_counts)
    total = 0.0
    for e, a in zip(expected_counts, actual_counts):
        e_share, a_share = max(e / e_total, epsilon), max(a / a_total, epsilon)
        total += (a_share - e_share) * math.log(a_share / e_share)
    return total


def test_psi_matches_the_textbook_formula_on_a_hand_example():
    # expected = 1..10: 5 quantile bins hold two values each -> 20% each.
    # actual: 1, 2, 2 in bin 1 (3); 3 in bin 2 (1); none in bin 3; 7, 8 in bin 4 (2);
    # 9, 10, 10, 12 in bin 5 (4; 12 is above the expected range, so it joins the last bin).
    expected = np.arange(1, 11)
    actual = [1, 2, 2, 3, 7, 8, 9, 10, 10, 12]
    want = _textbook_psi([2, 2, 2, 2, 2], [3, 1, 0, 2, 4])
    assert M.psi(expected, actual, bins=5) == pytest.approx(want, rel=1e-12)
    # The empty third bin costs (1e-4 - 0.2) * ln(1e-4 / 0.2) ~ 1.52 of the total.
    assert want == pytest.approx(1.7679, abs=1e-4)
    assert M.psi(expected, actual, bins=5, epsilon=1e-2) == pytest.approx(
        _textbook_psi([2, 2, 2, 2, 2], [3, 1, 0, 2, 4], epsilon=1e-2), rel=1e-12
    )


def test_psi_properties():
    rng = np.random.default_rng(0)
    train = rng.normal(size=10_000)
    assert M.psi(train, train) == 0.0
    small = M.psi(train, rng.normal(0.1, 1, 10_000))
    large = M.psi(train, rng.normal(1.0, 1, 10_000))
    assert 0 < small < 0.1 < 0.25 < large
    # Ties in expected merge quantile edges: a 3-valued feature gets at most 3 bins.
    assert M.psi([0, 0, 0, 1, 1, 2] * 10, [0, 1, 2] * 20, bins=10) == pytest.approx(
        _textbook_psi([30, 20, 10], [20, 20, 20]), rel=1e-12
    )


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: M.psi([], [1.0]), ValueError, "expected is empty"),
        (lambda: M.psi([1.0], []), ValueError, "actual is empty"),
        (
            lambda: M.psi([1.0, math.nan], [1.0]),
            ValueError,
            r"expected holds 1 NaN.*positions \[1\]",
        ),
        (lambda: M.psi([1.0, 2.0], [1.0], bins=1), ValueError, "bins must be >= 2"),
        (
            lambda: M.psi([1.0, 2.0], [1.0], epsilon=0),
            ValueError,
            "epsilon must be a small positive",
        ),
        (lambda: M.psi([[1.0, 2.0]], [1.0]), ValueError, "one-dimensional"),
        (lambda: M.psi(["a", "b"], [1.0]), TypeError, "expected must hold numbers only"),
        (lambda: M.psi("abc", [1.0]), TypeError, "got a string"),
    ],
)
def test_psi_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------------- KS


@pytest.mark.parametrize("sizes", [(8, 12), (300, 300), (20_000, 15_000)])
def test_ks_equals_scipy(sizes):
    rng = np.random.default_rng(sum(sizes))
    a = rng.normal(size=sizes[0])
    b = rng.normal(0.2, 1.1, size=sizes[1]).round(1)  # ties too
    ours = M.ks(a, b)
    theirs = scipy_stats.ks_2samp(a, b)
    assert ours == (theirs.statistic, theirs.pvalue)
    assert isinstance(ours.statistic, float) and isinstance(ours.pvalue, float)


def test_ks_errors():
    with pytest.raises(ValueError, match="actual is empty"):
        M.ks([1, 2], [])
    with pytest.raises(ValueError, match="expected holds 1 NaN"):
        M.ks([1, math.nan], [1, 2])


# --------------------------------------------------------------------------- TFDV's distances


def test_jensen_shannon_wrapper_builds_equal_width_histograms():
    from mlep.data.validation import jensen_shannon_divergence

    a = [0.0, 1.0, 1.5, 2.0, 4.0]
    b = [1.0, 2.0, 3.0, 3.0, 5.0, 7.0]
    hist_a = [(0.0, 2.0, 4), (2.0, 4.0, 1)]  # TFDV: (low, high], so 2.0 counts in the first
    hist_b = [(1.0, 4.0, 4), (4.0, 7.0, 2)]
    assert M.jensen_shannon(a, b, bins=2) == jensen_shannon_divergence(hist_a, hist_b)
    assert M.jensen_shannon([2.0, 2.0], [2.0, 2.0, 2.0]) == 0.0  # point buckets
    assert M.jensen_shannon(np.array([1, 2, 3]), (x for x in [1, 2, 3])) == 0.0


def test_categorical_distances_reuse_validation():
    from mlep.data.validation import jensen_shannon_divergence, linf_distance

    a = ["red", "red", "blue", "green"]
    b = np.array(["red", "blue", "blue", "blue", "pink"])
    counts_a, counts_b = {"blue": 1, "green": 1, "red": 2}, {"blue": 3, "pink": 1, "red": 1}
    assert M.value_counts(a) == counts_a
    assert M.jensen_shannon(a, b) == jensen_shannon_divergence(counts_a, counts_b)
    assert M.l_infinity(a, b) == linf_distance(counts_a, counts_b) == pytest.approx(0.35)
    assert M.l_infinity([True, False], [True, True]) == 0.5  # booleans are categories


def test_l_infinity_counts_equal_numbers_as_one_category_on_random_samples():
    """An int sample against the same numbers as floats (an int column after dropna())."""
    from collections import Counter

    rng = np.random.default_rng(0)
    for _ in range(30):
        ints = rng.integers(0, 5, int(rng.integers(1, 40)))
        other = rng.integers(0, 6, int(rng.integers(1, 40)))
        # Python's own equality (1 == 1.0) decides the categories
        a, b = Counter(ints.tolist()), Counter(other.astype(float).tolist())
        expected = max(abs(a[v] / len(ints) - b[v] / len(other)) for v in set(a) | set(b))
        for left, right in (
            (ints, other.astype(float)),
            (ints.tolist(), other.astype(float).tolist()),
            (pd.Series(ints), pd.Series(np.append(other, -1)).replace(-1, None).dropna()),
        ):
            assert M.l_infinity(left, right) == pytest.approx(expected, abs=1e-12)
    assert M.l_infinity([1, 2, 3], [1.0, 2.0, 3.0]) == 0.0
    assert M.l_infinity([0.5, 2], [0.5, 2.0]) == 0.0


def test_distance_errors():
    with pytest.raises(ValueError, match="expected is empty"):
        M.jensen_shannon([], [1.0])
    with pytest.raises(ValueError, match="actual holds 1 NaN"):
        M.jensen_shannon([1.0], [1.0, math.nan])
    with pytest.raises(ValueError, match="holds missing values"):
        M.l_infinity(["a", None], ["a"])
    with pytest.raises(ValueError, match="actual is empty"):
        M.l_infinity(["a"], [])
    with pytest.raises(TypeError, match="single string"):
        M.l_infinity("abc", ["a"])


@pytest.fixture(scope="module")
def tfdv_drift():
    """Two samples, TFDV statistics of each, and the drift values TFDV reports."""
    from mlep.data import validation as V

    rng = np.random.default_rng(0)
    previous = pd.DataFrame(
        {"x": rng.normal(0, 1, 2_000), "color": rng.choice(["red", "green", "blue"], 2_000)}
    )
    current = pd.DataFrame(
        {
            "x": rng.normal(0.5, 1.2, 2_000),
            "color": rng.choice(["red", "green", "blue", "pink"], 2_000, p=[0.5, 0.2, 0.2, 0.1]),
        }
    )
    prev_stats, cur_stats = V.statistics(previous), V.statistics(current)
    schema = V.infer_schema(prev_stats)
    V.set_drift_threshold(schema, "x", 0.5)  # Jensen-Shannon for numbers
    V.set_drift_threshold(schema, "color", 0.5)  # L-infinity for strings
    linf = V.drift_table(prev_stats, cur_stats, schema).set_index("feature")["value"]
    color = next(f for f in schema.feature if f.name == "color")
    color.drift_comparator.jensen_shannon_divergence.threshold = 0.5  # JSD on strings too
    anomalies = V.validate(cur_stats, schema, previous_stats=prev_stats)
    measured = {
        (info.path.step[0], m.type): m.value
        for info in anomalies.drift_skew_info
        for m in info.drift_measurements
    }
    return previous, current, linf, measured


def test_jensen_shannon_agrees_with_tfdv(tfdv_drift):
    """Numbers: close, not equal — TFDV interpolates its histogram from a quantiles sketch.

    Strings: TFDV counts values exactly, so the wrapper agrees to rounding.
    """
    from tensorflow_metadata.proto.v0 import anomalies_pb2

    previous, current, _, measured = tfdv_drift
    jsd = anomalies_pb2.DriftSkewInfo.Measurement.JENSEN_SHANNON_DIVERGENCE
    ours = M.jensen_shannon(current["x"].to_numpy(), previous["x"].to_numpy())
    assert ours == pytest.approx(measured[("x", jsd)], abs=1e-3)
    assert ours != measured[("x", jsd)]  # the sketch makes bit-equality impossible
    ours = M.jensen_shannon(current["color"], previous["color"])
    assert ours == pytest.approx(measured[("color", jsd)], abs=1e-12)


def test_jensen_shannon_of_integer_samples_agrees_with_tfdv():
    """Integers sit on bucket edges: TFDV counts an edge value in the bucket below it.

    One statistics run holds every sample as a column; TFDV's drift value is the divergence
    of its two histograms (``jensen_shannon_divergence`` equals it exactly, see above).
    """
    from mlep.data import validation as V
    from mlep.deployment.monitoring.drift import _equal_width

    rng = np.random.default_rng(1)
    samples = {
        "previous": rng.integers(0, 6, 150),
        "wider": rng.integers(1, 8, 150),
        "narrower": rng.integers(0, 3, 150),
        "floats": rng.integers(-2, 3, 150) / 2,
    }
    stats = V.statistics(pd.DataFrame(samples))
    for name, sample in samples.items():
        ours = [count for *_, count in _equal_width(sample.astype(float), 10)]
        theirs = [count for *_, count in V.numeric_histogram(stats, name)]
        assert ours == pytest.approx(theirs, abs=0.25), name  # the sketch smears ~0.3%
        tfdv_value = V.jensen_shannon_divergence(
            V.numeric_histogram(stats, name), V.numeric_histogram(stats, "previous")
        )
        ours_value = M.jensen_shannon(sample, samples["previous"])
        assert ours_value == pytest.approx(tfdv_value, abs=1e-2), name


def test_l_infinity_agrees_with_tfdv(tfdv_drift):
    previous, current, linf, _ = tfdv_drift
    ours = M.l_infinity(current["color"], previous["color"])
    assert ours == pytest.approx(linf["color"], abs=1e-12)


# --------------------------------------------------------------------------- Monitor


def _monitor():
    return M.Monitor(
        M.Metric("latency_ms", upper=200),
        M.Metric("memory_mb", upper=1024),
        M.Metric("missing_age", upper=0.05, group="input", rate=True),
        M.Metric("mean_age", lower=30, upper=70, group="input"),
        M.Metric("positive_rate", lower=0.05, upper=0.3, group="output", rate=True),
    )


def test_monitor_alarms_on_each_side_and_bounds_are_inclusive():
    monitor = _monitor()
    assert monitor.update(latency_ms=200, mean_age=30, positive_rate=0.3) == []
    alarms = monitor.update(latency_ms=201, mean_age=29.5, missing_age=0.2, memory_mb=100)
    assert [(a.metric, a.side, a.bound, a.value, a.group, a.step) for a in alarms] == [
        ("latency_ms", "upper", 200.0, 201.0, "software", 1),
        ("mean_age", "lower", 30.0, 29.5, "input", 1),
        ("missing_age", "upper", 0.05, 0.2, "input", 1),
    ]
    assert alarms[1].message == "step 1: mean_age = 29.5 is below its lower bound 30 (input metric)"
    assert monitor.alarms == alarms and monitor.n == 2


def test_monitor_history_is_a_long_table():
    monitor = _monitor()
    monitor.update(latency_ms=100, positive_rate=0.5)
    monitor.update(mean_age=50)
    history = monitor.history
    assert list(history.columns) == ["step", "metric", "group", "value", "lower", "upper", "alarm"]
    assert history.to_dict("records") == [
        {
            "step": 0,
            "metric": "latency_ms",
            "group": "software",
            "value": 100.0,
            "lower": -math.inf,
            "upper": 200.0,
            "alarm": False,
        },
        {
            "step": 0,
            "metric": "positive_rate",
            "group": "output",
            "value": 0.5,
            "lower": 0.05,
            "upper": 0.3,
            "alarm": True,
        },
        {
            "step": 1,
            "metric": "mean_age",
            "group": "input",
            "value": 50.0,
            "lower": 30.0,
            "upper": 70.0,
            "alarm": False,
        },
    ]
    assert not history.isna().any().any()
    assert M.Monitor(M.Metric("x", upper=1)).history.empty


def test_monitor_rejects_bad_values_without_recording_any():
    monitor = _monitor()
    with pytest.raises(
        ValueError, match="unknown metric\\(s\\) latency; this monitor watches: latency_ms"
    ):
        monitor.update(latency=3)
    with pytest.raises(ValueError, match="'latency_ms' must be a finite number, but got nan"):
        monitor.update(memory_mb=5, latency_ms=math.nan)
    with pytest.raises(ValueError, match="'missing_age' is a rate.*got -0.1"):
        monitor.update(missing_age=-0.1)
    with pytest.raises(TypeError, match="must be a number"):
        monitor.update(latency_ms="fast")
    with pytest.raises(ValueError, match="at least one metric value"):
        monitor.update()
    assert monitor.n == 0 and monitor.history.empty


def test_metric_definitions_are_checked():
    with pytest.raises(ValueError, match="needs a lower or an upper bound"):
        M.Metric("x")
    with pytest.raises(ValueError, match="group must be one of software, input, output"):
        M.Metric("x", upper=1, group="model")
    with pytest.raises(ValueError, match="Python identifier"):
        M.Metric("p95 latency", upper=1)
    with pytest.raises(ValueError, match="'x': upper must be a finite number"):
        M.Metric("x", upper=math.nan)
    with pytest.raises(ValueError, match="already watched"):
        M.Monitor(M.Metric("x", upper=1)).add("x", upper=2)
    with pytest.raises(TypeError, match="Monitor takes Metric objects"):
        M.Monitor({"x": 1})
    chained = M.Monitor().add("x", upper=1).add("y", lower=0, group="output")
    assert list(chained.metrics) == ["x", "y"]
    assert repr(chained) == "Monitor(x, y; 0 updates, 0 alarms)"


def test_batch_metric_calculators():
    assert M.missing_rate(pd.Series([1.0, None, 3.0, np.nan])) == 0.5
    assert M.missing_rate(["a", None]) == 0.5
    assert M.prediction_rate(np.array([0, 1, 1, 1]), 1) == 0.75
    assert M.prediction_rate(["cat", "dog"], "bird") == 0.0
    assert M.error_rate(np.array([1, 0, 1]), [1, 1, 1]) == pytest.approx(1 / 3)
    for call in (
        lambda: M.missing_rate([]),
        lambda: M.prediction_rate([], 1),
        lambda: M.error_rate([], []),
    ):
        with pytest.raises(ValueError, match="empty|none"):
            call()
    with pytest.raises(ValueError, match="same length.*3 and 2"):
        M.error_rate([1, 0, 1], [1, 0])


def test_psi_refuses_a_reference_that_fills_one_bin():
    """A constant reference collapses the quantile bins: PSI would be 0 while KS sees 0.5."""
    from mlep.deployment.monitoring import drift

    assert drift.ks([3.0] * 50 + [4.0] * 50, [4.0] * 100).statistic == 0.5
    with pytest.raises(ValueError, match="expected must spread over at least two bins"):
        drift.psi([3.0] * 100, [4.0] * 100)
    with pytest.raises(ValueError, match="2 distinct value"):
        drift.psi([0.0] * 99 + [1.0], [5.0] * 100)
    assert drift.psi([0.0] * 50 + [1.0] * 50, [1.0] * 100) > 1  # two filled bins: measured


def test_a_string_or_a_mapping_is_not_a_batch():
    """missing_rate("abc") was 0.0 (letters) and false_alarms("abc") counted 3 detections."""
    from mlep.deployment.monitoring import detectors, metrics

    with pytest.raises(TypeError, match="values must be a sequence of values"):
        metrics.missing_rate("abc")
    with pytest.raises(TypeError, match="predictions must be a sequence"):
        metrics.prediction_rate({"a": 1}, 1)
    with pytest.raises(TypeError, match="drifts must be a list of detection indices"):
        detectors.false_alarms("abc")
    with pytest.raises(TypeError, match="name must be a detector name"):
        detectors.detector(["adwin"])


def test_error_rate_refuses_labels_of_another_kind_and_missing_predictions():
    """1 vs "1" read as 100 % errors; a NaN prediction counted as a wrong answer."""
    from mlep.deployment.monitoring import metrics

    with pytest.raises(TypeError, match="predictions and labels must hold the same kind of label"):
        metrics.error_rate([1, 0, 1], ["1", "0", "1"])
    with pytest.raises(ValueError, match="predictions must not hold missing labels"):
        metrics.error_rate([1, 0, math.nan], [1, 0, 1])
    with pytest.raises(TypeError, match="predictions and label must hold the same kind"):
        metrics.prediction_rate([1, 0, 1], "1")
