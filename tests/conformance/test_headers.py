"""Conformance of what surrounds the body: headers, API versions, per-call HTTP options.

Headers compared on every request: ``x-goog-api-key`` and ``content-type`` exactly; in
``user-agent`` and ``x-goog-api-client`` the feature tags (``+afc``, ``+chat``) and every token
after the product (``gl-python/3.11.7``) exactly. The product token itself differs by design
(``genai-actors/<version>`` vs ``google-genai-sdk/<version>``): the server must be able to tell
the clients apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from google import genai

import genai_actors as ga
from genai_actors.emulator import Emulator
from genai_actors.emulator._recorder import RecordedRequest

from ._compare import (
    API_KEY,
    GOOGLE_GENAI_WARNINGS,
    assert_same_requests,
    camel_requests,
    capture,
    client_header,
    google_client,
    our_client,
    wire,
)

pytestmark = GOOGLE_GENAI_WARNINGS

M = "gemini-2.5-flash"
TUNED = "tunedModels/emulated-tuned-model"


def get_weather(city: str) -> str:
    """Returns the weather in a city."""
    return f"sunny in {city}"


Call = Callable[[Any], Any]

CALLS: list[tuple[str, Call, frozenset[str]]] = [
    ("generate", lambda c: c.models.generate_content(model=M, contents="Hi"), frozenset()),
    (
        "generate-config",
        lambda c: c.models.generate_content(model=M, contents="Hi", config={"temperature": 0}),
        frozenset(),
    ),
    (
        "stream",
        lambda c: c.models.generate_content_stream(model=M, contents="A tale"),
        frozenset(),
    ),
    (
        "afc",
        lambda c: c.models.generate_content(
            model=M, contents="Use get_weather with city=Rome", config={"tools": [get_weather]}
        ),
        frozenset({"afc"}),
    ),
    (
        "afc-disabled",
        lambda c: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Rome",
            config={"tools": [get_weather], "automatic_function_calling": {"disable": True}},
        ),
        frozenset(),
    ),
    (
        "afc-stream",
        lambda c: c.models.generate_content_stream(
            model=M, contents="Use get_weather with city=Rome", config={"tools": [get_weather]}
        ),
        frozenset({"afc"}),
    ),
    (
        "embed",
        lambda c: c.models.embed_content(model="gemini-embedding-001", contents="x"),
        frozenset(),
    ),
    ("count", lambda c: c.models.count_tokens(model=M, contents="a b"), frozenset()),
    ("get", lambda c: c.models.get(model=M), frozenset()),
    ("list", lambda c: c.models.list(config={"page_size": 10}), frozenset()),
    (
        "update",
        lambda c: c.models.update(model=TUNED, config={"description": "d"}),
        frozenset(),
    ),
]


def _check_headers(
    got: list[RecordedRequest], expected: list[RecordedRequest], tags: frozenset[str]
) -> None:
    assert len(got) == len(expected)
    for ours, theirs in zip(got, expected, strict=True):
        assert ours.headers.get("x-goog-api-key") == theirs.headers.get("x-goog-api-key")
        assert ours.headers["x-goog-api-key"] == API_KEY
        assert ours.headers.get("content-type") == theirs.headers.get("content-type")
        for name in ("user-agent", "x-goog-api-client"):
            assert client_header(ours.headers[name]) == client_header(theirs.headers[name]), name
            assert client_header(ours.headers[name])[0] == tags, name
            assert ours.headers[name].startswith("genai-actors/"), name
            assert theirs.headers[name].startswith("google-genai-sdk/"), name


@pytest.mark.parametrize(("case", "call", "tags"), CALLS, ids=[c[0] for c in CALLS])
async def test_same_headers(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
    tags: frozenset[str],
) -> None:
    """API key, content type and the user-agent feature tags match on every request."""
    expected = await capture(emu, lambda: call(theirs))
    got = await capture(emu, lambda: call(ours))
    _check_headers(got, expected, tags)


@pytest.mark.parametrize(
    ("config", "tags"),
    [
        (None, {"afc", "chat"}),
        ({"tools": [get_weather]}, {"afc", "chat"}),
        ({"automatic_function_calling": {"disable": True}}, {"chat"}),
    ],
    ids=["plain", "afc", "afc-disabled"],
)
async def test_chat_tags(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    config: Any,
    tags: set[str],
) -> None:
    """A chat turn is tagged +chat, and +afc unless AFC is disabled (google-genai's chat takes
    its AFC path, and tags it, even without Python tools)."""
    prompt = "Use get_weather with city=Rome"
    their_chat = theirs.chats.create(model=M, config=config)
    our_chat = ours.chats.create(model=M, config=config)
    expected = await capture(emu, lambda: their_chat.send_message(prompt))
    got = await capture(emu, lambda: our_chat.send_message(prompt))
    _check_headers(got, expected, frozenset(tags))
    assert_same_requests(got, camel_requests(wire(expected)))


async def test_user_headers_sent_by_both(emu: Emulator) -> None:
    """Headers from http_options reach the server from both clients, ours not overriding them."""
    extra = {"x-custom-trace": "abc123"}
    theirs = google_client(emu, headers=extra)
    try:
        async with our_client(emu, headers=extra) as ours:
            call: Call = lambda c: c.models.generate_content(model=M, contents="Hi")  # noqa: E731
            expected = await capture(emu, lambda: call(theirs))
            got = await capture(emu, lambda: call(ours))
    finally:
        await theirs.aclose()
    assert got[0].headers["x-custom-trace"] == expected[0].headers["x-custom-trace"] == "abc123"
    _check_headers(got, expected, frozenset())


VERSION_CALLS: list[tuple[str, Call]] = [
    ("generate", lambda c: c.models.generate_content(model=M, contents="Hi")),
    ("stream", lambda c: c.models.generate_content_stream(model=M, contents="Hi")),
    ("embed", lambda c: c.models.embed_content(model="gemini-embedding-001", contents=["a"])),
    ("count", lambda c: c.models.count_tokens(model=M, contents="a")),
    ("get", lambda c: c.models.get(model=M)),
    ("list", lambda c: c.models.list(config={"page_size": 8})),
]


@pytest.mark.parametrize("version", ["v1beta", "v1alpha"])
@pytest.mark.parametrize(("case", "call"), VERSION_CALLS, ids=[c[0] for c in VERSION_CALLS])
async def test_client_api_version(emu: Emulator, version: str, case: str, call: Call) -> None:
    """A client-wide api_version gives the same paths from both clients."""
    theirs = google_client(emu, api_version=version)
    try:
        async with our_client(emu, api_version=version) as ours:
            expected = await capture(emu, lambda: call(theirs))
            got = await capture(emu, lambda: call(ours))
    finally:
        await theirs.aclose()
    assert_same_requests(got, camel_requests(wire(expected)))
    assert all(r.path.startswith(f"/{version}/") for r in got)


PER_CALL: list[tuple[str, Call]] = [
    (
        "generate-version",
        lambda c: c.models.generate_content(
            model=M, contents="Hi", config={"http_options": {"api_version": "v1alpha"}}
        ),
    ),
    (
        "stream-version",
        lambda c: c.models.generate_content_stream(
            model=M, contents="Hi", config={"http_options": {"api_version": "v1beta"}}
        ),
    ),
    (
        "embed-version",
        lambda c: c.models.embed_content(
            model="gemini-embedding-001",
            contents="a",
            config={"http_options": {"api_version": "v1beta"}},
        ),
    ),
    (
        "get-version",
        lambda c: c.models.get(model=M, config={"http_options": {"api_version": "v1beta"}}),
    ),
    (
        "generate-headers",
        lambda c: c.models.generate_content(
            model=M, contents="Hi", config={"http_options": {"headers": {"x-per-call": "1"}}}
        ),
    ),
]


@pytest.mark.parametrize(("case", "call"), PER_CALL, ids=[c[0] for c in PER_CALL])
async def test_per_call_http_options(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
) -> None:
    """``config.http_options`` changes the request the same way for both clients."""
    expected = await capture(emu, lambda: call(theirs))
    got = await capture(emu, lambda: call(ours))
    assert_same_requests(got, camel_requests(wire(expected)))
    for ours_req, their_req in zip(got, expected, strict=True):
        assert ours_req.headers.get("x-per-call") == their_req.headers.get("x-per-call")
        if case.endswith("-headers"):
            assert ours_req.headers.get("x-per-call") == "1"
