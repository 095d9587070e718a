"""Request bodies: TF Serving's row (``instances``) and columnar (``inputs``) formats."""

from collections.abc import Mapping
from typing import Any

from .errors import ServingError

__all__ = ["columns", "fill_unnamed", "parse_predict"]


def parse_predict(body: Any) -> tuple[list | None, dict | None, bool]:
    if not isinstance(body, dict):
        raise ServingError('the request body must be a JSON object with "instances" or "inputs"')
    if "instances" in body and "inputs" in body:
        raise ServingError(
            'Request has both "instances" and "inputs": use one (row or columnar format)'
        )
    if "instances" in body:
        rows = body["instances"]
        if not isinstance(rows, list):
            raise ServingError('"instances" must be a list')
        if not rows:
            raise ServingError('"instances" is empty: send at least one instance')
        return rows, None, True
    if "inputs" in body:
        inputs = body["inputs"]
        return None, (inputs if isinstance(inputs, dict) else {None: inputs}), False
    raise ServingError('Missing "instances" or "inputs" key in the request')


def columns(rows: list, specs: Mapping[str, Any]) -> dict[str, list]:
    """Row-format instances (or classify examples) → one list per signature input."""
    names = list(specs)
    if all(isinstance(r, dict) for r in rows):
        keys = {frozenset(r) for r in rows}
        if len(keys) != 1:
            raise ServingError("every instance must have the same named inputs")
        return {k: [r[k] for r in rows] for k in next(iter(keys))}
    if any(isinstance(r, dict) for r in rows):
        raise ServingError("instances mix named objects and plain values")
    if len(names) != 1:
        raise ServingError(
            f"the signature has several inputs ({', '.join(names)}): send instances as objects"
        )
    return {names[0]: rows}


def fill_unnamed(inputs: dict, specs) -> dict:
    if None in inputs:
        names = list(specs)
        if len(names) != 1:
            raise ServingError(
                f'the signature has several inputs ({", ".join(names)}): name them in "inputs"'
            )
        return {names[0]: inputs[None]}
    return inputs
