"""MCP sessions in ``config.tools``: for the same session and prompt, google-genai and
genai_actors send the same requests (declarations, function responses) and mark
``x-goog-api-client`` the same way; our JSON-schema conversion matches google-genai's.

google-genai 3.6.1 takes a session only in a dict config (a typed config is deep-copied, and
a session cannot be) and not in chats (the same copy fails there): those are compared where
google-genai works. Requests differ by design in the product token only (see test_headers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
import pytest_asyncio
from google import genai
from google.genai import _mcp_utils
from mcp import ClientSession, types as mcp_types

import genai_actors as ga
from genai_actors._transformers._mcp import mcp_declaration
from genai_actors.emulator import Emulator
from genai_actors.types._base import to_builtins

from ..genai_actors.mcp._servers import held, stdio_session
from ._compare import (
    GOOGLE_GENAI_WARNINGS,
    assert_same_requests,
    camel_requests,
    capture,
    google_client,
    our_client,
    wire,
)

pytestmark = GOOGLE_GENAI_WARNINGS

M = "gemini-2.5-flash"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def session() -> AsyncIterator[ClientSession]:
    """One stdio session with the test MCP server for the module."""
    async for opened in held(stdio_session()):
        yield opened


@pytest_asyncio.fixture(loop_scope="module")
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator() as emulator:
        yield emulator


@pytest_asyncio.fixture(loop_scope="module")
async def theirs(emu: Emulator) -> AsyncIterator[genai.client.AsyncClient]:
    client = google_client(emu)
    try:
        yield client
    finally:
        await client.aclose()


@pytest_asyncio.fixture(loop_scope="module")
async def ours(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    async with our_client(emu) as client:
        yield client


def _marking(header: str) -> tuple[list[str], set[str], list[str]]:
    """``x-goog-api-client`` as (tokens before the product, the product's feature tags,
    tokens after it): the product token itself differs by design."""
    tokens = header.split()
    at = next(i for i, t in enumerate(tokens) if t.startswith(("google-genai-sdk/", "genai-")))
    return tokens[:at], set(tokens[at].split("+")[1:]), tokens[at + 1 :]


CASES: list[tuple[str, str, dict[str, Any], bool]] = [
    ("one-call", "Use get_weather with city=Rome", {}, False),
    (
        "parallel-calls-and-an-error",
        "Use get_weather with city=Oslo and add_numbers with a=2 and b=3 and fail_tool",
        {},
        False,
    ),
    ("nested-schema", "Use nested_tool", {}, False),
    ("chained", "Use get_weather with city=Rome then add_numbers with a=1 and b=2", {}, False),
    (
        "afc-disabled",
        "Use add_numbers with a=1 and b=2",
        {"automatic_function_calling": {"disable": True}},
        False,
    ),
    (
        "max-remote-calls",
        "Use add_numbers with a=1 and b=2",
        {"automatic_function_calling": {"maximum_remote_calls": 1}},
        False,
    ),
    ("stream", "Use get_weather with city=Lima", {}, True),
]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("prompt", "extra", "stream"),
    [pytest.param(p, e, s, id=name) for name, p, e, s in CASES],
)
async def test_same_requests_and_markers(
    emu: Emulator,
    theirs: genai.client.AsyncClient,
    ours: ga.AsyncClient,
    session: ClientSession,
    prompt: str,
    extra: dict[str, Any],
    stream: bool,
) -> None:
    config = {"tools": [session], **extra}
    method = "generate_content_stream" if stream else "generate_content"
    expected = await capture(
        emu, lambda: getattr(theirs.models, method)(model=M, contents=prompt, config=config)
    )
    got = await capture(
        emu, lambda: getattr(ours.models, method)(model=M, contents=prompt, config=config)
    )
    assert_same_requests(camel_requests(wire(got)), camel_requests(wire(expected)))
    for mine, reference in zip(got, expected, strict=True):
        assert _marking(mine.headers["x-goog-api-client"]) == _marking(
            reference.headers["x-goog-api-client"]
        )
        assert any(t.startswith("mcp_used/") for t in mine.headers["x-goog-api-client"].split())


SCHEMAS: list[dict[str, Any]] = [
    {"type": "object", "properties": {"q": {"type": "string", "title": "Q"}}, "required": ["q"]},
    {"type": "object", "properties": {"n": {"type": ["integer", "null"], "minimum": 1}}},
    {
        "type": "object",
        "properties": {
            "v": {"type": ["string", "number"], "description": "d", "default": "x"},
            "e": {"type": "string", "enum": ["a", "b"], "format": "enum"},
        },
    },
    {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "description": "t"},
            "empty": {"type": "array", "items": {}},
        },
    },
    {
        "type": "object",
        "properties": {
            "one": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "opt": {"anyOf": [{"$ref": "#/$defs/P"}, {"type": "null"}], "default": None},
        },
        "$defs": {
            "P": {
                "type": "object",
                "title": "P",
                "properties": {"x": {"type": "number", "title": "X"}},
            }
        },
    },
    {
        "type": "object",
        "properties": {"node": {"$ref": "#/$defs/Node"}},
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"next": {"$ref": "#/$defs/Node"}, "v": {"type": "boolean"}},
            }
        },
    },
    {
        "type": "object",
        "properties": {
            "c": {"const": "k", "type": "string"},
            "u": {"type": "array", "uniqueItems": True, "items": {"type": "integer"}},
            "o": {"oneOf": [{"type": "string"}, {"type": "integer"}], "description": "o"},
        },
        "$schema": "https://json-schema.org/draft/2020-12/schema",
    },
]


# Not compared: ``additionalProperties: false`` (google-genai 3.6.1 raises AttributeError on it;
# we drop it and log it) and the min/max length/items/properties keywords (google-genai drops
# them; we keep them, the API takes them). tests/genai_actors/mcp/test_mcp_schema.py has both.
@pytest.mark.parametrize("schema", SCHEMAS)
def test_schema_conversion_matches_google_genai(schema: dict[str, Any]) -> None:
    """The declaration of an MCP tool equals google-genai's (``mcp_to_gemini_tool``)."""
    tool = mcp_types.Tool(name="t", description="A tool.", input_schema=schema)
    theirs = _mcp_utils.mcp_to_gemini_tool(tool).function_declarations
    assert theirs is not None
    expected = theirs[0].model_dump(mode="json", exclude_none=True)
    declaration, _ = mcp_declaration(tool)
    got = to_builtins(declaration)
    assert msgspec.json.encode(_snake(got)) == msgspec.json.encode(_snake(expected))


def _snake(value: Any) -> Any:
    """Keys as google-genai's dump names them (snake_case), sorted, for comparison."""
    if isinstance(value, list):
        return [_snake(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        name = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
        out[name] = item if name == "default" else _snake(item)
    return dict(sorted(out.items()))


SERVERS = {
    "mcp_servers": [
        {
            "name": "weather",
            "streamable_http_transport": {
                "url": "https://mcp.example.com/mcp",
                "headers": {"Authorization": "Bearer token"},
                "timeout": "5s",
                "sse_read_timeout": "30s",
                "terminate_on_close": True,
            },
        }
    ]
}


def get_weather(city: str) -> str:
    """Returns the weather in a city."""
    return f"sunny in {city}"


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    "tools",
    [
        pytest.param(lambda t: [SERVERS], id="dict"),
        pytest.param(lambda t: [t.Tool(**SERVERS)], id="typed"),
        pytest.param(lambda t: [t.Tool(**SERVERS), get_weather], id="with-a-callable"),
    ],
)
async def test_tool_mcp_servers_are_encoded_alike(
    emu: Emulator, theirs: genai.client.AsyncClient, ours: ga.AsyncClient, tools: Any
) -> None:
    """``Tool.mcp_servers`` (servers the service calls): the same request (google-genai sends
    the server fields in snake_case; proto-JSON takes both, see ``camel_keys``), accepted by
    the emulator, and no ``+afc`` (such a tool turns AFC off, as in google-genai)."""
    from google.genai import types as gtypes

    expected = await capture(
        emu,
        lambda: theirs.models.generate_content(
            model=M, contents="Hi", config={"tools": tools(gtypes)}
        ),
    )
    got = await capture(
        emu,
        lambda: ours.models.generate_content(
            model=M, contents="Hi", config={"tools": tools(ga.types)}
        ),
    )
    assert_same_requests(camel_requests(wire(got)), camel_requests(wire(expected)))
    assert got[0].json["tools"][0]["mcpServers"][0]["streamableHttpTransport"]["timeout"] == "5s"
    assert _marking(got[0].headers["x-goog-api-client"]) == _marking(
        expected[0].headers["x-goog-api-client"]
    )
