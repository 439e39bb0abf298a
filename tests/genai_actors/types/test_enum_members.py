"""Enum-valued fields hold enum members: in responses (known or not), and requests may send a
value this release does not know, with a warning."""

from __future__ import annotations

import json
import warnings
from typing import Any

import msgspec
import pytest
from hypothesis import given, strategies as st

import genai_actors as ga
from genai_actors import types
from genai_actors._transformers._generate import generate_content_request
from genai_actors.emulator import Emulator
from genai_actors.errors import InvalidRequestError
from genai_actors.types import UnknownEnumValueWarning
from genai_actors.types._base import decode_json, encode_json

MODEL = "gemini-2.5-flash"

RESPONSE = {
    "candidates": [
        {
            "content": {"role": "model", "parts": [{"text": "hi"}]},
            "finishReason": "STOP",
            "safetyRatings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"},
                {"category": "HARM_CATEGORY_FROM_THE_FUTURE", "probability": "NEGLIGIBLE"},
            ],
        },
        {"finishReason": "FINISH_REASON_FROM_THE_FUTURE"},
    ],
    "usageMetadata": {"promptTokensDetails": [{"modality": "TEXT", "tokenCount": 3}]},
}


def _response() -> types.GenerateContentResponse:
    return decode_json(json.dumps(RESPONSE).encode(), types.GenerateContentResponse)


def test_known_response_values_decode_to_members() -> None:
    """``.name`` works and the member still equals its string."""
    response = _response()
    candidate = response.candidates[0]  # type: ignore[index]
    assert candidate.finish_reason is types.FinishReason.STOP
    assert candidate.finish_reason.name == "STOP"
    assert candidate.finish_reason == "STOP"
    rating = candidate.safety_ratings[0]  # type: ignore[index]
    assert rating.category is types.HarmCategory.HARM_CATEGORY_HATE_SPEECH
    assert rating.probability is types.HarmProbability.NEGLIGIBLE
    details = response.usage_metadata.prompt_tokens_details  # type: ignore[union-attr]
    assert details[0].modality is types.MediaModality.TEXT  # type: ignore[index]


def test_a_job_state_is_a_member_with_a_name() -> None:
    """``job.state.name`` and ``job.state == "JOB_STATE_SUCCEEDED"`` both work."""
    job = decode_json(b'{"name": "batches/1", "state": "JOB_STATE_SUCCEEDED"}', types.BatchJob)
    assert job.state is types.JobState.JOB_STATE_SUCCEEDED
    assert job.state.name == "JOB_STATE_SUCCEEDED"
    assert job.state == "JOB_STATE_SUCCEEDED"
    assert job.state in types.JOB_STATES_SUCCEEDED


def test_an_unknown_response_value_is_a_cached_pseudo_member() -> None:
    """A value this release does not know decodes to a member of the enum with its name."""
    response = _response()
    reason = response.candidates[1].finish_reason  # type: ignore[index]
    assert isinstance(reason, types.FinishReason)
    assert reason == "FINISH_REASON_FROM_THE_FUTURE"
    assert reason.name == reason.value == "FINISH_REASON_FROM_THE_FUTURE"
    assert str(reason) == "FINISH_REASON_FROM_THE_FUTURE"
    assert _response().candidates[1].finish_reason is reason  # type: ignore[index]
    assert types.FinishReason("FINISH_REASON_FROM_THE_FUTURE") is reason
    assert reason not in list(types.FinishReason)  # the enum's own members are unchanged
    category = response.candidates[0].safety_ratings[1].category  # type: ignore[index]
    assert category == "HARM_CATEGORY_FROM_THE_FUTURE"
    assert category.name == "HARM_CATEGORY_FROM_THE_FUTURE"


def test_dumps_and_encoding_give_the_plain_strings_back() -> None:
    """``model_dump(mode="json")`` and the wire form carry plain strings, known or not."""
    response = _response()
    dumped = response.model_dump(mode="json", exclude_none=True)
    reasons = [candidate["finish_reason"] for candidate in dumped["candidates"]]
    assert reasons == ["STOP", "FINISH_REASON_FROM_THE_FUTURE"]
    assert all(type(reason) is str for reason in reasons)
    assert json.loads(encode_json(response)) == RESPONSE
    assert json.loads(response.model_dump_json(exclude_none=True, by_alias=True)) == RESPONSE
    python = response.model_dump(exclude_none=True)
    assert python["candidates"][0]["finish_reason"] is types.FinishReason.STOP


def test_lookup_by_value_is_case_insensitive_as_in_google_genai() -> None:
    """``HarmCategory("harm_category_hate_speech")`` is the member."""
    member = types.HarmCategory("harm_category_hate_speech")
    assert member is types.HarmCategory.HARM_CATEGORY_HATE_SPEECH
    assert types.Language("python") is types.Language.PYTHON


def test_pseudo_members_are_bounded_per_enum() -> None:
    """A server sending a new string each time cannot grow the cache without bound."""
    made = [types.TrafficType(f"TRAFFIC_{index}") for index in range(200)]
    assert [member.value for member in made] == [f"TRAFFIC_{index}" for index in range(200)]
    assert types.TrafficType("TRAFFIC_199") == made[199]


@given(st.text(max_size=40))
def test_any_string_decodes_and_encodes_back(text: str) -> None:
    """No string fails a response decode; it encodes back unchanged, whatever it is."""
    data = json.dumps({"finishReason": text}).encode()
    candidate = decode_json(data, types.Candidate)
    assert isinstance(candidate.finish_reason, types.FinishReason)
    sent = json.loads(encode_json(candidate))["finishReason"]
    known = {member.value.upper(): member.value for member in types.FinishReason}
    assert sent == known.get(text.upper(), text)


def _sent(config: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(generate_content_request(MODEL, "hi", config).body)
    return body


@pytest.mark.parametrize(
    "config",
    [
        {
            "safety_settings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_SOMETIMES"}
            ]
        },
        {
            "safetySettings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_SOMETIMES"}
            ]
        },
        types.GenerateContentConfig(
            safety_settings=[
                types.SafetySetting(
                    category=types.HarmCategory.HARM_CATEGORY_HATE_SPEECH,
                    threshold="BLOCK_SOMETIMES",  # type: ignore[arg-type]
                )
            ]
        ),
        types.GenerateContentConfig(
            safety_settings=[
                types.SafetySetting(
                    category=types.HarmCategory.HARM_CATEGORY_HATE_SPEECH,
                    threshold=types.HarmBlockThreshold("BLOCK_SOMETIMES"),
                )
            ]
        ),
    ],
)
def test_a_value_added_after_this_release_is_sent_with_a_warning(config: Any) -> None:
    """google-genai sends such values; so do we, warning with UnknownEnumValueWarning."""
    with pytest.warns(UnknownEnumValueWarning, match="BLOCK_SOMETIMES.*HarmBlockThreshold"):
        sent = _sent(config)
    assert sent["safetySettings"] == [
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_SOMETIMES"}
    ]


def test_the_warning_is_a_user_warning_pointing_at_the_caller() -> None:
    """It subclasses UserWarning (google-genai's category) and names this file as its source."""
    assert issubclass(UnknownEnumValueWarning, UserWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _sent({"media_resolution": "MEDIA_RESOLUTION_ULTRA_HIGH"})
    assert caught
    assert {w.category for w in caught} == {UnknownEnumValueWarning}
    assert {w.filename for w in caught} == {__file__}


def test_with_warnings_as_errors_an_unknown_value_is_not_sent() -> None:
    """An application that turns warnings into errors gets the warning raised instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownEnumValueWarning)
        with pytest.raises(UnknownEnumValueWarning):
            _sent({"thinking_config": {"thinking_level": "ULTRA"}})


def test_a_near_miss_is_still_refused_with_the_suggestion() -> None:
    """BLOCK_ONLY_HIHG is a typo of BLOCK_ONLY_HIGH: refused before sending, no warning."""
    config = {
        "safety_settings": [
            {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIHG"}
        ]
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InvalidRequestError) as info:
            _sent(config)
    assert info.value.path == "config.safety_settings[0].threshold"
    assert "did you mean 'BLOCK_ONLY_HIGH'" in info.value.reason


def test_a_decoded_unknown_value_sent_back_in_a_request_warns_too() -> None:
    """A pseudo-member from a response is sent as its string (with the same warning)."""
    rating = msgspec.json.decode(b'{"category": "HARM_CATEGORY_NEW"}', type=types.SafetyRating)
    assert rating.category is not None
    setting = types.SafetySetting(category=rating.category, threshold="BLOCK_NONE")  # type: ignore[arg-type]
    with pytest.warns(UnknownEnumValueWarning, match="HARM_CATEGORY_NEW"):
        sent = _sent(types.GenerateContentConfig(safety_settings=[setting]))
    assert sent["safetySettings"][0]["category"] == "HARM_CATEGORY_NEW"


async def test_an_async_call_sends_the_value_and_warns_at_the_callers_line() -> None:
    """Through the client: the request reaches the server as given; the warning names the
    line of the call (the request is built in the caller's task)."""
    async with (
        Emulator(api_key="enum-key") as emu,
        ga.AsyncClient(api_key="enum-key", http_options={"base_url": emu.url}) as client,
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            response = await client.models.generate_content(
                model=MODEL, contents="hi", config={"service_tier": "ultra_priority"}
            )
        assert response.text
        assert len(emu.recorded) == 1
        assert emu.recorded[0].json["serviceTier"] == "ultra_priority"
    assert caught
    assert {(w.category, w.filename) for w in caught} == {(UnknownEnumValueWarning, __file__)}
