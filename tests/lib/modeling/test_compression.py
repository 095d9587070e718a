"""Compression: dimensionality reduction on scikit-learn, TFLite quantization modes, tfmot pruning
and quantization-aware training, each variant run through the TFLite interpreter."""

from __future__ import annotations

import os

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA

from mlep.modeling import compression as C


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = (X / 16).astype("float32")
    return X[:1400], y[:1400], X[1400:], y[1400:]


@pytest.fixture(scope="module")
def model(digits):
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    X, y, _, _ = digits
    keras.utils.set_random_seed(0)
    net = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    net.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    net.fit(X, y, epochs=10, verbose=0)
    return net


def test_reduce_is_scikit_learns_and_nmf_needs_non_negative_data(digits):
    X, _, _, _ = digits
    ours, fitted = C.reduce(X, method="pca", n_components=10)
    np.testing.assert_allclose(
        ours, PCA(n_components=10, random_state=0).fit_transform(X), atol=1e-4
    )
    assert fitted.explained_variance_ratio_.sum() > 0.7
    for method in ("svd", "ica", "nmf"):
        assert C.reduce(X, method=method, n_components=5)[0].shape == (len(X), 5)
    with pytest.raises(ValueError, match="NMF needs non-negative data"):
        C.reduce(X - 0.5, method="nmf", n_components=3)
    with pytest.raises(ValueError, match="unknown method 'lda'"):
        C.reduce(X, method="lda", n_components=3)
    with pytest.raises(ValueError, match="n_components=100 is more than"):
        C.reduce(X[:50], method="pca", n_components=100)


def test_distance_contrast_shrinks_as_dimensions_grow():
    contrasts = [C.distance_contrast(d) for d in (2, 10, 100, 1000)]
    assert contrasts == sorted(contrasts, reverse=True) and contrasts[-1] < 0.5 < 10 < contrasts[0]


@pytest.mark.slow  # a TFLite conversion per quantisation mode
def test_quantized_models_are_smaller_and_about_as_accurate(model, digits):
    X, _, X_test, y_test = digits
    variants = {mode: C.to_tflite(model, mode=mode, representative=X) for mode in C.MODES}
    table = C.compare(variants, X_test, y_test, repeats=1).set_index("variant")
    reference = (model.predict(X_test, verbose=0).argmax(axis=1) == y_test).mean()
    assert table.loc["none", "accuracy"] == pytest.approx(reference, abs=0.002)
    assert (table["accuracy"] > reference - 0.02).all()
    assert table.loc["dynamic", "size_kb"] < table.loc["none", "size_kb"] / 3.5  # 8-bit weights
    assert table.loc["int8", "size_kb"] < table.loc["none", "size_kb"] / 3.5
    assert (
        table.loc["none", "size_kb"] / 2.2
        < table.loc["float16", "size_kb"]
        < table.loc["none", "size_kb"] / 1.8
    )
    np.testing.assert_allclose(
        C.tflite_predict(variants["none"], X_test[:5]),
        model.predict(X_test[:5], verbose=0),
        atol=1e-5,
    )


def test_tflite_conversion_and_inference_write_nothing_to_stderr(model, digits, capfd):
    # nbgrader scores a cell that writes to stderr as failed; the converter logs from C++
    X, _, X_test, _ = digits
    capfd.readouterr()
    C.tflite_predict(C.to_tflite(model, mode="int8", representative=X), X_test[:5])
    with C.quiet_tflite():
        os.write(2, b"native noise\n")
    os.write(2, b"stderr is back\n")
    assert capfd.readouterr().err == "stderr is back\n"


@pytest.mark.slow
def test_pruning_reaches_its_sparsity_and_compresses(model, digits):
    X, y, X_test, y_test = digits
    from mlep.runtime import tensorflow

    tensorflow()
    import tf_keras as keras

    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    pruned = C.prune(copy, X, y, target_sparsity=0.8, epochs=2)
    assert C.sparsity(pruned) == pytest.approx(0.8, abs=0.01)
    plain, thin = C.to_tflite(model), C.to_tflite(pruned)
    assert len(thin) == pytest.approx(len(plain), rel=0.01)  # zeros still take space ...
    assert C.gzip_size(thin) < 0.45 * C.gzip_size(plain)  # ... until compressed
    assert (C.tflite_predict(thin, X_test).argmax(axis=1) == y_test).mean() > 0.85
    aware = C.quantization_aware(copy, X, y, epochs=1)
    assert (
        C.tflite_predict(C.to_tflite(aware, mode="int8", representative=X), X_test).argmax(axis=1)
        == y_test
    ).mean() > 0.85


def test_bad_input_is_explained(model, digits):
    X, y, _, _ = digits
    with pytest.raises(ValueError, match="needs representative data"):
        C.to_tflite(model, mode="int8")
    with pytest.raises(ValueError, match="unknown mode 'int4'"):
        C.to_tflite(model, mode="int4")
    with pytest.raises(ValueError, match="takes inputs of shape \\[64\\], got \\[32\\]"):
        C.tflite_predict(C.to_tflite(model), X[:3, :32])
    with pytest.raises(ValueError, match="between 0 and 1"):
        C.prune(model, X, y, target_sparsity=80)
    with pytest.raises(TypeError, match="must be TFLite bytes"):
        C.compare({"keras": model}, X, y)


# -- issue 12: no silently wrong answer, no crash ---------------------------------------------


def test_degenerate_training_and_calibration_input_is_refused(model, digits):
    X, y, _, _ = digits
    with pytest.raises(ValueError, match="representative must not be empty"):
        C.to_tflite(model, mode="int8", representative=X[:0])
    with pytest.raises(ValueError, match="representative must hold finite numbers"):
        C.to_tflite(model, mode="int8", representative=np.full((4, 64), np.nan))
    with pytest.raises(ValueError, match=r"representative must hold rows of the model's input"):
        C.to_tflite(model, mode="int8", representative=X[:4, :10])
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        C.prune(model, X, y, target_sparsity=0.5, epochs=0)
    with pytest.raises(ValueError, match="X and y must have the same length"):
        C.prune(model, X, y[:10], target_sparsity=0.5)
    with pytest.raises(TypeError, match="model must be a Keras model"):
        C.to_tflite("model.h5")


def test_compare_refuses_broadcasting_and_text_labels(model, digits):
    _, _, X_test, y_test = digits
    variants = {"float32": C.to_tflite(model)}
    with pytest.raises(ValueError, match="X and y must have the same length.*397 and 1"):
        C.compare(variants, X_test, y_test[:1])
    with pytest.raises(TypeError, match="y must hold class indices"):
        C.compare(variants, X_test, y_test.astype(str))
    table = C.compare(variants, X_test, y_test, repeats=1)
    keras_accuracy = (model.predict(X_test, verbose=0).argmax(axis=1) == y_test).mean()
    assert table["accuracy"][0] == pytest.approx(keras_accuracy, abs=0.01)


def test_tflite_predict_refuses_nan_rows_and_bad_buffers(model, digits):
    X, _, _, _ = digits
    flatbuffer = C.to_tflite(model)
    rows = X[:3].copy()
    rows[1, 5] = np.nan
    with pytest.raises(ValueError, match="X must hold finite numbers"):
        C.tflite_predict(flatbuffer, rows)
    with pytest.raises(ValueError, match="truncated or corrupt.*not a complete TFLite model"):
        C.tflite_predict(flatbuffer[: len(flatbuffer) // 2], X[:3])
    with pytest.raises(ValueError, match="must be a TFLite model"):
        C.tflite_predict(b"\x00" * 64, X[:3])
    with pytest.raises(TypeError, match="must be TFLite bytes"):
        C.tflite_predict("model.tflite", X[:3])


@pytest.mark.slow  # runs the interpreter in child processes
def test_truncated_and_corrupt_buffers_never_crash_the_process(tmp_path):
    """Before the check, the interpreter segfaulted on a truncated buffer; run it in a child."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        import numpy as np
        from mlep.runtime import tensorflow
        tensorflow()
        import tf_keras as keras
        from mlep.modeling import compression as C
        net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)])
        good = C.to_tflite(net)
        rng = np.random.default_rng(0)
        cuts = sorted(set(rng.integers(8, len(good), 40).tolist()))
        flips = []
        for _ in range(40):
            data = bytearray(good)
            data[int(rng.integers(8, len(good)))] ^= 0xFF
            flips.append(bytes(data))
        refused = 0
        for buffer in [good[:n] for n in cuts] + flips:
            try:
                C.tflite_predict(buffer, np.ones((2, 4), "float32"))
            except (ValueError, RuntimeError):
                refused += 1
        print("survived", len(cuts), refused)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]  # a crash shows as a negative code
    _, cuts, refused = done.stdout.split()[-3:]
    assert int(refused) >= int(cuts)  # every truncation refused (corrupt bytes may still run)
