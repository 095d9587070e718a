"""Reference tests for mlep.modeling.analysis.fairness, on the planted-bias loan data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlep.data import datasets
from mlep.modeling.analysis import fairness as F

FEATURES = ["age", "income", "debt_ratio", "late_payments", "credit_history_years"]


@pytest.fixture(scope="module")
def loans():
    """A logistic model of the train split; its scores on a validation part and on eval."""
    train = datasets.load("loan_applications", "train")
    eval_ = datasets.load("loan_applications", "eval")
    fit, val = train_test_split(train, test_size=0.3, random_state=0, stratify=train["group"])
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(
        fit[FEATURES], fit["defaulted"]
    )
    score = lambda frame: model.predict_proba(frame[FEATURES])[:, 1]  # noqa: E731
    return {
        "val": val.assign(score=score(val)),
        "eval": eval_.assign(score=score(eval_)),
        "fit": fit,
        "model": model,
    }


def test_group_rates_equal_sklearn_confusion_matrices(loans):
    frame = loans["eval"]
    pred = (frame["score"] >= 0.5).astype(int)
    table = F.group_rates(frame["defaulted"], pred, frame["group"])
    assert list(table.index) == ["A", "B"]
    for group, part in frame.groupby("group"):
        tn, fp, fn, tp = confusion_matrix(
            part["defaulted"], pred[part.index], labels=[0, 1]
        ).ravel()
        row = table.loc[group]
        assert row["count"] == len(part)
        assert row["fpr"] == pytest.approx(fp / (fp + tn))
        assert row["fnr"] == pytest.approx(fn / (fn + tp))
        assert row["tpr"] == pytest.approx(tp / (fn + tp))
        assert row["selection_rate"] == pytest.approx((tp + fp) / len(part))
        assert row["accuracy"] == pytest.approx((tp + tn) / len(part))


def test_the_planted_bias_shows_as_an_fpr_gap(loans):
    frame = loans["eval"]
    table = F.group_rates(frame["defaulted"], (frame["score"] >= 0.5).astype(int), frame["group"])
    gaps = F.fairness_gaps(table)
    assert table.loc["B", "fpr"] > table.loc["A", "fpr"] + 0.15
    assert gaps["fpr_gap"] == pytest.approx(table["fpr"].max() - table["fpr"].min())
    assert gaps["selection_rate_ratio"] < 0.8  # fails the four-fifths rule
    assert abs(table.loc["A", "base_rate"] - table.loc["B", "base_rate"]) < 0.05  # same true risk


@pytest.mark.slow  # a TFMA Beam pipeline
def test_rates_match_fairness_indicators(loans):
    """TFMA's FairnessIndicators metric counts a score above the threshold as positive."""
    from mlep.modeling.analysis import sliced

    frame = loans["eval"][["defaulted", "group", "score"]]
    config = sliced.eval_config(
        label_key="defaulted",
        prediction_key="score",
        slices=["group"],
        metrics=["ExampleCount"],
        fairness_thresholds=[0.3, 0.5],
    )
    metrics = sliced.analyze_predictions(frame, config).metrics.set_index("slice")
    for threshold in (0.3, 0.5):
        table = F.group_rates(
            frame["defaulted"], (frame["score"] > threshold).astype(int), frame["group"]
        )
        for group in ["A", "B"]:
            got = metrics.loc[f"group={group}"]
            prefix = "fairness_indicators_metrics/"
            assert got[f"{prefix}false_positive_rate@{threshold}"] == pytest.approx(
                table.loc[group, "fpr"]
            )
            assert got[f"{prefix}false_negative_rate@{threshold}"] == pytest.approx(
                table.loc[group, "fnr"]
            )
            assert got[f"{prefix}positive_rate@{threshold}"] == pytest.approx(
                table.loc[group, "selection_rate"]
            )


def test_group_thresholds_narrow_the_fpr_gap_at_little_cost(loans):
    val, frame = loans["val"], loans["eval"]
    before = F.group_rates(frame["defaulted"], (frame["score"] >= 0.5).astype(int), frame["group"])
    fitted = F.GroupThresholds().fit(val["defaulted"], val["score"], val["group"])
    assert fitted.thresholds_["B"] > fitted.thresholds_["A"]  # B's scores are inflated
    after = F.group_rates(
        frame["defaulted"], fitted.predict(frame["score"], frame["group"]), frame["group"]
    )
    gap_before, gap_after = F.fairness_gaps(before)["fpr_gap"], F.fairness_gaps(after)["fpr_gap"]
    assert gap_after < gap_before / 2
    accuracy = lambda t: (t["accuracy"] * t["count"]).sum() / t["count"].sum()  # noqa: E731
    assert accuracy(after) > accuracy(before) - 0.03
    # on the data it was fitted on, every group is at or below the target FPR
    on_val = F.group_rates(
        val["defaulted"], fitted.predict(val["score"], val["group"]), val["group"]
    )
    assert (on_val["fpr"] <= fitted.target_fpr_ + 1e-12).all()


def test_group_thresholds_take_the_smallest_threshold_that_meets_the_target():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    scores = np.clip(0.3 * y + rng.random(400) * 0.7, 0, 1)
    groups = rng.choice(["x", "y"], 400)
    fitted = F.GroupThresholds(target_fpr=0.2).fit(y, scores, groups)
    for group, threshold in fitted.thresholds_.items():
        neg = scores[(groups == group) & (y == 0)]
        assert (neg >= threshold).mean() <= 0.2
        lower = scores[groups == group][scores[groups == group] < threshold]
        if len(lower):  # the next lower score would break the target
            assert (neg >= lower.max()).mean() > 0.2


def test_group_thresholds_equal_a_brute_force_search_on_random_scores():
    """Tied and rounded scores; targets that make target * negatives whole (0.2 * 10)."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(4, 40))
        y, groups = rng.integers(0, 2, n), rng.choice(["a", "b"], n)
        scores = np.round(rng.random(n), int(rng.integers(1, 3)))
        if any(((groups == g) & (y == 0)).sum() == 0 for g in ("a", "b")):
            continue
        target = float(rng.choice([0.0, 0.1, 0.2, 0.25, 1 / 3, 0.5, 1.0]))
        fitted = F.GroupThresholds(target_fpr=target).fit(y, scores, groups).thresholds_
        for group in ("a", "b"):
            mine = groups == group
            negatives = scores[mine & (y == 0)]
            meets = [t for t in np.unique(scores[mine]) if (negatives >= t).mean() <= target]
            nothing = float(np.nextafter(scores[mine].max(), np.inf))
            assert fitted[group] == (min(meets) if meets else nothing)


def test_reweighing_makes_group_and_label_independent(loans):
    fit = loans["fit"]
    w = F.reweighing_weights(fit["defaulted"], fit["group"])
    assert w.sum() == pytest.approx(len(fit))
    group, y = fit["group"].to_numpy(), fit["defaulted"].to_numpy()
    rates = [np.average(y[group == g], weights=w[group == g]) for g in ["A", "B"]]
    assert rates[0] == pytest.approx(rates[1], abs=1e-12)
    assert rates[0] == pytest.approx(y.mean())
    assert np.average(y[group == "A"]) != pytest.approx(np.average(y[group == "B"]), abs=1e-3)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: F.group_rates([0, 2], [0, 1], ["a", "b"]), "0/1 labels"),
        (lambda: F.group_rates([0, 1], [0, 1], ["a"]), "one group per example"),
        (lambda: F.fairness_gaps(pd.DataFrame({"fpr": [0.1]})), "lacks"),
        (
            lambda: F.GroupThresholds(target_fpr=1.5).fit([0, 1], [0.2, 0.8], ["a", "a"]),
            "between 0 and 1",
        ),
        (lambda: F.GroupThresholds().predict([0.5], ["a"]), "not fitted"),
        (
            lambda: F.GroupThresholds(target_fpr=0.1).fit([1, 1], [0.2, 0.8], ["a", "a"]),
            "no negative",
        ),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises((ValueError, RuntimeError), match=message):
        call()


def test_plot_group_rates_draws_one_bar_per_group_and_rate(loans):
    frame = loans["eval"]
    table = F.group_rates(frame["defaulted"], (frame["score"] >= 0.5).astype(int), frame["group"])
    figure = F.plot_group_rates(table)
    bars = figure.axes[0].patches
    assert len(bars) == 2 * 3
    assert bars[0].get_height() == pytest.approx(table.loc["A", "fpr"])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: F.group_rates("0101", [0, 1, 0, 1], list("abab")),
            TypeError,
            "y_true must be a sequence of 0/1",
        ),
        (
            lambda: F.group_rates([0, 1], [0, 1, 1], ["a", "b"]),
            ValueError,
            "y_true and y_pred must have the same length",
        ),
        (lambda: F.group_rates([0, 1], [0, 1], "ab"), TypeError, "groups must be a sequence"),
        (
            lambda: F.group_rates([0, 1], [0, 1], ["a", None]),
            ValueError,
            "groups must not hold missing",
        ),
        (
            lambda: F.group_rates([0, np.nan], [0, 1], ["a", "b"]),
            ValueError,
            "y_true must hold 0/1 labels",
        ),
        (
            lambda: F.GroupThresholds(target_fpr=0.1).fit([0, 1], [0.2, np.nan], ["a", "a"]),
            ValueError,
            "scores must hold finite",
        ),
        (
            lambda: F.GroupThresholds(target_fpr="0.1").fit([0, 1], [0.2, 0.8], ["a", "a"]),
            TypeError,
            "target_fpr must be a number",
        ),
        (
            lambda: (
                F.GroupThresholds(target_fpr=0.1)
                .fit([0, 1], [0.2, 0.8], ["a", "a"])
                .predict([0.5], "a")
            ),
            TypeError,
            "groups must be a sequence",
        ),
        (
            lambda: (
                F.GroupThresholds(target_fpr=0.1)
                .fit([0, 1], [0.2, 0.8], ["a", "a"])
                .predict([0.5, 0.6], ["a"])
            ),
            ValueError,
            "one group per example",
        ),
        (
            lambda: F.fairness_gaps({"fpr": [0.1], "fnr": [0.1], "selection_rate": [0.5]}),
            TypeError,
            "rates must be group_rates",
        ),
        (
            lambda: F.fairness_gaps(pd.DataFrame(columns=["fpr", "fnr", "selection_rate"])),
            ValueError,
            "empty table",
        ),
        (
            lambda: F.plot_group_rates(F.group_rates([0, 1], [0, 1], ["a", "b"]), columns="fpr"),
            TypeError,
            "wrap it in a list",
        ),
        (lambda: F.reweighing_weights([0, 1], ["a"]), ValueError, "one group per example"),
    ],
)
def test_bad_second_arguments_are_refused_with_checks_wording(call, error, message):
    with pytest.raises(error, match=message):
        call()
