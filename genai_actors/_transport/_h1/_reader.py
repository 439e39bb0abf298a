"""The body of one response as the connection delivers it: a buffer, its end, or its failure."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING

from ._errors import HttpClientError

if TYPE_CHECKING:
    from ._connection import Connection

__all__ = ["BodyReader"]


class BodyReader:
    """The (decoded) body of one response, read as it arrives (``response.content``).

    Bytes that arrived before a failure are returned before the failure is raised. While more
    than the session's ``read_bufsize`` bytes sit unread, the connection stops reading from its
    socket; it resumes once the buffer falls to half of that.

    Cancellation: a cancelled read consumes nothing and leaves the response usable (or
    closable).
    """

    __slots__ = ("_buffer", "_conn", "_eof", "_exc", "_limit", "_paused", "_size", "_waiter")

    def __init__(self, conn: Connection | None, limit: int) -> None:
        self._buffer: deque[bytes] = deque()
        self._conn = conn  # None once the body has ended or failed
        self._eof = conn is None
        self._exc: BaseException | None = None
        self._limit = limit
        self._paused = False
        self._size = 0
        self._waiter: asyncio.Future[None] | None = None

    @classmethod
    def whole(cls, body: bytes) -> BodyReader:
        """A reader of a body that has arrived in full."""
        reader = cls(None, 0)
        if body:
            reader._buffer.append(body)
            reader._size = len(body)
        return reader

    @classmethod
    def cut(cls, parts: list[bytes], exc: BaseException) -> BodyReader:
        """A reader of a body that failed with ``exc`` after ``parts`` arrived."""
        reader = cls(None, 0)
        reader._eof = False
        reader._buffer.extend(parts)
        reader._size = sum(map(len, parts))
        reader._exc = exc
        return reader

    # -- the connection's side

    def feed(self, data: bytes) -> None:
        """Appends body bytes (called by the connection)."""
        self._buffer.append(data)
        self._size += len(data)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        if (
            self._size > self._limit
            and waiter is None  # nobody waits for more (read(-1) does)
            and not self._paused
            and self._conn is not None
        ):
            self._paused = True
            self._conn.pause_reading()

    def feed_eof(self) -> None:
        """Marks the end of the body (called by the connection)."""
        self._eof = True
        self._detach()

    def set_exception(self, exc: BaseException) -> None:
        """Fails the reads that come after the bytes already buffered (the first failure
        wins; after the end of the body it is ignored)."""
        if self._eof or self._exc is not None:
            return
        self._exc = exc
        self._detach()

    def _detach(self) -> None:
        self._conn = None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- the reader's side

    def at_eof(self) -> bool:
        """Whether the whole body has been read."""
        return self._eof and not self._buffer

    def at_end(self) -> bool:
        """Whether the whole body has arrived (maybe not read yet) and nothing failed."""
        return self._eof and self._exc is None

    def take(self) -> bytes:
        """Everything buffered, at once (no waiting)."""
        buffer = self._buffer
        if not buffer:
            return b""
        data = buffer.popleft() if len(buffer) == 1 else b"".join(buffer)
        buffer.clear()
        self._consumed(0)
        return data

    @property
    def buffered(self) -> int:
        """How many bytes are buffered and not read yet."""
        return self._size

    @property
    def exception(self) -> BaseException | None:
        """The failure that ends this body after its buffered bytes, if any."""
        return self._exc

    async def readany(self) -> bytes:
        """Whatever is buffered (waiting for at least one byte), ``b""`` at the end.

        Raises:
            HttpClientError: The connection failed or a timeout passed, once the bytes that
                arrived before are read (``ReadTimeout``, ``TotalTimeout``, ``PayloadError``,
                ``SessionClosed``).
        """
        while not self._buffer:
            if self._exc is not None:
                raise self._exc
            if self._eof:
                return b""
            await self._wait()
        buffer = self._buffer
        data = buffer.popleft() if len(buffer) == 1 else b"".join(buffer)
        buffer.clear()
        self._consumed(0)
        return data

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (``-1``: everything to the end of the body), ``b""`` at the end.

        Raises:
            HttpClientError: As :meth:`readany`; for ``n=-1``, whenever the body did not reach
                its end, even with bytes buffered (those stay for :meth:`readany`).
        """
        if n < 0:
            while not self._eof:
                if self._exc is not None:
                    raise self._exc  # not the whole body: no silent truncation
                await self._wait()
            return await self.readany() if self._buffer else b""
        if n == 0:
            return b""
        while not self._buffer:
            if self._exc is not None:
                raise self._exc
            if self._eof:
                return b""
            await self._wait()
        buffer = self._buffer
        first = buffer[0]
        if len(first) > n:
            buffer[0] = first[n:]
            self._consumed(self._size - n)
            return first[:n]
        parts = []
        taken = 0
        while buffer and taken + len(buffer[0]) <= n:
            part = buffer.popleft()
            parts.append(part)
            taken += len(part)
        self._consumed(self._size - taken)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _consumed(self, size: int) -> None:
        self._size = size
        if self._paused and size <= self._limit // 2:
            self._paused = False
            conn = self._conn
            if conn is not None:
                conn.resume_reading()

    async def _wait(self) -> None:
        conn = self._conn
        if conn is None:  # pragma: no cover - eof or an exception is always set on detach
            raise HttpClientError("the body is detached from its connection")
        waiter = self._waiter = conn.loop.create_future()
        if self._paused:  # the caller wants more than is buffered: read on regardless
            self._paused = False
            conn.resume_reading()
        try:
            await waiter
        finally:
            self._waiter = None
