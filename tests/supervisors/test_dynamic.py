"""Tests for DynamicSupervisor and the root-with-dynamic-children layout the client uses."""

from __future__ import annotations

import math
from typing import Any

import anyio
import pytest

import supervisors as s

from .conftest import Journal, probe_spec, settle


async def test_start_child_returns_stable_ref_and_restarts_one_for_one(journal: Journal) -> None:
    """start_child returns a ref that survives restarts; siblings are untouched."""
    async with s.DynamicSupervisor() as dsup:
        a = await dsup.start_child(probe_spec("a", journal))
        b = await dsup.start_child(probe_spec("b", journal))
        a.cast("crash")
        assert await a.call("ping") == ("pong", "a")
        assert await b.call("ping") == ("pong", "b")
        assert journal.of("init") == ["a", "b", "a"]
        assert dsup.count_children() == 2


async def test_ids_need_not_be_unique_and_terminate_by_ref(journal: Journal) -> None:
    """Children are identified by ref: duplicate ids are fine; terminate_child forgets one."""
    async with s.DynamicSupervisor() as dsup:
        one = await dsup.start_child(probe_spec("w", journal))
        two = await dsup.start_child(probe_spec("w", journal))
        assert one != two
        await dsup.terminate_child(one)
        assert not one.alive
        assert two.alive
        assert [i.handle for i in dsup.which_children()] == [two]
        with pytest.raises(s.UnknownChild):
            await dsup.terminate_child(one)


async def test_max_children(journal: Journal) -> None:
    """max_children bounds live children; MaxChildren when full; room frees on exit."""
    async with s.DynamicSupervisor(max_children=2) as dsup:
        a = await dsup.start_child(probe_spec("a", journal))
        await dsup.start_child(probe_spec("b", journal))
        with pytest.raises(s.MaxChildren):
            await dsup.start_child(probe_spec("c", journal))
        await a.stop()
        await dsup.start_child(probe_spec("c", journal))
    with pytest.raises(ValueError):
        s.DynamicSupervisor(max_children=0)


async def test_exited_children_are_forgotten(journal: Journal) -> None:
    """TRANSIENT normal exits and TEMPORARY crashes remove the child."""
    async with s.DynamicSupervisor() as dsup:
        t = await dsup.start_child(probe_spec("t", journal, restart=s.Restart.TRANSIENT))
        tmp = await dsup.start_child(probe_spec("tmp", journal, restart=s.Restart.TEMPORARY))
        t.cast("exit")
        tmp.cast("crash")
        await settle()
        assert dsup.which_children() == []


async def test_children_stop_concurrently_on_shutdown(no_leaks: None) -> None:
    """On shutdown all children stop at once: total time is one budget, not the sum."""

    class Slow(s.Actor):
        async def terminate(self, reason: s.ExitReason) -> None:
            await anyio.sleep(0.05)

    t0 = anyio.current_time()
    async with s.DynamicSupervisor() as dsup:
        for i in range(10):
            await dsup.start_child(s.ChildSpec(i, Slow))
    assert anyio.current_time() - t0 < 0.3


async def test_start_child_from_many_tasks_under_a_root_supervisor(journal: Journal) -> None:
    """The client layout: a root Supervisor with two DynamicSupervisors, fed from any task."""
    sessions = s.DynamicSupervisor(name="sessions")
    watchers = s.DynamicSupervisor(name="watchers")
    root = s.Supervisor(
        [
            s.ChildSpec("sessions", lambda: sessions, shutdown=math.inf),
            s.ChildSpec("watchers", lambda: watchers, shutdown=math.inf),
        ],
        name="root",
    )
    refs: list[s.ActorRef] = []
    async with root:

        async def starter(i: int) -> None:
            target = sessions if i % 2 else watchers
            ref = await target.start_child(probe_spec(f"p{i}", journal))
            refs.append(ref)

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(starter, i)
        replies = [await ref.call("ping") for ref in refs]
        assert len(replies) == 20
        assert sessions.count_children() == 10
        assert watchers.count_children() == 10
    assert not any(ref.alive for ref in refs)
    with pytest.raises(s.NotRunning):
        await sessions.start_child(probe_spec("late", journal))


async def test_restarted_dynamic_child_loses_children_but_handle_works(journal: Journal) -> None:
    """When a parent restarts a DynamicSupervisor, its children are gone (OTP), the object works."""
    sessions = s.DynamicSupervisor(intensity=0)
    async with s.Supervisor([s.ChildSpec("sessions", lambda: sessions, shutdown=math.inf)]):
        old = await sessions.start_child(probe_spec("x", journal))
        old.cast("crash")  # intensity 0: sessions escalates, root restarts it
        for _ in range(100):
            await settle(2)
            if not old.alive and sessions.running:
                break
        assert not old.alive
        new = await sessions.start_child(probe_spec("y", journal))
        assert await new.call("ping") == ("pong", "y")


async def test_nested_task_supervisor_child() -> None:
    """A TaskSupervisor can be a supervised child too."""
    tasks = s.TaskSupervisor()
    async with s.Supervisor([s.ChildSpec("tasks", lambda: tasks, shutdown=math.inf)]):

        async def work(x: int) -> int:
            return x * 2

        assert await tasks.run(work, 21) == 42
    assert not tasks.running


async def test_dynamic_start_failure_reports_cause(journal: Journal) -> None:
    """A child whose init raises is not added and the error is the StartError's cause."""
    async with s.DynamicSupervisor() as dsup:
        with pytest.raises(s.StartError) as info:
            await dsup.start_child(probe_spec("bad", journal, fail_init=True))
        assert isinstance(info.value.__cause__, RuntimeError)
        assert dsup.count_children() == 0

        def not_an_actor() -> Any:
            return object()

        with pytest.raises(s.StartError):
            await dsup.start_child(s.ChildSpec("odd", not_an_actor))
