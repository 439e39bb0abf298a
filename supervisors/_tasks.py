"""`TaskSupervisor`: supervised, short-lived, temporary tasks (Elixir's Task.Supervisor).

Tasks are never restarted and a failing task never touches its siblings: `start_child` logs a
failure (`task.crashed`), `run` hands it to the awaiting caller. When the TaskSupervisor stops,
its running tasks are cancelled and awaited.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio

from ._exceptions import CallTimeout, NotRunning
from ._log import logger
from ._mailbox import DONE, PENDING, Reply
from ._service import _Service

__all__ = ["TaskSupervisor"]

T = TypeVar("T")


class TaskSupervisor(_Service):
    """Runs fire-and-forget or awaited tasks under supervision.

    Args:
        limit: Most tasks running at once (others wait their turn, in order); None for no
            limit.
        name: For logs and reprs.

    Raises:
        ValueError: For a `limit` below 1.
    """

    def __init__(self, limit: int | None = None, *, name: str | None = None) -> None:
        super().__init__()
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise ValueError(f"limit must be an int >= 1 or None, got {limit!r}")
        self.limit = limit
        self.name = name
        self._limiter: anyio.CapacityLimiter | None = None
        self._scopes: set[anyio.CancelScope] = set()
        self._stop: anyio.Event | None = None

    async def __aenter__(self) -> TaskSupervisor:
        await super().__aenter__()
        return self

    def __repr__(self) -> str:
        name = f" {self.name!r}" if self.name else ""
        return f"<TaskSupervisor{name} {len(self._scopes)} tasks>"

    @property
    def active(self) -> int:
        """How many tasks are running or waiting for a slot."""
        return len(self._scopes)

    async def _startup(self) -> None:
        self._stop = anyio.Event()
        self._limiter = anyio.CapacityLimiter(self.limit) if self.limit is not None else None

    async def _main(self) -> None:
        assert self._stop is not None
        await self._stop.wait()
        for scope in list(self._scopes):
            scope.cancel()

    def _request_stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def _cleanup(self) -> None:
        self._scopes.clear()

    async def _guarded(self, scope: anyio.CancelScope, fn: Callable[[], Awaitable[Any]]) -> Any:
        with scope:
            limiter = self._limiter
            if limiter is None:
                return await fn()
            async with limiter:
                return await fn()
        return None

    def start_child(self, fn: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Start ``fn(*args)`` as a fire-and-forget task (a plain method: do not await it).

        A failure is logged as `task.crashed` and affects nothing else.

        Raises:
            NotRunning: The TaskSupervisor is not running.
        """
        if not self.running:
            raise NotRunning(f"{self!r} is not running")
        scope = anyio.CancelScope()
        self._scopes.add(scope)

        async def task() -> None:
            try:
                await self._guarded(scope, lambda: fn(*args))
            except Exception as exc:
                logger.error("task.crashed", supervisor=self.name, task=_name(fn), exc_info=exc)
            finally:
                self._scopes.discard(scope)

        self._spawn(task)

    async def run(  # type: ignore[override]
        self,
        fn: Callable[..., Awaitable[T]],
        *args: Any,
        timeout: float | None = 5.0,  # noqa: ASYNC109
    ) -> T:
        """Run ``fn(*args)`` as a supervised task and return its result.

        Args:
            fn: An async function.
            *args: Its positional arguments.
            timeout: Seconds (event-loop clock) before the task is cancelled; None for none.

        Returns:
            What `fn` returned.

        Raises:
            CallTimeout: The task did not finish in time (it has been cancelled).
            NotRunning: The TaskSupervisor is not running, or stopped during the task.
            Exception: Whatever `fn` raised.

        Cancelling the caller cancels the task.
        """
        if not self.running:
            raise NotRunning(f"{self!r} is not running")
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be positive seconds or None, got {timeout!r}")
        reply = Reply()
        scope = anyio.CancelScope()
        self._scopes.add(scope)

        async def task() -> None:
            try:
                value = await self._guarded(scope, lambda: fn(*args))
                if scope.cancelled_caught:
                    reply.fail(NotRunning(f"{self!r} stopped during the task"))
                else:
                    reply.resolve(value)
            except Exception as exc:
                reply.fail(exc)
            finally:
                self._scopes.discard(scope)
                if reply.state == PENDING:
                    reply.fail(NotRunning(f"{self!r} stopped during the task"))

        self._spawn(task)
        try:
            with anyio.move_on_after(math.inf if timeout is None else timeout):
                await reply.event.wait()
        finally:
            if reply.state != DONE:
                scope.cancel()
        if reply.state != DONE:
            reply.state = 2
            raise CallTimeout(f"task {_name(fn)} did not finish within {timeout} s")
        if reply.error is not None:
            raise reply.error
        return reply.value  # type: ignore[no-any-return]

    async def run_forever(self, *, task_status: Any = anyio.TASK_STATUS_IGNORED) -> None:
        """Run until cancelled (for ``await tg.start(ts.run_forever)``); see `_Service.run`."""
        await _Service.run(self, task_status=task_status)


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__
