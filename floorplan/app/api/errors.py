"""The JSON API's one error: an HTTP status, a code, a message and the parameter at fault."""

from __future__ import annotations

from typing import Any, Final

from floorplan.errors import FloorplanError

__all__ = ["CODES", "ApiError"]

#: The error code each status is answered with unless a more precise one is given.
CODES: Final[dict[int, str]] = {
    400: "bad_parameter",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "no_route",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(FloorplanError, ValueError):
    """A request the API refuses, answered as JSON with ``status``.

    Parameters
    ----------
    status
        The HTTP status (400 bad parameter, 404 unknown id, 422 no route...).
    message
        What is wrong, naming the value.
    parameter
        The query parameter, path part or body field at fault, if one is.
    code
        A stable machine-readable code (default: by status, :data:`CODES`).
    """

    def __init__(self, status: int, message: str, parameter: str = "", *, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter
        self.code = code or CODES.get(status, "error")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON body: ``{"error": {"status", "code", "message", "parameter"}}``."""
        body: dict[str, Any] = {"status": self.status, "code": self.code, "message": self.message}
        if self.parameter:
            body["parameter"] = self.parameter
        return {"error": body}
