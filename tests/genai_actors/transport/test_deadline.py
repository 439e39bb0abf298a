"""A call's timeout covers its lazy set-up (session, SSL context, connector) too."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web

from genai_actors import errors
from supervisors import VirtualClock, use_clock

from ..core.conftest import Server
from .conftest import drain, make_client


def slow_handler(delay: float) -> object:
    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(delay)
        if request.query.get("alt") == "sse":
            resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await resp.prepare(request)
            await resp.write(b'data: {"n":1}\n\n')
            await resp.write_eof()
            return resp
        return web.json_response({"ok": True})

    return handler


def slow_opening(pool: object, clock: VirtualClock, took: float) -> object:
    """A replacement for ``SessionPool.open`` whose set-up takes ``took`` virtual seconds."""
    real_open = pool.open  # type: ignore[attr-defined]

    async def open_slowly() -> aiohttp.ClientSession:
        await clock.advance(took)
        session: aiohttp.ClientSession = await real_open()
        return session

    return open_slowly


async def test_slow_first_set_up_counts_against_the_timeout(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set-up that took 0.95 s of a 1 s timeout leaves the request 0.05 s: it times out."""
    server.handler = slow_handler(0.3)  # type: ignore[assignment]
    clock = VirtualClock(autojump=False)
    with use_clock(clock):
        async with make_client(server, timeout=1000, retry_options={"attempts": 1}) as client:
            pool = client.api_client._pool
            monkeypatch.setattr(pool, "open", slow_opening(pool, clock, 0.95))
            with pytest.raises(errors.RequestTimeoutError):
                await client.api_client.request("GET", "models")
            monkeypatch.undo()
            resp = await client.api_client.request("GET", "models")  # set up: the full budget
    assert resp.json() == {"ok": True}


async def test_set_up_past_the_deadline_sends_nothing(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set-up longer than the whole timeout fails the call before anything is sent."""
    server.handler = slow_handler(0.0)  # type: ignore[assignment]
    clock = VirtualClock(autojump=False)
    with use_clock(clock):
        async with make_client(server, timeout=1000) as client:
            pool = client.api_client._pool
            monkeypatch.setattr(pool, "open", slow_opening(pool, clock, 1.5))
            with pytest.raises(errors.RequestTimeoutError, match="before the request was sent"):
                await client.api_client.request("GET", "models")
    assert server.requests == []


async def test_a_stream_with_a_timeout_counts_its_set_up_too(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stream with an explicit timeout opens within what its set-up left of it."""
    server.handler = slow_handler(0.3)  # type: ignore[assignment]
    clock = VirtualClock(autojump=False)
    with use_clock(clock):
        async with make_client(server, timeout=1000, retry_options={"attempts": 1}) as client:
            pool = client.api_client._pool
            monkeypatch.setattr(pool, "open", slow_opening(pool, clock, 0.95))
            stream = client.api_client.stream("POST", "models/m:streamGenerateContent", body=b"{}")
            with pytest.raises(errors.RequestTimeoutError):
                await drain(stream, [])
