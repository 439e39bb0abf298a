"""Laws of the shared watcher, checked with Hypothesis on virtual time."""

from __future__ import annotations

from typing import Any

import anyio
from hypothesis import HealthCheck, given, settings, strategies as st

from .conftest import Job, virtual_hub

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
