"""``H1Session``: requests over a pool of keep-alive HTTP/1.1 connections, with per-phase
timeouts on loop timers."""

from __future__ import annotations

import asyncio
import ssl as ssl_module
from collections.abc import Mapping

import yarl

from .._timeouts import Timeouts
from ._connect import Proxy, open_connection, parse_proxy, ssl_context
from ._connection import SMALL_BODY, Connection
from ._errors import (
    ConnectTimeout,
    HttpClientError,
    RequestError,
    ServerDisconnected,
    SessionClosed,
    TotalTimeout,
    WrongLoop,
)
from ._head import header_block, request_line
from ._pool import Pool
from ._response import H1Response
from ._timer import ExchangeTimer

__all__ = ["H1Session"]

_NO_TIMEOUTS = Timeouts()
# A stale keep-alive connection is retried once for these (a repeat does no harm).
_IDEMPOTENT = frozenset(("GET", "HEAD", "PUT", "DELETE", "OPTIONS"))
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ROUTES = 512  # URLs whose parts are kept parsed (the cache is emptied when full)
_ORIGINS = 64  # origins (scheme and authority) kept parsed (the same)
_HEADS = 64  # encoded heads kept per URL, header blocks per origin (the same)

HeadKey = tuple[str, bool, str | None]  # method, whether a body follows, proxy
Cached = tuple[dict[str, str] | None, bytes]  # a copy of the headers, and what they made


class _Origin:
    """What the URLs of one scheme and authority share, parsed once, and the header blocks
    encoded for them (the head after its request line) by method, body and proxy."""

    __slots__ = ("authority", "blocks", "host", "port", "scheme", "tls")

    def __init__(self, url: yarl.URL) -> None:
        scheme = url.scheme
        host = url.raw_host
        if scheme not in _DEFAULT_PORTS or not host:
            raise RequestError(f"cannot request {str(url)!r}: only http and https URLs")
        self.scheme = scheme
        self.host = host
        self.port = url.port or _DEFAULT_PORTS[scheme]
        self.tls = scheme == "https"
        self.authority = url.host_port_subcomponent or host
        self.blocks: dict[HeadKey, Cached] = {}


class _Route:
    """What a request needs of one URL object (its origin's parts and its target), and its
    last encoded head by method, whether a body follows and proxy (with a copy of the
    headers it was made of)."""

    __slots__ = ("authority", "heads", "host", "origin", "port", "scheme", "target", "tls", "url")

    def __init__(self, url: yarl.URL, origin: _Origin) -> None:
        self.url = url  # kept: the cache is keyed by its id
        self.origin = origin
        self.scheme = origin.scheme
        self.host = origin.host
        self.port = origin.port
        self.tls = origin.tls
        self.authority = origin.authority
        self.target = url.raw_path_qs
        self.heads: dict[HeadKey, Cached] = {}


class H1Session:
    """An HTTP/1.1 client session: one connection pool, bound to the event loop of its first
    request.

    Args:
        limit: Requests in flight at most (each holds one connection); more wait in line.
        limit_per_host: The same per origin (0: no bound of its own).
        keepalive_timeout: Idle connections are closed after this many seconds.
        read_bufsize: Bytes of a body buffered unread before the socket stops being read.

    Attributes:
        closed: Whether :meth:`close` was called.

    Creating a session does no I/O and needs no running loop.
    """

    def __init__(
        self,
        *,
        limit: int = 512,
        limit_per_host: int = 0,
        keepalive_timeout: float = 60.0,
        read_bufsize: int = 2**22,
    ) -> None:
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._keepalive_timeout = keepalive_timeout
        self._read_bufsize = read_bufsize
        self._pool: Pool | None = None
        self._proxies: dict[str, Proxy] = {}
        self._routes: dict[int, _Route] = {}
        self._origins: dict[tuple[str, str], _Origin] = {}
        self.closed = False

    @property
    def open_connections(self) -> int:
        """Connections open now, idle or in use."""
        return 0 if self._pool is None else self._pool.open_connections

    @property
    def idle_connections(self) -> int:
        """Keep-alive connections open and idle now."""
        return 0 if self._pool is None else self._pool.idle_connections

    @property
    def in_flight(self) -> int:
        """Requests holding a slot of the pool now (from their start to their body's end)."""
        return 0 if self._pool is None else self._pool.in_use

    def _bind(self) -> Pool:
        loop = asyncio.get_running_loop()
        pool = self._pool
        if pool is None:
            pool = self._pool = Pool(
                loop, self._limit, self._limit_per_host, self._keepalive_timeout
            )
        elif pool.loop is not loop:
            raise WrongLoop("this HTTP session belongs to another event loop")
        return pool

    async def request(
        self,
        method: str,
        url: yarl.URL,
        *,
        data: bytes | bytearray | memoryview | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeouts = _NO_TIMEOUTS,  # noqa: ASYNC109 - the agreed interface
        proxy: str | None = None,
        ssl: ssl_module.SSLContext | bool = True,
    ) -> H1Response:
        """Sends a request; returns once the response's status line and headers are in.

        The body is then read from the response (``read()``, ``content``); its connection goes
        back to the pool when the body has arrived in full.

        Raises:
            SessionClosed: The session is (or gets) closed.
            WrongLoop: Called from another event loop than the first request's.
            RequestError: Nothing can be sent as given (scheme, header, proxy URL).
            ClientConnectError: No connection (``CertificateError``, ``ProxyError`` are kinds).
            ConnectTimeout: ``timeout.connect`` or ``timeout.sock_connect`` passed.
            ReadTimeout: No byte of the head came for ``timeout.sock_read`` seconds.
            TotalTimeout: ``timeout.total`` passed.
            ServerDisconnected: The connection closed before the head arrived.
            ProtocolError: The head is not HTTP/1.1.

        Cancellation: the request's slot in the pool is freed and its connection (if it had
        one, in whatever state) is closed.
        """
        if self.closed:
            raise SessionClosed("the HTTP session is closed")
        pool = self._pool
        if pool is None or pool.loop is not asyncio.get_running_loop():
            pool = self._bind()
        loop = pool.loop
        route = self._routes.get(id(url))
        if route is None or route.url is not url:
            route = self._route(url)
        host = route.host
        port = route.port
        tls = route.tls
        via = None
        if proxy is not None:
            via = self._proxies.get(proxy)
            if via is None:
                via = self._proxies[proxy] = parse_proxy(proxy)
        key = (route.scheme, host, port, proxy, ssl if tls else None)
        body = data if data is None or isinstance(data, bytes) else memoryview(data).cast("B")
        has_body = body is not None
        # The head depends only on these, the route and the headers: the last one encoded for
        # them is reused while the headers are equal to a copy kept of those it was made of.
        head_key = (method, has_body, proxy)
        cached = route.heads.get(head_key)
        if cached is not None and cached[0] == headers:
            head = cached[1]
        else:
            head = self._head(route, head_key, method, headers, has_body, via)
        sending = False
        if body is not None:
            if len(body) <= SMALL_BODY:
                # %b takes any buffer (a memoryview too); typeshed says bytes only.
                head = b"%s%d\r\n\r\n%b" % (head, len(body), body)  # type: ignore[str-format]
            else:
                head = b"%s%d\r\n\r\n" % (head, len(body))
                sending = True

        total, connect, sock_connect, sock_read = (
            timeout.total,
            timeout.connect,
            timeout.sock_connect,
            timeout.sock_read,
        )
        timed = total is not None or connect is not None or sock_connect is not None
        start = loop.time() if timed or sock_read is not None else 0.0
        deadline = None if total is None else start + total
        retried = False
        while True:
            taken = pool.take(key, not retried)  # a retry goes on a new connection
            conn: Connection | None
            if taken is not False:
                conn = taken
            else:
                when, error = _nearest(
                    (deadline, TotalTimeout("the request took longer than its total timeout")),
                    (
                        None if connect is None else start + connect,
                        ConnectTimeout(f"no connection within {connect} seconds"),
                    ),
                )
                await pool.acquire(key, when, error)
                conn = None if retried else pool.take_idle(key)
            fresh = conn is None
            if conn is None:
                try:
                    conn = await self._connect(
                        pool, key, host, port, ssl if tls else None, via, start, timeout
                    )
                except BaseException:
                    pool.release(key)
                    raise
            conn.leased = True
            try:
                timer = None
                if deadline is not None or sock_read is not None:
                    timer = ExchangeTimer(
                        pool.deadlines, loop.time(), deadline, sock_read, conn.on_timeout
                    )
                waiter = conn.start(head, method == "HEAD", timer, sending)
                if sending:
                    assert body is not None
                    try:
                        await self._send_body(conn, body, timer)
                    except BaseException:
                        if waiter.done() and not waiter.cancelled():
                            waiter.exception()  # retrieved: the send's failure is raised
                        raise
                return await waiter
            except BaseException as exc:
                conn.abort(None)  # its state is unknown; frees its slot
                if (
                    not isinstance(exc, ServerDisconnected)
                    or fresh
                    or retried
                    or conn.got_bytes
                    or method not in _IDEMPOTENT
                ):
                    raise
                retried = True  # a stale keep-alive connection: once more on a new one

    def _route(self, url: yarl.URL) -> _Route:
        origins = self._origins
        origin_key = (url.scheme, url.raw_authority)
        origin = origins.get(origin_key)
        if origin is None:
            origin = _Origin(url)  # RequestError: not an http(s) URL
            if len(origins) >= _ORIGINS:
                origins.clear()
            origins[origin_key] = origin
        route = _Route(url, origin)
        routes = self._routes
        if len(routes) >= _ROUTES:
            routes.clear()
        routes[id(url)] = route
        return route

    @staticmethod
    def _head(
        route: _Route,
        head_key: HeadKey,
        method: str,
        headers: Mapping[str, str] | None,
        has_body: bool,
        via: Proxy | None,
    ) -> bytes:
        if via is not None and not route.tls:  # absolute-form to the proxy
            target = str(route.url.with_fragment(None))
            authorization = via.authorization
        else:
            target = route.target
            authorization = None
        copied = None if headers is None else dict(headers)
        blocks = route.origin.blocks
        cached = blocks.get(head_key)
        if cached is not None and cached[0] == headers:
            block = cached[1]
        else:
            block = header_block(method, route.authority, headers, has_body, authorization)
            if len(blocks) >= _HEADS:
                blocks.clear()
            blocks[head_key] = (copied, block)
        head = request_line(method, target) + block
        heads = route.heads
        if len(heads) >= _HEADS:
            heads.clear()
        heads[head_key] = (copied, head)
        return head

    async def _connect(
        self,
        pool: Pool,
        key: tuple[object, ...],
        host: str,
        port: int,
        ssl: ssl_module.SSLContext | bool | None,
        via: Proxy | None,
        start: float,
        timeout: Timeouts,  # noqa: ASYNC109 - applied with loop timers
    ) -> Connection:
        loop = pool.loop
        bufsize = self._read_bufsize
        context = None if ssl is None else ssl_context(ssl)

        def factory() -> Connection:
            return Connection(pool, key, loop, bufsize)

        when, error = _nearest(
            (
                None if timeout.total is None else start + timeout.total,
                TotalTimeout("the request took longer than its total timeout"),
            ),
            (
                None if timeout.connect is None else start + timeout.connect,
                ConnectTimeout(f"no connection within {timeout.connect} seconds"),
            ),
            (
                None if timeout.sock_connect is None else loop.time() + timeout.sock_connect,
                ConnectTimeout(f"the handshakes took longer than {timeout.sock_connect} seconds"),
            ),
        )
        if when is None:
            conn = await open_connection(factory, host, port, context, via)
        else:
            limit = asyncio.timeout_at(when)
            try:
                async with limit:
                    conn = await open_connection(factory, host, port, context, via)
            except TimeoutError as exc:
                if limit.expired() and error is not None:
                    raise error from exc
                raise
        if pool.closed:
            conn.abort(SessionClosed("the HTTP session was closed"))
            raise SessionClosed("the HTTP session was closed")
        pool.add(conn)
        return conn

    @staticmethod
    async def _send_body(
        conn: Connection, body: bytes | memoryview, timer: ExchangeTimer | None
    ) -> None:
        if timer is not None:
            timer.paused = True  # no read silence while writing
        await conn.send_body(body if isinstance(body, memoryview) else memoryview(body))
        if timer is not None:
            timer.paused = False
            timer.last_data = conn.loop.time()

    async def close(self) -> None:
        """Closes every connection; requests in flight fail with ``SessionClosed``, and so do
        later ones. Idempotent; safe after the session's loop has closed."""
        if self.closed:
            return
        self.closed = True
        pool = self._pool
        if pool is None:
            return
        if pool.loop.is_closed():
            for conn in pool.connections():
                conn.close_on_dead_loop()
            return
        pool.close()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover - close() is a coroutine: a loop runs it
            return
        if running is pool.loop:
            # Let the aborted transports finish closing (a TLS transport takes two turns).
            for _ in range(3):
                await asyncio.sleep(0)


def _nearest(
    *candidates: tuple[float | None, HttpClientError],
) -> tuple[float | None, HttpClientError | None]:
    when: float | None = None
    error: HttpClientError | None = None
    for at, candidate in candidates:
        if at is not None and (when is None or at < when):
            when, error = at, candidate
    return when, error
