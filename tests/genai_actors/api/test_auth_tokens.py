"""auth_tokens.create against the emulator: body shapes, field masks, bad input, blocking."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from typing import Any

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._api._auth_tokens import field_mask
from genai_actors._transformers import InvalidRequestError
from genai_actors.emulator import Emulator

MODEL = "gemini-2.0-flash-live-001"
UTC = datetime.UTC


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator served from the test's event loop."""
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An async client aimed at the emulator."""
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as c:
        yield c


def _constraints(**config: Any) -> dict[str, Any]:
    return {
        "model": MODEL,
        "config": {"temperature": 0.3, "response_modalities": ["TEXT"], **config},
    }


async def test_default_token_on_v1alpha(client: ga.AsyncClient, emu: Emulator) -> None:
    """create() with no config POSTs an empty request to v1alpha/auth_tokens (as google-genai)."""
    token = await client.auth_tokens.create()
    assert token.name is not None
    assert token.name.startswith("auth_tokens/")
    assert token.expire_time is not None
    (req,) = emu.recorded
    assert (req.method, req.path, req.json) == ("POST", "/v1alpha/auth_tokens", None)


async def test_times_uses_and_whole_setup_lock(client: ga.AsyncClient, emu: Emulator) -> None:
    """Times become RFC 3339 (naive = UTC), uses pass through, and no mask locks everything."""
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    expire = (now + datetime.timedelta(minutes=30)).replace(tzinfo=None)
    token = await client.auth_tokens.create(
        config=types.CreateAuthTokenConfig(
            expire_time=expire,
            new_session_expire_time=(now + datetime.timedelta(minutes=1)).isoformat(),
            uses=3,
            live_connect_constraints=types.LiveConnectConstraints(
                model=MODEL,
                config=types.LiveConnectConfig(
                    temperature=0.3, system_instruction="Be brief.", response_modalities=["TEXT"]
                ),
            ),
        )
    )
    assert token.uses == 3
    body = emu.recorded[0].json
    assert body["expireTime"] == expire.isoformat() + "+00:00"
    assert body["uses"] == 3
    assert "fieldMask" not in body
    assert body["bidiGenerateContentSetup"] == {
        "model": f"models/{MODEL}",
        "generationConfig": {"responseModalities": ["TEXT"], "temperature": 0.3},
        "systemInstruction": {"parts": [{"text": "Be brief."}], "role": "user"},
    }
    stored = emu.state.auth_tokens.get(token.name or "")
    assert stored is not None
    assert stored.mask is None
    locked = {"model": MODEL, "generationConfig": {"temperature": 0.3}}
    assert emu.state.auth_tokens.check(token.name or "", locked) == []


async def test_empty_lock_list_masks_present_fields(client: ga.AsyncClient, emu: Emulator) -> None:
    """lock_additional_fields=[] masks every field set in the setup, two levels deep, in
    google-genai's field order."""
    await client.auth_tokens.create(
        config={"live_connect_constraints": _constraints(), "lock_additional_fields": []}
    )
    assert emu.recorded[0].json["fieldMask"] == (
        "model,generationConfig.responseModalities,generationConfig.temperature"
    )


async def test_named_lock_fields_are_added(client: ga.AsyncClient, emu: Emulator) -> None:
    """Named fields are added; generation settings get the generationConfig. prefix."""
    await client.auth_tokens.create(
        config={
            "live_connect_constraints": _constraints(),
            "lock_additional_fields": ["top_k", "maxOutputTokens", "system_instruction"],
        }
    )
    mask = emu.recorded[0].json["fieldMask"].split(",")
    assert mask[-3:] == [
        "generationConfig.topK",
        "generationConfig.maxOutputTokens",
        "systemInstruction",
    ]


def test_field_mask_two_levels_and_dedup() -> None:
    """field_mask goes two levels deep, keeps scalars whole and drops duplicates."""
    setup = {"model": "models/m", "generationConfig": {"temperature": 1}, "tools": []}
    assert field_mask(setup, ["temperature", "model"]) == (
        "model,generationConfig.temperature,tools"
    )


async def test_live_config_fields_land_where_live_expects(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """Generation settings go in generationConfig; session settings at the top of the setup."""
    await client.auth_tokens.create(
        config={
            "live_connect_constraints": {
                "model": MODEL,
                "config": {
                    "speech_config": "Kore",
                    "session_resumption": {"handle": "h1"},
                    "context_window_compression": {"sliding_window": {"target_tokens": 100}},
                    "tools": [{"google_search": {}}],
                    "translation_config": {"target_language_code": "fr"},
                },
            }
        }
    )
    setup = emu.recorded[0].json["bidiGenerateContentSetup"]
    assert setup["generationConfig"]["speechConfig"] == {
        "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}
    }
    assert setup["generationConfig"]["translationConfig"] == {"targetLanguageCode": "fr"}
    assert setup["sessionResumption"] == {"handle": "h1"}
    assert setup["contextWindowCompression"] == {"slidingWindow": {"targetTokens": 100}}
    assert setup["tools"] == [{"googleSearch": {}}]


async def test_api_version_override(client: ga.AsyncClient, emu: Emulator) -> None:
    """A per-call http_options.api_version replaces the v1alpha default."""
    await client.auth_tokens.create(config={"http_options": {"api_version": "v1beta"}})
    assert emu.recorded[0].path == "/v1beta/auth_tokens"


async def test_server_refusals_are_typed(client: ga.AsyncClient, emu: Emulator) -> None:
    """An unknown model is a NotFoundError; an expiry too far ahead an InvalidArgumentError."""
    with pytest.raises(errors.NotFoundError):
        await client.auth_tokens.create(config={"live_connect_constraints": {"model": "nope-1"}})
    far = datetime.datetime.now(UTC) + datetime.timedelta(days=3)
    with pytest.raises(errors.InvalidArgumentError):
        await client.auth_tokens.create(config={"expire_time": far})


async def test_token_is_refused_for_rest_calls(client: ga.AsyncClient, emu: Emulator) -> None:
    """A token is a Live-only key: a client using it for REST raises before sending."""
    token = await client.auth_tokens.create()
    async with ga.AsyncClient(api_key=token.name, http_options={"base_url": emu.url}) as live:
        with pytest.raises(errors.EphemeralTokenAPIKeyError):
            await live.files.get(name="files/abc")
    assert len(emu.recorded) == 1


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"uses": -1}, "uses"),
        ({"expire_time": "tomorrow"}, "expire_time"),
        ({"expire_time": 12}, "expire_time"),
        (
            {
                "expire_time": "2030-01-01T00:00:00Z",
                "new_session_expire_time": "2030-01-02T00:00:00Z",
            },
            "new_session_expire_time",
        ),
        ({"lock_additional_fields": ["temperature"]}, "live_connect_constraints"),
        (
            {"live_connect_constraints": _constraints(), "lock_additional_fields": ["a..b"]},
            r"lock_additional_fields\[0\]",
        ),
        ({"live_connect_constraints": _constraints(explicit_vad_signal=True)}, "Vertex"),
        (
            {"live_connect_constraints": _constraints(session_resumption={"transparent": True})},
            "Vertex",
        ),
        ({"live_connect_constraints": {"model": "a..b"}}, "model"),
        ({"bogus": 1}, "config.bogus"),
    ],
)
async def test_bad_config_is_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, config: dict[str, Any], match: str
) -> None:
    """Bad times, uses, masks and Vertex-only fields raise InvalidRequestError, unsent."""
    with pytest.raises(InvalidRequestError, match=match):
        await client.auth_tokens.create(config=config)
    assert list(emu.recorded) == []


def test_blocking_create(gemini_emulator: Emulator) -> None:
    """The blocking facade creates a token."""
    with ga.Client(api_key="k", http_options={"base_url": gemini_emulator.url}) as client:
        token = client.auth_tokens.create(config={"uses": 0})
    assert token.name is not None
    assert token.name.startswith("auth_tokens/")
