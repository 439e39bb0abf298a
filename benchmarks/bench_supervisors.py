"""Benchmark of the supervisors runtime: call round-trips and memory per idle actor.

Run with ``python -m benchmarks.bench_supervisors [--calls N] [--actors N]``. It prints:

* ``call``: sequential ``await ref.call(msg)`` round-trips to one actor: calls per second
  (wall clock) and CPU microseconds per call (process time);
* ``call x16``: the same with 16 concurrent callers on one actor;
* ``cast``: ``ref.cast`` throughput including the handling;
* ``idle actor``: bytes per idle supervised actor, measured with tracemalloc over N actors under
  one DynamicSupervisor (everything each one costs: its Actor instance, ActorRef, cell, ChildSpec
  and the supervisor's record), before and after each has handled one call.

This is a measurement, not a test: nothing is asserted. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import time
import tracemalloc
from functools import partial
from importlib.metadata import version
from typing import Any

import anyio
import anyio.lowlevel

import supervisors as s


class Echo(s.Actor):
    """Replies with its message; counts casts."""

    def __init__(self) -> None:
        self.casts = 0

    async def handle_call(self, msg: Any) -> Any:
        return msg

    async def handle_cast(self, msg: Any) -> None:
        self.casts += 1


class Idle(s.Actor):
    """An actor with one attribute of state, like a small session."""

    def __init__(self, n: int) -> None:
        self.n = n

    async def handle_call(self, msg: Any) -> Any:
        return self.n


async def bench_call(n: int) -> dict[str, float]:
    async with s.Supervisor([s.ChildSpec("echo", Echo)]) as sup:
        ref = sup.child("echo")
        for _ in range(1000):
            await ref.call(0)
        gc.collect()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for i in range(n):
            await ref.call(i)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"calls_per_s": n / wall, "cpu_us_per_call": cpu / n * 1e6}


async def bench_concurrent_call(n: int, callers: int = 16) -> dict[str, float]:
    async with s.Supervisor([s.ChildSpec("echo", Echo)]) as sup:
        ref = sup.child("echo")
        per = n // callers

        async def caller() -> None:
            for i in range(per):
                await ref.call(i)

        cpu0, wall0 = time.process_time(), time.perf_counter()
        async with anyio.create_task_group() as tg:
            for _ in range(callers):
                tg.start_soon(caller)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    total = per * callers
    return {"calls_per_s": total / wall, "cpu_us_per_call": cpu / total * 1e6}


async def bench_cast(n: int) -> dict[str, float]:
    class Big(Echo):
        mailbox = s.Mailbox(n + 10)

    async with s.Supervisor([s.ChildSpec("echo", Big)]) as sup:
        ref = sup.child("echo")
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for i in range(n):
            ref.cast(i)
        await ref.call("sync")
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"casts_per_s": n / wall, "cpu_us_per_cast": cpu / n * 1e6}


async def bench_idle_memory(n: int) -> dict[str, float]:
    dsup = s.DynamicSupervisor(name="bench")
    async with dsup:
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        t_start = time.perf_counter()
        refs = [await dsup.start_child(s.ChildSpec(i, partial(Idle, i))) for i in range(n)]
        start_s = time.perf_counter() - t_start
        gc.collect()
        started = tracemalloc.get_traced_memory()[0]
        for ref in refs:
            await ref.call(None)
        await anyio.lowlevel.checkpoint()
        gc.collect()
        after_call = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        tasks = len(asyncio.all_tasks())
        t0 = time.perf_counter()
    stop_s = time.perf_counter() - t0
    return {
        "bytes_per_idle_actor": (started - base) / n,
        "bytes_per_actor_after_one_call": (after_call - base) / n,
        "tasks_while_idle": tasks,
        "shutdown_s": stop_s,
        "start_us_per_child_traced": start_s / n * 1e6,
    }


async def main(calls: int, actors: int) -> dict[str, dict[str, float]]:
    """Runs every measurement, prints them, and returns them by name."""
    print(
        f"supervisors benchmark: Python {platform.python_version()}, anyio {version('anyio')}, "
        f"asyncio backend, {calls:,} calls, {actors:,} idle actors"
    )
    figures: dict[str, dict[str, float]] = {}
    r = figures["call"] = await bench_call(calls)
    print(f"call       {r['calls_per_s']:>10,.0f} calls/s  {r['cpu_us_per_call']:6.2f} us CPU/call")
    r = figures["call_x16"] = await bench_concurrent_call(calls)
    print(f"call x16   {r['calls_per_s']:>10,.0f} calls/s  {r['cpu_us_per_call']:6.2f} us CPU/call")
    r = figures["cast"] = await bench_cast(calls)
    print(f"cast       {r['casts_per_s']:>10,.0f} casts/s  {r['cpu_us_per_cast']:6.2f} us CPU/cast")
    m = figures["idle"] = await bench_idle_memory(actors)
    print(
        f"idle actor {m['bytes_per_idle_actor']:>10,.0f} B/actor; "
        f"{m['bytes_per_actor_after_one_call']:,.0f} B after one call each; "
        f"{m['tasks_while_idle']:.0f} tasks alive in total"
    )
    print(
        f"lifecycle  start_child {m['start_us_per_child_traced']:.0f} us/child (traced); "
        f"shutdown of all {actors:,} in {m['shutdown_s']:.2f} s"
    )
    return figures


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    figures = anyio.run(main, args.calls, args.actors)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    cli()
