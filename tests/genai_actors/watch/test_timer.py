"""The scheduler's loop timer on real event loops: it fires about once per poll, never spins."""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import Callable
from typing import Any

import pytest

from genai_actors._watch import TreeHost, WatchConfig, WatchHub
from supervisors import Backoff

POLLS = 8


def loops() -> list[Any]:
    factories: list[Any] = [pytest.param(asyncio.new_event_loop, id="asyncio")]
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is in the dev extra
        return factories
    return [*factories, pytest.param(uvloop.new_event_loop, id="uvloop")]


@pytest.mark.parametrize("factory", loops())
@pytest.mark.parametrize("pace", [1e-6, 1.5e-3])
def test_a_paced_watch_fires_the_timer_about_once_per_poll(
    factory: Callable[[], asyncio.AbstractEventLoop], pace: float
) -> None:
    """Delays below, or not a whole number of, uvloop's 1 ms clock tick do not make the
    scheduler re-arm zero-length timers until the clock ticks over (a busy spin)."""
    backoff = Backoff(pace, pace, multiplier=1.0, jitter=0.0)
    calls: list[float] = []

    async def fetch(name: str) -> int:
        calls.append(asyncio.get_running_loop().time())
        await asyncio.sleep(0)
        return len(calls)

    async def main() -> tuple[int, int]:
        host = TreeHost(WatchConfig(max_polls_per_second=math.inf))
        try:
            hub = WatchHub(host)
            result = await hub.wait(
                "operations/paced", fetch, lambda n: n >= POLLS, backoff=backoff
            )
            tree = host.current()
            assert tree is not None
            return result, tree.book.ticks
        finally:
            await host.aclose()

    with asyncio.Runner(loop_factory=factory) as runner:
        result, ticks = runner.run(main())
    assert result == POLLS
    assert len(calls) == POLLS
    # One timer per wait between polls; a spinning scheduler fires hundreds per millisecond.
    assert ticks <= 2 * POLLS


@pytest.mark.parametrize("factory", loops())
@pytest.mark.parametrize("pace", [1e-12, 5e-4])
def test_polls_due_at_once_run_on_the_watch_s_own_task(
    factory: Callable[[], asyncio.AbstractEventLoop], pace: float
) -> None:
    """A next poll due at once (at most TIMER_FLOOR, 1 ms, ahead: no loop can sleep that
    short) is run by the task of the poll that booked it: no new task, no timer, on asyncio
    too, whose clock resolution is finer. Paced polls each get a task of their own."""
    tasks: dict[str, list[asyncio.Task[Any] | None]] = {"due": [], "paced": []}

    def fetcher(key: str) -> Callable[[str], Any]:
        async def fetch(name: str) -> int:
            tasks[key].append(asyncio.current_task())
            await asyncio.sleep(0)
            return len(tasks[key])

        return fetch

    async def main() -> int:
        host = TreeHost(WatchConfig(max_polls_per_second=math.inf))
        try:
            hub = WatchHub(host)
            at_once = Backoff(pace, pace, multiplier=1.0, jitter=0.0)
            # Far above TIMER_FLOOR: a pause of over 19 ms between booking a poll and the
            # dispatch that follows would make it due at once (and carried), rightly.
            paced = Backoff(20e-3, 20e-3, multiplier=1.0, jitter=0.0)
            done = lambda n: n >= POLLS  # noqa: E731
            assert await hub.wait("operations/due", fetcher("due"), done, backoff=at_once) == POLLS
            tree = host.current()
            assert tree is not None
            ticks = tree.book.ticks
            assert (
                await hub.wait("operations/paced", fetcher("paced"), done, backoff=paced) == POLLS
            )
            return ticks
        finally:
            await host.aclose()

    with asyncio.Runner(loop_factory=factory) as runner:
        ticks = runner.run(main())
    assert ticks == 0
    assert len(set(map(id, tasks["due"]))) == 1
    assert len(set(map(id, tasks["paced"]))) == POLLS


async def test_polls_run_in_the_scheduler_s_context() -> None:
    """Every poll runs as the scheduler's task, whoever booked it (a watcher starting, a waiter
    posting its deadline, the timer): no caller's context variables leak into a fetch."""
    from contextvars import ContextVar

    from supervisors import ActorRef, current_actor

    caller_var: ContextVar[str] = ContextVar("caller_var", default="unset")
    seen: list[tuple[ActorRef | None, str]] = []

    async def fetch(name: str) -> int:
        seen.append((current_actor(), caller_var.get()))
        await asyncio.sleep(0)
        return sum(1 for _ in seen)

    host = TreeHost(WatchConfig(max_polls_per_second=math.inf))
    try:
        hub = WatchHub(host)
        tree = await host.ensure()
        caller_var.set("caller")
        paced = Backoff(2e-3, 2e-3, multiplier=1.0, jitter=0.0)  # over TIMER_FLOOR: a timer
        await hub.wait("operations/ctx", fetch, lambda n: n >= 3, timeout=60.0, backoff=paced)
        assert tree.scheduler is not None
        assert seen == [(tree.scheduler, "unset")] * 3
    finally:
        await host.aclose()


def _run(factory: Callable[[], asyncio.AbstractEventLoop], main: Callable[[], Any]) -> Any:
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main())


@pytest.mark.parametrize("factory", loops())
def test_back_to_back_watches_take_turns_when_one_poll_may_run(
    factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """A poll due at once is carried on its task only when nothing else is due: with one poll
    allowed in flight, two back-to-back watches alternate instead of one starving the other."""
    order: list[str] = []

    async def fetch(name: str) -> int:
        order.append(name)
        await asyncio.sleep(0)
        return order.count(name)

    async def main() -> list[int]:
        host = TreeHost(WatchConfig(max_concurrent_polls=1, max_polls_per_second=math.inf))
        try:
            hub = WatchHub(host)
            at_once = Backoff(1e-6, 1e-6, multiplier=1.0, jitter=0.0)
            return list(
                await asyncio.gather(
                    *(
                        hub.wait(name, fetch, lambda n: n >= POLLS, backoff=at_once)
                        for name in ("operations/a", "operations/b")
                    )
                )
            )
        finally:
            await host.aclose()

    assert _run(factory, main) == [POLLS, POLLS]
    assert order == ["operations/a", "operations/b"] * POLLS


@pytest.mark.parametrize("factory", loops())
def test_polls_due_at_once_still_respect_the_rate_cap(
    factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """A poll carried on its own task takes a token from the rate cap's bucket like any other:
    back-to-back polls under a cap of 200/s (a burst of one) come at least 5 ms apart."""
    calls: list[float] = []

    async def fetch(name: str) -> int:
        calls.append(asyncio.get_running_loop().time())
        await asyncio.sleep(0)
        return len(calls)

    async def main() -> int:
        host = TreeHost(WatchConfig(max_concurrent_polls=1, max_polls_per_second=200.0))
        try:
            hub = WatchHub(host)
            at_once = Backoff(1e-6, 1e-6, multiplier=1.0, jitter=0.0)
            result: int = await hub.wait(
                "operations/capped", fetch, lambda n: n >= 5, backoff=at_once
            )
            return result
        finally:
            await host.aclose()

    assert _run(factory, main) == 5
    gaps = [b - a for a, b in itertools.pairwise(calls)]
    # uvloop's clock counts whole milliseconds: allow one tick of rounding per gap.
    assert all(gap >= 5e-3 - 1e-3 for gap in gaps), gaps
    assert calls[-1] - calls[0] >= 4 * 5e-3 - 1e-3
