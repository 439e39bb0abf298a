"""The input side of a fan-out: a sync or async iterable read one item at a time, as jobs.

Workers share one :class:`Source`. A sync iterator is advanced directly (its ``next`` cannot
interleave with another); an async one under a lock, since an async generator refuses a
second ``__anext__`` while one is running. Inputs an earlier run answered (``skip``) are
counted and passed over.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import anyio

from ._items import Job, make_job
from ._result import Method

__all__ = ["Source"]

_NONE = object()


class Source:
    """Jobs from ``items``, numbered from 0.

    Args:
        items: A sync or async iterable of inputs (see ``_items``).
        method: What each input asks for.
        model: The default model.
        skip: ``skip(index, key)`` is True for an input already answered (it is not sent).
        on_skip: Called once for each skipped input.

    Raises (from ``next``/``take``): whatever iterating ``items`` raises.
    """

    def __init__(
        self,
        items: Iterable[Any] | AsyncIterable[Any],
        method: Method,
        model: str | None,
        *,
        skip: Callable[[int, str], bool] | None = None,
        on_skip: Callable[[], None] | None = None,
    ) -> None:
        self._sync: Iterator[Any] | None = None
        self._async: AsyncIterator[Any] | None = None
        if isinstance(items, AsyncIterable):
            self._async = aiter(items)
            self._lock = anyio.Lock()
        else:
            self._sync = iter(items)
        self._method: Method = method
        self._model = model
        self._index = 0
        self._done = False
        self._skip = skip
        self._on_skip = on_skip

    async def _raw(self) -> tuple[int, Any] | None:
        if self._done:
            return None
        if self._sync is not None:
            try:
                item = next(self._sync)
            except StopIteration:
                self._done = True
                return None
        else:
            async with self._lock:
                got = await self._next_async()
            if got is _NONE:
                return None
            item = got
        index = self._index
        self._index = index + 1
        return index, item

    async def _next_async(self) -> Any:
        # Under the lock: another worker may have met the end while this one waited.
        if self._done or self._async is None:
            return _NONE
        try:
            return await anext(self._async)
        except StopAsyncIteration:
            self._done = True
            return _NONE

    async def next(self) -> Job | None:
        """The next job to send, or ``None`` when the input is exhausted."""
        while True:
            sync = self._sync
            if sync is not None and not self._done:  # the common case, without _raw's tuple
                try:
                    item = next(sync)
                except StopIteration:
                    self._done = True
                    return None
                index = self._index
                self._index = index + 1
            else:
                got = await self._raw()
                if got is None:
                    return None
                index, item = got
            job = make_job(item, index, self._method, self._model)
            if self._skip is not None and self._skip(job.index, job.key):
                if self._on_skip is not None:
                    self._on_skip()
                continue
            return job

    async def take(self, count: int) -> list[Job]:
        """Up to ``count`` next jobs (fewer only at the end of the input)."""
        jobs: list[Job] = []
        while len(jobs) < count:
            job = await self.next()
            if job is None:
                break
            jobs.append(job)
        return jobs

    async def aclose(self) -> None:
        """Closes the input iterator if it can be closed (a generator)."""
        closer: Any = getattr(self._async, "aclose", None)
        if closer is not None:
            await closer()
        else:
            close = getattr(self._sync, "close", None)
            if close is not None:
                close()
