"""Tests for the unwrap rule, logging, exit reasons and the non-asyncio call path."""

from __future__ import annotations

import logging
import math
import subprocess
import sys
from typing import Any

import anyio
import pytest

import supervisors as s
from supervisors import _actor

from .conftest import Journal, probe_spec


async def test_unwrap_group_rule() -> None:
    """One real failure is unwrapped (also nested); several stay a group."""
    err = ValueError("x")
    assert s.unwrap_group(err) is err
    assert s.unwrap_group(ExceptionGroup("g", [err])) is err
    assert s.unwrap_group(BaseExceptionGroup("g", [ExceptionGroup("h", [err])])) is err
    cancelled = anyio.get_cancelled_exc_class()()
    assert s.unwrap_group(BaseExceptionGroup("g", [cancelled, err])) is err
    assert s.unwrap_group(BaseExceptionGroup("g", [cancelled])) is cancelled
    two = ExceptionGroup("g", [ValueError(), KeyError()])
    assert s.unwrap_group(two) is two


def test_unwrap_group_outside_event_loop() -> None:
    """unwrap_group works outside an event loop too."""
    err = ValueError()
    assert s.unwrap_group(ExceptionGroup("g", [err])) is err


def test_exit_reason_values() -> None:
    """ExitReason: NORMAL/SHUTDOWN are not abnormal; crashed(exc) is and carries exc."""
    exc = RuntimeError()
    assert not s.ExitReason.NORMAL.abnormal
    assert not s.ExitReason.SHUTDOWN.abnormal
    crashed = s.ExitReason.crashed(exc)
    assert crashed.abnormal
    assert crashed.error is exc
    assert crashed == s.ExitReason.crashed(exc)
    assert "crashed" in repr(crashed)
    with pytest.raises(ValueError):
        s.ExitReason("error")
    with pytest.raises(ValueError):
        s.ExitReason("weird")


async def test_lifecycle_events_are_logged(
    journal: Journal, vclock: s.VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """actor.started, actor.crashed, actor.restarted and supervisor.escalated are emitted."""
    caplog.set_level(logging.DEBUG, logger="supervisors")

    async def crash_twice() -> None:
        async with s.Supervisor([probe_spec("a", journal)], intensity=1) as sup:
            sup.child("a").cast("crash")
            await sup.child("a").call("ping")
            sup.child("a").cast("crash")
            await anyio.sleep_forever()

    with pytest.raises(s.MaxRestartsExceeded):
        await crash_twice()
    events = [r.getMessage() for r in caplog.records]
    for name in ("actor.started", "actor.crashed", "actor.restarted", "supervisor.escalated"):
        assert name in events
    crashed = next(r for r in caplog.records if r.getMessage() == "actor.crashed")
    assert crashed.actor == "a"  # type: ignore[attr-defined]
    assert crashed.exc_info is not None


def test_logger_is_silent_by_default() -> None:
    """The stdlib 'supervisors' logger has a NullHandler."""
    handlers = logging.getLogger("supervisors").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


async def test_call_path_without_asyncio_fast_path(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backend-neutral call path (anyio Event + cancel scope) has the same semantics."""
    monkeypatch.setattr(_actor, "_running_loop", lambda: None)

    class Sleepy(s.Actor):
        async def handle_call(self, msg: Any) -> Any:
            if msg == "raise":
                raise KeyError(msg)
            await anyio.sleep(msg)
            return msg

    async with s.Supervisor([s.ChildSpec("z", Sleepy)]) as sup:
        ref = sup.child("z")
        assert await ref.call(0) == 0
        with pytest.raises(KeyError):
            await ref.call("raise")
        with pytest.raises(s.CallTimeout):
            await ref.call(0.05, timeout=0.01)
        assert await ref.call(0, timeout=None) == 0


async def test_supervisor_op_from_child_init_is_refused(journal: Journal) -> None:
    """A child's init calling its own supervisor fails fast instead of deadlocking."""
    holder: dict[str, s.DynamicSupervisor] = {}
    errors: list[BaseException] = []

    class Greedy(s.Actor):
        async def init(self) -> None:
            try:
                await holder["sup"].start_child(probe_spec("x", journal))
            except RuntimeError as exc:
                errors.append(exc)

    async with s.DynamicSupervisor() as dsup:
        holder["sup"] = dsup
        await dsup.start_child(s.ChildSpec("g", Greedy))
    assert len(errors) == 1


async def test_actor_in_nested_supervisor_can_use_parent(journal: Journal) -> None:
    """An actor deep in the tree may call start_child on an ancestor from its handler."""
    root = s.DynamicSupervisor()

    class Spawner(s.Actor):
        async def handle_call(self, msg: Any) -> Any:
            ref = await root.start_child(probe_spec("spawned", journal))
            return await ref.call("ping")

    inner = s.Supervisor([s.ChildSpec("spawner", Spawner)])
    async with root:
        await root.start_child(s.ChildSpec("inner", lambda: inner, shutdown=math.inf))
        assert await inner.child("spawner").call(None) == ("pong", "spawned")


def test_a_silent_runtime_never_imports_structlog() -> None:
    """With logging unconfigured, actors that start, work and stop never import structlog."""
    script = """
import sys, anyio, supervisors as s

class Echo(s.Actor):
    async def handle_call(self, msg):
        return msg

async def main():
    async with s.DynamicSupervisor() as sup:
        ref = await sup.start_child(s.ChildSpec("echo", Echo))
        assert await ref.call("hi") == "hi"
        await ref.stop()

anyio.run(main)
print("structlog" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert out.stdout.strip() == "False"
