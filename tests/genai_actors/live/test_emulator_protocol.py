"""The emulated Live server's answers to malformed or refused input, on a raw WebSocket."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import anyio
import pytest

from genai_actors.emulator import Emulator

from .conftest import API_KEY, MODEL

_PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
_SETUP = {
    "setup": {"model": f"models/{MODEL}", "generationConfig": {"responseModalities": ["TEXT"]}}
}


async def _closed_by(emu: Emulator, *messages: Any) -> tuple[int | None, str]:
    """Sends ``messages`` after a good setup; the close code and reason that follow."""
    url = emu.url.replace("http", "ws", 1) + _PATH
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers={"x-goog-api-key": API_KEY}) as ws,
    ):
        for message in messages:
            await ws.send_json(message)
        while True:
            received = await ws.receive()
            if received.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                return ws.close_code, received.extra or ""


@pytest.mark.parametrize(
    ("messages", "code", "reason"),
    [
        ([{"client_content": {"turns": []}}], 1007, "first message must be a setup"),
        ([{"setup": {"model": f"models/{MODEL}", "bogus": 1}}], 1007, 'Unknown name "bogus"'),
        ([{"setup": {"model": "models/nope"}}], 1008, "not supported for bidiGenerateContent"),
        (
            [{"setup": {"model": MODEL, "generationConfig": {"responseModalities": ["IMAGE"]}}}],
            1007,
            "use exactly one of TEXT, AUDIO",
        ),
        ([_SETUP, {"unknown_message": {}}], 1007, 'Unknown name "unknown_message"'),
        ([_SETUP, {"realtime_input": {"activityStart": {}}}], 1007, "activityStart needs"),
        (
            [_SETUP, {"realtime_input": {"audio": {"mimeType": "audio/mp3", "data": "AAAA"}}}],
            1007,
            "send audio/pcm",
        ),
        (
            [_SETUP, {"tool_response": {"functionResponses": [{"name": "f", "response": {}}]}}],
            1007,
            "FunctionResponse.id is required",
        ),
        (
            [_SETUP, {"tool_response": {"functionResponses": [{"id": "x", "name": "f"}]}}],
            1007,
            "No pending function call",
        ),
    ],
)
async def test_bad_input_closes_with_a_clear_reason(
    emu: Emulator, messages: list[Any], code: int, reason: str
) -> None:
    closed_code, closed_reason = await _closed_by(emu, *messages)
    assert closed_code == code
    assert reason in closed_reason


async def test_audio_in_either_base64_alphabet_and_other_rates_is_heard(emu: Emulator) -> None:
    url = emu.url.replace("http", "ws", 1) + _PATH
    loud = (b"\x40\x1f" * 16000) + (b"\x00\x00" * 16000)  # 0.5 s of a level, 0.5 s of silence
    data = base64.urlsafe_b64encode(loud).decode().rstrip("=")
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, headers={"x-goog-api-key": API_KEY}) as ws,
    ):
        await ws.send_json(_SETUP)
        await ws.receive()  # setupComplete
        chunk = {"mimeType": "audio/pcm;rate=32000", "data": data}
        await ws.send_json({"realtimeInput": {"audio": chunk}})
        with anyio.fail_after(10):
            texts = await _answer(ws)
    # 32,000 samples at 32 kHz are 1 s, resampled to 16 kHz.
    assert "".join(texts).startswith('Emulated reply to "(spoken input, 1.00 s)"')


async def _answer(ws: aiohttp.ClientWebSocketResponse) -> list[str]:
    texts: list[str] = []
    while True:
        message = (await ws.receive()).json()
        content = message.get("serverContent", {})
        texts += [p["text"] for p in content.get("modelTurn", {}).get("parts", [])]
        if content.get("turnComplete"):
            return texts
