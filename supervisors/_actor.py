"""Actors: `Actor` (the behaviour you subclass), `ActorRef` (the stable handle) and the cell.

Each actor lives in a `_Cell` owned by its supervisor. The cell holds the mailbox queue and the
current `Actor` instance; the `ActorRef` points at the cell, so it stays valid across restarts.

An idle actor holds no task: when a message arrives and nothing is processing, the cell starts a
short-lived task in its supervisor's task group that handles messages one at a time, in order,
until the queue is empty (it lingers for one scheduling round so a caller's next request in a
ping-pong finds it still running). That task runs in the supervisor's context, not the sender's.

Failure semantics (OTP ``gen_server`` with Pykka's ask rule):

* an exception raised by `handle_call` is sent back to the caller and the actor keeps running;
* an exception raised by `handle_cast`, `handle_info` or a timer message crashes the actor: it
  runs `terminate(reason)` and its supervisor restarts it according to its `ChildSpec`;
* calls still queued when an actor stops for good fail with `ActorExited`, never hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from asyncio import _get_running_loop as _running_loop
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol

import anyio
from anyio.lowlevel import checkpoint

from ._clock import Clock
from ._exceptions import ActorExited, CallTimeout
from ._log import enabled, logger
from ._mailbox import (
    ABANDONED,
    CALL,
    CAST,
    DEFAULT_MAILBOX,
    DONE,
    INFO,
    PENDING,
    QUEUED,
    WAIT,
    Envelope,
    FutureReply,
    Mailbox,
    Reply,
    _Inbox,
)
from ._reason import ExitReason

if TYPE_CHECKING:
    from ._registry import Registry
    from ._timers import _Timer

__all__ = ["Actor", "ActorRef", "current_actor"]

# Cell states.
INIT: Final = 0  # created or between instances: messages queue, nothing handles them
RUNNING: Final = 1
STOPPING: Final = 2  # stopping for good: new messages are refused
DEAD: Final = 3

_current_cell: ContextVar[_Cell | None] = ContextVar("supervisors_actor", default=None)


def _loop_time() -> float:
    """The event loop's time (shutdown budgets run on it): on asyncio read from the running
    loop, with no async-library detection; on other backends through anyio."""
    loop = _running_loop()
    return loop.time() if loop is not None else anyio.current_time()


def current_actor() -> ActorRef | None:
    """Return the ref of the actor whose handler (or `init`/`terminate`) is running, or None."""
    cell = _current_cell.get()
    return cell.ref if cell is not None else None


class _Host(Protocol):
    """What a cell needs from its supervisor."""

    clock: Clock

    def _spawn(self, fn: Callable[[], Coroutine[Any, Any, None]]) -> None: ...

    def _child_exit(self, cell: _Cell, gen: int, reason: ExitReason) -> None: ...

    async def _stop_cell(self, cell: _Cell) -> None: ...

    def _shielded(self) -> contextlib.AbstractContextManager[anyio.CancelScope]: ...


class Actor:
    """Base class for actors: override the async hooks you need.

    Messages are handled one at a time, in arrival order. Set ``mailbox = Mailbox(...)`` on the
    subclass to change the default (1000 messages, `Overflow.BLOCK`).

    Hooks:
        ``init()``: runs before the first message (and after each restart); an exception fails
            the start. ``handle_call(msg)``: returns the reply; an exception goes back to the
            caller. ``handle_cast(msg)`` / ``handle_info(msg)``: an exception crashes the actor.
            ``terminate(reason)``: cleanup, bounded by the child's ``shutdown`` seconds.
    """

    mailbox: ClassVar[Mailbox] = DEFAULT_MAILBOX

    _cell: _Cell | None = None

    @property
    def ref(self) -> ActorRef:
        """This actor's stable ref.

        Raises:
            RuntimeError: If the actor has not been started by a supervisor.
        """
        cell = self._cell
        if cell is None:
            raise RuntimeError(f"{type(self).__name__} has not been started by a supervisor")
        return cell.ref

    @property
    def clock(self) -> Clock:
        """The clock of this actor's supervisor (what its timers and backoff run on)."""
        return self.ref._cell.host.clock

    def stop(self) -> None:
        """Exit normally once the current message has been handled.

        The reason is `ExitReason.NORMAL`: a PERMANENT child is restarted, a TRANSIENT or
        TEMPORARY one is not.
        """
        self.ref._cell.stop_requested = True

    async def init(self) -> None:
        """Prepare state before the first message. Raising fails this start."""

    async def handle_call(self, msg: Any) -> Any:
        """Answer a `call`. The default raises NotImplementedError (to the caller)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not handle calls ({type(msg).__name__} message)"
        )

    async def handle_cast(self, msg: Any) -> None:
        """Handle a `cast` or `send`. The default raises NotImplementedError (a crash)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not handle casts ({type(msg).__name__} message)"
        )

    async def handle_info(self, msg: Any) -> None:
        """Handle a timer message. The default logs it (`actor.unexpected_info`)."""
        logger.warning("actor.unexpected_info", actor=self.ref.id, msg_type=type(msg).__name__)

    async def terminate(self, reason: ExitReason) -> None:
        """Clean up on exit. Runs shielded, cancelled after the child's shutdown budget."""


class ActorRef:
    """A stable handle to an actor; it survives restarts and is cheap to copy around.

    Equality and hashing are by identity of the actor's cell.
    """

    __slots__ = ("_cell",)

    def __init__(self, cell: _Cell) -> None:
        self._cell = cell

    @property
    def id(self) -> Any:
        """The child id from the actor's `ChildSpec`."""
        return self._cell.id

    @property
    def alive(self) -> bool:
        """False once the actor has stopped for good (calls would raise `ActorExited`)."""
        return self._cell.state < STOPPING

    async def call(self, msg: Any, timeout: float | None = 5.0) -> Any:  # noqa: ASYNC109
        """Send `msg` to `handle_call` and return its reply.

        Args:
            msg: Any object.
            timeout: Seconds to wait for the reply (including any wait for mailbox room under
                `Overflow.BLOCK`); None waits forever. Measured on the event loop's clock.

        Returns:
            What `handle_call` returned.

        Raises:
            CallTimeout: No reply in time. A later reply is dropped, and if the actor had not
                reached the call yet it discards it unhandled.
            ActorExited: The actor is dead, or stopped before replying.
            MailboxFull: The mailbox is full and its policy refuses calls.
            RuntimeError: An actor calling itself (that would deadlock).
            Exception: Whatever `handle_call` raised; the actor keeps running.

        On cancellation the call is abandoned exactly as on a timeout.
        """
        cell = self._cell
        if cell.state >= STOPPING:
            raise ActorExited(cell.reason)
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be positive seconds or None, got {timeout!r}")
        if _current_cell.get() is cell:
            raise RuntimeError(f"actor {cell.id!r} called itself: that would deadlock")
        loop = _running_loop()
        if loop is None:
            return await self._call_anyio(cell, msg, timeout)
        reply = FutureReply(loop.create_future())
        env: Envelope = (CALL, msg, reply)
        handle: asyncio.TimerHandle | None = None
        try:
            if cell.offer(env, is_call=True) == WAIT:
                deadline = None if timeout is None else loop.time() + timeout
                with anyio.fail_after(timeout):
                    await cell.put_wait(env)
                timeout = None if deadline is None else max(deadline - loop.time(), 0.0)
            if timeout is not None:
                handle = loop.call_later(timeout, reply.expire)
            await reply.fut
        except TimeoutError:
            raise CallTimeout(f"no room in the mailbox of {cell.id!r} within {timeout} s") from None
        finally:
            if handle is not None:
                handle.cancel()
            if reply.state == PENDING:
                reply.state = ABANDONED  # a late reply is dropped
        if reply.state != DONE:
            raise CallTimeout(f"no reply from actor {cell.id!r} within {timeout} s")
        if reply.error is not None:
            raise reply.error
        return reply.value

    async def _call_anyio(self, cell: _Cell, msg: Any, timeout: float | None) -> Any:  # noqa: ASYNC109
        """`call` on a backend other than asyncio: anyio Event plus a cancel scope."""
        reply = Reply()
        env: Envelope = (CALL, msg, reply)
        with anyio.CancelScope() if timeout is None else anyio.move_on_after(timeout):
            try:
                if cell.offer(env, is_call=True) == WAIT:
                    await cell.put_wait(env)
                await reply.event.wait()
            finally:
                if reply.state == PENDING:
                    reply.state = ABANDONED
        if reply.state != DONE:
            raise CallTimeout(f"no reply from actor {cell.id!r} within {timeout} s")
        if reply.error is not None:
            raise reply.error
        return reply.value

    def cast(self, msg: Any) -> bool:
        """Queue `msg` for `handle_cast` without waiting.

        Returns:
            True if queued; False if the mailbox policy (`DROP_NEW`) dropped it.

        Raises:
            ActorExited: The actor is dead or stopping.
            MailboxFull: The mailbox is full under `BLOCK` or `FAIL`.
        """
        cell = self._cell
        if cell.state >= STOPPING:
            raise ActorExited(cell.reason)
        return cell.offer((CAST, msg, None), is_call=False) == QUEUED

    async def send(self, msg: Any) -> None:
        """Queue `msg` for `handle_cast`, waiting for room while the mailbox is full.

        Raises:
            ActorExited: The actor is dead, or stopped while we waited.

        On cancellation nothing was queued.
        """
        cell = self._cell
        if cell.state >= STOPPING:
            raise ActorExited(cell.reason)
        if cell._qlen() < cell._mbox.capacity:
            cell.put_now((CAST, msg, None))
        else:
            await cell.put_wait((CAST, msg, None))

    async def stop(self) -> None:
        """Stop the actor for good (reason SHUTDOWN) and return once it has exited.

        Its supervisor does not restart it, whatever its `Restart` type (like
        `Supervisor.terminate_child`). Calls still queued fail with `ActorExited`. Returns at
        once if the actor is already dead.

        Raises:
            RuntimeError: From inside the actor's own handler (use `Actor.stop()` there).

        On cancellation the stop still completes in the supervisor.
        """
        cell = self._cell
        if cell.state == DEAD:
            return
        if _current_cell.get() is cell:
            raise RuntimeError("an actor cannot await its own stop(); call self.stop()")
        await cell.host._stop_cell(cell)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ActorRef) and other._cell is self._cell

    def __hash__(self) -> int:
        return id(self._cell)

    def __repr__(self) -> str:
        state = ("init", "running", "stopping", "dead")[self._cell.state]
        return f"<ActorRef {self._cell.id!r} {state}>"


async def _yield() -> None:
    await asyncio.sleep(0)


class _TaskStopper:
    """Stops a drain running on asyncio: cancels its task, once, while the drain is active."""

    __slots__ = ("active", "requested", "task")

    def __init__(self, task: asyncio.Task[Any]) -> None:
        self.task = task
        self.requested = False
        self.active = True

    def cancel(self) -> None:
        if self.active and not self.requested:
            self.requested = True
            self.task.cancel()


class _Cell(_Inbox):
    """One supervised actor: queue, current instance, task bookkeeping and lifecycle."""

    __slots__ = (
        "actor",
        "done_event",
        "gen",
        "host",
        "id",
        "inflight",
        "names",
        "owner",
        "reason",
        "ref",
        "running",
        "scope",
        "shutdown",
        "state",
        "stop_requested",
        "terminated",
        "timers",
    )

    def __init__(self, id: Any, host: _Host, mbox: Mailbox, shutdown: float) -> None:
        super().__init__(mbox)
        self.id = id
        self.host = host
        self.shutdown = shutdown
        self.ref = ActorRef(self)
        self.actor: Actor | None = None
        self.state = INIT
        self.gen = 0
        self.running = False
        self.scope: anyio.CancelScope | _TaskStopper | None = None
        self.done_event: anyio.Event | None = None
        self.inflight: Reply | None = None
        self.stop_requested = False
        self.terminated = True
        self.reason: ExitReason = ExitReason.SHUTDOWN
        self.timers: dict[Any, _Timer] | None = None
        self.names: list[tuple[Registry, Any]] | None = None
        self.owner: Any = None  # the supervisor's record of this child

    # -- queueing ---------------------------------------------------------------------------

    def offer(self, env: Envelope, *, is_call: bool) -> int:
        outcome = self._offer(env, is_call=is_call)
        if outcome == QUEUED and not self.running and self.state == RUNNING:
            self._start_drain()
        return outcome

    def put_now(self, env: Envelope) -> None:
        self._push(env)
        if not self.running and self.state == RUNNING:
            self._start_drain()

    async def put_wait(self, env: Envelope) -> None:
        while True:
            if self.state >= STOPPING:
                raise ActorExited(self.reason)
            if self._qlen() < self._mbox.capacity:
                self.put_now(env)
                return
            await self._wait_room()

    def _start_drain(self) -> None:
        self.running = True
        self.host._spawn(self._drain)

    # -- the message loop -------------------------------------------------------------------

    async def _drain(self) -> None:
        _current_cell.set(self)
        actor = self.actor
        assert actor is not None
        failure: BaseException | None = None
        task = asyncio.current_task() if _running_loop() is not None else None
        try:
            if task is None:  # another anyio backend: an anyio cancel scope
                with anyio.CancelScope() as scope:
                    self.scope = scope
                    await self._handle_queued(actor, checkpoint)
            else:
                # On asyncio, no anyio cancel scope per drain: a stop cancels this task, and
                # only that cancellation is absorbed here (an outer one propagates).
                stopper = self.scope = _TaskStopper(task)
                try:
                    await self._handle_queued(actor, _yield)
                except asyncio.CancelledError:
                    if not (stopper.requested and task.uncancel() == 0):
                        raise
                finally:
                    stopper.active = False
        except Exception as exc:
            failure = exc
        finally:
            self.scope = None
            if self.inflight is not None:
                self.inflight.fail(ActorExited(ExitReason.SHUTDOWN, "actor stopped mid-call"))
                self.inflight = None
        try:
            if self.state == RUNNING and (failure is not None or self.stop_requested):
                reason = ExitReason.NORMAL if failure is None else ExitReason.crashed(failure)
                self.state = INIT
                await self._finish_instance(reason, self.shutdown)
                self.host._child_exit(self, self.gen, reason)
        finally:
            self.running = False
            if self.done_event is not None:
                self.done_event.set()

    async def _handle_queued(
        self, actor: Actor, linger: Callable[[], Coroutine[Any, Any, None]]
    ) -> None:
        """Handles queued messages one at a time until the queue stays empty or a stop."""
        while self.state == RUNNING:
            env = self._pop()
            if env is None:
                await linger()  # linger one round for a ping-ponging caller
                if self.state != RUNNING:
                    break
                env = self._pop()
                if env is None:
                    break
            kind, msg, extra = env
            if kind == CALL:
                if extra.state != PENDING:
                    continue  # the caller gave up before we got here
                self.inflight = extra
                try:
                    value = await actor.handle_call(msg)
                except Exception as exc:
                    extra.fail(exc)
                else:
                    extra.resolve(value)
                self.inflight = None
            elif kind == CAST:
                await actor.handle_cast(msg)
            elif kind == INFO:
                await actor.handle_info(msg)
            elif not extra.take():  # TIMER: skip a cancelled or replaced timer
                continue
            else:
                await actor.handle_info(msg)
            if self.stop_requested:
                break

    # -- lifecycle, driven by the supervisor --------------------------------------------------

    async def start_instance(self, actor: Actor) -> None:
        """Install `actor` and run its `init`; messages queued meanwhile wait for it."""
        if not isinstance(actor, Actor):
            raise TypeError(f"ChildSpec.start must return an Actor, got {actor!r}")
        self.gen += 1
        self.actor = actor
        actor._cell = self
        self.stop_requested = False
        self.terminated = False
        token = _current_cell.set(self)
        try:
            await actor.init()
        except BaseException:
            self.terminated = True
            self.actor = None
            raise
        finally:
            _current_cell.reset(token)
        self.state = RUNNING
        if self._queue and not self.running:
            self._start_drain()

    async def _finish_instance(self, reason: ExitReason, budget: float) -> None:
        """Run `terminate` once (shielded, cancelled after `budget` s) and cancel the timers."""
        self.cancel_timers()
        actor = self.actor
        if self.terminated or actor is None:
            return
        self.terminated = True
        if budget <= 0 or type(actor).terminate is Actor.terminate:
            return
        token = _current_cell.set(self)
        try:
            with (
                self.host._shielded(),
                anyio.move_on_after(budget if budget != math.inf else None),
            ):
                await actor.terminate(reason)
        except Exception as exc:
            logger.error("actor.terminate_failed", actor=self.id, exc_info=exc)
        finally:
            _current_cell.reset(token)

    async def shutdown_instance(self, reason: ExitReason) -> None:
        """Stop the running instance within the `shutdown` budget; the cell stays reusable.

        The message in progress may finish (within the budget); then `terminate(reason)` runs
        with what is left of the budget. A budget of 0 cancels at once and skips `terminate`.
        """
        if self.state == RUNNING:
            self.state = INIT
        budget = self.shutdown
        start: float | None = None  # an idle instance stops at once: no clock reading
        if self.running:
            start = _loop_time()
            self.done_event = event = anyio.Event()
            if budget <= 0 and self.scope is not None:
                self.scope.cancel()
            with self.host._shielded():
                with anyio.move_on_after(budget if budget != math.inf else None):
                    await event.wait()
                if not event.is_set():
                    if self.scope is not None:
                        self.scope.cancel()
                    await event.wait()
            self.done_event = None
        if budget > 0:
            left = budget if start is None else max(budget - (_loop_time() - start), 1e-6)
            await self._finish_instance(reason, left)
        else:
            self.terminated = True
            self.cancel_timers()
        self.actor = None

    @property
    def quick_to_stop(self) -> bool:
        """True when stopping needs no waiting: idle, and `terminate` is not overridden."""
        actor = self.actor
        return not self.running and (actor is None or type(actor).terminate is Actor.terminate)

    def revive(self) -> None:
        """Make a dead cell usable again (`restart_child` keeps the same ref)."""
        if self.state == DEAD:
            self.state = INIT
            self.reason = ExitReason.SHUTDOWN

    def close(self, reason: ExitReason) -> None:
        """Mark the cell dead for good: fail queued calls, wake senders, drop registrations."""
        if self.state == DEAD:
            return
        self.state = DEAD
        self.reason = reason
        self.actor = None
        self.cancel_timers()
        for kind, _msg, extra in self._take_all():
            if kind == CALL:
                extra.fail(ActorExited(reason, f"actor {self.id!r} exited with a call queued"))
        self._wake_all()
        names = self.names
        self.names = None
        if names:
            for registry, name in names:
                registry._forget(name, self.ref)
        if enabled(logging.DEBUG):
            logger.debug("actor.stopped", actor=self.id, reason=str(reason))

    def cancel_timers(self) -> None:
        timers = self.timers
        if timers:
            self.timers = None
            for timer in timers.values():
                timer.cancel()
