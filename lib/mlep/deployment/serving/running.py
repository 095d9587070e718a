"""Running a model server (or any ASGI app) over HTTP, in a background thread or the foreground."""

import threading
import time

from .server import ModelServer

__all__ = ["RunningServer", "serve", "serve_app"]


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
    or in the foreground until Ctrl-C. Binds the loopback interface unless ``host`` says
    otherwise."""
    running = serve_app(server.app(), host=host, port=port, background=background)
    if running is not None:
        running.model_server = server
    return running


def serve_app(app, *, host: str = "127.0.0.1", port: int = 8000, background: bool = True):
    """Serve any ASGI ``app`` (e.g. :func:`~mlep.deployment.serving.make_app`'s) with uvicorn.

    Parameters
    ----------
    app : ASGI application
        What to serve.
    host : str
        The interface to bind: loopback unless told otherwise.
    port : int
        The port; ``0`` picks a free one (read it from the returned ``url``).
    background : bool
        Run in a daemon thread and return a :class:`RunningServer` (stop it with ``stop()`` or
        a ``with`` block), or in the foreground until Ctrl-C (returns ``None``).
    """
    import uvicorn

    # no X-Forwarded-For rewriting: TF Serving has none, and in a cProfile of small requests it
    # was about a tenth of the event loop's time per request
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
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
            http.should_exit = True
            raise RuntimeError(f"the model server did not start on {host}:{port} (port in use?)")
        time.sleep(0.02)
    bound = http.servers[0].sockets[0].getsockname()[1] if port == 0 else port
    return RunningServer(None, http, thread, f"http://{host}:{bound}")
