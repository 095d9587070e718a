"""Benchmark: labels saved by active learning, and label model vs majority vote (``make bench``).

Active learning: scikit-learn digits (1,200-image pool, 597 test images), logistic regression,
20 random seed labels, then rounds of 5 queries; reports the labels each modAL strategy needs to
reach the target test accuracy (median over seeds; "never" if the 170-label budget runs out) and
the wall time per curve. Weak supervision: six keyword/length labeling functions on
``video_comments``; label model fit on the unlabeled train split, both scored on test.
"""

from __future__ import annotations

import statistics
import time
import warnings

from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from mlep.data import datasets
from mlep.data.labeling import active, weak

TARGET = 0.9
SEEDS = range(5)


def active_rows() -> list[str]:
    X, y = load_digits(return_X_y=True)
    X = X / 16
    rows = []
    for strategy in active.STRATEGIES:
        reached, seconds = [], []
        for seed in SEEDS:
            start = time.perf_counter()
            curve = active.learning_curve(
                LogisticRegression(max_iter=300),
                X[:1200],
                y[:1200],
                X[1200:],
                y[1200:],
                strategy=strategy,
                initial=20,
                rounds=30,
                batch_size=5,
                seed=seed,
            )
            seconds.append(time.perf_counter() - start)
            reached.append(active.labels_to_reach(curve, TARGET))
        hits = [r for r in reached if r is not None]
        median = (
            f"{statistics.median(hits):.0f}"
            if len(hits) == len(reached)
            else "never"
            if not hits
            else (f"{statistics.median(hits):.0f} ({len(hits)}/{len(reached)} seeds)")
        )
        rows.append(f"| {strategy} | {median} | {statistics.mean(seconds):.2f} s |")
    return rows


def weak_rows() -> list[str]:
    from snorkel.labeling import labeling_function

    @labeling_function()
    def short_comment(row):
        return weak.HAM if len(row.text.split()) < 8 else weak.ABSTAIN

    lfs = [
        weak.keyword_lf("subscribe", ["subscribe"], weak.SPAM),
        weak.keyword_lf("check_out", ["check out"], weak.SPAM),
        weak.keyword_lf("song", ["song"], weak.HAM),
        weak.keyword_lf("free", ["free", "win", "gift", "money"], weak.SPAM),
        weak.keyword_lf("love", ["love"], weak.HAM),
        short_comment,
    ]
    train, test = datasets.load("video_comments", "train"), datasets.load("video_comments", "test")
    start = time.perf_counter()
    L_train, L_test = weak.apply_lfs(lfs, train), weak.apply_lfs(lfs, test)
    scores = weak.compare_with_majority_vote(L_train, L_test, test["label"], seed=0)
    took = time.perf_counter() - start
    return [
        f"| {m} | {a:.3f} |" for m, a in zip(scores["method"], scores["accuracy"], strict=True)
    ] + [f"| (apply 6 LFs to 2,000 rows + fit label model) | {took:.1f} s |"]


def main() -> None:
    warnings.filterwarnings("ignore")
    print(
        f"\nActive learning on digits: labels to reach {TARGET:.0%} test accuracy, "
        f"{len(SEEDS)} seeds"
    )
    print("| strategy | labels (median) | time per curve |\n|---|---|---|")
    print("\n".join(active_rows()))
    print("\nWeak supervision on video_comments (test accuracy, 400 labeled rows)")
    print("| method | accuracy |\n|---|---|")
    print("\n".join(weak_rows()))


if __name__ == "__main__":
    main()
