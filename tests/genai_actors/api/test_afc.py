"""Automatic function calling against the emulator (which calls functions named in the prompt)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import threading
from typing import Any

import anyio
import anyio.lowlevel
import pytest

import genai_actors as ga
from genai_actors import types
from genai_actors._api._afc import jsonable, run_function_calls
from genai_actors.emulator import Emulator

from .conftest import MODEL

calls_seen: list[str] = []


def get_weather(city: str) -> str:
    """Returns the weather in a city."""
    calls_seen.append(f"weather:{city}")
    return f"sunny in {city}"


async def get_time(city: str) -> str:
    """Returns the local time in a city."""
    calls_seen.append(f"time:{city}")
    await anyio.lowlevel.checkpoint()
    return "12:00"


def explode(city: str) -> str:
    """Always fails."""
    raise RuntimeError(f"no data for {city}")


@pytest.fixture(autouse=True)
def reset_calls() -> None:
    """Each test starts with an empty call log."""
    calls_seen.clear()


def function_responses(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The functionResponse objects of a request body's last turn."""
    return [p["functionResponse"] for p in body["contents"][-1]["parts"]]


async def test_sync_tool_runs_and_history_is_kept(client: ga.AsyncClient, emu: Emulator) -> None:
    """A sync tool is called with the model's args; its result goes back; history holds
    the prompt, the model's call and the response; both requests carry the +afc tag."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Use get_weather with city=Paris",
        config={"tools": [get_weather]},
    )
    assert calls_seen == ["weather:Paris"]
    assert len(emu.recorded) == 2
    assert function_responses(emu.recorded[1].json) == [
        {"name": "get_weather", "response": {"result": "sunny in Paris"}}
    ]
    assert all("+afc" in r.headers["user-agent"] for r in emu.recorded)
    assert all("+afc" in r.headers["x-goog-api-client"] for r in emu.recorded)
    history = response.automatic_function_calling_history
    assert history is not None
    assert [c.role for c in history] == ["user", "model", "user"]
    assert history[1].parts is not None
    assert history[1].parts[0].function_call is not None
    assert response.text is not None
    assert "sunny in Paris" in response.text


async def test_async_tool(client: ga.AsyncClient, emu: Emulator) -> None:
    """A coroutine tool is awaited on the loop."""
    await client.models.generate_content(
        model=MODEL, contents="call get_time with city=Oslo", config={"tools": [get_time]}
    )
    assert calls_seen == ["time:Oslo"]
    assert function_responses(emu.recorded[1].json)[0]["response"] == {"result": "12:00"}


async def test_parallel_calls_run_concurrently_and_keep_call_order(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """Two calls in one turn run at the same time (each waits for the other) and their
    responses keep the order of the calls."""
    first_started = anyio.Event()
    second_started = anyio.Event()

    async def alpha(city: str) -> str:
        """First tool: waits until the second started."""
        first_started.set()
        await second_started.wait()
        return "A"

    async def beta(city: str) -> str:
        """Second tool: waits until the first started, then finishes first."""
        second_started.set()
        await first_started.wait()
        return "B"

    with anyio.fail_after(5):
        await client.models.generate_content(
            model=MODEL,
            contents="call alpha and beta for city=Rome",
            config={"tools": [alpha, beta]},
        )
    calls = [p["functionCall"]["name"] for p in emu.recorded[1].json["contents"][-2]["parts"]]
    responses = function_responses(emu.recorded[1].json)
    assert [r["name"] for r in responses] == calls == ["alpha", "beta"]
    assert [r["response"]["result"] for r in responses] == ["A", "B"]


async def test_sync_tools_run_in_worker_threads_in_parallel(client: ga.AsyncClient) -> None:
    """Sync tools run in worker threads, concurrently (a two-party barrier is passed)."""
    barrier = threading.Barrier(2, timeout=5)
    threads: set[int] = set()

    def one(city: str) -> str:
        """Meets the other tool at the barrier."""
        threads.add(threading.get_ident())
        barrier.wait()
        return "1"

    def two(city: str) -> str:
        """Meets the other tool at the barrier."""
        threads.add(threading.get_ident())
        barrier.wait()
        return "2"

    await client.models.generate_content(
        model=MODEL, contents="call one and two for city=x", config={"tools": [one, two]}
    )
    assert len(threads) == 2
    assert threading.get_ident() not in threads


async def test_maximum_remote_calls_bounds_requests(client: ga.AsyncClient, emu: Emulator) -> None:
    """With maximum_remote_calls=1 one request is sent and the call is left to the caller."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Use get_weather with city=Paris",
        config={"tools": [get_weather], "automatic_function_calling": {"maximum_remote_calls": 1}},
    )
    assert len(emu.recorded) == 1
    assert calls_seen == []
    assert response.function_calls is not None
    assert response.function_calls[0].name == "get_weather"


async def test_tool_exception_is_sent_back_as_error(client: ga.AsyncClient, emu: Emulator) -> None:
    """A tool that raises is answered with {"error": str(exc)} and the loop goes on."""
    response = await client.models.generate_content(
        model=MODEL, contents="call explode with city=Lima", config={"tools": [explode]}
    )
    assert function_responses(emu.recorded[1].json)[0]["response"] == {"error": "no data for Lima"}
    assert response.text


async def test_unknown_function_is_answered_with_an_error() -> None:
    """A call to a name that is not among the tools gets an error response, not a KeyError."""
    parts = await run_function_calls(
        [
            types.FunctionCall(name="missing", args={}, id="c1"),
            types.FunctionCall(name="get_weather", args={"city": "Bonn"}, id="c2"),
        ],
        {"get_weather": get_weather},
    )
    first = parts[0].function_response
    second = parts[1].function_response
    assert first is not None
    assert second is not None
    assert first.name == "missing"
    assert first.id == "c1"
    assert first.response is not None
    assert "not defined" in first.response["error"]
    assert second.response == {"result": "sunny in Bonn"}
    assert second.id == "c2"


async def test_bad_arguments_are_sent_back_as_error() -> None:
    """Arguments that do not fit the signature become an error response."""

    def add(a: int, b: int) -> int:
        """Adds."""
        return a + b

    parts = await run_function_calls(
        [
            types.FunctionCall(name="add", args={"a": 1.0, "b": 2.0}),
            types.FunctionCall(name="add", args={"a": "x", "b": 2}),
            types.FunctionCall(name="add", args={"a": 1}),
        ],
        {"add": add},
    )
    responses = [p.function_response.response for p in parts if p.function_response]
    assert responses[0] == {"result": 3}
    assert responses[1] is not None
    assert "error" in responses[1]
    assert responses[2] is not None
    assert "b" in responses[2]["error"]


async def test_disable_sends_one_plain_request(client: ga.AsyncClient, emu: Emulator) -> None:
    """automatic_function_calling.disable: the tools are declared but never called."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Use get_weather with city=Paris",
        config={"tools": [get_weather], "automatic_function_calling": {"disable": True}},
    )
    assert len(emu.recorded) == 1
    assert calls_seen == []
    assert "+afc" not in emu.recorded[0].headers["user-agent"]
    assert response.function_calls is not None
    assert response.automatic_function_calling_history is None


async def test_raw_declarations_turn_afc_off(client: ga.AsyncClient, emu: Emulator) -> None:
    """A Tool with raw function declarations next to a callable disables AFC."""
    declared = types.Tool(
        function_declarations=[
            types.FunctionDeclaration(name="lookup", description="Looks something up.")
        ]
    )
    await client.models.generate_content(
        model=MODEL,
        contents="Use get_weather with city=Paris",
        config={"tools": [get_weather, declared]},
    )
    assert len(emu.recorded) == 1
    assert calls_seen == []


async def test_ignore_call_history(client: ga.AsyncClient) -> None:
    """ignore_call_history leaves automatic_function_calling_history unset."""
    response = await client.models.generate_content(
        model=MODEL,
        contents="Use get_weather with city=Paris",
        config={
            "tools": [get_weather],
            "automatic_function_calling": {"ignore_call_history": True},
        },
    )
    assert calls_seen == ["weather:Paris"]
    assert response.automatic_function_calling_history is None


async def test_no_call_gives_empty_history(client: ga.AsyncClient, emu: Emulator) -> None:
    """When the model calls nothing, one request is sent and the history is empty."""
    response = await client.models.generate_content(
        model=MODEL, contents="just chat", config={"tools": [get_weather]}
    )
    assert len(emu.recorded) == 1
    assert response.automatic_function_calling_history == []


async def test_streaming_afc_yields_every_turn(client: ga.AsyncClient, emu: Emulator) -> None:
    """The stream runs the tools between turns and yields the chunks of both turns; the
    later chunks carry the history."""
    chunks = [
        c
        async for c in client.models.generate_content_stream(
            model=MODEL,
            contents="Use get_weather with city=Paris",
            config={"tools": [get_weather]},
        )
    ]
    assert calls_seen == ["weather:Paris"]
    assert len(emu.recorded) == 2
    assert all(r.path.endswith(":streamGenerateContent") for r in emu.recorded)
    assert all("+afc" in r.headers["user-agent"] for r in emu.recorded)
    sent = emu.recorded[1].json["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user"]
    assert function_responses(emu.recorded[1].json)[0]["response"] == {"result": "sunny in Paris"}
    assert any(c.function_calls for c in chunks)
    text = "".join(c.text or "" for c in chunks)
    assert "sunny in Paris" in text
    last = chunks[-1].automatic_function_calling_history
    assert last is not None
    assert len(last) == 3


async def test_streaming_afc_rejects_streamed_arguments(client: ga.AsyncClient) -> None:
    """stream_function_call_arguments with AFC on raises ValueError at the call."""
    with pytest.raises(ValueError, match="stream_function_call_arguments"):
        client.models.generate_content_stream(
            model=MODEL,
            contents="x",
            config={
                "tools": [get_weather],
                "tool_config": {
                    "function_calling_config": {"stream_function_call_arguments": True}
                },
            },
        )


class Mood(enum.Enum):
    """A result enum."""

    HAPPY = "happy"


@dataclasses.dataclass
class Report:
    """A result dataclass."""

    when: datetime.date
    mood: Mood
    tags: tuple[str, ...]


def test_jsonable_converts_results() -> None:
    """Tool results become JSON-compatible values."""
    value = Report(datetime.date(2024, 1, 2), Mood.HAPPY, ("a",))
    assert jsonable(value) == {"when": "2024-01-02", "mood": "happy", "tags": ["a"]}
    assert jsonable(types.Part(text="x")) == {"text": "x"}
    assert jsonable(b"\x00\xff") == "AP8="
    assert jsonable(object).startswith("<class")


async def test_streaming_afc_respects_maximum_remote_calls(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """With maximum_remote_calls=1 the stream sends one request and leaves the call."""
    chunks = [
        c
        async for c in client.models.generate_content_stream(
            model=MODEL,
            contents="Use get_weather with city=Paris",
            config={
                "tools": [get_weather],
                "automatic_function_calling": {"maximum_remote_calls": 1},
            },
        )
    ]
    assert len(emu.recorded) == 1
    assert calls_seen == []
    assert any(c.function_calls for c in chunks)


async def test_aclose_cancels_tools_running_between_turns(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """aclose() from another task while a tool runs between turns cancels the tool and ends
    the consumer's iteration; no second request is sent."""
    started = anyio.Event()
    cancelled = anyio.Event()

    async def hang(city: str) -> str:
        """Never returns unless cancelled."""
        started.set()
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.set()
        return "unreachable"  # pragma: no cover

    stream = client.models.generate_content_stream(
        model=MODEL, contents="call hang with city=Nowhere", config={"tools": [hang]}
    )
    received: list[types.GenerateContentResponse] = []

    async def consume() -> None:
        async for chunk in stream:
            received.append(chunk)  # noqa: PERF401 (chunks before the close are kept)

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(consume)
            await started.wait()
            await stream.aclose()
        await cancelled.wait()
    assert stream.closed
    assert received
    assert len(emu.recorded) == 1
