"""Fixtures for ``client.models`` / ``client.operations``: an emulator and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

import genai_actors as ga
from genai_actors.emulator import Emulator

API_KEY = "models-test-key-Q7x"
MODEL = "gemini-2.5-flash"

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
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's event loop, accepting only API_KEY; videos finish in 2 polls."""
    async with Emulator(api_key=API_KEY, video_polls=2, file_uri_scheme="http") as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An AsyncClient pointed at ``emu``."""
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as c:
        yield c


def paths(emu: Emulator) -> list[str]:
    """The request paths the emulator saw, in order."""
    return [r.path for r in emu.recorded]


async def wait_recorded(emu: Emulator, count: int = 1) -> None:
    """Waits (up to 5 s) until the emulator recorded ``count`` requests."""
    for _ in range(500):
        if len(emu.recorded) >= count:
            return
        await anyio.sleep(0.01)
    raise AssertionError(f"the emulator saw {len(emu.recorded)} requests, expected {count}")


async def drain(stream: AsyncIterator[Any], received: list[Any]) -> None:
    """Appends every item of ``stream`` to ``received`` (kept if the stream then fails)."""
    async for item in stream:
        received.append(item)  # noqa: PERF401 (items before an error must be kept)
