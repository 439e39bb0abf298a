"""Child specifications: `ChildSpec`, `Restart`, `Strategy`, `AutoShutdown` and `ChildInfo`.

These are plain values; the supervisors interpret them with OTP's meanings.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._backoff import Backoff

__all__ = ["AutoShutdown", "ChildInfo", "ChildSpec", "Restart", "Strategy"]

T_co = TypeVar("T_co", covariant=True)


class Restart(enum.Enum):
    """When a supervisor restarts a child that exited (OTP restart types).

    PERMANENT: always (whatever the exit reason, except a deliberate stop).
    TRANSIENT: only after a crash (an exception), not after a normal exit or a shutdown.
    TEMPORARY: never, not even when a sibling's crash under ONE_FOR_ALL / REST_FOR_ONE took
        it down: it is then removed.
    """

    PERMANENT = "permanent"
    TRANSIENT = "transient"
    TEMPORARY = "temporary"


class Strategy(enum.Enum):
    """What else a supervisor restarts when one child must be restarted.

    ONE_FOR_ONE: only that child.
    ONE_FOR_ALL: all children: the others are stopped (in reverse start order), then all are
        started again in order.
    REST_FOR_ONE: that child and those started after it: the later ones are stopped (in
        reverse order), then the failed child and the later ones start again, in order.
    """

    ONE_FOR_ONE = "one_for_one"
    ONE_FOR_ALL = "one_for_all"
    REST_FOR_ONE = "rest_for_one"


class AutoShutdown(enum.Enum):
    """When a supervisor stops by itself because significant children exited (OTP 24).

    Only a significant child exiting *by itself* without being restarted counts: not one stopped
    by `terminate_child` or by a sibling's restart.
    """

    NEVER = "never"
    ANY_SIGNIFICANT = "any_significant"
    ALL_SIGNIFICANT = "all_significant"


@dataclass(frozen=True, slots=True)
class ChildSpec(Generic[T_co]):
    """How to start and supervise one child.

    Args:
        id: A hashable name, unique within a `Supervisor` (not required in a
            `DynamicSupervisor`).
        start: Called with no arguments at each (re)start; returns a fresh `Actor`, or a
            supervisor (`Supervisor`, `DynamicSupervisor`, `TaskSupervisor`) to nest.
        restart: See `Restart`.
        shutdown: Seconds the child gets to stop: to finish the message in progress and run
            `terminate`. 0 cancels at once and skips `terminate`; `math.inf` waits as long as
            it takes (the right choice for nested supervisors).
        significant: For `AutoShutdown`; not allowed on a PERMANENT child.
        backoff: Optional delay between this child's crash and its restart; the supervisor
            keeps serving other children and requests meanwhile.

    Raises:
        ValueError: For a negative `shutdown`, or `significant` on a PERMANENT child.
        TypeError: If `start` is not callable.
    """

    id: Hashable
    start: Callable[[], T_co]
    restart: Restart = Restart.PERMANENT
    shutdown: float = 5.0
    significant: bool = False
    backoff: Backoff | None = None

    def __post_init__(self) -> None:
        if not callable(self.start):
            raise TypeError(f"ChildSpec.start must be callable, got {self.start!r}")
        if not isinstance(self.restart, Restart):
            raise TypeError(f"ChildSpec.restart must be a Restart, got {self.restart!r}")
        shutdown = self.shutdown
        if isinstance(shutdown, bool) or not isinstance(shutdown, int | float):
            raise TypeError(f"ChildSpec.shutdown must be seconds, got {shutdown!r}")
        if math.isnan(shutdown) or shutdown < 0:
            raise ValueError(f"ChildSpec.shutdown must be >= 0 seconds, got {shutdown!r}")
        if self.significant and self.restart is Restart.PERMANENT:
            raise ValueError("a PERMANENT child cannot be significant (OTP rule)")
        hash(self.id)


@dataclass(frozen=True, slots=True)
class ChildInfo:
    """One row of `which_children()`.

    Attributes:
        id: The child's id.
        handle: Its `ActorRef`, or the nested supervisor; None if it is not running.
        restart: Its restart type.
        status: ``"running"``, ``"restarting"`` (crashed, restart pending) or ``"stopped"``.
        is_supervisor: True for a nested supervisor.
    """

    id: Hashable
    handle: Any
    restart: Restart
    status: str
    is_supervisor: bool
