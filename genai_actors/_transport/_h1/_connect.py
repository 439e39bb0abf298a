"""Opening a connection: TCP, TLS, and HTTP proxies (absolute-form for http, ``CONNECT`` then
TLS for https); the default SSL contexts."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import Callable
from dataclasses import dataclass

import yarl

from ._connection import Connection
from ._errors import (
    CertificateError,
    ClientConnectError,
    HttpClientError,
    ProxyError,
    RequestError,
)

__all__ = ["Proxy", "open_connection", "parse_proxy", "ssl_context"]

_contexts: dict[bool, ssl.SSLContext] = {}


def ssl_context(option: ssl.SSLContext | bool) -> ssl.SSLContext:
    """The context for ``option``: itself, or a default one (verified for ``True``, checking
    nothing for ``False``), built once per process on first use."""
    if isinstance(option, ssl.SSLContext):
        return option
    context = _contexts.get(option)
    if context is None:
        context = ssl.create_default_context()
        if not option:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        _contexts[option] = context
    return context


@dataclass(frozen=True, slots=True)
class Proxy:
    """An HTTP proxy: where it is and the ``Proxy-Authorization`` value, if any."""

    host: str
    port: int
    authorization: str | None


def parse_proxy(proxy: str) -> Proxy:
    """Reads ``http://[user:password@]host[:port]``.

    Raises:
        RequestError: Not an ``http`` URL with a host.
    """
    url = yarl.URL(proxy)
    if url.scheme != "http" or not url.raw_host:
        raise RequestError(f"unsupported proxy URL (only http://host:port): {proxy!r}")
    authorization = None
    if url.user is not None:
        userinfo = f"{url.user}:{url.password or ''}".encode()
        authorization = "Basic " + base64.b64encode(userinfo).decode("ascii")
    return Proxy(url.raw_host, url.port or 80, authorization)


async def open_connection(
    factory: Callable[[], Connection],
    host: str,
    port: int,
    context: ssl.SSLContext | None,
    proxy: Proxy | None,
) -> Connection:
    """A new connection to ``host:port`` (through ``proxy``; TLS when ``context`` is given).

    Raises:
        CertificateError: The server's certificate did not verify.
        ProxyError: The proxy refused the tunnel.
        ClientConnectError: Any other failure to connect (DNS, refused, TLS handshake).

    Cancellation: nothing is left open.
    """
    loop = asyncio.get_running_loop()
    if proxy is None:
        return await _open(loop, factory, host, port, context, host, port)
    conn = await _open(loop, factory, proxy.host, proxy.port, None, proxy.host, proxy.port)
    if context is None:
        return conn
    try:
        await _tunnel(loop, conn, host, port, context, proxy)
    except BaseException:
        conn.abort(None)
        raise
    return conn


async def _open(
    loop: asyncio.AbstractEventLoop,
    factory: Callable[[], Connection],
    host: str,
    port: int,
    context: ssl.SSLContext | None,
    target_host: str,
    target_port: int,
) -> Connection:
    try:
        _, conn = await loop.create_connection(
            factory, host, port, ssl=context, server_hostname=host if context else None
        )
    except ssl.SSLCertVerificationError as exc:
        raise CertificateError(target_host, target_port, exc) from exc
    except (OSError, ssl.SSLError) as exc:
        raise ClientConnectError(target_host, target_port, exc) from exc
    return conn


async def _tunnel(
    loop: asyncio.AbstractEventLoop,
    conn: Connection,
    host: str,
    port: int,
    context: ssl.SSLContext,
    proxy: Proxy,
) -> None:
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    lines = [f"CONNECT {authority} HTTP/1.1", f"Host: {authority}"]
    if proxy.authorization is not None:
        lines.append(f"Proxy-Authorization: {proxy.authorization}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    try:
        response = await conn.start(head, True, None)
    except HttpClientError as exc:
        raise ClientConnectError(
            proxy.host, proxy.port, exc, "the proxy closed the tunnel"
        ) from exc
    if not 200 <= response.status < 300:
        raise ProxyError(proxy.host, proxy.port, response.status, response.reason)
    transport = conn.transport
    assert transport is not None
    try:
        tls = await loop.start_tls(transport, conn, context, server_hostname=host)
    except ssl.SSLCertVerificationError as exc:
        raise CertificateError(host, port, exc) from exc
    except (OSError, ssl.SSLError) as exc:
        raise ClientConnectError(host, port, exc) from exc
    if tls is None:  # pragma: no cover - only for transports that cannot start TLS
        raise ClientConnectError(host, port, None, "the transport cannot start TLS")
    conn.transport = tls
    conn.served = 0  # the tunnel's answer is not a response of the target
