"""Conformance of results: for the same call, both clients decode the server's answers alike.

The emulator answers a request deterministically, and the request tests prove both clients send
the same requests; so the public accessors (``text``, ``function_calls``, ``parsed``, usage,
embeddings, model fields, pages, AFC history) must agree field by field. Enum-valued fields are
compared by value (google-genai returns enum members, genai_actors plain strings).
"""

from __future__ import annotations

import enum
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import pydantic
import pytest
from google import genai

import genai_actors as ga
from genai_actors.emulator import Emulator

from ._compare import GOOGLE_GENAI_WARNINGS

pytestmark = GOOGLE_GENAI_WARNINGS

M = "gemini-2.5-flash"
EMBED = "gemini-embedding-001"


def get_weather(city: str) -> str:
    """Returns the weather in a city."""
    return f"sunny in {city}"


class Dish(pydantic.BaseModel):
    name: str
    spicy: bool
    price: float
    tags: list[str]


def _value(x: Any) -> Any:
    return x.value if isinstance(x, enum.Enum) else x


async def _collect(result: Any) -> Any:
    """Awaits ``result``; an async iterator is collected into a list."""
    while isinstance(result, Awaitable) and not hasattr(result, "__aiter__"):
        result = await result
    if hasattr(result, "__aiter__"):
        return [item async for item in result]
    return result


def _generation(r: Any) -> dict[str, Any]:
    usage = r.usage_metadata
    candidate = r.candidates[0]
    return {
        "text": r.text,
        "finish_reason": _value(candidate.finish_reason),
        "role": candidate.content.role if candidate.content else None,
        "calls": [(c.name, c.args) for c in r.function_calls or []],
        "usage": (usage.prompt_token_count, usage.candidates_token_count, usage.total_token_count),
        "model_version": r.model_version,
        "has_response_id": bool(r.response_id),  # a per-response counter in the emulator
    }


def _afc(r: Any) -> dict[str, Any]:
    history = [
        (
            c.role,
            [
                (
                    p.text,
                    p.function_call.name if p.function_call else None,
                    p.function_call.args if p.function_call else None,
                    p.function_response.response if p.function_response else None,
                )
                for p in c.parts or []
            ],
        )
        for c in r.automatic_function_calling_history or []
    ]
    return {**_generation(r), "history": history}


def _stream(chunks: list[Any]) -> dict[str, Any]:
    return {
        "texts": [c.text for c in chunks],
        "finish": [_value(c.candidates[0].finish_reason) if c.candidates else None for c in chunks],
        "usage": [c.usage_metadata.total_token_count if c.usage_metadata else None for c in chunks],
    }


def _model(m: Any) -> dict[str, Any]:
    return {
        "name": m.name,
        "display_name": m.display_name,
        "description": m.description,
        "input_token_limit": m.input_token_limit,
        "output_token_limit": m.output_token_limit,
        "supported_actions": m.supported_actions,
    }


Case = tuple[str, Callable[[Any], Any], Callable[[Any], Any]]

CASES: list[Case] = [
    ("text", lambda c: c.models.generate_content(model=M, contents="Tell me of Oslo"), _generation),
    (
        "config",
        lambda c: c.models.generate_content(
            model=M,
            contents=["one", "two"],
            config={"system_instruction": "Be brief", "max_output_tokens": 5, "candidate_count": 2},
        ),
        lambda r: [_generation(r), [_value(x.finish_reason) for x in r.candidates]],
    ),
    (
        "thoughts",
        lambda c: c.models.generate_content(
            model=M, contents="Think", config={"thinking_config": {"include_thoughts": True}}
        ),
        lambda r: [
            _generation(r),
            [(p.thought, p.text) for p in r.candidates[0].content.parts],
            r.usage_metadata.thoughts_token_count,
        ],
    ),
    (
        "function-call",
        lambda c: c.models.generate_content(
            model=M,
            contents="Use get_weather with city=Lima",
            config={
                "tools": [get_weather],
                "automatic_function_calling": {"disable": True},
            },
        ),
        _generation,
    ),
    (
        "afc",
        lambda c: c.models.generate_content(
            model=M, contents="Use get_weather with city=Lima", config={"tools": [get_weather]}
        ),
        _afc,
    ),
    (
        "parsed-class",
        lambda c: c.models.generate_content(
            model=M,
            contents="A dish",
            config={"response_mime_type": "application/json", "response_schema": Dish},
        ),
        lambda r: [r.text, r.parsed.model_dump()],
    ),
    (
        "parsed-json-schema",
        lambda c: c.models.generate_content(
            model=M,
            contents="A dish",
            config={
                "response_mime_type": "application/json",
                "response_json_schema": {
                    "type": "object",
                    "properties": {"n": {"type": "integer"}},
                    "required": ["n"],
                },
            },
        ),
        lambda r: [r.text, r.parsed],
    ),
    ("stream", lambda c: c.models.generate_content_stream(model=M, contents="A tale"), _stream),
    (
        "stream-afc",
        lambda c: c.models.generate_content_stream(
            model=M, contents="Use get_weather with city=Bern", config={"tools": [get_weather]}
        ),
        _stream,
    ),
    (
        "embed",
        lambda c: c.models.embed_content(
            model=EMBED, contents=["a", "b"], config={"output_dimensionality": 8}
        ),
        lambda r: [e.values for e in r.embeddings],
    ),
    (
        "count",
        lambda c: c.models.count_tokens(model=M, contents="a b, c."),
        lambda r: r.total_tokens,
    ),
    ("get", lambda c: c.models.get(model=M), _model),
    ("get-tuned", lambda c: c.models.get(model="tunedModels/emulated-tuned-model"), _model),
    (
        "list",
        lambda c: c.models.list(config={"page_size": 5}),
        lambda pager: [m.name for m in pager],
    ),
]


@pytest.mark.parametrize(("case", "call", "extract"), CASES, ids=[c[0] for c in CASES])
async def test_same_results(
    emu: Emulator,
    ours: ga.AsyncClient,
    theirs: genai.client.AsyncClient,
    case: str,
    call: Callable[[Any], Any],
    extract: Callable[[Any], Any],
) -> None:
    """Both clients decode the same answers into the same public values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected = extract(await _collect(call(theirs)))
        got = extract(await _collect(call(ours)))
    assert got == expected
    assert got not in (None, [], {}, "")
