"""Conformance: genai_actors and google-genai send the same requests for the same calls."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from google import genai as google_genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors.emulator import Emulator

MODEL = "gemini-2.5-flash"


def get_weather(city: str) -> str:
    """Returns the weather in a city."""
    return f"sunny in {city}"


@pytest.fixture
def clients(gemini_emulator: Emulator) -> Iterator[tuple[ga.Client, google_genai.Client]]:
    """Our blocking client and google-genai's, both on the same emulator (API v1beta)."""
    options = {"base_url": gemini_emulator.url, "api_version": "v1beta"}
    ours = ga.Client(api_key="conformance-key", http_options=options)
    theirs = google_genai.Client(
        api_key="conformance-key", http_options=gtypes.HttpOptions(**options)
    )
    try:
        yield ours, theirs
    finally:
        ours.close()
        theirs.close()


def _camel(value: Any) -> Any:
    """Keys in camelCase: google-genai leaks some snake_case keys (``parameters_json_schema``),
    which the API accepts as the same field."""
    if isinstance(value, dict):
        return {
            re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): _camel(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _requests(emu: Emulator, call: Callable[[], Any]) -> list[tuple[str, str, dict[str, str], Any]]:
    emu.recorded.clear()
    call()
    return [(r.method, r.path, r.query, _camel(r.json)) for r in emu.recorded]


CASES: list[tuple[str, Callable[[Any], Any]]] = [
    ("plain", lambda c: c.models.generate_content(model=MODEL, contents="Hello there")),
    (
        "config",
        lambda c: c.models.generate_content(
            model=MODEL,
            contents=["one", "two"],
            config={
                "temperature": 0.5,
                "system_instruction": "Be brief",
                "max_output_tokens": 30,
                "stop_sequences": ["END"],
                "safety_settings": [
                    {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}
                ],
            },
        ),
    ),
    (
        "afc",
        lambda c: c.models.generate_content(
            model=MODEL,
            contents="Use get_weather with city=Paris",
            config={"tools": [get_weather]},
        ),
    ),
    (
        "stream",
        lambda c: list(c.models.generate_content_stream(model=MODEL, contents="Tell a tale")),
    ),
    ("count", lambda c: c.models.count_tokens(model=MODEL, contents="a b c")),
    (
        "embed",
        lambda c: c.models.embed_content(
            model="gemini-embedding-001",
            contents=["x", "y"],
            config={"output_dimensionality": 4},
        ),
    ),
    ("get", lambda c: c.models.get(model=MODEL)),
    ("list", lambda c: list(c.models.list(config={"page_size": 5}))),
]


@pytest.mark.parametrize(("name", "call"), CASES, ids=[name for name, _ in CASES])
def test_same_requests_as_google_genai(
    clients: tuple[ga.Client, google_genai.Client],
    gemini_emulator: Emulator,
    name: str,
    call: Callable[[Any], Any],
) -> None:
    """Method, path, query and JSON body of every request match google-genai's."""
    ours, theirs = clients
    expected = _requests(gemini_emulator, lambda: call(theirs))
    actual = _requests(gemini_emulator, lambda: call(ours))
    assert actual == expected, name


def test_afc_user_agent_tag_matches(
    clients: tuple[ga.Client, google_genai.Client], gemini_emulator: Emulator
) -> None:
    """Both clients tag AFC requests with +afc in user-agent and x-goog-api-client."""
    ours, theirs = clients
    for client in (theirs, ours):
        gemini_emulator.recorded.clear()
        client.models.generate_content(
            model=MODEL, contents="Use get_weather with city=Oslo", config={"tools": [get_weather]}
        )
        for request in gemini_emulator.recorded:
            assert "+afc" in request.headers["user-agent"]
            assert "+afc" in request.headers["x-goog-api-client"]


def test_operations_get_matches(
    clients: tuple[ga.Client, google_genai.Client], gemini_emulator: Emulator
) -> None:
    """operations.get sends the same GET as google-genai (which needs the operation object)."""
    ours, theirs = clients
    operation = ours.models.generate_videos(model="veo-3.0-generate-001", prompt="x")
    assert operation.name is not None
    expected = _requests(
        gemini_emulator,
        lambda: theirs.operations.get(gtypes.GenerateVideosOperation(name=operation.name)),
    )
    actual = _requests(gemini_emulator, lambda: ours.operations.get(operation.name or ""))
    assert actual == expected
    assert actual[0][0] == "GET"
