"""operations.wait / watch: the request is prepared once per watch, and the name checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import genai_actors as ga
from genai_actors._transformers import InvalidRequestError
from genai_actors._transformers._names import _check_segments, check_resource_id
from genai_actors.emulator import Emulator
from supervisors import VirtualClock, use_clock

from .conftest import API_KEY

VEO = "veo-3.0-generate-001"

BAD_NAMES = [
    "models/x/operations/../../secrets",
    "models/x/operations/a?b",
    "models/x/%2e%2e/operations/y",
    "models/x/operations/%252e%252e",
    "models//operations/y",
]


@pytest.mark.parametrize("bad", BAD_NAMES)
async def test_wait_and_watch_refuse_a_bad_name_before_anything_starts(
    client: ga.AsyncClient, emu: Emulator, bad: str
) -> None:
    """The name is checked when the wait or stream is made (once per watch), not by its first
    poll: InvalidRequestError at once, nothing sent and no watcher tree started."""
    with pytest.raises(InvalidRequestError):
        await client.operations.wait(bad, timeout=5)
    with pytest.raises(InvalidRequestError):
        client.operations.watch(bad)
    assert len(emu.recorded) == 0
    assert client.api_client.watchers.stats() == {}


async def test_every_poll_sends_the_request_get_sends(emu: Emulator) -> None:
    """Each poll of a wait is operations.get's request (same verb, path and per-call headers),
    built once for the watch; the wait returns the operation's type."""
    with use_clock(VirtualClock()):
        async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
            op = await client.models.generate_videos(model=VEO, prompt="a fox")
            assert op.name
            config = {"http_options": {"headers": {"x-probe": "p"}}}
            emu.recorded.clear()
            await client.operations.get(op.name, config=config)
            got = emu.recorded[-1]
            emu.recorded.clear()
            done = await client.operations.wait(op.name, timeout=60, config=config)
    assert isinstance(done, ga.types.GenerateVideosOperation)
    assert done.done
    assert done.result == done.response
    assert len(emu.recorded) >= 1
    assert {(r.method, r.path, r.headers.get("x-probe")) for r in emu.recorded} == {
        (got.method, got.path, "p")
    }


segments = st.text(alphabet="ab.%2e5cF/\\?# ", max_size=12)


@settings(max_examples=400, deadline=None)
@given(name=segments)
def test_checking_a_whole_name_is_checking_each_of_its_ids(name: str) -> None:
    """``_check_segments`` (with its fast path for names with nothing to decode) refuses a
    name exactly when ``check_resource_id`` refuses one of its ``/``-separated ids."""
    expected: type[Exception] | None = None
    for segment in name.split("/"):
        try:
            check_resource_id(segment, "name")
        except InvalidRequestError:
            expected = InvalidRequestError
            break
    if expected is None:
        _check_segments(name, "name")
    else:
        with pytest.raises(expected):
            _check_segments(name, "name")
