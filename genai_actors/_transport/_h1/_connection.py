"""One HTTP/1.1 connection: an ``asyncio.Protocol`` that writes a request and parses its
response with httptools, one exchange at a time."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

import httptools

from ._decode import Decoder, decoder_for
from ._errors import (
    HttpClientError,
    PayloadError,
    ProtocolError,
    ServerDisconnected,
)
from ._reader import BodyReader
from ._response import H1Response
from ._timer import ExchangeTimer

if TYPE_CHECKING:
    from ._pool import Pool

__all__ = ["Connection"]

# Bodies up to this size are joined to the head and written at once; larger ones are written
# in slices of memoryviews (no copy), waiting whenever the transport asks us to pause.
SMALL_BODY = 64 * 1024
_SLICE = 256 * 1024
# The lengths of the header names the connection itself reads.
_SPECIAL_SIZES = frozenset(
    map(len, ("content-length", "transfer-encoding", "content-encoding", "connection"))
)


class Connection(asyncio.Protocol):
    """A keep-alive connection of one pool.

    Attributes:
        loop: Its event loop.
        key: Its pool's key (scheme, host, port, proxy, SSL option).
        served: Responses completed on it (a failure on a connection that served before, before
            any byte of the next response, is a stale keep-alive connection).
        got_bytes: Whether any byte of the current response arrived.
        lost: Whether the transport is closed (or closing).
        leased: Whether it holds a slot of its pool (from the request's start to the end of
            the response's body).
        timer: The current exchange's timer, when it has timeouts.
    """

    __slots__ = (
        "_chunked",
        "_close",
        "_decoder",
        "_drain",
        "_encoding",
        "_error",
        "_headers",
        "_held",
        "_held_waiter",
        "_informational",
        "_length",
        "_limit",
        "_no_body",
        "_parts",
        "_reader",
        "_reading_paused",
        "_reason",
        "_reset_parser",
        "_response",
        "_sending",
        "_unfinished",
        "_until_close",
        "_waiter",
        "_write_paused",
        "got_bytes",
        "idle_since",
        "key",
        "leased",
        "loop",
        "lost",
        "parser",
        "pool",
        "served",
        "timer",
        "transport",
    )

    def __init__(
        self, pool: Pool, key: tuple[Any, ...], loop: asyncio.AbstractEventLoop, read_bufsize: int
    ) -> None:
        self.pool = pool
        self.key = key
        self.loop = loop
        self._limit = read_bufsize
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.served = 0
        self.got_bytes = False
        self.lost = False
        self.leased = False
        self.idle_since = 0.0
        self.timer: ExchangeTimer | None = None
        self._waiter: asyncio.Future[H1Response] | None = None  # the head of the response
        self._reader: BodyReader | None = None
        # The response whose body is in progress (from its head to the end of its body).
        self._response: H1Response | None = None
        # A head parsed by the current data_received, handed out when it returns (with its
        # body whole when that came too), and the body bytes that came with it.
        self._held: H1Response | None = None
        self._held_waiter: asyncio.Future[H1Response] | None = None
        self._parts: list[bytes] | None = None
        self._decoder: Decoder | None = None
        self._no_body = False
        self._until_close = False
        self._informational = False
        self._reset_parser = False
        self._reason = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._length: bytes | None = None  # the head's Content-Length, Transfer-Encoding:
        self._chunked = False  # chunked, Content-Encoding and Connection: close
        self._encoding: bytes | None = None
        self._close = False
        self._error: HttpClientError | None = None
        self._drain: asyncio.Future[None] | None = None
        self._write_paused = False
        self._reading_paused = False
        self._unfinished = False  # a request body was cut short by an early answer
        self._sending = False  # a large request body is being written

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        timer = self.timer
        if timer is not None and timer.sock_read is not None:
            timer.last_data = self.loop.time()
        if self._waiter is None and self._response is None:
            self.abort(None)  # bytes nobody asked for: the connection cannot be trusted
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            cause = exc.__context__
            if isinstance(cause, HttpClientError):
                self.abort(cause)
            elif self._waiter is not None:
                self.abort(ProtocolError(f"cannot parse the response: {exc}"))
            else:
                self.abort(PayloadError(f"cannot parse the response body: {exc}"))
        if self._reset_parser:
            self._reset_parser = False
            self.parser = httptools.HttpResponseParser(self)
        response = self._held
        if response is not None:  # _hand_out, inlined: the hot path
            self._held = None
            waiter, self._held_waiter = self._held_waiter, None
            parts, self._parts = self._parts, None
            if response._body is None and response._content is None:
                reader = self._reader = response._content = BodyReader(self, self._limit)
                if parts:
                    for part in parts:
                        reader.feed(part)
            if waiter is not None and not waiter.done():
                waiter.set_result(response)

    def _hand_out(self) -> None:
        """Resolves the head waiter with the held response: its body whole if it came with
        the head, else a reader fed with what came so far (and then as it arrives)."""
        response, self._held = self._held, None
        waiter, self._held_waiter = self._held_waiter, None
        parts, self._parts = self._parts, None
        assert response is not None
        if response._body is None and response._content is None:
            reader = self._reader = response._content = BodyReader(self, self._limit)
            if parts:
                for part in parts:
                    reader.feed(part)
        if waiter is not None and not waiter.done():
            waiter.set_result(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self._response is not None and self._until_close and self._error is None and exc is None:
            self._complete(keep_alive=False)  # the body ends with the connection (not a reset)
        else:
            error = self._error
            if error is None:
                detail = f": {exc}" if exc else ""
                if self._response is None:
                    error = ServerDisconnected(
                        f"the server closed the connection before the response{detail}"
                    )
                else:
                    error = PayloadError(f"the connection closed before the body ended{detail}")
            self._fail(error)
        self.pool.lost(self)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_result(None)

    # -- httptools callbacks

    def on_status(self, status: bytes) -> None:
        self._reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))
        if len(name) in _SPECIAL_SIZES:
            special = name.lower()
            if special == b"content-length":
                self._length = value
            elif special == b"transfer-encoding":
                self._chunked = b"chunked" in value.lower()
            elif special == b"content-encoding":
                self._encoding = value
            elif special == b"connection":
                self._close = b"close" in value.lower()

    def on_headers_complete(self) -> None:
        if self._waiter is None:  # a second response to one request: the server is confused
            raise ProtocolError("the server sent a response nobody asked for")
        parser = self.parser
        status = parser.get_status_code()
        if status < 200:  # 100 Continue and the like: the real head follows
            self._informational = True
            self._headers = []
            self._reason = b""
            self._length = self._encoding = None
            self._chunked = self._close = False
            return
        raw, self._headers = self._headers, []
        reason, self._reason = self._reason, b""
        length, self._length = self._length, None
        encoding, self._encoding = self._encoding, None
        chunked, self._chunked = self._chunked, False
        close, self._close = self._close, False
        content_length = int(length) if length is not None and length.isdigit() else None
        no_body = self._no_body or status in (204, 304)
        self._until_close = not no_body and not chunked and content_length is None
        self._decoder = (
            None if no_body or encoding is None else decoder_for(encoding.decode("latin-1"))
        )
        self._response = self._held = H1Response(
            status, reason.decode("utf-8", "surrogateescape"), raw, content_length, self
        )
        self._held_waiter, self._waiter = self._waiter, None
        self._parts = []
        if self._sending:  # answered before the whole body went: stop sending, never reuse
            self._unfinished = True
            drain, self._drain = self._drain, None
            if drain is not None and not drain.done():
                drain.set_result(None)
        if self._no_body:  # HEAD or CONNECT: the parser cannot know there is no body
            self._reset_parser = True
            self._complete(parser.get_http_version() == "1.1" and not close)

    def on_body(self, body: bytes) -> None:
        decoder = self._decoder
        if decoder is not None:
            body = decoder.feed(body)  # PayloadError: reported by data_received
            if not body:
                return
        parts = self._parts
        if parts is not None:
            parts.append(body)
            return
        reader = self._reader
        if reader is not None:
            reader.feed(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        response = self._response
        if response is None:
            return
        parts = self._parts
        if parts is None or self._decoder is not None:
            self._complete(self.parser.should_keep_alive())
            return
        # _complete's common case, inlined: a plain body that came whole with its head.
        self._response = None
        self._parts = None
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.active = False
        self.served += 1
        response._conn = None
        response._body = parts[0] if len(parts) == 1 else b"".join(parts)
        if self._reading_paused:
            self.resume_reading()
        if self.leased:
            self.pool.finish(
                self, self.parser.should_keep_alive() and not self.lost and not self._unfinished
            )

    # -- the exchange

    def _complete(self, keep_alive: bool) -> None:
        reader, self._reader = self._reader, None
        response, self._response = self._response, None
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.active = False
        self.served += 1
        if response is not None:
            response._conn = None
            decoder, self._decoder = self._decoder, None
            parts = self._parts
            if parts is not None:  # the body came whole with the head
                self._parts = None
                failed = None
                if decoder is not None:
                    try:
                        tail = decoder.flush()
                    except PayloadError as exc:
                        failed = exc
                    else:
                        if tail:
                            parts.append(tail)
                if failed is not None:
                    response._content = BodyReader.cut(parts, failed)
                elif len(parts) == 1:
                    response._body = parts[0]
                else:
                    response._body = b"".join(parts)
            elif reader is not None:
                if decoder is not None:
                    try:
                        tail = decoder.flush()
                    except PayloadError as exc:
                        reader.set_exception(exc)
                    else:
                        if tail:
                            reader.feed(tail)
                reader.feed_eof()
        if self._reading_paused:  # paused by the body's last bytes: the next response reads
            self.resume_reading()
        if self.leased:
            self.pool.finish(self, keep_alive and not self.lost and not self._unfinished)

    def start(
        self,
        data: bytes,
        no_body: bool,
        timer: ExchangeTimer | None,
        sending: bool = False,
    ) -> asyncio.Future[H1Response]:
        """Writes the request's bytes (its head, with its body if small) and returns the
        future of the response's head. With ``sending``, a large body is then written with
        :meth:`send_body`."""
        self.got_bytes = False
        self._no_body = no_body
        self._error = None
        self.timer = timer
        self._sending = sending  # until send_body has written the rest
        waiter = self._waiter = self.loop.create_future()
        transport = self.transport
        assert transport is not None
        transport.write(data)
        return waiter

    async def send_body(self, body: memoryview) -> None:
        """Writes a large body in slices, pausing while the transport's buffer is full.

        Raises:
            HttpClientError: The connection failed while writing.

        Cancellation: the connection is left half-written; the caller closes it.
        """
        transport = self.transport
        assert transport is not None
        try:
            for start in range(0, len(body), _SLICE):
                if self._error is not None:
                    raise self._error
                if self.lost or self._waiter is None:  # lost, or answered before the end
                    return
                transport.write(body[start : start + _SLICE])
                if self._write_paused:
                    drain = self._drain = self.loop.create_future()
                    await drain
        finally:
            self._sending = False

    def abort(self, error: HttpClientError | None) -> None:
        """Closes the connection now: the head waiter and the body reader fail with ``error``
        (``ServerDisconnected``/``PayloadError`` when ``None``), and its pool slot is freed."""
        if error is not None and self._error is None:
            self._error = error
        if not self.lost:
            self.lost = True
            transport = self.transport
            if transport is not None:
                try:
                    transport.abort()
                except RuntimeError:  # its loop is closed: nothing more can be done
                    pass
        self._fail(
            self._error
            or (
                ServerDisconnected("the connection was closed")
                if self._waiter is not None
                else PayloadError("the connection was closed before the body ended")
            )
        )
        self.pool.lost(self)

    def on_timeout(self, timer: ExchangeTimer, error: HttpClientError) -> None:
        """The exchange's timer expired: the connection is closed with ``error``."""
        if timer is self.timer:
            self.abort(error)

    def _fail(self, error: HttpClientError) -> None:
        held = self._held
        if held is not None:  # its head is fine: it is handed out, its body (if cut) fails
            if held._body is None and held._content is None:
                held._content = BodyReader.cut(self._parts or [], error)
                held._conn = None
            self._hand_out()
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.set_exception(error)
        response, self._response = self._response, None
        if response is not None:
            response._conn = None
        drain, self._drain = self._drain, None
        if drain is not None and not drain.done():
            drain.set_exception(error)
        timer, self.timer = self.timer, None
        if timer is not None:
            timer.active = False

    def pause_reading(self) -> None:
        """Stops reading from the socket (the body buffer is full); the read silence clock
        stops with it."""
        transport = self.transport
        if transport is not None and not self.lost:
            transport.pause_reading()
            self._reading_paused = True
            if self.timer is not None:
                self.timer.paused = True

    def resume_reading(self) -> None:
        """Reads from the socket again."""
        transport = self.transport
        if transport is not None and not self.lost and self._reading_paused:
            self._reading_paused = False
            transport.resume_reading()
            timer = self.timer
            if timer is not None:
                timer.paused = False
                timer.last_data = self.loop.time()

    def close_on_dead_loop(self) -> None:
        """Closes the socket of a connection whose event loop is closed (no callback can run
        there any more); best effort, for asyncio's own socket transports."""
        self.lost = True
        transport = self.transport
        if transport is not None:
            try:
                transport.abort()  # asyncio: marks it closing, then fails to schedule the rest
            except RuntimeError:
                finish = getattr(transport, "_call_connection_lost", None)
                if finish is not None:
                    finish(None)  # closes the socket now
        self.pool.lost(self)

    def close(self) -> None:
        """Closes an idle connection gracefully."""
        if not self.lost:
            self.lost = True
            transport = self.transport
            if transport is not None:
                try:
                    transport.close()
                except RuntimeError:  # its loop is closed
                    pass
        self.pool.lost(self)
