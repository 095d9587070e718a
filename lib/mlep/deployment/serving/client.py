"""A small client for the TF Serving REST API (this server or a real TF Serving)."""

from typing import Any

from .errors import ServingError

__all__ = ["ServingClient"]


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
