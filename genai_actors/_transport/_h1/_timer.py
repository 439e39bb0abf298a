"""The read-side deadlines of exchanges: ``Timeouts.total`` and ``Timeouts.sock_read``.

A loop timer costs about 4 µs to schedule and cancel (uvloop; more on asyncio), more than the
rest of a request's own bookkeeping, and almost every one is cancelled. So a session keeps its
deadlines in one heap (:class:`Deadlines`) under a single loop timer armed for the earliest; an
exchange that ends just marks its entry stale, and stale entries are dropped when they come up
or when they outnumber the live ones.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable

from ._errors import HttpClientError, ReadTimeout, TotalTimeout

__all__ = ["Deadlines", "ExchangeTimer"]

# Loop timers may fire up to the clock's resolution early; a deadline this close counts as due.
_SLACK = 1e-3
_COMPACT_AT = 1024  # stale entries tolerated before the heap is rebuilt (if half are stale)


class Deadlines:
    """The deadlines of one session's exchanges, under one loop timer (``call_at``)."""

    __slots__ = ("_armed", "_handle", "_heap", "_loop", "_seq", "_stale")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, ExchangeTimer]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._armed: float | None = None
        self._seq = 0
        self._stale = 0

    def push(self, when: float, timer: ExchangeTimer) -> None:
        """Calls ``timer.due`` at loop time ``when`` (unless the timer is stopped by then)."""
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, timer))
        armed = self._armed
        if armed is None or when < armed:
            if self._handle is not None:
                self._handle.cancel()
            self._armed = when
            self._handle = self._loop.call_at(when, self._fire)

    def discard(self) -> None:
        """One timer's entry became stale."""
        self._stale += 1
        if self._stale > _COMPACT_AT and 2 * self._stale > len(self._heap):
            heap = self._heap
            heap[:] = [entry for entry in heap if entry[2].active]
            heapq.heapify(heap)
            self._stale = 0

    def close(self) -> None:
        """Cancels the loop timer; nothing fires any more."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._armed = None
        self._heap.clear()
        self._stale = 0

    def _fire(self) -> None:
        self._handle = None
        self._armed = None
        now = self._loop.time() + _SLACK
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, _, timer = heapq.heappop(heap)
            if timer.active:
                timer.due(now)
            else:
                self._stale -= 1
        if heap and self._armed is None:
            self._armed = heap[0][0]
            self._handle = self._loop.call_at(self._armed, self._fire)


class ExchangeTimer:
    """The total deadline and the read silence limit of one exchange.

    From the request's start until its body has arrived (or it failed): ``on_expiry`` is called
    with ``TotalTimeout`` once the loop time passes ``deadline``, or with ``ReadTimeout`` when no
    byte arrived for ``sock_read`` seconds (the connection sets :attr:`last_data`). The silence
    clock stops while the request body is being written and while reading is paused because
    the caller has not read the body yet (:attr:`paused`).
    """

    __slots__ = ("_on_expiry", "_queue", "active", "deadline", "last_data", "paused", "sock_read")

    def __init__(
        self,
        queue: Deadlines,
        now: float,
        deadline: float | None,
        sock_read: float | None,
        on_expiry: Callable[[ExchangeTimer, HttpClientError], None],
    ) -> None:
        self._queue = queue
        self._on_expiry = on_expiry
        self.deadline = deadline
        self.sock_read = sock_read
        self.last_data = now
        self.paused = False
        self.active = True
        self._push(now)

    def _push(self, now: float) -> None:
        when = self.deadline
        sock_read = self.sock_read
        if sock_read is not None:
            silence = (now if self.paused else self.last_data) + sock_read
            if when is None or silence < when:
                when = silence
        if when is not None:
            self._queue.push(when, self)

    def stop(self) -> None:
        """The exchange is over (idempotent)."""
        if self.active:
            self.active = False
            self._queue.discard()

    def due(self, now: float) -> None:
        """Its entry came up (called by :class:`Deadlines`, ``now`` with the slack)."""
        if self.deadline is not None and now >= self.deadline:
            self.active = False  # its entry is already out of the heap
            self._on_expiry(self, TotalTimeout("the request took longer than its total timeout"))
            return
        sock_read = self.sock_read
        if sock_read is not None and not self.paused and self.last_data + sock_read <= now:
            self.active = False
            self._on_expiry(self, ReadTimeout(f"no data from the server for {sock_read} seconds"))
            return
        self._push(now)
