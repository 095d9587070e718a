"""Benchmark of model compression: prints a markdown table (``make bench``); not part of pass/fail.

One small Keras model (64 → 256 → 128 → 10, tf-keras) trained on scikit-learn's digits, then
every variant :mod:`mlep.modeling.compression` makes: float32, dynamic range, float16, full
integer (int8, calibrated on the training images), quantization-aware training → int8, pruned
to 80 % sparsity (tfmot, polynomial schedule, fine-tuned), and pruned + int8. Each runs in the
TFLite interpreter on the 450 held-out images: size, gzip size, accuracy and latency.

The issue's acceptance check is printed last: int8 at least 3.5× smaller than float32 and at
most 1 accuracy point lost.

"made in" is the time to make the variant: conversion, plus fine-tuning for QAT and pruning
(pruned + int8 only converts the pruned model). Runs in about a minute on 2 cores.
"""

from __future__ import annotations

import os
import sys
import time

from mlep.modeling import compression as C

SEED, EPOCHS, SPARSITY = 0, 15, 0.8
MIN_RATIO, MAX_DROP = 3.5, 0.01  # int8 vs float32: size ratio, accuracy points (as a share)


def _digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype("float32")
    return train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=y)


def _model(X, y):
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    keras.utils.set_random_seed(SEED)
    net = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    net.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    net.fit(X, y, epochs=EPOCHS, batch_size=32, verbose=0)
    return net


def _copy(net):
    import tf_keras as keras

    twin = keras.models.clone_model(net)
    twin.set_weights(net.get_weights())
    twin.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return twin


def variants(X_train, y_train) -> tuple[dict[str, bytes], dict[str, float]]:
    """TFLite bytes of every variant, and the seconds each took to make."""
    made, seconds = {}, {}

    def timed(name, make):
        start = time.perf_counter()
        made[name] = make()
        seconds[name] = time.perf_counter() - start

    net = _model(X_train, y_train)
    for label, mode in [
        ("float32", "none"),
        ("dynamic range", "dynamic"),
        ("float16", "float16"),
        ("int8 (full integer)", "int8"),
    ]:
        timed(label, lambda mode=mode: C.to_tflite(net, mode=mode, representative=X_train))
    timed(
        "QAT → int8",
        lambda: C.to_tflite(
            C.quantization_aware(_copy(net), X_train, y_train, epochs=2),
            mode="int8",
            representative=X_train,
        ),
    )
    pruned = {}

    def prune():
        pruned["model"] = C.prune(_copy(net), X_train, y_train, target_sparsity=SPARSITY)
        return C.to_tflite(pruned["model"])

    timed(f"pruned {SPARSITY:.0%}", prune)
    timed(
        f"pruned {SPARSITY:.0%} + int8",
        lambda: C.to_tflite(pruned["model"], mode="int8", representative=X_train),
    )
    print(f"kernel sparsity after pruning: {C.sparsity(pruned['model']):.3f}")
    return made, seconds


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    start = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    X_train, X_test, y_train, y_test = _digits()
    made, seconds = variants(X_train, y_train)
    table = C.compare(made, X_test, y_test, repeats=5).set_index("variant")
    base = table.loc["float32"]
    print(
        f"\nDigits: {len(X_train)} training / {len(X_test)} test images; model 64-256-128-10 "
        f"({EPOCHS} epochs); TFLite interpreter, latency best of 5 over the test set\n"
    )
    header = ["variant", "size", "gzip", "× smaller", "accuracy", "Δ acc (pts)", "ms / 1000 rows"]
    header.append("made in")
    rows = [
        [
            name,
            f"{row.size_kb:.1f} kB",
            f"{row.gzip_kb:.1f} kB",
            f"{base.size_kb / row.size_kb:.2f}× ({base.gzip_kb / row.gzip_kb:.2f}× gz)",
            f"{row.accuracy:.4f}",
            f"{100 * (row.accuracy - base.accuracy):+.1f}",
            f"{row.ms_per_1000:.2f}",
            f"{seconds[name]:.1f} s",
        ]
        for name, row in table.iterrows()
    ]
    print(_table(header, rows))
    int8 = table.loc["int8 (full integer)"]
    ratio, drop = base.size_kb / int8.size_kb, base.accuracy - int8.accuracy
    verdict = "PASS" if ratio >= MIN_RATIO and drop <= MAX_DROP else "FAIL"
    print(
        f"\nint8 vs float32: {ratio:.2f}× smaller (need ≥ {MIN_RATIO}×), "
        f"{100 * drop:.1f} accuracy points lost (allowed ≤ {100 * MAX_DROP:.0f}): {verdict}"
    )
    print(f"\n(benchmark ran in {time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
