"""What each HTTP client behind the seam must do, over real loopback sockets (h1 and aiohttp).

Keep-alive and reuse after the server closed a connection, Content-Length, chunked and gzip
bodies, large uploads and downloads through the API, proxies from the environment (read once),
per-phase timeouts, cancellation that frees the connection. A scripted raw HTTP/1.1 server is
used where the test needs to see connections and bytes on the wire.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._transport import _session
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY
from .conftest import acquired, transport

MODEL = "gemini-2.5-flash"
OK = b'{"ok": true}'


@dataclass
class Exchange:
    """One request as the raw server saw it."""

    connection: int
    head: bytes
    body: bytes


Answer = Callable[[Exchange], tuple[bytes, bool]]  # (the response bytes, close afterwards)


def content_length(body: bytes, content_type: bytes = b"application/json") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (
        content_type,
        len(body),
        body,
    )


def chunked(*pieces: bytes, encoding: bytes = b"") -> bytes:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    if encoding:
        head += b"Content-Encoding: " + encoding + b"\r\n"
    frames = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p)
    return head + b"\r\n" + frames + b"0\r\n\r\n"


@dataclass
class RawServer:
    """A loopback HTTP/1.1 server answering each request with ``answer``; counts connections."""

    answer: Answer = lambda exchange: (content_length(OK), False)
    exchanges: list[Exchange] = field(default_factory=list)
    connections: int = 0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)
    url: str = ""
    _server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.readexactly(length)
                exchange = Exchange(number, head, body)
                self.exchanges.append(exchange)
                data, close = self.answer(exchange)
                writer.write(data)
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def close_idle(self) -> None:
        """Closes every connection from the server's side (as a server's idle timeout does)."""
        for writer in self.writers:
            writer.close()
        self.writers.clear()

    async def stop(self) -> None:
        self.close_idle()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@pytest.fixture
async def raw() -> AsyncIterator[RawServer]:
    server = RawServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def client_on(url: str, http_client: str, **options: object) -> ga.AsyncClient:
    return ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": url, **options},
        transport=transport(http_client),
    )


async def test_the_chosen_client_carries_the_calls(raw: RawServer, http_client: str) -> None:
    """The session of the pool is the chosen client's: h1's own, or aiohttp's."""
    async with client_on(raw.url, http_client) as client:
        await client.api_client.request("GET", "models")
        session = client.api_client._pool.current()
    expected = {"h1": "H1Session", "aiohttp": "AiohttpSession"}[http_client]
    assert type(session).__name__ == expected
    assert session is not None
    assert session.closed


async def test_keep_alive_reuses_a_connection_and_survives_server_closes(
    raw: RawServer, http_client: str
) -> None:
    """Calls share one connection; after the server closes it while idle, or says
    ``Connection: close``, the next calls (GET and a non-idempotent POST) use a new one."""
    async with client_on(raw.url, http_client, retry_options={"attempts": 1}) as client:
        api = client.api_client
        for _ in range(3):
            assert (await api.request("GET", "models")).json() == {"ok": True}
        assert raw.connections == 1
        raw.close_idle()
        await asyncio.sleep(0.05)  # the FIN reaches the client's idle connection
        await api.request("GET", "models")
        await api.request("POST", "batches", body=b"{}", idempotent=False)
        assert raw.connections == 2
        raw.answer = lambda exchange: (
            content_length(OK).replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1),
            True,
        )
        await api.request("GET", "models")
        raw.answer = lambda exchange: (content_length(OK), False)
        await api.request("POST", "batches", body=b"{}", idempotent=False)
        assert acquired(client) == 0
    assert [e.connection for e in raw.exchanges] == [1, 1, 1, 2, 2, 2, 3]
    assert [e.body for e in raw.exchanges if e.head.startswith(b"POST")] == [b"{}", b"{}"]


@pytest.mark.parametrize(
    "answer",
    [
        content_length(b'{"n": [1, 2, 3]}'),
        chunked(b'{"n": ', b"[1, 2", b", 3]}"),
        chunked(gzip.compress(b'{"n": [1, 2, 3]}')[:9], gzip.compress(b'{"n": [1, 2, 3]}')[9:]),
    ],
    ids=["content-length", "chunked", "chunked-gzip"],
)
async def test_bodies_by_length_chunks_and_gzip(
    raw: RawServer, http_client: str, answer: bytes
) -> None:
    """A body framed by Content-Length, by chunks, or gzip-compressed reads the same."""
    if b"\x1f\x8b" in answer:
        answer = answer.replace(
            b"Transfer-Encoding", b"Content-Encoding: gzip\r\nTransfer-Encoding", 1
        )
    raw.answer = lambda exchange: (answer, False)
    async with client_on(raw.url, http_client) as client:
        for _ in range(2):  # the connection is reusable after each framing
            assert (await client.api_client.request("GET", "models")).json() == {"n": [1, 2, 3]}
    assert raw.connections == 1
    assert b"accept-encoding: gzip" in raw.exchanges[0].head.lower()


async def test_large_upload_and_download_through_the_api(http_client: str) -> None:
    """A 20 MiB upload (three chunks) and a 20 MiB download arrive byte for byte."""
    data = os.urandom(20 * 1024 * 1024 + 3)
    async with (
        Emulator(api_key=API_KEY) as emu,
        client_on(emu.url, http_client) as client,
    ):
        file = await client.files.upload(
            file=io.BytesIO(data), config={"mime_type": "application/octet-stream"}
        )
        assert file.name is not None
        stored = emu.files.get(file.name.removeprefix("files/")).read()
        assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
        generated = emu.files.add(data, "video/mp4", source="GENERATED")
        got = await client.files.download(file=f"files/{generated.file_id}")
        assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
        assert acquired(client) == 0


async def test_a_proxy_from_the_environment_is_read_once(
    raw: RawServer, http_client: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY is read on first use: requests go to the proxy in absolute form; a later
    change of the environment is not seen by this process."""
    monkeypatch.setattr(_session, "_proxies", None)
    monkeypatch.setattr(_session, "_proxy_cache", {})
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", raw.url)  # the raw server plays the proxy
    target = "http://api.example.invalid:8080/"
    async with client_on(target, http_client) as client:
        await client.api_client.request("GET", "models")
        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9/")  # not read again
        await client.api_client.request("GET", "models")
    assert len(raw.exchanges) == 2
    for exchange in raw.exchanges:
        assert exchange.head.startswith(b"GET http://api.example.invalid:8080/v1/models HTTP/1.1")
        assert b"host: api.example.invalid:8080" in exchange.head.lower()


async def test_a_server_that_never_answers_times_out_per_phase(
    raw: RawServer, http_client: str
) -> None:
    """No answer: a plain call fails at its own timeout (RequestTimeoutError), a stream at the
    idle timeout (StreamIdleTimeoutError, the head counts as silence); both free the slot."""
    raw.answer = lambda exchange: (b"", False)  # reads the request, never answers
    async with ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": raw.url, "retry_options": {"attempts": 1}, "timeout": 1000},
        transport=transport(http_client, stream_idle_timeout=0.2),
    ) as client:
        api = client.api_client
        with pytest.raises(errors.RequestTimeoutError):
            await api.request("GET", "models")
        stream = api.stream("POST", "models/m:streamGenerateContent", body=b"{}")
        with pytest.raises(errors.StreamIdleTimeoutError):
            await stream.open()
        assert acquired(client) == 0


async def test_the_connect_timeout_bounds_a_handshake_that_never_completes(
    http_client: str,
) -> None:
    """A listener whose accept queue is full never completes the handshake: ConnectTimeoutError
    after the connect timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):  # fill the accept queue (never accepted)
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            fillers.append(filler)
        async with ga.AsyncClient(
            api_key=API_KEY,
            http_options={
                "base_url": f"http://127.0.0.1:{port}/",
                "retry_options": {"attempts": 1},
            },
            transport=transport(http_client, connect_timeout=0.3),
        ) as client:
            with pytest.raises(errors.ConnectTimeoutError):
                await client.api_client.request("GET", "models")
            assert acquired(client) == 0
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_cancelled_requests_free_their_connections(raw: RawServer, http_client: str) -> None:
    """Twenty requests cancelled while waiting for their answers free every connection; the
    next request works."""
    answering = asyncio.Event()

    def answer(exchange: Exchange) -> tuple[bytes, bool]:
        return (content_length(OK) if answering.is_set() else b"", False)

    raw.answer = answer
    async with client_on(raw.url, http_client) as client:
        api = client.api_client
        tasks = [asyncio.create_task(api.request("GET", f"models/m{i}")) for i in range(20)]
        for _ in range(200):
            if len(raw.exchanges) == 20:
                break
            await asyncio.sleep(0.01)
        assert len(raw.exchanges) == 20
        assert acquired(client) == 20
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert acquired(client) == 0
        answering.set()
        assert (await api.request("GET", "models")).json() == {"ok": True}


def test_an_h1_call_never_imports_aiohttp(emu_thread_url: str) -> None:
    """Constructing a client and making calls over h1 (the default) loads no aiohttp."""
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        import genai_actors as ga

        async def main():
            async with ga.AsyncClient(api_key={API_KEY!r},
                                      http_options={{"base_url": {emu_thread_url!r}}}) as c:
                assert c.api_client.config.http_client == "h1"
                r = await c.models.generate_content(model={MODEL!r}, contents="hi")
                assert r.text
                n = 0
                async for chunk in await c.models.generate_content_stream(
                        model={MODEL!r}, contents="hi"):
                    n += 1
                assert n
        asyncio.run(main())
        print("aiohttp" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.fixture
def emu_thread_url() -> Iterator[str]:
    """An emulator in a thread of its own (the subprocess client reaches it over loopback)."""
    with Emulator(api_key=API_KEY) as emulator:
        yield emulator.url
