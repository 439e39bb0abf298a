"""Auth, the error envelope and request validation, over real loopback sockets."""

from __future__ import annotations

import pytest

from genai_actors.emulator import Emulator

from .conftest import Raw, user

GEN = "v1beta/models/gemini-2.5-flash:generateContent"


async def test_missing_key_is_403_permission_denied(raw: Raw) -> None:
    """A request without x-goog-api-key gets the real 403 'unregistered callers' envelope."""
    status, body = await raw.post(GEN, {"contents": [user("hi")]}, headers={})
    assert status == 403
    assert body["error"]["status"] == "PERMISSION_DENIED"
    assert body["error"]["code"] == 403
    assert "unregistered callers" in body["error"]["message"]


async def test_blank_key_counts_as_missing(raw: Raw) -> None:
    """A whitespace-only key is stripped and treated as missing."""
    status, _ = await raw.post(GEN, {"contents": [user("hi")]}, headers={"x-goog-api-key": " "})
    assert status == 403


async def test_any_key_accepted_without_configured_key(raw: Raw) -> None:
    """With no api_key configured, any non-empty key works (also as ?key=)."""
    status, _ = await raw.post(GEN, {"contents": [user("hi")]}, headers={"x-goog-api-key": "zz"})
    assert status == 200
    status, _ = await raw.post(GEN, {"contents": [user("hi")]}, headers={}, params={"key": "q"})
    assert status == 200


async def test_wrong_key_is_400_api_key_invalid() -> None:
    """With api_key set, a different key gets 400 INVALID_ARGUMENT 'API key not valid'."""
    import aiohttp

    async with Emulator(api_key="right") as emu, aiohttp.ClientSession() as s:
        raw = Raw(s, emu.url)
        status, body = await raw.post(
            GEN, {"contents": [user("hi")]}, headers={"x-goog-api-key": "wrong"}
        )
        assert status == 400
        assert body["error"]["status"] == "INVALID_ARGUMENT"
        assert body["error"]["message"].startswith("API key not valid")
        assert body["error"]["details"][0]["reason"] == "API_KEY_INVALID"
        status, _ = await raw.post(
            GEN, {"contents": [user("hi")]}, headers={"x-goog-api-key": "right"}
        )
        assert status == 200


@pytest.mark.parametrize("version", ["v1", "v1beta", "v1alpha"])
async def test_all_api_versions_are_served(raw: Raw, version: str) -> None:
    """v1, v1beta and v1alpha all answer generateContent."""
    status, body = await raw.post(
        f"{version}/models/gemini-2.5-flash:generateContent", {"contents": [user("hi")]}
    )
    assert status == 200
    assert body["candidates"][0]["content"]["role"] == "model"


async def test_unknown_version_and_method_are_404(raw: Raw) -> None:
    """Unknown versions and unrouted methods get a JSON 404 envelope."""
    status, body = await raw.post("v9/models/gemini-2.5-flash:generateContent", {})
    assert status == 404
    assert body["error"]["status"] == "NOT_FOUND"
    status, body = await raw.post("v1beta/models/gemini-2.5-flash:frobnicate", {})
    assert status == 404
    assert body["error"]["message"] == "Method not found."


async def test_unknown_model_is_404_with_real_wording(raw: Raw) -> None:
    """An unknown model gets 404 NOT_FOUND naming the model, version and method."""
    status, body = await raw.post(
        "v1beta/models/gemini-9:generateContent", {"contents": [user("hi")]}
    )
    assert status == 404
    message = body["error"]["message"]
    assert "models/gemini-9 is not found for API version v1beta" in message
    assert "generateContent" in message


async def test_model_without_the_method_is_404(raw: Raw) -> None:
    """Embedding with a text-only model is refused like an unknown model."""
    status, body = await raw.post(
        "v1beta/models/gemini-2.5-flash:embedContent", {"content": user("x")}
    )
    assert status == 404
    assert "embedContent" in body["error"]["message"]


async def test_malformed_json_is_400(raw: Raw) -> None:
    """A body that is not JSON gets 400 'Invalid JSON payload received.'."""
    status, body = await raw.post(GEN, data=b"{not json", headers={"x-goog-api-key": "k"})
    assert status == 400
    assert body["error"]["message"].startswith("Invalid JSON payload received.")


async def test_unknown_top_level_field_is_rejected(raw: Raw) -> None:
    """An unknown field is rejected as the proto-JSON parser does."""
    status, body = await raw.post(GEN, {"contents": [user("hi")], "bogus": 1})
    assert status == 400
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    assert body["error"]["message"] == (
        'Invalid JSON payload received. Unknown name "bogus": Cannot find field.'
    )
    assert body["error"]["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"


async def test_unknown_nested_field_names_its_path(raw: Raw) -> None:
    """A nested unknown field names the enclosing path in snake_case."""
    status, body = await raw.post(
        GEN, {"contents": [user("hi")], "generationConfig": {"temprature": 1}}
    )
    assert status == 400
    assert "Unknown name \"temprature\" at 'generation_config'" in body["error"]["message"]


async def test_wrong_type_is_rejected_with_field_path(raw: Raw) -> None:
    """A value of the wrong type names the field and its proto type."""
    status, body = await raw.post(
        GEN, {"contents": [user("hi")], "generationConfig": {"temperature": "hot"}}
    )
    assert status == 400
    assert body["error"]["message"] == (
        "Invalid value at 'generation_config.temperature' (TYPE_DOUBLE), \"hot\""
    )
    violation = body["error"]["details"][0]["fieldViolations"][0]
    assert violation["field"] == "generation_config.temperature"


async def test_bad_enum_value_is_rejected(raw: Raw) -> None:
    """An enum value outside the enum is rejected."""
    status, body = await raw.post(
        GEN,
        {
            "contents": [user("hi")],
            "generationConfig": {"thinkingConfig": {"thinkingLevel": "EXTREME"}},
        },
    )
    assert status == 400
    assert "generation_config.thinking_config.thinking_level" in body["error"]["message"]


async def test_snake_case_fields_are_accepted(raw: Raw) -> None:
    """snake_case proto names work like camelCase JSON names."""
    status, body = await raw.post(
        GEN,
        {
            "contents": [user("hi")],
            "system_instruction": {"parts": [{"text": "be brief"}]},
            "generation_config": {"max_output_tokens": 3, "candidate_count": 1},
        },
    )
    assert status == 200
    assert body["candidates"][0]["finishReason"] == "MAX_TOKENS"


async def test_missing_contents_is_400(raw: Raw) -> None:
    """A request without contents gets the real 'contents is not specified' message."""
    status, body = await raw.post(GEN, {})
    assert status == 400
    assert "contents is not specified" in body["error"]["message"]


async def test_empty_parts_and_bad_role_are_400(raw: Raw) -> None:
    """Empty parts and unknown roles are rejected."""
    status, body = await raw.post(GEN, {"contents": [{"role": "user", "parts": []}]})
    assert status == 400
    assert "contents[0].parts" in body["error"]["message"]
    status, body = await raw.post(GEN, {"contents": [{"role": "wizard", "parts": [{"text": "x"}]}]})
    assert status == 400
    assert "valid role" in body["error"]["message"]


async def test_out_of_range_sampling_is_400(raw: Raw) -> None:
    """Temperature, top_p and candidate_count outside their ranges are rejected."""
    for cfg in ({"temperature": 3}, {"topP": 1.5}, {"candidateCount": 0}):
        status, _ = await raw.post(GEN, {"contents": [user("hi")], "generationConfig": cfg})
        assert status == 400, cfg


async def test_schema_without_json_mime_type_is_400(raw: Raw) -> None:
    """A response schema requires a JSON or enum response MIME type."""
    status, body = await raw.post(
        GEN,
        {"contents": [user("hi")], "generationConfig": {"responseSchema": {"type": "STRING"}}},
    )
    assert status == 400
    assert "response_mime_type" in body["error"]["message"]


async def test_bad_base64_bytes_are_rejected(raw: Raw) -> None:
    """inlineData.data must be base64."""
    status, body = await raw.post(
        GEN,
        {
            "contents": [
                {"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "*"}}]}
            ]
        },
    )
    assert status == 400
    assert "TYPE_BYTES" in body["error"]["message"]
