"""WatchConfig and wait timeouts: every bad value is an InvalidOptionError naming the option."""

from __future__ import annotations

import math

import pytest

from genai_actors._watch import WatchConfig, check_timeout
from genai_actors._watch._config import Outcome, classify
from genai_actors.errors import ConnectionLostError, InvalidOptionError, ResponseTooLargeError


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("backoff", 1.0),
        ("max_concurrent_polls", 0),
        ("max_concurrent_polls", True),
        ("max_polls_per_second", 0.0),
        ("max_polls_per_second", math.nan),
        ("max_crashes", 0),
        ("rate_limit_pause", -1.0),
        ("rate_limit_pause", math.inf),
    ],
)
def test_watch_config_refuses_bad_values_naming_the_option(field: str, value: object) -> None:
    """A bad WatchConfig field raises InvalidOptionError (a ValueError and a TypeError)."""
    with pytest.raises(InvalidOptionError) as caught:
        WatchConfig(**{field: value})  # type: ignore[arg-type]
    assert caught.value.option == field
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, TypeError)


@pytest.mark.parametrize("value", ["5", True, math.nan, -0.5, [1]])
def test_check_timeout_refuses_what_is_not_seconds(value: object) -> None:
    """Strings, booleans, NaN, negatives and other objects are refused, naming ``timeout``."""
    with pytest.raises(InvalidOptionError, match=r"^timeout: "):
        check_timeout(value)


def test_check_timeout_accepts_none_infinity_and_numbers() -> None:
    """None and infinity mean no timeout; numbers come back as floats."""
    assert check_timeout(None) is None
    assert check_timeout(math.inf) is None
    assert check_timeout(0) == 0.0
    assert check_timeout(2) == 2.0


def test_an_oversized_poll_answer_is_fatal_not_retried() -> None:
    """A poll whose answer passed the response cap ends the watch: polling again cannot help."""
    assert classify(ResponseTooLargeError("too large", limit=10)) is Outcome.FATAL
    assert classify(ConnectionLostError("dropped")) is Outcome.RETRY
