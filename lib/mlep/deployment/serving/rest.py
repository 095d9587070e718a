"""The HTTP side: TF Serving's REST paths, answered by a small ASGI application.

Paths are matched as TF Serving matches them (``http_rest_api_util.cc``, case-insensitive):

* ``POST /v1/models/{name}[/versions/{v} | /labels/{l}]:(predict|classify|regress)``;
* ``GET /v1/models/{name}[/versions/{v} | /labels/{l}][/metadata]`` (status or metadata).

Any other request under ``/v1/`` is ``400 Malformed request: {METHOD} {path}``; ``GET /v1/models``
is ``400 Missing model name in request.``. Every answer is JSON; every error is
``{"error": "..."}`` with TF Serving's status code. Bodies may be gzip-encoded
(``Content-Encoding: gzip``), as TF Serving's HTTP server accepts.
"""

import logging
import re
import threading
import zlib
from urllib.parse import unquote

from .errors import ServingError, invalid
from .json_output import dumps
from .json_tensor import parse_json

__all__ = ["build_app", "parse_route"]

log = logging.getLogger("mlep.deployment.serving")

_PREDICT = re.compile(
    r"/v1/models/([^/:]+)(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)",
    re.IGNORECASE,
)
_STATUS = re.compile(
    r"/v1/models(?:/([^/:]+))?(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?",
    re.IGNORECASE,
)
_V1 = re.compile(r"/v1/.*", re.IGNORECASE | re.DOTALL)
_HEADERS = [(b"content-type", b"application/json")]


def parse_route(method: str, path: str) -> tuple[str, int | None, str | None, str]:
    """``(name, version, label, action)`` of a REST request, or TF Serving's 400.

    Parameters
    ----------
    method : str
        The HTTP method.
    path : str
        The raw (still percent-encoded) path.

    Returns
    -------
    tuple
        ``action`` is ``predict``, ``classify``, ``regress``, ``metadata`` or ``status``.

    Examples
    --------
    >>> parse_route("POST", "/v1/models/half_plus_two/versions/123:predict")
    ('half_plus_two', 123, None, 'predict')
    >>> parse_route("GET", "/v1/models/risk/labels/stable/metadata")
    ('risk', None, 'stable', 'metadata')
    """
    match = None
    if method == "POST":
        match = _PREDICT.fullmatch(path)
    elif method == "GET":
        match = _STATUS.fullmatch(path)
    if match is None:
        raise invalid(f"Malformed request: {method} {path}")
    name, version_text, label, action = match.groups()
    name = unquote(name or "", errors="replace")
    version = None
    if version_text:
        version = int(version_text)
        if version >= 2**63:
            raise invalid(f"Failed to convert version: {version_text} to numeric.")
    if label:
        label = unquote(label, errors="replace")
    if method == "GET":
        if not name:
            raise invalid("Missing model name in request.")
        return name, version, label or None, "metadata" if action else "status"
    if action not in ("predict", "classify", "regress"):  # the regex matched :PREDICT etc.
        raise invalid(f"Malformed request: {method} {path}")
    return name, version, label or None, action


def build_app(server):
    """The ASGI application answering TF Serving's REST API.

    Parameters
    ----------
    server : ModelServer
        The models to answer for.
    """

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(server, receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            status, answer = await _handle(server, scope, receive)
        except ServingError as error:
            status, answer = error.status, {"error": str(error)}
        except Exception as error:  # noqa: BLE001 - a bug: say so, in JSON, and log it
            log.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            status, answer = 500, {"error": f"Internal error: {type(error).__name__}: {error}"}
        body = dumps(answer)
        headers = [*_HEADERS, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


async def _handle(server, scope, receive) -> tuple[int, dict]:
    method = scope["method"]
    path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1").split("?")[0]
    if not _V1.fullmatch(path):
        raise ServingError(f"Not found: {method} {path} (TF Serving's REST API is under /v1/)", 404)
    if method == "POST":
        return 200, await _post(server, scope, receive, path)
    name, version, label, action = parse_route(method, path)
    if action == "metadata":
        return 200, server.metadata(name, version, label)
    return 200, server.status(name, version, label)


async def _post(server, scope, receive, path: str) -> dict:
    if server.max_in_flight and server.in_flight >= server.max_in_flight:
        server.rejected += 1
        raise ServingError(
            f"server overloaded: {server.in_flight} requests in flight "
            f"(limit {server.max_in_flight}); retry later",
            503,
        )
    server.in_flight += 1
    try:
        headers = {k.lower(): v for k, v in scope["headers"]}
        raw = await _read_body(server, headers, receive)
        name, version, label, action = parse_route("POST", path)
        body = parse_json(raw)
        if version is None and label is None:
            key = headers.get(b"x-request-id", b"").decode("latin-1") or raw.decode(
                "utf-8", "replace"
            )
            version = server.split_version(name, key)
        if action == "predict":
            return await server.predict(name, body, version, label)
        return await server.classify_or_regress(name, body, action, version, label)
    finally:
        server.in_flight -= 1


async def _read_body(server, headers: dict, receive) -> bytes:
    limit = server.max_body_bytes
    try:
        declared = int(headers.get(b"content-length", b"0") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise ServingError(f"request body of {declared} bytes is over the {limit}-byte limit", 413)
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ServingError(f"request body of {size} bytes is over the {limit}-byte limit", 413)
        chunks.append(chunk)
        more = message.get("more_body", False)
    raw = b"".join(chunks)
    if headers.get(b"content-encoding", b"").strip().lower() == b"gzip":
        raw = _gunzip(raw, limit)
    return raw


def _gunzip(raw: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, limit + 1)
    except zlib.error as error:
        raise invalid(f"Failed to decompress the gzip-encoded request body: {error}") from None
    if len(data) > limit:
        raise ServingError(f"the decompressed request body is over the {limit}-byte limit", 413)
    return data


async def _lifespan(server, receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if server.poll_seconds > 0:
                threading.Thread(target=server.poll, daemon=True, name="model-poller").start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            server.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
