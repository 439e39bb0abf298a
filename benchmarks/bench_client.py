"""Client CPU per call: genai_actors vs google-genai vs bare aiohttp, against one emulator.

Run it with ``python -m benchmarks.bench_client`` (or ``python -m benchmarks`` for everything).

One emulator process is started on a free loopback port. Each client then runs in its own fresh
interpreter (``benchmarks._clients``), one after the other, for several rounds with the order
rotated each round; every worker warms up before it measures. The figure reported per client is
the median over the rounds of its ``time.process_time()`` per call, so the emulator's CPU never
counts. Ratios are to bare aiohttp (prebuilt JSON bytes, ``json.loads``): the floor any client
built on aiohttp can reach.

A streamed chunk is measured as a marginal cost: the CPU of a long stream (about 70 events)
minus that of a one-event stream, divided by the difference in events, so it excludes the
per-call cost that a stream shares with a plain call. The average per chunk of the long stream
is printed too. A cold start (import, construction, first and second request, wall time) is
measured once per client at the end.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from ._emulator import EmulatorProcess

__all__ = ["CLIENTS", "TARGETS", "main", "run"]

ROOT = Path(__file__).resolve().parent.parent  # workers run as `python -m benchmarks._clients`
CLIENTS = ("aiohttp", "genai_actors", "google-genai")
# Ratios to bare aiohttp that genai_actors must stay within (issue 3).
TARGETS = {"generate_us": 1.3, "chunk_marginal_us": 1.5, "embed_us": 1.3}

_ROWS = (
    ("generate_us", "generate_content, CPU per call"),
    ("chunk_marginal_us", "streamed chunk, marginal CPU"),
    ("chunk_average_us", "streamed chunk, average CPU (long stream)"),
    ("stream_long_us", "long stream, CPU per stream"),
    ("embed_us", "embed_content, CPU per call"),
    ("generate_wall_us", "generate_content, wall per call"),
)


def _worker(client: str, url: str, *extra: str) -> dict[str, Any]:
    """Runs one worker in a fresh interpreter; returns its JSON, or ``{"error": ...}``."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._clients", client, url, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"client": client, "error": last}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run(rounds: int, calls: int, streams: int, *, cold: bool = True) -> dict[str, Any]:
    """Runs every client ``rounds`` times; returns medians, errors and cold starts per client."""
    samples: dict[str, list[dict[str, Any]]] = {c: [] for c in CLIENTS}
    errors: dict[str, str] = {}
    cold_starts: dict[str, dict[str, Any]] = {}
    with EmulatorProcess() as emu:
        for r in range(rounds):
            order = CLIENTS[r % len(CLIENTS) :] + CLIENTS[: r % len(CLIENTS)]
            for client in order:
                if client in errors:
                    continue
                result = _worker(client, emu.url, "--calls", str(calls), "--streams", str(streams))
                if "error" in result:
                    errors[client] = result["error"]
                else:
                    samples[client].append(result)
        if cold:
            for client in CLIENTS:
                if client not in errors:
                    cold_starts[client] = _worker(client, emu.url, "--first")
    medians: dict[str, dict[str, float]] = {}
    for client, results in samples.items():
        if results:
            keys = [k for k, v in results[0].items() if isinstance(v, int | float)]
            medians[client] = {k: statistics.median(r[k] for r in results) for k in keys}
    return {"medians": medians, "errors": errors, "cold": cold_starts, "rounds": rounds}


def render(report: dict[str, Any]) -> str:
    """The results as a plain-text table with ratios to bare aiohttp."""
    medians: dict[str, dict[str, float]] = report["medians"]
    base = medians.get("aiohttp", {})
    lines = [
        f"{'measure':<42}" + "".join(f"{c:>22}" for c in CLIENTS),
    ]
    for key, label in _ROWS:
        cells = []
        for client in CLIENTS:
            value = medians.get(client, {}).get(key)
            if value is None:
                cells.append(f"{'n/a':>22}")
                continue
            ratio = f" ({value / base[key]:.2f}x)" if key in base and client != "aiohttp" else ""
            cells.append(f"{f'{value:,.1f} us{ratio}':>22}")
        lines.append(f"{label:<42}" + "".join(cells))
    chunks = {c: f"{int(m['chunks_long'])}/{int(m['chunks_short'])}" for c, m in medians.items()}
    lines.append(
        f"{'events per long/short stream':<42}"
        + "".join(f"{chunks.get(c, 'n/a'):>22}" for c in CLIENTS)
    )
    mine = medians.get("genai_actors")
    if mine and base:
        verdicts = []
        for key, limit in TARGETS.items():
            times = mine[key] / base[key]
            verdicts.append(
                f"{key} {times:.2f}x (target <= {limit}x: {'met' if times <= limit else 'MISSED'})"
            )
        lines.append("genai_actors vs bare aiohttp: " + "; ".join(verdicts))
    for client, message in report["errors"].items():
        lines.append(f"{client}: failed: {message}")
    if report["cold"]:
        lines.append("")
        lines.append(
            f"{'cold start (wall, ms)':<22}{'import':>10}{'construct':>11}{'1st request':>13}"
            f"{'2nd request':>13}"
        )
        for client, c in report["cold"].items():
            if "error" in c:
                lines.append(f"{client:<22} failed: {c['error']}")
                continue
            lines.append(
                f"{client:<22}{c['import_s'] * 1e3:>10.1f}{c['construct_s'] * 1e3:>11.1f}"
                f"{c['first_request_s'] * 1e3:>13.1f}{c['second_request_s'] * 1e3:>13.1f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Command line: runs the benchmark and prints the table (``--json`` adds the raw data)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--streams", type=int, default=60)
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-start runs")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    args = parser.parse_args(argv)
    print(
        f"client benchmark: Python {platform.python_version()} on {platform.machine()}, "
        f"{args.rounds} rounds x {args.calls} calls / {args.streams} streams per client, "
        "each client in a fresh interpreter, median of rounds"
    )
    report = run(args.rounds, args.calls, args.streams, cold=not args.no_cold)
    print(render(report))
    if args.json:
        print(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
