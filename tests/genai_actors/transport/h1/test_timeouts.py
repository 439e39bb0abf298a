"""Per-phase timeouts (loop timers): sock_read on the head and between body bytes, total over
the pool wait, the head and the body, connect (the pool wait included) and sock_connect (the
handshakes alone)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from genai_actors._transport._h1 import (
    ConnectTimeout,
    H1Session,
    ReadTimeout,
    TotalTimeout,
)
from genai_actors._transport._timeouts import Timeouts

from .conftest import RawServer, read_request, response


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer) -> None:
    await read_request(reader)
    await reader.read()


def _trickle(head: bytes, every: float, count: int = 1000):  # type: ignore[no-untyped-def]
    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(head)
        for _ in range(count):
            await asyncio.sleep(every)
            writer.write(b"x")
            await writer.drain()
        await reader.read()

    return handler


async def _assert_freed(session: H1Session) -> None:
    await asyncio.sleep(0)
    assert session.in_flight == 0
    assert session.open_connections == 0


async def test_sock_read_waiting_for_the_head(raw: RawServer, session: H1Session) -> None:
    """No head within sock_read: ReadTimeout, the connection closed, the slot freed."""
    raw.handler = _silent
    with pytest.raises(ReadTimeout):
        await session.request("GET", raw.url, timeout=Timeouts(sock_read=0.05))
    await _assert_freed(session)


async def test_sock_read_between_body_bytes(raw: RawServer, session: H1Session) -> None:
    """A body that stalls: the bytes that came are read, then ReadTimeout. A body that keeps
    trickling faster than sock_read never times out."""
    raw.handler = _trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", every=10.0)
    resp = await session.request("GET", raw.url, timeout=Timeouts(sock_read=0.05))
    assert await resp.content.readany() == b"ab"
    with pytest.raises(ReadTimeout):
        await resp.content.readany()
    await _assert_freed(session)
    raw.handler = _trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n", every=0.02, count=8)
    resp = await session.request("GET", raw.url, timeout=Timeouts(sock_read=0.08))
    assert await resp.read() == b"x" * 8


async def test_total_bounds_the_body(raw: RawServer, session: H1Session) -> None:
    """total counts from the call's start to the end of the body, however steadily bytes come."""
    raw.handler = _trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", every=0.01)
    resp = await session.request("GET", raw.url, timeout=Timeouts(total=0.15, sock_read=1.0))
    got = b""

    async def drain() -> None:
        nonlocal got
        while chunk := await resp.content.readany():
            got += chunk

    with pytest.raises(TotalTimeout):
        await drain()
    assert 0 < len(got) < 1000
    await _assert_freed(session)


async def test_total_waiting_for_the_head(raw: RawServer, session: H1Session) -> None:
    """total passes before the head: TotalTimeout."""
    raw.handler = _silent
    with pytest.raises(TotalTimeout):
        await session.request("GET", raw.url, timeout=Timeouts(total=0.05, sock_read=5.0))
    await _assert_freed(session)


@pytest.fixture
async def busy() -> AsyncIterator[tuple[RawServer, H1Session, asyncio.Event]]:
    """A one-slot session whose only slot is held by a request the server answers on ``gate``."""
    server = RawServer()
    gate = asyncio.Event()

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        while await read_request(reader) is not None:
            await gate.wait()
            writer.write(response())
            await writer.drain()

    server.handler = handler
    await server.start()
    session = H1Session(limit=1)
    try:
        yield server, session, gate
    finally:
        await session.close()
        await server.stop()


async def test_connect_includes_the_pool_wait(
    busy: tuple[RawServer, H1Session, asyncio.Event],
) -> None:
    """Waiting for a slot counts in connect (ConnectTimeout) and in total (TotalTimeout), never
    in sock_connect; the place in line is given up."""
    server, session, gate = busy
    holder = asyncio.create_task(session.request("GET", server.url))
    await asyncio.sleep(0.01)
    with pytest.raises(ConnectTimeout):
        await session.request("GET", server.url, timeout=Timeouts(connect=0.05))
    with pytest.raises(TotalTimeout):
        await session.request("GET", server.url, timeout=Timeouts(total=0.05, connect=1.0))
    waiting = asyncio.create_task(
        session.request("GET", server.url, timeout=Timeouts(sock_connect=0.01))
    )
    await asyncio.sleep(0.05)  # five times sock_connect in line: not a connect timeout
    assert not waiting.done()
    gate.set()
    await (await holder).read()
    assert await (await waiting).read() == b"ok"
    assert session.in_flight == 0


async def test_sock_connect_bounds_the_handshakes(session: H1Session) -> None:
    """A TLS handshake that never completes: ConnectTimeout after sock_connect; nothing left."""
    accepted: list[asyncio.StreamWriter] = []

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        await reader.read()

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        import yarl

        url = yarl.URL(f"https://127.0.0.1:{port}/")
        with pytest.raises(ConnectTimeout):
            await session.request("GET", url, timeout=Timeouts(sock_connect=0.05))
        with pytest.raises(TotalTimeout):
            await session.request("GET", url, timeout=Timeouts(total=0.05, sock_connect=5))
        await _assert_freed(session)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_sock_read_stops_while_the_caller_has_not_read(raw: RawServer) -> None:
    """Reading paused by a full buffer is not silence: a caller that reads late gets the whole
    body, however long past sock_read it waited."""
    body = b"z" * (2 * 1024 * 1024)

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(response(body))
        await writer.drain()
        await reader.read()

    raw.handler = handler
    session = H1Session(read_bufsize=32 * 1024)
    try:
        resp = await session.request("GET", raw.url, timeout=Timeouts(sock_read=0.05))
        await asyncio.sleep(0.2)  # four times sock_read without reading: reading is paused
        assert await resp.read() == body
    finally:
        await session.close()
