"""Requests that create billed jobs or stored resources are retried only when nothing was done."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors.emulator import Emulator
from supervisors import VirtualClock, use_clock

Create = Callable[[ga.AsyncClient], Awaitable[Any]]

CREATES: dict[str, Create] = {
    "batches.create": lambda c: c.batches.create(
        model="gemini-2.5-flash", src=[{"contents": "hi"}]
    ),
    "tunings.tune": lambda c: c.tunings.tune(
        base_model="gemini-2.5-flash",
        training_dataset={"examples": [{"text_input": "a", "output": "b"}]},
    ),
    "caches.create": lambda c: c.caches.create(
        model="gemini-2.5-flash", config={"contents": ["cache me"], "ttl": "300s"}
    ),
    "file_search_stores.create": lambda c: c.file_search_stores.create(
        config={"display_name": "docs"}
    ),
    "models.generate_videos": lambda c: c.models.generate_videos(
        model="veo-3.0-generate-001", prompt="a cat"
    ),
}


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator() as e:
        yield e


@pytest.mark.parametrize("name", sorted(CREATES))
async def test_a_500_on_a_creating_request_is_raised_not_retried(emu: Emulator, name: str) -> None:
    """A 500 may mean the job was created: the error is raised after one request, no retry."""
    emu.faults.fail_next(1, status=500)
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as client:
        with pytest.raises(errors.InternalServerError):
            await CREATES[name](client)
    assert len(emu.recorded) == 1


@pytest.mark.parametrize("name", sorted(CREATES))
async def test_a_429_on_a_creating_request_is_retried(emu: Emulator, name: str) -> None:
    """A 429 proves nothing was done: the creating request is retried after the advised delay."""
    emu.faults.fail_next(1, status=429, retry_delay=2.0)
    clock = VirtualClock()
    with use_clock(clock):
        async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as client:
            await CREATES[name](client)
    assert len(emu.recorded) == 2
    assert clock.sleeps == [2.0]
