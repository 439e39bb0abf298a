"""The session's own heartbeat: pings answered keep it, a peer that stops answering is dropped."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import anyio
import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import errors
from genai_actors._live import LiveOptions
from genai_actors.emulator import Emulator

from .conftest import API_KEY, MODEL, TEXT, text_of, turn

BEAT = 0.05  # against a peer that never answers: dropped within two beats
ANSWERED_BEAT = 0.2  # against the emulator: room for a loaded machine to answer in time


async def test_answered_pings_keep_an_idle_session_and_a_slow_reader(emu: Emulator) -> None:
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
        client.live.options = LiveOptions(heartbeat=ANSWERED_BEAT, inbox_size=1)
        async with client.live.connect(model=MODEL, config=TEXT) as session:
            await anyio.sleep(3 * ANSWERED_BEAT)  # idle: pings, each answered
            await session.send_client_content(turns="Hello")
            await anyio.sleep(3 * ANSWERED_BEAT)  # the answer waits on a full inbox, unread
            assert "Hello" in text_of(await turn(session))
            assert session.events == []


@pytest.fixture
async def mute_server() -> AsyncIterator[str]:
    """A Live endpoint that completes the setup, then reads but never answers a ping."""

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        await ws.receive()  # the setup
        await ws.send_str('{"setupComplete": {}}')
        async for _ in ws:  # pings ignored, until the client goes
            pass
        return ws

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_peer_that_stops_answering_pings_is_dropped(mute_server: str) -> None:
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": mute_server}) as client:
        client.live.options = LiveOptions(heartbeat=BEAT)
        await client.api_client.tree.ensure()  # type: ignore[union-attr]
        tasks = asyncio.all_tasks()
        async with client.live.connect(model=MODEL, config=TEXT) as session:
            with anyio.fail_after(20 * BEAT), pytest.raises(errors.SessionClosed) as lost:
                async for _ in session:
                    pass
            assert (lost.value.code, lost.value.resumable) == (1006, False)
            assert "no answer to a ping" in lost.value.reason
            assert [e.kind for e in session.events] == ["disconnected", "closed"]
        assert client.live.http.users == 0
        assert asyncio.all_tasks() <= tasks


async def test_without_heartbeat_no_ping_is_sent(mute_server: str) -> None:
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": mute_server}) as client:
        client.live.options = LiveOptions(heartbeat=None)
        async with client.live.connect(model=MODEL, config=TEXT) as session:
            await anyio.sleep(4 * BEAT)
            assert not session.closed
            assert session.events == []
