"""The error a request gets: a 4xx status with TF Serving's ``{"error": "..."}`` body."""

__all__ = ["ServingError"]


class ServingError(Exception):
    """A request the server answers with a 4xx status and a TF-Serving-style message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status
