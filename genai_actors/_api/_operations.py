"""``client.operations``: fetch a long-running operation, or wait for it to finish.

``get`` is google-genai's ``operations.get`` (GET the operation's name on the Gemini Developer
API, ``:fetchPredictOperation`` on Vertex AI) and also accepts the bare name string, so a
poller can resume from a stored name alone. ``wait`` and ``watch`` are served by the client's
supervised watchers (``api_client.watchers``, see ``genai_actors._watch``): every waiter and
stream on one operation shares one poller, and all pollers share one schedule with exponential
backoff and jitter, a global concurrency and rate cap, and 429 back-pressure.

A failed operation is *done*: ``wait`` returns it with ``.error`` set (``error_info`` gives the
typed form) and never raises for it; only a failure to *poll* raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

from supervisors import Backoff

from .._api_client import coerce_http_options
from .._transformers import InvalidRequestError, Request, VertexLocation, get_operation_request
from ..errors import InvalidOptionError
from ..types._http import HttpOptions
from ..types._operations import Operation
from ._operation_kinds import operation_class
from ._toolkit import call_options, check_timeout, vertex_location

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from .._watch import WatchStream

__all__ = ["DEFAULT_WAIT_TIMEOUT", "AsyncOperations"]

OpT = TypeVar("OpT", bound=Operation)

DEFAULT_WAIT_TIMEOUT = 900.0
"""Seconds ``wait`` polls before giving up when no ``timeout`` is given."""


def _check_operation(operation: object) -> None:
    if not isinstance(operation, str | Operation):
        raise InvalidRequestError(
            "operation",
            f"expected an Operation or its name, got {type(operation).__name__}",
        )


def _options(config: object) -> HttpOptions | None:
    """The per-call HTTP options of an operations ``config``, whose only field is
    ``http_options`` (there is no config type for these calls).

    Raises:
        InvalidRequestError: ``config`` is a dict with another field.
        InvalidOptionError: ``http_options`` is neither ``HttpOptions`` nor a dict.
        ValueError: ``http_options`` is a dict with an unknown or badly typed field.
    """
    if isinstance(config, Mapping):
        unknown = sorted(set(config) - {"http_options"})
        if unknown:
            raise InvalidRequestError(
                f"config.{unknown[0]}", "unknown field (supported: http_options)"
            )
        given = config.get("http_options")
        if given is not None and not isinstance(given, HttpOptions | Mapping):
            raise InvalidOptionError(
                "http_options", f"expected HttpOptions or a dict, got {type(given).__name__}"
            )
    options = call_options(config)
    return None if options is None else coerce_http_options(options)


def _get_request(
    operation: Operation | str, options: HttpOptions | None, vertex: VertexLocation | None
) -> Request:
    """``operations.get``: GET the name (Developer API) or POST ``:fetchPredictOperation``.

    Raises:
        InvalidRequestError: No usable operation name.
    """
    built = get_operation_request(operation, vertex=vertex)
    return Request(built.method, built.path, built.query, built.payload, options)


_GETS_KEPT = 256


class _BuiltGet(NamedTuple):
    """get()'s request, built once for many sends, and how its answer is decoded."""

    method: str
    path: str
    query: Mapping[str, Any] | None
    body: bytes | None
    http_options: HttpOptions | None
    decode: Callable[[bytes, bool], Operation]
    vertex: bool


def _built_get(api: ApiClient, operation: Operation | str, config: Any) -> _BuiltGet:
    """get()'s request for ``operation`` and ``config`` (name checked, options coerced).

    Raises:
        InvalidRequestError: No usable name, or an unknown ``config`` field.
    """
    vertex = vertex_location(api)
    request = _get_request(operation, _options(config), vertex)
    return _BuiltGet(
        request.method,
        request.path,
        request.query,
        request.body,
        request.http_options,
        operation_class(operation).from_api_response,
        vertex is not None,
    )


def _is_done(operation: Operation) -> bool:
    return bool(operation.done)


def _name_of(operation: Operation | str) -> str:
    name = operation if isinstance(operation, str) else operation.name
    if not name:
        raise InvalidRequestError("operation.name", "the operation has no name to poll")
    return name


class AsyncOperations:
    """``client.operations`` on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client
        # get() of a name without config, built once per name (bounded): its request and the
        # operation class it decodes into.
        self._gets: dict[str, _BuiltGet] = {}

    @overload
    async def get(self, operation: OpT, *, config: Any = None) -> OpT: ...

    @overload
    async def get(self, operation: str, *, config: Any = None) -> Operation: ...

    async def get(self, operation: Operation | str, *, config: Any = None) -> Operation:
        """Fetches the current state of an operation.

        Args:
            operation: The operation object (e.g. from ``models.generate_videos``) or its
                name, e.g. ``models/veo-3.0-generate-001/operations/abc``. A name under
                ``models/`` gives a :class:`~genai_actors.types.GenerateVideosOperation`, one
                under ``fileSearchStores/`` an ``ImportFileOperation`` (or an
                ``UploadToFileSearchStoreOperation`` for ``.../upload/operations/...``); other
                names a generic :class:`~genai_actors.types.Operation`.
            config: Optional ``{"http_options": ...}`` for this call.

        Returns:
            A fresh operation of the same class as ``operation``.

        Raises:
            InvalidRequestError: No usable name, or an unknown ``config`` field (nothing is
                sent).
            APIError: The server refused (e.g. ``NotFoundError`` for an unknown name).
            TransportError: The request could not be completed (after retries).

        Cancellation: cancelling the caller aborts the request and frees its connection.
        """
        if config is None and type(operation) is str:
            built = self._gets.get(operation)
            if built is None:
                built = self._kept_get(operation)
        else:
            _check_operation(operation)
            built = _built_get(self._api, operation, config)
        method, path, query, body, options, decode, on_vertex = built
        raw = await self._api.request(method, path, body=body, query=query, http_options=options)
        return decode(raw.content, on_vertex)

    def _kept_get(self, name: str) -> _BuiltGet:
        """get()'s request for ``name`` without config, kept for the next get of it.

        Raises:
            InvalidRequestError: No usable operation name.
        """
        built = _built_get(self._api, name, None)
        gets = self._gets
        if len(gets) >= _GETS_KEPT:
            gets.clear()
        gets[name] = built
        return built

    @overload
    async def wait(
        self,
        operation: OpT,
        *,
        timeout: float | None = ...,  # noqa: ASYNC109 (measured on current_clock())
        backoff: Backoff | None = ...,
        config: Any = ...,
    ) -> OpT: ...

    @overload
    async def wait(
        self,
        operation: str,
        *,
        timeout: float | None = ...,  # noqa: ASYNC109
        backoff: Backoff | None = ...,
        config: Any = ...,
    ) -> Operation: ...

    async def wait(
        self,
        operation: Operation | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109
        backoff: Backoff | None = None,
        config: Any = None,
    ) -> Operation:
        """Polls an operation until it is done, and returns it.

        Served by the client's supervised watchers: waiters (and :meth:`watch` streams) on the
        same operation share one poller, and all pollers share one schedule. The first poll
        goes out at once (an operation object that is already done is returned as it is,
        without a request); later polls follow ``backoff`` (default: 1 s, then 1.5 times
        longer per poll up to 30 s, with up to 20 % jitter). Transient failures (5xx, lost
        connections, after the transport's own retries) back off and poll again; a 429 pushes
        this poller back by at least the server's ``RetryInfo`` and slows the whole schedule;
        a crashed poller is restarted where it left off.

        A failed operation counts as done: it is returned with ``.error`` set (see
        ``error_info``); this method does not raise for it.

        Args:
            operation: The operation object or its name (see :meth:`get`): a name stored
                by an earlier process resumes the wait.
            timeout: Seconds to wait, on ``supervisors.current_clock()``; ``None`` waits
                forever. Default 900 s.
            backoff: The poll schedule (used when no poller for this operation runs yet).
            config: Optional ``{"http_options": ...}`` for each poll.

        Returns:
            The finished operation (``done`` is true), of the same class as ``operation``.

        Raises:
            WaitTimeoutError: ``timeout`` expired first (a ``TimeoutError``; ``.last`` holds
                the last snapshot). The operation itself goes on server-side.
            InvalidRequestError: No usable name, or an unknown ``config`` field (nothing is
                sent).
            InvalidOptionError: A negative, NaN or non-numeric ``timeout`` (a ``ValueError``
                and a ``TypeError``).
            APIError: A poll failed with a non-transient error (e.g. ``NotFoundError``,
                ``PermissionDeniedError``).
            ClientClosedError: The client was closed.

        Cancellation: cancelling the caller ends only its own wait; the shared poller stops
        when nobody waits any more. The operation goes on server-side and can be waited for
        again by name.
        """
        _check_operation(operation)
        limit = check_timeout(timeout)
        if isinstance(operation, Operation) and operation.done:
            return operation
        name = _name_of(operation)
        fetch, kind = self._fetcher(operation, config)  # checks name and config: nothing starts
        return await self._api.watchers.wait(
            name, fetch, _is_done, timeout=limit, kind=kind, backoff=backoff
        )

    @overload
    def watch(
        self, operation: OpT, *, backoff: Backoff | None = ..., config: Any = ...
    ) -> WatchStream[OpT]: ...

    @overload
    def watch(
        self, operation: str, *, backoff: Backoff | None = ..., config: Any = ...
    ) -> WatchStream[Operation]: ...

    def watch(
        self, operation: Operation | str, *, backoff: Backoff | None = None, config: Any = None
    ) -> WatchStream[Any]:
        """A stream of the operation's snapshots: the first, then each one that differs.

        ``async for op in client.operations.watch(op_or_name):`` yields fresh snapshots
        (progress in ``metadata``, say) and ends after the done one; it is also an async
        context manager, and ``aclose()`` stops it. Polling is shared with :meth:`wait`.

        Args:
            operation: The operation object or its name.
            backoff: The poll schedule (used when no poller for this operation runs yet).
            config: Optional ``{"http_options": ...}`` for each poll.

        Returns:
            A :class:`~genai_actors._watch.WatchStream`; nothing is sent before it is iterated.

        Raises:
            InvalidRequestError: No usable name, or an unknown ``config`` field (raised here;
                nothing is sent).
            APIError: From iteration: a non-transient poll error ended the watch.
            ClientClosedError: From iteration: the client was closed.
        """
        _check_operation(operation)
        name = _name_of(operation)
        fetch, kind = self._fetcher(operation, config)  # checks name and config: nothing starts
        return self._api.watchers.watch(name, fetch, _is_done, kind=kind, backoff=backoff)

    def _fetcher(self, operation: Operation | str, config: Any) -> tuple[Any, str]:
        """The watch's fetch, :meth:`get`'s request built (name checked, options coerced) once
        per watch rather than per poll, and the watch's kind: snapshots of different classes
        must not be shared between waiters of one name.

        Raises:
            InvalidRequestError: No usable name, or an unknown ``config`` field.
        """
        api = self._api
        method, path, query, body, options, decode, is_vertex = _built_get(api, operation, config)

        async def fetch(_name: str) -> Operation:
            raw = await api.request(method, path, body=body, query=query, http_options=options)
            return decode(raw.content, is_vertex)

        return fetch, "operation:" + operation_class(operation).__name__
