"""client.fanout online: every input answered once, per-input retries and failures, embeddings
packed 100 per request, bounded memory, and the blocking client's iterator."""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Iterator

import msgspec
import pytest

import genai_actors as ga
from genai_actors.emulator import Emulator

from ._inputs import EMBED_MODEL, MODEL, QUICK_RETRY, line


@pytest.mark.timeout(300)  # a few seconds on an idle machine; CI boxes may be busy
async def test_ten_thousand_inputs_under_ten_percent_429_503_are_each_answered_once(
    faulty_emulator_url: str,
) -> None:
    seen: collections.Counter[str] = collections.Counter()
    attempts = 0
    async with ga.AsyncClient(
        api_key="k", http_options={"base_url": faulty_emulator_url}
    ) as client:
        stream = client.fanout(
            (line(i, short=True) for i in range(10_000)),
            model=MODEL,
            concurrency=64,
            retry_options=QUICK_RETRY,
        )
        async with stream:
            async for result in stream:
                assert result.ok, result
                assert result.key == f"k{result.index}"
                seen[result.key] += 1
                attempts += result.attempts
    assert len(seen) == 10_000
    assert set(seen.values()) == {1}
    retried = attempts - 10_000
    assert 700 < retried < 1_500  # about 10% of 10,000 attempts failed and were sent again
    assert stream.stats.retries == retried
    assert stream.stats.done == 10_000
    assert stream.stats.failed == 0


async def test_a_failing_input_is_reported_and_the_rest_go_on(
    emu: Emulator, client: ga.AsyncClient
) -> None:
    inputs: list[object] = [
        "first",
        {"key": "bad", "request": {"contents": [{"parts": [{"bogus": 1}]}]}},
        {"key": "unbuildable", "contents": 12},
        {"key": "no-request", "request": "text"},
        "last",
    ]
    results = {r.key: r async for r in client.fanout(inputs, model=MODEL)}
    assert results["0"].ok
    assert results["4"].ok
    assert results["0"].response.text.startswith('Emulated reply to "first"')
    bad = results["bad"]
    assert isinstance(bad.error, ga.errors.APIError)
    assert bad.error.code == 400
    assert bad.attempts == 1  # a 400 is not retried
    for key in ("unbuildable", "no-request"):
        assert isinstance(results[key].error, ValueError)
        assert results[key].attempts == 0
    assert msgspec.json.decode(bad.to_line())["error"]["code"] == 400


async def test_an_error_that_persists_is_reported_after_the_retries(
    emu: Emulator, client: ga.AsyncClient
) -> None:
    emu.faults.fail_next(3, 503)
    results = [
        r
        async for r in client.fanout(
            ["only"], model=MODEL, retry_options={**QUICK_RETRY, "attempts": 3}
        )
    ]
    assert len(results) == 1
    assert results[0].attempts == 3
    assert isinstance(results[0].error, ga.errors.ServerError)
    assert results[0].response is None


async def test_result_lines_are_the_batch_api_results_format(client: ga.AsyncClient) -> None:
    results = [r async for r in client.fanout([line(7)], model=MODEL)]
    data = msgspec.json.decode(results[0].to_line())
    assert set(data) == {"key", "response"}
    assert data["key"] == "k7"
    assert data["response"]["candidates"][0]["content"]["parts"][0]["text"]
    assert results[0].to_line().count(b"\n") == 1


async def test_embeddings_are_packed_100_per_request_and_split_back(
    emu: Emulator, client: ga.AsyncClient
) -> None:
    texts = [f"text number {i}" for i in range(250)]
    results = [r async for r in client.fanout(texts, model=EMBED_MODEL, method="embed_content")]
    assert sorted(r.index for r in results) == list(range(250))
    calls = [r for r in emu.recorded if r.path.endswith(":batchEmbedContents")]
    assert sorted(len(c.json["requests"]) for c in calls) == [50, 100, 100]
    alone = await client.models.embed_content(model=EMBED_MODEL, contents=texts[42])
    assert alone.embeddings is not None
    by_index = {r.index: r for r in results}
    assert by_index[42].response.embedding.values == alone.embeddings[0].values


async def test_count_tokens_fan_out(client: ga.AsyncClient) -> None:
    results = [r async for r in client.fanout(["a b c", "d"], model=MODEL, method="count_tokens")]
    counts = {r.index: r.response.total_tokens for r in results}
    assert counts == {0: 3, 1: 1}


async def test_memory_stays_bounded_by_the_window(client: ga.AsyncClient) -> None:
    pulled = 0

    async def inputs() -> AsyncIterator[str]:
        nonlocal pulled
        for i in range(500):
            pulled += 1
            yield f"p{i}"

    consumed = 0
    ahead = 0
    async with client.fanout(inputs(), model=MODEL, concurrency=8) as stream:
        async for _ in stream:
            consumed += 1
            ahead = max(ahead, pulled - consumed)
    assert consumed == 500
    assert ahead <= 8 * 3 + 1  # the workers' inputs plus the result buffer, never the input


async def test_closing_the_stream_early_stops_the_run(
    emu: Emulator, client: ga.AsyncClient
) -> None:
    def endless() -> Iterator[str]:
        i = 0
        while True:
            yield f"p{i}"
            i += 1

    async with client.fanout(endless(), model=MODEL, concurrency=4) as stream:
        async for result in stream:
            if result.index >= 20:
                break
    sent = len(emu.recorded)
    assert sent < 40


def test_options_are_checked_before_anything_is_sent() -> None:
    client = ga.AsyncClient(api_key="k")
    for bad in ({"concurrency": 0}, {"via": "mail"}, {"method": "chat"}):
        with pytest.raises(ga.errors.InvalidOptionError):
            client.fanout(["x"], model=MODEL, **bad)
    with pytest.raises(ga.errors.InvalidOptionError):
        client.fanout("not a list", model=MODEL)
    with pytest.raises(ga.errors.InvalidOptionError):
        client.fanout(["x"], model=MODEL, method="count_tokens", via="batch")
    assert not client.api_client._pool.opened


def test_the_blocking_client_fans_out_as_an_iterator(emu_thread: Emulator) -> None:
    with ga.Client(api_key="k", http_options={"base_url": emu_thread.url}) as client:
        results = list(client.fanout((f"q{i}" for i in range(50)), model=MODEL))
    assert sorted(r.index for r in results) == list(range(50))
    assert all(r.ok for r in results)


@pytest.fixture
def emu_thread() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


async def test_an_input_iterable_that_raises_ends_the_run_with_its_error(
    client: ga.AsyncClient,
) -> None:
    def inputs() -> Iterator[str]:
        yield from ("a", "b", "c")
        raise OSError("the input file went away")

    got: list[int] = []

    async def read() -> None:
        async with client.fanout(inputs(), model=MODEL, concurrency=2) as stream:
            got.extend([result.index async for result in stream])

    with pytest.raises(OSError, match="went away"):
        await read()
    assert got == []  # the error ended the iteration before the list was made
