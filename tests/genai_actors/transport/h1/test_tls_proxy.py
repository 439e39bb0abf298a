"""TLS (certificates checked) and HTTP proxies (absolute-form for http, CONNECT for https)."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yarl

from genai_actors._transport._h1 import (
    CertificateError,
    ClientConnectError,
    H1Session,
    ProxyError,
)
from genai_actors.emulator._tls import TlsFiles, make_certificate, server_context

from .conftest import RawServer, read_request


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1 (the emulator's generator)."""
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def tls_server(tls_files: TlsFiles) -> AsyncIterator[RawServer]:
    """A raw server answering ``ok`` over TLS."""
    server = RawServer()
    await server.start(ssl=server_context(tls_files))
    try:
        yield server
    finally:
        await server.stop()


def _trusting(ca: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca))


async def test_trusted_certificate(
    tls_server: RawServer, tls_files: TlsFiles, session: H1Session
) -> None:
    """A context trusting the server's CA connects, and the connection is kept alive."""
    context = _trusting(tls_files.ca_path)
    for _ in range(2):
        resp = await session.request("GET", tls_server.url, ssl=context)
        assert await resp.read() == b"ok"
    assert tls_server.connections == 1


async def test_untrusted_certificate(tls_server: RawServer, session: H1Session) -> None:
    """The default verified context refuses a self-signed certificate: CertificateError; with
    ssl=False nothing is checked."""
    with pytest.raises(CertificateError) as caught:
        await session.request("GET", tls_server.url)
    assert caught.value.port == tls_server.url.port
    assert session.in_flight == 0
    resp = await session.request("GET", tls_server.url, ssl=False)
    assert await resp.read() == b"ok"


async def test_refused_connection(session: H1Session) -> None:
    """Nothing listens: ClientConnectError with the host and port."""
    with socket_port() as port:
        pass
    with pytest.raises(ClientConnectError) as caught:
        await session.request("GET", yarl.URL(f"http://127.0.0.1:{port}/"))
    assert (caught.value.host, caught.value.port) == ("127.0.0.1", port)
    assert isinstance(caught.value.os_error, OSError)
    assert session.in_flight == 0


def socket_port():  # type: ignore[no-untyped-def]
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))

    class _Port:
        def __enter__(self) -> int:
            return int(sock.getsockname()[1])

        def __exit__(self, *_: object) -> None:
            sock.close()

    return _Port()


class Proxy:
    """A small HTTP proxy: forwards absolute-form requests and tunnels CONNECT."""

    def __init__(self, refuse: bool = False) -> None:
        self.lines: list[str] = []
        self.authorizations: list[str | None] = []
        self.refuse = refuse
        self.url = ""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://user:pa%20ss@127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            request = await read_request(reader)
            assert request is not None
            self.lines.append(request.line)
            self.authorizations.append(request.headers.get("proxy-authorization"))
            method, target, _ = request.line.split()
            if self.refuse:
                writer.write(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
                )
                await writer.drain()
                return
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                up_reader, up_writer = await asyncio.open_connection(host, int(port))
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            else:
                url = yarl.URL(target)
                up_reader, up_writer = await asyncio.open_connection(url.host, url.port)
                headers = "".join(
                    f"{k}: {v}\r\n"
                    for k, v in request.headers.items()
                    if k != "proxy-authorization"
                )
                up_writer.write(
                    f"{method} {url.raw_path_qs} HTTP/1.1\r\n{headers}\r\n".encode() + request.body
                )
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


@pytest.fixture
async def proxy() -> AsyncIterator[Proxy]:
    """A started forwarding proxy."""
    p = Proxy()
    await p.start()
    try:
        yield p
    finally:
        await p.stop()


async def test_http_through_proxy(raw: RawServer, proxy: Proxy, session: H1Session) -> None:
    """Plain http goes to the proxy in absolute-form with basic Proxy-Authorization; the
    target gets the request."""
    resp = await session.request(
        "POST", raw.url.with_path("/p") % {"a": "1"}, data=b"hi", proxy=proxy.url
    )
    assert await resp.read() == b"ok"
    assert proxy.lines == [f"POST http://127.0.0.1:{raw.url.port}/p?a=1 HTTP/1.1"]
    assert proxy.authorizations == ["Basic " + base64.b64encode(b"user:pa ss").decode()]
    assert raw.requests[-1].line == "POST /p?a=1 HTTP/1.1"
    assert raw.requests[-1].body == b"hi"


async def test_https_through_proxy_tunnel(
    tls_server: RawServer, tls_files: TlsFiles, proxy: Proxy, session: H1Session
) -> None:
    """https goes through CONNECT, then TLS with the target (its certificate checked); the
    tunnel is kept alive."""
    context = _trusting(tls_files.ca_path)
    for _ in range(2):
        resp = await session.request(
            "GET", tls_server.url.with_path("/t"), proxy=proxy.url, ssl=context
        )
        assert await resp.read() == b"ok"
    assert proxy.lines == [f"CONNECT 127.0.0.1:{tls_server.url.port} HTTP/1.1"]
    assert proxy.authorizations[0] is not None
    assert [r.line for r in tls_server.requests] == ["GET /t HTTP/1.1"] * 2
    with pytest.raises(CertificateError):
        await session.request("GET", tls_server.url, proxy=proxy.url)  # default: verified


async def test_proxy_refusing_the_tunnel(tls_server: RawServer) -> None:
    """A non-2xx answer to CONNECT is a ProxyError with the status."""
    refusing = Proxy(refuse=True)
    await refusing.start()
    session = H1Session()
    try:
        with pytest.raises(ProxyError) as caught:
            await session.request("GET", tls_server.url, proxy=refusing.url, ssl=False)
        assert caught.value.status == 407
        assert session.in_flight == 0
        assert session.open_connections == 0
    finally:
        await session.close()
        await refusing.stop()


async def test_plain_http_builds_no_ssl_context(
    raw: RawServer, session: H1Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests over plain http never build the default SSL context."""
    from genai_actors._transport._h1 import _connect

    monkeypatch.setattr(_connect, "_contexts", {})
    await (await session.request("GET", raw.url)).read()
    assert _connect._contexts == {}
