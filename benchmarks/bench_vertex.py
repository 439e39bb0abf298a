"""Client CPU per call on Vertex AI, beside the Developer API and beside google-genai on Vertex AI.

Run it with ``python -m benchmarks.bench_vertex`` (or ``python -m benchmarks --only vertex``).

One emulator process serves both backends. Each client runs in its own fresh interpreter (this
module with ``--worker``), one after the other, for several rounds with the order rotated each
round; every worker warms up before it measures; the figure is the median over the rounds of
``time.process_time()`` per call in the worker, so the emulator's CPU never counts.

Clients: genai_actors on the Developer API (API key) and on Vertex AI (project, location and a
google-auth token valid for an hour, as ADC gives it: each call checks its expiry and reuses
it), and google-genai on Vertex AI with the same credentials (and on the Developer API, for
reference). Scenarios: a plain ``generate_content``, the same with a typical config, and
``count_tokens``; every client sends the same requests.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import statistics
import subprocess
import sys
import time
import warnings
from typing import Any

from ._emulator import EmulatorProcess
from .bench_client import ROOT, default_loop, worker_env

__all__ = ["CLIENTS", "main", "run"]

CLIENTS = ("genai_actors/dev", "genai_actors/vertex", "google-genai/vertex", "google-genai/dev")
API_KEY = "bench-key"
TOKEN = "bench-vertex-token"
PROJECT = "bench-project"
LOCATION = "us-central1"
MODEL = "gemini-2.5-flash"
PROMPT = "Summarise in one paragraph why a team should write unit tests before refactoring."
TYPICAL_CONFIG: dict[str, Any] = {
    "temperature": 0.2,
    "top_p": 0.9,
    "max_output_tokens": 256,
    "stop_sequences": ["THE END"],
    "system_instruction": "You are terse.",
    "safety_settings": [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_MEDIUM_AND_ABOVE"},
    ],
}
_ROWS = (
    ("generate_us", "generate_content, CPU per call"),
    ("config_us", "generate_content + typical config, CPU"),
    ("count_us", "count_tokens, CPU per call"),
)
_WIDTH = 22


def _credentials() -> Any:
    from google.oauth2.credentials import Credentials

    expiry = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(hours=1)
    return Credentials(token=TOKEN, expiry=expiry)  # type: ignore[no-untyped-call]


def _client(name: str, url: str) -> tuple[Any, Any]:
    """The async client of ``name`` and its closer."""
    if name.startswith("genai_actors"):
        import genai_actors as ga

        if name.endswith("vertex"):
            ours = ga.AsyncClient(
                vertexai=True,
                project=PROJECT,
                location=LOCATION,
                credentials=_credentials(),
                http_options={"base_url": url},
            )
        else:
            ours = ga.AsyncClient(api_key=API_KEY, http_options={"base_url": url})
        return ours, ours.aclose
    from google import genai

    if name.endswith("vertex"):
        theirs = genai.Client(
            vertexai=True,
            project=PROJECT,
            location=LOCATION,
            credentials=_credentials(),
            http_options={"base_url": url},
        ).aio
    else:
        theirs = genai.Client(api_key=API_KEY, http_options={"base_url": url}).aio
    return theirs, theirs.aclose


async def _measure(name: str, url: str, calls: int) -> dict[str, float]:
    client, close = _client(name, url)
    results: dict[str, float] = {}
    try:
        scenarios = {
            "generate_us": lambda: client.models.generate_content(model=MODEL, contents=PROMPT),
            "config_us": lambda: client.models.generate_content(
                model=MODEL, contents=PROMPT, config=TYPICAL_CONFIG
            ),
            "count_us": lambda: client.models.count_tokens(model=MODEL, contents=PROMPT),
        }
        for key, call in scenarios.items():
            for _ in range(max(calls // 10, 20)):  # warm-up: connections, caches, first refresh
                await call()
            gc.collect()
            started = time.process_time()
            for _ in range(calls):
                await call()
            results[key] = (time.process_time() - started) / calls * 1e6
    finally:
        await close()
    return results


def _worker(client: str, url: str, calls: int, loop: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_vertex", "--worker", client, url, str(calls)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=worker_env(loop),
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def run(rounds: int, calls: int, loop: str) -> dict[str, Any]:
    """Runs every client ``rounds`` times; returns the medians and errors per client."""
    samples: dict[str, list[dict[str, float]]] = {c: [] for c in CLIENTS}
    errors: dict[str, str] = {}
    with EmulatorProcess(api_key=API_KEY, bearer_tokens=[TOKEN]) as emu:
        for r in range(rounds):
            order = CLIENTS[r % len(CLIENTS) :] + CLIENTS[: r % len(CLIENTS)]
            for client in order:
                if client in errors:
                    continue
                result = _worker(client, emu.url, calls, loop)
                if "error" in result:
                    errors[client] = str(result["error"])
                else:
                    samples[client].append(result)
    medians = {
        client: {key: statistics.median(s[key] for s in got) for key, _ in _ROWS}
        for client, got in samples.items()
        if got
    }
    return {"medians": medians, "errors": errors}


def render(report: dict[str, Any]) -> str:
    """A table of CPU per call, with ratios to genai_actors on the Developer API."""
    medians: dict[str, dict[str, float]] = report["medians"]
    base = medians.get("genai_actors/dev", {})
    lines = [f"{'measure':<42}" + "".join(f"{c:>{_WIDTH}}" for c in CLIENTS)]
    for key, label in _ROWS:
        cells = []
        for client in CLIENTS:
            value = medians.get(client, {}).get(key)
            if value is None:
                cells.append(f"{'-':>{_WIDTH}}")
                continue
            ratio = f" ({value / base[key]:.2f}x)" if base.get(key) else ""
            cells.append(f"{f'{value:,.1f} us{ratio}':>{_WIDTH}}")
        lines.append(f"{label:<42}" + "".join(cells))
    lines.append("(ratios in brackets are to genai_actors on the Developer API)")
    ours = medians.get("genai_actors/vertex", {})
    theirs = medians.get("google-genai/vertex", {})
    for key, label in _ROWS:
        if ours.get(key) and theirs.get(key):
            lines.append(
                f"  {label}: google-genai on Vertex AI / genai_actors on Vertex AI = "
                f"{theirs[key] / ours[key]:.2f}x"
            )
    for client, message in report["errors"].items():
        lines.append(f"{client}: failed: {message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Runs the benchmark and prints the table (or, with ``--worker``, one client's JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=3, metavar=("CLIENT", "URL", "CALLS"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default=default_loop())
    args = parser.parse_args(argv)
    if args.worker:
        client, url, calls = args.worker
        warnings.simplefilter("ignore")  # google-genai's aiohttp subclass warns
        from genai_actors._transport._loop import new_event_loop

        loop = new_event_loop()
        try:
            result = loop.run_until_complete(_measure(client, url, int(calls)))
        finally:
            loop.close()
        print(json.dumps(result))
        return result
    print(f"CPU per call on Vertex AI ({args.rounds} rounds x {args.calls} calls, {args.loop})")
    report = run(args.rounds, args.calls, args.loop)
    print(render(report), flush=True)
    return report


if __name__ == "__main__":
    outcome = main()
    sys.exit(1 if outcome.get("errors") else 0)
