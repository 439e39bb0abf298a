"""Durable chats: snapshot/restore and the SQLite store (claims, failed turns, SIGKILL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import anyio
import msgspec
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._api._chat_store import (
    ChatExistsError,
    ChatInUseError,
    ChatNotFoundError,
    SQLiteChatStore,
)
from genai_actors.emulator import Emulator

from .conftest import API_KEY, MODEL, texts


def get_weather(city: str) -> str:
    return f"sunny in {city}"


async def test_snapshot_round_trip(client: ga.AsyncClient, emu: Emulator) -> None:
    """A snapshot survives JSON; the restored chat sends exactly what the original would."""
    chat = client.chats.create(
        model=MODEL,
        config={"temperature": 0.5, "system_instruction": "Be brief."},
        history=[
            {"role": "user", "parts": [{"text": "q0"}]},
            {"role": "model", "parts": []},
        ],
    )
    await chat.send_message("one")
    snapshot = chat.snapshot()
    data = json.loads(json.dumps(snapshot))
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(snapshot)) == data
    restored = client.chats.restore(data)
    assert restored.get_history() == chat.get_history()
    assert restored.get_history(curated=True) == chat.get_history(curated=True)
    await chat.send_message("two")
    original = emu.recorded[-1].json
    await restored.send_message("two")
    assert emu.recorded[-1].json == original


async def test_snapshot_without_tools_needs_config(client: ga.AsyncClient) -> None:
    chat = client.chats.create(model=MODEL, config={"tools": [get_weather], "temperature": 0.1})
    await chat.send_message("Use get_weather with city=Rome")
    snapshot = chat.snapshot()
    assert snapshot["unsaved_tools"] == ["get_weather"]
    with pytest.raises(ValueError, match="get_weather"):
        client.chats.restore(snapshot)
    restored = client.chats.restore(snapshot, config={"tools": [get_weather]})
    assert len(restored.get_history()) == 4


def test_restore_rejects_other_data(client: ga.AsyncClient) -> None:
    with pytest.raises(ValueError, match="not a chat snapshot"):
        client.chats.restore({"model": MODEL})


async def test_store_resume_in_another_client(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "chats.db"
    options = {"base_url": emu.url, "retry_options": {"attempts": 1}}
    with SQLiteChatStore(path) as store:
        async with ga.AsyncClient(api_key=API_KEY, http_options=options) as client:
            chat = client.chats.create(model=MODEL, store=store, chat_id="c1")
            await chat.send_message("one")
            emu.faults.fail_next(1, status=400)
            with pytest.raises(errors.ClientError):
                await chat.send_message("failed")
            await chat.send_message("two")
            history = chat.get_history()
            with pytest.raises(ChatInUseError):
                client.chats.resume("c1", store=SQLiteChatStore(path))
            chat.close()
    with SQLiteChatStore(path) as store:
        async with ga.AsyncClient(api_key=API_KEY, http_options=options) as client:
            resumed = client.chats.resume("c1", store=store)
            assert resumed.chat_id == "c1"
            assert resumed.get_history() == history
            assert [t for r, t in texts(history) if r == "user"] == ["one", "two"]
            await resumed.send_message("three")
            with pytest.raises(ChatExistsError):
                client.chats.create(model=MODEL, store=store, chat_id="c1")
            with pytest.raises(ChatNotFoundError):
                client.chats.resume("nope", store=store)
    with SQLiteChatStore(path) as store:
        async with ga.AsyncClient(api_key=API_KEY, http_options=options) as client:
            assert len(client.chats.resume("c1", store=store).get_history()) == 6


async def test_close_with_a_turn_in_flight(client: ga.AsyncClient, tmp_path: Path) -> None:
    """close() during a turn: the turn still commits (and is stored), then the claim goes."""
    with SQLiteChatStore(tmp_path / "chats.db") as store:
        chat = client.chats.create(model=MODEL, store=store, chat_id="c")
        async with chat.send_message_stream("hello") as stream:
            chat.close()
            text = "".join([c.text or "" async for c in stream])
        with pytest.raises(ValueError, match="closed"):
            await chat.send_message("more")
        resumed = client.chats.resume("c", store=store)  # released: no ChatInUseError
        assert texts(resumed.get_history()) == [("user", "hello"), ("model", text)]


def test_store_arguments_are_checked(client: ga.AsyncClient, tmp_path: Path) -> None:
    with SQLiteChatStore(tmp_path / "x.db") as store:
        assert isinstance(store, ga.ChatStore)
        with pytest.raises(TypeError, match="ChatStore"):
            client.chats.create(model=MODEL, store=object(), chat_id="c")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="chat_id"):
            client.chats.create(model=MODEL, store=store, chat_id="")
        with pytest.raises(ValueError, match="needs a store"):
            client.chats.create(model=MODEL, chat_id="c")


def test_store_is_wal(tmp_path: Path) -> None:
    with SQLiteChatStore(tmp_path / "x.db") as store:
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_store_write_failure_commits_nothing(client: ga.AsyncClient, tmp_path: Path) -> None:
    """If the store refuses the row, the turn is not committed in memory either."""
    with SQLiteChatStore(tmp_path / "chats.db") as store:
        chat = client.chats.create(model=MODEL, store=store, chat_id="c")
        await chat.send_message("one")
        store.release("c", force=True)
        with SQLiteChatStore(tmp_path / "chats.db") as other:
            other.claim("c", None)  # another owner takes the chat over
            with pytest.raises(ChatInUseError):
                await chat.send_message("two")
        assert [t for r, t in texts(chat.get_history()) if r == "user"] == ["one"]


_CHILD = textwrap.dedent(
    """
    import sys, anyio, genai_actors as ga
    from genai_actors._api._chat_store import SQLiteChatStore

    async def main():
        store = SQLiteChatStore(sys.argv[1])
        async with ga.AsyncClient(api_key=sys.argv[3], http_options={"base_url": sys.argv[2]}) as c:
            chat = c.chats.create(model="gemini-2.5-flash", store=store, chat_id="k")
            for i in range(100):
                await chat.send_message(f"turn {i}")
                print(f"committed {i}", flush=True)
                sys.stdin.readline()   # wait between turns: the parent kills us here

    anyio.run(main)
    """
)


def test_sigkill_between_turns_loses_nothing(emu_thread: Emulator, tmp_path: Path) -> None:
    """A process killed with SIGKILL between turns: every committed turn is in the store, and
    the chat can be resumed at once (the dead owner's claim is taken over). While the process
    lives, another process cannot take the chat."""
    path = tmp_path / "chats.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", _CHILD, str(path), emu_thread.url, API_KEY]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdin is not None
        try:
            for i in range(3):
                assert child.stdout.readline().strip() == f"committed {i}"
                if i < 2:
                    child.stdin.write("\n")
                    child.stdin.flush()
            with (  # the live child holds the chat
                SQLiteChatStore(path) as store,
                pytest.raises(ChatInUseError, match=f"process {child.pid}"),
            ):
                store.claim("k", None)
            child.send_signal(signal.SIGKILL)
            assert child.wait(10) == -signal.SIGKILL
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()

    async def resume() -> None:
        with SQLiteChatStore(path) as store:
            options = {"base_url": emu_thread.url}
            async with ga.AsyncClient(api_key=API_KEY, http_options=options) as client:
                chat = client.chats.resume("k", store=store)
                users = [t for r, t in texts(chat.get_history()) if r == "user"]
                assert users == ["turn 0", "turn 1", "turn 2"]
                await chat.send_message("turn 3")
                assert len(chat.get_history()) == 8

    anyio.run(resume)
