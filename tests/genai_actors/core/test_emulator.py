"""The client core against the project's Gemini emulator (real wire protocol, faults)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors.emulator import Emulator, FaultConfig
from supervisors import VirtualClock, use_clock

from .conftest import API_KEY

BODY = json.dumps({"contents": [{"role": "user", "parts": [{"text": "Say hi"}]}]}).encode()
GENERATE = "models/gemini-2.5-flash:generateContent"
STREAM = "models/gemini-2.5-flash:streamGenerateContent"


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """An emulator accepting only API_KEY."""
    async with Emulator(api_key=API_KEY) as emu:
        yield emu


async def test_generate_and_stream(emulator: Emulator) -> None:
    """generateContent answers JSON; the stream yields several JSON events; pool is reused."""
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emulator.url}) as client:
        api = client.api_client
        reply = (await api.request("POST", GENERATE, body=BODY)).json()
        assert reply["candidates"][0]["content"]["parts"][0]["text"]
        async with api.stream("POST", STREAM, body=BODY) as stream:
            events = [json.loads(p) async for p in stream]
        assert len(events) >= 1
        assert all("candidates" in e or "usageMetadata" in e for e in events)


async def test_wrong_key_is_a_typed_error_without_the_key(emulator: Emulator) -> None:
    """A rejected key raises a ClientError subclass whose text does not contain the key."""
    key = "wrong-key-123456"
    async with ga.AsyncClient(api_key=key, http_options={"base_url": emulator.url}) as client:
        with pytest.raises(errors.ClientError) as caught:
            await client.api_client.request("POST", GENERATE, body=BODY)
    assert caught.value.code in (400, 401, 403)
    assert key not in str(caught.value)


async def test_emulator_stream_faults_map_to_typed_errors(emulator: Emulator) -> None:
    """Mid-stream error events and cut streams from the emulator raise the typed errors."""
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emulator.url}) as client:
        emulator.faults.configure(FaultConfig(stream_error_after=1, stream_error_status=503))
        with pytest.raises(errors.ServiceUnavailableError):
            async for _ in client.api_client.stream("POST", STREAM, body=BODY):
                pass
        emulator.faults.configure(FaultConfig(stream_cut_after=1))
        with pytest.raises(errors.StreamCutError):
            async for _ in client.api_client.stream("POST", STREAM, body=BODY):
                pass


async def test_emulator_per_day_quota_is_not_retried(emulator: Emulator) -> None:
    """The emulator's per-day 429 is raised at once, with its quota id."""
    emulator.faults.configure(FaultConfig(rpd=1))
    clock = VirtualClock()
    with use_clock(clock):
        async with ga.AsyncClient(
            api_key=API_KEY, http_options={"base_url": emulator.url}
        ) as client:
            await client.api_client.request("POST", GENERATE, body=BODY)
            with pytest.raises(errors.RateLimitedError) as caught:
                await client.api_client.request("POST", GENERATE, body=BODY)
    assert caught.value.per_day
    assert clock.sleeps == []
