"""Conformance on Vertex AI Live: google-genai (``vertexai=True``, unmodified) and genai_actors
connect to the same emulator over WSS and send the same setup and client messages for the same
calls, in project mode (bearer token, project-scoped model) and express mode (API key)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from google import genai
from google.genai import types as gtypes
from google.oauth2.credentials import Credentials

import genai_actors as ga
from genai_actors._transport import _session as _transport_session
from genai_actors.emulator import Emulator

from .conftest import MODEL
from .test_google_genai import _camel_keys

pytestmark = pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)

PROJECT = "conf-proj"
LOCATION = "europe-west4"
TOKEN = "vertex-conformance-token-2Rb"
KEY = "vertex-express-key-5Tn"

CONFIG: dict[str, Any] = {
    "response_modalities": ["TEXT"],
    "temperature": 0.5,
    "system_instruction": "Be brief.",
    "session_resumption": {"transparent": True},
    "explicit_vad_signal": True,
    "input_audio_transcription": {},
    "context_window_compression": {
        "trigger_tokens": 5000,
        "sliding_window": {"target_tokens": 1000},
    },
    "tools": [{"function_declarations": [{"name": "get_time", "description": "The time."}]}],
    "labels": {"team": "live"},
}


@pytest.fixture
async def tls_emu(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Emulator]:
    """A WSS emulator taking TOKEN and KEY, its certificate trusted through SSL_CERT_FILE."""
    for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION", "GOOGLE_GENAI_USE_VERTEXAI"):
        monkeypatch.delenv(name, raising=False)
    async with Emulator(
        api_key=KEY, bearer_tokens=[TOKEN], vertex_projects=[PROJECT], tls=True
    ) as emulator:
        monkeypatch.setenv("SSL_CERT_FILE", str(emulator.tls_ca_path))
        monkeypatch.setattr(_transport_session, "_ssl_context", None)
        yield emulator


async def _conversation(session: Any) -> None:
    """The same calls on either client's session."""
    await session.send_client_content(turns={"role": "user", "parts": [{"text": "same"}]})
    async for _ in session.receive():
        pass
    await session.send_realtime_input(text="also same")
    async for _ in session.receive():
        pass
    await session.send_client_content(turns={"role": "user", "parts": [{"text": "get_time"}]})
    call = None
    async for message in session.receive():
        if message.tool_call:
            call = message.tool_call.function_calls[0]
            break  # the model waits for the response: no turn end comes before it
    assert call is not None
    await session.send_tool_response(
        function_responses=[{"id": call.id, "name": call.name, "response": {"t": "noon"}}]
    )
    async for _ in session.receive():
        pass
    await session.send_context_update(system_instruction="Now terse.", tools=[])


@pytest.mark.parametrize("mode", ["project", "express"])
async def test_same_setup_and_messages_as_google_genai(tls_emu: Emulator, mode: str) -> None:
    sent: dict[str, tuple[dict[str, Any], list[Any]]] = {}
    url = {"base_url": tls_emu.url}
    if mode == "project":
        google = genai.Client(
            vertexai=True,
            project=PROJECT,
            location=LOCATION,
            credentials=Credentials(token=TOKEN),  # type: ignore[no-untyped-call]
            http_options=gtypes.HttpOptions(**url),
        )
        ours = ga.AsyncClient(
            vertexai=True,
            project=PROJECT,
            location=LOCATION,
            credentials=Credentials(token=TOKEN),  # type: ignore[no-untyped-call]
            http_options=url,
        )
    else:
        google = genai.Client(vertexai=True, api_key=KEY, http_options=gtypes.HttpOptions(**url))
        ours = ga.AsyncClient(vertexai=True, api_key=KEY, http_options=url)
    try:
        async with google.aio.live.connect(model=MODEL, config=CONFIG) as session:
            await _conversation(session)
            session_id = next(reversed(tls_emu.live.sessions))
        sent["google-genai"] = (tls_emu.live.setups[-1], tls_emu.live.consumed(session_id))
    finally:
        await google.aio.aclose()
    async with ours, ours.live.connect(model=MODEL, config=CONFIG) as session:
        await _conversation(session)
        ours_id = session.session_id or ""
    sent["genai_actors"] = (tls_emu.live.setups[-1], tls_emu.live.consumed(ours_id))
    google_setup, google_messages = sent["google-genai"]
    ours_setup, ours_messages = sent["genai_actors"]
    scope = f"projects/{PROJECT}/locations/{LOCATION}/" if mode == "project" else ""
    assert ours_setup["model"] == f"{scope}publishers/google/models/{MODEL}"
    # google-genai passes contextWindowCompression's inner keys in snake_case (proto JSON
    # accepts both); genai_actors sends camelCase throughout.
    assert _camel_keys(google_setup) == ours_setup
    assert _camel_keys(google_messages) == _camel_keys(ours_messages)
    assert [list(m) for m in ours_messages] == [list(m) for m in google_messages]
    assert len(ours_messages) == 5
