"""``client.operations``: fetch a long-running operation, or wait for it to finish.

``get`` is google-genai's ``operations.get`` (GET the operation's name on the Gemini Developer
API, ``:fetchPredictOperation`` on Vertex AI) and also accepts the bare name string, so a
poller can resume from a stored name alone. ``wait`` polls with exponential backoff until the
operation is done.

A failed operation is *done*: ``wait`` returns it with ``.error`` set (``error_info`` gives the
typed form) and never raises for it; only a failure to *poll* raises. This module keeps
``wait`` small on purpose: supervised watchers (``watch``) replace it in a later issue.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeVar, overload

from supervisors import Backoff, current_clock

from ._transformers import InvalidRequestError, VertexLocation, get_operation_request
from .errors import WaitTimeoutError
from .types._operations import GenerateVideosOperation, Operation

if TYPE_CHECKING:
    from ._api_client import ApiClient
    from ._sync import LoopThread

__all__ = ["DEFAULT_WAIT_TIMEOUT", "AsyncOperations", "Operations", "vertex_location"]

OpT = TypeVar("OpT", bound=Operation)

DEFAULT_WAIT_TIMEOUT = 900.0
"""Seconds ``wait`` polls before giving up when no ``timeout`` is given."""

_POLL_BACKOFF = Backoff(1.0, 30.0, multiplier=1.5, jitter=0.2)


def vertex_location(api: ApiClient) -> VertexLocation | None:
    """The Vertex AI project and location of ``api``'s backend, or ``None`` for mldev."""
    backend = api.backend
    if not backend.vertexai:
        return None
    project = getattr(backend, "project", None) or ""
    location = getattr(backend, "location", None) or ""
    return VertexLocation(str(project), str(location))


def _operation_class(operation: object) -> type[Operation]:
    if isinstance(operation, Operation):
        return type(operation)
    if isinstance(operation, str) and operation.startswith(("models/", "publishers/")):
        return GenerateVideosOperation  # prediction operations of models are video jobs
    if isinstance(operation, str) and "/publishers/" in operation:
        return GenerateVideosOperation
    return Operation


def _check_operation(operation: object) -> None:
    if not isinstance(operation, str | Operation):
        raise InvalidRequestError(
            "operation",
            f"expected an Operation or its name, got {type(operation).__name__}",
        )


def _check_timeout(timeout: float | None) -> float:
    if timeout is None:
        return math.inf
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or math.isnan(timeout):
        raise ValueError(f"timeout must be a number of seconds or None, got {timeout!r}")
    if timeout < 0:
        raise ValueError(f"timeout must be >= 0 seconds, got {timeout!r}")
    return float(timeout)


class AsyncOperations:
    """``client.operations`` on :class:`~genai_actors.AsyncClient`."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client

    @overload
    async def get(self, operation: OpT, *, config: Any = None) -> OpT: ...

    @overload
    async def get(self, operation: str, *, config: Any = None) -> Operation: ...

    async def get(self, operation: Operation | str, *, config: Any = None) -> Operation:
        """Fetches the current state of an operation.

        Args:
            operation: The operation object (e.g. from ``models.generate_videos``) or its
                name, e.g. ``models/veo-3.0-generate-001/operations/abc``. A name under
                ``models/`` gives a :class:`~genai_actors.types.GenerateVideosOperation`;
                other names a generic :class:`~genai_actors.types.Operation`.
            config: Optional ``{"http_options": ...}`` for this call.

        Returns:
            A fresh operation of the same class as ``operation``.

        Raises:
            InvalidRequestError: No usable name (nothing is sent).
            APIError: The server refused (e.g. ``NotFoundError`` for an unknown name).
            TransportError: The request could not be completed (after retries).

        Cancellation: cancelling the caller aborts the request and frees its connection.
        """
        _check_operation(operation)
        api = self._api
        is_vertex = api.backend.vertexai
        request = get_operation_request(operation, vertex=vertex_location(api))
        http_options = _http_options(config)
        response = await api.request(
            request.method,
            request.path,
            body=request.body,
            query=request.query,
            http_options=http_options,
        )
        return _operation_class(operation).from_api_response(response.content, is_vertex)

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

        The first poll goes out at once (an operation object that is already done is returned
        as it is, without a request); later polls follow ``backoff`` (default: about 1 s,
        then 1.5 times longer per poll up to 30 s, with up to 20 % jitter), never sleeping past the
        deadline. Rate limits (429, with the server's ``RetryInfo``) and transient 5xx errors
        are retried inside each poll by the transport.

        A failed operation counts as done: it is returned with ``.error`` set (see
        ``error_info``); this method does not raise for it.

        Args:
            operation: The operation object or its name (see :meth:`get`).
            timeout: Seconds to wait, on ``supervisors.current_clock()``; ``None`` waits
                forever. Default 900 s.
            backoff: The poll schedule.
            config: Optional ``{"http_options": ...}`` for each poll.

        Returns:
            The finished operation (``done`` is true).

        Raises:
            WaitTimeoutError: ``timeout`` expired first (a ``TimeoutError``; ``.last`` holds
                the last snapshot). The operation itself goes on server-side.
            InvalidRequestError: No usable name (nothing is sent).
            ValueError: A negative or non-numeric ``timeout``.
            APIError: A poll failed after the transport's retries (e.g. ``NotFoundError``).
            TransportError: A poll could not be completed.

        Cancellation: cancelling the caller stops polling at once (a poll in flight is
        aborted); the operation goes on server-side and can be waited for again by name.
        """
        _check_operation(operation)
        limit = _check_timeout(timeout)
        if isinstance(operation, Operation) and operation.done:
            return operation
        name = operation if isinstance(operation, str) else (operation.name or "")
        clock = current_clock()
        deadline = clock.now() + limit
        schedule = (backoff or _POLL_BACKOFF).schedule()
        last: Operation | None = None
        while True:
            last = await self.get(operation if last is None else last, config=config)
            if last.done:
                return last
            remaining = deadline - clock.now()
            if remaining <= 0:
                break
            delay = schedule.next_delay()
            if delay >= remaining:
                await clock.sleep(remaining)
                break
            await clock.sleep(delay)
        raise WaitTimeoutError(name, limit, last)


def _http_options(config: Any) -> Any:
    if config is None:
        return None
    if isinstance(config, dict):
        unknown = set(config) - {"http_options"}
        if unknown:
            raise InvalidRequestError(
                f"config.{sorted(unknown)[0]}", "unknown field (supported: http_options)"
            )
        return config.get("http_options")
    return getattr(config, "http_options", None)


class Operations:
    """``client.operations`` on the blocking :class:`~genai_actors.Client`."""

    def __init__(self, aio: AsyncOperations, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge

    @overload
    def get(self, operation: OpT, *, config: Any = None) -> OpT: ...

    @overload
    def get(self, operation: str, *, config: Any = None) -> Operation: ...

    def get(self, operation: Operation | str, *, config: Any = None) -> Operation:
        """Blocking :meth:`AsyncOperations.get`; same arguments, result and errors."""
        return self._bridge.run(self._aio.get(operation, config=config))

    @overload
    def wait(
        self,
        operation: OpT,
        *,
        timeout: float | None = ...,
        backoff: Backoff | None = ...,
        config: Any = ...,
    ) -> OpT: ...

    @overload
    def wait(
        self,
        operation: str,
        *,
        timeout: float | None = ...,
        backoff: Backoff | None = ...,
        config: Any = ...,
    ) -> Operation: ...

    def wait(
        self,
        operation: Operation | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        backoff: Backoff | None = None,
        config: Any = None,
    ) -> Operation:
        """Blocking :meth:`AsyncOperations.wait`; same arguments, result and errors.

        Interrupting the calling thread (``KeyboardInterrupt``) cancels the wait.
        """
        return self._bridge.run(
            self._aio.wait(operation, timeout=timeout, backoff=backoff, config=config)
        )
