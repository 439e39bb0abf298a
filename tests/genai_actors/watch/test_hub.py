"""WatchHub on virtual time: backoff, sharing, timeouts, cancellation, errors, crashes, caps."""

from __future__ import annotations

import asyncio
import gc
import itertools
import math
import weakref
from typing import Any

import anyio
import pytest

from genai_actors import errors
from genai_actors._watch import DEFAULT_POLL_BACKOFF, WatchConfig
from supervisors import Backoff

from .conftest import NO_JITTER, Job, api_error, is_done, virtual_hub

OP = "models/veo-3.0-generate-001/operations/op1"


async def polls_reached(job: Job, count: int) -> None:
    """Spins (checkpoints only; virtual time moves by itself) until ``job`` was polled enough."""
    while len(job.calls) < count:
        await anyio.lowlevel.checkpoint()


def gaps(times: list[float]) -> list[float]:
    """Differences between successive times, rounded."""
    return [round(b - a, 6) for a, b in itertools.pairwise(times)]


async def test_polls_follow_the_backoff_schedule() -> None:
    """The first poll is immediate, then 1 s, 1.5 s, 2.25 s... (x1.5, capped at 30 s)."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, done_at=12)
        result = await hub.wait(OP, job.fetch, is_done)
    assert result["n"] == 12
    assert job.calls[0] == 0.0
    expected = [min(30.0, 1.0 * 1.5**i) for i in range(11)]
    assert gaps(job.calls) == pytest.approx(expected)


async def test_default_schedule_is_documented_values() -> None:
    """The default poll backoff is 1 s initial, x1.5, 30 s cap, 20% jitter."""
    assert Backoff(1.0, 30.0, multiplier=1.5, jitter=0.2) == DEFAULT_POLL_BACKOFF
    assert WatchConfig().backoff == DEFAULT_POLL_BACKOFF


async def test_jitter_stays_within_twenty_percent() -> None:
    """With the default jitter every gap lies in [base, 1.2 x base]."""
    async with virtual_hub(WatchConfig()) as (_, hub, clock):
        job = Job(clock, done_at=8)
        await hub.wait(OP, job.fetch, is_done)
    for i, gap in enumerate(gaps(job.calls)):
        base = min(30.0, 1.5**i)
        assert base <= gap <= base * 1.2 + 1e-9


async def test_waiters_on_one_name_share_one_watcher() -> None:
    """Ten waiters on one name cost exactly the polls of one waiter, and all get the result."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, done_at=4)
        results = [None] * 10

        async def waiter(i: int) -> None:
            results[i] = await hub.wait(OP, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            for i in range(10):
                tg.start_soon(waiter, i)
        assert hub.stats()["watches"] == 0
    assert len(job.calls) == 4
    assert all(r is not None and r["n"] == 4 for r in results)


async def test_each_waiter_has_its_own_predicate() -> None:
    """One watcher serves waiters with different predicates; it stops after the last is done."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock)
        async with anyio.create_task_group() as tg:
            got: dict[str, Any] = {}

            async def wait_for(label: str, n: int) -> None:
                got[label] = await hub.wait(OP, job.fetch, lambda s: s["n"] >= n)

            tg.start_soon(wait_for, "three", 3)
            tg.start_soon(wait_for, "five", 5)
    assert got["three"]["n"] == 3
    assert got["five"]["n"] == 5
    assert len(job.calls) == 5


async def test_a_late_waiter_is_answered_from_the_last_snapshot() -> None:
    """A waiter joining a running watch whose last snapshot satisfies it returns at once."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock)
        async with anyio.create_task_group() as tg:
            tg.start_soon(hub.wait, OP, job.fetch, lambda s: s["n"] >= 6)
            await polls_reached(job, 2)
            polls = len(job.calls)
            early = await hub.wait(OP, job.fetch, lambda s: s["n"] >= 2)
            assert early["n"] == polls
            assert len(job.calls) == polls


async def test_timeout_raises_wait_timeout_error_with_last_snapshot() -> None:
    """wait(timeout=) raises WaitTimeoutError (a TimeoutError) at the deadline, job untouched."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock)
        with pytest.raises(errors.WaitTimeoutError) as caught:
            await hub.wait(OP, job.fetch, is_done, timeout=60.0)
        assert clock.now() == pytest.approx(60.0)
        assert isinstance(caught.value, TimeoutError)
        assert caught.value.name == OP
        assert caught.value.last is not None
        assert caught.value.last["n"] == len(job.calls)
        polls = len(job.calls)
        await clock.sleep(120.0)
        assert len(job.calls) == polls  # nobody waits any more: the watcher stopped
        assert hub.stats()["watches"] == 0


async def test_timeout_zero_and_bad_arguments() -> None:
    """timeout=0 times out unless already done; negative timeouts and empty names are refused."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, latency=1.0)
        with pytest.raises(errors.WaitTimeoutError):
            await hub.wait(OP, job.fetch, is_done, timeout=0)
        with pytest.raises(ValueError, match="timeout"):
            await hub.wait(OP, job.fetch, is_done, timeout=-1)
        with pytest.raises(ValueError, match="name"):
            await hub.wait("", job.fetch, is_done)
        with pytest.raises(ValueError, match="name"):
            hub.watch("", job.fetch, is_done)


async def test_cancelling_one_waiter_leaves_the_other_waiting() -> None:
    """Cancelling one of two waiters ends only its wait; the other still gets the result."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, done_at=6)
        out: dict[str, Any] = {}

        async def keep() -> None:
            out["kept"] = await hub.wait(OP, job.fetch, is_done)

        scope = anyio.CancelScope()

        async def doomed() -> None:
            with scope:
                await hub.wait(OP, job.fetch, is_done)
            out["cancelled"] = scope.cancelled_caught

        async with anyio.create_task_group() as tg:
            tg.start_soon(keep)
            tg.start_soon(doomed)
            await polls_reached(job, 2)
            scope.cancel()
    assert out["cancelled"] is True
    assert out["kept"]["n"] == 6


async def test_last_waiter_leaving_stops_the_watcher() -> None:
    """When every waiter is cancelled the watcher stops and polling ends."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock)
        scope = anyio.CancelScope()

        async def waiter() -> None:
            with scope:
                await hub.wait(OP, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            await polls_reached(job, 2)
            scope.cancel()
        polls = len(job.calls)
        assert polls >= 2
        await clock.sleep(300.0)
        assert len(job.calls) == polls
        assert hub.stats()["watches"] == 0


async def test_transient_errors_back_off_and_keep_waiting() -> None:
    """5xx and transport errors do not end the wait: the schedule goes on and succeeds."""
    async with virtual_hub() as (_, hub, clock):
        script: list[Any] = [
            1,
            api_error(503, "UNAVAILABLE"),
            errors.ConnectionLostError("lost"),
            api_error(500, "INTERNAL"),
            5,
        ]
        job = Job(clock, script, done_at=5)
        result = await hub.wait(OP, job.fetch, is_done)
    assert result["n"] == 5
    assert gaps(job.calls) == pytest.approx([1.0, 1.5, 2.25, 3.375])


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        (404, "NOT_FOUND", errors.NotFoundError),
        (403, "PERMISSION_DENIED", errors.PermissionDeniedError),
        (400, "INVALID_ARGUMENT", errors.InvalidArgumentError),
    ],
)
async def test_permanent_api_errors_end_the_wait(
    code: int, status: str, kind: type[Exception]
) -> None:
    """404 / 403 / 400 end every waiter of the job with that typed error."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, [1, api_error(code, status)])
        results: list[BaseException] = []

        async def waiter() -> None:
            try:
                await hub.wait(OP, job.fetch, is_done)
            except Exception as exc:
                results.append(exc)

        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            tg.start_soon(waiter)
        assert len(job.calls) == 2
        assert [type(e) for e in results] == [kind, kind]
        assert hub.stats()["watches"] == 0


async def test_rate_limit_pushes_the_watcher_and_the_schedule_back() -> None:
    """A 429 with retryDelay 20 s delays that watcher by 20 s and pauses the others too."""
    async with virtual_hub() as (_, hub, clock):
        limited = Job(clock, [1, api_error(429, "RESOURCE_EXHAUSTED", "20s"), 3], done_at=3)
        other = Job(clock, done_at=4)
        every_2s = Backoff(2.0, 2.0, jitter=0.0)
        async with anyio.create_task_group() as tg:
            tg.start_soon(hub.wait, "operations/limited", limited.fetch, is_done)
            await polls_reached(limited, 1)
            tg.start_soon(
                lambda: hub.wait("operations/other", other.fetch, is_done, backoff=every_2s)
            )
        stats = hub.stats()
    start = limited.calls[0]
    assert limited.calls[1] == pytest.approx(start + 1.0)  # the 429
    # max(backoff 1.5 s, retryDelay 20 s) later:
    assert limited.calls[2] == pytest.approx(start + 21.0)
    # The other job polled once before the 429, then nothing until the pause ended.
    assert other.calls[0] <= start + 1.0
    assert all(not (start + 1.0 < t < start + 21.0 - 1e-9) for t in other.calls)
    assert other.calls[1] == pytest.approx(start + 21.0)
    assert stats["rate_limited"] == 1
    assert stats["rate_factor"] < 1.0


async def test_a_raising_predicate_fails_only_its_own_waiter() -> None:
    """done() raising ends that waiter with the exception; the other waiter is unaffected."""

    def bad(snapshot: dict[str, Any]) -> bool:
        if snapshot["n"] == 2:
            raise KeyError("broken predicate")
        return False

    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, done_at=3)
        out: dict[str, Any] = {}

        async def bad_waiter() -> None:
            with pytest.raises(KeyError):
                await hub.wait(OP, job.fetch, bad)
            out["bad"] = True

        async def good_waiter() -> None:
            out["good"] = await hub.wait(OP, job.fetch, is_done)

        async with anyio.create_task_group() as tg:
            tg.start_soon(bad_waiter)
            tg.start_soon(good_waiter)
    assert out["bad"] is True
    assert out["good"]["n"] == 3


async def test_concurrent_polls_are_bounded() -> None:
    """300 watches with slow fetches never have more than max_concurrent_polls in flight."""
    config = WatchConfig(backoff=NO_JITTER, max_concurrent_polls=7, max_polls_per_second=math.inf)
    async with virtual_hub(config) as (_, hub, clock):
        job = Job(clock, done_at=3, latency=0.8)
        async with anyio.create_task_group() as tg:
            for i in range(300):
                tg.start_soon(hub.wait, f"operations/{i}", job.fetch, is_done)
    assert len(job.calls) == 900
    assert job.peak == 7


async def test_global_poll_rate_is_capped() -> None:
    """200 watches under a 10 polls/s cap: no 1 s window sees more than cap + burst polls."""
    config = WatchConfig(backoff=NO_JITTER, max_concurrent_polls=10, max_polls_per_second=10.0)
    async with virtual_hub(config) as (_, hub, clock):
        job = Job(clock, done_at=2)
        async with anyio.create_task_group() as tg:
            for i in range(200):
                tg.start_soon(hub.wait, f"operations/{i}", job.fetch, is_done)
    assert len(job.calls) == 400
    times = sorted(job.calls)
    for i, start in enumerate(times):
        in_window = sum(1 for t in times[i:] if t < start + 1.0)
        assert in_window <= 10 + 10  # rate x 1 s, plus one burst
    assert times[-1] >= (400 - 10) / 10.0 - 1e-6  # and it really took that long


async def test_thousands_of_watches_share_one_timer() -> None:
    """2,000 idle watches cost one scheduler timer, not 2,000 sleeping tasks."""
    config = WatchConfig(
        backoff=Backoff(60.0, 60.0, jitter=0.0),
        max_polls_per_second=math.inf,
        max_concurrent_polls=500,
    )
    async with virtual_hub(config) as (_, hub, clock):
        job = Job(clock)
        clock.autojump = False
        async with anyio.create_task_group() as tg:
            for i in range(2000):
                tg.start_soon(hub.wait, f"operations/{i}", job.fetch, is_done)
            for _ in range(200):
                await anyio.lowlevel.checkpoint()
            await polls_reached(job, 2000)
            for _ in range(200):
                await anyio.lowlevel.checkpoint()
            tasks = len(asyncio.all_tasks())
            assert hub.stats()["watches"] == 2000
            # The test task, 2,000 waiters, the tree's host and service tasks, one timer: no
            # task per watcher or per poll schedule.
            assert tasks - 2000 < 40
            tg.cancel_scope.cancel()


async def test_watch_stream_yields_changes_only_and_ends_after_done() -> None:
    """watch() yields the first snapshot and then only changed ones, ending after done."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, [1, 1, 2, 2, 2, 3, 4], done_at=4)
        async with hub.watch(OP, job.fetch, is_done) as stream:
            seen = [s["n"] async for s in stream]
        assert seen == [1, 2, 3, 4]
        assert len(job.calls) == 7
        with pytest.raises(StopAsyncIteration):
            await stream.__anext__()


async def test_watch_stream_raises_a_terminal_error_after_its_snapshots() -> None:
    """A 404 mid-way ends the stream with NotFoundError after the earlier snapshots."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, [1, 2, api_error(404, "NOT_FOUND")])
        stream = hub.watch(OP, job.fetch, is_done)
        assert (await stream.__anext__())["n"] == 1
        assert (await stream.__anext__())["n"] == 2
        with pytest.raises(errors.NotFoundError):
            await stream.__anext__()


async def test_closing_a_stream_keeps_other_waiters() -> None:
    """aclose() of one stream leaves a waiter on the same job served to the end."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, done_at=5)
        async with anyio.create_task_group() as tg:
            got: dict[str, Any] = {}

            async def waiter() -> None:
                got["w"] = await hub.wait(OP, job.fetch, is_done)

            tg.start_soon(waiter)
            stream = hub.watch(OP, job.fetch, is_done)
            first = await stream.__anext__()
            await stream.aclose()
            with pytest.raises(StopAsyncIteration):
                await stream.__anext__()
        assert first["n"] >= 1
        assert got["w"]["n"] == 5


async def test_wait_and_watch_on_a_virtual_clock_share_polls() -> None:
    """A stream and a waiter on the same job share polls (one fetch per poll)."""
    async with virtual_hub() as (_, hub, clock):
        job = Job(clock, done_at=4)
        async with anyio.create_task_group() as tg:
            got: dict[str, Any] = {}

            async def waiter() -> None:
                got["w"] = await hub.wait(OP, job.fetch, is_done)

            tg.start_soon(waiter)
            seen = [s["n"] async for s in hub.watch(OP, job.fetch, is_done)]
        assert seen == [1, 2, 3, 4]
        assert got["w"]["n"] == 4
        assert len(job.calls) == 4


async def test_kinds_namespace_the_same_name() -> None:
    """The same name under two kinds gets two watchers (e.g. batch vs operation snapshots)."""
    async with virtual_hub() as (_, hub, clock):
        a, b = Job(clock, done_at=2), Job(clock, done_at=2)
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: hub.wait("batches/1", a.fetch, is_done, kind="batch"))
            tg.start_soon(lambda: hub.wait("batches/1", b.fetch, is_done, kind="operation"))
        assert len(a.calls) == 2
        assert len(b.calls) == 2


async def test_a_finished_timed_wait_keeps_nothing_alive_until_its_deadline() -> None:
    """After wait(timeout=days) returns, its pending deadline holds no reference to the result."""

    class Snapshot:
        def __init__(self, n: int) -> None:
            self.n = n

    async with virtual_hub() as (_, hub, _clock):
        calls: dict[str, int] = {}

        async def fetch(name: str) -> Snapshot:
            calls[name] = calls.get(name, 0) + 1
            return Snapshot(calls[name])

        async def wait_once() -> weakref.ref[Snapshot]:
            result = await hub.wait(OP, fetch, lambda s: s.n >= 2, timeout=2 * 86400.0)
            assert result.n == 2
            return weakref.ref(result)

        async with anyio.create_task_group() as tg:
            # A waiter whose earlier deadline stays pending keeps the heap's head busy.
            tg.start_soon(
                lambda: hub.wait("operations/never", fetch, lambda s: False, timeout=86400.0)
            )
            probe = await wait_once()
            # Another watch, so the supervisor's control loop moves past the first one's exit
            # (two polls: a watch served by its first poll starts no watcher).
            await hub.wait("operations/other", fetch, lambda s: s.n >= 2)
            for _ in range(20):
                await anyio.lowlevel.checkpoint()
            gc.collect()
            assert probe() is None
            tg.cancel_scope.cancel()
