"""A fan-out goes through the client's rate governor: its limits hold, refusals are per input."""

from __future__ import annotations

import time

import genai_actors as ga
from genai_actors.emulator import Emulator, FaultConfig

from ._inputs import MODEL


async def test_the_governors_daily_quota_fails_the_excess_inputs_fast(emu: Emulator) -> None:
    governor = ga.RateGovernor(limits={MODEL: ga.RateLimits(rpd=5)})
    async with ga.AsyncClient(
        api_key="k", http_options={"base_url": emu.url}, governor=governor
    ) as client:
        results = [r async for r in client.fanout([f"q{i}" for i in range(12)], model=MODEL)]
    assert sorted(r.index for r in results) == list(range(12))
    answered = [r for r in results if r.ok]
    refused = [r for r in results if not r.ok]
    assert len(answered) == 5
    assert len(refused) == 7
    for result in refused:
        assert isinstance(result.error, ga.errors.DailyQuotaExhaustedError)
        assert result.attempts == 1  # a per-day refusal is never retried
    assert sum(1 for r in emu.recorded if r.path.endswith(":generateContent")) == 5


async def test_the_governors_concurrency_caps_the_fan_out(emu: Emulator) -> None:
    emu.faults.configure(FaultConfig(latency=0.05))
    governor = ga.RateGovernor(limits={MODEL: ga.RateLimits(concurrency=2)}, adaptive=False)
    async with ga.AsyncClient(
        api_key="k", http_options={"base_url": emu.url}, governor=governor
    ) as client:
        started = time.monotonic()
        stream = client.fanout([f"q{i}" for i in range(12)], model=MODEL, concurrency=16)
        async with stream:
            async for _ in stream:
                pass
        took = time.monotonic() - started
    assert stream.stats.done == 12
    # 12 requests of 50 ms, two at a time, cannot take less than 6 x 50 ms (16 at a time: 50 ms).
    assert took >= 0.29
