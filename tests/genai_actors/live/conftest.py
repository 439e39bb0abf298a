"""Fixtures for Live tests: an emulator in the test's loop and a client on it."""

from __future__ import annotations

import math
import struct
from collections.abc import AsyncIterator
from typing import Any

import pytest

import genai_actors as ga
from genai_actors import types
from genai_actors._live import AsyncSession, LiveOptions
from genai_actors.emulator import Emulator
from supervisors import Backoff

API_KEY = "live-test-key-3Jq"
MODEL = "gemini-2.0-flash-live-001"
TEXT = {"response_modalities": ["TEXT"]}
RESUMABLE = {"response_modalities": ["TEXT"], "session_resumption": {}}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without Gemini environment variables."""
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's event loop, accepting only API_KEY."""
    async with Emulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An AsyncClient on ``emu`` whose Live sessions retry quickly (10 ms backoff)."""
    async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as c:
        c.live.options = LiveOptions(
            reconnect_backoff=Backoff(0.01, 0.05, jitter=0.0), max_reconnect_attempts=3
        )
        yield c


async def turn(session: AsyncSession) -> list[types.LiveServerMessage]:
    """Every message of one turn (``receive()``), skipping leftovers of the previous turn."""
    return [message async for message in session.receive()]


def text_of(messages: list[types.LiveServerMessage]) -> str:
    """The model's text over ``messages``."""
    return "".join(m.text or "" for m in messages)


def tone(seconds: float, rate: int = 16000, silence: float = 0.5) -> bytes:
    """16-bit PCM: a loud tone for ``seconds``, then ``silence`` seconds of silence."""
    voiced = [
        int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate))
    ]
    quiet = [0] * int(silence * rate)
    samples = voiced + quiet
    return struct.pack(f"<{len(samples)}h", *samples)


def client_turns(consumed: list[Any]) -> list[str]:
    """The user texts of ``client_content`` / ``realtime_input.text`` messages, in order."""
    out = []
    for message in consumed:
        ((key, body),) = message.items()
        if key in ("client_content", "clientContent"):
            out.extend(p["text"] for t in body.get("turns", ()) for p in t["parts"] if "text" in p)
        elif key in ("realtime_input", "realtimeInput") and "text" in body:
            out.append(body["text"])
    return out
