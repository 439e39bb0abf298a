"""The retry policy: which failures are retried, and how long to wait before the next attempt.

Retries are ON by default. The defaults (google-genai's values when its ``retry_options`` is set):

=====================  =========================================================
``attempts``           5 attempts in all (the first included); 1 disables retries
``initial_delay``      1.0 s before the first retry
``exp_base``           2.0: the nominal wait doubles after each attempt
``max_delay``          60.0 s: no computed wait is longer
``jitter``             up to 1.0 s of uniform random delay added to each computed wait
``http_status_codes``  408, 429, 500, 502, 503, 504
=====================  =========================================================

Connection failures (:class:`~genai_actors.errors.ConnectError`, including connect timeouts),
a connection lost before the response (:class:`~genai_actors.errors.ConnectionLostError`) and,
for a plain request whose body is read inside the retry loop, a body cut before its end
(:class:`~genai_actors.errors.StreamCutError`) are retried too. A stream is never retried once
its response has started: it leaves the retry loop at its first byte.

The computed wait before retry ``n`` (1-based) is
``min(supervisors.Backoff(initial, max, exp_base, jitter=0).delay(n - 1) + U(0, jitter), max)``:
:class:`supervisors.Backoff` gives the exponential schedule and the jitter stays in seconds, as
in google-genai (a fraction of a 60 s wait would be far larger than the documented 1 s).

Server hints win over the computed wait: a 429 carrying ``google.rpc.RetryInfo.retryDelay``, or
any retried answer with ``Retry-After`` (seconds or an HTTP date), waits exactly that long. A 429
whose ``QuotaFailure`` names a per-day quota (``quotaId`` containing ``PerDay``) is never retried:
it cannot succeed before the quota resets. A 4xx other than 408 and 429 is never retried. The
caller checks the deadline: a wait that would cross it is not taken, the error is raised now.

A request marked non-idempotent (one that creates a job or a stored resource, such as a batch, a
tuning job, a cache or a video generation) is retried only after answers that prove nothing was
done: 408, 429 and a connection that could not be made. A 5xx, a lost connection or a timeout
may mean the resource was created, so they are raised rather than risk a second (billed) job.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

import msgspec

from supervisors import Backoff

from ..errors import (
    APIError,
    ConnectError,
    ConnectionLostError,
    GenAIError,
    InvalidOptionError,
    RateLimitedError,
    StreamCutError,
    parse_retry_after,
)
from ..types._http import HttpRetryOptions

__all__ = ["DEFAULT_RETRY", "RetryPolicy"]

DEFAULT_ATTEMPTS = 5
DEFAULT_INITIAL_DELAY = 1.0
DEFAULT_MAX_DELAY = 60.0
DEFAULT_EXP_BASE = 2.0
DEFAULT_JITTER = 1.0
DEFAULT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Answers that prove the server did not act on the request: safe to retry even when it is not
# idempotent.
NOT_EXECUTED_STATUSES = frozenset({408, 429})
_OPTION = "http_options.retry_options"  # how InvalidOptionError names these fields


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """A resolved retry policy (every field set). Immutable and shared between calls.

    Attributes:
        attempts: Total attempts, the first included (at least 1).
        initial_delay: Seconds before the first retry.
        max_delay: Cap in seconds on a computed wait (server hints are not capped).
        exp_base: Growth factor of the wait after each attempt.
        jitter: Seconds of uniform random delay added to each computed wait.
        statuses: HTTP statuses that are retried.
    """

    attempts: int = DEFAULT_ATTEMPTS
    initial_delay: float = DEFAULT_INITIAL_DELAY
    max_delay: float = DEFAULT_MAX_DELAY
    exp_base: float = DEFAULT_EXP_BASE
    jitter: float = DEFAULT_JITTER
    statuses: frozenset[int] = DEFAULT_STATUSES
    _backoff: Backoff | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("initial_delay", "max_delay", "jitter", "exp_base"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidOptionError(
                    f"{_OPTION}.{name}", f"expected a number of seconds, got {value!r}"
                )
            if not (value >= 0 and math.isfinite(value)):
                raise InvalidOptionError(
                    f"{_OPTION}.{name}", f"must be a finite number >= 0, got {value!r}"
                )
        if self.exp_base < 1:
            raise InvalidOptionError(f"{_OPTION}.exp_base", f"must be >= 1, got {self.exp_base!r}")
        if isinstance(self.attempts, bool) or not isinstance(self.attempts, int):
            raise InvalidOptionError(
                f"{_OPTION}.attempts", f"expected an int, got {self.attempts!r}"
            )

    @classmethod
    def from_options(cls, options: HttpRetryOptions | Mapping[str, object] | None) -> RetryPolicy:
        """Resolves ``HttpRetryOptions`` (or a dict of its fields) over the defaults.

        Args:
            options: The options; ``None`` means the defaults. ``attempts=0`` means 1.

        Returns:
            The policy.

        Raises:
            InvalidOptionError: A field has the wrong type or an impossible value.
        """
        if options is None:
            return DEFAULT_RETRY
        if not isinstance(options, HttpRetryOptions):
            try:
                options = msgspec.convert(options, HttpRetryOptions)
            except msgspec.ValidationError as exc:
                raise InvalidOptionError(_OPTION, str(exc)) from None
        codes = options.http_status_codes
        if codes is not None and (
            not isinstance(codes, list | tuple | set | frozenset)
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
        ):
            raise InvalidOptionError(
                f"{_OPTION}.http_status_codes", f"expected a list of ints, got {codes!r}"
            )
        return cls(
            attempts=max(1, _pick_int(options.attempts, DEFAULT_ATTEMPTS)),
            initial_delay=_pick(options.initial_delay, DEFAULT_INITIAL_DELAY),
            max_delay=_pick(options.max_delay, DEFAULT_MAX_DELAY),
            exp_base=_pick(options.exp_base, DEFAULT_EXP_BASE),
            jitter=_pick(options.jitter, DEFAULT_JITTER),
            statuses=(
                frozenset(options.http_status_codes)
                if options.http_status_codes is not None
                else DEFAULT_STATUSES
            ),
        )

    def computed_delay(self, retry: int, rand: float | None = None) -> float:
        """The wait before retry number ``retry`` (1-based) when the server gave no hint.

        Args:
            retry: 1 for the wait after the first attempt, 2 after the second, ...
            rand: A number in [0, 1) for the jitter; drawn at random when ``None``.

        Returns:
            Seconds, at most ``max_delay``.
        """
        if self.initial_delay > 0:
            backoff = self._backoff
            if backoff is None:
                ceiling = max(self.max_delay, self.initial_delay)
                backoff = Backoff(self.initial_delay, ceiling, self.exp_base, jitter=0.0)
                object.__setattr__(self, "_backoff", backoff)
            nominal = backoff.delay(retry - 1, rand=0.0)
        else:
            nominal = 0.0
        if self.jitter:
            nominal += self.jitter * (random.random() if rand is None else rand)
        return min(nominal, self.max_delay)

    def delay_for(
        self,
        error: GenAIError,
        attempt: int,
        rand: float | None = None,
        *,
        idempotent: bool = True,
    ) -> float | None:
        """How long to wait before retrying after ``error`` on attempt ``attempt`` (1-based).

        Args:
            error: The mapped error of the failed attempt.
            attempt: The number of the attempt that failed.
            rand: Jitter draw in [0, 1), for tests; random when ``None``.
            idempotent: False for a request that creates something: then only answers that
                prove nothing was done (408, 429, no connection) are retried.

        Returns:
            Seconds to wait, or ``None`` when the error must not be retried (not retryable, a
            per-day quota, or no attempts left). The deadline is the caller's to check.
        """
        if attempt >= self.attempts:
            return None
        if isinstance(error, APIError):
            if error.code not in self.statuses:
                return None
            if not idempotent and error.code not in NOT_EXECUTED_STATUSES:
                return None
            if isinstance(error, RateLimitedError):
                if error.per_day:
                    return None
                if error.retry_after is not None:
                    return error.retry_after
            elif error.headers is not None:
                hinted = parse_retry_after(error.headers.get("Retry-After"))
                if hinted is not None:
                    return hinted
            return self.computed_delay(attempt, rand)
        if not idempotent:
            return self.computed_delay(attempt, rand) if isinstance(error, ConnectError) else None
        if isinstance(error, ConnectError | ConnectionLostError | StreamCutError) or (
            getattr(error, "retryable", False) and isinstance(error, TimeoutError)
        ):
            return self.computed_delay(attempt, rand)
        return None


def _pick(value: float | None, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value  # refused by RetryPolicy.__post_init__, naming the field
    return float(value)


def _pick_int(value: int | None, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidOptionError(f"{_OPTION}.attempts", f"expected an int, got {value!r}")
    return value


DEFAULT_RETRY = RetryPolicy()
