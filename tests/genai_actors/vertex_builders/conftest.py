"""The google-genai Vertex AI oracle, built once per module (its client builds SSL contexts),
and a Vertex AI client on an emulator whose jobs finish on their first poll."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

import genai_actors as ga
from genai_actors._watch import WatchConfig
from genai_actors.emulator import Emulator
from supervisors import Backoff

from ..vertex.conftest import LOCATION, PROJECT, TOKEN, static_credentials

pytest.register_assert_rewrite("tests.genai_actors.vertex_builders.oracle")

from .oracle import Oracle  # noqa: E402


@pytest.fixture(scope="module")
def oracle() -> Iterator[Oracle]:
    made = Oracle()
    yield made
    made.close()


FAST_POLLS = Backoff(0.01, 0.05, jitter=0.0)


@pytest.fixture
async def vemu() -> AsyncIterator[Emulator]:
    """An emulator taking the Vertex AI test token, its jobs done on their first poll."""
    async with Emulator(bearer_tokens=[TOKEN], job_polls=1) as emulator:
        yield emulator


@pytest.fixture
async def vclient(vemu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """A Vertex AI client on ``vemu`` whose watchers poll every few milliseconds."""
    async with ga.AsyncClient(
        vertexai=True,
        project=PROJECT,
        location=LOCATION,
        credentials=static_credentials(),
        http_options={"base_url": vemu.url},
        watch=WatchConfig(backoff=FAST_POLLS),
    ) as client:
        yield client
