"""via="batch": the same result stream through the Batch API, failed rows resubmitted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import genai_actors as ga
from genai_actors.emulator import Emulator
from supervisors import Backoff

from ._inputs import EMBED_MODEL, MODEL, line

QUICK_WATCH = ga.WatchConfig(backoff=Backoff(0.01, 0.02, multiplier=1.0, jitter=0.0))


@pytest.fixture
async def batch_client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    async with ga.AsyncClient(
        api_key="k", http_options={"base_url": emu.url}, watch=QUICK_WATCH
    ) as made:
        yield made


def _fail_rows(emu: Emulator, plan: dict[int, dict[str, Any]]) -> list[list[str]]:
    """Makes batch number n (1-based) answer the rows of ``plan[n]`` with the given error
    (``None``: no result at all); returns each batch's submitted request texts."""
    store = emu.batches
    original = store._run
    submitted: list[list[str]] = []

    def run(batch: Any) -> None:
        original(batch)
        number = len(submitted) + 1
        texts = [item.request["contents"][0]["parts"][0]["text"] for item in batch.items]
        submitted.append(texts)
        wanted = plan.get(number, {})
        kept = []
        for item, entry in zip(batch.items, batch.results, strict=True):
            text = item.request["contents"][0]["parts"][0]["text"]
            if text in wanted:
                if wanted[text] is None:
                    continue  # the row comes back without a result
                entry = {"key": entry["key"], "error": wanted[text]}
            kept.append(entry)
        batch.results = kept

    store._run = run  # type: ignore[method-assign]
    return submitted


async def test_failed_rows_are_resubmitted_and_results_match_by_key(
    emu: Emulator, batch_client: ga.AsyncClient
) -> None:
    unavailable = {"code": 503, "message": "try again", "status": "UNAVAILABLE"}
    refused = {"code": 400, "message": "bad row", "status": "INVALID_ARGUMENT"}
    submitted = _fail_rows(
        emu,
        {
            1: {"prompt 3": unavailable, "prompt 7": None, "prompt 9": refused},
            2: {"prompt 3": unavailable},
        },
    )
    results = [
        r
        async for r in batch_client.fanout(
            [line(i) for i in range(12)], model=MODEL, via="batch", batch_attempts=3
        )
    ]
    by_key = {r.key: r for r in results}
    assert sorted(by_key) == sorted(f"k{i}" for i in range(12))  # each exactly once
    assert len(results) == 12
    assert submitted[0] == [f"prompt {i}" for i in range(12)]
    assert sorted(submitted[1]) == ["prompt 3", "prompt 7"]  # transient failures, resubmitted
    assert submitted[2] == ["prompt 3"]
    assert len(submitted) == 3
    assert by_key["k3"].ok
    assert by_key["k3"].attempts == 3
    assert by_key["k7"].attempts == 2
    assert by_key["k0"].attempts == 1
    assert by_key["k3"].response.text.startswith('Emulated reply to "prompt 3"')
    assert isinstance(by_key["k9"].error, ga.errors.APIError)
    assert by_key["k9"].error.code == 400  # a row refused for good is not resubmitted
    assert by_key["k9"].attempts == 1
    assert b'"error"' in by_key["k9"].to_line()
    assert by_key["k0"].to_line().startswith(b'{"key":"k0","response":{')
    # The uploaded input files were deleted once their batches ended.
    assert [
        f for f in emu.files.all() if f.mime_type == "application/jsonl" and f.source != "GENERATED"
    ] == []


async def test_a_row_failing_every_round_is_reported_once(
    emu: Emulator, batch_client: ga.AsyncClient
) -> None:
    unavailable = {"code": 503, "message": "try again", "status": "UNAVAILABLE"}
    _fail_rows(emu, {n: {"prompt 1": unavailable} for n in (1, 2)})
    results = [
        r
        async for r in batch_client.fanout(
            [line(i) for i in range(3)], model=MODEL, via="batch", batch_attempts=2
        )
    ]
    assert sorted(r.key for r in results) == ["k0", "k1", "k2"]
    failed = [r for r in results if not r.ok]
    assert [(r.key, r.attempts) for r in failed] == [("k1", 2)]


async def test_chunks_of_batch_size_and_embeddings(
    emu: Emulator, batch_client: ga.AsyncClient
) -> None:
    results = [
        r
        async for r in batch_client.fanout(
            [f"text {i}" for i in range(7)],
            model=EMBED_MODEL,
            method="embed_content",
            via="batch",
            batch_size=3,
        )
    ]
    assert sorted(r.index for r in results) == list(range(7))
    assert len(emu.batches.all()) == 3  # 3 + 3 + 1
    online = await batch_client.models.embed_content(model=EMBED_MODEL, contents="text 4")
    assert online.embeddings is not None
    by_index = {r.index: r for r in results}
    assert by_index[4].response.embedding.values == online.embeddings[0].values


async def test_auto_picks_the_batch_api_from_the_threshold(
    emu: Emulator, batch_client: ga.AsyncClient
) -> None:
    small = [
        r async for r in batch_client.fanout(["a", "b"], model=MODEL, via="auto", auto_batch_min=3)
    ]
    assert len(small) == 2
    assert emu.batches.all() == []
    big = [
        r
        async for r in batch_client.fanout(
            iter(["a", "b", "c"]), model=MODEL, via="auto", auto_batch_min=3
        )
    ]
    assert sorted(r.index for r in big) == [0, 1, 2]
    assert len(emu.batches.all()) == 1
