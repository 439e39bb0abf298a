"""Fan-out throughput: 20,000 ``generate_content`` requests at concurrency 64 and 512.

Run it with ``python -m benchmarks.bench_fanout`` (``--quick``: 5,000 requests, one round).

One emulator process serves every run (a second one adds 20 ms of latency to every request).
Each client then runs in a fresh interpreter, rounds rotating the order:

* ``aiohttp``: bare aiohttp, ``concurrency`` worker tasks each taking the next request, posting
  prebuilt JSON bytes and ``json.loads``-ing the answer, on one ``TCPConnector(limit=
  concurrency)``: the least a Python program does for the same work.
* ``genai_actors``: ``client.fanout(lines, concurrency=...)`` over Batch API input lines,
  reading every result's ``response`` (so each answer is decoded, as the others decode theirs),
  on the tree's default HTTP client (``--http-client h1`` or ``aiohttp`` picks one; the run
  prints which it used).
* ``genai_actors-aiohttp``: the same on the aiohttp fallback
  (``TransportConfig(http_client="aiohttp")``).
* ``google-genai``: ``concurrency`` worker tasks calling ``client.aio.models.generate_content``.

Reported per client and scenario, median over rounds: throughput (requests/s, wall time from
the first request to the last answer), client CPU per request (``time.process_time()`` of the
worker, so the emulator never counts), peak RSS of the worker, errors, and the throughput ratio
to bare aiohttp. The target (issue 14): genai_actors at least 1.0x bare aiohttp's throughput at
concurrency 512, with zero errors and bounded memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from ._clients import API_KEY, API_VERSION, GENERATE_BODY, MODEL, PROMPT, loop_factory
from ._emulator import EmulatorProcess
from .bench_client import ROOT, default_loop, worker_env

__all__ = ["main"]

CLIENTS = ("aiohttp", "genai_actors", "genai_actors-aiohttp", "google-genai")
CONCURRENCY = (64, 512)
LATENCY = 0.020


def _lines(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {"key": str(i), "request": GENERATE_BODY}


async def _aiohttp(url: str, count: int, width: int) -> int:
    import aiohttp

    body = json.dumps(GENERATE_BODY).encode()
    target = f"{url}/{API_VERSION}/models/{MODEL}:generateContent"
    headers = {"x-goog-api-key": API_KEY, "Content-Type": "application/json"}
    errors = 0
    todo = iter(range(count))
    connector = aiohttp.TCPConnector(limit=width)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal errors
            for _ in todo:
                async with session.post(target, data=body, headers=headers) as response:
                    data = await response.read()
                    if response.status != 200:
                        errors += 1
                    json.loads(data)

        await asyncio.gather(*(worker() for _ in range(width)))
    return errors


def default_http_client() -> str:
    """The HTTP client genai_actors uses when ``TransportConfig.http_client`` is not given."""
    import genai_actors

    return str(genai_actors.TransportConfig().http_client)


async def _genai_actors(url: str, count: int, width: int, http_client: str = "") -> int:
    import genai_actors

    errors = 0
    options: dict[str, Any] = {}
    if http_client:
        options["transport"] = genai_actors.TransportConfig(http_client=http_client)
    async with genai_actors.AsyncClient(
        api_key=API_KEY, http_options={"base_url": url, "api_version": API_VERSION}, **options
    ) as client:
        stream = client.fanout(_lines(count), model=MODEL, concurrency=width)
        async with stream:
            async for result in stream:
                if result.error is not None or result.response is None:
                    errors += 1
    return errors


async def _google_genai(url: str, count: int, width: int) -> int:
    from google import genai
    from google.genai import types

    client = genai.Client(
        api_key=API_KEY, http_options=types.HttpOptions(base_url=url, api_version=API_VERSION)
    )
    models = client.aio.models
    errors = 0
    todo = iter(range(count))

    async def worker() -> None:
        nonlocal errors
        for _ in todo:
            try:
                await models.generate_content(model=MODEL, contents=PROMPT)
            except Exception:
                errors += 1

    await asyncio.gather(*(worker() for _ in range(width)))
    await client.aio.aclose()
    return errors


async def _genai_actors_aiohttp(url: str, count: int, width: int) -> int:
    return await _genai_actors(url, count, width, "aiohttp")


_RUNNERS = {
    "aiohttp": _aiohttp,
    "genai_actors": _genai_actors,
    "genai_actors-aiohttp": _genai_actors_aiohttp,
    "google-genai": _google_genai,
}


def _work(client: str, url: str, count: int, width: int, http_client: str = "") -> dict[str, Any]:
    """One measured run in this process (after a short warm-up on the same client type).

    ``http_client`` (``genai_actors`` only): ``TransportConfig.http_client``, empty for the
    default.
    """

    def runner(n: int, w: int) -> Any:
        if client == "genai_actors":
            return _genai_actors(url, n, w, http_client)
        return _RUNNERS[client](url, n, w)

    loop = loop_factory()()
    try:
        loop.run_until_complete(runner(min(200, count), min(width, 64)))
        cpu = time.process_time()
        wall = time.perf_counter()
        errors = loop.run_until_complete(runner(count, width))
        wall = time.perf_counter() - wall
        cpu = time.process_time() - cpu
    finally:
        loop.close()
    return {
        "client": client,
        "throughput": count / wall,
        "cpu_us": cpu / count * 1e6,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "errors": errors,
    }


def _worker(
    client: str, url: str, count: int, width: int, loop: str, http_client: str = ""
) -> dict[str, Any]:
    argv = ["--worker", client, url, "--count", str(count), "--concurrency", str(width)]
    if http_client and client == "genai_actors":
        argv += ["--http-client", http_client]
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_fanout", *argv],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=worker_env(loop),
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"client": client, "error": last}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run(
    count: int,
    rounds: int,
    loop: str,
    latencies: tuple[float, ...],
    widths: tuple[int, ...] = CONCURRENCY,
    clients: tuple[str, ...] = CLIENTS,
    http_client: str = "",
) -> list[dict[str, Any]]:
    """Every client, concurrency and latency, ``rounds`` times; the medians per scenario.

    ``http_client`` is ``genai_actors``' ``TransportConfig.http_client`` (empty: the default).
    """
    rows: list[dict[str, Any]] = []
    for latency in latencies:
        options: dict[str, Any] = {"chunk_words": 8}
        if latency:
            options["model_faults"] = {MODEL: {"latency": latency}}
        with EmulatorProcess(**options) as emu:
            for width in widths:
                samples: dict[str, list[dict[str, Any]]] = {c: [] for c in clients}
                failures: dict[str, str] = {}
                for r in range(rounds):
                    order = clients[r % len(clients) :] + clients[: r % len(clients)]
                    for client in order:
                        if client in failures:
                            continue
                        before = emu.cpu_seconds()
                        got = _worker(client, emu.url, count, width, loop, http_client)
                        after = emu.cpu_seconds()
                        if before is not None and after is not None and "error" not in got:
                            got["emulator_cpu_us"] = (after - before) / count * 1e6
                        print(
                            f"  c={width} +{latency * 1000:.0f} ms {client}: "
                            + (
                                got["error"]
                                if "error" in got
                                else f"{got['throughput']:.0f} req/s, {got['errors']} errors, "
                                f"emulator {got.get('emulator_cpu_us', -1):.0f} µs CPU/req"
                            ),
                            flush=True,
                        )
                        if "error" in got:
                            failures[client] = got["error"]
                        else:
                            samples[client].append(got)
                for client in clients:
                    row: dict[str, Any] = {
                        "client": client,
                        "concurrency": width,
                        "latency_ms": latency * 1000,
                    }
                    if client in failures:
                        row["error"] = failures[client]
                    else:
                        for key in ("throughput", "cpu_us", "rss_mb", "errors"):
                            row[key] = statistics.median(s[key] for s in samples[client])
                        emulator = [
                            s["emulator_cpu_us"] for s in samples[client] if "emulator_cpu_us" in s
                        ]
                        if emulator:
                            row["emulator_cpu_us"] = statistics.median(emulator)
                    rows.append(row)
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    """The table: one line per client and scenario, with the throughput ratio to aiohttp."""
    bare = {
        (r["concurrency"], r["latency_ms"]): r.get("throughput")
        for r in rows
        if r["client"] == "aiohttp"
    }
    out = [
        f"{'scenario':<22}{'client':<22}{'req/s':>9}{'CPU us/req':>12}{'peak RSS':>10}"
        f"{'errors':>8}{'vs aiohttp':>12}{'emulator us/req':>17}"
    ]
    for r in rows:
        scenario = f"c={r['concurrency']}, +{r['latency_ms']:.0f} ms"
        if "error" in r:
            out.append(f"{scenario:<22}{r['client']:<22}  failed: {r['error']}")
            continue
        base = bare.get((r["concurrency"], r["latency_ms"]))
        ratio = f"{r['throughput'] / base:.2f}x" if base else "-"
        out.append(
            f"{scenario:<22}{r['client']:<22}{r['throughput']:>9.0f}{r['cpu_us']:>12.0f}"
            f"{r['rss_mb']:>8.0f}MB{r['errors']:>8.0f}{ratio:>12}"
            f"{r.get('emulator_cpu_us', float('nan')):>17.0f}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line (``--worker`` runs one measured client in this process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--worker", nargs=2, metavar=("CLIENT", "URL"))
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="5,000 requests, one round")
    parser.add_argument("--no-latency", action="store_true", help="skip the +20 ms runs")
    parser.add_argument(
        "--widths", default="64,512", help="the concurrencies to run, comma-separated (64,512)"
    )
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default=default_loop())
    parser.add_argument(
        "--http-client",
        choices=("", "h1", "aiohttp"),
        default="",
        help="genai_actors' HTTP client (default: the tree's default)",
    )
    parser.add_argument(
        "--clients", default=",".join(CLIENTS), help="comma-separated clients (default: all)"
    )
    args = parser.parse_args(argv)
    if args.worker:
        got = _work(args.worker[0], args.worker[1], args.count, args.concurrency, args.http_client)
        print(json.dumps(got))
        return 0
    clients = tuple(c.strip() for c in args.clients.split(",") if c.strip())
    if set(clients) - set(CLIENTS):
        parser.error(f"unknown client(s) {sorted(set(clients) - set(CLIENTS))}; from {CLIENTS}")
    count, rounds = (5_000, 1) if args.quick else (args.count, args.rounds)
    latencies = (0.0,) if args.no_latency else (0.0, LATENCY)
    print(
        f"fan-out benchmark: Python {platform.python_version()} on {platform.machine()}, "
        f"{args.loop} loop, {count:,} generate_content requests per run, median of {rounds} "
        "round(s), each client in a fresh interpreter, one emulator process; genai_actors on "
        f"{args.http_client or default_http_client()} "
        f"({'chosen' if args.http_client else 'the default'})"
    )
    widths = tuple(int(w) for w in args.widths.split(",") if w.strip())
    rows = run(count, rounds, args.loop, latencies, widths, clients, args.http_client)
    print(render(rows))
    failed = any("error" in r or r.get("errors") for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
