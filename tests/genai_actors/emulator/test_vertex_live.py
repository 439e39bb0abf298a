"""Vertex AI Live: ``/ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent``
with a bearer token and a ``projects/.../publishers/google/models/...`` setup model."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from google.oauth2.credentials import Credentials

from genai_actors.emulator import Emulator

from .conftest import vertex_client

MODEL = "projects/proj/locations/us-central1/publishers/google/models/gemini-2.0-flash-live-001"
PATH = "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"


async def _session(
    url: str, headers: dict[str, str], setup: dict[str, Any]
) -> tuple[list[dict[str, Any]], int | None]:
    """Open a Live socket, send ``setup`` and one text turn; return the messages and close code."""
    messages: list[dict[str, Any]] = []
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url.replace("http", "ws", 1) + PATH, headers=headers) as ws,
    ):
        await ws.send_str(json.dumps({"setup": setup}))
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.BINARY:
                break
            message = json.loads(frame.data)
            messages.append(message)
            if "setupComplete" in message:
                turn = {"role": "user", "parts": [{"text": "hello"}]}
                await ws.send_str(
                    json.dumps({"clientContent": {"turns": [turn], "turnComplete": True}})
                )
            if message.get("serverContent", {}).get("turnComplete"):
                break
        return messages, ws.close_code


async def test_vertex_live_with_a_bearer_token() -> None:
    """A bearer token and a Vertex model name open a session answering text turns; Vertex-only
    setup fields (explicitVadSignal) are accepted; a bad token, a wrong project or a model
    without the Vertex prefix close the socket with 1008."""
    async with Emulator(bearer_tokens=["t"], vertex_projects=["proj"]) as emu:
        auth = {"Authorization": "Bearer t"}
        setup = {
            "model": MODEL,
            "generationConfig": {"responseModalities": ["TEXT"]},
            "explicitVadSignal": True,
        }
        messages, _ = await _session(emu.url, auth, setup)
        assert "setupComplete" in messages[0]
        text = "".join(
            p.get("text", "")
            for m in messages
            for p in m.get("serverContent", {}).get("modelTurn", {}).get("parts", [])
        )
        assert "hello" in text
        for headers, model in [
            ({"Authorization": "Bearer nope"}, MODEL),
            (auth, MODEL.replace("projects/proj/", "projects/other/")),
            (auth, "models/gemini-2.0-flash-live-001"),
            ({}, MODEL),
        ]:
            messages, code = await _session(emu.url, headers, {**setup, "model": model})
            assert (messages, code) == ([], 1008)


@pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)
async def test_google_genai_live_on_vertex(monkeypatch: pytest.MonkeyPatch) -> None:
    """google-genai's Vertex Live client (wss://, bearer header, project-scoped model) works
    unmodified against the emulator."""
    async with Emulator(bearer_tokens=["t"], tls=True) as emu:
        monkeypatch.setenv("SSL_CERT_FILE", str(emu.tls_ca_path))
        client = vertex_client(emu.url, credentials=Credentials(token="t")).aio  # type: ignore[no-untyped-call]
        config = {"response_modalities": ["TEXT"]}
        async with client.live.connect(model="gemini-2.0-flash-live-001", config=config) as live:
            await live.send_client_content(turns={"role": "user", "parts": [{"text": "hi"}]})
            texts = []
            async for message in live.receive():
                texts.append(message.text or "")
                if message.server_content and message.server_content.turn_complete:
                    break
        await client.aclose()
        assert "hi" in "".join(texts)
        assert emu.live.setups[-1]["model"] == MODEL
