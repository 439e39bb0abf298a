"""One benchmark worker: drives one client against a running emulator and prints JSON results.

Run by ``benchmarks.bench_client`` in a fresh interpreter per client and round::

    python -m benchmarks._clients CLIENT URL --calls N --streams M

``CLIENT`` is ``floor`` (a raw asyncio Protocol with httptools, prebuilt request bytes and
keep-alive connections: see ``benchmarks._floor``), ``aiohttp`` (bare aiohttp: prebuilt JSON
bytes, ``json.loads``), ``genai_actors`` (its default transport, h1),
``genai_actors-aiohttp`` (the same client on its aiohttp fallback,
``TransportConfig(http_client="aiohttp")``) or ``google-genai`` (its async client, which uses
aiohttp when installed). Every client sends the same requests (same paths, same JSON bodies)
to the same emulator. CPU is ``time.process_time()`` of this process only: the emulator runs
in another process.

Workloads, each after a warm-up:

* ``generate``: sequential ``generate_content`` calls.
* ``config``: sequential ``generate_content`` calls with a typical config (sampling settings,
  a system instruction, safety settings, stop sequences).
* ``op_get``: sequential ``operations.get`` of one running operation.
* ``watched`` (genai_actors only): ``operations.wait`` on operations that finish on their
  ``--polls``-th poll, the watcher polling back to back; CPU per poll. Beside it, the same
  polling by hand: ``operations.get`` ``--polls`` times on each of as many other such
  operations (the first get of each builds its URL, as a wait's first poll does); CPU per get.
* ``stream_long`` / ``stream_short``: sequential streams with many chunks (thoughts included,
  the emulator streaming one word per event) and with one chunk. The marginal cost of a chunk is
  ``(cpu_long - cpu_short) / (chunks_long - chunks_short)``, free of per-call overhead.
* ``embed``: sequential ``embed_content`` calls (``batchEmbedContents`` with one input).

The workloads take turns: each is measured in ``BATCHES`` batches, one batch of every workload
in turn, so the ratios between them (a config call to a plain call, a watched poll to a get)
share the machine's drift instead of one side taking it whole.

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
import math
import os
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

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
TYPICAL_CONFIG: dict[str, Any] = {
    "temperature": 0.2,
    "top_p": 0.9,
    "max_output_tokens": 256,
    "stop_sequences": ["THE END"],
    "system_instruction": "You are terse.",
    "safety_settings": [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_MEDIUM_AND_ABOVE"},
    ],
}
CONFIG_BODY: dict[str, Any] = {
    "contents": _CONTENTS,
    "systemInstruction": {"parts": [{"text": "You are terse."}], "role": "user"},
    "generationConfig": {
        "temperature": 0.2,
        "topP": 0.9,
        "maxOutputTokens": 256,
        "stopSequences": ["THE END"],
    },
    "safetySettings": [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_MEDIUM_AND_ABOVE"},
    ],
}
# Operations the benchmark emulator holds (see benchmarks._emulator): one that never finishes,
# for plain gets, and WATCH_OPS that each finish on their WATCH_POLLS-th poll, for watched waits.
RUNNING_OP = "models/veo-3.0-generate-001/operations/benchrunning"
WATCH_OP = "models/veo-3.0-generate-001/operations/benchwatch{}"
WATCH_OPS = 4000
WATCH_POLLS = 10
EMBED_BODY: dict[str, Any] = {
    "requests": [{"model": f"models/{EMBED_MODEL}", "content": {"parts": [{"text": EMBED_TEXT}]}}]
}

Call = Callable[[], Awaitable[Any]]
T = TypeVar("T")


def _back_to_back() -> Any:
    """The watched waits' schedule: each poll right after the last, as the gets it is compared
    with are sent back to back (issue 15 measured "412 vs 178 us per poll unpaced").

    ``Backoff`` needs a positive delay; 1 us is below the scheduler's ``TIMER_FLOOR`` (1 ms:
    no event loop sleeps shorter, libuv's timers and epoll's timeout count whole
    milliseconds), so the next poll is due at once on uvloop and asyncio alike and runs on the
    task of the poll before it: no timer, no sleep. Pacing polls 1 ms apart (as this did
    before) mostly measured the pacing: on uvloop a 1 ms sleep costs ~190 us of CPU.
    """
    from supervisors import Backoff

    return Backoff(1e-6, 1e-6, multiplier=1.0, jitter=0.0)


Stream = Callable[[dict[str, Any], dict[str, Any]], Awaitable[int]]


class Driver:
    """The operations one client offers the benchmark: each returns when the call is done."""

    generate: Call
    generate_config: Call  # generate_content with TYPICAL_CONFIG (CONFIG_BODY on the wire)
    embed: Call
    stream: Stream  # (sdk config, wire body) -> number of chunks received
    op_get: Call  # operations.get of RUNNING_OP
    wait_op: Callable[[str], Awaitable[Any]] | None = None  # a watched wait, where offered
    get_op: Callable[[str], Awaitable[Any]] | None = None  # operations.get of a name, with it

    async def aclose(self) -> None:
        """Closes the client."""


class Floor(Driver):
    """The floor: raw asyncio Protocol + httptools, prebuilt request bytes, keep-alive."""

    def __init__(self, url: str) -> None:
        from ._floor import FloorClient, sse_sink

        client = self._client = FloorClient(url)
        headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
        base = f"/{API_VERSION}/models"

        def post(path: str, body: dict[str, Any]) -> bytes:
            return client.build("POST", path, headers, json.dumps(body).encode())

        gen = post(f"{base}/{MODEL}:generateContent", GENERATE_BODY)
        config = post(f"{base}/{MODEL}:generateContent", CONFIG_BODY)
        embed = post(f"{base}/{EMBED_MODEL}:batchEmbedContents", EMBED_BODY)
        op = client.build("GET", f"/{API_VERSION}/{RUNNING_OP}", {"x-goog-api-key": API_KEY})
        stream_path = f"{base}/{MODEL}:streamGenerateContent?alt=sse"
        streams: dict[int, bytes] = {}

        async def call(request: bytes) -> Any:
            status, data = await client.request(request)
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {data[:200]!r}")
            return json.loads(data)

        async def stream(config: dict[str, Any], wire: dict[str, Any]) -> int:
            request = streams.get(id(wire))
            if request is None:
                request = streams[id(wire)] = post(stream_path, wire)
            events: list[Any] = []
            status, _ = await client.request(request, sse_sink(events.append))
            if status != 200:
                raise RuntimeError(f"HTTP {status}")
            return len(events)

        self.generate = lambda: call(gen)
        self.generate_config = lambda: call(config)
        self.embed = lambda: call(embed)
        self.op_get = lambda: call(op)
        self.stream = stream

    async def aclose(self) -> None:
        await self._client.aclose()


class BareAiohttp(Driver):
    """Bare aiohttp: one session, prebuilt bodies, ``resp.read()`` + ``json.loads``."""

    def __init__(self, url: str) -> None:
        self._session = self._new_session()
        base = f"{url}/{API_VERSION}/models"
        self._gen_url = f"{base}/{MODEL}:generateContent"
        self._stream_url = f"{base}/{MODEL}:streamGenerateContent?alt=sse"
        self._embed_url = f"{base}/{EMBED_MODEL}:batchEmbedContents"
        self._headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
        self._gen_body = json.dumps(GENERATE_BODY).encode()
        self._embed_body = json.dumps(EMBED_BODY).encode()
        self._config_body = json.dumps(CONFIG_BODY).encode()
        self._op_url = f"{url}/{API_VERSION}/{RUNNING_OP}"
        self._get_headers = {"x-goog-api-key": API_KEY}
        self._stream_bodies: dict[int, bytes] = {}

        async def generate() -> Any:
            return await self._post(self._gen_url, self._gen_body)

        async def generate_config() -> Any:
            return await self._post(self._gen_url, self._config_body)

        async def op_get() -> Any:
            async with self._session.get(self._op_url, headers=self._get_headers) as resp:
                data = await resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"HTTP {resp.status}: {data[:200]!r}")
                return json.loads(data)

        self.generate_config = generate_config
        self.op_get = op_get

        async def embed() -> Any:
            return await self._post(self._embed_url, self._embed_body)

        self.generate = generate
        self.embed = embed
        self.stream = self._stream

    def _new_session(self) -> Any:
        import aiohttp

        return aiohttp.ClientSession()

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
    """genai_actors.AsyncClient through its public ``models`` methods.

    Args:
        url: The emulator's URL.
        http_client: ``TransportConfig.http_client``; ``None`` for the default.
    """

    def __init__(self, url: str, http_client: str | None = None) -> None:
        import genai_actors

        transport = (
            None if http_client is None else genai_actors.TransportConfig(http_client=http_client)
        )
        self._client = genai_actors.AsyncClient(
            api_key=API_KEY,
            http_options={"base_url": url, "api_version": API_VERSION},
            transport=transport,
        )
        self._watch_configured = False
        models = self._client.models

        async def generate() -> Any:
            return await models.generate_content(model=MODEL, contents=PROMPT)

        async def generate_config() -> Any:
            return await models.generate_content(
                model=MODEL,
                contents=PROMPT,
                config=TYPICAL_CONFIG,
            )

        async def op_get() -> Any:
            return await self._client.operations.get(RUNNING_OP)

        async def wait_op(name: str) -> Any:
            if not self._watch_configured:  # here, not in __init__: a cold start never waits
                from genai_actors._watch import WatchConfig

                self._client.api_client.watchers.config = WatchConfig(
                    max_concurrent_polls=32, max_polls_per_second=math.inf
                )
                self._watch_configured = True
            op = await self._client.operations.wait(name, timeout=None, backoff=_back_to_back())
            assert op.done
            return op

        async def get_op(name: str) -> Any:
            return await self._client.operations.get(name)

        self.generate_config = generate_config
        self.op_get = op_get
        self.wait_op = wait_op
        self.get_op = get_op

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
        running = types.GenerateVideosOperation.model_validate({"name": RUNNING_OP})

        async def generate() -> Any:
            return await models.generate_content(model=MODEL, contents=PROMPT)

        async def generate_config() -> Any:
            return await models.generate_content(
                model=MODEL,
                contents=PROMPT,
                config=TYPICAL_CONFIG,  # type: ignore[arg-type]
            )

        async def op_get() -> Any:
            return await self._client.aio.operations.get(running)

        self.generate_config = generate_config
        self.op_get = op_get

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
    "floor": Floor,
    "aiohttp": BareAiohttp,
    "genai_actors": GenaiActors,
    "genai_actors-aiohttp": lambda url: GenaiActors(url, "aiohttp"),
    "google-genai": GoogleGenai,
}


def _candidate(name: str) -> Callable[[str], Driver]:
    def make(url: str) -> Driver:
        from ._candidates import CANDIDATES

        return CANDIDATES[name](url)

    return make


# Transport candidates (benchmarks._candidates), run on request only.
DRIVERS.update(
    {n: _candidate(n) for n in ("aiohttp-tuned", "aiohttp-raw", "aiosonic", "pyreqwest", "rnet")}
)


# Each kind of call is measured in this many batches, the kinds taking turns: machine speed on
# a shared VM drifts over a run (neighbours), and a ratio of two kinds measured in turns shares
# that drift instead of taking it whole into one side.
BATCHES = 8


async def _interleaved(ops: dict[str, tuple[Call, int]]) -> dict[str, tuple[float, float]]:
    """CPU and wall seconds of each kind: ``count`` sequential awaits of its ``op`` in all,
    made in :data:`BATCHES` batches, one batch of each kind in turn."""
    totals = {name: [0.0, 0.0] for name in ops}
    gc.collect()
    for batch in range(BATCHES):
        for name, (op, count) in ops.items():
            n = count // BATCHES + (1 if batch < count % BATCHES else 0)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(n):
                await op()
            total = totals[name]
            total[0] += time.process_time() - cpu0
            total[1] += time.perf_counter() - wall0
    return {name: (cpu, wall) for name, (cpu, wall) in totals.items()}


async def run(
    name: str, url: str, calls: int, streams: int, warmup: int, watch_first: int
) -> dict[str, Any]:
    """Runs every workload for client ``name``; returns per-call figures in microseconds.

    ``watch_first`` is the index of the first of the WATCH_OPS operations this run may wait
    on (each operation can be waited on by one run only: it stays done afterwards).
    """
    driver = DRIVERS[name](url)
    try:
        long_chunks = await driver.stream(LONG_CONFIG, LONG_BODY)
        short_chunks = await driver.stream(SHORT_CONFIG, SHORT_BODY)

        async def long_stream() -> int:
            return await driver.stream(LONG_CONFIG, LONG_BODY)

        async def short_stream() -> int:
            return await driver.stream(SHORT_CONFIG, SHORT_BODY)

        ops = (
            driver.generate,
            driver.generate_config,
            driver.op_get,
            driver.embed,
            long_stream,
            short_stream,
        )
        for op in ops:
            for _ in range(warmup):
                await op()
        kinds: dict[str, tuple[Call, int]] = {
            "generate": (driver.generate, calls),
            "config": (driver.generate_config, calls),
            "op_get": (driver.op_get, calls),
            "embed": (driver.embed, calls),
            "long": (long_stream, streams),
            "short": (short_stream, streams),
        }
        waits = max(BATCHES, calls // (2 * WATCH_POLLS))
        if driver.wait_op is not None and driver.get_op is not None:
            # The waits and the hand-rolled polls each take operations of their own.
            names = iter(WATCH_OP.format(watch_first + i) for i in range(2 * waits + 4))
            wait_op, get_op = driver.wait_op, driver.get_op
            for _ in range(2):  # warm-up: starts the tree
                await wait_op(next(names))

            async def one_wait() -> Any:
                return await wait_op(next(names))

            async def polled_by_hand() -> None:
                name = next(names)
                for _ in range(WATCH_POLLS):
                    await get_op(name)

            await polled_by_hand()
            kinds["wait"] = (one_wait, waits)
            kinds["polled"] = (polled_by_hand, waits)
        measured = await _interleaved(kinds)
        watched: dict[str, float] = {}
        if "wait" in measured:
            watched["watched_poll_us"] = measured["wait"][0] / (waits * WATCH_POLLS) * 1e6
            watched["polled_get_us"] = measured["polled"][0] / (waits * WATCH_POLLS) * 1e6
        gen_cpu, gen_wall = measured["generate"]
        config_cpu = measured["config"][0]
        op_cpu = measured["op_get"][0]
        embed_cpu = measured["embed"][0]
        long_cpu = measured["long"][0]
        short_cpu = measured["short"][0]
    finally:
        await driver.aclose()
    per_long = long_cpu / streams
    per_short = short_cpu / streams
    return {
        "client": name,
        "generate_us": gen_cpu / calls * 1e6,
        "config_us": config_cpu / calls * 1e6,
        "op_get_us": op_cpu / calls * 1e6,
        **watched,
        "generate_wall_us": gen_wall / calls * 1e6,
        "embed_us": embed_cpu / calls * 1e6,
        "stream_long_us": per_long * 1e6,
        "stream_short_us": per_short * 1e6,
        "chunks_long": long_chunks,
        "chunks_short": short_chunks,
        "chunk_marginal_us": (per_long - per_short) / (long_chunks - short_chunks) * 1e6,
        "chunk_average_us": per_long / long_chunks * 1e6,
    }


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """The worker's loop: uvloop unless ``GENAI_ACTORS_LOOP=asyncio`` (or uvloop is missing).

    The same rule as ``genai_actors._transport._loop``, repeated here so that a worker for
    another client never imports genai_actors.
    """
    if os.environ.get("GENAI_ACTORS_LOOP", "").strip().lower() == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run_on_loop(coro: Awaitable[T]) -> T:
    """Runs ``coro`` to completion on a new loop from :func:`loop_factory`."""

    async def main() -> T:
        return await coro

    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main())


def cold_start(name: str, url: str) -> dict[str, Any]:
    """Wall seconds of import, construction, first and second request for client ``name``."""
    t0 = time.perf_counter()
    if name == "floor":
        import httptools  # noqa: F401
    elif name == "aiohttp":
        import aiohttp  # noqa: F401
    elif name.startswith("genai_actors"):
        import genai_actors  # noqa: F401
    elif name == "google-genai":
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

    construct, first, second = run_on_loop(main())
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
    parser.add_argument("--watch-first", type=int, default=0, help="first watched op index")
    parser.add_argument("--first", action="store_true", help="measure a cold start instead")
    args = parser.parse_args(argv)
    # google-genai subclasses aiohttp.ClientSession, which aiohttp warns about.
    warnings.simplefilter("ignore", DeprecationWarning)
    if args.first:
        result = cold_start(args.client, args.url)
    else:
        result = run_on_loop(
            run(args.client, args.url, args.calls, args.streams, args.warmup, args.watch_first)
        )
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
