"""The Live admin API (``/_emulator/live/...``) and the fixture's options marker."""

from __future__ import annotations

import ssl
import urllib.request
from typing import Any

import aiohttp
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors.emulator import Emulator

from .conftest import MODEL, RESUMABLE, TEXT, client_turns, turn


async def _call(emu: Emulator, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{emu.url}/_emulator/live{path}", json=body) as response,
    ):
        return response.status, await response.json()


async def test_faults_settings_and_records_through_the_admin_api(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    status, state = await _call(emu, "POST", "/settings", {"chunkWords": 3, "goAwayLeadSeconds": 1})
    assert status == 200
    assert state["settings"]["chunk_words"] == 3
    status, state = await _call(emu, "POST", "/faults", {"closeAfter": 1, "closeCode": 1011})
    assert (status, len(state["faults"])) == (200, 1)
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        await session.send_realtime_input(text="Through the admin API")
        await turn(session)
        assert [e.kind for e in session.events][:2] == ["disconnected", "resumed"]
        session_id = session.session_id
    status, record = await _call(emu, "GET", f"/sessions/{session_id}")
    assert status == 200
    assert client_turns(record["consumed"]) == ["Through the admin API"]
    status, state = await _call(emu, "GET", "")
    assert state["faults"] == []
    assert state["connections"] == 2
    assert session_id in state["sessions"]

    await _call(emu, "POST", "/faults", {"rejectSetup": "maintenance", "times": 2})
    for _ in range(2):
        with pytest.raises(errors.SessionClosed, match="maintenance"):
            async with client.live.connect(model=MODEL, config=TEXT):
                pass
    async with client.live.connect(model=MODEL, config=TEXT):
        pass  # the fault was for two connections

    await _call(emu, "POST", "/faults", {"rejectSetup": "later"})
    assert (await _call(emu, "DELETE", "/faults"))[0] == 200
    async with client.live.connect(model=MODEL, config=TEXT):
        pass
    assert (await _call(emu, "GET", ""))[1]["settings"]["chunk_words"] == 8  # defaults back


async def test_bad_admin_requests_are_refused(emu: Emulator) -> None:
    status, body = await _call(emu, "POST", "/faults", {"closeAfter": 1, "closeCode": 4000})
    assert status == 400
    assert "close_code" in body["error"]["message"]
    status, body = await _call(emu, "POST", "/faults", {"closeAfter": 1, "goAwayAfter": 2})
    assert status == 400
    status, body = await _call(emu, "POST", "/settings", {"chunkWords": 0})
    assert status == 400
    status, body = await _call(emu, "POST", "/settings", {"noSuchSetting": 1})
    assert status == 400
    status, body = await _call(emu, "GET", "/sessions/nope")
    assert status == 404


@pytest.mark.gemini_emulator(tls=True, api_key="marker-key")
def test_the_fixture_takes_emulator_options(gemini_emulator: Emulator) -> None:
    assert gemini_emulator.url.startswith("https://")
    assert gemini_emulator.tls_ca_path is not None
    context = ssl.create_default_context(cafile=str(gemini_emulator.tls_ca_path))
    with urllib.request.urlopen(f"{gemini_emulator.url}/_emulator/live", context=context) as r:
        assert r.status == 200
    assert gemini_emulator.state.settings.api_key == "marker-key"
