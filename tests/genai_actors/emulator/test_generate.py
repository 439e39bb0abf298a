"""The deterministic model: text, JSON, function calls, thoughts, media, usage and streaming."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

import aiohttp

from genai_actors.emulator import Emulator

from .conftest import KEY, Raw, text_of, user

GEN = "v1beta/models/gemini-2.5-flash:generateContent"
STREAM = "v1beta/models/gemini-2.5-flash:streamGenerateContent"


async def _gen(raw: Raw, body: dict[str, Any], path: str = GEN) -> dict[str, Any]:
    status, data = await raw.post(path, body)
    assert status == 200, data
    assert isinstance(data, dict)
    return data


async def test_same_prompt_same_text_different_prompt_different_text(raw: Raw) -> None:
    """Text is a function of the prompt and mentions the prompt."""
    a = text_of(await _gen(raw, {"contents": [user("Describe the Eiffel Tower")]}))
    b = text_of(await _gen(raw, {"contents": [user("Describe the Eiffel Tower")]}))
    c = text_of(await _gen(raw, {"contents": [user("Describe Mount Fuji")]}))
    assert a == b
    assert a != c
    assert "Eiffel" in a
    assert "Fuji" in c


async def test_seed_changes_the_text() -> None:
    """Two emulators with different seeds answer the same prompt differently."""
    texts = []
    for seed in (1, 2):
        async with Emulator(seed=seed) as emu, aiohttp.ClientSession() as s:
            texts.append(text_of(await _gen(Raw(s, emu.url), {"contents": [user("same")]})))
    assert texts[0] != texts[1]


async def test_response_shape_and_usage(raw: Raw) -> None:
    """A response carries candidates, finishReason, modelVersion, responseId and usage."""
    body = await _gen(raw, {"contents": [user("Hello there, model!")]})
    cand = body["candidates"][0]
    assert cand["finishReason"] == "STOP"
    assert cand["index"] == 0
    assert body["modelVersion"] == "gemini-2.5-flash"
    assert body["responseId"]
    usage = body["usageMetadata"]
    assert usage["promptTokenCount"] == 5  # Hello there , model !
    assert usage["candidatesTokenCount"] > 0
    assert usage["totalTokenCount"] == (
        usage["promptTokenCount"] + usage["candidatesTokenCount"] + usage["thoughtsTokenCount"]
    )


async def test_prompt_tokens_match_count_tokens(raw: Raw) -> None:
    """usageMetadata.promptTokenCount equals countTokens for the same request."""
    request = {
        "contents": [user("One, two; three."), {"role": "model", "parts": [{"text": "Four"}]}],
        "systemInstruction": {"parts": [{"text": "Be terse."}]},
    }
    body = await _gen(raw, request)
    status, counted = await raw.post(
        "v1beta/models/gemini-2.5-flash:countTokens", {"generateContentRequest": request}
    )
    assert status == 200
    assert counted["totalTokens"] == body["usageMetadata"]["promptTokenCount"]
    status, plain = await raw.post(
        "v1beta/models/gemini-2.5-flash:countTokens", {"contents": request["contents"]}
    )
    assert plain["totalTokens"] == 7


async def test_count_tokens_rejects_both_or_neither(raw: Raw) -> None:
    """countTokens needs exactly one of contents and generateContentRequest."""
    path = "v1beta/models/gemini-2.5-flash:countTokens"
    status, _ = await raw.post(path, {})
    assert status == 400
    status, _ = await raw.post(
        path, {"contents": [user("a")], "generateContentRequest": {"contents": [user("a")]}}
    )
    assert status == 400


async def test_non_thinking_model_reports_no_thoughts(raw: Raw) -> None:
    """gemini-2.0-flash does not think; a zero thinking budget turns thinking off."""
    body = await _gen(
        raw, {"contents": [user("hi")]}, "v1beta/models/gemini-2.0-flash:generateContent"
    )
    assert "thoughtsTokenCount" not in body["usageMetadata"]
    body = await _gen(
        raw,
        {"contents": [user("hi")], "generationConfig": {"thinkingConfig": {"thinkingBudget": 0}}},
    )
    assert "thoughtsTokenCount" not in body["usageMetadata"]


async def test_include_thoughts_adds_a_signed_thought_part(raw: Raw) -> None:
    """includeThoughts yields a thought part with a thoughtSignature before the answer."""
    body = await _gen(
        raw,
        {
            "contents": [user("Plan a trip to Kyoto")],
            "generationConfig": {"thinkingConfig": {"includeThoughts": True}},
        },
    )
    parts = body["candidates"][0]["content"]["parts"]
    assert parts[0]["thought"] is True
    assert base64.b64decode(parts[0]["thoughtSignature"])
    assert "Kyoto" in parts[0]["text"]
    assert "thought" not in parts[1]
    assert body["usageMetadata"]["thoughtsTokenCount"] > 0


async def test_json_schema_openapi_dialect(raw: Raw) -> None:
    """responseSchema output parses and satisfies types, enums, required, arrays and bounds."""
    schema = {
        "type": "OBJECT",
        "properties": {
            "name": {"type": "STRING"},
            "age": {"type": "INTEGER", "minimum": 18, "maximum": 20},
            "score": {"type": "NUMBER", "minimum": 0.5, "maximum": 0.75},
            "tier": {"type": "STRING", "enum": ["gold", "silver"]},
            "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "minItems": 3, "maxItems": 4},
            "address": {
                "type": "OBJECT",
                "properties": {"city": {"type": "STRING"}, "zip": {"type": "INTEGER"}},
                "required": ["city"],
            },
            "nickname": {"type": "STRING", "nullable": True},
            "active": {"type": "BOOLEAN"},
        },
        "required": ["name", "age"],
        "propertyOrdering": ["tier", "name", "age"],
    }
    body = await _gen(
        raw,
        {
            "contents": [user("Make a profile")],
            "generationConfig": {"responseMimeType": "application/json", "responseSchema": schema},
        },
    )
    value = json.loads(text_of(body))
    assert list(value)[:3] == ["tier", "name", "age"]
    assert isinstance(value["name"], str)
    assert 18 <= value["age"] <= 20
    assert isinstance(value["age"], int)
    assert 0.5 <= value["score"] <= 0.75
    assert value["tier"] in ("gold", "silver")
    assert 3 <= len(value["tags"]) <= 4
    assert all(isinstance(t, str) for t in value["tags"])
    assert isinstance(value["address"]["city"], str)
    assert isinstance(value["address"]["zip"], int)
    assert isinstance(value["active"], bool)


async def test_json_schema_full_dialect_with_refs(raw: Raw) -> None:
    """responseJsonSchema with $defs/$ref, const, type lists and anyOf is satisfied."""
    schema = {
        "$defs": {
            "Item": {
                "type": "object",
                "properties": {"sku": {"type": "string"}},
                "required": ["sku"],
            }
        },
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "minItems": 1},
            "kind": {"const": "order"},
            "note": {"type": ["string", "null"]},
            "total": {"anyOf": [{"type": "null"}, {"type": "integer", "exclusiveMinimum": 5}]},
        },
        "required": ["items", "kind"],
    }
    body = await _gen(
        raw,
        {
            "contents": [user("An order")],
            "generationConfig": {
                "responseMimeType": "application/json",
                "responseJsonSchema": schema,
            },
        },
    )
    value = json.loads(text_of(body))
    assert value["kind"] == "order"
    assert all(isinstance(i["sku"], str) for i in value["items"])
    assert value["items"]
    assert isinstance(value["note"], str)
    assert isinstance(value["total"], int)
    assert value["total"] > 5


async def test_bad_ref_is_400(raw: Raw) -> None:
    """An unresolvable $ref is reported as a bad request."""
    status, body = await raw.post(
        GEN,
        {
            "contents": [user("x")],
            "generationConfig": {
                "responseMimeType": "application/json",
                "responseJsonSchema": {"$ref": "#/$defs/Missing"},
            },
        },
    )
    assert status == 400
    assert "$ref" in body["error"]["message"]


async def test_json_mode_without_schema_and_enum_mode(raw: Raw) -> None:
    """JSON mode without a schema yields an object; text/x.enum yields one enum value."""
    body = await _gen(
        raw,
        {"contents": [user("x")], "generationConfig": {"responseMimeType": "application/json"}},
    )
    assert isinstance(json.loads(text_of(body)), dict)
    body = await _gen(
        raw,
        {
            "contents": [user("Is this review positive? I loved it")],
            "generationConfig": {
                "responseMimeType": "text/x.enum",
                "responseSchema": {"type": "STRING", "enum": ["negative", "positive"]},
            },
        },
    )
    assert text_of(body) == "positive"


async def test_function_call_when_prompt_names_a_function(raw: Raw) -> None:
    """A named, declared function is called with arguments satisfying its parameters."""
    tools = [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Weather for a city",
                    "parameters": {
                        "type": "OBJECT",
                        "properties": {
                            "city": {"type": "STRING"},
                            "days": {"type": "INTEGER", "minimum": 1, "maximum": 3},
                            "unit": {"type": "STRING", "enum": ["C", "F"]},
                        },
                        "required": ["city"],
                    },
                },
                {"name": "unrelated_tool"},
            ]
        }
    ]
    body = await _gen(
        raw, {"contents": [user("Use get_weather with city=Lisbon please")], "tools": tools}
    )
    parts = body["candidates"][0]["content"]["parts"]
    calls = [p["functionCall"] for p in parts if "functionCall" in p]
    assert len(calls) == 1
    assert calls[0]["name"] == "get_weather"
    assert calls[0]["args"]["city"] == "Lisbon"
    assert 1 <= calls[0]["args"]["days"] <= 3
    assert calls[0]["args"]["unit"] in ("C", "F")


async def test_function_calling_modes(raw: Raw) -> None:
    """mode ANY forces a call; mode NONE and unnamed functions give text."""
    tools = [
        {
            "functionDeclarations": [
                {
                    "name": "lookup",
                    "parametersJsonSchema": {
                        "type": "object",
                        "properties": {"q": {"type": "string"}},
                        "required": ["q"],
                    },
                }
            ]
        }
    ]
    body = await _gen(raw, {"contents": [user("hello")], "tools": tools})
    assert "functionCall" not in body["candidates"][0]["content"]["parts"][-1]
    body = await _gen(
        raw,
        {
            "contents": [user("hello")],
            "tools": tools,
            "toolConfig": {"functionCallingConfig": {"mode": "ANY"}},
        },
    )
    call = body["candidates"][0]["content"]["parts"][-1]["functionCall"]
    assert call["name"] == "lookup"
    assert isinstance(call["args"]["q"], str)
    body = await _gen(
        raw,
        {
            "contents": [user("please lookup")],
            "tools": tools,
            "toolConfig": {"functionCallingConfig": {"mode": "NONE"}},
        },
    )
    assert "text" in body["candidates"][0]["content"]["parts"][-1]


async def test_undeclared_allowed_function_is_400(raw: Raw) -> None:
    """allowedFunctionNames must name declared functions."""
    status, _ = await raw.post(
        GEN,
        {
            "contents": [user("x")],
            "tools": [{"functionDeclarations": [{"name": "a"}]}],
            "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["b"]}},
        },
    )
    assert status == 400


async def test_function_response_turn_gets_a_text_answer_using_it(raw: Raw) -> None:
    """When the last turn carries functionResponse parts, the answer quotes the results."""
    body = await _gen(
        raw,
        {
            "contents": [
                user("weather in Oslo? use get_weather"),
                {
                    "role": "model",
                    "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}}],
                },
                {
                    "role": "user",
                    "parts": [
                        {
                            "functionResponse": {
                                "name": "get_weather",
                                "response": {"result": "snowy, -3C"},
                            }
                        }
                    ],
                },
            ],
            "tools": [{"functionDeclarations": [{"name": "get_weather"}]}],
        },
    )
    text = text_of(body)
    assert "get_weather" in text
    assert "snowy, -3C" in text


async def test_max_tokens_stop_sequences_and_candidates(raw: Raw) -> None:
    """maxOutputTokens cuts with MAX_TOKENS; stop sequences cut; candidateCount gives N."""
    body = await _gen(
        raw, {"contents": [user("long story")], "generationConfig": {"maxOutputTokens": 4}}
    )
    assert body["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert text_of(body) == 'Emulated reply to "'
    body = await _gen(
        raw, {"contents": [user("story")], "generationConfig": {"stopSequences": ["reply"]}}
    )
    assert text_of(body) == "Emulated "
    body = await _gen(raw, {"contents": [user("story")], "generationConfig": {"candidateCount": 3}})
    texts = [text_of(body, i) for i in range(3)]
    assert [c["index"] for c in body["candidates"]] == [0, 1, 2]
    assert len(set(texts)) == 3


def _png_ok(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, size = 8, (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + chunk) & 0xFFFFFFFF == crc
        if kind == b"IHDR":
            size = struct.unpack(">II", chunk[:8])
        pos += 12 + length
    return size


async def test_image_modality_yields_valid_png(raw: Raw) -> None:
    """The image model returns text and a valid PNG; text models refuse IMAGE."""
    body = await _gen(
        raw,
        {"contents": [user("a red fox")], "generationConfig": {"responseModalities": ["IMAGE"]}},
        "v1beta/models/gemini-2.5-flash-image:generateContent",
    )
    parts = body["candidates"][0]["content"]["parts"]
    image = next(p["inlineData"] for p in parts if "inlineData" in p)
    assert image["mimeType"] == "image/png"
    assert _png_ok(base64.b64decode(image["data"])) == (8, 8)
    status, _ = await raw.post(
        GEN, {"contents": [user("x")], "generationConfig": {"responseModalities": ["IMAGE"]}}
    )
    assert status == 400


async def test_tts_model_returns_pcm_audio(raw: Raw) -> None:
    """A speech model answers with 16-bit PCM inline audio."""
    body = await _gen(
        raw,
        {"contents": [user("Say hi")], "generationConfig": {"responseModalities": ["AUDIO"]}},
        "v1beta/models/gemini-2.5-flash-preview-tts:generateContent",
    )
    blob = body["candidates"][0]["content"]["parts"][0]["inlineData"]
    assert blob["mimeType"].startswith("audio/L16")
    assert len(base64.b64decode(blob["data"])) % 2 == 0


def _parse_sse(raw_body: bytes) -> list[dict[str, Any]]:
    events = raw_body.split(b"\r\n\r\n")
    assert events[-1] == b""
    out = []
    for event in events[:-1]:
        assert event.startswith(b"data: ")
        out.append(json.loads(event[6:]))
    return out


async def test_stream_is_sse_framed_deltas_with_usage_last(emu: Emulator) -> None:
    """SSE events are 'data: {...}\\r\\n\\r\\n' deltas; finishReason and usage only at the end."""
    request = {
        "contents": [user("Stream a story about a lighthouse keeper")],
        "generationConfig": {"thinkingConfig": {"includeThoughts": True}},
    }
    async with aiohttp.ClientSession() as s:
        async with s.post(f"{emu.url}/{STREAM}?alt=sse", json=request, headers=KEY) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/event-stream")
            events = _parse_sse(await resp.read())
        async with s.post(f"{emu.url}/{GEN}", json=request, headers=KEY) as resp:
            whole = await resp.json()
    assert len(events) >= 3
    assert all("usageMetadata" not in e for e in events[:-1])
    assert all("finishReason" not in e["candidates"][0] for e in events[:-1])
    assert events[-1]["candidates"][0]["finishReason"] == "STOP"
    assert events[0]["candidates"][0]["content"]["parts"][0]["thought"] is True
    streamed = "".join(
        p.get("text", "")
        for e in events
        for p in e["candidates"][0]["content"]["parts"]
        if not p.get("thought")
    )
    assert streamed == text_of(whole)
    usage = events[-1]["usageMetadata"]
    assert usage["candidatesTokenCount"] == whole["usageMetadata"]["candidatesTokenCount"]


async def test_stream_without_alt_sse_is_a_json_array(emu: Emulator) -> None:
    """Without alt=sse the stream is one JSON array of responses."""
    async with (
        aiohttp.ClientSession() as s,
        s.post(
            f"{emu.url}/{STREAM}", json={"contents": [user("array please")]}, headers=KEY
        ) as resp,
    ):
        data = json.loads(await resp.read())
    assert isinstance(data, list)
    assert len(data) >= 2
    assert data[-1]["candidates"][0]["finishReason"] == "STOP"


async def test_stream_errors_before_first_event_are_plain_json(raw: Raw) -> None:
    """A bad stream request gets an HTTP error status with the JSON envelope."""
    status, body = await raw.post(f"{STREAM}?alt=sse", {"contents": []})
    assert status == 400
    assert body["error"]["status"] == "INVALID_ARGUMENT"


async def test_tuned_model_generates(raw: Raw) -> None:
    """The seeded tuned model answers generateContent and countTokens."""
    body = await _gen(
        raw,
        {"contents": [user("hi tuned")]},
        "v1beta/tunedModels/emulated-tuned-model:generateContent",
    )
    assert "hi tuned" in text_of(body)
    status, counted = await raw.post(
        "v1beta/tunedModels/emulated-tuned-model:countTokens", {"contents": [user("a b")]}
    )
    assert status == 200
    assert counted["totalTokens"] == 2


async def test_media_only_prompt_is_described(raw: Raw) -> None:
    """A prompt made only of media is answered with its MIME type mentioned."""
    body = await _gen(
        raw,
        {
            "contents": [
                {
                    "role": "user",
                    "parts": [{"fileData": {"mimeType": "video/mp4", "fileUri": "files/abc"}}],
                }
            ]
        },
    )
    assert "[video/mp4]" in text_of(body)
    assert body["usageMetadata"]["promptTokenCount"] == 258
