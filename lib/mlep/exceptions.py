"""The one base of every error that ``mlep`` raises on purpose.

Each error also keeps a builtin parent that says what kind of mistake it is (``ValueError``
for a bad value, ``KeyError`` for an unknown name, ``RuntimeError`` for a step that could not
run), so ``except ValueError`` keeps working, while ``except MlepError`` catches everything
the library explains itself, and nothing else.

Examples
--------
>>> from mlep.data.validation import FeatureNotFoundError
>>> issubclass(FeatureNotFoundError, MlepError), issubclass(FeatureNotFoundError, KeyError)
(True, True)
"""

from __future__ import annotations

__all__ = ["MlepError"]


class MlepError(Exception):
    """Base of the errors ``mlep`` raises with a message that says what to change."""
