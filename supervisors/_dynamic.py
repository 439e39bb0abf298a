"""`DynamicSupervisor`: one_for_one supervision of children added at run time.

Children are anonymous instances (ids need not be unique), identified by their `ActorRef` (or
the nested supervisor object). A child that is not restarted, or is stopped, is forgotten. On
shutdown every child is stopped at the same time, in no particular order (as in Elixir).
"""

from __future__ import annotations

from typing import Any, TypeVar, overload

from ._actor import Actor, ActorRef
from ._core import RUNNING, _Child, _SupervisorCore
from ._exceptions import MaxChildren, UnknownChild
from ._reason import ExitReason
from ._service import _Service
from ._spec import AutoShutdown, ChildSpec

__all__ = ["DynamicSupervisor"]

_S = TypeVar("_S", bound=_Service)


class DynamicSupervisor(_SupervisorCore):
    """Starts children on demand and restarts them one for one.

    Args:
        max_children: Most children at once (running or restarting); None for no limit.
        intensity: Restarts tolerated within `period` seconds; one more escalates.
        period: The window, in seconds of the supervisor's clock.
        name: For logs and reprs.

    Raises:
        ValueError: For a `max_children` below 1, a negative `intensity` or a non-positive
            `period`.

    Use it with ``async with``, ``await tg.start(dsup.run)``, or as a child of a `Supervisor`
    (``ChildSpec("sessions", lambda: sessions, shutdown=math.inf)``): the same object can be
    restarted by its parent, so a handle on it stays valid (its children do not survive a
    restart, as in OTP). `start_child` works from any task while it runs.
    """

    _concurrent_shutdown = True

    def __init__(
        self,
        max_children: int | None = None,
        intensity: int = 3,
        period: float = 5.0,
        *,
        name: str | None = None,
    ) -> None:
        if max_children is not None and (
            isinstance(max_children, bool) or not isinstance(max_children, int) or max_children < 1
        ):
            raise ValueError(f"max_children must be an int >= 1 or None, got {max_children!r}")
        super().__init__(
            (), intensity=intensity, period=period, auto_shutdown=AutoShutdown.NEVER, name=name
        )
        self.max_children = max_children

    async def __aenter__(self) -> DynamicSupervisor:
        await super().__aenter__()
        return self

    def _removes_on_exit(self, child: _Child) -> bool:
        return True

    def _removes_on_stop(self, child: _Child) -> bool:
        return True

    def _check_new(self, spec: ChildSpec[Any]) -> None:
        if self.max_children is not None and len(self._children) >= self.max_children:
            raise MaxChildren(f"{self!r} already runs max_children={self.max_children}")

    @overload
    async def start_child(self, spec: ChildSpec[Actor]) -> ActorRef: ...
    @overload
    async def start_child(self, spec: ChildSpec[_S]) -> _S: ...
    async def start_child(self, spec: ChildSpec[Any]) -> Any:
        """Start a new child.

        Returns:
            Its `ActorRef` (stable across its restarts), or the nested supervisor.

        Raises:
            MaxChildren: `max_children` children already exist.
            StartError: The child's factory or `init` raised (`__cause__`).
            NotRunning: The supervisor is not running.

        If the caller is cancelled, the start still completes in the supervisor.
        """
        return await self._op_start(spec)

    async def terminate_child(self, child: ActorRef | _Service) -> None:
        """Stop `child` (reason SHUTDOWN) and forget it.

        Raises:
            UnknownChild: It is not a child of this supervisor.
            NotRunning: The supervisor is not running.
        """

        async def op() -> None:
            record = self._find_handle(child)
            if record.status == RUNNING:
                await self._stop(record, ExitReason.SHUTDOWN)
            self._retire(record, ExitReason.SHUTDOWN, remove=True)

        await self._op(op)

    def _find_handle(self, handle: ActorRef | _Service) -> _Child:
        if isinstance(handle, ActorRef):
            record = self._find_cell(handle._cell)
            if record is not None:
                return record
        else:
            for record in self._children.values():
                if record.service is handle:
                    return record
        raise UnknownChild(f"{handle!r} is not a child of {self!r}")
