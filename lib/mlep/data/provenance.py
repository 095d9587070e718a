"""Provenance for a replicable data pipeline: what went in, with which settings, what came out.

The course's data-definition week asks that every dataset a model sees can be traced back
(*provenance*) and rebuilt byte for byte (*replicability*). A :class:`ProvenanceLog` records
one entry per pipeline step — a fingerprint of each input and output plus the parameters —
and two runs can be compared. ML Metadata does the same at scale (Course 2, week 3).

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"x": [3, 1, 2, 2]})
>>> log = ProvenanceLog()
>>> clean = log.record("dedupe", lambda df: df.drop_duplicates(), inputs={"raw": raw})
>>> print(log.table()[["step", "inputs", "outputs"]].to_string(index=False))
  step      inputs        outputs
dedupe raw:ed96fed dedupe:52ef368
>>> again = ProvenanceLog()
>>> _ = again.record("dedupe", lambda df: df.drop_duplicates(), inputs={"raw": raw})
>>> log.differences(again)
[]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ProvenanceLog", "Step", "fingerprint"]


def fingerprint(obj: Any) -> str:
    """A sha256 of a dataset's content: DataFrames by their CSV text, files by their bytes.

    Row order and column names count; the index does not.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": [1, 2]})
    >>> fingerprint(frame) == fingerprint(pd.DataFrame({"a": [1, 2]}, index=[5, 6]))
    True
    >>> fingerprint(pd.DataFrame({"a": [1, 2]})) == fingerprint(pd.DataFrame({"a": [2, 1]}))
    False
    """
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        data = obj.to_csv(index=False, lineterminator="\n").encode()
    elif isinstance(obj, pd.Series):
        data = obj.to_frame().to_csv(index=False, lineterminator="\n").encode()
    elif isinstance(obj, Path):
        if not obj.is_file():
            raise FileNotFoundError(f"cannot fingerprint {obj}: no such file")
        data = obj.read_bytes()
    elif isinstance(obj, bytes | str):
        if isinstance(obj, str) and "\n" not in obj and len(obj) < 4096 and Path(obj).is_file():
            raise ValueError(
                f"obj must be the data, but got the name of a file, {obj!r}: a str is hashed "
                "as text. Pass Path(obj) to fingerprint the file's bytes, or obj.encode() to "
                "fingerprint the name itself"
            )
        data = obj.encode() if isinstance(obj, str) else obj
    else:
        raise TypeError(
            f"cannot fingerprint a {type(obj).__name__}: "
            "expected a DataFrame, Series, Path, bytes or str"
        )
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Step:
    """One recorded step: its name, parameters, and fingerprints of inputs and outputs."""

    name: str
    params: dict[str, Any]
    inputs: dict[str, str]
    outputs: dict[str, str]


@dataclass
class ProvenanceLog:
    """The steps of one pipeline run, in order."""

    steps: list[Step] = field(default_factory=list)

    def record(
        self,
        name: str,
        function: Callable[..., Any],
        *,
        inputs: Mapping[str, Any],
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """Run ``function(*inputs.values(), **params)``, record the step, return its result.

        A result that is a dict is recorded output by output; anything else as one output
        named after the step.
        """
        if not inputs:
            raise ValueError(f"step {name!r} has no inputs: provenance starts from data")
        if any(step.name == name for step in self.steps):
            raise ValueError(f"step {name!r} is already recorded: give each step its own name")
        params = dict(params or {})
        _require_json(name, params)
        result = function(*inputs.values(), **params)
        outputs = result if isinstance(result, dict) else {name: result}
        self.steps.append(
            Step(
                name=name,
                params=params,
                inputs={key: fingerprint(value) for key, value in inputs.items()},
                outputs={key: fingerprint(value) for key, value in outputs.items()},
            )
        )
        return result

    def table(self):
        """One row per step, fingerprints shortened to 7 characters."""
        import pandas as pd

        def short(prints: dict[str, str]) -> str:
            return ", ".join(f"{key}:{value[:7]}" for key, value in prints.items())

        rows = [
            {
                "step": s.name,
                "params": json.dumps(s.params, sort_keys=True),
                "inputs": short(s.inputs),
                "outputs": short(s.outputs),
            }
            for s in self.steps
        ]
        return pd.DataFrame(rows, columns=["step", "params", "inputs", "outputs"])

    def differences(self, other: ProvenanceLog) -> list[str]:
        """What differs between two runs, step by step (empty: the run was replicated)."""
        found = []
        mine, theirs = [s.name for s in self.steps], [s.name for s in other.steps]
        if mine != theirs:
            return [f"the runs have different steps: {mine} vs {theirs}"]
        for a, b in zip(self.steps, other.steps):
            for part in ("params", "inputs", "outputs"):
                if getattr(a, part) != getattr(b, part):
                    found.append(f"step {a.name!r}: {part} differ")
        return found

    def save(self, path: str | Path) -> Path:
        """Write the log as JSON (one object per step)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps([asdict(s) for s in self.steps], indent=1), encoding="utf-8")
        return target

    @classmethod
    def load(cls, path: str | Path) -> ProvenanceLog:
        """Read a log written by :meth:`save`."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls([Step(**step) for step in raw])
        except (json.JSONDecodeError, TypeError) as error:
            raise ValueError(
                f"{path} is not a provenance log written by ProvenanceLog.save: {error}"
            ) from None


def _require_json(name: str, params: Mapping[str, Any]) -> None:
    try:
        json.dumps(params)
    except TypeError as error:
        raise TypeError(
            f"step {name!r}: parameters must be plain values (numbers, strings, lists): {error}"
        ) from None
