"""Back-to-back polls and the supervised Watcher, on real event loops.

A watch whose polls are due at once (a sub-millisecond backoff) gets its Watcher only after
``UNSUPERVISED_POLLS`` polls; one that sleeps between polls gets it at its first poll; a crash
at any poll is raised in a supervised watcher that its supervisor restarts.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any

import pytest

from genai_actors._watch import TreeHost, WatchConfig, WatchHub
from genai_actors._watch._actors import UNSUPERVISED_POLLS, Watcher
from supervisors import Backoff

from .test_timer import loops

BURST = Backoff(1e-6, 1e-6, multiplier=1.0, jitter=0.0)
PACED = Backoff(2e-3, 2e-3, multiplier=1.0, jitter=0.0)


def run(factory: Callable[[], asyncio.AbstractEventLoop], main: Callable[[], Any]) -> Any:
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(main())


class Recorder:
    """A fetch counting its polls (the snapshot is the poll's number), raising ``crash_at``'s
    exception once, and the poll counts at which a Watcher incarnation started."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, crash_at: int | None = None) -> None:
        self.polls = 0
        self.crash_at = crash_at
        self.inits: list[int] = []
        self.watchers: list[Watcher] = []
        real_init = Watcher.init
        recorder = self

        async def init(watcher: Watcher) -> None:
            recorder.inits.append(recorder.polls)
            recorder.watchers.append(watcher)
            await real_init(watcher)

        monkeypatch.setattr(Watcher, "init", init)

    async def fetch(self, name: str) -> int:
        self.polls += 1
        await asyncio.sleep(0)
        if self.polls == self.crash_at:
            raise RuntimeError("bug in a decoder")
        return self.polls


async def wait(fetch: Callable[[str], Any], polls: int, backoff: Backoff) -> tuple[int, int]:
    """One wait done at poll ``polls``; returns its result and the watchers alive after it."""
    host = TreeHost(WatchConfig(max_polls_per_second=math.inf))
    try:
        hub = WatchHub(host)
        result = await hub.wait("operations/b", fetch, lambda n: n >= polls, backoff=backoff)
        tree = host.current()
        assert tree is not None
        for _ in range(100):  # a watcher is stopped by the poll that ended its watch
            if tree.watchers.count_children() == 0:
                break
            await asyncio.sleep(0)
        return result, tree.watchers.count_children()
    finally:
        await host.aclose()


@pytest.mark.parametrize("factory", loops())
def test_a_short_burst_of_polls_starts_no_watcher(
    factory: Callable[[], asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = Recorder(monkeypatch)
    assert run(factory, lambda: wait(rec.fetch, 10, BURST)) == (10, 0)
    assert rec.polls == 10
    assert rec.inits == []


@pytest.mark.parametrize("factory", loops())
def test_a_long_burst_gets_its_watcher_once_after_the_unsupervised_polls(
    factory: Callable[[], asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = Recorder(monkeypatch)
    polls = UNSUPERVISED_POLLS + 5
    assert run(factory, lambda: wait(rec.fetch, polls, BURST)) == (polls, 0)
    assert rec.inits == [UNSUPERVISED_POLLS]


@pytest.mark.parametrize("factory", loops())
def test_a_paced_watch_gets_its_watcher_at_its_first_poll(
    factory: Callable[[], asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = Recorder(monkeypatch)
    assert run(factory, lambda: wait(rec.fetch, 4, PACED)) == (4, 0)
    assert rec.inits == [1]


@pytest.mark.parametrize("factory", loops())
def test_a_crash_in_a_burst_is_raised_in_a_supervised_watcher_and_restarted(
    factory: Callable[[], asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 5th poll of a back-to-back watch crashes before any watcher exists: a watcher is
    started, raises the crash, is restarted by its supervisor (same ref), and the restarted
    incarnation books the lost poll; the wait gets its result."""
    rec = Recorder(monkeypatch, crash_at=5)
    assert run(factory, lambda: wait(rec.fetch, 10, BURST)) == (10, 0)
    assert rec.polls == 10
    assert rec.inits == [5, 5]  # started at the crash, restarted once
    first, second = rec.watchers
    assert first is not second
    assert first.ref == second.ref


@pytest.mark.parametrize("factory", loops())
def test_a_waiter_cancelled_mid_burst_ends_the_watch(
    factory: Callable[[], asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last waiter leaving a watch that has no watcher yet ends it: its poll task stops
    polling after the fetch in flight, and the watch leaves the tree."""
    rec = Recorder(monkeypatch)

    async def main() -> tuple[int, int]:
        host = TreeHost(WatchConfig(max_polls_per_second=math.inf))
        try:
            hub = WatchHub(host)
            fifth = asyncio.Event()

            async def fetch(name: str) -> int:
                polls = await rec.fetch(name)
                if polls == 5:
                    fifth.set()
                return polls

            waiter = asyncio.ensure_future(
                hub.wait("operations/never", fetch, lambda n: False, backoff=BURST)
            )
            await fifth.wait()
            at_cancel = rec.polls
            waiter.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiter
            for _ in range(20):
                await asyncio.sleep(0)
            stopped_at = rec.polls
            for _ in range(20):
                await asyncio.sleep(0)
            tree = host.current()
            assert tree is not None
            assert tree.states == {}
            assert not tree.book.in_flight
            return at_cancel, stopped_at, rec.polls
        finally:
            await host.aclose()

    at_cancel, stopped_at, later = run(factory, main)
    # The fetch in flight at the cancel, and one more started before the waiter's task ran
    # its cancellation, at most.
    assert stopped_at == later <= at_cancel + 2
    assert rec.inits == []
