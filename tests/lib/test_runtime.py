import json
import subprocess
import sys

import pytest

from mlep import kernel, runtime

LIGHT_MODULES = [
    "mlep",
    "mlep.data.datasets",
    "mlep.data.validation",
    "mlep.grading.expect",
    "mlep.grading.notebooks",
    "mlep.cli",
]


def test_import_mlep_pulls_in_no_heavy_framework():
    code = (
        "import sys\n"
        f"for name in {LIGHT_MODULES!r}: __import__(name)\n"
        "from mlep.runtime import heavy_modules_loaded\n"
        "print(','.join(heavy_modules_loaded()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.fixture(scope="module")
def tensorflow_process() -> list[str]:
    """What a fresh process reports after ``runtime.tensorflow()`` (one TensorFlow import for
    the tests below): the heavy modules loaded, the Keras package, the first AutoGraph rule."""
    code = (
        "import mlep.runtime as r\n"
        "tf = r.tensorflow()\n"
        "from tensorflow.python.autograph.core import config\n"
        "print(','.join(r.heavy_modules_loaded()))\n"
        "print(tf.keras.__name__.split('.')[0], config.CONVERSION_RULES[0]._prefix)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def test_heavy_modules_loaded_sees_tensorflow(tensorflow_process):
    assert "tensorflow" in tensorflow_process[0].split(",")


def test_configure_keeps_existing_values():
    env = runtime.configure({"TF_USE_LEGACY_KERAS": "0"})
    assert env["TF_USE_LEGACY_KERAS"] == "0"
    assert env["TF_CPP_MIN_LOG_LEVEL"] == "3"


def test_tensorflow_uses_keras_2_and_skips_autograph_for_tf_keras(tensorflow_process):
    assert tensorflow_process[1].split() == ["tf_keras", "tf_keras"]


def test_kernel_spec_runs_this_interpreter_with_course_settings(tmp_path):
    spec = json.loads(kernel.install(tmp_path).read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "mlep.kernel"]
    assert spec["env"]["TF_USE_LEGACY_KERAS"] == "1"
    assert (tmp_path / "share/jupyter/kernels/mlep/kernel.json").is_file()


def test_quiet_holds_even_when_a_library_resets_a_loggers_level_inside():
    import io
    import logging

    from mlep.runtime import quiet

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    absl = logging.getLogger("absl")
    # Start from a known level: an earlier test in the same worker (or absl itself) may have
    # left this process-wide logger at ERROR, and quiet() restores whatever it found.
    level_before, disabled_before = absl.level, logging.root.manager.disable
    absl.setLevel(logging.WARNING)
    logging.disable(logging.NOTSET)
    absl.addHandler(handler)
    try:
        with quiet():
            absl.setLevel(logging.WARNING)  # as Beam's eager runs did to TFT's warnings
            absl.warning("instance dicts")
            absl.error("a real error")
        absl.warning("after: shown again")
    finally:
        absl.removeHandler(handler)
        absl.setLevel(level_before)
        logging.disable(disabled_before)
    assert stream.getvalue().splitlines() == ["a real error", "after: shown again"]
