"""The connection pool of a session: slots (``limit``, ``limit_per_host``), FIFO waiters, and
idle keep-alive connections per origin, reused last-in first-out and closed when stale."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any, Literal

from ._errors import HttpClientError, SessionClosed
from ._timer import Deadlines

if TYPE_CHECKING:
    from ._connection import Connection

__all__ = ["Pool"]

Key = tuple[Any, ...]


class Pool:
    """Slots and idle connections, on one event loop.

    A slot is one request in flight: taken before its connection is chosen, freed when its
    response's body has arrived (or the request failed). ``limit`` bounds the slots in all,
    ``limit_per_host`` those of one origin (0: no bound). A request that finds no free slot
    waits in line; waiters are served first come, first served (a waiter whose origin is at
    its own bound lets the next one pass).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        limit: int,
        limit_per_host: int,
        keepalive_timeout: float,
    ) -> None:
        self.loop = loop
        self._limit = limit if limit > 0 else 1 << 62
        self._per_host_limit = limit_per_host
        self._keepalive = keepalive_timeout
        self._in_use = 0
        self._per_host: dict[Key, int] = {}
        self._waiters: deque[tuple[Key, asyncio.Future[None]]] = deque()
        self._idle: dict[Key, list[Connection]] = {}
        self._all: set[Connection] = set()
        self._sweeper: asyncio.TimerHandle | None = None
        self.deadlines = Deadlines(loop)
        self.closed = False

    # -- counts

    @property
    def open_connections(self) -> int:
        """Connections open (idle or in use)."""
        return len(self._all)

    @property
    def idle_connections(self) -> int:
        """Connections open and idle."""
        return sum(len(idle) for idle in self._idle.values())

    @property
    def in_use(self) -> int:
        """Slots taken (requests in flight)."""
        return self._in_use

    # -- slots

    def _admits(self, key: Key) -> bool:
        if self._in_use >= self._limit:
            return False
        return not self._per_host_limit or self._per_host.get(key, 0) < self._per_host_limit

    def _take(self, key: Key) -> None:
        self._in_use += 1
        if self._per_host_limit:
            self._per_host[key] = self._per_host.get(key, 0) + 1

    def try_acquire(self, key: Key) -> bool:
        """Takes a slot for ``key`` if one is free and nobody waits; never blocks."""
        if not self._waiters and self._admits(key):
            self._take(key)
            return True
        return False

    async def acquire(
        self, key: Key, deadline: float | None, expired: HttpClientError | None
    ) -> None:
        """Waits in line for a slot for ``key``.

        Raises:
            HttpClientError: ``expired`` when the loop time ``deadline`` passes first;
                ``SessionClosed`` when the session closes.

        Cancellation: the place in line is given up (a slot granted meanwhile is freed).
        """
        if self.closed:
            raise SessionClosed("the HTTP session is closed")
        waiter: asyncio.Future[None] = self.loop.create_future()
        entry = (key, waiter)
        self._waiters.append(entry)
        self._wake()
        handle = None
        if deadline is not None and expired is not None and not waiter.done():
            handle = self.loop.call_at(deadline, _expire, waiter, expired)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.release(key)  # granted, then cancelled before it could be used
            else:
                try:
                    self._waiters.remove(entry)
                except ValueError:
                    pass
            raise
        finally:
            if handle is not None:
                handle.cancel()

    def release(self, key: Key) -> None:
        """Frees a slot of ``key`` and serves the waiters it admits."""
        self._in_use -= 1
        if self._per_host_limit:
            left = self._per_host[key] - 1
            if left:
                self._per_host[key] = left
            else:
                del self._per_host[key]
        if self._waiters:
            self._wake()

    def _wake(self) -> None:
        waiters = self._waiters
        skipped: list[tuple[Key, asyncio.Future[None]]] = []
        while waiters and self._in_use < self._limit:
            key, waiter = entry = waiters.popleft()
            if waiter.done():
                continue
            if self._admits(key):
                self._take(key)
                waiter.set_result(None)
            else:
                skipped.append(entry)
        waiters.extendleft(reversed(skipped))

    # -- connections

    def add(self, conn: Connection) -> None:
        """Counts a new connection (it is in use)."""
        self._all.add(conn)

    def connections(self) -> list[Connection]:
        """Every open connection."""
        return list(self._all)

    def take(self, key: Key, reuse: bool = True) -> Connection | Literal[False] | None:
        """Without waiting: ``False`` when no slot is free (or others wait); else takes a
        slot for ``key`` and returns its most recently used idle connection, or ``None``."""
        if self._waiters or self._in_use >= self._limit:
            return False
        if self._per_host_limit:
            taken = self._per_host.get(key, 0)
            if taken >= self._per_host_limit:
                return False
            self._per_host[key] = taken + 1
        self._in_use += 1
        if not reuse:
            return None
        idle = self._idle.get(key)
        while idle:  # take_idle, inlined: the hot path
            conn = idle.pop()
            transport = conn.transport
            if not conn.lost and transport is not None and not transport.is_closing():
                return conn
            conn.close()
        return None

    def take_idle(self, key: Key) -> Connection | None:
        """The most recently used idle connection of ``key`` still open, if any."""
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            transport = conn.transport
            if not conn.lost and transport is not None and not transport.is_closing():
                return conn
            conn.close()
        return None

    def finish(self, conn: Connection, keep_alive: bool) -> None:
        """The response on ``conn`` has ended: its slot is freed and it goes idle (or is
        closed when ``keep_alive`` is false)."""
        conn.leased = False
        if keep_alive and not self.closed:
            conn.idle_since = self.loop.time()
            idle = self._idle.get(conn.key)
            if idle is None:
                idle = self._idle[conn.key] = []
            idle.append(conn)
            if self._sweeper is None:
                self._sweeper = self.loop.call_at(conn.idle_since + self._keepalive, self._sweep)
        else:
            conn.close()
        self._in_use -= 1  # release, inlined: the hot path
        if self._per_host_limit:
            key = conn.key
            left = self._per_host[key] - 1
            if left:
                self._per_host[key] = left
            else:
                del self._per_host[key]
        if self._waiters:
            self._wake()

    def lost(self, conn: Connection) -> None:
        """``conn`` is closed: forgotten, and its slot (if it held one) freed."""
        self._all.discard(conn)
        idle = self._idle.get(conn.key)
        if idle and conn in idle:
            idle.remove(conn)
        if conn.leased:
            conn.leased = False
            self.release(conn.key)

    def _sweep(self) -> None:
        self._sweeper = None
        expiry = self.loop.time() - self._keepalive + 1e-3
        oldest: float | None = None
        for idle in list(self._idle.values()):
            while idle and idle[0].idle_since <= expiry:
                idle.pop(0).close()
            if idle and (oldest is None or idle[0].idle_since < oldest):
                oldest = idle[0].idle_since
        self._idle = {key: idle for key, idle in self._idle.items() if idle}
        if oldest is not None and not self.closed:
            self._sweeper = self.loop.call_at(oldest + self._keepalive, self._sweep)

    def close(self) -> None:
        """Fails every waiter and closes every connection with ``SessionClosed``."""
        self.closed = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None
        while self._waiters:
            _, waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(SessionClosed("the HTTP session was closed"))
        for conn in list(self._all):
            conn.abort(SessionClosed("the HTTP session was closed"))
        self._idle.clear()
        self.deadlines.close()


def _expire(waiter: asyncio.Future[None], error: HttpClientError) -> None:
    if not waiter.done():
        waiter.set_exception(error)
