"""``client.chats``: the surface, the two histories, serialized turns and atomic commits."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.lowlevel
import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._api._chats_session import ChatSession
from genai_actors.emulator import Emulator, FaultConfig

from .conftest import MODEL, reply_head, texts


async def collect(stream: AsyncIterator[types.GenerateContentResponse], into: list[str]) -> None:
    """Appends each chunk's text to ``into`` as it arrives."""
    async for chunk in stream:
        into.append(chunk.text or "")  # noqa: PERF401 (kept when the stream fails mid-way)


async def test_send_message_keeps_both_histories(client: ga.AsyncClient, emu: Emulator) -> None:
    """Each turn sends the curated history plus the message and records user + model turns."""
    chat = client.chats.create(model=MODEL)
    first = await chat.send_message("Hello there")
    assert first.text is not None
    assert first.text.startswith(reply_head("Hello there"))
    second = await chat.send_message("Tell me more")
    assert second.text is not None
    assert second.text.startswith(reply_head("Tell me more"))
    history = chat.get_history()
    assert texts(history) == [
        ("user", "Hello there"),
        ("model", first.text),
        ("user", "Tell me more"),
        ("model", second.text),
    ]
    assert chat.get_history(curated=True) == history
    sent = emu.recorded[-1].json["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user"]
    assert sent[1]["parts"][0]["text"] == first.text
    assert emu.recorded[-1].path == f"/v1/models/{MODEL}:generateContent"


async def test_history_is_a_copy(client: ga.AsyncClient) -> None:
    """get_history returns fresh contents: changing them does not change the chat."""
    chat = client.chats.create(model=MODEL)
    await chat.send_message("Hi")
    history = chat.get_history()
    history.clear()
    assert len(chat.get_history()) == 2


async def test_initial_history_curated_like_google_genai(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """An invalid model turn in the starting history is dropped with its user turn."""
    history = [
        {"role": "user", "parts": [{"text": "q1"}]},
        {"role": "model", "parts": []},
        {"role": "user", "parts": [{"text": "q2"}]},
        {"role": "model", "parts": [{"text": "a2"}]},
    ]
    chat = client.chats.create(model=MODEL, history=history)
    assert texts(chat.get_history(curated=True)) == [("user", "q2"), ("model", "a2")]
    assert len(chat.get_history()) == 4
    await chat.send_message("q3")
    sent = emu.recorded[-1].json["contents"]
    assert [c["parts"][0].get("text") for c in sent] == ["q2", "a2", "q3"]


def test_bad_history_role(client: ga.AsyncClient) -> None:
    with pytest.raises(ValueError, match="role"):
        client.chats.create(model=MODEL, history=[{"role": "system", "parts": [{"text": "x"}]}])


async def test_chat_config_and_per_turn_config(client: ga.AsyncClient, emu: Emulator) -> None:
    """The chat's config applies to every turn unless the turn passes its own."""
    chat = client.chats.create(model=MODEL, config={"temperature": 0.25})
    await chat.send_message("a")
    assert emu.recorded[-1].json["generationConfig"] == {"temperature": 0.25}
    await chat.send_message("b", config={"temperature": 0.5})
    assert emu.recorded[-1].json["generationConfig"] == {"temperature": 0.5}
    await chat.send_message("c")
    assert emu.recorded[-1].json["generationConfig"] == {"temperature": 0.25}


async def test_bad_message_raises_before_queueing(client: ga.AsyncClient, emu: Emulator) -> None:
    chat = client.chats.create(model=MODEL)
    with pytest.raises(errors.InvalidRequestError):
        await chat.send_message(None)
    assert len(emu.recorded) == 0
    assert chat.get_history() == []


async def test_concurrent_sends_are_serialized(client: ga.AsyncClient, emu: Emulator) -> None:
    """Concurrent sends on one chat run one at a time, in order; each answer is its own."""
    emu.faults.configure(FaultConfig(latency=0.01))
    chat = client.chats.create(model=MODEL)
    prompts = [f"question number {i}" for i in range(8)]
    answers: dict[str, str] = {}

    async def ask(prompt: str) -> None:
        response = await chat.send_message(prompt)
        assert response.text is not None
        answers[prompt] = response.text

    async with anyio.create_task_group() as tg:
        for prompt in prompts:
            tg.start_soon(ask, prompt)
    history = texts(chat.get_history())
    assert [t for role, t in history if role == "user"] == prompts
    for (_, question), (role, answer) in zip(history[::2], history[1::2], strict=True):
        assert role == "model"
        assert answer == answers[question]
        assert answer.startswith(reply_head(question))
    # Each request carried exactly the turns committed before it.
    assert [len(r.json["contents"]) for r in emu.recorded] == [1, 3, 5, 7, 9, 11, 13, 15]


async def test_failed_turn_commits_nothing(client: ga.AsyncClient, emu: Emulator) -> None:
    """An API error leaves the history as it was, and the chat stays usable."""
    chat = client.chats.create(model=MODEL)
    await chat.send_message("one")
    emu.faults.fail_next(1, status=500)
    with pytest.raises(errors.ServerError):
        await chat.send_message("two")
    assert texts(chat.get_history())[::2] == [("user", "one")]
    await chat.send_message("three")
    assert [t for r, t in texts(chat.get_history()) if r == "user"] == ["one", "three"]
    assert len(emu.recorded[-1].json["contents"]) == 3


async def test_cancelled_turn_commits_nothing(client: ga.AsyncClient, emu: Emulator) -> None:
    """Cancelling send_message aborts the request; nothing is committed."""
    chat = client.chats.create(model=MODEL)
    emu.faults.configure(FaultConfig(latency=5.0))
    with anyio.move_on_after(0.2):
        await chat.send_message("slow")
    emu.faults.clear()
    assert chat.get_history() == []
    await chat.send_message("fast")
    assert texts(chat.get_history())[0] == ("user", "fast")


async def test_stream_commits_one_merged_model_turn(client: ga.AsyncClient, emu: Emulator) -> None:
    """Stream chunks become one model content; its thought signature is kept."""
    config = {"thinking_config": {"include_thoughts": True}}
    chat = client.chats.create(model=MODEL, config=config)
    stream = await chat.send_message_stream("Tell me a story about a lighthouse keeper")
    chunks = [chunk async for chunk in stream]
    assert len(chunks) > 2
    history = chat.get_history()
    assert [c.role for c in history] == ["user", "model"]
    model = history[1]
    streamed = "".join(p.text or "" for c in chunks for p in c.candidates[0].content.parts)
    assert "".join(p.text or "" for p in model.parts) == streamed
    thoughts = [p for p in model.parts if p.thought]
    assert len(thoughts) == 1
    assert thoughts[0].thought_signature
    assert len([p for p in model.parts if not p.thought]) == 1  # the answer's text joined
    assert chat.get_history(curated=True) == history
    await chat.send_message("next")
    assert len(emu.recorded[-1].json["contents"]) == 3


async def test_stream_async_with_form(client: ga.AsyncClient) -> None:
    chat = client.chats.create(model=MODEL)
    async with chat.send_message_stream("hello") as stream:
        text = "".join([c.text or "" async for c in stream])
    assert stream.closed
    assert texts(chat.get_history()) == [("user", "hello"), ("model", text)]


async def test_stream_closed_early_keeps_partial_out_of_curated(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """Closing a stream after some output commits it to the comprehensive history only."""
    chat = client.chats.create(model=MODEL)
    await chat.send_message("first")
    stream = await chat.send_message_stream("Tell me a long story about a lighthouse keeper")
    first = await stream.__anext__()
    await stream.aclose()
    history = chat.get_history()
    assert [c.role for c in history] == ["user", "model", "user", "model"]
    assert texts(history)[3][1] == first.text
    assert texts(chat.get_history(curated=True)) == texts(history)[:2]
    await chat.send_message("after")
    sent = emu.recorded[-1].json["contents"]
    assert [c["parts"][0]["text"] for c in sent][::2] == ["first", "after"]


async def test_stream_closed_before_output_commits_nothing(client: ga.AsyncClient) -> None:
    chat = client.chats.create(model=MODEL)
    stream = await chat.send_message_stream("hello")
    await stream.aclose()
    assert chat.get_history() == []
    await chat.send_message("again")
    assert len(chat.get_history()) == 2


async def test_stream_cut_mid_way(client: ga.AsyncClient, emu: Emulator) -> None:
    """A cut stream raises; the partial answer is recorded as an invalid turn."""
    chat = client.chats.create(model=MODEL)
    emu.faults.configure(FaultConfig(stream_cut_after=2))
    got: list[str] = []
    with pytest.raises(errors.TransportError):
        await collect(chat.send_message_stream("Tell me a long story about the sea"), got)
    emu.faults.clear()
    assert len(got) == 2
    history = chat.get_history()
    assert texts(history) == [
        ("user", "Tell me a long story about the sea"),
        ("model", "".join(got)),
    ]
    assert chat.get_history(curated=True) == []
    await chat.send_message("ok")
    assert len(emu.recorded[-1].json["contents"]) == 1


async def test_stream_cancelled_mid_way(client: ga.AsyncClient, emu: Emulator) -> None:
    chat = client.chats.create(model=MODEL)
    emu.faults.configure(FaultConfig(stream_event_delay=5.0))
    got: list[str] = []
    with anyio.move_on_after(0.3):
        await collect(chat.send_message_stream("Tell me a long story about the sea"), got)
    emu.faults.clear()
    assert len(got) == 1
    await chat.send_message("ok")  # the next turn always sees the cancelled one committed
    assert texts(chat.get_history())[1] == ("model", got[0])
    assert texts(chat.get_history(curated=True))[0] == ("user", "ok")
    assert len(emu.recorded[-1].json["contents"]) == 1


def chat_actors(tree: Any) -> list[Any]:
    return [c for c in tree.sessions.which_children() if c.id == "chat"]


async def test_idle_chat_holds_no_actor(
    client: ga.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chat's actor runs while it has turns, lingers briefly, then exits: an idle chat
    holds no actor (and so no task and no mailbox)."""
    monkeypatch.setattr(ChatSession, "linger", 0.05)
    chat = client.chats.create(model=MODEL)
    tree = await client._tree.ensure()
    assert chat_actors(tree) == []
    await chat.send_message("hi")
    assert len(chat_actors(tree)) == 1  # lingering
    await chat.send_message("again")  # the same actor serves the next turn
    assert len(chat_actors(tree)) == 1
    for _ in range(200):
        if not chat_actors(tree):
            break
        await anyio.sleep(0.01)
    assert chat_actors(tree) == []
    assert chat._ref is None
    await chat.send_message("later")  # started again on demand
    assert len(chat.get_history()) == 6


async def test_actor_exits_at_once_without_linger(
    client: ga.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ChatSession, "linger", 0.0)
    chat = client.chats.create(model=MODEL)
    tree = await client._tree.ensure()
    stream = await chat.send_message_stream("hello")
    assert len(chat_actors(tree)) == 1
    async for _ in stream:
        pass
    await anyio.lowlevel.checkpoint()
    assert chat_actors(tree) == []


async def test_crashed_session_restarts_with_history(client: ga.AsyncClient) -> None:
    """A session actor that crashes mid-turn is restarted; committed turns are all there."""
    chat = client.chats.create(model=MODEL)
    await chat.send_message("one")
    stream = await chat.send_message_stream("two")
    ref = chat._ref
    assert ref is not None
    starts = ChatSession.__init__

    restarted: list[ChatSession] = []

    def counting(self: ChatSession, core: object) -> None:
        restarted.append(self)
        starts(self, core)  # type: ignore[arg-type]

    ChatSession.__init__ = counting  # type: ignore[method-assign]
    try:
        ref.cast(("unknown", None))  # an unknown message crashes the actor
        for _ in range(100):
            if restarted:
                break
            await anyio.sleep(0.01)
    finally:
        ChatSession.__init__ = starts  # type: ignore[method-assign]
    assert restarted
    assert ref.alive
    async for _ in stream:
        pass
    assert [r for r, _ in texts(chat.get_history())] == ["user", "model"] * 2
    await chat.send_message("three")
    assert len(chat.get_history(curated=True)) == 6


async def test_closed_client(client: ga.AsyncClient) -> None:
    chat = client.chats.create(model=MODEL)
    await client.aclose()
    with pytest.raises(errors.ClientClosedError):
        await chat.send_message("hi")


async def test_closed_chat(client: ga.AsyncClient) -> None:
    chat = client.chats.create(model=MODEL)
    chat.close()
    with pytest.raises(ValueError, match="closed"):
        await chat.send_message("hi")


def test_blocking_client(emu_thread: Emulator) -> None:
    """The blocking Client has chats too; its streams are plain iterators."""
    from .conftest import API_KEY

    with ga.Client(api_key=API_KEY, http_options={"base_url": emu_thread.url}) as client:
        chat = client.chats.create(model=MODEL)
        response = chat.send_message("Hello")
        assert response.text is not None
        with chat.send_message_stream("Again") as stream:
            text = "".join(c.text or "" for c in stream)
        assert texts(chat.get_history()) == [
            ("user", "Hello"),
            ("model", response.text),
            ("user", "Again"),
            ("model", text),
        ]
        assert isinstance(chat.get_history()[0], types.Content)
        assert client.aio.chats is client.chats._aio


def test_blocking_stream_dropped_unclosed(emu_thread: Emulator) -> None:
    """A blocking stream dropped half-read (collected in the user's thread) hands its turn
    back: the chat is not blocked, and the partial answer is recorded."""
    from .conftest import API_KEY

    with ga.Client(api_key=API_KEY, http_options={"base_url": emu_thread.url}) as client:
        chat = client.chats.create(model=MODEL)
        stream = chat.send_message_stream("Tell me a long story about the sea")
        first = next(stream)
        del stream  # never closed
        gc.collect()
        response = chat.send_message("Still there?")  # would wait forever on a held turn
        assert response.text is not None
        assert texts(chat.get_history()) == [
            ("user", "Tell me a long story about the sea"),
            ("model", first.text),
            ("user", "Still there?"),
            ("model", response.text),
        ]
