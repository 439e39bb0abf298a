"""The error raised for a request that is invalid before it is sent."""

from __future__ import annotations

from ..errors import GenAIError

__all__ = ["InvalidRequestError"]


class InvalidRequestError(GenAIError, ValueError):
    """A request argument or config field is invalid; nothing was sent.

    Attributes:
        path: The offending field, e.g. ``config.generation_config.top_k`` or ``contents[2]``.
        reason: What is wrong with it.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)
