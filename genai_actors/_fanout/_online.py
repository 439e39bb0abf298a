"""The online fan-out: ``concurrency`` workers, each taking the next input, sending it (with its
own retries) and handing its result to the reader through a bounded queue.

Memory is bounded by construction: the input is read one item at a time, as a worker becomes
free, and a worker waits while the reader's queue (``concurrency`` results) is full, so at most
``2 * concurrency`` inputs and results (embeddings: 100 per request) are held at once.

Retries are per input: one attempt is one HTTP request, sent with the transport's own retries
turned off (a sibling of the client's HTTP seam on the same connection pool), and the client's
retry policy (``RetryPolicy.delay_for``: statuses, RetryInfo / Retry-After, per-day quotas never
retried) decides whether and how long to wait. A worker that waits holds its slot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import msgspec

from supervisors import current_clock

from .._api_client import ApiClient, merge_http_options
from .._transport._retry import RetryPolicy
from ..errors import ClientClosedError, GenAIError, UnknownApiResponseError
from ._items import Job
from ._result import FanoutResult, Method

if TYPE_CHECKING:
    from ._source import Source

__all__ = ["EMBED_PACK", "Stats", "no_retry_api", "run_online"]

EMBED_PACK = 100  # the most texts one batchEmbedContents request may carry


@dataclass(slots=True)
class Stats:
    """Live counts of a fan-out (read by progress displays; written by the engine only).

    Attributes:
        done: Inputs answered (succeeded or failed for good).
        failed: Inputs that failed for good.
        retries: Requests sent again after a failure.
        skipped: Inputs answered by an earlier run (checkpoint).
        started: ``time.monotonic()`` when the run started.
    """

    done: int = 0
    failed: int = 0
    retries: int = 0
    skipped: int = 0
    started: float = field(default=0.0)


def no_retry_api(api: ApiClient) -> ApiClient:
    """A sibling of ``api`` on the same connection pool whose requests are not retried."""
    options = merge_http_options(api.http_options, {"retry_options": {"attempts": 1}})
    sibling = ApiClient(api.backend, options, api.config, api._pool)
    sibling.tree = api.tree
    # The client's rate governor, when it has one, gates the sibling's requests too.
    sibling.governor = getattr(api, "governor", None)  # type: ignore[attr-defined,unused-ignore]
    return sibling


class _Embeddings(msgspec.Struct):
    embeddings: list[msgspec.Raw] = []


_embeddings = msgspec.json.Decoder(_Embeddings)


async def run_online(
    api: ApiClient,
    source: Source,
    emit: Callable[[FanoutResult], Any],
    *,
    method: Method,
    concurrency: int,
    policy: RetryPolicy,
    stats: Stats,
) -> None:
    """Answers every job of ``source``; ``await emit(result)`` for each, in completion order.

    Raises:
        ClientClosedError: The client was closed (the workers stop).

    Cancellation: every request in flight is aborted; their inputs were not answered.
    """
    sender = _Sender(api, method, policy, stats)
    pack = EMBED_PACK if method == "embed_content" else 1

    async def worker() -> None:
        while True:
            if pack == 1:
                job = await source.next()
                if job is None:
                    return
                await emit(await sender.one(job))
            else:
                jobs = await source.take(pack)
                if not jobs:
                    return
                for result in await sender.many(jobs):
                    await emit(result)

    async with anyio.create_task_group() as group:
        for _ in range(concurrency):
            group.start_soon(worker)


class _Sender:
    __slots__ = ("_api", "_method", "_policy", "_sleep", "_stats")

    def __init__(self, api: ApiClient, method: Method, policy: RetryPolicy, stats: Stats) -> None:
        self._api = api
        self._method: Method = method
        self._policy = policy
        self._stats = stats
        self._sleep = current_clock().sleep

    def _failed(self, job: Job, error: Any, attempts: int) -> FanoutResult:
        self._stats.done += 1
        self._stats.failed += 1
        return FanoutResult(job.index, job.key, self._method, error=error, attempts=attempts)

    async def one(self, job: Job) -> FanoutResult:
        """Sends one job until it is answered or its error is final."""
        if job.error is not None:
            return self._failed(job, job.error, 0)
        request = self._api.request
        attempt = 0
        while True:
            attempt += 1
            try:
                raw = await request("POST", job.path, body=job.body)
            except ClientClosedError:
                raise
            except GenAIError as exc:
                delay = self._policy.delay_for(exc, attempt)
                if delay is None:
                    return self._failed(job, exc, attempt)
                self._stats.retries += 1
                await self._sleep(delay)
                continue
            self._stats.done += 1
            return FanoutResult(job.index, job.key, self._method, raw=raw.content, attempts=attempt)

    async def many(self, jobs: list[Job]) -> list[FanoutResult]:
        """Embeds ``jobs`` in as few ``batchEmbedContents`` requests as their models allow."""
        results = [self._failed(job, job.error, 0) for job in jobs if job.error is not None]
        groups: dict[str, list[Job]] = {}
        for job in jobs:
            if job.error is None:
                groups.setdefault(job.path, []).append(job)
        for path, group in groups.items():
            results.extend(await self._pack(path, group))
        return results

    async def _pack(self, path: str, jobs: list[Job]) -> list[FanoutResult]:
        body = b'{"requests":[' + b",".join(job.body or b"{}" for job in jobs) + b"]}"
        attempt = 0
        while True:
            attempt += 1
            try:
                raw = await self._api.request("POST", path, body=body)
                values = _embeddings.decode(raw.content).embeddings
                if len(values) != len(jobs):
                    raise UnknownApiResponseError(
                        f"batchEmbedContents answered {len(values)} embeddings "
                        f"for {len(jobs)} texts"
                    )
            except ClientClosedError:
                raise
            except (GenAIError, msgspec.DecodeError) as exc:
                error = (
                    exc
                    if isinstance(exc, GenAIError)
                    else UnknownApiResponseError(f"batchEmbedContents: {exc}")
                )
                delay = self._policy.delay_for(error, attempt)
                if delay is None:
                    if len(jobs) > 1 and getattr(error, "code", 0) == 400:
                        # One bad text refuses the whole request: send each alone, so only
                        # the bad one fails.
                        return [r for job in jobs for r in await self._pack(path, [job])]
                    return [self._failed(job, error, attempt) for job in jobs]
                self._stats.retries += 1
                await self._sleep(delay)
                continue
            self._stats.done += len(jobs)
            method = self._method
            return [
                FanoutResult(
                    job.index,
                    job.key,
                    method,
                    raw=b'{"embedding":' + bytes(value) + b"}",
                    attempts=attempt,
                )
                for job, value in zip(jobs, values, strict=True)
            ]
