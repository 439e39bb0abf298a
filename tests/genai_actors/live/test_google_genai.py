"""google-genai's own Live client, unmodified, against the emulator over WSS; and the setup and
client messages genai_actors sends beside the ones google-genai sends for the same calls."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from google import genai
from google.genai import errors as genai_errors, types as gtypes

import genai_actors as ga
from genai_actors._transport import _session as _transport_session
from genai_actors.emulator import Emulator
from genai_actors.emulator._live_state import LiveFault

from .conftest import API_KEY, MODEL, tone

CONFIG: dict[str, Any] = {
    "response_modalities": ["TEXT"],
    "temperature": 0.5,
    "system_instruction": "Be brief.",
    "session_resumption": {},
    "input_audio_transcription": {},
    "context_window_compression": {
        "trigger_tokens": 5000,
        "sliding_window": {"target_tokens": 1000},
    },
    "tools": [{"function_declarations": [{"name": "get_time", "description": "The time."}]}],
    "labels": {"team": "live"},
}


UPDATED_TOOLS: list[Any] = [
    {"function_declarations": [{"name": "get_date", "description": "The date."}]}
]


@pytest.fixture
async def tls_emu(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Emulator]:
    """An emulator serving HTTPS/WSS, its certificate trusted through SSL_CERT_FILE."""
    async with Emulator(api_key=API_KEY, tls=True) as emulator:
        monkeypatch.setenv("SSL_CERT_FILE", str(emulator.tls_ca_path))
        # genai_actors reads SSL_CERT_FILE once per process: have it read again (and restored).
        monkeypatch.setattr(_transport_session, "_ssl_context", None)
        yield emulator


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k.split("_")[0] + "".join(w.title() for w in k.split("_")[1:]): _camel_keys(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _genai(emu: Emulator, key: str = API_KEY, version: str = "v1beta") -> genai.Client:
    return genai.Client(api_key=key, http_options={"base_url": emu.url, "api_version": version})


async def test_google_genai_text_audio_and_tools(tls_emu: Emulator) -> None:
    client = _genai(tls_emu)
    async with client.aio.live.connect(model=MODEL, config=CONFIG) as session:
        await session.send_client_content(
            turns={"role": "user", "parts": [{"text": "Hi, I am Bo"}]}
        )
        texts = [m.text async for m in session.receive() if m.text]
        assert "".join(texts).startswith('Emulated reply to "Hi, I am Bo"')

        await session.send_realtime_input(
            audio=gtypes.Blob(data=tone(0.2), mime_type="audio/pcm;rate=16000")
        )
        heard = []
        async for message in session.receive():
            content = message.server_content
            if content and content.input_transcription:
                heard.append(content.input_transcription.text)
        assert heard == ["(spoken input, 0.70 s)"]  # one 0.7 s chunk: tone, then silence

        await session.send_client_content(turns={"role": "user", "parts": [{"text": "get_time"}]})
        async for message in session.receive():
            if message.tool_call:
                call = message.tool_call.function_calls[0]
                break
        await session.send_tool_response(
            function_responses=[
                gtypes.FunctionResponse(id=call.id, name=call.name, response={"t": "noon"})
            ]
        )
        answer = "".join([m.text async for m in session.receive() if m.text])
        assert 'The function get_time returned {"t":"noon"}' in answer
    await client.aio.aclose()


async def test_google_genai_sees_a_fault_close_as_api_error_and_can_resume(
    tls_emu: Emulator,
) -> None:
    client = _genai(tls_emu)
    handle = None
    async with client.aio.live.connect(model=MODEL, config=CONFIG) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "Keep: plum"}]})
        async for _ in session.receive():
            pass
        async for message in session.receive():  # the usage and the new handle
            update = message.session_resumption_update
            if update and update.last_consumed_client_message_index == 0:
                handle = update.new_handle
                break
        tls_emu.live.add_fault(LiveFault(close_after=1, close_code=1011, close_reason="gone"))
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "lost"}]})
        with pytest.raises(genai_errors.APIError) as closed:
            async for _ in session.receive():
                pass
        assert closed.value.code == 1011
    resumed = {**CONFIG, "session_resumption": {"handle": handle}}
    async with client.aio.live.connect(model=MODEL, config=resumed) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "And?"}]})
        answer = "".join([m.text async for m in session.receive() if m.text])
    assert 'which began with "Keep: plum"' in answer
    await client.aio.aclose()


async def test_google_genai_with_an_ephemeral_token(tls_emu: Emulator) -> None:
    client = _genai(tls_emu, version="v1alpha")
    browser = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # google-genai's ExperimentalWarning for tokens
        token = await client.aio.auth_tokens.create(config={"uses": 1})
        browser = _genai(tls_emu, key=token.name or "", version="v1alpha")
        async with browser.aio.live.connect(
            model=MODEL, config={"response_modalities": ["TEXT"]}
        ) as s:
            await s.send_client_content(turns={"role": "user", "parts": [{"text": "token ok"}]})
            answer = "".join([m.text async for m in s.receive() if m.text])
    assert "token ok" in answer
    await client.aio.aclose()
    await browser.aio.aclose()


async def test_genai_actors_sends_what_google_genai_sends(tls_emu: Emulator) -> None:
    sent: dict[str, tuple[dict[str, Any], list[Any]]] = {}
    google = _genai(tls_emu)
    async with google.aio.live.connect(model=MODEL, config=CONFIG) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "same"}]})
        async for _ in session.receive():
            pass
        await session.send_realtime_input(text="also same")
        async for _ in session.receive():
            pass
        await session.send_context_update(system_instruction="Now terse.", tools=UPDATED_TOOLS)
        await session.send_context_update(tools=[])
        session_id = next(reversed(tls_emu.live.sessions))
    sent["google-genai"] = (tls_emu.live.setups[-1], tls_emu.live.consumed(session_id))
    ours = ga.AsyncClient(api_key=API_KEY, http_options={"base_url": tls_emu.url})
    async with ours, ours.live.connect(model=MODEL, config=CONFIG) as session:
        await session.send_client_content(turns={"role": "user", "parts": [{"text": "same"}]})
        async for _ in session.receive():
            pass
        await session.send_realtime_input(text="also same")
        async for _ in session.receive():
            pass
        await session.send_context_update(system_instruction="Now terse.", tools=UPDATED_TOOLS)
        await session.send_context_update(tools=[])
        ours_id = session.session_id or ""
    sent["genai_actors"] = (tls_emu.live.setups[-1], tls_emu.live.consumed(ours_id))
    # google-genai passes contextWindowCompression's inner keys in snake_case (proto JSON
    # accepts both); genai_actors sends camelCase throughout. Otherwise the bytes agree.
    google_setup = sent["google-genai"][0]
    assert google_setup["contextWindowCompression"] == {
        "trigger_tokens": 5000,
        "sliding_window": {"target_tokens": 1000},
    }
    assert google_setup["labels"] == {"team": "live"}
    assert _camel_keys(google_setup) == sent["genai_actors"][0]
    assert sent["genai_actors"][1] == sent["google-genai"][1]
    assert [list(m) for m in sent["genai_actors"][1][-2:]] == [["contextUpdate"]] * 2
    await google.aio.aclose()
