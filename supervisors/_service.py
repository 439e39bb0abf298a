"""The background-process pattern shared by every supervisor (`_Service`).

A service runs its machinery in one background task (the "process") insulated from outside
cancellation by a shielded scope, so an orderly shutdown always gets to run. The same service
can be used three ways:

* ``async with svc:`` — the body runs while the service runs; leaving the block stops it;
* ``await tg.start(svc.run)`` — runs until cancelled or until it stops by itself;
* as the child of another supervisor (``ChildSpec(id, lambda: svc)``).

Errors from the process reach the user through `unwrap_group`, never as a group of one.
Cancelling the host task cancels the body; the shutdown then runs to completion (bounded by
the children's shutdown budgets) before the cancellation propagates.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any

import anyio
from anyio.abc import TaskGroup, TaskStatus

from ._clock import Clock, current_clock
from ._exceptions import NotRunning, unwrap_group

__all__: list[str] = []


def _reraise(eg: BaseException) -> BaseException:
    """Return what to raise for `eg` under the unwrap rule; raise it ``from its.__cause__``."""
    return unwrap_group(eg)


class _Service:
    """Base class: a long-lived background process with an orderly stop."""

    clock: Clock

    def __init__(self) -> None:
        self._outer: TaskGroup | None = None
        self._tg: TaskGroup | None = None
        self._ctx: contextvars.Context | None = None
        self._done: anyio.Event | None = None
        self._ready: anyio.Event | None = None
        self._abort = False
        self._shields: set[anyio.CancelScope] = set()
        self._proc_scope: anyio.CancelScope | None = None
        self._accepting = False

    # -- what subclasses implement ----------------------------------------------------------

    async def _startup(self) -> None:
        """Start the initial children (runs in the process; raise to fail the start)."""

    async def _main(self) -> None:
        """Serve until asked to stop; raise to fail (e.g. escalation)."""

    def _request_stop(self) -> None:
        """Ask `_main` to stop in an orderly way (sync, idempotent)."""

    def _cleanup(self) -> None:
        """Runs last in the process, whatever happened (sync)."""

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between a successful start and the beginning of the stop."""
        return self._accepting

    async def __aenter__(self) -> Any:
        if self._outer is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        self.clock = current_clock()
        self._done = done = anyio.Event()
        self._ready = ready = anyio.Event()
        self._abort = False
        outer = anyio.create_task_group()
        await outer.__aenter__()
        self._outer = outer
        outer.start_soon(self._process)
        try:
            await ready.wait()
        except BaseException as exc:
            # Cancelled from outside, or by `outer` because the start failed: make sure the
            # process has stopped (an orderly stop if it got as far as starting), then leave.
            with anyio.CancelScope(shield=True):
                self._abort = True
                self._request_stop()
                await done.wait()
            self._outer = None
            try:
                await outer.__aexit__(type(exc), exc, exc.__traceback__)
            except BaseExceptionGroup as eg:
                err = _reraise(eg)
                raise err from err.__cause__
            raise
        if not self._accepting:  # the start failed: `outer` holds the error
            self._outer = None
            try:
                await outer.__aexit__(None, None, None)
            except BaseExceptionGroup as eg:
                err = _reraise(eg)
                raise err from err.__cause__
            raise NotRunning(f"{type(self).__name__} stopped while starting")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        outer = self._outer
        done = self._done
        if outer is None or done is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        try:
            with anyio.CancelScope(shield=True):
                self._request_stop()
                await done.wait()
        finally:
            self._outer = None
        try:
            return bool(await outer.__aexit__(exc_type, exc, tb))
        except BaseExceptionGroup as eg:
            err = _reraise(eg)
            raise err from err.__cause__

    async def _process(self) -> None:
        done, ready = self._done, self._ready
        assert done is not None
        assert ready is not None
        try:
            with anyio.CancelScope(shield=True) as scope:
                self._proc_scope = scope
                async with anyio.create_task_group() as tg:
                    self._tg = tg
                    self._ctx = contextvars.copy_context()
                    await self._startup()
                    self._accepting = True
                    ready.set()
                    if self._abort:  # the starter went away while we were starting
                        self._request_stop()
                    await self._main()
                    self._accepting = False
        except BaseExceptionGroup as eg:
            err = _reraise(eg)
            raise err from err.__cause__
        finally:
            self._accepting = False
            self._tg = None
            self._proc_scope = None
            self._cleanup()
            done.set()
            ready.set()

    async def run(self, *, task_status: TaskStatus[Any] = anyio.TASK_STATUS_IGNORED) -> None:
        """Run until cancelled or until the service stops by itself.

        For ``await tg.start(svc.run)``: the start value is the service, once started.

        Raises:
            StartError: A child failed to start.
            MaxRestartsExceeded: The supervisor gave up (escalation).
        """
        async with self:
            task_status.started(self)
            assert self._done is not None
            await self._done.wait()

    def _cancel_host(self) -> None:
        """Cancel the body of ``async with`` (or `run`) that hosts this service."""
        if self._outer is not None:
            self._outer.cancel_scope.cancel()

    def _kill(self) -> None:
        """Cancel the process outright (when a stop overran its budget), shields included."""
        if self._proc_scope is not None:
            self._proc_scope.cancel()
        for scope in list(self._shields):
            scope.cancel()

    @contextlib.contextmanager
    def _shielded(self) -> Iterator[anyio.CancelScope]:
        """A scope shielded from outside cancellation that `_kill` can still cancel."""
        scope = anyio.CancelScope(shield=True)
        self._shields.add(scope)
        try:
            with scope:
                yield scope
        finally:
            self._shields.discard(scope)

    def _spawn(self, fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Start `fn` in the process's task group, in the service's own context."""
        tg, ctx = self._tg, self._ctx
        if tg is None or ctx is None:
            raise NotRunning(f"{type(self).__name__} is not running")
        ctx.run(tg.start_soon, fn)

    def _wait_done(self) -> anyio.Event:
        assert self._done is not None
        return self._done
