"""Fixtures for the h1 client: a raw loopback HTTP server scripted per test, and a session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
import yarl

from genai_actors._transport._h1 import H1Session


@dataclass
class Request:
    """A request the raw server read: its head (lines) and body."""

    line: str
    headers: dict[str, str]
    body: bytes


async def read_request(reader: asyncio.StreamReader) -> Request | None:
    """Reads one request (Content-Length bodies only); ``None`` at the end of the connection."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    line, *rest = head.decode("utf-8").split("\r\n")
    headers = {}
    for item in rest:
        if item:
            name, _, value = item.partition(":")
            headers[name.strip().lower()] = value.strip()
    size = int(headers.get("content-length", "0"))
    body = await reader.readexactly(size) if size else b""
    return Request(line, headers, body)


def response(
    body: bytes = b"ok", status: str = "200 OK", headers: dict[str, str] | None = None
) -> bytes:
    """A response with a Content-Length body."""
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "RawServer"], Awaitable[None]]


async def serve_ok(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: RawServer
) -> None:
    """The default handler: answers every request of the connection with ``ok``."""
    while (request := await read_request(reader)) is not None:
        server.requests.append(request)
        writer.write(response())
        await writer.drain()


@dataclass
class RawServer:
    """A loopback TCP server running ``handler`` per connection (set it in the test)."""

    handler: Handler = serve_ok
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    url: yarl.URL = field(default_factory=yarl.URL)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)

    async def start(self, ssl: object = None) -> None:
        self._server = await asyncio.start_server(self._run, "127.0.0.1", 0, ssl=ssl)  # type: ignore[arg-type]
        port = self._server.sockets[0].getsockname()[1]
        self.url = yarl.URL(f"{'https' if ssl else 'http'}://127.0.0.1:{port}/")

    async def _run(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            await self.handler(reader, writer, self)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            self._writers.discard(writer)
            writer.close()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()


@pytest.fixture
async def raw() -> AsyncIterator[RawServer]:
    """A started raw server answering ``ok``; set ``raw.handler`` to script it."""
    server = RawServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[H1Session]:
    """An h1 session, closed at the end of the test."""
    s = H1Session()
    try:
        yield s
    finally:
        await s.close()


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Every async h1 test runs on asyncio's loop and on uvloop's (the library's loop where it
    owns one): their transports differ (write buffering, TLS, pause and resume)."""
    import uvloop

    return {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
