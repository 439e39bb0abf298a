"""Fixtures for the governor tests: an emulator in the test's loop, clean environment."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY, Server, clean_env  # noqa: F401  (autouse fixture)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's event loop that accepts only ``API_KEY``."""
    async with Emulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
def emu_thread() -> Iterator[Emulator]:
    """An emulator on its own thread (for blocking clients)."""
    with Emulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    """A started loopback server; set ``server.handler`` in the test."""
    srv = Server()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()
