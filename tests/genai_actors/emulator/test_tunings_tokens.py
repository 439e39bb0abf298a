"""Tuning jobs (operation, CREATING -> ACTIVE, cancel) and ephemeral auth tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp
import pytest

from genai_actors.emulator import ApiError, Emulator

from .conftest import Clock, Raw, user

TUNE: dict[str, Any] = {
    "baseModel": "models/gemini-2.0-flash",
    "displayName": "Pirate talk",
    "tuningTask": {
        "hyperparameters": {"epochCount": 2, "batchSize": 2, "learningRate": 0.01},
        "trainingData": {
            "examples": {"examples": [{"textInput": f"in {i}", "output": "arr"} for i in range(4)]}
        },
    },
}


async def test_tuning_progresses_and_the_model_becomes_usable(raw: Raw) -> None:
    """The operation reports steps; the model is CREATING (unusable), then ACTIVE (usable)."""
    status, op = await raw.post("v1beta/tunedModels", TUNE, params={"tunedModelId": "pirate"})
    assert status == 200
    assert op["name"].startswith("tunedModels/pirate/operations/")
    meta = op["metadata"]
    assert meta["@type"].endswith("CreateTunedModelMetadata")
    assert meta["tunedModel"] == "tunedModels/pirate"
    assert meta["totalSteps"] == 4
    assert meta["completedSteps"] == 0
    gen = "v1beta/tunedModels/pirate:generateContent"
    status, err = await raw.post(gen, {"contents": [user("hi")]})
    assert status == 400
    assert err["error"]["status"] == "FAILED_PRECONDITION"
    _, model = await raw.get("v1beta/tunedModels/pirate")
    assert model["state"] == "CREATING"
    assert len(model["tuningTask"]["snapshots"]) == 2
    _, op = await raw.get(f"v1beta/{op['name']}")
    assert op["done"] is True
    assert op["metadata"]["completedSteps"] == 4
    assert op["response"]["name"] == "tunedModels/pirate"
    assert op["response"]["state"] == "ACTIVE"
    _, model = await raw.get("v1beta/tunedModels/pirate")
    assert model["tuningTask"]["completeTime"] >= model["tuningTask"]["startTime"]
    assert model["tuningTask"]["hyperparameters"]["epochCount"] == 2
    status, _ = await raw.post(gen, {"contents": [user("hi")]})
    assert status == 200
    status, err = await raw.post("v1beta/tunedModels/pirate:cancel")
    assert status == 400


async def test_cancel_marks_the_model_failed(raw: Raw) -> None:
    """Cancelling while CREATING leaves the model FAILED and the operation CANCELLED."""
    _, op = await raw.post("v1beta/tunedModels", TUNE)
    name = op["metadata"]["tunedModel"]
    assert name.startswith("tunedModels/pirate-talk-")
    status, _ = await raw.post(f"v1beta/{name}:cancel")
    assert status == 200
    _, model = await raw.get(f"v1beta/{name}")
    assert model["state"] == "FAILED"
    _, op = await raw.get(f"v1beta/{op['name']}")
    assert op["done"] is True
    assert op["error"]["status"] == "CANCELLED"
    status, _ = await raw.post("v1beta/tunedModels/nosuch:cancel")
    assert status == 404


async def test_tuning_validation(raw: Raw) -> None:
    """Missing/unknown base model, bad ids, duplicates and bad hyperparameters are refused."""
    await raw.post("v1beta/tunedModels", TUNE, params={"tunedModelId": "taken"})
    cases: list[tuple[dict[str, Any], dict[str, str], int]] = [
        ({"displayName": "x"}, {}, 400),
        ({**TUNE, "baseModel": "models/nope"}, {}, 404),
        (TUNE, {"tunedModelId": "Bad_Id"}, 400),
        (TUNE, {"tunedModelId": "taken"}, 409),
        ({**TUNE, "tuningTask": {"hyperparameters": {"epochCount": 0}}}, {}, 400),
        ({**TUNE, "tuningTask": {"hyperparameters": {"learningRate": -1}}}, {}, 400),
        (
            {**TUNE, "tuningTask": {"trainingData": {"examples": {"examples": [{"output": "y"}]}}}},
            {},
            400,
        ),
        ({**TUNE, "unknownField": 1}, {}, 400),
    ]
    for body, params, expected in cases:
        status, err = await raw.post("v1beta/tunedModels", body, params=params)
        assert status == expected, (body, err)


def _ts(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def test_auth_token_create_and_rest_refusal(raw: Raw, emu: Emulator) -> None:
    """Tokens get defaults; using one as a REST API key is 401 UNAUTHENTICATED."""
    status, token = await raw.post("v1alpha/auth_tokens", {})
    assert status == 200
    assert token["name"].startswith("auth_tokens/")
    assert token["uses"] == 1
    created = emu.state.now()
    expire = dt.datetime.fromisoformat(token["expireTime"])
    window = dt.datetime.fromisoformat(token["newSessionExpireTime"])
    assert abs((expire - created).total_seconds() - 1800) < 5
    assert abs((window - created).total_seconds() - 60) < 5
    status, err = await raw.post(
        "v1beta/models/gemini-2.5-flash:generateContent",
        {"contents": [user("x")]},
        headers={"x-goog-api-key": token["name"]},
    )
    assert status == 401
    assert err["error"]["status"] == "UNAUTHENTICATED"


async def test_auth_token_validation(raw: Raw, emu: Emulator) -> None:
    """Past or far-future times, negative uses, masks without setups and bad models are 400/404."""
    now = emu.state.now()
    cases: list[tuple[dict[str, Any], int]] = [
        ({"expireTime": _ts(now - dt.timedelta(minutes=1))}, 400),
        ({"expireTime": _ts(now + dt.timedelta(hours=21))}, 400),
        (
            {
                "expireTime": _ts(now + dt.timedelta(minutes=5)),
                "newSessionExpireTime": _ts(now + dt.timedelta(minutes=6)),
            },
            400,
        ),
        ({"uses": -1}, 400),
        ({"fieldMask": "generationConfig.temperature"}, 400),
        ({"bidiGenerateContentSetup": {"model": "models/nope"}}, 404),
        ({"expireTime": "soon"}, 400),
    ]
    for body, expected in cases:
        status, err = await raw.post("v1alpha/auth_tokens", body)
        assert status == expected, (body, err)


async def test_token_check_uses_windows_and_locks() -> None:
    """check() consumes uses, honours the new-session window and expiry, and reports locks."""
    clock = Clock()
    async with Emulator(clock=clock) as emu, aiohttp.ClientSession() as session:
        raw = Raw(session, emu.url)
        setup = {
            "model": "models/gemini-2.0-flash-live-001",
            "generationConfig": {"temperature": 0.5, "maxOutputTokens": 100},
        }
        _, locked = await raw.post(
            "v1alpha/auth_tokens",
            {
                "uses": 2,
                "bidiGenerateContentSetup": setup,
                "fieldMask": "generationConfig.temperature,model",
            },
        )
        _, whole = await raw.post(
            "v1alpha/auth_tokens", {"uses": 0, "bidiGenerateContentSetup": setup}
        )
        tokens = emu.auth_tokens
        same = {"model": "gemini-2.0-flash-live-001", "generation_config": {"temperature": 0.5}}
        assert tokens.check(locked["name"], same) == []
        hotter = {"generationConfig": {"temperature": 0.9, "maxOutputTokens": 5}}
        assert tokens.check(locked["name"], hotter) == ["generationConfig.temperature"]
        with pytest.raises(ApiError) as used_up:
            tokens.check(locked["name"], same)
        assert used_up.value.code == 401
        assert tokens.check(whole["name"], {"generationConfig": {"maxOutputTokens": 7}}) == [
            "generationConfig.maxOutputTokens"
        ]
        assert tokens.check(whole["name"], {"tools": []}) == ["tools"]
        for _ in range(5):
            tokens.check(whole["name"])
        clock.now += 61
        with pytest.raises(ApiError):
            tokens.check(whole["name"])
        assert tokens.check(whole["name"], new_session=False) == []
        clock.now += 1800
        with pytest.raises(ApiError):
            tokens.check(whole["name"], new_session=False)
        with pytest.raises(ApiError):
            tokens.check("auth_tokens/unknown")
