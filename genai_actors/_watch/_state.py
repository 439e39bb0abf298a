"""What a watch remembers across watcher restarts: subscribers, last snapshot, backoff position.

A :class:`WatchState` lives in the hub, not in the watcher actor, so a crashed watcher's
replacement picks up exactly where it left off. Everything here runs on the event loop of the
tree that owns the state; nothing is shared across threads.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from supervisors import Backoff, BackoffSchedule

if TYPE_CHECKING:
    from supervisors import ActorRef

__all__ = ["Subscriber", "WatchState"]

T = TypeVar("T")

_UNSET: Any = object()


class Subscriber(Generic[T]):
    """One waiter (``wait``) or one stream (``watch``) on a watch.

    Attributes:
        done: The subscriber's own predicate: it is served until a snapshot satisfies it.
        streaming: True for a stream (every changed snapshot is queued), False for a waiter.
        result: The done snapshot, once there is one.
        error: The exception that ended the subscription, if any.
        finished: True once ``result`` or ``error`` is set, or the timeout passed.
        timed_out: True if the subscription ended because its timeout passed.
    """

    __slots__ = (
        "__weakref__",
        "_tb",
        "_waiter",
        "done",
        "error",
        "finished",
        "last",
        "queue",
        "result",
        "streaming",
        "timed_out",
    )

    def __init__(self, done: Callable[[T], bool], *, streaming: bool) -> None:
        self.done = done
        self.streaming = streaming
        self.result: T = _UNSET
        self.error: BaseException | None = None
        self._tb: TracebackType | None = None
        self.finished = False
        self.timed_out = False
        self.last: T = _UNSET
        self.queue: deque[T] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    @property
    def has_result(self) -> bool:
        """True once a done snapshot was delivered."""
        return self.result is not _UNSET

    def offer(self, snapshot: T, *, changed: bool) -> bool:
        """Hands one snapshot to the subscriber; returns True if it is now finished."""
        self.last = snapshot
        if self.streaming and changed:
            self.queue.append(snapshot)
            self._wake()
        try:
            is_done = bool(self.done(snapshot))
        except Exception as exc:  # the caller's predicate: its error ends its own wait only
            self.fail(exc)
            return True
        if is_done:
            self.result = snapshot
            self.finished = True
            self._wake()
        return is_done

    def fail(self, error: BaseException) -> None:
        """Ends the subscription with ``error`` (first outcome wins)."""
        if not self.finished:
            self.error = error
            self._tb = error.__traceback__
            self.finished = True
        self._wake()

    def expire(self) -> None:
        """Ends the subscription because its timeout passed (no result, no error)."""
        if not self.finished:
            self.timed_out = True
            self.finished = True
        self._wake()

    def raise_error(self) -> None:
        """Raises the error that ended the subscription, if any.

        The error object may be shared by several subscribers: each raise starts from the
        traceback it had when it was delivered, so tracebacks do not pile up.
        """
        if self.error is not None:
            raise self.error.with_traceback(self._tb)

    async def changed(self) -> None:
        """Waits until something new is queued or the subscription finished."""
        if self.queue or self.finished:
            return
        # The tree (hence every subscriber) lives on an asyncio loop: a bare future is the
        # cheapest wake-up, and a cancelled wait simply drops it.
        waiter = self._waiter = asyncio.get_running_loop().create_future()
        try:
            await waiter
        finally:
            if self._waiter is waiter:
                self._waiter = None


class WatchState(Generic[T]):
    """The durable side of one watched job.

    Attributes:
        key: ``(kind, name)``.
        name: The job's resource name.
        fetch: Fetches one snapshot by name.
        schedule: The poll backoff (its attempt counter survives watcher restarts).
        subscribers: Who is served by this watch.
        last: The last snapshot (``has_last`` tells whether there is one).
        ref: The watcher actor serving it (None until its first poll starts one).
        in_flight: The token of the poll being run, if any.
        poll_task: The scheduler's task running the latest poll (done once it ended).
        scheduled: True while the scheduler holds an entry for it.
        crashes: Consecutive watcher crashes.
        last_crash: The exception of the last crash.
        closed: True once the watch ended (done, failed, or abandoned).
        polls: Polls completed (with or without an error).
        streamed: True once a stream subscribed (only streams are told what changed, so a
            watch of waiters alone skips comparing snapshots).
    """

    def __init__(
        self,
        key: tuple[str, str],
        fetch: Callable[[str], Awaitable[T]],
        backoff: Backoff,
    ) -> None:
        self.key = key
        self.name = key[1]
        self.fetch = fetch
        self.schedule: BackoffSchedule = backoff.schedule()
        self.subscribers: list[Subscriber[T]] = []
        self.last: T = _UNSET
        self.ref: ActorRef | None = None
        self.in_flight: int | None = None
        self.poll_task: asyncio.Task[None] | None = None
        self.generation = 0
        self.scheduled = False
        self.crashes = 0
        self.last_crash: BaseException | None = None
        self.closed = False
        self.polls = 0
        self.streamed = False  # a stream subscribed once: only streams ask what changed
        self._fixed: float | None = None  # the delay once the schedule can no longer change

    def next_delay(self) -> float:
        """``schedule.next_delay()``; once the schedule is constant (no jitter, no reset, and
        at its cap or with a multiplier of 1), that delay without the backoff maths."""
        schedule = self.schedule
        fixed = self._fixed
        if fixed is not None:
            schedule.attempt += 1
            return fixed
        delay = schedule.next_delay()
        b = schedule.backoff
        if (
            b.jitter == 0.0
            and b.reset_after is None
            and (b.multiplier == 1.0 or delay >= b.maximum)
        ):
            self._fixed = delay
        return delay

    @property
    def has_last(self) -> bool:
        """True once a poll returned a snapshot."""
        return self.last is not _UNSET

    def deliver(self, snapshot: T) -> bool:
        """Hands a fresh snapshot to every subscriber; returns True if none is left."""
        last = self.last
        if last is _UNSET or not self.streamed:  # waiters never ask whether it changed
            changed = True
        else:
            try:
                changed = bool(snapshot != last)
            except Exception:  # an exotic snapshot whose comparison fails: count it a change
                changed = True
        self.last = snapshot
        subs = self.subscribers
        if len(subs) == 1:  # the usual case: one waiter, no list rebuilt per poll
            if subs[0].offer(snapshot, changed=changed):
                self.subscribers = []
                return True
            return False
        self.subscribers = [s for s in subs if not s.offer(snapshot, changed=changed)]
        return not self.subscribers

    def fail_all(self, error: BaseException) -> None:
        """Ends every subscription with ``error``."""
        subs, self.subscribers = self.subscribers, []
        for sub in subs:
            sub.fail(error)

    def __repr__(self) -> str:
        return (
            f"WatchState({self.name!r}, subscribers={len(self.subscribers)}, "
            f"polls={self.polls}, attempt={self.schedule.attempt})"
        )
