"""Tests for TaskSupervisor."""

from __future__ import annotations

import logging

import anyio
import anyio.lowlevel
import pytest

import supervisors as s

from .conftest import settle


async def test_run_returns_result_or_raises_task_error(no_leaks: None) -> None:
    """run() returns the task's result or raises its own exception (not a group)."""

    async def ok(x: int) -> int:
        await anyio.lowlevel.checkpoint()
        return x + 1

    async def bad() -> None:
        raise LookupError("nope")

    async with s.TaskSupervisor() as ts:
        assert await ts.run(ok, 1) == 2
        with pytest.raises(LookupError, match="nope"):
            await ts.run(bad)
        assert await ts.run(ok, 2) == 3


async def test_run_timeout_cancels_task(no_leaks: None) -> None:
    """run(timeout=...) raises CallTimeout and cancels the task."""
    cancelled = anyio.Event()

    async def forever() -> None:
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()

    async with s.TaskSupervisor() as ts:
        with pytest.raises(s.CallTimeout):
            await ts.run(forever, timeout=0.01)
        await cancelled.wait()
        assert ts.active == 0


async def test_fire_and_forget_failure_touches_no_sibling(caplog: pytest.LogCaptureFixture) -> None:
    """A failing start_child task is logged; siblings keep running."""
    done: list[str] = []

    async def crash() -> None:
        raise RuntimeError("boom")

    async def sibling() -> None:
        await anyio.sleep(0.01)
        done.append("sibling")

    caplog.set_level(logging.ERROR, logger="supervisors")
    async with s.TaskSupervisor() as ts:
        ts.start_child(sibling)
        ts.start_child(crash)
        await anyio.sleep(0.03)
    assert done == ["sibling"]
    assert any(r.getMessage() == "task.crashed" for r in caplog.records)


async def test_limit_bounds_concurrency() -> None:
    """limit=N runs at most N tasks at once."""
    running = 0
    peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.005)
        running -= 1

    async with s.TaskSupervisor(limit=3) as ts, anyio.create_task_group() as tg:
        for _ in range(12):
            tg.start_soon(ts.run, work)
    assert peak == 3
    with pytest.raises(ValueError):
        s.TaskSupervisor(limit=0)


async def test_stop_cancels_running_tasks(no_leaks: None) -> None:
    """Leaving the block cancels running tasks; a pending run() gets NotRunning."""
    outcome: list[str] = []

    async def forever() -> None:
        await anyio.sleep_forever()

    async def waiter(ts: s.TaskSupervisor) -> None:
        try:
            await ts.run(forever, timeout=None)
        except s.NotRunning:
            outcome.append("not-running")

    async with anyio.create_task_group() as tg:
        async with s.TaskSupervisor() as ts:
            ts.start_child(forever)
            tg.start_soon(waiter, ts)
            await settle()
        await settle()
    assert outcome == ["not-running"]
    with pytest.raises(s.NotRunning):
        ts.start_child(forever)
    with pytest.raises(s.NotRunning):
        await ts.run(forever)


async def test_cancelling_caller_cancels_task(no_leaks: None) -> None:
    """Cancelling the caller of run() cancels the task."""
    cancelled = anyio.Event()

    async def forever() -> None:
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()

    async with s.TaskSupervisor() as ts:
        with anyio.move_on_after(0.01):
            await ts.run(forever, timeout=None)
        await cancelled.wait()
