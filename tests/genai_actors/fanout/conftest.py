"""Fixtures for the fan-out tests: a clean environment, an emulator, a client with quick retries."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator, Iterator

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


@pytest.fixture
def faulty_emulator_url() -> Iterator[str]:
    """An emulator in a process of its own (so it serves on another core while the client
    runs), answering 10% of requests with 429 or 503; not recording."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "genai_actors.emulator", "--port", "0", "--no-record"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip().rsplit(" ", 1)[-1]
        assert url.startswith("http://"), url
        faults = {"errorRate": 0.1, "errorStatuses": [429, 503]}
        request = urllib.request.Request(
            f"{url}/_emulator/faults",
            data=json.dumps(faults).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
