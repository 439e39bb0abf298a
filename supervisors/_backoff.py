"""`Backoff`: one exponential schedule (with jitter, cap and reset) for restarts, retries and polls.

`Backoff` is a frozen value; `Backoff.schedule()` returns a stateful `BackoffSchedule` that
counts attempts and resets itself after a quiet spell, measured on `current_clock()`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ._clock import current_clock

__all__ = ["Backoff", "BackoffSchedule"]


def _check(name: str, value: float, *, positive: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        kind = "positive" if positive else "non-negative"
        raise ValueError(f"{name} must be a finite, {kind} number, got {value!r}")


@dataclass(frozen=True, slots=True)
class Backoff:
    """An exponential backoff: ``min(maximum, initial * multiplier**attempt) * (1 + jitter*r)``.

    Args:
        initial: Delay before the first retry (attempt 0), in seconds; > 0.
        maximum: Cap on the delay before jitter, in seconds; >= initial.
        multiplier: Growth per attempt; >= 1.
        jitter: Extra random fraction added on top, in [0, 1]: 0.2 means up to +20%.
        reset_after: Seconds without a `next_delay()` after which a schedule starts over at
            attempt 0; None never resets by itself.

    Raises:
        ValueError: For non-positive `initial`, `maximum` below `initial`, `multiplier` below 1,
            `jitter` outside [0, 1] or non-positive `reset_after`.
        TypeError: For arguments that are not numbers.
    """

    initial: float
    maximum: float
    multiplier: float = 2.0
    jitter: float = 0.2
    reset_after: float | None = None

    def __post_init__(self) -> None:
        _check("initial", self.initial, positive=True)
        _check("maximum", self.maximum, positive=True)
        _check("multiplier", self.multiplier, positive=True)
        _check("jitter", self.jitter, positive=False)
        if self.maximum < self.initial:
            raise ValueError(f"maximum ({self.maximum}) must be >= initial ({self.initial})")
        if self.multiplier < 1:
            raise ValueError(f"multiplier must be >= 1, got {self.multiplier!r}")
        if self.jitter > 1:
            raise ValueError(f"jitter must be in [0, 1], got {self.jitter!r}")
        if self.reset_after is not None:
            _check("reset_after", self.reset_after, positive=True)

    def delay(self, attempt: int, *, rand: float | None = None) -> float:
        """Return the delay before retry number `attempt` (0 is the first retry).

        Args:
            attempt: The retry number, >= 0.
            rand: The jitter draw in [0, 1); a fresh uniform draw when None.

        Raises:
            ValueError: If `attempt` is negative or `rand` is outside [0, 1].
        """
        if attempt < 0:
            raise ValueError(f"attempt must be >= 0, got {attempt}")
        if rand is None:
            rand = random.random() if self.jitter else 0.0  # no draw when it cannot count
        elif not 0.0 <= rand <= 1.0:
            raise ValueError(f"rand must be in [0, 1], got {rand!r}")
        # Cap the exponent first: multiplier**attempt overflows floats for large attempts.
        try:
            base = self.initial * self.multiplier**attempt
        except OverflowError:
            base = math.inf
        return min(self.maximum, base) * (1.0 + self.jitter * rand)

    def schedule(self) -> BackoffSchedule:
        """Return a fresh stateful schedule starting at attempt 0."""
        return BackoffSchedule(self)


class BackoffSchedule:
    """The stateful side of a `Backoff`: successive delays, with reset.

    Attributes:
        backoff: The policy.
        attempt: The attempt number the next `next_delay()` will use.
    """

    __slots__ = ("_last", "attempt", "backoff")

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self.attempt = 0
        self._last: float | None = None

    def next_delay(self) -> float:
        """Return the next delay and count the attempt.

        If more than `reset_after` seconds (on `current_clock()`) passed since the previous call,
        the schedule first resets to attempt 0.
        """
        reset_after = self.backoff.reset_after
        if reset_after is not None:  # the clock is read only when a reset is possible
            now = current_clock().now()
            if self._last is not None and now - self._last > reset_after:
                self.attempt = 0
            self._last = now
        delay = self.backoff.delay(self.attempt)
        self.attempt += 1
        return delay

    def reset(self) -> None:
        """Start over: the next delay is attempt 0's."""
        self.attempt = 0
        self._last = None

    def __repr__(self) -> str:
        return f"BackoffSchedule({self.backoff!r}, attempt={self.attempt})"
