"""``models.generate_content_stream``: the three usage forms, closing, and stream faults."""

from __future__ import annotations

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._transformers import InvalidRequestError
from genai_actors._transport import TransportConfig
from genai_actors.emulator import Emulator, FaultConfig
from supervisors import VirtualClock, use_clock

from .conftest import API_KEY, MODEL, drain, wait_recorded

PROMPT = "Tell me a long story about a lighthouse keeper"


async def test_async_for_without_await(client: ga.AsyncClient, emu: Emulator) -> None:
    """`async for` works on the call directly; chunks are deltas that join to the full text."""
    stream = client.models.generate_content_stream(model=MODEL, contents=PROMPT)
    chunks = [chunk async for chunk in stream]
    assert len(chunks) > 1
    assert all(isinstance(c, types.GenerateContentResponse) for c in chunks)
    text = "".join(c.text or "" for c in chunks)
    full = await client.models.generate_content(model=MODEL, contents=PROMPT)
    assert text == full.text
    assert chunks[-1].usage_metadata is not None
    assert stream.closed
    assert emu.recorded[0].path == f"/v1/models/{MODEL}:streamGenerateContent"
    assert emu.recorded[0].query == {"alt": "sse"}


async def test_google_genai_form_with_await(client: ga.AsyncClient) -> None:
    """`async for chunk in await ...` (google-genai's form) works too."""
    chunks = [
        c async for c in await client.models.generate_content_stream(model=MODEL, contents="hi")
    ]
    assert chunks
    assert chunks[0].sdk_http_response is not None


async def test_await_raises_http_errors_at_the_call(client: ga.AsyncClient) -> None:
    """Awaiting the stream opens it: an HTTP error status raises there."""
    with pytest.raises(errors.NotFoundError):
        await client.models.generate_content_stream(model="no-such-model", contents="hi")


async def test_async_with_closes_early(client: ga.AsyncClient) -> None:
    """Leaving `async with` after one chunk closes the stream."""
    async with client.models.generate_content_stream(model=MODEL, contents=PROMPT) as stream:
        async for _ in stream:
            break
    assert stream.closed


async def test_nothing_is_sent_until_used(client: ga.AsyncClient, emu: Emulator) -> None:
    """Creating the stream sends nothing; bad input raises at the call, before any request."""
    stream = client.models.generate_content_stream(model=MODEL, contents="hi")
    await anyio.sleep(0.05)
    assert len(emu.recorded) == 0
    await stream.aclose()
    with pytest.raises(InvalidRequestError):
        client.models.generate_content_stream(model=MODEL, contents="hi", config={"topK": "x"})
    assert len(emu.recorded) == 0


async def test_aclose_from_another_task_ends_iteration_and_frees_the_connection(
    emu: Emulator,
) -> None:
    """aclose() from another task ends a blocked iteration cleanly; the pooled connection is
    free again (pool of one)."""
    emu.faults.configure(FaultConfig(stream_event_delay=5.0))
    async with ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": emu.url},
        transport=TransportConfig(connection_limit=1, connect_timeout=5.0),
    ) as client:
        stream = client.models.generate_content_stream(model=MODEL, contents=PROMPT)
        received: list[types.GenerateContentResponse] = []

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(drain, stream, received)
                await wait_recorded(emu)
                await anyio.sleep(0.1)
                await stream.aclose()
        assert stream.closed
        emu.faults.clear()
        with anyio.fail_after(5):
            response = await client.models.generate_content(model=MODEL, contents="next")
        assert response.text


async def test_cancelling_the_consumer_frees_the_connection(emu: Emulator) -> None:
    """Cancelling a task blocked on the stream closes it; the next call gets the connection."""
    emu.faults.configure(FaultConfig(stream_event_delay=5.0))
    async with ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": emu.url},
        transport=TransportConfig(connection_limit=1, connect_timeout=5.0),
    ) as client:
        with anyio.move_on_after(0.5):
            async for _ in client.models.generate_content_stream(model=MODEL, contents=PROMPT):
                pass
        emu.faults.clear()
        with anyio.fail_after(5):
            response = await client.models.generate_content(model=MODEL, contents="next")
        assert response.text


async def test_stream_cut_raises_a_typed_error(client: ga.AsyncClient, emu: Emulator) -> None:
    """A connection dropped mid-stream raises StreamCutError after the delivered chunks."""
    emu.faults.configure(FaultConfig(stream_cut_after=1))
    received: list[types.GenerateContentResponse] = []
    stream = client.models.generate_content_stream(model=MODEL, contents=PROMPT)
    with pytest.raises(errors.StreamCutError):
        await drain(stream, received)
    assert len(received) >= 1


async def test_mid_stream_error_event_raises_after_earlier_chunks(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """An error event after two chunks delivers both, then raises the typed API error."""
    emu.faults.configure(FaultConfig(stream_error_after=2, stream_error_status=503))
    received: list[types.GenerateContentResponse] = []
    stream = client.models.generate_content_stream(model=MODEL, contents=PROMPT)
    with pytest.raises(errors.ServiceUnavailableError):
        await drain(stream, received)
    assert len(received) == 2
    assert stream.closed


async def test_503_before_the_first_byte_is_retried(client: ga.AsyncClient, emu: Emulator) -> None:
    """A 503 answering the stream request is retried before any chunk is delivered."""
    emu.faults.fail_next(1, 503)
    with use_clock(VirtualClock()):
        chunks = [c async for c in client.models.generate_content_stream(model=MODEL, contents="x")]
    assert chunks
    assert len(emu.recorded) == 2
