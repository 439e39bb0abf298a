# supervisors: OTP-style actors and supervisors on anyio. Knows nothing of Gemini.
#
# Layout (private modules, one concept each; this file is the public surface):
#   _clock       Clock protocol, SystemClock, VirtualClock, current_clock / use_clock
#   _backoff     Backoff (frozen policy) and BackoffSchedule (stateful)
#   _exceptions  the exception hierarchy and unwrap_group (the one ExceptionGroup rule)
#   _reason      ExitReason: NORMAL, SHUTDOWN or crashed(exc)
#   _mailbox     Mailbox, Overflow and the bounded queue behind every actor
#   _actor       Actor, ActorRef, current_actor and the per-actor cell
#   _timers      send_after / cancel_timer (actor-owned timers)
#   _registry    Registry (names removed when the actor exits)
#   _spec        ChildSpec, Restart, Strategy, AutoShutdown, ChildInfo
#   _service     the background-process pattern shared by all supervisors
#   _core        the supervisor engine: control loop, strategies, intensity, escalation
#   _supervisor  Supervisor (a fixed, ordered list of children)
#   _dynamic     DynamicSupervisor
#   _tasks       TaskSupervisor
#   _log         the structlog logger over stdlib "supervisors" (silent by default)
# Every public name is imported on first use (PEP 562): `import supervisors` costs nothing, and
# `from supervisors import Backoff` loads only the backoff and clock modules, so a library can
# import a light part (a Backoff for its retry policy) without the actor runtime and asyncio.
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:
    from ._actor import Actor as Actor, ActorRef as ActorRef, current_actor as current_actor
    from ._backoff import Backoff as Backoff, BackoffSchedule as BackoffSchedule
    from ._clock import (
        Clock as Clock,
        SystemClock as SystemClock,
        VirtualClock as VirtualClock,
        current_clock as current_clock,
        use_clock as use_clock,
    )
    from ._dynamic import DynamicSupervisor as DynamicSupervisor
    from ._exceptions import (
        ActorExited as ActorExited,
        AlreadyRegistered as AlreadyRegistered,
        CallTimeout as CallTimeout,
        DuplicateChild as DuplicateChild,
        MailboxFull as MailboxFull,
        MaxChildren as MaxChildren,
        MaxRestartsExceeded as MaxRestartsExceeded,
        NotRunning as NotRunning,
        StartError as StartError,
        SupervisorsError as SupervisorsError,
        UnknownChild as UnknownChild,
        unwrap_group as unwrap_group,
    )
    from ._mailbox import Mailbox as Mailbox, Overflow as Overflow
    from ._reason import ExitReason as ExitReason
    from ._registry import Registry as Registry
    from ._spec import (
        AutoShutdown as AutoShutdown,
        ChildInfo as ChildInfo,
        ChildSpec as ChildSpec,
        Restart as Restart,
        Strategy as Strategy,
    )
    from ._supervisor import Supervisor as Supervisor
    from ._tasks import TaskSupervisor as TaskSupervisor
    from ._timers import (
        TimerRef as TimerRef,
        cancel_timer as cancel_timer,
        send_after as send_after,
    )

__all__ = [
    # actors
    "Actor",
    "ActorRef",
    "current_actor",
    "Mailbox",
    "Overflow",
    "ExitReason",
    # supervision
    "ChildSpec",
    "ChildInfo",
    "Restart",
    "Strategy",
    "AutoShutdown",
    "Supervisor",
    "DynamicSupervisor",
    "TaskSupervisor",
    # names and timers
    "Registry",
    "send_after",
    "cancel_timer",
    "TimerRef",
    # time
    "Clock",
    "SystemClock",
    "VirtualClock",
    "current_clock",
    "use_clock",
    "Backoff",
    "BackoffSchedule",
    # errors
    "SupervisorsError",
    "ActorExited",
    "CallTimeout",
    "MailboxFull",
    "MaxRestartsExceeded",
    "MaxChildren",
    "StartError",
    "NotRunning",
    "UnknownChild",
    "DuplicateChild",
    "AlreadyRegistered",
    "unwrap_group",
]

_LAZY = {
    "Actor": "._actor",
    "ActorRef": "._actor",
    "current_actor": "._actor",
    "Backoff": "._backoff",
    "BackoffSchedule": "._backoff",
    "Clock": "._clock",
    "SystemClock": "._clock",
    "VirtualClock": "._clock",
    "current_clock": "._clock",
    "use_clock": "._clock",
    "DynamicSupervisor": "._dynamic",
    "ActorExited": "._exceptions",
    "AlreadyRegistered": "._exceptions",
    "CallTimeout": "._exceptions",
    "DuplicateChild": "._exceptions",
    "MailboxFull": "._exceptions",
    "MaxChildren": "._exceptions",
    "MaxRestartsExceeded": "._exceptions",
    "NotRunning": "._exceptions",
    "StartError": "._exceptions",
    "SupervisorsError": "._exceptions",
    "UnknownChild": "._exceptions",
    "unwrap_group": "._exceptions",
    "Mailbox": "._mailbox",
    "Overflow": "._mailbox",
    "ExitReason": "._reason",
    "Registry": "._registry",
    "AutoShutdown": "._spec",
    "ChildInfo": "._spec",
    "ChildSpec": "._spec",
    "Restart": "._spec",
    "Strategy": "._spec",
    "Supervisor": "._supervisor",
    "TaskSupervisor": "._tasks",
    "TimerRef": "._timers",
    "cancel_timer": "._timers",
    "send_after": "._timers",
}


def __getattr__(name: str) -> object:
    """Imports a public name's module on the first use of the name.

    Raises:
        AttributeError: ``name`` is not a public name of ``supervisors``.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'supervisors' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
