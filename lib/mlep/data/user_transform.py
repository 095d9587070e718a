"""Your own ``preprocessing_fn``: checked, run by TF Transform, and handed to TFX.

TF Transform's contract is one function, ``preprocessing_fn(inputs) -> outputs``: ``inputs`` maps
each raw column to a batch tensor, and the function returns a dict of output feature → tensor,
built with ``tft.*`` analyzers (``tft.scale_to_z_score``, ``tft.compute_and_apply_vocabulary``,
``tft.bucketize``, ``tft.mean`` …) and ordinary TensorFlow ops. :func:`checked` wraps a learner's
function so that the usual mistakes (a column the data lacks, a result that is not a dict of
tensors) are reported in those terms rather than as a stack of TensorFlow frames.
:func:`mlep.data.features.analyze_and_transform` and :func:`mlep.data.features.transform_pipeline`
accept such a function wherever they accept a spec.

TFX's ``Transform`` component imports ``preprocessing_fn`` from a *module file*.
:func:`tfx_module` writes one for a function defined in a notebook: the function is stored with
``cloudpickle`` (by value, with the constants it reads) next to a small module that loads it, so
the same function, not a copy of its text, runs in the pipeline. :func:`load_module` reads a
module file back and checks it.

Examples
--------
>>> def preprocessing_fn(inputs):
...     return {"x": inputs["x"]}
>>> fn = checked(preprocessing_fn)
>>> fn.__name__
'preprocessing_fn'
>>> checked(42)  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
...
mlep.data.features.FeatureError: preprocessing_fn must be a function preprocessing_fn(inputs)
that returns a dict of tensors, but got int
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlep.data.features import FeatureError

if TYPE_CHECKING:
    from typing_extensions import TypeIs

__all__ = [
    "Checked",
    "checked",
    "is_function",
    "load_module",
    "load_pickled",
    "tfx_module",
    "transform_component",
    "unpickle",
]


def is_function(obj: object) -> TypeIs[Callable[..., Any]]:
    """Whether ``obj`` is a ``preprocessing_fn`` of one's own rather than a spec (a dict of parts).

    Parameters
    ----------
    obj
        A spec or a function.

    Examples
    --------
    >>> is_function(lambda inputs: inputs), is_function({})
    (True, False)
    """
    return callable(obj) and not isinstance(obj, Mapping)


def checked(fn: Callable, *, name: str = "preprocessing_fn") -> Callable[[dict], dict]:
    """``fn`` wrapped so that a mistake in it is reported in the learner's terms.

    Parameters
    ----------
    fn
        A ``preprocessing_fn(inputs) -> dict`` of output name → tensor.
    name
        What to call the function in error messages.

    Returns
    -------
    callable
        The same computation; raises :class:`~mlep.data.features.FeatureError` when ``fn``
        reads a column the data does not have or returns anything but a non-empty dict of
        tensors keyed by strings.
    """
    if isinstance(fn, Checked):
        return fn
    if not is_function(fn):
        raise FeatureError(
            f"{name} must be a function {name}(inputs) that returns a dict of tensors, "
            f"but got {type(fn).__name__}"
        )
    try:
        inspect.signature(fn).bind({})
    except TypeError:
        raise FeatureError(
            f"{name} must take one argument, the dict of input tensors: def {name}(inputs): ..."
        ) from None
    except ValueError:  # a builtin without a signature: let TF Transform try it
        pass
    return Checked(fn, name)


class Checked:
    """A ``preprocessing_fn`` that reports mistakes in the learner's terms (see :func:`checked`).

    Beam pickles the function to run it in its workers; a function defined in a notebook is
    pickled *by value* with ``cloudpickle`` (with the constants and modules it reads), which
    Beam's own pickler does not do for a namespace that is not an importable module.

    Parameters
    ----------
    fn
        The function to wrap.
    name
        What to call it in error messages.
    """

    def __init__(self, fn: Callable, name: str = "preprocessing_fn"):
        self.fn, self.name = fn, name
        self.__name__ = getattr(fn, "__name__", name)
        self.__doc__ = getattr(fn, "__doc__", None)
        self.__wrapped__ = fn

    def __call__(self, inputs):
        try:
            outputs = self.fn(_Inputs(inputs))
        except _MissingInput as error:
            raise FeatureError(
                f"{self.name} reads inputs[{error.args[0]!r}], but the data has no column "
                f"{error.args[0]!r}; it has: {', '.join(sorted(inputs))}"
            ) from None
        _check_outputs(outputs, self.name)
        return outputs

    def __reduce__(self):
        import cloudpickle

        return (unpickle, (cloudpickle.dumps(self.fn), self.name))


class _MissingInput(KeyError):
    """``inputs[name]`` for a column the data does not have."""


class _Inputs(dict):
    """The inputs dict, telling a missing column from any other ``KeyError``."""

    def __missing__(self, key):
        raise _MissingInput(key)


def unpickle(payload: bytes, name: str) -> Checked:
    """A :class:`Checked` function back from its pickled form (for Beam's workers).

    Parameters
    ----------
    payload
        ``cloudpickle.dumps`` of the function.
    name
        What to call it in error messages.
    """
    import cloudpickle

    return Checked(cloudpickle.loads(payload), name)


def _check_outputs(outputs, name: str) -> None:
    import tensorflow as tf

    if not isinstance(outputs, Mapping):
        raise FeatureError(
            f"{name} must return a dict of output name → tensor, but returned "
            f"{type(outputs).__name__}"
        )
    if not outputs:
        raise FeatureError(f"{name} returned an empty dict: it must output at least one feature")
    for key, value in outputs.items():
        if not isinstance(key, str):
            raise FeatureError(f"{name}'s output names must be strings, but got {key!r}")
        if not isinstance(value, (tf.Tensor, tf.SparseTensor, tf.RaggedTensor)):
            raise FeatureError(
                f"{name}'s output {key!r} must be a tensor (the result of tft.* or tf.* ops on "
                f"the inputs), but is {type(value).__name__}"
            )


_MODULE = (
    '"""preprocessing_fn for the TFX Transform component, written by mlep.data.user_transform.\n'
    '''
The function is stored by value in {pickle}; its source, for reading:

{source}
"""

from mlep.data.user_transform import load_pickled

preprocessing_fn = load_pickled(__file__, "{pickle}")
'''
)


def tfx_module(fn: Callable, path: str | Path) -> Path:
    """Write a module file whose ``preprocessing_fn`` is ``fn``, for TFX's ``Transform``.

    Parameters
    ----------
    fn
        Your ``preprocessing_fn(inputs)``; it may be defined in a notebook and read constants
        and helper functions defined there.
    path
        The module file to write (``something.py``); the pickled function goes beside it.

    Returns
    -------
    pathlib.Path
        ``path``. Its ``preprocessing_fn`` feeds ``fn`` dense ``[batch]`` tensors, as
        :func:`~mlep.data.features.analyze_and_transform` does, whatever shape TFX reads.
    """
    import cloudpickle

    fn = checked(fn)
    path = Path(path)
    if path.suffix != ".py" or not path.stem.isidentifier():
        raise FeatureError(f"path must be a Python module file such as traffic.py, but got {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    pickle = f"{path.stem}.fn.pkl"
    (path.parent / pickle).write_bytes(cloudpickle.dumps(fn))
    try:
        source = inspect.getsource(inspect.unwrap(fn))
    except (OSError, TypeError):
        source = f"{getattr(fn, '__name__', 'preprocessing_fn')} (source not available)"
    source = textwrap.indent(textwrap.dedent(source).replace('"""', "'''"), "    ")
    path.write_text(_MODULE.format(pickle=pickle, source=source.rstrip()), encoding="utf-8")
    return path


def load_pickled(module_file: str, pickle: str) -> Callable[[dict], dict]:
    """The function :func:`tfx_module` stored beside ``module_file``, ready for TFX.

    Parameters
    ----------
    module_file
        The module's ``__file__``.
    pickle
        The name of the pickle file in the same folder.
    """
    import cloudpickle

    from mlep.data.features import for_tfx

    with open(Path(module_file).parent / pickle, "rb") as handle:
        return for_tfx(cloudpickle.load(handle))


def load_module(path: str | Path, *, name: str = "preprocessing_fn") -> Callable[[dict], dict]:
    """Import a module file and return its ``preprocessing_fn``, checked.

    Parameters
    ----------
    path
        A Python file that defines ``name``.
    name
        The function to take from it.
    """
    path = Path(path)
    if not path.is_file() or path.suffix != ".py":
        raise FeatureError(f"module file must be an existing .py file, but got {path}")
    spec = importlib.util.spec_from_file_location(f"mlep_user_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise FeatureError(f"module file {path} cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise FeatureError(
            f"{path} could not be imported: {type(error).__name__}: {error}"
        ) from error
    if not hasattr(module, name):
        raise FeatureError(f"{path} must define {name}(inputs), but it does not")
    return checked(getattr(module, name), name=name)


def transform_component(examples, schema, module_file: str | Path):
    """TFX's ``Transform`` component, running the ``preprocessing_fn`` of ``module_file``.

    The module is named by a dotted path rather than passed as ``module_file``: TFX would
    otherwise build it into a wheel and pip-install it into the environment on every run.

    Parameters
    ----------
    examples, schema
        The ``Examples`` and ``Schema`` channels to transform with.
    module_file
        A Python file that defines ``preprocessing_fn`` (e.g. written by :func:`tfx_module`).
    """
    from tfx import v1 as tfx

    module_file = Path(module_file)
    sys.path.insert(0, str(module_file.resolve().parent))
    importlib.invalidate_caches()
    sys.modules.pop(module_file.stem, None)  # a changed module file is read again
    return tfx.components.Transform(
        examples=examples, schema=schema, preprocessing_fn=f"{module_file.stem}.preprocessing_fn"
    )
