"""Streams keep what the server sent: events before a cut, non-SSE answers, empty streams."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import errors
from genai_actors.emulator import Emulator, FaultConfig

from ..core.conftest import API_KEY, Server
from .conftest import acquired, drain, make_client, transport, until_cut_seen

PATH = "models/m:streamGenerateContent"
MODEL = "gemini-2.5-flash"


async def test_events_sent_before_a_cut_reach_a_slow_consumer(
    server: Server, http_client: str
) -> None:
    """Every event that arrived before the connection dropped is delivered, then StreamCutError."""
    gate = asyncio.Event()
    cut = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b'data: {"n":1}\r\n\r\n')
        await gate.wait()
        for n in (2, 3, 4):
            await resp.write(b'data: {"n":%d}\r\n\r\n' % n)
        await resp.write(b'data: {"n":')  # an incomplete event, then the cut
        assert request.transport is not None
        request.transport.abort()
        cut.set()
        return resp

    server.handler = handler
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        got = [await stream.__anext__()]
        gate.set()
        assert stream.response is not None
        await cut.wait()
        # The consumer is slow: the cut is known before it reads again.
        await until_cut_seen(stream.response)
        with pytest.raises(errors.StreamCutError):
            await drain(stream, got)
        assert stream.closed
        assert acquired(client) == 0
    assert [json.loads(p)["n"] for p in got] == [1, 2, 3, 4]


async def test_emulator_stream_cut_after_4_reaches_a_slow_consumer(http_client: str) -> None:
    """With streamCutAfter 4 and a consumer taking 0.15 s per chunk, all 4 chunks arrive."""
    faults = FaultConfig(stream_cut_after=4, stream_event_delay=0.02)
    async with (
        Emulator(api_key=API_KEY, faults=faults, chunk_words=1) as emu,
        ga.AsyncClient(
            api_key=API_KEY, http_options={"base_url": emu.url}, transport=transport(http_client)
        ) as client,
    ):
        chunks: list[object] = []
        stream = await client.models.generate_content_stream(
            model=MODEL, contents="tell me a rather long story about streams"
        )
        with pytest.raises(errors.StreamCutError):
            await drain(stream, chunks, delay=0.15)
        assert len(chunks) == 4


async def test_a_200_html_answer_to_a_stream_is_an_error_quoting_it(
    server: Server, http_client: str
) -> None:
    """A proxy's 200 text/html raises UnknownApiResponseError quoting the page, key scrubbed."""

    async def handler(request: web.Request) -> web.StreamResponse:
        page = f"<html><body>Sign in again (key {API_KEY})</body></html>"
        return web.Response(text=page, content_type="text/html")

    server.handler = handler
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        with pytest.raises(errors.UnknownApiResponseError) as caught:
            await drain(stream, [])
        assert stream.closed
        assert acquired(client) == 0
    text = str(caught.value)
    assert "text/html" in text
    assert "<html><body>Sign in again" in text
    assert API_KEY not in text
    assert "***" in text


async def test_a_200_json_error_envelope_instead_of_a_stream_is_typed(
    server: Server, http_client: str
) -> None:
    """A 200 application/json error envelope answering a stream raises its typed APIError."""

    async def handler(request: web.Request) -> web.StreamResponse:
        error = {"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}}
        return web.json_response(error)

    server.handler = handler
    async with make_client(server, http_client) as client:
        with pytest.raises(errors.RateLimitedError, match="slow down"):
            await drain(client.api_client.stream("POST", PATH, body=b"{}"), [])


@pytest.mark.parametrize(
    "body",
    [b"", b": keep-alive\n\n", b"event: ping\n\n", b"retry: 10\n\n"],
    ids=["empty", "comment", "no-data", "retry-only"],
)
async def test_a_stream_without_a_single_event_is_an_error(
    server: Server, body: bytes, http_client: str
) -> None:
    """An SSE answer that ends without any event raises UnknownApiResponseError, not success."""

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        if body:
            await resp.write(body)
        await resp.write_eof()
        return resp

    server.handler = handler
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        with pytest.raises(errors.UnknownApiResponseError, match="without a single event"):
            await drain(stream, [])
        assert acquired(client) == 0


async def test_the_emulator_stream_still_ends_cleanly(emu_client: ga.AsyncClient) -> None:
    """A normal emulator stream (text/event-stream, several events) still succeeds."""
    chunks = [
        chunk
        async for chunk in await emu_client.models.generate_content_stream(
            model=MODEL, contents="hello there"
        )
    ]
    assert chunks
    assert "".join(c.text or "" for c in chunks)
