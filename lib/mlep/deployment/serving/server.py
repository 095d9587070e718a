"""The models a server holds: loading, versions, labels, traffic split, and answering requests."""

import asyncio
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .batching import Batcher
from .config import ModelConfig, parse_model_config
from .errors import ServingError
from .payload import columns, fill_unnamed, parse_predict
from .servable import Servable

__all__ = ["ModelServer", "ServedModel"]


class ServedModel:
    """All loaded versions of one configured model."""

    def __init__(self, config: ModelConfig):
        self.config = config
        self.versions: dict[int, Servable] = {}
        self.lock = threading.Lock()

    def wanted(self) -> list[int]:
        base = Path(self.config.base_path)
        found = (
            sorted(int(p.name) for p in base.iterdir() if p.is_dir() and p.name.isdigit())
            if base.is_dir()
            else []
        )
        kind = self.config.policy[0]
        if kind == "all":
            return found
        if kind == "specific":
            return [v for v in found if v in self.config.policy[1]]
        return found[-self.config.policy[1] :]

    def refresh(self) -> None:
        wanted = self.wanted()
        for version in wanted:
            if version not in self.versions:
                servable = Servable(
                    self.config.name, version, Path(self.config.base_path) / str(version)
                )
                with self.lock:  # the new version is complete before anyone sees it
                    self.versions[version] = servable
        with self.lock:
            for version in [v for v in self.versions if v not in wanted]:
                del self.versions[version]

    def get(self, version: int | None = None, label: str | None = None) -> Servable:
        with self.lock:
            if label is not None:
                if label not in self.config.labels:
                    raise ServingError(f"Unrecognized servable version label: {label}", 404)
                version = self.config.labels[label]
            if not self.versions:
                raise ServingError(
                    f"Servable not found for request: Latest({self.config.name})", 404
                )
            if version is None:
                return self.versions[max(self.versions)]
            if version not in self.versions:
                raise ServingError(
                    f"Servable not found for request: Specific({self.config.name}, {version})", 404
                )
            return self.versions[version]


class ModelServer:
    """The models, their loading and refreshing; :meth:`app` is the ASGI application.

    Parameters
    ----------
    models : the :class:`ModelConfig` of each model (or use :meth:`from_config_file`).
    poll_seconds : how often to look for new version folders (0: only at start).
    max_batch_size, batch_timeout_ms : dynamic batching; ``max_batch_size=0`` turns it off.
    cache_size : answers to remember (LRU) for repeated identical predict requests; 0 = off.
    traffic_split : per model, version → weight (e.g. ``{"risk": {1: 90, 2: 10}}``): requests
        that name no version or label go to a version drawn by these weights, by a hash of the
        request's ``X-Request-Id`` header (or its body), so a client keeps its version — a canary.
    max_in_flight : requests handled at once; beyond it the server answers 503 at once instead
        of queueing without bound (0 = no limit).
    max_body_bytes : larger request bodies are refused with 413 before they are parsed.
    """

    def __init__(
        self,
        models: Sequence[ModelConfig],
        *,
        poll_seconds: float = 1.0,
        max_batch_size: int = 0,
        batch_timeout_ms: float = 5.0,
        cache_size: int = 0,
        traffic_split: Mapping[str, Mapping[int, float]] | None = None,
        max_in_flight: int = 0,
        max_body_bytes: int = 16 * 1024 * 1024,
    ):
        if not models:
            raise ValueError("a model server needs at least one model")
        self.models = {m.name: ServedModel(m) for m in models}
        self.poll_seconds = poll_seconds
        self.max_batch_size = max_batch_size
        self.batch_timeout_ms = batch_timeout_ms
        self.cache_size = cache_size
        self.max_in_flight = max_in_flight
        self.max_body_bytes = max_body_bytes
        self.traffic_split = {
            name: dict(weights) for name, weights in (traffic_split or {}).items()
        }
        for name, weights in self.traffic_split.items():
            if name not in self.models:
                raise ValueError(f"traffic_split names an unknown model {name!r}")
            if not weights or min(weights.values()) < 0 or sum(weights.values()) <= 0:
                raise ValueError(
                    f"traffic_split[{name!r}] needs non-negative weights that sum to more than 0"
                )
        self.batches_run = 0  # model calls that served batched requests
        self.cache_hits = self.cache_misses = self.rejected = 0
        self.in_flight = 0
        self._cache: OrderedDict[tuple, dict] = OrderedDict()
        for model in self.models.values():
            model.refresh()
        self._stop = threading.Event()
        self._batchers: dict[tuple, Batcher] = {}

    @classmethod
    def from_config_file(cls, path: str | Path, **options: Any) -> "ModelServer":
        return cls(parse_model_config(Path(path).read_text(encoding="utf-8")), **options)

    def poll(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            for model in self.models.values():
                try:
                    model.refresh()
                except Exception:  # a broken new version must not take the server down
                    continue

    def model(self, name: str) -> ServedModel:
        if name not in self.models:
            raise ServingError(f"Servable not found for request: Latest({name})", 404)
        return self.models[name]

    # -- request handling (framework-free, so it is testable without HTTP) ------------------

    def status(self, name: str, version: int | None = None, label: str | None = None) -> dict:
        model = self.model(name)
        if version is not None or label is not None:
            servables = [model.get(version, label)]
        else:
            with model.lock:
                servables = [model.versions[v] for v in sorted(model.versions, reverse=True)]
            if not servables:
                raise ServingError(f"Servable not found for request: Latest({name})", 404)
        return {
            "model_version_status": [
                {
                    "version": str(s.version),
                    "state": "AVAILABLE",
                    "status": {"error_code": "OK", "error_message": ""},
                }
                for s in servables
            ]
        }

    def metadata(self, name: str, version: int | None = None, label: str | None = None) -> dict:
        servable = self.model(name).get(version, label)
        return {
            "model_spec": {"name": name, "signature_name": "", "version": str(servable.version)},
            "metadata": servable.metadata(),
        }

    def split_version(self, name: str, key: str) -> int | None:
        """The version the traffic split sends request ``key`` to (None: no split for ``name``)."""
        weights = self.traffic_split.get(name)
        if not weights:
            return None
        point = (
            int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
            / 2**64
            * sum(weights.values())
        )
        for version, weight in sorted(weights.items()):
            point -= weight
            if point < 0:
                return version
        return max(weights)

    async def predict(
        self, name: str, body: Any, version: int | None = None, label: str | None = None
    ) -> dict:
        servable = self.model(name).get(version, label)
        if not self.cache_size:
            return await self._predict(servable, body)
        key = (name, servable.version, json.dumps(body, sort_keys=True))
        if key in self._cache:
            self.cache_hits += 1
            self._cache.move_to_end(key)
            return self._cache[key]
        self.cache_misses += 1
        answer = await self._predict(servable, body)
        self._cache[key] = answer
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return answer

    async def _predict(self, servable: Servable, body: Any) -> dict:
        signature = body.get("signature_name") if isinstance(body, dict) else None
        rows, inputs, row_format = parse_predict(body)
        _, function = servable.signature(signature)
        _, specs = function.structured_input_signature
        inputs = columns(rows, specs) if row_format else fill_unnamed(inputs, specs)
        if self.max_batch_size and row_format:
            outputs = await self._batcher(servable, signature).submit(inputs)
        else:
            outputs = await asyncio.to_thread(servable.run, signature, inputs)
        if row_format:
            if len(outputs) == 1:
                return {"predictions": next(iter(outputs.values())).tolist()}
            count = len(next(iter(outputs.values())))
            return {
                "predictions": [
                    {k: v[i].tolist() for k, v in outputs.items()} for i in range(count)
                ]
            }
        if len(outputs) == 1:
            return {"outputs": next(iter(outputs.values())).tolist()}
        return {"outputs": {k: v.tolist() for k, v in outputs.items()}}

    async def classify_or_regress(
        self, name: str, body: Any, method: str, version=None, label=None
    ) -> dict:
        servable = self.model(name).get(version, label)
        if not isinstance(body, dict) or "examples" not in body:
            raise ServingError(
                'a classify/regress request needs an "examples" list of {feature: value} objects'
            )
        examples = body["examples"]
        if not isinstance(examples, list) or not examples:
            raise ServingError('"examples" must be a non-empty list')
        _, function = servable.signature(body.get("signature_name"))
        _, specs = function.structured_input_signature
        inputs = columns(examples, specs)
        outputs = await asyncio.to_thread(servable.run, body.get("signature_name"), inputs)
        values = np.asarray(next(iter(outputs.values())), dtype=float).reshape(len(examples), -1)
        if method == "regress":
            return {"results": values[:, 0].tolist()}
        if values.shape[1] == 1:  # one sigmoid output: P(class 1)
            values = np.hstack([1 - values, values])
        return {"results": [[[str(c), float(p)] for c, p in enumerate(row)] for row in values]}

    def _batcher(self, servable: Servable, signature: str | None) -> "Batcher":
        key = (servable.name, servable.version, signature)
        if key not in self._batchers:
            self._batchers[key] = Batcher(self, servable, signature)
        return self._batchers[key]

    def app(self):
        """The FastAPI application implementing the REST API."""
        from .rest import build_app

        return build_app(self)
