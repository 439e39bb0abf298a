"""The governor on the request path: AsyncClient and Client against the emulator's faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import RateGovernor, RateLimits, errors
from genai_actors.emulator import Emulator, FaultConfig
from supervisors import VirtualClock, use_clock

from ..core.conftest import API_KEY, Server

MODEL = "gemini-2.5-flash"


def client(emu: Emulator, gov: RateGovernor | None, **options: object) -> ga.AsyncClient:
    return ga.AsyncClient(
        api_key=API_KEY, http_options={"base_url": emu.url, **options}, governor=gov
    )


def generated(emu: Emulator) -> int:
    """How many generation requests the emulator received."""
    return sum(1 for r in emu.recorded if r.path.endswith(":generateContent"))


async def wait_until(condition: Callable[[], bool]) -> None:
    """Polls ``condition`` while real I/O progresses (at most 10 s of real time)."""
    limit = time.monotonic() + 10.0
    while not condition():
        assert time.monotonic() < limit, "condition never held"
        await asyncio.sleep(0.002)


async def test_an_injected_429_pauses_every_caller_of_the_model(emu: Emulator) -> None:
    """The emulator's 429 with RetryInfo 20 s holds the other callers too; nothing is sent
    before the 20 s are over, then every call succeeds."""
    clock = VirtualClock(autojump=False)
    with use_clock(clock):
        gov = RateGovernor()
        async with client(emu, gov) as c:
            emu.faults.fail_next(1, 429, model=MODEL, retry_delay=20)
            first = asyncio.ensure_future(c.models.generate_content(model=MODEL, contents="a"))
            await wait_until(lambda: gov.retry_at(MODEL) is not None)
            assert gov.retry_at(MODEL) == pytest.approx(20)
            later = [
                asyncio.ensure_future(c.models.generate_content(model=MODEL, contents="b"))
                for _ in range(3)
            ]
            other = await c.models.generate_content(model="gemini-2.5-pro", contents="c")
            assert other.text
            # the first call's retry wait, and the head of the model's queue (the rest queue
            # behind it without polling)
            await wait_until(lambda: len([s for s in clock.sleeps if s > 0]) >= 2)
            for _ in range(20):
                await asyncio.sleep(0)
            assert generated(emu) == 2  # the 429 and the other model's call
            await clock.advance(20)
            results = await asyncio.gather(first, *later)
    assert all(r.text for r in results)
    assert generated(emu) == 6


async def test_server_per_day_429_then_fail_fast_without_sending(emu: Emulator) -> None:
    """After the emulator's per-day 429, later calls fail at once, never reaching it."""
    emu.faults.configure(FaultConfig(rpd=2), model=MODEL)
    async with client(emu, RateGovernor()) as c:
        for _ in range(2):
            await c.models.generate_content(model=MODEL, contents="a")
        with pytest.raises(errors.RateLimitedError) as first:
            await c.models.generate_content(model=MODEL, contents="a")
        assert first.value.per_day
        assert not isinstance(first.value, errors.DailyQuotaExhaustedError)
        for _ in range(5):
            with pytest.raises(errors.DailyQuotaExhaustedError):
                await c.models.generate_content(model=MODEL, contents="a")
        assert (await c.models.generate_content(model="gemini-2.5-pro", contents="a")).text
    assert generated(emu) == 4


async def test_rpd_limit_fails_fast_through_the_client(emu: Emulator) -> None:
    """The governor's rpd refuses the third call before it is sent."""
    gov = RateGovernor({MODEL: RateLimits(rpd=2)})
    async with client(emu, gov) as c:
        for _ in range(2):
            await c.models.generate_content(model=MODEL, contents="a")
        with pytest.raises(errors.DailyQuotaExhaustedError) as caught:
            await c.models.generate_content(model=MODEL, contents="a")
    assert caught.value.local
    assert generated(emu) == 2


async def test_injected_503s_cut_the_adaptive_limit(emu: Emulator) -> None:
    """503 answers (retried by the transport) cut the model's adaptive concurrency."""
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor()
        async with client(emu, gov) as c:
            emu.faults.fail_next(2, 503, model=MODEL)
            response = await c.models.generate_content(model=MODEL, contents="a")
    assert response.text
    stats = gov.stats(MODEL)
    assert stats["cuts"] == 2  # one request at a time: each 503 is a new round
    assert stats["limit"] == pytest.approx(max(1.0, 8 * 0.75 * 0.75) + 1 / 4.5)
    assert stats["in_flight"] == 0


async def test_rpm_wait_past_the_timeout_raises_without_sending(emu: Emulator) -> None:
    """rpm=2: the third call would wait ~60 s, past its 5 s timeout: it fails at once."""
    gov = RateGovernor({MODEL: RateLimits(rpm=2)})
    async with client(emu, gov, timeout=5000) as c:
        for _ in range(2):
            await c.models.generate_content(model=MODEL, contents="a")
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeoutError, match="rate governor"):
            await c.models.generate_content(model=MODEL, contents="a")
        assert time.monotonic() - started < 2.0
        # model metadata and other models are not governed by MODEL's limit
        await c.models.get(model=MODEL)
        await c.models.generate_content(model="gemini-2.5-pro", contents="a")
    assert generated(emu) == 3


async def test_a_stream_is_admitted_once_and_never_cut(emu: Emulator) -> None:
    """A stream counts once when it opens; a pause set while it runs does not stop it."""
    emu.faults.configure(FaultConfig(stream_event_delay=0.0))
    gov = RateGovernor({MODEL: RateLimits(rpm=1)})
    async with client(emu, gov) as c:
        stream = await c.models.generate_content_stream(
            model=MODEL, contents="tell me a long story " * 20
        )
        await gov.store.pause(MODEL, 3600, 0.0)
        chunks = [chunk async for chunk in stream]
    assert len(chunks) >= 1
    assert gov.retry_after(MODEL) is not None  # rpm=1 spent by the stream (and the pause)
    assert gov.stats(MODEL)["in_flight"] == 0


def test_async_and_blocking_clients_share_one_governor(emu_thread: Emulator) -> None:
    """An AsyncClient and a Client handed the same governor spend one rpm budget."""
    gov = RateGovernor({MODEL: RateLimits(rpm=3)})
    with ga.Client(
        api_key=API_KEY,
        http_options={"base_url": emu_thread.url, "timeout": 5000},
        governor=gov,
    ) as blocking:
        blocking.models.generate_content(model=MODEL, contents="a")
        blocking.models.generate_content(model=MODEL, contents="a")
        assert blocking.aio.governor is gov

        async def one() -> None:
            async with client(emu_thread, gov, timeout=5000) as c:
                await c.models.generate_content(model=MODEL, contents="a")
                with pytest.raises(errors.RequestTimeoutError):
                    await c.models.generate_content(model=MODEL, contents="a")

        asyncio.run(one())
        with pytest.raises(errors.RequestTimeoutError):
            blocking.models.generate_content(model=MODEL, contents="a")
    assert generated(emu_thread) == 3


def test_governor_option_is_checked() -> None:
    """governor= must be a RateGovernor; the default is none."""
    with pytest.raises(errors.InvalidOptionError, match="governor"):
        ga.AsyncClient(api_key=API_KEY, governor=object())  # type: ignore[arg-type]
    assert ga.AsyncClient(api_key=API_KEY).governor is None


async def test_a_governor_wait_shortens_the_attempt_it_admits(server: Server) -> None:
    """After 59.8 s of pause under a 60 s timeout, the attempt gets only the 0.2 s left."""

    async def silent(request: web.Request) -> web.StreamResponse:
        await asyncio.Event().wait()  # never answers
        raise AssertionError

    server.handler = silent
    clock = VirtualClock()
    with use_clock(clock):
        gov = RateGovernor()
        await gov.store.pause(MODEL, 59.8, clock.now())
        async with ga.AsyncClient(
            api_key=API_KEY,
            http_options={"base_url": server.url, "timeout": 60_000},
            governor=gov,
        ) as c:
            started = time.monotonic()
            with pytest.raises(errors.RequestTimeoutError):
                await c.models.generate_content(model=MODEL, contents="a")
    assert time.monotonic() - started < 5.0
    assert len(server.requests) == 1
