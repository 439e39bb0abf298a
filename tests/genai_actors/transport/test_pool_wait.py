"""Waiting for a pooled connection is not connecting: it never spends the connect timeout.

A pool of one connection, a connect timeout much shorter than one request, retries off: the
calls queued behind the first must wait for the connection and then succeed, bounded only by
the call's own timeout (``HttpOptions.timeout``), never failing with ``ConnectTimeoutError``.
"""

from __future__ import annotations

import asyncio
import time

import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors.emulator import Emulator, FaultConfig

from ..core.conftest import API_KEY
from .conftest import transport

MODEL = "gemini-2.5-flash"
CONNECT_TIMEOUT = 0.2
NO_RETRY = {"attempts": 1}


def client_for(emu: Emulator, http_client: str, **options: object) -> ga.AsyncClient:
    return ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": emu.url, "retry_options": NO_RETRY, **options},
        transport=transport(http_client, connection_limit=1, connect_timeout=CONNECT_TIMEOUT),
    )


async def test_calls_queued_for_the_pool_outlast_the_connect_timeout(http_client: str) -> None:
    """Three calls on a one-connection pool, each holding it 0.3 s: all succeed, none retried."""
    async with Emulator(api_key=API_KEY, faults=FaultConfig(latency=0.3)) as emu:
        async with client_for(emu, http_client) as client:
            started = time.monotonic()
            results = await asyncio.gather(
                *(client.models.generate_content(model=MODEL, contents=f"q{i}") for i in range(3))
            )
            elapsed = time.monotonic() - started
        assert all(r.text for r in results)
        assert elapsed > 3 * 0.3 - 0.05  # they did queue for the one connection
        generate = [r for r in emu.recorded if r.path.endswith(":generateContent")]
        assert len(generate) == 3  # exactly one attempt each


async def test_streams_queued_for_the_pool_outlast_the_connect_timeout(http_client: str) -> None:
    """Two long streams on a one-connection pool: the second waits for the first, then runs."""
    faults = FaultConfig(stream_event_delay=0.05)
    async with Emulator(api_key=API_KEY, chunk_words=4, faults=faults) as emu:
        async with client_for(emu, http_client) as client:

            async def one(i: int) -> int:
                count = 0
                stream = client.models.generate_content_stream(model=MODEL, contents=f"s{i}")
                async for _ in stream:
                    count += 1
                return count

            started = time.monotonic()
            counts = await asyncio.gather(one(0), one(1))
            elapsed = time.monotonic() - started
        assert min(counts) >= 5  # each stream lasted longer than the connect timeout
        assert elapsed > 2 * 5 * 0.05 - 0.05


async def test_pool_wait_is_bounded_by_the_call_timeout(http_client: str) -> None:
    """A call that cannot get a connection within its own timeout fails with a timeout error."""
    emulator = Emulator(api_key=API_KEY, faults=FaultConfig(latency=1.5))
    async with emulator as emu, client_for(emu, http_client, timeout=1000) as client:
        first = asyncio.ensure_future(
            client.models.generate_content(model=MODEL, contents="holds the connection")
        )
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeoutError) as caught:
            await client.models.generate_content(model=MODEL, contents="queued")
        elapsed = time.monotonic() - started
        assert not isinstance(caught.value, errors.ConnectTimeoutError)
        assert elapsed > 0.8  # the call's 1 s budget, not the 0.2 s connect timeout
        first.cancel()
        with pytest.raises((asyncio.CancelledError, errors.RequestTimeoutError)):
            await first
