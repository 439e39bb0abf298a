"""``Client.close()`` ends every blocking call in flight, from any thread, promptly.

A thread waiting between retries, reading a stream, fetching a page, waiting for an operation
or uploading must get :class:`~genai_actors.errors.ClientClosedError` soon after another thread
closes the client, never stay blocked. Every thread is joined with a bounded timeout, so a
regression fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import signal
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import genai_actors as ga
from genai_actors._sync import LoopThread
from genai_actors.emulator import Emulator
from genai_actors.errors import ClientClosedError

MODEL = "gemini-2.5-flash"
VIDEO_MODEL = "veo-3.0-generate-001"
JOIN = 10.0  # seconds a closed call may take to return before the test calls it a hang
PROMPT = 3.0  # seconds within which a closed call must return (well under any server delay)
HANG = 30.0  # seconds of server delay: far longer than any test runs


def _admin(emu: Emulator, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        emu.url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


def _faults(emu: Emulator, **config: Any) -> None:
    """Sets faults through the emulator's admin API (``model=`` for one model's faults)."""
    _admin(emu, "/_emulator/faults", config)


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = JOIN) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.005)


class Call(threading.Thread):
    """Runs one blocking call in a daemon thread and keeps its result or exception."""

    def __init__(self, run: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self._run = run
        self.outcome: object = None
        self.ended_at = 0.0

    def run(self) -> None:
        try:
            self.outcome = self._run()
        except BaseException as exc:
            self.outcome = exc
        finally:
            self.ended_at = time.monotonic()


@pytest.fixture
def client(gemini_emulator: Emulator) -> Iterator[ga.Client]:
    """A blocking client on the threaded emulator (closed again at the end)."""
    client = ga.Client(api_key="any-key", http_options={"base_url": gemini_emulator.url})
    try:
        yield client
    finally:
        client.close()


# Each scenario prepares a call that blocks for a long time (a fault, a slow server, a job that
# never ends) and returns it; the test runs it in a thread and closes the client meanwhile.


def _retrying_call(client: ga.Client, emu: Emulator) -> Callable[[], object]:
    _faults(emu, model=MODEL, errorRate=1.0, errorStatuses=[503])
    return lambda: client.models.generate_content(model=MODEL, contents="Hi")


def _slow_call(client: ga.Client, emu: Emulator) -> Callable[[], object]:
    _faults(emu, model=MODEL, latency=HANG)
    return lambda: client.models.generate_content(model=MODEL, contents="Hi")


def _stream(client: ga.Client, emu: Emulator) -> Callable[[], object]:
    _faults(emu, model=MODEL, streamEventDelay=HANG)

    def read() -> object:
        with client.models.generate_content_stream(model=MODEL, contents="A long tale") as s:
            return list(s)

    return read


def _pager(client: ga.Client, emu: Emulator) -> Callable[[], object]:
    pager = client.models.list(config={"page_size": 1})
    assert pager.has_next_page
    _faults(emu, latency=HANG)  # every request that is not about a model
    return pager.next_page


def _wait(client: ga.Client, emu: Emulator) -> Callable[[], object]:
    name = f"models/{VIDEO_MODEL}/operations/never-done"
    emu.operations.create(name, polls=1_000_000)
    return lambda: client.operations.wait(name, timeout=None)


def _upload(client: ga.Client, emu: Emulator, tmp_path: Path) -> Callable[[], object]:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"notes " * 1000)
    _faults(emu, errorRate=1.0, errorStatuses=[503])  # the upload is retried, with backoff
    return lambda: client.files.upload(file=path)


SCENARIOS: dict[str, Callable[..., Callable[[], object]]] = {
    "retrying call": _retrying_call,
    "slow call": _slow_call,
    "stream": _stream,
    "pager": _pager,
    "wait": _wait,
    "upload": _upload,
}


def _prepare(name: str, client: ga.Client, emu: Emulator, tmp_path: Path) -> Callable[[], object]:
    scenario = SCENARIOS[name]
    return scenario(client, emu, tmp_path) if name == "upload" else scenario(client, emu)


def _close_and_check(client: ga.Client, calls: list[Call]) -> None:
    started = time.monotonic()
    client.close()
    for call in calls:
        call.join(JOIN)
    hung = [call for call in calls if call.is_alive()]
    assert not hung, f"{len(hung)} of {len(calls)} calls still blocked {JOIN} s after close()"
    for call in calls:
        assert isinstance(call.outcome, ClientClosedError), repr(call.outcome)
        assert call.ended_at - started < PROMPT


@pytest.mark.parametrize("kind", list(SCENARIOS))
def test_close_ends_a_call_in_flight(
    kind: str, client: ga.Client, gemini_emulator: Emulator, tmp_path: Path
) -> None:
    """A call blocked in another thread raises ClientClosedError promptly once close() runs."""
    run = _prepare(kind, client, gemini_emulator, tmp_path)
    sent = len(gemini_emulator.recorded)
    call = Call(run)
    call.start()
    _wait_until(lambda: len(gemini_emulator.recorded) > sent, "the call reached the server")
    time.sleep(0.05)  # let it settle into its wait (backoff, poll schedule, slow response)
    _close_and_check(client, [call])


@pytest.mark.slow
def test_close_ends_calls_of_every_kind_in_many_threads(
    client: ga.Client, gemini_emulator: Emulator, tmp_path: Path
) -> None:
    """Twelve threads blocked in calls, streams, pagers, waits and uploads all end at close()."""
    emu = gemini_emulator
    pager = client.models.list(config={"page_size": 1})
    name = f"models/{VIDEO_MODEL}/operations/never-done"
    emu.operations.create(name, polls=1_000_000)
    path = tmp_path / "notes.txt"
    path.write_bytes(b"notes " * 1000)
    _faults(emu, model=MODEL, latency=HANG)
    _faults(emu, latency=HANG, errorRate=1.0, errorStatuses=[503])  # uploads: retried, not slow

    def stream() -> object:
        with client.models.generate_content_stream(model=MODEL, contents="A tale") as s:
            return list(s)

    runs: list[Callable[[], object]] = [
        lambda: client.models.generate_content(model=MODEL, contents="Hi"),
        stream,
        pager.next_page,
        lambda: client.operations.wait(name, timeout=None),
        lambda: client.files.upload(file=path),
        lambda: client.caches.get(name="cachedContents/abc"),
    ]
    sent = len(emu.recorded)
    calls = [Call(run) for run in runs * 2]
    for call in calls:
        call.start()
    _wait_until(lambda: len(emu.recorded) >= sent + len(calls), "every call reached the server")
    time.sleep(0.05)
    _close_and_check(client, calls)


def test_calls_racing_with_close_end_with_client_closed_error(client: ga.Client) -> None:
    """Threads calling in a loop while the client closes each end with ClientClosedError."""

    def loop() -> object:
        while True:
            client.models.count_tokens(model=MODEL, contents="a b c")

    calls = [Call(loop) for _ in range(8)]
    for call in calls:
        call.start()
    time.sleep(0.2)
    _close_and_check(client, calls)


def test_a_closed_client_refuses_calls_streams_and_pages(client: ga.Client) -> None:
    """After close(), calls, stream iteration and page fetches raise ClientClosedError."""
    pager = client.models.list(config={"page_size": 1})
    stream = client.models.generate_content_stream(model=MODEL, contents="A long tale")
    assert next(stream).text
    client.close()
    with pytest.raises(ClientClosedError):
        client.models.generate_content(model=MODEL, contents="Hi")
    with pytest.raises(ClientClosedError):
        next(stream)
    stream.close()
    with pytest.raises(ClientClosedError):
        pager.next_page()


def test_close_is_bounded_when_a_call_ignores_cancellation() -> None:
    """A coroutine that refuses to be cancelled cannot block close() past its budget."""
    bridge = LoopThread(shutdown_timeout=0.5)
    running = threading.Event()
    refusing = threading.Event()

    async def stubborn() -> None:
        running.set()
        try:
            await asyncio.sleep(HANG)
        except asyncio.CancelledError:
            refusing.set()
            await asyncio.sleep(HANG)  # ignores the cancellation (a misbehaving callback)

    call = Call(lambda: bridge.run(stubborn()))
    call.start()
    assert running.wait(JOIN)
    started = time.monotonic()
    bridge.close()
    elapsed = time.monotonic() - started
    call.join(JOIN)
    assert not call.is_alive()
    assert isinstance(call.outcome, ClientClosedError)
    assert refusing.is_set()
    assert elapsed < 0.5 + PROMPT


def test_a_call_not_yet_started_when_close_runs_never_starts() -> None:
    """A call queued behind a busy loop when close() runs is refused, and its coroutine closed."""
    bridge = LoopThread(shutdown_timeout=0.5)
    busy = threading.Event()
    ran = threading.Event()

    async def block_the_loop() -> None:
        busy.set()
        time.sleep(0.3)  # noqa: ASYNC251  (holds the loop: the next call queues behind it)

    async def queued() -> None:
        ran.set()

    coroutine = queued()
    blocker = Call(lambda: bridge.run(block_the_loop()))
    blocker.start()
    assert busy.wait(JOIN)
    call = Call(lambda: bridge.run(coroutine))
    call.start()
    time.sleep(0.05)  # the call is queued on the loop, behind the blocking one
    bridge.close()
    for thread in (blocker, call):
        thread.join(JOIN)
        assert isinstance(thread.outcome, ClientClosedError)
    assert not ran.is_set()
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED


def test_keyboard_interrupt_cancels_the_call_on_the_loop() -> None:
    """Ctrl-C in the calling thread cancels its coroutine on the loop; the bridge stays usable."""
    bridge = LoopThread()
    cancelled = threading.Event()

    async def slow() -> None:
        try:
            await asyncio.sleep(HANG)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def answer() -> int:
        return 42

    main = threading.main_thread().ident
    assert main == threading.get_ident()
    # A real SIGINT to this thread, as Ctrl-C sends: it interrupts the blocked wait.
    timer = threading.Timer(0.2, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            bridge.run(slow())
        assert cancelled.wait(JOIN)
        assert bridge.run(answer()) == 42
    finally:
        timer.cancel()
        bridge.close()
