"""Every exception genai_actors raises, in one hierarchy.

Users never see a bare aiohttp or msgspec exception: HTTP error responses, error events inside
streams, transport failures and undecodable bodies are all mapped here, at the boundary.

::

    GenAIError                                   base of everything below
    ├── APIError(code, status, message, details) the API answered with an error
    │   ├── ClientError                          4xx: fix the request, do not retry blindly
    │   │   ├── InvalidArgumentError             400 INVALID_ARGUMENT (and other 400s)
    │   │   │   └── FailedPreconditionError      400 FAILED_PRECONDITION (e.g. file not ACTIVE)
    │   │   ├── UnauthenticatedError             401
    │   │   ├── PermissionDeniedError            403
    │   │   ├── NotFoundError                    404
    │   │   ├── RequestTimeoutStatusError        408 (retried by default)
    │   │   ├── ConflictError                    409 ABORTED / ALREADY_EXISTS
    │   │   └── RateLimitedError                 429 RESOURCE_EXHAUSTED: retry_after, quota_id
    │   └── ServerError                          5xx: the request may have been executed
    │       ├── InternalServerError              500
    │       ├── BadGatewayError                  502
    │       ├── ServiceUnavailableError          503 ("model is overloaded")
    │       └── GatewayTimeoutError              504 DEADLINE_EXCEEDED
    ├── TransportError                           no usable HTTP answer
    │   ├── ConnectError                         DNS, refused, TLS handshake
    │   ├── ConnectionLostError                  the server dropped the connection before answering
    │   ├── RequestTimeoutError (TimeoutError)   the call's time budget ran out
    │   │   ├── ConnectTimeoutError              no connection within the connect timeout
    │   │   └── StreamIdleTimeoutError           a stream sent nothing for the idle timeout
    │   ├── StreamCutError                       a body or stream ended before it was complete
    │   │                                        (alias: StreamInterruptedError)
    │   └── ResponseTooLargeError(limit)         a body or stream event passed its size cap
    ├── WaitTimeoutError (TimeoutError)          wait() on a job gave up after its timeout
    ├── UploadError(uploaded, size)              a resumable upload could not be completed
    ├── DownloadTooLargeError (ValueError)       a download to memory passed its size cap
    ├── FileProcessingError(file)                a file's server-side processing FAILED
    ├── UnknownApiResponseError (ValueError)     a body or stream event is not valid JSON
    ├── SessionClosed(code, reason, resumable)   a Live/Music WebSocket closed
    ├── ClientClosedError (RuntimeError)         the client was used after aclose()/close()
    ├── InvalidRequestError (ValueError)         a bad argument or field (.path), sent nothing
    │   └── RequestTooLargeError(size, limit)    a JSON body over the inline limit (Files API)
    ├── InvalidOptionError (ValueError, TypeError)  a bad client or call option (.option)
    ├── NotAvailableYetError (NotImplementedError, AttributeError)  a surface not built yet
    ├── UnsupportedByBackendError (ValueError)   a method or field the backend lacks, sent nothing
    ├── EphemeralTokenAPIKeyError (ValueError)   an auth_tokens/... key used for REST
    ├── UnknownFunctionCallArgumentError (ValueError)   AFC: an argument does not convert
    ├── UnsupportedFunctionError (ValueError)    AFC: a tool that cannot run in this mode
    ├── FunctionInvocationError (ValueError)     AFC: the user's function raised
    └── ContinuationInterruptedError             google-genai's Interactions error (name only)

``ExperimentalWarning`` is google-genai's warning category, kept for ``warnings`` filters.

Transport failures are mapped in one place (``genai_actors._transport._errors``), by phase: a
connection lost before the response started is :class:`ConnectionLostError`, after it started
(a body or stream cut) :class:`StreamCutError`. Every error built from server text has the API
key and any bearer token scrubbed from it.

Retries (on by default, see ``genai_actors._transport.RetryPolicy``): 5 attempts in all, waits
of ``min(1 s * 2**n + U(0, 1 s), 60 s)``, on HTTP 408, 429, 500, 502, 503 and 504 and on
:class:`ConnectError`, :class:`ConnectionLostError`, a plain response body cut short
(:class:`StreamCutError`, never a started stream) and per-attempt timeouts; a server hint
(``google.rpc.RetryInfo.retryDelay`` or ``Retry-After``) replaces the computed wait; a 429 for
an exhausted per-day quota is never retried; no wait ever crosses the call's deadline. The last
error is raised as it is.

Every error is pickle-safe, and its text never contains the API key.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = [
    "GenAIError",
    "APIError",
    "ClientError",
    "InvalidArgumentError",
    "FailedPreconditionError",
    "UnauthenticatedError",
    "PermissionDeniedError",
    "NotFoundError",
    "RequestTimeoutStatusError",
    "ConflictError",
    "RateLimitedError",
    "DailyQuotaExhaustedError",
    "ServerError",
    "InternalServerError",
    "BadGatewayError",
    "ServiceUnavailableError",
    "GatewayTimeoutError",
    "TransportError",
    "ConnectError",
    "ConnectionLostError",
    "RequestTimeoutError",
    "ConnectTimeoutError",
    "StreamIdleTimeoutError",
    "StreamCutError",
    "StreamInterruptedError",
    "ResponseTooLargeError",
    "WaitTimeoutError",
    "UploadError",
    "DownloadTooLargeError",
    "FileProcessingError",
    "UnknownApiResponseError",
    "SessionClosed",
    "ClientClosedError",
    "InvalidRequestError",
    "RequestTooLargeError",
    "InvalidOptionError",
    "NotAvailableYetError",
    "UnsupportedByBackendError",
    "EphemeralTokenAPIKeyError",
    "UnknownFunctionCallArgumentError",
    "UnsupportedFunctionError",
    "FunctionInvocationError",
    "ContinuationInterruptedError",
    "ExperimentalWarning",
    "error_from_response",
]


class GenAIError(Exception):
    """Base class of every exception raised by genai_actors."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(cls: type[GenAIError], args: tuple[Any, ...], state: dict[str, Any]) -> GenAIError:
    obj = cls.__new__(cls)
    Exception.__init__(obj, *args)
    obj.__dict__.update(state)
    return obj


# --------------------------------------------------------------------------- API errors


class APIError(GenAIError):
    """The API answered with an error (an HTTP status, or an error event inside a stream).

    Attributes:
        code: The HTTP status (or the ``error.code`` of a stream event, or a WebSocket close code).
        status: The canonical status string, e.g. ``"RESOURCE_EXHAUSTED"``; ``None`` if absent.
        message: The server's human-readable message; ``None`` if absent.
        details: The whole parsed error body, as google-genai exposes it (not just
            ``error.details``).
        response_json: The same object as ``details``.
        headers: The response headers, when the error came from an HTTP response.
    """

    retryable: ClassVar[bool] = False

    def __init__(
        self,
        code: int | None,
        response_json: Any,
        response: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if isinstance(response_json, list) and len(response_json) == 1:
            response_json = response_json[0]
        self.details: Any = response_json
        self.message: str | None = _lookup(response_json, "message")
        self.status: str | None = _lookup(response_json, "status")
        if not code:
            found = _lookup(response_json, "code")
            code = found if isinstance(found, int) else 0
        self.code: int = code
        # google-genai's third argument: the HTTP library's response object, kept as given
        # (genai_actors' own errors carry ``headers`` instead and leave it None).
        self.response: Any = response
        if headers is None and isinstance(getattr(response, "headers", None), Mapping):
            headers = response.headers
        self.headers: dict[str, str] | None = _Headers.of(headers) if headers is not None else None
        super().__init__(f"{self.code} {self.status}. {self.details}")

    @classmethod
    def raise_error(cls, status_code: int, response_json: Any, response: Any = None) -> None:
        """Raises the most specific error for ``status_code`` (google-genai's helper).

        Raises:
            ClientError: For a 4xx status (its most specific subclass, e.g. ``NotFoundError``).
            ServerError: For a 5xx status (likewise).
            APIError: ``cls`` itself for any other status.
        """
        headers = getattr(response, "headers", None)
        if not isinstance(headers, Mapping):
            headers = None
        if 400 <= status_code < 600:
            error = error_from_response(status_code, response_json, headers)
        else:
            error = cls(status_code, response_json, headers=headers)
        error.response = response
        raise error

    @classmethod
    async def raise_error_async(
        cls, status_code: int, response_json: Any, response: Any = None
    ) -> None:
        """:meth:`raise_error`, as a coroutine (google-genai's async helper)."""
        cls.raise_error(status_code, response_json, response)

    @classmethod
    def raise_for_response(cls, response: Any) -> None:
        """Raises for an HTTP response object (httpx, requests or alike) unless its status is
        200, reading its JSON error body (or its text when the body is not JSON).

        Raises:
            APIError: The most specific subclass for the status (see :meth:`raise_error`).
        """
        status = _status_of(response)
        if status == 200:
            return
        try:
            read = getattr(response, "read", None)
            if callable(read):
                read()
            body = response.json()
        except ValueError:
            body = {"message": getattr(response, "text", ""), "status": _reason_of(response)}
        cls.raise_error(status, body, response)

    @classmethod
    async def raise_for_async_response(cls, response: Any) -> None:
        """:meth:`raise_for_response` for an async response object (aiohttp, httpx async).

        Raises:
            APIError: The most specific subclass for the status (see :meth:`raise_error`).
        """
        status = _status_of(response)
        if status == 200:
            return
        try:
            aread = getattr(response, "aread", None)
            if callable(aread):
                await aread()
            body = response.json()
            if hasattr(body, "__await__"):
                body = await body
        except Exception:  # not JSON (aiohttp raises ContentTypeError, not ValueError)
            text = getattr(response, "text", "")
            if callable(text):
                text = text()
            if hasattr(text, "__await__"):
                text = await text
            body = {"message": text, "status": _reason_of(response)}
        cls.raise_error(status, body, response)

    @property
    def response_json(self) -> Any:
        """The parsed error body (same object as :attr:`details`)."""
        return self.details

    @property
    def error_details(self) -> list[Any]:
        """The ``error.details`` list of ``google.rpc`` messages (empty when absent)."""
        if isinstance(self.details, dict):
            err = self.details.get("error")
            if isinstance(err, dict) and isinstance(err.get("details"), list):
                return list(err["details"])
        return []


class _Headers(dict[str, str]):
    """An error's response headers: names lowercase, as google-genai gives them, and looked up
    in any letter case (``headers["Retry-After"]`` and ``headers["retry-after"]`` alike)."""

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> _Headers:
        """The headers of a (multi)mapping; a repeated name's values joined with ``", "``."""
        out = cls()
        for key, value in headers.items():
            key = key.lower()
            if dict.__contains__(out, key):
                value = f"{dict.__getitem__(out, key)}, {value}"
            dict.__setitem__(out, key, value)
        return out

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower() if isinstance(key, str) else key)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key.lower() if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, key.lower() if isinstance(key, str) else key, default)


def _status_of(response: Any) -> int:
    status = getattr(response, "status_code", None)
    if status is None:
        status = getattr(response, "status", None)
    if not isinstance(status, int):
        raise ValueError(f"unsupported response type: {type(response).__qualname__}")
    return status


def _reason_of(response: Any) -> Any:
    reason = getattr(response, "reason_phrase", None)
    return reason if reason is not None else getattr(response, "reason", None)


def _lookup(body: Any, key: str) -> Any:
    if not isinstance(body, dict):
        return None
    if key in body:
        return body[key]
    err = body.get("error")
    if isinstance(err, dict):
        return err.get(key)
    return None


class ClientError(APIError):
    """A 4xx answer: the request itself is at fault."""


class InvalidArgumentError(ClientError):
    """400: the request is malformed or names an unsupported value."""


class FailedPreconditionError(InvalidArgumentError):
    """400 FAILED_PRECONDITION: the resource is not in a usable state (e.g. a file not ACTIVE)."""


class UnauthenticatedError(ClientError):
    """401: missing or invalid credentials."""


class PermissionDeniedError(ClientError):
    """403: the credentials may not use this resource (or the key is invalid for it)."""


class NotFoundError(ClientError):
    """404: the model, file, cache, batch or operation does not exist."""


class RequestTimeoutStatusError(ClientError):
    """408: the server gave up waiting for the request. Retried by default."""

    retryable = True


class ConflictError(ClientError):
    """409: the resource already exists or a concurrent change won."""


class RateLimitedError(ClientError):
    """429 RESOURCE_EXHAUSTED: a quota or rate limit was hit.

    Attributes:
        retry_after: Seconds the server asked us to wait (``RetryInfo.retryDelay`` or
            ``Retry-After``), or ``None`` when it gave no hint.
        quota_id: The ``quotaId`` of the first ``QuotaFailure`` violation, if any
            (e.g. ``"GenerateRequestsPerDayPerProjectPerModel-FreeTier"``).
        quota_metric: The ``quotaMetric`` of that violation, if any.
    """

    retryable = True

    def __init__(
        self,
        code: int | None,
        response_json: Any,
        response: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(code, response_json, response, headers=headers)
        headers = self.headers  # looked up in any letter case
        self.retry_after: float | None = None
        self.quota_id: str | None = None
        self.quota_metric: str | None = None
        for detail in self.error_details:
            if not isinstance(detail, dict):
                continue
            kind = str(detail.get("@type", ""))
            if kind.endswith("google.rpc.RetryInfo") and self.retry_after is None:
                self.retry_after = parse_duration(detail.get("retryDelay"))
            elif kind.endswith("google.rpc.QuotaFailure") and self.quota_id is None:
                violations = detail.get("violations")
                if isinstance(violations, list):
                    for violation in violations:
                        if isinstance(violation, dict) and violation.get("quotaId"):
                            self.quota_id = str(violation["quotaId"])
                            metric = violation.get("quotaMetric")
                            self.quota_metric = str(metric) if metric else None
                            break
        if self.retry_after is None and headers is not None:
            self.retry_after = parse_retry_after(headers.get("Retry-After"))

    @property
    def per_day(self) -> bool:
        """True when the exhausted quota is a per-day one: retrying today is pointless."""
        return self.quota_id is not None and "perday" in self.quota_id.lower()


class DailyQuotaExhaustedError(RateLimitedError):
    """A model's per-day quota is used up: raised by the rate governor before anything is sent.

    Raised when the governor's own ``rpd`` limit for the model is reached, or when the server
    answered a per-day 429 for the model earlier (until the quota resets). It is a
    :class:`RateLimitedError` whose :attr:`per_day` is True, so code that never retries a per-day
    429 treats both alike. Retrying before :attr:`retry_after` seconds is pointless.

    Attributes:
        model: The model whose daily quota is exhausted (e.g. ``"gemini-2.5-flash"``).
        retry_after: Seconds until a request may be admitted again (from when it was raised).
        retry_at: The same moment on the governor's clock (``supervisors.current_clock()``).
        local: True when the governor's own ``rpd`` limit refused; False when it remembers a
            per-day 429 from the server.
    """

    def __init__(self, model: str, retry_after: float, retry_at: float, *, local: bool) -> None:
        source = "the governor's rpd limit" if local else "the server's per-day 429"
        body = {
            "error": {
                "code": 429,
                "message": (
                    f"the daily quota of {model} is exhausted ({source}); nothing was sent, "
                    f"retry in {retry_after:.0f} s"
                ),
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [{"quotaId": "GovernorRequestsPerDayPerModel"}],
                    },
                ],
            }
        }
        super().__init__(429, body)
        self.model = model
        self.retry_after = retry_after
        self.retry_at = retry_at
        self.local = local


class ServerError(APIError):
    """A 5xx answer. The request may have been executed (and billed)."""


class InternalServerError(ServerError):
    """500 INTERNAL. Retried by default."""

    retryable = True


class BadGatewayError(ServerError):
    """502. Retried by default."""

    retryable = True


class ServiceUnavailableError(ServerError):
    """503 UNAVAILABLE, typically "the model is overloaded". Retried by default."""

    retryable = True


class GatewayTimeoutError(ServerError):
    """504 DEADLINE_EXCEEDED. Retried by default."""

    retryable = True


_BY_CODE: dict[int, type[APIError]] = {
    400: InvalidArgumentError,
    401: UnauthenticatedError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutStatusError,
    409: ConflictError,
    429: RateLimitedError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}


def error_from_response(
    code: int, response_json: Any, headers: Mapping[str, str] | None = None
) -> APIError:
    """Builds the most specific :class:`APIError` for an error status and its parsed body.

    Args:
        code: The HTTP status, or the ``error.code`` of a stream event (0 to read it from the body).
        response_json: The parsed body (a one-element list is unwrapped).
        headers: The response headers, if any (``Retry-After`` is read from them).

    Returns:
        The error, not raised.
    """
    if not code:
        found = _lookup(
            response_json[0]
            if isinstance(response_json, list) and len(response_json) == 1
            else response_json,
            "code",
        )
        code = found if isinstance(found, int) else 0
    cls = _BY_CODE.get(code)
    if cls is InvalidArgumentError and _lookup(response_json, "status") == "FAILED_PRECONDITION":
        cls = FailedPreconditionError
    if cls is None:
        if 400 <= code < 500:
            cls = ClientError
        elif 500 <= code < 600:
            cls = ServerError
        else:
            cls = APIError
    return cls(code, response_json, headers=headers)


_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d*)?)s\s*$")


def parse_duration(value: object) -> float | None:
    """Parses a proto-JSON ``Duration`` (``"53s"``, ``"0.250s"``) into seconds, else ``None``."""
    if isinstance(value, int | float):
        return max(float(value), 0.0)
    if isinstance(value, dict):
        seconds = value.get("seconds", 0)
        nanos = value.get("nanos", 0)
        try:
            return max(float(seconds) + float(nanos) / 1e9, 0.0)
        except (TypeError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value)
    return max(float(match.group(1)), 0.0) if match else None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parses a ``Retry-After`` header (delta-seconds or an HTTP date) into seconds from now."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    import email.utils  # an HTTP-date is rare; the module costs ~10 ms at import

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


# --------------------------------------------------------------------------- transport errors


class TransportError(GenAIError):
    """No usable HTTP answer: the failure happened below the API (network, timeout, cut body).

    Attributes:
        attempts: How many attempts the call made before giving up (``None`` when the error
            did not come out of the retry loop). The message says it too.
    """

    retryable: ClassVar[bool] = False
    attempts: int | None = None


class ConnectError(TransportError):
    """Could not connect to the server (DNS, refused, unreachable, TLS handshake). Retried."""

    retryable = True


class ConnectionLostError(TransportError):
    """The server closed the connection before sending a response. Retried by default.

    The request may have reached the server.
    """

    retryable = True


class RequestTimeoutError(TransportError, TimeoutError):
    """The call's time budget ran out (connect, response, or the overall deadline)."""


class ConnectTimeoutError(RequestTimeoutError):
    """No connection could be made within the connect timeout. Retried while budget remains."""

    retryable = True


class StreamIdleTimeoutError(RequestTimeoutError):
    """A stream delivered no data for longer than its idle timeout."""


class StreamCutError(TransportError):
    """A response body or stream ended before it was complete (connection dropped mid-way).

    Events received before the cut have already been delivered; streams are never retried
    after their first byte.
    """


StreamInterruptedError = StreamCutError


class ResponseTooLargeError(TransportError):
    """A response body, or one event of a stream, passed its size cap; reading stopped there.

    The caps are :class:`~genai_actors.TransportConfig` fields (``max_response_bytes``,
    ``max_sse_event_bytes``). Nothing past the cap was buffered; the connection was closed.
    Never retried (the same request would get the same answer).

    Attributes:
        limit: The cap in bytes.
    """

    def __init__(self, message: str, *, limit: int = 0) -> None:
        super().__init__(message)
        self.limit = limit


# --------------------------------------------------------------------------- other errors


class WaitTimeoutError(GenAIError, TimeoutError):
    """Waiting for a job (operation, batch, tuning, file) gave up after its ``timeout``.

    The job itself is not cancelled: it goes on running server-side and can be waited for again.

    Attributes:
        name: The job's resource name.
        timeout: The timeout that expired, in seconds.
        last: The last snapshot fetched before giving up (None if no poll had answered).
    """

    def __init__(self, name: str, timeout: float, last: Any = None) -> None:
        self.name = name
        self.timeout = timeout
        self.last = last
        super().__init__(f"{name} was not done after {timeout:g} s")


class UploadError(GenAIError):
    """A resumable upload could not be completed (after resuming where possible).

    Attributes:
        uploaded: Bytes the server had confirmed when the upload stopped.
        size: Bytes of the whole source.
    """

    def __init__(self, message: str, *, uploaded: int = 0, size: int = 0) -> None:
        super().__init__(message)
        self.uploaded = uploaded
        self.size = size


class DownloadTooLargeError(GenAIError, ValueError):
    """A download returned as bytes exceeded its size cap; nothing was kept.

    Attributes:
        limit: The cap in bytes.
    """

    def __init__(self, message: str, *, limit: int = 0) -> None:
        super().__init__(message)
        self.limit = limit


class FileProcessingError(GenAIError):
    """A file's processing FAILED on the server (``files.wait_active``); it cannot be used.

    Attributes:
        file: The failed :class:`~genai_actors.types.File` (``file.error`` says why, when the
            server said).
    """

    def __init__(self, file: Any) -> None:
        error = getattr(file, "error", None)
        reason = getattr(error, "message", None) or ""
        name = getattr(file, "name", None) or "the file"
        super().__init__(f"processing of {name} failed" + (f": {reason}" if reason else ""))
        self.file = file


class UnknownApiResponseError(GenAIError, ValueError):
    """A response body or a stream event is not valid JSON (or not the expected shape)."""


class SessionClosed(APIError):
    """A Live or Music WebSocket session closed.

    An :class:`APIError`, as google-genai raises ``APIError(code, reason)`` when a Live socket
    closes: ``code`` is the close code, ``details`` the reason (as there), ``message`` the
    reason too (``None`` there) and ``status`` ``None``.

    Attributes:
        code: The WebSocket close code (1006 when no close frame was received).
        reason: The close reason sent by the server ("" if none).
        resumable: Whether the session can be resumed with its resumption handle.
    """

    def __init__(self, code: int, reason: str = "", *, resumable: bool = False) -> None:
        super().__init__(code, reason)
        self.code = code
        self.reason = reason
        self.message = reason or None
        self.resumable = resumable
        Exception.__init__(self, f"session closed with code {code}: {reason or 'no reason given'}")


class ClientClosedError(GenAIError, RuntimeError):
    """The client was used after ``aclose()`` / ``close()``, or closed while a call was in flight.

    A blocking ``Client.close()`` ends every call still running in other threads with this
    error (requests between retries, streams, pagers, waits, uploads).
    """


class InvalidRequestError(GenAIError, ValueError):
    """A request argument or config field is invalid; nothing was sent.

    Attributes:
        path: The offending field, e.g. ``config.generation_config.top_k`` or ``contents[2]``.
        reason: What is wrong with it.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


class RequestTooLargeError(InvalidRequestError):
    """A JSON request body is larger than the API accepts inline; nothing was sent.

    Large media belongs in the Files API (``client.files.upload``), referenced by its URI.

    Attributes:
        size: The body's size in bytes.
        limit: The limit in bytes (``TransportConfig.max_request_bytes``).
    """

    def __init__(self, size: int, limit: int) -> None:
        self.size = size
        self.limit = limit
        super().__init__(
            "body",
            f"the request body is {size:,} bytes, over the {limit:,}-byte inline request limit; "
            "upload large media with the Files API (client.files.upload) and pass the file "
            "instead of inline data",
        )


class InvalidOptionError(GenAIError, ValueError, TypeError):
    """A client or call option has a bad value (a timeout, a limit, ``http_options``...).

    One type for every bad option, whether its type or its value is wrong, so it is both a
    ``ValueError`` and a ``TypeError``.

    Attributes:
        option: The option's name, e.g. ``timeout`` or ``http_options.retry_options``.
        reason: What is wrong with it.
    """

    def __init__(self, option: str, reason: str) -> None:
        self.option = option
        self.reason = reason
        super().__init__(f"{option}: {reason}")


class NotAvailableYetError(GenAIError, NotImplementedError, AttributeError):
    """A part of google-genai's surface this release of genai_actors does not offer yet.

    Raised when such a surface is reached (``client.chats``, ``client.live``, Vertex AI), so a
    migrated service fails with this message, never with a bare ``AttributeError``. It is an
    ``AttributeError`` too, so ``hasattr(client, "chats")`` answers ``False``.

    Attributes:
        feature: What was asked for, e.g. ``client.chats``.
    """

    def __init__(self, feature: str, hint: str = "") -> None:
        self.feature = feature
        self.hint = hint
        text = f"{feature} is not available in genai_actors yet"
        super().__init__(f"{text}: {hint}" if hint else text)


class UnsupportedByBackendError(GenAIError, ValueError):
    """A method or field the chosen backend does not support; nothing was sent.

    Attributes:
        backend: The backend's name, e.g. ``"Gemini Developer API"``.
        feature: The method or field, e.g. ``"models.generate_images"`` or ``"config.labels"``.
    """

    def __init__(self, backend: str, feature: str, hint: str = "") -> None:
        self.backend = backend
        self.feature = feature
        text = f"{feature} is not supported by the {backend}"
        super().__init__(f"{text}. {hint}" if hint else text)


class EphemeralTokenAPIKeyError(GenAIError, ValueError):
    """An ephemeral token (``auth_tokens/...``) was used as the API key for a REST call.

    Ephemeral tokens only work for Live sessions.
    """


class ContinuationInterruptedError(GenAIError):
    """google-genai's error for an Interactions call whose automatic continuation failed after
    progress. The Interactions API is not in genai_actors yet; the class exists so that
    ``except errors.ContinuationInterruptedError`` in migrated code still compiles and runs.

    Attributes:
        partial_interaction: The interaction merged from the completed hops, if any.
        continuation_token: The latest resumable continuation token.
        interaction_id: The stored interaction that issued the token.
        continuation_ids: The ids of every hop, in order.
    """

    def __init__(
        self,
        message: str,
        *,
        partial_interaction: Any = None,
        continuation_token: str | None = None,
        interaction_id: str | None = None,
        continuation_ids: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.partial_interaction = partial_interaction
        self.continuation_token = continuation_token
        self.interaction_id = interaction_id
        self.continuation_ids = list(continuation_ids or [])


class ExperimentalWarning(Warning):
    """Warns about an experimental feature (google-genai's warning category, for filters)."""


class UnknownFunctionCallArgumentError(GenAIError, ValueError):
    """AFC: a model-supplied argument cannot be converted to the function's annotation."""


class UnsupportedFunctionError(GenAIError, ValueError):
    """AFC: a tool that cannot run here (e.g. a coroutine tool given to a blocking method)."""


class FunctionInvocationError(GenAIError, ValueError):
    """AFC: the user's function raised while being invoked."""
