"""The model server: its models, and the answers to status, metadata, predict, classify, regress.

:class:`ModelServer` is framework-free: the REST layer (:mod:`~mlep.deployment.serving.rest`)
parses paths and JSON, the gRPC layer works with protos, and both call the methods here:
:meth:`ModelServer.predict` / :meth:`ModelServer.classify_or_regress` take a parsed JSON body;
:meth:`ModelServer.resolve`, :meth:`Servable.run`, :meth:`Servable.classify` and
:meth:`Servable.regress` work with tensors and serialized ``tf.Example`` records.
"""

import asyncio
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .batching import Batcher
from .config import ModelConfig, parse_model_config
from .errors import invalid, not_found
from .json_examples import examples_from_json
from .json_output import classification_json, predict_json, regression_json, tensor_json
from .json_tensor import predict_inputs_from_json, signature_name
from .servable import Servable
from .versions import ServedModel, unknown_model

__all__ = ["ModelServer"]

log = logging.getLogger("mlep.deployment.serving")


class ModelServer:
    """The models, their loading and refreshing; :meth:`app` is the ASGI application.

    Parameters
    ----------
    models : sequence of ModelConfig
        The models to serve (or use :meth:`from_config_file`).
    poll_seconds : float
        How often to look for new version folders (0: only at start).
    max_batch_size, batch_timeout_ms : int, float
        Dynamic batching; ``max_batch_size=0`` turns it off.
    cache_size : int
        Answers to remember (LRU) for repeated identical predict requests; 0 = off.
    traffic_split : mapping, optional
        Per model, version → weight (e.g. ``{"risk": {1: 90, 2: 10}}``): requests that name no
        version or label go to a version drawn by these weights, by a hash of the request's
        ``X-Request-Id`` header (or its body), so a client keeps its version — a canary.
    max_in_flight : int
        Requests handled at once; beyond it the server answers 503 at once instead of queueing
        without bound (0 = no limit).
    max_body_bytes : int
        Larger request bodies are refused with 413 before they are parsed.
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
        self.traffic_split = {name: dict(w) for name, w in (traffic_split or {}).items()}
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
        """A server for the models of a TF Serving ``models.config`` file."""
        return cls(parse_model_config(Path(path).read_text(encoding="utf-8")), **options)

    def poll(self) -> None:
        """Look for new and removed version folders every ``poll_seconds`` until stopped."""
        while not self._stop.wait(self.poll_seconds):
            self.refresh()

    def refresh(self) -> None:
        """Load and unload versions as the folders and policies say, once."""
        for model in self.models.values():
            try:
                model.refresh()
            except Exception:  # noqa: BLE001 - one model's trouble must not stop the others
                log.exception("refreshing model %s failed", model.config.name)

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()

    def resolve(self, name: str, version: int | None = None, label: str | None = None) -> Servable:
        """The loaded version a request names (TF Serving's 404/400 when there is none)."""
        if name not in self.models:
            raise unknown_model(name, version, label)
        return self.models[name].resolve(version, label)

    # -- status and metadata ----------------------------------------------------------------

    def status(self, name: str, version: int | None = None, label: str | None = None) -> dict:
        """``GET /v1/models/{name}[/versions/{v}]``: each version's state, newest first.

        As in TF Serving, a label does not narrow the answer: the status of every version.
        """
        if name not in self.models:
            raise not_found(f"Could not find any versions of model {name}")
        return self.models[name].status(version)

    def metadata(self, name: str, version: int | None = None, label: str | None = None) -> dict:
        """``GET .../metadata``: the model spec and every SignatureDef of the version."""
        servable = self.resolve(name, version, label)
        return {
            "model_spec": {"name": name, "signature_name": "", "version": str(servable.version)},
            "metadata": {"signature_def": servable.metadata()},
        }

    def split_version(self, name: str, key: str) -> int | None:
        """The version the traffic split sends request ``key`` to (None: no split for ``name``)."""
        weights = self.traffic_split.get(name)
        if not weights:
            return None
        digest = hashlib.sha256(key.encode("utf-8", "replace")).digest()[:8]
        point = int.from_bytes(digest, "big") / 2**64 * sum(weights.values())
        for version, weight in sorted(weights.items()):
            point -= weight
            if point < 0:
                return version
        return max(weights)

    # -- predict, classify, regress ---------------------------------------------------------

    async def predict(
        self, name: str, body: Any, version: int | None = None, label: str | None = None
    ) -> dict:
        """The ``:predict`` answer for a parsed JSON ``body``."""
        if not isinstance(body, dict):
            raise invalid("JSON Value: the request body Is not object")
        signature = signature_name(body)
        servable = self.resolve(name, version, label)
        if not self.cache_size:
            return await self._predict(servable, signature, body)
        key = (name, servable.version, json.dumps(body, sort_keys=True))
        if key in self._cache:
            self.cache_hits += 1
            self._cache.move_to_end(key)
            return self._cache[key]
        self.cache_misses += 1
        answer = await self._predict(servable, signature, body)
        self._cache[key] = answer
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return answer

    async def _predict(self, servable: Servable, signature: str, body: dict) -> dict:
        inputs, form = predict_inputs_from_json(body, servable.input_dtypes(signature))
        if self.max_batch_size:
            outputs = await self._batcher(servable, signature).submit(inputs)
        else:
            outputs = await asyncio.to_thread(servable.run, signature, inputs)
        return predict_json(outputs, form)

    async def classify_or_regress(
        self, name: str, body: Any, method: str, version=None, label=None
    ) -> dict:
        """The ``:classify`` or ``:regress`` answer for a parsed JSON ``body``."""
        if method not in ("classify", "regress"):
            raise ValueError(f"method must be 'classify' or 'regress', but got {method!r}")
        if not isinstance(body, dict):
            raise invalid("JSON Value: the request body Is not object")
        signature = signature_name(body)
        examples = examples_from_json(body, "classify")
        servable = self.resolve(name, version, label)
        if method == "regress":
            values = await asyncio.to_thread(servable.regress, signature, examples)
            return regression_json(tensor_json("outputs", values))
        classes, scores = await asyncio.to_thread(servable.classify, signature, examples)
        labels = None if classes is None else tensor_json("classes", classes)
        return classification_json(labels, None if scores is None else tensor_json("", scores))

    def _batcher(self, servable: Servable, signature: str) -> Batcher:
        key = (servable.name, servable.version, id(servable), signature)
        batcher = self._batchers.get(key)
        if batcher is None:
            batcher = self._batchers[key] = Batcher(self, servable, signature)
        return batcher

    def app(self):
        """The ASGI application implementing TF Serving's REST API."""
        from .rest import build_app

        return build_app(self)
