"""Tests for SystemClock, VirtualClock, current_clock and use_clock."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

import supervisors as s


async def test_virtual_clock_autojump_wakes_in_deadline_order() -> None:
    """Autojump runs sleepers instantly, in deadline order, and records every sleep."""
    clock = s.VirtualClock(10.0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, delay: float) -> None:
        await clock.sleep(delay)
        woke.append((name, clock.now()))

    async with anyio.create_task_group() as tg:
        tg.start_soon(sleeper, "late", 30.0)
        tg.start_soon(sleeper, "early", 5.0)
        tg.start_soon(sleeper, "mid", 12.0)
    assert woke == [("early", 15.0), ("mid", 22.0), ("late", 40.0)]
    assert sorted(clock.sleeps) == [5.0, 12.0, 30.0]


async def test_virtual_clock_chained_sleeps_accumulate() -> None:
    """A task sleeping repeatedly sees time advance by exactly the sum of its sleeps."""
    clock = s.VirtualClock()
    for _ in range(100):
        await clock.sleep(60.0)
    assert clock.now() == pytest.approx(6000.0)


async def test_virtual_clock_without_autojump_needs_advance() -> None:
    """With autojump off, a sleeper wakes only when advance() passes its deadline."""
    clock = s.VirtualClock(autojump=False)
    woke: list[float] = []

    async def sleeper() -> None:
        await clock.sleep(5.0)
        woke.append(clock.now())

    async with anyio.create_task_group() as tg:
        tg.start_soon(sleeper)
        await anyio.sleep(0.01)
        assert woke == []
        await clock.advance(4.0)
        assert woke == []
        await clock.advance(1.0)
        assert woke == [5.0]
    assert clock.now() == 5.0


async def test_advance_steps_through_rearmed_timers() -> None:
    """advance() steps deadline by deadline, so a re-arming periodic sleeper fires each period."""
    clock = s.VirtualClock(autojump=False)
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            await clock.sleep(1.0)
            ticks.append(clock.now())

    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker)
        await anyio.lowlevel.checkpoint()
        await clock.advance(5.0)
        tg.cancel_scope.cancel()
    assert ticks == [1.0, 2.0, 3.0, 4.0, 5.0]


async def test_cancelled_sleeper_is_withdrawn() -> None:
    """A cancelled virtual sleep leaves no pending deadline and does not move time."""
    clock = s.VirtualClock(autojump=False)
    with anyio.move_on_after(0.01):
        await clock.sleep(100.0)
    assert clock.now() == 0.0
    assert clock._earliest() is None


async def test_virtual_clock_validation() -> None:
    """Bad arguments are refused with ValueError."""
    with pytest.raises(ValueError):
        s.VirtualClock(float("inf"))
    clock = s.VirtualClock()
    with pytest.raises(ValueError):
        await clock.advance(-1)
    with pytest.raises(ValueError):
        await clock.sleep(float("nan"))
    await clock.sleep(-3)  # negative means zero
    assert clock.now() == 0.0


async def test_use_clock_is_inherited_by_tasks() -> None:
    """use_clock sets the current clock for the block and for tasks started inside it."""
    assert isinstance(s.current_clock(), s.SystemClock)
    clock = s.VirtualClock()
    seen: list[s.Clock] = []

    async def child() -> None:
        seen.append(s.current_clock())

    with s.use_clock(clock):
        assert s.current_clock() is clock
        async with anyio.create_task_group() as tg:
            tg.start_soon(child)
    assert seen == [clock]
    assert isinstance(s.current_clock(), s.SystemClock)
    with pytest.raises(TypeError), s.use_clock(object()):  # type: ignore[arg-type]
        pass


async def test_system_clock_tracks_loop_time() -> None:
    """SystemClock.now() is the loop time and sleep() really sleeps."""
    clock = s.SystemClock()
    t0 = clock.now()
    assert abs(t0 - anyio.current_time()) < 0.01
    await clock.sleep(0.01)
    assert clock.now() - t0 >= 0.009
