"""Actor-owned timers: `send_after` and `cancel_timer`.

A timer belongs to the current incarnation of the target actor. It is cancelled when that
actor stops or restarts, and reusing a key replaces the old timer. A cancelled or replaced
timer's message is guaranteed not to reach `handle_info`, even if it was already queued.
The delay runs on the supervisor's clock (`current_clock()` when the supervisor started), so
tests drive timers with a `VirtualClock`.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import anyio

from ._actor import STOPPING, ActorRef, _Cell
from ._exceptions import ActorExited, MailboxFull
from ._log import enabled, logger
from ._mailbox import TIMER, WAIT

__all__ = ["TimerRef", "cancel_timer", "send_after"]


class _Timer:
    __slots__ = ("cancelled", "cell", "delay", "key", "msg", "scope")

    def __init__(self, cell: _Cell, key: Any, msg: Any, delay: float) -> None:
        self.cell = cell
        self.key = key
        self.msg = msg
        self.delay = delay
        self.cancelled = False
        self.scope: anyio.CancelScope | None = None

    def cancel(self) -> None:
        self.cancelled = True
        if self.scope is not None:
            self.scope.cancel()

    def take(self) -> bool:
        """Called when the message is dequeued: True if it is still due for delivery."""
        if self.cancelled:
            return False
        timers = self.cell.timers
        if timers is not None and timers.get(self.key) is self:
            del timers[self.key]
        self.cancelled = True
        return True

    async def run(self) -> None:
        if self.cancelled:
            return
        cell = self.cell
        with anyio.CancelScope() as scope:
            self.scope = scope
            await cell.host.clock.sleep(self.delay)
            if self.cancelled or cell.state >= STOPPING:
                return
            env = (TIMER, self.msg, self)
            try:
                if cell.offer(env, is_call=True) == WAIT:
                    await cell.put_wait(env)
            except (MailboxFull, ActorExited) as exc:
                logger.warning("timer.dropped", actor=cell.id, key=_safe_key(self.key), error=exc)
        self.scope = None


def _safe_key(key: Any) -> str:
    return key if isinstance(key, str) else type(key).__name__


class TimerRef:
    """A handle on one pending timer."""

    __slots__ = ("_timer",)

    def __init__(self, timer: _Timer) -> None:
        self._timer = timer

    @property
    def active(self) -> bool:
        """True until the message is delivered or the timer is cancelled."""
        return not self._timer.cancelled

    def cancel(self) -> None:
        """Cancel the timer; its message will not be handled, even if already queued."""
        timer = self._timer
        timer.cancel()
        timers = timer.cell.timers
        if timers is not None and timers.get(timer.key) is timer:
            del timers[timer.key]


def send_after(ref: ActorRef, msg: Any, delay: float, key: Any = None) -> TimerRef:
    """Deliver `msg` to `ref`'s `handle_info` after `delay` seconds of its supervisor's clock.

    Args:
        ref: The target actor; the timer belongs to its current incarnation.
        msg: The message.
        delay: Seconds, >= 0.
        key: Any hashable. A timer with the same key on the same actor is replaced (and its
            message, if already queued, is discarded). None makes an anonymous timer.

    Returns:
        A `TimerRef` to cancel it.

    Raises:
        ActorExited: The actor is dead or stopping.
        ValueError: For a negative or NaN delay.

    A full mailbox: under `Overflow.BLOCK` the timer waits for room; under the other policies
    the policy applies and a refused message is logged (`timer.dropped`).
    """
    if not (delay >= 0 and delay != math.inf):
        raise ValueError(f"delay must be finite seconds >= 0, got {delay!r}")
    cell = ref._cell
    if cell.state >= STOPPING:
        raise ActorExited(cell.reason)
    timers = cell.timers
    if timers is None:
        timers = cell.timers = {}
    timer = _Timer(cell, key, msg, delay)
    if key is None:
        timer.key = timer
    else:
        old = timers.get(key)
        if old is not None:
            old.cancel()
    timers[timer.key] = timer
    cell.host._spawn(timer.run)
    if enabled(logging.DEBUG):
        logger.debug("timer.set", actor=cell.id, delay=delay)
    return TimerRef(timer)


def cancel_timer(ref: ActorRef, key: Any) -> bool:
    """Cancel `ref`'s timer with `key`.

    Returns:
        True if a pending timer was cancelled, False if there was none.
    """
    timers = ref._cell.timers
    timer = timers.pop(key, None) if timers is not None else None
    if timer is None or timer.cancelled:
        return False
    timer.cancel()
    return True
