"""Conformance: google-genai 3.4 and genai_actors send the same ``models`` requests.

Every case runs the same call through google-genai's async client and through ours, against one
emulator, and compares every request its recorder captured (method, path, query, JSON body): each
page of a list, each turn of an automatic-function-calling loop. A case may carry a documented
deviation applied to google-genai's requests before comparing (see docs/conformance.md).
Adding a case is one row in a table.
"""

from __future__ import annotations

import datetime
import enum
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pydantic
import pytest
from google import genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors import types as ours_types
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
EMBED = "gemini-embedding-001"
TUNED = "tunedModels/emulated-tuned-model"
TTS = "gemini-2.5-flash-preview-tts"


def _png() -> bytes:
    """A valid 1x1 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()


# -- Python tools and schema classes (the same objects are given to both clients) ----------------


def get_weather(city: str) -> str:
    """Returns the weather in a city.

    Args:
        city: The city's name.
    """
    return f"sunny in {city}"


def get_time(city: str, utc_offset: int = 0) -> dict[str, Any]:
    """Returns the local time in a city."""
    return {"city": city, "time": "12:00", "offset": utc_offset}


def plan_trip(
    destinations: list[str],
    days: int,
    budget: float,
    by_train: bool = True,
    traveller: str | None = None,
) -> str:
    """Plans a trip through some destinations."""
    return f"{days} days through {', '.join(destinations)} for {budget}"


async def get_forecast(city: str, days: int = 1) -> list[str]:
    """Returns a forecast (a coroutine tool)."""
    return [f"day {i}: sunny in {city}" for i in range(days)]


def lookup_stock(symbol: str) -> float:
    """Looks up a stock price (always fails)."""
    raise LookupError(f"no quote for {symbol}")


def _exception_text_only(requests: list[WireRequest]) -> list[WireRequest]:
    """Deviation: google-genai wraps a failing tool's error text; we send ``str(exc)``."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            out = {k: walk(v) for k, v in value.items()}
            error = out.get("error")
            if isinstance(error, str) and " because of error " in error:
                out["error"] = error.split(" because of error ", 1)[1]
            return out
        return value

    return [WireRequest(r.method, r.path, r.query, walk(r.body)) for r in requests]


class Recipe(pydantic.BaseModel):
    """A recipe."""

    name: str
    servings: int
    vegetarian: bool
    ingredients: list[str]
    note: str | None = None


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Review(pydantic.BaseModel):
    rating: Literal["good", "bad"]
    recipe: Recipe
    scores: list[float]


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


def sig_enum_literal(mood: Mood, level: Literal[1, 2, 3] = 1, tone: Literal["a", "b"] = "a") -> str:
    """Enum and literal parameters."""
    return "ok"


def sig_models(recipe: Recipe, extra: list[Recipe] | None = None) -> dict[str, int]:
    """Pydantic parameters."""
    return {}


def sig_containers(
    counts: dict[str, int], pair: tuple[str, int], pairs: list[tuple[str, int]] | None = None
) -> bool:
    """Dicts and tuples, top-level and nested."""
    return True


def sig_unions(x: int | str, y: float | None = None, z: list[int] | None = None) -> None:
    """Unions and optionals."""


def sig_any_bytes(a: Any, data: bytes, when: datetime.datetime | None = None) -> None:
    """Any, bytes and datetime."""


def sig_docstring(city: str, unit: str = "C") -> str:
    """Gets the temperature.

    Args:
        city: The city.
        unit: C or F.

    Returns:
        The temperature.
    """
    return "20"


def _declare(fn: Callable[..., Any]) -> Call:
    """generate_content offering ``fn`` as a tool, AFC off: compares its declaration."""
    return lambda c, x: c.models.generate_content(
        model=M,
        contents="Hello",
        config={"tools": [fn], "automatic_function_calling": {"disable": True}},
    )


SCHEMA_DICT = {
    "type": "OBJECT",
    "properties": {
        "name": {"type": "STRING"},
        "count": {"type": "INTEGER", "minimum": 0},
        "tags": {"type": "ARRAY", "items": {"type": "STRING"}},
    },
    "required": ["name"],
}

JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "year": {"type": "integer"},
        "genres": {"type": "array", "items": {"type": "string", "enum": ["drama", "comedy"]}},
    },
    "required": ["title", "year"],
    "additionalProperties": False,
}

WEATHER_DECL = {
    "name": "get_weather",
    "description": "Returns the weather in a city.",
    "parameters": {
        "type": "OBJECT",
        "properties": {"city": {"type": "STRING", "description": "The city."}},
        "required": ["city"],
    },
}


@dataclass
class Ctx:
    """What a case may use: the client's types module and resources made for the case."""

    t: Any
    cache: str = ""
    file_uri: str = ""
    victim: str = ""
    operation: Any = None


Call = Callable[[Any, Ctx], Any]
Deviation = Callable[[list[WireRequest]], list[WireRequest]] | None


def _gen(contents: Callable[[Ctx], Any], config: Callable[[Ctx], Any] | None = None) -> Call:
    """A generate_content call whose contents/config may be built with the client's types."""
    return lambda c, x: c.models.generate_content(
        model=M, contents=contents(x), config=config(x) if config else None
    )


def _cfg(config: dict[str, Any]) -> Call:
    """generate_content of a fixed prompt with ``config`` (a dict, given as is)."""
    return lambda c, x: c.models.generate_content(model=M, contents="Hello there", config=config)


def _stream(contents: Any, config: Any = None) -> Call:
    # google-genai's async stream is a coroutine returning an async iterator; ours is an object
    # that is both; capture() drains either.
    return lambda c, x: c.models.generate_content_stream(model=M, contents=contents, config=config)


GENERATE: list[tuple[str, Call, Deviation]] = [
    # contents in every accepted shape
    ("text", _gen(lambda x: "Tell me about Marseille"), None),
    ("list-of-strings", _gen(lambda x: ["one", "two", "three"]), None),
    (
        "multi-turn-dicts",
        _gen(
            lambda x: [
                {"role": "user", "parts": [{"text": "Hi, I am Ann."}]},
                {"role": "model", "parts": [{"text": "Hello Ann."}]},
                {"role": "user", "parts": [{"text": "What is my name?"}]},
            ]
        ),
        None,
    ),
    (
        "multi-turn-content-objects",
        _gen(
            lambda x: [
                x.t.Content(role="user", parts=[x.t.Part(text="Hi, I am Ann.")]),
                x.t.Content(role="model", parts=[x.t.Part.from_text(text="Hello Ann.")]),
                x.t.Content(role="user", parts=[x.t.Part(text="What is my name?")]),
            ]
        ),
        None,
    ),
    (
        "strings-around-a-model-turn",
        _gen(lambda x: ["a", {"role": "model", "parts": [{"text": "b"}]}, "c"]),
        None,
    ),
    (
        "parts-around-a-model-turn",
        _gen(
            lambda x: [
                x.t.Part(text="a"),
                x.t.Content(role="model", parts=[x.t.Part(text="b")]),
                "c",
            ]
        ),
        None,
    ),
    ("single-content-object", _gen(lambda x: x.t.UserContent(parts=[x.t.Part(text="Hi")])), None),
    ("single-content-dict", _gen(lambda x: {"parts": [{"text": "Hi"}]}), None),
    ("single-part", _gen(lambda x: x.t.Part.from_text(text="Just a part")), None),
    (
        "strings-and-parts",
        _gen(lambda x: ["Describe this", x.t.Part.from_bytes(data=PNG, mime_type="image/png")]),
        None,
    ),
    (
        "list-of-lists",
        _gen(lambda x: [["first", "turn"], x.t.Part.from_text(text="second")]),
        None,
    ),
    (
        "image-bytes-part",
        _gen(lambda x: [x.t.Part.from_bytes(data=PNG, mime_type="image/png")]),
        None,
    ),
    (
        "image-inline-dict",
        _gen(
            lambda x: [
                {
                    "role": "user",
                    "parts": [{"inline_data": {"data": PNG, "mime_type": "image/png"}}],
                }
            ]
        ),
        None,
    ),
    (
        "file-data-part",
        _gen(
            lambda x: [
                "Summarise the file",
                x.t.Part.from_uri(file_uri=x.file_uri, mime_type="text/plain"),
            ]
        ),
        None,
    ),
    (
        "file-data-dict",
        _gen(lambda x: [{"file_data": {"file_uri": x.file_uri, "mime_type": "text/plain"}}]),
        None,
    ),
    (
        "model-function-turns",
        _gen(
            lambda x: [
                x.t.Content(role="user", parts=[x.t.Part(text="Weather in Rome?")]),
                x.t.Content(
                    role="model",
                    parts=[x.t.Part.from_function_call(name="get_weather", args={"city": "Rome"})],
                ),
                x.t.Content(
                    role="user",
                    parts=[
                        x.t.Part.from_function_response(
                            name="get_weather", response={"result": "sunny"}
                        )
                    ],
                ),
            ],
            lambda x: {"tools": [{"function_declarations": [WEATHER_DECL]}]},
        ),
        None,
    ),
    # config
    ("system-instruction-str", _cfg({"system_instruction": "Be terse."}), None),
    (
        "system-instruction-content",
        _gen(
            lambda x: "Hi",
            lambda x: x.t.GenerateContentConfig(
                system_instruction=x.t.Content(parts=[x.t.Part(text="Be terse.")])
            ),
        ),
        None,
    ),
    ("system-instruction-list", _cfg({"system_instruction": ["Be terse.", "Be kind."]}), None),
    (
        "sampling",
        _cfg(
            {
                "temperature": 0.3,
                "top_p": 0.9,
                "top_k": 20,
                "max_output_tokens": 64,
                "presence_penalty": 0.5,
                "frequency_penalty": 0.25,
            }
        ),
        None,
    ),
    ("stop-sequences", _cfg({"stop_sequences": ["END", "STOP"]}), None),
    ("candidate-count", _cfg({"candidate_count": 2}), None),
    ("seed", _cfg({"seed": 42}), None),
    ("logprobs", _cfg({"response_logprobs": True, "logprobs": 3}), None),
    ("response-modalities", _cfg({"response_modalities": ["TEXT"]}), None),
    ("media-resolution", _cfg({"media_resolution": "MEDIA_RESOLUTION_LOW"}), None),
    (
        "safety-settings",
        _cfg(
            {
                "safety_settings": [
                    {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"},
                    {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_LOW_AND_ABOVE"},
                ]
            }
        ),
        None,
    ),
    (
        "safety-settings-typed",
        _gen(
            lambda x: "Hi",
            lambda x: x.t.GenerateContentConfig(
                safety_settings=[
                    x.t.SafetySetting(
                        category=x.t.HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT,
                        threshold=x.t.HarmBlockThreshold.BLOCK_ONLY_HIGH,
                    )
                ]
            ),
        ),
        None,
    ),
    ("thinking-budget", _cfg({"thinking_config": {"thinking_budget": 128}}), None),
    (
        "thinking-include-thoughts",
        _cfg({"thinking_config": {"include_thoughts": True, "thinking_budget": -1}}),
        None,
    ),
    (
        "thinking-typed",
        _gen(
            lambda x: "Think",
            lambda x: x.t.GenerateContentConfig(
                thinking_config=x.t.ThinkingConfig(include_thoughts=True, thinking_budget=0)
            ),
        ),
        None,
    ),
    ("labels", _cfg({"labels": {"team": "conformance"}}), None),
    (
        "cached-content",
        lambda c, x: c.models.generate_content(
            model=M, contents="About the cache?", config={"cached_content": x.cache}
        ),
        None,
    ),
    (
        "cached-content-bare-id",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="About the cache?",
            config={"cached_content": x.cache.removeprefix("cachedContents/")},
        ),
        None,
    ),
    # structured output
    (
        "schema-dict",
        _cfg({"response_mime_type": "application/json", "response_schema": SCHEMA_DICT}),
        None,
    ),
    (
        "schema-class",
        _cfg({"response_mime_type": "application/json", "response_schema": Recipe}),
        None,
    ),
    (
        "schema-list-of-class",
        _cfg({"response_mime_type": "application/json", "response_schema": list[Recipe]}),
        None,
    ),
    (
        "schema-nested-class",
        _cfg({"response_mime_type": "application/json", "response_schema": Review}),
        None,
    ),
    ("schema-enum", _cfg({"response_mime_type": "text/x.enum", "response_schema": Colour}), None),
    ("schema-int", _cfg({"response_mime_type": "application/json", "response_schema": int}), None),
    (
        "schema-literal-enum-mime",
        _cfg({"response_mime_type": "text/x.enum", "response_schema": Literal["yes", "no"]}),
        None,
    ),
    (
        "schema-literal-json",
        _cfg({"response_mime_type": "application/json", "response_schema": Literal["yes", "no"]}),
        None,
    ),
    (
        "schema-list-of-literal",
        _cfg(
            {"response_mime_type": "application/json", "response_schema": list[Literal["a", "b"]]}
        ),
        None,
    ),
    (
        "schema-bool",
        _cfg({"response_mime_type": "application/json", "response_schema": bool}),
        None,
    ),
    (
        "schema-list-of-enum",
        _cfg({"response_mime_type": "application/json", "response_schema": list[Colour]}),
        None,
    ),
    (
        "schema-any-of-dict",
        _cfg(
            {
                "response_mime_type": "application/json",
                "response_schema": {"any_of": [{"type": "STRING"}, {"type": "INTEGER"}]},
            }
        ),
        None,
    ),
    (
        "schema-nullable-format-dict",
        _cfg(
            {
                "response_mime_type": "application/json",
                "response_schema": {"type": "STRING", "nullable": True, "format": "date-time"},
            }
        ),
        None,
    ),
    (
        "schema-typed",
        _gen(
            lambda x: "List things",
            lambda x: x.t.GenerateContentConfig(
                response_mime_type="application/json",
                response_schema=x.t.Schema(
                    type=x.t.Type.ARRAY, items=x.t.Schema(type=x.t.Type.STRING)
                ),
            ),
        ),
        None,
    ),
    (
        "response-json-schema",
        _cfg({"response_mime_type": "application/json", "response_json_schema": JSON_SCHEMA}),
        None,
    ),
    # tools
    (
        "function-declarations",
        _cfg({"tools": [{"function_declarations": [WEATHER_DECL]}]}),
        None,
    ),
    (
        "function-declarations-typed",
        _gen(
            lambda x: "Weather in Oslo?",
            lambda x: x.t.GenerateContentConfig(
                tools=[
                    x.t.Tool(
                        function_declarations=[
                            x.t.FunctionDeclaration(
                                name="get_weather",
                                description="Weather.",
                                parameters_json_schema={
                                    "type": "object",
                                    "properties": {"city": {"type": "string"}},
                                },
                            )
                        ]
                    )
                ]
            ),
        ),
        None,
    ),
    (
        "tool-config",
        _cfg(
            {
                "tools": [{"function_declarations": [WEATHER_DECL]}],
                "tool_config": {
                    "function_calling_config": {
                        "mode": "ANY",
                        "allowed_function_names": ["get_weather"],
                    }
                },
            }
        ),
        None,
    ),
    (
        "builtin-tools",
        _cfg({"tools": [{"google_search": {}}, {"code_execution": {}}, {"url_context": {}}]}),
        None,
    ),
    (
        "callables-afc-disabled",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Paris",
            config={
                "tools": [get_weather, get_time, plan_trip],
                "automatic_function_calling": {"disable": True},
            },
        ),
        None,
    ),
    (
        "callables-afc",
        lambda c, x: c.models.generate_content(
            model=M, contents="Use get_weather with city=Paris", config={"tools": [get_weather]}
        ),
        None,
    ),
    (
        "callables-afc-several-tools",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use get_time with city=Lima",
            config={"tools": [get_weather, get_time], "temperature": 0.1},
        ),
        None,
    ),
    (
        "callables-afc-max-calls",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Quito",
            config={
                "tools": [get_weather],
                "automatic_function_calling": {"maximum_remote_calls": 1},
            },
        ),
        None,
    ),
    (
        "callables-afc-history-contents",
        lambda c, x: c.models.generate_content(
            model=M,
            contents=[
                {"role": "user", "parts": [{"text": "Hello"}]},
                {"role": "model", "parts": [{"text": "Hi"}]},
                "Use get_weather with city=Bern",
            ],
            config={"tools": [get_weather], "system_instruction": "Use tools."},
        ),
        None,
    ),
    (
        "callables-afc-parallel",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Paris and get_time with city=Lima",
            config={"tools": [get_weather, get_time]},
        ),
        None,
    ),
    (
        "callables-afc-mode-any",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Oslo",
            config={
                "tools": [get_weather],
                "tool_config": {"function_calling_config": {"mode": "ANY"}},
                "automatic_function_calling": {"maximum_remote_calls": 3},
            },
        ),
        None,
    ),
    (
        "extra-body",
        _cfg({"http_options": {"extra_body": {"generationConfig": {"temperature": 0.7}}}}),
        None,
    ),
]

GENERATE += [
    ("tuned-model", lambda c, x: c.models.generate_content(model=TUNED, contents="Hi"), None),
    (
        "prefixed-model",
        lambda c, x: c.models.generate_content(model=f"models/{M}", contents="Hi"),
        None,
    ),
    ("empty-typed-config", _gen(lambda x: "Hi", lambda x: x.t.GenerateContentConfig()), None),
    (
        "typed-config",
        _gen(
            lambda x: "Hi",
            lambda x: x.t.GenerateContentConfig(
                temperature=0.1, top_p=0.5, max_output_tokens=5, stop_sequences=["a"], seed=3
            ),
        ),
        None,
    ),
    ("mime-only", _cfg({"response_mime_type": "application/json"}), None),
    ("thinking-level", _cfg({"thinking_config": {"thinking_level": "LOW"}}), None),
    ("civic-answers", _cfg({"enable_enhanced_civic_answers": True}), None),
    (
        "schema-lower-case-dict",
        _cfg(
            {
                "response_mime_type": "application/json",
                "response_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
            }
        ),
        None,
    ),
    (
        "schema-list-of-str",
        _cfg({"response_mime_type": "application/json", "response_schema": list[str]}),
        None,
    ),
    (
        "speech-config-str",
        lambda c, x: c.models.generate_content(
            model=TTS,
            contents="Say hi",
            config={"response_modalities": ["AUDIO"], "speech_config": "Kore"},
        ),
        None,
    ),
    (
        "speech-config-dict",
        lambda c, x: c.models.generate_content(
            model=TTS,
            contents="Say hi",
            config={
                "response_modalities": ["AUDIO"],
                "speech_config": {
                    "voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}},
                    "language_code": "en-US",
                },
            },
        ),
        None,
    ),
    (
        "image-config",
        lambda c, x: c.models.generate_content(
            model="gemini-2.5-flash-image",
            contents="A cat",
            config={
                "response_modalities": ["TEXT", "IMAGE"],
                "image_config": {"aspect_ratio": "16:9"},
            },
        ),
        None,
    ),
    (
        "video-metadata",
        _gen(
            lambda x: [
                x.t.Part(
                    file_data=x.t.FileData(
                        file_uri="https://example.com/v.mp4", mime_type="video/mp4"
                    ),
                    video_metadata=x.t.VideoMetadata(start_offset="1s", end_offset="5s", fps=2),
                )
            ]
        ),
        None,
    ),
    (
        "thought-signature",
        _gen(
            lambda x: [
                x.t.Content(role="user", parts=[x.t.Part(text="a")]),
                x.t.Content(
                    role="model", parts=[x.t.Part(text="b", thought_signature=b"\x01\x02\xff")]
                ),
                "c",
            ]
        ),
        None,
    ),
    (
        "function-call-ids",
        _gen(
            lambda x: [
                x.t.Content(
                    role="model",
                    parts=[
                        x.t.Part(function_call=x.t.FunctionCall(id="1", name="f", args={"a_b": 1}))
                    ],
                ),
                x.t.Content(
                    role="user",
                    parts=[
                        x.t.Part(
                            function_response=x.t.FunctionResponse(
                                id="1", name="f", response={"x_y": 2}
                            )
                        )
                    ],
                ),
            ]
        ),
        None,
    ),
    (
        "retrieval-config",
        _cfg(
            {
                "tools": [{"google_search": {}}],
                "tool_config": {
                    "retrieval_config": {
                        "lat_lng": {"latitude": 1.0, "longitude": 2.0},
                        "language_code": "en",
                    }
                },
            }
        ),
        None,
    ),
    (
        "function-parameters-lower-case-types",
        _cfg(
            {
                "tools": [
                    {
                        "function_declarations": [
                            {
                                "name": "f",
                                "parameters": {
                                    "type": "object",
                                    "properties": {
                                        "a_b": {"type": "integer"},
                                        "tags": {"type": "array", "items": {"type": "string"}},
                                    },
                                    "required": ["a_b"],
                                },
                            }
                        ]
                    }
                ]
            }
        ),
        None,
    ),
    (
        "callables-and-declarations",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Nice",
            config={"tools": [get_weather, {"function_declarations": [WEATHER_DECL]}]},
        ),
        None,
    ),
    (
        "callables-afc-coroutine-tool",
        lambda c, x: c.models.generate_content(
            model=M, contents="Use get_forecast with city=Riga", config={"tools": [get_forecast]}
        ),
        None,
    ),
    (
        "callables-afc-failing-tool",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use lookup_stock with symbol=ACME",
            config={"tools": [lookup_stock]},
        ),
        _exception_text_only,
    ),
    ("declaration-enum-literal", _declare(sig_enum_literal), None),
    ("declaration-pydantic", _declare(sig_models), None),
    ("declaration-containers", _declare(sig_containers), None),
    ("declaration-unions", _declare(sig_unions), None),
    ("declaration-any-bytes-datetime", _declare(sig_any_bytes), None),
    ("declaration-docstring-args", _declare(sig_docstring), None),
    (
        "callables-afc-settings",
        lambda c, x: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Nice",
            config={
                "tools": [get_weather],
                "automatic_function_calling": {
                    "disable": False,
                    "maximum_remote_calls": 5,
                    "ignore_call_history": True,
                },
            },
        ),
        None,
    ),
]

STREAM: list[tuple[str, Call, Deviation]] = [
    ("stream-text", _stream("Tell me a long story about a fox"), None),
    (
        "stream-config",
        _stream(
            ["Tell", "a tale"],
            {"system_instruction": "Be epic.", "temperature": 0.2, "stop_sequences": ["X"]},
        ),
        None,
    ),
    (
        "stream-schema",
        _stream("A recipe", {"response_mime_type": "application/json", "response_schema": Recipe}),
        None,
    ),
    ("stream-afc", _stream("Use get_weather with city=Lyon", {"tools": [get_weather]}), None),
]

EMBED_CASES: list[tuple[str, Call, Deviation]] = [
    ("embed-string", lambda c, x: c.models.embed_content(model=EMBED, contents="hello"), None),
    (
        "embed-list",
        lambda c, x: c.models.embed_content(model=EMBED, contents=["one", "two", "three"]),
        None,
    ),
    (
        "embed-content-object",
        lambda c, x: c.models.embed_content(
            model=EMBED, contents=x.t.Content(parts=[x.t.Part(text="a"), x.t.Part(text="b")])
        ),
        None,
    ),
    (
        "embed-config",
        lambda c, x: c.models.embed_content(
            model=f"models/{EMBED}",
            contents=["doc one", "doc two"],
            config={
                "task_type": "RETRIEVAL_DOCUMENT",
                "title": "Docs",
                "output_dimensionality": 8,
            },
        ),
        None,
    ),
    (
        "embed-typed-config",
        lambda c, x: c.models.embed_content(
            model=EMBED,
            contents="query",
            config=x.t.EmbedContentConfig(task_type="RETRIEVAL_QUERY", output_dimensionality=4),
        ),
        None,
    ),
]

TOKENS: list[tuple[str, Call, Deviation]] = [
    ("count-string", lambda c, x: c.models.count_tokens(model=M, contents="a b c"), None),
    (
        "count-multi-turn",
        lambda c, x: c.models.count_tokens(
            model=M,
            contents=[
                x.t.Content(role="user", parts=[x.t.Part(text="Hi")]),
                x.t.Content(role="model", parts=[x.t.Part(text="Hello")]),
                {"role": "user", "parts": [{"text": "Bye"}]},
            ],
        ),
        None,
    ),
    (
        "count-image",
        lambda c, x: c.models.count_tokens(
            model=M, contents=["What?", x.t.Part.from_bytes(data=PNG, mime_type="image/png")]
        ),
        None,
    ),
]

MODELS: list[tuple[str, Call, Deviation]] = [
    ("get", lambda c, x: c.models.get(model=M), None),
    ("get-prefixed", lambda c, x: c.models.get(model=f"models/{M}"), None),
    ("get-tuned", lambda c, x: c.models.get(model=TUNED), None),
    ("list", lambda c, x: c.models.list(), None),
    ("list-paged", lambda c, x: c.models.list(config={"page_size": 4}), None),
    ("list-tuned", lambda c, x: c.models.list(config={"query_base": False}), None),
    (
        "update",
        lambda c, x: c.models.update(
            model=TUNED, config={"display_name": "Renamed", "description": "New words"}
        ),
        None,
    ),
    (
        "update-typed",
        lambda c, x: c.models.update(
            model=TUNED, config=x.t.UpdateModelConfig(display_name="Typed")
        ),
        None,
    ),
    ("delete", lambda c, x: c.models.delete(model=x.victim), None),
    ("operations-get", lambda c, x: c.operations.get(x.operation), None),
]

EMBED_CASES += [
    (
        "embed-legacy-model",
        lambda c, x: c.models.embed_content(model="text-embedding-004", contents=["a", "b"]),
        None,
    ),
    (
        "embed-parts",
        lambda c, x: c.models.embed_content(
            model=EMBED, contents=[x.t.Part(text="a"), x.t.Part(text="b")]
        ),
        None,
    ),
    (
        "embed-content-dicts",
        lambda c, x: c.models.embed_content(
            model=EMBED,
            contents=[{"parts": [{"text": "a"}]}, {"parts": [{"text": "b"}], "role": "user"}],
        ),
        None,
    ),
]
TOKENS += [
    (
        "count-parts",
        lambda c, x: c.models.count_tokens(
            model=M, contents=[x.t.Part(text="a"), x.t.Part(text="b")]
        ),
        None,
    ),
]
MODELS += [
    (
        "list-page-token",
        lambda c, x: c.models.list(config={"page_size": 3, "page_token": "bW9kZWxzfDQ"}),
        None,
    ),
    (
        "list-base-explicit",
        lambda c, x: c.models.list(config={"query_base": True, "page_size": 50}),
        None,
    ),
    (
        "update-checkpoint",
        lambda c, x: c.models.update(model=TUNED, config={"default_checkpoint_id": "1"}),
        None,
    ),
]

CASES = GENERATE + STREAM + EMBED_CASES + TOKENS + MODELS

# How many requests a case makes (default 1): the loops are compared turn by turn, and a loop
# that silently stopped early on both sides must not pass as conformance.
REQUESTS = {
    "callables-afc": 2,
    "callables-afc-several-tools": 2,
    "callables-afc-history-contents": 2,
    "callables-afc-parallel": 2,
    "callables-afc-mode-any": 2,
    "stream-afc": 2,
    "list-paged": 4,
    "list-page-token": 4,
    "callables-afc-settings": 2,
    "callables-afc-coroutine-tool": 2,
    "callables-afc-failing-tool": 2,
}


async def _contexts(emu: Emulator, ours: ga.AsyncClient) -> tuple[Ctx, Ctx]:
    """Per-client contexts sharing one cache, file and operation; each its own victim model."""
    cache = await ours.caches.create(
        model=M, config={"contents": "The quick brown fox jumps over the lazy dog. " * 20}
    )
    stored = emu.files.add(b"Some plain text to summarise.", "text/plain")
    uri = f"{emu.url}/v1beta/files/{stored.file_id}"
    seed = emu.state.tuned_models[TUNED]
    victims = []
    for who in ("theirs", "ours"):
        name = f"tunedModels/victim-{who}"
        emu.state.tuned_models[name] = {**seed, "name": name}
        victims.append(name)
    video = await ours.models.generate_videos(model="veo-3.0-generate-001", prompt="A fox")
    assert cache.name
    assert video.name
    their = Ctx(
        gtypes,
        cache.name,
        uri,
        victims[0],
        gtypes.GenerateVideosOperation.model_validate({"name": video.name}),
    )
    mine = Ctx(ours_types, cache.name, uri, victims[1], video)
    return their, mine


@pytest.mark.parametrize(("case", "call", "deviation"), CASES, ids=[c[0] for c in CASES])
async def test_same_requests(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Call,
    deviation: Deviation,
) -> None:
    """Both clients send the same method, path, query and JSON body for every request."""
    their_ctx, our_ctx = await _contexts(emu, ours)
    sent = await capture(emu, lambda: call(theirs, their_ctx))
    expected = camel_requests(wire(sent, {their_ctx.victim: "{v}"}))
    got = wire(await capture(emu, lambda: call(ours, our_ctx)), {our_ctx.victim: "{v}"})
    if deviation is not None:
        expected = deviation(expected)
    assert_same_requests(got, expected)
    assert len(got) == REQUESTS.get(case, 1)
