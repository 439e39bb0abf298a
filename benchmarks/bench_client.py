"""Client CPU per call: the floor, bare aiohttp, genai_actors (h1 and aiohttp), google-genai.

Run it with ``python -m benchmarks.bench_client`` (or ``python -m benchmarks`` for everything).

One emulator process is started on a free loopback port. Each client then runs in its own fresh
interpreter (``benchmarks._clients``), one after the other, for several rounds with the order
rotated each round; every worker warms up before it measures. The figure reported per client is
the median over the rounds of its ``time.process_time()`` per call, so the emulator's CPU never
counts. Ratios are to the floor (``benchmarks._floor``: a raw asyncio Protocol with httptools,
prebuilt request bytes, keep-alive connections), the least HTTP work a Python client can do for
these requests; genai_actors is also compared with bare aiohttp (prebuilt JSON bytes,
``json.loads``). ``genai_actors`` runs on its default HTTP client (h1), ``genai_actors-aiohttp``
on the aiohttp fallback (``TransportConfig(http_client="aiohttp")``), side by side.

Scenarios: a plain ``generate_content`` call; the same with a typical config; a streamed event;
``operations.get`` of a running operation; for genai_actors, a watched poll
(``operations.wait`` polling back to back, CPU per poll) and the same polling done by hand
(``operations.get`` until done, on operations of its own: per get), the target's comparison,
as both build each operation's URL once; ``embed_content``; and, once per client at the end,
a cold start (import, construction, first and second request, wall time).

A streamed chunk is measured as a marginal cost: the CPU of a long stream (about 80 events)
minus that of a one-event stream, divided by the difference in events, so it excludes the
per-call cost that a stream shares with a plain call. The average per chunk of the long stream
is printed too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from ._emulator import EmulatorProcess

__all__ = ["CLIENTS", "TARGETS", "main", "run"]

ROOT = Path(__file__).resolve().parent.parent  # workers run as `python -m benchmarks._clients`
CLIENTS = ("floor", "aiohttp", "genai_actors", "genai_actors-aiohttp", "google-genai")
# genai_actors' targets (issue 15): (what, numerator, denominator client, denominator, limit).
TARGETS = (
    ("per call vs floor", "generate_us", "floor", "generate_us", 1.5),
    ("per call vs bare aiohttp", "generate_us", "aiohttp", "generate_us", 1.0),
    ("streamed event vs floor", "chunk_marginal_us", "floor", "chunk_marginal_us", 1.3),
    ("typical config vs plain call", "config_us", "genai_actors", "generate_us", 1.05),
    ("watched poll vs polling by hand", "watched_poll_us", "genai_actors", "polled_get_us", 1.2),
)
COLD_TARGET = 1.2  # import + construct + first request, vs bare aiohttp

_ROWS = (
    ("generate_us", "generate_content, CPU per call"),
    ("config_us", "generate_content + typical config, CPU"),
    ("chunk_marginal_us", "streamed chunk, marginal CPU"),
    ("chunk_average_us", "streamed chunk, average CPU (long stream)"),
    ("stream_long_us", "long stream, CPU per stream"),
    ("op_get_us", "operations.get, CPU per call"),
    ("watched_poll_us", "watched poll (operations.wait), CPU/poll"),
    ("polled_get_us", "the same polled by hand (operations.get)"),
    ("embed_us", "embed_content, CPU per call"),
    ("generate_wall_us", "generate_content, wall per call"),
)
_WIDTH = 24


def worker_env(loop: str) -> dict[str, str]:
    """The environment of a worker process on ``loop`` (``uvloop`` or ``asyncio``).

    Without ``PYTHONDONTWRITEBYTECODE``: bytecode is written and read as an installed
    package's is (see ``benchmarks.bench_import``), so an edited module is not compiled from
    source on every cold start.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "GENAI_ACTORS_LOOP": loop}


def default_loop() -> str:
    """``uvloop`` when it is installed (the ``bench`` extra), else ``asyncio``."""
    return "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"


_LOOP = {"name": default_loop()}
# The clients run and shown: CLIENTS, or those of --clients (transport candidates included).
_SELECTED: dict[str, tuple[str, ...]] = {"clients": CLIENTS}


def _worker(client: str, url: str, *extra: str) -> dict[str, Any]:
    """Runs one worker in a fresh interpreter; returns its JSON, or ``{"error": ...}``."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._clients", client, url, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=worker_env(_LOOP["name"]),
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"client": client, "error": last}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run(rounds: int, calls: int, streams: int, *, cold: bool = True) -> dict[str, Any]:
    """Runs every client ``rounds`` times; returns medians, errors and cold starts per client."""
    samples: dict[str, list[dict[str, Any]]] = {c: [] for c in _SELECTED["clients"]}
    errors: dict[str, str] = {}
    cold_starts: dict[str, dict[str, Any]] = {}
    if cold:
        from .bench_import import compile_packages

        compile_packages(worker_env(_LOOP["name"]))
    with EmulatorProcess() as emu:
        for r in range(rounds):
            clients = _SELECTED["clients"]
            order = clients[r % len(clients) :] + clients[: r % len(clients)]
            for client in order:
                if client in errors:
                    continue
                # Each round and client waits on operations of its own (one already finished
                # by another client's waits would cost a single poll).
                # (A run waits on max(8, calls // 20) + 2 of the emulator's 4,000, and polls
                # as many others by hand.)
                first = (r * len(clients) + clients.index(client)) * (calls // 8 + 24)
                result = _worker(
                    client,
                    emu.url,
                    *("--calls", str(calls), "--streams", str(streams)),
                    *("--watch-first", str(first)),
                )
                if "error" in result:
                    errors[client] = result["error"]
                else:
                    samples[client].append(result)
        if cold:  # `rounds` cold starts per client, interleaved; the median by total is kept
            runs: dict[str, list[dict[str, Any]]] = {
                c: [] for c in _SELECTED["clients"] if c not in errors
            }
            for _ in range(rounds):
                for client in runs:
                    runs[client].append(_worker(client, emu.url, "--first"))
            for client, results in runs.items():
                good = sorted((r for r in results if "error" not in r), key=_cold_total)
                cold_starts[client] = good[len(good) // 2] if good else results[-1]
    medians: dict[str, dict[str, float]] = {}
    for client, results in samples.items():
        if results:
            keys = [k for k, v in results[0].items() if isinstance(v, int | float)]
            medians[client] = {k: statistics.median(r[k] for r in results) for k in keys}
    return {
        "medians": medians,
        "samples": samples,
        "errors": errors,
        "cold": cold_starts,
        "rounds": rounds,
    }


def _round_ratios(
    samples: dict[str, list[dict[str, Any]]], key: str, other: str, other_key: str
) -> list[float]:
    """``key`` of genai_actors over ``other_key`` of ``other``, round by round (the workers of
    one round ran next to each other, so these ratios share the machine's state)."""
    mine, theirs = samples.get("genai_actors", []), samples.get(other, [])
    return [
        m[key] / t[other_key]
        for m, t in zip(mine, theirs, strict=False)
        if key in m and t.get(other_key)
    ]


def _cold_total(c: dict[str, Any]) -> float:
    return float(c["import_s"] + c["construct_s"] + c["first_request_s"])


def render(report: dict[str, Any]) -> str:
    """The results as a plain-text table with ratios to the floor, and the targets' verdicts."""
    medians: dict[str, dict[str, float]] = report["medians"]
    floor = medians.get("floor", {})
    lines = [f"{'measure':<44}" + "".join(f"{c:>{_WIDTH}}" for c in _SELECTED["clients"])]
    for key, label in _ROWS:
        cells = []
        for client in _SELECTED["clients"]:
            value = medians.get(client, {}).get(key)
            if value is None:
                cells.append(f"{'-':>{_WIDTH}}")
                continue
            ratio = f" ({value / floor[key]:.2f}x)" if floor.get(key) and client != "floor" else ""
            cells.append(f"{f'{value:,.1f} us{ratio}':>{_WIDTH}}")
        lines.append(f"{label:<44}" + "".join(cells))
    chunks = {c: f"{int(m['chunks_long'])}/{int(m['chunks_short'])}" for c, m in medians.items()}
    lines.append(
        f"{'events per long/short stream':<44}"
        + "".join(f"{chunks.get(c, '-'):>{_WIDTH}}" for c in _SELECTED["clients"])
    )
    lines.append("(ratios in brackets are to the floor)")
    mine = medians.get("genai_actors")
    verdicts = []
    if mine:
        for what, key, other, other_key, limit in TARGETS:
            base = medians.get(other, {}).get(other_key)
            if key in mine and base:
                times = mine[key] / base
                state = "met" if times <= limit else "MISSED"
                line = f"  {what}: {times:.2f}x (target <= {limit}x: {state})"
                per_round = _round_ratios(report.get("samples", {}), key, other, other_key)
                if len(per_round) > 1:
                    line += f"; rounds {min(per_round):.2f}-{max(per_round):.2f}x"
                if other == "genai_actors" and floor.get(key) and floor.get(other_key):
                    # The same request on the floor: what the bigger body costs by itself.
                    line += f"; the floor's own: {floor[key] / floor[other_key]:.2f}x"
                verdicts.append(line)
    for client, message in report["errors"].items():
        lines.append(f"{client}: failed: {message}")
    cold = report["cold"]
    if cold:
        lines.append("")
        lines.append(
            f"{'cold start (wall, ms)':<22}{'import':>10}{'construct':>11}{'1st request':>13}"
            f"{'total':>9}{'2nd request':>13}"
        )
        for client, c in cold.items():
            if "error" in c:
                lines.append(f"{client:<22} failed: {c['error']}")
                continue
            lines.append(
                f"{client:<22}{c['import_s'] * 1e3:>10.1f}{c['construct_s'] * 1e3:>11.1f}"
                f"{c['first_request_s'] * 1e3:>13.1f}{_cold_total(c) * 1e3:>9.1f}"
                f"{c['second_request_s'] * 1e3:>13.1f}"
            )
        mine_cold, bare_cold = cold.get("genai_actors", {}), cold.get("aiohttp", {})
        if "import_s" in mine_cold and "import_s" in bare_cold:
            times = _cold_total(mine_cold) / _cold_total(bare_cold)
            state = "met" if times <= COLD_TARGET else "MISSED"
            verdicts.append(
                f"  cold start vs bare aiohttp: {times:.2f}x (target <= {COLD_TARGET}x: {state})"
            )
    if verdicts:
        lines.append("")
        lines.append("genai_actors targets:")
        lines.extend(verdicts)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: runs the benchmark and prints the table (``--json`` adds the raw data)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--streams", type=int, default=60)
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-start runs")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default=default_loop(),
        help="the event loop of every worker (default: uvloop when installed)",
    )
    parser.add_argument(
        "--clients",
        help="comma-separated clients to run instead of the default five, e.g. "
        "floor,aiohttp,aiohttp-tuned,aiosonic,pyreqwest,rnet (see benchmarks._candidates)",
    )
    args = parser.parse_args(argv)
    _LOOP["name"] = args.loop
    if args.clients:
        _SELECTED["clients"] = tuple(c.strip() for c in args.clients.split(",") if c.strip())
    print(
        f"client benchmark: Python {platform.python_version()} on {platform.machine()}, "
        f"{args.loop} loop, {args.rounds} rounds x {args.calls} calls / {args.streams} streams "
        "per client, each client in a fresh interpreter, median of rounds"
    )
    report = run(args.rounds, args.calls, args.streams, cold=not args.no_cold)
    print(render(report))
    if args.json:
        print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
