"""The read-side deadlines of exchanges: ``Timeouts.total`` and ``Timeouts.sock_read``.

A loop timer costs about 4 µs to schedule and cancel (uvloop; more on asyncio), more than the
rest of a request's own bookkeeping, and almost every one is cancelled. So a session keeps its
deadlines under a single loop timer (:class:`Deadlines`), armed for the earliest. A new
exchange's timer only joins a list of recent ones (no heap push); the list is sorted into a
heap when the loop timer fires (at the earliest deadline, and at least every ``_SWEEP``
seconds while the list is not empty), by which time most of those exchanges have ended and
are simply dropped. An exchange that ends just marks its timer inactive.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable

from ._errors import HttpClientError, ReadTimeout, TotalTimeout

__all__ = ["Deadlines", "ExchangeTimer"]

# Loop timers may fire up to the clock's resolution early; a deadline this close counts as due.
_SLACK = 1e-3
_SWEEP = 1.0  # recent timers wait at most this long before they are sorted into the heap
_COMPACT_AT = 1024  # heap entries tolerated before inactive ones are dropped
_NEVER = float("inf")


class Deadlines:
    """The deadlines of one session's exchanges, under one loop timer (``call_at``).

    Attributes:
        recent: Timers started since the loop timer last fired (appended by the timers).
        armed: The loop time the loop timer fires at (``inf``: not armed).
    """

    __slots__ = ("_compact_at", "_handle", "_heap", "_loop", "armed", "recent")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._heap: list[tuple[float, int, ExchangeTimer]] = []
        self._handle: asyncio.TimerHandle | None = None
        self._compact_at = _COMPACT_AT
        self.armed = _NEVER
        self.recent: list[ExchangeTimer] = []

    def note(self, when: float, now: float) -> None:
        """A timer due at ``when`` joins :attr:`recent`: the loop timer fires by then (and
        within ``_SWEEP`` seconds when it is the first of the list)."""
        if not self.recent and now + _SWEEP < when:
            when = now + _SWEEP
        if when < self.armed:
            self._arm(when)

    def schedule(self, when: float, timer: ExchangeTimer) -> None:
        """Calls ``timer.due`` at loop time ``when`` (unless the timer is inactive by then)."""
        heapq.heappush(self._heap, (when, id(timer), timer))
        if when < self.armed:
            self._arm(when)

    def _arm(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self.armed = when
        self._handle = self._loop.call_at(when, self._fire)

    def close(self) -> None:
        """Cancels the loop timer; nothing fires any more."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self.armed = _NEVER
        self._heap.clear()
        self.recent.clear()

    def _fire(self) -> None:
        self._handle = None
        self.armed = _NEVER
        now = self._loop.time() + _SLACK
        heap = self._heap
        recent, self.recent = self.recent, []
        due: list[ExchangeTimer] = []
        for timer in recent:
            if timer.active:
                when = timer.next_due(now)
                if when <= now:
                    due.append(timer)
                else:
                    heapq.heappush(heap, (when, id(timer), timer))
        while heap and heap[0][0] <= now:
            timer = heapq.heappop(heap)[2]
            if timer.active:
                due.append(timer)
        if len(heap) > self._compact_at:
            heap[:] = [entry for entry in heap if entry[2].active]
            heapq.heapify(heap)
            self._compact_at = max(_COMPACT_AT, 2 * len(heap))
        for timer in due:
            if timer.active:  # an earlier expiry in this batch may have ended it
                timer.due(now)
        when = heap[0][0] if heap else _NEVER
        if self.recent and now + _SWEEP < when:
            when = now + _SWEEP
        if when < self.armed:
            self._arm(when)


class ExchangeTimer:
    """The total deadline and the read silence limit of one exchange.

    From the request's start until its body has arrived (or it failed): ``on_expiry`` is called
    with ``TotalTimeout`` once the loop time passes ``deadline``, or with ``ReadTimeout`` when no
    byte arrived for ``sock_read`` seconds (the connection sets :attr:`last_data`). The silence
    clock stops while the request body is being written and while reading is paused because
    the caller has not read the body yet (:attr:`paused`). The exchange ends it by setting
    :attr:`active` to false (or :meth:`stop`).
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
        when = _NEVER if deadline is None else deadline
        if sock_read is not None and now + sock_read < when:
            when = now + sock_read
        if when != _NEVER:
            recent = queue.recent
            if when < queue.armed or not recent:
                queue.note(when, now)
            recent.append(self)

    def next_due(self, now: float) -> float:
        """When it is due next (its deadline, or the end of the current read silence)."""
        when = _NEVER if self.deadline is None else self.deadline
        sock_read = self.sock_read
        if sock_read is not None:
            silence = (now if self.paused else self.last_data) + sock_read
            if silence < when:
                when = silence
        return when

    def stop(self) -> None:
        """The exchange is over (idempotent)."""
        self.active = False

    def due(self, now: float) -> None:
        """Its time came (called by :class:`Deadlines`, ``now`` with the slack)."""
        if self.deadline is not None and now >= self.deadline:
            self.active = False
            self._on_expiry(self, TotalTimeout("the request took longer than its total timeout"))
            return
        sock_read = self.sock_read
        if sock_read is not None and not self.paused and self.last_data + sock_read <= now:
            self.active = False
            self._on_expiry(self, ReadTimeout(f"no data from the server for {sock_read} seconds"))
            return
        when = self.next_due(now)
        if when != _NEVER:
            self._queue.schedule(when, self)
