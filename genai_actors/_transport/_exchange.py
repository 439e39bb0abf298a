"""The one retry loop: plain requests, streams and raw bodies all go through :meth:`Exchange.send`.

One attempt sends the request and waits for the status line. A 2xx answer ends the loop: a plain
request reads its body (capped, inside the loop, so an idempotent request whose body is cut is
retried), a stream or raw body returns the open response to its reader and is never retried
after that. An error status or a transport failure is mapped to its typed error
(:func:`~._errors.api_error`, :func:`~._errors.map_transport_error`) and handed to the
:class:`~._retry.RetryPolicy`, which says whether and how long to wait.

Deadline: the call's clock starts when the caller says (``started``, read before any lazy work:
importing the HTTP client, building the SSL context, opening the session, refreshing a token),
so that work counts against the call's timeout. The first attempt's timeouts are what remains of it;
no wait between attempts crosses it.

The HTTP client underneath (h1 or aiohttp) is the pool's: this module sees only
:mod:`._wire`'s ``Session`` and ``Response`` and catches the client's own exception classes
(``SessionPool.errors``), so the loop is the same code for both.
"""

from __future__ import annotations

from asyncio import get_running_loop
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal, Protocol, overload

from supervisors import SystemClock, current_clock

from .. import _log
from ..errors import (
    ClientClosedError,
    ConnectTimeoutError,
    GenAIError,
    RequestTimeoutError,
    TransportError,
)
from ._errors import Phase, api_error, map_transport_error
from ._options import client_timeout
from ._reading import RawResponse, read_body
from ._session import SessionPool, TransportConfig, shared_ssl_context

if TYPE_CHECKING:
    from yarl import URL

    from ._options import Plan
    from ._timeouts import Timeouts
    from ._wire import Body, Response

__all__ = ["Exchange", "Gate"]


class Gate(Protocol):
    """A per-call admission hook (the rate governor's): :meth:`admit` before each attempt,
    :meth:`settle` after its answer or failure, :meth:`abandon` when it ends otherwise."""

    async def admit(self, deadline: float) -> bool:
        """Waits until the attempt may be sent (True if it had to wait); raises to end the
        call."""
        ...

    async def settle(self, error: BaseException | None, content: bytes | None = None) -> None:
        """Reports the attempt's outcome (``None``: a 2xx answer, with its bytes if read)."""
        ...

    def abandon(self) -> None:
        """The attempt ended without an outcome (cancelled, an unexpected error)."""
        ...


_log_request = _log.get_logger("genai_actors.request")

# Lazy work shorter than this does not earn a first attempt its own, shorter timeout.
_SLACK = 0.001


class Exchange:
    """Sends requests for one client: its session pool, its transport settings, its secrets.

    Args:
        pool: The client's sessions (one per event loop).
        config: Connection-level settings (timeouts, size caps).
        secrets: Strings scrubbed from every error built from server text, or a function
            giving them (a backend whose tokens change: read at each error).
    """

    __slots__ = ("_config", "_pool", "_secrets")

    def __init__(
        self,
        pool: SessionPool,
        config: TransportConfig,
        secrets: tuple[str, ...] | Callable[[], tuple[str, ...]],
    ) -> None:
        self._pool = pool
        self._config = config
        self._secrets = secrets

    @property
    def secrets(self) -> tuple[str, ...]:
        """The strings scrubbed from errors (as of now)."""
        secrets = self._secrets
        return secrets if isinstance(secrets, tuple) else secrets()

    @overload
    async def send(
        self,
        plan: Plan,
        method: str,
        url: URL,
        body: Body | None,
        headers: Mapping[str, str],
        *,
        path: str,
        started: float | None,
        read: Literal[True],
        idempotent: bool = True,
        lazy: bool = False,
        gate: Gate | None = None,
    ) -> RawResponse: ...

    @overload
    async def send(
        self,
        plan: Plan,
        method: str,
        url: URL,
        body: Body | None,
        headers: Mapping[str, str],
        *,
        path: str,
        started: float | None,
        read: Literal[False],
        idempotent: bool = True,
        lazy: bool = False,
        gate: Gate | None = None,
    ) -> Response: ...

    @overload
    async def send(
        self,
        plan: Plan,
        method: str,
        url: URL,
        body: Body | None,
        headers: Mapping[str, str],
        *,
        path: str,
        started: float | None,
        read: bool,
        idempotent: bool = True,
        lazy: bool = False,
        gate: Gate | None = None,
    ) -> RawResponse | Response: ...

    async def send(
        self,
        plan: Plan,
        method: str,
        url: URL,
        body: Body | None,
        headers: Mapping[str, str],
        *,
        path: str,
        started: float | None,
        read: bool,
        idempotent: bool = True,
        lazy: bool = False,
        gate: Gate | None = None,
    ) -> RawResponse | Response:
        """Sends the request, retrying per ``plan.retry``, until a 2xx answer or a final error.

        Args:
            plan: The resolved options of the call.
            method: The HTTP method.
            url: The full URL.
            body: The body (bytes or a memoryview, sent without a copy), or ``None``.
            headers: Every header of the request.
            path: The resource path (for logs).
            started: When the call began, on ``supervisors.current_clock()``; ``None``: when
                this coroutine starts (on its event loop).
            read: True to read the whole body (plain requests); False to return the open
                response of a stream or raw body (the caller reads and releases it).
            idempotent: False for a request that creates something (fewer retries).
            lazy: True when the caller did slow set-up work since ``started`` (refreshing a
                token): the first attempt then gets only what remains of the timeout. Set-up
                done here (building the plan's timeouts, opening the session) counts
                by itself.
            gate: The rate governor's hook for this call, or ``None``: every attempt is
                admitted by it (its waits count against the call's timeout) and reports back
                to it; a stream is admitted once, when it opens.

        Returns:
            The read response, or the open response (``_wire.Response``) when ``read`` is
            False.

        Raises:
            APIError: An error status (the most specific subclass), after retries.
            TransportError: No usable answer after retries (see
                :func:`~._errors.map_transport_error`); ``RequestTimeoutError`` when the
                call's timeout expired, lazy set-up included.
            ResponseTooLargeError: The body passed ``max_response_bytes`` (not retried).
            ClientClosedError: The client was closed before or during the call.
            DailyQuotaExhaustedError: The gate refused: the model's daily quota is exhausted.

        Cancellation: cancelling the caller aborts the attempt and frees its connection; a
        request cancelled after it was sent may still be executed by the server.
        """
        loop = get_running_loop()
        if started is None:
            clock = current_clock()
            started = loop.time() if type(clock) is SystemClock else clock.now()
        config = self._config
        if not plan.ready:
            plan.prepare(config)
            lazy = True
        pool = self._pool
        last = pool.last  # pool.current()'s common case, inline
        if last is not None and last[0] is loop and not last[1].closed:
            session = last[1]
        else:
            found = pool.current()
            if found is None:
                found = await pool.open()
                lazy = True
            session = found
        errors = pool.errors
        deadline = started + plan.timeout
        timeout = plan.request_timeout if read else plan.stream_timeout
        if lazy:  # set-up work ran inside this call: its time counts against the timeout
            elapsed = current_clock().now() - started
            if elapsed > _SLACK:
                remaining = plan.timeout - elapsed
                if remaining <= 0:
                    raise RequestTimeoutError(
                        f"the call's timeout ({plan.timeout:g} s) expired before the request "
                        "was sent"
                    )
                timeout = self._timeout(plan, remaining, read)
        limit = config.max_response_bytes
        # The SSL context (certifi's bundle) is built on the first https request, never for a
        # plain-http one (the emulator, a local proxy); the pool itself has none.
        tls = (plan.tls or shared_ssl_context()) if url.scheme == "https" else True
        attempt = 0
        while True:
            attempt += 1
            phase = Phase.SEND
            if gate is not None and await gate.admit(deadline):
                # A wait for the governor shortens what this attempt may take.
                remaining = deadline - current_clock().now()
                if remaining < plan.timeout - _SLACK:
                    timeout = self._timeout(plan, max(remaining, _SLACK), read)
            try:
                resp = await session.request(
                    method,
                    url,
                    data=body,
                    headers=headers,
                    timeout=timeout,
                    proxy=plan.proxy,
                    ssl=tls,
                )
                phase = Phase.BODY
                status = resp.status
                if 200 <= status < 300:
                    if not read:
                        if gate is not None:
                            await gate.settle(None)
                        return resp
                    answer_headers = resp.header_dict()
                    length = resp.content_length
                    try:
                        if (
                            length is not None
                            and length <= limit
                            and "content-encoding" not in answer_headers
                        ):
                            # read_body's common case, inlined: a body that came whole
                            # with its head is taken without a coroutine.
                            content = resp.take_body()
                            if content is None:
                                content = await resp.read()
                        else:
                            content = await read_body(resp, limit)
                    finally:
                        resp.release()
                    if gate is not None:
                        await gate.settle(None, content)
                    return RawResponse(status, resp, answer_headers, content)
                try:
                    content = await read_body(resp, limit)
                finally:
                    resp.release()
                error: GenAIError = api_error(
                    status, resp.reason, resp.headers, content, self.secrets
                )
            except RuntimeError as exc:  # h1's SessionClosed, aiohttp's "Session is closed"
                if gate is not None:
                    gate.abandon()
                if not session.closed:
                    if isinstance(exc, errors):
                        raise map_transport_error(exc, phase) from exc
                    raise
                raise ClientClosedError("the client was closed during the call") from exc
            except errors as exc:
                error = map_transport_error(exc, phase)
                if isinstance(error, ConnectTimeoutError) and current_clock().now() >= deadline:
                    # The call's budget ran out while waiting for a pooled connection.
                    error = RequestTimeoutError(
                        f"the call's timeout ({plan.timeout:g} s) expired before a connection "
                        "was free"
                    )
                    error.__cause__ = exc
            except BaseException:
                if gate is not None:
                    gate.abandon()
                raise
            if gate is not None:
                await gate.settle(error)
            timeout = await self._backoff(plan, error, attempt, deadline, path, idempotent, read)

    def _timeout(self, plan: Plan, remaining: float, read: bool) -> Timeouts:
        if not read and not plan.explicit_timeout:
            return plan.stream_timeout
        return client_timeout(remaining, self._config, stream=not read, explicit=True)

    async def _backoff(
        self,
        plan: Plan,
        error: GenAIError,
        attempt: int,
        deadline: float,
        path: str,
        idempotent: bool,
        read: bool,
    ) -> Timeouts:
        """Waits before the next attempt, or raises ``error`` when it must not be retried.

        Returns:
            The timeouts of the next attempt: what remains of the call's budget.
        """
        delay = plan.retry.delay_for(error, attempt, idempotent=idempotent)
        if delay is None or self._pool.closed:
            raise _counted(error, attempt)
        clock = current_clock()
        if clock.now() + delay >= deadline:
            _log_request.debug(
                "request.deadline", path=_loggable(path), attempt=attempt, delay=delay
            )
            raise _counted(error, attempt)
        _log_request.info(
            "request.retry",
            attempt=attempt,
            delay=round(delay, 3),
            status=getattr(error, "code", type(error).__name__),
            model=_model_of(path),
        )
        await clock.sleep(delay)
        remaining = deadline - clock.now()
        if remaining <= 0 or self._pool.closed:
            raise _counted(error, attempt)
        return self._timeout(plan, remaining, read)


def _counted(error: GenAIError, attempts: int) -> GenAIError:
    """A transport error that ends the call says how many attempts were made."""
    if isinstance(error, TransportError) and error.args:
        error.attempts = attempts
        plural = "attempt" if attempts == 1 else "attempts"
        error.args = (f"{error.args[0]} (after {attempts} {plural})", *error.args[1:])
    return error


def _model_of(path: str) -> str | None:
    if path.startswith(("models/", "tunedModels/")):
        return path.split(":", 1)[0]
    return None


def _loggable(path: str) -> str:
    return path.split("?", 1)[0]
