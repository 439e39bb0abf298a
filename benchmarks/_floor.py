"""The floor: the least HTTP work a Python client can do for the benchmark's requests.

A raw ``asyncio.Protocol`` per connection with ``httptools`` parsing the responses, keep-alive
connections reused from an idle list, and every request prebuilt as bytes (request line,
headers and body written with one ``transport.write``). No retries, no timeouts, no header
objects, no URL objects, no size caps, no TLS: it speaks only plain HTTP/1.1 to a loopback
server. It does the same work per response as bare aiohttp does in the benchmark (read the
body, ``json.loads`` it; for a stream, split events on ``\\r\\n\\r\\n`` and ``json.loads`` each),
so the gap between it and any real client is that client's HTTP and event-loop machinery.

Benchmark-only (``httptools`` is in the ``bench`` extra): nothing in ``genai_actors`` uses it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

import httptools

__all__ = ["FloorClient", "sse_sink"]

Sink = Callable[[bytes], None]


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._sink: Sink | None = None
        self._parts: list[bytes] = []
        self.reusable = True

    # -- asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._fail(exc or ConnectionResetError("connection closed before the response ended"))

    # -- httptools callbacks

    def on_body(self, body: bytes) -> None:
        if self._sink is not None:
            self._sink(body)
        else:
            self._parts.append(body)

    def on_message_complete(self) -> None:
        self.reusable = self._parser.should_keep_alive()
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- use

    def _fail(self, exc: BaseException) -> None:
        self.reusable = False
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    async def exchange(self, request: bytes, sink: Sink | None) -> tuple[int, bytes]:
        """Writes ``request`` and waits for the whole response (body to ``sink`` if given)."""
        assert self.transport is not None
        self._sink = sink
        self._parts = []
        self._waiter = self._loop.create_future()
        self.transport.write(request)
        await self._waiter
        return self._parser.get_status_code(), b"".join(self._parts)


class FloorClient:
    """Keep-alive connections to one ``http://host:port`` server, at most ``limit`` at once.

    Args:
        url: The server's base URL (plain http).
        limit: Connections open at most (0: no limit); callers beyond it wait for one.
    """

    def __init__(self, url: str, limit: int = 0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"the floor client speaks plain http only, not {url!r}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.authority = f"{self.host}:{self.port}"
        self._idle: list[_Connection] = []
        self._all: set[_Connection] = set()
        self._slots = asyncio.Semaphore(limit) if limit else None

    def build(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> bytes:
        """The request's bytes: request line, headers (Host and Content-Length added), body."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.authority}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

    async def request(self, request: bytes, sink: Sink | None = None) -> tuple[int, bytes]:
        """Sends prebuilt ``request`` on an idle connection (or a new one); returns status and
        body (empty when ``sink`` took the body)."""
        slots = self._slots
        if slots is not None:
            await slots.acquire()
        try:
            conn = self._idle.pop() if self._idle else await self._open()
            try:
                result = await conn.exchange(request, sink)
            except BaseException:
                conn.reusable = False
                raise
            finally:
                if conn.reusable:
                    self._idle.append(conn)
                else:
                    self._drop(conn)
            return result
        finally:
            if slots is not None:
                slots.release()

    async def _open(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, conn = await loop.create_connection(lambda: _Connection(loop), self.host, self.port)
        self._all.add(conn)
        return conn

    def _drop(self, conn: _Connection) -> None:
        self._all.discard(conn)
        if conn.transport is not None:
            conn.transport.close()

    async def aclose(self) -> None:
        """Closes every connection."""
        for conn in list(self._all):
            self._drop(conn)
        self._idle.clear()
        await asyncio.sleep(0)  # let the transports finish closing


def sse_sink(on_event: Callable[[Any], None]) -> Sink:
    """A body sink that frames server-sent events on ``\\r\\n\\r\\n`` and ``json.loads`` each
    ``data:`` payload, calling ``on_event`` with it."""
    buffer = b""

    def sink(data: bytes) -> None:
        nonlocal buffer
        buffer += data
        *events, buffer = buffer.split(b"\r\n\r\n")
        for event in events:
            if event.startswith(b"data:"):
                on_event(json.loads(event[5:]))

    return sink
