"""The blocking ``Client`` and the loop-thread bridge it runs the async client on.

``Client`` has the surface of :class:`~genai_actors.AsyncClient` with blocking methods. Its
coroutines run on a private event loop in a daemon thread, started on first use and stopped
by :meth:`Client.close` (or leaving ``with``). Every object here is thread-safe: any number of
threads may call one ``Client`` at once.

Closing is a bounded shutdown: every call in flight (a request, a wait between retries, a
stream's next chunk, a page fetch, an operation wait, an upload) is cancelled on the loop and
raises :class:`~genai_actors.errors.ClientClosedError` in its calling thread at once; then the
loop gets a bounded time to unwind those calls, close the streams still open and close the
client's connections, and is stopped whatever happens.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import threading
import time
import warnings
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from . import _log
from ._client import AsyncClient, NotBuiltSurfaces
from ._lazy import api_module
from .errors import ClientClosedError
from .pagers import AsyncPager, Pager

if TYPE_CHECKING:
    from ._api._blocking import (
        Batches,
        Caches,
        Chats,
        Files,
        FileSearchStores,
        Models,
        Operations,
        Tokens,
        Tunings,
    )
    from ._fanout import FanoutResult

__all__ = ["SHUTDOWN_TIMEOUT", "Client", "LoopThread", "SyncStream"]

T = TypeVar("T")
P = ParamSpec("P")

SHUTDOWN_TIMEOUT = 5.0
"""Seconds :meth:`LoopThread.close` gives the cancelled calls and open streams to unwind, and
then again the client's own close, before it stops the loop regardless."""

_log_client = _log.get_logger("genai_actors.client")


def _discard(awaitable: Awaitable[Any]) -> None:
    """Closes a coroutine that will never run (so it does not warn "never awaited")."""
    if asyncio.iscoroutine(awaitable):
        awaitable.close()


class LoopThread:
    """A private event loop running in a daemon thread; runs coroutines for blocking callers.

    Args:
        name: The thread's name.
        shutdown_timeout: Seconds :meth:`close` waits for the cancelled calls and open streams
            to unwind, and again for its ``final`` coroutine, before stopping the loop anyway.
    """

    def __init__(
        self, name: str = "genai-actors-loop", *, shutdown_timeout: float = SHUTDOWN_TIMEOUT
    ) -> None:
        self._name = name
        self._shutdown_timeout = shutdown_timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False
        self._abandoned = False
        self._finisher: asyncio.Task[None] | None = None
        self._stopped = threading.Event()  # set once close() has finished
        # Guarded by _lock: the futures blocking callers wait on, and the streams still open.
        self._calls: set[concurrent.futures.Future[Any]] = set()
        self._streams: weakref.WeakSet[SyncStream[Any]] = weakref.WeakSet()
        # Touched on the loop thread only: the tasks running those calls.
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def started(self) -> bool:
        """True once the thread has been started, until :meth:`close`."""
        return self._loop is not None and not self._closed

    @property
    def closed(self) -> bool:
        """True once :meth:`close` has been called."""
        return self._closed

    def _start(self) -> asyncio.AbstractEventLoop:
        # Called with _lock held.
        if self._loop is None:
            from ._transport._loop import (  # uvloop when installed
                mark_blocking_client_thread,
                new_event_loop,
            )

            loop = new_event_loop()
            ready = threading.Event()

            def main() -> None:
                mark_blocking_client_thread()
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()
                if self._abandoned:  # nobody is left to close it (see abandon())
                    loop.close()

            thread = threading.Thread(target=main, name=self._name, daemon=True)
            thread.start()
            ready.wait()
            self._thread = thread
            self._loop = loop
        return self._loop

    def _begin(self, awaitable: Awaitable[T], future: concurrent.futures.Future[T]) -> None:
        # On the loop: start the call, unless its caller has already given up (closed client,
        # Ctrl-C); then the coroutine is closed, never left unawaited.
        if future.cancelled():
            _discard(awaitable)
            return
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)

        def cancelled(_: concurrent.futures.Future[T]) -> None:
            if future.cancelled():  # by close() or an interrupted caller, in any thread
                try:
                    loop.call_soon_threadsafe(task.cancel)
                except RuntimeError:
                    pass  # the loop is already closed

        def finished(_: asyncio.Task[T]) -> None:
            self._tasks.discard(task)
            if task.cancelled():
                future.cancel()
                return
            error = task.exception()  # retrieved even if nobody waits any more
            if not future.set_running_or_notify_cancel():
                return
            if error is None:
                future.set_result(task.result())
            else:
                future.set_exception(error)

        future.add_done_callback(cancelled)
        task.add_done_callback(finished)

    def run(self, awaitable: Awaitable[T]) -> T:
        """Runs ``awaitable`` on the loop thread and blocks until it finishes.

        Returns:
            Its result.

        Raises:
            ClientClosedError: :meth:`close` was called before, or while the call was in
                flight (the call is then cancelled on the loop).
            RuntimeError: Called from the loop thread itself (it would deadlock).
            Whatever the awaitable raises.

        If the calling thread is interrupted (e.g. ``KeyboardInterrupt``), the coroutine is
        cancelled on the loop.
        """
        with self._lock:
            if self._closed:
                _discard(awaitable)
                raise ClientClosedError("the client is closed")
            loop = self._start()
            if threading.current_thread() is self._thread:
                _discard(awaitable)
                raise RuntimeError("a blocking Client method was called from its own loop thread")
            future: concurrent.futures.Future[T] = concurrent.futures.Future()
            loop.call_soon_threadsafe(self._begin, awaitable, future)
            self._calls.add(future)
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            if self._closed:
                raise ClientClosedError(
                    "the client was closed while this call was in flight"
                ) from None
            raise
        except BaseException:
            future.cancel()  # e.g. KeyboardInterrupt: cancel the coroutine on the loop too
            raise
        finally:
            with self._lock:
                self._calls.discard(future)

    def iterate(self, iterator: AsyncIterator[T]) -> SyncStream[T]:
        """Wraps an async iterator (a stream) as a blocking iterator running on this loop.

        A stream still open when the bridge closes is closed by :meth:`close`.
        """
        stream = SyncStream(iterator, self)
        with self._lock:
            if not self._closed:
                self._streams.add(stream)
        return stream

    def _forget(self, stream: SyncStream[Any]) -> None:
        with self._lock:
            self._streams.discard(stream)

    def pager(self, pager: AsyncPager[T]) -> Pager[T]:
        """Wraps an :class:`AsyncPager` as a blocking :class:`Pager` fetching on this loop."""
        return pager.to_sync(self.run)

    def close(self, final: Callable[[], Awaitable[None]] | None = None) -> bool:
        """Cancels every call in flight, runs ``final``, stops the thread. Idempotent.

        Every blocked caller raises :class:`ClientClosedError` at once. Then, on the loop: the
        cancelled calls get up to ``shutdown_timeout`` seconds to unwind and the streams still
        open are closed; ``final`` (closing the client's connections) gets up to
        ``shutdown_timeout`` seconds; whatever is left is cancelled and the loop is stopped.
        A call made while another thread is closing waits until that close has finished.

        Returns:
            True if the loop had been started (so ``final`` ran on it), else False
            (``final`` did not run: there was no loop to run it on).

        Raises:
            RuntimeError: Called from the loop thread itself.
        """
        if self._thread is not None and threading.current_thread() is self._thread:
            raise RuntimeError("a blocking client cannot be closed from its own loop thread")
        with self._lock:
            if self._closed:
                first = False
            else:
                first = True
                self._closed = True
                loop, thread = self._loop, self._thread
                calls = list(self._calls)
                streams = list(self._streams)
                self._streams.clear()
        if not first:
            self._stopped.wait(3 * self._shutdown_timeout + 1.0)
            return self._loop is not None
        try:
            for future in calls:
                future.cancel()  # the caller wakes now; its task is cancelled on the loop
            if loop is None or thread is None:
                return False
            self._shutdown(loop, thread, streams, final)
            return True
        finally:
            self._stopped.set()

    def abandon(self, final: Callable[[], Awaitable[None]]) -> None:
        """Closes without waiting, for a client collected unclosed (its ``__del__``).

        Runs ``final`` (closing the client's connections) on the loop, bounded by
        ``shutdown_timeout``, then the loop stops and closes itself in its own thread. Never
        blocks the calling thread; does nothing if the loop never started or is closed.
        """
        with self._lock:
            if self._closed or self._loop is None:
                return
            self._closed = True
            self._abandoned = True
            loop = self._loop
        budget = self._shutdown_timeout

        async def finish() -> None:
            try:
                await asyncio.wait_for(final(), budget)
            except Exception:  # nothing can report it: the client is gone
                _log_client.warning("client.abandoned_close_failed")
            finally:
                await loop.shutdown_asyncgens()
                loop.stop()

        def start() -> None:
            self._finisher = loop.create_task(finish())

        try:
            loop.call_soon_threadsafe(start)
        except RuntimeError:  # the loop is already closed
            pass

    def _shutdown(
        self,
        loop: asyncio.AbstractEventLoop,
        thread: threading.Thread,
        streams: list[SyncStream[Any]],
        final: Callable[[], Awaitable[None]] | None,
    ) -> None:
        budget = self._shutdown_timeout

        async def shutdown() -> None:
            # Each call's task was cancelled once, through its future (cancelling it again
            # would interrupt the cleanup it runs in ``finally``, e.g. closing an upload's file);
            # a call that had not started yet never starts.
            calls = set(self._tasks)
            deadline = time.monotonic() + budget
            await _settle(calls, budget, "client.close_calls_overran")
            if streams:  # closed together, each given what is left (at least a moment)
                left = max(deadline - time.monotonic(), min(budget, 0.5))
                await asyncio.gather(*(stream._aclose_on_loop(left) for stream in streams))
            try:
                if final is not None:
                    await asyncio.wait_for(final(), budget)
            except TimeoutError:
                _log_client.warning("client.close_overran", timeout=budget)
            finally:
                current = asyncio.current_task()
                rest = {t for t in asyncio.all_tasks() if t is not current}
                for task in rest:
                    task.cancel()
                await _settle(rest, min(budget, 1.0), "client.close_tasks_overran")
                await loop.shutdown_asyncgens()

        done = asyncio.run_coroutine_threadsafe(shutdown(), loop)
        try:
            done.result(timeout=3 * budget + 1.0)
        except concurrent.futures.TimeoutError:
            done.cancel()
            _log_client.warning("client.close_overran", timeout=3 * budget + 1.0)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(budget)
            if not thread.is_alive():
                loop.close()


async def _settle(tasks: set[asyncio.Task[Any]], within: float, event: str) -> None:
    """Waits (at most ``within`` seconds) for cancelled tasks to end, retrieving their errors."""
    if not tasks:
        return
    done, pending = await asyncio.wait(tasks, timeout=max(within, 0.0))
    for task in done:
        if not task.cancelled():
            task.exception()  # retrieved: the caller was told ClientClosedError already
    if pending:
        _log_client.warning(event, pending=len(pending), timeout=within)


class SyncStream(Iterator[T]):
    """A blocking iterator over an async stream; ``close()`` (or ``with``) closes the stream.

    Closing the client closes a stream still open; iterating it then raises
    :class:`~genai_actors.errors.ClientClosedError`.
    """

    def __init__(self, iterator: AsyncIterator[T], bridge: LoopThread) -> None:
        self._iterator = iterator
        self._bridge = bridge
        self._done = False
        self._closed = False

    def __iter__(self) -> SyncStream[T]:
        return self

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        try:
            return self._bridge.run(self._iterator.__anext__())
        except StopAsyncIteration:
            self._done = True
            self._bridge._forget(self)
            raise StopIteration from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Closes the underlying stream (frees its connection). Idempotent."""
        self._done = True
        if self._closed:
            return
        self._closed = True
        aclose = getattr(self._iterator, "aclose", None)
        try:
            if aclose is not None:
                self._bridge.run(aclose())
        except ClientClosedError:
            pass  # the bridge closes it on its loop
        finally:
            self._bridge._forget(self)

    async def _aclose_on_loop(self, within: float) -> None:
        # Called by LoopThread.close on the loop; the stream's own thread no longer waits on it.
        self._closed = True
        aclose = getattr(self._iterator, "aclose", None)
        if aclose is None:
            return
        try:
            await asyncio.wait_for(aclose(), max(within, 0.0))
        except Exception as exc:  # best effort: the client is closing anyway
            _log_client.debug("client.close_stream_failed", error=type(exc).__name__)

    def __enter__(self) -> SyncStream[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _arguments_of(
    source: Callable[P, object],
) -> Callable[[Callable[Concatenate[Client, ...], None]], Callable[Concatenate[Client, P], None]]:
    """Types (for checkers and ``inspect``) a forwarding ``__init__`` as taking ``source``'s
    parameters, so the parameter list is written once, on :class:`AsyncClient`."""

    def typed(
        init: Callable[Concatenate[Client, ...], None],
    ) -> Callable[Concatenate[Client, P], None]:
        own = inspect.signature(init)
        theirs = inspect.signature(source)
        init.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=[own.parameters["self"], *theirs.parameters.values()]
        )
        return init

    return typed


class Client(NotBuiltSurfaces):
    """The blocking Gemini client: the surface of :class:`AsyncClient`, with blocking methods.

    Takes the same arguments as :class:`AsyncClient`. Use ``with Client() as client:`` or call
    :meth:`close`. ``client.aio`` is the underlying :class:`AsyncClient` (usable from your own
    event loops too; its pools are per loop). Live sessions are async-only. Each API module
    (``client.models``, ...) is generated from its async twin (``genai_actors._api._blocking``).

    Raises:
        ValueError: No API key, or invalid options (on Vertex AI: no project nor key).
        ImportError: Vertex AI credentials need google-auth (``genai-actors[vertex]``).
    """

    @_arguments_of(AsyncClient)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._aio = AsyncClient(*args, **kwargs)
        self._bridge = LoopThread()

    @property
    def aio(self) -> AsyncClient:
        """The asynchronous client underneath."""
        return self._aio

    @property
    def vertexai(self) -> bool:
        """Whether the client talks to Vertex AI."""
        return self._aio.vertexai

    @property
    def bridge(self) -> LoopThread:
        """The loop-thread bridge (modules use ``run``, ``iterate`` and ``pager``)."""
        return self._bridge

    models: api_module[Models] = api_module("._api._blocking", "Models")
    """Generation, embeddings, token counting, model metadata (blocking)."""

    operations: api_module[Operations] = api_module("._api._blocking", "Operations")
    """Long-running operations (blocking)."""

    caches: api_module[Caches] = api_module("._api._blocking", "Caches")
    """Context caching (blocking)."""

    batches: api_module[Batches] = api_module("._api._blocking", "Batches")
    """Batch jobs (blocking)."""

    tunings: api_module[Tunings] = api_module("._api._blocking", "Tunings")
    """Model tuning jobs (blocking)."""

    files: api_module[Files] = api_module("._api._blocking", "Files")
    """Files: resumable uploads, metadata, downloads (blocking)."""

    file_search_stores: api_module[FileSearchStores] = api_module(
        "._api._blocking", "FileSearchStores"
    )
    """File Search stores with ``.documents`` (blocking)."""

    auth_tokens: api_module[Tokens] = api_module("._api._blocking", "Tokens")
    """Ephemeral auth tokens for Live (blocking)."""

    chats: api_module[Chats] = api_module("._api._blocking", "Chats")
    """Multi-turn chats (blocking; each chat's turns run on the loop thread)."""

    @property
    def live(self) -> Any:
        """Live sessions are async-only, as in google-genai: raises, naming ``client.aio.live``.

        Raises:
            AttributeError: Always (so ``hasattr(client, "live")`` is False).
        """
        raise AttributeError(
            "Live sessions are async-only, as in google-genai: use "
            "`async with client.aio.live.connect(...)` inside an event loop"
        )

    def fanout(self, requests: Any, **options: Any) -> SyncStream[FanoutResult]:
        """:meth:`AsyncClient.fanout` as a blocking iterator of results in completion order
        (``with client.fanout(...) as results: for r in results: ...``; ``close()`` stops the
        run). The requests may be a plain iterable (read on the client's loop thread).

        Raises:
            InvalidOptionError: A bad option (nothing is sent).
            ClientClosedError: (while iterating) the client was closed.
        """
        return self._bridge.iterate(self._aio.fanout(requests, **options))

    def _build_module(self, cls: type[Any], name: str) -> Any:
        return cls(getattr(self._aio, name), self._bridge)

    def close(self) -> None:
        """Closes the client: its calls in flight, its connections, its loop thread.

        Every call still in flight in another thread (a request, a wait between retries, a
        stream being iterated, a page fetch, an operation wait, an upload) is cancelled and
        raises :class:`~genai_actors.errors.ClientClosedError` at once; the shutdown that
        follows is bounded (see :meth:`LoopThread.close`). Later calls raise
        :class:`~genai_actors.errors.ClientClosedError`. Idempotent and thread-safe.
        """
        if self._bridge.close(self._aio.aclose):
            return  # the loop had started: the client was closed on it
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

    def __del__(self, _warn: Any = warnings.warn) -> None:
        bridge: LoopThread | None = getattr(self, "_bridge", None)
        if bridge is None or not bridge.started:
            return
        _warn(
            "Client was never closed: use `with Client()` or `client.close()`",
            ResourceWarning,
            source=self,
            stacklevel=2,
        )
        # The connections are closed on the loop thread, so that neither the AsyncClient
        # underneath nor aiohttp warns a second time about the same leak.
        bridge.abandon(self._aio.aclose)
