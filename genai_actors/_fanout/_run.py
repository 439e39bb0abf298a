"""``client.fanout``: the call, the choice between online and Batch API, the result stream."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping, Sized
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from .._transport._retry import RetryPolicy
from ..errors import InvalidOptionError
from ._checkpoint import Checkpoint
from ._online import Stats, no_retry_api, run_online
from ._result import FanoutResult, Method
from ._source import Source

if TYPE_CHECKING:
    from .._client import AsyncClient
    from ..types._http import HttpRetryOptions

__all__ = ["AUTO_BATCH_MIN", "DEFAULT_CONCURRENCY", "FanoutStream", "fanout"]

DEFAULT_CONCURRENCY = 64
# via="auto" sends this many inputs or more through the Batch API (see docs/fanout.md).
AUTO_BATCH_MIN = 50_000
_METHODS = ("generate_content", "embed_content", "count_tokens")
_END = object()


class _Failed:
    """What the run puts last when it failed: its error, raised to the reader."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


Via = Literal["online", "batch", "auto"]


class FanoutStream:
    """The results of a fan-out, in completion order: ``async for result in stream``.

    The work starts at the first ``__anext__`` and runs in a task of its own, ahead of the
    reader by at most ``buffer`` results. ``stats`` holds live counts. ``aclose()`` (or leaving
    ``async with``) stops it: requests in flight are aborted, and a checkpoint is saved and
    closed. An error of the run itself (the client closed, the input iterable raising) is raised
    by ``__anext__``; errors of single inputs are results.
    """

    def __init__(
        self,
        work: Callable[[Callable[[FanoutResult], Awaitable[None]]], Awaitable[None]],
        *,
        buffer: int,
        stats: Stats,
        checkpoint: Checkpoint | None,
        on_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._work = work
        self._queue: asyncio.Queue[Any] = asyncio.Queue(max(1, buffer))
        self._task: asyncio.Task[None] | None = None
        self._checkpoint = checkpoint
        self._on_close = on_close
        self._closed = False
        self.stats = stats

    async def _run(self) -> None:
        queue = self._queue
        checkpoint = self._checkpoint
        if checkpoint is None:
            emit: Callable[[FanoutResult], Awaitable[None]] = queue.put
        else:
            write = checkpoint.write

            async def emit(result: FanoutResult) -> None:
                write(result)
                await queue.put(result)

        end: object = _END
        try:
            await self._work(emit)
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # the run's own failure goes to the reader, in order
            inner: BaseException = exc
            while isinstance(inner, BaseExceptionGroup) and len(inner.exceptions) == 1:
                inner = inner.exceptions[0]  # the task group's wrapping of one failure
            end = _Failed(inner)
        finally:
            if checkpoint is not None:
                checkpoint.close()
        await queue.put(end)

    def __aiter__(self) -> FanoutStream:
        return self

    async def __anext__(self) -> FanoutResult:
        if self._closed:
            raise StopAsyncIteration
        if self._task is None:
            self.stats.started = time.monotonic()
            self._task = asyncio.get_running_loop().create_task(self._run())
        item = await self._queue.get()
        if type(item) is FanoutResult:
            return item
        await self.aclose()
        if type(item) is _Failed:
            raise item.error
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Stops the run (requests in flight are aborted; a checkpoint is saved). Idempotent."""
        if self._closed:
            return
        self._closed = True
        task = self._task
        try:
            if task is not None and not task.done():
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    if current is not None and current.cancelling():
                        raise
        finally:
            if self._checkpoint is not None and task is None:
                self._checkpoint.close()
            if self._on_close is not None:
                await self._on_close()

    async def __aenter__(self) -> FanoutStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _positive(name: str, value: object, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidOptionError(name, f"expected a positive integer, got {value!r}")
    return value


def fanout(
    client: AsyncClient,
    requests: Iterable[Any] | AsyncIterable[Any],
    *,
    model: str | None = None,
    method: Method = "generate_content",
    concurrency: int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    via: Via = "online",
    retry_options: HttpRetryOptions | Mapping[str, Any] | None = None,
    batch_size: int | None = None,
    batch_attempts: int = 3,
    auto_batch_min: int = AUTO_BATCH_MIN,
) -> FanoutStream:
    """See :meth:`genai_actors.AsyncClient.fanout`."""
    if method not in _METHODS:
        raise InvalidOptionError("method", f"expected one of {', '.join(_METHODS)}, got {method!r}")
    if via not in ("online", "batch", "auto"):
        raise InvalidOptionError("via", f"expected 'online', 'batch' or 'auto', got {via!r}")
    if not isinstance(requests, Iterable | AsyncIterable) or isinstance(requests, str | bytes):
        raise InvalidOptionError("requests", "expected an iterable (sync or async) of requests")
    width = _positive("concurrency", concurrency, DEFAULT_CONCURRENCY)
    rounds = _positive("batch_attempts", batch_attempts, 3)
    api = client.api_client
    policy = RetryPolicy.from_options(
        retry_options if retry_options is not None else api.http_options.retry_options
    )
    if via == "auto":
        requests, via = _choose(requests, method, auto_batch_min)
    if via == "batch" and method == "count_tokens":
        raise InvalidOptionError("via", "the Batch API has no count_tokens: use via='online'")
    stats = Stats()
    store = Checkpoint(checkpoint) if checkpoint is not None else None

    def skipped() -> None:
        stats.skipped += 1

    source = Source(
        requests,
        method,
        model,
        skip=store.is_answered if store is not None else None,
        on_skip=skipped,
    )

    if via == "online":
        sender = no_retry_api(api)

        async def work(emit: Callable[[FanoutResult], Awaitable[None]]) -> None:
            await run_online(
                sender, source, emit, method=method, concurrency=width, policy=policy, stats=stats
            )

    else:
        from ._batch import run_batches

        async def work(emit: Callable[[FanoutResult], Awaitable[None]]) -> None:
            await run_batches(
                client,
                source,
                emit,
                method=method,
                model=model,
                batch_size=_positive("batch_size", batch_size, 10_000),
                rounds=rounds,
                stats=stats,
            )

    return FanoutStream(
        work,
        buffer=width * (2 if via == "online" else 1),
        stats=stats,
        checkpoint=store,
        on_close=source.aclose,
    )


def _choose(
    requests: Iterable[Any] | AsyncIterable[Any], method: Method, threshold: int
) -> tuple[Iterable[Any] | AsyncIterable[Any], Via]:
    """via="auto": the Batch API for ``threshold`` inputs or more (count_tokens: online).

    A sized input is measured; an unsized sync iterable is read ahead up to ``threshold``
    items (held until sent); an async iterable, which cannot be read ahead here, goes online.
    """
    if method == "count_tokens" or isinstance(requests, AsyncIterable):
        return requests, "online"
    if isinstance(requests, Sized):
        return requests, "batch" if len(requests) >= threshold else "online"
    iterator = iter(requests)
    ahead = list(itertools.islice(iterator, threshold))
    via: Via = "batch" if len(ahead) >= threshold else "online"
    return itertools.chain(ahead, iterator), via
