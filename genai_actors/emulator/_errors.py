"""The Google API error envelope and the errors the emulator raises internally.

Every failure the emulator reports travels as ``{"error": {"code", "message", "status",
"details"}}``, the shape google.rpc.Status takes in JSON on the real Gemini API. Handlers raise
:class:`ApiError`; the dispatcher turns it into a response.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "STATUS_NAMES",
    "ApiError",
    "bad_request",
    "envelope",
    "field_violation",
    "not_found",
    "retry_info",
]

# HTTP status -> canonical google.rpc.Code name, as the real API reports them.
STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# Default messages for statuses a fault injection may produce without a message of its own.
DEFAULT_MESSAGES: dict[int, str] = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    409: "Resource already exists.",
    429: "Resource has been exhausted (e.g. check quota).",
    500: "An internal error has occurred. Please retry or report in "
    "https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "The request timed out. Please try again.",
}

_ENCODER = msgspec.json.Encoder()


class ApiError(Exception):
    """An error to be returned to the client in the Google error envelope.

    Args:
        code: The HTTP status code.
        message: The human-readable ``error.message``.
        details: ``error.details`` entries (``google.rpc.*`` messages with ``@type``).
        status: The canonical status name; derived from ``code`` when omitted.
        headers: Extra response headers (for example ``Retry-After``).
    """

    def __init__(
        self,
        code: int,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        status: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else DEFAULT_MESSAGES.get(code, "Error")
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.details = details or []
        self.headers = headers or {}
        super().__init__(f"{code} {self.status}: {self.message}")

    def to_json(self) -> dict[str, Any]:
        """Return the error as the JSON envelope (a dict)."""
        return envelope(self.code, self.message, self.status, self.details)

    def to_bytes(self) -> bytes:
        """Return the error envelope encoded as JSON bytes."""
        return _ENCODER.encode(self.to_json())


def envelope(
    code: int, message: str, status: str | None = None, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Build ``{"error": {...}}`` as the real API does (``details`` omitted when empty)."""
    err: dict[str, Any] = {
        "code": code,
        "message": message,
        "status": status or STATUS_NAMES.get(code, "UNKNOWN"),
    }
    if details:
        err["details"] = details
    return {"error": err}


def field_violation(field: str | None, description: str) -> dict[str, Any]:
    """A ``google.rpc.BadRequest`` detail naming one offending field."""
    violation: dict[str, str] = {"description": description}
    if field:
        violation = {"field": field, "description": description}
    return {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}


def bad_request(message: str, field: str | None = None) -> ApiError:
    """A 400 INVALID_ARGUMENT, with a BadRequest detail when the field is known."""
    return ApiError(400, message, details=[field_violation(field, message)])


def not_found(message: str) -> ApiError:
    """A 404 NOT_FOUND."""
    return ApiError(404, message)


def retry_info(seconds: float) -> dict[str, Any]:
    """A ``google.rpc.RetryInfo`` detail; the delay is whole seconds, rounded up, as ``"53s"``."""
    whole = max(1, int(-(-seconds // 1)))
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{whole}s"}
