"""`Supervisor`: a fixed, ordered list of children under one restart strategy.

The engine (control loop, restart intensity, escalation) lives in `_core`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, TypeVar, overload

from ._actor import Actor, ActorRef
from ._core import RUNNING, STOPPED, _Child, _SupervisorCore
from ._exceptions import StartError, UnknownChild
from ._reason import ExitReason
from ._service import _Service
from ._spec import AutoShutdown, ChildSpec, Strategy

__all__ = ["Supervisor"]

_S = TypeVar("_S", bound=_Service)


class Supervisor(_SupervisorCore):
    """Supervises a fixed, ordered list of children (more can be added at run time).

    Children start in list order, each only after the previous one's `init` returned, and stop
    in reverse order, each within its `ChildSpec.shutdown` budget.

    Args:
        children: The child specs, in start order; ids must be unique.
        strategy: See `Strategy`.
        intensity: Restarts tolerated within `period` seconds; one more escalates.
        period: The window, in seconds of the supervisor's clock.
        auto_shutdown: See `AutoShutdown`.
        name: For logs and reprs.

    Raises:
        ValueError: For a negative `intensity` or non-positive `period`.
        DuplicateChild: Two specs share an id.

    Usage::

        async with Supervisor([ChildSpec("db", Db), ChildSpec("api", Api)]) as sup:
            ref = sup.child("api")

    Entering raises `StartError` if a child fails to start (the ones already started are
    stopped first). While the body runs, an escalation cancels the body and leaving the block
    raises `MaxRestartsExceeded`. On leaving, all children stop in reverse order; if the body
    was cancelled, that orderly stop completes first and then the cancellation propagates.
    """

    def __init__(
        self,
        children: Iterable[ChildSpec[Any]] = (),
        strategy: Strategy = Strategy.ONE_FOR_ONE,
        intensity: int = 3,
        period: float = 5.0,
        *,
        auto_shutdown: AutoShutdown = AutoShutdown.NEVER,
        name: str | None = None,
    ) -> None:
        if not isinstance(strategy, Strategy):
            raise TypeError(f"strategy must be a Strategy, got {strategy!r}")
        super().__init__(
            children, intensity=intensity, period=period, auto_shutdown=auto_shutdown, name=name
        )
        self._strategy = strategy

    @property
    def strategy(self) -> Strategy:
        """The restart strategy."""
        return self._strategy

    async def __aenter__(self) -> Supervisor:
        await super().__aenter__()
        return self

    def child(self, id: Hashable) -> Any:
        """Return the running child `id`: its `ActorRef`, or the nested supervisor.

        Raises:
            UnknownChild: No such child, or it is not running.
        """
        for c in self._children.values():
            if c.spec.id == id and c.status != STOPPED:
                handle = c.handle
                if handle is not None:
                    return handle
        raise UnknownChild(f"no running child {id!r}")

    def _find_id(self, id: Hashable) -> _Child:
        for c in self._children.values():
            if c.spec.id == id:
                return c
        raise UnknownChild(f"no child {id!r}")

    @overload
    async def start_child(self, spec: ChildSpec[Actor]) -> ActorRef: ...
    @overload
    async def start_child(self, spec: ChildSpec[_S]) -> _S: ...
    async def start_child(self, spec: ChildSpec[Any]) -> Any:
        """Add a child after the existing ones and start it.

        Like OTP, a child added at run time is forgotten if this supervisor itself restarts.

        Returns:
            The new child's `ActorRef`, or the nested supervisor.

        Raises:
            DuplicateChild: The id is taken.
            StartError: The child's factory or `init` raised (`__cause__`).
            NotRunning: The supervisor is not running.

        If the caller is cancelled, the start still completes in the supervisor.
        """
        return await self._op_start(spec)

    async def terminate_child(self, id: Hashable) -> None:
        """Stop child `id` (reason SHUTDOWN) and keep its spec; TEMPORARY children are removed.

        Raises:
            UnknownChild: No such child.
            NotRunning: The supervisor is not running.
        """

        async def op() -> None:
            child = self._find_id(id)
            if child.status == RUNNING:
                await self._stop(child, ExitReason.SHUTDOWN)
            self._retire(child, ExitReason.SHUTDOWN, remove=self._removes_on_stop(child))

        await self._op(op)

    async def restart_child(self, id: Hashable) -> Any:
        """Start again a child stopped by `terminate_child` (or that exited for good).

        Returns:
            The child's `ActorRef` (the same one as before) or nested supervisor.

        Raises:
            UnknownChild: No such child.
            RuntimeError: The child is running.
            StartError: Its factory or `init` raised.
            NotRunning: The supervisor is not running.
        """

        async def op() -> Any:
            child = self._find_id(id)
            if child.status != STOPPED:
                raise RuntimeError(f"child {id!r} is {child.status}")
            try:
                await self._start(child)
            except Exception as exc:
                raise StartError(f"child {id!r} failed to start: {exc!r}") from exc
            return child.handle

        return await self._op(op)

    async def delete_child(self, id: Hashable) -> None:
        """Forget the spec of a stopped child.

        Raises:
            UnknownChild: No such child.
            RuntimeError: The child is running.
        """

        async def op() -> None:
            child = self._find_id(id)
            if child.status != STOPPED:
                raise RuntimeError(f"child {id!r} is {child.status}; terminate it first")
            self._children.pop(child.key, None)

        await self._op(op)
