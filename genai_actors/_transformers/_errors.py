"""The error raised for a request that is invalid before it is sent (defined in ``errors``)."""

from __future__ import annotations

from ..errors import InvalidRequestError as InvalidRequestError

__all__ = ["InvalidRequestError"]
