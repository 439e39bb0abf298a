"""RedisStore against a real redis-server: shared windows, pauses and day blocks, and two
processes that together never exceed one budget."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import uuid

import pytest

from genai_actors import RateGovernor, RateLimits, RedisStore, errors
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY
from .helpers import rate_limited

WORKER = pathlib.Path(__file__).with_name("redis_worker.py")
ROOT = pathlib.Path(__file__).resolve().parents[3]


def fresh(url: str) -> RedisStore:
    """A store with a prefix of its own, so tests never share keys."""
    return RedisStore(url, prefix=f"test-{uuid.uuid4().hex}")


async def test_windows_are_shared_by_two_governors(redis_server: str) -> None:
    """Two governors (two workers) on one prefix spend one rpm budget."""
    store_a = fresh(redis_server)
    store_b = RedisStore(redis_server, prefix=store_a.prefix)
    limits = {"m": RateLimits(rpm=3)}
    a, b = RateGovernor(limits, store=store_a), RateGovernor(limits, store=store_b)
    try:
        for gov in (a, b, a):
            await (await gov.acquire("m")).finish()
        verdict = await store_b.admit("m", limits["m"].windows(), 0, 0.0)
        assert verdict.reason == "rpm"
        assert 59.0 < verdict.wait <= 60.0
        with pytest.raises(errors.RequestTimeoutError):
            await b.acquire("m", deadline=_loop_now() + 1.0)
        assert a.retry_after("other") is None
        await (await a.acquire("other")).finish()
    finally:
        await a.aclose()
        await b.aclose()


async def test_a_pause_and_a_day_block_reach_every_worker(redis_server: str) -> None:
    """A RetryInfo pause learnt by one worker holds the other; so does a per-day 429."""
    store_a = fresh(redis_server)
    store_b = RedisStore(redis_server, prefix=store_a.prefix)
    a, b = RateGovernor(store=store_a), RateGovernor(store=store_b)
    try:
        permit = await a.acquire("m")
        await permit.finish(rate_limited(30))
        verdict = await store_b.admit("m", (), 0, 0.0)
        assert verdict.reason == "pause"
        assert 29.0 < verdict.wait <= 30.0
        with pytest.raises(errors.RequestTimeoutError, match="pause"):
            await b.acquire("m", deadline=_loop_now() + 1.0)
        assert b.retry_after("m") == pytest.approx(30, abs=1.5)  # what b last heard

        permit = await a.acquire("n")
        await permit.finish(rate_limited(quota_id="GenerateRequestsPerDayPerProjectPerModel"))
        with pytest.raises(errors.DailyQuotaExhaustedError) as caught:
            await b.acquire("n")
        assert not caught.value.local
    finally:
        await a.aclose()
        await b.aclose()


async def test_tpm_correction_and_rpd_in_redis(redis_server: str) -> None:
    """A corrected token count frees the tpm window; rpd refuses at once with the typed error."""
    store = fresh(redis_server)
    gov = RateGovernor({"m": RateLimits(tpm=100, rpd=3)}, store=store)
    try:
        permit = await gov.acquire("m", tokens=80)
        await permit.finish(tokens=10)
        second = await gov.acquire("m", tokens=80, deadline=_loop_now() + 0.5)
        await second.finish()
        with pytest.raises(errors.RequestTimeoutError, match="tpm"):
            await gov.acquire("m", tokens=80, deadline=_loop_now() + 0.5)
        await (await gov.acquire("m", tokens=1)).finish()
        with pytest.raises(errors.DailyQuotaExhaustedError) as caught:
            await gov.acquire("m", tokens=1)
        assert caught.value.local
        assert 86_000 < caught.value.retry_after <= 86_400
    finally:
        await gov.aclose()


def test_redis_store_without_redis_py_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without redis-py, RedisStore says which extra to install."""
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ImportError, match=r"genai-actors\[redis\]"):
        RedisStore("redis://127.0.0.1:1/0")


@pytest.mark.slow
def test_two_processes_sharing_one_budget_never_exceed_it(redis_server: str) -> None:
    """Two worker processes, 15 calls each at once, rpm=10 in one Redis: exactly 10 calls
    reach the emulator and are answered; the other 20 are refused before being sent."""
    prefix = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with Emulator(api_key=API_KEY) as emu:
        procs = [
            subprocess.Popen(
                [sys.executable, str(WORKER), redis_server, prefix, emu.url, API_KEY, "15"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                text=True,
            )
            for _ in range(2)
        ]
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        sent = sum(1 for r in emu.recorded if r.path.endswith(":generateContent"))
    assert [r["other"] for r in results] == [[], []]
    assert sum(r["ok"] for r in results) == 10
    assert sum(r["refused"] for r in results) == 20
    assert sent == 10


def _loop_now() -> float:
    import asyncio

    return asyncio.get_running_loop().time()
