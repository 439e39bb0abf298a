"""Logging: structlog over the stdlib ``genai_actors`` logger, silent unless configured.

Events are dotted names (``request.retry``) with key-value context. The stdlib logger gets a
``NullHandler``, so nothing is printed unless the application configures ``logging``. Values
under secret-looking keys are masked before rendering, and callers never pass keys or tokens.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import structlog

__all__ = ["get_logger", "redact"]

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


def get_logger(name: str = _ROOT) -> structlog.stdlib.BoundLogger:
    """Returns a structlog logger writing to the stdlib logger ``name`` (under ``genai_actors``).

    Args:
        name: The dotted stdlib logger name.

    Returns:
        A bound logger; calls below the stdlib level are dropped before any formatting.
    """
    logger: structlog.stdlib.BoundLogger = structlog.wrap_logger(
        logging.getLogger(name),
        processors=[
            structlog.stdlib.filter_by_level,
            _mask_secrets,
            structlog.processors.KeyValueRenderer(key_order=["event"], sort_keys=False),
        ],
        wrapper_class=structlog.stdlib.BoundLogger,
    )
    return logger


def redact(text: str, *secrets: str | None) -> str:
    """Replaces every occurrence of each non-empty secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, "***")
    return text
