"""Automatic function calling inside chats: rounds in history, parallel tools, failures, limits."""

from __future__ import annotations

import logging

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._api._chats_tools import run_tools
from genai_actors.emulator import Emulator
from genai_actors.types import FunctionCall
from supervisors import TaskSupervisor

from .conftest import MODEL


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def shapes(chat: ga._api._chats.AsyncChat) -> list[tuple[str | None, list[str]]]:
    """(role, kinds of parts) of each history entry."""
    out = []
    for content in chat.get_history():
        kinds = []
        for part in content.parts or ():
            if part.function_call is not None:
                kinds.append(f"call:{part.function_call.name}")
            elif part.function_response is not None:
                kinds.append(f"response:{part.function_response.name}")
            else:
                kinds.append("text")
        out.append((content.role, kinds))
    return out


async def test_rounds_are_recorded(client: ga.AsyncClient, emu: Emulator) -> None:
    """Every call and response round is in the history; the next turn sends them all."""
    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]})
    response = await chat.send_message("Use get_weather with city=Rome")
    assert response.text is not None
    assert "sunny in Rome" in response.text
    assert shapes(chat) == [
        ("user", ["text"]),
        ("model", ["call:get_weather"]),
        ("user", ["response:get_weather"]),
        ("model", ["text"]),
    ]
    assert chat.get_history(curated=True) == chat.get_history()
    assert len(emu.recorded) == 2
    for request in emu.recorded:
        assert "+chat+afc" in request.headers["x-goog-api-client"]
    await chat.send_message("thanks")
    assert len(emu.recorded[-1].json["contents"]) == 5


async def test_rounds_in_a_stream(client: ga.AsyncClient, emu: Emulator) -> None:
    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]})
    chunks = [c async for c in await chat.send_message_stream("Use get_weather with city=Oslo")]
    assert any(c.function_calls for c in chunks)
    assert "sunny in Oslo" in "".join(c.text or "" for c in chunks if not c.function_calls)
    assert [role for role, _ in shapes(chat)] == ["user", "model", "user", "model"]
    assert shapes(chat)[1] == ("model", ["call:get_weather"])
    assert len(emu.recorded) == 2


async def test_parallel_calls_run_concurrently(client: ga.AsyncClient) -> None:
    """Two calls of one model turn run at once: each waits for the other to start."""
    started = {"get_weather": anyio.Event(), "get_time": anyio.Event()}

    async def get_weather(city: str) -> str:
        started["get_weather"].set()
        with anyio.fail_after(5):
            await started["get_time"].wait()
        return f"rain in {city}"

    async def get_time(city: str) -> str:
        started["get_time"].set()
        with anyio.fail_after(5):
            await started["get_weather"].wait()
        return f"noon in {city}"

    chat = client.chats.create(model=MODEL, config={"tools": [get_weather, get_time]})
    response = await chat.send_message(
        "Use get_weather with city=Paris and get_time with city=Lima"
    )
    assert response.text is not None
    assert "rain in Paris" in response.text
    assert "noon in" in response.text  # (the emulator fills both calls' city with Paris)
    assert shapes(chat)[2] == ("user", ["response:get_weather", "response:get_time"])


async def test_raising_tool_is_reported_to_the_model(client: ga.AsyncClient) -> None:
    def get_weather(city: str) -> str:
        raise RuntimeError(f"no station in {city}")

    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]})
    response = await chat.send_message("Use get_weather with city=Quito")
    assert response.text is not None
    answer = chat.get_history()[2].parts[0].function_response
    assert answer is not None
    assert answer.response == {"error": "no station in Quito"}


async def test_each_tool_call_is_logged(
    client: ga.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="genai_actors.chats")

    def get_weather(city: str) -> str:
        raise RuntimeError("no station")

    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]})
    await chat.send_message("Use get_weather with city=Quito")
    events = [r.getMessage() for r in caplog.records if "chat.tool_call" in r.getMessage()]
    assert len(events) == 1
    assert "get_weather" in events[0]
    assert "RuntimeError" in events[0]


async def test_raising_tool_raises_when_configured(client: ga.AsyncClient) -> None:
    """raise_tool_errors: the turn fails with FunctionInvocationError; nothing committed."""

    def get_weather(city: str) -> str:
        raise RuntimeError("boom")

    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]}, raise_tool_errors=True)
    with pytest.raises(errors.FunctionInvocationError) as info:
        await chat.send_message("Use get_weather with city=Quito")
    assert isinstance(info.value.__cause__, RuntimeError)
    assert chat.get_history() == []


async def test_tool_timeout(client: ga.AsyncClient) -> None:
    async def get_weather(city: str) -> str:
        await anyio.sleep(30)
        return "never"

    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]}, tool_timeout=0.05)
    await chat.send_message("Use get_weather with city=Lima")
    answer = chat.get_history()[2].parts[0].function_response
    assert answer is not None
    assert answer.response is not None
    assert "did not finish within 0.05 s" in answer.response["error"]


@pytest.mark.parametrize(("limit", "requests"), [(1, 1), (2, 2)])
async def test_maximum_remote_calls(
    client: ga.AsyncClient, emu: Emulator, limit: int, requests: int
) -> None:
    """The loop sends at most maximum_remote_calls requests; at the limit the model's call
    is the last model turn, unanswered."""
    calls: list[str] = []

    def get_weather(city: str) -> str:
        calls.append(city)
        return "sunny"

    config = {"tools": [get_weather], "automatic_function_calling": {"maximum_remote_calls": limit}}
    chat = client.chats.create(model=MODEL, config=config)
    await chat.send_message("Use get_weather with city=Bern")
    assert len(emu.recorded) == requests
    if limit == 1:
        assert calls == []
        assert shapes(chat) == [("user", ["text"]), ("model", ["call:get_weather"])]
    else:
        assert calls == ["Bern"]
        assert [r for r, _ in shapes(chat)] == ["user", "model", "user", "model"]


def get_time(city: str) -> str:
    """The local time in a city."""
    return f"noon in {city}"


CHAIN = (
    "Use get_weather with city=Rome then get_time with city=Lima then get_weather with city=Oslo"
)


async def test_chained_rounds(client: ga.AsyncClient, emu: Emulator) -> None:
    """A model that calls again after each answer: every round is recorded, in order."""
    chat = client.chats.create(model=MODEL, config={"tools": [get_weather, get_time]})
    response = await chat.send_message(CHAIN)
    assert response.text is not None
    assert "sunny in Oslo" in response.text
    assert shapes(chat) == [
        ("user", ["text"]),
        ("model", ["call:get_weather"]),
        ("user", ["response:get_weather"]),
        ("model", ["call:get_time"]),
        ("user", ["response:get_time"]),
        ("model", ["call:get_weather"]),
        ("user", ["response:get_weather"]),
        ("model", ["text"]),
    ]
    assert len(emu.recorded) == 4
    assert [len(r.json["contents"]) for r in emu.recorded] == [1, 3, 5, 7]


@pytest.mark.parametrize("stream", [False, True], ids=["send", "stream"])
async def test_budget_ends_a_chain(client: ga.AsyncClient, emu: Emulator, stream: bool) -> None:
    """At maximum_remote_calls the loop stops: the last model turn is its unanswered call,
    and the next turn goes on from there."""
    config = {
        "tools": [get_weather, get_time],
        "automatic_function_calling": {"maximum_remote_calls": 2},
    }
    chat = client.chats.create(model=MODEL, config=config)
    if stream:
        chunks = [c async for c in chat.send_message_stream(CHAIN)]
        assert chunks[-1].function_calls
    else:
        response = await chat.send_message(CHAIN)
        assert response.function_calls
        assert response.function_calls[0].name == "get_time"
    assert len(emu.recorded) == 2
    assert shapes(chat)[-1] == ("model", ["call:get_time"])
    assert len(chat.get_history()) == 4
    await chat.send_message("never mind")
    assert len(emu.recorded[-1].json["contents"]) == 5


async def test_afc_disabled_leaves_calls(client: ga.AsyncClient, emu: Emulator) -> None:
    config = {"tools": [get_weather], "automatic_function_calling": {"disable": True}}
    chat = client.chats.create(model=MODEL, config=config)
    response = await chat.send_message("Use get_weather with city=Bern")
    assert response.function_calls
    assert len(emu.recorded) == 1
    assert "+afc" not in emu.recorded[0].headers["x-goog-api-client"]


async def test_unknown_function_gets_an_error_response() -> None:
    """A call to a function that was not offered is answered, never a KeyError."""
    async with TaskSupervisor() as tasks:
        parts = await run_tools(
            [
                FunctionCall(id="c1", name="launch", args={}),
                FunctionCall(name="get_weather", args={"city": "Rome"}),
            ],
            {"get_weather": get_weather},
            tasks,
            timeout=5.0,
            raise_errors=False,
        )
    first, second = (p.function_response for p in parts)
    assert first is not None
    assert second is not None
    assert first.id == "c1"
    assert first.response is not None
    assert "'launch' is not defined" in first.response["error"]
    assert second.response == {"result": "sunny in Rome"}


async def test_tool_argument_mismatch_is_an_error_response() -> None:
    async with TaskSupervisor() as tasks:
        parts = await run_tools(
            [FunctionCall(name="get_weather", args={"town": "Rome"})],
            {"get_weather": get_weather},
            tasks,
            timeout=None,
            raise_errors=False,
        )
    response = parts[0].function_response
    assert response is not None
    assert response.response is not None
    assert "error" in response.response
