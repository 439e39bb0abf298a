"""Parsers and helpers behind the resources (property tests), and the admin endpoints."""

from __future__ import annotations

import aiohttp
import pytest
from hypothesis import given, strategies as st

from genai_actors.emulator import ApiError, Emulator
from genai_actors.emulator._retrieval import chunk_text, matches, parse_filter
from genai_actors.emulator._timeutil import Progress, format_duration, parse_duration

from .conftest import Raw, chunk, start_upload, user

WORDS = st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=120)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=999))
def test_durations_round_trip(whole: int, millis: int) -> None:
    """format_duration output parses back to the same number of seconds."""
    seconds = whole + millis / 1000
    assert abs(parse_duration(format_duration(seconds), "ttl") - seconds) < 1e-6


@given(st.text(max_size=20))
def test_duration_parser_only_raises_api_errors(text: str) -> None:
    """Any string either parses or raises a 400 ApiError, never anything else."""
    code = 400
    try:
        parse_duration(text, "ttl")
    except ApiError as exc:
        code = exc.code
    assert code == 400


@given(WORDS, st.integers(min_value=1, max_value=30), st.data())
def test_chunks_cover_every_word_within_limits(
    words: list[str], size: int, data: st.DataObject
) -> None:
    """Chunks hold at most size words, overlap by the overlap, and cover the text in order."""
    overlap = data.draw(st.integers(min_value=0, max_value=size - 1))
    chunks = chunk_text(" ".join(words), size, overlap)
    assert all(1 <= len(c.text.split()) <= size for c in chunks)
    step = size - overlap
    rebuilt: list[str] = []
    for index, piece in enumerate(chunks):
        tokens = piece.text.split()
        assert tokens == words[index * step : index * step + size]
        rebuilt = words[: index * step] + tokens
    assert rebuilt == words


@given(st.text(max_size=40))
def test_filter_parser_only_raises_api_errors(text: str) -> None:
    """Arbitrary filter text either parses or is a 400 ApiError."""
    code = 400
    try:
        parse_filter(text)
    except ApiError as exc:
        code = exc.code
    assert code == 400


def test_filter_semantics() -> None:
    """AND binds tighter than OR; strings, numbers and string lists compare as expected."""
    meta = [
        {"key": "genre", "stringValue": "fiction"},
        {"key": "year", "numericValue": 1999},
        {"key": "tags", "stringListValue": {"values": ["sea", "boats"]}},
    ]
    assert matches(parse_filter('genre = "fiction" AND year < 2000'), meta)
    assert not matches(parse_filter('genre = "poetry" AND year < 2000'), meta)
    assert matches(parse_filter('genre = "poetry" OR year >= 1999'), meta)
    assert matches(parse_filter('tags : "boats"'), meta)
    assert matches(parse_filter('author != "x"'), meta)
    assert not matches(parse_filter("year > 2000"), meta)


def test_progress_walks_stages_by_polls_and_time() -> None:
    """A stage is left only after its polls and its delay; stop() ends the walk."""
    now = [0.0]
    entered: list[str] = []
    progress = Progress(
        ["A", "B", "C"], polls=2, delay=5.0, clock=lambda: now[0], on_enter=entered.append
    )
    assert progress.poll() == "A"
    assert progress.poll() == "A"
    now[0] = 5.0
    assert progress.poll() == "B"
    now[0] = 20.0
    assert progress.poll() == "B"
    assert progress.poll() == "C"
    assert progress.finished
    assert entered == ["B", "C"]
    other = Progress(["A", "B"], polls=0, delay=0.0, clock=lambda: 0.0)
    other.stop("X")
    assert other.poll() == "X"
    assert other.finished


async def test_admin_settings_drops_and_batch_finish(emu: Emulator, raw: Raw) -> None:
    """Settings change at run time; upload drops and batch completion are scriptable."""
    async with aiohttp.ClientSession() as session:
        url = f"{emu.url}/_emulator"
        async with session.post(f"{url}/settings", json={"jobPolls": 3, "cacheMinTtl": 60}) as r:
            assert r.status == 200
            settings = await r.json()
        assert settings["job_polls"] == 3
        assert "api_key" not in settings
        assert emu.state.settings.cache_min_ttl == 60.0
        for bad in ({"nope": 1}, {"jobPolls": "x"}, {"jobPolls": -1}, {"apiKey": "k"}):
            async with session.post(f"{url}/settings", json=bad) as r:
                assert r.status == 400, bad
        status, op = await raw.post(
            "v1beta/models/gemini-2.5-flash:batchGenerateContent",
            {
                "batch": {
                    "inputConfig": {
                        "requests": {"requests": [{"request": {"contents": [user("q")]}}]}
                    }
                }
            },
        )
        assert status == 200
        async with session.post(f"{url}/batches/finish", json={"name": op["name"]}) as r:
            assert (await r.json())["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"
        async with session.post(f"{url}/uploads/drop", json={"chunk": 1, "afterBytes": 2}) as r:
            assert (await r.json())["drops"] == [{"chunk": 1, "afterBytes": 2, "times": 1}]
        async with session.post(f"{url}/uploads/drop", json={"chunk": 0}) as r:
            assert r.status == 400
        started = await start_upload(session, emu.url, 4)
        with pytest.raises(aiohttp.ClientError):
            await chunk(session, started.headers["x-goog-upload-url"], b"abcd", 0)
        queried = await chunk(session, started.headers["x-goog-upload-url"], b"", 0, "query")
        assert queried.headers["x-goog-upload-size-received"] == "2"
        async with session.post(f"{url}/uploads/drop", json={"afterBytes": 1}) as r:
            assert r.status == 200
        async with session.post(f"{url}/reset") as r:
            assert r.status == 200
        assert emu.uploads.faults.snapshot() == []
