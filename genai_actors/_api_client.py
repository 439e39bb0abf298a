"""``ApiClient``: the one seam every API module calls to talk HTTP.

A module encodes its request body to JSON bytes, calls :meth:`ApiClient.request` (or
:meth:`ApiClient.stream`) with a resource path, and decodes the bytes it gets back. Everything
below that line lives here: URL building and auth (through the backend, see ``_backend``),
headers, per-call ``HttpOptions``, ``extra_body``, timeouts, retries, and the mapping of every
failure to :mod:`genai_actors.errors`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from supervisors import current_clock

from . import __version__, _log
from ._backend import Backend, build_url
from ._transport import RetryPolicy, SessionPool, SseStream, TransportConfig, proxy_for
from ._transport._body import RawBody
from ._transport._stream import decode_json
from ._watch import TreeHost, WatchHub
from .errors import (
    ClientClosedError,
    ConnectError,
    ConnectionLostError,
    ConnectTimeoutError,
    EphemeralTokenAPIKeyError,
    GenAIError,
    RequestTimeoutError,
    StreamIdleTimeoutError,
    TransportError,
    UnsupportedByBackendError,
    error_from_response,
)
from .types._http import HttpOptions, HttpRetryOptions

if TYPE_CHECKING:
    import aiohttp
    from yarl import URL

__all__ = ["VERSION", "ApiClient", "HttpResponse", "coerce_http_options", "merge_http_options"]

VERSION = __version__
_PRODUCT = f"genai-actors/{VERSION}"
_LANGUAGE = "gl-python/" + sys.version.split()[0]
_URL_CACHE_LIMIT = 1024

_log_request = _log.get_logger("genai_actors.request")


class HttpResponse:
    """A successful (2xx) HTTP response, fully read.

    Attributes:
        status: The HTTP status.
        headers: The response headers (case-insensitive mapping).
        content: The raw body.
    """

    __slots__ = ("content", "headers", "status")

    def __init__(self, status: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status = status
        self.headers = headers
        self.content = content

    def json(self) -> Any:
        """The body decoded as JSON (``{}`` for an empty body).

        Raises:
            UnknownApiResponseError: The body is not valid JSON.
        """
        return decode_json(self.content) if self.content else {}

    def __repr__(self) -> str:
        return f"HttpResponse(status={self.status}, content=<{len(self.content)} bytes>)"


class _Plan:
    """Everything resolved for calls sharing one effective ``HttpOptions``."""

    __slots__ = (
        "api_version",
        "base_url",
        "explicit_timeout",
        "extra_body",
        "headers",
        "proxy",
        "ready",
        "request_timeout",
        "retry",
        "stream_timeout",
        "timeout",
        "urls",
    )

    def __init__(self, options: HttpOptions, backend: Backend, config: TransportConfig) -> None:
        self.base_url = options.base_url or backend.default_base_url
        self.api_version = options.api_version or backend.default_api_version
        headers = {
            "Content-Type": "application/json",
            "user-agent": f"{_PRODUCT} {_LANGUAGE}",
            "x-goog-api-client": f"{_PRODUCT} {_LANGUAGE}",
        }
        headers.update(backend.static_headers)
        if options.headers:
            headers.update(options.headers)
        explicit = options.timeout is not None
        if options.timeout is not None and not options.timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {options.timeout}")
        self.timeout: float = options.timeout if options.timeout is not None else config.timeout
        if explicit and "X-Server-Timeout" not in headers:
            headers["X-Server-Timeout"] = str(math.ceil(self.timeout))
        self.headers = headers
        self.retry = RetryPolicy.from_options(options.retry_options)
        self.extra_body = options.extra_body or None
        self.explicit_timeout = explicit
        self.urls: dict[str, URL] = {}
        self.ready = False  # the aiohttp-level settings below are made by prepare()
        self.request_timeout: aiohttp.ClientTimeout
        self.stream_timeout: aiohttp.ClientTimeout
        self.proxy: str | None

    def prepare(self, config: TransportConfig) -> None:
        """Builds the aiohttp timeouts and reads the proxy: on first use, not at construction."""
        import aiohttp

        self.request_timeout = aiohttp.ClientTimeout(
            total=self.timeout, connect=config.connect_timeout
        )
        self.stream_timeout = aiohttp.ClientTimeout(
            total=self.timeout if self.explicit_timeout else None,
            connect=config.connect_timeout,
            sock_read=config.stream_idle_timeout,
        )
        self.proxy = proxy_for(self.base_url)
        self.ready = True


def merge_http_options(base: HttpOptions, override: HttpOptions | Mapping[str, Any]) -> HttpOptions:
    """Lays per-call options over client options: set fields win, headers and extra_body merge.

    ``retry_options`` given per call replaces the client's (unset fields take the defaults).

    Raises:
        ValueError: ``override`` is a dict with unknown fields or wrong types.
    """
    if not isinstance(override, HttpOptions):
        override = coerce_http_options(override)
    headers = base.headers
    if override.headers:
        headers = {**(base.headers or {}), **override.headers}
    extra_body = base.extra_body
    if override.extra_body:
        extra_body = _deep_merge(dict(base.extra_body or {}), override.extra_body)
    return HttpOptions(
        base_url=override.base_url or base.base_url,
        api_version=override.api_version or base.api_version,
        headers=headers,
        timeout=override.timeout if override.timeout is not None else base.timeout,
        retry_options=(
            override.retry_options if override.retry_options is not None else base.retry_options
        ),
        extra_body=extra_body,
    )


def coerce_http_options(value: HttpOptions | Mapping[str, Any] | None) -> HttpOptions:
    """Accepts ``HttpOptions``, a dict of its fields, or ``None``.

    Raises:
        ValueError: Unknown field or wrong type (the message names the field).
    """
    if value is None:
        return HttpOptions()
    if isinstance(value, HttpOptions):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"http_options must be HttpOptions or a dict, not {type(value).__name__}")
    data = dict(value)
    retry = data.get("retry_options")
    if isinstance(retry, HttpRetryOptions):
        data["retry_options"] = msgspec.structs.asdict(retry)
    unknown = sorted(set(data) - set(HttpOptions.__struct_fields__))
    if unknown:
        raise ValueError(
            f"invalid http_options: unknown field(s) {', '.join(unknown)}; supported: "
            + ", ".join(HttpOptions.__struct_fields__)
        )
    try:
        return msgspec.convert(data, HttpOptions, strict=False)
    except msgspec.ValidationError as exc:
        raise ValueError(f"invalid http_options: {exc}") from None


def _deep_merge(target: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            target[key] = _deep_merge(dict(current), value)
        else:
            target[key] = value
    return target


class ApiClient:
    """Sends requests for the API modules. One per client; safe to share between tasks.

    Attributes:
        backend: Where requests go and how they are authenticated.
        http_options: The client-level options (per-call options are laid over them).
        config: Connection-level settings.
    """

    def __init__(
        self,
        backend: Backend,
        http_options: HttpOptions,
        config: TransportConfig,
        pool: SessionPool,
    ) -> None:
        self.backend = backend
        self.http_options = http_options
        self.config = config
        self._pool = pool
        self._plan = _Plan(http_options, backend, config)
        self._secrets = backend.secrets()
        self._ephemeral = bool(getattr(backend, "is_ephemeral_token", False))
        self._tag_headers: dict[tuple[str, ...], dict[str, str]] = {}
        # The client's supervision tree host (set by AsyncClient) and the watch hub on it.
        self.tree: TreeHost | None = None
        self._watchers: WatchHub | None = None

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
            token = _PRODUCT + "".join(f"+{tag}" for tag in tags)
            value = f"{token} {_LANGUAGE}"
            cached = {"user-agent": value, "x-goog-api-client": value}
            self._tag_headers[tags] = cached
        return dict(cached)

    def unsupported(self, feature: str, hint: str = "") -> UnsupportedByBackendError:
        """The error for ``feature`` (e.g. ``"models.generate_images"``) on this backend.

        Modules ``raise api.unsupported(...)`` before sending anything.
        """
        return UnsupportedByBackendError(self.backend.name, feature, hint)

    def url(
        self,
        path: str,
        query: Mapping[str, object] | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
    ) -> str:
        """The full URL a request for ``path`` goes to (no credentials in it)."""
        plan = self._plan_for(http_options)
        return build_url(
            plan.base_url, plan.api_version, self.backend.resource_path("GET", path), query
        )

    def _plan_for(self, http_options: HttpOptions | Mapping[str, Any] | None) -> _Plan:
        if http_options is None:
            return self._plan
        return _Plan(merge_http_options(self.http_options, http_options), self.backend, self.config)

    def _target(
        self, plan: _Plan, method: str, path: str, query: Mapping[str, object] | None
    ) -> URL:
        if query is None:
            url = plan.urls.get(path)
            if url is not None:
                return url
        from yarl import URL

        url = URL(
            build_url(
                plan.base_url, plan.api_version, self.backend.resource_path(method, path), query
            ),
            encoded=True,
        )
        if query is None:
            if len(plan.urls) >= _URL_CACHE_LIMIT:
                plan.urls.clear()
            plan.urls[path] = url
        return url

    def _check_usable(self) -> None:
        if self._pool.closed:
            raise ClientClosedError("the client is closed")
        if self._ephemeral:
            raise EphemeralTokenAPIKeyError(
                "ephemeral tokens (auth_tokens/...) only work with the Live API; "
                "use a regular API key for REST calls"
            )

    async def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | aiohttp.Payload | None = None,
        query: Mapping[str, object] | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        merge_extra_body: bool = True,
        idempotent: bool = True,
    ) -> HttpResponse:
        """Sends one request (with retries) and reads the whole response.

        Args:
            method: ``GET``, ``POST``, ``PATCH``, ``DELETE``...
            path: The resource path, e.g. ``models/gemini-2.5-flash:generateContent``.
            body: The JSON body, already encoded (``extra_body`` is merged in when set), or an
                ``aiohttp.Payload`` for large binary bodies (never merged).
            query: Query parameters (``None`` values skipped).
            http_options: Per-call options, laid over the client's.
            headers: Extra headers for this call (they win).
            merge_extra_body: False for non-JSON bodies (upload chunks): ``extra_body`` is
                then not merged.
            idempotent: False for a request that creates a job or stored resource: it is then
                retried only after answers proving nothing was done (408, 429, no connection).

        Returns:
            The 2xx response.

        Raises:
            APIError: An error status (the most specific subclass), after retries.
            ConnectError: No connection could be made, after retries.
            ConnectionLostError: The connection dropped before the response, after retries.
            RequestTimeoutError: The call's timeout expired (retries and waits included).
            ClientClosedError: The client is closed.
            EphemeralTokenAPIKeyError: The key is an ephemeral token.
            ValueError: Bad ``http_options``, or ``extra_body`` with a non-object body.

        Cancellation: cancelling the caller aborts the request at once and frees its connection;
        a request cancelled after it was sent may still be executed (and billed) by the server.
        """
        import aiohttp

        self._check_usable()
        plan = self._plan if http_options is None else self._plan_for(http_options)
        if not plan.ready:
            plan.prepare(self.config)
        url = self._target(plan, method, path, query)
        if (
            plan.extra_body is not None
            and merge_extra_body
            and (body is None or isinstance(body, bytes))
        ):
            body = self._merge_extra_body(body, plan.extra_body)
        req_headers = plan.headers
        if headers is not None or self.backend.dynamic_auth:
            req_headers = await self._headers(plan, headers)
        session = self._pool.current() or await self._pool.open()
        clock = current_clock()
        deadline = clock.now() + plan.timeout
        timeout = plan.request_timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = await session.request(
                    method,
                    url,
                    data=body,
                    headers=req_headers,
                    timeout=timeout,
                    proxy=plan.proxy,
                )
                try:
                    content = await resp.read()
                finally:
                    resp.release()
                if 200 <= resp.status < 300:
                    return HttpResponse(resp.status, resp.headers, content)
                error: GenAIError = self._api_error(resp.status, resp.reason, resp.headers, content)
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = _map_request_error(exc)
            except RuntimeError as exc:
                if not session.closed:
                    raise
                raise ClientClosedError("the client was closed during the call") from exc
            timeout = await self._backoff(plan, error, attempt, deadline, path, idempotent)

    def stream(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        query: Mapping[str, object] | None = None,
        http_options: HttpOptions | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> SseStream:
        """Prepares a server-sent-events request; nothing is sent until the stream is opened.

        ``alt=sse`` is added to the query. The stream opens (with retries, before the first
        byte only) on ``await stream.open()``, ``async with`` or the first ``__anext__``.
        Timeouts: waits between opening attempts never cross the call's timeout; the stream
        as a whole is bounded by it only when ``HttpOptions.timeout`` was set explicitly;
        silence (no byte, including while waiting for the response headers) longer than the
        transport's ``stream_idle_timeout`` fails it with :class:`StreamIdleTimeoutError`.

        Raises:
            ClientClosedError: The client is closed (raised here, synchronously).
            EphemeralTokenAPIKeyError: The key is an ephemeral token (raised here).
            ValueError: Bad ``http_options`` (raised here).
        """
        self._check_usable()
        plan = self._plan if http_options is None else self._plan_for(http_options)
        stream_query: dict[str, object] = {"alt": "sse"}
        if query:
            stream_query.update(query)
        url = self._target(plan, method, path, stream_query)
        if plan.extra_body is not None:
            body = self._merge_extra_body(body, plan.extra_body)

        async def opener() -> aiohttp.ClientResponse:
            return await self._open_stream(plan, method, path, url, body, headers)

        return SseStream(opener)

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
            ValueError: Bad ``http_options`` (raised here).
        """
        self._check_usable()
        plan = self._plan if http_options is None else self._plan_for(http_options)
        url = self._target(plan, method, path, query)

        async def opener() -> aiohttp.ClientResponse:
            return await self._open_stream(plan, method, path, url, None, headers)

        return RawBody(opener)

    async def _open_stream(
        self,
        plan: _Plan,
        method: str,
        path: str,
        url: URL,
        body: bytes | None,
        headers: Mapping[str, str] | None,
    ) -> aiohttp.ClientResponse:
        import aiohttp

        self._check_usable()
        if not plan.ready:
            plan.prepare(self.config)
        req_headers = plan.headers
        if headers is not None or self.backend.dynamic_auth:
            req_headers = await self._headers(plan, headers)
        session = self._pool.current() or await self._pool.open()
        clock = current_clock()
        deadline = clock.now() + plan.timeout
        timeout = plan.stream_timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = await session.request(
                    method, url, data=body, headers=req_headers, timeout=timeout, proxy=plan.proxy
                )
                if 200 <= resp.status < 300:
                    return resp
                try:
                    content = await resp.read()
                finally:
                    resp.release()
                error: GenAIError = self._api_error(resp.status, resp.reason, resp.headers, content)
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = _map_request_error(exc)
            except RuntimeError as exc:
                if not session.closed:
                    raise
                raise ClientClosedError("the client was closed during the call") from exc
            await self._backoff(plan, error, attempt, deadline, path)
            remaining = max(deadline - clock.now(), 0.001)
            if plan.stream_timeout.total is not None:
                timeout = aiohttp.ClientTimeout(
                    total=remaining,
                    connect=self.config.connect_timeout,
                    sock_read=self.config.stream_idle_timeout,
                )

    async def _backoff(
        self,
        plan: _Plan,
        error: GenAIError,
        attempt: int,
        deadline: float,
        path: str,
        idempotent: bool = True,
    ) -> aiohttp.ClientTimeout:
        """Waits before the next attempt, or raises ``error`` when it must not be retried."""
        delay = plan.retry.delay_for(error, attempt, idempotent=idempotent)
        if delay is None or self._pool.closed:
            raise error
        clock = current_clock()
        if clock.now() + delay >= deadline:
            _log_request.debug(
                "request.deadline", path=_loggable(path), attempt=attempt, delay=delay
            )
            raise error
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
            raise error
        import aiohttp

        return aiohttp.ClientTimeout(total=remaining, connect=self.config.connect_timeout)

    async def _headers(self, plan: _Plan, extra: Mapping[str, str] | None) -> dict[str, str]:
        merged = dict(plan.headers)
        if self.backend.dynamic_auth:
            merged.update(await self.backend.auth_headers())
        if extra:
            merged.update(extra)
        return merged

    def _merge_extra_body(self, body: bytes | None, extra: Mapping[str, Any]) -> bytes:
        try:
            decoded: Any = msgspec.json.decode(body) if body else {}
        except msgspec.DecodeError:
            decoded = None
        if not isinstance(decoded, dict):
            raise ValueError("extra_body needs a JSON object request body")
        return msgspec.json.encode(_deep_merge(decoded, extra))

    def _api_error(
        self, status: int, reason: str | None, headers: Mapping[str, str], content: bytes
    ) -> GenAIError:
        for secret in self._secrets:
            if secret and secret.encode() in content:
                content = content.replace(secret.encode(), b"***")
        try:
            parsed: Any = msgspec.json.decode(content) if content else {}
        except msgspec.DecodeError:
            parsed = {"message": content.decode("utf-8", "replace"), "status": reason}
        return error_from_response(status, parsed, headers)

    async def aclose(self) -> None:
        """Stops the supervision tree (if any), then closes the transport. Idempotent."""
        if self.tree is not None:
            await self.tree.aclose()
        await self._pool.aclose()


def _map_request_error(exc: BaseException) -> GenAIError:
    import aiohttp

    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        err: GenAIError = ConnectTimeoutError("no connection within the connect timeout")
    elif isinstance(exc, aiohttp.SocketTimeoutError):
        err = StreamIdleTimeoutError("the server sent nothing within the idle timeout")
    elif isinstance(exc, TimeoutError):
        err = RequestTimeoutError("the call's timeout expired")
    elif isinstance(exc, aiohttp.ClientConnectorError):
        err = ConnectError(f"cannot connect to the API: {type(exc).__name__}: {exc.os_error}")
    elif isinstance(exc, aiohttp.ClientPayloadError):
        err = ConnectionLostError("the connection was lost while reading the response")
    elif isinstance(exc, aiohttp.ClientConnectionError):
        err = ConnectionLostError(f"the connection was lost: {type(exc).__name__}")
    else:
        err = TransportError(f"transport failure: {type(exc).__name__}")
    err.__cause__ = exc
    return err


def _model_of(path: str) -> str | None:
    if path.startswith(("models/", "tunedModels/")):
        return path.split(":", 1)[0]
    return None


def _loggable(path: str) -> str:
    return path.split("?", 1)[0]
