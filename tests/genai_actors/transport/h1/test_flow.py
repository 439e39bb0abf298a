"""Flow control: a large upload never sits whole in the transport's buffer; a body not read
stops the socket being read once read_bufsize bytes are buffered."""

from __future__ import annotations

import asyncio
import hashlib

from genai_actors._transport._h1 import H1Session
from genai_actors._transport._timeouts import Timeouts

from .conftest import RawServer, read_request, response


async def test_large_upload_respects_write_flow_control(raw: RawServer, session: H1Session) -> None:
    """A 24 MiB memoryview to a slow reader: it arrives whole, and the transport's write buffer
    stays a small fraction of it (the body is written in slices as the socket drains)."""
    data = bytearray(hashlib.sha256(b"seed").digest() * (24 * 1024 * 1024 // 32))
    high = [0]
    received = []

    async def slow(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        size = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        digest = hashlib.sha256()
        left = size
        while left:
            chunk = await reader.read(min(left, 1 << 20))
            digest.update(chunk)
            left -= len(chunk)
            for conn in session._pool.connections() if session._pool else ():
                if conn.transport is not None:
                    high[0] = max(high[0], conn.transport.get_write_buffer_size())
            await asyncio.sleep(0.001)
        received.append(digest.hexdigest())
        writer.write(response())
        await writer.drain()
        await reader.read()

    raw.handler = slow
    resp = await session.request("PUT", raw.url, data=memoryview(data))
    assert await resp.read() == b"ok"
    assert received == [hashlib.sha256(data).hexdigest()]
    assert high[0] <= 2 * 1024 * 1024


async def test_unread_body_pauses_reading(raw: RawServer) -> None:
    """Unread bytes past read_bufsize pause the socket; reading resumes it; the body is whole."""
    body = bytes(range(256)) * (4 * 1024 * 1024 // 256)
    raw.handler = _each(response(body))
    session = H1Session(read_bufsize=64 * 1024)
    try:
        resp = await session.request("GET", raw.url)
        (conn,) = session._pool.connections() if session._pool else ()
        assert conn.transport is not None
        for _ in range(200):
            if not conn.transport.is_reading():
                break
            await asyncio.sleep(0.005)
        assert not conn.transport.is_reading()
        buffered = resp.content.buffered
        assert 64 * 1024 < buffered < 2 * 1024 * 1024
        await asyncio.sleep(0.02)
        assert resp.content.buffered == buffered  # nothing more read while paused
        got = bytearray()
        while chunk := await resp.content.readany():
            got += chunk
        assert got == body
        assert session.idle_connections == 1
        # The last bytes may have paused reading again: the pooled connection reads anyway.
        resp = await session.request("GET", raw.url, timeout=Timeouts(total=5))
        assert await resp.read() == body
        assert raw.connections == 1
    finally:
        await session.close()


async def test_body_left_unread_past_the_limit_then_reused(raw: RawServer) -> None:
    """A body that arrives whole in one read but past read_bufsize (so reading pauses as it
    ends), read only later: its connection, back in the pool, serves the next request."""
    body = b"q" * (32 * 1024)
    raw.handler = _each(response(body))
    session = H1Session(read_bufsize=16 * 1024)
    try:
        first = await session.request("GET", raw.url)
        for _ in range(200):
            if first.content.at_end():
                break
            await asyncio.sleep(0.005)
        assert first.content.at_end()
        second = await session.request("GET", raw.url, timeout=Timeouts(total=2))
        assert await second.read() == body
        assert await first.read() == body
        assert raw.connections == 1
    finally:
        await session.close()


def _each(data: bytes):  # type: ignore[no-untyped-def]
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        while await read_request(reader) is not None:
            writer.write(data)
            await writer.drain()

    return handler


def _send(data: bytes):  # type: ignore[no-untyped-def]
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(data)
        await writer.drain()
        await reader.read()

    return handler


async def test_early_answer_stops_the_upload(raw: RawServer, session: H1Session) -> None:
    """A server that answers (413) without reading a large body: the request returns that
    answer instead of waiting to send the rest, and its connection is not reused."""

    async def refuse(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(response(b"too large", "413 Payload Too Large"))
        await writer.drain()
        await asyncio.sleep(5)

    raw.handler = refuse
    data = bytes(64 * 1024 * 1024)
    resp = await session.request("PUT", raw.url, data=data, timeout=Timeouts(total=5))
    assert resp.status == 413
    assert await resp.read() == b"too large"
    await asyncio.sleep(0)
    assert session.idle_connections == 0
    assert session.in_flight == 0
