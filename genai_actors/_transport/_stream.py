"""``SseStream``: a server-sent-events response as an object (async iterator + context manager).

The API modules receive one from ``ApiClient.stream`` and decode each payload themselves.
"""

from __future__ import annotations

import asyncio
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

import anyio
import msgspec

from ..errors import (
    APIError,
    GenAIError,
    RequestTimeoutError,
    StreamCutError,
    StreamIdleTimeoutError,
    TransportError,
    UnknownApiResponseError,
    error_from_response,
)
from ._sse import SseParser

if TYPE_CHECKING:
    import aiohttp

__all__ = ["SseStream", "map_client_error"]

Opener = Callable[[], Awaitable["aiohttp.ClientResponse"]]


class _ClosedByUser(Exception):
    """Set on the response's reader by ``aclose()`` to wake a read in progress."""


def map_client_error(exc: BaseException, *, reading: bool) -> GenAIError:
    """Maps an aiohttp or timeout exception raised while reading a body to a typed error."""
    import aiohttp

    if isinstance(exc, aiohttp.SocketTimeoutError | aiohttp.ServerTimeoutError):
        err: GenAIError = StreamIdleTimeoutError("the stream sent nothing within its idle timeout")
    elif isinstance(exc, TimeoutError):
        err = RequestTimeoutError("the call's timeout expired while reading the response")
    elif isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ClientConnectionError):
        what = "stream" if reading else "response body"
        err = StreamCutError(f"the {what} was cut before it was complete: {type(exc).__name__}")
    else:
        err = TransportError(f"transport failure: {type(exc).__name__}: {exc}")
    err.__cause__ = exc
    return err


class SseStream:
    """The events of one streamed response, each as its raw JSON payload (``bytes``).

    Use ``async with api.stream(...) as s: async for payload in s: ...``, or iterate it plainly
    and call :meth:`aclose` (iterating to the end, or an error, closes it too). The response is
    opened (with retries, before its first byte only) by :meth:`open` or on first use.

    Raises (from :meth:`open` and iteration):
        APIError: The HTTP status was an error, or an ``{"error": ...}`` event arrived mid-stream
            (events before it were delivered).
        StreamCutError: The connection dropped before the stream ended.
        StreamIdleTimeoutError: No data within the idle timeout.
        RequestTimeoutError: The call's overall timeout expired.
        ConnectError: The connection could not be made (after retries).

    Cancellation: cancelling a task blocked on the stream closes the response and frees its
    connection. :meth:`aclose` may be called from any task of the same event loop: a read in
    progress in another task ends as the end of iteration, and an open in progress is abandoned.
    """

    __slots__ = (
        "__weakref__",
        "_closed",
        "_done",
        "_open_scope",
        "_opener",
        "_parser",
        "_pending",
        "_reading",
        "_resp",
    )

    def __init__(self, opener: Opener) -> None:
        self._opener: Opener | None = opener
        self._resp: aiohttp.ClientResponse | None = None
        self._parser = SseParser()
        self._pending: deque[bytes | APIError] = deque()
        self._done = False
        self._closed = False
        self._reading = False
        self._open_scope: anyio.CancelScope | None = None

    @property
    def response(self) -> aiohttp.ClientResponse | None:
        """The underlying response once open (status and headers), else ``None``."""
        return self._resp

    @property
    def closed(self) -> bool:
        """True once the stream was closed, ran to its end, or failed."""
        return self._closed or self._done

    async def open(self) -> None:
        """Opens the response (retrying before the first byte); does nothing if already open.

        Raises:
            The errors listed on the class; a stream closed meanwhile raises nothing.
        """
        if self._resp is not None or self._done or self._closed:
            return
        opener = self._opener
        if opener is None:
            return
        self._opener = None
        resp: aiohttp.ClientResponse | None = None
        try:
            with anyio.CancelScope() as scope:
                self._open_scope = scope
                resp = await opener()
        except BaseException:
            self._done = True
            raise
        finally:
            self._open_scope = None
        if resp is None or self._closed_now():
            if resp is not None:
                resp.close()
            self._done = True
            return
        self._resp = resp

    def _closed_now(self) -> bool:
        # A method, not the attribute: aclose() may have run in another task across an await.
        return self._closed

    def __aiter__(self) -> SseStream:
        return self

    async def __anext__(self) -> bytes:
        pending = self._pending
        while True:
            if pending:
                item = pending.popleft()
                if type(item) is bytes:
                    return item
                self._done = True
                raise item  # type: ignore[misc]
            if self._done or self._closed:
                raise StopAsyncIteration
            resp = self._resp
            if resp is None:
                await self.open()
                continue
            self._reading = True
            try:
                chunk = await resp.content.readany()
            except _ClosedByUser:
                raise StopAsyncIteration from None
            except BaseException as exc:
                self._finish(resp, failed=True)
                if self._closed_now() and not isinstance(exc, asyncio.CancelledError):
                    raise StopAsyncIteration from None
                if isinstance(exc, TimeoutError) or _is_client_error(exc):
                    raise map_client_error(exc, reading=True) from exc
                raise
            finally:
                self._reading = False
            events = self._parser.feed(chunk) if chunk else self._parser.close()
            if not chunk:
                self._finish(resp, failed=False)
            for payload in events:
                if payload.find(b'"error"', 0, 48) != -1:
                    error = _error_event(payload)
                    if error is not None:
                        # Events before the error are still delivered, then the error is raised.
                        pending.append(error)
                        self._finish(resp, failed=True)
                        break
                if payload != b"[DONE]":
                    pending.append(payload)

    def _finish(self, resp: aiohttp.ClientResponse, *, failed: bool) -> None:
        self._done = True
        if failed:
            resp.close()
        else:
            resp.release()

    async def aclose(self) -> None:
        """Closes the stream and frees its connection. Idempotent; safe from another task."""
        if self._closed:
            return
        self._closed = True
        self._pending.clear()
        scope = self._open_scope
        if scope is not None:
            scope.cancel()
        resp = self._resp
        if resp is not None and not self._done:
            if self._reading:
                resp.content.set_exception(_ClosedByUser())
            resp.close()
        self._done = True

    async def __aenter__(self) -> SseStream:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __del__(self, _warn: Any = warnings.warn) -> None:
        resp = getattr(self, "_resp", None)
        if resp is not None and not self._done and not self._closed:
            _warn(
                "SseStream was never closed: use `async with` or call aclose()",
                ResourceWarning,
                source=self,
                stacklevel=2,
            )


def _is_client_error(exc: BaseException) -> bool:
    import aiohttp

    return isinstance(exc, aiohttp.ClientError)


def _error_event(payload: bytes) -> APIError | None:
    try:
        body: Any = msgspec.json.decode(payload)
    except msgspec.DecodeError:
        return None  # not JSON: the caller's decoder reports it
    probe = body[0] if isinstance(body, list) and len(body) == 1 else body
    if isinstance(probe, dict) and isinstance(probe.get("error"), dict):
        code = probe["error"].get("code")
        return error_from_response(code if isinstance(code, int) else 0, body)
    return None


def decode_json(payload: bytes) -> Any:
    """Decodes one JSON payload, mapping failures to :class:`UnknownApiResponseError`."""
    try:
        return msgspec.json.decode(payload)
    except msgspec.DecodeError as exc:
        raise UnknownApiResponseError(f"the response is not valid JSON: {exc}") from None
