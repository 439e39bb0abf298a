"""``python -m benchmarks`` (``make bench``): every scenario, one emulator, one table.

Each scenario runs its workers in fresh interpreters against one emulator process, for the
floor (``benchmarks._floor``, where the scenario is plain HTTP), bare aiohttp, genai_actors and
google-genai, ``--runs`` times (default 3) with the client order rotated each run; the table
holds the medians: cost per unit (client CPU, or wall time for cold start), throughput, peak
RSS of the worker, errors, and the ratios to the floor, to bare aiohttp and to google-genai.
See ``benchmarks._harness`` for the workers and ``benchmarks._report`` for the table.

Scenarios (``--only``, comma-separated): ``cold_start`` (import; import + construction + first
call), ``call`` (sequential call, with a typical config, a streamed event, embeddings),
``fanout`` (20,000 requests at concurrency 64 and 512, with and without 20 ms of latency),
``chats`` (CPU per turn, memory per chat), ``live`` (1,000 sessions, CPU per message),
``watchers`` (10,000 operations), ``supervisors`` and ``tokenizer``. The older names
``imports`` and ``client`` mean ``cold_start`` and ``call``. ``pool`` and ``vertex`` still run
their own modules and print their own tables (not part of the default run), as does
``python -m benchmarks.bench_instructions`` (user-space instructions per call under
callgrind: the issue 15 ratios without the machine's noise; needs valgrind).

``--quick`` (smaller counts, one run) takes under two minutes; ``--smoke`` is the test's size.
``--full-size SCENARIOS`` runs those scenarios at the full size whatever the size of the rest
(``--quick --runs 3 --full-size fanout``: the issue's fan-out, the rest quick, one table).
A full run with every scenario writes its table to ``docs/performance.md`` (between
``<!-- bench:begin -->`` and ``<!-- bench:end -->``); ``--out PATH`` writes it elsewhere (or
for any run), ``--json PATH`` writes the rows as JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ._emulator import EmulatorProcess
from ._harness import SCENARIOS, SIZES, Job, run_job, scenario_jobs, set_latency
from ._report import Sample, render_markdown, render_text, summarise, write_section
from .bench_client import ROOT, default_loop

ALIASES = {"imports": "cold_start", "client": "call"}
CLIENTS = ("floor", "aiohttp", "genai_actors", "google-genai")
# Sections that keep their own module and table (not in the default run).
_OWN_TABLE = {
    "pool": ["benchmarks.bench_pool"],
    "vertex": ["benchmarks.bench_vertex", "--rounds", "2", "--calls", "300"],
}
DOC = ROOT / "docs" / "performance.md"


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{platform.platform()}, {os.cpu_count()} x {cpu}, load average {load} at the end"


def _http_client() -> str:
    try:
        import genai_actors

        return str(genai_actors.TransportConfig().http_client)
    except (ImportError, AttributeError):
        return "aiohttp"


def _header(size: str, runs: int, loop: str, elapsed: float) -> list[str]:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(
        f"{name} {_version(name)}" for name in ("genai-actors", "google-genai", "aiohttp")
    )
    return [
        f"Measured {now} by `python -m benchmarks` ({size} size, median of {runs} run(s), "
        f"{elapsed / 60:.1f} min). Python {platform.python_version()}, {versions}, {loop} loop; "
        f"genai_actors on its default HTTP client, {_http_client()}.",
        f"Machine: {_machine()}.",
        "",
        "Every worker is a fresh interpreter; all but the watchers (which start their own, beside "
        "a poll counter) talk to one emulator process. Cost per unit is the worker's client CPU "
        "(`time.process_time()`, the emulator's CPU not counted) except cold start and import "
        "(wall time; genai_actors defers its HTTP stack to first use, so compare cold start, not "
        "import alone); ratios are of that cost (lower is better), `thr. x bare` of throughput "
        "(higher is better; for sequential calls it is 1 / wall time per call, which a loaded "
        "machine skews most). Sequential call, config, streaming and embeddings come from one "
        "worker per client, so they share its peak RSS; fan-out reports the worker's own. "
        "Other jobs ran on the machine at the same time, so absolute figures move between "
        "runs; ratios from the same run hold better.",
    ]


Batch = list[tuple[str, Job]]  # ("scenario/client", job), every job with the same latency


def _batches(
    table: list[str],
    url: str,
    size: dict[str, int],
    runs: int,
    clients: set[str],
    parallel: int,
    full: frozenset[str] = frozenset(),
) -> list[Batch]:
    """The jobs in the order they run: one per batch, or (``parallel`` > 1) every job of a run
    and latency in one batch. Each run rotates the order of a scenario's clients. Scenarios in
    ``full`` run at the full size."""
    batches: list[Batch] = []
    for run in range(runs):
        jobs: Batch = []
        for scenario in table:
            counts = SIZES["full"] if scenario in full else size
            mine = [
                j
                for j in scenario_jobs(scenario, url, counts, run)
                if j.client in clients or j.client == "both"
            ]
            shift = run % len(mine) if mine else 0
            jobs.extend((f"{scenario}/{j.client}", j) for j in mine[shift:] + mine[:shift])
        if parallel > 1:
            latencies = sorted({j.latency for _, j in jobs})
            batches.extend([(w, j) for w, j in jobs if j.latency == x] for x in latencies)
        else:
            batches.extend([item] for item in jobs)
    return batches


def _timed(job: Job, loop: str) -> tuple[list[Sample], float]:
    started = time.perf_counter()
    got = run_job(job, loop)
    return got, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Runs the chosen scenarios; returns 1 if a worker failed or a row has errors, else 0."""
    parser = argparse.ArgumentParser(description="Run the genai_actors benchmarks.")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--runs", type=int, default=None, help="runs per job (default 3)")
    sizes = parser.add_mutually_exclusive_group()
    sizes.add_argument("--quick", action="store_true", help="smaller counts, one run (< 2 min)")
    sizes.add_argument("--smoke", action="store_true", help="tiny counts for the smoke test")
    parser.add_argument("--out", type=Path, default=None, help="write the markdown table here")
    parser.add_argument("--json", type=Path, default=None, help="write the rows as JSON here")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default=default_loop())
    parser.add_argument(
        "--clients",
        default=",".join(CLIENTS),
        help="comma-separated clients (default: all; the tokenizer's one job runs both SDKs)",
    )
    parser.add_argument(
        "--full-size",
        default="",
        help="comma-separated scenarios run at the full size whatever the others' size",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=1,
        help="workers at once (only for checking that everything runs: figures are skewed)",
    )
    args = parser.parse_args(argv)
    clients = {c.strip() for c in args.clients.split(",") if c.strip()}
    if clients - set(CLIENTS):
        parser.error(f"unknown client(s): {sorted(clients - set(CLIENTS))}; choose from {CLIENTS}")
    chosen = [ALIASES.get(s.strip(), s.strip()) for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SCENARIOS) - set(_OWN_TABLE))
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; choose from {SCENARIOS}")
    size = "smoke" if args.smoke else "quick" if args.quick else "full"
    full = frozenset(ALIASES.get(s.strip(), s.strip()) for s in args.full_size.split(",") if s)
    if full - set(SCENARIOS):
        parser.error(f"unknown scenario(s) in --full-size: {sorted(full - set(SCENARIOS))}")
    runs = args.runs or (3 if size == "full" else 1)
    out = args.out
    if out is None and size == "full" and set(SCENARIOS) <= set(chosen) and clients == set(CLIENTS):
        out = DOC
    started = time.perf_counter()
    status = 0
    for section in [c for c in chosen if c in _OWN_TABLE]:
        print(f"\n== {section} (own table) ==", flush=True)
        command = [sys.executable, "-m", *_OWN_TABLE[section]]
        status |= subprocess.run(command, check=False, cwd=ROOT).returncode
    table = [c for c in SCENARIOS if c in chosen]
    samples: list[Sample] = []
    failures: dict[str, str] = {}
    if table:
        print(f"benchmarks: {size} size, {runs} run(s), {args.loop} loop", flush=True)
        with EmulatorProcess() as emu:
            batches = _batches(table, emu.url, SIZES[size], runs, clients, args.parallel, full)
            for batch in batches:
                set_latency(emu.url, batch[0][1].latency)
                with ThreadPoolExecutor(max_workers=args.parallel) as pool:
                    futures = [
                        (what, job, pool.submit(_timed, job, args.loop))
                        for what, job in batch
                        if not any(k.startswith(what + " ") for k in failures)
                    ]
                    for what, job, future in futures:
                        try:
                            got, took = future.result()
                        except RuntimeError as exc:
                            failures[f"{what} (+{job.latency * 1e3:.0f} ms)"] = str(exc)
                            print(f"  {what}: FAILED {exc}", flush=True)
                            continue
                        samples.extend(got)
                        print(f"  {what}: {len(got)} figure(s) in {took:.1f} s", flush=True)
            set_latency(emu.url, 0.0)
    rows = summarise(samples)
    if table:
        print()
        print(render_text(rows, failures))
    elapsed = time.perf_counter() - started
    if out is not None:
        label = (
            size
            if not full or size == "full"
            else f"{size} size, {', '.join(sorted(full))} at full"
        )
        header = _header(label, runs, args.loop, elapsed)
        write_section(out, render_markdown(rows, failures, header))
        print(f"table written to {out}")
    if args.json is not None:
        payload = {"rows": [dataclasses.asdict(r) for r in rows], "failures": failures}
        args.json.write_text(json.dumps(payload, indent=1))
    print(f"({elapsed:.1f} s)")
    if failures or any(r.errors for r in rows):
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
