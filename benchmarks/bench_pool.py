"""Thousands of concurrent long streams over one connection pool: genai_actors vs bare aiohttp.

Run it with ``python -m benchmarks.bench_pool [--streams 2000] [--limit 512]``. One emulator
process streams every answer with 100 ms between events (``stream_event_delay``, one word per
event: 45 events per answer to this prompt). Each client, in a fresh interpreter, warms up
(one stream from a model without the delay), then opens ``--streams`` streams at once over a
pool of ``--limit`` connections (genai_actors' default ``TransportConfig.connection_limit``;
bare aiohttp and the floor get the same limit), so streams queue for a connection. Reported
per client: total wall time until every stream ended, client CPU, streams completed and
failed, the latest first event (how long the last stream waited for its connection), and for
genai_actors the retries it made (its ``request.retry`` log records). Target (issue 15):
genai_actors' total time <= 1.1x bare aiohttp's, with no connect-timeout retries.

This is a measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import platform
import subprocess
import sys
import time
from typing import Any

from ._clients import API_KEY, API_VERSION, MODEL, PROMPT, run_on_loop
from ._emulator import ROOT, EmulatorProcess
from .bench_client import default_loop, worker_env

__all__ = ["CLIENTS", "main", "run"]

CLIENTS = ("floor", "aiohttp", "genai_actors")
WARM_MODEL = "gemini-2.5-flash-lite"  # streams without the delay
EVENT_DELAY = 0.1
TARGET = 1.1
CONFIG: dict[str, Any] = {"max_output_tokens": 55, "thinking_config": {"thinking_budget": 0}}
BODY: dict[str, Any] = {
    "contents": [{"parts": [{"text": PROMPT}], "role": "user"}],
    "generationConfig": {"maxOutputTokens": 55, "thinkingConfig": {"thinkingBudget": 0}},
}


class _RetryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "request.retry" in record.getMessage():
            self.retries += 1


async def _worker(client: str, url: str, streams: int, limit: int) -> dict[str, Any]:
    """Runs ``streams`` concurrent streams with ``client``; returns its figures."""
    stream_path = f"/{API_VERSION}/models/{MODEL}:streamGenerateContent?alt=sse"
    body = json.dumps(BODY).encode()
    headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
    counter = _RetryCounter()
    closers: list[Any] = []
    one: Any
    warm: Any  # one stream from an undelayed model before the clock starts (imports, a connection)
    gen_path = f"/{API_VERSION}/models/{WARM_MODEL}:streamGenerateContent?alt=sse"
    if client == "floor":
        from ._floor import FloorClient, sse_sink

        floor = FloorClient(url, limit=limit)
        request = floor.build("POST", stream_path, headers, body)
        closers.append(floor.aclose)

        async def warm() -> None:
            await floor.request(
                floor.build("POST", gen_path, headers, body), sse_sink(lambda _: None)
            )

        async def one(first: list[float]) -> int:
            events: list[Any] = []

            def on_event(event: Any) -> None:
                if not events:
                    first.append(time.perf_counter())
                events.append(event)

            status, _ = await floor.request(request, sse_sink(on_event))
            if status != 200:
                raise RuntimeError(f"HTTP {status}")
            return len(events)

    elif client == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit))
        closers.append(session.close)

        async def warm() -> None:
            async with session.post(url + gen_path, data=body, headers=headers) as resp:
                await resp.read()

        async def one(first: list[float]) -> int:
            count = 0
            async with session.post(url + stream_path, data=body, headers=headers) as resp:
                if resp.status != 200:
                    raise RuntimeError(f"HTTP {resp.status}")
                buffer = b""
                async for data in resp.content.iter_any():
                    buffer += data
                    *events, buffer = buffer.split(b"\r\n\r\n")
                    for event in events:
                        if event.startswith(b"data:"):
                            json.loads(event[5:])
                            if not count:
                                first.append(time.perf_counter())
                            count += 1
            return count

    else:
        import genai_actors

        logger = logging.getLogger("genai_actors.request")
        logger.setLevel(logging.INFO)
        logger.addHandler(counter)
        ga = genai_actors.AsyncClient(
            api_key=API_KEY,
            http_options={"base_url": url, "api_version": API_VERSION},
            transport=genai_actors.TransportConfig(connection_limit=limit),
        )
        closers.append(ga.aclose)

        async def warm() -> None:
            stream = ga.models.generate_content_stream(
                model=WARM_MODEL, contents=PROMPT, config=CONFIG
            )
            async for _ in stream:
                pass

        async def one(first: list[float]) -> int:
            count = 0
            stream = ga.models.generate_content_stream(model=MODEL, contents=PROMPT, config=CONFIG)
            async for _ in stream:
                if not count:
                    first.append(time.perf_counter())
                count += 1
            return count

    await warm()
    firsts: list[float] = []
    cpu0, start = time.process_time(), time.perf_counter()
    results = await asyncio.gather(*(one(firsts) for _ in range(streams)), return_exceptions=True)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu0
    for close in closers:
        await close()
    failed = [r for r in results if isinstance(r, BaseException)]
    events = sorted(r for r in results if isinstance(r, int))
    return {
        "client": client,
        "seconds": elapsed,
        "cpu_s": cpu,
        "completed": len(events),
        "failed": len(failed),
        "errors": sorted({type(e).__name__ for e in failed}),
        "events": [events[0], events[-1]] if events else [],
        "latest_first_event_s": max(firsts) - start if firsts else None,
        "retries": counter.retries,
    }


def run(streams: int, limit: int, loop: str) -> dict[str, dict[str, Any]]:
    """Runs each client once, in a fresh interpreter, against one slow-streaming emulator."""
    results: dict[str, dict[str, Any]] = {}
    faults = {MODEL: {"stream_event_delay": EVENT_DELAY}}
    with EmulatorProcess(model_faults=faults) as emu:
        for client in CLIENTS:
            proc = subprocess.run(
                [
                    *(sys.executable, "-m", "benchmarks.bench_pool", "--worker", client, emu.url),
                    *("--streams", str(streams), "--limit", str(limit)),
                ],
                capture_output=True,
                text=True,
                timeout=600,
                cwd=ROOT,
                env=worker_env(loop),
            )
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                results[client] = {"client": client, "error": last}
            else:
                results[client] = json.loads(proc.stdout)
    return results


def render(results: dict[str, dict[str, Any]]) -> str:
    """A table of the figures, and the target's verdict."""
    lines = [
        f"{'client':<14}{'total s':>9}{'CPU s':>8}{'done':>7}{'failed':>8}{'events':>9}"
        f"{'last 1st event s':>18}{'retries':>9}"
    ]
    for client, r in results.items():
        if "error" in r:
            lines.append(f"{client:<14} failed: {r['error']}")
            continue
        events = "-".join(str(e) for e in r["events"])
        first = r["latest_first_event_s"]
        first_text = "-" if first is None else f"{first:.2f}"
        errors = f"  errors: {', '.join(r['errors'])}" if r["errors"] else ""
        lines.append(
            f"{client:<14}{r['seconds']:>9.2f}{r['cpu_s']:>8.2f}{r['completed']:>7}"
            f"{r['failed']:>8}{events:>9}{first_text:>18}{r['retries']:>9}{errors}"
        )
    mine, bare = results.get("genai_actors", {}), results.get("aiohttp", {})
    if "seconds" in mine and "seconds" in bare:
        times = mine["seconds"] / bare["seconds"]
        clean = mine["failed"] == 0 and mine["retries"] == 0
        verdict = "met" if times <= TARGET and clean else "MISSED"
        floor = results.get("floor", {})
        vs_floor = f"{mine['seconds'] / floor['seconds']:.2f}x" if "seconds" in floor else "n/a"
        lines.append(
            f"genai_actors vs bare aiohttp, total time: {times:.2f}x (target <= {TARGET}x, "
            f"no retries: {verdict}); vs the floor: {vs_floor}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Command line: runs the benchmark (or, with ``--worker``, one client) and prints it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--limit", type=int, default=512, help="connections in the pool")
    parser.add_argument("--worker", nargs=2, metavar=("CLIENT", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default=default_loop())
    args = parser.parse_args(argv)
    if args.worker:
        client, url = args.worker
        print(json.dumps(run_on_loop(_worker(client, url, args.streams, args.limit))))
        return {}
    print(
        f"pool: {args.streams} concurrent streams, {EVENT_DELAY * 1000:g} ms between events, "
        f"pool of {args.limit} connections, {args.loop} loop; Python {platform.python_version()}",
        flush=True,
    )
    results = run(args.streams, args.limit, args.loop)
    print(render(results))
    return results


if __name__ == "__main__":
    main()
