"""Fixtures for the client core: small aiohttp.web servers on loopback with scripted faults."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_KEY = "test-key-Zq9SECRETv7"

_ENV = (
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_GEMINI_BASE_URL",
    "GOOGLE_GENAI_API_VERSION",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_GENAI_USE_ENTERPRISE",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without Gemini environment variables."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


class Server:
    """A loopback aiohttp.web server whose single catch-all route calls ``handler``."""

    def __init__(self) -> None:
        self.handler: Handler | None = None
        self.requests: list[web.Request] = []
        self.bodies: list[bytes] = []
        self.disconnects = 0
        self.arrived = asyncio.Event()
        self.disconnected = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        self.arrived.set()
        self.bodies.append(await request.read())
        assert self.handler is not None
        try:
            return await self.handler(request)
        except BaseException:
            self.disconnects += 1
            self.disconnected.set()
            raise

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """A started loopback server; set ``server.handler`` in the test."""
    srv = Server()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


def json_error(
    code: int, status: str, message: str, details: list[object] | None = None
) -> web.Response:
    """The Google error envelope as a response."""
    body: dict[str, object] = {"code": code, "message": message, "status": status}
    if details is not None:
        body["details"] = details
    return web.json_response({"error": body}, status=code)


class ThreadedServer:
    """A :class:`Server` running on its own event loop in a thread (for sync tests)."""

    def __init__(self, handler: Handler) -> None:
        self.server = Server()
        self.server.handler = handler
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self._loop).result(10)
        return self.server

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


async def ok_handler(request: web.Request) -> web.StreamResponse:
    """Answers every request with ``{"ok": true}``."""
    return web.json_response({"ok": True})
