"""Timestamps and durations as the API writes them, and staged progress over time.

The emulator's wall clock is derived from its monotonic clock (``EmulatorState.now``), so tests
that inject a virtual clock also move every ``createTime``/``expireTime`` and every expiry check.
:class:`Progress` walks a job through named stages (``PENDING`` -> ``RUNNING`` -> ...): a stage is
left once it has been polled ``polls`` times *and* ``delay`` seconds have passed in it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence

from ._errors import bad_request

__all__ = ["Progress", "format_duration", "parse_duration", "parse_timestamp", "rfc3339"]

_DURATION = re.compile(r"^(-?)(\d+)(?:\.(\d{1,9}))?s$")
_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"
)


def rfc3339(moment: _dt.datetime) -> str:
    """``2025-01-01T00:00:00.123456Z`` (UTC, microseconds), as the API formats timestamps."""
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str, field: str) -> _dt.datetime:
    """Parse an RFC 3339 timestamp (``google.protobuf.Timestamp`` in JSON).

    Raises:
        ApiError: 400 INVALID_ARGUMENT naming ``field`` for anything else.
    """
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if match is None:
        raise bad_request(
            f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.Timestamp), "
            f"Field '{field}', Invalid time format: {value!r}",
            field,
        )
    date, clock, frac, zone = match.groups()
    micros = (frac or ".0")[1:7].ljust(6, "0")
    zone = "+00:00" if zone in ("Z", "z") else zone
    try:
        return _dt.datetime.fromisoformat(f"{date}T{clock}.{micros}{zone}").astimezone(_dt.UTC)
    except ValueError:
        raise bad_request(
            f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.Timestamp), "
            f"Field '{field}', Invalid time format: {value!r}",
            field,
        ) from None


def parse_duration(value: str, field: str) -> float:
    """Parse a ``google.protobuf.Duration`` in JSON (``"300s"``, ``"1.5s"``) into seconds.

    Raises:
        ApiError: 400 INVALID_ARGUMENT naming ``field`` for anything else.
    """
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        raise bad_request(
            f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.Duration), "
            f'"{value}"',
            field,
        )
    sign, whole, frac = match.groups()
    seconds = int(whole) + (int(frac.ljust(9, "0")) / 1e9 if frac else 0.0)
    return -seconds if sign else seconds


def format_duration(seconds: float) -> str:
    """Seconds as a Duration string: ``"300s"``, ``"1.500s"``."""
    if float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{seconds:.3f}s"


class Progress:
    """A job's walk through named stages, driven by polls and elapsed time.

    Args:
        stages: The stages in order; the last one is where the walk stops.
        polls: How many polls each stage takes before it may be left.
        delay: How many seconds each stage lasts at least.
        clock: Monotonic seconds.
        on_enter: Called with a stage's name when the walk enters it (not for the first).
    """

    def __init__(
        self,
        stages: Sequence[str],
        *,
        polls: int,
        delay: float,
        clock: Callable[[], float],
        on_enter: Callable[[str], None] | None = None,
    ) -> None:
        if not stages:
            raise ValueError("a progress needs at least one stage")
        self._stages = list(stages)
        self._index = 0
        self._polls = max(0, polls)
        self._delay = max(0.0, delay)
        self._clock = clock
        self._entered = clock()
        self._polled = 0
        self._on_enter = on_enter
        self._stopped = False

    @property
    def stage(self) -> str:
        """The current stage."""
        return self._stages[self._index]

    @property
    def finished(self) -> bool:
        """Whether the walk reached its last stage or was stopped."""
        return self._stopped or self._index == len(self._stages) - 1

    def poll(self) -> str:
        """Count one poll, advance as far as polls and time allow, and return the stage."""
        if self.finished:
            return self.stage
        self._polled += 1
        while not self.finished:
            if self._polled < self._polls or self._clock() - self._entered < self._delay:
                break
            self._advance()
            self._polled = 0
        return self.stage

    def finish(self) -> None:
        """Run through every remaining stage now (each ``on_enter`` runs in order)."""
        while not self.finished:
            self._advance()

    def stop(self, stage: str) -> None:
        """Jump to ``stage`` (a terminal state such as ``CANCELLED``) and stop walking."""
        if stage not in self._stages:
            self._stages.append(stage)
        self._index = self._stages.index(stage)
        self._stopped = True

    def _advance(self) -> None:
        self._index += 1
        self._entered = self._clock()
        if self._on_enter is not None:
            self._on_enter(self.stage)
