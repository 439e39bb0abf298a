"""MCP sessions in ``config.tools``, driven through models and chats against the emulator.

The MCP server is real (``mcp_server.py``, written with the ``mcp`` SDK), over stdio and
streamable HTTP on loopback. The emulator's model calls the declared functions a prompt names.
"""

from __future__ import annotations

import sys
import time
from importlib.metadata import version
from typing import Any

import pytest
from mcp import ClientSession

import genai_actors as ga
from genai_actors._api import _mcp
from genai_actors._api._afc import run_function_calls
from genai_actors._transformers import function_map
from genai_actors._transformers._mcp import McpTool
from genai_actors.emulator import Emulator
from genai_actors.errors import FunctionInvocationError, InvalidRequestError

from ._servers import FakeSession, http_session, stdio_session
from .conftest import MODEL, declared, function_responses

pytestmark = pytest.mark.asyncio(loop_scope="module")

TOOLS = ["get_weather", "add_numbers", "fail_tool", "slow_tool", "die_tool", "nested_tool"]
MARKER = f"mcp_used/{version('mcp')}"


def api_client_header(emu: Emulator, index: int) -> str:
    return emu.recorded[index].headers["x-goog-api-client"]


async def test_tools_are_listed_declared_and_called(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """The session's tools are declared (all of them, converted), the model's call runs on
    the server, its CallToolResult goes back as the result, and the headers carry the marker."""
    response = await client.models.generate_content(
        model=MODEL, contents="Use get_weather with city=Rome", config={"tools": [session]}
    )
    assert len(emu.recorded) == 2
    first = emu.recorded[0].json
    assert declared(first) == TOOLS
    weather = first["tools"][0]["functionDeclarations"][0]
    assert weather["parameters"]["properties"]["city"] == {"title": "City", "type": "STRING"}
    [answer] = function_responses(emu.recorded[1].json)
    assert answer["name"] == "get_weather"
    result = answer["response"]["result"]
    assert result["content"] == [{"type": "text", "text": "Sunny in Rome, 21 C"}]
    assert result["is_error"] is False
    for index in (0, 1):
        header = api_client_header(emu, index)
        assert header.startswith(MARKER + " genai-actors/")
        assert "+afc" in header
    assert "Sunny in Rome" in (response.text or "")
    history = response.automatic_function_calling_history
    assert history is not None
    assert [c.role for c in history] == ["user", "model", "user"]


async def test_nested_schema_is_inlined(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """``$ref``/``$defs`` and ``anyOf [X, null]`` become an inlined, nullable Schema."""
    await client.models.generate_content(
        model=MODEL,
        contents="Use nested_tool",
        config={"tools": [session], "automatic_function_calling": {"disable": True}},
    )
    declarations = emu.recorded[0].json["tools"][0]["functionDeclarations"]
    nested = next(d for d in declarations if d["name"] == "nested_tool")
    properties = nested["parameters"]["properties"]
    assert properties["unit"]["type"] == "OBJECT"
    assert properties["unit"]["properties"]["factor"] == {"nullable": True, "type": "NUMBER"}
    assert properties["label"] == {"nullable": True, "type": "STRING"}
    assert "$defs" not in nested["parameters"]
    assert "defs" not in nested["parameters"]


async def test_afc_disabled_declares_without_calling(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """With AFC disabled the tools are declared, nothing is called, the calls come back, and
    the marker follows the untagged header (as google-genai sends it)."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Use add_numbers with a=1 and b=2",
        config={"tools": [session], "automatic_function_calling": {"disable": True}},
    )
    assert len(emu.recorded) == 1
    assert response.function_calls is not None
    assert response.function_calls[0].name == "add_numbers"
    header = api_client_header(emu, 0)
    assert header.endswith(" " + MARKER)
    assert "+afc" not in header


async def test_parallel_calls_of_one_turn(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """Several calls in one model turn are all answered, in call order."""
    await client.models.generate_content(
        model=MODEL,
        contents="Use get_weather with city=Oslo and add_numbers with a=2 and b=3",
        config={"tools": [session]},
    )
    answers = function_responses(emu.recorded[1].json)
    assert [a["name"] for a in answers] == ["get_weather", "add_numbers"]
    assert answers[1]["response"]["result"]["structured_content"] == {"result": 5}


async def test_parallel_calls_run_at_once(session: ClientSession) -> None:
    """Three 0.5 s tool calls of one turn take about 0.5 s, not 1.5 s."""
    tools = function_map([await _listed(session)])
    calls = [ga.types.FunctionCall(name="slow_tool", args={"seconds": 0.5}) for _ in range(3)]
    started = time.perf_counter()
    parts = await run_function_calls(calls, tools)
    elapsed = time.perf_counter() - started
    done = {
        "content": [{"type": "text", "text": "done"}],
        "structured_content": {"result": "done"},
        "is_error": False,
        "result_type": "complete",
    }
    assert [p.function_response.response for p in parts if p.function_response] == [
        {"result": done}
    ] * 3
    assert elapsed < 1.45  # one after the other they would take 1.5 s at least


async def _listed(session: ClientSession) -> Any:
    config = await _mcp.resolve_sessions({"tools": [session]})
    return config["tools"][0]


async def test_failing_tool_is_an_error_response(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """A tool that raises on the server (``isError``) is answered with ``{"error": ...}``."""
    response = await client.models.generate_content(
        model=MODEL, contents="Use fail_tool with reason=because", config={"tools": [session]}
    )
    [answer] = function_responses(emu.recorded[1].json)
    error = answer["response"]["error"]
    assert error["is_error"] is True
    assert "fail_tool" in error["content"][0]["text"]
    assert response.text


async def test_unknown_tools_are_error_responses(session: ClientSession) -> None:
    """A name outside the listed tools, and a listed name the server no longer has, are both
    answered with an error, never raised."""
    tools = function_map([await _listed(session)])
    tools["vanished"] = McpTool(session, "vanished")
    parts = await run_function_calls(
        [
            ga.types.FunctionCall(name="nosuch", args={}),
            ga.types.FunctionCall(name="vanished", args={}),
            ga.types.FunctionCall(name="add_numbers", args={"a": 1.0, "b": 2.0}),
        ],
        tools,
    )
    unknown, vanished, added = (p.function_response.response for p in parts if p.function_response)
    assert unknown is not None
    assert "'nosuch' is not defined" in unknown["error"]
    assert vanished is not None
    assert "error" in vanished
    assert "vanished" in str(vanished["error"])
    assert added == {
        "result": {
            "content": [{"type": "text", "text": "3"}],
            "structured_content": {"result": 3},
            "is_error": False,
            "result_type": "complete",
        }
    }


async def test_maximum_remote_calls_bounds_mcp_calls(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """With one remote call allowed, the tool is not called and the call is returned."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Use add_numbers with a=1 and b=2",
        config={"tools": [session], "automatic_function_calling": {"maximum_remote_calls": 1}},
    )
    assert len(emu.recorded) == 1
    assert response.function_calls is not None


async def test_slow_tool_past_the_session_timeout(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """models: the session's read timeout bounds a call; the model gets the timeout error."""
    # ClientSession(read_timeout_seconds=0.3) would also bound the server's start-up.
    monkeypatch.setattr(session, "_session_read_timeout_seconds", 0.3)
    response = await client.models.generate_content(
        model=MODEL, contents="Use slow_tool with seconds=2", config={"tools": [session]}
    )
    [answer] = function_responses(emu.recorded[1].json)
    assert answer["response"]["error"].startswith("MCPError: ")
    assert "timed out" in answer["response"]["error"]
    assert response.text


async def test_chat_tool_timeout_bounds_mcp_calls(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """chats: ``tool_timeout`` bounds an MCP call as it bounds a Python tool."""
    chat = client.chats.create(model=MODEL, config={"tools": [session]}, tool_timeout=0.3)
    response = await chat.send_message("Use slow_tool with seconds=2")
    [answer] = function_responses(emu.recorded[1].json)
    assert answer["response"] == {"error": "function 'slow_tool' did not finish within 0.3 s"}
    assert response.text
    assert len(chat.get_history()) == 4


async def test_server_dying_mid_call_then_chat_goes_on(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """A server that dies during a call: the model gets a typed error, the turn commits, and
    the chat goes on (here with the module's live session)."""
    async with stdio_session() as doomed:
        chat = client.chats.create(model=MODEL, config={"tools": [doomed]})
        response = await chat.send_message("Use die_tool")
        [answer] = function_responses(emu.recorded[1].json)
        assert answer["response"]["error"].startswith("MCPError: ")
        assert response.text
        emu.recorded.clear()
        later = await chat.send_message(
            "Use get_weather with city=Lima", config={"tools": [session]}
        )
    assert "Sunny in Lima" in (later.text or "")
    assert len(chat.get_history()) == 8
    assert MARKER in api_client_header(emu, 0)
    assert "+chat+afc" in api_client_header(emu, 0)


async def test_stream_with_a_session(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """generate_content_stream lists on open and streams both turns."""
    stream = client.models.generate_content_stream(
        model=MODEL, contents="Use add_numbers with a=4 and b=5", config={"tools": [session]}
    )
    assert len(emu.recorded) == 0
    text = "".join([chunk.text or "" async for chunk in stream])
    assert stream.closed
    assert '"result":9' in text.replace(" ", "")
    assert len(emu.recorded) == 2
    assert all(r.headers["x-goog-api-client"].startswith(MARKER) for r in emu.recorded)


async def test_chat_stream_with_a_session(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """send_message_stream lists on open; the turn and its call round are committed."""
    chat = client.chats.create(model=MODEL, config={"tools": [session]})
    async with chat.send_message_stream("Use get_weather with city=Kyiv") as stream:
        text = "".join([chunk.text or "" async for chunk in stream])
    assert "Sunny in Kyiv" in text
    assert [c.role for c in chat.get_history()] == ["user", "model", "user", "model"]


async def test_streamable_http_session(
    client: ga.AsyncClient, emu: Emulator, http_url: str
) -> None:
    """The same through a streamable-HTTP session on loopback: models and a chat."""
    async with http_session(http_url) as remote:
        response = await client.models.generate_content(
            model=MODEL, contents="Use get_weather with city=Quito", config={"tools": [remote]}
        )
        assert declared(emu.recorded[0].json) == TOOLS
        assert "Sunny in Quito" in (response.text or "")
        chat = client.chats.create(model=MODEL, config={"tools": [remote]})
        answer = await chat.send_message("Use add_numbers with a=20 and b=22")
    assert '"result":42' in (answer.text or "").replace(" ", "")


def get_weather(city: str) -> str:
    """A Python tool whose name collides with the server's."""
    return city


async def test_name_collisions_are_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """A session and a callable (or two sessions) defining one name: refused, names listed."""
    with pytest.raises(InvalidRequestError) as caught:
        await client.models.generate_content(
            model=MODEL, contents="Hi", config={"tools": [get_weather, session]}
        )
    assert "'get_weather' (a Python callable, the MCP session at config.tools[1])" in str(
        caught.value
    )
    with pytest.raises(InvalidRequestError) as twice:
        await client.models.generate_content(
            model=MODEL, contents="Hi", config={"tools": [session, session]}
        )
    assert all(repr(name) in str(twice.value) for name in TOOLS)
    assert len(emu.recorded) == 0


async def test_without_mcp_the_error_names_the_extra(
    client: ga.AsyncClient, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the mcp package, a session-like tool fails naming the extra; nothing is sent."""
    monkeypatch.setitem(sys.modules, "mcp", None)
    monkeypatch.setattr(_mcp, "_marker", None)
    with pytest.raises(ImportError, match=r"genai-actors\[mcp\]"):
        await client.models.generate_content(
            model=MODEL, contents="Hi", config={"tools": [FakeSession()]}
        )
    assert len(emu.recorded) == 0


async def test_snapshot_leaves_the_session_out(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """A session is not data: a snapshot names it and a restore takes it back via config."""
    chat = client.chats.create(model=MODEL, config={"tools": [session]})
    await chat.send_message("Use get_weather with city=Riga")
    snapshot = chat.snapshot()
    assert snapshot["unsaved_tools"] == ["ClientSession"]
    with pytest.raises(ValueError, match="ClientSession"):
        client.chats.restore(snapshot)
    again = client.chats.restore(snapshot, config={"tools": [session]})
    later = await again.send_message("Use add_numbers with a=1 and b=1")
    assert '"result":2' in (later.text or "").replace(" ", "")
    assert len(again.get_history()) == 8


async def test_raise_tool_errors_raises_for_an_mcp_error(
    client: ga.AsyncClient, emu: Emulator, session: ClientSession
) -> None:
    """With ``raise_tool_errors``, an ``isError`` answer ends the turn as a Python tool's
    exception does, and nothing is committed."""
    chat = client.chats.create(model=MODEL, config={"tools": [session]}, raise_tool_errors=True)
    with pytest.raises(FunctionInvocationError, match="fail_tool"):
        await chat.send_message("Use fail_tool with reason=now")
    assert chat.get_history() == []
    assert len(emu.recorded) == 1
