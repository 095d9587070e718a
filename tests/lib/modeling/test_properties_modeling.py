"""Property-based tests of the modeling, deployment and scoping helpers (issue 12).

Generated bad input (NaN/inf, bools and strings for numbers, a string for a list, mismatched
lengths, foreign objects) gets a clear ``TypeError``/``ValueError`` naming the argument, never a
value; generated good input agrees with an independent computation (scikit-learn, scipy,
pandas, the Kubernetes HPA formula). Seeded (``derandomize=True``), bounded, and free of
TensorFlow: every check here runs before TensorFlow would be imported.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr
from sklearn.metrics import confusion_matrix

from mlep.deployment import autoscaling, loadtest, pipelines
from mlep.modeling import multiworker, tuning
from mlep.modeling.analysis import debugging, fairness, sliced

FAST = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

NOT_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])
NOT_NUMBERS = st.sampled_from(["0.5", "1", None, True, [0.5], {"a": 1}])


def _clear(error: Exception, argument: str) -> None:
    """The message names the argument and says what was expected."""
    text = str(error)
    assert argument in text, text
    assert re.search(r"must", text), text


# -- quality_gate: NaN never passes a gate --------------------------------------------------------


@FAST
@given(st.floats(0, 1), st.floats(0, 1))
def test_quality_gate_passes_exactly_when_the_metric_reaches_the_bar(value, bar):
    if value >= bar:
        assert pipelines.quality_gate({"binary_accuracy": value}, min_accuracy=bar) == value
    else:
        with pytest.raises(AssertionError, match="below the threshold"):
            pipelines.quality_gate({"binary_accuracy": value}, min_accuracy=bar)


@FAST
@given(NOT_FINITE, st.sampled_from(["metrics", "min_accuracy", "max_drop"]))
def test_quality_gate_refuses_non_finite_numbers(bad, where):
    kwargs = {"metrics": {"binary_accuracy": 0.9}, "min_accuracy": 0.5, "max_drop": 0.0}
    kwargs[where] = {"binary_accuracy": bad} if where == "metrics" else bad
    with pytest.raises(ValueError) as caught:
        pipelines.quality_gate(**kwargs)
    _clear(caught.value, where)


@FAST
@given(NOT_NUMBERS)
def test_quality_gate_refuses_a_threshold_that_is_not_a_number(bad):
    with pytest.raises(TypeError) as caught:
        pipelines.quality_gate({"binary_accuracy": 0.9}, min_accuracy=bad)
    _clear(caught.value, "min_accuracy")


# -- the HPA against Kubernetes' formula ----------------------------------------------------------


@FAST
@given(st.integers(1, 20), st.floats(0, 5), st.floats(0.1, 1))
def test_hpa_scales_up_as_kubernetes_computes(replicas, utilization, target):
    hpa = autoscaling.HPA(target_utilization=target, max_replicas=100, tolerance=0.1)
    ratio = utilization / target
    expected = replicas if abs(ratio - 1) <= 0.1 else math.ceil(replicas * ratio)
    expected = min(max(expected, 1), 100)
    got = hpa.desired(replicas, utilization)
    # a scale-down is held by the stabilisation window (here: only this step's recommendation)
    assert got == expected


@FAST
@given(st.one_of(NOT_FINITE, st.floats(-5, -1e-3)))
def test_hpa_refuses_impossible_utilization(bad):
    with pytest.raises(ValueError) as caught:
        autoscaling.HPA().desired(2, bad)
    _clear(caught.value, "utilization")


@FAST
@given(st.sampled_from(["HPA", None, {"target_utilization": 0.7}, 3]))
def test_simulate_refuses_a_foreign_autoscaler(bad):
    with pytest.raises(TypeError) as caught:
        autoscaling.simulate([1.0, 2.0], bad, capacity_per_replica=1.0)
    _clear(caught.value, "autoscaler")


# -- fairness rates against scikit-learn's confusion matrix ---------------------------------------


@FAST
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 1), st.sampled_from("ab")),
        min_size=2,
        max_size=40,
    )
)
def test_group_rates_agree_with_sklearn(rows):
    y_true, y_pred, groups = (list(column) for column in zip(*rows))
    table = fairness.group_rates(y_true, y_pred, groups)
    for group in set(groups):
        mask = np.array(groups) == group
        tn, fp, fn, tp = confusion_matrix(
            np.array(y_true)[mask], np.array(y_pred)[mask], labels=[0, 1]
        ).ravel()
        fpr = fp / (fp + tn) if fp + tn else math.nan
        fnr = fn / (fn + tp) if fn + tp else math.nan
        assert table.loc[group, "fpr"] == pytest.approx(fpr, nan_ok=True)
        assert table.loc[group, "fnr"] == pytest.approx(fnr, nan_ok=True)
        assert table.loc[group, "count"] == mask.sum()


@FAST
@given(st.integers(2, 10), st.integers(1, 3))
def test_group_rates_refuse_mismatched_lengths(n, extra):
    with pytest.raises(ValueError) as caught:
        fairness.group_rates([0, 1] * n, [0, 1] * n, ["a"] * (2 * n + extra))
    _clear(caught.value, "groups")


@FAST
@given(NOT_FINITE)
def test_group_thresholds_refuse_non_finite_scores(bad):
    with pytest.raises(ValueError) as caught:
        fairness.GroupThresholds(target_fpr=0.1).fit([0, 1, 0], [0.1, bad, 0.3], ["a", "a", "a"])
    _clear(caught.value, "scores")


# -- debugging: what a change of one feature does -------------------------------------------------


@FAST
@given(st.lists(st.floats(-10, 10), min_size=1, max_size=20), st.floats(-3, 3))
def test_sensitivity_of_the_identity_is_the_delta(values, delta):
    X = pd.DataFrame({"x": values})
    result = debugging.sensitivity(lambda f: f["x"].to_numpy(), X, "x", delta=delta)
    assert result["mean_change"] == pytest.approx(delta, abs=1e-9)
    flips = np.mean([(v >= 0.5) != (v + delta >= 0.5) for v in values])
    assert result["flip_rate"] == pytest.approx(flips)


@FAST
@given(st.one_of(NOT_FINITE, NOT_NUMBERS), st.sampled_from(["delta", "threshold"]))
def test_sensitivity_refuses_bad_numbers(bad, where):
    kwargs = {"delta": 0.1, "threshold": 0.5, where: bad}
    with pytest.raises((TypeError, ValueError)) as caught:
        debugging.sensitivity(
            lambda f: f["x"].to_numpy(), pd.DataFrame({"x": [0.1]}), "x", **kwargs
        )
    _clear(caught.value, where)


@FAST
@given(
    st.lists(
        st.tuples(st.floats(-50, 50), st.floats(-50, 50), st.sampled_from("pqr")),
        min_size=2,
        max_size=30,
    )
)
def test_residual_means_agree_with_pandas(rows):
    y_true, y_pred, by = (list(column) for column in zip(*rows))
    table = debugging.residual_analysis(y_true, y_pred, by)
    expected = pd.Series(np.subtract(y_true, y_pred)).groupby(by).mean()
    assert table["mean_residual"].to_dict() == pytest.approx(expected.to_dict())


@FAST
@given(st.one_of(NOT_FINITE, st.floats(-5, -1e-3)))
def test_residual_analysis_refuses_a_bad_z(bad):
    with pytest.raises(ValueError) as caught:
        debugging.residual_analysis([1.0, 2.0], [1.0, 2.5], ["a", "b"], z=bad)
    _clear(caught.value, "z")


@FAST
@given(st.text(min_size=1, max_size=5))
def test_what_if_refuses_a_string_of_values(values):
    with pytest.raises(TypeError) as caught:
        debugging.what_if(lambda f: f["x"].to_numpy(), pd.DataFrame({"x": [1.0]}), "x", values)
    _clear(caught.value, "values")


# -- worst slice against pandas -------------------------------------------------------------------


@FAST
@given(st.lists(st.floats(0, 1), min_size=1, max_size=8), st.booleans())
def test_worst_slice_is_the_pandas_extreme(scores, higher_is_better):
    table = pd.DataFrame(
        {
            "slice": ["Overall"] + [f"s={i}" for i in range(len(scores))],
            "model": "candidate",
            "auc": [0.5, *scores],
        }
    )
    rows = table.iloc[1:]
    expected = rows.loc[rows["auc"].idxmin() if higher_is_better else rows["auc"].idxmax()]
    got = sliced.worst_slice(table, "auc", higher_is_better=higher_is_better)
    assert got["slice"] == expected["slice"]


@FAST
@given(st.sampled_from(["no", "yes", 0, 1, None, "False"]))
def test_worst_slice_refuses_a_direction_that_is_not_a_bool(bad):
    table = pd.DataFrame({"slice": ["Overall", "s=1"], "model": "candidate", "auc": [0.5, 0.4]})
    with pytest.raises(TypeError) as caught:
        sliced.worst_slice(table, "auc", higher_is_better=bad)
    _clear(caught.value, "higher_is_better")


@FAST
@given(st.sampled_from(["AUC", "BinaryAccuracy", "ExampleCount"]))
def test_eval_config_refuses_a_bare_metric_name(name):
    with pytest.raises(TypeError) as caught:
        sliced.eval_config(label_key="label", metrics=name)
    _clear(caught.value, "metrics")


# -- tuning: samples stay in the space; rank agreement is Spearman's ------------------------------


@FAST
@given(st.integers(0, 2**16), st.floats(1e-5, 1e-2), st.floats(2, 100))
def test_space_samples_and_mutations_stay_in_range(seed, low, factor):
    space = tuning.Space(rate=(low, low * factor, "log"), units=(1, 64), kind=["a", "b"])
    rng = np.random.default_rng(seed)
    point = space.sample(rng)
    child = space.mutate(point, rng)
    for p in (point, child):
        assert low <= p["rate"] <= low * factor
        assert 1 <= p["units"] <= 64 and isinstance(p["units"], int)
        assert p["kind"] in ("a", "b")


@FAST
@given(
    st.lists(st.floats(0, 1), min_size=3, max_size=12, unique=True),
    st.randoms(use_true_random=False),
)
def test_rank_agreement_is_spearman(cheap, random):
    full = cheap[:]
    random.shuffle(full)
    assume(np.std(cheap) > 0)
    expected = spearmanr(cheap, full).statistic
    assert tuning.rank_agreement(cheap, full) == pytest.approx(expected)


@FAST
@given(st.sampled_from([0, None, "seed", 1.5, [1]]))
def test_space_refuses_a_foreign_rng(bad):
    with pytest.raises(TypeError) as caught:
        tuning.Space(units=[8, 16]).sample(bad)
    _clear(caught.value, "rng")


# -- cluster settings and load-test targets -------------------------------------------------------


@FAST
@given(st.lists(st.integers(1, 65535), min_size=1, max_size=6, unique=True), st.data())
def test_tf_config_names_every_worker_and_this_task(ports, data):
    index = data.draw(st.integers(0, len(ports) - 1))
    config = json.loads(multiworker.tf_config(ports, index))
    assert config["cluster"]["worker"] == [f"127.0.0.1:{p}" for p in ports]
    assert config["task"] == {"type": "worker", "index": index}


@FAST
@given(st.lists(st.integers(1, 65535), min_size=1, max_size=6), st.integers(0, 10))
def test_tf_config_refuses_an_index_outside_the_cluster(ports, extra):
    with pytest.raises(ValueError) as caught:
        multiworker.tf_config(ports, len(ports) + extra)
    _clear(caught.value, "index")


@FAST
@given(
    st.one_of(st.just([]), st.just("1, 8"), st.lists(st.integers(-3, 0), min_size=1, max_size=3))
)
def test_load_test_compare_refuses_empty_or_impossible_concurrency(bad):
    with pytest.raises((TypeError, ValueError)) as caught:
        loadtest.compare({"a": ("http://127.0.0.1:1", "/v1")}, {}, concurrency=bad)
    _clear(caught.value, "concurrency")


def test_bad_arguments_are_refused_before_tensorflow_is_imported():
    """The argument checks of TF-backed functions run first: no TensorFlow, TFMA or Keras import."""
    import subprocess
    import sys

    script = "\n".join(
        [
            "import sys",
            "from mlep.modeling.analysis import debugging, sliced",
            "from mlep.modeling import distributed, tuning",
            "from mlep import tfx_runner",
            "calls = [",
            "    lambda: debugging.fgsm(object(), [[0.0]], [0], epsilon=0.1),",
            "    lambda: debugging.fgsm(None, [[0.0]], [0], epsilon=float('nan')),",
            "    lambda: distributed.strategy('tpu'),",
            "    lambda: distributed.input_pipeline(optimisations='cache'),",
            "    lambda: distributed.Distiller(object(), object()),",
            "    lambda: tuning.keras_search(lambda hp: None, [[0.0]], [0], tuner='grid'),",
            "    lambda: sliced.eval_config(label_key='y', metrics='AUC'),",
            "    lambda: tfx_runner.run_pipeline('p', 'components', pipeline_root='root'),",
            "    lambda: tfx_runner.run_pipeline('p', [], pipeline_root='root'),",
            "]",
            "for call in calls:",
            "    try:",
            "        call()",
            "    except (TypeError, ValueError):",
            "        pass",
            "    else:",
            "        raise SystemExit('no error')",
            "heavy = [m for m in ('tensorflow', 'tensorflow_model_analysis', 'keras_tuner')",
            "         if m in sys.modules]",
            "print(heavy)",
        ]
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


# -- feature selection: a string is not a list of features ----------------------------------------


@FAST
@given(st.sampled_from(["ab", "a", "ba"]))
def test_compare_refuses_a_string_selection(name):
    # before: the string was read letter by letter, as the features 'a' and 'b'
    from mlep.data import feature_selection

    X = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3})
    y = np.arange(20) % 2
    with pytest.raises(TypeError) as caught:
        feature_selection.compare(X, y, {"pick": name}, cv=2)
    _clear(caught.value, "selection 'pick'")


@pytest.mark.parametrize(
    "kwargs, error, argument",
    [
        ({"selections": ["a"]}, TypeError, "selections"),
        ({"cv": 1}, ValueError, "cv"),
        ({"seed": None}, TypeError, "seed"),
        ({"estimator": "tree"}, TypeError, "estimator"),
    ],
)
def test_compare_refuses_bad_settings(kwargs, error, argument):
    from mlep.data import feature_selection

    X = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3})
    options = {"selections": {"a": ["a"]}, **kwargs}
    with pytest.raises(error) as caught:
        feature_selection.compare(X, np.arange(20) % 2, **options)
    _clear(caught.value, argument)


class _Node:
    """Shaped like a TFX node (an id and inputs), so only the setting under test is wrong."""

    id, inputs = "Fake", {}


@pytest.mark.parametrize(
    "args, kwargs, error, argument",
    [
        (("p", "components"), {"pipeline_root": "root"}, TypeError, "components"),
        (("p", []), {"pipeline_root": "root"}, ValueError, "components"),
        (("p", [object()]), {"pipeline_root": "root"}, TypeError, "components"),
        (("", [_Node()]), {"pipeline_root": "root"}, ValueError, "name"),
        (("p", [_Node()]), {"pipeline_root": None}, TypeError, "pipeline_root"),
        (
            ("p", [_Node()]),
            {"pipeline_root": "root", "enable_cache": "yes"},
            TypeError,
            "enable_cache",
        ),
    ],
)
def test_run_pipeline_refuses_bad_settings_before_tfx(args, kwargs, error, argument):
    from mlep import tfx_runner

    with pytest.raises(error) as caught:
        tfx_runner.run_pipeline(*args, **kwargs)
    _clear(caught.value, argument)
