"""Fixtures for the fan-out tests: a clean environment, an emulator, a client with quick retries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import genai_actors as ga
from genai_actors.emulator import Emulator


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No API key nor base URL from the environment."""
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's loop that keeps every request it receives."""
    async with Emulator(record_limit=None) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """A client on ``emu``."""
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as made:
        yield made
