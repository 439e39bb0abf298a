"""Streams over loopback: events, mid-stream errors, cuts, idle timeouts, close and cancel."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import errors
from supervisors import VirtualClock, use_clock

from ..core.conftest import API_KEY, Handler, Server, json_error
from .conftest import acquired, make_client

PATH = "models/m:streamGenerateContent"


def sse_handler(*pieces: bytes, then: str = "end") -> Handler:
    """Writes ``pieces`` one by one, then ends, hangs, or cuts the connection."""

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for piece in pieces:
            await resp.write(piece)
            await asyncio.sleep(0)
        if then == "hang":
            await asyncio.Event().wait()
        if then == "cut":
            assert request.transport is not None
            request.transport.close()
            return resp
        await resp.write_eof()
        return resp

    return handler


async def drain(stream: AsyncIterator[bytes], into: list[bytes]) -> None:
    async for payload in stream:
        into.append(payload)  # noqa: PERF401 - keeps what arrived before an error


async def test_stream_yields_each_event_payload(server: Server, http_client: str) -> None:
    """Events split at odd places arrive whole; the request uses alt=sse and the key header."""
    server.handler = sse_handler(b'data: {"n":', b"1}\r\n\r\nda", b'ta: {"n":2}\r\n\r\n')
    async with make_client(server, http_client) as client:
        async with client.api_client.stream("POST", PATH, body=b"{}") as stream:
            got = [json.loads(p) async for p in stream]
        assert acquired(client) == 0
    assert got == [{"n": 1}, {"n": 2}]
    request = server.requests[0]
    assert request.query["alt"] == "sse"
    assert request.headers["x-goog-api-key"] == API_KEY
    assert "key" not in request.query


async def test_error_event_mid_stream_raises_typed_error(server: Server, http_client: str) -> None:
    """An {"error": ...} event after some chunks raises the matching APIError subclass."""
    error = {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}
    server.handler = sse_handler(
        b'data: {"n":1}\n\n', b"data: " + json.dumps(error).encode() + b"\n\n", then="hang"
    )
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        got: list[bytes] = []
        with pytest.raises(errors.ServiceUnavailableError) as caught:
            await drain(stream, got)
        assert got == [b'{"n":1}']
        assert caught.value.message == "overloaded"
        assert stream.closed
        assert acquired(client) == 0


async def test_plain_json_error_body_in_a_200_stream_raises(
    server: Server, http_client: str
) -> None:
    """A multi-line JSON error body with no SSE framing is still mapped to a typed error."""
    body = json.dumps(
        {"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}, indent=2
    )
    server.handler = sse_handler(body.encode())
    async with make_client(server, http_client) as client:
        with pytest.raises(errors.InvalidArgumentError):
            async for _ in client.api_client.stream("POST", PATH, body=b"{}"):
                pass


async def test_stream_cut_midway_raises_stream_cut_error(server: Server, http_client: str) -> None:
    """A connection dropped mid-stream raises StreamCutError after the events already sent."""
    server.handler = sse_handler(b'data: {"n":1}\n\n', b'data: {"n":', then="cut")
    async with make_client(server, http_client) as client:
        got: list[bytes] = []
        with pytest.raises(errors.StreamCutError):
            await drain(client.api_client.stream("POST", PATH, body=b"{}"), got)
    assert got == [b'{"n":1}']


async def test_http_error_is_raised_on_open_and_retried_before_first_byte(
    server: Server, http_client: str
) -> None:
    """An error status is raised by open(); a 503 before the first byte is retried."""
    answers = [json_error(503, "UNAVAILABLE", "busy"), json_error(404, "NOT_FOUND", "no model")]

    async def handler(request: web.Request) -> web.StreamResponse:
        return answers.pop(0)

    server.handler = handler
    clock = VirtualClock()
    with use_clock(clock):
        async with make_client(server, http_client) as client:
            stream = client.api_client.stream("POST", PATH, body=b"{}")
            with pytest.raises(errors.NotFoundError):
                await stream.open()
            assert stream.closed
            with pytest.raises(StopAsyncIteration):
                await stream.__anext__()
    assert len(server.requests) == 2
    assert len(clock.sleeps) == 1


async def test_idle_stream_times_out(server: Server, http_client: str) -> None:
    """A stream silent for longer than stream_idle_timeout fails with StreamIdleTimeoutError."""
    server.handler = sse_handler(b'data: {"n":1}\n\n', then="hang")
    config = ga.TransportConfig(stream_idle_timeout=0.2)
    async with make_client(server, http_client, transport=config) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        assert await stream.__anext__() == b'{"n":1}'
        with pytest.raises(errors.StreamIdleTimeoutError):
            await stream.__anext__()
        await stream.aclose()
        assert acquired(client) == 0


async def test_aclose_from_another_task_ends_a_pending_read(
    server: Server, http_client: str
) -> None:
    """aclose() from another task ends the blocked reader's iteration and frees the socket."""
    server.handler = sse_handler(b'data: {"n":1}\n\n', then="hang")
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        got: list[bytes] = []
        started = asyncio.Event()

        async def consume() -> None:
            async for payload in stream:
                got.append(payload)
                started.set()

        task = asyncio.create_task(consume())
        await started.wait()
        await asyncio.sleep(0.01)
        assert not task.done()
        await stream.aclose()
        await asyncio.wait_for(task, 5)
        assert got == [b'{"n":1}']
        assert acquired(client) == 0
        await asyncio.wait_for(server.disconnected.wait(), 5)
        assert server.disconnects == 1


async def test_aclose_during_open_abandons_it(server: Server, http_client: str) -> None:
    """aclose() while another task is still opening the stream ends that task's iteration."""
    gate = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        await gate.wait()
        return web.Response(text="never")

    server.handler = handler
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        task = asyncio.create_task(anext(stream, None))
        await server.arrived.wait()
        await stream.aclose()
        assert await asyncio.wait_for(task, 5) is None
        assert acquired(client) == 0


async def test_cancelling_a_reader_frees_the_connection(server: Server, http_client: str) -> None:
    """Cancelling the task blocked on a stream closes the response and frees the connection."""
    server.handler = sse_handler(b'data: {"n":1}\n\n', then="hang")
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        assert await stream.__anext__() == b'{"n":1}'
        task = asyncio.create_task(stream.__anext__())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert stream.closed
        assert acquired(client) == 0


async def test_unclosed_open_stream_warns(server: Server, http_client: str) -> None:
    """An opened stream dropped without aclose() emits a ResourceWarning."""
    server.handler = sse_handler(b'data: {"n":1}\n\n', then="hang")
    async with make_client(server, http_client) as client:
        stream = client.api_client.stream("POST", PATH, body=b"{}")
        await stream.open()
        response = stream.response
        assert response is not None
        holder = [stream]
        del stream
        with pytest.warns(ResourceWarning, match="never closed"):
            holder.clear()
        response.close()
