"""The error a request gets: a 4xx status with TF Serving's ``{"error": "..."}`` body.

TF Serving turns each TensorFlow status code into an HTTP status (``http_server.cc``):
``INVALID_ARGUMENT``, ``FAILED_PRECONDITION`` and ``OUT_OF_RANGE`` are 400, ``NOT_FOUND`` 404,
``RESOURCE_EXHAUSTED`` 429 and so on. :func:`http_status` keeps that table, except that the codes
TF Serving answers with a 5xx (``INTERNAL``, ``UNKNOWN``, ``UNIMPLEMENTED``, ``DATA_LOSS``...) are
400 here when a request caused them: the server stays up and the client learns what was wrong.
"""

from mlep.exceptions import MlepError

__all__ = ["ServingError", "from_tf_error", "http_status"]

_HTTP = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "OUT_OF_RANGE": 400,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "ABORTED": 409,
    "PERMISSION_DENIED": 403,
    "UNAUTHENTICATED": 401,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
}


class ServingError(MlepError):
    """A request the server answers with a 4xx status and a TF-Serving-style message.

    Parameters
    ----------
    message : str
        The text of the ``{"error": ...}`` answer (TF Serving's own wording where it has one).
    status : int
        The HTTP status (400 unless told otherwise).
    code : str
        The TensorFlow status code name (``"INVALID_ARGUMENT"``, ``"NOT_FOUND"``...), which the
        gRPC side maps to its own status codes.
    """

    def __init__(self, message: str, status: int = 400, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or {404: "NOT_FOUND", 503: "UNAVAILABLE", 413: "INVALID_ARGUMENT"}.get(
            status, "INVALID_ARGUMENT"
        )


def http_status(code: str) -> int:
    """The HTTP status for a TensorFlow status code name, as TF Serving maps it (5xx → 400).

    Parameters
    ----------
    code : str
        A ``tensorflow.error_codes`` name such as ``"NOT_FOUND"``.
    """
    return _HTTP.get(code, 400)


def invalid(message: str) -> ServingError:
    """An ``INVALID_ARGUMENT`` error (HTTP 400)."""
    return ServingError(message, 400, "INVALID_ARGUMENT")


def not_found(message: str) -> ServingError:
    """A ``NOT_FOUND`` error (HTTP 404)."""
    return ServingError(message, 404, "NOT_FOUND")


def from_tf_error(error) -> ServingError:
    """The answer for a ``tf.errors.OpError`` raised while running a model's graph.

    Parameters
    ----------
    error : tf.errors.OpError
        The error; its message is kept word for word, as TF Serving does.
    """
    from tensorflow.core.protobuf import error_codes_pb2

    code = error_codes_pb2.Code.Name(error.error_code)
    return ServingError(error.message, http_status(code), code)
