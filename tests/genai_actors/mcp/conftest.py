"""Fixtures for MCP tools: the test MCP server (``mcp_server.py``) over stdio and over
streamable HTTP on loopback, an emulator and a client.

The server takes about a second to start (the ``mcp`` import), so one stdio session and one
HTTP server serve a whole module (module-scoped event loop); a test that kills its server
opens its own session.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio
from mcp import ClientSession

import genai_actors as ga
from genai_actors.emulator import Emulator

from ._servers import SERVER, held, stdio_session

API_KEY = "mcp-test-key"
MODEL = "gemini-2.5-flash"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def session() -> AsyncIterator[ClientSession]:
    """One stdio session for the module's tests."""
    async for opened in held(stdio_session()):
        yield opened


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    """``mcp_server.py`` serving streamable HTTP on a free loopback port; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), "http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20.0
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the MCP HTTP server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest_asyncio.fixture(loop_scope="module")
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the module's event loop."""
    async with Emulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest_asyncio.fixture(loop_scope="module")
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An AsyncClient pointed at ``emu``, without retries."""
    options = {"base_url": emu.url, "retry_options": {"attempts": 1}}
    async with ga.AsyncClient(api_key=API_KEY, http_options=options) as c:
        yield c


def declared(body: dict[str, Any]) -> list[str]:
    """The function names a recorded request declares."""
    return [d["name"] for t in body.get("tools", ()) for d in t.get("functionDeclarations", ())]


def function_responses(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The function responses of a recorded request's last content."""
    parts = body["contents"][-1]["parts"]
    return [p["functionResponse"] for p in parts if "functionResponse" in p]
