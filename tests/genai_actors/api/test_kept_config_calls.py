"""``client.models`` with a config it has built before (the kept path of
``_transformers._prepared``): over a real socket to the emulator, every call sends what a
fresh build of its config makes, streams included, for every model, and a bad model name
raises as on the general path."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings, strategies as st

import genai_actors as ga
from genai_actors import types
from genai_actors._transformers._generate import _PREPARED, generate_content_request, kept_tables
from genai_actors._transformers._prepared import find_kept
from genai_actors.emulator import Emulator
from genai_actors.errors import InvalidRequestError

from .conftest import MODEL

TYPICAL: dict[str, Any] = {
    "temperature": 0.2,
    "max_output_tokens": 256,
    "stop_sequences": ["THE END"],
    "system_instruction": "You are terse.",
    "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}],
}


def _typed_with_tool() -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        temperature=0.3,
        tools=[types.Tool(function_declarations=[types.FunctionDeclaration(name="lookup")])],
    )


def _schema_config() -> dict[str, Any]:
    return {
        "response_mime_type": "application/json",
        "response_schema": {"type": "OBJECT", "properties": {"a": {"type": "STRING"}}},
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    _PREPARED.clear()
    yield
    _PREPARED.clear()


def _fresh_json(model: str, text: str, config: Any, *, stream: bool = False) -> Any:
    """The JSON body a fresh build (nothing kept) makes."""
    saved = copy.deepcopy(config)
    _PREPARED.clear()
    try:
        body = generate_content_request(model, text, saved, stream=stream).body
    finally:
        _PREPARED.clear()
    assert body is not None
    return msgspec.json.decode(body)


def _mutate(config: Any) -> None:
    if isinstance(config, dict):
        config["temperature"] = 0.5
    else:
        config.temperature = 0.5


def _kept(config: Any) -> bool:
    table = kept_tables(None).get(type(config))
    return table is not None and find_kept(table, config) is not None


@pytest.mark.parametrize("make", [lambda: copy.deepcopy(TYPICAL), _typed_with_tool, _schema_config])
async def test_a_stream_with_a_kept_config_sends_a_fresh_builds_body(
    emu: Emulator, client: ga.AsyncClient, make: Any
) -> None:
    """generate_content_stream with a config reused call after call (kept from the second
    call on) sends each time the body a fresh build makes, as a stream (alt=sse), with the
    same headers; a mutation between calls is sent; the chunks arrive."""
    config = make()
    mutated = copy.deepcopy(config)
    _mutate(mutated)
    expected = [_fresh_json(MODEL, f"hi {n}", config, stream=True) for n in range(3)]
    expected.append(_fresh_json(MODEL, "hi 3", mutated, stream=True))
    headers = []
    for n in range(4):
        if n == 3:
            _mutate(config)
        if n == 2:
            assert _kept(config)
        stream = client.models.generate_content_stream(
            model=MODEL, contents=f"hi {n}", config=config
        )
        chunks = [chunk async for chunk in stream]
        assert chunks
        record = emu.recorded[-1]
        assert record.json == expected[n]
        assert record.path.endswith(f"/models/{MODEL}:streamGenerateContent")
        assert record.query.get("alt") == "sse"
        headers.append(record.headers["x-goog-api-client"])
    assert len(set(headers)) == 1


async def test_a_kept_config_is_sent_to_each_model_its_calls_name(
    emu: Emulator, client: ga.AsyncClient
) -> None:
    """One kept config used with several models, in turn: each request goes to its own
    model's path (plain calls, calls with the config, streams), with the body a fresh build
    makes for it."""
    config = copy.deepcopy(TYPICAL)
    models = [MODEL, "models/gemini-2.5-pro", "gemini-2.0-flash"]
    expected = {(m, r): _fresh_json(m, f"q{r}", config) for m in models for r in range(3)}
    for round_ in range(3):
        for model in models:
            text = f"q{round_}"
            await client.models.generate_content(model=model, contents=text, config=config)
            record = emu.recorded[-1]
            name = model.removeprefix("models/")
            assert record.path.endswith(f"/models/{name}:generateContent")
            assert record.json == expected[model, round_]
            await client.models.generate_content(model=model, contents=text)
            assert emu.recorded[-1].path.endswith(f"/models/{name}:generateContent")
            async for _ in client.models.generate_content_stream(
                model=model, contents=text, config=config
            ):
                pass
            assert emu.recorded[-1].path.endswith(f"/models/{name}:streamGenerateContent")
    assert _kept(config)


@pytest.mark.parametrize("model", [["gemini-2.5-flash"], 3, None, ""])
async def test_a_bad_model_name_raises_on_the_fast_paths(
    emu: Emulator, client: ga.AsyncClient, model: Any
) -> None:
    """A model name that is no string (even an unhashable one) or is empty raises
    InvalidRequestError on the plain path and on the kept-config path, and nothing is sent."""
    config = copy.deepcopy(TYPICAL)
    await client.models.generate_content(model=MODEL, contents="a", config=config)
    await client.models.generate_content(model=MODEL, contents="b", config=config)
    assert _kept(config)
    sent = len(emu.recorded)
    for cfg in (None, config):
        with pytest.raises(InvalidRequestError, match="model"):
            await client.models.generate_content(model=model, contents="x", config=cfg)
        with pytest.raises(InvalidRequestError, match="model"):
            client.models.generate_content_stream(model=model, contents="x", config=cfg)
    assert len(emu.recorded) == sent


async def test_a_kept_config_with_http_options_uses_them(
    emu: Emulator, client: ga.AsyncClient
) -> None:
    """The request from a kept config carries the config's per-call http_options (here an
    extra header), like a fresh build's."""
    config = {"temperature": 0.1, "http_options": {"headers": {"x-kept": "yes"}}}
    for n in range(3):
        await client.models.generate_content(model=MODEL, contents=f"h{n}", config=config)
        assert emu.recorded[-1].headers.get("x-kept") == "yes"
    assert _kept(config)


@settings(max_examples=150, deadline=None)
@given(text=st.text(), stream=st.booleans())
def test_a_kept_configs_request_is_the_general_builders(text: str, stream: bool) -> None:
    """The request the models fast path makes from a kept config (the prompt encoded and
    spliced before the kept bytes) is the general builder's, for any text: same body, path
    and per-call options, the config struct the builder coerced."""
    config = copy.deepcopy(TYPICAL)
    expected = _fresh_json(MODEL, text, config, stream=stream)
    fresh = generate_content_request(MODEL, text, config, stream=stream)
    generate_content_request(MODEL, "a", config)
    generate_content_request(MODEL, "b", config)  # kept
    models = ga.AsyncClient(api_key="k").models
    kept = models._kept_request(MODEL, text, config, stream=stream)
    assert kept is not None
    request, entry = kept
    assert request.body is not None
    assert msgspec.json.decode(request.body) == expected
    assert request.body == fresh.body
    assert request.path == fresh.path
    assert request.http_options is None
    assert request.config is entry.coerced
    assert request.config == fresh.config
