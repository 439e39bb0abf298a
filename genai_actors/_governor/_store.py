"""Where the governor keeps its shared budget: the ``Store`` protocol and ``MemoryStore``.

A store keeps, per model, the sliding windows of the configured limits (``rpm``, ``tpm``,
``rpd``), the pause a server's ``RetryInfo`` asked for, and the block a per-day 429 set. One
:meth:`Store.admit` decides atomically: either every window has room and the request is
counted in all of them, or nothing is counted and the verdict says how long to wait and why.
:class:`MemoryStore` keeps this in the process (shared by every client and event loop that
uses the governor); ``RedisStore`` keeps it in Redis, shared by processes and machines.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import NamedTuple, Protocol, runtime_checkable

__all__ = ["ADMITTED", "MemoryStore", "Store", "Verdict", "Windows", "weight_of"]

Windows = tuple[tuple[str, int, float], ...]
"""``(metric, limit, period)`` for each limit set: ``rpm`` and ``rpd`` count requests,
``tpm`` counts tokens."""


class Verdict(NamedTuple):
    """What :meth:`Store.admit` decided.

    Attributes:
        wait: 0.0 when admitted (and counted); else seconds until it may succeed.
        reason: ``""`` when admitted; ``"pause"`` (a server delay), ``"day"`` (a per-day 429
            from the server), or the metric whose window is full (``"rpm"``, ``"tpm"``,
            ``"rpd"``).
        handle: The admission's handle, for :meth:`Store.correct` (``None`` if not admitted
            or when no ``tpm`` window is kept).
    """

    wait: float
    reason: str
    handle: object | None = None


ADMITTED = Verdict(0.0, "")


def weight_of(metric: str, limit: int, tokens: int) -> int:
    """How much one request counts in a window: 1 for requests, its tokens (at least 1, at most
    the limit) for ``tpm``."""
    if metric != "tpm":
        return 1
    return min(max(tokens, 1), limit)


@runtime_checkable
class Store(Protocol):
    """The shared part of a governor's state. Every method is safe to call from any task,
    thread or event loop. Times are seconds; ``now`` is the caller's clock (a store with a
    clock of its own, such as Redis's, may ignore it)."""

    async def admit(self, model: str, windows: Windows, tokens: int, now: float) -> Verdict:
        """Counts one request in every window if all have room (and no pause or day block
        holds the model); otherwise counts nothing and says how long to wait."""
        ...

    async def correct(self, model: str, handle: object, tokens: int) -> None:
        """Sets an admitted request's ``tpm`` weight to ``tokens`` (its real usage)."""
        ...

    async def pause(self, model: str, seconds: float, now: float) -> None:
        """Holds every admission of ``model`` for ``seconds`` (never shortens a longer pause)."""
        ...

    async def block_day(self, model: str, seconds: float, now: float) -> None:
        """Refuses ``model`` for ``seconds`` (a per-day quota is exhausted)."""
        ...

    def peek(self, model: str, windows: Windows, tokens: int, now: float) -> Verdict | None:
        """What :meth:`admit` would decide now, without counting; ``None`` when the store
        cannot tell without I/O."""
        ...

    async def aclose(self) -> None:
        """Releases the store's connections. Idempotent."""
        ...


class _Window:
    """One sliding window: the admissions of the last ``period`` seconds and their sum.

    Admissions are two parallel deques of floats and ints (no object per admission, nothing
    for the garbage collector to walk); an admission is named by its absolute index.
    """

    __slots__ = ("popped", "times", "total", "weights")

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        self.weights: deque[int] = deque()
        self.total = 0
        self.popped = 0  # admissions that have left the window

    def expire(self, now: float, period: float) -> None:
        times = self.times
        horizon = now - period
        if times and times[0] <= horizon:
            weights = self.weights
            while times and times[0] <= horizon:
                times.popleft()
                self.total -= weights.popleft()
                self.popped += 1

    def wait(self, weight: int, limit: int, now: float, period: float) -> float:
        """Seconds until ``weight`` fits (0.0 if it fits now); call after :meth:`expire`."""
        excess = self.total + weight - limit
        if excess <= 0:
            return 0.0
        for at, counted in zip(self.times, self.weights, strict=True):
            excess -= counted
            if excess <= 0:
                # Never 0.0 while over the limit: float rounding must not admit early.
                return max(at + period - now, 1e-6)
        return period  # unreachable while weight <= limit

    def add(self, now: float, weight: int) -> int:
        self.times.append(now)
        self.weights.append(weight)
        self.total += weight
        return self.popped + len(self.times) - 1

    def correct(self, index: int, weight: int) -> None:
        at = index - self.popped
        if at < 0:  # it has left the window
            return
        weights = self.weights
        self.total += weight - weights[at]
        weights[at] = weight


class _Model:
    __slots__ = ("blocked_until", "paused_until", "windows")

    def __init__(self) -> None:
        self.windows: dict[str, _Window] = {}
        self.paused_until = float("-inf")
        self.blocked_until = float("-inf")


class MemoryStore:
    """The budget kept in this process: shared by every client, task, thread and event loop
    handed the same governor. Exact sliding windows: a float and an int per admission still
    inside its window (at 1,000 requests a second, about 60,000 of each per minute window)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, _Model] = {}

    def _model(self, model: str) -> _Model:
        state = self._models.get(model)
        if state is None:
            state = self._models[model] = _Model()
        return state

    def _decide(
        self, model: str, windows: Windows, tokens: int, now: float, count: bool
    ) -> Verdict:
        state = self._models.get(model)
        if state is None:
            state = self._models[model] = _Model()
        if state.blocked_until > now:
            return Verdict(state.blocked_until - now, "day")
        if state.paused_until > now:
            return Verdict(state.paused_until - now, "pause")
        if not windows:
            return ADMITTED
        kept = state.windows
        for metric, limit, period in windows:
            window = kept.get(metric)
            if window is None:
                window = kept[metric] = _Window()
            times = window.times
            if times and times[0] <= now - period:
                window.expire(now, period)
            weight = min(max(tokens, 1), limit) if metric == "tpm" else 1
            if window.total + weight > limit:
                return Verdict(window.wait(weight, limit, now, period), metric)
        if not count:
            return ADMITTED
        handle: int | None = None
        for metric, limit, _period in windows:
            if metric == "tpm":
                handle = kept[metric].add(now, min(max(tokens, 1), limit))
            else:
                kept[metric].add(now, 1)
        return Verdict(0.0, "", handle)

    def decide(self, model: str, windows: Windows, tokens: int, now: float) -> Verdict:
        """:meth:`admit` without a coroutine (the governor's fast path)."""
        with self._lock:
            return self._decide(model, windows, tokens, now, True)

    async def admit(self, model: str, windows: Windows, tokens: int, now: float) -> Verdict:
        """See :meth:`Store.admit`."""
        with self._lock:
            return self._decide(model, windows, tokens, now, True)

    def peek(self, model: str, windows: Windows, tokens: int, now: float) -> Verdict | None:
        """See :meth:`Store.peek`."""
        with self._lock:
            return self._decide(model, windows, tokens, now, False)

    async def correct(self, model: str, handle: object, tokens: int) -> None:
        """See :meth:`Store.correct`. A request that has left its window is ignored."""
        self.correct_now(model, handle, tokens)

    def correct_now(self, model: str, handle: object, tokens: int) -> None:
        """:meth:`correct` without a coroutine (the governor's fast path)."""
        if not isinstance(handle, int):
            return
        with self._lock:
            state = self._models.get(model)
            window = state.windows.get("tpm") if state is not None else None
            if window is not None:
                window.correct(handle, max(tokens, 0))

    async def pause(self, model: str, seconds: float, now: float) -> None:
        """See :meth:`Store.pause`."""
        with self._lock:
            state = self._model(model)
            state.paused_until = max(state.paused_until, now + seconds)

    async def block_day(self, model: str, seconds: float, now: float) -> None:
        """See :meth:`Store.block_day`."""
        with self._lock:
            state = self._model(model)
            state.blocked_until = max(state.blocked_until, now + seconds)

    async def aclose(self) -> None:
        """Nothing to release."""
