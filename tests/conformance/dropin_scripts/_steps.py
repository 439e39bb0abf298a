"""Step reporting for the drop-in scripts.

A script wraps each step in ``with step("name") as s:`` and stores what it observed in
``s.result`` (plain JSON values). An exception inside a step is recorded with its type and
message and does not stop the script, so every later step still runs and reports. Each step
becomes one entry: ``{"step": name, "result": value}`` or ``{"step": name, "error": text,
"trace": text}``. Entries go to the list opened by :func:`recording`, or are printed as JSON
lines when a script runs on its own.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Any

__all__ = ["Step", "recording", "step"]

_UNSET: Any = object()
_LOG: ContextVar[list[dict[str, Any]] | None] = ContextVar("dropin_log", default=None)


class Step:
    """One named step; set :attr:`result` to what the step observed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.result: Any = _UNSET
        self._started = 0.0

    def __enter__(self) -> Step:
        self._started = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        entry: dict[str, Any] = {"step": self.name}
        entry["seconds"] = round(time.perf_counter() - self._started, 4)  # reported, not compared
        if exc is None:
            if self.result is _UNSET:
                entry["error"] = "the step recorded no result"
            else:
                # A JSON round trip: what is compared is the value, not the Python type
                # (google-genai's str enums and ours both become their strings here).
                try:
                    entry["result"] = json.loads(json.dumps(self.result, default=_default))
                except (TypeError, ValueError) as bad:
                    entry["error"] = f"{type(bad).__name__}: {bad}"
        elif isinstance(exc, Exception):
            entry["error"] = f"{type(exc).__name__}: {exc}"
            entry["trace"] = "".join(traceback.format_exception(exc)[-12:])
        else:
            return False  # KeyboardInterrupt, cancellation, ...: not a step outcome
        log = _LOG.get()
        if log is None:
            print(json.dumps(entry), flush=True)
        else:
            log.append(entry)
        return True


def _default(value: object) -> Any:
    raise TypeError(f"a step result must be plain JSON; got {type(value).__qualname__}")


def step(name: str) -> Step:
    """A step named ``name`` (use as ``with step(name) as s: ...; s.result = ...``)."""
    return Step(name)


@contextmanager
def recording() -> Iterator[list[dict[str, Any]]]:
    """Collects the entries of the steps run inside the block (this context and its tasks)."""
    log: list[dict[str, Any]] = []
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)
