"""Fixtures for ``client.chats``: an emulator and a client on it (retries off, so a scripted
failure reaches the chat)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

import genai_actors as ga
from genai_actors.emulator import Emulator

API_KEY = "chats-test-key"
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
    """An emulator in the test's event loop."""
    async with Emulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An AsyncClient pointed at ``emu``, without retries."""
    options = {"base_url": emu.url, "retry_options": {"attempts": 1}}
    async with ga.AsyncClient(api_key=API_KEY, http_options=options) as c:
        yield c


def reply_head(prompt: str) -> str:
    """How the emulator's answer to ``prompt`` begins."""
    return f'Emulated reply to "{prompt}"'


def texts(contents: list[ga.types.Content]) -> list[tuple[str | None, str]]:
    """``(role, joined text)`` of each content."""
    return [(c.role, "".join(p.text or "" for p in c.parts or ())) for c in contents]


@pytest.fixture
def emu_thread() -> Iterator[Emulator]:
    """An emulator serving from its own thread (for the blocking client)."""
    with Emulator(api_key=API_KEY) as emulator:
        yield emulator
