"""The test MCP server's sessions: over stdio (a subprocess) and over streamable HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client

__all__ = ["SERVER", "FakeSession", "held", "http_session", "stdio_session"]

SERVER = Path(__file__).with_name("mcp_server.py")


@contextlib.asynccontextmanager
async def stdio_session(read_timeout: float | None = None) -> AsyncIterator[ClientSession]:
    """A session with a fresh ``mcp_server.py`` subprocess over stdio."""
    params = StdioServerParameters(command=sys.executable, args=[str(SERVER)])
    with open(os.devnull, "w") as errlog:  # noqa: ASYNC230 (the null device never blocks)
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write, read_timeout_seconds=read_timeout) as session,
        ):
            await session.initialize()
            yield session


@contextlib.asynccontextmanager
async def http_session(url: str) -> AsyncIterator[ClientSession]:
    """A session with the streamable-HTTP server at ``url``."""
    async with (
        streamable_http_client(url) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


async def held(
    opener: contextlib.AbstractAsyncContextManager[ClientSession],
) -> AsyncIterator[ClientSession]:
    """Yields the session ``opener`` opens, held open by a task of its own until resumed.

    For module-scoped fixtures: a session's task groups must be left by the task that entered
    them, and a fixture's set-up and tear-down run in different tasks.
    """
    opened: asyncio.Future[ClientSession] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()

    async def hold() -> None:
        async with opener as session:
            opened.set_result(session)
            await stop.wait()

    holder = asyncio.create_task(hold())
    done, _ = await asyncio.wait({opened, holder}, return_when=asyncio.FIRST_COMPLETED)
    if holder in done:
        holder.result()  # the session could not be opened: raise why
    try:
        yield opened.result()
    finally:
        stop.set()
        await holder


class FakeSession:
    """Looks like an MCP session (``list_tools``, ``call_tool``) without being one."""

    async def list_tools(self) -> Any:
        raise AssertionError("never listed")

    async def call_tool(self, name: str, arguments: Any = None) -> Any:
        raise AssertionError("never called")
