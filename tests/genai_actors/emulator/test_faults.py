"""Fault injection: quotas with RetryInfo, random 5xx, fail-next, latency, cut streams, admin."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from genai_actors.emulator import Emulator, FaultConfig

from .conftest import KEY, Raw, user

GEN = "v1beta/models/gemini-2.5-flash:generateContent"
PRO = "v1beta/models/gemini-2.5-pro:generateContent"
BODY = {"contents": [user("hi")]}


class FakeClock:
    """A manually advanced monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session."""
    async with aiohttp.ClientSession() as s:
        yield s


def _detail(body: dict[str, Any], suffix: str) -> dict[str, Any]:
    return next(d for d in body["error"]["details"] if d["@type"].endswith(suffix))


async def test_rpm_quota_gives_429_with_retry_info_until_the_window_frees(
    session: aiohttp.ClientSession,
) -> None:
    """Past rpm, 429 RESOURCE_EXHAUSTED carries QuotaFailure and RetryInfo; the window frees."""
    clock = FakeClock()
    async with Emulator(faults=FaultConfig(rpm=2), clock=clock) as emu:
        raw = Raw(session, emu.url)
        assert (await raw.post(GEN, BODY))[0] == 200
        clock.now += 7
        assert (await raw.post(GEN, BODY))[0] == 200
        clock.now += 0.5
        status, body = await raw.post(GEN, BODY)
        assert status == 429
        assert body["error"]["status"] == "RESOURCE_EXHAUSTED"
        assert _detail(body, "RetryInfo")["retryDelay"] == "53s"
        quota = _detail(body, "QuotaFailure")["violations"][0]
        assert quota["quotaId"].startswith("GenerateRequestsPerMinute")
        assert quota["quotaDimensions"]["model"] == "gemini-2.5-flash"
        # Quotas are per model: another model is unaffected.
        assert (await raw.post(PRO, BODY))[0] == 200
        # countTokens and reads do not consume generation quota.
        assert (await raw.get("v1beta/models"))[0] == 200
        clock.now += 53
        assert (await raw.post(GEN, BODY))[0] == 200


async def test_rpd_quota_reports_a_per_day_quota_id(session: aiohttp.ClientSession) -> None:
    """A per-day quota is told apart by its quotaId."""
    async with Emulator(faults=FaultConfig(rpd=1)) as emu:
        raw = Raw(session, emu.url)
        assert (await raw.post(GEN, BODY))[0] == 200
        status, body = await raw.post(GEN, BODY)
        assert status == 429
        assert "PerDay" in _detail(body, "QuotaFailure")["violations"][0]["quotaId"]


async def test_error_rate_is_seeded_and_deterministic(session: aiohttp.ClientSession) -> None:
    """The same seed and request order produce the same 500/503 pattern."""
    patterns = []
    for _ in range(2):
        async with Emulator(seed=7, faults=FaultConfig(error_rate=0.5)) as emu:
            raw = Raw(session, emu.url)
            statuses = [(await raw.post(GEN, BODY))[0] for _ in range(30)]
        patterns.append(statuses)
    assert patterns[0] == patterns[1]
    assert set(patterns[0]) == {200, 500, 503}


async def test_error_statuses_carry_the_envelope(session: aiohttp.ClientSession) -> None:
    """Injected 503s use the real UNAVAILABLE envelope."""
    async with Emulator(faults=FaultConfig(error_rate=1.0, error_statuses=(503,))) as emu:
        status, body = await Raw(session, emu.url).post(GEN, BODY)
    assert status == 503
    assert body["error"] == {
        "code": 503,
        "message": "The model is overloaded. Please try again later.",
        "status": "UNAVAILABLE",
    }


async def test_fail_next_is_scripted_per_model_and_in_order(raw: Raw, emu: Emulator) -> None:
    """fail_next fails exactly N matching requests, then requests succeed again."""
    emu.faults.fail_next(2, 500, model="gemini-2.5-pro")
    emu.faults.fail_next(1, 429, retry_delay=9)
    assert (await raw.post(GEN, BODY))[0] == 429
    assert (await raw.post(GEN, BODY))[0] == 200
    assert (await raw.post(PRO, BODY))[0] == 500
    status, _body = await raw.post(PRO, BODY)
    assert status == 500
    assert (await raw.post(PRO, BODY))[0] == 200


async def test_fail_next_429_has_retry_info(raw: Raw, emu: Emulator) -> None:
    """A scripted 429 carries the requested retry delay."""
    emu.faults.fail_next(1, 429, retry_delay=12.2)
    status, body = await raw.post(GEN, BODY)
    assert status == 429
    assert _detail(body, "RetryInfo")["retryDelay"] == "13s"


async def test_per_model_faults_override_the_default(raw: Raw, emu: Emulator) -> None:
    """A model's own FaultConfig replaces the default for it only; None removes it."""
    emu.faults.configure(
        FaultConfig(error_rate=1.0, error_statuses=(500,)), model="models/gemini-2.5-pro"
    )
    assert (await raw.post(PRO, BODY))[0] == 500
    assert (await raw.post(GEN, BODY))[0] == 200
    emu.faults.configure(None, model="gemini-2.5-pro")
    assert (await raw.post(PRO, BODY))[0] == 200


async def test_latency_delays_the_response(raw: Raw, emu: Emulator) -> None:
    """Added latency is applied before the request is answered."""
    emu.faults.configure(FaultConfig(latency=0.2))
    start = time.monotonic()
    assert (await raw.post(GEN, BODY))[0] == 200
    assert time.monotonic() - start >= 0.19


async def test_stream_cut_drops_the_connection_mid_body(emu: Emulator) -> None:
    """A stream cut after N events delivers N events then fails without a clean end."""
    emu.faults.configure(FaultConfig(stream_cut_after=2))
    url = f"{emu.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    received = bytearray()

    async def drain(resp: aiohttp.ClientResponse) -> None:
        async for chunk in resp.content.iter_any():
            received.extend(chunk)

    async with (
        aiohttp.ClientSession() as s,
        s.post(url, json={"contents": [user("a long tale")]}, headers=KEY) as resp,
    ):
        assert resp.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await drain(resp)
    assert received.count(b"data: ") == 2
    assert received.endswith(b"\r\n\r\n")
    assert b"finishReason" not in received


async def test_stream_event_delay_spaces_events(emu: Emulator) -> None:
    """stream_event_delay waits between events."""
    emu.faults.configure(FaultConfig(stream_event_delay=0.05))
    url = f"{emu.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    async with aiohttp.ClientSession() as s:
        start = time.monotonic()
        async with s.post(url, json={"contents": [user("tale")]}, headers=KEY) as resp:
            body = await resp.read()
    events = body.count(b"data: ")
    assert time.monotonic() - start >= 0.05 * (events - 1) * 0.9


def test_fault_config_validation() -> None:
    """Impossible fault settings are refused at construction."""
    for bad in (
        {"rpm": -1},
        {"error_rate": 1.5},
        {"error_statuses": (200,)},
        {"latency": -1.0},
        {"stream_cut_after": -2},
    ):
        with pytest.raises(ValueError):
            FaultConfig(**bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Emulator().faults.fail_next(0)


async def test_admin_endpoint_configures_faults(emu: Emulator) -> None:
    """POST /_emulator/faults and fail-next configure a running emulator over HTTP."""
    async with aiohttp.ClientSession() as s:
        raw = Raw(s, emu.url)
        status, snap = await raw.post(
            "_emulator/faults", {"model": "gemini-2.5-pro", "errorRate": 1, "errorStatuses": [503]}
        )
        assert status == 200
        assert snap["models"]["gemini-2.5-pro"]["error_rate"] == 1
        assert (await raw.post(PRO, BODY))[0] == 503
        status, _ = await raw.post("_emulator/faults/fail-next", {"count": 1, "status": 500})
        assert status == 200
        assert (await raw.post(GEN, BODY))[0] == 500
        status, _ = await raw.post("_emulator/faults", {"rpm": "lots"})
        assert status == 400
        status, _body = await raw.post("_emulator/faults", {"error_rate": 3})
        assert status == 400
        status, _ = await raw.call("DELETE", "_emulator/faults")
        assert status == 200
        assert (await raw.post(PRO, BODY))[0] == 200
        status, faults = await raw.get("_emulator/faults")
        assert faults["models"] == {}
        assert faults["failNext"] == []


async def test_recorder_captures_requests_and_clears(raw: Raw, emu: Emulator) -> None:
    """Every API request is recorded with method, path, query, headers, JSON and size."""
    emu.recorded.clear()
    await raw.post(f"{GEN}", BODY, params={"alt": "x"})
    await raw.post(GEN, data=b"nope", headers={"x-goog-api-key": "k"})
    await raw.get("_emulator/health")
    assert len(emu.recorded) == 2
    first, second = emu.recorded[0], emu.recorded[1]
    assert first.method == "POST"
    assert first.path == f"/{GEN}"
    assert first.query == {"alt": "x"}
    assert first.headers["x-goog-api-key"] == "test-key"
    assert first.json == BODY
    assert first.body_size > 0
    assert "test-key" not in repr(first)
    assert second.json is None
    assert second.body_size == 4
    _status, log = await raw.get("_emulator/recorded")
    assert [r["path"] for r in log["requests"]] == [f"/{GEN}", f"/{GEN}"]
    emu.recorded.clear()
    assert len(emu.recorded) == 0


async def test_concurrent_requests_are_served(raw: Raw) -> None:
    """Many concurrent requests all succeed (no shared-state races on the hot path)."""
    results = await asyncio.gather(
        *(raw.post(GEN, {"contents": [user(str(i))]}) for i in range(50))
    )
    assert all(status == 200 for status, _ in results)


async def test_stream_error_event_mid_stream(emu: Emulator) -> None:
    """stream_error_after sends N events, then an error event, then ends the stream cleanly."""
    emu.faults.configure(FaultConfig(stream_error_after=1, stream_error_status=500))
    url = f"{emu.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    async with (
        aiohttp.ClientSession() as s,
        s.post(url, json={"contents": [user("tale")]}, headers=KEY) as resp,
    ):
        assert resp.status == 200
        body = await resp.read()
    events = [e for e in body.split(b"\r\n\r\n") if e]
    assert len(events) == 2
    assert events[1] == (
        b'data: {"error":{"code":500,"message":"An internal error has occurred. Please retry or '
        b'report in https://developers.generativeai.google/guide/troubleshooting",'
        b'"status":"INTERNAL"}}'
    )


async def test_emulator_bugs_answer_with_a_500_envelope(
    raw: Raw, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception in a handler becomes a JSON 500 INTERNAL envelope."""
    from genai_actors.emulator import _generate

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(_generate, "generate_content", broken)
    status, body = await raw.post(GEN, BODY)
    assert status == 500
    assert body["error"]["status"] == "INTERNAL"
    assert "RuntimeError: simulated bug" in body["error"]["message"]
