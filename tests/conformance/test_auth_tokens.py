"""Conformance: google-genai 3.4 (``client.aio.auth_tokens``) and genai_actors
(``client.auth_tokens``) send the same ``auth_tokens`` requests.

google-genai is given ``api_version="v1alpha"`` (its docs require it); genai_actors uses v1alpha
by default. Documented differences (see ``_deviations``):

- google-genai passes Live sub-configs it has no converter for (speech, transcription,
  realtime input, compression, proactivity) through with snake_case keys; genai_actors sends
  camelCase throughout.
- Field masks: google-genai writes additional names verbatim (``max_output_tokens``), repeats a
  field that is both set and listed, and locks such pass-through objects whole
  (``realtimeInputConfig``) while it goes one level down into converted ones
  (``sessionResumption.handle``); genai_actors writes camelCase, drops repeats, and goes two
  levels deep uniformly, as the API's wire protocol has it.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from google import genai

from genai_actors.emulator import Emulator

from ._compare import (
    GOOGLE_GENAI_WARNINGS,
    WireRequest,
    assert_same_requests,
    capture,
    google_client,
    wire,
)

pytestmark = [
    GOOGLE_GENAI_WARNINGS,
    pytest.mark.filterwarnings("ignore:The SDK's token creation implementation is experimental"),
]

MODEL = "gemini-2.0-flash-live-001"
SOON = datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(hours=1)
LIVE = {
    "temperature": 0.4,
    "top_p": 0.9,
    "response_modalities": ["AUDIO"],
    "system_instruction": "Answer in French.",
    "speech_config": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}},
    "session_resumption": {"handle": "abc"},
    "context_window_compression": {"trigger_tokens": 1000, "sliding_window": {"target_tokens": 10}},
    "input_audio_transcription": {},
    "realtime_input_config": {"automatic_activity_detection": {"disabled": True}},
    "proactivity": {"proactive_audio": True},
}
Config = Callable[[], Any]

# id, config (the same dict for both clients)
CASES: list[tuple[str, dict[str, Any] | None]] = [
    ("empty", None),
    ("uses", {"uses": 5}),
    ("unlimited", {"uses": 0}),
    ("times-text", {"expire_time": SOON.isoformat(), "new_session_expire_time": SOON.isoformat()}),
    ("times-datetime", {"expire_time": SOON, "new_session_expire_time": SOON}),
    ("model-only", {"live_connect_constraints": {"model": MODEL}}),
    ("model-prefixed", {"live_connect_constraints": {"model": f"models/{MODEL}"}}),
    ("setup-locked-whole", {"live_connect_constraints": {"model": MODEL, "config": LIVE}}),
    (
        "lock-present-fields",
        {
            "live_connect_constraints": {"model": MODEL, "config": {"temperature": 0.2}},
            "lock_additional_fields": [],
        },
    ),
    (
        "lock-additional-fields",
        {
            "uses": 1,
            "live_connect_constraints": {"model": MODEL, "config": LIVE},
            "lock_additional_fields": ["temperature", "max_output_tokens", "tools"],
        },
    ),
]


@pytest.fixture
async def theirs(emu: Emulator) -> AsyncIterator[genai.client.AsyncClient]:
    """google-genai on v1alpha, as its tokens docs require."""
    client = google_client(emu, api_version="v1alpha")
    try:
        yield client
    finally:
        await client.aclose()


def _camel(path: str) -> str:
    def one(part: str) -> str:
        head, *rest = part.split("_")
        return head + "".join(p[:1].upper() + p[1:] for p in rest)

    return ".".join(one(p) for p in path.split("."))


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _deviations(request: WireRequest) -> WireRequest:
    """google-genai's quirks mapped to what genai_actors sends (see the module docstring)."""
    body = request.body
    if not isinstance(body, dict):
        return request
    body = dict(body)
    setup = body.get("bidiGenerateContentSetup")
    if isinstance(setup, dict):
        setup = body["bidiGenerateContentSetup"] = _camel_keys(setup)
    mask = body.get("fieldMask")
    if isinstance(mask, str) and isinstance(setup, dict):
        paths: list[str] = []
        for path in (_camel(p) for p in mask.split(",")):
            value = setup.get(path) if "." not in path else None
            if isinstance(value, dict) and value:
                paths.extend(f"{path}.{inner}" for inner in value)
            else:
                paths.append(path)
        body["fieldMask"] = ",".join(dict.fromkeys(paths))
    return WireRequest(request.method, request.path, request.query, body)


@pytest.mark.parametrize(("case", "config"), CASES, ids=[c[0] for c in CASES])
async def test_same_requests(
    case: str, config: dict[str, Any] | None, emu: Emulator, theirs: Any, ours: Any
) -> None:
    """genai_actors sends what google-genai sends for the same token config."""
    expected = wire(await capture(emu, lambda: theirs.auth_tokens.create(config=config)))
    got = await capture(emu, lambda: ours.auth_tokens.create(config=config))
    assert_same_requests(got, [_deviations(r) for r in expected])
