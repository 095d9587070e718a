"""Reference tests for mlep.modeling.analysis: hand-computed metrics equal scikit-learn's."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    classification_report,
    confusion_matrix,
    precision_recall_fscore_support,
)

from mlep.modeling import analysis as M

RNG = np.random.default_rng(2026)


@pytest.fixture(scope="module")
def digits_split():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


# --------------------------------------------------------------------------- import discipline


def test_import_is_light():
    code = (
        "import sys, mlep.modeling.analysis, mlep.data.augmentation\n"
        "heavy = ('tensorflow', 'torch', 'apache_beam', 'sklearn', 'matplotlib', 'scipy')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- metrics


def _skewed_labels(n=300):
    """Class 3 is never predicted, class 9 is predicted but never true, class 0 dominates."""
    y_true = RNG.choice([0, 1, 2, 3], size=n, p=[0.7, 0.15, 0.1, 0.05])
    y_pred = np.where(RNG.random(n) < 0.75, y_true, RNG.choice([0, 1, 2, 9], size=n))
    y_pred[y_pred == 3] = 0
    return y_true, y_pred


def test_confusion_equals_sklearn():
    y_true, y_pred = _skewed_labels()
    table = M.confusion(y_true, y_pred)
    np.testing.assert_array_equal(table.to_numpy(), confusion_matrix(y_true, y_pred))
    assert list(table.index) == [0, 1, 2, 3, 9] == list(table.columns)
    assert (table.index.name, table.columns.name) == ("true", "predicted")


def test_confusion_with_labels_keeps_their_order_and_unseen_classes():
    y_true, y_pred = _skewed_labels()
    labels = [9, 3, 2, 1, 0, 42]
    table = M.confusion(y_true, y_pred, labels=labels)
    np.testing.assert_array_equal(table.to_numpy(), confusion_matrix(y_true, y_pred, labels=labels))
    assert table.loc[42].sum() == 0 and table[42].sum() == 0


def test_per_class_report_equals_precision_recall_fscore_support():
    y_true, y_pred = _skewed_labels()
    report = M.per_class_report(y_true, y_pred)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, zero_division=0
    )
    classes = [0, 1, 2, 3, 9]
    np.testing.assert_allclose(report.loc[classes, "precision"].astype(float), precision)
    np.testing.assert_allclose(report.loc[classes, "recall"].astype(float), recall)
    np.testing.assert_allclose(report.loc[classes, "f1"].astype(float), f1)
    np.testing.assert_array_equal(report.loc[classes, "support"], support)
    # the two edge cases are 0, never NaN
    assert report.loc[3, "precision"] == 0.0  # never predicted
    assert report.loc[9, "recall"] == 0.0 and report.loc[9, "support"] == 0  # never true
    assert not report.isna().any().any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_per_class_report_averages_equal_classification_report(seed):
    rng = np.random.default_rng(seed)
    y_true = rng.choice(["ant", "bee", "cow", "dog"], size=200, p=[0.6, 0.25, 0.1, 0.05])
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.choice(["ant", "bee", "eel"], 200))
    report = M.per_class_report(y_true, y_pred)
    expected = classification_report(y_true, y_pred, zero_division=0, output_dict=True)
    for row in ["ant", "bee", "cow", "dog", "eel", "macro avg", "weighted avg"]:
        assert report.loc[row, "precision"] == pytest.approx(expected[row]["precision"])
        assert report.loc[row, "recall"] == pytest.approx(expected[row]["recall"])
        assert report.loc[row, "f1"] == pytest.approx(expected[row]["f1-score"])
        assert report.loc[row, "support"] == expected[row]["support"]
    assert list(report.columns) == ["precision", "recall", "f1", "support"]
    assert report["support"].dtype == np.int64


def test_perfect_predictions_score_one_everywhere():
    report = M.per_class_report([1, 2, 2], [1, 2, 2])
    assert (report[["precision", "recall", "f1"]] == 1.0).all().all()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: M.confusion([1, 2, 3], [1, 2]), "y_true has 3, y_pred has 2 entries"),
        (lambda: M.confusion([], []), "y_true is empty"),
        (lambda: M.confusion([[1, 2]], [[1, 2]]), r"y_true should be 1-D.*\(1, 2\)"),
        (lambda: M.confusion([1, np.nan], [1, 1]), "y_true has 1 missing label"),
        (lambda: M.confusion([1, 2], ["1", "2"]), "labels mix types"),
        (lambda: M.confusion([1, 2], [1, 3], labels=[1, 2]), r"class\(es\) \[3\]"),
        (lambda: M.confusion([1, 2], [1, 2], labels=[1, 1, 2]), "each class once"),
        (lambda: M.per_class_report([0, 1], [0]), "y_true has 2, y_pred has 1 entries"),
    ],
)
def test_metrics_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- error analysis


@pytest.fixture()
def speech():
    """10 clips; 4 errors. car_noise: clips 0-3 (3 errors), people_noise: 3-6 (1 error)."""
    tags = pd.DataFrame(
        {
            "car_noise": [True] * 4 + [False] * 6,
            "people_noise": [False] * 3 + [True] * 4 + [False] * 3,
            "low_bandwidth": [False] * 9 + [True],
        },
        index=range(100, 110),  # an index that does not start at 0 must not matter
    )
    y_true = list("aaaaaaaaaa")
    y_pred = list("bbbaaabaaa")  # wrong: 0, 1, 2, 6
    return tags, y_true, y_pred


def test_error_analysis_counts_by_tag(speech):
    table = M.error_analysis(*speech)
    assert list(table.columns) == [
        "tag",
        "examples",
        "fraction_of_data",
        "errors",
        "fraction_of_errors",
        "accuracy",
    ]
    assert table["tag"].tolist() == ["car_noise", "people_noise", "low_bandwidth"]
    assert table["examples"].tolist() == [4, 4, 1]
    assert table["errors"].tolist() == [3, 1, 0]
    np.testing.assert_allclose(table["fraction_of_data"], [0.4, 0.4, 0.1])
    np.testing.assert_allclose(table["fraction_of_errors"], [0.75, 0.25, 0.0])
    np.testing.assert_allclose(table["accuracy"], [0.25, 0.75, 1.0])


def test_error_analysis_with_hlp_ranks_by_potential_gain(speech):
    hlp = {"car_noise": 0.5, "people_noise": 0.95, "low_bandwidth": 0.9}
    table = M.error_analysis(*speech, hlp=hlp)
    # gaps: car 0.25 x 0.4 = 0.10; people 0.20 x 0.4 = 0.08; low_bw -0.1 x 0.1 = -0.01
    assert table["tag"].tolist() == ["car_noise", "people_noise", "low_bandwidth"]
    np.testing.assert_allclose(table["gap_to_hlp"], [0.25, 0.20, -0.10])
    np.testing.assert_allclose(table["potential_gain"], [0.10, 0.08, -0.01])
    hlp["people_noise"] = 1.0  # gap 0.25 x 0.4 = 0.10: a tie keeps column order
    hlp["car_noise"] = 0.3  # gap 0.05 x 0.4 = 0.02
    assert M.error_analysis(*speech, hlp=hlp)["tag"].tolist() == [
        "people_noise",
        "car_noise",
        "low_bandwidth",
    ]


def test_error_analysis_with_partial_hlp_puts_unknown_gains_last(speech):
    table = M.error_analysis(*speech, hlp={"low_bandwidth": 1.0})
    assert table["tag"].tolist() == ["low_bandwidth", "car_noise", "people_noise"]
    assert table.loc[0, "potential_gain"] == 0.0
    assert table["hlp"].isna().tolist() == [False, True, True]


def test_error_analysis_without_errors_has_zero_error_shares(speech):
    tags, y_true, _ = speech
    table = M.error_analysis(tags, y_true, y_true)
    assert table["fraction_of_errors"].tolist() == [0.0, 0.0, 0.0]
    assert table["accuracy"].tolist() == [1.0, 1.0, 1.0]


def test_error_analysis_accepts_0_1_columns_and_mappings(speech):
    tags, y_true, y_pred = speech
    as_ints = M.error_analysis(tags.astype(int), y_true, y_pred)
    as_dict = M.error_analysis({k: v.tolist() for k, v in tags.items()}, y_true, y_pred)
    pd.testing.assert_frame_equal(as_ints, M.error_analysis(tags, y_true, y_pred))
    pd.testing.assert_frame_equal(as_dict, as_ints)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t, yt, yp: (t, yt, yp[:-1]), "tags has 10, y_true has 10, y_pred has 9 entries"),
        (lambda t, yt, yp: (t.assign(car_noise="yes"), yt, yp), "'car_noise' should be boolean"),
        (lambda t, yt, yp: (t.assign(car_noise=2), yt, yp), "'car_noise' should be boolean"),
        (lambda t, yt, yp: (t.assign(car_noise=np.nan), yt, yp), "'car_noise' has missing"),
        (lambda t, yt, yp: (t.assign(car_noise=False), yt, yp), r"\['car_noise'\] mark no"),
        (lambda t, yt, yp: (t[[]], yt, yp), "tags has no columns"),
        (lambda t, yt, yp: (t.iloc[:0], [], []), "tags has no rows"),
    ],
)
def test_error_analysis_rejects_bad_input(speech, change, message):
    with pytest.raises(ValueError, match=message):
        M.error_analysis(*change(*speech))


@pytest.mark.parametrize(
    ("hlp", "message"),
    [
        ({"car_noise": 0.9, "rain": 0.8}, r"hlp has tag\(s\) \['rain'\] that are not columns"),
        ({"car_noise": 95}, r"between 0 and 1, got 95; write 95% as 0\.95"),
        ({"car_noise": -0.1}, "between 0 and 1, got -0.1"),
        ({"car_noise": "high"}, "should be a finite number, got str"),
        ({"car_noise": float("nan")}, "should be a finite number"),
    ],
)
def test_error_analysis_rejects_bad_hlp(speech, hlp, message):
    with pytest.raises(ValueError, match=message):
        M.error_analysis(*speech, hlp=hlp)


def test_error_analysis_needs_a_dataframe(speech):
    _, y_true, y_pred = speech
    with pytest.raises(TypeError, match="tags should be a DataFrame"):
        M.error_analysis(np.ones((10, 2), dtype=bool), y_true, y_pred)


def test_plot_error_analysis_draws_two_bars_per_tag(speech):
    from matplotlib.figure import Figure

    table = M.error_analysis(*speech, hlp={"car_noise": 0.9})
    figure = M.plot_error_analysis(table)
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    assert len(axes.patches) == 2 * len(table)
    ticks = dict(zip(axes.get_yticks(), (t.get_text() for t in axes.get_yticklabels())))
    assert [ticks[y] for y in sorted(ticks, reverse=True)] == table["tag"].tolist()  # top down
    widths = sorted(round(p.get_width(), 6) for p in axes.patches)
    assert widths == sorted(
        round(v, 6) for v in [*table["fraction_of_data"], *table["fraction_of_errors"]]
    )
    figure.savefig(__import__("io").BytesIO(), format="png")  # renders headless


def test_plot_error_analysis_rejects_other_tables():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['fraction_of_errors'\]"):
        M.plot_error_analysis(pd.DataFrame({"tag": ["a"], "fraction_of_data": [0.5]}))
    with pytest.raises(ValueError, match="no rows"):
        M.plot_error_analysis(
            pd.DataFrame(columns=["tag", "fraction_of_data", "fraction_of_errors"])
        )


# --------------------------------------------------------------------------- baselines


def test_majority_baseline_equals_dummy_classifier(digits_split):
    from sklearn.dummy import DummyClassifier

    X_train, X_test, y_train, y_test = digits_split
    dummy = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
    assert M.majority_baseline(y_train, y_test) == pytest.approx(dummy.score(X_test, y_test))
    assert M.majority_baseline([1, 1, 0, 0], [0, 0, 1]) == pytest.approx(2 / 3)  # tie -> 0
    assert isinstance(M.majority_baseline([1], [1]), float)


def test_majority_baseline_rejects_bad_input():
    with pytest.raises(ValueError, match="y_eval is empty"):
        M.majority_baseline([1, 0], [])
    with pytest.raises(ValueError, match="labels mix types"):
        M.majority_baseline(["spam", "ham"], [0, 1])


def test_quick_baseline_is_seeded_and_beats_majority(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    first = M.quick_baseline(X_train, y_train, X_test, y_test, seed=0)
    assert first == M.quick_baseline(X_train, y_train, X_test, y_test, seed=0)
    assert set(first) == {"model", "train_accuracy", "accuracy", "macro_f1"}
    assert first["model"] == "logistic_regression"
    assert first["accuracy"] > 0.9 > M.majority_baseline(y_train, y_test)
    tree = M.quick_baseline(X_train, y_train, X_test, y_test, model="tree", seed=3)
    assert tree == M.quick_baseline(X_train, y_train, X_test, y_test, model="tree", seed=3)
    assert tree["model"] == "decision_tree" and tree["train_accuracy"] == 1.0
    assert 0.7 < tree["accuracy"] < first["accuracy"]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ([[0.0], [1.0]], [0, 1], [[0.0, 1.0]], [0]),
            {},
            "X_train has 1 features but X_eval has 2",
        ),
        (([[0.0], [1.0]], [0, 0], [[0.0]], [0]), {}, "y_train has a single class 0"),
        (([[0.0], [1.0]], [0, 1, 1], [[0.0]], [0]), {}, "X_train has 2, y_train has 3 entries"),
        (([0.0, 1.0], [0, 1], [[0.0]], [0]), {}, r"X_train should be a non-empty 2-D.*\(2,\)"),
        (([[0.0], [np.nan]], [0, 1], [[0.0]], [0]), {}, "X_train has NaN"),
        (([[0.0], [1.0]], [0, 1], [[0.0]], [0]), {"model": "svm"}, "'logistic' or 'tree'"),
    ],
)
def test_quick_baseline_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        M.quick_baseline(*args, **kwargs)


def test_human_level_performance_against_ground_truth_skips_unlabelled_items():
    from mlep.data.labeling import human_level_performance

    labels = pd.DataFrame(
        {
            "ana": [0, 1, 1, 0, 1],
            "ben": [0, 1, 0, 0, np.nan],  # did not label the last item
            "cy": [1, 0, 1, 0, 1],
        }
    )
    hlp = human_level_performance(labels, [0, 1, 1, 0, 0])
    assert hlp.per_labeler.to_dict() == {"ana": 0.8, "ben": 0.75, "cy": 0.4}
    assert hlp.best == 0.8 and hlp.best_labeler == "ana"
    assert hlp.mean == pytest.approx((0.8 + 0.75 + 0.4) / 3)


@pytest.mark.parametrize(
    ("labels", "truth", "error", "message"),
    [
        (pd.DataFrame({"a": [0, 1]}), [0, 1, 1], ValueError, "one label per item"),
        (pd.DataFrame({"a": [np.nan, np.nan]}), [0, 1], ValueError, "'a' labelled no items"),
        (
            pd.DataFrame({"a": ["x", "y"]}),
            [0, 1],
            TypeError,
            "labels and ground_truth together must hold labels of one kind",
        ),
        (pd.DataFrame(), [], ValueError, "labels is empty"),
        ([[0, 1]], [0, 1], ValueError, "one label per item"),
    ],
)
def test_human_level_performance_rejects_bad_input(labels, truth, error, message):
    from mlep.data.labeling import human_level_performance

    with pytest.raises(error, match=message):
        human_level_performance(labels, truth)


def test_baseline_table_sorts_and_measures_gaps():
    table = M.baseline_table(majority=0.52, tree=0.84, logistic=0.97, human=0.97)
    assert table["baseline"].tolist() == ["logistic", "human", "tree", "majority"]
    np.testing.assert_allclose(table["gap_to_best"], [0.0, 0.0, 0.13, 0.45])
    assert list(table.columns) == ["baseline", "score", "gap_to_best"]


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({}, "needs at least one score"),
        ({"logistic": {"accuracy": 0.9}}, r"logistic=result\['accuracy'\]"),
        ({"human": float("nan")}, "human should be a finite number"),
        ({"human": "0.9"}, "human should be a finite number, got str"),
    ],
)
def test_baseline_table_rejects_bad_scores(scores, message):
    with pytest.raises(ValueError, match=message):
        M.baseline_table(**scores)


# --------------------------------------------------------------------------- overfit check


def test_overfit_small_set_passes_for_a_flexible_model(digits_split):
    from sklearn.tree import DecisionTreeClassifier

    X_train, _, y_train, _ = digits_split
    result = M.overfit_small_set(DecisionTreeClassifier, X_train, y_train, n=20, seed=0)
    assert result["ok"] is True and result["train_accuracy"] == 1.0 and result["n"] == 20
    assert "full training set" in result["message"]


def test_overfit_small_set_flags_a_model_that_cannot_learn(digits_split):
    from sklearn.tree import DecisionTreeClassifier

    X_train, _, y_train, _ = digits_split
    result = M.overfit_small_set(lambda: DecisionTreeClassifier(max_depth=1), X_train, y_train)
    assert result["ok"] is False
    assert result["train_accuracy"] == 0.45  # one split can tell apart only 2 of ~10 classes
    assert "cannot even overfit" in result["message"] and "11 of its own 20" in result["message"]


def test_overfit_small_set_accepts_dataframes():
    from sklearn.tree import DecisionTreeClassifier

    X = pd.DataFrame({"x": range(10)}, index=range(50, 60))
    y = pd.Series([0, 1] * 5, index=range(50, 60))
    assert M.overfit_small_set(DecisionTreeClassifier, X, y, n=6)["ok"] is True


def test_overfit_small_set_rejects_bad_input():
    from sklearn.linear_model import LogisticRegression

    X, y = np.arange(20).reshape(10, 2), [0, 1] * 5
    with pytest.raises(TypeError, match="lambda: LogisticRegression"):
        M.overfit_small_set(LogisticRegression(), X, y)
    with pytest.raises(TypeError, match="returned a int, which has no fit"):
        M.overfit_small_set(lambda: 3, X, y, n=4)
    with pytest.raises(ValueError, match="n=20 but X has only 10 examples"):
        M.overfit_small_set(LogisticRegression, X, y)
    with pytest.raises(ValueError, match="X has 10, y has 9 entries"):
        M.overfit_small_set(LogisticRegression, X, y[:9], n=4)
    with pytest.raises(ValueError, match="all have class 0"):
        M.overfit_small_set(LogisticRegression, X, [0] * 9 + [1], n=2, seed=0)
    with pytest.raises(ValueError, match="n should be an integer >= 2"):
        M.overfit_small_set(LogisticRegression, X, y, n=1)


def test_no_nan_in_any_metric_of_a_degenerate_but_valid_input():
    report = M.per_class_report(["a"], ["b"])
    assert not report.isna().any().any()
    assert math.isclose(report.loc["macro avg", "f1"], 0.0)


@pytest.mark.parametrize("seed", [None, "0", 1.5, True])
def test_baseline_seeds_must_be_integers(seed):
    X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    with pytest.raises(TypeError, match="seed must be an integer"):
        M.quick_baseline(X, y, X, y, model="tree", seed=seed)
    with pytest.raises(TypeError, match="seed must be an integer"):
        M.overfit_small_set(lambda: None, X, y, n=2, seed=seed)
