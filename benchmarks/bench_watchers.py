"""Benchmark of the job watchers: 10,000 operations waited on at once against one emulator.

Run with ``python -m benchmarks.bench_watchers [--ops N] [--polls P] [--rate R]
[--concurrency C]``. An emulator subprocess holds ``N`` running operations, each of which
finishes on its ``P``-th poll; it also serves a small counter endpoint reporting how many
operation polls it has answered. One ``AsyncClient`` then calls
``client.operations.wait(name)`` for every operation at once, with the watchers capped at
``R`` polls per second and ``C`` polls in flight. Every second the benchmark samples the
emulator's counter and prints the requests per second that reached it.

It reports: the wall time until every wait returned, the total polls the server answered
(exactly ``N x P`` when no poll is wasted), the peak and mean server-side request rate (which
the cap must bound), the asyncio tasks alive while all ``N`` watches were pending (one per
waiting caller plus a handful: no task per watcher or per schedule), and the client's CPU.

This is a measurement, not a test: nothing is asserted. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import subprocess
import sys
import time
import urllib.request
from typing import Any

import anyio

import genai_actors as ga
from genai_actors._watch import WatchConfig
from supervisors import Backoff

_SERVER = """
import asyncio, json, sys
from aiohttp import web
from genai_actors.emulator import Emulator

OPS, POLLS = int(sys.argv[1]), int(sys.argv[2])

async def main():
    async with Emulator(record_limit=0) as emu:
        ops = [
            emu.operations.create(f"models/veo-3.0-generate-001/operations/bench{i}", polls=POLLS)
            for i in range(OPS)
        ]

        async def count(request):
            done = sum(1 for op in ops if op.done)
            return web.json_response({"polls": sum(op.polled for op in ops), "done": done})

        app = web.Application()
        app.router.add_get("/count", count)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        print(emu.url, f"http://127.0.0.1:{port}/count", flush=True)
        await asyncio.Event().wait()

asyncio.run(main())
"""


class Server:
    """The emulator subprocess with its poll counter."""

    def __init__(self, ops: int, polls: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(ops), str(polls)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) != 2:
            self.close()
            raise RuntimeError("the emulator did not start")
        self.url, self.count_url = line

    def count(self) -> dict[str, int]:
        """The server's counters: polls answered and operations done."""
        with urllib.request.urlopen(self.count_url, timeout=10) as resp:
            data: dict[str, int] = json.loads(resp.read())
            return data

    def close(self) -> None:
        """Stops the subprocess."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


async def run(ops: int, polls: int, rate: float, concurrency: int) -> dict[str, Any]:
    """Waits on every operation at once; returns the figures."""
    server = Server(ops, polls)
    try:
        client = ga.AsyncClient(
            api_key="bench-key",
            http_options={"base_url": server.url},
            watch=WatchConfig(
                backoff=Backoff(1.0, 30.0, multiplier=1.5, jitter=0.2),
                max_concurrent_polls=concurrency,
                max_polls_per_second=rate,
            ),
        )
        names = [f"models/veo-3.0-generate-001/operations/bench{i}" for i in range(ops)]
        samples: list[tuple[float, int]] = []
        peak_tasks = 0
        finished = 0
        cpu0 = time.process_time()
        start = time.perf_counter()

        async def waiter(name: str) -> None:
            nonlocal finished
            op = await client.operations.wait(name, timeout=None)
            assert op.done
            finished += 1

        async def sampler() -> None:
            nonlocal peak_tasks
            while True:
                await anyio.sleep(1.0)
                polls_now = (await asyncio.to_thread(server.count))["polls"]
                samples.append((time.perf_counter() - start, polls_now))
                peak_tasks = max(peak_tasks, len(asyncio.all_tasks()))
                prev_t, prev_polls = samples[-2] if len(samples) > 1 else (0.0, 0)
                rate_now = (polls_now - prev_polls) / (samples[-1][0] - prev_t)
                print(
                    f"  t={samples[-1][0]:6.1f}s  polls={polls_now:7d}  "
                    f"req/s={rate_now:6.0f}  done={finished}",
                    flush=True,
                )

        async with client:
            async with anyio.create_task_group() as tg:
                tg.start_soon(sampler)
                async with anyio.create_task_group() as waiters:
                    for name in names:
                        waiters.start_soon(waiter, name)
                elapsed = time.perf_counter() - start
                tg.cancel_scope.cancel()
            cpu = time.process_time() - cpu0
        final = server.count()
    finally:
        server.close()
    # The first window includes start-up (the burst): rates are per sampled window, per second.
    rates = [
        (b[1] - a[1]) / (b[0] - a[0])
        for a, b in zip([(0.0, 0), *samples], samples, strict=False)
        if b[0] > a[0]
    ]
    return {
        "ops": ops,
        "polls_per_op": polls,
        "rate_cap": rate,
        "concurrency": concurrency,
        "completed": finished,
        "seconds": elapsed,
        "server_polls": final["polls"],
        "server_done": final["done"],
        "peak_rps": max(rates) if rates else 0,
        "mean_rps": final["polls"] / elapsed,
        "tasks_while_pending": peak_tasks,
        "client_cpu_s": cpu,
    }


def main(argv: list[str] | None = None) -> int:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description="Benchmark the job watchers.")
    parser.add_argument("--ops", type=int, default=10_000, help="operations watched at once")
    parser.add_argument("--polls", type=int, default=3, help="polls each operation needs")
    parser.add_argument("--rate", type=float, default=500.0, help="global poll cap per second")
    parser.add_argument("--concurrency", type=int, default=64, help="polls in flight at most")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    print(f"machine: {platform.platform()}, Python {platform.python_version()}")
    print(
        f"watchers: {args.ops} operations x {args.polls} polls, cap {args.rate:g}/s, "
        f"{args.concurrency} in flight"
    )
    figures = asyncio.run(run(args.ops, args.polls, args.rate, args.concurrency))
    for key, value in figures.items():
        print(f"{key:>20}: {value:.2f}" if isinstance(value, float) else f"{key:>20}: {value}")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
