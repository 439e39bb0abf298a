"""Fault soak: random faults, a server restart, cancellations, a blocking client closed mid-flight.

The emulator runs as a separate process so it can be killed (SIGKILL) and started again on the
same port while calls are in flight. Every call must end exactly once, with a result or a typed
:mod:`genai_actors.errors` exception; afterwards no task, thread or socket of the client is
left, and memory has stayed bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

import genai_actors as ga
from genai_actors import errors
from supervisors import Backoff

pytestmark = pytest.mark.slow

API_KEY = "soak-key"
MODEL = "gemini-2.5-flash"
BROKEN_MODEL = "gemini-2.5-pro"  # always 503 in the blocking phase
CALLS = 240
GUARD = 30.0  # seconds: a call still running after this did not end (a hang)
RETRIES = {"attempts": 4, "initial_delay": 0.05, "max_delay": 0.4, "jitter": 0.05}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmulatorProcess:
    """``python -m genai_actors.emulator`` on a fixed port, killable and restartable."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Starts the server and waits until it answers its health check."""
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "genai_actors.emulator",
                "--port",
                str(self.port),
                "--api-key",
                API_KEY,
                "--seed",
                "7",
                "--video-polls",
                "2",
                "--no-record",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_emulator/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the emulator did not start")

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-request, connections and all."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def faults(self, model: str | None = None, **config: Any) -> None:
        """Sets a fault configuration through the admin API."""
        body = dict(config)
        if model is not None:
            body["model"] = model
        request = urllib.request.Request(
            f"{self.url}/_emulator/faults",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5):
            pass


@pytest.fixture
def server() -> Iterator[EmulatorProcess]:
    """An emulator process, killed at the end."""
    emu = EmulatorProcess()
    emu.start()
    try:
        yield emu
    finally:
        emu.kill()


def _client_threads() -> set[str]:
    """Threads other than anyio's idle workers (the test's own to_thread calls)."""
    return {t.name for t in threading.enumerate() if "AnyIO worker" not in t.name}


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _record(outcomes: dict[int, str], index: int, outcome: str) -> None:
    assert index not in outcomes, f"call {index} ended twice"
    outcomes[index] = outcome


async def _one_call(client: ga.AsyncClient, index: int, rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.55:
        response = await client.models.generate_content(model=MODEL, contents=f"prompt {index}")
        assert response.text
        return "generate"
    if kind < 0.8:
        chunks = 0
        async with client.models.generate_content_stream(
            model=MODEL, contents=f"stream {index}"
        ) as stream:
            async for _chunk in stream:
                chunks += 1
                if rng.random() < 0.3:
                    await anyio.sleep(0.01)  # a slow consumer
        assert chunks > 0
        return "stream"
    operation = await client.models.generate_videos(model="veo-3.0-generate-001", prompt="a cat")
    done = await client.operations.wait(operation, timeout=15)
    assert done.done
    return "wait"


async def _async_phase(server: EmulatorProcess) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    rng = random.Random(1234)
    client = ga.AsyncClient(
        api_key=API_KEY,
        http_options={"base_url": server.url, "retry_options": RETRIES},
        watch=ga.WatchConfig(backoff=Backoff(0.05, 0.2)),
    )

    async def run(index: int) -> None:
        cancel_after = rng.uniform(0.0, 0.3) if rng.random() < 0.1 else None
        with anyio.move_on_after(GUARD) as guard:
            try:
                if cancel_after is None:
                    _record(outcomes, index, await _one_call(client, index, rng))
                else:
                    with anyio.move_on_after(cancel_after) as scope:
                        result = await _one_call(client, index, rng)
                    _record(outcomes, index, "cancelled" if scope.cancelled_caught else result)
            except errors.GenAIError as exc:
                _record(outcomes, index, f"error:{type(exc).__name__}")
        if guard.cancelled_caught:
            _record(outcomes, index, "HUNG")

    async def chaos() -> None:
        await anyio.sleep(0.5)
        await anyio.to_thread.run_sync(
            lambda: server.faults(
                error_rate=0.1, error_statuses=[429, 503], latency=0.005, stream_cut_after=6
            )
        )
        await anyio.sleep(1.5)
        await anyio.to_thread.run_sync(server.kill)
        await anyio.sleep(0.3)
        await anyio.to_thread.run_sync(server.start)
        await anyio.to_thread.run_sync(
            lambda: server.faults(error_rate=0.1, error_statuses=[429, 503], stream_cut_after=9)
        )

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(chaos)
            for index in range(CALLS):
                group.start_soon(run, index)
                if index % 20 == 19:
                    await anyio.sleep(0.2)
    finally:
        await client.aclose()
    return outcomes


def test_every_call_ends_once_under_faults_and_nothing_leaks(server: EmulatorProcess) -> None:
    """Under 429/503/cuts/latency and a server restart, each call ends exactly once, typed."""
    fds_before = _open_fds()
    threads_before = _client_threads()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    outcomes = asyncio.run(_async_phase(server))

    assert sorted(outcomes) == list(range(CALLS))
    assert "HUNG" not in outcomes.values()
    kinds = {outcome.split(":")[0] for outcome in outcomes.values()}
    assert {"generate", "stream"} <= kinds  # the run did real work, not only errors
    assert _client_threads() == threads_before
    assert _open_fds() <= fds_before + 2
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert rss_growth_mb < 200


def test_blocking_client_closed_mid_flight_releases_every_thread(server: EmulatorProcess) -> None:
    """close() from another thread makes every blocked call end promptly with a typed error."""
    server.faults(model=BROKEN_MODEL, error_rate=1.0, error_statuses=[503])
    threads_before = _client_threads()
    client = ga.Client(
        api_key=API_KEY,
        http_options={
            "base_url": server.url,
            "retry_options": {"attempts": 50, "initial_delay": 0.2, "max_delay": 0.5},
        },
    )
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def work(index: int) -> None:
        try:
            if index % 3 == 0:
                for _ in client.models.generate_content_stream(model=BROKEN_MODEL, contents="x"):
                    pass
                outcome = "stream"
            elif index % 3 == 1:
                client.models.generate_content(model=BROKEN_MODEL, contents="x")
                outcome = "generate"
            else:
                while True:
                    client.models.generate_content(model=MODEL, contents="y")
        except errors.GenAIError as exc:
            outcome = f"error:{type(exc).__name__}"
        with lock:
            _record(outcomes, index, outcome)

    workers = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(12)]
    for worker in workers:
        worker.start()
    time.sleep(1.0)
    started = time.monotonic()
    client.close()
    for worker in workers:
        worker.join(timeout=15)
    assert not any(worker.is_alive() for worker in workers), "a thread is still blocked"
    assert time.monotonic() - started < 15
    assert sorted(outcomes) == list(range(12))
    assert all(outcome.startswith("error:") for outcome in outcomes.values())
    assert _client_threads() == threads_before
