"""Laws of the shared watcher, checked with Hypothesis on virtual time."""

from __future__ import annotations

import random
from typing import Any

import anyio
from hypothesis import HealthCheck, given, settings, strategies as st

from genai_actors._watch._state import Subscriber, WatchState
from supervisors import Backoff, VirtualClock, use_clock

from .conftest import NO_JITTER, Job, virtual_hub

OP = "operations/law"

waiters = st.lists(
    st.tuples(st.integers(1, 8), st.booleans()),  # (poll the waiter needs, cancelled early?)
    min_size=1,
    max_size=6,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=waiters)
def test_one_poll_feeds_every_waiter(plan: list[tuple[int, bool]]) -> None:
    """Each kept waiter gets the first snapshot meeting its predicate; polls = the most needed."""

    async def scenario() -> tuple[dict[int, Any], int, int]:
        async with virtual_hub() as (_, hub, clock):
            job = Job(clock)
            got: dict[int, Any] = {}
            scopes = [anyio.CancelScope() for _ in plan]

            async def waiter(i: int, need: int) -> None:
                with scopes[i]:
                    got[i] = await hub.wait(OP, job.fetch, lambda s, n=need: s["n"] >= n)

            async with anyio.create_task_group() as tg:
                for i, (need, _) in enumerate(plan):
                    tg.start_soon(waiter, i, need)
                for i, (_, cancel) in enumerate(plan):
                    if cancel:
                        scopes[i].cancel()
            await clock.sleep(100.0)  # nothing polls once nobody waits
            return got, len(job.calls), hub.stats()["watches"]

    got, polls, watches = anyio.run(scenario)
    kept = {i: need for i, (need, cancel) in enumerate(plan) if not cancel}
    for i, need in kept.items():
        assert got[i]["n"] == need
    assert polls == max(kept.values(), default=polls)
    assert polls <= max(need for need, _ in plan)
    assert watches == 0


backoffs = st.builds(
    lambda initial, grow, multiplier, jitter, reset: Backoff(
        initial, initial * grow, multiplier=multiplier, jitter=jitter, reset_after=reset
    ),
    st.floats(1e-6, 100.0),
    st.sampled_from([1.0, 1.5, 30.0, 1e6]),
    st.sampled_from([1.0, 1.5, 2.0, 10.0]),
    st.sampled_from([0.0, 0.0, 0.2]),
    st.sampled_from([None, None, 60.0]),
)


@settings(max_examples=200, deadline=None)
@given(backoff=backoffs, polls=st.integers(1, 40))
def test_a_watch_s_delays_are_its_backoff_schedule_s(backoff: Backoff, polls: int) -> None:
    """``WatchState.next_delay`` (which skips the maths once a schedule is constant) gives the
    delays and attempt count of the watch's ``BackoffSchedule`` itself."""
    state: WatchState[Any] = WatchState(("", OP), Job(VirtualClock()).fetch, backoff)
    reference = backoff.schedule()
    with use_clock(VirtualClock()):
        for _ in range(polls):
            random.seed(polls)
            expected = reference.next_delay()
            random.seed(polls)
            assert state.next_delay() == expected
            assert state.schedule.attempt == reference.attempt


def test_a_watch_of_waiters_alone_never_compares_snapshots() -> None:
    """Only streams are told whether a snapshot changed: a watch that only waiters ever
    joined does not compare snapshots (an ``__eq__`` may be costly, or fail)."""

    class Snapshot:
        compared = 0

        def __init__(self, n: int) -> None:
            self.n = n

        def __eq__(self, other: object) -> bool:
            Snapshot.compared += 1
            return isinstance(other, Snapshot) and other.n == self.n

        __hash__ = None  # type: ignore[assignment]

    waiter_only: WatchState[Snapshot] = WatchState(("", OP), Job(VirtualClock()).fetch, NO_JITTER)
    waiter_only.subscribers.append(Subscriber(lambda s: s.n >= 3, streaming=False))
    assert [waiter_only.deliver(Snapshot(n)) for n in (1, 2, 3)] == [False, False, True]
    assert Snapshot.compared == 0

    streamed: WatchState[Snapshot] = WatchState(("", OP), Job(VirtualClock()).fetch, NO_JITTER)
    streamed.streamed = True
    stream: Subscriber[Snapshot] = Subscriber(lambda s: s.n >= 3, streaming=True)
    streamed.subscribers.append(stream)
    for n in (1, 1, 2, 3):
        streamed.deliver(Snapshot(n))
    assert [s.n for s in stream.queue] == [1, 2, 3]  # the repeated 1 was not queued
    assert Snapshot.compared > 0
