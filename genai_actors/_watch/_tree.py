"""The client's supervision tree, one per event loop, started on first need.

::

    root Supervisor "genai_actors" (one_for_one)
    ├── sessions        DynamicSupervisor: chat, live and music session actors
    ├── poll-scheduler  PollScheduler: the one timer schedule every watcher shares
    └── watchers        DynamicSupervisor: one Watcher actor per watched job

Children start in that order and stop in reverse: watchers first, then the scheduler, then the
sessions. The tree runs in a host task of its own (so it outlives the call that started it)
and is stopped by ``TreeHost.aclose()`` (``AsyncClient.aclose()``). A client used from several
event loops gets one tree per loop; a loop that ends takes its tree down with it.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import anyio

from supervisors import ActorRef, ChildSpec, DynamicSupervisor, Restart, Supervisor

from .. import _log
from ..errors import ClientClosedError
from ._actors import PollScheduler, ScheduleBook, Watcher
from ._config import WatchConfig
from ._state import WatchState

__all__ = ["ClientTree"]

_log_tree = _log.get_logger("genai_actors.tree")

# Watchers crash independently; a burst of crashes across many jobs (one bad deploy of a
# predicate, say) must not tear the whole tree down, so the limit is per-watcher (max_crashes)
# and this supervisor tolerates far more restarts than the default 3 in 5 s.
_WATCHERS_INTENSITY = 1000
_WATCHERS_PERIOD = 10.0
_STOP_BUDGET = 10.0


class ClientTree:
    """One event loop's supervision tree and the watch registry it serves.

    Attributes:
        root: The root supervisor.
        sessions: The ``sessions`` DynamicSupervisor (the current one, after any restart).
        watchers: The ``watchers`` DynamicSupervisor (the current one, after any restart).
        states: Active watches by ``(kind, name)``.
        book: The scheduler's data.
        error: What stopped the tree, if it stopped by failure.
    """

    def __init__(self, config: Callable[[], WatchConfig]) -> None:
        self.config = config
        self.book = ScheduleBook()
        self.states: dict[tuple[str, str], WatchState[Any]] = {}
        self.sessions = DynamicSupervisor(name="sessions")
        self.watchers = DynamicSupervisor(
            intensity=_WATCHERS_INTENSITY, period=_WATCHERS_PERIOD, name="watchers"
        )
        self._sessions_starts = 0
        self._watchers_starts = 0
        self.root = Supervisor(
            [
                ChildSpec("sessions", self._make_sessions, shutdown=math.inf),
                ChildSpec("poll-scheduler", self._make_scheduler, shutdown=5.0),
                ChildSpec("watchers", self._make_watchers, shutdown=math.inf),
            ],
            name="genai_actors",
        )
        self.error: BaseException | None = None
        self.scheduler: ActorRef | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._started = anyio.Event()
        self._stop = anyio.Event()
        self._stopped = False

    # ------------------------------------------------------------------ children

    def _make_sessions(self) -> DynamicSupervisor:
        self._sessions_starts += 1
        if self._sessions_starts > 1:
            self.sessions = DynamicSupervisor(name="sessions")
        return self.sessions

    def _make_scheduler(self) -> PollScheduler:
        return PollScheduler(self.book, self.config, self.respawn, self.forget)

    def _make_watchers(self) -> DynamicSupervisor:
        self._watchers_starts += 1
        if self._watchers_starts > 1:
            # Restarted: its children are gone. The scheduler re-queues lost polls, and each
            # watch gets a fresh watcher when its next poll finds the old one dead.
            self.watchers = DynamicSupervisor(
                intensity=_WATCHERS_INTENSITY, period=_WATCHERS_PERIOD, name="watchers"
            )
            scheduler = self.scheduler
            if scheduler is not None and scheduler.alive:
                scheduler.cast(("recover",))
        return self.watchers

    def post(self, msg: tuple[Any, ...]) -> None:
        """Hands ``msg`` to the poll scheduler: directly while it runs, else by a cast.

        Raises:
            ActorExited: The scheduler is not running and cannot take a cast.
        """
        self.book.post(self.scheduler, msg)

    def watcher_spec(self, state: WatchState[Any]) -> ChildSpec[Watcher]:
        """The child spec of ``state``'s watcher."""

        def start() -> Watcher:
            return Watcher(state, self.post, self.config, self.forget)

        return ChildSpec(("watch", *state.key), start, restart=Restart.TRANSIENT, shutdown=0.0)

    async def respawn(self, state: WatchState[Any]) -> None:
        """Gives ``state`` a new watcher (its old one is gone).

        If the ``watchers`` supervisor is down for the moment (being restarted), the poll is
        re-queued with backoff; after ``max_crashes`` failed attempts in a row, or once the
        tree stops, the waiters get :class:`ClientClosedError`.
        """
        if state.closed:
            return
        try:
            state.ref = await self.watchers.start_child(self.watcher_spec(state))
            return
        except Exception as exc:
            error: BaseException = exc
        state.crashes += 1
        scheduler = self.scheduler
        if not self._stopped and state.crashes < self.config().max_crashes and scheduler:
            scheduler.cast(("add", state, state.next_delay()))
            return
        _log_tree.warning("watch.respawn_failed", name=state.name, error=type(error).__name__)
        self.forget(state)
        state.closed = True
        lost = ClientClosedError(f"the watcher of {state.name} could not be restarted")
        lost.__cause__ = error
        state.fail_all(lost)

    def forget(self, state: WatchState[Any]) -> None:
        """Removes a finished watch from the registry."""
        if self.states.get(state.key) is state:
            del self.states[state.key]

    # ------------------------------------------------------------------ lifecycle

    @property
    def stopped(self) -> bool:
        """True once the tree stopped (or is stopping)."""
        return self._stopped

    def launch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Starts the host task on ``loop`` (the running loop)."""
        self.loop = loop
        self._task = loop.create_task(self._host(), name="genai_actors.tree")

    async def wait_started(self) -> None:
        """Waits until the tree runs (returns at once, without a checkpoint, once it does).

        Raises:
            ClientClosedError: The tree stopped before (or while) starting.
        """
        if self.scheduler is not None and not self._stopped:
            return
        await self._started.wait()
        if self._stopped:
            raise ClientClosedError("the client's supervision tree is not running") from self.error

    async def _host(self) -> None:
        try:
            async with self.root:
                self.scheduler = self.root.child("poll-scheduler")
                _log_tree.debug("tree.started")
                self._started.set()
                await self._stop.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.error = exc
            _log_tree.error("tree.failed", error=type(exc).__name__)
        finally:
            self._stopped = True
            self._started.set()
            states, self.states = list(self.states.values()), {}
            reason = ClientClosedError("the client was closed")
            if self.error is not None:
                reason = ClientClosedError("the client's supervision tree failed")
                reason.__cause__ = self.error
            for state in states:
                state.closed = True
                state.fail_all(reason)

    async def stop(self) -> None:
        """Stops the tree and waits for it (up to a bounded budget); idempotent.

        Called from the tree's own loop it waits for every child to stop; from another thread
        or loop it only asks (the tree then stops on its own loop).
        """
        task = self._task
        if task is None or task.done():
            self._stopped = True
            return
        loop = self.loop
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not loop:
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self._stop.set)
            return
        self._stop.set()
        with anyio.CancelScope(shield=True):
            with anyio.move_on_after(_STOP_BUDGET):
                await asyncio.wait({task})
        if not task.done():
            task.cancel()
            with anyio.CancelScope(shield=True):
                await asyncio.wait({task})
