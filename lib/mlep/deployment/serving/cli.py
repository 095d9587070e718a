"""``python -m mlep.deployment.serving``: tensorflow_model_server's main flags."""

from collections.abc import Sequence

from .config import ModelConfig
from .running import serve
from .server import ModelServer

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mlep.deployment.serving`` with tensorflow_model_server's main flags."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m mlep.deployment.serving",
        description="A local model server that speaks TensorFlow Serving's REST and gRPC APIs.",
    )
    parser.add_argument(
        "--port", type=int, default=8500, help="gRPC port, as TF Serving's (0: no gRPC server)"
    )
    parser.add_argument(
        "--grpc_host", default="127.0.0.1", help="interface gRPC binds (default: loopback only)"
    )
    parser.add_argument("--rest_api_port", type=int, default=8501, help="0: no REST server")
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
    if not args.port and not args.rest_api_port:
        parser.error("give a gRPC --port or a --rest_api_port (both are 0)")
    return _run(server, args)


def _run(server: ModelServer, args) -> int:
    from .grpc import serve_grpc

    names = ", ".join(server.models)
    if not args.rest_api_port:
        print(f"serving {names} over gRPC at {args.grpc_host}:{args.port}", flush=True)
        serve_grpc(server, host=args.grpc_host, port=args.port, background=False)
        return 0
    grpc_server = None
    if args.port:  # REST polls for new versions; both answer from the same models
        grpc_server = serve_grpc(server, host=args.grpc_host, port=args.port, poll=False)
        print(f"serving {names} over gRPC at {grpc_server.address}", flush=True)
    print(f"serving {names} at http://{args.rest_api_host}:{args.rest_api_port}", flush=True)
    try:
        serve(server, host=args.rest_api_host, port=args.rest_api_port, background=False)
    finally:
        if grpc_server is not None:
            grpc_server.stop()
    return 0
