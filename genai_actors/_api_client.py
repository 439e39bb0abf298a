"""``ApiClient``: the one seam every API module calls to talk HTTP.

A module encodes its request body (or hands over its JSON payload), calls
:meth:`ApiClient.request` (or :meth:`ApiClient.stream`, :meth:`ApiClient.open_body`) with a
resource path, and decodes what it gets back. This module only composes the transport:

- ``_transport._options``: ``HttpOptions`` checked and merged into a ``Plan`` (URLs, headers,
  timeouts, retry policy, ``extra_body``), resource paths guarded;
- ``_transport._exchange``: the one retry loop, for plain requests, streams and raw bodies;
- ``_transport._errors``: the one mapping of HTTP client failures and server text to
  :mod:`genai_actors.errors`, and the one scrub of secrets;
- ``_transport._stream`` / ``_body``: streamed and raw responses as objects with ``aclose()``.

The job-watcher hub (``watchers``) and the supervision tree host (``tree``) hang off it too.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Literal, overload

from supervisors import current_clock

from . import __version__
from ._backend import Backend
from ._transport import SessionPool, SseStream, TransportConfig
from ._transport._body import RawBody
from ._transport._errors import scrub
from ._transport._exchange import Exchange
from ._transport._options import (
    LANGUAGE,
    PRODUCT,
    Plan,
    coerce_http_options as coerce_http_options,
    deep_merge,
    merge_extra_body,
    merge_http_options as merge_http_options,
)
from ._transport._reading import RawResponse as RawResponse
from ._watch import TreeHost
from .errors import (
    ClientClosedError,
    EphemeralTokenAPIKeyError,
    InvalidOptionError,
    RequestTooLargeError,
    UnauthenticatedError,
    UnsupportedByBackendError,
)
from .types._base import encode_json, to_builtins
from .types._http import HttpOptions

if TYPE_CHECKING:
    from ._governor import RateGovernor
    from ._transport._wire import Body, Response
    from ._watch import WatchHub

__all__ = ["VERSION", "ApiClient", "RawResponse", "coerce_http_options", "merge_http_options"]

VERSION = __version__


class ApiClient:
    """Sends requests for the API modules. One per client; safe to share between tasks.

    Attributes:
        backend: Where requests go and how they are authenticated.
        http_options: The client-level options (per-call options are laid over them).
        config: Connection-level settings.
        tree: The client's supervision tree host (set by ``AsyncClient``), or ``None``.
        governor: The rate governor every model call goes through, or ``None``.
    """

    def __init__(
        self,
        backend: Backend,
        http_options: HttpOptions,
        config: TransportConfig,
        pool: SessionPool,
        governor: RateGovernor | None = None,
    ) -> None:
        """Creates the seam.

        Raises:
            InvalidOptionError: Bad ``http_options`` values.
        """
        self.backend = backend
        self.http_options = coerce_http_options(http_options)
        self.config = config
        self._pool = pool
        self._plan = Plan(self.http_options, backend, config)
        self._exchange = Exchange(
            pool, config, backend.secrets if backend.dynamic_auth else backend.secrets()
        )
        self._ephemeral = bool(getattr(backend, "is_ephemeral_token", False))
        self._tag_headers: dict[tuple[str, ...], dict[str, str]] = {}
        self.tree: TreeHost | None = None
        self._watchers: WatchHub | None = None
        self.governor = governor

    @property
    def watchers(self) -> WatchHub:
        """The job-watcher hub: ``wait``/``watch`` on operations, batches, tunings, files.

        Created on first use; its actors run in the client's supervision tree, which is
        stopped by :meth:`aclose`.
        """
        hub = self._watchers
        if hub is None:
            if self.tree is None:
                self.tree = TreeHost()
            from ._watch import WatchHub  # the actor runtime loads with the first watch

            hub = self._watchers = WatchHub(self.tree)
        return hub

    @property
    def vertexai(self) -> bool:
        """True for the Vertex AI backend."""
        return self.backend.vertexai

    def feature_headers(self, *tags: str) -> dict[str, str]:
        """Headers marking a feature in use, e.g. ``feature_headers("afc")`` or ``("chat",)``.

        Returns:
            ``user-agent`` and ``x-goog-api-client`` with ``+tag`` appended to the product token
            (``genai-actors/0.1.0+afc gl-python/3.11.9``), to pass as ``headers=``.
        """
        cached = self._tag_headers.get(tags)
        if cached is None:
            token = PRODUCT + "".join(f"+{tag}" for tag in tags)
            value = f"{token} {LANGUAGE}"
            cached = {"user-agent": value, "x-goog-api-client": value}
            self._tag_headers[tags] = cached
        return dict(cached)

    def unsupported(self, feature: str, hint: str = "") -> UnsupportedByBackendError:
        """The error for ``feature`` (e.g. ``"models.generate_images"``) on this backend.

        Modules ``raise api.unsupported(...)`` before sending anything.
        """
        return UnsupportedByBackendError(self.backend.name, feature, hint)

    def scrub(self, text: str) -> str:
        """``text`` without this client's secrets, bearer tokens or API keys: for any error a
        module builds from server text (the transport's own errors are scrubbed already)."""
        return scrub(text, self._exchange.secrets)

    def url(
        self,
        path: str,
        query: Mapping[str, object] | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
    ) -> str:
        """The full URL a request for ``path`` goes to (no credentials in it).

        Raises:
            InvalidRequestError: The path has a dot segment (see ``check_resource_path``).
            InvalidOptionError: Bad ``http_options``.
        """
        return str(self._plan_for(http_options).target(self.backend, "GET", path, query))

    def _plan_for(self, http_options: HttpOptions | Mapping[str, Any] | None) -> Plan:
        if http_options is None:
            return self._plan
        return Plan(merge_http_options(self.http_options, http_options), self.backend, self.config)

    def _check_usable(self) -> None:
        if self._pool.closed:
            raise ClientClosedError("the client is closed")
        if self._ephemeral:
            raise EphemeralTokenAPIKeyError(
                "ephemeral tokens (auth_tokens/...) only work with the Live API; "
                "use a regular API key for REST calls"
            )

    def _json_body(
        self,
        plan: Plan,
        body: Body | None,
        json: Any,
        merge: bool,
    ) -> Body | None:
        """The body to send: ``extra_body`` merged in once, a JSON body's size checked."""
        extra = plan.extra_body if merge else None
        if json is not None:
            if body is not None:
                raise TypeError("pass body= or json=, not both")
            if extra is not None:
                payload = json if isinstance(json, Mapping) else to_builtins(json)
                if not isinstance(payload, Mapping):
                    raise InvalidOptionError("extra_body", "needs a JSON object request body")
                json = deep_merge(payload, extra)
            body = encode_json(json)
        elif extra is not None and (body is None or isinstance(body, bytes)):
            body = merge_extra_body(body, extra)
        if merge and isinstance(body, bytes) and len(body) > self.config.max_request_bytes:
            raise RequestTooLargeError(len(body), self.config.max_request_bytes)
        return body

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Body | None = None,
        query: Mapping[str, object] | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        merge_extra_body: bool = True,
        idempotent: bool = True,
        json: Any = None,
    ) -> Coroutine[Any, Any, RawResponse]:
        """Sends one request (with retries) and reads the whole response: ``await`` it.

        A plain function that returns the retry loop's coroutine (one coroutine frame fewer
        per call than an ``async def``): the checks below run when it is called (no event loop
        needed: a blocking caller may build the coroutine in its own thread); the call's clock
        starts, and the request is sent, when the coroutine runs.

        Args:
            method: ``GET``, ``POST``, ``PATCH``, ``DELETE``...
            path: The resource path, e.g. ``models/gemini-2.5-flash:generateContent``.
            body: The JSON body, already encoded (``extra_body`` is merged in when set, which
                costs a decode and an encode), or raw bytes (or a memoryview) for binary
                bodies such as upload chunks (sent without a copy; never merged).
            query: Query parameters (``None`` values skipped).
            http_options: Per-call options, laid over the client's.
            headers: Extra headers for this call (they win).
            merge_extra_body: False for non-JSON bodies (upload chunks): ``extra_body`` is
                then not merged and the size limit does not apply.
            idempotent: False for a request that creates a job or stored resource: it is then
                retried only after answers proving nothing was done (408, 429, no connection).
            json: The JSON body as builtins or a msgspec Struct, instead of ``body``:
                ``extra_body`` (client and call) is merged into it once, then it is encoded
                once (the way ``types`` encodes: camelCase, URL-safe base64).

        Returns:
            A coroutine giving the 2xx response.

        Raises:
            The errors checked before sending (``RequestTooLargeError``,
            ``InvalidRequestError``, ``InvalidOptionError``, ``ClientClosedError``,
            ``EphemeralTokenAPIKeyError``) are raised by the call itself, the others by the
            awaited coroutine.
            APIError: An error status (the most specific subclass), after retries.
            ConnectError: No connection could be made, after retries.
            ConnectionLostError: The connection dropped before the response, after retries.
            StreamCutError: The response body was cut, after retries (idempotent requests).
            RequestTimeoutError: The call's timeout expired (retries, waits and the first
                call's lazy set-up included).
            ResponseTooLargeError: The response body passed ``max_response_bytes``.
            RequestTooLargeError: The JSON body is over ``max_request_bytes``; nothing was sent.
            InvalidRequestError: The path has a dot segment; nothing was sent.
            InvalidOptionError: Bad ``http_options``, or ``extra_body`` with a non-object body.
            ClientClosedError: The client is closed.
            EphemeralTokenAPIKeyError: The key is an ephemeral token.

        Cancellation: cancelling the caller aborts the request at once and frees its connection;
        a request cancelled after it was sent may still be executed (and billed) by the server.
        """
        if self._pool.closed or self._ephemeral:
            self._check_usable()
        plan = self._plan if http_options is None else self._plan_for(http_options)
        url = None if query is not None else plan.urls.get((method, path))
        if url is None:
            url = plan.target(self.backend, method, path, query)
        if json is not None or plan.extra_body is not None:
            body = self._json_body(plan, body, json, merge_extra_body)
        elif (
            merge_extra_body
            and isinstance(body, bytes)
            and len(body) > self.config.max_request_bytes
        ):
            raise RequestTooLargeError(len(body), self.config.max_request_bytes)
        if headers is None and self.governor is None and not self.backend.dynamic_auth:
            # What _send does for static auth and no governor, one coroutine frame fewer.
            return self._exchange.send(
                plan,
                method,
                url,
                body,
                plan.headers,
                path=path,
                started=None,
                read=True,
                idempotent=idempotent,
            )
        return self._send(
            plan, method, path, url, body, headers, None, read=True, idempotent=idempotent
        )

    def stream(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        query: Mapping[str, object] | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> SseStream:
        """Prepares a server-sent-events request; nothing is sent until the stream is opened.

        ``alt=sse`` is added to the query. The stream opens (with retries, before the first
        byte only) on ``await stream.open()``, ``async with`` or the first ``__anext__``.
        Timeouts: waits between opening attempts never cross the call's timeout; the stream
        as a whole is bounded by it only when ``HttpOptions.timeout`` was set explicitly;
        silence (no byte, including while waiting for the response headers) longer than the
        transport's ``stream_idle_timeout`` fails it with :class:`StreamIdleTimeoutError`.
        ``json=`` works as for :meth:`request`.

        Raises:
            ClientClosedError: The client is closed (raised here, synchronously).
            EphemeralTokenAPIKeyError: The key is an ephemeral token (raised here).
            InvalidOptionError: Bad ``http_options`` (raised here).
            InvalidRequestError: The path has a dot segment (raised here).
            RequestTooLargeError: The JSON body is over ``max_request_bytes`` (raised here).
            The stream's own errors (see :class:`SseStream`) when it is opened or iterated.
        """
        self._check_usable()
        plan = self._plan if http_options is None else self._plan_for(http_options)
        stream_query: dict[str, object] = {"alt": "sse"}
        if query:
            stream_query.update(query)
        url = plan.target(self.backend, method, path, stream_query)
        sent = self._json_body(plan, body, json, True)

        async def opener() -> Response:
            started = current_clock().now()
            self._check_usable()
            return await self._send(plan, method, path, url, sent, headers, started, read=False)

        return SseStream(
            opener, secrets=self._exchange.secrets, event_limit=self.config.max_sse_event_bytes
        )

    def open_body(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> RawBody:
        """Prepares a request whose (non-JSON) body is read in pieces: media downloads.

        Nothing is sent until the body is opened (``await body.open()`` or ``async with``);
        opening retries like :meth:`stream` (before the first byte only) and raises the typed
        error of an error status. Reads are bounded by the transport's idle timeout.

        Raises:
            ClientClosedError: The client is closed (raised here, synchronously).
            EphemeralTokenAPIKeyError: The key is an ephemeral token (raised here).
            InvalidOptionError: Bad ``http_options`` (raised here).
            InvalidRequestError: The path has a dot segment (raised here).
        """
        self._check_usable()
        plan = self._plan if http_options is None else self._plan_for(http_options)
        url = plan.target(self.backend, method, path, query)

        async def opener() -> Response:
            started = current_clock().now()
            self._check_usable()
            return await self._send(plan, method, path, url, None, headers, started, read=False)

        return RawBody(opener)

    @overload
    async def _send(
        self,
        plan: Plan,
        method: str,
        path: str,
        url: Any,
        body: Body | None,
        headers: Mapping[str, str] | None,
        started: float | None,
        *,
        read: Literal[True],
        idempotent: bool = True,
    ) -> RawResponse: ...

    @overload
    async def _send(
        self,
        plan: Plan,
        method: str,
        path: str,
        url: Any,
        body: Body | None,
        headers: Mapping[str, str] | None,
        started: float | None,
        *,
        read: Literal[False],
        idempotent: bool = True,
    ) -> Response: ...

    async def _send(
        self,
        plan: Plan,
        method: str,
        path: str,
        url: Any,
        body: Body | None,
        headers: Mapping[str, str] | None,
        started: float | None,
        *,
        read: bool,
        idempotent: bool = True,
    ) -> RawResponse | Response:
        """One call through the retry loop (read whole, or opened for streaming), with the
        client's auth headers and governor; after a 401 for a bearer token that looked valid,
        once more with a refreshed token. ``started`` ``None``: the clock is read here, before
        the auth headers are fetched."""
        if started is None:
            started = current_clock().now()
        req_headers = plan.headers
        if headers is not None or self.backend.dynamic_auth:
            req_headers = await self._headers(plan, headers)
        gate = None if self.governor is None else self.governor.gate_for(path, body)
        try:
            return await self._exchange.send(
                plan,
                method,
                url,
                body,
                req_headers,
                path=path,
                started=started,
                read=read,
                idempotent=idempotent,
                lazy=self.backend.dynamic_auth,
                gate=gate,
            )
        except UnauthenticatedError:
            if not self._reauthorize(req_headers, body):
                raise
        # The token was refused (revoked, or expired early): once more with a fresh one.
        return await self._exchange.send(
            plan,
            method,
            url,
            body,
            await self._headers(plan, headers),
            path=path,
            started=started,
            read=read,
            idempotent=idempotent,
            lazy=True,
            gate=gate,
        )

    def _reauthorize(self, sent: Mapping[str, str], body: object) -> bool:
        """After a 401: True when the request may be sent once more with a refreshed token
        (a bearer-token backend whose token can be refreshed, a body that can be resent)."""
        if not self.backend.dynamic_auth or not (body is None or isinstance(body, bytes)):
            return False
        reauthorize = getattr(self.backend, "reauthorize", None)
        return bool(reauthorize is not None and reauthorize(sent))

    async def _headers(self, plan: Plan, extra: Mapping[str, str] | None) -> dict[str, str]:
        merged = dict(plan.headers)
        if self.backend.dynamic_auth:
            merged.update(await self.backend.auth_headers())
        if extra:
            merged.update(extra)
        return merged

    async def aclose(self) -> None:
        """Stops the supervision tree (if any), then closes the transport. Idempotent."""
        if self.tree is not None:
            await self.tree.aclose()
        await self._pool.aclose()
