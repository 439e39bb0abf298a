"""Ephemeral tokens on the constrained endpoint: accepted, used up, expired, locked fields."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors.emulator import Emulator

from .conftest import API_KEY, MODEL, TEXT, text_of, turn


class _Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
async def emu(clock: _Clock) -> AsyncIterator[Emulator]:
    async with Emulator(api_key=API_KEY, clock=clock) as emulator:
        yield emulator


async def _token(client: ga.AsyncClient, **config: object) -> str:
    token = await client.auth_tokens.create(config=config)
    assert token.name is not None
    return token.name


async def test_a_token_opens_sessions_until_its_uses_run_out(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    name = await _token(client, uses=2)
    async with ga.AsyncClient(api_key=name, http_options={"base_url": emu.url}) as browser:
        for _ in range(2):
            async with browser.live.connect(model=MODEL, config=TEXT) as session:
                await session.send_realtime_input(text="Hello from the browser")
                assert "Hello from the browser" in text_of(await turn(session))
        with pytest.raises(errors.SessionClosed) as used_up:
            async with browser.live.connect(model=MODEL, config=TEXT):
                pass
    assert (used_up.value.code, used_up.value.reason) == (
        1008,
        "The ephemeral auth token has no uses left.",
    )


async def test_an_expired_token_or_a_closed_window_is_refused(
    client: ga.AsyncClient, emu: Emulator, clock: _Clock
) -> None:
    expiring = await _token(client, uses=0)
    window = await _token(client, uses=0)
    clock.now += 120  # past the default 1-minute new-session window
    async with ga.AsyncClient(api_key=window, http_options={"base_url": emu.url}) as browser:
        with pytest.raises(errors.SessionClosed, match="can no longer start new sessions"):
            async with browser.live.connect(model=MODEL, config=TEXT):
                pass
    clock.now += 3600  # past the default 30-minute life
    async with ga.AsyncClient(api_key=expiring, http_options={"base_url": emu.url}) as browser:
        with pytest.raises(errors.SessionClosed, match="invalid or has expired"):
            async with browser.live.connect(model=MODEL, config=TEXT):
                pass


async def test_locked_fields_are_enforced_and_applied(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    now = datetime.datetime.now(datetime.UTC)
    token = await client.auth_tokens.create(
        config=types.CreateAuthTokenConfig(
            uses=0,
            expire_time=now + datetime.timedelta(minutes=10),
            live_connect_constraints=types.LiveConnectConstraints(
                model=MODEL,
                config=types.LiveConnectConfig(response_modalities=["TEXT"], temperature=0.3),
            ),
            lock_additional_fields=[],
        )
    )
    assert token.name is not None
    async with ga.AsyncClient(api_key=token.name, http_options={"base_url": emu.url}) as browser:
        with pytest.raises(errors.SessionClosed) as locked:
            async with browser.live.connect(model=MODEL, config={"temperature": 0.9}):
                pass
        assert locked.value.code == 1008
        assert "generationConfig.temperature" in locked.value.reason
        # Fields the token sets need not be repeated: the locked setup applies.
        async with browser.live.connect(model=MODEL) as session:
            await session.send_realtime_input(text="Locked but fine")
            assert "Locked but fine" in text_of(await turn(session))


async def test_a_regular_key_is_refused_on_the_constrained_endpoint(emu: Emulator) -> None:
    import aiohttp

    url = emu.url.replace("http", "ws") + (
        "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained"
    )
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers={"x-goog-api-key": API_KEY}) as ws,
    ):
        await ws.send_json({"setup": {"model": f"models/{MODEL}"}})
        message = await ws.receive()
        assert message.type == aiohttp.WSMsgType.CLOSE
        assert ws.close_code == 1008
        assert "needs an ephemeral auth token" in message.extra
