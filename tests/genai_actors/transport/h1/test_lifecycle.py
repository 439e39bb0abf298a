"""Cancellation, release and close: slots freed, connections closed, nothing leaked."""

from __future__ import annotations

import asyncio
import threading

import pytest
import yarl

from genai_actors._transport._h1 import (
    H1Session,
    HttpClientError,
    PayloadError,
    SessionClosed,
    WrongLoop,
)
from genai_actors.emulator import Emulator

from .conftest import RawServer, read_request, response


async def _head_then_stall(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer
) -> None:
    await read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    await writer.drain()
    await reader.read()


async def _silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer) -> None:
    await read_request(reader)
    await reader.read()


async def _settled(session: H1Session) -> None:
    for _ in range(3):
        await asyncio.sleep(0)
    assert session.in_flight == 0
    assert session.open_connections == 0


async def test_cancel_waiting_for_the_head(raw: RawServer, session: H1Session) -> None:
    """A request cancelled while waiting for its head frees its slot and closes its connection."""
    raw.handler = _silent
    task = asyncio.create_task(session.request("GET", raw.url))
    await asyncio.sleep(0.02)
    assert session.in_flight == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await _settled(session)


async def test_cancel_while_connecting(session: H1Session) -> None:
    """A request cancelled in its TLS handshake leaves nothing open."""
    accepted: list[asyncio.StreamWriter] = []

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        await reader.read()

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    url = yarl.URL(f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}/")
    try:
        task = asyncio.create_task(session.request("GET", url))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await _settled(session)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_cancel_in_line_for_a_slot(raw: RawServer) -> None:
    """A request cancelled while waiting for a slot gives up its place; the next one gets it."""
    raw.handler = _head_then_stall
    session = H1Session(limit=1)
    try:
        holder = await session.request("GET", raw.url)
        first = asyncio.create_task(session.request("GET", raw.url))
        second = asyncio.create_task(session.request("GET", raw.url))
        await asyncio.sleep(0.01)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        holder.close()
        resp = await second
        assert await resp.content.readany() == b"abc"
        resp.close()
        await _settled(session)
    finally:
        await session.close()


async def test_cancelled_body_read_leaves_the_response_closable(
    raw: RawServer, session: H1Session
) -> None:
    """A body read cancelled mid-way consumes nothing; close() then closes the connection."""
    raw.handler = _head_then_stall
    resp = await session.request("GET", raw.url)
    assert await resp.content.readany() == b"abc"
    task = asyncio.create_task(resp.content.readany())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not resp.closed
    resp.close()
    assert resp.closed
    with pytest.raises(PayloadError):
        await resp.content.readany()
    await _settled(session)


async def test_close_wakes_a_blocked_read(raw: RawServer, session: H1Session) -> None:
    """close() from another task wakes a read blocked on the body with an error."""
    raw.handler = _head_then_stall
    resp = await session.request("GET", raw.url)
    await resp.content.readany()
    reader = asyncio.create_task(resp.content.readany())
    await asyncio.sleep(0.01)
    resp.close()
    with pytest.raises(HttpClientError):
        await reader
    await _settled(session)


async def test_release_before_and_after_the_end(raw: RawServer, session: H1Session) -> None:
    """release() before the body's end closes the connection; after it, the connection stays
    pooled (it went back at the end)."""
    raw.handler = _head_then_stall
    resp = await session.request("GET", raw.url)
    resp.release()
    await _settled(session)

    async def ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: RawServer) -> None:
        while await read_request(reader) is not None:
            writer.write(response())
            await writer.drain()

    raw.handler = ok
    resp = await session.request("GET", raw.url)
    assert await resp.read() == b"ok"
    resp.release()
    resp.close()
    assert session.idle_connections == 1


async def test_close_with_requests_in_flight(raw: RawServer) -> None:
    """close() fails the head waiters, the body readers (after their buffered bytes) and the
    pool line with SessionClosed; later requests too; a second close is a no-op."""
    raw.handler = _head_then_stall
    session = H1Session(limit=2)
    resp = await session.request("GET", raw.url)
    raw.handler = _silent
    waiting_head = asyncio.create_task(session.request("GET", raw.url))
    in_line = asyncio.create_task(session.request("GET", raw.url))
    await asyncio.sleep(0.02)
    await session.close()
    assert session.closed
    for task in (waiting_head, in_line):
        with pytest.raises(SessionClosed):
            await task
    assert await resp.content.readany() == b"abc"
    with pytest.raises(SessionClosed):
        await resp.content.readany()
    with pytest.raises(SessionClosed):
        await session.request("GET", raw.url)
    await session.close()
    assert session.open_connections == 0
    assert session.in_flight == 0


async def test_bound_to_its_first_loop(raw: RawServer, session: H1Session) -> None:
    """A session created outside any loop works in the loop of its first request only."""
    await (await session.request("GET", raw.url)).read()
    errors: list[BaseException] = []

    def other_loop() -> None:
        async def attempt() -> None:
            await session.request("GET", raw.url)

        try:
            asyncio.run(attempt())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=other_loop)
    thread.start()
    thread.join()
    assert len(errors) == 1
    assert isinstance(errors[0], WrongLoop)


@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_loop_closed_with_the_session_open() -> None:
    """The loop of a session ends without close() while a connection is open (the server runs
    in its own thread): closing the session later does not fail."""
    session = H1Session()

    with Emulator(api_key="k") as emu:
        url = yarl.URL(emu.url) / "v1beta" / "models"

        async def use() -> int:
            resp = await session.request("GET", url, headers={"x-goog-api-key": "k"})
            await resp.read()
            return resp.status

        assert asyncio.run(use()) == 200
        assert session.idle_connections == 1
        asyncio.run(session.close())
    assert session.closed
    assert session.open_connections == 0
