"""Properties of the Live message encoders and decoder (no socket)."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, strategies as st

from genai_actors import errors, types
from genai_actors._live import _wire


def _b64(text: str) -> bytes:
    """Either base64 alphabet, padded or not (what a server accepts)."""
    standard = text.translate(str.maketrans("-_", "+/"))
    return base64.b64decode(standard + "=" * (-len(standard) % 4))


@given(st.binary(max_size=4096), st.sampled_from([8000, 16000, 24000, 48000]))
def test_audio_bytes_survive_the_encoding(data: bytes, rate: int) -> None:
    mime = f"audio/pcm;rate={rate}"
    frame, is_audio = _wire.realtime_input(audio=types.Blob(data=data, mime_type=mime))
    message = json.loads(frame)
    assert is_audio
    assert list(message) == ["realtime_input"]
    blob = message["realtime_input"]["audio"]
    assert blob["mimeType"] == mime
    assert _b64(blob["data"]) == data


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=5), st.booleans())
def test_client_content_keeps_turns_in_order(texts: list[str], complete: bool) -> None:
    turns = [types.Content(role="user", parts=[types.Part(text=t)]) for t in texts]
    body = json.loads(_wire.client_content(turns, complete))["client_content"]
    assert [t["parts"][0]["text"] for t in body["turns"]] == texts
    assert body["turnComplete"] is complete


@given(st.integers(min_value=0, max_value=2**62), st.booleans(), st.text(max_size=30))
def test_resumption_index_decodes_from_a_number_or_a_string(
    index: int, as_text: bool, handle: str
) -> None:
    raw = json.dumps(
        {
            "sessionResumptionUpdate": {
                "newHandle": handle,
                "resumable": True,
                "lastConsumedClientMessageIndex": str(index) if as_text else index,
            }
        }
    )
    update = _wire.decode_server_message(raw).session_resumption_update
    assert update is not None
    assert update.last_consumed_client_message_index == index
    assert update.new_handle == handle


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "media",
                "audio",
                "audio_stream_end",
                "video",
                "text",
                "activity_start",
                "activity_end",
            ]
        ),
        st.just(True),
    )
)
def test_realtime_input_takes_exactly_one_argument(fields: dict[str, bool]) -> None:
    values = {
        "media": types.Blob(data=b"\x00\x01", mime_type="image/png"),
        "audio": types.Blob(data=b"\x00\x01", mime_type="audio/pcm;rate=16000"),
        "audio_stream_end": True,
        "video": types.Blob(data=b"\x89PNG", mime_type="image/png"),
        "text": "hi",
        "activity_start": types.ActivityStart(),
        "activity_end": types.ActivityEnd(),
    }
    given_fields = {name: values[name] for name in fields}
    if len(given_fields) != 1:
        with pytest.raises(errors.InvalidRequestError, match="exactly one argument"):
            _wire.realtime_input(**given_fields)
        return
    body = json.loads(_wire.realtime_input(**given_fields)[0])["realtime_input"]
    assert len(body) == 1


def test_blobs_of_the_wrong_kind_and_responses_without_ids_are_refused() -> None:
    with pytest.raises(errors.InvalidRequestError, match="audio/"):
        _wire.realtime_input(audio=types.Blob(data=b"x", mime_type="image/png"))
    with pytest.raises(errors.InvalidRequestError, match="image/"):
        _wire.realtime_input(video={"data": b"x", "mime_type": "audio/pcm"})
    with pytest.raises(errors.InvalidRequestError, match=r"function_responses\[1\]\.id"):
        _wire.tool_response([{"id": "a", "name": "f", "response": {}}, {"name": "g"}])
    frame = _wire.tool_response({"id": "a", "name": "f", "response": {"ok": True}})
    assert json.loads(frame) == {
        "tool_response": {"functionResponses": [{"id": "a", "name": "f", "response": {"ok": True}}]}
    }


@pytest.mark.parametrize(
    ("content", "ends"),
    [
        ({"turnComplete": True}, True),
        ({"generationComplete": True}, False),
        ({"interactionStatus": "IDLE"}, True),
        ({"interactionStatus": "IN_PROGRESS", "turnComplete": True}, False),
        ({"interactionStatus": "INTERACTION_STATUS_UNSPECIFIED", "turnComplete": True}, True),
    ],
)
def test_a_turn_ends_as_google_genai_decides(content: dict[str, object], ends: bool) -> None:
    message = _wire.decode_server_message(json.dumps({"serverContent": content}))
    assert _wire.is_turn_end(message) is ends
