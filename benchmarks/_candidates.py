"""Transport candidates (issue 15): other HTTP clients doing bare aiohttp's work, for comparison.

Each driver sends exactly the requests of :class:`benchmarks._clients.BareAiohttp` (prebuilt
JSON bytes, ``json.loads`` of the body, SSE split on ``\\r\\n\\r\\n``) through another client:

* ``aiohttp-tuned``: aiohttp with no cookie jar (``DummyCookieJar``), no ``User-Agent`` header,
  prebuilt ``CIMultiDict`` headers; gzip still offered and decoded.
* ``aiohttp-raw``: the same, with ``Accept-Encoding`` not sent and ``auto_decompress=False``.
* ``aiosonic``, ``pyreqwest`` (reqwest/hyper, Rust), ``rnet`` (wreq, Rust): their async clients,
  one per worker, keep-alive.

Not among the default clients of ``bench_client``: run one with
``python -m benchmarks._clients aiosonic URL`` (the package must be installed).
"""

from __future__ import annotations

import json
from typing import Any

from ._clients import API_KEY, BareAiohttp


class _Candidate(BareAiohttp):
    """Bare aiohttp's URLs and bodies; subclasses replace the three HTTP primitives."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        op_url = self._op_url

        async def op_get() -> Any:
            return await self._get(op_url)

        self.op_get = op_get

    async def _get(self, url: str) -> Any:
        raise NotImplementedError

    @staticmethod
    def _events(chunks: list[bytes]) -> int:
        """Splits and decodes SSE events as bare aiohttp does; returns their number."""
        count = 0
        buffer = b""
        for data in chunks:
            buffer += data
            *events, buffer = buffer.split(b"\r\n\r\n")
            for event in events:
                if event.startswith(b"data:"):
                    json.loads(event[5:])
                    count += 1
        return count


def _check(status: int, data: bytes) -> Any:
    if status != 200:
        raise RuntimeError(f"HTTP {status}: {data[:200]!r}")
    return json.loads(data)


class AiohttpTuned(BareAiohttp):
    """aiohttp without a cookie jar or User-Agent, prebuilt CIMultiDict headers."""

    raw = False

    def __init__(self, url: str) -> None:
        from multidict import CIMultiDict

        super().__init__(url)
        self._headers = CIMultiDict(self._headers)  # type: ignore[assignment]
        self._get_headers = CIMultiDict(self._get_headers)  # type: ignore[assignment]

    def _new_session(self) -> Any:
        import aiohttp

        skip = {"User-Agent", "Accept-Encoding"} if self.raw else {"User-Agent"}
        return aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=skip,
            auto_decompress=not self.raw,
        )


class AiohttpRaw(AiohttpTuned):
    """``aiohttp-tuned`` without gzip: no Accept-Encoding, ``auto_decompress=False``."""

    raw = True


class Aiosonic(_Candidate):
    """aiosonic's HTTPClient (pure Python, its own connection pool)."""

    def __init__(self, url: str) -> None:
        import aiosonic

        super().__init__(url)
        self._client = aiosonic.HTTPClient()

    async def _post(self, url: str, body: bytes) -> Any:
        resp = await self._client.post(url, data=body, headers=self._headers)
        return _check(resp.status_code, await resp.content())

    async def _get(self, url: str) -> Any:
        resp = await self._client.get(url, headers=self._get_headers)
        return _check(resp.status_code, await resp.content())

    async def _stream(self, config: dict[str, Any], wire: dict[str, Any]) -> int:
        body = json.dumps(wire).encode()
        resp = await self._client.post(self._stream_url, data=body, headers=self._headers)
        if resp.status_code != 200:
            raise RuntimeError(f"HTTP {resp.status_code}")
        return self._events([chunk async for chunk in resp.read_chunks()])

    async def aclose(self) -> None:
        await self._session.close()
        await self._client.connector.cleanup()


class Pyreqwest(_Candidate):
    """pyreqwest's async Client (reqwest and hyper in Rust, a tokio runtime)."""

    def __init__(self, url: str) -> None:
        from pyreqwest.client import ClientBuilder

        super().__init__(url)
        self._client = ClientBuilder().build()

    async def _post(self, url: str, body: bytes) -> Any:
        req = self._client.post(url).headers(self._headers).body_bytes(body).build()
        resp = await req.send()
        return _check(resp.status, bytes(await resp.bytes()))

    async def _get(self, url: str) -> Any:
        resp = await self._client.get(url).headers(self._get_headers).build().send()
        return _check(resp.status, bytes(await resp.bytes()))

    async def _stream(self, config: dict[str, Any], wire: dict[str, Any]) -> int:
        body = json.dumps(wire).encode()
        req = self._client.post(self._stream_url).headers(self._headers).body_bytes(body)
        chunks: list[bytes] = []
        async with req.build_streamed() as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            reader = resp.body_reader
            while (chunk := await reader.read_chunk()) is not None:
                chunks.append(bytes(chunk))
        return self._events(chunks)

    async def aclose(self) -> None:
        await self._session.close()
        await self._client.close()


class Rnet(_Candidate):
    """rnet's async Client (wreq/hyper in Rust, a tokio runtime)."""

    def __init__(self, url: str) -> None:
        import rnet

        super().__init__(url)
        self._client = rnet.Client()

    async def _post(self, url: str, body: bytes) -> Any:
        resp = await self._client.post(url, body=body, headers=self._headers)
        return _check(resp.status, await resp.bytes())

    async def _get(self, url: str) -> Any:
        resp = await self._client.get(url, headers=self._get_headers)
        return _check(resp.status, await resp.bytes())

    async def _stream(self, config: dict[str, Any], wire: dict[str, Any]) -> int:
        body = json.dumps(wire).encode()
        resp = await self._client.post(self._stream_url, body=body, headers=self._headers)
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        async with resp.stream() as streamer:
            chunks = [bytes(chunk) async for chunk in streamer]
        return self._events(chunks)


CANDIDATES = {
    "aiohttp-tuned": AiohttpTuned,
    "aiohttp-raw": AiohttpRaw,
    "aiosonic": Aiosonic,
    "pyreqwest": Pyreqwest,
    "rnet": Rnet,
}
__all__ = ["API_KEY", "CANDIDATES"]
