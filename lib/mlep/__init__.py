"""MLEP Companion: the lifecycle of a production ML system, one small module at a time.

``import mlep`` is deliberately light: it imports no TensorFlow, Beam, torch or TFX.
Each subpackage imports heavy libraries inside the functions that need them.

Subpackages follow the course: :mod:`mlep.scoping`, :mod:`mlep.data`, :mod:`mlep.modeling`,
:mod:`mlep.deployment`, plus :mod:`mlep.grading` (lab feedback) and :mod:`mlep.cli`.

The one side effect is deliberate: :func:`configure` sets the course's environment defaults
(``TF_USE_LEGACY_KERAS=1``, quiet TensorFlow logs...) with ``setdefault``, so a value already
set wins. TensorFlow reads ``TF_USE_LEGACY_KERAS`` once, when it is first imported: a learner's
``import mlep`` followed by ``import tensorflow_transform`` would otherwise get Keras 3, on
which TFX, TF Transform and tfmot fail. It imports nothing heavy.
"""

from mlep.runtime import configure

__version__ = "0.1.0"
__all__ = ["configure", "__version__"]

configure()
