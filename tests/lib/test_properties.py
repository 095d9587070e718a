"""Property-based tests of the public API (issue 12): bad input gets a clear error, never a value;
good input agrees with the real tool or an independent computation.

Seeded (``derandomize=True``) and bounded: the whole file runs in well under a minute. Each
error must be a ``TypeError`` or ``ValueError`` whose message names the argument ("... must
be ..."), raised by mlep itself, not by the library underneath.
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

from mlep import _checks
from mlep.data import validation as V
from mlep.data.labeling import agreement as C
from mlep.data.labeling import weak
from mlep.deployment import batch
from mlep.deployment.monitoring import drift
from mlep.modeling import explain

FAST = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FEW = settings(FAST, max_examples=12)

BAD_NUMBERS = st.sampled_from([math.nan, math.inf, -math.inf])
NAMES = st.text(alphabet="abcdefgh", min_size=1, max_size=3)
COUNTS = st.dictionaries(NAMES, st.integers(1, 50), min_size=1, max_size=6)


def _clear(error: Exception, argument: str) -> None:
    """The message names the argument and says what was expected."""
    text = str(error)
    assert argument in text, text
    assert re.search(r"must|needs|expected", text), text


# -- distances: TFDV's formulas against scipy and numpy -----------------------------------------


def _linf_reference(a: dict, b: dict) -> float:
    keys = sorted(set(a) | set(b))
    pa = np.array([a.get(k, 0) for k in keys], float)
    pb = np.array([b.get(k, 0) for k in keys], float)
    return float(np.max(np.abs(pa / pa.sum() - pb / pb.sum())))


@FAST
@given(COUNTS, COUNTS)
def test_linf_distance_is_the_largest_frequency_gap(a, b):
    assert V.linf_distance(a, b) == pytest.approx(_linf_reference(a, b), abs=1e-12)


@FAST
@given(COUNTS, COUNTS)
def test_categorical_jensen_shannon_agrees_with_scipy(a, b):
    from scipy.spatial.distance import jensenshannon

    keys = sorted(set(a) | set(b))
    p = [a.get(k, 0) for k in keys]
    q = [b.get(k, 0) for k in keys]
    expected = jensenshannon(p, q, base=2) ** 2
    assert V.jensen_shannon_divergence(a, b) == pytest.approx(expected, abs=1e-9)


@FAST
@given(
    st.lists(st.integers(0, 40), min_size=2, max_size=8),
    st.lists(st.integers(0, 40), min_size=2, max_size=8),
)
def test_histogram_jensen_shannon_on_shared_buckets_agrees_with_scipy(p, q):
    from scipy.spatial.distance import jensenshannon

    n = min(len(p), len(q))
    p, q = p[:n], q[:n]
    assume(sum(p) > 0 and sum(q) > 0)
    a = [(i, i + 1, c) for i, c in enumerate(p)]
    b = [(i, i + 1, c) for i, c in enumerate(q)]
    expected = jensenshannon(p, q, base=2) ** 2
    assert V.jensen_shannon_divergence(a, b) == pytest.approx(expected, abs=1e-9)


@FAST
@given(COUNTS, st.one_of(BAD_NUMBERS, st.integers(-50, -1), st.just("3")), st.data())
def test_distances_refuse_bad_counts(counts, bad, data):
    key = data.draw(st.sampled_from(sorted(counts)))
    broken = {**counts, key: bad}
    for call in (
        lambda: V.linf_distance(counts, broken),
        lambda: V.jensen_shannon_divergence(counts, broken),
        lambda: V.jensen_shannon_divergence(
            [(0, 1, 1), (1, 2, 1)], [(0, 1, 1), (1, 2, bad if bad != "3" else math.nan)]
        ),
    ):
        with pytest.raises((TypeError, ValueError)) as caught:
            call()
        _clear(caught.value, "count")


# -- drift: PSI by a direct formula, KS by the empirical CDFs -----------------------------------

SAMPLES = st.lists(
    st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=5, max_size=80
)


def _psi_reference(expected, actual, bins=10, epsilon=1e-4) -> float:
    e, a = np.asarray(expected, float), np.asarray(actual, float)
    edges = sorted(set(np.quantile(e, [i / bins for i in range(1, bins)]).tolist()))

    def shares(x):
        counts = [0] * (len(edges) + 1)
        for value in x:
            counts[sum(value >= edge for edge in edges)] += 1
        return [max(c / len(x), epsilon) for c in counts]

    es, as_ = shares(e), shares(a)
    return sum((y - x) * math.log(y / x) for x, y in zip(es, as_))


@FAST
@given(SAMPLES, SAMPLES)
def test_psi_agrees_with_the_formula_or_refuses_a_one_bin_reference(expected, actual):
    e = np.asarray(expected)
    edges = np.unique(np.quantile(e, np.arange(1, 10) / 10))
    filled = np.count_nonzero(np.bincount(np.searchsorted(edges, e, side="right")))
    if filled < 2:
        with pytest.raises(ValueError) as caught:
            drift.psi(expected, actual)
        _clear(caught.value, "expected")
    else:
        assert drift.psi(expected, actual) == pytest.approx(_psi_reference(expected, actual))


@pytest.mark.filterwarnings("ignore:ks_2samp:RuntimeWarning")
@FAST
@given(SAMPLES, SAMPLES)
def test_ks_statistic_is_the_largest_gap_between_the_empirical_cdfs(expected, actual):
    e, a = np.sort(expected), np.sort(actual)
    points = np.concatenate([e, a])
    gap = np.max(
        np.abs(
            np.searchsorted(e, points, side="right") / len(e)
            - np.searchsorted(a, points, side="right") / len(a)
        )
    )
    assert drift.ks(expected, actual).statistic == pytest.approx(gap)


@FAST
@given(SAMPLES, BAD_NUMBERS, st.data())
def test_drift_measures_refuse_nan_and_infinity(sample, bad, data):
    broken = list(sample)
    broken[data.draw(st.integers(0, len(broken) - 1))] = bad
    for measure in (drift.psi, drift.ks, drift.jensen_shannon):
        with pytest.raises(ValueError) as caught:
            measure(sample, broken)
        _clear(caught.value, "actual")


@FAST
@given(st.one_of(st.just([]), st.just("1.0, 2.0"), st.just([[1.0, 2.0], [3.0, 4.0]])))
def test_drift_measures_refuse_empty_strings_and_tables(bad):
    for measure in (drift.psi, drift.ks):
        with pytest.raises((TypeError, ValueError)) as caught:
            measure(bad, [1.0, 2.0, 3.0])
        _clear(caught.value, "expected")


# -- labeling: kappa against scikit-learn -------------------------------------------------------

LABEL_PAIRS = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


@FAST
@given(LABEL_PAIRS, st.booleans())
def test_cohen_kappa_agrees_with_scikit_learn(pair, as_text):
    from sklearn.metrics import cohen_kappa_score

    a, b = pair
    if as_text:
        a, b = [str(x) for x in a], [str(x) for x in b]
    assume(len(set(a) | set(b)) > 1)
    expected = cohen_kappa_score(a, b)
    assume(np.isfinite(expected))
    assert C.cohen_kappa(a, b) == pytest.approx(expected, abs=1e-12)


@FAST
@given(LABEL_PAIRS)
def test_cohen_kappa_refuses_mixed_kinds_and_mismatched_lengths(pair):
    a, b = pair
    with pytest.raises(TypeError) as caught:
        C.cohen_kappa(a, [str(x) for x in b])
    _clear(caught.value, "labels_a and labels_b")
    with pytest.raises(ValueError) as caught:
        C.cohen_kappa(a, b[:-1])
    _clear(caught.value, "labels_b")


@FAST
@given(
    st.lists(
        st.sampled_from(["free", "win", "prize", "cash"]), min_size=1, max_size=3, unique=True
    ),
    st.lists(
        st.lists(st.sampled_from(["free", "win", "hi", "song", "cash", "Free"]), max_size=5),
        min_size=1,
        max_size=8,
    ),
)
def test_keyword_lf_votes_exactly_when_a_keyword_is_a_word(keywords, texts):
    lf = weak.keyword_lf("kw", keywords, weak.SPAM)
    frame = pd.DataFrame({"text": [" ".join(words) for words in texts]})
    votes = weak.apply_lfs([lf], frame)[:, 0].tolist()
    expected = [
        weak.SPAM if {w.lower() for w in words} & set(keywords) else weak.ABSTAIN for words in texts
    ]
    assert votes == expected


@FAST
@given(st.sampled_from(["free", "win now"]))
def test_keyword_lf_refuses_a_bare_string(keywords):
    with pytest.raises(TypeError) as caught:
        weak.keyword_lf("kw", keywords, weak.SPAM)
    _clear(caught.value, "keywords")


# -- schema edits: no silently disabled check ---------------------------------------------------


@FAST
@given(
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-100, 100)),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-100, 100)),
)
def test_set_range_sets_finite_ordered_bounds_or_refuses(low, high):
    from tensorflow_metadata.proto.v0 import schema_pb2

    schema = schema_pb2.Schema()
    schema.feature.add(name="x", type=schema_pb2.FLOAT)
    finite = all(math.isfinite(v) for v in (low, high))
    if finite and low <= high:
        if max(abs(low), abs(high)) > np.finfo(np.float32).max:  # would be inf in float32
            with pytest.raises(ValueError, match="32-bit"):
                V.set_range(schema, "x", low, high)
            return
        V.set_range(schema, "x", low, high)
        domain = schema.feature[0].float_domain
        # stored as float32, rounded outward: never narrower than asked, at most 1 ulp wider
        assert domain.min <= low <= high <= domain.max
        assert np.float32(domain.min) == domain.min and np.float32(domain.max) == domain.max
        assert np.nextafter(np.float32(domain.min), np.float32(np.inf)) > low
        assert np.nextafter(np.float32(domain.max), np.float32(-np.inf)) < high
    else:
        with pytest.raises(ValueError) as caught:
            V.set_range(schema, "x", low, high)
        assert re.search(r"min|max|range", str(caught.value))
        assert not schema.feature[0].HasField("float_domain")


@FEW
@given(st.lists(NAMES, min_size=1, max_size=4, unique=True), st.integers(2, 4))
def test_set_domain_on_a_shared_domain_leaves_the_other_features_alone(values, sharing):
    from tensorflow_metadata.proto.v0 import schema_pb2

    schema = schema_pb2.Schema()
    schema.string_domain.add(name="shared", value=["zz", "yy"])
    for i in range(sharing):
        schema.feature.add(name=f"f{i}", type=schema_pb2.BYTES, domain="shared")
    V.set_domain(schema, "f0", values)
    assert V.domain_values(schema, "f0") == list(dict.fromkeys(values))
    for i in range(1, sharing):
        assert V.domain_values(schema, f"f{i}") == ["zz", "yy"]


# -- explain: against scikit-learn's inspection -------------------------------------------------


@pytest.fixture(scope="module")
def linear():
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(120, 3)), columns=["a", "b", "c"])
    y = 3 * X["a"] - X["b"] + 0.1 * rng.normal(size=120)
    return LinearRegression().fit(X, y), X, y


@FAST
@given(
    st.floats(0.0, 0.45),
    st.floats(0.55, 1.0),
    st.integers(2, 30),
    st.sampled_from(["a", "b", "c"]),
)
def test_partial_dependence_equals_scikit_learns_brute_force(linear, low, high, grid, feature):
    from sklearn.inspection import partial_dependence

    model, X, _ = linear
    ours = explain.partial_dependence(
        model, X, feature, grid_resolution=grid, percentiles=(low, high)
    )
    theirs = partial_dependence(
        model,
        X,
        [feature],
        grid_resolution=grid,
        percentiles=(low, high),
        kind="average",
        method="brute",
    )
    np.testing.assert_allclose(ours[feature], theirs["grid_values"][0], rtol=1e-9)
    np.testing.assert_allclose(ours["average"], theirs["average"][0], rtol=1e-9, atol=1e-12)


@FAST
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_partial_dependence_refuses_reversed_or_equal_percentiles(linear, low, high):
    assume(low >= high)
    model, X, _ = linear
    with pytest.raises(ValueError) as caught:
        explain.partial_dependence(model, X, "a", percentiles=(low, high))
    _clear(caught.value, "percentiles")


@FEW
@given(st.integers(1, 4), st.integers(0, 2**16))
def test_permutation_importance_ranks_like_scikit_learn(linear, repeats, seed):
    from sklearn.inspection import permutation_importance

    model, X, y = linear
    ours = explain.permutation_importance(model, X, y, n_repeats=repeats, seed=seed)
    theirs = permutation_importance(model, X, y, n_repeats=repeats, random_state=seed)
    ranked = [X.columns[i] for i in np.argsort(-theirs.importances_mean)]
    assert ours["feature"].tolist()[:2] == ranked[:2] == ["a", "b"]
    # the same quantity: both within a few standard deviations of each other
    both = ours.set_index("feature").loc[ranked, "importance"].to_numpy()
    np.testing.assert_allclose(
        both, theirs.importances_mean[np.argsort(-theirs.importances_mean)], atol=0.5, rtol=0.35
    )


@FAST
@given(st.one_of(st.integers(-3, 0), st.floats(0.5, 3.0), st.just("5")))
def test_permutation_importance_refuses_a_bad_repeat_count(linear, repeats):
    model, X, y = linear
    with pytest.raises((TypeError, ValueError)) as caught:
        explain.permutation_importance(model, X, y, n_repeats=repeats)
    _clear(caught.value, "n_repeats")


# -- files: no silent loss ----------------------------------------------------------------------


@FAST
@given(st.lists(NAMES, min_size=1, max_size=10))
def test_read_predictions_keeps_every_key_or_refuses_a_repeat(tmp_path_factory, keys):
    file = tmp_path_factory.mktemp("p") / "p.jsonl"
    file.write_text(
        "".join(json.dumps({"key": k, "prediction": [i]}) + "\n" for i, k in enumerate(keys))
    )
    if len(set(keys)) == len(keys):
        assert batch.read_predictions(file) == {k: [i] for i, k in enumerate(keys)}
    else:
        with pytest.raises(ValueError) as caught:
            batch.read_predictions(file)
        _clear(caught.value, "key")


# -- the shared checks themselves ---------------------------------------------------------------


@FAST
@given(
    st.one_of(st.text(max_size=3), st.none(), st.booleans(), st.lists(st.integers(), max_size=2))
)
def test_checks_refuse_non_numbers_with_a_type_error(value):
    for check in (_checks.real, _checks.non_negative, _checks.probability):
        with pytest.raises(TypeError) as caught:
            check(value, "rate")
        _clear(caught.value, "rate")


@FAST
@given(st.lists(st.one_of(st.integers(0, 3), st.sampled_from(["0", "1"])), min_size=1, max_size=10))
def test_labels_of_one_kind_pass_and_a_mix_is_refused(values):
    kinds = {type(v) for v in values}
    if len(kinds) == 1:
        assert _checks.labels(values, "y").tolist() == values
    else:
        with pytest.raises(TypeError) as caught:
            _checks.labels(values, "y")
        _clear(caught.value, "y")


# -- against the real tools: TFDV, MLMD, TFLite ---------------------------------------------------


@settings(FEW, max_examples=6)  # each example runs TFDV twice
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=5, max_size=40),
    st.lists(st.sampled_from(["a", "b", "c", "e"]), min_size=5, max_size=40),
)
def test_linf_distance_equals_tfdvs_own_drift_measurement(previous, current):
    """The same number TFDV's validate_statistics reports for a string feature's drift."""
    stats_a = V.statistics(pd.DataFrame({"x": previous}))
    stats_b = V.statistics(pd.DataFrame({"x": current}))
    schema = V.infer_schema(stats_a)
    V.set_drift_threshold(schema, "x", 0.01)
    tfdv_value = V.drift_table(stats_a, stats_b, schema)["value"].iloc[0]
    ours = V.linf_distance(
        V.category_frequencies(stats_a, "x"), V.category_frequencies(stats_b, "x")
    )
    assert ours == pytest.approx(tfdv_value, abs=1e-9)
    assert ours == pytest.approx(_linf_reference(_tally(previous), _tally(current)), abs=1e-9)


def _tally(values) -> dict:
    return {v: values.count(v) for v in set(values)}


@FEW
@given(st.lists(st.sampled_from(["raw.csv", "clean.csv", "model"]), min_size=1, max_size=3))
def test_lineage_refuses_every_artifact_of_another_store_and_changes_nothing(uris):
    from mlep.data.lineage import LineageError, LineageStore

    here, there = LineageStore(), LineageStore()
    mine = [here.record_artifact("Dataset", f"here/{u}") for u in uris]
    foreign = [there.record_artifact("Dataset", f"there/{u}") for u in uris]
    before = here.artifacts().to_dict("list")
    with pytest.raises(LineageError) as caught:
        here.record_execution("Step", inputs={"data": foreign}, outputs={"out": mine[:1]})
    _clear(caught.value, "inputs['data'][0]")
    assert here.artifacts().to_dict("list") == before
    assert here.executions().empty


@pytest.fixture(scope="module")
def tflite_model():
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    from mlep.modeling import compression

    keras.utils.set_random_seed(0)
    net = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)]
    )
    return net, compression.to_tflite(net)


@FEW
@given(
    st.lists(
        st.lists(st.floats(-100, 100, allow_nan=False), min_size=3, max_size=3),
        min_size=1,
        max_size=20,
    )
)
def test_tflite_predict_agrees_with_keras(tflite_model, rows):
    from mlep.modeling import compression

    net, flatbuffer = tflite_model
    X = np.asarray(rows, dtype=np.float32)
    expected = net.predict(X, verbose=0)
    np.testing.assert_allclose(
        compression.tflite_predict(flatbuffer, X), expected, rtol=1e-4, atol=1e-4
    )


@FAST
@given(st.data())
def test_check_flatbuffer_refuses_truncated_or_foreign_bytes(tflite_model, data):
    """Checked in Python before any interpreter sees them; a truncated buffer segfaulted."""
    from mlep.modeling import compression

    _, flatbuffer = tflite_model
    cut = data.draw(st.integers(0, len(flatbuffer) - 1))
    noise = data.draw(st.binary(min_size=0, max_size=64))
    for bad in (flatbuffer[:cut], noise):
        with pytest.raises(ValueError) as caught:
            compression.check_flatbuffer(bad)
        _clear(caught.value, "flatbuffer")


@FAST
@given(
    st.lists(st.floats(0.01, 0.99), min_size=1, max_size=10),
    st.sampled_from(["nan", "text", "probabilities"]),
)
def test_rollout_refuses_answers_that_are_not_class_labels(probabilities, kind):
    from mlep.deployment.rollout.stream import predict_batch

    batch = np.zeros((len(probabilities), 2))
    answers = {
        "nan": [math.nan] * len(probabilities),
        "text": ["1"] * len(probabilities),
        "probabilities": probabilities,
    }[kind]
    with pytest.raises((TypeError, ValueError)) as caught:
        predict_batch(lambda b: np.asarray(answers), batch, "the candidate")
    _clear(caught.value, "the candidate")
