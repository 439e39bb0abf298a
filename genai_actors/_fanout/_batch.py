"""``via="batch"``: the same fan-out handed to the Batch API.

The input is read ``batch_size`` inputs at a time (the last chunk may be smaller). Each chunk
is written to a temporary JSONL file of ``{"key": ..., "request": {...}}`` lines (keys are the
input indexes, so they are unique even when the inputs' own keys are not), split further so
that no file passes the service's input size limit (``MAX_FILE_BYTES``) and every file holds
one model, uploaded, and submitted as a batch (``batches.create`` / ``create_embeddings``).
The batch is followed with the client's supervised watchers (``batches.wait``), its results are
streamed back (``batches.results``, matched by key) and emitted as the inputs' results. Rows
that failed for a transient reason (429, 5xx, a missing result, or the whole batch failing,
expiring or being cancelled) are resubmitted in a new batch, up to ``rounds`` batches per
input; other failures are final. Uploaded input files are deleted once their batch ended.

Memory holds one chunk's keys and models, never its requests: lines go straight to disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio
import msgspec

from ..errors import APIError, ClientClosedError, GenAIError, error_from_response
from ._items import Job
from ._result import FanoutResult, Method

if TYPE_CHECKING:
    from .._client import AsyncClient
    from ..types._batches import BatchJob
    from ._online import Stats
    from ._source import Source

__all__ = ["MAX_FILE_BYTES", "run_batches"]

# The Batch API takes input files of up to 2 GB; a little is kept in hand.
MAX_FILE_BYTES = 2_000_000_000 - 1_000_000
_TRANSIENT_CODES = frozenset({408, 429, 500, 502, 503, 504, 4, 8, 10, 13, 14})
_TRANSIENT_STATUSES = frozenset(
    {"RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "ABORTED"}
)
_encode = msgspec.json.encode


def _transient(error: Any) -> bool:
    code = getattr(error, "code", None)
    status = getattr(error, "status", None)
    return code in _TRANSIENT_CODES or status in _TRANSIENT_STATUSES


async def run_batches(
    client: AsyncClient,
    source: Source,
    emit: Callable[[FanoutResult], Awaitable[None]],
    *,
    method: Method,
    model: str | None,
    batch_size: int,
    rounds: int,
    stats: Stats,
    max_file_bytes: int = MAX_FILE_BYTES,
) -> None:
    """Answers every job of ``source`` through batch jobs (see the module docstring).

    Raises:
        ClientClosedError: The client was closed.
        APIError / TransportError: Uploading or creating a batch failed after the client's
            retries (the run stops; inputs already answered were emitted).

    Cancellation: the batch being waited for is cancelled (best effort, shielded), its inputs
    are not answered.
    """

    async def out(result: FanoutResult) -> None:
        stats.done += 1
        if result.error is not None:
            stats.failed += 1
        await emit(result)

    folder = tempfile.mkdtemp(prefix="genai-actors-fanout-")
    try:
        while True:
            jobs = await source.take(batch_size)
            if not jobs:
                return
            for job in jobs:
                if job.error is not None:
                    await out(FanoutResult(job.index, job.key, method, error=job.error, attempts=0))
            pending = [job for job in jobs if job.error is None]
            attempt = 0
            while pending:
                attempt += 1
                last = attempt >= rounds
                retry: list[Job] = []
                for part in _split(pending, max_file_bytes):
                    retry.extend(await _one_batch(client, part, folder, method, attempt, last, out))
                stats.retries += len(retry)
                pending = retry
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _line(job: Job) -> bytes:
    return b'{"key":"' + str(job.index).encode() + b'","request":' + (job.body or b"{}") + b"}\n"


def _write(path: str, jobs: list[Job]) -> None:
    with open(path, "wb") as handle:
        for job in jobs:
            handle.write(_line(job))


def _split(jobs: list[Job], limit: int) -> list[list[Job]]:
    """Groups of one model each, every group's JSONL under ``limit`` bytes."""
    groups: list[list[Job]] = []
    by_model: dict[str, list[Job]] = {}
    for job in jobs:
        by_model.setdefault(job.path, []).append(job)
    for members in by_model.values():
        size = 0
        group: list[Job] = []
        for job in members:
            length = len(job.body or b"") + 32
            if group and size + length > limit:
                groups.append(group)
                group, size = [], 0
            group.append(job)
            size += length
        if group:
            groups.append(group)
    return groups


async def _one_batch(
    client: AsyncClient,
    jobs: list[Job],
    folder: str,
    method: Method,
    attempt: int,
    last: bool,
    emit: Callable[[FanoutResult], Awaitable[None]],
) -> list[Job]:
    """Submits ``jobs`` as one batch; emits final results; returns the jobs to resubmit."""
    path = os.path.join(folder, f"batch-{jobs[0].index}-{attempt}.jsonl")
    await anyio.to_thread.run_sync(_write, path, jobs)
    model = jobs[0].model
    uploaded = await client.files.upload(file=path, config={"mime_type": "application/jsonl"})
    os.unlink(path)
    by_key = {str(job.index): job for job in jobs}
    batch: BatchJob | None = None
    try:
        if method == "embed_content":
            batch = await client.batches.create_embeddings(
                model=model, src={"file_name": uploaded.name}
            )
        else:
            batch = await client.batches.create(model=model, src=uploaded.name)
        done = await client.batches.wait(batch, timeout=None)
    except BaseException:
        if batch is not None and batch.name:
            with (
                anyio.CancelScope(shield=True),
                anyio.move_on_after(10),
                contextlib.suppress(GenAIError),
            ):
                await client.batches.cancel(name=batch.name)
        raise
    finally:
        if uploaded.name:
            with (
                anyio.CancelScope(shield=True),
                anyio.move_on_after(10),
                contextlib.suppress(GenAIError),
            ):
                await client.files.delete(name=uploaded.name)
    state = str(getattr(done.state, "value", done.state) or "")
    if not state.endswith("SUCCEEDED"):
        error = done.error
        failure = error_from_response(
            0,
            {
                "error": {
                    "code": (error.code if error is not None else None) or 503,
                    "message": (error.message if error is not None else None)
                    or f"the batch {done.name} ended in {state}",
                    "status": (error.status if error is not None else None) or "UNAVAILABLE",
                }
            },
        )
        return await _settle(jobs, failure, method, attempt, last, emit)
    retry: list[Job] = []
    async with client.batches.results(done, expected_keys=list(by_key)) as results:
        async for row in results:
            found = by_key.pop(str(row.key), None) if row.key is not None else None
            if found is None:
                continue  # a row this batch did not submit: nothing to answer
            job = found
            if row.status == "succeeded":
                await emit(
                    FanoutResult(
                        job.index, job.key, method, response=row.response, attempts=attempt
                    )
                )
                continue
            if row.error is not None and row.status != "missing":
                failure = error_from_response(0, {"error": msgspec.to_builtins(row.error)})
            else:  # no result came back for it: worth another batch
                failure = _no_result()
            retry.extend(await _settle([job], failure, method, attempt, last, emit))
    if by_key:  # keys the results never mentioned
        retry.extend(
            await _settle(list(by_key.values()), _no_result(), method, attempt, last, emit)
        )
    return retry


def _no_result() -> APIError:
    return error_from_response(
        0,
        {
            "error": {
                "code": 503,
                "message": "the batch returned no result",
                "status": "UNAVAILABLE",
            }
        },
    )


async def _settle(
    jobs: list[Job],
    error: APIError,
    method: Method,
    attempt: int,
    last: bool,
    emit: Callable[[FanoutResult], Awaitable[None]],
) -> list[Job]:
    if isinstance(error, ClientClosedError):
        raise error
    if _transient(error) and not last:
        return jobs
    for job in jobs:
        await emit(FanoutResult(job.index, job.key, method, error=error, attempts=attempt))
    return []
