"""Batches and tunings on Vertex AI through both SDKs against one emulator: google-genai with
``vertexai=True`` works unmodified, and genai_actors sends the same requests (method, path,
query, JSON body) for the same calls. Job names each client created are replaced by
``{name}``; google-genai's generated batch names (a timestamp and random hex) by ``{unique}``."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

import genai_actors as ga
from genai_actors._watch import WatchConfig
from genai_actors.emulator import Emulator
from supervisors import Backoff

from ...conformance._compare import (
    GOOGLE_GENAI_WARNINGS,
    VERTEX_TOKEN,
    camel_keys,
    capture,
    google_vertex_client,
    our_vertex_client,
    skip_google_genai_trust_store,
    wire,
)

pytestmark = [
    GOOGLE_GENAI_WARNINGS,
    pytest.mark.filterwarnings("ignore::google.genai._common.ExperimentalWarning"),
]

UNIQUE = re.compile(r"\d{14}_[0-9a-f]{5}")


@pytest.fixture(autouse=True)
def no_trust_store_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    skip_google_genai_trust_store(monkeypatch)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(bearer_tokens=[VERTEX_TOKEN], job_polls=1) as emulator:
        yield emulator


@pytest.fixture
async def theirs(emu: Emulator) -> AsyncIterator[Any]:
    client = google_vertex_client(emu)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def ours(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    async with our_vertex_client(
        emu, watch=WatchConfig(backoff=Backoff(0.01, 0.05, jitter=0.0))
    ) as client:
        yield client


Start = Callable[[Any], Any]
Then = Callable[[Any, str], Any]

BATCH: Start = lambda c: c.batches.create(  # noqa: E731
    model="gemini-2.5-flash", src="gs://b/in.jsonl", config={"display_name": "n"}
)
TUNE: Start = lambda c: c.tunings.tune(  # noqa: E731
    base_model="gemini-2.5-flash",
    training_dataset={"gcs_uri": "gs://b/t.jsonl"},
    config={
        "method": "PREFERENCE_TUNING",
        "epoch_count": 2,
        "beta": 0.2,
        "validation_dataset": {"gcs_uri": "gs://b/v.jsonl"},
        "labels": {"a": "b"},
    },
)

CASES: list[tuple[str, Start, Then | None]] = [
    ("batch-create-gcs", BATCH, None),
    (
        "batch-create-bq-default-names",
        lambda c: c.batches.create(model="gemini-2.5-flash", src="bq://p.d.t"),
        None,
    ),
    (
        "batch-create-dest",
        lambda c: c.batches.create(
            model="publishers/google/models/gemini-2.5-pro",
            src={"gcs_uri": ["gs://b/a.jsonl", "gs://b/b.jsonl"], "format": "jsonl"},
            config={"display_name": "x", "dest": "bq://p.d.out"},
        ),
        None,
    ),
    ("batch-get", BATCH, lambda c, n: c.batches.get(name=n)),
    ("batch-cancel", BATCH, lambda c, n: c.batches.cancel(name=n)),
    (
        "batch-list",
        BATCH,
        lambda c, n: c.batches.list(config={"page_size": 5, "filter": 'display_name="n"'}),
    ),
    ("tune", TUNE, None),
    ("tuning-get", TUNE, lambda c, n: c.tunings.get(name=n)),
    ("tuning-cancel", TUNE, lambda c, n: c.tunings.cancel(name=n)),
    ("tuning-list", TUNE, lambda c, n: c.tunings.list(config={"page_size": 2})),
]


async def _run(emu: Emulator, client: Any, start: Start, then: Then | None) -> list[Any]:
    if then is None:
        recorded = await capture(emu, lambda: start(client))
        return wire(recorded)
    job = await start(client)
    return wire(await capture(emu, lambda: then(client, job.name)), {job.name: "{name}"})


def _normal(requests: list[Any]) -> list[Any]:
    return [
        (
            r.method,
            UNIQUE.sub("{unique}", r.path),
            r.query,
            camel_keys(json.loads(UNIQUE.sub("{unique}", json.dumps(r.body)))),
        )
        for r in requests
    ]


@pytest.mark.parametrize(("cname", "start", "then"), CASES, ids=[c[0] for c in CASES])
async def test_same_requests_as_google_genai(
    emu: Emulator, theirs: Any, ours: ga.AsyncClient, cname: str, start: Start, then: Then | None
) -> None:
    expected = await _run(emu, theirs, start, then)
    got = await _run(emu, ours, start, then)
    assert expected
    assert _normal(got) == _normal(expected)


async def test_both_read_the_same_job(emu: Emulator, theirs: Any, ours: ga.AsyncClient) -> None:
    job = await ours.batches.wait(await BATCH(ours), timeout=None)  # a state that stays
    mine = await ours.batches.get(name=job.name)
    other = await theirs.batches.get(name=job.name)
    assert json.loads(mine.model_dump_json(exclude_none=True, exclude={"sdk_http_response"})) == (
        json.loads(other.model_dump_json(exclude_none=True, exclude={"sdk_http_response"}))
    )
    tuned = await ours.tunings.wait(await TUNE(ours), timeout=None)
    mine_t = await ours.tunings.get(name=tuned.name)
    other_t = await theirs.tunings.get(name=tuned.name)
    keep = set(type(mine_t).__struct_fields__) - {"sdk_http_response", "snapshots"}
    assert json.loads(mine_t.model_dump_json(exclude_none=True, include=keep)) == json.loads(
        other_t.model_dump_json(exclude_none=True, include=keep)
    )
