"""The supervisor engine shared by `Supervisor` and `DynamicSupervisor` (`_SupervisorCore`).

The supervisor's process runs one control loop. Everything that changes its children — a child
exiting, `start_child`, `terminate_child`, `restart_child`, a delayed restart, the final stop —
is an event on that loop, handled one at a time (as inside an OTP supervisor process). Public
methods may be called from any task on the loop's thread: they post an event and wait for its
result. Calling them from inside the supervisor's own child `init` would deadlock and raises
RuntimeError instead.

Restart intensity: each restart decision records the current time of the supervisor's clock;
when more than `intensity` restarts lie within the last `period` seconds (inclusive), the
supervisor stops every child in reverse start order and raises `MaxRestartsExceeded` (escalation)
to its parent, or out of ``async with``. A crash of a TEMPORARY child, or a normal exit of a
TRANSIENT one, is not a restart and does not count.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import math
from asyncio import _get_running_loop as _running_loop
from collections.abc import Callable, Coroutine, Hashable, Iterable
from typing import Any, Final

import anyio
from anyio.abc import TaskStatus

from ._actor import DEAD, Actor, ActorRef, _Cell
from ._backoff import BackoffSchedule
from ._exceptions import (
    DuplicateChild,
    MaxRestartsExceeded,
    NotRunning,
    StartError,
)
from ._log import enabled, logger
from ._mailbox import FutureReply, Reply
from ._reason import ExitReason
from ._service import _Service
from ._spec import AutoShutdown, ChildInfo, ChildSpec, Restart, Strategy

__all__: list[str] = []

# Child statuses.
RUNNING: Final = "running"
PENDING: Final = "restarting"  # must be (re)started: crashed, or waiting out a backoff
STOPPED: Final = "stopped"  # deliberately stopped (or exited for good); spec kept


def _task_id() -> int:
    """The current task's id as anyio gives it, read directly from asyncio when it runs."""
    if _running_loop() is not None:
        return id(asyncio.current_task())
    return anyio.get_current_task().id


class _Child:
    """The supervisor's record of one child: spec, current incarnation and status."""

    __slots__ = ("backoff", "cell", "done", "gen", "key", "scope", "service", "spec", "status")

    def __init__(self, key: int, spec: ChildSpec[Any]) -> None:
        self.key = key
        self.spec = spec
        self.status = STOPPED
        self.gen = 0
        self.cell: _Cell | None = None
        self.service: _Service | None = None
        self.scope: anyio.CancelScope | None = None
        self.done: anyio.Event | None = None
        self.backoff: BackoffSchedule | None = None

    @property
    def handle(self) -> ActorRef | _Service | None:
        if self.cell is not None:
            return self.cell.ref
        return self.service


class _SupervisorCore(_Service):
    """The control loop and child management shared by Supervisor and DynamicSupervisor."""

    _strategy: Strategy = Strategy.ONE_FOR_ONE
    _concurrent_shutdown = False

    def __init__(
        self,
        specs: Iterable[ChildSpec[Any]],
        *,
        intensity: int,
        period: float,
        auto_shutdown: AutoShutdown,
        name: str | None,
    ) -> None:
        super().__init__()
        if isinstance(intensity, bool) or not isinstance(intensity, int) or intensity < 0:
            raise ValueError(f"intensity must be an int >= 0, got {intensity!r}")
        if not (isinstance(period, int | float) and math.isfinite(period) and period > 0):
            raise ValueError(f"period must be positive, finite seconds, got {period!r}")
        if not isinstance(auto_shutdown, AutoShutdown):
            raise TypeError(f"auto_shutdown must be an AutoShutdown, got {auto_shutdown!r}")
        self.intensity = intensity
        self.period = float(period)
        self.auto_shutdown = auto_shutdown
        self.name = name
        self._specs = list(specs)
        for spec in self._specs:
            if not isinstance(spec, ChildSpec):
                raise TypeError(f"children must be ChildSpec objects, got {spec!r}")
        self._check_unique(self._specs)
        self._children: dict[int, _Child] = {}
        self._keys = itertools.count()
        self._restarts: collections.deque[float] = collections.deque()
        self._events: collections.deque[tuple[Any, ...]] = collections.deque()
        # What the control loop waits on while idle: a loop future on asyncio (cheapest),
        # an anyio Event on other backends.
        self._wakeup: asyncio.Future[None] | anyio.Event | None = None
        self._stop_requested = False
        self._control_task: int | None = None
        self._delayed: set[anyio.CancelScope] = set()  # pending backoff restarts

    def _check_unique(self, specs: list[ChildSpec[Any]]) -> None:
        seen: set[Hashable] = set()
        for spec in specs:
            if spec.id in seen:
                raise DuplicateChild(f"duplicate child id {spec.id!r}")
            seen.add(spec.id)

    def __repr__(self) -> str:
        name = f" {self.name!r}" if self.name else ""
        state = "running" if self.running else "stopped"
        return f"<{type(self).__name__}{name} {state}, {len(self._children)} children>"

    # -- the event queue --------------------------------------------------------------------

    def _post(self, event: tuple[Any, ...]) -> None:
        self._events.append(event)
        wake = self._wakeup
        if wake is not None:
            self._wakeup = None
            if isinstance(wake, asyncio.Future):
                if not wake.done():
                    wake.set_result(None)
            else:
                wake.set()

    def _child_exit(self, cell: _Cell, gen: int, reason: ExitReason) -> None:
        child = self._find_cell(cell)
        if child is not None:
            self._post(("exit", child, gen, reason))

    def _find_cell(self, cell: _Cell) -> _Child | None:
        child = cell.owner
        if isinstance(child, _Child) and self._children.get(child.key) is child:
            return child
        return None

    async def _op(self, fn: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        """Run `fn` on the control loop and return its result (or raise its exception)."""
        if _task_id() == self._control_task:
            raise RuntimeError(
                "a supervisor operation from inside its own control loop (a child's init?) "
                "would deadlock"
            )
        if not self.running or self._stop_requested:
            raise NotRunning(f"{self!r} is not running")
        loop = _running_loop()
        if loop is not None:
            # A cancelled caller cancels only its future: the op still runs to completion.
            fast = FutureReply(loop.create_future())
            reply: Reply = fast
            self._post(("op", fn, reply))
            await fast.fut
        else:
            reply = Reply()
            self._post(("op", fn, reply))
            await reply.event.wait()
        if reply.error is not None:
            raise reply.error
        return reply.value

    def _request_stop(self) -> None:
        if not self._stop_requested and self.running:
            self._stop_requested = True
            self._post(("stop",))

    async def _main(self) -> None:
        self._control_task = _task_id()
        loop = _running_loop()
        try:
            while True:
                while not self._events:
                    if loop is not None:
                        fut: asyncio.Future[None] = loop.create_future()
                        self._wakeup = fut
                        await fut
                    else:
                        idle = self._wakeup = anyio.Event()
                        await idle.wait()
                event = self._events.popleft()
                kind = event[0]
                if kind == "stop":
                    await self._stop_all(ExitReason.SHUTDOWN)
                    return
                if kind == "exit":
                    if await self._on_exit(event[1], event[2], event[3]):
                        await self._stop_all(ExitReason.SHUTDOWN)
                        return
                elif kind == "restart":
                    await self._on_delayed_restart(event[1], event[2])
                else:  # "op"
                    reply: Reply = event[2]
                    try:
                        value = await event[1]()
                    except Exception as exc:
                        reply.fail(exc)
                    else:
                        reply.resolve(value)
        finally:
            self._control_task = None

    def _kill(self) -> None:
        super()._kill()
        for child in list(self._children.values()):
            if child.service is not None:
                child.service._kill()

    def _cleanup(self) -> None:
        for child in self._children.values():
            if child.cell is not None:
                child.cell.close(ExitReason.SHUTDOWN)
        self._children.clear()
        for event in self._events:
            if event[0] == "op":
                event[2].fail(NotRunning(f"{self!r} stopped"))
        self._events.clear()
        self._wakeup = None

    # -- starting and stopping one child ----------------------------------------------------

    async def _startup(self) -> None:
        self._stop_requested = False
        self._restarts.clear()
        self._children.clear()
        self._events.clear()
        for spec in self._specs:
            child = self._add(spec)
            try:
                await self._start(child)
            except Exception as exc:
                self._children.pop(child.key, None)
                await self._stop_all(ExitReason.SHUTDOWN)
                raise StartError(f"child {spec.id!r} failed to start: {exc!r}") from exc

    def _add(self, spec: ChildSpec[Any]) -> _Child:
        child = _Child(next(self._keys), spec)
        self._children[child.key] = child
        return child

    async def _start(self, child: _Child) -> None:
        """Start one incarnation of `child`; raises what its factory or init raised."""
        spec = child.spec
        obj = spec.start()
        if isinstance(obj, Actor):
            cell = child.cell
            if cell is None:
                cell = child.cell = _Cell(spec.id, self, type(obj).mailbox, spec.shutdown)
                cell.owner = child
            elif cell.state == DEAD:
                cell.revive()
            await cell.start_instance(obj)
            child.gen = cell.gen
        elif isinstance(obj, _Service):
            if obj.running:
                raise RuntimeError(f"{obj!r} is already running elsewhere")
            child.gen += 1
            child.service = obj
            child.done = anyio.Event()
            assert self._tg is not None
            child.scope = await self._tg.start(self._run_service, child, obj, child.gen)
        else:
            raise TypeError(f"ChildSpec.start must return an Actor or a supervisor: {obj!r}")
        child.status = RUNNING
        if enabled(logging.INFO):
            logger.info("actor.started", actor=spec.id, supervisor=self.name)

    async def _run_service(
        self, child: _Child, svc: _Service, gen: int, *, task_status: TaskStatus[anyio.CancelScope]
    ) -> None:
        done = child.done
        assert done is not None
        started = False
        reason = ExitReason.NORMAL
        try:
            with anyio.CancelScope() as scope:
                try:
                    async with svc:
                        started = True
                        task_status.started(scope)
                        await svc._wait_done().wait()
                except Exception as exc:
                    if not started:
                        raise
                    reason = ExitReason.crashed(exc)
        finally:
            done.set()
        if child.gen == gen and child.status == RUNNING:
            self._post(("exit", child, gen, reason))

    async def _stop(self, child: _Child, reason: ExitReason) -> None:
        """Stop the running incarnation of `child` within its shutdown budget."""
        if child.cell is not None:
            await child.cell.shutdown_instance(reason)
        elif child.service is not None and child.done is not None:
            svc, done = child.service, child.done
            budget = child.spec.shutdown
            svc._request_stop()
            with self._shielded():
                with anyio.move_on_after(None if budget == math.inf else budget):
                    await done.wait()
                if not done.is_set():
                    svc._kill()
                    if child.scope is not None:
                        child.scope.cancel()
                    await done.wait()
        child.status = STOPPED

    def _retire(self, child: _Child, reason: ExitReason, *, remove: bool) -> None:
        """The child will not come back: close its cell; forget it if asked."""
        child.status = STOPPED
        if child.cell is not None:
            child.cell.close(reason)
        if child.service is not None:
            child.service = None
        if remove:
            self._children.pop(child.key, None)

    async def _stop_all(self, reason: ExitReason) -> None:
        for scope in list(self._delayed):
            scope.cancel()
        children = [c for c in self._children.values() if c.status != STOPPED]
        if self._concurrent_shutdown:
            slow = []
            for child in children:
                if child.cell is not None and child.cell.quick_to_stop:
                    await self._stop(child, reason)  # completes without suspending
                else:
                    slow.append(child)
            async with anyio.create_task_group() as tg:
                for child in slow:
                    tg.start_soon(self._stop, child, reason)
        else:
            for child in reversed(children):
                await self._stop(child, reason)
        for child in list(self._children.values()):
            self._retire(child, reason, remove=False)

    # -- reacting to exits -------------------------------------------------------------------

    def _removes_on_exit(self, child: _Child) -> bool:
        return child.spec.restart is Restart.TEMPORARY

    async def _on_exit(self, child: _Child, gen: int, reason: ExitReason) -> bool:
        """Handle a child's own exit. Returns True when the supervisor must shut down."""
        if child.status != RUNNING or gen != child.gen or child.key not in self._children:
            return False
        spec = child.spec
        child.status = PENDING
        if reason.abnormal:
            logger.error(
                "actor.crashed", actor=spec.id, supervisor=self.name, exc_info=reason.error
            )
        elif enabled(logging.INFO):
            logger.info("actor.exited", actor=spec.id, reason=str(reason))
        restart = spec.restart is Restart.PERMANENT or (
            spec.restart is Restart.TRANSIENT and reason.abnormal
        )
        if not restart:
            self._retire(child, reason, remove=self._removes_on_exit(child))
            return self._auto_shutdown_due(child)
        await self._restart(child, reason)
        return False

    def _auto_shutdown_due(self, child: _Child) -> bool:
        if not child.spec.significant or self.auto_shutdown is AutoShutdown.NEVER:
            return False
        if self.auto_shutdown is AutoShutdown.ANY_SIGNIFICANT:
            return True
        return not any(c.spec.significant and c.status != STOPPED for c in self._children.values())

    def _add_restart(self) -> bool:
        now = self.clock.now()
        window = self._restarts
        window.append(now)
        while window and now - window[0] > self.period:
            window.popleft()
        return len(window) <= self.intensity

    def _group(self, child: _Child) -> list[_Child]:
        """The children a restart of `child` involves, in start order.

        As in OTP, ONE_FOR_ALL and REST_FOR_ONE restart every child of the group, including
        ones that had stopped (a TRANSIENT child that exited normally, or one stopped by
        `terminate_child`); TEMPORARY children are removed instead.
        """
        if self._strategy is Strategy.ONE_FOR_ONE:
            return [child]
        members = list(self._children.values())
        if self._strategy is Strategy.REST_FOR_ONE:
            members = members[members.index(child) :]
        return members

    async def _restart(self, child: _Child, reason: ExitReason) -> None:
        while True:
            if not self._add_restart():
                await self._escalate(child, reason)
            group = self._group(child)
            for other in reversed(group):
                if other is child:
                    continue
                if other.status == RUNNING:
                    await self._stop(other, ExitReason.SHUTDOWN)
                if other.spec.restart is Restart.TEMPORARY:
                    self._retire(other, ExitReason.SHUTDOWN, remove=True)
                else:
                    other.status = PENDING
            group = [c for c in group if c.key in self._children]
            if child.spec.backoff is not None:
                schedule = child.backoff
                if schedule is None:
                    schedule = child.backoff = child.spec.backoff.schedule()
                delay = schedule.next_delay()
                self._spawn(self._delayed_restart(child, child.gen, delay))
                return
            failed = await self._start_pending(group)
            if failed is None:
                return
            child, exc = failed
            reason = ExitReason.crashed(exc)
            logger.error("actor.restart_failed", actor=child.spec.id, exc_info=exc)

    async def _start_pending(self, group: list[_Child]) -> tuple[_Child, Exception] | None:
        for member in group:
            if member.status != PENDING or member.key not in self._children:
                continue
            try:
                await self._start(member)
            except Exception as exc:
                member.status = PENDING
                return member, exc
            logger.info("actor.restarted", actor=member.spec.id, supervisor=self.name)
        return None

    def _delayed_restart(
        self, child: _Child, gen: int, delay: float
    ) -> Callable[[], Coroutine[Any, Any, None]]:
        async def fire() -> None:
            with anyio.CancelScope() as scope:
                self._delayed.add(scope)
                try:
                    await self.clock.sleep(delay)
                finally:
                    self._delayed.discard(scope)
                self._post(("restart", child, gen))

        return fire

    async def _on_delayed_restart(self, child: _Child, gen: int) -> None:
        if child.status != PENDING or child.gen != gen or child.key not in self._children:
            return
        failed = await self._start_pending(self._group(child))
        if failed is not None:
            member, exc = failed
            logger.error("actor.restart_failed", actor=member.spec.id, exc_info=exc)
            await self._restart(member, ExitReason.crashed(exc))

    async def _escalate(self, child: _Child, reason: ExitReason) -> None:
        # Cancel the body first, so callers blocked on our children see the cancellation (and
        # then MaxRestartsExceeded), not ActorExited from the shutdown below.
        self._cancel_host()
        logger.error(
            "supervisor.escalated",
            supervisor=self.name,
            actor=child.spec.id,
            intensity=self.intensity,
            period=self.period,
        )
        await self._stop_all(ExitReason.SHUTDOWN)
        raise MaxRestartsExceeded(
            f"{self.name or type(self).__name__}: more than {self.intensity} restarts "
            f"in {self.period:g} s (last: child {child.spec.id!r})"
        ) from reason.error

    # -- operations (run on the control loop) ------------------------------------------------

    async def _stop_cell(self, cell: _Cell) -> None:
        async def op() -> None:
            child = self._find_cell(cell)
            if child is not None:
                if child.status == RUNNING:
                    await self._stop(child, ExitReason.SHUTDOWN)
                self._retire(child, ExitReason.SHUTDOWN, remove=self._removes_on_stop(child))

        if cell.state == DEAD:
            return
        try:
            await self._op(op)
        except NotRunning:
            cell.close(ExitReason.SHUTDOWN)

    def _removes_on_stop(self, child: _Child) -> bool:
        return child.spec.restart is Restart.TEMPORARY

    async def _op_start(self, spec: ChildSpec[Any]) -> Any:
        if not isinstance(spec, ChildSpec):
            raise TypeError(f"start_child needs a ChildSpec, got {spec!r}")

        async def op() -> Any:
            self._check_new(spec)
            child = self._add(spec)
            try:
                await self._start(child)
            except Exception as exc:
                self._children.pop(child.key, None)
                if child.cell is not None:
                    child.cell.close(ExitReason.crashed(exc))
                raise StartError(f"child {spec.id!r} failed to start: {exc!r}") from exc
            return child.handle

        return await self._op(op)

    def _check_new(self, spec: ChildSpec[Any]) -> None:
        if any(c.spec.id == spec.id for c in self._children.values()):
            raise DuplicateChild(f"a child with id {spec.id!r} already exists")

    def which_children(self) -> list[ChildInfo]:
        """Return a snapshot of the children, in start order."""
        return [
            ChildInfo(
                id=c.spec.id,
                handle=c.handle if c.status == RUNNING else None,
                restart=c.spec.restart,
                status=c.status,
                is_supervisor=c.service is not None,
            )
            for c in self._children.values()
        ]

    def count_children(self) -> int:
        """Return how many children are running or about to restart."""
        return sum(1 for c in self._children.values() if c.status != STOPPED)
