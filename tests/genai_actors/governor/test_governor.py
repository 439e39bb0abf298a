"""The governor's rules on virtual time: windows, pauses, the day breaker, AIMD, isolation."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest
from hypothesis import given, strategies as st

from genai_actors import RateGovernor, RateLimits, errors
from genai_actors._governor._governor import prompt_tokens, seconds_to_daily_reset
from genai_actors._governor._store import MemoryStore
from supervisors import VirtualClock, use_clock

from .helpers import rate_limited, unavailable

PER_DAY = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"


async def admit_times(gov: RateGovernor, model: str, n: int, clock: VirtualClock) -> list[float]:
    """Admits ``n`` requests of ``model`` one after another; the clock time of each."""
    times = []
    for _ in range(n):
        permit = await gov.acquire(model)
        times.append(clock.now())
        await permit.finish()
    return times


async def test_rpm_exhaustion_waits_for_the_window() -> None:
    """With rpm=3 the 4th request waits until the first leaves the 60 s window."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor({"m": RateLimits(rpm=3)})
        assert await admit_times(gov, "m", 7, clock) == [0, 0, 0, 60, 60, 60, 120]


async def test_concurrent_waiters_are_admitted_in_arrival_order() -> None:
    """Queued callers of one model are admitted first come, first served."""
    clock = VirtualClock()
    order: list[int] = []
    with use_clock(clock):
        gov = RateGovernor({"models/m": RateLimits(rpm=2)}, adaptive=False)

        async def one(i: int) -> None:
            permit = await gov.acquire("m")
            order.append(i)
            await permit.finish()

        await asyncio.gather(*(one(i) for i in range(6)))
    assert order == list(range(6))
    assert clock.now() == 120


async def test_retry_info_pauses_every_caller_of_the_model() -> None:
    """A RetryInfo delay from one call holds every later caller of that model, not others."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor()
        permit = await gov.acquire("m")
        await permit.finish(rate_limited(30))
        assert gov.retry_at("m") == 30
        other = await gov.acquire("other")  # another model is never held up
        assert clock.now() == 0
        await other.finish()
        times = await asyncio.gather(*(admit_times(gov, "m", 1, clock) for _ in range(3)))
    assert times == [[30], [30], [30]]


async def test_503_retry_after_pauses_and_cuts() -> None:
    """A 503 with Retry-After pauses the model; every 503 cuts an adaptive limit."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor()
        permit = await gov.acquire("m")
        error = errors.ServiceUnavailableError(
            503, {"error": {"code": 503}}, headers={"Retry-After": "7"}
        )
        await permit.finish(error)
        assert gov.stats("m")["cuts"] == 1
        assert await admit_times(gov, "m", 1, clock) == [7]


async def test_rpd_exhaustion_fails_at_once() -> None:
    """The governor's own rpd limit refuses at once (no wait) with a per-day typed error."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor({"m": RateLimits(rpd=2, rpm=100)})
        await admit_times(gov, "m", 2, clock)
        with pytest.raises(errors.DailyQuotaExhaustedError) as caught:
            await gov.acquire("m")
    error = caught.value
    assert clock.now() == 0
    assert [s for s in clock.sleeps if s > 0] == []
    assert isinstance(error, errors.RateLimitedError)
    assert error.per_day
    assert error.local
    assert error.model == "m"
    assert error.retry_after == pytest.approx(86_400)
    assert error.retry_at == pytest.approx(86_400)
    assert "daily quota of m" in str(error)


async def test_server_per_day_429_blocks_the_model_until_the_daily_reset() -> None:
    """After a per-day 429 from the server, calls of that model fail fast; others go on."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor()
        permit = await gov.acquire("m")
        await permit.finish(rate_limited(5, quota_id=PER_DAY))
        for _ in range(3):
            with pytest.raises(errors.DailyQuotaExhaustedError) as caught:
                await gov.acquire("m")
            assert not caught.value.local
        await (await gov.acquire("n")).finish()
    reset = seconds_to_daily_reset()
    assert caught.value.retry_after == pytest.approx(reset, abs=5)
    assert clock.now() == 0


def test_daily_reset_is_midnight_pacific() -> None:
    """1 Jan 2026 23:00 Pacific (07:00 UTC on the 2nd) is one hour before the reset."""
    stamp = 1767337200.0  # 2026-01-02T07:00:00Z
    assert seconds_to_daily_reset(stamp) == pytest.approx(3600)


async def test_adaptive_limit_grows_on_success_and_cuts_once_per_burst() -> None:
    """Slow start (+1 per answer) until a 429 burst cuts by a quarter once, then +1/limit."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor()
        assert gov.stats("m")["limit"] == 8
        await admit_times(gov, "m", 8, clock)
        assert gov.stats("m")["limit"] == 16
        permits = [await gov.acquire("m") for _ in range(10)]
        for permit in permits:
            await permit.finish(rate_limited())
        assert gov.stats("m")["limit"] == 12
        assert gov.stats("m")["cuts"] == 1
        await admit_times(gov, "m", 1, clock)
        assert gov.stats("m")["limit"] == pytest.approx(12 + 1 / 12)
        permits = [await gov.acquire("m") for _ in range(2)]
        await permits[0].finish(unavailable())
        await permits[1].finish(unavailable())
        assert gov.stats("m")["cuts"] == 2


async def test_adaptive_limit_stays_under_the_configured_ceiling() -> None:
    """``concurrency`` caps an adaptive limit; it never goes below 1."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor({"m": RateLimits(concurrency=10)})
        await admit_times(gov, "m", 50, clock)
        assert gov.stats("m")["limit"] == 10
        for _ in range(20):
            permit = await gov.acquire("m")
            await permit.finish(rate_limited())
        assert gov.stats("m")["limit"] == 1


async def test_fixed_concurrency_holds_the_rest_until_a_slot_frees() -> None:
    """concurrency=2 (not adaptive): a third caller waits for a finish, then goes."""
    gov = RateGovernor({"m": RateLimits(concurrency=2)}, adaptive=False)
    first = await gov.acquire("m")
    await gov.acquire("m")
    third = asyncio.ensure_future(gov.acquire("m"))
    for _ in range(10):
        await asyncio.sleep(0)
    assert not third.done()
    assert gov.stats("m")["waiting"] == 1
    other = await gov.acquire("other")  # another model is never held up
    await other.finish()
    await first.finish()
    permit = await third
    assert gov.stats("m")["in_flight"] == 2
    await permit.finish()


async def test_a_cancelled_waiter_leaves_the_queue() -> None:
    """Cancelling a caller waiting for a slot frees its place; no slot is lost."""
    gov = RateGovernor({"m": RateLimits(concurrency=1)}, adaptive=False)
    held = await gov.acquire("m")
    waiter = asyncio.ensure_future(gov.acquire("m"))
    for _ in range(10):
        await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    held.abandon()
    assert gov.stats("m") == {"limit": 1.0, "in_flight": 0, "waiting": 0, "cuts": 0}
    await (await gov.acquire("m")).finish()


async def test_a_wait_past_the_deadline_raises_at_once() -> None:
    """A wait that would cross the call's deadline raises RequestTimeoutError, no sleep."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor({"m": RateLimits(rpm=1)})
        await admit_times(gov, "m", 1, clock)
        with pytest.raises(errors.RequestTimeoutError, match=r"60 s \(rpm\)"):
            await gov.acquire("m", deadline=30.0)
        assert clock.now() == 0
        assert await admit_times(gov, "m", 1, clock) == [60]


async def test_tpm_estimate_is_corrected_from_usage() -> None:
    """An over-estimate corrected to the real usage frees the window; without it, a wait."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor({"m": RateLimits(tpm=100)})
        permit = await gov.acquire("m", tokens=80)
        await permit.finish(tokens=10)
        second = await gov.acquire("m", tokens=80)
        assert clock.now() == 0
        await second.finish()
        third = await gov.acquire("m", tokens=80)
        assert clock.now() == 60
        await third.finish()
        huge = await gov.acquire("m", tokens=10_000)  # counts as the whole window, not forever
        assert clock.now() == 120
        await huge.finish()


async def test_gate_reads_the_usage_of_a_read_answer() -> None:
    """The transport's gate corrects tpm from usageMetadata.promptTokenCount in the bytes."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor({"m": RateLimits(tpm=100)})
        gate = gov.gate_for("models/m:generateContent", b"x" * 396)  # estimated at 100
        assert gate is not None
        assert gate.tokens == 100
        await gate.admit(deadline=1e9)
        await gate.settle(None, b'{"usageMetadata": {"promptTokenCount": 4}}')
        permit = await gov.acquire("m", tokens=96)
        assert clock.now() == 0
        await permit.finish()
    assert gov.gate_for("models/m", b"") is None  # model metadata spends no quota
    assert gov.gate_for("files/abc", b"") is None
    assert gov.gate_for("tunedModels/t:generateContent", b"") is not None


@given(st.integers(0, 10**9), st.sampled_from(['"promptTokenCount":{}', '"promptTokenCount": {}']))
def test_prompt_tokens_reads_the_count(n: int, shape: str) -> None:
    """promptTokenCount is read from a JSON body, with or without a space after the colon."""
    body = '{"candidates": [], "usageMetadata": {' + shape.format(n) + ', "totalTokenCount": 9}}'
    assert prompt_tokens(body.encode()) == n
    assert prompt_tokens(b'{"embedding": {"values": [1]}}') is None


def run_now(coro: Coroutine[Any, Any, Any]) -> Any:
    """Runs a coroutine that never suspends (MemoryStore's) to its result."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("suspended")


@given(
    st.integers(1, 20),
    st.lists(st.tuples(st.floats(0, 30), st.integers(1, 25)), min_size=1, max_size=60),
)
def test_memory_store_never_exceeds_a_limit_in_any_window(
    limit: int, arrivals: list[tuple[float, int]]
) -> None:
    """Admitted weights in every sliding 60 s window stay within the limit; a refusal's wait
    is positive and admitting after it succeeds."""
    store = MemoryStore()
    windows = (("tpm", limit, 60.0),)
    now = 0.0
    admitted: list[tuple[float, int]] = []
    for gap, tokens in arrivals:
        now += gap
        weight = min(tokens, limit)
        verdict = run_now(store.admit("m", windows, tokens, now))
        for _ in range(3):  # a wait may end a float rounding short of the window's edge
            if not verdict.wait:
                break
            assert verdict.wait > 0
            assert verdict.reason == "tpm"
            now += verdict.wait
            verdict = run_now(store.admit("m", windows, tokens, now))
        assert not verdict.wait
        admitted.append((now, weight))
        inside = sum(w for t, w in admitted if now - 60.0 < t <= now)
        assert inside <= limit


def test_rate_limits_refuse_bad_values() -> None:
    """A limit that is not a positive int is refused, naming the field."""
    with pytest.raises(errors.InvalidOptionError, match=r"RateLimits\.rpm"):
        RateLimits(rpm=0)
    with pytest.raises(errors.InvalidOptionError, match=r"RateLimits\.tpm"):
        RateLimits(tpm="many")  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidOptionError, match=r"RateLimits\.concurrency"):
        RateLimits(concurrency=True)  # type: ignore[arg-type]
    assert RateLimits(rpm=10.0).rpm == 10  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidOptionError, match="limits"):
        RateGovernor({"m": {"rpm": 1}})  # type: ignore[dict-item]
    with pytest.raises(errors.InvalidOptionError, match="store"):
        RateGovernor(store=object())  # type: ignore[arg-type]


def test_retry_at_is_none_when_free() -> None:
    """retry_at works outside an event loop and is None while a model may send."""
    gov = RateGovernor({"m": RateLimits(rpm=5)})
    assert gov.retry_at("m") is None
    assert gov.retry_after("m") is None
    assert gov.limits_for("models/m") == RateLimits(rpm=5)
    assert gov.limits_for("x") is None


async def test_callers_queued_behind_the_head_keep_their_deadline() -> None:
    """A caller queued behind one waiting for a slot fails at its own deadline."""
    gov = RateGovernor({"m": RateLimits(concurrency=1)}, adaptive=False)
    held = await gov.acquire("m")
    loop = asyncio.get_running_loop()
    head = asyncio.ensure_future(gov.acquire("m"))
    for _ in range(10):
        await asyncio.sleep(0)
    with pytest.raises(errors.RequestTimeoutError, match="queued behind"):
        await gov.acquire("m", deadline=loop.time() + 0.05)
    await held.finish()
    await (await head).finish()
    assert gov.stats("m")["in_flight"] == 0


async def test_try_acquire_never_waits() -> None:
    """try_acquire admits when it can, else returns None (and retry_at says until when)."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor({"m": RateLimits(rpm=2, rpd=3)})
        first = await gov.try_acquire("m")
        second = await gov.try_acquire("m")
        assert first is not None
        assert second is not None
        assert await gov.try_acquire("m") is None
        assert gov.retry_at("m") == 60
        await first.finish()
        await second.finish()
        await clock.advance(60)
        third = await gov.try_acquire("m")
        assert third is not None
        await third.finish()
        await clock.advance(60)
        with pytest.raises(errors.DailyQuotaExhaustedError):
            await gov.try_acquire("m")
    assert clock.now() == 120


async def test_an_unbounded_model_counts_nothing_in_flight() -> None:
    """Not adaptive and no concurrency: nothing is held, and finishing frees nothing."""
    gov = RateGovernor({"m": RateLimits(rpm=100)}, adaptive=False)
    permits = [await gov.acquire("m") for _ in range(50)]
    for permit in permits:
        await permit.finish()
    assert gov.stats("m") == {"limit": float("inf"), "in_flight": 0, "waiting": 0, "cuts": 0}
