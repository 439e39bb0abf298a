"""Long-running operations: a generic store and ``GET {version}/{operation name}``.

Any resource that starts background work (video generation now; batches, tunings and file-search
imports later) creates an :class:`Operation` here. An operation completes once it has been polled
``polls`` times *and* ``delay`` seconds have passed; its result is computed at that moment by its
``resolve`` callback (or set directly with :meth:`OperationStore.complete`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._errors import ApiError, envelope

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["Operation", "OperationStore", "Resolution", "register"]

# What a resolver returns: (response, error). Exactly one should be set.
Resolution = tuple[dict[str, Any] | None, dict[str, Any] | None]


@dataclass
class Operation:
    """A stored long-running operation.

    Attributes:
        name: The full resource name, e.g. ``models/veo-3.0-generate-001/operations/abc``.
        metadata: ``metadata`` as served (may be updated while running).
        done: Whether the operation finished.
        response: The result on success.
        error: ``{code, message, details}`` on failure.
        polls: How many GETs it takes to finish.
        ready_at: The clock time before which it does not finish.
        resolve: Computes ``(response, error)`` when it finishes.
        refresh: When set, called on every poll instead of the polls/delay rule: the owner of
            the operation (a tuning, a file-search import) updates it from its own progress.
        finish: With ``refresh``: runs the owner's job to its end now, so that
            :meth:`OperationStore.complete` finishes the operation and its resource together.
    """

    name: str
    metadata: dict[str, Any] | None = None
    done: bool = False
    response: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    polls: int = 0
    ready_at: float = 0.0
    resolve: Callable[[], Resolution] | None = None
    polled: int = field(default=0)
    refresh: Callable[[Operation], None] | None = None
    finish: Callable[[], None] | None = None

    def to_json(self) -> dict[str, Any]:
        """The operation as the API serves it (``done`` omitted while running, as on the wire)."""
        out: dict[str, Any] = {"name": self.name}
        if self.metadata is not None:
            out["metadata"] = self.metadata
        if self.done:
            out["done"] = True
            if self.error is not None:
                out["error"] = self.error
            elif self.response is not None:
                out["response"] = self.response
        return out


class OperationStore:
    """Every long-running operation the emulator knows, by name.

    Args:
        clock: Monotonic seconds; ``delay`` is measured with it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._ops: dict[str, Operation] = {}
        self._clock = clock
        self._ids = itertools.count(1)

    def new_id(self, prefix: str = "op") -> str:
        """A fresh, lower-case alphanumeric operation id."""
        return f"{prefix}{next(self._ids):06d}{int(self._clock() * 1000) % 100000:05d}"

    def create(
        self,
        name: str,
        *,
        metadata: dict[str, Any] | None = None,
        polls: int = 0,
        delay: float = 0.0,
        resolve: Callable[[], Resolution] | None = None,
        refresh: Callable[[Operation], None] | None = None,
        finish: Callable[[], None] | None = None,
    ) -> Operation:
        """Store a new, running operation (see :attr:`Operation.refresh` and ``finish``).

        Raises:
            ValueError: If the name is taken or ``polls``/``delay`` is negative.
        """
        if name in self._ops:
            raise ValueError(f"operation {name} already exists")
        if polls < 0 or delay < 0:
            raise ValueError("polls and delay must be >= 0")
        op = Operation(
            name=name,
            metadata=metadata,
            polls=polls,
            ready_at=self._clock() + delay,
            resolve=resolve,
            refresh=refresh,
            finish=finish,
        )
        self._ops[name] = op
        return op

    def get(self, name: str) -> Operation | None:
        """The stored operation, without counting a poll."""
        return self._ops.get(name)

    def poll(self, name: str) -> Operation:
        """Count one poll and finish the operation if it is due.

        Raises:
            ApiError: 404 when no such operation exists.
        """
        op = self._ops.get(name)
        if op is None:
            raise ApiError(404, f"Operation {name} not found.")
        if op.refresh is not None:
            op.refresh(op)
        elif not op.done:
            op.polled += 1
            if op.polled >= op.polls and self._clock() >= op.ready_at:
                self._finish(op)
        return op

    def complete(
        self,
        name: str,
        *,
        response: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> Operation:
        """Finish an operation now: with ``error``, with ``response``, or as its last poll would.

        An operation whose owner tracks the job (``refresh``) is finished by running that job to
        its end (``finish``) and refreshing it, so the resource (a tuned model, a document) ends
        in the state the operation reports; a job already stopped (cancelled) keeps its outcome.

        Raises:
            KeyError: If no such operation exists.
        """
        op = self._ops[name]
        if error is not None or response is not None:
            op.done, op.response, op.error = True, response, error
        elif op.refresh is not None and not op.done:
            if op.finish is not None:
                op.finish()
            op.refresh(op)
            if not op.done:
                self._finish(op)
        elif not op.done:
            self._finish(op)
        return op

    def fail(self, name: str, code: int, message: str) -> Operation:
        """Finish an operation with ``error{code, message, status}``.

        Raises:
            KeyError: If no such operation exists.
        """
        return self.complete(name, error=envelope(code, message)["error"])

    def delete(self, name: str) -> bool:
        """Forget an operation; returns whether it existed."""
        return self._ops.pop(name, None) is not None

    def names(self, prefix: str = "") -> list[str]:
        """Names of stored operations starting with ``prefix``, in creation order."""
        return [n for n in self._ops if n.startswith(prefix)]

    def _finish(self, op: Operation) -> None:
        response: dict[str, Any] | None = None
        error: dict[str, Any] | None = None
        if op.resolve is not None:
            try:
                response, error = op.resolve()
            except ApiError as exc:
                error = exc.to_json()["error"]
        op.done, op.response, op.error = True, response or ({} if error is None else None), error


async def get_operation(call: Call) -> dict[str, Any]:
    """``GET {version}/{...}/operations/{id}``: poll one operation."""
    return call.state.operations.poll(call.name).to_json()


def register(router: Router) -> None:
    """Add the operation routes (any name with an ``operations`` segment)."""
    for shape in (
        "operations/*",
        "models/*/operations/*",
        "tunedModels/*/operations/*",
        "fileSearchStores/*/operations/*",
    ):
        router.add("GET", shape, "", get_operation)
    # Any other GET of a name with an ``operations`` segment (e.g.
    # ``fileSearchStores/s/upload/operations/o``) is looked up in the store too.
    router.fallback("GET", "operations", get_operation)
