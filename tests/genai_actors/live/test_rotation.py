"""goAway rotations make-before-break: the next connection is set up (with the latest handle)
while the old one is still open, messages sent meanwhile are held and sent once on the new one;
the admin's forced goAway; and a handle resumed by another process."""

from __future__ import annotations

import sys
import textwrap
from typing import Any

import aiohttp
import anyio

import genai_actors as ga
from genai_actors.emulator import Emulator

from .conftest import API_KEY, MODEL, RESUMABLE, client_turns, text_of, turn


async def _admin(emu: Emulator, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{emu.url}/_emulator/live{path}", json=body) as response,
    ):
        return response.status, await response.json()


async def test_three_forced_go_aways_rotate_make_before_break(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    sent: list[str] = []
    # The server would keep each retired connection open 30 s: the client closes it itself as
    # soon as the next one is in use, so the whole test takes well under a second.
    with anyio.fail_after(10):
        async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
            sent.append("My name is Ada")
            await session.send_client_content(turns=sent[-1])
            await turn(session)
            for rotation in range(3):
                async for message in session:  # the handle covering everything sent so far
                    update = message.session_resumption_update
                    if update and update.last_consumed_client_message_index is not None:
                        break
                status, body = await _admin(emu, "POST", "/goAway", {"timeLeft": 30})
                assert (status, len(body["connections"])) == (200, 1)
                async for message in session:
                    if message.go_away is not None:
                        assert message.go_away.time_left == "30s"
                        break
                # Sent while the next connection is being set up: held, then sent once there.
                sent.append(f"Rotation {rotation}")
                await session.send_client_content(turns=sent[-1])
                answer = text_of(await turn(session))
                assert answer.startswith(f'Emulated reply to "Rotation {rotation}"')
                assert 'which began with "My name is Ada"' in answer
            kinds = [e.kind for e in session.events]
            session_id = session.session_id or ""
    assert kinds == ["go_away", "resumed"] * 3
    assert client_turns(emu.live.consumed(session_id)) == sent  # none lost, none twice
    timeline = emu.live.timeline
    for number in (1, 2, 3):  # connection n+1 was set up before connection n closed
        assert timeline.index(("setup", number + 1)) < timeline.index(("closed", number))
    assert emu.live.connections == 4


async def test_the_forced_go_away_endpoint_checks_its_body(emu: Emulator) -> None:
    assert await _admin(emu, "POST", "/goAway", {}) == (200, {"connections": []})
    for bad in ({"timeLeft": -1}, {"timeLeft": "soon"}, {"timeLeft": True}, {"when": 1}):
        status, body = await _admin(emu, "POST", "/goAway", bad)
        assert status == 400, bad
        assert "timeLeft" in body["error"]["message"]


async def test_a_new_process_resumes_the_session_from_its_handle(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        await session.send_realtime_input(text="Remember the code word: teal")
        await turn(session)
        async for message in session:
            update = message.session_resumption_update
            if update is not None and update.last_consumed_client_message_index == 0:
                break
        handle = session.resumption_handle
        session_id = session.session_id
    assert handle is not None
    script = textwrap.dedent(
        """
        import asyncio
        import sys

        import genai_actors as ga


        async def main(url: str, key: str, model: str, handle: str) -> None:
            config = {"response_modalities": ["TEXT"], "session_resumption": {"handle": handle}}
            async with ga.AsyncClient(api_key=key, http_options={"base_url": url}) as client:
                async with client.live.connect(model=model, config=config) as session:
                    print(session.session_id)
                    await session.send_realtime_input(text="What was the code word?")
                    print("".join([m.text async for m in session.receive() if m.text]))


        asyncio.run(main(*sys.argv[1:]))
        """
    )
    with anyio.fail_after(30):
        done = await anyio.run_process(
            [sys.executable, "-c", script, emu.url, API_KEY, MODEL, handle], check=False
        )
    assert done.returncode == 0, done.stderr.decode()
    resumed_id, answer = done.stdout.decode().splitlines()[:2]
    assert resumed_id == session_id
    assert 'which began with "Remember the code word: teal"' in answer
    assert client_turns(emu.live.consumed(session_id or "")) == [
        "Remember the code word: teal",
        "What was the code word?",
    ]
