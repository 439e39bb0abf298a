"""``Slots``: one model's requests in flight, under a fixed or adaptive (AIMD) limit.

Adaptive: the limit starts at :data:`INITIAL` (or the configured ceiling when lower), grows by
one per success until the first cut (slow start: it doubles every round of answers), then by
``1/limit`` per success (one per round); a 429 or 503 cuts it by a quarter (never below 1). A
burst of failures counts once: only a request admitted after the last cut can cut again.

Slots are shared by every event loop and thread using the governor: the counters sit under a
``threading.Lock`` and a waiter on another loop is woken with ``call_soon_threadsafe``. Waiters
are served first come, first served.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque

__all__ = ["CUT", "INITIAL", "MAX_ADAPTIVE", "Slots"]

INITIAL = 8
"""Where an adaptive limit starts."""
MAX_ADAPTIVE = 4096
"""The ceiling of an adaptive limit when no ``concurrency`` is configured."""
CUT = 0.75
"""What a 429 or 503 leaves of an adaptive limit."""


class _Waiter:
    __slots__ = ("future", "granted", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[None] = loop.create_future()
        self.granted = False

    def wake(self) -> None:
        # Called with the lock held, on any thread.
        self.granted = True
        if self.loop is _running():
            if not self.future.done():
                self.future.set_result(None)
        else:
            self.loop.call_soon_threadsafe(_resolve, self.future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _running() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Slots:
    """Requests in flight for one model.

    Args:
        ceiling: The most in flight at once (``None``: unlimited when fixed,
            :data:`MAX_ADAPTIVE` when adaptive).
        adaptive: Grow on success and cut on overload (AIMD) below the ceiling.
    """

    __slots__ = (
        "_cut_seq",
        "_lock",
        "_slow_start",
        "_waiters",
        "adaptive",
        "bounded",
        "ceiling",
        "cuts",
        "in_flight",
        "limit",
        "seq",
    )

    def __init__(self, ceiling: int | None, adaptive: bool) -> None:
        self._lock = threading.Lock()
        self._waiters: deque[_Waiter] = deque()
        self.adaptive = adaptive
        if adaptive:
            self.ceiling: float = float(ceiling if ceiling is not None else MAX_ADAPTIVE)
            self.limit = min(float(INITIAL), self.ceiling)
        else:
            self.ceiling = float(ceiling) if ceiling is not None else float("inf")
            self.limit = self.ceiling
        self.bounded = self.limit != float("inf")
        """False when nothing limits concurrency (fixed, no ceiling): no slot is taken."""
        self.in_flight = 0
        self.seq = 0  # admissions so far: a cut only counts for requests admitted after it
        self.cuts = 0
        self._cut_seq = 0
        self._slow_start = True

    def try_take(self) -> int | None:
        """Takes a slot if one is free and nobody waits; returns the admission's sequence
        number, or ``None``."""
        with self._lock:
            if not self._waiters and self.in_flight < int(self.limit):
                self.in_flight += 1
                self.seq += 1
                return self.seq
        return None

    async def take(self, budget: float | None) -> int:
        """Waits for a slot (first come, first served).

        Args:
            budget: Seconds to wait at most (``None``: no bound), on the event loop's clock.

        Returns:
            The admission's sequence number.

        Raises:
            TimeoutError: No slot within ``budget``.

        Cancellation: a cancelled waiter leaves the queue; a slot handed to it just before is
        passed on.
        """
        seq = self.try_take()
        if seq is not None:
            return seq
        with self._lock:
            if not self._waiters and self.in_flight < int(self.limit):
                self.in_flight += 1
                self.seq += 1
                return self.seq
            waiter = _Waiter(asyncio.get_running_loop())
            self._waiters.append(waiter)
        try:
            if budget is None:
                await waiter.future
            else:
                await asyncio.wait_for(asyncio.shield(waiter.future), max(budget, 0.0))
        except BaseException:
            with self._lock:
                if waiter.granted:
                    self._give_back()
                else:
                    self._waiters.remove(waiter)
            raise
        with self._lock:
            self.seq += 1
            return self.seq

    def _give_back(self) -> None:
        # Lock held: one slot is free; hand slots to waiters while the limit allows.
        self.in_flight -= 1
        self._hand_out()

    def _hand_out(self) -> None:
        waiters = self._waiters
        while waiters and self.in_flight < int(self.limit):
            waiter = waiters.popleft()
            self.in_flight += 1
            waiter.wake()

    def release(self, seq: int, outcome: str) -> None:
        """Gives a slot back after an attempt.

        Args:
            seq: The sequence number the slot was taken with.
            outcome: ``"ok"`` (an answer: grows an adaptive limit), ``"overload"`` (429 or
                503: cuts it) or ``"other"`` (no signal).
        """
        if not self.bounded:
            return
        with self._lock:
            if self.adaptive:
                if outcome == "ok":
                    if self._slow_start:
                        self.limit = min(self.limit + 1.0, self.ceiling)
                    else:
                        self.limit = min(self.limit + 1.0 / self.limit, self.ceiling)
                elif outcome == "overload" and seq > self._cut_seq:
                    self.limit = max(1.0, self.limit * CUT)
                    self._cut_seq = self.seq
                    self._slow_start = False
                    self.cuts += 1
            self.in_flight -= 1
            if self._waiters:
                self._hand_out()

    def waiting(self) -> int:
        """How many callers wait for a slot."""
        return len(self._waiters)

    def full(self) -> bool:
        """True when no slot is free."""
        return self.in_flight >= int(self.limit)
