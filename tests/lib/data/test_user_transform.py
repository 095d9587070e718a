"""A learner's own preprocessing_fn: clear errors for a bad one, pickled by value for Beam and
TFX, run by TF Transform with results checked against NumPy."""

from __future__ import annotations

import linecache
import pickle

import numpy as np
import pandas as pd
import pytest

from mlep.data import features as F
from mlep.data import user_transform as U

NOTEBOOK = """
SCALE = 2.0


def preprocessing_fn(inputs):
    volume = tf.cast(inputs["volume"], tf.float32)
    return {"temp_z": tft.scale_to_z_score(inputs["temp"]) * SCALE / 2,
            "city_id": tft.compute_and_apply_vocabulary(inputs["city"], num_oov_buckets=1),
            "busy": tf.cast(volume > tft.mean(volume), tf.int64)}
"""


def _notebook_fn():
    """A function defined as a notebook cell would be: in a namespace that is not a module."""
    import tensorflow as tf
    import tensorflow_transform as tft

    namespace = {"__name__": "__lab__", "tf": tf, "tft": tft}
    # IPython keeps each cell's source in linecache, which is where inspect finds it
    linecache.cache["<notebook cell 3>"] = (
        len(NOTEBOOK),
        None,
        NOTEBOOK.splitlines(True),
        "<notebook cell 3>",
    )
    exec(compile(NOTEBOOK, "<notebook cell 3>", "exec"), namespace)
    return namespace["preprocessing_fn"]


def _frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "temp": rng.normal(280, 8, n),
            "city": rng.choice(["Oslo", "Lima", "Pune", "Kobe"], n, p=[0.4, 0.3, 0.2, 0.1]),
            "volume": rng.integers(0, 5000, n),
        }
    )


def test_is_function_tells_a_function_from_a_spec():
    assert U.is_function(lambda inputs: inputs)
    assert not U.is_function({"x": F.z_score("x")})
    assert not U.is_function("preprocessing_fn")


@pytest.mark.parametrize(
    "bad, message",
    [
        (42, "must be a function preprocessing_fn(inputs)"),
        (lambda: {}, "must take one argument"),
        (lambda a, b: {}, "must take one argument"),
    ],
)
def test_a_bad_function_is_refused_before_anything_runs(bad, message):
    with pytest.raises(F.FeatureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        U.checked(bad)


def test_a_missing_column_and_a_bad_result_are_reported_in_the_learners_terms():
    import tensorflow as tf

    inputs = {"temp": tf.constant([1.0, 2.0])}
    with pytest.raises(F.FeatureError, match=r"reads inputs\['tmp'\].*it has: temp"):
        U.checked(lambda inputs: {"x": inputs["tmp"]})(inputs)
    with pytest.raises(
        F.FeatureError, match="must return a dict of output name → tensor, but returned list"
    ):
        U.checked(lambda inputs: [inputs["temp"]])(inputs)
    with pytest.raises(F.FeatureError, match="returned an empty dict"):
        U.checked(lambda inputs: {})(inputs)
    with pytest.raises(F.FeatureError, match="output 'x' must be a tensor .* but is float"):
        U.checked(lambda inputs: {"x": 1.0})(inputs)
    with pytest.raises(F.FeatureError, match="output names must be strings"):
        U.checked(lambda inputs: {1: inputs["temp"]})(inputs)
    # a KeyError that is not a missing input column stays what it is
    with pytest.raises(KeyError):
        U.checked(lambda inputs: {"x": {}["inner"]})(inputs)


def test_checking_twice_wraps_once_and_keeps_the_name():
    def preprocessing_fn(inputs):
        return inputs

    once = U.checked(preprocessing_fn)
    assert U.checked(once) is once
    assert once.__name__ == "preprocessing_fn" and once.__wrapped__ is preprocessing_fn


def test_a_notebook_function_survives_pickling_with_its_constants():
    """Beam pickles the function; a notebook's namespace is no module to import it from."""
    import tensorflow as tf

    namespace = {"__name__": "__lab__", "tf": tf}
    exec(
        compile(
            "OFFSET = 3.0\ndef fn(inputs):\n    return {'t': tf.add(inputs['temp'], OFFSET)}\n",
            "notebook[cell 4]",
            "exec",
        ),
        namespace,
    )
    fn = pickle.loads(pickle.dumps(U.checked(namespace["fn"])))
    assert isinstance(fn, U.Checked)
    np.testing.assert_allclose(fn({"temp": tf.constant([1.0, 2.0])})["t"].numpy(), [4.0, 5.0])
    with pytest.raises(F.FeatureError, match=r"reads inputs\['temp'\]"):
        fn({"tmp": tf.constant([1.0])})


def test_tfx_module_writes_a_module_that_loads_the_same_function(tmp_path):
    path = U.tfx_module(_notebook_fn(), tmp_path / "traffic_fn.py")
    text = path.read_text()
    assert "def preprocessing_fn(inputs):" in text  # the source, for reading
    assert (tmp_path / "traffic_fn.fn.pkl").is_file()
    loaded = U.load_module(path)
    assert callable(loaded)
    with pytest.raises(F.FeatureError, match="Python module file"):
        U.tfx_module(_notebook_fn(), tmp_path / "not-an-identifier.py")


def test_load_module_explains_what_is_wrong_with_a_module_file(tmp_path):
    with pytest.raises(F.FeatureError, match="existing .py file"):
        U.load_module(tmp_path / "missing.py")
    (tmp_path / "broken.py").write_text("def preprocessing_fn(inputs:\n")
    with pytest.raises(F.FeatureError, match="could not be imported: SyntaxError"):
        U.load_module(tmp_path / "broken.py")
    (tmp_path / "empty.py").write_text("X = 1\n")
    with pytest.raises(F.FeatureError, match="must define preprocessing_fn"):
        U.load_module(tmp_path / "empty.py")


@pytest.mark.slow  # one TF Transform Beam run
def test_analyze_and_transform_runs_a_learners_function_against_numpy(tmp_path):
    train, eval_ = _frame(60, seed=0), _frame(20, seed=1)
    eval_.loc[[0, 1], "city"] = "Rome"  # never seen in training
    result = F.analyze_and_transform(
        train, _notebook_fn(), output_dir=tmp_path / "tft", eval_df=eval_
    )
    temp = train["temp"].to_numpy()
    np.testing.assert_allclose(result.train["temp_z"], (temp - temp.mean()) / temp.std(), atol=1e-4)
    np.testing.assert_allclose(
        result.eval["temp_z"], (eval_["temp"] - temp.mean()) / temp.std(), atol=1e-4
    )
    counts = train["city"].value_counts()
    ranked = sorted(counts.index, key=lambda v: (counts[v], v), reverse=True)
    assert list(result.train["city_id"]) == [ranked.index(v) for v in train["city"]]
    assert list(result.eval["city_id"][:2]) == [len(ranked)] * 2  # the one OOV id
    volume = train["volume"].to_numpy(float)
    assert list(result.eval["busy"]) == list((eval_["volume"] > volume.mean()).astype(int))
    # the exported graph serves the same function
    served = F.transform_for_serving(result.output_dir, eval_)
    np.testing.assert_allclose(served["temp_z"], result.eval["temp_z"], atol=1e-6)
    with pytest.raises(F.FeatureError, match=r"reads inputs\['nope'\]"):
        F.analyze_and_transform(
            train, lambda inputs: {"x": inputs["nope"]}, output_dir=tmp_path / "bad"
        )
