"""Fixtures for the transport seam: loopback servers with scripted answers, and the emulator.

``http_client`` runs a test once per HTTP client behind the seam (ids ``h1`` and ``aiohttp``):
used where the behaviour is the client's (connections, bodies, TLS, proxies, timeouts,
cancellation, caps), not where it is the seam's own (options, retry policy, parsing).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

import genai_actors as ga
from genai_actors._transport._wire import Response
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY, Server

HTTP_CLIENTS = ("h1", "aiohttp")

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


@pytest.fixture(params=HTTP_CLIENTS)
def http_client(request: pytest.FixtureRequest) -> str:
    """The HTTP client under test: each test using this runs once per client."""
    name: str = request.param
    return name


def transport(http_client: str, **fields: Any) -> ga.TransportConfig:
    """A TransportConfig for ``http_client`` with ``fields`` set."""
    return ga.TransportConfig(http_client=http_client, **fields)


def acquired(client: ga.AsyncClient) -> int:
    """Connections of the client's pool (in this loop) held by a request or open response."""
    return client.api_client._pool.busy()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """A started loopback server; set ``server.handler`` in the test."""
    srv = Server()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's event loop that accepts only ``API_KEY``."""
    async with Emulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
async def emu_client(emu: Emulator, http_client: str) -> AsyncIterator[ga.AsyncClient]:
    """An AsyncClient on ``emu`` over ``http_client``."""
    async with ga.AsyncClient(
        api_key=API_KEY, http_options={"base_url": emu.url}, transport=transport(http_client)
    ) as client:
        yield client


async def drain(stream: AsyncIterator[Any], into: list[Any], delay: float = 0.0) -> None:
    """Appends each item of ``stream`` to ``into`` (sleeping ``delay`` s after each) until it ends.

    What arrived before an error stays in ``into``.
    """
    async for item in stream:
        into.append(item)
        if delay:
            await asyncio.sleep(delay)


def make_client(server: Server, http_client: str | None = None, **kwargs: object) -> ga.AsyncClient:
    """An AsyncClient on ``server``; ``http_options`` keys and ``transport=`` as keywords.

    ``http_client``, when given, is set on the transport config (the default one if none).
    """
    config = kwargs.pop("transport", None)
    if http_client is not None:
        base = config if isinstance(config, ga.TransportConfig) else ga.TransportConfig()
        config = dataclasses.replace(base, http_client=http_client)
    return ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": server.url, **kwargs},
        transport=config,  # type: ignore[arg-type]
    )


async def until_cut_seen(response: Response) -> None:
    """Returns once the client has seen its connection drop: the reader holds the failure
    (aiohttp's ``exception()``, h1's ``exception``), to be raised after the bytes before it."""
    content: Any = response.content
    for _ in range(500):
        failure = content.exception
        if callable(failure):  # aiohttp's StreamReader.exception()
            failure = failure()
        if failure is not None:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the client never saw the cut")
