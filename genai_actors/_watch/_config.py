"""Watcher settings (``WatchConfig``) and how a failed poll is classified.

The default poll schedule is ``Backoff(1.0, 30.0, multiplier=1.5, jitter=0.2)``: the first poll
goes out at once, then after about 1 s, 1.5 s, 2.25 s, 3.4 s, ... capped at 30 s, each delay
stretched by up to 20% of random jitter so that jobs started together drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from supervisors import Backoff

from ..errors import (
    ClientError,
    GenAIError,
    InvalidOptionError,
    RateLimitedError,
    RequestTimeoutStatusError,
    ResponseTooLargeError,
    ServerError,
    TransportError,
)

__all__ = ["DEFAULT_POLL_BACKOFF", "Outcome", "WatchConfig", "check_timeout", "classify"]

DEFAULT_POLL_BACKOFF = Backoff(1.0, 30.0, multiplier=1.5, jitter=0.2)


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """How the watchers of one client poll.

    Attributes:
        backoff: The default poll schedule of a watcher (per watch, ``backoff=`` overrides).
            A delay of 1 ms or less counts as none (no event loop sleeps shorter): the next poll
            goes out at once.
        max_concurrent_polls: Polls in flight at once, over all watchers of the client.
        max_polls_per_second: Global cap on poll starts per second (a token bucket with a
            burst of ``min(max_concurrent_polls, max_polls_per_second)``); ``math.inf`` for none.
        max_crashes: Consecutive crashes of one watcher (its fetch or predicate raising
            something unexpected) after which its waiters get the exception instead of waiting.
        rate_limit_pause: Seconds the whole schedule pauses after a 429 that carries no
            ``retry_after`` hint.

    Raises:
        InvalidOptionError: A backoff that is not a ``supervisors.Backoff``, a non-positive
            limit, or ``max_crashes`` below 1 (the message names the option).
    """

    backoff: Backoff = field(default=DEFAULT_POLL_BACKOFF)
    max_concurrent_polls: int = 32
    max_polls_per_second: float = 50.0
    max_crashes: int = 5
    rate_limit_pause: float = 5.0

    def __post_init__(self) -> None:
        if not isinstance(self.backoff, Backoff):
            raise InvalidOptionError(
                "backoff", f"must be a supervisors.Backoff, not {self.backoff!r}"
            )
        if isinstance(self.max_concurrent_polls, bool) or self.max_concurrent_polls < 1:
            raise InvalidOptionError(
                "max_concurrent_polls", f"must be an int >= 1, got {self.max_concurrent_polls!r}"
            )
        rate = self.max_polls_per_second
        if math.isnan(rate) or not rate > 0:
            raise InvalidOptionError("max_polls_per_second", f"must be > 0, got {rate!r}")
        if self.max_crashes < 1:
            raise InvalidOptionError("max_crashes", f"must be >= 1, got {self.max_crashes!r}")
        if not (self.rate_limit_pause >= 0 and math.isfinite(self.rate_limit_pause)):
            raise InvalidOptionError(
                "rate_limit_pause", f"must be >= 0 seconds, got {self.rate_limit_pause!r}"
            )


def check_timeout(value: object, option: str = "timeout") -> float | None:
    """A wait timeout in seconds: ``None`` or ``inf`` for none, else a number >= 0.

    The one check of every ``wait(timeout=...)`` (operations, batches, tunings, files, file
    search imports).

    Returns:
        The timeout as a float, or ``None`` for no timeout.

    Raises:
        InvalidOptionError: Not a number (``bool`` and strings included), NaN, or negative.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidOptionError(option, f"expected a number of seconds or None, got {value!r}")
    if value < 0:
        raise InvalidOptionError(option, f"must be >= 0 seconds, got {value!r}")
    return None if math.isinf(value) else float(value)


class Outcome(Enum):
    """What a failed poll means for the watch."""

    RETRY = "retry"  # transient: back off and poll again
    RATE_LIMITED = "rate_limited"  # 429: back off, and slow the whole schedule down
    FATAL = "fatal"  # the job cannot be watched (404, 403, 400...): waiters get the error
    CRASH = "crash"  # not an API error: the watcher crashes and its supervisor restarts it


def classify(exc: BaseException) -> Outcome:
    """Sorts a poll's exception into an :class:`Outcome`."""
    if isinstance(exc, RateLimitedError):
        return Outcome.RATE_LIMITED
    if isinstance(exc, ResponseTooLargeError):
        return Outcome.FATAL  # the same answer would be too large again
    if isinstance(exc, ServerError | TransportError | RequestTimeoutStatusError):
        return Outcome.RETRY
    if isinstance(exc, ClientError | GenAIError):
        return Outcome.FATAL
    return Outcome.CRASH
