"""Why an actor (or a supervisor) exited: `ExitReason`.

OTP distinguishes a normal exit, a shutdown ordered by the owner, and a crash. The supervisor's
restart decision depends only on this (see `Restart`), so it is a small value object.
"""

from __future__ import annotations

from typing import ClassVar, Final, final

__all__ = ["ExitReason"]

_NORMAL: Final = "normal"
_SHUTDOWN: Final = "shutdown"
_ERROR: Final = "error"


@final
class ExitReason:
    """Why an actor exited: `ExitReason.NORMAL`, `ExitReason.SHUTDOWN` or a crash.

    Attributes:
        kind: ``"normal"``, ``"shutdown"`` or ``"error"``.
        error: The exception for a crash, else None.
    """

    __slots__ = ("error", "kind")

    NORMAL: ClassVar[ExitReason]
    SHUTDOWN: ClassVar[ExitReason]

    def __init__(self, kind: str, error: BaseException | None = None) -> None:
        if kind not in (_NORMAL, _SHUTDOWN, _ERROR):
            raise ValueError(f"unknown exit kind {kind!r}")
        if (kind == _ERROR) != (error is not None):
            raise ValueError("an error exit needs its exception, and only it")
        self.kind = kind
        self.error = error

    @classmethod
    def crashed(cls, error: BaseException) -> ExitReason:
        """Return the reason for a crash caused by `error`."""
        return cls(_ERROR, error)

    @property
    def abnormal(self) -> bool:
        """True for a crash: the only reason that restarts a TRANSIENT child."""
        return self.kind == _ERROR

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExitReason):
            return NotImplemented
        return self.kind == other.kind and self.error is other.error

    def __hash__(self) -> int:
        return hash((self.kind, id(self.error)))

    def __repr__(self) -> str:
        if self.error is None:
            return f"ExitReason.{self.kind.upper()}"
        return f"ExitReason.crashed({self.error!r})"

    __str__ = __repr__


ExitReason.NORMAL = ExitReason(_NORMAL)
ExitReason.SHUTDOWN = ExitReason(_SHUTDOWN)
