"""Exceptions raised by `supervisors`, and the one rule for unwrapping exception groups.

Hierarchy::

    SupervisorsError(Exception)
    ├── ActorExited            the actor is dead or stopping; carries its `ExitReason`
    ├── CallTimeout            also a TimeoutError: no reply within the call's timeout
    ├── MailboxFull            the mailbox is at capacity and its policy refuses the message
    ├── MaxRestartsExceeded    a supervisor exceeded its restart intensity and gave up
    ├── MaxChildren            a DynamicSupervisor already runs `max_children` children
    ├── StartError             a child failed to start; `__cause__` is the child's error
    ├── NotRunning             the supervisor is not running (never started, or stopped)
    ├── UnknownChild           also a LookupError: no child with that id or ref
    ├── DuplicateChild         a child with that id already exists
    └── AlreadyRegistered      a Registry name is taken by a live actor

Unwrap rule (`unwrap_group`): a `BaseExceptionGroup` whose leaves, once cancellation
exceptions are set aside, are exactly one exception is replaced by that exception. A group made
only of cancellations becomes its first cancellation. Anything else (two or more real failures)
is returned unchanged, because hiding one of several failures would lose information. Every
public entry point of `supervisors` applies this rule before an exception reaches user code, so
a single failure always surfaces as itself.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from ._reason import ExitReason

__all__ = [
    "ActorExited",
    "AlreadyRegistered",
    "CallTimeout",
    "DuplicateChild",
    "MailboxFull",
    "MaxChildren",
    "MaxRestartsExceeded",
    "NotRunning",
    "StartError",
    "SupervisorsError",
    "UnknownChild",
    "unwrap_group",
]


class SupervisorsError(Exception):
    """Base class of every error raised by `supervisors` itself."""


class ActorExited(SupervisorsError):
    """The actor has exited, or is stopping, so the message cannot be handled.

    Raised by `call`, `cast` and `send` on a dead actor, and delivered to every call still
    queued (or in progress) when the actor stops for good.

    Attributes:
        reason: Why the actor exited.
    """

    def __init__(self, reason: ExitReason, message: str | None = None) -> None:
        self.reason = reason
        super().__init__(message or f"actor exited: {reason}")


class CallTimeout(SupervisorsError, TimeoutError):
    """No reply arrived within the call's timeout. A reply that comes later is dropped."""


class MailboxFull(SupervisorsError):
    """The mailbox is at capacity and its overflow policy refuses (or evicted) the message."""


class MaxRestartsExceeded(SupervisorsError):
    """More than `intensity` restarts happened within `period` seconds.

    The supervisor has stopped all its children before raising this. `__cause__` is the
    failure that tipped it over.
    """


class MaxChildren(SupervisorsError):
    """The DynamicSupervisor already runs `max_children` children."""


class StartError(SupervisorsError):
    """A child failed to start (its factory or `init` raised). `__cause__` holds the error."""


class NotRunning(SupervisorsError):
    """The supervisor is not running: it was never entered, or it has stopped."""


class UnknownChild(SupervisorsError, LookupError):
    """No child with that id (or ref) exists in this supervisor."""


class DuplicateChild(SupervisorsError):
    """A child with the same id already exists in this supervisor."""


class AlreadyRegistered(SupervisorsError):
    """The name is already registered to a live actor."""


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        out: list[BaseException] = []
        for sub in exc.exceptions:
            out.extend(_leaves(sub))
        return out
    return [exc]


def unwrap_group(exc: BaseException) -> BaseException:
    """Apply the documented unwrap rule to `exc` (see the module docstring).

    Args:
        exc: Any exception; exceptions that are not groups are returned as they are.

    Returns:
        The single real failure inside the group, the first cancellation if the group holds
        only cancellations, or `exc` itself when it holds several real failures.
    """
    if not isinstance(exc, BaseExceptionGroup):
        return exc
    leaves = _leaves(exc)
    try:
        cancelled_cls: type[BaseException] = anyio.get_cancelled_exc_class()
    except RuntimeError:  # no event loop: asyncio's is the only one that can be here
        cancelled_cls = asyncio.CancelledError
    real = [e for e in leaves if not isinstance(e, cancelled_cls)]
    if len(real) == 1:
        return real[0]
    if not real and leaves:
        return leaves[0]
    return exc
