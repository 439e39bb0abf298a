"""A job followed to its end with a ``rich`` progress display: batches, tunings, operations.

:func:`watch_job` picks the watcher by the name's form (``batches/ID``, ``tunedModels/ID``,
anything with ``operations/``), follows every state change through the client's supervised
watchers, and draws one progress line: a batch's requests done out of its total, a tuning's
training steps so far, an operation's ``metadata`` percentage when it reports one (a spinner
while the total is unknown). ``genai-actors jobs watch`` and the demo both use it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ._common import job_kind

if TYPE_CHECKING:
    from .._client import AsyncClient

__all__ = ["JobOutcome", "progress_bar", "watch_job"]

_SUCCEEDED = "JOB_STATE_SUCCEEDED"


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """How a watched job ended.

    Attributes:
        kind: ``"batch"``, ``"tuning"`` or ``"operation"``.
        name: The job's name.
        state: Its last state (``JOB_STATE_*``, or ``DONE``/``FAILED`` for an operation).
        ok: Whether it succeeded.
        detail: One line: counts, steps, or the error.
        snapshots: How many distinct states the watch saw.
        job: The last snapshot itself.
    """

    kind: str
    name: str
    state: str
    ok: bool
    detail: str
    snapshots: int
    job: Any


def progress_bar(console: Console, *, transient: bool = False) -> Progress:
    """The progress display the command and the demo share."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=transient,
    )


async def watch_job(
    client: AsyncClient, name: str, *, console: Console, label: str | None = None
) -> JobOutcome:
    """Follows job ``name`` to its end, drawing its progress on ``console``.

    Raises:
        ValueError: Not a job name (see :func:`job_kind`).
        NotFoundError: No such job; other API errors as the watcher raises them (transient
            ones are retried by the watcher).

    Cancellation: the watch stream is closed and the display stopped; the job goes on.
    """
    kind = job_kind(name)
    title = label or name
    with contextlib.ExitStack() as stack:
        progress: Progress | None = None
        task = TaskID(0)
        seen = 0
        last: Any = None
        async with _stream(client, kind, name) as states:
            async for state in states:
                if progress is None:  # drawn from the first state on: an unknown job draws none
                    progress = stack.enter_context(progress_bar(console))
                    task = progress.add_task(title, total=None)
                seen += 1
                last = state
                description, completed, total = _describe(kind, state)
                progress.update(
                    task, description=f"{title}: {description}", completed=completed, total=total
                )
        state_name, ok, detail = _ending(kind, last)
        if progress is not None:
            done_total = progress.tasks[0].total or max(progress.tasks[0].completed, 1)
            progress.update(task, total=done_total, completed=done_total)
    return JobOutcome(kind, name, state_name, ok, detail, seen, last)


@contextlib.asynccontextmanager
async def _stream(client: AsyncClient, kind: str, name: str) -> AsyncIterator[Any]:
    if kind == "batch":
        stream: Any = client.batches.watch(name)
    elif kind == "tuning":
        stream = client.tunings.watch(name)
    else:
        stream = client.operations.watch(name)
    async with stream as states:
        yield states


def _state(state: Any) -> str:
    value = getattr(state, "state", None)
    return str(getattr(value, "value", value) or "unknown")


def _describe(kind: str, state: Any) -> tuple[str, float, float | None]:
    """(description, completed, total) for one snapshot."""
    if kind == "batch":
        stats = state.batch_stats
        total = int(stats.request_count or 0) if stats is not None else 0
        done = (
            int(stats.successful_request_count or 0) + int(stats.failed_request_count or 0)
            if stats is not None
            else 0
        )
        return _short(_state(state)), done, (total or None)
    if kind == "tuning":
        steps = len(state.snapshots or [])
        loss = state.snapshots[-1].mean_loss if steps else None
        extra = f", {steps} steps" + (f", loss {loss:.3f}" if loss is not None else "")
        return _short(_state(state)) + (extra if steps else ""), steps, None
    percent = _percent(state.metadata)
    status = "done" if state.done else "running"
    if percent is None:
        return status, (1 if state.done else 0), (1 if state.done else None)
    return status, percent, 100


def _percent(metadata: Any) -> float | None:
    if not isinstance(metadata, dict):
        return None
    for key in ("progressPercent", "progress_percent", "completedPercent", "progress"):
        value = metadata.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


def _short(state: str) -> str:
    return state.removeprefix("JOB_STATE_").lower()


def _ending(kind: str, last: Any) -> tuple[str, bool, str]:
    if last is None:
        return "unknown", False, "the watch ended without a state"
    if kind == "operation":
        error = last.error
        if error:
            message = error.get("message") if isinstance(error, dict) else str(error)
            return "FAILED", False, f"failed: {message}"
        return "DONE", True, "done"
    state = _state(last)
    ok = state == _SUCCEEDED
    if kind == "batch":
        stats = last.batch_stats
        detail = (
            f"{stats.request_count} requests: {stats.successful_request_count} succeeded, "
            f"{stats.failed_request_count} failed"
            if stats is not None
            else "no request counts"
        )
    else:
        steps = len(last.snapshots or [])
        model = last.tuned_model.model if last.tuned_model is not None else None
        detail = f"{steps} training steps" + (f", model {model}" if model else "")
    if not ok and getattr(last, "error", None) is not None:
        detail += f"; error: {last.error.message}"
    return state, ok, detail
