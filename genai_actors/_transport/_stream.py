"""``SseStream``: a server-sent-events response as an object (async iterator + context manager).

The API modules receive one from ``ApiClient.stream`` and decode each payload themselves.

What a stream guarantees: every event the server sent before a failure reaches the consumer,
then the failure is raised; a 2xx answer that is not ``text/event-stream``, or a stream that ends
without a single event, is an error (never an empty success); an event larger than
``max_sse_event_bytes`` fails the stream before it is buffered whole; errors built from the
server's text never contain the client's secrets.
"""

from __future__ import annotations

import asyncio
import sys
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import GenAIError, ResponseTooLargeError
from ._errors import Phase, event_error, map_transport_error, unexpected_body
from ._reading import held_back, read_head
from ._sse import DEFAULT_LIMIT, SseParser

if TYPE_CHECKING:
    from anyio import CancelScope

    from ._wire import Response

__all__ = ["SseStream"]

Opener = Callable[[], Awaitable["Response"]]

_SSE_TYPE = "text/event-stream"
_HEAD = 512  # bytes of the body kept to quote when the stream turns out to be no stream
_NOT_SSE_READ = 64 * 1024  # bytes of a non-SSE 2xx body read to find an error envelope in it


class _ClosedByUser(Exception):
    """Set on aiohttp's reader by ``aclose()`` to wake a read in progress (h1's ``close()``
    wakes it by itself)."""


class SseStream:
    """The events of one streamed response, each as its raw JSON payload (``bytes``).

    Use ``async with api.stream(...) as s: async for payload in s: ...``, or iterate it plainly
    and call :meth:`aclose` (iterating to the end, or an error, closes it too). The response is
    opened (with retries, before its first byte only) by :meth:`open` or on first use.

    Args:
        opener: Sends the request and returns the open 2xx response (retrying before it).
        secrets: Strings scrubbed from errors built from the server's text.
        event_limit: The largest event (or line) accepted, in bytes.

    Raises (from :meth:`open` and iteration):
        APIError: The HTTP status was an error, or an ``{"error": ...}`` event arrived mid-stream
            (events before it were delivered).
        UnknownApiResponseError: The 2xx answer is not ``text/event-stream``, or the stream
            ended without a single event (the message quotes the start of the body).
        StreamCutError: The connection dropped before the stream ended (events received
            before the cut were delivered first).
        ResponseTooLargeError: One event passed ``event_limit``.
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
        "_head",
        "_open_scope",
        "_opener",
        "_parser",
        "_pending",
        "_reading",
        "_resp",
        "_secrets",
        "_seen",
    )

    def __init__(
        self,
        opener: Opener,
        *,
        secrets: tuple[str, ...] = (),
        event_limit: int = DEFAULT_LIMIT,
    ) -> None:
        self._opener: Opener | None = opener
        self._resp: Response | None = None
        self._parser = SseParser(event_limit)
        self._pending: deque[bytes | GenAIError] = deque()
        self._done = False
        self._closed = False
        self._reading = False
        self._open_scope: CancelScope | None = None
        self._secrets = secrets
        self._seen = False  # an event (or error event) was queued
        self._head = b""  # the first bytes of the body, to quote if no event ever comes

    @property
    def response(self) -> Response | None:
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
        from anyio import CancelScope  # here: a plain call never loads anyio through streams

        resp: Response | None = None
        try:
            with CancelScope() as scope:
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
        content_type = resp.headers.get("Content-Type", "")
        if content_type[:17].lower() != _SSE_TYPE:
            self._done = True
            raise await self._not_a_stream(resp, content_type)
        self._resp = resp

    async def _not_a_stream(self, resp: Response, content_type: str) -> GenAIError:
        """The error of a 2xx answer that is not SSE: its error envelope, else a quote of it."""
        try:
            head, complete = await read_head(resp, _NOT_SSE_READ)
        except Exception as exc:  # the client's payload and connection errors, timeouts
            return map_transport_error(exc, Phase.BODY)
        finally:
            resp.close()
        if complete:
            error = event_error(head, self._secrets)
            if error is not None:
                return error
        return unexpected_body(
            f"expected a {_SSE_TYPE} response, got {resp.status} "
            f"{content_type or 'without a Content-Type'}",
            head,
            self._secrets,
            complete=complete,
        )

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
            content = resp.content
            try:
                chunk = await content.readany()
            except _ClosedByUser:
                raise StopAsyncIteration from None
            except BaseException as exc:
                chunk = self._held_back(resp, exc)
            finally:
                self._reading = False
            if self._closed_now():  # aclose() from another task woke the read
                raise StopAsyncIteration
            seen = self._seen
            if not seen and len(self._head) < _HEAD:
                self._head += chunk[: _HEAD - len(self._head)]
            parser = self._parser
            try:
                events = parser.feed(chunk) if chunk else parser.close()
            except ResponseTooLargeError:
                self._finish(resp, failed=True)
                raise
            if not chunk:
                self._finish(resp, failed=False)
            # Events before an error (an error event, an event too large) are still
            # delivered, then the error is raised.
            failure: GenAIError | None = parser._error
            for payload in events:
                if payload.find(b'"error"', 0, 48) != -1:
                    error = event_error(payload, self._secrets)
                    if error is not None:
                        failure = error
                        break
                if payload != b"[DONE]":
                    pending.append(payload)
            if failure is not None:
                pending.append(failure)
                self._finish(resp, failed=True)
            elif not seen:
                if pending:
                    self._seen = True
                elif not chunk:
                    pending.append(
                        unexpected_body(
                            "the stream ended without a single event", self._head, self._secrets
                        )
                    )

    def _held_back(self, resp: Response, exc: BaseException) -> bytes:
        """The bytes a failed read left behind, else the read's error, mapped and raised.

        aiohttp's ``readany`` raises an error stored by a dropped connection before returning
        the bytes that arrived ahead of it: those come first (the error is raised again by the
        next read). h1 returns them first by itself.
        """
        if not isinstance(exc, asyncio.CancelledError):
            held = held_back(resp.content)
            if held:
                return held
        self._finish(resp, failed=True)
        if self._closed_now() and not isinstance(exc, asyncio.CancelledError):
            raise StopAsyncIteration from None
        if isinstance(exc, TimeoutError) or _is_client_error(exc):
            raise map_transport_error(exc, Phase.BODY) from exc
        raise exc

    def _finish(self, resp: Response, *, failed: bool) -> None:
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
                wake = getattr(resp.content, "set_exception", None)  # aiohttp's reader
                if wake is not None:
                    wake(_ClosedByUser())
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
    """True for an h1 or aiohttp exception (aiohttp's checked only if it is loaded)."""
    from ._h1._errors import HttpClientError

    if isinstance(exc, HttpClientError):
        return True
    aiohttp = sys.modules.get("aiohttp")
    return aiohttp is not None and isinstance(exc, aiohttp.ClientError)
