"""The scheduler's loop timer on real event loops: it fires about once per poll, never spins."""

from __future__ import annotations

import asyncio
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
