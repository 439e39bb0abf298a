"""The h1 HTTP client (``genai_actors._transport._h1``) raw, beside the floor and bare aiohttp.

Run it with ``python -m benchmarks.bench_h1 [--rounds 7 --calls 300 --streams 30]``.

One emulator process; the three clients run in this one process, on one uvloop loop (asyncio
with ``--loop asyncio``), in interleaved rounds (the order rotated each round), so the machine's
load moves them alike. Each does the same work per request: a ``generateContent`` POST with
prebuilt JSON bytes and ``json.loads`` of the body; a GET of a running operation; and streams
(SSE split on ``\\r\\n\\r\\n``, ``json.loads`` per event) read with ``readany`` (the floor feeds
its sink from the protocol). Figures are CPU (``time.process_time``) per call, and per streamed
event as a marginal cost (a long stream minus a one-event stream, per extra event); the median
over rounds, and each client's ratio to the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ._clients import (
    API_KEY,
    API_VERSION,
    GENERATE_BODY,
    LONG_BODY,
    MODEL,
    RUNNING_OP,
    SHORT_BODY,
    loop_factory,
)
from ._emulator import EmulatorProcess

__all__ = ["main"]

Op = Callable[[], Awaitable[Any]]


def _sse_count(buffer: bytes, data: bytes) -> tuple[bytes, int]:
    buffer += data
    *events, buffer = buffer.split(b"\r\n\r\n")
    count = 0
    for event in events:
        if event.startswith(b"data:"):
            json.loads(event[5:])
            count += 1
    return buffer, count


class _Client:
    generate: Op
    get: Op
    long: Op
    short: Op

    async def aclose(self) -> None:
        """Closes the client."""


class _Floor(_Client):
    def __init__(self, url: str) -> None:
        from ._floor import FloorClient, sse_sink

        client = self._client = FloorClient(url)
        headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
        base = f"/{API_VERSION}/models/{MODEL}"
        gen = client.build("POST", f"{base}:generateContent", headers, _json(GENERATE_BODY))
        get = client.build("GET", f"/{API_VERSION}/{RUNNING_OP}", {"x-goog-api-key": API_KEY})
        stream = f"{base}:streamGenerateContent?alt=sse"
        long = client.build("POST", stream, headers, _json(LONG_BODY))
        short = client.build("POST", stream, headers, _json(SHORT_BODY))

        async def call(request: bytes) -> Any:
            status, data = await client.request(request)
            assert status == 200, data[:200]
            return json.loads(data)

        async def events(request: bytes) -> int:
            got: list[Any] = []
            status, _ = await client.request(request, sse_sink(got.append))
            assert status == 200
            return len(got)

        self.generate = lambda: call(gen)
        self.get = lambda: call(get)
        self.long = lambda: events(long)
        self.short = lambda: events(short)

    async def aclose(self) -> None:
        await self._client.aclose()


class _H1(_Client):
    def __init__(self, url: str) -> None:
        import yarl

        from genai_actors._transport._h1 import H1Session

        session = self._session = H1Session()
        headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
        get_headers = {"x-goog-api-key": API_KEY}
        base = yarl.URL(url)
        gen_url = base / API_VERSION / "models" / f"{MODEL}:generateContent"
        get_url = base.with_path(f"/{API_VERSION}/{RUNNING_OP}")
        stream_url = (base / API_VERSION / "models" / f"{MODEL}:streamGenerateContent").with_query(
            alt="sse"
        )
        gen_body, long_body, short_body = (_json(b) for b in (GENERATE_BODY, LONG_BODY, SHORT_BODY))

        async def generate() -> Any:
            resp = await session.request("POST", gen_url, data=gen_body, headers=headers)
            data = await resp.read()
            assert resp.status == 200, data[:200]
            return json.loads(data)

        async def get() -> Any:
            resp = await session.request("GET", get_url, headers=get_headers)
            data = await resp.read()
            assert resp.status == 200, data[:200]
            return json.loads(data)

        async def events(body: bytes) -> int:
            resp = await session.request("POST", stream_url, data=body, headers=headers)
            assert resp.status == 200
            buffer, count = b"", 0
            readany = resp.content.readany
            while data := await readany():
                buffer, got = _sse_count(buffer, data)
                count += got
            return count

        self.generate = generate
        self.get = get
        self.long = lambda: events(long_body)
        self.short = lambda: events(short_body)

    async def aclose(self) -> None:
        await self._session.close()


class _Aiohttp(_Client):
    def __init__(self, url: str) -> None:
        import aiohttp

        session = self._session = aiohttp.ClientSession()
        headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
        get_headers = {"x-goog-api-key": API_KEY}
        gen_url = f"{url}/{API_VERSION}/models/{MODEL}:generateContent"
        get_url = f"{url}/{API_VERSION}/{RUNNING_OP}"
        stream_url = f"{url}/{API_VERSION}/models/{MODEL}:streamGenerateContent?alt=sse"
        gen_body, long_body, short_body = (_json(b) for b in (GENERATE_BODY, LONG_BODY, SHORT_BODY))

        async def generate() -> Any:
            async with session.post(gen_url, data=gen_body, headers=headers) as resp:
                data = await resp.read()
                assert resp.status == 200, data[:200]
                return json.loads(data)

        async def get() -> Any:
            async with session.get(get_url, headers=get_headers) as resp:
                data = await resp.read()
                assert resp.status == 200, data[:200]
                return json.loads(data)

        async def events(body: bytes) -> int:
            async with session.post(stream_url, data=body, headers=headers) as resp:
                assert resp.status == 200
                buffer, count = b"", 0
                async for data in resp.content.iter_any():
                    buffer, got = _sse_count(buffer, data)
                    count += got
                return count

        self.generate = generate
        self.get = get
        self.long = lambda: events(long_body)
        self.short = lambda: events(short_body)

    async def aclose(self) -> None:
        await self._session.close()


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


_CLIENTS: dict[str, Callable[[str], _Client]] = {
    "floor": _Floor,
    "h1": _H1,
    "aiohttp": _Aiohttp,
}


async def _cpu(op: Op, count: int) -> float:
    gc.collect()
    start = time.process_time()
    for _ in range(count):
        await op()
    return time.process_time() - start


async def _run(
    url: str, rounds: int, calls: int, streams: int
) -> dict[str, dict[str, list[float]]]:
    clients = {name: make(url) for name, make in _CLIENTS.items()}
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in clients}
    try:
        events: dict[str, tuple[int, int]] = {}
        for name, client in clients.items():  # warm up; count the events of each stream
            for _ in range(20):
                await client.generate()
                await client.get()
            events[name] = (await client.long(), await client.short())
        for round_ in range(rounds):
            names = list(clients)
            names = names[round_ % len(names) :] + names[: round_ % len(names)]
            for name in names:
                client = clients[name]
                long_events, short_events = events[name]
                gen = await _cpu(client.generate, calls) / calls
                get = await _cpu(client.get, calls) / calls
                long = await _cpu(client.long, streams) / streams
                short = await _cpu(client.short, streams) / streams
                row = figures[name]
                row.setdefault("call_us", []).append(gen * 1e6)
                row.setdefault("get_us", []).append(get * 1e6)
                row.setdefault("event_us", []).append(
                    (long - short) / (long_events - short_events) * 1e6
                )
                row.setdefault("stream_us", []).append(long * 1e6)
    finally:
        for client in clients.values():
            await client.aclose()
    return figures


def main(argv: list[str] | None = None) -> None:
    """Runs the comparison and prints medians and ratios to the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--streams", type=int, default=30)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    args = parser.parse_args(argv)
    os.environ["GENAI_ACTORS_LOOP"] = args.loop
    with EmulatorProcess() as emu, asyncio.Runner(loop_factory=loop_factory()) as runner:
        figures = runner.run(_run(emu.url, args.rounds, args.calls, args.streams))
    load = os.getloadavg()
    print(
        f"h1 vs the floor and bare aiohttp: {args.loop}, {args.rounds} interleaved rounds of "
        f"{args.calls} calls and {args.streams} streams; CPU, median of rounds; "
        f"load average {load[0]:.1f} {load[1]:.1f}"
    )
    floor = {key: statistics.median(values) for key, values in figures["floor"].items()}
    labels = {
        "call_us": "generateContent POST, µs/call",
        "get_us": "GET, µs/call",
        "event_us": "streamed event (marginal), µs",
        "stream_us": "long stream, µs/stream",
    }
    print(f"{'':34}" + "".join(f"{name:>20}" for name in figures))
    for key, label in labels.items():
        cells = []
        for name in figures:
            value = statistics.median(figures[name][key])
            cells.append(f"{value:9.1f} ({value / floor[key]:4.2f}x)")
        print(f"{label:34}" + "".join(f"{cell:>20}" for cell in cells))
    # Each round's ratio to the floor of the same round (its neighbour in time), then the
    # median and range over rounds: steadier than a ratio of medians on a loaded machine.
    print("\nper-round ratio to the floor: median [min-max]")
    for key, label in labels.items():
        cells = []
        for name in figures:
            ratios = [a / b for a, b in zip(figures[name][key], figures["floor"][key], strict=True)]
            cells.append(
                f"{statistics.median(ratios):4.2f} [{min(ratios):4.2f}-{max(ratios):4.2f}]"
            )
        print(f"{label:34}" + "".join(f"{cell:>20}" for cell in cells))


if __name__ == "__main__":
    main()
