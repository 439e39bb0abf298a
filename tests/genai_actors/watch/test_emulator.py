"""Watchers polling the emulator over loopback: operations.wait/watch, errors, resume by name."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._watch import WatchConfig
from genai_actors.emulator import Emulator
from supervisors import Backoff

from .conftest import API_KEY

FAST = Backoff(0.01, 0.05, multiplier=1.5, jitter=0.0)
VEO_OP = "models/veo-3.0-generate-001/operations/"
NO_RETRIES = {"retry_options": {"attempts": 1}}


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's loop."""
    async with Emulator(api_key=API_KEY) as emulator:
        yield emulator


def make_client(emu: Emulator, **options: Any) -> ga.AsyncClient:
    """A client on the emulator whose watchers poll fast."""
    return ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": emu.url, **options},
        watch=WatchConfig(backoff=FAST),
    )


def polls_of(emu: Emulator, name: str) -> int:
    """GETs of ``name`` the emulator received."""
    return sum(1 for r in emu.recorded if r.method == "GET" and r.path.endswith(name))


async def test_wait_polls_the_emulator_until_done(emu: Emulator) -> None:
    """operations.wait polls over HTTP until done; exactly the needed GETs reach the server."""
    name = VEO_OP + "real1"
    emu.operations.create(name, polls=4, resolve=lambda: ({"ok": True}, None))
    async with make_client(emu) as client:
        finished = await client.operations.wait(name, timeout=30)
    assert isinstance(finished, types.GenerateVideosOperation)
    assert finished.done
    assert polls_of(emu, name) == 4


async def test_a_restarted_process_resumes_from_the_stored_name(emu: Emulator) -> None:
    """A second client given only the stored name string waits the job to completion."""
    name = VEO_OP + "resume1"
    emu.operations.create(name, polls=6)
    async with make_client(emu) as first:
        with pytest.raises(errors.WaitTimeoutError):
            await first.operations.wait(name, timeout=0.02)
    stored = str(name)  # e.g. read back from a database after a restart
    async with make_client(emu) as second:
        finished = await second.operations.wait(stored, timeout=30)
    assert finished.done
    assert finished.name == stored


async def test_many_waiters_on_one_operation_share_polls(emu: Emulator) -> None:
    """Twenty concurrent waits on one operation produce the GETs of a single poller."""
    name = VEO_OP + "shared1"
    emu.operations.create(name, polls=3)
    async with make_client(emu) as client:
        results = []

        async def waiter() -> None:
            results.append(await client.operations.wait(name, timeout=30))

        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(waiter)
    assert len(results) == 20
    assert all(r.done for r in results)
    assert polls_of(emu, name) == 3


async def test_watch_streams_snapshots_until_done(emu: Emulator) -> None:
    """operations.watch yields the first snapshot, the changed ones, and the done one."""
    name = "fileSearchStores/s1/operations/import1"
    op = emu.operations.create(name, metadata={"progress": 0}, polls=4)

    async with make_client(emu) as client:
        seen: list[types.Operation] = []
        async with client.operations.watch(name) as stream:
            async for snapshot in stream:
                seen.append(snapshot)
                if len(seen) == 1:
                    op.metadata = {"progress": 50}
    assert [s.done for s in seen][-1] is True
    assert all(type(s) is types.ImportFileOperation for s in seen)  # typed from its name
    assert seen[0].metadata == {"progress": 0}
    assert any(s.metadata == {"progress": 50} for s in seen)
    assert len(seen) < polls_of(emu, name) + 1


async def test_failed_operation_is_done_not_an_error(emu: Emulator) -> None:
    """A failed operation ends the wait normally, with .error set."""
    name = VEO_OP + "failed1"
    emu.operations.create(name, polls=100)
    emu.operations.fail(name, 400, "unsafe prompt")
    async with make_client(emu) as client:
        finished = await client.operations.wait(name, timeout=30)
    assert finished.done
    assert finished.error is not None


async def test_unknown_operation_ends_with_not_found(emu: Emulator) -> None:
    """A 404 ends the wait at once with NotFoundError (no endless polling)."""
    async with make_client(emu) as client:
        with pytest.raises(errors.NotFoundError):
            await client.operations.wait(VEO_OP + "missing", timeout=30)
    assert polls_of(emu, VEO_OP + "missing") == 1


async def test_permission_error_ends_the_wait(emu: Emulator) -> None:
    """A 403 on a poll ends the wait with PermissionDeniedError."""
    name = VEO_OP + "forbidden"
    emu.operations.create(name, polls=10)
    emu.faults.fail_next(1, 403)
    async with make_client(emu) as client:
        with pytest.raises(errors.PermissionDeniedError):
            await client.operations.wait(name, timeout=30)


async def test_server_errors_after_transport_retries_do_not_end_the_wait(emu: Emulator) -> None:
    """With transport retries off, three 503s reach the watcher, which backs off and succeeds."""
    name = VEO_OP + "flaky1"
    emu.operations.create(name, polls=2)
    emu.faults.fail_next(3, 503)
    async with make_client(emu, **NO_RETRIES) as client:
        finished = await client.operations.wait(name, timeout=30)
    assert finished.done
    assert polls_of(emu, name) == 5


async def test_rate_limited_polls_back_off_and_complete(emu: Emulator) -> None:
    """A 429 with retryDelay reaches the watcher: it waits at least that long, then succeeds."""
    name = VEO_OP + "limited1"
    emu.operations.create(name, polls=2)
    async with make_client(emu, **NO_RETRIES) as client:
        hub = client.api_client.watchers
        emu.faults.fail_next(1, 429, retry_delay=0.2)
        start = anyio.current_time()
        finished = await client.operations.wait(name, timeout=30)
        elapsed = anyio.current_time() - start
        stats = hub.stats()
    assert finished.done
    assert elapsed >= 0.2
    assert stats["rate_limited"] == 1


async def test_cancelling_one_waiter_over_http(emu: Emulator) -> None:
    """Cancelling one of two waiters leaves the other to finish over real HTTP polling."""
    name = VEO_OP + "cancel1"
    emu.operations.create(name, polls=8)
    async with make_client(emu) as client:
        out: dict[str, Any] = {}

        async def keeper() -> None:
            out["op"] = await client.operations.wait(name, timeout=30)

        async with anyio.create_task_group() as tg:
            tg.start_soon(keeper)
            with anyio.move_on_after(0.03):
                await client.operations.wait(name, timeout=30)
    assert out["op"].done


async def test_aclose_mid_wait_leaves_no_task(emu: Emulator) -> None:
    """Closing the client while 100 operations are watched ends the waits and every task."""
    before = asyncio.all_tasks()
    client = make_client(emu)
    names = [VEO_OP + f"bulk{i}" for i in range(100)]
    for name in names:
        emu.operations.create(name, polls=10_000)
    closed: list[BaseException] = []

    async def waiter(name: str) -> None:
        try:
            await client.operations.wait(name, timeout=60)
        except errors.ClientClosedError as exc:
            closed.append(exc)

    async with anyio.create_task_group() as tg:
        for name in names:
            tg.start_soon(waiter, name)
        while sum(polls_of(emu, n) > 0 for n in names[:10]) < 10:
            await anyio.lowlevel.checkpoint()
        await client.aclose()
    assert len(closed) == 100
    await asyncio.sleep(0)
    assert asyncio.all_tasks() == before


def test_blocking_client_wait_and_watch(gemini_emulator: Emulator) -> None:
    """Client.operations.wait blocks until done; Client.operations.watch is a sync iterator."""
    emu = gemini_emulator
    first, second = VEO_OP + "sync1", VEO_OP + "sync2"
    emu.operations.create(first, polls=3)
    emu.operations.create(second, polls=3)
    with ga.Client(
        api_key="k", http_options={"base_url": emu.url}, watch=WatchConfig(backoff=FAST)
    ) as client:
        assert client.operations.wait(first, timeout=30).done
        with client.operations.watch(second) as stream:
            snapshots = list(stream)
    assert snapshots[-1].done
    assert all(not s.done for s in snapshots[:-1])
