"""API-key checks of emulated REST requests, answered as the real API answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._errors import ApiError

if TYPE_CHECKING:
    from aiohttp import web

    from ._state import EmulatorState

__all__ = ["authenticate"]

_MISSING_KEY = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)
_BAD_KEY = "API key not valid. Please pass a valid API key."
_EPHEMERAL_KEY = (
    "Request had invalid authentication credentials. Ephemeral auth tokens "
    "(auth_tokens/...) can only be used with the Live API (BidiGenerateContent)."
)


def authenticate(state: EmulatorState, request: web.Request) -> None:
    """Check the request's API key as the real API does.

    Raises:
        ApiError: 403 PERMISSION_DENIED without a key; 400 INVALID_ARGUMENT (API_KEY_INVALID)
            for a wrong key; 401 UNAUTHENTICATED for an ephemeral ``auth_tokens/...`` key, which
            only the Live API accepts.
    """
    key = request.headers.get("x-goog-api-key")
    if key is None:
        key = request.query.get("key")
    key = key.strip() if key else ""
    if not key:
        raise ApiError(403, _MISSING_KEY)
    if key.startswith("auth_tokens/"):
        raise ApiError(
            401,
            _EPHEMERAL_KEY,
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "ACCESS_TOKEN_TYPE_UNSUPPORTED",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                }
            ],
        )
    expected = state.settings.api_key
    if expected is not None and key != expected:
        raise ApiError(
            400,
            _BAD_KEY,
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                },
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": _BAD_KEY,
                },
            ],
        )
