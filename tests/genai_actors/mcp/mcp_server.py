"""A real MCP server for the tests, written with the ``mcp`` SDK (``MCPServer``, once FastMCP).

Run as a script it serves stdio (``python mcp_server.py``) or streamable HTTP on loopback
(``python mcp_server.py http PORT``). Its tools:

- ``get_weather(city)``: a deterministic forecast text;
- ``add_numbers(a, b)``: an integer sum (structured output);
- ``fail_tool(reason)``: always raises, so the server answers ``isError``;
- ``slow_tool(seconds)``: sleeps that long, then answers;
- ``die_tool()``: kills the server process mid-call (the client sees the connection end);
- ``nested_tool(config)``: arguments whose JSON schema uses ``$defs``/``$ref`` and ``anyOf``.
"""

from __future__ import annotations

import os
import sys

import anyio
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel

server = MCPServer("genai-actors-test", log_level="CRITICAL")


@server.tool()
def get_weather(city: str) -> str:
    """Returns today's weather forecast for a city."""
    return f"Sunny in {city}, 21 C"


@server.tool()
def add_numbers(a: int, b: int) -> int:
    """Adds two integers."""
    return a + b


@server.tool()
def fail_tool(reason: str) -> str:
    """A tool that always fails."""
    raise RuntimeError(f"fail_tool refused: {reason}")


@server.tool()
async def slow_tool(seconds: float) -> str:
    """Sleeps for a number of seconds, then answers."""
    await anyio.sleep(seconds)
    return "done"


@server.tool()
def die_tool() -> str:
    """Kills the server mid-call."""
    os._exit(3)


class Unit(BaseModel):
    """A unit of measure."""

    name: str
    factor: float | None = None


@server.tool()
def nested_tool(unit: Unit, label: str | None = None) -> str:
    """Describes a unit (a nested model and an optional argument in its schema)."""
    return f"{label or 'unit'}: {unit.name}"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "http":
        anyio.run(lambda: server.run_streamable_http_async(host="127.0.0.1", port=int(sys.argv[2])))
    else:
        anyio.run(server.run_stdio_async)
