"""Mailboxes: the bounded, ordered queue in front of every actor, and its overflow policies.

`Mailbox(capacity, overflow)` is configuration, set per actor class (``mailbox = Mailbox(...)``).
The queue itself (`_Inbox`) is created lazily and dropped when empty, so an idle actor holds no
queue, no task and no stream pair.

What happens when the mailbox is full:

=================  ==========================  ======================================
policy             ``cast`` (never waits)      ``call``
=================  ==========================  ======================================
``BLOCK``          raises `MailboxFull`        waits for room (within its timeout)
``DROP_NEW``       drops the new message       raises `MailboxFull`
``DROP_OLDEST``    evicts the oldest message   evicts the oldest message
``FAIL``           raises `MailboxFull`        raises `MailboxFull`
=================  ==========================  ======================================

``await ref.send(msg)`` always waits for room, whatever the policy (backpressure). An evicted
call is never lost silently: its caller gets `MailboxFull`. Drops are logged (`mailbox.dropped`).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Final

import anyio

from ._exceptions import MailboxFull
from ._log import enabled, logger

__all__ = ["Mailbox", "Overflow"]

# Envelope kinds: an envelope is a tuple (kind, message, extra).
CALL: Final = 0
CAST: Final = 1
INFO: Final = 2
TIMER: Final = 3

Envelope = tuple[int, Any, Any]

# Outcomes of offering a message to a full (or not) mailbox.
QUEUED: Final = 1
DROPPED: Final = 0
WAIT: Final = -1

# Reply states.
PENDING: Final = 0
DONE: Final = 1
ABANDONED: Final = 2
EXPIRED: Final = 3


class Overflow(enum.Enum):
    """What a full mailbox does with one more message (see the module docstring's table)."""

    BLOCK = "block"
    DROP_NEW = "drop_new"
    DROP_OLDEST = "drop_oldest"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Mailbox:
    """Mailbox configuration: capacity and overflow policy.

    Args:
        capacity: Most messages queued at once (an int >= 1, or `math.inf`).
        overflow: The policy applied when full.

    Raises:
        ValueError: For a capacity below 1 or not an integer (except `math.inf`).
        TypeError: If `overflow` is not an `Overflow`.
    """

    capacity: float = 1000
    overflow: Overflow = Overflow.BLOCK

    def __post_init__(self) -> None:
        cap = self.capacity
        if isinstance(cap, bool) or not isinstance(cap, int | float):
            raise TypeError(f"capacity must be an int or math.inf, not {type(cap).__name__}")
        if cap != math.inf and (cap < 1 or cap != int(cap)):
            raise ValueError(f"capacity must be an integer >= 1 or math.inf, got {cap!r}")
        if not isinstance(self.overflow, Overflow):
            raise TypeError(f"overflow must be an Overflow, not {self.overflow!r}")


DEFAULT_MAILBOX: Final = Mailbox()


class Reply:
    """A one-shot reply slot shared by a caller and the actor that answers it."""

    __slots__ = ("error", "event", "state", "value")

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.state = PENDING
        self.value: Any = None
        self.error: BaseException | None = None

    def _wake(self) -> None:
        self.event.set()

    def resolve(self, value: Any) -> None:
        if self.state == PENDING:
            self.state = DONE
            self.value = value
            self._wake()

    def fail(self, error: BaseException) -> None:
        if self.state == PENDING:
            self.state = DONE
            self.error = error
            self._wake()


class FutureReply(Reply):
    """The asyncio fast path of `Reply`: a bare loop future instead of an anyio Event.

    Awaiting the future is a normal asyncio wait, so anyio cancel scopes still cancel it.
    """

    __slots__ = ("fut",)

    def __init__(self, fut: asyncio.Future[None]) -> None:
        self.fut = fut
        self.state = PENDING
        self.value = None
        self.error = None

    def _wake(self) -> None:
        if not self.fut.done():
            self.fut.set_result(None)

    def expire(self) -> None:
        """Timer callback: the caller's timeout elapsed; later replies are dropped."""
        if self.state == PENDING:
            self.state = EXPIRED
            self._wake()


class _Inbox:
    """The queue half of an actor cell: bounded FIFO, overflow policy, waiters for room."""

    __slots__ = ("_mbox", "_queue", "_room")

    def __init__(self, mbox: Mailbox) -> None:
        self._mbox = mbox
        self._queue: deque[Envelope] | None = None
        self._room: deque[anyio.Event] | None = None

    def _qlen(self) -> int:
        q = self._queue
        return len(q) if q is not None else 0

    def _push(self, env: Envelope) -> None:
        q = self._queue
        if q is None:
            q = self._queue = deque()
        q.append(env)

    def _offer(self, env: Envelope, *, is_call: bool) -> int:
        """Apply the policy to `env`: QUEUED, DROPPED, or WAIT (a BLOCK call must wait).

        Raises:
            MailboxFull: The policy refuses the message.
        """
        mbox = self._mbox
        if self._qlen() < mbox.capacity:
            self._push(env)
            return QUEUED
        policy = mbox.overflow
        if policy is Overflow.DROP_OLDEST:
            q = self._queue
            assert q is not None
            old = q.popleft()
            if old[0] == CALL:
                old[2].fail(MailboxFull("message evicted from a full mailbox (DROP_OLDEST)"))
            self._dropped(old, "oldest")
            q.append(env)
            return QUEUED
        if policy is Overflow.BLOCK and is_call:
            return WAIT
        if policy is Overflow.DROP_NEW and not is_call:
            self._dropped(env, "new")
            return DROPPED
        raise MailboxFull(f"mailbox full ({mbox.capacity:g} messages, {policy.name})")

    def _dropped(self, env: Envelope, which: str) -> None:
        if enabled(logging.DEBUG):
            logger.debug("mailbox.dropped", which=which, kind=env[0])

    async def _wait_room(self) -> None:
        """Wait until a slot frees up (or the cell wakes every waiter on exit)."""
        event = anyio.Event()
        room = self._room
        if room is None:
            room = self._room = deque()
        room.append(event)
        try:
            await event.wait()
        except BaseException:
            if not event.is_set():
                try:
                    room.remove(event)
                except ValueError:
                    pass
            else:
                # Woken, but giving up (cancelled): pass the free slot on to the next sender.
                self._wake_one()
            raise

    def _wake_one(self) -> None:
        room = self._room
        if room:
            room.popleft().set()

    def _wake_all(self) -> None:
        room = self._room
        while room:
            room.popleft().set()

    def _pop(self) -> Envelope | None:
        q = self._queue
        if not q:
            return None
        env = q.popleft()
        if not q:
            self._queue = None
        if self._room:
            self._wake_one()
        return env

    def _take_all(self) -> list[Envelope]:
        q = self._queue
        self._queue = None
        return list(q) if q else []
