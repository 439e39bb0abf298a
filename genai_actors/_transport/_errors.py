"""The boundary: HTTP client failures and server text become :mod:`genai_actors.errors`.

Two jobs, each done in exactly one place:

- :func:`map_transport_error` turns an h1, aiohttp or timeout exception into a typed
  :class:`~genai_actors.errors.TransportError`; the answer depends on the :class:`Phase` the
  exchange was in (see the function's docstring for the rule).
- :func:`scrub` removes credentials from server text. Every error built from what a server sent
  (an HTTP error body, an ``{"error": ...}`` stream event, an unexpected body quoted in a message)
  goes through :func:`api_error`, :func:`event_error` or :func:`unexpected_body`, which scrub it
  first: the client's own secrets (the API key, tokens) wherever they appear, plus anything that
  looks like a credential (``Bearer ...``, ``key=...`` query values, Google API keys ``AIza...``).
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from ..errors import (
    APIError,
    ConnectError,
    ConnectionLostError,
    ConnectTimeoutError,
    GenAIError,
    RequestTimeoutError,
    StreamCutError,
    StreamIdleTimeoutError,
    TransportError,
    UnknownApiResponseError,
    error_from_response,
)

__all__ = [
    "Phase",
    "api_error",
    "decode_json",
    "event_error",
    "map_transport_error",
    "scrub",
    "scrub_json",
    "unexpected_body",
]

REDACTED = "***"
QUOTE_CHARS = 200  # how much of an unexpected body a message quotes

# Credentials recognisable without knowing them: bearer tokens, ``key=`` query values, Google
# API keys and OAuth access tokens.
_PATTERNS = re.compile(
    r"(?i:(bearer)\s+)[A-Za-z0-9._~+/=-]+"
    r"|(?i:([?&;]key=))[^&\s\"'<>]+"
    r"|AIza[0-9A-Za-z_-]+"
    r"|ya29\.[0-9A-Za-z._-]+"
)


class Phase(enum.Enum):
    """Where an exchange was when it failed."""

    SEND = "send"
    """Connecting, sending the request, waiting for the status line and headers."""
    BODY = "body"
    """The response started (status and headers received): reading its body or stream."""


def map_transport_error(exc: BaseException, phase: Phase) -> GenAIError:
    """Maps an HTTP client's or a timeout exception to a typed error: the one mapping.

    The same rule for either client (h1's classes are named first, aiohttp's after them):

    1. Timeouts, whatever the phase: the connect timeout (h1 ``ConnectTimeout``, aiohttp
       ``ConnectionTimeoutError``) is :class:`ConnectTimeoutError`; the socket-read timeout
       (``sock_read``, the stream idle timeout: ``ReadTimeout``, ``ServerTimeoutError``) is
       :class:`StreamIdleTimeoutError`; any other :class:`TimeoutError` (the call's own
       budget, h1 ``TotalTimeout``) is :class:`RequestTimeoutError`.
    2. :attr:`Phase.SEND` (no response yet): a connection that could not be made (DNS, refused,
       TLS, proxy: ``ClientConnectError``, ``ClientConnectorError``) is :class:`ConnectError`;
       a connection lost after it was made, while sending or waiting for the answer
       (``ServerDisconnected``, ``PayloadError``, aiohttp's other connection errors), is
       :class:`ConnectionLostError` (the request may have reached the server; retried for
       idempotent requests).
    3. :attr:`Phase.BODY` (the response started): a connection lost or a malformed or truncated
       body is :class:`StreamCutError`: the answer exists but is incomplete. A stream is never
       retried after this point; a plain idempotent request, whose body is read inside the
       retry loop, is.
    4. Anything else (h1 ``ProtocolError``, ``SessionClosed``, other aiohttp errors) is a
       plain :class:`TransportError`.

    aiohttp is never imported here: its classes are checked only when it is already loaded
    (an aiohttp exception cannot exist otherwise).

    Args:
        exc: The exception caught (kept as ``__cause__``).
        phase: Where the exchange was.

    Returns:
        The error, not raised.
    """
    from ._h1 import _errors as h1

    name = type(exc).__name__
    if isinstance(exc, h1.HttpClientError):
        err = _map_h1(exc, phase, name, h1)
    else:
        aiohttp = sys.modules.get("aiohttp")
        if aiohttp is not None and isinstance(exc, aiohttp.ClientError):
            err = _map_aiohttp(exc, phase, name, aiohttp)
        elif isinstance(exc, TimeoutError):
            err = RequestTimeoutError("the call's timeout expired")
        else:
            err = TransportError(f"transport failure: {name}")
    err.__cause__ = exc
    return err


_CONNECT_TIMEOUT = "no connection within the connect timeout"
_IDLE_TIMEOUT = "the server sent nothing within the idle timeout"
_CUT = "the response was cut before it was complete: {}"
_LOST = "the connection was lost before the response: {}"


def _map_h1(exc: BaseException, phase: Phase, name: str, h1: Any) -> GenAIError:
    if isinstance(exc, h1.ConnectTimeout):
        return ConnectTimeoutError(_CONNECT_TIMEOUT)
    if isinstance(exc, h1.ReadTimeout):
        return StreamIdleTimeoutError(_IDLE_TIMEOUT)
    if isinstance(exc, TimeoutError):
        return RequestTimeoutError("the call's timeout expired")
    lost = isinstance(exc, h1.ServerDisconnected | h1.PayloadError)
    if phase is Phase.BODY and (lost or isinstance(exc, h1.ClientConnectError)):
        return StreamCutError(_CUT.format(name))
    if isinstance(exc, h1.ClientConnectError):
        return ConnectError(f"cannot connect to {exc.host}:{exc.port}: {name}: {exc.os_error}")
    if lost:
        return ConnectionLostError(_LOST.format(name))
    return TransportError(f"transport failure: {name}")


def _map_aiohttp(exc: BaseException, phase: Phase, name: str, aiohttp: Any) -> GenAIError:
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return ConnectTimeoutError(_CONNECT_TIMEOUT)
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return StreamIdleTimeoutError(_IDLE_TIMEOUT)
    if isinstance(exc, TimeoutError):
        return RequestTimeoutError("the call's timeout expired")
    lost = isinstance(exc, aiohttp.ClientConnectionError | aiohttp.ClientPayloadError)
    if phase is Phase.BODY and lost:
        return StreamCutError(_CUT.format(name))
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectError(f"cannot connect to {exc.host}:{exc.port}: {name}: {exc.os_error}")
    if lost:
        return ConnectionLostError(_LOST.format(name))
    return TransportError(f"transport failure: {name}")


def scrub(text: str, secrets: Iterable[str] = (), *, partial: bool = False) -> str:
    """Removes credentials from ``text``: the one scrub function.

    Args:
        text: Text a server sent (or anything else about to be shown).
        secrets: The client's own secrets (API key, tokens); each is replaced wherever it occurs.
        partial: True when ``text`` is a prefix of something longer (a body read in part): a
            trailing fragment that could be the start of a secret is cut off too.

    Returns:
        The text with every secret, bearer token, ``key=`` query value and Google API key or
        access token replaced by ``***``.
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    if partial:
        text = _cut_partial_secret(text, secrets)
    return _PATTERNS.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    keep = match.group(1) or match.group(2)
    return f"{keep} {REDACTED}" if match.group(1) else (keep or "") + REDACTED


def _cut_partial_secret(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        for size in range(min(len(secret) - 1, len(text)), 0, -1):
            if text.endswith(secret[:size]):
                return text[:-size] + REDACTED
    return text


def scrub_json(value: Any, secrets: Iterable[str] = ()) -> Any:
    """:func:`scrub` applied to every string (keys included) of a decoded JSON value."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {scrub(k, secrets): scrub_json(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v, secrets) for v in value]
    return value


def api_error(
    status: int,
    reason: str | None,
    headers: Mapping[str, str] | None,
    content: bytes,
    secrets: Iterable[str] = (),
) -> APIError:
    """The typed error of an HTTP error answer, built from its scrubbed body.

    Args:
        status: The HTTP status.
        reason: The status line's reason phrase (used when the body is not JSON).
        headers: The response headers.
        content: The body, as read.
        secrets: The client's secrets to scrub.

    Returns:
        The most specific :class:`APIError`, not raised.
    """
    secrets = tuple(secrets)
    parsed: Any
    try:
        parsed = msgspec.json.decode(content) if content else {}
    except msgspec.DecodeError:
        text = content.decode("utf-8", "replace")
        parsed = {"message": text, "status": reason}
    parsed = scrub_json(parsed, secrets)
    if headers is not None:
        headers = {k: scrub(v, secrets) for k, v in headers.items()}
    return error_from_response(status, parsed, headers)


def event_error(payload: bytes, secrets: Iterable[str] = ()) -> APIError | None:
    """The typed error of an ``{"error": ...}`` stream event, scrubbed; ``None`` if it is not one.

    A one-element JSON array around the object is accepted (the JSON-array stream framing).
    """
    try:
        body: Any = msgspec.json.decode(payload)
    except msgspec.DecodeError:
        return None  # not JSON: the caller's decoder reports it
    probe = body[0] if isinstance(body, list) and len(body) == 1 else body
    if isinstance(probe, dict) and isinstance(probe.get("error"), dict):
        code = probe["error"].get("code")
        return error_from_response(code if isinstance(code, int) else 0, scrub_json(body, secrets))
    return None


def unexpected_body(
    what: str, head: bytes, secrets: Iterable[str] = (), *, complete: bool = False
) -> UnknownApiResponseError:
    """An :class:`UnknownApiResponseError` saying ``what`` and quoting the start of the body.

    Args:
        what: What was wrong, e.g. ``"expected text/event-stream, got 200 text/html"``.
        head: The first bytes of the body (possibly all of it).
        secrets: The client's secrets to scrub from the quote.
        complete: True when ``head`` is the whole body (nothing was cut after it).
    """
    text = scrub(head.decode("utf-8", "replace"), secrets, partial=not complete)
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS] + "..."
    return UnknownApiResponseError(f"{what}; the body starts with {text!r}" if head else what)


def decode_json(payload: bytes) -> Any:
    """Decodes one JSON payload, mapping failures to :class:`UnknownApiResponseError`."""
    try:
        return msgspec.json.decode(payload)
    except msgspec.DecodeError as exc:
        raise UnknownApiResponseError(f"the response is not valid JSON: {exc}") from None
