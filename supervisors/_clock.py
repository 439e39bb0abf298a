"""Clocks: the one place `supervisors` reads time, so tests can run on virtual time.

`current_clock()` returns the clock set by the innermost `use_clock(...)` (a contextvar, so
tasks started inside inherit it) or the process-wide `SystemClock`. Everything in `supervisors`
that waits on a *schedule* reads it: actor timers (`send_after`), the restart-intensity window,
restart backoff and `BackoffSchedule`. Call timeouts and shutdown budgets are deliberately
measured on the event loop's own clock: an autojumping virtual clock would otherwise fire them
while real I/O is still in flight.

`VirtualClock` is deterministic. With ``autojump=True`` the sleeper with the earliest deadline,
once the other runnable tasks have had a few checkpoints to run, moves time straight to its
deadline, so code that sleeps for minutes runs instantly and in deadline order.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
from asyncio import _get_running_loop, sleep as _asyncio_sleep
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import anyio

__all__ = ["Clock", "SystemClock", "VirtualClock", "current_clock", "use_clock"]

# Checkpoints given to other tasks before virtual time jumps: enough for a woken timer to
# enqueue its message, for the actor's task to start and for the handler to re-arm a timer.
_SETTLE_CHECKPOINTS = 8


@runtime_checkable
class Clock(Protocol):
    """A source of monotonic time in seconds, and a way to sleep on it."""

    def now(self) -> float:
        """Return the current time in seconds (monotonic; the origin is arbitrary)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` on this clock. Cancellable like `anyio.sleep`."""
        ...


class SystemClock:
    """The event loop's clock and sleep.

    On asyncio the running loop is read directly (``loop.time()``, ``asyncio.sleep``): no
    async-library detection per reading. Other anyio backends go through
    ``anyio.current_time`` and ``anyio.sleep``.
    """

    __slots__ = ()

    def now(self) -> float:
        """Return the event loop's time in seconds.

        Raises:
            RuntimeError: Outside an event loop (no async backend is running).
        """
        loop = _get_running_loop()
        if loop is not None:
            return loop.time()
        import anyio

        return anyio.current_time()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of real time (negative means zero). Cancellable."""
        if _get_running_loop() is not None:
            await _asyncio_sleep(max(0.0, seconds))
            return
        import anyio

        await anyio.sleep(max(0.0, seconds))

    def __repr__(self) -> str:
        return "SystemClock()"


class _Sleeper:
    __slots__ = ("deadline", "event", "gone", "seq")

    def __init__(self, deadline: float, seq: int) -> None:
        self.deadline = deadline
        self.seq = seq
        self.gone = False  # woken, or abandoned by cancellation
        self.event: anyio.Event | None = None

    def __lt__(self, other: _Sleeper) -> bool:
        return (self.deadline, self.seq) < (other.deadline, other.seq)

    def poke(self) -> None:
        if self.event is not None:
            self.event.set()


class VirtualClock:
    """A deterministic clock for tests: time only moves when told to (or by autojump).

    Args:
        start: The initial time in seconds.
        autojump: When True, a sleep whose deadline is the earliest pending one advances time
            to that deadline as soon as other tasks have had a few checkpoints to run.

    Attributes:
        sleeps: Every duration passed to `sleep`, in call order.
        autojump: Whether autojump is on (may be toggled).
    """

    def __init__(self, start: float = 0.0, *, autojump: bool = True) -> None:
        if not math.isfinite(start):
            raise ValueError("start must be a finite number of seconds")
        self._now = float(start)
        self.autojump = autojump
        self.sleeps: list[float] = []
        self._heap: list[_Sleeper] = []
        self._seq = itertools.count()

    def now(self) -> float:
        """Return the current virtual time in seconds."""
        return self._now

    def _earliest(self) -> _Sleeper | None:
        heap = self._heap
        while heap and heap[0].gone:
            heapq.heappop(heap)
        return heap[0] if heap else None

    def _wake_due(self) -> None:
        heap = self._heap
        while heap and (heap[0].gone or heap[0].deadline <= self._now):
            entry = heapq.heappop(heap)
            if not entry.gone:
                entry.gone = True
                entry.poke()

    def _poke_earliest(self) -> None:
        if self.autojump:
            first = self._earliest()
            if first is not None:
                first.poke()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of virtual time (negative means zero).

        Raises:
            ValueError: If `seconds` is NaN.

        On cancellation the sleeper is withdrawn and time does not move for it.
        """
        if math.isnan(seconds):
            raise ValueError("cannot sleep NaN seconds")
        self.sleeps.append(seconds)
        if seconds <= 0:
            await _checkpoint()
            return
        entry = _Sleeper(self._now + seconds, next(self._seq))
        heapq.heappush(self._heap, entry)
        try:
            while not entry.gone:
                if self.autojump and self._earliest() is entry:
                    for _ in range(_SETTLE_CHECKPOINTS):
                        await _checkpoint()
                        if entry.gone or self._earliest() is not entry:
                            break
                    else:
                        self._now = max(self._now, entry.deadline)
                        self._wake_due()
                        self._poke_earliest()
                    continue
                entry.event = _event()
                await entry.event.wait()
                entry.event = None
        finally:
            if not entry.gone:
                entry.gone = True
                self._poke_earliest()

    async def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, waking due sleepers in deadline order.

        Time steps from one pending deadline to the next; after each step the woken tasks get a
        few checkpoints to run, so a timer that re-arms itself inside the window fires again.

        Raises:
            ValueError: If `seconds` is negative or not finite.
        """
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError("advance() needs a finite, non-negative number of seconds")
        target = self._now + seconds
        while True:
            first = self._earliest()
            if first is None or first.deadline > target:
                break
            self._now = max(self._now, first.deadline)
            self._wake_due()
            for _ in range(_SETTLE_CHECKPOINTS):
                await _checkpoint()
        self._now = target
        self._poke_earliest()
        await _checkpoint()

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now!r}, autojump={self.autojump!r})"


async def _checkpoint() -> None:
    from anyio.lowlevel import checkpoint

    await checkpoint()


def _event() -> anyio.Event:
    import anyio

    return anyio.Event()


_SYSTEM = SystemClock()
_current: ContextVar[Clock] = ContextVar("supervisors_clock", default=_SYSTEM)


def current_clock() -> Clock:
    """Return the clock in effect here: the innermost `use_clock`, else a `SystemClock`."""
    return _current.get()


@contextlib.contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make `clock` the current clock inside the block (and in tasks started inside it).

    Args:
        clock: Any object implementing the `Clock` protocol.

    Raises:
        TypeError: If `clock` does not implement `now()` and `sleep()`.
    """
    if not isinstance(clock, Clock):
        raise TypeError(f"{clock!r} is not a Clock (needs now() and async sleep())")
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)
