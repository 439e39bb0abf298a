"""Helpers for the watcher tests: a scripted job (fake fetch) and a client on a virtual clock."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

import genai_actors as ga
from genai_actors._watch import WatchConfig, WatchHub
from genai_actors.errors import error_from_response
from supervisors import Backoff, Clock, VirtualClock, use_clock

API_KEY = "test-key-watchers"

_ENV = (
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_GEMINI_BASE_URL",
    "GOOGLE_GENAI_API_VERSION",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_GENAI_USE_ENTERPRISE",
)

NO_JITTER = Backoff(1.0, 30.0, multiplier=1.5, jitter=0.0)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without Gemini environment variables."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


def api_error(code: int, status: str, retry_delay: str | None = None) -> Exception:
    """The typed error the transport would raise for ``code``."""
    body: dict[str, Any] = {"error": {"code": code, "status": status, "message": status}}
    if retry_delay is not None:
        body["error"]["details"] = [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}
        ]
    return error_from_response(code, body)


class Job:
    """A scripted job: the k-th fetch of a name returns (or raises) script item k; the last repeats.

    Snapshots are dicts ``{"name", "n", "done"}``; ``calls`` records the clock time of every
    fetch, ``active``/``peak`` count concurrent fetches.
    """

    def __init__(
        self,
        clock: Clock,
        script: list[Any] | None = None,
        *,
        done_at: int | None = None,
        latency: float = 0.0,
    ) -> None:
        self.clock = clock
        self.script = list(script or [])
        self.done_at = done_at
        self.latency = latency
        self.calls: list[float] = []
        self.names: list[str] = []
        self.per_name: dict[str, int] = {}
        self.active = 0
        self.peak = 0

    async def fetch(self, name: str) -> dict[str, Any]:
        self.calls.append(self.clock.now())
        self.names.append(name)
        index = self.per_name[name] = self.per_name.get(name, 0) + 1
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            if self.latency:
                await self.clock.sleep(self.latency)
            else:
                await anyio.lowlevel.checkpoint()
            if self.script:
                item = self.script[min(index, len(self.script)) - 1]
                if isinstance(item, BaseException):
                    raise item
                return {
                    "name": name,
                    "n": item,
                    "done": bool(self.done_at and item >= self.done_at),
                }
            return {"name": name, "n": index, "done": bool(self.done_at and index >= self.done_at)}
        finally:
            self.active -= 1


def is_done(snapshot: dict[str, Any]) -> bool:
    """The usual predicate: the job says it is done."""
    return bool(snapshot["done"])


@contextlib.asynccontextmanager
async def virtual_hub(
    config: WatchConfig | None = None, clock: VirtualClock | None = None
) -> AsyncIterator[tuple[ga.AsyncClient, WatchHub, VirtualClock]]:
    """A client (no server needed) whose tree runs on a virtual clock."""
    clock = clock if clock is not None else VirtualClock()
    with use_clock(clock):
        async with ga.AsyncClient(api_key=API_KEY) as client:
            hub = client.api_client.watchers
            hub.config = config if config is not None else WatchConfig(backoff=NO_JITTER)
            yield client, hub, clock
