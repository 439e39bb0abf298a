"""One benchmark worker: drives one client against a running emulator and prints JSON results.

Run by ``benchmarks.bench_client`` in a fresh interpreter per client and round::

    python -m benchmarks._clients CLIENT URL --calls N --streams M

``CLIENT`` is ``aiohttp`` (bare aiohttp: prebuilt JSON bytes, ``json.loads``), ``genai_actors``
or ``google-genai`` (its async client, which uses aiohttp when installed). Every client sends the
same requests (same paths, same JSON bodies) to the same emulator. CPU is
``time.process_time()`` of this process only: the emulator runs in another process.

Workloads, each after a warm-up:

* ``generate``: sequential ``generate_content`` calls.
* ``stream_long`` / ``stream_short``: sequential streams with many chunks (thoughts included,
  the emulator streaming one word per event) and with one chunk. The marginal cost of a chunk is
  ``(cpu_long - cpu_short) / (chunks_long - chunks_short)``, free of per-call overhead.
* ``embed``: sequential ``embed_content`` calls (``batchEmbedContents`` with one input).

Bare aiohttp reads a stream with ``iter_any()`` and splits events on ``\\r\\n\\r\\n`` (the
framing the API uses): the cheapest correct reader for this server.

``--first`` instead measures a cold start: import, client construction, the first request and
the second request (wall time, seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

API_KEY = "bench-key"
MODEL = "gemini-2.5-flash"
EMBED_MODEL = "gemini-embedding-001"
API_VERSION = "v1beta"
PROMPT = "Summarise in one paragraph why a team should write unit tests before refactoring."
EMBED_TEXT = "Unit tests make refactoring safe."

# The same requests for every client: config dicts for the SDKs, wire bodies for bare aiohttp.
LONG_CONFIG: dict[str, Any] = {"thinking_config": {"include_thoughts": True}}
SHORT_CONFIG: dict[str, Any] = {"max_output_tokens": 1, "thinking_config": {"thinking_budget": 0}}
# Key order as both SDKs send it: the emulator seeds its answer from the request's bytes.
_CONTENTS = [{"parts": [{"text": PROMPT}], "role": "user"}]
GENERATE_BODY: dict[str, Any] = {"contents": _CONTENTS}
LONG_BODY: dict[str, Any] = {
    "contents": _CONTENTS,
    "generationConfig": {"thinkingConfig": {"includeThoughts": True}},
}
SHORT_BODY: dict[str, Any] = {
    "contents": _CONTENTS,
    "generationConfig": {"maxOutputTokens": 1, "thinkingConfig": {"thinkingBudget": 0}},
}
EMBED_BODY: dict[str, Any] = {
    "requests": [{"model": f"models/{EMBED_MODEL}", "content": {"parts": [{"text": EMBED_TEXT}]}}]
}

Call = Callable[[], Awaitable[Any]]
Stream = Callable[[dict[str, Any], dict[str, Any]], Awaitable[int]]


class Driver:
    """The operations one client offers the benchmark: each returns when the call is done."""

    generate: Call
    embed: Call
    stream: Stream  # (sdk config, wire body) -> number of chunks received

    async def aclose(self) -> None:
        """Closes the client."""


class BareAiohttp(Driver):
    """Bare aiohttp: one session, prebuilt bodies, ``resp.read()`` + ``json.loads``."""

    def __init__(self, url: str) -> None:
        import aiohttp

        self._session = aiohttp.ClientSession()
        base = f"{url}/{API_VERSION}/models"
        self._gen_url = f"{base}/{MODEL}:generateContent"
        self._stream_url = f"{base}/{MODEL}:streamGenerateContent?alt=sse"
        self._embed_url = f"{base}/{EMBED_MODEL}:batchEmbedContents"
        self._headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
        self._gen_body = json.dumps(GENERATE_BODY).encode()
        self._embed_body = json.dumps(EMBED_BODY).encode()
        self._stream_bodies: dict[int, bytes] = {}

        async def generate() -> Any:
            return await self._post(self._gen_url, self._gen_body)

        async def embed() -> Any:
            return await self._post(self._embed_url, self._embed_body)

        self.generate = generate
        self.embed = embed
        self.stream = self._stream

    async def _post(self, url: str, body: bytes) -> Any:
        async with self._session.post(url, data=body, headers=self._headers) as resp:
            data = await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}: {data[:200]!r}")
            return json.loads(data)

    async def _stream(self, config: dict[str, Any], wire: dict[str, Any]) -> int:
        body = self._stream_bodies.get(id(wire))
        if body is None:
            body = self._stream_bodies[id(wire)] = json.dumps(wire).encode()
        chunks = 0
        async with self._session.post(self._stream_url, data=body, headers=self._headers) as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            buffer = b""
            async for data in resp.content.iter_any():
                buffer += data
                *events, buffer = buffer.split(b"\r\n\r\n")  # the API's event separator
                for event in events:
                    if event.startswith(b"data:"):
                        json.loads(event[5:])
                        chunks += 1
        return chunks

    async def aclose(self) -> None:
        await self._session.close()


class GenaiActors(Driver):
    """genai_actors.AsyncClient through its public ``models`` methods."""

    def __init__(self, url: str) -> None:
        import genai_actors

        self._client = genai_actors.AsyncClient(
            api_key=API_KEY, http_options={"base_url": url, "api_version": API_VERSION}
        )
        models = self._client.models

        async def generate() -> Any:
            return await models.generate_content(model=MODEL, contents=PROMPT)

        async def embed() -> Any:
            return await models.embed_content(model=EMBED_MODEL, contents=EMBED_TEXT)

        async def stream(config: dict[str, Any], wire: dict[str, Any]) -> int:
            chunks = 0
            async for _ in models.generate_content_stream(
                model=MODEL, contents=PROMPT, config=config
            ):
                chunks += 1
            return chunks

        self.generate = generate
        self.embed = embed
        self.stream = stream

    async def aclose(self) -> None:
        await self._client.aclose()


class GoogleGenai(Driver):
    """google-genai's async client (``client.aio``), which uses aiohttp when it is installed."""

    def __init__(self, url: str) -> None:
        from google import genai
        from google.genai import types

        self._client = genai.Client(
            api_key=API_KEY, http_options=types.HttpOptions(base_url=url, api_version=API_VERSION)
        )
        models = self._client.aio.models

        async def generate() -> Any:
            return await models.generate_content(model=MODEL, contents=PROMPT)

        async def embed() -> Any:
            return await models.embed_content(model=EMBED_MODEL, contents=EMBED_TEXT)

        async def stream(config: dict[str, Any], wire: dict[str, Any]) -> int:
            chunks = 0
            iterator = await models.generate_content_stream(
                model=MODEL,
                contents=PROMPT,
                config=config,  # type: ignore[arg-type]
            )
            async for _ in iterator:
                chunks += 1
            return chunks

        self.generate = generate
        self.embed = embed
        self.stream = stream

    async def aclose(self) -> None:
        await self._client.aio.aclose()


DRIVERS: dict[str, Callable[[str], Driver]] = {
    "aiohttp": BareAiohttp,
    "genai_actors": GenaiActors,
    "google-genai": GoogleGenai,
}


async def _measure(op: Call, count: int) -> tuple[float, float]:
    """CPU and wall seconds for ``count`` sequential awaits of ``op``."""
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(count):
        await op()
    return time.process_time() - cpu0, time.perf_counter() - wall0


async def run(name: str, url: str, calls: int, streams: int, warmup: int) -> dict[str, Any]:
    """Runs every workload for client ``name``; returns per-call figures in microseconds."""
    driver = DRIVERS[name](url)
    try:
        long_chunks = await driver.stream(LONG_CONFIG, LONG_BODY)
        short_chunks = await driver.stream(SHORT_CONFIG, SHORT_BODY)

        async def long_stream() -> int:
            return await driver.stream(LONG_CONFIG, LONG_BODY)

        async def short_stream() -> int:
            return await driver.stream(SHORT_CONFIG, SHORT_BODY)

        for op in (driver.generate, driver.embed, long_stream, short_stream):
            for _ in range(warmup):
                await op()
        gen_cpu, gen_wall = await _measure(driver.generate, calls)
        embed_cpu, _ = await _measure(driver.embed, calls)
        long_cpu, _ = await _measure(long_stream, streams)
        short_cpu, _ = await _measure(short_stream, streams)
    finally:
        await driver.aclose()
    per_long = long_cpu / streams
    per_short = short_cpu / streams
    return {
        "client": name,
        "generate_us": gen_cpu / calls * 1e6,
        "generate_wall_us": gen_wall / calls * 1e6,
        "embed_us": embed_cpu / calls * 1e6,
        "stream_long_us": per_long * 1e6,
        "stream_short_us": per_short * 1e6,
        "chunks_long": long_chunks,
        "chunks_short": short_chunks,
        "chunk_marginal_us": (per_long - per_short) / (long_chunks - short_chunks) * 1e6,
        "chunk_average_us": per_long / long_chunks * 1e6,
    }


def cold_start(name: str, url: str) -> dict[str, Any]:
    """Wall seconds of import, construction, first and second request for client ``name``."""
    t0 = time.perf_counter()
    if name == "aiohttp":
        import aiohttp  # noqa: F401
    elif name == "genai_actors":
        import genai_actors  # noqa: F401
    else:
        from google import genai  # noqa: F401
    imported = time.perf_counter() - t0

    async def main() -> tuple[float, float, float]:
        t1 = time.perf_counter()
        driver = DRIVERS[name](url)  # in the loop: aiohttp.ClientSession() needs one
        t2 = time.perf_counter()
        try:
            await driver.generate()
            t3 = time.perf_counter()
            await driver.generate()
            return t2 - t1, t3 - t2, time.perf_counter() - t3
        finally:
            await driver.aclose()

    construct, first, second = asyncio.run(main())
    return {
        "client": name,
        "import_s": imported,
        "construct_s": construct,
        "first_request_s": first,
        "second_request_s": second,
    }


def main(argv: list[str] | None = None) -> None:
    """Parses arguments, runs the worker, prints one JSON object on stdout."""
    parser = argparse.ArgumentParser(description="one client benchmark worker")
    parser.add_argument("client", choices=sorted(DRIVERS))
    parser.add_argument("url")
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--streams", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--first", action="store_true", help="measure a cold start instead")
    args = parser.parse_args(argv)
    # google-genai subclasses aiohttp.ClientSession, which aiohttp warns about.
    warnings.simplefilter("ignore", DeprecationWarning)
    if args.first:
        result = cold_start(args.client, args.url)
    else:
        result = asyncio.run(run(args.client, args.url, args.calls, args.streams, args.warmup))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
