"""Property tests for the emulator's parsers and generators (hypothesis)."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from genai_actors.emulator._brain import Candidate, Generation, split_for_stream
from genai_actors.emulator._embed import embed
from genai_actors.emulator._errors import ApiError
from genai_actors.emulator._proto import MESSAGES, parse, snake
from genai_actors.emulator._schema_gen import generate
from genai_actors.emulator._tokens import count_text, tokenize, truncate_to_tokens

_SCALAR_VALUES = {
    "temperature": st.floats(0, 2),
    "topP": st.floats(0, 1),
    "topK": st.integers(1, 100),
    "candidateCount": st.integers(1, 8),
    "maxOutputTokens": st.integers(1, 10_000),
    "stopSequences": st.lists(st.text(max_size=5), max_size=3),
    "responseMimeType": st.sampled_from(["text/plain", "application/json"]),
    "seed": st.integers(-(2**31), 2**31),
    "responseLogprobs": st.booleans(),
}


@given(
    st.dictionaries(st.sampled_from(sorted(_SCALAR_VALUES)), st.just(None), min_size=1),
    st.data(),
)
def test_proto_accepts_camel_and_snake_spellings(
    keys: dict[str, None], data: st.DataObject
) -> None:
    """Any mix of camelCase and snake_case field names parses to the same camelCase body."""
    config = {k: data.draw(_SCALAR_VALUES[k]) for k in keys}
    spelled = {(snake(k) if data.draw(st.booleans()) else k): v for k, v in config.items()}
    parsed = parse("GenerateContentRequest", {"generationConfig": spelled})
    assert parsed["generationConfig"] == config


@given(st.text(min_size=1, max_size=20).filter(lambda s: s not in _all_names()))
def test_proto_rejects_any_unknown_name(name: str) -> None:
    """A field name no message declares is always rejected with a 400."""
    with pytest.raises(ApiError) as caught:
        parse("GenerateContentRequest", {"generationConfig": {name: 1}})
    assert caught.value.code == 400
    assert "Unknown name" in caught.value.message


def _all_names() -> set[str]:
    fields = MESSAGES["GenerationConfig"]
    return set(fields) | {snake(f) for f in fields}


def _schemas(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    scalar = st.one_of(
        st.just({"type": "STRING"}),
        st.builds(
            lambda lo, span: {"type": "INTEGER", "minimum": lo, "maximum": lo + span},
            st.integers(-50, 50),
            st.integers(0, 20),
        ),
        st.builds(
            lambda lo, span: {"type": "NUMBER", "minimum": lo, "maximum": lo + span},
            st.floats(-10, 10),
            st.floats(0.1, 5),
        ),
        st.just({"type": "BOOLEAN"}),
        st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=4, unique=True).map(
            lambda e: {"type": "STRING", "enum": e}
        ),
    )
    if depth == 0:
        return scalar
    inner = _schemas(depth - 1)
    array = st.builds(
        lambda items, lo, span: {
            "type": "ARRAY",
            "items": items,
            "minItems": lo,
            "maxItems": lo + span,
        },
        inner,
        st.integers(0, 4),
        st.integers(0, 3),
    )
    obj = st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=5), inner, min_size=1, max_size=4
    ).flatmap(
        lambda props: st.lists(st.sampled_from(sorted(props)), unique=True).map(
            lambda req: {"type": "OBJECT", "properties": props, "required": req}
        )
    )
    return st.one_of(scalar, array, obj)


def _valid(schema: dict[str, Any], value: Any) -> bool:
    kind = schema["type"]
    if "enum" in schema:
        return value in schema["enum"]
    if kind == "STRING":
        return isinstance(value, str)
    if kind == "BOOLEAN":
        return isinstance(value, bool)
    if kind == "INTEGER":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return ok and schema["minimum"] <= value <= schema["maximum"]
    if kind == "NUMBER":
        return isinstance(value, float) and schema["minimum"] <= value <= schema["maximum"]
    if kind == "ARRAY":
        return (
            isinstance(value, list)
            and schema["minItems"] <= len(value) <= schema["maxItems"]
            and all(_valid(schema["items"], v) for v in value)
        )
    props = schema["properties"]
    return (
        isinstance(value, dict)
        and set(schema["required"]) <= set(value)
        and set(value) <= set(props)
        and all(_valid(props[k], v) for k, v in value.items())
    )


@settings(max_examples=200)
@given(_schemas(), st.integers(0, 2**32), st.lists(st.text(min_size=1, max_size=8), max_size=5))
def test_generated_json_satisfies_its_schema(
    schema: dict[str, Any], seed: int, hints: list[str]
) -> None:
    """Whatever the schema (nested objects, arrays, bounds, enums), the value satisfies it."""
    value = generate(schema, random.Random(seed), hints)
    assert _valid(schema, value)
    assert generate(schema, random.Random(seed), hints) == value


@given(st.text(max_size=300), st.integers(0, 80))
def test_truncate_keeps_a_prefix_of_at_most_n_tokens(text: str, limit: int) -> None:
    """Truncation yields a prefix with min(limit, count) tokens and reports cutting honestly."""
    cut, was_cut = truncate_to_tokens(text, limit)
    assert text.startswith(cut)
    assert count_text(cut) == min(limit, count_text(text))
    if not was_cut:
        assert tokenize(cut) == tokenize(text)


@given(
    st.lists(st.text(min_size=0, max_size=200), min_size=1, max_size=3),
    st.integers(1, 12),
)
def test_stream_split_reassembles_to_the_whole(texts: list[str], words: int) -> None:
    """Concatenating streamed deltas gives each candidate's text; usage only in the last event."""
    generation = Generation(
        candidates=[Candidate(index=i, parts=[{"text": t}]) for i, t in enumerate(texts)],
        prompt_tokens=1,
        candidate_tokens=2,
        thought_tokens=0,
        model_version="m",
        response_id="r",
    )
    events = split_for_stream(generation, words)
    for index, text in enumerate(texts):
        joined = "".join(
            p.get("text", "")
            for e in events
            for c in e["candidates"]
            if c["index"] == index
            for p in c["content"]["parts"]
        )
        assert joined == text
    assert all("usageMetadata" not in e for e in events[:-1])
    assert "usageMetadata" in events[-1]
    assert {c["index"] for c in events[-1]["candidates"]} == set(range(len(texts)))
    assert all("finishReason" in c for c in events[-1]["candidates"])


@given(st.text(max_size=100), st.integers(1, 512))
def test_embeddings_are_unit_length_and_deterministic(text: str, dims: int) -> None:
    """Every embedding has norm 1, the requested size, and depends only on the text."""
    vector = embed(text, dims)
    assert len(vector) == dims
    assert math.isclose(math.fsum(v * v for v in vector), 1.0, rel_tol=1e-9)
    assert embed(text, dims) == vector
