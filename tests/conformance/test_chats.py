"""Chats: for the same conversation, google-genai's chat and ours send the same requests.

Each case is a conversation (a config, a starting history, then messages sent or streamed);
both chats hold it against the same emulator and every request of every turn is compared
(method, path, query, JSON body). One documented deviation: google-genai records a streamed
answer as one model content per chunk (python-genai#1791) and sends them all back on the next
turn; genai_actors merges them into one model content (text joined, signatures and calls
kept). ``merge_model_runs`` applies that merge to google-genai's requests before comparing.
The emulator's answer depends on the whole request, so after that deviation the two
conversations part ways: a case ends with the first request that carries a streamed answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from google import genai

import genai_actors as ga
from genai_actors.emulator import Emulator

from ._compare import (
    GOOGLE_GENAI_WARNINGS,
    WireRequest,
    assert_same_requests,
    camel_requests,
    capture,
    wire,
)

pytestmark = GOOGLE_GENAI_WARNINGS

M = "gemini-2.5-flash"


def get_weather(city: str) -> str:
    """Returns the weather in a city."""
    return f"sunny in {city}"


def get_time(city: str) -> str:
    """Returns the local time in a city."""
    return f"noon in {city}"


def _text_only(part: dict[str, Any]) -> bool:
    return set(part) <= {"text", "thought", "thoughtSignature"}


def _merge_parts(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: list[dict[str, Any]] = []
    for part in parts:
        last = merged[-1] if merged else None
        if (
            last is not None
            and "text" in part
            and "text" in last
            and _text_only(part)
            and _text_only(last)
            and bool(part.get("thought")) == bool(last.get("thought"))
            and "thoughtSignature" not in part
        ):
            merged[-1] = {**last, "text": last["text"] + part["text"]}
        else:
            merged.append(dict(part))
    return merged


def merge_model_runs(requests: list[WireRequest]) -> list[WireRequest]:
    """google-genai's requests with each run of consecutive model contents merged into one."""
    out = []
    for request in requests:
        body = dict(request.body)
        contents: list[dict[str, Any]] = []
        for content in body.get("contents", []):
            if contents and content.get("role") == "model" and contents[-1].get("role") == "model":
                parts = contents[-1].get("parts", []) + content.get("parts", [])
                contents[-1] = {**contents[-1], "parts": parts}
            else:
                contents.append(dict(content))
        for content in contents:
            if content.get("role") == "model":
                content["parts"] = _merge_parts(content.get("parts", []))
        body["contents"] = contents
        out.append(WireRequest(request.method, request.path, request.query, body))
    return out


Turn = tuple[str, str]  # ("send" | "stream", message)
CASES: list[tuple[str, Callable[[], Any], list[Any] | None, list[Turn]]] = [
    ("text", lambda: None, None, [("send", "Hello"), ("send", "Tell me more"), ("send", "Bye")]),
    (
        "config-and-history",
        lambda: {"temperature": 0.3, "system_instruction": "Be brief."},
        [
            {"role": "user", "parts": [{"text": "Earlier question"}]},
            {"role": "model", "parts": [{"text": "Earlier answer"}]},
        ],
        [("send", "Continue"), ("send", "And then?")],
    ),
    (
        "invalid-history-turn",
        lambda: None,
        [
            {"role": "user", "parts": [{"text": "dropped"}]},
            {"role": "model", "parts": []},
            {"role": "user", "parts": [{"text": "kept"}]},
            {"role": "model", "parts": [{"text": "ok"}]},
        ],
        [("send", "Next")],
    ),
    (
        "stream",
        lambda: None,
        None,
        [("send", "Hi"), ("stream", "Tell me a story about a lighthouse"), ("stream", "Go on")],
    ),
    (
        "tools",
        lambda: {"tools": [get_weather]},
        None,
        [("send", "Use get_weather with city=Rome"), ("send", "Thanks")],
    ),
    (
        "parallel-tools",
        lambda: {"tools": [get_weather, get_time]},
        None,
        [("send", "Use get_weather with city=Paris and get_time with city=Lima"), ("send", "Ok")],
    ),
    (
        "tools-limit",
        lambda: {"tools": [get_weather], "automatic_function_calling": {"maximum_remote_calls": 1}},
        None,
        [("send", "Use get_weather with city=Oslo"), ("send", "Fine")],
    ),
    (
        "tools-chain",
        lambda: {"tools": [get_weather, get_time]},
        None,
        [("send", "Use get_weather with city=Rome then get_time with city=Lima"), ("send", "Ok")],
    ),
    (
        "tools-chain-limit",
        lambda: {
            "tools": [get_weather, get_time],
            "automatic_function_calling": {"maximum_remote_calls": 2},
        },
        None,
        [
            (
                "send",
                "Use get_weather with city=Rome then get_time with city=Lima then get_weather",
            ),
            ("send", "Ok"),
        ],
    ),
    (
        "tools-stream",
        lambda: {"tools": [get_weather]},
        None,
        [("stream", "Use get_weather with city=Bern"), ("send", "Thanks")],
    ),
    (
        "thoughts-stream",
        lambda: {"thinking_config": {"include_thoughts": True}},
        None,
        [("stream", "Think about the sea"), ("send", "More")],
    ),
]


@pytest.mark.parametrize(("case", "config", "history", "turns"), CASES, ids=[c[0] for c in CASES])
async def test_same_requests(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    config: Callable[[], Any],
    history: list[Any] | None,
    turns: list[Turn],
) -> None:
    their_chat = theirs.chats.create(model=M, config=config(), history=history)
    our_chat = ours.chats.create(model=M, config=config(), history=history)
    expected: list[Any] = []
    got: list[Any] = []
    for kind, message in turns:
        if kind == "send":
            expected += await capture(emu, lambda m=message: their_chat.send_message(m))
            got += await capture(emu, lambda m=message: our_chat.send_message(m))
        else:
            expected += await capture(emu, lambda m=message: their_chat.send_message_stream(m))
            got += await capture(emu, lambda m=message: our_chat.send_message_stream(m))
    assert_same_requests(got, merge_model_runs(camel_requests(wire(expected))))
    # And the histories agree, once google-genai's streamed chunks are merged the same way.
    theirs_history = [
        c.model_dump(mode="json", exclude_none=True) for c in their_chat.get_history()
    ]
    ours_history = [ga.types.Content.to_json_dict(c) for c in our_chat.get_history()]
    assert [c["role"] for c in ours_history] == [c["role"] for c in _merged_history(theirs_history)]


def _merged_history(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: list[dict[str, Any]] = []
    for content in history:
        if merged and content["role"] == "model" and merged[-1]["role"] == "model":
            continue
        merged.append(content)
    return merged
