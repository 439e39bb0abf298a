"""Live sessions against the emulator: handshake, text and audio turns, interruption, tools."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors.emulator import Emulator
from genai_actors.emulator._live_state import LiveFault

from .conftest import MODEL, RESUMABLE, TEXT, text_of, tone, turn


async def test_handshake_gives_a_session_id_and_the_setup_google_genai_sends(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    config = types.LiveConnectConfig(
        response_modalities=["TEXT"], temperature=0.2, system_instruction="Be brief."
    )
    async with client.live.connect(model=MODEL, config=config) as session:
        assert session.session_id is not None
        assert session.session_id in emu.live.sessions
        assert emu.live.open_connections == 1
        assert not session.closed
    assert session.closed
    assert emu.live.connections == 1


async def test_text_turns_remember_earlier_turns(client: ga.AsyncClient) -> None:
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        await session.send_client_content(turns="My name is Ada")
        first = await turn(session)
        await session.send_client_content(
            turns=types.Content(role="user", parts=[types.Part(text="What is my name?")])
        )
        second = await turn(session)
    assert 'Emulated reply to "My name is Ada"' in text_of(first)
    assert first[-1].server_content is not None
    assert first[-1].server_content.turn_complete
    assert any(m.server_content and m.server_content.generation_complete for m in first)
    answer = text_of(second)
    assert 'Emulated reply to "What is my name?"' in answer
    assert 'which began with "My name is Ada"' in answer


async def test_usage_metadata_follows_each_turn(client: ga.AsyncClient) -> None:
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        await session.send_realtime_input(text="Count my tokens please")
        await turn(session)
        async for message in session:
            if message.usage_metadata is not None:
                usage = message.usage_metadata
                break
    assert usage.prompt_token_count == 4
    assert usage.response_token_count
    assert usage.total_token_count == usage.prompt_token_count + usage.response_token_count


async def test_audio_turn_answers_24khz_pcm_with_transcriptions(client: ga.AsyncClient) -> None:
    config = {
        "response_modalities": ["AUDIO"],
        "input_audio_transcription": {},
        "output_audio_transcription": {},
    }
    async with client.live.connect(model=MODEL, config=config) as session:
        audio = tone(0.5)
        for start in range(0, len(audio), 3200):  # 100 ms chunks, as a microphone sends them
            await session.send_realtime_input(
                audio=types.Blob(data=audio[start : start + 3200], mime_type="audio/pcm;rate=16000")
            )
        messages = await turn(session)
    pcm = b"".join(m.data or b"" for m in messages)
    chunks = [m for m in messages if m.data]
    assert chunks
    assert all(
        p.inline_data.mime_type == "audio/pcm;rate=24000"
        for m in chunks
        for p in m.server_content.model_turn.parts  # type: ignore[union-attr]
    )
    assert len(pcm) % 2 == 0
    assert len(pcm) >= 0.2 * 24000 * 2  # at least 200 ms of 16-bit samples
    heard = [m.server_content.input_transcription for m in messages if m.server_content]
    assert [t.text for t in heard if t] == [
        "(spoken input, 0.80 s)"
    ]  # 0.5 s tone + 300 ms of silence
    said = "".join(
        m.server_content.output_transcription.text or ""
        for m in messages
        if m.server_content and m.server_content.output_transcription
    )
    assert said.startswith('Emulated reply to "(spoken input, 0.80 s)"')


async def test_manual_activity_and_audio_stream_end(client: ga.AsyncClient) -> None:
    config = {
        "response_modalities": ["TEXT"],
        "realtime_input_config": {"automatic_activity_detection": {"disabled": True}},
    }
    async with client.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(activity_start=types.ActivityStart())
        await session.send_realtime_input(
            audio={"data": tone(0.25, silence=0.0), "mime_type": "audio/pcm;rate=16000"}
        )
        await session.send_realtime_input(activity_end=types.ActivityEnd())
        assert "(spoken input, 0.25 s)" in text_of(await turn(session))
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        # Automatic detection: a tone without trailing silence waits for audioStreamEnd.
        await session.send_realtime_input(
            audio=types.Blob(
                data=tone(0.5, rate=24000, silence=0.0), mime_type="audio/pcm;rate=24000"
            )
        )
        await session.send_realtime_input(audio_stream_end=True)
        assert "(spoken input, 0.50 s)" in text_of(await turn(session))


async def test_new_input_interrupts_an_answer(client: ga.AsyncClient, emu: Emulator) -> None:
    emu.live.settings.chunk_words = 2
    emu.live.settings.chunk_delay = 0.05
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        await session.send_realtime_input(text="Tell me a long story")
        seen = []
        async for message in session:
            seen.append(message)
            if message.text:
                break  # the answer has started
        emu.live.settings.chunk_delay = 0.0  # the next answer need not be slow
        await session.send_realtime_input(text="Stop, answer this instead")
        async for message in session:
            seen.append(message)
            if message.server_content and message.server_content.turn_complete:
                break
    interrupted = [
        i for i, m in enumerate(seen) if m.server_content and m.server_content.interrupted
    ]
    assert len(interrupted) == 1
    before, after = text_of(seen[: interrupted[0]]), text_of(seen[interrupted[0] :])
    assert before.startswith("Emulated reply")  # the first answer, cut short
    assert not any(
        m.server_content and m.server_content.turn_complete for m in seen[: interrupted[0]]
    )
    assert after.startswith('Emulated reply to "Stop, answer this instead"')


async def test_tool_call_round_trip_and_cancellation(client: ga.AsyncClient) -> None:
    weather = types.FunctionDeclaration(
        name="get_weather",
        description="Weather of a city.",
        parameters={"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
    )
    config = {
        "response_modalities": ["TEXT"],
        "tools": [types.Tool(function_declarations=[weather])],
    }
    async with client.live.connect(model=MODEL, config=config) as session:
        await session.send_client_content(turns="Use get_weather with city=Paris")
        async for message in session:
            if message.tool_call is not None:
                call = message.tool_call.function_calls[0]  # type: ignore[index]
                break
        assert (call.name, call.args) == ("get_weather", {"city": "Paris"})
        assert call.id
        with pytest.raises(errors.InvalidRequestError, match="id"):
            await session.send_tool_response(
                function_responses=types.FunctionResponse(name="get_weather", response={"t": 1})
            )
        await session.send_tool_response(
            function_responses=[
                types.FunctionResponse(id=call.id, name=call.name, response={"temp_c": 21})
            ]
        )
        answer = text_of(await turn(session))
        assert 'The function get_weather returned {"temp_c":21}' in answer

        await session.send_client_content(turns="Call get_weather with city=Rome")
        async for message in session:
            if message.tool_call is not None:
                pending = message.tool_call.function_calls[0].id  # type: ignore[index]
                break
        await session.send_realtime_input(text="Never mind the weather")
        async for message in session:
            if message.tool_call_cancellation is not None:
                assert message.tool_call_cancellation.ids == [pending]
                break
        assert "Never mind the weather" in text_of(await turn(session))


async def test_bad_config_is_refused_before_connecting(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    bad = [
        {"response_modalities": ["TEXT", "AUDIO"]},
        {"response_modalities": ["IMAGE"]},
        {"explicit_vad_signal": True},
        {"session_resumption": {"transparent": True}},
        {
            "context_window_compression": {
                "trigger_tokens": 10,
                "sliding_window": {"target_tokens": 20},
            }
        },
        {"http_options": {"timeout": 5}},
        {"no_such_field": 1},
    ]
    for config in bad:
        with pytest.raises(errors.InvalidRequestError):
            async with client.live.connect(model=MODEL, config=config):
                pass
    assert emu.live.connections == 0


async def test_refused_setup_raises_session_closed_with_the_reason(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    emu.live.add_fault(LiveFault(reject_setup="setup refused for the test"))
    with pytest.raises(errors.SessionClosed) as refused:
        async with client.live.connect(model=MODEL, config=TEXT):
            pass
    assert (refused.value.code, refused.value.reason) == (1008, "setup refused for the test")
    with pytest.raises(errors.SessionClosed) as unknown:
        async with client.live.connect(model="gemini-2.5-flash", config=TEXT):
            pass
    assert unknown.value.code == 1008
    assert "not supported for bidiGenerateContent" in unknown.value.reason
    async with ga.AsyncClient(api_key="wrong", http_options={"base_url": emu.url}) as other:
        with pytest.raises(errors.SessionClosed, match="API key not valid"):
            async with other.live.connect(model=MODEL, config=TEXT):
                pass


async def test_without_resumption_an_abnormal_close_ends_the_session(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        emu.live.add_fault(LiveFault(close_after=1, close_code=1011, close_reason="boom"))
        await session.send_client_content(turns="Hello")
        with pytest.raises(errors.SessionClosed) as closed:
            async for _ in session:
                pass
        assert (closed.value.code, closed.value.reason, closed.value.resumable) == (
            1011,
            "boom",
            False,
        )
        with pytest.raises(errors.SessionClosed):
            await session.send_realtime_input(text="into a dead socket")
        assert session.closed
    assert [e.kind for e in session.events] == ["disconnected", "closed"]


async def test_nothing_is_left_after_close_cancellation_or_server_loss(emu: Emulator) -> None:
    async with ga.AsyncClient(api_key=API_KEY_FOR_LEAK, http_options={"base_url": emu.url}) as c:
        sessions = (await c.api_client.tree.ensure()).sessions  # type: ignore[union-attr]
        tasks = asyncio.all_tasks()
        async with c.live.connect(model=MODEL, config=RESUMABLE) as session:
            assert sessions.count_children() == 1
        assert sessions.count_children() == 0
        assert await _eventually(lambda: emu.live.open_connections == 0)
        assert await _eventually(lambda: asyncio.all_tasks() <= tasks)  # no task left

        with anyio.move_on_after(0.2):
            async with c.live.connect(model=MODEL, config=RESUMABLE) as session:
                await anyio.sleep_forever()
        assert session.closed
        assert sessions.count_children() == 0
        assert await _eventually(lambda: emu.live.open_connections == 0)

        c.live.options = c.live.options.__class__(max_reconnect_attempts=1)
        async with c.live.connect(model=MODEL, config=RESUMABLE) as session:
            await emu.aclose()  # the server vanishes
            with pytest.raises(errors.SessionClosed) as lost:
                async for _ in session:
                    pass
        assert "could not reconnect" in lost.value.reason
        assert sessions.count_children() == 0


API_KEY_FOR_LEAK = "live-test-key-3Jq"


async def _eventually(check: Callable[[], bool]) -> bool:
    """Whether ``check()`` becomes true within 2 s (the server side ends asynchronously)."""
    for _ in range(200):
        if check():
            return True
        await anyio.sleep(0.01)
    return False


async def test_close_and_client_close_end_sessions_cleanly(emu: Emulator) -> None:
    client = ga.AsyncClient(api_key=API_KEY_FOR_LEAK, http_options={"base_url": emu.url})
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        await session.close()
        await session.close()  # idempotent
        assert session.closed
        assert [m async for m in session] == []  # ends, no error: you closed it
        with pytest.raises(errors.SessionClosed):
            await session.send_realtime_input(text="after close")
    async with client.live.connect(model=MODEL, config=RESUMABLE) as session:
        await client.aclose()  # the tree stops every session before the pools close
        with pytest.raises(errors.SessionClosed):
            async for _ in session:
                pass
        with pytest.raises(errors.SessionClosed):
            await session.send_realtime_input(text="after the client closed")
    assert await _eventually(lambda: emu.live.open_connections == 0)


def test_the_blocking_client_reaches_live_through_aio() -> None:
    from genai_actors._live import AsyncLive

    with ga.Client(api_key=API_KEY_FOR_LEAK) as blocking:
        assert isinstance(blocking.aio.live, AsyncLive)


async def test_context_window_compression_drops_the_oldest_turns(client: ga.AsyncClient) -> None:
    config = {
        "response_modalities": ["TEXT"],
        "context_window_compression": {
            "trigger_tokens": 30,
            "sliding_window": {"target_tokens": 10},
        },
    }
    async with client.live.connect(model=MODEL, config=config) as session:
        await session.send_realtime_input(text="Alpha is first")
        await turn(session)
        await session.send_realtime_input(text="Beta is second")
        # Two turns and an answer exceed 30 tokens: the oldest turns are dropped.
        answer = text_of(await turn(session))
    assert 'which began with "Alpha is first"' not in answer
    assert answer.startswith('Emulated reply to "Beta is second"')
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        await session.send_realtime_input(text="Alpha is first")
        await turn(session)
        await session.send_realtime_input(text="Beta is second")
        assert 'which began with "Alpha is first"' in text_of(await turn(session))


def test_session_closed_is_an_api_error_as_google_genai_raises() -> None:
    """google-genai raises ``APIError(code, reason)`` when a Live socket closes: code that
    catches that catches SessionClosed, which keeps its own fields."""
    closed = errors.SessionClosed(1011, "Internal error occurred.", resumable=True)
    assert isinstance(closed, errors.APIError)
    assert isinstance(closed, errors.GenAIError)
    assert not isinstance(closed, errors.ClientError | errors.ServerError)
    assert (closed.code, closed.details, closed.status) == (1011, "Internal error occurred.", None)
    assert (closed.reason, closed.message, closed.resumable) == (
        "Internal error occurred.",
        "Internal error occurred.",
        True,
    )
    assert str(closed) == "session closed with code 1011: Internal error occurred."
    assert errors.SessionClosed(1000).message is None


async def test_google_genai_deprecated_session_methods_say_what_replaces_them(
    client: ga.AsyncClient,
) -> None:
    async with client.live.connect(model=MODEL, config=TEXT) as session:
        with pytest.raises(errors.NotAvailableYetError, match="send_client_content"):
            await session.send(input="Hello", end_of_turn=True)  # type: ignore[attr-defined]
        with pytest.raises(errors.NotAvailableYetError, match="send_realtime_input"):
            session.start_stream  # type: ignore[attr-defined]  # noqa: B018
        assert not hasattr(session, "send")
        with pytest.raises(AttributeError) as plain:
            session.no_such_method  # type: ignore[attr-defined]  # noqa: B018
        assert not isinstance(plain.value, errors.NotAvailableYetError)
