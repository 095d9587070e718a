"""A local model server that speaks TensorFlow Serving's REST API.

TF Serving (``tensorflow_model_server``) is not installable from the package registries, so the
course ships this small server with the same REST API: a client written against it works
unchanged against a real TF Serving later (C4W1, *Model serving*).

* ``GET  /v1/models/{name}[/versions/{v} | /labels/{l}]`` — version status;
* ``GET  /v1/models/{name}[...]/metadata`` — signatures (inputs, outputs, dtypes, shapes);
* ``POST /v1/models/{name}[...]:predict`` — row format ``{"instances": [...]}`` or columnar
  ``{"inputs": ...}``; answers ``{"predictions": ...}`` or ``{"outputs": ...}``;
* ``POST ...:classify`` / ``...:regress`` — ``{"examples": [{feature: value}, ...]}`` for models
  whose ``serving_default`` takes named features; answers ``{"results": ...}``.

Models are SavedModels in ``model_base_path/<version>/`` (nothing else is ever loaded: no
pickles from request-controlled paths). A ``models.config`` file in TF Serving's own text
format (parsed with TF Serving's protos) serves several models with version policies and
labels. New version folders are loaded while the server runs (:class:`ModelServer` polls the
base paths), and old versions keep answering until the new one is ready. Requests can be
batched dynamically (``max_batch_size``, ``batch_timeout_ms``). Errors are TF-Serving-style
``{"error": "..."}`` with a 4xx status. The server binds 127.0.0.1 unless told otherwise.

Examples
--------
>>> config = parse_model_config('''
... model_config_list {
...   config { name: "readmission" base_path: "/models/readmission" model_platform: "tensorflow"
...            model_version_policy { specific { versions: 1 versions: 2 } }
...            version_labels { key: "stable" value: 1 } version_labels { key: "canary" value: 2 } }
... }''')
>>> config[0].name, config[0].policy, config[0].labels
('readmission', ('specific', (1, 2)), {'stable': 1, 'canary': 2})
"""

import asyncio
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "ModelConfig",
    "ModelServer",
    "ServingClient",
    "ServingError",
    "export_model",
    "parse_model_config",
    "serve",
]


class ServingError(Exception):
    """A request the server answers with a 4xx status and a TF-Serving-style message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ModelConfig:
    """One served model: name, base path, version policy and version labels.

    ``policy`` is ``("latest", n)`` (TF Serving's default, n = 1), ``("all",)`` or
    ``("specific", (versions...))``.
    """

    name: str
    base_path: str
    policy: tuple = ("latest", 1)
    labels: dict[str, int] = field(default_factory=dict)


def parse_model_config(text: str) -> list[ModelConfig]:
    """Read a TF Serving ``models.config`` (``ModelServerConfig`` in protobuf text format)."""
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    config = model_server_config_pb2.ModelServerConfig()
    try:
        text_format.Parse(text, config)
    except text_format.ParseError as error:
        raise ValueError(f"models.config is not a valid TF Serving model config: {error}") from None
    models = []
    for entry in config.model_config_list.config:
        if not entry.name or not entry.base_path:
            raise ValueError("every model in models.config needs a name and a base_path")
        kind = entry.model_version_policy.WhichOneof("policy_choice")
        if kind == "all":
            policy: tuple = ("all",)
        elif kind == "specific":
            policy = ("specific", tuple(entry.model_version_policy.specific.versions))
        else:
            policy = ("latest", entry.model_version_policy.latest.num_versions or 1)
        models.append(ModelConfig(entry.name, entry.base_path, policy, dict(entry.version_labels)))
    if not models:
        raise ValueError("models.config lists no model (model_config_list { config { ... } })")
    return models


def export_model(model: Any, base_path: str | Path, version: int) -> Path:
    """Save a Keras/TF model as the SavedModel ``base_path/<version>/`` (with ``serving_default``).

    Written to a temporary folder and renamed, so a running server never sees half a model.
    """
    from mlep.runtime import quiet, tensorflow

    tf = tensorflow()
    if int(version) < 1:
        raise ValueError(f"model versions are positive integers, got {version}")
    target = Path(base_path) / str(int(version))
    if target.exists():
        raise FileExistsError(
            f"{target} exists: versions are immutable, export a new version number"
        )
    staging = Path(base_path) / f".{int(version)}.partial"
    with quiet():
        tf.saved_model.save(model, str(staging))
    staging.rename(target)
    return target


# -- loaded models ---------------------------------------------------------------------------


class _Servable:
    """One loaded SavedModel version with its signatures."""

    def __init__(self, name: str, version: int, path: Path):
        from mlep.runtime import tensorflow

        self.tf = tensorflow()
        self.name, self.version, self.path = name, version, path
        self.model = self.tf.saved_model.load(str(path))
        self.signatures = dict(self.model.signatures)
        if not self.signatures:
            raise ServingError(f"SavedModel {path} has no signatures to serve", 500)

    def signature(self, name: str | None):
        name = name or "serving_default"
        if name not in self.signatures:
            raise ServingError(
                f'Serving signature name: "{name}" not found in signature def; '
                f"available: {', '.join(sorted(self.signatures))}"
            )
        return name, self.signatures[name]

    def metadata(self) -> dict:
        defs = {}
        for name, function in self.signatures.items():
            _, inputs = function.structured_input_signature
            outputs = function.structured_outputs
            defs[name] = {
                "inputs": {k: _spec_json(v) for k, v in inputs.items()},
                "outputs": {k: _spec_json(v) for k, v in outputs.items()},
                "method_name": "tensorflow/serving/predict",
            }
        return {"signature_def": {"signature_def": defs}}

    def run(self, signature: str | None, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        _, function = self.signature(signature)
        _, specs = function.structured_input_signature
        missing = sorted(set(specs) - set(inputs))
        extra = sorted(set(inputs) - set(specs))
        if missing or extra:
            raise ServingError(
                f"inputs do not match the signature: missing {missing or 'none'}, unexpected {extra or 'none'}; "
                f"expected {sorted(specs)}"
            )
        tensors = {}
        for key, spec in specs.items():
            tensors[key] = _to_tensor(self.tf, inputs[key], spec, key)
        outputs = function(**tensors)
        return {k: v.numpy() for k, v in outputs.items()}


def _spec_json(spec) -> dict:
    dims = [{"size": str(-1 if d is None else d)} for d in spec.shape.as_list()]
    from tensorflow.core.framework import types_pb2

    dtype = types_pb2.DataType.Name(spec.dtype.as_datatype_enum)  # "DT_FLOAT", as TF Serving says
    return {"dtype": dtype, "tensor_shape": {"dim": dims}, "name": spec.name or ""}


def _to_tensor(tf, value: Any, spec, key: str):
    try:
        np.asarray(value)
    except ValueError:
        raise ServingError(
            f"input {key!r}: ragged values; every instance needs the same shape"
        ) from None
    try:
        array = np.asarray(
            value, dtype=object if spec.dtype == tf.string else spec.dtype.as_numpy_dtype
        )
    except (ValueError, TypeError):
        kind = np.asarray(value).dtype
        got = "strings" if kind.kind in "UO" else kind.name
        raise ServingError(f"input {key!r}: expected {spec.dtype.name} values, got {got}") from None
    if not spec.shape.is_compatible_with(array.shape):
        raise ServingError(
            f"input {key!r} has shape {list(array.shape)}, but the signature expects {spec.shape.as_list()} "
            "(None = any size)"
        )
    return tf.constant(array, dtype=spec.dtype)


class _Model:
    """All loaded versions of one configured model."""

    def __init__(self, config: ModelConfig):
        self.config = config
        self.versions: dict[int, _Servable] = {}
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
                servable = _Servable(
                    self.config.name, version, Path(self.config.base_path) / str(version)
                )
                with self.lock:  # the new version is complete before anyone sees it
                    self.versions[version] = servable
        with self.lock:
            for version in [v for v in self.versions if v not in wanted]:
                del self.versions[version]

    def get(self, version: int | None = None, label: str | None = None) -> _Servable:
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
        self.models = {m.name: _Model(m) for m in models}
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
        self._batchers: dict[tuple, _Batcher] = {}

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

    def model(self, name: str) -> _Model:
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

    async def _predict(self, servable: _Servable, body: Any) -> dict:
        signature = body.get("signature_name") if isinstance(body, dict) else None
        rows, inputs, row_format = _parse_predict(body)
        _, function = servable.signature(signature)
        _, specs = function.structured_input_signature
        inputs = _columns(rows, specs) if row_format else _fill_unnamed(inputs, specs)
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
        inputs = _columns(examples, specs)
        outputs = await asyncio.to_thread(servable.run, body.get("signature_name"), inputs)
        values = np.asarray(next(iter(outputs.values())), dtype=float).reshape(len(examples), -1)
        if method == "regress":
            return {"results": values[:, 0].tolist()}
        if values.shape[1] == 1:  # one sigmoid output: P(class 1)
            values = np.hstack([1 - values, values])
        return {"results": [[[str(c), float(p)] for c, p in enumerate(row)] for row in values]}

    def _batcher(self, servable: _Servable, signature: str | None) -> "_Batcher":
        key = (servable.name, servable.version, signature)
        if key not in self._batchers:
            self._batchers[key] = _Batcher(self, servable, signature)
        return self._batchers[key]

    # -- HTTP -----------------------------------------------------------------------------

    def app(self):
        """The FastAPI application implementing the REST API."""
        from fastapi import FastAPI, Request
        from fastapi.responses import JSONResponse

        app = FastAPI(
            title="mlep model server (TF Serving REST API)", docs_url=None, redoc_url=None
        )

        @app.exception_handler(ServingError)
        async def serving_error(_request, error: ServingError):
            return JSONResponse({"error": str(error)}, status_code=error.status)

        @app.exception_handler(404)
        async def not_found(_request, _error):
            return JSONResponse(
                {"error": "Malformed request: not a TF Serving REST path"}, status_code=404
            )

        @app.exception_handler(405)
        async def wrong_method(request, _error):
            return JSONResponse(
                {"error": f"Malformed request: {request.method} {request.url.path}"},
                status_code=405,
            )

        @app.get("/v1/models/{rest:path}")
        async def get(rest: str):
            name, version, label, method = _route(rest)
            if method == "metadata":
                return self.metadata(name, version, label)
            if method is not None:
                raise ServingError(f"Malformed request: GET with :{method}; use POST", 405)
            return self.status(name, version, label)

        @app.post("/v1/models/{rest:path}")
        async def post(rest: str, request: Request):
            if self.max_in_flight and self.in_flight >= self.max_in_flight:
                self.rejected += 1
                raise ServingError(
                    f"server overloaded: {self.in_flight} requests in flight (limit {self.max_in_flight}); retry later",
                    503,
                )
            self.in_flight += 1
            try:
                # a ready JSONResponse skips FastAPI's jsonable_encoder walk over every number
                return JSONResponse(await self._post(rest, request))
            finally:
                self.in_flight -= 1

        return self._lifecycle(app)

    async def _post(self, rest: str, request) -> dict:
        name, version, label, method = _route(rest)
        declared = int(request.headers.get("content-length") or 0)
        if declared > self.max_body_bytes:
            raise ServingError(
                f"request body of {declared} bytes is over the {self.max_body_bytes}-byte limit",
                413,
            )
        raw = await request.body()
        if len(raw) > self.max_body_bytes:
            raise ServingError(
                f"request body of {len(raw)} bytes is over the {self.max_body_bytes}-byte limit",
                413,
            )
        try:
            body = json.loads(raw or b"null")
        except json.JSONDecodeError as error:
            raise ServingError(f"JSON Parse error: {error.msg} at offset {error.pos}") from None
        if version is None and label is None:
            version = self.split_version(
                name, request.headers.get("x-request-id") or raw.decode("utf-8", "replace")
            )
        if method == "predict":
            return await self.predict(name, body, version, label)
        if method in ("classify", "regress"):
            return await self.classify_or_regress(name, body, method, version, label)
        raise ServingError(
            f"Malformed request: POST with method {method!r}; use :predict, :classify or :regress"
        )

    def _lifecycle(self, app):

        @app.on_event("startup")
        async def start_polling():
            if self.poll_seconds > 0:
                threading.Thread(target=self.poll, daemon=True, name="model-poller").start()

        @app.on_event("shutdown")
        async def stop_polling():
            self._stop.set()

        return app


def _route(rest: str) -> tuple[str, int | None, str | None, str | None]:
    """``name[/versions/N|/labels/L][/metadata|:method]`` → its parts."""
    method = None
    if ":" in rest:
        rest, method = rest.rsplit(":", 1)
    parts = rest.strip("/").split("/")
    if parts and parts[-1] == "metadata":
        method, parts = "metadata", parts[:-1]
    if not parts or not parts[0]:
        raise ServingError("Malformed request: missing model name", 404)
    name, version, label = parts[0], None, None
    if len(parts) == 3 and parts[1] == "versions":
        if not parts[2].isdigit():
            raise ServingError(f"Malformed request: version {parts[2]!r} is not a number", 400)
        version = int(parts[2])
    elif len(parts) == 3 and parts[1] == "labels":
        label = parts[2]
    elif len(parts) != 1:
        raise ServingError(f"Malformed request: /v1/models/{rest}", 404)
    return name, version, label, method


def _parse_predict(body: Any) -> tuple[list | None, dict | None, bool]:
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


def _columns(rows: list, specs: Mapping[str, Any]) -> dict[str, list]:
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


def _fill_unnamed(inputs: dict, specs) -> dict:
    if None in inputs:
        names = list(specs)
        if len(names) != 1:
            raise ServingError(
                f'the signature has several inputs ({", ".join(names)}): name them in "inputs"'
            )
        return {names[0]: inputs[None]}
    return inputs


class _Batcher:
    """Collects concurrent row-format requests into one model call (dynamic batching)."""

    def __init__(self, server: "ModelServer", servable: _Servable, signature: str | None):
        self.server, self.servable, self.signature = server, servable, signature
        self.pending: list[tuple[dict, asyncio.Future]] = []
        self.flush_task: asyncio.Task | None = None

    async def submit(self, inputs: dict) -> dict:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((inputs, future))
        size = sum(len(next(iter(i.values()))) for i, _ in self.pending)
        if size >= self.server.max_batch_size:
            await self._flush()
        elif self.flush_task is None:
            self.flush_task = asyncio.create_task(self._flush_later())
        return await future

    async def _flush_later(self):
        await asyncio.sleep(self.server.batch_timeout_ms / 1000)
        self.flush_task = None
        await self._flush()

    async def _flush(self):
        batch, self.pending = self.pending, []
        if not batch:
            return
        keys = batch[0][0].keys()
        if any(i.keys() != keys for i, _ in batch):  # requests with other inputs: one by one
            for inputs, future in batch:
                await self._answer([(inputs, future)], inputs)
            return
        merged = {k: [x for inputs, _ in batch for x in inputs[k]] for k in keys}
        await self._answer(batch, merged)

    async def _answer(self, batch, merged):
        try:
            outputs = await asyncio.to_thread(self.servable.run, self.signature, merged)
            self.server.batches_run += 1
        except Exception as error:
            for _, future in batch:
                future.set_exception(error)
            return
        start = 0
        for inputs, future in batch:
            n = len(next(iter(inputs.values())))
            future.set_result({k: v[start : start + n] for k, v in outputs.items()})
            start += n


# -- running it ------------------------------------------------------------------------------


class RunningServer:
    """A server running in a background thread; :meth:`stop` shuts it down."""

    def __init__(self, server: ModelServer, uvicorn_server, thread: threading.Thread, url: str):
        self.model_server, self._uvicorn, self._thread, self.url = (
            server,
            uvicorn_server,
            thread,
            url,
        )

    def stop(self) -> None:
        self._uvicorn.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def serve(
    server: ModelServer, *, host: str = "127.0.0.1", port: int = 8501, background: bool = True
):
    """Serve ``server`` over HTTP; in a background thread (returns a :class:`RunningServer`)
    or in the foreground until Ctrl-C. Binds the loopback interface unless ``host`` says otherwise."""
    import uvicorn

    config = uvicorn.Config(
        server.app(), host=host, port=port, log_level="warning", access_log=False
    )
    http = uvicorn.Server(config)
    if not background:
        http.run()
        return None
    thread = threading.Thread(target=http.run, daemon=True, name="model-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not http.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the model server did not start on {host}:{port} (port in use?)")
        time.sleep(0.02)
    bound = http.servers[0].sockets[0].getsockname()[1] if port == 0 else port
    return RunningServer(server, http, thread, f"http://{host}:{bound}")


class ServingClient:
    """A small client for the TF Serving REST API (this server or a real TF Serving)."""

    def __init__(self, url: str, model: str, *, timeout: float = 30.0):
        self.url, self.model, self.timeout = url.rstrip("/"), model, timeout

    def _path(self, version: int | None, label: str | None) -> str:
        path = f"{self.url}/v1/models/{self.model}"
        if version is not None:
            path += f"/versions/{version}"
        elif label is not None:
            path += f"/labels/{label}"
        return path

    def _call(self, method: str, url: str, body: Any = None, headers: dict | None = None) -> Any:
        import httpx

        response = httpx.request(method, url, json=body, timeout=self.timeout, headers=headers)
        payload = response.json()
        if response.status_code >= 400:
            raise ServingError(payload.get("error", response.text), response.status_code)
        return payload

    def status(self, *, version: int | None = None, label: str | None = None) -> dict:
        return self._call("GET", self._path(version, label))

    def metadata(self, *, version: int | None = None, label: str | None = None) -> dict:
        return self._call("GET", self._path(version, label) + "/metadata")

    def predict(
        self,
        instances: list,
        *,
        version: int | None = None,
        label: str | None = None,
        signature: str | None = None,
        request_id: str | None = None,
    ) -> list:
        """Predictions for row-format ``instances``; ``request_id`` keeps a client on one
        side of a traffic split."""
        body: dict[str, Any] = {"instances": instances}
        if signature:
            body["signature_name"] = signature
        headers = {"X-Request-Id": request_id} if request_id else None
        return self._call("POST", self._path(version, label) + ":predict", body, headers)[
            "predictions"
        ]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mlep.deployment.serving`` with tensorflow_model_server's main flags."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m mlep.deployment.serving", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rest_api_port", type=int, default=8501)
    parser.add_argument(
        "--rest_api_host", default="127.0.0.1", help="interface to bind (default: loopback only)"
    )
    parser.add_argument("--model_name")
    parser.add_argument("--model_base_path")
    parser.add_argument("--model_config_file")
    parser.add_argument("--file_system_poll_wait_seconds", type=float, default=1.0)
    parser.add_argument("--enable_batching", action="store_true")
    parser.add_argument("--max_batch_size", type=int, default=32)
    parser.add_argument("--batch_timeout_micros", type=int, default=5000)
    args = parser.parse_args(argv)
    if bool(args.model_config_file) == bool(args.model_base_path):
        parser.error("give either --model_config_file or --model_name and --model_base_path")
    options = {
        "poll_seconds": args.file_system_poll_wait_seconds,
        "max_batch_size": args.max_batch_size if args.enable_batching else 0,
        "batch_timeout_ms": args.batch_timeout_micros / 1000,
    }
    if args.model_config_file:
        server = ModelServer.from_config_file(args.model_config_file, **options)
    else:
        server = ModelServer(
            [ModelConfig(args.model_name or "default", args.model_base_path)], **options
        )
    print(
        f"serving {', '.join(server.models)} at http://{args.rest_api_host}:{args.rest_api_port}",
        flush=True,
    )
    serve(server, host=args.rest_api_host, port=args.rest_api_port, background=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
