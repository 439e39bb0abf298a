"""``send_context_update``: the system instruction and tools replaced mid-session, in order with
the other inputs, kept across a reconnection (google-genai 3.6.1's method)."""

from __future__ import annotations

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._live import AsyncSession
from genai_actors.emulator import Emulator
from genai_actors.emulator._live_state import LiveFault

from .conftest import MODEL, RESUMABLE, TEXT, turn

WEATHER = {
    "function_declarations": [
        {
            "name": "get_weather",
            "description": "Weather of a city.",
            "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
        }
    ]
}
LONG_INSTRUCTION = "Answer as a pirate would, in short sentences. " * 10


async def _ask(session: AsyncSession, text: str) -> list[types.LiveServerMessage]:
    await session.send_client_content(turns=text)
    return await turn(session)


def _calls(messages: list[types.LiveServerMessage]) -> list[str]:
    return [c.name or "" for m in messages if m.tool_call for c in m.tool_call.function_calls or []]


async def _prompt_tokens(session: AsyncSession, text: str) -> int:
    await _ask(session, text)
    async for message in session:  # usage follows the turn
        if message.usage_metadata is not None:
            return message.usage_metadata.prompt_token_count or 0
    raise AssertionError("no usage")


async def test_tools_are_added_and_cleared_mid_session(client: ga.AsyncClient) -> None:
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        assert _calls(await _ask(session, "Use get_weather with city=Oslo")) == []
        await session.send_context_update(tools=[WEATHER])
        await session.send_client_content(turns="Use get_weather with city=Oslo")
        async for message in session:
            if message.tool_call is not None:
                assert _calls([message]) == ["get_weather"]
                break
        await session.send_context_update(tools=[])
        await session.send_realtime_input(text="Never mind")
        await turn(session)
        assert _calls(await _ask(session, "Use get_weather with city=Oslo")) == []


async def test_the_system_instruction_is_replaced(client: ga.AsyncClient) -> None:
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        before = await _prompt_tokens(session, "Hello")
        await session.send_context_update(system_instruction=LONG_INSTRUCTION)
        after = await _prompt_tokens(session, "Hello")
    assert after > before + 50  # the long instruction now counts in every prompt


async def test_an_empty_update_is_refused_before_sending(client: ga.AsyncClient) -> None:
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        with pytest.raises(errors.InvalidRequestError, match="system_instruction or tools"):
            await session.send_context_update()
        with pytest.raises(ValueError):  # google-genai raises ValueError too
            await session.send_context_update(system_instruction=None, tools=None)
        assert not session.closed


async def test_an_update_is_kept_across_a_reconnection(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        await _ask(session, "Hello")
        await session.send_context_update(tools=[WEATHER])
        emu.live.add_fault(LiveFault(close_after=1, close_code=1011))  # right after the next
        await session.send_client_content(turns="Use get_weather with city=Lima")
        async for message in session:
            if message.tool_call is not None:
                assert _calls([message]) == ["get_weather"]
                break
        assert "disconnected" in [e.kind for e in session.events]
        session_id = session.session_id or ""
    updates = [m for m in emu.live.consumed(session_id) if "contextUpdate" in m]
    assert len(updates) == 1  # consumed once, restored by the handle on the new connection
