"""The gRPC side: TF Serving's ``PredictionService`` and ``ModelService`` over grpcio.

The same models, versions, labels and answers as the REST API (one :class:`ModelServer` serves
both), with the official ``tensorflow-serving-api`` protos, so a client written with
``prediction_service_pb2_grpc.PredictionServiceStub`` (as TF Serving's ``mnist_client.py`` and
``resnet_client_grpc.py`` are) works unchanged against a real TF Serving on port 8500:

* ``PredictionService``: ``Predict``, ``Classify``, ``Regress``, ``MultiInference``,
  ``GetModelMetadata``;
* ``ModelService``: ``GetModelStatus``, ``HandleReloadConfigRequest``.

Requests are checked in TF Serving's order with its messages and status codes
(``predict_util.cc``, ``classifier.cc``, ``regressor.cc``, ``multi_inference.cc``,
``get_model_metadata_impl.cc``, ``get_model_status_impl.cc``, ``model_service_impl.cc``,
``server_core.cc``): ``INVALID_ARGUMENT`` for a malformed request, ``NOT_FOUND`` for a model or
version that is not loaded, ``FAILED_PRECONDITION`` for a signature the model does not have. A
bad request never gets ``UNKNOWN`` or ``INTERNAL``: an error TensorFlow raises while running the
graph on a request's tensors is ``INVALID_ARGUMENT`` with TensorFlow's message. Output tensors
come back as TF Serving sends them by default (typed fields such as ``float_val``, not
``tensor_content``).

Requests run on an asyncio gRPC server; with dynamic batching on (``max_batch_size``), Predict
requests are batched as REST requests are. The server binds 127.0.0.1 unless told otherwise; a
message is at most the server's ``max_body_bytes`` (gRPC answers ``RESOURCE_EXHAUSTED`` beyond).

Examples
--------
>>> running = serve_grpc(ModelServer([ModelConfig("m", "/models/m")]), port=0)  # doctest: +SKIP
>>> channel = grpc.insecure_channel(running.address)  # doctest: +SKIP
>>> stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)  # doctest: +SKIP
"""

import asyncio
import logging
import threading
from typing import Any

from .errors import ServingError, invalid
from .grpc_convert import (
    check_dtypes,
    fill_classification,
    fill_model_spec,
    fill_regression,
    grpc_status,
    model_spec_of,
    proto_array,
    request_examples,
    resolve_servable,
    spec_target,
    tensor_proto,
)
from .grpc_reload import reload_config
from .servable import CLASSIFY, PREDICT, REGRESS, check_inputs, output_aliases
from .server import ModelServer

__all__ = ["RunningGrpcServer", "grpc_status", "reload_config", "serve_grpc"]

log = logging.getLogger("mlep.deployment.serving")


# -- the services ---------------------------------------------------------------------------


class _Services:
    """The RPC handlers; every one answers or aborts with TF Serving's code and message."""

    def __init__(self, server: ModelServer):
        from .batching import Batcher

        self.server = server
        self._Batcher = Batcher
        self._batchers: dict[tuple, Any] = {}  # this event loop's own (asyncio futures)
        self._reloading = threading.Lock()

    async def _call(self, context, handler, *args):
        server = self.server
        try:
            if server.max_in_flight and server.in_flight >= server.max_in_flight:
                server.rejected += 1
                raise ServingError(
                    f"server overloaded: {server.in_flight} requests in flight "
                    f"(limit {server.max_in_flight}); retry later",
                    503,
                    "UNAVAILABLE",
                )
            server.in_flight += 1
            try:
                return await handler(*args)
            finally:
                server.in_flight -= 1
        except ServingError as error:
            await context.abort(grpc_status(error), str(error))
        except Exception as error:  # noqa: BLE001 - a bug: say so and log it, never crash
            import grpc

            log.exception("unexpected error in a gRPC call")
            await context.abort(grpc.StatusCode.INTERNAL, f"{type(error).__name__}: {error}")

    def _key(self, request, context) -> bytes:
        if not self.server.traffic_split:
            return b""
        for key, value in context.invocation_metadata() or ():
            if key == "x-request-id":
                return value.encode("latin-1", "replace") if isinstance(value, str) else value
        return request.SerializeToString(deterministic=True)

    # PredictionService

    async def Predict(self, request, context):  # noqa: N802 - the RPC's name
        return await self._call(context, self._predict, request, self._key(request, context))

    async def _predict(self, request, key: bytes):
        from tensorflow_serving.apis import predict_pb2

        name, version, label, signature = model_spec_of(request)
        servable = resolve_servable(self.server, name, version, label, key)
        sig_name = signature or "serving_default"
        if sig_name not in servable.signature_defs:
            raise ServingError(
                f'Serving signature key "{sig_name}" not found.', 400, "FAILED_PRECONDITION"
            )
        sig = servable.signature_defs[sig_name]
        if sig.method_name not in (PREDICT, CLASSIFY, REGRESS):
            raise invalid(
                f"Expected prediction signature method_name to be one of {{{PREDICT}, "
                f"{CLASSIFY}, {REGRESS}}}. Was: {sig.method_name}"
            )
        check_inputs(sig, request.inputs)
        limit = self.server.max_body_bytes
        inputs = {
            alias: proto_array(request.inputs[alias], alias, limit) for alias in request.inputs
        }
        fetches = output_aliases(sig, list(request.output_filter))
        check_dtypes(sig, inputs, request.inputs)
        output_filter = list(request.output_filter) or None
        if self.server.max_batch_size:
            outputs = await self._batcher(servable, sig_name).submit(inputs, output_filter)
        else:
            outputs = await asyncio.to_thread(servable.run, sig_name, inputs, output_filter)
        response = predict_pb2.PredictResponse()
        fill_model_spec(response.model_spec, name, servable.version, sig_name)
        for alias in fetches:
            response.outputs[alias].CopyFrom(tensor_proto(outputs[alias]))
        return response

    def _batcher(self, servable, signature: str):
        key = (servable.name, servable.version, id(servable), signature)
        batcher = self._batchers.get(key)
        if batcher is None:
            batcher = self._batchers[key] = self._Batcher(self.server, servable, signature)
        return batcher

    async def Classify(self, request, context):  # noqa: N802
        return await self._call(context, self._classify, request, self._key(request, context))

    async def _classify(self, request, key: bytes):
        from tensorflow_serving.apis import classification_pb2

        name, version, label, signature = model_spec_of(request)
        servable = resolve_servable(self.server, name, version, label, key)
        examples = request_examples(request)
        classes, scores = await asyncio.to_thread(servable.classify, signature, examples)
        response = classification_pb2.ClassificationResponse()
        fill_model_spec(response.model_spec, name, servable.version, signature)
        fill_classification(response.result, classes, scores)
        return response

    async def Regress(self, request, context):  # noqa: N802
        return await self._call(context, self._regress, request, self._key(request, context))

    async def _regress(self, request, key: bytes):
        from tensorflow_serving.apis import regression_pb2

        name, version, label, signature = model_spec_of(request)
        servable = resolve_servable(self.server, name, version, label, key)
        values = await asyncio.to_thread(servable.regress, signature, request_examples(request))
        response = regression_pb2.RegressionResponse()
        fill_model_spec(response.model_spec, name, servable.version, signature)
        fill_regression(response.result, values)
        return response

    async def MultiInference(self, request, context):  # noqa: N802
        return await self._call(context, self._multi_inference, request)

    async def _multi_inference(self, request):
        from tensorflow_serving.apis import inference_pb2, model_pb2

        first = request.tasks[0].model_spec if request.tasks else model_pb2.ModelSpec()
        name, version, label, _ = spec_target(first)
        servable = self.server.resolve(name, version, label)
        _check_tasks(servable, request.tasks)
        examples = request_examples(request)
        response = inference_pb2.MultiInferenceResponse()
        for task in request.tasks:
            signature = task.model_spec.signature_name
            result = response.results.add()
            if task.method_name == CLASSIFY:
                classes, scores = await asyncio.to_thread(servable.classify, signature, examples)
                fill_classification(result.classification_result, classes, scores)
            else:
                values = await asyncio.to_thread(servable.regress, signature, examples)
                fill_regression(result.regression_result, values)
            fill_model_spec(result.model_spec, task.model_spec.name, servable.version, signature)
        return response

    async def GetModelMetadata(self, request, context):  # noqa: N802
        return await self._call(context, self._metadata, request)

    async def _metadata(self, request):
        from tensorflow_serving.apis import get_model_metadata_pb2

        if not request.HasField("model_spec"):
            raise invalid("Missing ModelSpec")
        if not request.metadata_field:
            raise invalid("GetModelMetadataRequest must specify at least one metadata_field")
        for field in request.metadata_field:
            if field != "signature_def":
                raise invalid(f"Metadata field {field} is not supported")
        name, version, label, _ = spec_target(request.model_spec)
        servable = self.server.resolve(name, version, label)
        defs = get_model_metadata_pb2.SignatureDefMap()
        for key, value in servable.signature_defs.items():
            defs.signature_def[key].CopyFrom(value)
        response = get_model_metadata_pb2.GetModelMetadataResponse()
        fill_model_spec(response.model_spec, servable.name, servable.version, None)
        response.metadata["signature_def"].Pack(defs)
        return response

    # ModelService

    async def GetModelStatus(self, request, context):  # noqa: N802
        return await self._call(context, self._status, request)

    async def _status(self, request):
        from google.protobuf import json_format
        from tensorflow_serving.apis import get_model_status_pb2

        if not request.HasField("model_spec"):
            raise invalid("Missing ModelSpec")
        spec = request.model_spec
        version = spec.version.value if spec.HasField("version") else None
        answer = self.server.status(spec.name, version)
        return json_format.ParseDict(answer, get_model_status_pb2.GetModelStatusResponse())

    async def HandleReloadConfigRequest(self, request, context):  # noqa: N802
        return await self._call(context, self._reload, request)

    async def _reload(self, request):
        from tensorflow_serving.apis import model_management_pb2

        if request.config.WhichOneof("config") != "model_config_list":
            raise invalid(
                "ServerModelConfig type not supported by HandleReloadConfigRequest. Only "
                "ModelConfigList is currently supported"
            )
        with self._reloading:  # one reload at a time, as ServerCore's config lock does
            await asyncio.to_thread(reload_config, self.server, request.config.model_config_list)
        return model_management_pb2.ReloadConfigResponse()  # status: OK


def _check_tasks(servable, tasks) -> None:
    """MultiInference's checks (``multi_inference.cc``), all before anything runs."""
    seen: set[str] = set()
    model, input_name = "", ""
    for task in tasks:
        if not task.model_spec.name:
            raise invalid("Found ModelSpec with an empty model name.")
        if model and task.model_spec.name != model:
            raise invalid(
                "All ModelSpecs in a MultiInferenceRequest must access the same model name."
            )
        model = task.model_spec.name
        signature = task.model_spec.signature_name or "serving_default"
        if signature in seen:
            raise invalid(f"Duplicate evaluation of signature: {signature}")
        seen.add(signature)
        if signature not in servable.signature_defs:
            raise invalid(f"Requested signature not found in model graph: {signature}")
        if task.method_name not in (CLASSIFY, REGRESS):
            raise ServingError(
                f"Unsupported signature method_name: {task.method_name}", 400, "UNIMPLEMENTED"
            )
        sig = servable.signature_defs[signature]
        kind = "classification" if task.method_name == CLASSIFY else "regression"
        if sig.method_name != task.method_name:
            raise invalid(
                f"Expected {kind} signature method_name to be {task.method_name}. "
                f"Was: {sig.method_name}"
            )
        if len(sig.inputs) != 1:
            raise invalid("Expected one input Tensor.")
        if "inputs" not in sig.inputs:
            raise invalid(f"No {kind} inputs found in SignatureDef: {sig}")
        if input_name and sig.inputs["inputs"].name != input_name:
            raise invalid("Input tensor must be the same for all Signatures.")
        input_name = sig.inputs["inputs"].name


# -- running it -----------------------------------------------------------------------------


class RunningGrpcServer:
    """A gRPC server running in a background thread; :meth:`stop` shuts it down.

    Made by :func:`serve_grpc`; ``address`` is ``host:port`` (for ``grpc.insecure_channel``),
    ``port`` the bound port.

    Parameters
    ----------
    loop : asyncio.AbstractEventLoop
        The event loop the server runs on (in ``thread``).
    grpc_server : grpc.aio.Server
        The running server.
    thread : threading.Thread
        The thread running ``loop``.
    address : str
        ``host:port`` to connect to.
    port : int
        The bound port.
    poll_stop : threading.Event
        Set to stop the server's polling for new versions.
    """

    def __init__(self, loop, grpc_server, thread, address: str, port: int, poll_stop):
        self._loop, self._server, self._thread = loop, grpc_server, thread
        self._poll_stop = poll_stop
        self.address, self.port = address, port

    def stop(self, grace: float = 1.0) -> None:
        """Stop accepting calls, let running ones finish for ``grace`` seconds, then end."""
        self._poll_stop.set()
        if self._loop.is_closed():
            return
        done = asyncio.run_coroutine_threadsafe(self._server.stop(grace), self._loop)
        try:
            done.result(timeout=grace + 10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def build_grpc_server(server: ModelServer, address: str):
    """A ``grpc.aio`` server with both services for ``server``, bound to ``address``; and
    the bound port. Call it inside the event loop that will run it."""
    import grpc
    from tensorflow_serving.apis import model_service_pb2_grpc, prediction_service_pb2_grpc

    options = [
        ("grpc.max_receive_message_length", server.max_body_bytes),
        ("grpc.max_send_message_length", -1),
        ("grpc.so_reuseport", 0),
    ]
    grpc_server = grpc.aio.server(options=options)
    services = _Services(server)
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(services, grpc_server)
    model_service_pb2_grpc.add_ModelServiceServicer_to_server(services, grpc_server)
    port = grpc_server.add_insecure_port(address)
    if port == 0:
        raise RuntimeError(f"the gRPC server could not bind {address} (port in use?)")
    return grpc_server, port


def serve_grpc(
    server: ModelServer,
    *,
    host: str = "127.0.0.1",
    port: int = 8500,
    background: bool = True,
    poll: bool = True,
):
    """Serve ``server`` over gRPC (TF Serving's port is 8500; ``port=0`` picks a free one).

    Parameters
    ----------
    server : ModelServer
        The models to serve (the same object can be served over REST too).
    host : str
        The interface to bind: the loopback interface unless told otherwise.
    port : int
        The port; 0 picks a free one (see the returned server's ``port``).
    background : bool
        Run in a background thread and return, or in the foreground until interrupted.
    poll : bool
        Pick up new version folders every ``server.poll_seconds`` (leave it off when the REST
        server, which also polls, serves the same models).

    Returns
    -------
    RunningGrpcServer or None
        The running server (background), else None once it has stopped.
    """
    if not isinstance(server, ModelServer):
        raise TypeError(f"server must be a ModelServer, but got {type(server).__name__}")
    if not isinstance(port, int) or not 0 <= port < 65536:
        raise ValueError(f"port must be an int in [0, 65535], but got {port!r}")
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    poll_stop = threading.Event()
    if poll and server.poll_seconds > 0:
        threading.Thread(
            target=_poll, args=(server, poll_stop), daemon=True, name="model-poller-grpc"
        ).start()
    if not background:
        try:
            asyncio.run(_run_forever(server, address))
        finally:
            poll_stop.set()
        return None
    loop = asyncio.new_event_loop()
    started: dict[str, Any] = {}
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            grpc_server, bound = loop.run_until_complete(_start(server, address))
        except Exception as error:  # noqa: BLE001 - reported to the caller below
            started["error"] = error
            ready.set()
            return
        started.update(server=grpc_server, port=bound)
        ready.set()
        loop.run_forever()  # until stop(): the server's stop() itself needs the loop
        loop.close()

    thread = threading.Thread(target=run, daemon=True, name="model-server-grpc")
    thread.start()
    if not ready.wait(30) or "error" in started:
        poll_stop.set()
        raise RuntimeError(
            f"the gRPC model server did not start on {address}: {started.get('error', 'timeout')}"
        )
    bound = started["port"]
    shown = f"[{host}]:{bound}" if ":" in host else f"{host}:{bound}"
    return RunningGrpcServer(loop, started["server"], thread, shown, bound, poll_stop)


async def _start(server: ModelServer, address: str):
    grpc_server, port = build_grpc_server(server, address)
    await grpc_server.start()
    return grpc_server, port


async def _run_forever(server: ModelServer, address: str) -> None:
    grpc_server, _ = await _start(server, address)
    await grpc_server.wait_for_termination()


def _poll(server: ModelServer, stop: threading.Event) -> None:
    while not stop.wait(server.poll_seconds):
        server.refresh()
        if server._stop.is_set():
            return
