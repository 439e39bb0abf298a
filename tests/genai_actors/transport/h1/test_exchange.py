"""Requests and responses: the head we send, bodies framed every way, keep-alive, no-body
responses, decoding, errors before and during the body."""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib

import pytest
import yarl

from genai_actors._transport._h1 import (
    H1Session,
    PayloadError,
    ProtocolError,
    RequestError,
    ServerDisconnected,
)
from genai_actors.emulator import Emulator

from .conftest import RawServer, read_request, response

API_KEY = "h1-key"


async def test_emulator_generate_and_stream(session: H1Session) -> None:
    """A JSON call and an SSE stream against the emulator (an aiohttp server), on one kept-alive
    connection."""
    async with Emulator(api_key=API_KEY) as emu:
        base = yarl.URL(emu.url) / "v1beta" / "models"
        headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
        body = json.dumps({"contents": [{"parts": [{"text": "hello"}]}]}).encode()
        for _ in range(3):
            resp = await session.request(
                "POST", base / "gemini-2.5-flash:generateContent", data=body, headers=headers
            )
            assert resp.status == 200
            assert resp.headers["content-type"].startswith("application/json")
            payload = await resp.read()
            assert resp.content_length == len(payload)
            assert json.loads(payload)["candidates"]
            assert session.open_connections == 1
        url = (base / "gemini-2.5-flash:streamGenerateContent").with_query(alt="sse")
        resp = await session.request("POST", url, data=body, headers=headers)
        assert resp.content_length is None
        text = b""
        while chunk := await resp.content.readany():
            text += chunk
        events = [e for e in text.split(b"\r\n\r\n") if e.startswith(b"data:")]
        assert len(events) >= 1
        assert resp.content.at_eof()
        assert session.open_connections == 1
        assert session.idle_connections == 1
        assert emu.recorded[-1].path.endswith(":streamGenerateContent")


async def test_request_head(raw: RawServer, session: H1Session) -> None:
    """Host carries a non-default port; Accept-Encoding and Content-Length are added; the
    caller's headers are sent as given (its Accept-Encoding kept)."""
    resp = await session.request(
        "POST", raw.url / "a b" % {"q": "1"}, data=b"xyz", headers={"X-Thing": "v"}
    )
    assert await resp.read() == b"ok"
    request = raw.requests[-1]
    assert request.line == "POST /a%20b?q=1 HTTP/1.1"
    assert request.headers["host"] == f"127.0.0.1:{raw.url.port}"
    assert request.headers["accept-encoding"] == "gzip, deflate"
    assert request.headers["content-length"] == "3"
    assert request.headers["x-thing"] == "v"
    assert request.body == b"xyz"
    resp = await session.request("GET", raw.url, headers={"accept-encoding": "identity"})
    await resp.read()
    assert raw.requests[-1].headers["accept-encoding"] == "identity"
    assert "content-length" not in raw.requests[-1].headers
    resp = await session.request("POST", raw.url)
    await resp.read()
    assert raw.requests[-1].headers["content-length"] == "0"
    for bad in ({"X-A": "1\r\nX-Injected: 2"}, {"X-A\n": "1"}):
        with pytest.raises(RequestError):
            await session.request("GET", raw.url, headers=bad)
    with pytest.raises(RequestError):
        await session.request("GET", yarl.URL("ftp://127.0.0.1/"))
    assert len(raw.requests) == 3


async def test_memoryview_and_bytearray_bodies(raw: RawServer, session: H1Session) -> None:
    """Bodies given as bytearray or memoryview (any format) are sent byte for byte."""
    data = bytearray(range(256)) * 1000
    for body in (data, memoryview(data), memoryview(data).cast("I")):
        resp = await session.request("PUT", raw.url, data=body)
        await resp.read()
        assert raw.requests[-1].body == bytes(data)
        assert raw.requests[-1].headers["content-length"] == str(len(data))


async def test_chunked_and_until_close_bodies(raw: RawServer, session: H1Session) -> None:
    """A chunked body (then keep-alive), and a body that ends with the connection."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for part in (b"hel", b"lo ", b"world"):
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil")
        await writer.drain()
        writer.write(b" the end")
        await writer.drain()
        writer.close()

    raw.handler = handler
    resp = await session.request("GET", raw.url)
    assert await resp.read() == b"hello world"
    assert session.idle_connections == 1
    resp = await session.request("GET", raw.url)
    assert resp.content_length is None
    assert await resp.read() == b"until the end"
    assert raw.connections == 1
    await asyncio.sleep(0)
    assert session.open_connections == 0


async def test_bodiless_responses_keep_the_connection(raw: RawServer, session: H1Session) -> None:
    """HEAD (with a Content-Length), 204 and 304 end at their head; the connection serves the
    next request."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        while (request := await read_request(reader)) is not None:
            server.requests.append(request)
            if request.line.startswith("HEAD"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n")
            elif request.line.startswith("DELETE"):
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            elif "etag" in request.line:
                writer.write(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n")
            else:
                writer.write(response(b"body"))
            await writer.drain()

    raw.handler = handler
    reasons = set()
    for method, path, status in (
        ("HEAD", "/", 200),
        ("GET", "/", 200),
        ("DELETE", "/", 204),
        ("GET", "/etag", 304),
        ("HEAD", "/", 200),
        ("GET", "/", 200),
    ):
        resp = await session.request(method, raw.url.with_path(path))
        assert resp.status == status
        reasons.add(resp.reason)
        assert await resp.read() == (b"body" if status == 200 and method == "GET" else b"")
    assert raw.connections == 1
    assert reasons == {"OK", "No Content", "Not Modified"}  # each response's own


async def test_unasked_response_closes_the_connection(raw: RawServer, session: H1Session) -> None:
    """Two responses to one request: the first is served, the connection is not reused."""
    raw.handler = _answer(response(b"one") + response(b"two"))
    resp = await session.request("GET", raw.url)
    assert await resp.read() == b"one"
    await asyncio.sleep(0)
    assert session.idle_connections == 0


async def test_informational_head_is_skipped(raw: RawServer, session: H1Session) -> None:
    """A 100 Continue before the real head is not the response."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + response(b"real", "201 Created"))
        await writer.drain()
        await reader.read()

    raw.handler = handler
    resp = await session.request("POST", raw.url, data=b"x")
    assert (resp.status, resp.reason) == (201, "Created")
    assert await resp.read() == b"real"


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "raw-deflate"])
async def test_compressed_bodies_are_decoded(
    raw: RawServer, session: H1Session, encoding: str
) -> None:
    """gzip and deflate (zlib-wrapped or raw) bodies are decoded; content_length is the wire's."""
    text = b"the quick brown fox " * 500
    if encoding in ("gzip", "x-gzip"):
        wire = gzip.compress(text)
    elif encoding == "deflate":
        wire = zlib.compress(text)
    else:
        squeeze = zlib.compressobj(wbits=-15)
        wire = squeeze.compress(text) + squeeze.flush()
    header = "deflate" if encoding == "raw-deflate" else encoding

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(response(wire, headers={"Content-Encoding": header}))
        await writer.drain()
        await reader.read()

    raw.handler = handler
    resp = await session.request("GET", raw.url)
    assert resp.content_length == len(wire)
    assert await resp.read() == text


async def test_broken_compression_is_a_payload_error(raw: RawServer, session: H1Session) -> None:
    """A body that is not what its Content-Encoding says fails its read."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(response(b"not gzip at all", headers={"Content-Encoding": "gzip"}))
        await writer.drain()
        await reader.read()

    raw.handler = handler
    resp = await session.request("GET", raw.url)
    with pytest.raises(PayloadError):
        await resp.read()
    await asyncio.sleep(0)
    assert session.in_flight == 0


async def test_bytes_before_a_cut_come_before_the_error(raw: RawServer, session: H1Session) -> None:
    """The connection drops mid-body: read() fails with PayloadError; readany returns the bytes
    that arrived first, then fails; the slot is freed."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"a" * 40)
        await writer.drain()
        writer.transport.abort()

    raw.handler = handler
    resp = await session.request("GET", raw.url)
    for _ in range(1000):  # until the cut has arrived
        if resp.content.exception is not None:
            break
        await asyncio.sleep(0.001)
    with pytest.raises(PayloadError):
        await resp.read()  # not the whole body: never a silent truncation
    assert await resp.content.readany() == b"a" * 40
    with pytest.raises(PayloadError):
        await resp.content.readany()
    assert session.in_flight == 0
    assert session.open_connections == 0


async def test_read_n(raw: RawServer, session: H1Session) -> None:
    """read(n) returns at most n bytes, b"" at the end; at_eof follows."""
    raw.handler = _answer(response(b"0123456789"))
    resp = await session.request("GET", raw.url)
    assert await resp.content.read(0) == b""
    assert await resp.content.read(3) == b"012"
    assert await resp.content.read(100) == b"3456789"
    assert resp.content.at_eof()
    assert await resp.content.read(1) == b""
    assert await resp.content.readany() == b""


async def test_closed_before_the_head(raw: RawServer, session: H1Session) -> None:
    """The server closes without answering: ServerDisconnected; garbage instead of a head:
    ProtocolError."""

    async def hang_up(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)

    raw.handler = hang_up
    with pytest.raises(ServerDisconnected):
        await session.request("GET", raw.url)
    raw.handler = _answer(b"SMTP ready\r\n\r\n")
    with pytest.raises(ProtocolError):
        await session.request("GET", raw.url)
    assert session.in_flight == 0
    assert session.open_connections == 0


def _answer(data: bytes):  # type: ignore[no-untyped-def]
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(data)
        await writer.drain()
        await reader.read()

    return handler
