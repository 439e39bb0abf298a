"""Sessions that survive goAway and abnormal closes: resumed with the latest handle, every
client message consumed exactly once (checked against the emulator's record)."""

from __future__ import annotations

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._live import LiveOptions
from genai_actors.emulator import Emulator
from genai_actors.emulator._live_state import LiveFault
from supervisors import Backoff, VirtualClock, use_clock

from .conftest import API_KEY, MODEL, RESUMABLE, client_turns, text_of, turn


async def test_three_go_aways_and_an_abnormal_close_lose_nothing(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    sent: list[str] = []
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:

        async def say(text: str) -> str:
            sent.append(text)
            await session.send_client_content(turns=text)
            return text_of(await turn(session))

        assert 'Emulated reply to "My name is Ada"' in await say("My name is Ada")
        for rotation in range(3):
            emu.live.add_fault(LiveFault(go_away_after=1, go_away_time_left=0.05))
            await say(f"Rotation {rotation}")
        # An abnormal close right after the server consumed a message, before it answered:
        # the message is sent again on the new connection, and consumed once in the session.
        emu.live.add_fault(LiveFault(close_after=1, close_code=1011))
        answer = await say("What is my name?")
        assert 'Emulated reply to "What is my name?"' in answer
        assert 'which began with "My name is Ada"' in answer
        assert "This is turn 5 of our conversation" in answer
        kinds = [e.kind for e in session.events]
        assert kinds.count("go_away") == 3
        assert kinds.count("disconnected") == 1
        assert kinds.count("resumed") == 4
        session_id = session.session_id
    assert session_id is not None
    assert client_turns(emu.live.consumed(session_id)) == sent
    assert emu.live.connections == 5


async def test_a_dropped_connection_1006_is_resumed(client: ga.AsyncClient, emu: Emulator) -> None:
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        await session.send_realtime_input(text="First")
        await turn(session)
        emu.live.add_fault(LiveFault(close_after=1, close_code=1006))
        await session.send_realtime_input(text="Second")
        assert "Second" in text_of(await turn(session))
        disconnected = [e for e in session.events if e.kind == "disconnected"]
        assert [e.code for e in disconnected] == [1006]
        assert client_turns(emu.live.consumed(session.session_id or "")) == ["First", "Second"]


async def test_the_maximum_connection_duration_rotates_transparently(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    emu.live.settings.max_connection_seconds = 0.3
    emu.live.settings.go_away_lead_seconds = 0.1
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        await session.send_realtime_input(text="Before the limit")
        await turn(session)
        async for message in session:
            if message.go_away is not None:
                assert message.go_away.time_left == "0.1s"
                break
        await session.send_realtime_input(text="After the limit")
        answer = text_of(await turn(session))
    assert 'which began with "Before the limit"' in answer
    assert [e.kind for e in session.events][:2] == ["go_away", "resumed"]


async def test_messages_sent_while_reconnecting_are_replayed_in_order(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        emu.live.add_fault(LiveFault(close_after=1, close_code=1011))
        await session.send_client_content(turns="one", turn_complete=False)
        await session.send_client_content(turns="two", turn_complete=False)
        await session.send_client_content(turns="three", turn_complete=True)
        answer = text_of(await turn(session))
        assert answer.startswith('Emulated reply to "three"')
        assert client_turns(emu.live.consumed(session.session_id or "")) == ["one", "two", "three"]


async def test_a_handle_resumes_the_session_in_a_new_connect(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    async with client.live.connect(model=MODEL, config=RESUMABLE) as first:
        await first.send_realtime_input(text="Remember the code word: teal")
        await turn(first)
        async for message in first:
            update = message.session_resumption_update
            if update is not None and update.last_consumed_client_message_index == 0:
                break  # the handle covering the first message
        handle = first.resumption_handle
        session_id = first.session_id
    assert handle is not None
    config = {"response_modalities": ["TEXT"], "session_resumption": {"handle": handle}}
    async with client.live.connect(model=MODEL, config=config) as second:
        assert second.session_id == session_id
        await second.send_realtime_input(text="What was the code word?")
        assert 'which began with "Remember the code word: teal"' in text_of(await turn(second))
    bad = {"response_modalities": ["TEXT"], "session_resumption": {"handle": "nope"}}
    with pytest.raises(errors.SessionClosed, match="handle is invalid"):
        async with client.live.connect(model=MODEL, config=bad):
            pass


async def test_reconnection_backs_off_then_gives_up(emu: Emulator) -> None:
    clock = VirtualClock()
    with use_clock(clock):  # the client's tree (and the session actor) run on this clock
        async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as c:
            c.live.options = LiveOptions(
                reconnect_backoff=Backoff(1.0, 8.0, jitter=0.0), max_reconnect_attempts=3
            )
            async with c.live.connect(model=MODEL, config=RESUMABLE) as session:
                await emu.aclose()  # the server is gone for good
                with pytest.raises(errors.SessionClosed) as lost:
                    async for _ in session:
                        pass
    assert clock.sleeps == [1.0, 2.0, 4.0]  # the first attempt is at once, then backoff
    assert lost.value.code == 1006
    assert lost.value.resumable  # the handle is still good: a later connect may resume
    assert "could not reconnect after 3 attempts" in lost.value.reason
    assert [e.kind for e in session.events] == ["disconnected", "closed"]


async def test_without_consumed_indexes_the_replay_buffer_stays_bounded(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    emu.live.settings.send_consumed_index = False  # as the Gemini API without transparent mode
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        for number in range(6):
            await session.send_realtime_input(text=f"Turn {number}")
            await turn(session)
            assert session.unacknowledged <= 2
        emu.live.add_fault(LiveFault(close_after=1, close_code=1011))
        await session.send_realtime_input(text="After the drop")
        answer = text_of(await turn(session))
    assert answer.startswith('Emulated reply to "After the drop"')
    assert 'which began with "Turn 0"' in answer
    sent = [f"Turn {n}" for n in range(6)] + ["After the drop"]
    consumed = client_turns(emu.live.consumed(session.session_id or ""))
    # Nothing is lost; a message sent just before the last handle may come twice.
    assert [t for i, t in enumerate(consumed) if t not in consumed[:i]] == sent
    assert len(consumed) <= len(sent) + 2


async def test_a_go_away_during_an_answer_lets_the_answer_finish(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    emu.live.settings.chunk_words = 1
    emu.live.settings.chunk_delay = 0.01  # an answer of about 40 words takes about 0.4 s
    emu.live.settings.max_connection_seconds = 3.0
    emu.live.settings.go_away_lead_seconds = 2.9  # goAway 0.1 s in, close 3 s in
    # Leaving at once would cut every answer and replay its turn on each new connection,
    # forever (each connection gets its goAway before the answer ends): bounded here.
    with anyio.fail_after(10):
        async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
            await session.send_realtime_input(text="Tell me everything")
            messages = await turn(session)
            await session.send_realtime_input(text="And then?")
            after = text_of(await turn(session))
            events = [e.kind for e in session.events]
            session_id = session.session_id or ""
    assert any(m.go_away is not None for m in messages)  # it came mid-answer
    answer = text_of(messages)
    assert answer.startswith('Emulated reply to "Tell me everything"')
    assert answer.count("Emulated reply") == 1  # one whole answer, not cut and replayed
    assert not any(m.server_content and m.server_content.interrupted for m in messages)
    assert events[:2] == ["go_away", "resumed"]
    assert "disconnected" not in events
    assert 'which began with "Tell me everything"' in after
    assert client_turns(emu.live.consumed(session_id)) == ["Tell me everything", "And then?"]
