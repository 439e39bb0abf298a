"""The client's supervision tree: watcher crashes and restarts, tree lifecycle, aclose."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._watch import WatchConfig
from genai_actors._watch._actors import Watcher
from supervisors import DynamicSupervisor

from .conftest import API_KEY, NO_JITTER, Job, is_done, virtual_hub

OP = "models/veo-3.0-generate-001/operations/crashy"


async def polls_reached(job: Job, count: int) -> None:
    """Spins on checkpoints until ``job`` was polled ``count`` times."""
    while len(job.calls) < count:
        await anyio.lowlevel.checkpoint()


async def test_a_crashing_fetch_is_restarted_and_resumes_its_schedule() -> None:
    """fetch raising an unexpected exception crashes the watcher; it restarts where it was."""
    async with virtual_hub() as (client, hub, clock):
        job = Job(clock, [1, 2, RuntimeError("bug in a decoder"), 4, 5], done_at=5)
        result = await hub.wait(OP, job.fetch, is_done)
        tree = await client._tree.ensure()
        for _ in range(100):  # the watcher exits right after delivering
            if tree.watchers.count_children() == 0:
                break
            await anyio.lowlevel.checkpoint()
        assert tree.watchers.count_children() == 0
    assert result["n"] == 5
    # Same backoff position across the crash: the gaps keep growing (1, 1.5, 2.25, 3.375).
    assert [round(b - a, 6) for a, b in itertools.pairwise(job.calls)] == [
        pytest.approx(1.0),
        pytest.approx(1.5),
        pytest.approx(2.25),
        pytest.approx(3.375),
    ]


async def test_killing_a_watcher_does_not_disturb_its_waiters() -> None:
    """A watcher crashed from outside is restarted; waiters do not notice and get the result."""
    async with virtual_hub() as (client, hub, clock):
        # Long enough that the watch is still going once the crash was handled.
        job = Job(clock, done_at=30)
        out: dict[str, Any] = {}

        async def waiter() -> None:
            out["result"] = await hub.wait(OP, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            await polls_reached(job, 2)
            tree = await client._tree.ensure()
            state = tree.states[("", OP)]
            ref = state.ref
            assert ref is not None
            ref.cast("an unknown message crashes a watcher")
            for _ in range(50):
                await anyio.lowlevel.checkpoint()
            assert ref.alive  # same ref, new incarnation
        assert out["result"]["n"] == 30


async def test_repeated_crashes_reach_the_waiters_after_max_crashes() -> None:
    """A fetch that always crashes ends the wait with its exception after max_crashes."""
    config = WatchConfig(backoff=NO_JITTER, max_crashes=3)
    async with virtual_hub(config) as (_, hub, clock):
        job = Job(clock, [ZeroDivisionError("always")])
        with pytest.raises(ZeroDivisionError):
            await hub.wait(OP, job.fetch, is_done)
        assert len(job.calls) == 3
        assert hub.stats()["watches"] == 0


async def test_a_restarted_watchers_supervisor_gets_every_watch_going_again() -> None:
    """If the watchers DynamicSupervisor itself restarts, each watch gets a fresh watcher."""
    async with virtual_hub() as (client, hub, clock):
        job = Job(clock, done_at=5)
        out: dict[str, Any] = {}

        async def waiter(name: str) -> None:
            out[name] = await hub.wait(name, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter, "operations/a")
            tg.start_soon(waiter, "operations/b")
            await polls_reached(job, 4)
            tree = await client._tree.ensure()
            old = tree.watchers
            await tree.root.terminate_child("watchers")  # every watcher dies with it
            await tree.root.restart_child("watchers")
            assert tree.watchers is not old
            assert isinstance(tree.watchers, DynamicSupervisor)
        assert out["operations/a"]["n"] == 5
        assert out["operations/b"]["n"] == 5


async def test_tree_is_started_lazily_with_sessions_and_watchers() -> None:
    """No tree before first need; then root has sessions, poll-scheduler and watchers."""
    async with ga.AsyncClient(api_key=API_KEY) as client:
        assert client._tree.current() is None
        tree = await client._tree.ensure()
        assert [c.id for c in tree.root.which_children()] == [
            "sessions",
            "poll-scheduler",
            "watchers",
        ]
        assert isinstance(tree.sessions, DynamicSupervisor)
        assert await client._tree.ensure() is tree  # one per loop


async def test_aclose_stops_every_watcher_and_leaves_no_task() -> None:
    """aclose() ends pending waits with ClientClosedError and leaves no task behind."""
    before = asyncio.all_tasks()
    client = ga.AsyncClient(api_key=API_KEY)
    hub = client.api_client.watchers
    hub.config = WatchConfig(backoff=NO_JITTER, max_concurrent_polls=64)
    clock_job = Job(anyio_clock())
    results: list[BaseException] = []

    async def waiter(i: int) -> None:
        try:
            await hub.wait(f"operations/{i}", clock_job.fetch, is_done)
        except errors.ClientClosedError as exc:
            results.append(exc)

    async with anyio.create_task_group() as tg:
        for i in range(50):
            tg.start_soon(waiter, i)
        await polls_reached(clock_job, 50)
        await client.aclose()
    assert len(results) == 50
    await asyncio.sleep(0)
    assert asyncio.all_tasks() == before
    with pytest.raises(errors.ClientClosedError):
        await hub.wait("operations/late", clock_job.fetch, is_done)
    with pytest.raises(errors.ClientClosedError):
        await client._tree.ensure()


async def test_a_stream_open_at_close_ends_with_client_closed() -> None:
    """An open watch stream raises ClientClosedError once the client closes."""
    client = ga.AsyncClient(api_key=API_KEY)
    hub = client.api_client.watchers
    job = Job(anyio_clock())
    stream = hub.watch(OP, job.fetch, is_done)
    first = await stream.__anext__()
    assert first["n"] == 1
    await client.aclose()
    with pytest.raises(errors.ClientClosedError):
        await stream.__anext__()


def test_one_client_two_event_loops_get_one_tree_each() -> None:
    """A client used from two successive asyncio.run calls starts a tree in each loop."""
    client = ga.AsyncClient(api_key=API_KEY)
    hub = client.api_client.watchers
    hub.config = WatchConfig(backoff=NO_JITTER)

    trees: list[Any] = []

    async def run_once() -> None:
        job = Job(anyio_clock(), done_at=1)
        result = await hub.wait(OP, job.fetch, is_done)
        assert result["n"] == 1
        trees.append(await client._tree.ensure())

    asyncio.run(run_once())
    asyncio.run(run_once())
    assert trees[0] is not trees[1]
    assert trees[0].stopped  # the first loop's end took its tree down
    asyncio.run(client.aclose())


def anyio_clock() -> Any:
    """The real clock (for tests where time must not jump)."""
    from supervisors import SystemClock

    return SystemClock()


async def test_a_crashed_scheduler_is_restarted_and_the_schedule_resumes() -> None:
    """The poll scheduler crashing is restarted by the root; pending waits still complete."""
    async with virtual_hub() as (client, hub, clock):
        job = Job(clock, done_at=6)
        out: dict[str, Any] = {}

        async def waiter(name: str) -> None:
            out[name] = await hub.wait(name, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            for name in ("operations/x", "operations/y"):
                tg.start_soon(waiter, name)
            await polls_reached(job, 4)
            tree = await client._tree.ensure()
            assert tree.scheduler is not None
            tree.scheduler.cast(("no such message",))
        assert out["operations/x"]["n"] == 6
        assert out["operations/y"]["n"] == 6
        assert tree.scheduler.alive


async def test_a_scheduler_crash_during_a_poll_requeues_it() -> None:
    """Polls are the scheduler's tasks: if it crashes mid-poll, the poll is cancelled and the
    restarted scheduler polls that job again; the waiter still gets its result."""
    async with virtual_hub() as (client, hub, clock):
        job = Job(clock, done_at=3, latency=10.0)
        out: dict[str, Any] = {}

        async def waiter() -> None:
            out["result"] = await hub.wait(OP, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            await polls_reached(job, 2)
            assert job.active == 1  # the second poll is in flight
            tree = await client._tree.ensure()
            state = tree.states[("", OP)]
            task = state.poll_task
            assert task is not None
            assert not task.done()
            assert tree.scheduler is not None
            tree.scheduler.cast(("no such message",))
            for _ in range(20):
                if task.done():
                    break
                await anyio.lowlevel.checkpoint()
            assert task.cancelled()
        assert out["result"]["n"] == 3  # the third fetch: the cancelled one counts
        assert len(job.calls) == 3
        assert job.calls[2] == job.calls[1]  # re-polled at once by the new scheduler


class _StartCounter:
    """Counts the watchers started through a tree's real ``watchers`` supervisor."""

    def __init__(self, tree: Any) -> None:
        self.starts = 0
        supervisor = tree.watchers
        real = supervisor.start_child

        async def start_child(spec: Any) -> Any:
            self.starts += 1
            return await real(spec)

        supervisor.start_child = start_child


async def test_a_wait_served_by_its_first_poll_starts_no_watcher() -> None:
    """A job done at its first poll is served by the scheduler's poll alone; one that goes on
    gets its supervised watcher, once."""
    async with virtual_hub() as (client, hub, clock):
        tree = await client._tree.ensure()
        counter = _StartCounter(tree)
        job = Job(clock, done_at=1)
        assert (await hub.wait("operations/quick", job.fetch, is_done))["n"] == 1
        assert counter.starts == 0
        assert tree.watchers.count_children() == 0
        slow = Job(clock, done_at=4)
        assert (await hub.wait("operations/slow", slow.fetch, is_done))["n"] == 4
        assert counter.starts == 1


async def test_a_crash_at_the_first_poll_is_raised_in_a_supervised_watcher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fetch crashing before any watcher exists starts one, which raises the crash and is
    restarted by its supervisor; the schedule keeps its backoff position."""
    incarnations: list[Watcher] = []
    real_init = Watcher.init

    async def init(self: Watcher) -> None:
        incarnations.append(self)
        await real_init(self)

    monkeypatch.setattr(Watcher, "init", init)
    async with virtual_hub() as (client, hub, clock):
        tree = await client._tree.ensure()
        counter = _StartCounter(tree)
        job = Job(clock, [RuntimeError("bug in a decoder"), 2, 3], done_at=3)
        out: dict[str, Any] = {}

        async def waiter() -> None:
            out["result"] = await hub.wait(OP, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            await polls_reached(job, 2)
            state = tree.states[("", OP)]
            assert state.ref is not None
            assert state.ref.alive  # restarted, same ref
        assert out["result"]["n"] == 3
        assert counter.starts == 1  # the restart is the supervisor's, not a new start
        assert len(incarnations) == 2
        assert incarnations[0] is not incarnations[1]
        # The crashed poll counted as attempt 0: the gaps grow as without the crash.
        assert [round(b - a, 6) for a, b in itertools.pairwise(job.calls)] == [
            pytest.approx(1.0),
            pytest.approx(1.5),
        ]
