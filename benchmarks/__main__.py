"""``python -m benchmarks``: every benchmark, one after the other (about two minutes).

Sections: ``supervisors`` (the actor runtime), ``watchers`` (many operations waited on at once),
``imports`` (import time), ``client`` (CPU per call against one emulator, beside the floor),
``pool`` (2,000 concurrent slow streams over a 512-connection pool, about a minute) and
``tokenizer`` (LocalTokenizer beside google-genai's on the same model file) and ``chats``
(memory per idle chat, CPU per turn beside google-genai's chat, turns/s on one chat) and
``live`` (1,000 concurrent Live sessions: client CPU per message beside a bare aiohttp
WebSocket client, and the first answer after a forced close and resumption) and ``fanout``
(20,000 requests at concurrency 64 and 512, with and without 20 ms of latency, beside bare
aiohttp and google-genai; one round here) and ``vertex`` (CPU per call on Vertex AI beside the
Developer API and beside google-genai on Vertex AI). The
first two run in subprocesses with smaller counts than their defaults.
Pick some with ``--only client,imports``.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time

from . import bench_client, bench_import
from .bench_client import ROOT

SECTIONS = (
    "supervisors",
    "watchers",
    "imports",
    "client",
    "pool",
    "tokenizer",
    "chats",
    "live",
    "fanout",
    "vertex",
)
# Section -> module and arguments, for the sections run as subprocesses.
_SUBPROCESS = {
    "supervisors": ["benchmarks.bench_supervisors", "--calls", "50000", "--actors", "50000"],
    "watchers": ["benchmarks.bench_watchers", "--ops", "2000"],
    "pool": ["benchmarks.bench_pool"],
    "tokenizer": ["benchmarks.bench_tokenizer"],
    "chats": ["benchmarks.bench_chats"],
    "live": ["benchmarks.bench_live"],
    "fanout": ["benchmarks.bench_fanout", "--rounds", "1"],
    "vertex": ["benchmarks.bench_vertex", "--rounds", "2", "--calls", "300"],
}


def main(argv: list[str] | None = None) -> int:
    """Runs the chosen sections; returns a process exit code (1 if a section failed)."""
    parser = argparse.ArgumentParser(description="Run the genai_actors benchmarks.")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}; choose from {SECTIONS}")
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}")
    status = 0
    for section in chosen:
        started = time.perf_counter()
        print(f"\n== {section} ==", flush=True)
        if section in _SUBPROCESS:
            status |= subprocess.run(
                [sys.executable, "-m", *_SUBPROCESS[section]], check=False, cwd=ROOT
            ).returncode
        elif section == "imports":
            bench_import.main([])
        else:
            report = bench_client.main([])
            status |= 1 if report["errors"] else 0
        print(f"({section}: {time.perf_counter() - started:.1f} s)", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
