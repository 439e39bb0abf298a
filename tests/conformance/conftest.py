"""Fixtures for conformance tests: one in-loop emulator and both clients aimed at it.

A test module may define its own fixtures of the same names; those win.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from google import genai

import genai_actors as ga
from genai_actors.emulator import Emulator

from ._compare import google_client, our_client


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator served in the test's event loop."""
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def theirs(emu: Emulator) -> AsyncIterator[genai.client.AsyncClient]:
    """google-genai's async client on ``emu``."""
    client = google_client(emu)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def ours(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """genai_actors' async client on ``emu`` (retries off)."""
    async with our_client(emu) as client:
        yield client
