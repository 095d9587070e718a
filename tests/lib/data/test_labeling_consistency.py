"""Reference tests for mlep.data.labeling (consistency): kappas vs sklearn and Fleiss (1971)."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from mlep.data.labeling import (
    agreement_table,
    ambiguous_examples,
    borderline_class,
    cohen_kappa,
    confusable_classes,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    human_level_performance,
    label_counts,
    majority_vote,
    merge_classes,
    simulate_labelers,
)

SCRATCHES = ["deep scratch", "shallow scratch", "dent", "ok"]
MERGE = {"deep scratch": "scratch", "shallow scratch": "scratch"}

# Fleiss (1971) as worked on Wikipedia ("Fleiss' kappa", worked example): 10 items, 14 raters,
# 5 categories; P-bar = 0.378, P_e = 0.213, kappa = 0.210.
FLEISS_EXAMPLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


@pytest.fixture(scope="module")
def scratches():
    """Three labelers who mix up deep and shallow scratches far more than anything else."""
    return simulate_labelers(
        400,
        SCRATCHES,
        {"ana": 0.9, "ben": 0.85, "cy": 0.8},
        confusion={("deep scratch", "shallow scratch"): 20},
        seed=7,
    )


def _mean_kappa(labels: pd.DataFrame) -> float:
    return float(agreement_table(labels)["kappa"].mean())


# --------------------------------------------------------------------------- Cohen's kappa


@pytest.mark.parametrize("seed", range(8))
def test_cohen_kappa_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(5, 300)), int(rng.integers(2, 7))
    a = rng.integers(k, size=n)
    b = np.where(rng.random(n) < rng.random(), a, rng.integers(k, size=n))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    names = np.array([f"class {i}" for i in range(k)])
    assert cohen_kappa(list(names[a]), pd.Series(names[b])) == pytest.approx(
        cohen_kappa_score(names[a], names[b]), abs=1e-12
    )


def test_cohen_kappa_extremes():
    assert cohen_kappa(list("abab"), list("abab")) == 1.0
    assert cohen_kappa(list("aabb"), list("abab")) == 0.0  # exactly chance
    assert cohen_kappa(list("ab"), list("ba")) == -1.0


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        (list("ab"), list("abc"), "labels_a has 2 labels and labels_b has 3"),
        ([], [], "labels_a is empty"),
        (["a", None], ["a", "b"], r"labels_a has 1 missing label\(s\) at positions \[1\]"),
        (pd.DataFrame({"x": list("ab"), "y": list("ab")}), list("ab"), "use agreement_table"),
        (list("aaa"), list("aaa"), "kappa is undefined: both labelers gave every item .* 'a'"),
    ],
)
def test_cohen_kappa_rejects_bad_input(a, b, message):
    with pytest.raises(ValueError, match=message):
        cohen_kappa(a, b)


# --------------------------------------------------------------------------- Fleiss' kappa


def test_fleiss_kappa_reproduces_the_worked_example():
    kappa = fleiss_kappa_from_counts(FLEISS_EXAMPLE)
    assert round(kappa, 3) == 0.210
    assert kappa == pytest.approx(0.20993, abs=1e-5)
    assert fleiss_kappa_from_counts(pd.DataFrame(FLEISS_EXAMPLE)) == kappa


def test_fleiss_kappa_from_ratings_builds_the_counts_table():
    rng = np.random.default_rng(0)
    categories = np.array(["c1", "c2", "c3", "c4", "c5"])
    rows = [rng.permutation(np.repeat(categories, counts)) for counts in FLEISS_EXAMPLE]
    ratings = pd.DataFrame(rows, columns=[f"rater_{i}" for i in range(14)])
    assert label_counts(ratings).to_numpy().tolist() == FLEISS_EXAMPLE
    assert fleiss_kappa(ratings) == pytest.approx(
        fleiss_kappa_from_counts(FLEISS_EXAMPLE), abs=1e-12
    )


def test_fleiss_kappa_with_two_raters_is_scotts_pi():
    a, b = list("aabbbcac"), list("abbbccaa")
    shares = pd.Series(a + b).value_counts(normalize=True)
    expected = float((shares**2).sum())
    observed = np.mean(np.array(a) == np.array(b))
    scotts_pi = (observed - expected) / (1 - expected)
    assert fleiss_kappa(pd.DataFrame({"a": a, "b": b})) == pytest.approx(scotts_pi, abs=1e-12)


def _fleiss_textbook(ratings: np.ndarray) -> float:
    """statsmodels' aggregate_raters + fleiss_kappa(method="fleiss"), written out."""
    categories = np.unique(ratings)
    table = (ratings[:, :, None] == categories).sum(axis=1)
    n_items, n_raters = ratings.shape
    p = table.sum(axis=0) / (n_items * n_raters)
    agreement = ((table**2).sum(axis=1) - n_raters) / (n_raters * (n_raters - 1))
    return (agreement.mean() - (p**2).sum()) / (1 - (p**2).sum())


def test_fleiss_kappa_matches_the_textbook_formula_on_random_ratings():
    """Ints, the same numbers as floats, strings; classes that some items never get."""
    rng = np.random.default_rng(0)
    for trial in range(60):
        items, raters, classes = (int(v) for v in rng.integers((1, 2, 2), (20, 7, 5)))
        ratings = rng.integers(0, classes, (items, raters))
        if len(np.unique(ratings)) < 2:
            continue
        expected = _fleiss_textbook(ratings)
        as_kind = (ratings, ratings.astype(float), ratings.astype(str))[trial % 3]
        assert fleiss_kappa(as_kind) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: fleiss_kappa(pd.DataFrame({"a": list("ab")})), "at least 2 labelers"),
        (lambda: fleiss_kappa(pd.DataFrame({"a": ["x", None], "b": list("xy")})),
         r"items \[1\] have missing labels"),
        (lambda: fleiss_kappa(pd.DataFrame()), "ratings is empty"),
        (lambda: fleiss_kappa_from_counts([[2, 1], [1, 1]]), "row 0 sums to 3 and row 1 to 2"),
        (lambda: fleiss_kappa_from_counts([[1, 0], [0, 1]]), "at least 2 ratings per item"),
        (lambda: fleiss_kappa_from_counts([[2, -1], [1, 0]]), "non-negative whole numbers"),
        (lambda: fleiss_kappa_from_counts([[1.5, 0.5]]), "non-negative whole numbers"),
        (lambda: fleiss_kappa_from_counts([[3, 0], [3, 0]]), "every rating is the same class"),
        (lambda: fleiss_kappa_from_counts([]), "non-empty items × classes table"),
    ],
)  # fmt: skip
def test_fleiss_kappa_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- agreement table


def test_agreement_table_compares_every_pair(scratches):
    _, labels = scratches
    table = agreement_table(labels)
    assert list(table.columns) == ["labeler_a", "labeler_b", "n_items", "agreement", "kappa"]
    assert list(zip(table["labeler_a"], table["labeler_b"])) == list(
        itertools.combinations(labels.columns, 2)
    )
    for row in table.itertuples():
        a, b = labels[row.labeler_a], labels[row.labeler_b]
        assert row.agreement == pytest.approx((a == b).mean())
        assert row.kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    assert not table.isna().any().any()


def test_agreement_table_uses_items_both_labelled():
    labels = pd.DataFrame(
        {"a": ["x", "y", "x", None], "b": ["x", None, "y", "y"], "c": list("xyxy")}
    )
    table = agreement_table(labels).set_index(["labeler_a", "labeler_b"])
    assert table.loc[("a", "b"), "n_items"] == 2
    assert table.loc[("a", "c"), "n_items"] == 3
    assert table.loc[("a", "c"), "agreement"] == 1.0
    disjoint = pd.DataFrame({"a": ["x", "y", None, None], "b": [None, None, "x", "y"]})
    with pytest.raises(ValueError, match="no two labelers labelled a common item"):
        agreement_table(disjoint)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (pd.DataFrame({"a": list("xy")}), r"at least 2 labelers .* got 1: \['a'\]"),
        (pd.DataFrame(columns=["a", "b"]), "labels is empty: got 0 items × 2 labelers"),
        (pd.DataFrame([["x", "y"], ["x", "x"]], columns=["a", "a"]), r"duplicate labeler names"),
        (pd.DataFrame({"a": list("xy"), "b": list("xy")}, index=[1, 1]), "duplicate item ids"),
        (np.array(["x", "y"]), "should be a table"),
    ],
)
def test_tables_reject_bad_input(labels, message):
    with pytest.raises(ValueError, match=message):
        agreement_table(labels)


def test_arrays_are_accepted_as_tables():
    table = agreement_table(np.array([["x", "x"], ["y", "x"]]))
    assert table[["labeler_a", "labeler_b"]].iloc[0].tolist() == ["labeler_1", "labeler_2"]


# --------------------------------------------------------------------------- where they disagree


def test_majority_vote_breaks_ties_by_class_order():
    labels = pd.DataFrame({"a": ["y", "z", None], "b": ["x", "z", "y"]})
    assert majority_vote(labels).tolist() == ["x", "z", "y"]
    with pytest.raises(ValueError, match=r"items \[1\] have no labels"):
        majority_vote(pd.DataFrame({"a": ["x", None], "b": ["x", None]}))


def test_ambiguous_examples_sorts_by_disagreement_then_item():
    labels = pd.DataFrame(
        {"a": list("xxyzx"), "b": list("xyyzy"), "c": list("xzzzz"), "d": list("xxyzy")},
        index=[50, 40, 30, 20, 10],
    )
    table = ambiguous_examples(labels, top=None)
    assert list(table.columns) == ["majority", "share", "disagreement", "n_labels", "votes"]
    assert table.index.tolist() == [10, 40, 30, 20, 50]
    assert table.loc[10, "votes"] == {"y": 2, "x": 1, "z": 1}
    assert table.loc[10, "majority"] == "y"
    assert table.loc[40, "votes"] == {"x": 2, "y": 1, "z": 1}
    assert table["disagreement"].tolist() == pytest.approx([0.5, 0.5, 0.25, 0, 0])
    assert ambiguous_examples(labels, top=2).index.tolist() == [10, 40]
    for top in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="top should be a positive whole number"):
            ambiguous_examples(labels, top=top)


def test_ambiguous_examples_counts_only_given_labels():
    labels = pd.DataFrame({"a": ["x", "x"], "b": ["y", None], "c": [None, None]})
    table = ambiguous_examples(labels)
    assert table["n_labels"].tolist() == [2, 1]
    assert table["share"].tolist() == [0.5, 1.0]


def test_confusable_classes_finds_the_planted_pair(scratches):
    _, labels = scratches
    table = confusable_classes(labels)
    assert list(table.columns) == ["class_a", "class_b", "count", "share"]
    assert tuple(table.iloc[0][["class_a", "class_b"]]) == ("deep scratch", "shallow scratch")
    assert table["count"].is_monotonic_decreasing
    assert table["share"].sum() == pytest.approx(1)
    disagreeing_pairs = sum(
        (labels[a] != labels[b]).sum() for a, b in itertools.combinations(labels.columns, 2)
    )
    assert table["count"].sum() == disagreeing_pairs
    assert len(confusable_classes(labels, top=2)) == 2


def test_confusable_classes_is_empty_when_everyone_agrees():
    table = confusable_classes(pd.DataFrame({"a": list("xy"), "b": list("xy")}))
    assert table.empty and list(table.columns) == ["class_a", "class_b", "count", "share"]


# --------------------------------------------------------------------------- what to do about it


def test_merging_confused_classes_raises_kappa(scratches):
    _, labels = scratches
    merged = merge_classes(labels, MERGE)
    assert set(pd.unique(merged.stack())) == {"scratch", "dent", "ok"}
    assert merged.shape == labels.shape and merged.index.equals(labels.index)
    assert fleiss_kappa(merged) > fleiss_kappa(labels) + 0.05
    assert _mean_kappa(merged) > _mean_kappa(labels) + 0.05
    series = merge_classes(labels["ana"], MERGE)
    assert isinstance(series, pd.Series) and series.name == "ana"
    assert series.equals(merged["ana"])


def test_merge_classes_keeps_missing_labels():
    labels = pd.DataFrame({"a": ["deep", None], "b": ["shallow", "dent"]})
    merged = merge_classes(labels, {"deep": "scratch", "shallow": "scratch"})
    assert merged["a"].tolist()[0] == "scratch" and pd.isna(merged.loc[1, "a"])


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            {"deep scrach": "scratch"},
            r"no labeler used: \['deep scrach'\].*did you mean 'deep scratch'",
        ),
        ({}, "non-empty dict"),
        (["deep scratch"], "non-empty dict"),
    ],
)
def test_merge_classes_rejects_unknown_classes(scratches, mapping, message):
    with pytest.raises(ValueError, match=message):
        merge_classes(scratches[1], mapping)


def test_borderline_class_relabels_ambiguous_items(scratches):
    _, labels = scratches
    pair = ["deep scratch", "shallow scratch"]
    relabelled = borderline_class(labels, threshold=0.75, classes=pair)
    counts = label_counts(labels)
    share = counts.max(axis=1) / counts.sum(axis=1)
    ambiguous = (share < 0.75) & (counts.drop(columns=pair).sum(axis=1) == 0)
    assert ambiguous.sum() > 10
    assert (relabelled[ambiguous] == "borderline").all().all()
    assert relabelled[~ambiguous].equals(labels[~ambiguous])
    assert fleiss_kappa(labels) < fleiss_kappa(relabelled) < 1
    everything = borderline_class(labels, threshold=1.0, name="unsure")
    assert fleiss_kappa(everything) == pytest.approx(1)  # every disagreement became "unsure"
    assert borderline_class(labels, threshold=0.3).equals(labels)  # nothing is that ambiguous


def test_borderline_class_works_with_integer_classes():
    labels = pd.DataFrame({"a": [0, 1, 2], "b": [0, 2, 2], "c": [0, 1, 1]})
    relabelled = borderline_class(labels, threshold=1.0, classes=[1, 2])
    assert relabelled.values.tolist() == [[0, 0, 0], ["borderline"] * 3, ["borderline"] * 3]
    assert labels.dtypes.tolist() == [np.int64] * 3  # input untouched


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0}, "threshold is a share between 0 and 1"),
        ({"threshold": 75}, "threshold is a share between 0 and 1"),
        (
            {"classes": ["deep scratch", "scuff"]},
            r"classes names classes no labeler used: \['scuff'\]",
        ),
    ],
)
def test_borderline_class_rejects_bad_input(scratches, kwargs, message):
    with pytest.raises(ValueError, match=message):
        borderline_class(scratches[1], **kwargs)


# ----------------------------------------------------------------------- human-level performance


def test_hlp_against_ground_truth_is_labeler_accuracy(scratches):
    truth, labels = scratches
    hlp = human_level_performance(labels, ground_truth=truth)
    expected = {name: (labels[name] == truth).mean() for name in labels}
    assert hlp.method == "ground_truth"
    assert hlp.per_labeler.to_dict() == pytest.approx(expected)
    assert hlp.mean == pytest.approx(np.mean(list(expected.values())))
    assert hlp.best == pytest.approx(max(expected.values()))
    as_list = human_level_performance(labels, ground_truth=truth.tolist())
    assert as_list.per_labeler.equals(hlp.per_labeler)
    single = human_level_performance(labels[["ana"]], ground_truth=truth)  # one labeler is fine
    assert single.best == single.mean == pytest.approx(expected["ana"])


def test_hlp_recovers_simulated_accuracies():
    truth, labels = simulate_labelers(3000, ["a", "b", "c"], [0.95, 0.85, 0.75], seed=11)
    hlp = human_level_performance(labels, ground_truth=truth)
    assert hlp.per_labeler.tolist() == pytest.approx([0.95, 0.85, 0.75], abs=0.02)


def test_hlp_leave_one_out_scores_against_the_other_labelers():
    labels = pd.DataFrame(
        {"a": list("xxyy"), "b": list("xyyy"), "c": list("xxyx"), "d": list("xxyy")}
    )
    hlp = human_level_performance(labels)
    assert hlp.method == "leave_one_out"
    # a: the others' majority is x, x(2:1), y, y(2:1) → 4/4; c disagrees on item 3 → 3/4
    assert hlp.per_labeler.to_dict() == {"a": 1.0, "b": 0.75, "c": 0.75, "d": 1.0}
    assert (hlp.mean, hlp.best) == (0.875, 1.0)
    assert "majority of the other labelers" in str(hlp)


def test_hlp_leave_one_out_is_below_true_accuracy_with_noisy_peers(scratches):
    truth, labels = scratches
    peers = human_level_performance(labels)
    assert peers.mean < human_level_performance(labels, truth).mean


@pytest.mark.parametrize(
    ("labels", "truth", "message"),
    [
        (pd.DataFrame({"a": list("xy")}), None, "at least 2 labelers"),
        (pd.DataFrame({"a": list("xy")}), ["x"], r"one label per item \(2\), but got shape \(1,\)"),
        (pd.DataFrame({"a": list("xy")}), pd.Series(["x"], index=[0]), r"no label for items \[1\]"),
        (pd.DataFrame({"a": list("xy")}), ["x", None], r"ground_truth is missing for items \[1\]"),
        (pd.DataFrame({"a": ["x", None], "b": [None, "y"]}), None, "shares no labelled item"),
    ],
)
def test_hlp_rejects_bad_input(labels, truth, message):
    with pytest.raises(ValueError, match=message):
        human_level_performance(labels, ground_truth=truth)


# --------------------------------------------------------------------------- simulator


def test_simulator_is_seeded():
    first = simulate_labelers(50, SCRATCHES, {"ana": 0.8, "ben": 0.7}, seed=3)
    again = simulate_labelers(50, SCRATCHES, {"ana": 0.8, "ben": 0.7}, seed=3)
    other = simulate_labelers(50, SCRATCHES, {"ana": 0.8, "ben": 0.7}, seed=4)
    assert first[0].equals(again[0]) and first[1].equals(again[1])
    assert not first[1].equals(other[1])
    truth, labels = first
    assert truth.name == "truth" and labels.index.name == "item"
    assert labels.columns.tolist() == ["ana", "ben"] and labels.shape == (50, 2)
    assert set(pd.unique(labels.stack())) <= set(SCRATCHES)


def test_simulator_mistakes_follow_the_confusion_weights():
    pair = {("deep scratch", "shallow scratch"): 20}
    truth, labels = simulate_labelers(4000, SCRATCHES, [0.5, 0.5], confusion=pair, seed=1)
    given = labels[truth == "deep scratch"].stack()
    wrong = given[given != "deep scratch"].value_counts(normalize=True)
    assert wrong["shallow scratch"] == pytest.approx(20 / 22, abs=0.02)  # weights 20 : 1 : 1
    truth, labels = simulate_labelers(30, ["a", "b"], [1.0, 0.0], seed=0)
    assert (labels["labeler_1"] == truth).all() and (labels["labeler_2"] != truth).all()
    truth, labels = simulate_labelers(300, ["a", "b", "c"], [0.0], confusion={("a", "c"): 0})
    assert not ((truth == "a") & (labels["labeler_1"] == "c")).any()
    assert ((truth == "a") & (labels["labeler_1"] == "b")).any()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_items": 0}, "n_items should be a positive whole number"),
        ({"classes": ["a"]}, "at least 2 distinct labels"),
        ({"classes": ["a", "a"]}, "at least 2 distinct labels"),
        ({"accuracy_per_labeler": {"ana": 1.2}}, "accuracy of 'ana' should be a share"),
        ({"accuracy_per_labeler": [float("nan")]}, "accuracy of 'labeler_1' should be a share"),
        ({"accuracy_per_labeler": []}, "accuracy_per_labeler is empty"),
        ({"accuracy_per_labeler": ["0.9"]}, "should be a share between 0 and 1, but got '0.9'"),
        ({"confusion": {("a", "z"): 3}}, r"unknown classes \['z'\]"),
        ({"confusion": {("a", "a"): 3}}, "pairs of two classes"),
        ({"confusion": {("a", "b"): -1}}, "should be >= 0"),
        ({"classes": ["a", "b"], "confusion": {("a", "b"): 0}}, "confusion weight 0 with every"),
    ],
)
def test_simulator_rejects_bad_input(kwargs, message):
    args = {"n_items": 10, "classes": ["a", "b", "c"], "accuracy_per_labeler": [0.9], **kwargs}
    with pytest.raises(ValueError, match=message):
        simulate_labelers(**args)


# --------------------------------------------------------------------------- house rules


def test_import_is_light():
    code = (
        "import sys, mlep.data.labeling; "
        "heavy = {'tensorflow', 'torch', 'apache_beam', 'sklearn', 'matplotlib'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_labels_of_two_kinds_are_refused_like_scikit_learn():
    """1 and "1" scored 0 agreement; scikit-learn refuses the mix, and so does mlep now."""
    from sklearn.metrics import cohen_kappa_score

    with pytest.raises(ValueError):
        cohen_kappa_score([1, 2, 1], ["1", "2", "1"])
    with pytest.raises(TypeError, match="labels_a and labels_b must hold the same kind of label"):
        cohen_kappa([1, 2, 1], ["1", "2", "1"])
    with pytest.raises(TypeError, match="labels_a must hold labels of one kind"):
        cohen_kappa([1, "2", 1], [1, 2, 1])
    with pytest.raises(TypeError, match="labels must hold labels of one kind"):
        agreement_table(pd.DataFrame({"a": [1, 2, 1], "b": ["1", "2", "1"]}))
    table = pd.DataFrame({"a": [1, 2, None], "b": [1, 2, 2]})  # missing labels are no kind
    assert agreement_table(table)["kappa"].tolist() == [1.0]
