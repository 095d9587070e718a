"""TF Serving's test model ``half_plus_two``, rebuilt offline in a second.

It follows ``tensorflow_serving/servables/tensorflow/testdata/saved_model_half_plus_two.py``:
a TF1 graph whose input is a batch of serialized ``tf.Example`` records (``tf_example:0``),
parsed for the features ``x`` (required, one float) and ``x2`` (default 0), with

* ``y = 0.5 * x + 2``, ``y2 = 0.5 * x + 3`` and ``y3 = 0.5 * x2 + 3``;
* the signatures ``serving_default`` (predict, ``x`` → ``y``, both ``[-1, 1]``),
  ``regress_x_to_y``, ``regress_x_to_y2``, ``regress_x2_to_y3`` (regress) and
  ``classify_x_to_y`` (classify, scores only).

The constants are variables, as in the original, so loading restores a checkpoint. Nothing is
random. ``plus=3`` builds ``half_plus_three`` (``y = 0.5 * x + 3``), the model of the REST API
documentation's example, which also calls its regress signature by the key
``tensorflow/serving/regress``.

Examples
--------
>>> path = build_half_plus_two("/tmp/models/half_plus_two", version=123)  # doctest: +SKIP
>>> path.name  # doctest: +SKIP
'00000123'
"""

from pathlib import Path

__all__ = ["build_half_plus_two"]


def build_half_plus_two(base_path: str | Path, version: int = 123, plus: float = 2.0) -> Path:
    """Write half_plus_two as ``base_path/<version, zero-padded to 8 digits>/``.

    Parameters
    ----------
    base_path : str or Path
        The model's base path (created if missing).
    version : int
        The version number; the folder is named like TF Serving's test data (``00000123``).
    plus : float
        The constant ``b`` in ``y = 0.5 * x + b`` (2 for half_plus_two, 3 for half_plus_three).

    Returns
    -------
    Path
        The version folder.
    """
    from mlep.runtime import quiet, tensorflow

    if not isinstance(version, int) or version < 0:
        raise ValueError(f"version must be a non-negative int, but got {version!r}")
    tf = tensorflow()
    v1 = tf.compat.v1
    target = Path(base_path) / f"{version:08d}"
    if target.exists():
        raise FileExistsError(f"{target} exists: versions are immutable")
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as session, quiet():
        a = v1.Variable(0.5, name="a")
        b = v1.Variable(float(plus), name="b")
        c = v1.Variable(float(plus) + 1.0, name="c")
        serialized = v1.placeholder(tf.string, name="tf_example", shape=[None])
        features = v1.parse_example(
            serialized,
            {
                "x": v1.FixedLenFeature([1], dtype=tf.float32),
                "x2": v1.FixedLenFeature([1], dtype=tf.float32, default_value=[0.0]),
            },
        )
        x = tf.identity(features["x"], name="x")
        y = tf.identity(tf.add(tf.multiply(a, x), b), name="y")
        y2 = tf.identity(tf.add(tf.multiply(a, x), c), name="y2")
        x2 = tf.identity(features["x2"], name="x2")
        a2, c2 = v1.Variable(0.5, name="a2"), v1.Variable(float(plus) + 1.0, name="c2")
        y3 = tf.identity(tf.add(tf.multiply(a2, x2), c2), name="y3")
        info = v1.saved_model.utils.build_tensor_info
        build = v1.saved_model.signature_def_utils.build_signature_def
        names = v1.saved_model.signature_constants

        def regression(inputs, outputs):
            return build(
                {"inputs": info(inputs)}, {"outputs": info(outputs)}, names.REGRESS_METHOD_NAME
            )

        signatures = {
            "regress_x_to_y": regression(serialized, y),
            "regress_x_to_y2": regression(serialized, y2),
            "regress_x2_to_y3": regression(x2, y3),
            "classify_x_to_y": build(
                {"inputs": info(serialized)}, {"scores": info(y)}, names.CLASSIFY_METHOD_NAME
            ),
            "serving_default": build({"x": info(x)}, {"y": info(y)}, names.PREDICT_METHOD_NAME),
        }
        if (
            plus != 2.0
        ):  # the API documentation calls half_plus_three's regress signature by this key
            signatures["tensorflow/serving/regress"] = signatures["regress_x_to_y"]
        session.run(v1.global_variables_initializer())
        staging = Path(base_path) / f".{version:08d}.partial"
        builder = v1.saved_model.builder.SavedModelBuilder(str(staging))
        builder.add_meta_graph_and_variables(session, ["serve"], signature_def_map=signatures)
        builder.save()
    staging.rename(target)
    return target
