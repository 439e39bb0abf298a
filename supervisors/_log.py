"""The `supervisors` logger: structlog over the stdlib logger named ``supervisors``.

The stdlib logger carries a `logging.NullHandler`, so nothing is printed unless the application
configures logging. Events are dotted (`actor.started`, `actor.crashed`, `actor.restarted`,
`supervisor.escalated`, ...) and the key/value pairs travel in the record's ``extra``.

The stdlib level is checked first and structlog is imported on the first record that passes
it, so a silent runtime costs one ``isEnabledFor`` per event and never imports structlog.
"""

from __future__ import annotations

import logging
from typing import Any

__all__ = ["enabled", "logger"]

_stdlib = logging.getLogger("supervisors")
_stdlib.addHandler(logging.NullHandler())


class _Logger:
    """The four logging methods the runtime uses, each a no-op below the stdlib level."""

    __slots__ = ("_bound",)

    def __init__(self) -> None:
        self._bound: Any = None

    def _emit(self, method: str, event: str, fields: dict[str, Any]) -> None:
        bound = self._bound
        if bound is None:
            import structlog

            bound = self._bound = structlog.wrap_logger(
                _stdlib,
                wrapper_class=structlog.stdlib.BoundLogger,
                processors=[
                    structlog.stdlib.filter_by_level,
                    structlog.stdlib.render_to_log_kwargs,
                ],
            )
        getattr(bound, method)(event, **fields)

    def debug(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at DEBUG with ``fields``."""
        if _stdlib.isEnabledFor(logging.DEBUG):
            self._emit("debug", event, fields)

    def info(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at INFO with ``fields``."""
        if _stdlib.isEnabledFor(logging.INFO):
            self._emit("info", event, fields)

    def warning(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at WARNING with ``fields``."""
        if _stdlib.isEnabledFor(logging.WARNING):
            self._emit("warning", event, fields)

    def error(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at ERROR with ``fields`` (``exc_info=`` attaches a traceback)."""
        if _stdlib.isEnabledFor(logging.ERROR):
            self._emit("error", event, fields)


logger = _Logger()


def enabled(level: int) -> bool:
    """Return whether a record at `level` would be handled (cheap; check before formatting)."""
    return _stdlib.isEnabledFor(level)
