"""Resource limits of one sandboxed kernel, and the ``MLEP_SANDBOX_*`` variables that set them.

:mod:`mlep.grading.bubblewrap` applies them (``prlimit``, tmpfs sizes, ``timeout``) and
:mod:`mlep.grading.sandbox` caps the kernel's output with ``output_mb``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

__all__ = ["ENV_PREFIX", "MB", "Limits"]

#: Prefix of the variables that override :class:`Limits` (``MLEP_SANDBOX_MEMORY_MB`` ...).
ENV_PREFIX = "MLEP_SANDBOX_"
#: One mebibyte, the unit of the size limits.
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel (``MLEP_SANDBOX_<FIELD>`` overrides each).

    Parameters
    ----------
    memory_mb : int, default 6144
        Address space of each process (``RLIMIT_AS``); a bigger allocation raises
        ``MemoryError`` in the learner's cell. TensorFlow alone maps about 1.7 GB.
    processes : int, default 512
        Processes and threads (``RLIMIT_NPROC``); a fork bomb gets ``BlockingIOError``.
    file_mb : int, default 512
        Largest file the kernel may write (``RLIMIT_FSIZE``).
    scratch_mb : int, default 1024
        Size of each tmpfs (the working folder and ``/tmp``); they live in memory.
    output_mb : int, default 16
        Notebook output the grader keeps per kernel; beyond it output is dropped (error
        messages are kept, shortened, so a failing test still fails).
    wall_seconds : int, default 1500
        The whole kernel's lifetime; then it is killed (the per-cell limit is nbgrader's,
        ``MLEP_CELL_TIMEOUT``).

    Examples
    --------
    >>> Limits(memory_mb=2048).to_env()["MLEP_SANDBOX_MEMORY_MB"]
    '2048'
    """

    memory_mb: int = 6144
    processes: int = 512
    file_mb: int = 512
    scratch_mb: int = 1024
    output_mb: int = 16
    wall_seconds: int = 1500

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f"sandbox limit {item.name} must be a positive int, but got {value!r}"
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """Defaults, overridden by ``MLEP_SANDBOX_MEMORY_MB`` etc. where set.

        Parameters
        ----------
        environ : mapping of str to str, optional
            The environment to read (``os.environ`` by default).
        """
        env = os.environ if environ is None else environ
        values = {}
        for item in fields(cls):
            raw = env.get(ENV_PREFIX + item.name.upper())
            if raw is not None:
                try:
                    values[item.name] = int(raw)
                except ValueError:
                    raise ValueError(
                        f"{ENV_PREFIX}{item.name.upper()} must be an integer, but got {raw!r}"
                    ) from None
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The ``MLEP_SANDBOX_*`` variables that reproduce these limits in a child process."""
        return {ENV_PREFIX + key.upper(): str(value) for key, value in asdict(self).items()}
