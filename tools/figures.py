"""Draw the reading pages' charts: ``make figures`` (course environment).

Each chart runs the ``mlep`` library on the shipped data (``datasets/``), seeded, and is saved
as a deterministic SVG under ``course/figures/`` (fixed ``svg.hashsalt``, no date, text kept as
text), so the same inputs give the same bytes. ``course/figures/figures.json`` records, per
figure, a hash of its inputs (this script, the library modules it calls with docstrings and
comments left out, the dataset files it reads) and of the SVG; ``tests/site/test_figures.py``
recomputes the input hashes without drawing anything and fails when a figure is stale,
missing, edited by hand or not shown on any page.

Usage::

    python tools/figures.py            # redraw every figure, rewrite the manifest
    python tools/figures.py NAME ...   # redraw some (the manifest keeps the others)
    python tools/figures.py --check    # exit 1 if a figure is stale or missing (no drawing)

This module imports only the standard library at import time: the test reads ``FIGURES`` and
:func:`input_hash` without loading matplotlib or the library.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "course" / "figures"
MANIFEST = OUT / "figures.json"
SEED = 0


@dataclass(frozen=True)
class Figure:
    name: str
    draw: Callable
    # library modules whose code it shows (the loader mlep.data.datasets is not listed: the
    # data files themselves are hashed, and a loader refactor is not a new figure)
    modules: tuple[str, ...]
    datasets: tuple[str, ...]  # dataset folders it reads


FIGURES: dict[str, Figure] = {}


def figure(name: str, *, modules: tuple[str, ...] = (), datasets: tuple[str, ...] = ()):
    """Register a drawing function as the figure ``course/figures/<name>.svg``."""

    if isinstance(modules, str) or isinstance(datasets, str):
        raise TypeError(f"{name}: modules and datasets must be tuples of names, not a string")

    def register(draw: Callable) -> Callable:
        FIGURES[name] = Figure(name, draw, tuple(modules), tuple(datasets))
        return draw

    return register


# -- hashes (standard library only) ----------------------------------------------------------


def _module_file(dotted: str) -> Path:
    base = REPO / "lib" / Path(*dotted.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _code_only(source: str) -> str:
    """The module's code without docstrings or comments (a docstring fix is not a new figure)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.Pass()
    return ast.dump(tree)


def input_hash(fig: Figure) -> str:
    """sha256 of what the figure is drawn from: this script, its library modules, its data."""
    digest = hashlib.sha256()
    digest.update(_code_only(Path(__file__).read_text(encoding="utf-8")).encode())
    for dotted in sorted(fig.modules):
        digest.update(dotted.encode())
        digest.update(_code_only(_module_file(dotted).read_text(encoding="utf-8")).encode())
    for name in sorted(fig.datasets):
        for file in sorted((REPO / "datasets" / name).glob("*")):
            if file.is_file():
                digest.update(f"{name}/{file.name}".encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stale() -> list[str]:
    """Problems with the committed figures (empty when every figure is up to date)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else {}
    problems = []
    for name, fig in FIGURES.items():
        svg = OUT / f"{name}.svg"
        entry = manifest.get(name)
        if not svg.is_file() or entry is None:
            problems.append(f"{name}: missing (course/figures/{name}.svg or its manifest entry)")
        elif entry["inputs"] != input_hash(fig):
            problems.append(f"{name}: stale (its script, library code or data changed)")
        elif entry["svg"] != file_hash(svg):
            problems.append(f"{name}: the SVG differs from the one `make figures` drew")
    for name in sorted(set(manifest) - set(FIGURES)):
        problems.append(f"{name}: in the manifest but no longer drawn by tools/figures.py")
    return problems


# -- drawing ---------------------------------------------------------------------------------


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcdefaults()
    plt.rcParams.update(
        {
            "svg.hashsalt": "mlep-figures",  # fixed ids: same drawing, same bytes
            "svg.fonttype": "none",  # text stays text: small files, the page's font
            "figure.figsize": (7.0, 3.6),
            "figure.dpi": 100,
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "figure.facecolor": "white",
            "axes.facecolor": "white",
        }
    )
    return plt


def render(fig: Figure) -> bytes:
    """Draw one figure and return its SVG bytes."""
    plt = _pyplot()
    drawing = fig.draw(plt)
    if drawing.get_layout_engine() is None:  # the library's plots may bring their own
        drawing.tight_layout()
    buffer = io.BytesIO()
    drawing.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(drawing)
    return buffer.getvalue()


def _quiet_env() -> None:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")


# -- the figures -----------------------------------------------------------------------------


@figure("c1w1-canary", modules=("mlep.deployment.rollout",))
def canary_stages(plt):
    from mlep.deployment import rollout

    requests = rollout.request_stream(20_000, seed=SEED)
    guards = {"error_rate": 0.25, "latency_p95_ms": 50}
    current = rollout.ThresholdModel()
    good = rollout.canary(
        requests, current, rollout.ThresholdModel(threshold=0.1), guards=guards, seed=SEED
    )
    bad = rollout.canary(
        requests,
        current,
        rollout.NoisyModel(rollout.ThresholdModel(), flip_rate=0.3, seed=SEED),
        guards=guards,
        seed=SEED,
    )
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    for result, label, color in (
        (good, "good candidate", "tab:green"),
        (bad, "bad candidate", "tab:red"),
    ):
        log = result.log
        stages = range(1, len(log) + 1)
        left.step(
            stages,
            log["percent"],
            where="post",
            color=color,
            marker="o",
            label=f"{label}: {result.decision}",
        )
        right.plot(stages, log["error_rate"], color=color, marker="o", label=label)
    left.set(
        xlabel="stage",
        ylabel="% of traffic on the candidate",
        ylim=(0, 105),
        title="Traffic share per stage",
    )
    right.axhline(guards["error_rate"], color="black", linestyle="--", linewidth=1)
    right.annotate(
        "guard: error rate 0.25",
        (1, guards["error_rate"]),
        xytext=(0, 4),
        textcoords="offset points",
        fontsize=9,
    )
    right.set(xlabel="stage", ylabel="candidate's error rate", title="What the guard sees")
    left.legend(loc="lower right", fontsize=9)
    right.legend(loc="center right", fontsize=9)
    return fig


@figure("c1w1-automation", modules=("mlep.deployment.rollout",))
def automation_degrees(plt):
    import numpy as np

    from mlep.deployment import rollout

    requests = rollout.request_stream(5_000, noise=0.7, seed=SEED)
    x0 = requests["x0"].to_numpy()
    confidence = np.abs(1 / (1 + np.exp(-2.5 * x0)) - 0.5) * 2  # the model's certainty
    correct = (x0 > 0).astype(int) == requests["label"].to_numpy(dtype=int)
    table = rollout.automation_tradeoff(
        confidence, correct, human_cost=1.0, error_cost=5.0, thresholds=np.linspace(0, 1, 41)
    )
    chosen = rollout.choose_threshold(table)["threshold"]
    return rollout.plot_automation_tradeoff(table, chosen=chosen)


@figure(
    "c2w1-skew", modules=("mlep.deployment.monitoring.drift",), datasets=("hospital_readmission",)
)
def serving_skew(plt):
    import numpy as np

    from mlep.data.datasets import load
    from mlep.deployment.monitoring import drift

    train = load("hospital_readmission", "train")
    serving = load("hospital_readmission", "serving")
    fig, (left, right) = plt.subplots(1, 2, figsize=(8.4, 3.4))
    # a categorical feature: shares per value, and the L-infinity distance TFDV uses
    shares = [
        train["age"].astype(str).value_counts(normalize=True),
        serving["age"].astype(str).value_counts(normalize=True),
    ]
    values = sorted(set(shares[0].index) | set(shares[1].index))
    xs = np.arange(len(values))
    for offset, share, label in ((-0.2, shares[0], "train"), (0.2, shares[1], "serving")):
        left.bar(xs + offset, [share.get(v, 0.0) for v in values], width=0.4, label=label)
    left.set_xticks(xs, values, rotation=45, fontsize=8)
    linf = drift.l_infinity(train["age"], serving["age"])
    left.set(title=f"age (categorical): L-infinity {linf:.3f}", ylabel="share of rows")
    left.legend(fontsize=9)
    # a numeric feature: histograms, and the Jensen-Shannon divergence
    feature = "num_lab_procedures"
    a, b = train[feature].dropna(), serving[feature].dropna()
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=20)
    right.hist(a, bins=edges, density=True, alpha=0.55, label="train")
    right.hist(b, bins=edges, density=True, alpha=0.55, label="serving")
    js = drift.jensen_shannon(a, b)
    right.set(title=f"{feature}: JS divergence {js:.3f}", ylabel="density")
    right.legend(fontsize=9)
    return fig


@figure("c3w2-contrast", modules=("mlep.modeling.compression",))
def distance_contrast(plt):
    from mlep.modeling import compression

    dims = [2, 5, 10, 20, 50, 100, 200, 500, 1000]
    contrast = [compression.distance_contrast(d, seed=SEED) for d in dims]
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    ax.loglog(dims, contrast, marker="o")
    ax.set(
        xlabel="dimensions",
        ylabel="relative contrast (d_max − d_min) / d_min",
        title="Distances look alike in high dimensions (500 uniform points)",
    )
    return fig


def _digits():
    """The C3W2 lab's data: scikit-learn's bundled digits (offline), pixels in [0, 1]."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16, y, test_size=0.25, random_state=0, stratify=y)


@figure("c3w2-noise")
def noise_columns(plt):
    import numpy as np
    from sklearn.neighbors import KNeighborsClassifier

    X_train, X_test, y_train, y_test = _digits()
    rng = np.random.default_rng(SEED)
    extras = [0, 16, 64, 256, 1024]
    accuracy = []
    for extra in extras:
        noise_train, noise_test = (
            rng.random((len(X_train), extra)),
            rng.random((len(X_test), extra)),
        )
        knn = KNeighborsClassifier().fit(np.hstack([X_train, noise_train]), y_train)
        accuracy.append(knn.score(np.hstack([X_test, noise_test]), y_test))
    fig, ax = plt.subplots(figsize=(6.5, 3.3))
    ax.plot([e + 1 for e in extras], accuracy, marker="o")
    for extra, value in zip(extras, accuracy):
        ax.annotate(
            f"{value:.3f}",
            (extra + 1, value),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )
    ax.set_xscale("log")
    ax.set_xticks([e + 1 for e in extras], [str(e) for e in extras])
    ax.set(
        xlabel="columns of uniform noise added to the 64 pixels",
        ylim=(0.5, 1.02),
        ylabel="5-NN test accuracy",
        title="Digits: useless dimensions drown the useful ones",
    )
    return fig


@figure("c3w2-pca", modules=("mlep.modeling.compression",))
def pca_variance(plt):
    import numpy as np
    from sklearn.neighbors import KNeighborsClassifier

    from mlep.modeling import compression

    X_train, X_test, y_train, y_test = _digits()
    _, full = compression.reduce(X_train, method="pca", n_components=64, seed=SEED)
    ks = [2, 5, 9, 13, 21, 28, 41, 64]
    accuracy = []
    for k in ks:
        projected, pca = compression.reduce(X_train, method="pca", n_components=k, seed=SEED)
        knn = KNeighborsClassifier().fit(projected, y_train)
        accuracy.append(knn.score(pca.transform(X_test), y_test))
    variance = np.cumsum(full.explained_variance_ratio_)
    fig, ax = plt.subplots(figsize=(6.8, 3.4))
    ax.plot(range(1, 65), variance, label="variance kept (cumulative)")
    ax.plot(ks, accuracy, marker="s", label="5-NN test accuracy")
    ax.set(
        xlabel="principal components kept (of 64 pixels)",
        ylim=(0, 1.02),
        title="Digits: a third of the components keep the accuracy",
    )
    ax.legend(loc="lower right", fontsize=9)
    return fig


def _loan_model():
    import pandas as pd
    from sklearn.ensemble import RandomForestClassifier

    from mlep.data.datasets import load

    train, test = load("loan_applications", "train"), load("loan_applications", "eval")
    features = ["age", "income", "debt_ratio", "late_payments", "credit_history_years"]
    model = RandomForestClassifier(n_estimators=100, min_samples_leaf=5, random_state=SEED)
    model.fit(train[features], train["defaulted"])
    return model, pd.DataFrame(test[features]), test


@figure("c3w5-importance", modules=("mlep.modeling.explain",), datasets=("loan_applications",))
def permutation_importance(plt):
    from mlep.modeling import explain

    model, X, test = _loan_model()
    table = explain.permutation_importance(model, X, test["defaulted"], n_repeats=10, seed=SEED)
    return explain.plot_importance(table)


@figure("c3w5-pdp", modules=("mlep.modeling.explain",), datasets=("loan_applications",))
def partial_dependence(plt):
    from mlep.modeling import explain

    model, X, _ = _loan_model()
    table = explain.partial_dependence(model, X.head(150), "debt_ratio", ice=True)
    return explain.plot_partial_dependence(table)


@figure(
    "c3w4-fairness", modules=("mlep.modeling.analysis.fairness",), datasets=("loan_applications",)
)
def group_rates(plt):
    from mlep.modeling.analysis import fairness

    model, X, test = _loan_model()
    predicted = (model.predict_proba(X)[:, 1] >= 0.5).astype(int)
    rates = fairness.group_rates(test["defaulted"], predicted, test["group"])
    return fairness.plot_group_rates(rates)


@figure("c4w2-autoscaling", modules=("mlep.deployment.autoscaling",), datasets=("metro_traffic",))
def autoscaling_replay(plt):
    import numpy as np

    from mlep.data.datasets import load
    from mlep.deployment import autoscaling

    train = load("metro_traffic", "train")
    day = train.groupby("hour")["traffic_volume"].mean().to_numpy()  # a typical day, by hour
    load_per_step = np.tile(day, 3) / 10  # three days; one request per ten vehicles
    load_per_step[40:44] *= 1.8  # a sudden spike on the second day
    steps = autoscaling.simulate(
        load_per_step, autoscaling.HPA(max_replicas=12), capacity_per_replica=60, startup_steps=2
    )
    return autoscaling.plot_simulation(steps, capacity_per_replica=60)


@figure("c4w4-psi", modules=("mlep.deployment.monitoring.drift",), datasets=("metro_traffic",))
def daily_psi(plt):
    import numpy as np

    from mlep.data.datasets import load
    from mlep.deployment.monitoring import drift

    train = load("metro_traffic", "train")
    periods = {
        "eval (2016–17)": load("metro_traffic", "eval"),
        "serving (2018 Q1)": load("metro_traffic", "serving"),
    }
    features = ["temp", "clouds_all", "hour", "day_of_week", "month"]
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    xs = np.arange(len(features))
    for offset, (label, frame) in zip((-0.2, 0.2), periods.items()):
        values = [drift.psi(train[f], frame[f]) for f in features]
        ax.bar(xs + offset, values, width=0.4, label=label)
    for level, text in ((0.1, "0.1 moderate"), (0.25, "0.25 significant")):
        ax.axhline(level, color="black", linestyle="--", linewidth=1)
        ax.annotate(
            text,
            (len(features) - 0.5, level),
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=8,
            ha="right",
        )
    ax.set_yscale("symlog", linthresh=0.3)
    ax.set_xticks(xs, features)
    ax.set(
        ylabel="PSI against training (symlog)",
        title="metro_traffic: PSI per feature, a healthy period and the live one",
    )
    ax.legend(fontsize=9, loc="upper left")
    return fig


@figure("c2w4-active", modules=("mlep.data.labeling.active",))
def active_learning(plt):
    from sklearn.linear_model import LogisticRegression

    from mlep.data.labeling import active

    X, y = _digits_all()
    curves = {
        strategy: active.learning_curve(
            LogisticRegression(max_iter=300),
            X[:1200],
            y[:1200],
            X[1200:],
            y[1200:],
            strategy=strategy,
            initial=20,
            rounds=30,
            batch_size=5,
            seed=SEED,
        )
        for strategy in ("margin", "uncertainty", "random")
    }
    return active.plot_learning_curves(curves, target=0.9)


def _digits_all():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X / 16, y


@figure("c3w1-hyperband")
def hyperband_brackets(plt):
    """KerasTuner's Hyperband schedule (max_epochs=9, factor=3), drawn from its formula."""
    import math

    max_epochs, factor = 9, 3
    s_max = round(math.log(max_epochs, factor))
    fig, axes = plt.subplots(1, s_max + 1, figsize=(8.4, 3.0), sharey=True)
    for ax, s in zip(axes, range(s_max, -1, -1)):
        configs = math.ceil((s_max + 1) / (s + 1) * factor**s)
        epochs = max_epochs / factor**s
        rounds = []
        for _ in range(s + 1):
            rounds.append((configs, epochs))
            configs, epochs = max(configs // factor, 1), epochs * factor
        names = [f"{e:g} ep." for _, e in rounds]
        ax.bar(names, [n for n, _ in rounds], color="tab:blue")
        for i, (n, _) in enumerate(rounds):
            ax.annotate(
                f"{n} trial{'s' if n > 1 else ''}",
                (i, n),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
        total = sum(n * e for n, e in rounds)
        ax.set(title=f"bracket {s_max - s + 1}: {total:g} epochs", xlabel="round (epochs each)")
        ax.grid(axis="x", visible=False)
    axes[0].set_ylabel("trials trained in the round")
    fig.suptitle(
        "Hyperband, max_epochs=9, factor=3: each round keeps the best third, "
        "trained three times longer",
        fontsize=10,
    )
    return fig


@figure("c3w3-tfdata")
def tfdata_timeline(plt):
    """The C3W3 benchmark's stages (2 ms reads, 1 ms parses, 10 ms steps) on a time line."""
    read, parse, step, records = 2.0, 1.0, 10.0, 4  # one batch of four records, for legibility
    colors = {"read": "tab:orange", "parse": "tab:green", "train": "tab:blue"}
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8.0, 3.6), sharex=True)

    def bar(ax, row, start, width, kind, lane=0.0, height=0.7):
        ax.broken_barh(
            [(start, width)],
            (row - height / 2 + lane, height),
            color=colors[kind],
            edgecolor="white",
        )

    t = 0.0  # naive: each stage waits for the previous one
    for _ in range(3):
        for _ in range(records):
            bar(top, 2, t, read, "read")
            t += read
            bar(top, 1, t, parse, "parse")
            t += parse
        bar(top, 0, t, step, "train")
        t += step
    naive_end = t
    # interleave(2) + map(num_parallel_calls=2) + prefetch(1): two records at a time, and the
    # next batch is prepared while the current one trains
    t_input, t_train = 0.0, 0.0
    for _ in range(3):
        ready = t_input
        for r in range(records):
            lane = 0.18 if r % 2 else -0.18
            begin = t_input + (r // 2) * read
            bar(bottom, 2, begin, read, "read", lane, 0.34)
            bar(bottom, 1, begin + read, parse, "parse", lane, 0.34)
            ready = max(ready, begin + read + parse)
        start = max(ready, t_train)
        bar(bottom, 0, start, step, "train")
        t_input, t_train = max(ready, start), start + step
    for ax, title in (
        (top, f"naive: {naive_end:.0f} ms for 3 batches"),
        (bottom, f"overlapped: {t_train:.0f} ms — the model never waits after the first batch"),
    ):
        ax.set_yticks([0, 1, 2], ["train step", "parse", "read"])
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(axis="y", visible=False)
    bottom.set_xlabel("time (ms), a schematic of the benchmark's costs")
    return fig


@figure("c2w3-pit", modules=(), datasets=("driver_stats",))
def point_in_time(plt):
    """Driver 1001's hourly conv_rate and the feature row each of its orders joins (TTL 2 h)."""
    import pandas as pd

    from mlep.data.datasets import load

    stats = load("driver_stats", "hourly")
    orders = load("driver_stats", "orders")
    for frame in (stats, orders):
        frame["event_timestamp"] = pd.to_datetime(frame["event_timestamp"], utc=True)
    stats = stats[stats["driver_id"] == 1001].sort_values("event_timestamp")
    day = stats["event_timestamp"].min()
    window = (day, day + pd.Timedelta(hours=14))
    mine = orders[
        (orders["driver_id"] == 1001) & orders["event_timestamp"].between(*window)
    ].sort_values("event_timestamp")
    # the point-in-time join: newest feature row at or before the order, no older than the TTL
    joined = pd.merge_asof(
        mine,
        stats[["event_timestamp", "conv_rate"]],
        on="event_timestamp",
        direction="backward",
        tolerance=pd.Timedelta(hours=2),
    )
    shown = stats[stats["event_timestamp"].between(*window)]
    hours = lambda t: (t - day).dt.total_seconds() / 3600  # noqa: E731
    fig, ax = plt.subplots(figsize=(7.6, 3.4))
    ax.step(
        hours(shown["event_timestamp"]),
        shown["conv_rate"],
        where="post",
        color="tab:blue",
        label="conv_rate, valid from its hourly stamp",
    )
    latest = stats["conv_rate"].iloc[-1]
    ax.axhline(
        latest,
        color="tab:red",
        linestyle="--",
        linewidth=1,
        label=f"latest value ({stats['event_timestamp'].iloc[-1]:%d %b %H:%M}): leakage",
    )
    for t, value in zip(hours(joined["event_timestamp"]), joined["conv_rate"]):
        ax.axvline(t, color="grey", linewidth=0.8, linestyle=":")
        ax.plot([t], [value], marker="o", color="black")
    ax.plot(
        [], [], marker="o", color="black", linestyle="none", label="an order and the value it joins"
    )
    ax.set(
        xlabel=f"hours after {day:%d %b %Y} 00:00 UTC",
        ylabel="conv_rate",
        title="driver 1001: what a point-in-time join gives each order",
    )
    ax.legend(fontsize=8, loc="center left")
    return fig


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if argv[:1] == ["--check"]:
        problems = stale()
        print("\n".join(problems) or "every figure is up to date")
        return 1 if problems else 0
    unknown = [name for name in argv if name not in FIGURES]
    if unknown:
        print(f"unknown figure(s) {unknown}; known: {', '.join(FIGURES)}", file=sys.stderr)
        return 2
    _quiet_env()
    sys.path.insert(0, str(REPO / "lib"))
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else {}
    manifest = {k: v for k, v in manifest.items() if k in FIGURES}
    for name in argv or list(FIGURES):
        fig = FIGURES[name]
        svg = OUT / f"{name}.svg"
        svg.write_bytes(render(fig))
        manifest[name] = {"inputs": input_hash(fig), "svg": file_hash(svg)}
        print(f"course/figures/{name}.svg  {svg.stat().st_size / 1024:.0f} KiB")
    MANIFEST.write_text(
        json.dumps(dict(sorted(manifest.items())), indent=2) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
