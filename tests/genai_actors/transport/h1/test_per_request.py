"""What h1 keeps between requests and skips per request: encoded heads cached per URL and
headers, a body that came with its head handed out whole, ``header_dict``, the deadline list."""

from __future__ import annotations

import asyncio
import gzip

import pytest
import yarl

from genai_actors._transport._aiohttp import AiohttpSession
from genai_actors._transport._h1 import H1Session, PayloadError, RequestError, TotalTimeout
from genai_actors._transport._session import TransportConfig
from genai_actors._transport._timeouts import Timeouts

from .conftest import RawServer, Request, read_request, response


def _recording(answer: bytes):  # type: ignore[no-untyped-def]
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        while (request := await read_request(reader)) is not None:
            server.requests.append(request)
            writer.write(answer)
            await writer.drain()

    return handler


async def test_cached_head_follows_a_header_that_changes(
    raw: RawServer, session: H1Session
) -> None:
    """One URL object and one headers dict, changed between requests: each request carries
    the headers it was given, and Content-Length follows each body."""
    headers = {"x-token": "one", "Content-Type": "application/json"}
    url = raw.url.with_path("/v1/x")
    bodies = [b"{}", b'{"a": 1}', b"{}"]
    for index, body in enumerate(bodies):
        if index == 1:
            headers["x-token"] = "two"
        if index == 2:
            headers["x-extra"] = "three"
        resp = await session.request("POST", url, data=body, headers=headers)
        assert await resp.read() == b"ok"
    got: list[Request] = raw.requests
    assert [r.headers["x-token"] for r in got] == ["one", "two", "two"]
    assert [r.headers.get("x-extra") for r in got] == [None, None, "three"]
    assert [r.body for r in got] == bodies
    assert [r.headers["content-length"] for r in got] == ["2", "8", "2"]
    # Without a body: a GET has no Content-Length, a POST says 0; both from the same URL.
    for method in ("GET", "POST", "GET"):
        resp = await session.request(method, url, headers=headers)
        await resp.read()
    assert [r.headers.get("content-length") for r in raw.requests[3:]] == [None, "0", None]
    assert [r.line for r in raw.requests[3:]] == [
        "GET /v1/x HTTP/1.1",
        "POST /v1/x HTTP/1.1",
        "GET /v1/x HTTP/1.1",
    ]


async def test_cached_head_still_refuses_line_breaks(raw: RawServer, session: H1Session) -> None:
    """A header value with a line break is refused every time, cached heads or not."""
    url = raw.url
    good = {"x-a": "fine"}
    await (await session.request("GET", url, headers=good)).read()
    for _ in range(2):
        with pytest.raises(RequestError):
            await session.request("GET", url, headers={"x-a": "bad\r\nx-b: injected"})
    await (await session.request("GET", url, headers=good)).read()
    assert len(raw.requests) == 2


async def test_equal_urls_of_other_objects_and_many_urls(
    raw: RawServer, session: H1Session
) -> None:
    """Requests go to the URL given whether its object is new or reused, past the cache's
    bound."""
    for index in range(600):
        path = f"/p{index % 300}"
        url = raw.url.with_path(path) if index % 2 else yarl.URL(str(raw.url.with_path(path)))
        await (await session.request("GET", url)).read()
    assert [r.line.split()[1] for r in raw.requests] == [f"/p{i % 300}" for i in range(600)]
    assert raw.connections == 1


async def test_paths_of_one_origin_share_its_header_block(
    raw: RawServer, session: H1Session
) -> None:
    """New paths on one origin reuse the headers encoded for it: each request still carries
    its own request line, the headers it was given and its own Content-Length; a change of
    headers, method or body is followed; a target with a line break is refused."""
    headers = {"x-token": "one"}
    for index in range(4):
        if index == 2:
            headers["x-token"] = "two"
        url = raw.url.with_path(f"/v1/op{index}")
        body = b"{}" if index % 2 else None
        await (await session.request("POST", url, data=body, headers=headers)).read()
    await (await session.request("GET", raw.url.with_path("/v1/op9"), headers=headers)).read()
    got: list[Request] = raw.requests
    assert [r.line for r in got] == [
        "POST /v1/op0 HTTP/1.1",
        "POST /v1/op1 HTTP/1.1",
        "POST /v1/op2 HTTP/1.1",
        "POST /v1/op3 HTTP/1.1",
        "GET /v1/op9 HTTP/1.1",
    ]
    assert [r.headers["x-token"] for r in got] == ["one", "one", "two", "two", "two"]
    assert [r.headers.get("content-length") for r in got] == ["0", "2", "0", "2", None]
    assert [r.body for r in got] == [b"", b"{}", b"", b"{}", b""]
    assert {r.headers["host"] for r in got} == {raw.url.host_port_subcomponent}
    with pytest.raises(RequestError):
        await session.request("GET", raw.url.with_path("/a\r\nx-b: c", encoded=True))
    assert len(raw.requests) == 5


async def test_a_body_with_its_head_is_read_without_waiting(
    raw: RawServer, session: H1Session
) -> None:
    """A body that came in the head's read is whole: read() finishes on its first step (no
    await), the connection is already back in the pool, content reads it from memory."""
    raw.handler = _recording(response(b"whole body"))
    resp = await session.request("GET", raw.url)
    assert session.idle_connections == 1  # back in the pool before anything was read
    coro = resp.read()
    with pytest.raises(StopIteration) as done:
        coro.send(None)
    assert done.value.value == b"whole body"
    assert await resp.read() == b""  # read once, as a reader's buffer
    assert resp.content.at_eof()
    resp.release()

    other = await session.request("GET", raw.url)
    assert await other.content.read(5) == b"whole"  # content first: made from the body
    assert await other.content.readany() == b" body"
    assert await other.content.readany() == b""
    assert await other.read() == b""


async def test_a_compressed_body_with_its_head_is_decoded(
    raw: RawServer, session: H1Session
) -> None:
    """A gzip body that came whole is decoded; one cut inside the compressed stream fails its
    read (not the request), with the decoded bytes first for readany."""
    text = b"the quick brown fox " * 200
    wire = gzip.compress(text)

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        while (request := await read_request(reader)) is not None:
            body = wire[:-12] if "/cut" in request.line else wire
            writer.write(response(body, headers={"Content-Encoding": "gzip"}))
            await writer.drain()

    raw.handler = handler
    resp = await session.request("GET", raw.url)
    assert await resp.read() == text
    resp = await session.request("GET", raw.url.with_path("/cut"))
    with pytest.raises(PayloadError):
        await resp.read()
    cut = await session.request("GET", raw.url.with_path("/cut"))
    assert text.startswith(await cut.content.readany())
    with pytest.raises(PayloadError):
        await cut.content.readany()


async def test_a_stream_stays_incremental(raw: RawServer, session: H1Session) -> None:
    """A body that has not all come with the head is read as it arrives: the request returns
    with the first bytes, the rest comes later through the same reader."""
    more = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n")
        await writer.drain()
        await more.wait()
        writer.write(b"6\r\nsecond\r\n0\r\n\r\n")
        await writer.drain()
        await reader.read()

    raw.handler = handler
    resp = await session.request("GET", raw.url)
    assert await resp.content.readany() == b"first"
    assert not resp.content.at_eof()
    assert session.in_flight == 1  # the body is not in yet: the connection is still leased
    more.set()
    assert await resp.read() == b"second"
    assert resp.content.at_eof()
    assert session.in_flight == 0


@pytest.mark.parametrize("client", ["h1", "aiohttp"])
async def test_header_dict(raw: RawServer, client: str) -> None:
    """Lowercase names, a repeated header's values joined with ", " in order, built once; the
    same on both clients."""
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Multi: a\r\nContent-Type: text/plain\r\n"
        b"x-multi: b\r\nX-MULTI: c\r\n\r\nok"
    )
    raw.handler = _recording(answer)
    session = H1Session() if client == "h1" else AiohttpSession(TransportConfig(), 2**16)
    try:
        resp = await session.request("GET", raw.url)
        try:
            got = resp.header_dict()
            assert got == {
                "content-length": "2",
                "x-multi": "a, b, c",
                "content-type": "text/plain",
            }
            assert resp.header_dict() is got
            assert resp.headers["X-Multi"] == "a"  # the multidict keeps each value
            assert await resp.read() == b"ok"
        finally:
            resp.release()
    finally:
        await session.close()


async def test_ended_exchanges_leave_no_deadline_behind(raw: RawServer, session: H1Session) -> None:
    """Timers of exchanges that ended are dropped when the deadline list is swept; one still
    running is kept (in the heap) until it ends."""
    hold = asyncio.Event()
    asked = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        while (request := await read_request(reader)) is not None:
            if "/slow" in request.line:
                asked.set()
                await hold.wait()
            writer.write(response())
            await writer.drain()

    raw.handler = handler
    for _ in range(50):
        resp = await session.request("GET", raw.url, timeout=Timeouts(total=30, sock_read=30))
        await resp.read()
    pool = session._pool
    assert pool is not None
    deadlines = pool.deadlines
    assert 0 < len(deadlines.recent) <= 50  # fewer only if a sweep ran meanwhile (> 1 s)
    deadlines._fire()  # what the loop timer does at its time
    assert deadlines.recent == []
    # Ended exchanges are dropped, not sorted in: at most the one that was running at a sweep
    # that ran meanwhile is left (inactive, dropped when it comes up).
    assert len(deadlines._heap) <= 1
    assert not any(entry[2].active for entry in deadlines._heap)

    slow = asyncio.ensure_future(
        session.request("GET", raw.url.with_path("/slow"), timeout=Timeouts(total=30))
    )
    await asked.wait()  # sent: its timer is in the list
    deadlines._fire()
    assert [entry[2].active for entry in deadlines._heap].count(True) == 1
    hold.set()
    assert await (await slow).read() == b"ok"
    # Ended: its entry is dropped when it comes up (or when the heap is compacted).
    assert not any(entry[2].active for entry in deadlines._heap)


async def test_a_short_deadline_behind_long_ones_fires_on_time(
    raw: RawServer, session: H1Session
) -> None:
    """Timers waiting in the recent list (a long total armed the loop timer a sweep away) do not
    delay a shorter one started after them: it fires at its own time."""
    hold = asyncio.Event()
    asked = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        await read_request(reader)
        asked.set()
        await hold.wait()  # never answers before the test ends

    raw.handler = handler
    loop = asyncio.get_running_loop()
    long = asyncio.ensure_future(session.request("GET", raw.url, timeout=Timeouts(total=60)))
    try:
        await asked.wait()  # the long request is sent: its timer armed the loop timer
        assert session._pool is not None
        assert session._pool.deadlines.armed <= loop.time() + 1.0
        started = loop.time()
        with pytest.raises(TotalTimeout):
            await session.request("GET", raw.url, timeout=Timeouts(total=0.05))
        assert loop.time() - started < 0.5  # not at the next sweep (1 s)
        assert not long.done()
    finally:
        hold.set()
        long.cancel()
        await asyncio.gather(long, return_exceptions=True)
