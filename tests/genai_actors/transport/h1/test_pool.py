"""The pool: reuse (last in, first out), limits and their FIFO line, stale connections, the
keep-alive timeout, ``Connection: close``."""

from __future__ import annotations

import asyncio

import pytest

from genai_actors._transport._h1 import H1Session, ServerDisconnected

from .conftest import RawServer, read_request, response


async def _gated(server: RawServer, gate: asyncio.Event, order: list[str]) -> None:
    """Installs a handler that records each request's path and answers once ``gate`` is set."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        while (request := await read_request(reader)) is not None:
            order.append(request.line.split()[1])
            await gate.wait()
            writer.write(response(request.line.split()[1].encode()))
            await writer.drain()

    server.handler = handler


async def test_limit_queues_requests_first_come_first_served(raw: RawServer) -> None:
    """With limit=2, the third and fourth requests wait, in order, for a free slot."""
    gate = asyncio.Event()
    order: list[str] = []
    await _gated(raw, gate, order)
    session = H1Session(limit=2)
    try:

        async def get(path: str) -> bytes:
            resp = await session.request("GET", raw.url.with_path(path))
            return await resp.read()

        tasks = []
        for path in ("/1", "/2", "/3", "/4"):
            tasks.append(asyncio.create_task(get(path)))
            await asyncio.sleep(0.01)
        assert sorted(order) == ["/1", "/2"]
        assert session.in_flight == 2
        gate.set()
        assert await asyncio.gather(*tasks) == [b"/1", b"/2", b"/3", b"/4"]
        assert order[2:] == ["/3", "/4"]
        assert raw.connections == 2
    finally:
        await session.close()


async def test_limit_per_host(raw: RawServer) -> None:
    """limit_per_host bounds one origin; another origin is not held up by it."""
    other = RawServer()
    await other.start()
    gate = asyncio.Event()
    order: list[str] = []
    await _gated(raw, gate, order)
    session = H1Session(limit=10, limit_per_host=1)
    try:
        first = asyncio.create_task(session.request("GET", raw.url.with_path("/a")))
        second = asyncio.create_task(session.request("GET", raw.url.with_path("/b")))
        await asyncio.sleep(0.02)
        assert order == ["/a"]
        resp = await session.request("GET", other.url)  # another origin: not queued
        assert await resp.read() == b"ok"
        gate.set()
        for task in (first, second):
            await (await task).read()
        assert order == ["/a", "/b"]
        assert raw.connections == 1
    finally:
        await session.close()
        await other.stop()


async def test_idle_connections_reused_last_in_first_out(
    raw: RawServer, session: H1Session
) -> None:
    """Of two idle connections, the one used last serves the next request."""
    gate = asyncio.Event()
    gate.set()
    peers: list[int] = []

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        port = writer.get_extra_info("peername")[1]
        while await read_request(reader) is not None:
            peers.append(port)
            await asyncio.sleep(0.01)
            writer.write(response())
            await writer.drain()

    raw.handler = handler
    first, second = await asyncio.gather(
        session.request("GET", raw.url), session.request("GET", raw.url)
    )
    await first.read()
    await asyncio.sleep(0.02)
    await second.read()  # the second connection goes idle last
    assert session.idle_connections == 2
    last = peers[1]
    resp = await session.request("GET", raw.url)
    await resp.read()
    assert peers[-1] == last
    assert raw.connections == 2


async def test_server_closed_idle_connection_is_not_used(
    raw: RawServer, session: H1Session
) -> None:
    """An idle connection the server closed is dropped, never handed out."""

    async def one_per_connection(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.write(response())
        await writer.drain()

    raw.handler = one_per_connection
    for _ in range(3):
        resp = await session.request("GET", raw.url)
        assert await resp.read() == b"ok"
        for _ in range(100):
            if session.open_connections == 0:
                break
            await asyncio.sleep(0.002)
        assert session.idle_connections == 0
    assert raw.connections == 3


def _stale_handler(served: list[str]):  # type: ignore[no-untyped-def]
    """Serves one request per connection, then drops the connection on the next request
    without a byte of answer (a keep-alive race lost)."""

    async def handler(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        request = await read_request(reader)
        assert request is not None
        served.append(request.line)
        writer.write(response())
        await writer.drain()
        await read_request(reader)
        writer.transport.abort()

    return handler


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_stale_connection_retried_once_for_idempotent(
    raw: RawServer, session: H1Session, method: str
) -> None:
    """An idempotent request on a reused connection dropped before any answer is sent again,
    once, on a new connection."""
    served: list[str] = []
    raw.handler = _stale_handler(served)
    await (await session.request(method, raw.url)).read()
    resp = await session.request(method, raw.url)
    assert await resp.read() == b"ok"
    assert raw.connections == 2
    assert len(served) == 2


async def test_stale_connection_not_retried_for_post(raw: RawServer, session: H1Session) -> None:
    """A POST on a dropped reused connection fails with ServerDisconnected (the caller's retry
    loop decides); a fresh connection dropped is never retried either."""
    served: list[str] = []
    raw.handler = _stale_handler(served)
    await (await session.request("POST", raw.url, data=b"1")).read()
    with pytest.raises(ServerDisconnected):
        await session.request("POST", raw.url, data=b"2")
    assert raw.connections == 1
    assert session.in_flight == 0

    async def drop(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
    ) -> None:
        await read_request(reader)
        writer.transport.abort()

    raw.handler = drop
    with pytest.raises(ServerDisconnected):
        await session.request("GET", raw.url)
    assert raw.connections == 2


async def test_connection_close_is_honoured(raw: RawServer, session: H1Session) -> None:
    """A response with ``Connection: close`` ends its connection."""
    raw.handler = _each(response(headers={"Connection": "close"}))
    for _ in range(2):
        await (await session.request("GET", raw.url)).read()
        assert session.idle_connections == 0
    assert raw.connections == 2


async def test_idle_connections_expire(raw: RawServer) -> None:
    """Idle connections are closed keepalive_timeout seconds after their last use."""
    session = H1Session(keepalive_timeout=0.05)
    try:
        await (await session.request("GET", raw.url)).read()
        assert session.idle_connections == 1
        await asyncio.sleep(0.02)
        await (await session.request("GET", raw.url)).read()  # reused: its clock restarts
        assert raw.connections == 1
        await asyncio.sleep(0.04)
        assert session.idle_connections == 1
        for _ in range(100):
            await asyncio.sleep(0.005)
            if session.open_connections == 0:
                break
        assert session.open_connections == 0
        await (await session.request("GET", raw.url)).read()
        assert raw.connections == 2
    finally:
        await session.close()


async def test_unlimited_pool(raw: RawServer) -> None:
    """limit=0 is no limit."""
    gate = asyncio.Event()
    order: list[str] = []
    await _gated(raw, gate, order)
    session = H1Session(limit=0)
    try:
        tasks = [
            asyncio.create_task(session.request("GET", raw.url.with_path(f"/{i}")))
            for i in range(20)
        ]
        for _ in range(200):
            if len(order) == 20:
                break
            await asyncio.sleep(0.005)
        assert len(order) == 20
        gate.set()
        for task in tasks:
            await (await task).read()
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


async def test_stale_retry_uses_a_new_connection(raw: RawServer, session: H1Session) -> None:
    """With two stale idle connections, the retry goes on a new connection, not the other
    stale one."""
    served: list[str] = []
    handler = _stale_handler(served)

    async def slow_first(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
    ) -> None:
        await asyncio.sleep(0.01)  # both first requests in flight at once: two connections
        await handler(reader, writer, server)

    raw.handler = slow_first
    first, second = await asyncio.gather(
        session.request("GET", raw.url), session.request("GET", raw.url)
    )
    await first.read()
    await second.read()
    assert session.idle_connections == 2
    resp = await session.request("GET", raw.url)
    assert await resp.read() == b"ok"
    assert raw.connections == 3
