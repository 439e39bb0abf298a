"""Tests for Backoff and BackoffSchedule."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

import supervisors as s


def test_delay_formula_matches_contract() -> None:
    """delay = min(maximum, initial*multiplier**attempt) * (1 + jitter*rand)."""
    b = s.Backoff(3.0, 30.0, multiplier=2.0, jitter=0.2)
    assert [b.delay(n, rand=0.0) for n in range(6)] == [3.0, 6.0, 12.0, 24.0, 30.0, 30.0]
    assert b.delay(0, rand=0.5) == pytest.approx(3.3)
    assert b.delay(10, rand=1.0) == pytest.approx(36.0)
    assert b.delay(10_000, rand=0.0) == 30.0  # no overflow for huge attempts


@given(
    initial=st.floats(0.001, 10),
    factor=st.floats(1, 100),
    multiplier=st.floats(1, 5),
    jitter=st.floats(0, 1),
    attempt=st.integers(0, 2000),
    rand=st.floats(0, 1),
)
def test_delay_bounds(
    initial: float, factor: float, multiplier: float, jitter: float, attempt: int, rand: float
) -> None:
    """Every delay lies in [initial, maximum*(1+jitter)] and is non-decreasing in attempt."""
    b = s.Backoff(initial, initial * factor, multiplier=multiplier, jitter=jitter)
    d = b.delay(attempt, rand=rand)
    assert initial * (1 - 1e-9) <= d <= b.maximum * (1 + jitter) * (1 + 1e-9)
    assert b.delay(attempt + 1, rand=rand) >= d * (1 - 1e-9)


def test_random_jitter_stays_in_range() -> None:
    """Without rand, the jitter draw is uniform in [0, 1)."""
    b = s.Backoff(1.0, 1.0, jitter=0.5)
    draws = [b.delay(0) for _ in range(500)]
    assert all(1.0 <= d < 1.5 for d in draws)
    assert max(draws) - min(draws) > 0.3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial": 0, "maximum": 1},
        {"initial": -1, "maximum": 1},
        {"initial": 2, "maximum": 1},
        {"initial": 1, "maximum": 2, "multiplier": 0.5},
        {"initial": 1, "maximum": 2, "jitter": -0.1},
        {"initial": 1, "maximum": 2, "jitter": 1.5},
        {"initial": 1, "maximum": 2, "reset_after": 0},
        {"initial": float("nan"), "maximum": 2},
    ],
)
def test_validation(kwargs: dict[str, float]) -> None:
    """Nonsense arguments raise ValueError."""
    with pytest.raises(ValueError):
        s.Backoff(**kwargs)


def test_delay_argument_validation() -> None:
    """A negative attempt or an out-of-range rand raises ValueError; non-numbers TypeError."""
    b = s.Backoff(1, 2)
    with pytest.raises(ValueError):
        b.delay(-1)
    with pytest.raises(ValueError):
        b.delay(0, rand=2.0)
    with pytest.raises(TypeError):
        s.Backoff("1", 2)  # type: ignore[arg-type]


async def test_schedule_counts_and_resets_after_quiet_period(vclock: s.VirtualClock) -> None:
    """next_delay() counts attempts; more than reset_after seconds of quiet restarts at 0."""
    sched = s.Backoff(1.0, 8.0, jitter=0.0, reset_after=10.0).schedule()
    assert [sched.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert sched.attempt == 5
    await vclock.sleep(10.0)  # exactly reset_after: not more, no reset
    assert sched.next_delay() == 8.0
    await vclock.sleep(10.5)
    assert sched.next_delay() == 1.0
    assert sched.attempt == 1
    sched.reset()
    assert sched.attempt == 0
    assert sched.next_delay() == 1.0


def test_schedule_without_reset_after_never_resets() -> None:
    """Without reset_after, the schedule keeps growing up to the cap."""
    sched = s.Backoff(1.0, 4.0, jitter=0.0).schedule()
    with s.use_clock(s.VirtualClock(0.0)):
        assert [sched.next_delay() for _ in range(4)] == [1.0, 2.0, 4.0, 4.0]
