"""``WatchHub``: wait for, or watch, any pollable job by name (``api_client.watchers``).

Every resource module (operations, batches, tunings, file-search imports, files) waits the
same way: it gives the hub the job's name, a ``fetch(name)`` coroutine returning one snapshot,
and a ``done(snapshot)`` predicate. All waiters and streams on the same ``(kind, name)`` share
one supervised watcher, so one poll feeds them all, and all watchers of a client share one
schedule (see ``_actors``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

from supervisors import ActorExited, Backoff

from ..errors import ClientClosedError, WaitTimeoutError
from ._config import WatchConfig, check_timeout
from ._host import TreeHost
from ._state import Subscriber, WatchState
from ._tree import ClientTree

__all__ = ["WatchHub", "WatchStream"]

T = TypeVar("T")


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"a job name must be a non-empty string, got {name!r}")
    return name


class WatchHub:
    """Shared, supervised pollers for a client's long-running jobs.

    Obtained as ``api_client.watchers`` (created lazily, owned by the client, stopped by its
    ``aclose()``). Safe to use from any number of tasks of one event loop; a client used from
    several loops gets one tree, hence one schedule, per loop.

    Args:
        host: The client's tree host.
    """

    def __init__(self, host: TreeHost) -> None:
        self._host = host

    @property
    def config(self) -> WatchConfig:
        """The polling settings; assign a new :class:`WatchConfig` to change them (live)."""
        return self._host.config

    @config.setter
    def config(self, value: WatchConfig) -> None:
        if not isinstance(value, WatchConfig):
            raise TypeError(f"config must be a WatchConfig, not {type(value).__name__}")
        self._host.config = value

    async def wait(
        self,
        name: str,
        fetch: Callable[[str], Awaitable[T]],
        done: Callable[[T], bool],
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (measured on current_clock())
        kind: str = "",
        backoff: Backoff | None = None,
    ) -> T:
        """Polls ``name`` until ``done(snapshot)`` is true and returns that snapshot.

        Args:
            name: The job's resource name (e.g. ``models/veo-3.0-generate-001/operations/x``).
            fetch: Fetches one snapshot by name. Waiters sharing a name share the fetch of
                the first one; transient errors it raises (5xx, transport) are retried with
                backoff, 429s slow the schedule down, other API errors end the wait.
            done: This waiter's predicate (a failed job should count as done).
            timeout: Seconds to wait, on the clock of the client's tree (``current_clock()``
                when the tree started); None waits forever. The shared scheduler keeps the
                deadlines, so a timed wait costs no task of its own.
            kind: Namespaces the name: waiters share a watcher only with the same
                ``(kind, name)`` (e.g. ``"batch"`` vs ``"operation"`` snapshots of one name).
            backoff: The poll schedule when this call creates the watcher (else
                ``config.backoff``).

        Returns:
            The first snapshot for which ``done`` is true.

        Raises:
            WaitTimeoutError: ``timeout`` expired (``.last`` holds the last snapshot). The
                job itself goes on.
            APIError: A non-transient API error (e.g. ``NotFoundError``,
                ``PermissionDeniedError``) ended the watch.
            ClientClosedError: The client is, or was meanwhile, closed.
            Exception: Whatever ``done`` raised; or what ``fetch`` raised unexpectedly
                ``config.max_crashes`` times in a row.
            ValueError: An empty name or a negative timeout.

        Cancellation: cancelling the caller ends only its own wait; other waiters on the same
        job keep their shared watcher, which stops once nobody waits any more.
        """
        _check_name(name)
        limit = check_timeout(timeout)
        tree, state, sub = await self._subscribe(kind, name, fetch, done, backoff, streaming=False)
        try:
            if not sub.finished:
                if limit is not None:
                    try:
                        tree.post(("deadline", sub, limit))
                    except ActorExited as exc:  # the tree is stopping
                        raise ClientClosedError("the client is closing") from exc
                while not sub.finished:
                    await sub.changed()
        finally:
            _unsubscribe(tree, state, sub)
        sub.raise_error()
        if not sub.has_result:
            raise WaitTimeoutError(name, limit or 0.0, state.last if state.has_last else None)
        return sub.result

    def watch(
        self,
        name: str,
        fetch: Callable[[str], Awaitable[T]],
        done: Callable[[T], bool],
        *,
        kind: str = "",
        backoff: Backoff | None = None,
    ) -> WatchStream[T]:
        """A stream of ``name``'s snapshots: the first, then each one that differs.

        Nothing starts until the stream is entered or iterated. The stream ends after the
        first snapshot for which ``done`` is true. Arguments are as for :meth:`wait`.

        Raises:
            ValueError: An empty name (raised here).
        """
        _check_name(name)
        return WatchStream(self, kind, name, fetch, done, backoff)

    async def _subscribe(
        self,
        kind: str,
        name: str,
        fetch: Callable[[str], Awaitable[T]],
        done: Callable[[T], bool],
        backoff: Backoff | None,
        *,
        streaming: bool,
    ) -> tuple[ClientTree, WatchState[T], Subscriber[T]]:
        host = self._host
        tree = host.current()  # the usual case: the tree runs (no coroutine to ask for it)
        if tree is None or tree.scheduler is None:
            tree = await host.ensure()
        key = (kind, name)
        sub: Subscriber[T] = Subscriber(done, streaming=streaming)
        state: WatchState[T] | None = tree.states.get(key)
        if state is not None and not state.closed:
            if streaming:
                state.streamed = True
            if state.has_last and sub.offer(state.last, changed=True):
                return tree, state, sub
            state.subscribers.append(sub)
            return tree, state, sub
        state = WatchState(key, fetch, backoff if backoff is not None else self.config.backoff)
        state.streamed = streaming
        state.subscribers.append(sub)
        tree.states[key] = state
        try:
            # The first poll needs no watcher: the supervised Watcher is started by the poll
            # that finds the watch must go on (or must crash), so a wait served by one poll
            # costs no actor start and stop.
            tree.post(("add", state, 0.0))
        except Exception as exc:
            tree.forget(state)
            state.closed = True
            error = ClientClosedError(f"cannot watch {name}: the client is closing")
            error.__cause__ = exc
            state.fail_all(error)
            raise error from exc
        return tree, state, sub

    def stats(self) -> dict[str, float]:
        """Counters of the running loop's tree (empty before it starts).

        Keys: ``watches`` (active), ``subscribers``, ``in_flight`` (polls), ``dispatched``
        (polls started so far), ``rate_limited`` (429s seen), ``rate_factor``.
        """
        tree = self._host.current()
        if tree is None:
            return {}
        book = tree.book
        return {
            "watches": len(tree.states),
            "subscribers": sum(len(s.subscribers) for s in tree.states.values()),
            "in_flight": len(book.in_flight),
            "dispatched": book.dispatched,
            "rate_limited": book.rate_limited,
            "rate_factor": book.rate_factor,
        }

    def __repr__(self) -> str:
        return f"WatchHub({self.config!r})"


def _unsubscribe(tree: ClientTree, state: WatchState[Any], sub: Subscriber[Any]) -> None:
    """Removes ``sub`` if it is still subscribed; the last one out stops the watcher."""
    if sub not in state.subscribers:
        return
    state.subscribers.remove(sub)
    if state.subscribers or state.closed:
        return
    state.closed = True
    tree.forget(state)
    ref = state.ref
    if ref is not None and ref.alive:
        ref.cast("stop")


class WatchStream(Generic[T]):
    """An async iterator of a job's snapshots; also an async context manager.

    Yields the first snapshot, then each one that differs from the one before, and ends
    after the first done snapshot. A terminal error (see :meth:`WatchHub.wait`) is raised from
    ``__anext__`` once the snapshots before it were yielded. ``aclose()`` (or leaving
    ``async with``) unsubscribes; the shared watcher stops when nobody else uses it.
    Snapshots a slow consumer has not read yet are queued (at most one per poll).
    """

    def __init__(
        self,
        hub: WatchHub,
        kind: str,
        name: str,
        fetch: Callable[[str], Awaitable[T]],
        done: Callable[[T], bool],
        backoff: Backoff | None,
    ) -> None:
        self._hub = hub
        self._kind = kind
        self.name = name
        self._fetch = fetch
        self._done = done
        self._backoff = backoff
        self._sub: Subscriber[T] | None = None
        self._tree: ClientTree | None = None
        self._state: WatchState[T] | None = None
        self._closed = False
        self._opening = False

    async def _open(self) -> Subscriber[T]:
        if self._sub is None:
            if self._opening:
                raise RuntimeError("WatchStream is already being opened by another task")
            self._opening = True
            try:
                tree, state, sub = await self._hub._subscribe(
                    self._kind, self.name, self._fetch, self._done, self._backoff, streaming=True
                )
            finally:
                self._opening = False
            self._tree, self._state, self._sub = tree, state, sub
            if self._closed:  # closed while opening
                _unsubscribe(tree, state, sub)
        return self._sub

    async def __aenter__(self) -> WatchStream[T]:
        """Subscribes (starting the watcher if needed).

        Raises:
            ClientClosedError: The client is closed.
        """
        if self._closed:
            raise RuntimeError("WatchStream is closed")
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> WatchStream[T]:
        return self

    async def __anext__(self) -> T:
        """The next snapshot.

        Raises:
            StopAsyncIteration: After the done snapshot, or once closed.
            APIError: A non-transient API error ended the watch.
            ClientClosedError: The client was closed.

        Cancellation: the stream stays usable; nothing is lost.
        """
        if self._closed:
            raise StopAsyncIteration
        sub = await self._open()
        while True:
            if sub.queue:
                return sub.queue.popleft()
            if sub.finished:
                self._closed = True
                sub.raise_error()
                raise StopAsyncIteration
            await sub.changed()

    async def aclose(self) -> None:
        """Stops this stream (idempotent); other waiters on the job are unaffected."""
        self._closed = True
        sub, tree, state = self._sub, self._tree, self._state
        if sub is not None and tree is not None and state is not None and not sub.finished:
            _unsubscribe(tree, state, sub)
            sub.fail(ClientClosedError("the stream was closed"))

    def __repr__(self) -> str:
        state = "closed" if self._closed else ("open" if self._sub is not None else "new")
        return f"WatchStream({self.name!r}, {state})"
