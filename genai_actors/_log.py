"""Logging: structlog over the stdlib ``genai_actors`` logger, silent unless configured.

Events are dotted names (``request.retry``) with key-value context. The stdlib logger gets a
``NullHandler``, so nothing is printed unless the application configures ``logging``. Values
under secret-looking keys are masked before rendering, and callers never pass keys or tokens.

structlog is imported only when a record is actually emitted: a level check on the stdlib
logger comes first, so a silent library costs one ``isEnabledFor`` per event and no import.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

__all__ = ["Logger", "get_logger", "redact"]

_ROOT = "genai_actors"
logging.getLogger(_ROOT).addHandler(logging.NullHandler())

_SECRET_KEYS = frozenset({"api_key", "key", "token", "authorization", "x-goog-api-key", "password"})


def _mask_secrets(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for name in list(event_dict):
        if name.lower() in _SECRET_KEYS:
            event_dict[name] = "***"
    return event_dict


class Logger:
    """A structlog logger over a stdlib logger, built on the first record that passes its level.

    Args:
        name: The dotted stdlib logger name.
    """

    __slots__ = ("_bound", "_std")

    def __init__(self, name: str) -> None:
        self._std = logging.getLogger(name)
        self._bound: Any = None

    @property
    def name(self) -> str:
        """The stdlib logger's name."""
        return self._std.name

    def _emit(self, method: str, event: str, fields: dict[str, Any]) -> None:
        bound = self._bound
        if bound is None:
            import structlog

            bound = self._bound = structlog.wrap_logger(
                self._std,
                processors=[
                    structlog.stdlib.filter_by_level,
                    _mask_secrets,
                    structlog.processors.KeyValueRenderer(key_order=["event"], sort_keys=False),
                ],
                wrapper_class=structlog.stdlib.BoundLogger,
            )
        getattr(bound, method)(event, **fields)

    def debug(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at DEBUG with ``fields`` as key-value context."""
        if self._std.isEnabledFor(logging.DEBUG):
            self._emit("debug", event, fields)

    def info(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at INFO with ``fields`` as key-value context."""
        if self._std.isEnabledFor(logging.INFO):
            self._emit("info", event, fields)

    def warning(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at WARNING with ``fields`` as key-value context."""
        if self._std.isEnabledFor(logging.WARNING):
            self._emit("warning", event, fields)

    def error(self, event: str, **fields: Any) -> None:
        """Logs ``event`` at ERROR with ``fields`` as key-value context."""
        if self._std.isEnabledFor(logging.ERROR):
            self._emit("error", event, fields)


def get_logger(name: str = _ROOT) -> Logger:
    """Returns the logger writing to the stdlib logger ``name`` (under ``genai_actors``).

    Args:
        name: The dotted stdlib logger name.

    Returns:
        A logger; records below the stdlib level are dropped before structlog is involved.
    """
    return Logger(name)


def redact(text: str, *secrets: str | None) -> str:
    """Replaces every occurrence of each non-empty secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "***")
    return text
