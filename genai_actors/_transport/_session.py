"""HTTP sessions, one per event loop, each over one connection pool; the SSL context; proxies.

Defaults (all seconds, all finite). The overall budget of one call is not here: it is
``HttpOptions.timeout`` (google-genai's type, in milliseconds; 600 s when unset), the one
place a call's timeout lives.

=========================  ======  ====================================================
``http_client``            "h1"    the HTTP client: ``"h1"`` (ours) or ``"aiohttp"``
``connect_timeout``         10.0   to open a new connection (TCP and TLS handshakes)
``stream_idle_timeout``    300.0   a stream that sends no byte for this long fails
``keepalive_timeout``       60.0   idle pooled connections are closed after this
``connection_limit``         512   connections per pool (per event loop)
``max_request_bytes``      100 MiB  a JSON request body over this is refused before sending
``max_response_bytes``     256 MiB  a response body over this fails (read incrementally)
``max_sse_event_bytes``     64 MiB  one stream event (or line) over this fails the stream
=========================  ======  ====================================================

The HTTP client. ``"h1"`` is the library's own HTTP/1.1 client (``_transport._h1``: asyncio
protocols and httptools, a keep-alive pool, TLS, proxies, per-phase timeouts), the default
because it costs a fraction of aiohttp's CPU per call (``docs/performance.md``, "The h1
transport"). ``"aiohttp"`` is the fallback: the same behaviour through ``aiohttp.ClientSession``
(``_aiohttp.py``), for an environment where h1 misbehaves. Everything above the session (the
retry loop, the error mapping, streams, caps) is the same code for both.

``max_request_bytes`` is the Gemini API's inline request limit (raised from 20 MB to 100 MB in
January 2026; inline data is base64, so about 75 MB of raw media): larger media goes through the
Files API. Upload chunks and other non-JSON bodies are not checked.

Waiting for a pooled connection is not connecting: when every connection of the pool is busy
(``connection_limit``, 512 per event loop by default), a call queues for one, bounded only by
its own budget (``HttpOptions.timeout``, 600 s by default), and the connect timeout starts when
a new connection is opened. So 2,000 concurrent streams over 512 connections run in turns, each
waiting as long as it must, without a connect-timeout failure or a retry. DNS resolution, done
before the handshakes, is bounded by the call's budget too.

A session is created lazily on first use in a loop and kept in a loop → session map, so a
client works from several loops and threads, one after the other or at once. When a loop is
shut down by ``asyncio.run`` (or any ``asyncio.Runner``), its session is closed inside that loop
through an async-generator finaliser the loop runs on shutdown; a loop closed any other way is
detected on next use and its entry dropped, so no call ever touches a dead loop.

Proxy settings are read once per process (``HTTP(S)_PROXY``, ``NO_PROXY``) instead of per
request; the SSL context is built at most once per process, lazily on the first https request
(never for plain http, such as the emulator's URL), from ``SSL_CERT_FILE``/``SSL_CERT_DIR`` or
certifi, and the client's own verified default otherwise; it is given per request, so the pool
itself has none. The HTTP client, ``ssl`` and ``urllib.request`` are imported when first needed
(the first session, SSL context or proxy lookup), never when this module is imported; aiohttp
is never imported when h1 is the client.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
import threading
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import InvalidOptionError

if TYPE_CHECKING:
    import ssl

    from ._wire import Session

__all__ = ["SessionPool", "TransportConfig", "proxy_for", "shared_ssl_context", "trust_roots"]

HTTP_CLIENTS = ("h1", "aiohttp")
DEFAULT_HTTP_CLIENT = "h1"
DEFAULT_TIMEOUT = 600.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_STREAM_IDLE_TIMEOUT = 300.0
DEFAULT_KEEPALIVE_TIMEOUT = 60.0
DEFAULT_CONNECTION_LIMIT = 512
DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_SSE_EVENT_BYTES = 64 * 1024 * 1024
READ_BUFSIZE = 2**22
_OTHER_LOOP_CLOSE_WAIT = 5.0


@dataclass(frozen=True, slots=True)
class TransportConfig:
    """Connection-level settings of a client (per-call settings live in ``HttpOptions``).

    Attributes:
        http_client: The HTTP client underneath: ``"h1"``, the library's own HTTP/1.1 client
            (the default: the cheapest per call), or ``"aiohttp"`` (the fallback). Both give
            the same behaviour, errors and guarantees.
        connect_timeout: Seconds to open a new connection (TCP and TLS handshakes); waiting
            for a pooled connection is bounded by the call's budget instead.
        stream_idle_timeout: Seconds a stream may stay silent before it fails.
        keepalive_timeout: Seconds an idle pooled connection is kept.
        connection_limit: Maximum simultaneous connections per event loop (0 = unlimited).
        connection_limit_per_host: Maximum per host (0 = unlimited).
        max_request_bytes: Largest JSON request body sent; a larger one raises
            :class:`~genai_actors.errors.RequestTooLargeError` before anything is sent.
        max_response_bytes: Largest response body read whole; past it the read stops with
            :class:`~genai_actors.errors.ResponseTooLargeError`. Media downloads, read in
            pieces, have their own caps.
        max_sse_event_bytes: Largest single event (or line) of a stream; past it the stream
            fails with :class:`~genai_actors.errors.ResponseTooLargeError`.

    Raises:
        InvalidOptionError: A field has the wrong type or an impossible value (the error's
            ``option`` names it).
    """

    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    stream_idle_timeout: float = DEFAULT_STREAM_IDLE_TIMEOUT
    keepalive_timeout: float = DEFAULT_KEEPALIVE_TIMEOUT
    connection_limit: int = DEFAULT_CONNECTION_LIMIT
    connection_limit_per_host: int = 0
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_sse_event_bytes: int = DEFAULT_MAX_SSE_EVENT_BYTES
    http_client: str = DEFAULT_HTTP_CLIENT

    def __post_init__(self) -> None:
        if self.http_client not in HTTP_CLIENTS:
            raise InvalidOptionError(
                "http_client", f"expected 'h1' or 'aiohttp', got {self.http_client!r}"
            )
        for name in ("connect_timeout", "stream_idle_timeout", "keepalive_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidOptionError(name, f"expected a number of seconds, got {value!r}")
            if name == "keepalive_timeout":  # 0 keeps no idle connection
                if not (value >= 0 and math.isfinite(value)):
                    raise InvalidOptionError(name, f"must be a finite number >= 0, got {value!r}")
            elif not (value > 0 and math.isfinite(value)):
                raise InvalidOptionError(
                    name, f"must be a positive, finite number of seconds, got {value!r}"
                )
        for name in (
            "connection_limit",
            "connection_limit_per_host",
            "max_request_bytes",
            "max_response_bytes",
            "max_sse_event_bytes",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidOptionError(name, f"expected an int, got {value!r}")
            least = 0 if name.startswith("connection") else 1
            if value < least:
                raise InvalidOptionError(name, f"must be >= {least}, got {value!r}")


_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | bool | None = None


def shared_ssl_context() -> ssl.SSLContext | bool:
    """The process-wide SSL setting for connectors, built once on first call.

    Returns:
        A context from ``SSL_CERT_FILE``/``SSL_CERT_DIR`` or certifi's bundle; ``True`` (the
        HTTP client's own verified default) when neither is available.
    """
    global _ssl_context
    if _ssl_context is not None:
        return _ssl_context
    with _ssl_lock:
        if _ssl_context is None:
            cafile, capath = trust_roots()
            if cafile is None and capath is None:
                _ssl_context = True
            else:
                import ssl

                _ssl_context = ssl.create_default_context(cafile=cafile, capath=capath)
        return _ssl_context


def trust_roots() -> tuple[str | None, str | None]:
    """The certificates the transport trusts: ``(cafile, capath)`` from ``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR``, else certifi's bundle; ``(None, None)`` when neither is available."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    if cafile is None and capath is None:
        try:
            import certifi

            cafile = certifi.where()
        except ImportError:
            pass
    return cafile, capath


_proxies: dict[str, str] | None = None
_proxy_cache: dict[tuple[str, str], str | None] = {}


def _read_proxies() -> dict[str, str]:
    """The proxies of the environment (``urllib.request.getproxies``). Where they can only come
    from ``*_proxy`` variables (not macOS or Windows, which also read system settings) and none
    is set, urllib.request (and http.client, email...) is not imported at all."""
    if sys.platform not in ("darwin", "win32") and not any(
        key.lower().endswith("_proxy") for key in os.environ
    ):
        return {}
    import urllib.request

    return urllib.request.getproxies()


def proxy_for(url: str) -> str | None:
    """The proxy URL for ``url`` from the environment (read once per process), or ``None``."""
    global _proxies
    parts = urlsplit(url)
    key = (parts.scheme, parts.hostname or "")
    try:
        return _proxy_cache[key]
    except KeyError:
        pass
    if _proxies is None:
        _proxies = _read_proxies()
    proxy = _proxies.get(parts.scheme)
    if proxy and parts.hostname:
        import urllib.request

        if urllib.request.proxy_bypass(parts.hostname):
            proxy = None
    _proxy_cache[key] = proxy or None
    return proxy or None


class _Entry:
    __slots__ = ("session", "watcher")

    def __init__(self, session: Session, watcher: AsyncGenerator[None, None]) -> None:
        self.session = session
        self.watcher = watcher


def _h1_session(config: TransportConfig) -> tuple[Session, tuple[type[BaseException], ...]]:
    from ._h1 import H1Session, HttpClientError

    session = H1Session(
        limit=config.connection_limit,
        limit_per_host=config.connection_limit_per_host,
        keepalive_timeout=config.keepalive_timeout,
        read_bufsize=READ_BUFSIZE,
    )
    return session, (HttpClientError, TimeoutError)


def _aiohttp_session(config: TransportConfig) -> tuple[Session, tuple[type[BaseException], ...]]:
    from ._aiohttp import ERRORS, AiohttpSession

    return AiohttpSession(config, READ_BUFSIZE), ERRORS


class SessionPool:
    """One HTTP session (and its connection pool) per event loop, created on first use.

    The session is h1's or aiohttp's, as ``TransportConfig.http_client`` says. Thread-safe:
    loops in different threads each get their own session.

    Attributes:
        errors: The exception classes the chosen client raises from a request or a body read
            (its own, and ``TimeoutError``): what the transport catches and maps. Set by the
            first :meth:`open`.
        opened: True once a session was ever created.
        closed: True once :meth:`aclose` ran.
        last: The loop and session :meth:`current` found last (``None`` at first): what a
            caller on the hot path may check itself (same loop, session not closed) before
            calling :meth:`current`.
    """

    def __init__(self, config: TransportConfig) -> None:
        self._config = config
        self._entries: dict[asyncio.AbstractEventLoop, _Entry] = {}
        self._lock = threading.Lock()
        self.last: tuple[asyncio.AbstractEventLoop, Session] | None = None
        self.errors: tuple[type[BaseException], ...] = (TimeoutError,)
        self.opened = False
        self.closed = False

    def current(self) -> Session | None:
        """The running loop's open session, or ``None`` if :meth:`open` must create it.

        Raises:
            RuntimeError: No event loop is running in this thread.
        """
        loop = asyncio.get_running_loop()
        last = self.last
        if last is not None and last[0] is loop and not last[1].closed:
            return last[1]
        with self._lock:
            entry = self._entries.get(loop)
            if entry is None or entry.session.closed:
                return None
            self.last = (loop, entry.session)
            return entry.session

    async def open(self) -> Session:
        """Returns the running loop's session, creating it (and its pool) if needed.

        Raises:
            ImportError: The chosen HTTP client's package is missing.
        """
        make = _h1_session if self._config.http_client == "h1" else _aiohttp_session
        loop = asyncio.get_running_loop()
        with self._lock:
            for dead in [lp for lp in self._entries if lp.is_closed()]:
                del self._entries[dead]
            entry = self._entries.get(loop)
            if entry is not None and not entry.session.closed:
                self.last = (loop, entry.session)
                return entry.session
            session, self.errors = make(self._config)
            watcher = _close_on_loop_shutdown(self, loop, session)
            self._entries[loop] = _Entry(session, watcher)
            self.last = (loop, session)
            self.opened = True
        # Registers the generator with the loop, which finalises it on shutdown_asyncgens().
        await watcher.__anext__()
        return session

    def busy(self) -> int:
        """Connections of the running loop's pool in use by a request or an open response
        (for tests and metrics); 0 when there is no session."""
        session = self.current()
        if session is None:
            return 0
        count = getattr(session, "in_flight", None)  # h1's; the aiohttp adapter's is "busy"
        return int(session.busy if count is None else count)  # type: ignore[attr-defined]

    def _forget(self, loop: asyncio.AbstractEventLoop, session: Session) -> None:
        with self._lock:
            entry = self._entries.get(loop)
            if entry is not None and entry.session is session:
                del self._entries[loop]
            if self.last is not None and self.last[1] is session:
                self.last = None

    async def aclose(self) -> None:
        """Closes every session: in this loop directly, in other running loops through them.

        Sessions of loops already closed are dropped (nothing can run there any more). Safe to
        call more than once. If cancelled, the current loop's session is still closed.
        """
        with self._lock:
            self.closed = True
            entries, self._entries = self._entries, {}
            self.last = None
        try:
            current: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        waits: list[asyncio.Future[None]] = []
        mine: _Entry | None = None
        for loop, entry in entries.items():
            if loop is current:
                mine = entry
            elif loop.is_running() and not loop.is_closed():
                try:
                    future = asyncio.run_coroutine_threadsafe(_finish(entry), loop)
                except RuntimeError:
                    continue
                if current is not None:
                    waits.append(asyncio.wrap_future(future))
        if mine is not None:
            await asyncio.shield(_finish(mine))
        if waits:
            # Bounded: the other loop may be blocked waiting on us (a blocking close from it).
            await asyncio.wait(waits, timeout=_OTHER_LOOP_CLOSE_WAIT)


async def _finish(entry: _Entry) -> None:
    await entry.session.close()
    await entry.watcher.aclose()


async def _close_on_loop_shutdown(
    pool: SessionPool, loop: asyncio.AbstractEventLoop, session: Session
) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        pool._forget(loop, session)
        if not session.closed:
            await session.close()
