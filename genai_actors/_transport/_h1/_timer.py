"""The read-side timer of one exchange: ``Timeouts.total`` and ``Timeouts.sock_read`` on loop
timers (``call_at``), armed only while the caller waits for bytes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ._errors import HttpClientError, ReadTimeout, TotalTimeout

__all__ = ["ExchangeTimer"]

# Loop timers may fire up to the clock's resolution early; a deadline this close counts as due.
_SLACK = 1e-3


class ExchangeTimer:
    """Fails the exchange (``on_expiry``) when the total deadline passes or, while reading, when
    no byte arrived for ``sock_read`` seconds.

    One loop timer at most is scheduled, only between :meth:`start` and :meth:`stop`. Bytes that
    arrive set :attr:`last_data`; the timer then reschedules itself instead of being moved on
    every read.
    """

    __slots__ = ("_loop", "_on_expiry", "_reading", "deadline", "handle", "last_data", "sock_read")

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        deadline: float | None,
        sock_read: float | None,
        on_expiry: Callable[[ExchangeTimer, HttpClientError], None],
    ) -> None:
        self._loop = loop
        self._on_expiry = on_expiry
        self._reading = False
        self.deadline = deadline
        self.sock_read = sock_read
        self.handle: asyncio.TimerHandle | None = None
        self.last_data = 0.0

    def start(self, reading: bool = True) -> None:
        """Arms the timer for a wait (``reading=False``: a write, bounded by the total only)."""
        self._reading = reading and self.sock_read is not None
        self.last_data = self._loop.time()
        self._schedule()

    def stop(self) -> None:
        """Disarms the timer (idempotent)."""
        handle = self.handle
        if handle is not None:
            handle.cancel()
            self.handle = None

    def _schedule(self) -> None:
        when = self.deadline
        if self._reading:
            silence = self.last_data + self.sock_read  # type: ignore[operator]
            if when is None or silence < when:
                when = silence
        if when is not None:
            self.handle = self._loop.call_at(when, self._fire)

    def _fire(self) -> None:
        self.handle = None
        now = self._loop.time() + _SLACK
        if self.deadline is not None and now >= self.deadline:
            self._on_expiry(self, TotalTimeout("the request took longer than its total timeout"))
        elif self._reading and self.last_data + self.sock_read < now:  # type: ignore[operator]
            self._on_expiry(
                self, ReadTimeout(f"no data from the server for {self.sock_read} seconds")
            )
        else:
            self._schedule()
