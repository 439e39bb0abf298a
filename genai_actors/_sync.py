"""The blocking ``Client`` and the loop-thread bridge it runs the async client on.

``Client`` has the surface of :class:`~genai_actors.AsyncClient` with blocking methods. Its
coroutines run on a private event loop in a daemon thread, started on first use and stopped
by :meth:`Client.close` (or leaving ``with``). Every object here is thread-safe: any number of
threads may call one ``Client`` at once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from ._client import AsyncClient
from ._lazy import api_module
from ._transport import TransportConfig
from .errors import ClientClosedError
from .pagers import AsyncPager, Pager
from .types._http import HttpOptions

if TYPE_CHECKING:
    from ._api._auth_tokens import Tokens
    from ._api._batches import Batches
    from ._api._caches import Caches
    from ._api._file_search_stores import FileSearchStores
    from ._api._files import Files
    from ._api._models import Models
    from ._api._operations import Operations
    from ._api._tunings import Tunings

__all__ = ["Client", "LoopThread", "SyncStream"]

T = TypeVar("T")


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


class LoopThread:
    """A private event loop running in a daemon thread; runs coroutines for blocking callers."""

    def __init__(self, name: str = "genai-actors-loop") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def started(self) -> bool:
        """True once the thread has been started (and not yet closed)."""
        return self._loop is not None

    def _ensure(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is not None:
            return loop
        with self._lock:
            if self._closed:
                raise ClientClosedError("the client is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def main() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                thread = threading.Thread(target=main, name=self._name, daemon=True)
                thread.start()
                ready.wait()
                self._thread = thread
                self._loop = loop
            return self._loop

    def run(self, awaitable: Awaitable[T]) -> T:
        """Runs ``awaitable`` on the loop thread and blocks until it finishes.

        Returns:
            Its result.

        Raises:
            Whatever the awaitable raises. ``ClientClosedError`` after :meth:`close`;
            ``RuntimeError`` if called from the loop thread itself (it would deadlock).

        If the calling thread is interrupted (e.g. ``KeyboardInterrupt``), the coroutine is
        cancelled on the loop.
        """
        if self._closed:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise ClientClosedError("the client is closed")
        loop = self._ensure()
        if threading.current_thread() is self._thread:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise RuntimeError("a blocking Client method was called from its own loop thread")
        future = asyncio.run_coroutine_threadsafe(_await(awaitable), loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()
            raise

    def iterate(self, iterator: AsyncIterator[T]) -> SyncStream[T]:
        """Wraps an async iterator (a stream) as a blocking iterator running on this loop."""
        return SyncStream(iterator, self)

    def pager(self, pager: AsyncPager[T]) -> Pager[T]:
        """Wraps an :class:`AsyncPager` as a blocking :class:`Pager` fetching on this loop."""
        return pager.to_sync(self.run)

    def close(self, final: Callable[[], Awaitable[None]] | None = None) -> None:
        """Runs ``final`` on the loop, finalises async generators, stops the thread. Idempotent."""
        if self._thread is not None and threading.current_thread() is self._thread:
            raise RuntimeError("a blocking client cannot be closed from its own loop thread")
        with self._lock:
            if self._closed:
                return
            self._closed = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            try:
                if final is not None:
                    await final()
            finally:
                await loop.shutdown_asyncgens()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result()
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()


class SyncStream(Iterator[T]):
    """A blocking iterator over an async stream; ``close()`` (or ``with``) closes the stream."""

    def __init__(self, iterator: AsyncIterator[T], bridge: LoopThread) -> None:
        self._iterator = iterator
        self._bridge = bridge
        self._done = False

    def __iter__(self) -> SyncStream[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        try:
            return self._bridge.run(self._iterator.__anext__())
        except StopAsyncIteration:
            self._done = True
            raise StopIteration from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Closes the underlying stream (frees its connection). Idempotent."""
        if self._done and not hasattr(self._iterator, "aclose"):
            return
        self._done = True
        aclose = getattr(self._iterator, "aclose", None)
        if aclose is not None:
            try:
                self._bridge.run(aclose())
            except ClientClosedError:
                pass

    def __enter__(self) -> SyncStream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Client:
    """The blocking Gemini client: the surface of :class:`AsyncClient`, with blocking methods.

    Takes the same arguments as :class:`AsyncClient`. Use ``with Client() as client:`` or call
    :meth:`close`. ``client.aio`` is the underlying :class:`AsyncClient` (usable from your own
    event loops too; its pools are per loop). Live sessions are async-only.

    Raises:
        ValueError: No API key, or invalid options.
        NotImplementedError: Vertex AI requested.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        vertexai: bool | None = None,
        credentials: object | None = None,
        project: str | None = None,
        location: str | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
        transport: TransportConfig | None = None,
    ) -> None:
        self._aio = AsyncClient(
            api_key=api_key,
            vertexai=vertexai,
            credentials=credentials,
            project=project,
            location=location,
            http_options=http_options,
            transport=transport,
        )
        self._bridge = LoopThread()

    @property
    def aio(self) -> AsyncClient:
        """The asynchronous client underneath."""
        return self._aio

    @property
    def bridge(self) -> LoopThread:
        """The loop-thread bridge (modules use ``run``, ``iterate`` and ``pager``)."""
        return self._bridge

    models: api_module[Models] = api_module("._api._models", "Models")
    """Generation, embeddings, token counting, model metadata (blocking)."""

    operations: api_module[Operations] = api_module("._api._operations", "Operations")
    """Long-running operations (blocking)."""

    caches: api_module[Caches] = api_module("._api._caches", "Caches")
    """Context caching (blocking)."""

    batches: api_module[Batches] = api_module("._api._batches", "Batches")
    """Batch jobs (blocking)."""

    tunings: api_module[Tunings] = api_module("._api._tunings", "Tunings")
    """Model tuning jobs (blocking)."""

    files: api_module[Files] = api_module("._api._files", "Files")
    """Files: resumable uploads, metadata, downloads (blocking)."""

    file_search_stores: api_module[FileSearchStores] = api_module(
        "._api._file_search_stores", "FileSearchStores"
    )
    """File Search stores with ``.documents`` (blocking)."""

    auth_tokens: api_module[Tokens] = api_module("._api._auth_tokens", "Tokens")
    """Ephemeral auth tokens for Live (blocking)."""

    def _build_module(self, cls: type[Any], name: str) -> Any:
        return cls(getattr(self._aio, name), self._bridge)

    def close(self) -> None:
        """Closes the client: its connections, then its loop thread. Idempotent, thread-safe.

        Later calls raise :class:`~genai_actors.errors.ClientClosedError`.
        """
        if self._bridge.started:
            self._bridge.close(self._aio.aclose)
            return
        self._bridge.close()
        if not self._aio._close_unopened():
            # Only `client.aio` was used (from other loops): close those pools from a thread.
            closer = LoopThread("genai-actors-close")
            closer.run(self._aio.aclose())
            closer.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Client(" + repr(self._aio).removeprefix("AsyncClient(")
