"""A watched poll against a plain ``operations.get`` of the same operation, A/B across trees.

Run with ``python -m benchmarks.bench_watch_poll [--trees DIR ...] [--runs N] [--rounds R]``.
One emulator subprocess holds one operation that never finishes (for the plain gets) and
many that finish on their 10th poll (for the watched waits). Each tree (a checkout of this
repository: the working tree by default, e.g. a ``git worktree`` of an earlier commit as
well) runs in fresh interpreters, ``--runs`` times, the trees alternating. A run measures, in
``--rounds`` interleaved blocks: ``--calls`` sequential ``operations.get`` calls; the same
number of gets each followed by a 1 ms ``asyncio.sleep`` (a paced get: what the loop's timer
costs on its own); and ``operations.wait`` on operations finishing on their 10th poll, polled
1 ms apart, CPU per poll. The figure is ``time.process_time()`` per call or per poll, so the
emulator's CPU never counts; each ratio is taken within one block pair and the medians are
printed.

This is a measurement, not a test: nothing is asserted. Figures go to docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNNING = "models/veo-3.0-generate-001/operations/pollbenchrunning"
WATCHED = "models/veo-3.0-generate-001/operations/pollbench{}"
POLLS = 10
OPS = 30000

_SERVE = """
import asyncio, sys
from genai_actors.emulator import Emulator

async def main():
    async with Emulator(record_limit=0) as emu:
        ops = emu.state.operations
        ops.create(sys.argv[1], polls=2**62)
        for i in range(int(sys.argv[3])):
            ops.create(sys.argv[2].format(i), polls=int(sys.argv[4]))
        print(emu.url, flush=True)
        await asyncio.Event().wait()

asyncio.run(main())
"""


async def _measure(op: Any, n: int) -> float:
    cpu0 = time.process_time()
    for _ in range(n):
        await op()
    return time.process_time() - cpu0


async def _worker(
    url: str, calls: int, rounds: int, first: int, pace: float, http_client: str
) -> dict[str, Any]:
    import genai_actors
    from genai_actors._watch import WatchConfig
    from supervisors import Backoff

    options: dict[str, Any] = {}
    if http_client:  # a tree without the option (before h1) has only aiohttp
        options["transport"] = genai_actors.TransportConfig(http_client=http_client)
    client = genai_actors.AsyncClient(
        api_key="bench-key", http_options={"base_url": url, "api_version": "v1beta"}, **options
    )
    client.api_client.watchers.config = WatchConfig(
        max_concurrent_polls=32, max_polls_per_second=math.inf
    )
    # 1 ms by default: uvloop's timers have a resolution of one millisecond, so a shorter
    # wait either spins or (1 ns, "unpaced") fires on the loop's next turn without idling.
    backoff = Backoff(pace, pace, multiplier=1.0, jitter=0.0)
    names = iter(WATCHED.format(i) for i in range(first, OPS))
    waits = max(2, calls // POLLS)

    async def get() -> Any:
        return await client.operations.get(RUNNING)

    async def paced_get() -> None:
        await client.operations.get(RUNNING)
        await asyncio.sleep(pace)

    async def wait() -> None:
        op = await client.operations.wait(next(names), timeout=None, backoff=backoff)
        assert op.done

    out: dict[str, list[float]] = {"get_us": [], "paced_get_us": [], "poll_us": []}
    try:
        for _ in range(20):
            await get()
        for _ in range(3):
            await wait()
        for _ in range(rounds):
            out["get_us"].append(await _measure(get, calls) / calls * 1e6)
            out["paced_get_us"].append(await _measure(paced_get, calls) / calls * 1e6)
            out["poll_us"].append(await _measure(wait, waits) / (waits * POLLS) * 1e6)
    finally:
        await client.aclose()
    return {"samples": out, "used": 3 + rounds * waits}


def _run_worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(args.tree).resolve()))
    loop = os.environ.get("GENAI_ACTORS_LOOP", "uvloop")
    if loop == "uvloop":
        import uvloop

        factory: Any = uvloop.new_event_loop
    else:
        factory = asyncio.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        result = runner.run(
            _worker(args.url, args.calls, args.rounds, args.first, args.pace, args.http_client)
        )
    json.dump(result, sys.stdout)


def main(argv: list[str] | None = None) -> None:
    """Parses arguments and runs the A/B comparison (or one worker, with ``--worker``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trees", nargs="+", default=[str(ROOT)])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--pace", type=float, default=1e-3, help="seconds between polls")
    parser.add_argument("--http-client", default="", help="h1 or aiohttp (default: the tree's)")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", default=str(ROOT), help=argparse.SUPPRESS)
    parser.add_argument("--url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _run_worker(args)
        return
    serve = [sys.executable, "-c", _SERVE, RUNNING, WATCHED, str(OPS), str(POLLS)]
    env = {**os.environ, "GENAI_ACTORS_LOOP": args.loop}
    proc = subprocess.Popen(serve, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        first = 0
        per_tree: dict[str, dict[str, list[float]]] = {t: {} for t in args.trees}
        for run in range(args.runs):
            order = args.trees if run % 2 == 0 else args.trees[::-1]
            for tree in order:
                cmd = [sys.executable, __file__, "--worker", "--tree", tree, "--url", url]
                cmd += ["--calls", str(args.calls), "--rounds", str(args.rounds)]
                cmd += ["--first", str(first), "--pace", str(args.pace)]
                cmd += ["--http-client", args.http_client]
                done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                if done.returncode != 0:
                    print(f"{tree}: {done.stderr.strip().splitlines()[-1:]}")
                    continue
                result = json.loads(done.stdout)
                first += result["used"]
                samples = result["samples"]
                got = per_tree[tree]
                for key, values in samples.items():
                    got.setdefault(key, []).extend(values)
                ratios = [p / g for p, g in zip(samples["poll_us"], samples["get_us"], strict=True)]
                got.setdefault("ratio", []).extend(ratios)
                paced = zip(samples["poll_us"], samples["paced_get_us"], strict=True)
                got.setdefault("ratio_paced", []).extend(p / g for p, g in paced)
    finally:
        proc.terminate()
        proc.wait()
    client = args.http_client or "default"
    print(f"loop={args.loop} http={client} pace={args.pace} runs={args.runs} rounds={args.rounds}")
    print(f"load average: {os.getloadavg()}")
    header = "tree | get us | paced get us | poll us | poll/get | poll/paced get | poll/get runs"
    print(header)
    for tree, got in per_tree.items():
        if not got:
            continue
        med = {k: statistics.median(v) for k, v in got.items()}
        n = args.rounds
        per_run = [
            statistics.median(got["ratio"][i : i + n]) for i in range(0, len(got["ratio"]), n)
        ]
        print(
            f"{tree} | {med['get_us']:.0f} | {med['paced_get_us']:.0f} | {med['poll_us']:.0f} | "
            f"{med['ratio']:.2f}x | {med['ratio_paced']:.2f}x | "
            + ", ".join(f"{r:.2f}x" for r in per_run)
        )


if __name__ == "__main__":
    main()
