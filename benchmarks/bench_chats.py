"""Chats: memory per idle chat, CPU per turn beside google-genai's chat, and turns/s on one chat.

Run it with ``python -m benchmarks.bench_chats`` (or ``python -m benchmarks --only chats``).

One emulator process serves both clients (recording off). Each measurement runs in a fresh
interpreter (``python -m benchmarks.bench_chats --worker KIND URL``):

* ``memory``: one chat holds a 10-turn conversation with the emulator; its history is then
  given to ``--chats`` new chats (100,000 by default), each with its own copy of every content,
  and the growth of the process's resident memory divided by the number of chats is the cost
  of one idle chat with a 10-turn history. genai_actors' chats are restored from the
  conversation's snapshot (so their history is ten committed exchanges, as after real turns);
  google-genai's are created with ``history=`` (its chat keeps the contents it is given).
  Target for genai_actors: at most 6 KB per chat.
* ``cpu``: ``--turns`` sequential turns in 10-turn conversations (a new chat every 10 turns),
  ``time.process_time()`` per turn of the client's process only, after a warm-up.
* ``concurrent`` (genai_actors only): ``--senders`` tasks share one chat and send
  ``--concurrent-turns`` turns in all; the chat answers them one at a time. Turns per second
  (wall), beside one sender sending the same turns (so the cost of queueing shows; both are
  bound by the emulator, whose work grows with the history).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ._emulator import EmulatorProcess

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
MODEL = "gemini-2.5-flash"
KEY = "bench-key"
TARGET_BYTES = 6 * 1024


def _rss() -> int:
    """Resident memory of this process now, in bytes (Linux: /proc; else the peak)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def _messages(turns: int) -> list[str]:
    return [f"Question {i}: what should the lighthouse keeper do next?" for i in range(turns)]


async def _conversation(url: str) -> dict[str, Any]:
    """A 10-turn chat with the emulator, as a genai_actors snapshot."""
    import genai_actors as ga

    async with ga.AsyncClient(api_key=KEY, http_options={"base_url": url}) as client:
        chat = client.chats.create(model=MODEL)
        for message in _messages(10):
            await chat.send_message(message)
        return chat.snapshot()


async def _memory(client_name: str, url: str, count: int) -> dict[str, Any]:
    snapshot = await _conversation(url)
    contents = [c for entry in snapshot["history"] for c in entry["contents"]]
    text_bytes = sum(len(p.get("text", "")) for c in contents for p in c["parts"])
    if client_name == "genai_actors":
        import genai_actors as ga

        client: Any = ga.AsyncClient(api_key=KEY, http_options={"base_url": url})
        make = lambda: client.chats.restore(snapshot)  # noqa: E731
    else:
        from google import genai
        from google.genai import types as gtypes

        client = genai.Client(api_key=KEY, http_options={"base_url": url}).aio
        make = lambda: client.chats.create(  # noqa: E731
            model=MODEL, history=[gtypes.Content.model_validate(c) for c in contents]
        )
    make()  # warm up every lazy import and cache
    gc.collect()
    before = _rss()
    started = time.perf_counter()
    chats = [make() for _ in range(count)]
    elapsed = time.perf_counter() - started
    gc.collect()
    grown = _rss() - before
    assert len(chats[-1].get_history()) == 20
    await client.aclose()
    return {
        "bytes_per_chat": grown / count,
        "create_us": elapsed / count * 1e6,
        "chats": count,
        "history_text_bytes": text_bytes,
    }


async def _cpu(client_name: str, url: str, turns: int) -> dict[str, Any]:
    messages = _messages(10)
    if client_name == "genai_actors":
        import genai_actors as ga

        client: Any = ga.AsyncClient(api_key=KEY, http_options={"base_url": url})
    else:
        from google import genai

        client = genai.Client(api_key=KEY, http_options={"base_url": url}).aio

    async def run(count: int) -> None:
        chat = None
        for i in range(count):
            if i % 10 == 0:
                chat = client.chats.create(model=MODEL)
            assert chat is not None
            await chat.send_message(messages[i % 10])

    await run(40)  # warm-up
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await run(turns)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    await client.aclose()
    return {"cpu_us_per_turn": cpu / turns * 1e6, "wall_us_per_turn": wall / turns * 1e6}


async def _concurrent(url: str, turns: int, senders: int) -> dict[str, Any]:
    import genai_actors as ga

    async with ga.AsyncClient(api_key=KEY, http_options={"base_url": url}) as client:
        chat = client.chats.create(model=MODEL)
        per_sender = turns // senders

        async def sender(n: int) -> None:
            for i in range(per_sender):
                await chat.send_message(f"sender {n} turn {i}")

        started = time.perf_counter()
        await asyncio.gather(*(sender(n) for n in range(senders)))
        elapsed = time.perf_counter() - started
        history = chat.get_history()
        assert len(history) == 2 * per_sender * senders
    return {"turns_per_s": per_sender * senders / elapsed, "turns": per_sender * senders}


def _worker_main(kind: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    if kind.startswith("memory-"):
        return asyncio.run(_memory(kind.removeprefix("memory-"), url, args.chats))
    if kind.startswith("cpu-"):
        return asyncio.run(_cpu(kind.removeprefix("cpu-"), url, args.turns))
    if kind == "concurrent":
        return asyncio.run(_concurrent(url, args.turns, args.senders))  # --turns: in all
    raise SystemExit(f"unknown worker {kind!r}")


def _worker(kind: str, url: str, *extra: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_chats", "--worker", kind, url, *extra],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run(
    chats: int, google_chats: int, turns: int, senders: int, concurrent_turns: int
) -> dict[str, Any]:
    """Runs every measurement; returns their results by name."""
    results: dict[str, Any] = {}
    with EmulatorProcess() as emu:
        results["memory-genai_actors"] = _worker(
            "memory-genai_actors", emu.url, "--chats", str(chats)
        )
        results["memory-google-genai"] = _worker(
            "memory-google-genai", emu.url, "--chats", str(google_chats)
        )
        for client in ("genai_actors", "google-genai"):
            results[f"cpu-{client}"] = _worker(f"cpu-{client}", emu.url, "--turns", str(turns))
        for count in (senders, 1):
            results[f"concurrent-{count}"] = _worker(
                "concurrent", emu.url, "--turns", str(concurrent_turns), "--senders", str(count)
            )
    return results


def render(results: dict[str, Any], senders: int) -> str:
    """The results as text, with the memory target's verdict."""
    lines = []
    for client in ("genai_actors", "google-genai"):
        m = results[f"memory-{client}"]
        if "error" in m:
            lines.append(f"memory, {client}: failed: {m['error']}")
            continue
        lines.append(
            f"idle chat with a 10-turn history, {client:>12}: {m['bytes_per_chat'] / 1024:6.2f} KB"
            f" per chat ({m['chats']:,} chats; {m['history_text_bytes']:,} bytes of text each;"
            f" {m['create_us']:.1f} us to make one)"
        )
    for client in ("genai_actors", "google-genai"):
        c = results[f"cpu-{client}"]
        if "error" in c:
            lines.append(f"cpu, {client}: failed: {c['error']}")
            continue
        lines.append(
            f"turn in a 10-turn chat, {client:>12}: {c['cpu_us_per_turn']:8.1f} us CPU"
            f" ({c['wall_us_per_turn']:.1f} us wall)"
        )
    for count in (senders, 1):
        c = results[f"concurrent-{count}"]
        if "error" in c:
            lines.append(f"concurrent, {count} senders: failed: {c['error']}")
            continue
        lines.append(
            f"one chat, {count:>2} concurrent sender(s): {c['turns_per_s']:,.0f} turns/s"
            f" ({c['turns']} turns; the history grows with every turn)"
        )
    mine = results["memory-genai_actors"]
    if "bytes_per_chat" in mine:
        state = "met" if mine["bytes_per_chat"] <= TARGET_BYTES else "MISSED"
        lines.append(
            f"target: idle chat <= {TARGET_BYTES // 1024} KB: "
            f"{mine['bytes_per_chat'] / 1024:.2f} KB ({state})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: runs the benchmark and prints the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--google-chats", type=int, default=5_000)
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--senders", type=int, default=32)
    parser.add_argument("--concurrent-turns", type=int, default=192)
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        result = _worker_main(args.worker[0], args.worker[1], args)
        print(json.dumps(result))
        return result
    print(
        f"chats benchmark: Python {platform.python_version()} on {platform.machine()}; "
        f"{args.chats:,} genai_actors chats and {args.google_chats:,} google-genai chats, "
        f"{args.turns} turns; {args.concurrent_turns} turns on one chat by {args.senders} senders"
    )
    results = run(args.chats, args.google_chats, args.turns, args.senders, args.concurrent_turns)
    print(render(results, args.senders))
    return results


if __name__ == "__main__":
    main()
