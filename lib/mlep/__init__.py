"""MLEP Companion: the lifecycle of a production ML system, one small module at a time.

``import mlep`` is deliberately light: it imports no TensorFlow, Beam, torch or TFX.
Each subpackage imports heavy libraries inside the functions that need them.

Subpackages follow the course: :mod:`mlep.scoping`, :mod:`mlep.data`, :mod:`mlep.modeling`,
:mod:`mlep.deployment`, plus :mod:`mlep.grading` (lab feedback) and :mod:`mlep.cli`.
"""

from mlep.runtime import configure

__version__ = "0.1.0"
__all__ = ["configure", "__version__"]

configure()
