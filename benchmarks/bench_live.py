"""Live: many concurrent sessions exchanging text turns, and the cost of a resumption.

Run it with ``python -m benchmarks.bench_live`` (or ``python -m benchmarks --only live``).

One emulator process serves every client (recording off). Each measurement runs in a fresh
interpreter (``python -m benchmarks.bench_live --worker KIND URL``):

* ``genai_actors`` / ``bare``: ``--sessions`` sessions (1,000 by default) open at once, then each
  exchanges ``--turns`` text turns, all sessions concurrently. Client CPU
  (``time.process_time()`` of the client's process) per server message received, over the turn
  phase only; the bare client is aiohttp WebSockets with msgspec decoding to dicts (the floor).
  Target for genai_actors: at most 1.5x the floor. Both workers collect garbage once between
  the phases (``--no-collect`` to skip it), so that a full collection owed to the objects of
  the sessions just opened (CPython's runs as the heap grows by a quarter) does not land in the
  turn phase for one client and not the other. The two run ``--rounds`` times (3 by
  default), interleaved (the order alternates each round), and the verdict is on the median
  of the rounds' ratios; the highest ratio is printed beside it.
* ``resume``: one genai_actors session with resumption; the emulator drops the connection (1011)
  right after consuming a turn, and the time from sending that turn to the first answer chunk
  after the resumption is measured, beside the same turn without a fault (medians).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from ._emulator import EmulatorProcess

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
MODEL = "gemini-2.0-flash-live-001"
KEY = "bench-key"
TARGET_RATIO = 1.5
TEXT = {"response_modalities": ["TEXT"]}


def _admin(url: str, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{url}/_emulator/live/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


async def _genai_actors(url: str, sessions: int, turns: int, collect: bool) -> dict[str, float]:
    import genai_actors as ga

    received = 0
    opened = asyncio.Event()
    go = asyncio.Event()
    ready = 0

    async def one(index: int) -> None:
        nonlocal received, ready
        async with client.live.connect(model=MODEL, config=TEXT) as session:
            ready += 1
            if ready == sessions:
                opened.set()
            await go.wait()
            for turn in range(turns):
                await session.send_client_content(turns=f"Turn {turn} of session {index}")
                async for _ in session.receive():
                    received += 1

    async with ga.AsyncClient(api_key=KEY, http_options={"base_url": url}) as client:
        started = time.process_time()
        tasks = [asyncio.create_task(one(i)) for i in range(sessions)]
        await opened.wait()
        connect_cpu = time.process_time() - started
        if collect:
            gc.collect()
        started = time.process_time()
        wall = time.perf_counter()
        go.set()
        await asyncio.gather(*tasks)
        cpu = time.process_time() - started
        wall = time.perf_counter() - wall
    return {"connect_cpu": connect_cpu, "cpu": cpu, "wall": wall, "messages": received}


async def _bare(url: str, sessions: int, turns: int, collect: bool) -> dict[str, float]:
    import aiohttp
    import msgspec

    decode = msgspec.json.decode
    encode = msgspec.json.encode
    ws_url = url.replace("http", "ws", 1) + (
        "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    )
    received = 0
    opened = asyncio.Event()
    go = asyncio.Event()
    ready = 0

    async def one(http: aiohttp.ClientSession, index: int) -> None:
        nonlocal received, ready
        async with http.ws_connect(ws_url, headers={"x-goog-api-key": KEY}) as ws:
            setup = {"setup": {"model": f"models/{MODEL}", "generationConfig": TEXT_WIRE}}
            await ws.send_bytes(encode(setup))
            decode((await ws.receive()).data)
            ready += 1
            if ready == sessions:
                opened.set()
            await go.wait()
            for turn in range(turns):
                text = f"Turn {turn} of session {index}"
                message = {
                    "client_content": {
                        "turns": [{"role": "user", "parts": [{"text": text}]}],
                        "turnComplete": True,
                    }
                }
                await ws.send_bytes(encode(message))
                while True:
                    data = decode((await ws.receive()).data)
                    received += 1
                    content = data.get("serverContent")
                    if content is not None and content.get("turnComplete"):
                        break

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.process_time()
        tasks = [asyncio.create_task(one(http, i)) for i in range(sessions)]
        await opened.wait()
        connect_cpu = time.process_time() - started
        if collect:
            gc.collect()
        started = time.process_time()
        wall = time.perf_counter()
        go.set()
        await asyncio.gather(*tasks)
        cpu = time.process_time() - started
        wall = time.perf_counter() - wall
    return {"connect_cpu": connect_cpu, "cpu": cpu, "wall": wall, "messages": received}


TEXT_WIRE = {"responseModalities": ["TEXT"]}


async def _resume(url: str, repeats: int) -> dict[str, float]:
    import genai_actors as ga

    config = {"response_modalities": ["TEXT"], "session_resumption": {}}
    plain: list[float] = []
    resumed: list[float] = []
    async with (
        ga.AsyncClient(api_key=KEY, http_options={"base_url": url}) as client,
        client.live.connect(model=MODEL, config=config) as session,
    ):
        for attempt in range(2 * repeats):
            fault = attempt % 2 == 1
            if fault:
                await asyncio.to_thread(_admin, url, "faults", {"closeAfter": 1, "closeCode": 1011})
            started = time.perf_counter()
            await session.send_client_content(turns=f"Question {attempt}")
            first = None
            async for message in session.receive():
                if first is None and message.text:
                    first = time.perf_counter() - started
            assert first is not None
            (resumed if fault else plain).append(first)
        drops = sum(1 for e in session.events if e.kind == "disconnected")
    assert drops == repeats, (drops, repeats)
    return {
        "plain_ms": statistics.median(plain) * 1000,
        "resumed_ms": statistics.median(resumed) * 1000,
    }


def _worker(kind: str, url: str, args: argparse.Namespace) -> None:
    if kind == "resume":
        result = asyncio.run(_resume(url, args.repeats))
    else:
        run = _genai_actors if kind == "genai_actors" else _bare
        result = asyncio.run(run(url, args.sessions, args.turns, not args.no_collect))
    print(json.dumps(result), flush=True)


def _run_worker(kind: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.bench_live",
        "--worker",
        kind,
        url,
        "--sessions",
        str(args.sessions),
        "--turns",
        str(args.turns),
        "--repeats",
        str(args.repeats),
        *(["--no-collect"] if args.no_collect else []),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"worker {kind} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Runs the Live benchmark and prints its table; returns the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--no-collect",
        action="store_true",
        help="skip the garbage collection between the two phases",
    )
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "URL"))
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker[0], args.worker[1], args)
        return {}
    report: dict[str, Any] = {"rounds": []}
    with EmulatorProcess(api_key=KEY) as emu:
        for index in range(args.rounds):
            kinds = ("bare", "genai_actors") if index % 2 == 0 else ("genai_actors", "bare")
            round_: dict[str, Any] = {}
            for kind in kinds:
                round_[kind] = figures = _run_worker(kind, emu.url, args)
                per = figures["cpu"] / max(1, figures["messages"]) * 1e6
                figures["us_per_message"] = per
                print(
                    f"round {index + 1} {kind:>13}: {args.sessions} sessions x {args.turns} "
                    f"turns, {int(figures['messages'])} messages, {per:.1f} us CPU/message, "
                    f"connect {figures['connect_cpu'] * 1e3 / args.sessions:.2f} ms CPU/session, "
                    f"turn phase {figures['wall']:.2f} s wall",
                    flush=True,
                )
            ratio = round_["genai_actors"]["us_per_message"] / round_["bare"]["us_per_message"]
            round_["ratio"] = ratio
            report["rounds"].append(round_)
            print(f"round {index + 1} genai_actors / bare: {ratio:.2f}x", flush=True)
        rounds = report["rounds"]
        for kind in ("bare", "genai_actors"):
            report[kind] = {
                key: statistics.median(r[kind][key] for r in rounds) for key in rounds[0][kind]
            }
        ratios = [r["ratio"] for r in rounds]
        report["ratio"] = ratio = statistics.median(ratios)
        report["ratio_max"] = max(ratios)
        verdict = "ok" if ratio <= TARGET_RATIO else "ABOVE TARGET"
        print(
            f"genai_actors / bare: median {ratio:.2f}x over {len(ratios)} interleaved rounds "
            f"({', '.join(f'{r:.2f}' for r in ratios)}; target <= {TARGET_RATIO}x: {verdict})",
            flush=True,
        )
        report["resume"] = resume = _run_worker("resume", emu.url, args)
        print(
            f"first answer chunk: {resume['plain_ms']:.1f} ms without a fault, "
            f"{resume['resumed_ms']:.1f} ms across a forced 1011 close and resumption "
            f"(medians of {args.repeats})",
            flush=True,
        )
    return report


if __name__ == "__main__":
    main()
