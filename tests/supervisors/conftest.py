"""Helpers for the supervisors tests: probe actors, event journals and a task-leak check."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

import supervisors as s


class Journal:
    """An ordered record of lifecycle events shared by the probe actors of one test."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def add(self, kind: str, who: Any) -> None:
        self.events.append((kind, who))

    def of(self, kind: str) -> list[Any]:
        return [who for k, who in self.events if k == kind]


class Probe(s.Actor):
    """Records init/terminate; ``"crash"`` cast crashes it, ``"exit"`` cast exits normally."""

    def __init__(self, name: str, journal: Journal, fail_init: bool = False) -> None:
        self.name = name
        self.journal = journal
        self.fail_init = fail_init

    async def init(self) -> None:
        if self.fail_init:
            raise RuntimeError(f"{self.name} refuses to start")
        self.journal.add("init", self.name)

    async def handle_call(self, msg: Any) -> Any:
        if msg == "ping":
            return ("pong", self.name)
        if msg == "raise":
            raise KeyError("asked to raise")
        return msg

    async def handle_cast(self, msg: Any) -> None:
        if msg == "crash":
            raise RuntimeError(f"{self.name} crashed")
        if msg == "exit":
            self.stop()

    async def terminate(self, reason: s.ExitReason) -> None:
        self.journal.add("terminate", (self.name, reason.kind))


def probe_spec(
    name: str,
    journal: Journal,
    restart: s.Restart = s.Restart.PERMANENT,
    fail_init: bool = False,
    **kw: Any,
) -> s.ChildSpec[Probe]:
    return s.ChildSpec(name, lambda: Probe(name, journal, fail_init), restart=restart, **kw)


async def settle(n: int = 20) -> None:
    """Let every runnable task run a few rounds."""
    for _ in range(n):
        await asyncio.sleep(0)


@pytest.fixture
def journal() -> Journal:
    return Journal()


@pytest.fixture
async def no_leaks() -> AsyncIterator[None]:
    """Fail the test if it leaves a task running behind."""
    before = asyncio.all_tasks()
    yield
    await settle()
    left = {t for t in asyncio.all_tasks() - before if not t.done()}
    current = asyncio.current_task()
    if current is not None:
        left.discard(current)
    assert not left, f"tasks left running: {left}"


@pytest.fixture
def vclock() -> Any:
    """A VirtualClock installed as the current clock for the test."""
    clock = s.VirtualClock()
    with s.use_clock(clock):
        yield clock
