"""Wire types: lenient decoding, strict camelCase encoding, base64, accessors."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import msgspec
import pytest
from google.genai import models as gm, types as gt

from genai_actors import types
from genai_actors.types._base import decode_json, encode_json, to_builtins

RESPONSE: dict[str, Any] = {
    "candidates": [
        {
            "content": {
                "role": "model",
                "parts": [
                    {"text": "thinking...", "thought": True, "thoughtSignature": "-_8="},
                    {"text": "Hello, "},
                    {"text": "world."},
                    {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}},
                    {"executableCode": {"language": "PYTHON", "code": "print(1)"}},
                    {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n"}},
                ],
            },
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"}
            ],
            "citationMetadata": {"citationSources": [{"startIndex": 1, "uri": "https://x"}]},
        }
    ],
    "usageMetadata": {
        "promptTokenCount": 5,
        "candidatesTokenCount": 7,
        "totalTokenCount": 20,
        "thoughtsTokenCount": 8,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 5}],
    },
    "modelVersion": "gemini-2.5-flash",
    "responseId": "abc",
}


def test_decode_generate_content_response_and_accessors() -> None:
    """A realistic response decodes and the google-genai accessors work on it."""
    r = decode_json(json.dumps(RESPONSE).encode(), types.GenerateContentResponse)
    assert r.text == "Hello, world."
    assert r.thought_text == "thinking..."
    assert r.function_calls == [types.FunctionCall(name="get_weather", args={"city": "Paris"})]
    assert r.executable_code == "print(1)"
    assert r.code_execution_result == "1\n"
    assert r.parts is not None
    assert len(r.parts) == 6
    assert r.candidates is not None
    candidate = r.candidates[0]
    assert candidate.finish_reason == types.FinishReason.STOP
    assert candidate.citation_metadata is not None
    assert candidate.citation_metadata.citations is not None
    assert candidate.citation_metadata.citations[0].uri == "https://x"
    assert r.usage_metadata is not None
    assert r.usage_metadata.thoughts_token_count == 8
    assert r.parts[0].thought_signature == b"\xfb\xff"
    assert r.finish_reason == "STOP"


def test_decoded_response_matches_google_genai_model() -> None:
    """Decoding gives the same fields google-genai's own response model holds."""
    ours = to_builtins(decode_json(json.dumps(RESPONSE).encode(), types.GenerateContentResponse))
    theirs = gt.GenerateContentResponse._from_response(
        response=gm._GenerateContentResponse_from_mldev(json.loads(json.dumps(RESPONSE))),
        kwargs={},
    ).model_dump(exclude_none=True, by_alias=True, mode="json")
    # google-genai re-encodes bytes with its own alphabet; compare bytes separately.
    ours_sig = ours["candidates"][0]["content"]["parts"][0].pop("thoughtSignature")
    theirs_sig = theirs["candidates"][0]["content"]["parts"][0].pop("thoughtSignature")
    assert base64.urlsafe_b64decode(ours_sig) == base64.urlsafe_b64decode(theirs_sig)
    theirs["candidates"][0]["citationMetadata"] = {
        "citationSources": theirs["candidates"][0]["citationMetadata"]["citations"]
    }
    assert ours == theirs


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"candidates": []},
        {"promptFeedback": {"blockReason": "SAFETY"}},
        {"candidates": [{"finishReason": "SAFETY"}]},
        {"candidates": [{"content": {"role": "model"}}]},
        {"candidates": [{"content": {"parts": [{"text": "x", "thought": True}]}}]},
        {"candidates": [{"content": {"parts": [{"inlineData": {"data": "AAAA"}}]}}]},
    ],
)
def test_accessors_never_raise_on_blocked_or_empty(body: dict[str, Any]) -> None:
    """Blocked, empty and thought-only responses give None instead of raising."""
    r = decode_json(json.dumps(body), types.GenerateContentResponse)
    assert r.text is None
    assert r.function_calls is None
    assert r.executable_code is None
    assert r.code_execution_result is None


def test_blocked_reason_accessor() -> None:
    """``blocked_reason`` surfaces prompt_feedback.block_reason."""
    r = decode_json(
        b'{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}', types.GenerateContentResponse
    )
    assert r.blocked_reason == types.BlockedReason.PROHIBITED_CONTENT


def test_unknown_fields_and_enum_values_are_tolerated() -> None:
    """New fields and enum values from the API never fail a response."""
    body = {
        "candidates": [
            {
                "finishReason": "BRAND_NEW_REASON",
                "newField": {"x": [1, 2]},
                "content": {"parts": [{"text": "a", "futurePart": 1}]},
            }
        ],
        "usageMetadata": {"serviceTier": "priority", "trafficType": "NEW_TRAFFIC"},
        "somethingElse": True,
    }
    r = decode_json(json.dumps(body), types.GenerateContentResponse)
    assert r.candidates is not None
    assert r.candidates[0].finish_reason == "BRAND_NEW_REASON"
    assert r.text == "a"


def test_encoding_is_camel_case_without_unset_fields() -> None:
    """Structs encode camelCase with unset (None) fields omitted."""
    part = types.Part(inline_data=types.Blob(mime_type="image/png", data=b"\xfb\xff\xfe"))
    assert json.loads(encode_json(part)) == {
        "inlineData": {"mimeType": "image/png", "data": "-__-"}
    }
    assert encode_json(types.Content()) == b"{}"


@pytest.mark.parametrize("data", [b"", b"\x00", b"\xfb\xff", b"hello world", bytes(range(256))])
def test_bytes_encode_like_google_genai_and_decode_both_alphabets(data: bytes) -> None:
    """Bytes encode with urlsafe_b64encode and decode from standard or URL-safe text."""
    encoded = json.loads(encode_json(types.Blob(data=data)))["data"]
    assert encoded == base64.urlsafe_b64encode(data).decode()
    for text in (
        base64.b64encode(data).decode(),
        base64.urlsafe_b64encode(data).decode(),
        base64.urlsafe_b64encode(data).decode().rstrip("="),
    ):
        blob = decode_json(json.dumps({"data": text}), types.Blob)
        assert blob.data == data


def test_invalid_base64_fails_with_field_path() -> None:
    """Undecodable base64 is a validation error naming the field."""
    with pytest.raises(msgspec.ValidationError, match=r"\$\.data"):
        decode_json(b'{"data":"***"}', types.Blob)


def test_datetime_fields_are_rfc3339() -> None:
    """Datetimes decode from and encode to RFC 3339 strings."""
    r = decode_json(b'{"createTime":"2025-01-02T03:04:05.123Z"}', types.GenerateContentResponse)
    assert r.create_time == datetime.datetime(2025, 1, 2, 3, 4, 5, 123000, tzinfo=datetime.UTC)
    assert json.loads(encode_json(r))["createTime"] == "2025-01-02T03:04:05.123000Z"


def test_structs_are_keyword_only() -> None:
    """Positional construction is rejected, as with google-genai's models."""
    with pytest.raises(TypeError):
        types.Part("text")  # type: ignore[misc]


def test_model_decodes_supported_generation_methods() -> None:
    """``supportedGenerationMethods`` lands in ``supported_actions`` like google-genai."""
    m = decode_json(
        b'{"name":"models/x","supportedGenerationMethods":["generateContent"],'
        b'"inputTokenLimit":10,"thinking":true}',
        types.Model,
    )
    assert m.supported_actions == ["generateContent"]
    assert m.input_token_limit == 10
    assert m.thinking is True


def test_part_helpers_match_google_genai() -> None:
    """Part.from_* build the same wire objects as google-genai's helpers."""
    pairs = [
        (types.Part.from_text(text="hi"), gt.Part.from_text(text="hi")),
        (
            types.Part.from_bytes(data=b"\x01\xff", mime_type="image/png"),
            gt.Part.from_bytes(data=b"\x01\xff", mime_type="image/png"),
        ),
        (types.Part.from_uri(file_uri="gs://b/a.pdf"), gt.Part.from_uri(file_uri="gs://b/a.pdf")),
        (
            types.Part.from_function_call(name="f", args={"a": 1}),
            gt.Part.from_function_call(name="f", args={"a": 1}),
        ),
        (
            types.Part.from_function_response(name="f", response={"r": 2}),
            gt.Part.from_function_response(name="f", response={"r": 2}),
        ),
        (
            types.Part.from_executable_code(code="x", language="PYTHON"),
            gt.Part.from_executable_code(code="x", language=gt.Language.PYTHON),
        ),
        (
            types.Part.from_code_execution_result(outcome="OUTCOME_OK", output="o"),
            gt.Part.from_code_execution_result(outcome=gt.Outcome.OUTCOME_OK, output="o"),
        ),
    ]
    for ours, theirs in pairs:
        expected = theirs.model_dump(exclude_none=True, by_alias=True, mode="json")
        if "inlineData" in expected:
            expected["inlineData"]["data"] = base64.urlsafe_b64encode(b"\x01\xff").decode()
        assert to_builtins(ours) == expected


def test_part_from_uri_without_guessable_mime_type_raises() -> None:
    """A URI with no guessable MIME type needs an explicit one."""
    with pytest.raises(ValueError, match="mime type"):
        types.Part.from_uri(file_uri="gs://bucket/no-extension")


def test_user_and_model_content_helpers() -> None:
    """UserContent / ModelContent set the role and accept strings and parts."""
    user = types.UserContent(["a", types.Part(text="b")])
    assert user.role == "user"
    assert [p.text for p in user.parts or []] == ["a", "b"]
    model = types.ModelContent(types.Part.from_function_call(name="f", args={}))
    assert model.role == "model"
    assert json.loads(encode_json(user))["role"] == "user"


def test_decoding_reuses_one_cached_decoder_per_type() -> None:
    """Every decode of a type goes through the one msgspec decoder made for it."""
    from genai_actors.types._base import _DECODERS

    payload = json.loads(json.dumps(RESPONSE))
    payload["candidates"][0]["content"]["parts"][1]["text"] = "x" * 300
    raw = json.dumps(payload).encode()
    first = decode_json(raw, types.GenerateContentResponse)
    decoder = _DECODERS[types.GenerateContentResponse]
    second = decode_json(raw, types.GenerateContentResponse)
    assert _DECODERS[types.GenerateContentResponse] is decoder
    assert first == second
    assert first.candidates[0].content.parts[1].text == "x" * 300


def test_decode_model_fills_tuned_model_info_like_google_genai() -> None:
    """A tuned model's top-level baseModel/createTime land in tuned_model_info."""
    from genai_actors.types._models import decode_model

    raw = {
        "name": "tunedModels/t",
        "baseModel": "models/gemini-x",
        "displayName": "T",
        "createTime": "2024-01-01T00:00:00Z",
        "supportedGenerationMethods": ["generateContent"],
    }
    ours = to_builtins(decode_model(json.dumps(raw)))
    theirs = gt.Model._from_response(response=gm._Model_from_mldev(raw), kwargs={}).model_dump(
        exclude_none=True, by_alias=True, mode="json"
    )
    theirs["tunedModelInfo"]["createTime"] = "2024-01-01T00:00:00Z"
    # supported_actions travels as supportedGenerationMethods on the mldev wire.
    theirs["supportedGenerationMethods"] = theirs.pop("supportedActions")
    assert ours == theirs
    plain = decode_model(b'{"name": "models/gemini-2.5-flash"}')
    assert plain.tuned_model_info is None
