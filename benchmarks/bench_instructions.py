"""User-space instructions per operation (callgrind): the issue 15 ratios, deterministic.

Run it with ``python -m benchmarks.bench_instructions`` (needs valgrind: ``apt-get install
valgrind``; without it the command says so and exits with status 0).

CPU time on a virtual machine moves from run to run by more than what is left between
genai_actors and the floor, and it charges a client for more than its own work: the kernel's
share, and the wake-up after each wait for the answer (the longer the server takes, the more
CPU the client is charged; see docs/performance.md, "Fourth pass"). This benchmark counts
what the client process itself executes instead. Each measurement runs one worker under
``valgrind --tool=callgrind`` twice, with ``small`` and ``large`` operations after the same
warm-up, against one emulator process (not traced); the difference divided by
``large - small`` is the operation's cost, so start-up, imports and warm-up cancel out.
Counts repeat to within about 1% from run to run.

Workloads: ``generate`` (plain ``generate_content``), ``config`` (with the typical config),
``op_get`` (``operations.get`` of a running operation), ``poll`` (genai_actors: watched
``operations.wait`` calls polling back to back, each on an operation of its own that is done
at its tenth poll, per poll), ``polled`` (the same polling by hand: ``operations.get`` ten
times on each of as many other operations, per get), ``long``/``short`` streams (the marginal
cost of a streamed event is their difference over the difference in events).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ._emulator import EmulatorProcess
from .bench_client import TARGETS as CLIENT_TARGETS

__all__ = ["TARGETS", "main", "measure", "render"]

ROOT = Path(__file__).resolve().parent.parent
# (client, workload) pairs measured.
PLAN: tuple[tuple[str, str], ...] = (
    ("floor", "generate"),
    ("floor", "config"),
    ("floor", "op_get"),
    ("floor", "long"),
    ("floor", "short"),
    ("aiohttp", "generate"),
    ("genai_actors", "generate"),
    ("genai_actors", "config"),
    ("genai_actors", "op_get"),
    ("genai_actors", "poll"),
    ("genai_actors", "polled"),
    ("genai_actors", "long"),
    ("genai_actors", "short"),
)
# bench_client's figures by the workload measured here.
_WORKLOADS = {
    "generate_us": "generate",
    "config_us": "config",
    "chunk_marginal_us": "event",
    "watched_poll_us": "poll",
    "polled_get_us": "polled",
}
# (what, genai_actors' workload, other client, its workload, limit): bench_client's targets.
TARGETS = tuple(
    (what, _WORKLOADS[key], other, _WORKLOADS[other_key], limit)
    for what, key, other, other_key, limit in CLIENT_TARGETS
)
_COLLECTED = re.compile(r"Collected : (\d+)")


async def _worker(client: str, workload: str, count: int, url: str, first: int) -> None:
    """Runs ``count`` operations of ``workload`` after a fixed warm-up (the measured process)."""
    from . import _clients as clients

    driver = clients.DRIVERS[client](url)
    try:
        ops: dict[str, Callable[[], Awaitable[Any]]] = {
            "generate": driver.generate,
            "config": driver.generate_config,
            "op_get": driver.op_get,
            "long": lambda: driver.stream(clients.LONG_CONFIG, clients.LONG_BODY),
            "short": lambda: driver.stream(clients.SHORT_CONFIG, clients.SHORT_BODY),
        }
        if workload in ("poll", "polled"):
            wait, get = driver.wait_op, driver.get_op
            if wait is None or get is None:
                raise SystemExit(f"{client} has no watched wait")
            waits = count // clients.WATCH_POLLS  # ``count`` polls
            names = iter(clients.WATCH_OP.format(first + i) for i in range(waits + 5))

            async def by_hand(name: str) -> None:
                for _ in range(clients.WATCH_POLLS):
                    await get(name)

            one = wait if workload == "poll" else by_hand
            for _ in range(5):
                await one(next(names))
            for _ in range(waits):
                await one(next(names))
            return
        op = ops[workload]
        for _ in range(50):
            await op()
        for _ in range(count):
            await op()
    finally:
        await driver.aclose()


def _instructions(client: str, workload: str, count: int, url: str, first: int) -> int:
    """Instructions of one worker process running ``count`` operations."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={tmp}/out",
                sys.executable,
                "-m",
                "benchmarks.bench_instructions",
                "--worker",
                json.dumps([client, workload, count, url, first]),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            timeout=900,
        )
    found = _COLLECTED.search(proc.stderr)
    if proc.returncode != 0 or found is None:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{client} {workload}: {last}")
    return int(found.group(1))


def measure(
    small: int,
    large: int,
    jobs: int | None = None,
    plan: tuple[tuple[str, str], ...] = PLAN,
) -> dict[str, dict[str, float]]:
    """Instructions per operation, by client and workload (``event``: per streamed event), for
    the ``(client, workload)`` pairs of ``plan``.

    Raises:
        RuntimeError: A worker failed, or valgrind printed no count.
    """
    from . import _clients as clients

    runs = [(c, w, n) for c, w in plan for n in (small, large)]
    with EmulatorProcess() as emu:
        # Watched waits take operations of their own (one finished by an earlier run costs a
        # single poll); each wait polls WATCH_POLLS times.
        firsts, offset = [], 0
        for _, workload, count in runs:
            firsts.append(offset)
            if workload in ("poll", "polled"):
                offset += count // clients.WATCH_POLLS + 5
        if offset > clients.WATCH_OPS:
            raise RuntimeError(f"at most {clients.WATCH_OPS} watched waits in all")
        with ThreadPoolExecutor(jobs or os.cpu_count() or 1) as pool:
            futures = [
                pool.submit(_instructions, client, workload, count, emu.url, first)
                for (client, workload, count), first in zip(runs, firsts, strict=True)
            ]
            counts = [future.result() for future in futures]
    per: dict[str, dict[str, float]] = {}
    for (client, workload, count), total in zip(runs, counts, strict=True):
        per.setdefault(client, {}).setdefault(workload, 0.0)
        per[client][workload] += total if count == large else -total
    polls = (large // clients.WATCH_POLLS - small // clients.WATCH_POLLS) * clients.WATCH_POLLS
    for workloads in per.values():
        for workload in workloads:
            workloads[workload] /= polls if workload in ("poll", "polled") else large - small
    for workloads in per.values():
        if "long" in workloads and "short" in workloads:
            # 81 events in a long stream, 1 in a short one (bench_client checks the counts).
            workloads["event"] = (workloads["long"] - workloads["short"]) / 80
    return per


def render(per: dict[str, dict[str, float]]) -> str:
    """A table of instructions per operation, and the targets' verdicts."""
    workloads = ("generate", "config", "op_get", "poll", "polled", "event")
    lines = [f"{'instructions per operation':<28}" + "".join(f"{c:>16}" for c in per)]
    for workload in workloads:
        cells = []
        for client in per:
            value = per[client].get(workload)
            cells.append(f"{'-':>16}" if value is None else f"{value / 1000:>15,.1f}k")
        lines.append(f"{workload:<28}" + "".join(cells))
    lines.append("")
    lines.append("genai_actors targets (instructions):")
    mine = per.get("genai_actors", {})
    for what, key, other, other_key, limit in TARGETS:
        base = per.get(other, {}).get(other_key)
        if key in mine and base:
            times = mine[key] / base
            state = "met" if times <= limit else "MISSED"
            lines.append(f"  {what}: {times:.3f}x (target <= {limit}x: {state})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]] | None:
    """Command line: measures and prints the table (``--json`` prints the figures instead)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--small", type=int, default=200, help="operations in the short run")
    parser.add_argument("--large", type=int, default=1200, help="operations in the long run")
    parser.add_argument("--jobs", type=int, default=None, help="runs at once (CPU count)")
    parser.add_argument(
        "--only", nargs="+", metavar="CLIENT:WORKLOAD", help="measure these pairs alone"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        client, workload, count, url, first = json.loads(args.worker)
        import uvloop

        uvloop.run(_worker(client, workload, count, url, first))
        return None
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): nothing measured")
        return None
    if not 0 <= args.small < args.large:
        parser.error("--small must be at least 0 and below --large")
    plan: tuple[tuple[str, str], ...] = PLAN
    if args.only:
        plan = tuple((pair.partition(":")[0], pair.partition(":")[2]) for pair in args.only)
        unknown = [":".join(pair) for pair in plan if pair not in PLAN]
        if unknown:
            parser.error(f"not measured: {', '.join(unknown)}")
    per = measure(args.small, args.large, args.jobs, plan)
    print(json.dumps(per, indent=2) if args.json else render(per))
    return per


if __name__ == "__main__":
    main()
