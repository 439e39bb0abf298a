"""Fixtures for the transport seam: loopback servers with scripted answers, and the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

import genai_actors as ga
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY, Server

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
async def emu_client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An AsyncClient on ``emu``."""
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
        yield client


async def drain(stream: AsyncIterator[Any], into: list[Any], delay: float = 0.0) -> None:
    """Appends each item of ``stream`` to ``into`` (sleeping ``delay`` s after each) until it ends.

    What arrived before an error stays in ``into``.
    """
    async for item in stream:
        into.append(item)
        if delay:
            await asyncio.sleep(delay)


def make_client(server: Server, **kwargs: object) -> ga.AsyncClient:
    """An AsyncClient on ``server``; ``http_options`` keys and ``transport=`` as keywords."""
    transport = kwargs.pop("transport", None)
    return ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": server.url, **kwargs},
        transport=transport,  # type: ignore[arg-type]
    )
