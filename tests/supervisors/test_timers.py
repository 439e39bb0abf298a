"""Tests for actor-owned timers (send_after / cancel_timer)."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

import supervisors as s

from .conftest import settle


class Ticker(s.Actor):
    """Collects timer messages with their virtual arrival time; a periodic "tick" re-arms."""

    log: list[tuple[Any, float]]

    def __init__(self, sink: list[tuple[Any, float]]) -> None:
        self.log = sink

    async def init(self) -> None:
        s.send_after(self.ref, "tick", 1.0, key="tick")

    async def handle_info(self, msg: Any) -> None:
        self.log.append((msg, self.clock.now()))
        if msg == "tick":
            s.send_after(self.ref, "tick", 1.0, key="tick")
        if msg == "crash":
            raise RuntimeError("timer-triggered crash")

    async def handle_call(self, msg: Any) -> Any:
        if msg == "arm-once":
            s.send_after(self.ref, "once", 5.0, key="once")
        elif msg == "cancel-once":
            return s.cancel_timer(self.ref, "once")
        elif msg == "replace-once":
            s.send_after(self.ref, "replacement", 7.0, key="once")
        return None


async def test_periodic_timer_on_virtual_clock() -> None:
    """A self-rearming timer fires once per period on the supervisor's clock."""
    clock = s.VirtualClock(autojump=False)
    sink: list[tuple[Any, float]] = []
    with s.use_clock(clock):
        async with s.Supervisor([s.ChildSpec("t", lambda: Ticker(sink))]):
            await settle()
            await clock.advance(3.0)
    assert sink == [("tick", 1.0), ("tick", 2.0), ("tick", 3.0)]


async def test_cancel_and_replace_by_key() -> None:
    """cancel_timer stops a timer; reusing a key replaces the old timer."""
    clock = s.VirtualClock(autojump=False)
    sink: list[tuple[Any, float]] = []
    with s.use_clock(clock):
        async with s.Supervisor([s.ChildSpec("t", lambda: Ticker(sink))]) as sup:
            ref = sup.child("t")
            await ref.call("arm-once")
            assert await ref.call("cancel-once") is True
            assert await ref.call("cancel-once") is False
            await ref.call("arm-once")
            await clock.advance(2.0)
            await ref.call("replace-once")  # at t=2: due at t=9, the t=5 one never fires
            await clock.advance(8.0)
    assert [m for m in sink if m[0] != "tick"] == [("replacement", 9.0)]


async def test_timers_cancelled_on_restart_and_stale_message_dropped() -> None:
    """A restart cancels the old incarnation's timers, even a message already queued."""
    clock = s.VirtualClock(autojump=False)
    sink: list[tuple[Any, float]] = []
    with s.use_clock(clock):
        async with s.Supervisor([s.ChildSpec("t", lambda: Ticker(sink))]) as sup:
            ref = sup.child("t")
            await ref.call("arm-once")  # due at 5; must die with this incarnation
            s.send_after(ref, "crash", 0.5)
            await clock.advance(0.5)
            await settle()
            await ref.call(None)  # the new incarnation answers
            await clock.advance(6.0)
    kinds = [m for m, _ in sink]
    assert "once" not in kinds
    assert kinds.count("crash") == 1


async def test_timer_ref_cancel_drops_queued_message() -> None:
    """TimerRef.cancel() after the message was queued still prevents delivery."""
    clock = s.VirtualClock(autojump=False)
    sink: list[tuple[Any, float]] = []
    with s.use_clock(clock):
        async with s.Supervisor([s.ChildSpec("t", lambda: Ticker(sink))]) as sup:
            ref = sup.child("t")
            timer = s.send_after(ref, "late", 0.0)
            states = [timer.active]
            timer.cancel()
            states.append(timer.active)
            assert states == [True, False]
            await settle()
    assert [m for m, _ in sink if m != "tick"] == []


async def test_send_after_validation() -> None:
    """Negative delays are refused; timers on dead actors raise ActorExited."""
    sink: list[tuple[Any, float]] = []
    async with s.Supervisor([s.ChildSpec("t", lambda: Ticker(sink))]) as sup:
        ref = sup.child("t")
        with pytest.raises(ValueError):
            s.send_after(ref, "x", -1)
    with pytest.raises(s.ActorExited):
        s.send_after(ref, "x", 1)


async def test_cancel_after_message_queued_prevents_delivery() -> None:
    """A timer cancelled after its message was queued (actor busy) is never handled."""
    seen: list[Any] = []
    gate = anyio.Event()

    class Busy(s.Actor):
        async def handle_call(self, msg: Any) -> Any:
            await gate.wait()
            return seen

        async def handle_info(self, msg: Any) -> None:
            seen.append(msg)

    async with s.Supervisor([s.ChildSpec("b", Busy)]) as sup, anyio.create_task_group() as tg:
        ref = sup.child("b")
        tg.start_soon(ref.call, "block")
        await settle()
        cancelled = s.send_after(ref, "cancelled", 0.0)
        kept = s.send_after(ref, "kept", 0.0, key="k")
        replaced = s.send_after(ref, "replaced", 0.0, key="r")
        await settle()
        assert ref._cell._qlen() == 3  # all three messages are queued behind the call
        cancelled.cancel()
        s.send_after(ref, "replacement", 0.0, key="r")
        await settle()
        gate.set()
        assert await ref.call("check") == ["kept", "replacement"]
        assert not replaced.active
        assert not kept.active
