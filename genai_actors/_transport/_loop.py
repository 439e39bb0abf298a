"""The event loop this library creates where it owns one: uvloop when installed, else asyncio.

The blocking ``Client`` runs its calls on a private loop in a thread of its own, and the
``genai-actors`` command runs the emulator; both get their loop from :func:`new_event_loop`.
uvloop (``pip install 'genai-actors[uvloop]'``, not on Windows) makes the loop's own work (its
scheduling, sockets and timers) cheaper; without it, asyncio's default loop is used and nothing
else changes. ``GENAI_ACTORS_LOOP=asyncio`` in the environment chooses asyncio's loop even when
uvloop is installed (for comparisons, or to rule uvloop out while debugging).

A service that runs its own loop chooses it itself (``uvloop.run(main())`` or
``asyncio.Runner(loop_factory=uvloop.new_event_loop)``): the async client works on either.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator

__all__ = [
    "LOOP_ENV",
    "in_blocking_client_thread",
    "loop_factory",
    "loop_name",
    "mark_blocking_client_thread",
    "new_event_loop",
    "owned_loops",
]

LOOP_ENV = "GENAI_ACTORS_LOOP"

_thread_role = threading.local()


def mark_blocking_client_thread() -> None:
    """Marks the calling thread as one running a blocking ``Client``'s private loop."""
    _thread_role.blocking_client = True


def in_blocking_client_thread() -> bool:
    """Whether the calling thread runs a blocking ``Client``'s private loop (code there runs
    on behalf of a blocking caller in another thread)."""
    return getattr(_thread_role, "blocking_client", False)


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """The factory of the loops this library creates: uvloop's if it is installed (and not
    turned off by ``GENAI_ACTORS_LOOP=asyncio``), else asyncio's ``new_event_loop``.

    Raises:
        ValueError: ``GENAI_ACTORS_LOOP`` is set to something other than ``asyncio`` or
            ``uvloop``.
        ImportError: ``GENAI_ACTORS_LOOP=uvloop`` but uvloop is not installed (the message names
            the extra to install).
    """
    choice = (os.environ.get(LOOP_ENV) or "").strip().lower()
    if choice not in ("", "asyncio", "uvloop"):
        raise ValueError(f"{LOOP_ENV} must be 'asyncio' or 'uvloop', got {choice!r}")
    if choice == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise ImportError(
                f"{LOOP_ENV}=uvloop needs uvloop: pip install 'genai-actors[uvloop]'"
            ) from None
        return asyncio.new_event_loop
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new event loop from :func:`loop_factory` (raises as it does)."""
    return loop_factory()()


def loop_name(loop: asyncio.AbstractEventLoop) -> str:
    """``"uvloop"`` or ``"asyncio"``: which implementation ``loop`` is (for reports)."""
    return "uvloop" if type(loop).__module__.startswith("uvloop") else "asyncio"


class _Policy(asyncio.DefaultEventLoopPolicy):
    def __init__(self, factory: Callable[[], asyncio.AbstractEventLoop]) -> None:
        super().__init__()
        self._factory = factory

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        return self._factory()


@contextlib.contextmanager
def owned_loops() -> Iterator[None]:
    """Inside the block, loops made by ``asyncio.run`` come from :func:`loop_factory`.

    For code that calls ``asyncio.run`` itself (the command line's emulator). The previous
    event loop policy is restored on exit. Event loop policies are deprecated from Python 3.14:
    there the block changes nothing.

    Raises:
        ValueError, ImportError: As :func:`loop_factory`.
    """
    factory = loop_factory()
    if factory is asyncio.new_event_loop or sys.version_info >= (3, 14):
        yield
        return
    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(_Policy(factory))
    try:
        yield
    finally:
        asyncio.set_event_loop_policy(previous)
