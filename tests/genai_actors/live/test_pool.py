"""The aiohttp session a client's open Live sessions share, and how its sockets reach the inbox."""

from __future__ import annotations

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._live import _wire
from genai_actors.emulator import Emulator
from genai_actors.emulator._live_state import LiveFault

from .conftest import MODEL, RESUMABLE, TEXT


async def test_open_sessions_share_one_aiohttp_session_closed_by_the_last(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    pool = client.live.http
    async with client.live.connect(model=MODEL, config=TEXT) as first:
        async with client.live.connect(model=MODEL, config=RESUMABLE) as second:
            http = first._link.http
            assert http is not None
            assert second._link.http is http
            assert pool.users == 2
            await second.send_client_content(turns="Hello")
            assert [m async for m in second.receive()][-1].server_content.turn_complete  # type: ignore[union-attr]
        assert pool.users == 1
        assert not http.closed
        await first.send_client_content(turns="Still here?")
        assert [m async for m in first.receive()]
    assert pool.users == 0
    assert http.closed
    async with client.live.connect(model=MODEL, config=TEXT) as again:
        assert again._link.http is not None
        assert again._link.http is not http
    assert pool.users == 0


async def test_a_refused_or_failed_session_gives_the_aiohttp_session_back(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    emu.live.add_fault(LiveFault(reject_setup="no"))
    with pytest.raises(errors.SessionClosed):
        async with client.live.connect(model=MODEL, config=TEXT):
            pass
    assert client.live.http.users == 0
    with anyio.move_on_after(0.2):  # cancelled while open
        async with client.live.connect(model=MODEL, config=TEXT):
            await anyio.sleep_forever()
    assert client.live.http.users == 0


@pytest.mark.parametrize(
    ("frame", "fields"),
    [
        (b'{"setupComplete":{"sessionId":"s"}}', (True, None, None, None)),
        (b'{"serverContent":{"modelTurn":{"parts":[{"text":"hi"}]}}}', (False, "turn", None, None)),
        (b'{"serverContent":{"turnComplete":true}}', (False, "done", None, None)),
        (b'{"serverContent":{"interrupted":true}}', (False, "done", None, None)),
        (b'{"goAway":{"timeLeft":"5s"}}', (False, None, "5s", None)),
        (
            b'{"sessionResumptionUpdate":{"newHandle":"h","resumable":true,'
            b'"lastConsumedClientMessageIndex":"7"}}',
            (False, None, None, ("h", 7)),
        ),
        ('{"usageMetadata":{"totalTokenCount":3}}', (False, None, None, None)),
    ],
)
def test_the_reader_peeks_at_what_it_acts_on(
    frame: bytes | str, fields: tuple[object, ...]
) -> None:
    peeked = _wire.peek_server_message(frame)
    content = peeked.server_content
    state = None
    if content is not None:
        state = "done" if content.turn_complete or content.interrupted else None
        state = state or ("turn" if content.model_turn else None)
    update = peeked.session_resumption_update
    assert (
        bool(peeked.setup_complete),
        state,
        peeked.go_away.time_left if peeked.go_away else None,
        (update.new_handle, update.last_consumed_client_message_index) if update else None,
    ) == fields
    assert _wire.decode_server_message(frame) is not None  # the consumer decodes the same frame
