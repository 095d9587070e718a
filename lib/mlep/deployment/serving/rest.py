"""The HTTP side: TF Serving's REST paths and the FastAPI application that answers them."""

import json
import threading

from .errors import ServingError

__all__ = ["build_app", "parse_route"]


def build_app(server):
    """The FastAPI application implementing the REST API of the model server ``server``."""
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    app = FastAPI(title="mlep model server (TF Serving REST API)", docs_url=None, redoc_url=None)

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
        name, version, label, method = parse_route(rest)
        if method == "metadata":
            return server.metadata(name, version, label)
        if method is not None:
            raise ServingError(f"Malformed request: GET with :{method}; use POST", 405)
        return server.status(name, version, label)

    @app.post("/v1/models/{rest:path}")
    async def post(rest: str, request: Request):
        if server.max_in_flight and server.in_flight >= server.max_in_flight:
            server.rejected += 1
            raise ServingError(
                f"server overloaded: {server.in_flight} requests in flight (limit {server.max_in_flight}); retry later",
                503,
            )
        server.in_flight += 1
        try:
            # a ready JSONResponse skips FastAPI's jsonable_encoder walk over every number
            return JSONResponse(await _post(server, rest, request))
        finally:
            server.in_flight -= 1

    return _lifecycle(server, app)


async def _post(server, rest: str, request) -> dict:
    name, version, label, method = parse_route(rest)
    declared = int(request.headers.get("content-length") or 0)
    if declared > server.max_body_bytes:
        raise ServingError(
            f"request body of {declared} bytes is over the {server.max_body_bytes}-byte limit",
            413,
        )
    raw = await request.body()
    if len(raw) > server.max_body_bytes:
        raise ServingError(
            f"request body of {len(raw)} bytes is over the {server.max_body_bytes}-byte limit",
            413,
        )
    try:
        body = json.loads(raw or b"null")
    except json.JSONDecodeError as error:
        raise ServingError(f"JSON Parse error: {error.msg} at offset {error.pos}") from None
    if version is None and label is None:
        version = server.split_version(
            name, request.headers.get("x-request-id") or raw.decode("utf-8", "replace")
        )
    if method == "predict":
        return await server.predict(name, body, version, label)
    if method in ("classify", "regress"):
        return await server.classify_or_regress(name, body, method, version, label)
    raise ServingError(
        f"Malformed request: POST with method {method!r}; use :predict, :classify or :regress"
    )


def _lifecycle(server, app):

    @app.on_event("startup")
    async def start_polling():
        if server.poll_seconds > 0:
            threading.Thread(target=server.poll, daemon=True, name="model-poller").start()

    @app.on_event("shutdown")
    async def stop_polling():
        server._stop.set()

    return app


def parse_route(rest: str) -> tuple[str, int | None, str | None, str | None]:
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
