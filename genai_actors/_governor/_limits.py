"""``RateLimits``: one model's budget (requests and tokens per minute, requests per day,
concurrency), checked once at construction."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import InvalidOptionError

__all__ = ["DAY", "MINUTE", "RateLimits"]

MINUTE = 60.0
DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The limits the governor keeps for one model. ``None`` leaves a dimension unlimited.

    Attributes:
        rpm: Requests per minute: at most this many admitted in any sliding 60 s window.
        tpm: Input tokens per minute, over the same window. A request counts with an estimate
            before it is sent (its JSON body's bytes / 4, at least 1), corrected to the
            response's ``usageMetadata.promptTokenCount`` after. An estimate above ``tpm``
            counts as ``tpm`` (it waits for an empty window instead of forever).
        rpd: Requests per day: at most this many in any sliding 24 h window. When reached,
            calls fail at once with :class:`~genai_actors.errors.DailyQuotaExhaustedError`.
        concurrency: Requests in flight at once. With ``adaptive=True`` on the governor this
            is the ceiling the adaptive limit grows to; otherwise a fixed cap.

    Raises:
        InvalidOptionError: A value that is not a positive int (the message names the field).
    """

    rpm: int | None = None
    tpm: int | None = None
    rpd: int | None = None
    concurrency: int | None = None

    def __post_init__(self) -> None:
        for name in ("rpm", "tpm", "rpd", "concurrency"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                object.__setattr__(self, name, int(value))
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidOptionError(
                    f"RateLimits.{name}", f"expected a positive int or None, got {value!r}"
                )
            if value < 1:
                raise InvalidOptionError(f"RateLimits.{name}", f"must be >= 1, got {value!r}")

    def windows(self) -> tuple[tuple[str, int, float], ...]:
        """The sliding windows these limits keep: ``(metric, limit, period)`` for each set one."""
        found: list[tuple[str, int, float]] = []
        if self.rpm is not None:
            found.append(("rpm", self.rpm, MINUTE))
        if self.tpm is not None:
            found.append(("tpm", self.tpm, MINUTE))
        if self.rpd is not None:
            found.append(("rpd", self.rpd, DAY))
        return tuple(found)
