"""Process settings every course-environment process needs, set in one place.

The Jupyter kernel (:mod:`mlep.kernel`), the command line, the tests and ``import mlep``
all call :func:`configure`, so a lab behaves the same in JupyterLab, under nbgrader and in
pytest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

#: Environment defaults for TensorFlow/TFX processes (existing values win).
ENV_DEFAULTS: dict[str, str] = {
    # TFX Trainer, TFT, TFMA and tfmot need Keras 2 (tf-keras) on TF 2.16.
    "TF_USE_LEGACY_KERAS": "1",
    # 3 also hides the harmless cuFFT/cuDNN registration lines on a CPU machine.
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "PYTHONWARNINGS": "ignore::FutureWarning:google.api_core._python_version_support",
    "DASK_DATAFRAME__QUERY_PLANNING_WARNING": "False",
    # Never let telemetry or hub look-ups try the network.
    "FEAST_USAGE": "False",
    "HF_HUB_OFFLINE": "1",
}

#: Extra settings for graded runs: nbgrader scores a cell 0 if it writes to stderr.
GRADED_ENV: dict[str, str] = {"TQDM_DISABLE": "1", "MLEP_GRADED": "1"}


def configure(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Apply :data:`ENV_DEFAULTS` to ``environ`` (``os.environ`` by default) and return it.

    Examples
    --------
    >>> env = configure({})
    >>> env["TF_USE_LEGACY_KERAS"]
    '1'
    >>> configure({"TF_CPP_MIN_LOG_LEVEL": "0"})["TF_CPP_MIN_LOG_LEVEL"]
    '0'
    """
    target = os.environ if environ is None else environ
    for key, value in ENV_DEFAULTS.items():
        target.setdefault(key, value)
    return target


def tensorflow():
    """Import and return TensorFlow configured for this course.

    Besides the environment it adds a ``DoNotConvert("tf_keras")`` AutoGraph rule: without
    it the first Keras-2 ``fit`` spends ~9 s converting tf_keras internals.
    """
    configure()
    import tensorflow as tf
    from tensorflow.python.autograph.core import config as autograph_config

    rule = autograph_config.DoNotConvert("tf_keras")
    names = [getattr(r, "_prefix", None) for r in autograph_config.CONVERSION_RULES]
    if "tf_keras" not in names:
        autograph_config.CONVERSION_RULES = (rule, *autograph_config.CONVERSION_RULES)
    return tf


def project_root() -> Path:
    """The checkout this package lives in (``lib/mlep`` → the repository root)."""
    return Path(__file__).resolve().parents[2]


def heavy_modules_loaded() -> list[str]:
    """Names of heavy frameworks already imported in this process."""
    heavy = ("tensorflow", "apache_beam", "torch", "tfx", "tensorflow_data_validation")
    return [name for name in heavy if name in sys.modules]


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence Python warnings and TF/Beam/absl log lines below ERROR for the duration.

    nbgrader scores a lab cell 0 if it writes anything to stderr, and TFDV, TFMA, TFX and
    ``tf.saved_model.save`` log INFO/WARNING lines there. Levels are restored afterwards, and
    log handlers the libraries added meanwhile (Beam adds one to the root logger) are removed.
    (C++ log lines written straight to file descriptor 2 need
    :func:`mlep.modeling.compression.quiet_tflite`.)
    """
    names = ("", "tensorflow", "apache_beam", "absl")
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    # Beam's runner logs a failing transform's traceback at ERROR before raising it; the
    # exception carries it, so the log line only adds a long trace to stderr.
    quiet_levels = {"apache_beam": logging.CRITICAL}
    handlers = [list(logger.handlers) for logger in loggers]  # Beam/absl may add a root handler
    # A filter too: Beam's eager runs reset the absl logger's level midway (TFT's "instance
    # dicts" warning got through), and a filter holds whatever the level says.
    filters = [_AtLeast(quiet_levels.get(name, logging.ERROR)) for name in names]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, logger, keep in zip(names, loggers, filters, strict=True):
            logger.setLevel(quiet_levels.get(name, logging.ERROR))
            logger.addFilter(keep)
        try:
            yield
        finally:
            for logger, level, kept, keep in zip(loggers, levels, handlers, filters, strict=True):
                logger.setLevel(level)
                logger.removeFilter(keep)
                for handler in [h for h in logger.handlers if h not in kept]:
                    logger.removeHandler(handler)


class _AtLeast(logging.Filter):
    """Lets through only records at ``level`` or above."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level
