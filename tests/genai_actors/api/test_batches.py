"""client.batches against the emulator: inline and file batches, results matched by key,
wait/watch, cancel/delete/list, input checks before sending, and faults."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import msgspec
import pytest
from aiohttp import web

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._transformers import InvalidRequestError
from genai_actors._watch import WatchConfig
from genai_actors.emulator import Emulator
from supervisors import Backoff

MODEL = "gemini-2.5-flash"
EMBED_MODEL = "gemini-embedding-001"
NO_RETRY = {"retry_options": {"attempts": 1}}
FAST_POLLS = Backoff(0.01, 0.05, jitter=0.0)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's loop."""
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An async client aimed at the emulator."""
    async with ga.AsyncClient(
        api_key="k", http_options={"base_url": emu.url}, watch=WatchConfig(backoff=FAST_POLLS)
    ) as c:
        yield c


def _prompts(n: int) -> list[dict[str, Any]]:
    return [{"contents": f"Tell me about topic{i}"} for i in range(n)]


def _jsonl(rows: list[Any]) -> bytes:
    return b"".join(msgspec.json.encode(r) + b"\n" for r in rows)


# ---------------------------------------------------------------------------------- inline


async def test_inline_batch_results_matched_by_key(client: ga.AsyncClient, emu: Emulator) -> None:
    """Out-of-order inline results come back matched to their own requests, in request order."""
    job = await client.batches.create(model=MODEL, src=_prompts(8), config={"display_name": "t"})
    assert job.name is not None
    assert job.state == "JOB_STATE_PENDING"
    assert job.display_name == "t"
    sent = emu.recorded[-1]
    assert sent.path == f"/v1/models/{MODEL}:batchGenerateContent"
    entries = sent.json["batch"]["inputConfig"]["requests"]["requests"]
    assert [e["metadata"] for e in entries] == [{"key": str(i)} for i in range(8)]

    done = await client.batches.wait(job, timeout=30)
    assert done.state == "JOB_STATE_SUCCEEDED"
    assert done.batch_stats == types.BatchJobStats(
        request_count=8, successful_request_count=8, failed_request_count=0, pending_request_count=0
    )
    assert done.dest is not None
    assert done.dest.inlined_responses is not None
    server_order = [(r.metadata or {}).get("key") for r in done.dest.inlined_responses]
    assert server_order != [str(i) for i in range(8)]  # the emulator shuffles, like the API

    results = await client.batches.results(done).collect()
    assert [r.key for r in results] == [str(i) for i in range(8)]
    for result in results:
        assert result.ok
        assert result.response is not None
        assert isinstance(result.response, types.GenerateContentResponse)
        assert f"topic{result.key}" in (result.response.text or "")


async def test_user_keys_and_request_shapes(client: ga.AsyncClient, emu: Emulator) -> None:
    """User keys are kept; wire-shaped and GenerateContentRequest-shaped items are converted."""
    src: list[Any] = [
        {"contents": "alpha", "metadata": {"key": "a", "user": "x"}},
        {
            "request": {"contents": [{"role": "user", "parts": [{"text": "beta"}]}]},
            "metadata": {"key": "b"},
        },
        {
            "contents": "gamma",
            "system_instruction": "Be brief.",
            "generation_config": {"temperature": 0.5},
            "metadata": {"key": "c"},
        },
        types.InlinedRequest(
            contents="delta",
            config=types.GenerateContentConfig(
                top_k=3, thinking_config=types.ThinkingConfig(thinking_budget=16)
            ),
        ),
    ]
    job = await client.batches.create(model=MODEL, src=src)
    entries = emu.recorded[-1].json["batch"]["inputConfig"]["requests"]["requests"]
    assert [e["metadata"] for e in entries] == [
        {"key": "a", "user": "x"},
        {"key": "b"},
        {"key": "c"},
        {"key": "3"},
    ]
    assert entries[2]["request"]["systemInstruction"] == {
        "parts": [{"text": "Be brief."}],
        "role": "user",
    }
    assert entries[2]["request"]["generationConfig"] == {"temperature": 0.5}
    assert entries[3]["request"]["generationConfig"] == {
        "topK": 3,
        "thinkingConfig": {"thinkingBudget": 16},
    }
    done = await client.batches.wait(job.name or "", timeout=30)
    results = {r.key: r async for r in client.batches.results(done)}
    assert set(results) == {"a", "b", "c", "3"}
    assert "beta" in (results["b"].response.text or "")  # type: ignore[union-attr]
    assert results["a"].metadata == {"key": "a", "user": "x"}


async def test_source_forms(client: ga.AsyncClient, emu: Emulator) -> None:
    """Dict, BatchJobSource and File-object sources give the same wire input as the list."""
    wire_item = {"request": {"contents": [{"parts": [{"text": "x"}]}]}, "metadata": {"key": "w"}}
    await client.batches.create(model=MODEL, src={"inlinedRequests": [wire_item]})
    sent = emu.recorded[-1].json["batch"]["inputConfig"]
    assert sent == {
        "requests": {
            "requests": [
                {
                    "request": {"contents": [{"parts": [{"text": "x"}]}]},
                    "metadata": {"key": "w"},
                }
            ]
        }
    }
    await client.batches.create(
        model=MODEL, src=types.BatchJobSource(inlined_requests=[types.InlinedRequest(contents="y")])
    )
    entry = emu.recorded[-1].json["batch"]["inputConfig"]["requests"]["requests"][0]
    assert entry["metadata"] == {"key": "0"}
    stored = emu.files.add(
        _jsonl([{"key": "a", "request": {"contents": [{"parts": [{"text": "z"}]}]}}]),
        "application/jsonl",
    )
    uploaded = await client.files.get(name=stored.name)
    await client.batches.create(model=MODEL, src=uploaded)
    assert emu.recorded[-1].json["batch"]["inputConfig"] == {"fileName": stored.name}
    with pytest.raises(InvalidRequestError, match=r"src\.bogus"):
        await client.batches.create(model=MODEL, src={"bogus": 1})


async def test_failed_item_is_a_failed_result(client: ga.AsyncClient) -> None:
    """One request the server refuses fails alone, as a 'failed' result with its error."""
    src = [
        {"contents": "fine"},
        {"contents": "bad", "config": {"response_schema": {"type": "OBJECT"}}},
    ]
    job = await client.batches.wait(await client.batches.create(model=MODEL, src=src), timeout=30)
    results = await client.batches.results(job).collect()
    assert [(r.key, r.status) for r in results] == [("0", "succeeded"), ("1", "failed")]
    assert results[1].error is not None
    assert results[1].error.code == 400


async def test_missing_and_unexpected_keys_reported(client: ga.AsyncClient) -> None:
    """Keys submitted without result are 'missing'; results for unknown keys 'unexpected'."""
    job = await client.batches.wait(
        await client.batches.create(model=MODEL, src=_prompts(3)), timeout=30
    )
    results = await client.batches.results(job, expected_keys=["0", "1", "zz"]).collect()
    by_status = {(r.key, r.status) for r in results}
    assert by_status == {
        ("0", "succeeded"),
        ("1", "succeeded"),
        ("2", "unexpected"),
        ("zz", "missing"),
    }
    unexpected = next(r for r in results if r.status == "unexpected")
    assert unexpected.response is not None  # nothing is lost
    missing = next(r for r in results if r.status == "missing")
    assert missing.error is not None
    assert "no result" in (missing.error.message or "")


async def test_results_without_known_keys_count_against_stats() -> None:
    """Without known keys, fewer results than batch_stats.request_count yields one 'missing'."""
    job = types.BatchJob.from_operation(
        {
            "name": "batches/x1",
            "metadata": {
                "state": "BATCH_STATE_SUCCEEDED",
                "batchStats": {"requestCount": "3"},
                "output": {
                    "inlinedResponses": {
                        "inlinedResponses": [
                            {"response": {"candidates": []}, "metadata": {"key": "k1"}},
                            {"error": {"code": 500, "message": "boom"}, "metadata": {"key": "k2"}},
                            {"response": {"candidates": []}},
                        ]
                    }
                },
            },
        }
    )
    async with ga.AsyncClient(api_key="k", http_options={"base_url": "http://127.0.0.1:9"}) as c:
        results = await c.batches.results(job).collect()
    assert [(r.key, r.status) for r in results] == [
        ("k1", "succeeded"),
        ("k2", "failed"),
        (None, "unexpected"),
        (None, "missing"),
    ]
    assert "1 of 3" in (results[-1].error.message or "")  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------- files


async def test_file_batch_results_streamed(client: ga.AsyncClient, emu: Emulator) -> None:
    """A JSONL input file gives a JSONL results file, streamed and matched by its keys."""
    rows: list[dict[str, Any]] = [
        {"key": f"row-{i}", "request": {"contents": [{"parts": [{"text": f"item{i}"}]}]}}
        for i in range(6)
    ]
    rows.append({"key": "row-bad", "request": {"contents": [], "bogus": 1}})
    stored = emu.files.add(_jsonl(rows), "application/jsonl")
    job = await client.batches.create(model=MODEL, src=stored.name)
    assert emu.recorded[-1].json == {"batch": {"inputConfig": {"fileName": stored.name}}}
    done = await client.batches.wait(job, timeout=30)
    assert done.dest is not None
    assert done.dest.file_name is not None
    keys = [r["key"] for r in rows]
    results = await client.batches.results(done, expected_keys=keys).collect()
    assert sorted(r.key or "" for r in results) == sorted(keys)
    assert {r.key for r in results if r.status == "failed"} == {"row-bad"}
    for r in results:
        if r.ok:
            assert r.key is not None
            assert r.response is not None
            assert f"item{r.key.removeprefix('row-')}" in (r.response.text or "")  # type: ignore[union-attr]
    download = [x for x in emu.recorded if x.path.endswith(":download")]
    assert download[-1].query == {"alt": "media"}


async def test_file_download_cut_is_resumed_without_loss(client: ga.AsyncClient) -> None:
    """A results download cut mid-way is reopened and no line is lost or repeated."""
    lines = _jsonl(
        [
            {
                "key": str(i),
                "response": {
                    "candidates": [{"content": {"parts": [{"text": f"answer {i} " + "x" * 200}]}}]
                },
            }
            for i in range(50)
        ]
    )
    hits: list[int] = []

    async def download(request: web.Request) -> web.StreamResponse:
        hits.append(1)
        response = web.StreamResponse(headers={"Content-Length": str(len(lines))})
        await response.prepare(request)
        if len(hits) == 1:
            await response.write(lines[: len(lines) // 2 + 7])  # ends mid-line
            assert request.transport is not None
            request.transport.close()
            return response
        await response.write(lines)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/v1/files/{tail}", download)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    job = types.BatchJob(
        name="batches/q",
        state="JOB_STATE_SUCCEEDED",
        dest=types.BatchJobDestination(file_name="files/out1"),
    )
    try:
        async with ga.AsyncClient(
            api_key="k", http_options={"base_url": f"http://127.0.0.1:{port}"}
        ) as other:
            results = await other.batches.results(
                job, expected_keys=[str(i) for i in range(50)]
            ).collect()
    finally:
        await runner.cleanup()
    assert len(hits) == 2
    assert [r.key for r in results] == [str(i) for i in range(50)]
    assert all(r.ok for r in results)


async def test_results_reader_cancelled_mid_download_frees_everything() -> None:
    """Cancelling a read blocked on a stalled download, then aclose(), ends cleanly."""
    lines = _jsonl([{"key": str(i), "response": {"candidates": []}} for i in range(20)])
    release = asyncio.Event()

    async def stalled(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": str(len(lines))})
        await response.prepare(request)
        await response.write(lines[: len(lines) // 2])
        await release.wait()
        return response

    app = web.Application()
    app.router.add_get("/v1/files/{tail}", stalled)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    job = types.BatchJob(
        name="batches/s",
        state="JOB_STATE_SUCCEEDED",
        dest=types.BatchJobDestination(file_name="files/out2"),
    )
    try:
        async with ga.AsyncClient(
            api_key="k", http_options={"base_url": f"http://127.0.0.1:{runner.addresses[0][1]}"}
        ) as other:
            results = other.batches.results(job)
            first = await results.__anext__()
            assert first.key == "0"
            reader = asyncio.create_task(_drain(results))
            await asyncio.sleep(0.2)
            assert not reader.done()  # blocked on the stalled connection
            reader.cancel()
            with pytest.raises(asyncio.CancelledError):
                await reader
            await results.aclose()
            await results.aclose()  # idempotent
            assert [r async for r in results] == []  # closed: nothing more
    finally:
        release.set()
        await runner.cleanup()


async def _drain(results: Any) -> None:
    async for _ in results:
        pass


# ---------------------------------------------------------------------------------- lifecycle


async def test_watch_get_list_cancel_delete(client: ga.AsyncClient, emu: Emulator) -> None:
    """watch yields each state until the end; cancel, list and delete behave."""
    first = await client.batches.create(model=MODEL, src=_prompts(2))
    async with client.batches.watch(first) as stream:
        states = [snapshot.state async for snapshot in stream]
    assert states[-1] == "JOB_STATE_SUCCEEDED"
    assert "JOB_STATE_PENDING" not in states[1:]

    second = await client.batches.create(model=MODEL, src=_prompts(1))
    await client.batches.cancel(name=second.name or "")
    cancelled = await client.batches.get(name=second.name or "")
    assert cancelled.state == "JOB_STATE_CANCELLED"
    assert cancelled.done
    with pytest.raises(InvalidRequestError, match="no results"):
        await client.batches.results(cancelled).collect()
    with pytest.raises(errors.FailedPreconditionError):
        await client.batches.cancel(name=second.name or "")

    pager = await client.batches.list(config={"page_size": 1})
    assert pager.name == "batch_jobs"
    assert [j.name async for j in pager] == [second.name, first.name]

    deleted = await client.batches.delete(name=second.name or "")
    assert isinstance(deleted, types.DeleteResourceJob)
    with pytest.raises(errors.NotFoundError):
        await client.batches.get(name=second.name or "")


async def test_embeddings_batch(client: ga.AsyncClient, emu: Emulator) -> None:
    """An inline embeddings batch gives one embedding per content, keyed by index."""
    job = await client.batches.create_embeddings(
        model=EMBED_MODEL,
        src={
            "inlined_requests": {
                "contents": ["one", "two", "three"],
                "config": {"task_type": "RETRIEVAL_DOCUMENT"},
            }
        },
        config={"display_name": "emb"},
    )
    sent = emu.recorded[-1]
    assert sent.path == f"/v1/models/{EMBED_MODEL}:asyncBatchEmbedContent"
    entry = sent.json["batch"]["inputConfig"]["requests"]["requests"][0]
    assert entry == {
        "request": {
            "content": {"parts": [{"text": "one"}], "role": "user"},
            "taskType": "RETRIEVAL_DOCUMENT",
        },
        "metadata": {"key": "0"},
    }
    done = await client.batches.wait(job, timeout=30)
    assert done.dest is not None
    assert done.dest.inlined_embed_content_responses is not None
    results = await client.batches.results(done).collect()
    assert [r.key for r in results] == ["0", "1", "2"]
    for r in results:
        assert isinstance(r.response, types.SingleEmbedContentResponse)
        assert r.response.embedding is not None
        assert r.response.embedding.values


def test_job_view_maps_states_and_keeps_stats() -> None:
    """Every BATCH_STATE_* maps to JOB_STATE_*; unknown states pass; stats are ints."""
    for suffix in (
        "UNSPECIFIED",
        "PENDING",
        "RUNNING",
        "SUCCEEDED",
        "FAILED",
        "CANCELLED",
        "EXPIRED",
    ):
        job = types.BatchJob.from_operation({"metadata": {"state": f"BATCH_STATE_{suffix}"}})
        assert job.state == f"JOB_STATE_{suffix}"
    assert types.BatchJob.from_operation({"metadata": {"state": "NEW"}}).state == "NEW"
    job = types.BatchJob.from_operation(
        {
            "name": "batches/a",
            "metadata": {
                "batchStats": {"requestCount": "5", "failedRequestCount": "1"},
                "output": {"responsesFile": "files/r"},
                "endTime": "2025-01-01T00:00:00Z",
            },
            "error": {"code": 3, "message": "m"},
        }
    )
    assert job.batch_stats == types.BatchJobStats(request_count=5, failed_request_count=1)
    assert job.dest == types.BatchJobDestination(file_name="files/r")
    assert job.error == types.JobError(code=3, message="m")
    assert job.end_time is not None
    with pytest.raises(ValueError, match="object"):
        types.BatchJob.from_operation([])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("src", "config", "error", "match"),
    [
        (
            {"inlined_requests": [{"contents": "x"}], "file_name": "files/a"},
            None,
            InvalidRequestError,
            "not both",
        ),
        ({}, None, InvalidRequestError, "required"),
        ("gs://bucket/in.jsonl", None, InvalidRequestError, "Vertex"),
        ("bq://p.d.t", None, InvalidRequestError, "Vertex"),
        ("input.jsonl", None, InvalidRequestError, "files/"),
        ({"gcs_uri": ["gs://x"]}, None, InvalidRequestError, "Vertex"),
        ([], None, InvalidRequestError, "at least one"),
        (42, None, InvalidRequestError, "list of requests"),
        (
            [
                {"contents": "x", "metadata": {"key": "k"}},
                {"contents": "y", "metadata": {"key": "k"}},
            ],
            None,
            InvalidRequestError,
            "duplicate key",
        ),
        ([{"contents": "x", "metadata": {"key": 5}}], None, InvalidRequestError, "key"),
        ([{"config": {"temperature": 1}}], None, InvalidRequestError, r"src\[0\]\.contents"),
        (
            [{"contents": "x"}, {"contents": "y", "config": {"temprature": 1}}],
            None,
            InvalidRequestError,
            r"src\[1\]\.config\.temprature",
        ),
        (
            [{"contents": "x", "config": {"http_options": {"timeout": 5000}}}],
            None,
            InvalidRequestError,
            "http_options",
        ),
        ([{"contents": "x", "model": "gemini-2.0-flash"}], None, InvalidRequestError, "model"),
        ([{"contents": "x", "request": {"contents": "y"}}], None, InvalidRequestError, "beside"),
        (["just text"], None, InvalidRequestError, "request dict"),
        ([{"contents": "x"}], {"dest": "gs://out"}, errors.UnsupportedByBackendError, "dest"),
        ([{"contents": "x"}], {"display_nme": "x"}, InvalidRequestError, "display_nme"),
        ([{"contents": "x", "config": {"labels": {"a": "b"}}}], None, None, None),
    ],
)
async def test_bad_create_refused_before_sending(
    client: ga.AsyncClient,
    emu: Emulator,
    src: Any,
    config: Any,
    error: type[Exception] | None,
    match: str | None,
) -> None:
    """Both or no inputs, Vertex sources, bad items and bad configs fail before any request."""
    before = len(emu.recorded)
    if error is None:  # accepted: google-genai 3.4 sends labels on the Developer API
        await client.batches.create(model=MODEL, src=src, config=config)
        assert len(emu.recorded) == before + 1
        return
    with pytest.raises(error, match=match):
        await client.batches.create(model=MODEL, src=src, config=config)
    assert len(emu.recorded) == before


@pytest.mark.parametrize("name", ["files/abc", "batches/a/b", "", "batches/", "batches/a?b"])
async def test_bad_names_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, name: str
) -> None:
    """get, cancel, delete, wait and watch refuse names that are not batches/<id>."""
    with pytest.raises(InvalidRequestError, match="batch name"):
        await client.batches.get(name=name)
    with pytest.raises(InvalidRequestError, match="batch name"):
        await client.batches.cancel(name=name)
    with pytest.raises(InvalidRequestError, match="batch name"):
        await client.batches.delete(name=name)
    with pytest.raises(InvalidRequestError, match="batch name"):
        await client.batches.wait(name)
    with pytest.raises(InvalidRequestError, match="batch name"):
        client.batches.watch(name)
    assert len(emu.recorded) == 0


async def test_other_refusals_before_sending(client: ga.AsyncClient, emu: Emulator) -> None:
    """list filter is Vertex-only; embeddings need exactly one input; huge inline batches
    must use a file."""
    with pytest.raises(errors.UnsupportedByBackendError, match="filter"):
        await client.batches.list(config={"filter": "state=RUNNING"})
    with pytest.raises(InvalidRequestError, match="exactly one"):
        await client.batches.create_embeddings(model=EMBED_MODEL, src={})
    with pytest.raises(InvalidRequestError, match="exactly one"):
        await client.batches.create_embeddings(
            model=EMBED_MODEL,
            src={"file_name": "files/a", "inlined_requests": {"contents": ["x"]}},
        )
    big = "word " * (21 * 1024 * 1024 // 5)
    with pytest.raises(InvalidRequestError, match="20 MB"):
        await client.batches.create(model=MODEL, src=[{"contents": big}])
    assert len(emu.recorded) == 0


async def test_server_refusals_are_typed(client: ga.AsyncClient) -> None:
    """An unknown input file and an unknown batch give typed errors."""
    with pytest.raises(errors.PermissionDeniedError):
        await client.batches.create(model=MODEL, src="files/doesnotexist")
    with pytest.raises(errors.NotFoundError):
        await client.batches.get(name="batches/nope")
    with pytest.raises(errors.NotFoundError):
        await client.batches.wait("batches/nope", timeout=5)


# ---------------------------------------------------------------------------------- faults


async def test_create_fault_without_retries_loses_nothing(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A 503 on create surfaces as ServiceUnavailableError and no batch exists."""
    emu.faults.fail_next(1, status=503)
    with pytest.raises(errors.ServiceUnavailableError):
        await client.batches.create(model=MODEL, src=_prompts(2), config={"http_options": NO_RETRY})
    assert [j async for j in await client.batches.list()] == []


@pytest.mark.slow
async def test_wait_survives_transient_poll_failures(client: ga.AsyncClient, emu: Emulator) -> None:
    """Rate-limited and failed polls are retried; the wait still returns the finished job."""
    job = await client.batches.create(model=MODEL, src=_prompts(2))
    emu.faults.fail_next(3, status=429, retry_delay=0.01)
    done = await client.batches.wait(job, timeout=60)
    assert done.state == "JOB_STATE_SUCCEEDED"
    assert len(await client.batches.results(done).collect()) == 2


# ---------------------------------------------------------------------------------- blocking


@pytest.fixture
def sync_emu() -> Iterator[Emulator]:
    """An emulator on its own thread (for the blocking client)."""
    with Emulator() as emulator:
        yield emulator


def test_blocking_client(sync_emu: Emulator) -> None:
    """The blocking Client creates, waits, lists and reads results with plain iterators."""
    with ga.Client(
        api_key="k", http_options={"base_url": sync_emu.url}, watch=WatchConfig(backoff=FAST_POLLS)
    ) as client:
        job = client.batches.create(model=MODEL, src=_prompts(3))
        done = client.batches.wait(job, timeout=30)
        assert done.state == "JOB_STATE_SUCCEEDED"
        with client.batches.results(done) as results:
            assert [r.key for r in results] == ["0", "1", "2"]
        assert [j.name for j in client.batches.list()] == [job.name]
        states = [s.state for s in client.batches.watch(done.name or "")]
        assert states == ["JOB_STATE_SUCCEEDED"]
        client.batches.delete(name=job.name or "")
