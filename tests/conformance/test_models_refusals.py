"""Conformance where a call does not succeed: refused before sending, or refused by the server.

- Refused client-side: both clients raise a ``ValueError`` (ours a subclass naming the field)
  and nothing reaches the server (Vertex-only fields and methods on the Developer API, missing
  model or contents).
- Refused by the server: both send the same request and both get the same HTTP status.
- Enum values in another letter case are sent canonical by both (google-genai's enums ignore
  case); a value unknown to the release (which the API may have added since) is sent by both,
  each with a warning; a near-miss of a known value is refused by us before sending, naming the
  value meant (google-genai sends it and the API answers 400).
- Known mismatch, tracked with a strict xfail (it starts failing once fixed): google-genai drops
  ``None`` fields of a pydantic model a tool returns, genai_actors sends them as ``null``.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from typing import Any, TypedDict

import pydantic
import pytest
from google import genai
from google.genai import errors as gerrors, types as gtypes

import genai_actors as ga
from genai_actors import errors, types as ours_types
from genai_actors.emulator import Emulator

from ._compare import (
    GOOGLE_GENAI_WARNINGS,
    assert_same_requests,
    camel_requests,
    capture,
    wire,
)

pytestmark = [
    GOOGLE_GENAI_WARNINGS,
    pytest.mark.filterwarnings("ignore:The generate_images method is deprecated"),
]

M = "gemini-2.5-flash"
EMBED = "gemini-embedding-001"

Call = Callable[[Any, Any], Any]  # (client, its types module)


class WithMap(pydantic.BaseModel):
    counts: dict[str, int]


REFUSED: list[tuple[str, Call]] = [
    ("no-model", lambda c, t: c.models.generate_content(model="", contents="x")),
    ("no-contents", lambda c, t: c.models.generate_content(model=M, contents=[])),
    (
        "count-system-instruction",
        lambda c, t: c.models.count_tokens(
            model=M, contents="x", config={"system_instruction": "a"}
        ),
    ),
    (
        "count-tools",
        lambda c, t: c.models.count_tokens(
            model=M, contents="x", config={"tools": [{"function_declarations": [{"name": "f"}]}]}
        ),
    ),
    (
        "count-generation-config",
        lambda c, t: c.models.count_tokens(
            model=M, contents="x", config={"generation_config": {"temperature": 0}}
        ),
    ),
    (
        "embed-auto-truncate",
        lambda c, t: c.models.embed_content(
            model=EMBED, contents="x", config={"auto_truncate": True}
        ),
    ),
    (
        "embed-mime-type",
        lambda c, t: c.models.embed_content(
            model=EMBED, contents="x", config={"mime_type": "text/plain"}
        ),
    ),
    (
        "routing-config",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={"routing_config": {"auto_mode": {"model_routing_preference": "BALANCED"}}},
        ),
    ),
    (
        "model-selection-config",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={"model_selection_config": {"feature_selection_preference": "BALANCED"}},
        ),
    ),
    (
        "audio-timestamp",
        lambda c, t: c.models.generate_content(
            model=M, contents="x", config={"audio_timestamp": True}
        ),
    ),
    (
        "safety-method",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "safety_settings": [
                    {
                        "category": "HARM_CATEGORY_HARASSMENT",
                        "threshold": "BLOCK_NONE",
                        "method": "SEVERITY",
                    }
                ]
            },
        ),
    ),
    (
        "search-exclude-domains",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={"tools": [{"google_search": {"exclude_domains": ["a.com"]}}]},
        ),
    ),
    (
        "enterprise-web-search",
        lambda c, t: c.models.generate_content(
            model=M, contents="x", config={"tools": [{"enterprise_web_search": {}}]}
        ),
    ),
    (
        "retrieval-tool",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={"tools": [{"retrieval": {"vertex_ai_search": {"datastore": "d"}}}]},
        ),
    ),
    (
        "schema-additional-properties",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={"response_mime_type": "application/json", "response_schema": WithMap},
        ),
    ),
    (
        "function-call-will-continue",
        lambda c, t: c.models.generate_content(
            model=M,
            contents=[
                t.Content(
                    role="model",
                    parts=[
                        t.Part(function_call=t.FunctionCall(name="f", args={}, will_continue=True))
                    ],
                )
            ],
        ),
    ),
    (
        "image-output-mime-type",
        lambda c, t: c.models.generate_content(
            model="gemini-2.5-flash-image",
            contents="x",
            config={"image_config": {"output_mime_type": "image/png"}},
        ),
    ),
    (
        "stream-function-call-arguments",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "tools": [{"function_declarations": [{"name": "f"}]}],
                "tool_config": {
                    "function_calling_config": {"stream_function_call_arguments": True}
                },
            },
        ),
    ),
    ("compute-tokens", lambda c, t: c.models.compute_tokens(model=M, contents="x")),
    (
        "generate-images",
        lambda c, t: c.models.generate_images(model="imagen-4.0-generate-001", prompt="x"),
    ),
]


@pytest.mark.parametrize(("case", "call"), REFUSED, ids=[c[0] for c in REFUSED])
async def test_refused_before_sending(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
) -> None:
    """Both clients raise ValueError and send nothing; ours is a typed GenAIError."""
    with pytest.raises(ValueError):
        await capture(emu, lambda: call(theirs, gtypes))
    assert len(emu.recorded) == 0
    with pytest.raises(errors.GenAIError) as ours_error:
        await capture(emu, lambda: call(ours, ours_types))
    assert isinstance(ours_error.value, ValueError)
    assert len(emu.recorded) == 0


REJECTED: list[tuple[str, Call, int]] = [
    (
        "multimodal-embedding-model-list",
        lambda c, t: c.models.embed_content(model="gemini-embedding-2", contents=["a", "b"]),
        404,
    ),
    (
        "multimodal-embedding-model-parts",
        lambda c, t: c.models.embed_content(
            model="gemini-embedding-2",
            contents=[t.Part.from_text(text="a"), t.Part.from_text(text="b")],
        ),
        404,
    ),
    ("unknown-model", lambda c, t: c.models.generate_content(model="no-such", contents="x"), 404),
    ("get-bare-tuned-id", lambda c, t: c.models.get(model="emulated-tuned-model"), 404),
    (
        # task_type is a plain string in google-genai too: both send it as given.
        "embed-lower-case-task-type",
        lambda c, t: c.models.embed_content(
            model=EMBED, contents="x", config={"task_type": "retrieval_document"}
        ),
        400,
    ),
    (
        "schema-without-json-mime-type",
        lambda c, t: c.models.generate_content(
            model=M, contents="x", config={"response_schema": {"type": "STRING"}}
        ),
        400,
    ),
]


@pytest.mark.parametrize(("case", "call", "status"), REJECTED, ids=[c[0] for c in REJECTED])
async def test_rejected_by_the_server(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
    status: int,
) -> None:
    """Both send the same request, and both raise the server's status."""
    with pytest.raises(gerrors.APIError) as their_error:
        await capture(emu, lambda: call(theirs, gtypes))
    expected = list(emu.recorded)
    with pytest.raises(errors.APIError) as our_error:
        await capture(emu, lambda: call(ours, ours_types))
    got = list(emu.recorded)
    assert their_error.value.code == our_error.value.code == status
    assert_same_requests(got, camel_requests(wire(expected)))


LOWER_CASE_ENUMS: list[tuple[str, Call]] = [
    (
        "safety-settings",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "safety_settings": [
                    {"category": "harm_category_harassment", "threshold": "block_none"}
                ]
            },
        ),
    ),
    (
        "function-calling-mode",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "tools": [{"function_declarations": [{"name": "f"}]}],
                "tool_config": {"function_calling_config": {"mode": "any"}},
            },
        ),
    ),
    (
        "media-resolution",
        lambda c, t: c.models.generate_content(
            model=M, contents="x", config={"media_resolution": "media_resolution_low"}
        ),
    ),
]


@pytest.mark.parametrize(("case", "call"), LOWER_CASE_ENUMS, ids=[c[0] for c in LOWER_CASE_ENUMS])
async def test_lower_case_enum_values(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
) -> None:
    """A lower-case enum value is sent upper-cased, as google-genai does."""
    expected = await capture(emu, lambda: call(theirs, gtypes))
    got = await capture(emu, lambda: call(ours, ours_types))
    assert_same_requests(got, camel_requests(wire(expected)))


UNKNOWN_ENUMS: list[tuple[str, Call, str]] = [
    (
        "safety-threshold",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "safety_settings": [
                    {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_SOMETIMES"}
                ]
            },
        ),
        "BLOCK_SOMETIMES",
    ),
    (
        "function-calling-mode",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "tools": [{"function_declarations": [{"name": "f"}]}],
                "tool_config": {"function_calling_config": {"mode": "SOMETIMES"}},
            },
        ),
        "SOMETIMES",
    ),
    (
        "typed-media-resolution",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config=t.GenerateContentConfig(media_resolution="MEDIA_RESOLUTION_ULTRA"),
        ),
        "MEDIA_RESOLUTION_ULTRA",
    ),
]


@pytest.mark.parametrize(
    ("case", "call", "value"), UNKNOWN_ENUMS, ids=[c[0] for c in UNKNOWN_ENUMS]
)
async def test_unknown_enum_value_sent_with_a_warning_by_both(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
    value: str,
) -> None:
    """A value the API may have added after the release: both warn and send the same request
    (the emulator, like the API of this release, answers 400)."""
    with (
        pytest.warns(UserWarning, match=value),  # google-genai's warning
        pytest.raises(gerrors.ClientError) as their_error,
    ):
        await capture(emu, lambda: call(theirs, gtypes), quiet=False)
    assert their_error.value.code == 400
    expected = list(emu.recorded)
    with (
        pytest.warns(ours_types.UnknownEnumValueWarning, match=value),
        pytest.raises(errors.APIError) as our_error,
    ):
        await capture(emu, lambda: call(ours, ours_types), quiet=False)
    assert our_error.value.code == 400
    assert_same_requests(list(emu.recorded), camel_requests(wire(expected)))


NEAR_MISSES: list[tuple[str, Call, str, str]] = [
    (
        "safety-threshold",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "safety_settings": [
                    {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIHG"}
                ]
            },
        ),
        "config.safety_settings[0].threshold",
        "BLOCK_ONLY_HIGH",
    ),
    (
        "function-calling-mode",
        lambda c, t: c.models.generate_content(
            model=M,
            contents="x",
            config={
                "tools": [{"function_declarations": [{"name": "f"}]}],
                "tool_config": {"function_calling_config": {"mode": "AUTOO"}},
            },
        ),
        "config.tool_config.function_calling_config.mode",
        "AUTO",
    ),
]


@pytest.mark.parametrize(
    ("case", "call", "field", "meant"), NEAR_MISSES, ids=[c[0] for c in NEAR_MISSES]
)
async def test_near_miss_enum_value_refused_before_sending(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
    field: str,
    meant: str,
) -> None:
    """google-genai sends a typo of a known value and gets a 400; we refuse it before
    sending, naming the field and the value meant."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # google-genai warns about the value
        with pytest.raises(gerrors.ClientError) as their_error:
            await capture(emu, lambda: call(theirs, gtypes))
    assert their_error.value.code == 400
    assert len(emu.recorded) == 1
    with pytest.raises(errors.InvalidRequestError) as ours_error:
        await capture(emu, lambda: call(ours, ours_types))
    assert len(emu.recorded) == 0
    assert field in str(ours_error.value)
    assert f"did you mean {meant!r}" in str(ours_error.value)


class Quote(pydantic.BaseModel):
    symbol: str
    note: str | None = None


def get_quote(symbol: str) -> Quote:
    """Returns a quote as a pydantic model."""
    return Quote(symbol=symbol)


async def test_afc_pydantic_result_without_none_fields(
    emu: Emulator, ours: ga.AsyncClient, theirs: genai.client.AsyncClient
) -> None:
    """A tool's pydantic result is sent without its None fields, as google-genai does."""

    def call(c: Any) -> Any:
        return c.models.generate_content(
            model=M, contents="Use get_quote with symbol=ACME", config={"tools": [get_quote]}
        )

    expected = await capture(emu, lambda: call(theirs))
    got = await capture(emu, lambda: call(ours))
    assert len(got) == 2
    assert_same_requests(got, camel_requests(wire(expected)))


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0


def takes_unannotated(a, b=2):  # type: ignore[no-untyped-def]
    """No annotations."""


def takes_dataclass(p: Point) -> Point:
    """A dataclass parameter."""
    return p


def takes_frozenset(s: set[str], f: frozenset[int] = frozenset()) -> None:
    """Set parameters with a frozenset default."""


BROADER: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
    (
        "unannotated",
        takes_unannotated,
        {"type": "object", "properties": {"a": {}, "b": {"default": 2}}},
    ),
    ("dataclass", takes_dataclass, {"type": "object", "required": ["p"]}),
    ("frozenset-default", takes_frozenset, {"type": "object", "required": ["s"]}),
]


@pytest.mark.parametrize(("case", "fn", "subset"), BROADER, ids=[c[0] for c in BROADER])
async def test_tools_google_genai_cannot_declare(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    fn: Callable[..., Any],
    subset: dict[str, Any],
) -> None:
    """Callables google-genai fails to declare (unannotated, dataclass, frozenset default) work."""
    config: Any = {"tools": [fn], "automatic_function_calling": {"disable": True}}
    with pytest.raises((ValueError, TypeError)):
        await capture(
            emu, lambda: theirs.models.generate_content(model=M, contents="x", config=config)
        )
    assert len(emu.recorded) == 0
    got = await capture(
        emu, lambda: ours.models.generate_content(model=M, contents="x", config=config)
    )
    assert len(got) == 1
    declaration = got[0].json["tools"][0]["functionDeclarations"][0]
    assert declaration["name"] == fn.__name__
    schema = declaration["parametersJsonSchema"]
    assert {k: schema.get(k) for k in subset} == subset


class Pair(TypedDict):
    left: int
    right: str


SCHEMAS_BROADER: list[tuple[str, Any, dict[str, Any]]] = [
    # pydantic refuses typing.TypedDict before Python 3.12
    (
        "typing-typeddict",
        Pair,
        {"type": "OBJECT", "propertyOrdering": ["left", "right"], "required": ["left", "right"]},
    ),
    # google-genai calls .upper() on a list of JSON Schema types
    (
        "json-type-list",
        {"type": "object", "properties": {"a": {"type": ["string", "null"]}}, "required": ["a"]},
        {"type": "OBJECT", "properties": {"a": {"type": "STRING", "nullable": True}}},
    ),
]


@pytest.mark.parametrize(
    ("case", "schema", "subset"), SCHEMAS_BROADER, ids=[c[0] for c in SCHEMAS_BROADER]
)
async def test_schemas_google_genai_cannot_send(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    schema: Any,
    subset: dict[str, Any],
) -> None:
    """Response schemas google-genai fails on client-side are sent by us, converted."""
    config: Any = {"response_mime_type": "application/json", "response_schema": schema}
    with pytest.raises(Exception):  # noqa: B017 - pydantic, TypeError, AttributeError
        await capture(
            emu, lambda: theirs.models.generate_content(model=M, contents="x", config=config)
        )
    assert len(emu.recorded) == 0
    got = await capture(
        emu, lambda: ours.models.generate_content(model=M, contents="x", config=config)
    )
    assert len(got) == 1
    sent = got[0].json["generationConfig"]["responseSchema"]
    assert {k: sent.get(k) for k in subset} == subset
