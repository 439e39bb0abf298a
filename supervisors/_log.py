"""The `supervisors` logger: structlog over the stdlib logger named ``supervisors``.

The stdlib logger carries a `logging.NullHandler`, so nothing is printed unless the application
configures logging. Events are dotted (`actor.started`, `actor.crashed`, `actor.restarted`,
`supervisor.escalated`, ...) and the key/value pairs travel in the record's ``extra``.
"""

from __future__ import annotations

import logging
from typing import Any

import structlog

__all__ = ["enabled", "logger"]

_stdlib = logging.getLogger("supervisors")
_stdlib.addHandler(logging.NullHandler())

logger: Any = structlog.wrap_logger(
    _stdlib,
    wrapper_class=structlog.stdlib.BoundLogger,
    processors=[
        structlog.stdlib.filter_by_level,
        structlog.stdlib.render_to_log_kwargs,
    ],
    cache_logger_on_first_use=True,
)


def enabled(level: int) -> bool:
    """Return whether a record at `level` would be handled (cheap; check before formatting)."""
    return _stdlib.isEnabledFor(level)
