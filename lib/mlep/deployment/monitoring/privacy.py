"""Find personal data in logged payloads and redact or pseudonymise it before it is stored.

Prediction logs are training data for the next model and evidence for debugging, but requests
often carry personal data a log must not keep in the clear (C4W4, *Privacy*; the official
course does this with Cloud DLP). :func:`scan` finds e-mail addresses, phone numbers, payment
card numbers (checked with the Luhn digit), IPv4 addresses, US social security numbers, dates
of birth, and the whole value of fields named like ``name`` or ``address``, in any JSON-like
payload; :func:`redact` replaces each finding with its type,
:func:`pseudonymize` with a keyed hash (HMAC-SHA256) — the same input and key always give the
same token, so records can still be joined, but the value cannot be read back without the key.

Examples
--------
>>> redact({"note": "call me on +1 415 555 0100 or mail ann@example.org", "age": 41})
{'note': 'call me on [PHONE] or mail [EMAIL]', 'age': 41}
>>> [f.kind for f in scan({"card": "4111 1111 1111 1111", "order": "1234 5678 9012 3456"})]
['CREDIT_CARD']
>>> pseudonymize("ann@example.org", key=b"k") == pseudonymize("ann@example.org", key=b"k")
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mlep._checks import strings

__all__ = ["KINDS", "Finding", "pseudonymize", "redact", "scan"]

_PATTERNS = {
    "EMAIL": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "CREDIT_CARD": r"\b(?:\d[ -]?){12,18}\d\b",
    "US_SSN": r"\b\d{3}-\d{2}-\d{4}\b",
    "PHONE": (
        r"(?:\+\d{1,3}[ .-]?\d{1,4}(?:[ .-]?\d{2,4}){2,3}"
        r"|\(\d{3}\) ?\d{3}[ .-]\d{4}"
        r"|\b\d{3}[ .-]\d{3}[ .-]\d{4})\b"
    ),
    "IP_ADDRESS": r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b",
    # a date is personal when it is a birth date: "born", "birth" or "dob" just before it
    "DATE_OF_BIRTH": (
        r"(?i)(?:born|birth|dob)\W{1,12}"
        r"((?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))\b"
    ),
}
# earlier kinds win where matches overlap (a card number also looks like a phone number)
KINDS = (*_PATTERNS, "PERSONAL_FIELD")
_COMPILED = {kind: re.compile(pattern) for kind, pattern in _PATTERNS.items()}
# fields whose whole value is personal whatever it looks like (names cannot be found by pattern)
PERSONAL_FIELDS = re.compile(
    r"(^|_)(name|first_name|last_name|full_name|address|street)($|_)", re.IGNORECASE
)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: where (a JSON path), what kind, and the matched text."""

    path: str
    kind: str
    start: int
    end: int
    text: str


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _valid(kind: str, text: str) -> bool:
    if kind == "CREDIT_CARD":
        digits = re.sub(r"\D", "", text)
        return 13 <= len(digits) <= 19 and _luhn(digits)
    if kind == "PHONE":
        return 7 <= len(re.sub(r"\D", "", text)) <= 15
    return True


def _find(text: str, path: str, kinds: Iterable[str], key: str | None = None) -> list[Finding]:
    if key is not None and PERSONAL_FIELDS.search(key) and "PERSONAL_FIELD" in kinds and text:
        return [Finding(path, "PERSONAL_FIELD", 0, len(text), text)]
    found: list[Finding] = []
    for kind in (k for k in kinds if k in _COMPILED):
        for match in _COMPILED[kind].finditer(text):
            if not _valid(kind, match.group()):
                continue
            if any(match.start() < f.end and f.start < match.end() for f in found):
                continue  # already claimed by an earlier kind
            group = 1 if match.re.groups else 0  # the value itself, without its context words
            found.append(
                Finding(path, kind, match.start(group), match.end(group), match.group(group))
            )
    return sorted(found, key=lambda f: f.start)


def _walk(
    value: Any, path: str, on_text: Callable[[str, str, str | None], Any], key: str | None = None
) -> Any:
    if isinstance(value, dict):
        return {
            k: _walk(v, f"{path}.{k}" if path else str(k), on_text, str(k))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_walk(v, f"{path}[{i}]", on_text, key) for i, v in enumerate(value)]
    if isinstance(value, str):
        return on_text(value, path, key)
    return value


def _kinds(kinds: Iterable[str] | None) -> list[str]:
    chosen = list(KINDS) if kinds is None else strings(kinds, "kinds")
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(KINDS)}")
    return chosen


def scan(payload: Any, *, kinds: Iterable[str] | None = None) -> list[Finding]:
    """Every piece of personal data in ``payload`` (a string, or nested dicts and lists).

    Parameters
    ----------
    payload : str, dict or list
        What to search, nested as a request or log record is.
    kinds : iterable of str, optional
        Which kinds of personal data to look for (names from :data:`KINDS`); all by default.
    """
    chosen, findings = _kinds(kinds), []

    def collect(text: str, path: str, key: str | None) -> str:
        findings.extend(_find(text, path, chosen, key))
        return text

    _walk(payload, "", collect)
    return findings


def _replace(payload: Any, kinds, token: Callable[[Finding], str]) -> Any:
    chosen = _kinds(kinds)

    def rewrite(text: str, path: str, key: str | None) -> str:
        out, last = [], 0
        for finding in _find(text, path, chosen, key):
            out += [text[last : finding.start], token(finding)]
            last = finding.end
        return "".join(out) + text[last:]

    return _walk(payload, "", rewrite)


def redact(payload: Any, *, kinds: Iterable[str] | None = None) -> Any:
    """A copy of ``payload`` with each finding replaced by its kind in brackets, e.g. ``[EMAIL]``.

    Parameters
    ----------
    payload : str, dict or list
        What to redact (not changed: a copy is returned).
    kinds : iterable of str, optional
        Which kinds of personal data to look for (names from :data:`KINDS`); all by default.
    """
    return _replace(payload, kinds, lambda f: f"[{f.kind}]")


def pseudonymize(payload: Any, *, key: bytes, kinds: Iterable[str] | None = None) -> Any:
    """A copy of ``payload`` with each finding replaced by ``<KIND:token>``, a keyed hash.

    A plain string with no finding in it is tokenised whole (handy for an identifier column).
    Keep ``key`` secret and out of the log: with it, a guessed value can be confirmed.

    Parameters
    ----------
    payload : str, dict or list
        What to pseudonymize (not changed: a copy is returned).
    key : bytes
        The secret key of the keyed hash (HMAC-SHA256): the same value and key give the same
        token.
    kinds : iterable of str, optional
        Which kinds of personal data to look for (names from :data:`KINDS`); all by default.
    """
    if not isinstance(key, bytes) or len(key) == 0:
        raise ValueError(
            "pseudonymize needs a non-empty secret key as bytes, e.g. key=os.urandom(32)"
        )

    def token(value: str, kind: str) -> str:
        digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
        return f"<{kind}:{digest}>"

    if isinstance(payload, str) and not scan(payload, kinds=kinds):
        return token(payload, "ID")
    return _replace(payload, kinds, lambda f: token(f.text, f.kind))
