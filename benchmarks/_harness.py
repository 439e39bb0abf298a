"""Runs every scenario's workers in fresh interpreters against one emulator process.

Each scenario is a list of ``Job``s (one per client) built from the existing benchmark
workers (``benchmarks._clients``, ``bench_fanout --worker``, ``bench_chats --worker``,
``bench_live --worker``) or modules (``bench_watchers``, ``bench_supervisors``,
``bench_tokenizer`` with ``--json``). A job is one fresh ``python -m`` process; its last JSON
line is turned into ``Sample``s, and its peak RSS is read from ``os.wait4`` when the worker does
not report its own. Jobs run ``runs`` times with the client order rotated each run; fan-out's
20 ms of latency is set on the shared emulator through ``/_emulator/faults`` before the job
and removed after. ``bench_watchers`` is the one exception to the shared emulator: it starts its
own, beside a poll counter it reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._clients import MODEL, WATCH_OPS
from ._report import Sample
from .bench_client import ROOT, worker_env

__all__ = ["SCENARIOS", "SIZES", "Job", "run_job", "scenario_jobs", "set_latency"]

Extract = Callable[[dict[str, Any], float], list[Sample]]  # (worker JSON, peak RSS MB)


@dataclass(frozen=True)
class Job:
    """One worker process: ``python -m <argv>``, its figures read by ``extract``."""

    client: str
    argv: tuple[str, ...]
    extract: Extract
    latency: float = 0.0  # seconds added by the shared emulator to MODEL while it runs
    timeout: float = 900.0


# Counts per size. "full" is the issue's; "quick" is under two minutes with one run;
# "smoke" is the test's (seconds, figures meaningless; fan-out at concurrency 64 only).
SIZES: dict[str, dict[str, int]] = {
    "full": {
        "calls": 400, "streams": 60, "fanout": 20_000, "turns": 400, "chats": 100_000,
        "google_chats": 5_000, "sessions": 1_000, "live_turns": 3, "watch_ops": 10_000,
        "sup_calls": 50_000, "sup_actors": 50_000, "tok_quick": 0, "fanout_512": 1,
    },
    "quick": {
        "calls": 100, "streams": 10, "fanout": 1_000, "turns": 100, "chats": 5_000,
        "google_chats": 1_000, "sessions": 100, "live_turns": 2, "watch_ops": 1_000,
        "sup_calls": 5_000, "sup_actors": 1_000, "tok_quick": 1, "fanout_512": 1,
    },
    "smoke": {
        "calls": 10, "streams": 2, "fanout": 100, "turns": 10, "chats": 200,
        "google_chats": 100, "sessions": 10, "live_turns": 1, "watch_ops": 50,
        "sup_calls": 200, "sup_actors": 100, "tok_quick": 1, "fanout_512": 0,
    },
}  # fmt: skip

HTTP_CLIENTS = ("floor", "aiohttp", "genai_actors", "google-genai")
FANOUT_CLIENTS = ("aiohttp", "genai_actors", "google-genai")
SDK_CLIENTS = ("genai_actors", "google-genai")
LATENCY = 0.020


def _cold(client: str) -> Extract:
    def extract(data: dict[str, Any], rss: float) -> list[Sample]:
        total = data["import_s"] + data["construct_s"] + data["first_request_s"]
        return [
            Sample("import", client, data["import_s"] * 1e3, "ms wall", rss_mb=rss),
            Sample(
                "cold start", client, total * 1e3, "ms wall (import+client+1st call)", None, rss
            ),
        ]

    return extract


def _calls(client: str) -> Extract:
    def extract(data: dict[str, Any], rss: float) -> list[Sample]:
        calls_per_s = 1e6 / data["generate_wall_us"]
        return [
            Sample("sequential call", client, data["generate_us"], "us CPU/call", calls_per_s, rss),
            Sample("call + typical config", client, data["config_us"], "us CPU/call", None, rss),
            Sample("streaming", client, data["chunk_marginal_us"], "us CPU/event", None, rss),
            Sample("embeddings", client, data["embed_us"], "us CPU/call", None, rss),
        ]

    return extract


def _fanout(client: str, label: str) -> Extract:
    def extract(data: dict[str, Any], rss: float) -> list[Sample]:
        return [
            Sample(
                label,
                client,
                data["cpu_us"],
                "us CPU/req",
                data["throughput"],
                data.get("rss_mb", rss),
                int(data["errors"]),
            )
        ]

    return extract


def _chat_cpu(client: str) -> Extract:
    def extract(data: dict[str, Any], rss: float) -> list[Sample]:
        per_s = 1e6 / data["wall_us_per_turn"]
        return [Sample("chat turn", client, data["cpu_us_per_turn"], "us CPU/turn", per_s, rss)]

    return extract


def _chat_memory(client: str) -> Extract:
    def extract(data: dict[str, Any], rss: float) -> list[Sample]:
        kib = data["bytes_per_chat"] / 1024
        made = 1e6 / data["create_us"] if data["create_us"] else None
        return [Sample("memory per chat", client, kib, "KiB/chat (20 turns)", made, rss)]

    return extract


def _live(client: str) -> Extract:
    def extract(data: dict[str, Any], rss: float) -> list[Sample]:
        messages = max(1, int(data["messages"]))
        per = data["cpu"] / messages * 1e6
        rate = messages / data["wall"] if data["wall"] else None
        return [Sample("Live messages", client, per, "us CPU/message", rate, rss)]

    return extract


def _watchers(label: str) -> Extract:
    def extract(data: dict[str, Any], rss: float) -> list[Sample]:
        polls = max(1, int(data["server_polls"]))
        missing = int(data["ops"]) - int(data["completed"])
        per = data["client_cpu_s"] / polls * 1e6
        return [Sample(label, "genai_actors", per, "us CPU/poll", data["mean_rps"], rss, missing)]

    return extract


def _supervisors(data: dict[str, Any], rss: float) -> list[Sample]:
    client = "genai_actors"
    return [
        Sample("supervisors: call", client, data["call"]["cpu_us_per_call"], "us CPU/call",
               data["call"]["calls_per_s"], rss),
        Sample("supervisors: call x16", client, data["call_x16"]["cpu_us_per_call"],
               "us CPU/call", data["call_x16"]["calls_per_s"], rss),
        Sample("supervisors: cast", client, data["cast"]["cpu_us_per_cast"], "us CPU/cast",
               data["cast"]["casts_per_s"], rss),
        Sample("supervisors: idle actor", client, data["idle"]["bytes_per_idle_actor"],
               "B/actor", None, rss),
    ]  # fmt: skip


def _tokenizer(data: dict[str, Any], rss: float) -> list[Sample]:
    samples: list[Sample] = []
    memory = data.get("loaded tokenizer RSS MiB")  # absent with --quick: the process's peak
    for i, client in enumerate(SDK_CLIENTS):
        mem = memory[i] if memory else rss
        for key, label in (("short text us/call", "short text"), ("chat us/call", "chat")):
            samples.append(
                Sample(f"tokenizer: {label}", client, data[key][i], "us/count", None, mem)
            )
        tps = data["tokens/s"][i]
        samples.append(Sample("tokenizer: document", client, 1e9 / tps, "us/1k tokens", tps, mem))
    return samples


def scenario_jobs(name: str, url: str, size: dict[str, int], run: int) -> list[Job]:
    """The jobs of scenario ``name`` for run number ``run`` (0-based) against ``url``."""
    argv: tuple[str, ...]
    extra: tuple[str, ...]
    if name == "cold_start":
        return [Job(c, ("benchmarks._clients", c, url, "--first"), _cold(c)) for c in HTTP_CLIENTS]
    if name == "call":
        # Each run watches operations of its own (the emulator holds WATCH_OPS of them).
        first = (run * (size["calls"] // 8 + 8)) % max(1, WATCH_OPS - size["calls"])
        extra = ("--calls", str(size["calls"]), "--streams", str(size["streams"]))
        extra += ("--watch-first", str(first))
        return [Job(c, ("benchmarks._clients", c, url, *extra), _calls(c)) for c in HTTP_CLIENTS]
    if name == "fanout":
        jobs: list[Job] = []
        count = size["fanout"]
        for latency in (0.0, LATENCY):
            for width in (64,) if size["fanout_512"] == 0 else (64, 512):
                label = f"fan-out {count:,} c={width} +{latency * 1e3:.0f} ms"
                for c in FANOUT_CLIENTS:
                    argv = ("benchmarks.bench_fanout", "--worker", c, url)
                    argv += ("--count", str(count), "--concurrency", str(width))
                    jobs.append(Job(c, argv, _fanout(c, label), latency=latency))
        return jobs
    if name == "chats":
        jobs = []
        for c in SDK_CLIENTS:
            turns = ("--turns", str(size["turns"]))
            jobs.append(Job(c, ("benchmarks.bench_chats", "--worker", f"cpu-{c}", url, *turns),
                            _chat_cpu(c)))  # fmt: skip
            chats = str(size["chats"] if c == "genai_actors" else size["google_chats"])
            argv = ("benchmarks.bench_chats", "--worker", f"memory-{c}", url, "--chats", chats)
            jobs.append(Job(c, argv, _chat_memory(c)))
        return jobs
    if name == "live":
        extra = ("--sessions", str(size["sessions"]), "--turns", str(size["live_turns"]))
        return [
            Job(c, ("benchmarks.bench_live", "--worker", kind, url, *extra), _live(c))
            for kind, c in (("bare", "aiohttp"), ("genai_actors", "genai_actors"))
        ]
    if name == "watchers":
        ops = size["watch_ops"]
        argv = ("benchmarks.bench_watchers", "--ops", str(ops), "--rate", "2000", "--json")
        return [Job("genai_actors", argv, _watchers(f"watchers {ops:,} ops"))]
    if name == "supervisors":
        argv = ("benchmarks.bench_supervisors", "--calls", str(size["sup_calls"]))
        argv += ("--actors", str(size["sup_actors"]), "--json")
        return [Job("genai_actors", argv, _supervisors)]
    if name == "tokenizer":
        argv = (
            "benchmarks.bench_tokenizer",
            "--json",
            *(("--quick",) if size["tok_quick"] else ()),
        )
        return [Job("both", argv, _tokenizer)]
    raise ValueError(f"unknown scenario {name!r}")


SCENARIOS = (
    "cold_start", "call", "fanout", "chats", "live", "watchers", "supervisors", "tokenizer",
)  # fmt: skip


def set_latency(url: str, latency: float) -> None:
    """Sets (or, with 0, removes) the shared emulator's latency for ``MODEL``.

    Raises:
        OSError: The emulator's admin API did not answer.
    """
    if latency:
        body = json.dumps({"model": MODEL, "latency": latency}).encode()
        request = urllib.request.Request(f"{url}/_emulator/faults", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
    else:
        request = urllib.request.Request(f"{url}/_emulator/faults", method="DELETE")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def _last_json(text: str) -> dict[str, Any]:
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            value: dict[str, Any] = json.loads(line)
            return value
    raise ValueError("the worker printed no JSON line")


def run_job(job: Job, loop: str) -> list[Sample]:
    """Runs ``job`` in a fresh interpreter and returns its samples.

    Raises:
        RuntimeError: The worker failed, timed out or printed no figures (its last stderr line
            is in the message).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", *job.argv], stdout=out, stderr=err, cwd=ROOT,
            env=worker_env(loop),
        )  # fmt: skip
        timer = threading.Timer(job.timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        last = (stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise RuntimeError(f"{' '.join(job.argv[:3])}: {last}")
    try:
        data = _last_json(stdout)
        rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
        return job.extract(data, rss_mb)
    except (ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"{' '.join(job.argv[:3])}: unreadable figures: {exc!r}") from None
