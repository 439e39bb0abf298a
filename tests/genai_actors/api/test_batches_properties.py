"""Property tests: the streamed results-file reader under arbitrary chunking and cuts, the
batch job view on arbitrary operations, and TTL normalisation."""

from __future__ import annotations

import asyncio
import datetime
import itertools
import math
from typing import Any

import aiohttp
import msgspec
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors._api._batch_results import _FileLines
from genai_actors._api._caches import t_ttl
from genai_actors._transport._body import RawBody

_rows = st.lists(
    st.fixed_dictionaries(
        {
            "key": st.text(min_size=1, max_size=8),
            "response": st.fixed_dictionaries(
                {"candidates": st.just([{"content": {"parts": [{"text": "é\nx"}]}}])}
            ),
        }
    ),
    min_size=0,
    max_size=30,
)


class _Content:
    """An ``aiohttp.StreamReader`` stand-in: chunks, then a cut after ``cut_after`` reads."""

    def __init__(self, chunks: list[bytes], cut_after: int | None) -> None:
        self._chunks = list(chunks)
        self._cut_after = cut_after
        # The StreamReader state the transport inspects (no failure recorded, nothing
        # buffered): a cut is raised by readany itself.
        self._exception: BaseException | None = None
        self._buffer: list[bytes] = []

    async def readany(self) -> bytes:
        if self._cut_after is not None:
            if self._cut_after == 0:
                raise aiohttp.ClientPayloadError("cut")
            self._cut_after -= 1
        return self._chunks.pop(0) if self._chunks else b""


class _Response:
    content_length = None

    def __init__(self, chunks: list[bytes], cut_after: int | None) -> None:
        self.content = _Content(chunks, cut_after)

    def release(self) -> None:
        pass


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points) if b > a]


async def _read_all(data: bytes, cuts: list[int], cut_after: int | None) -> tuple[list[Any], int]:
    opened = 0

    async def respond() -> Any:
        return _Response(_split(data, cuts), cut_after if opened == 1 else None)

    def fake_open() -> RawBody:
        nonlocal opened
        opened += 1
        return RawBody(respond)

    reader = _FileLines(None, "files/x")  # type: ignore[arg-type]  # no client: _open is replaced
    reader._open = fake_open  # type: ignore[method-assign]
    lines = []
    while (line := await reader.next_line()) is not None:
        lines.append(msgspec.json.decode(line))
    return lines, opened


@settings(max_examples=60, deadline=None)
@given(
    rows=_rows,
    cuts=st.lists(st.integers(min_value=0), max_size=12),
    cut_after=st.none() | st.integers(min_value=0, max_value=6),
    trailing=st.booleans(),
)
def test_file_lines_survive_any_chunking_and_one_cut(
    rows: list[dict[str, Any]], cuts: list[int], cut_after: int | None, trailing: bool
) -> None:
    """Every line comes out once, in order, whatever the chunking and wherever a cut falls."""
    data = b"\n".join(msgspec.json.encode(r) for r in rows)
    if trailing and data:
        data += b"\n\n"
    lines, opened = asyncio.run(_read_all(data, cuts, cut_after))
    assert lines == rows
    assert opened <= 2


@settings(max_examples=100, deadline=None)
@given(
    operation=st.dictionaries(
        st.sampled_from(["name", "metadata", "error", "done", "x"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=5),
            lambda c: (
                st.lists(c, max_size=3)
                | st.dictionaries(
                    st.sampled_from(
                        [
                            "state",
                            "batchStats",
                            "output",
                            "createTime",
                            "model",
                            "requestCount",
                            "responsesFile",
                        ]
                    ),
                    c,
                    max_size=3,
                )
            ),
            max_leaves=8,
        ),
    )
)
def test_job_view_is_total(operation: dict[str, Any]) -> None:
    """Any operation-shaped object maps to a BatchJob or raises ValueError, nothing else."""
    try:
        job = types.BatchJob.from_operation(operation)
    except ValueError:
        return
    assert isinstance(job, types.BatchJob)


@given(seconds=st.floats(min_value=1e-6, max_value=1e9, allow_nan=False))
def test_ttl_round_trips(seconds: float) -> None:
    """A positive number of seconds becomes '<seconds>s' that reads back to the same value."""
    text = t_ttl(seconds)
    assert text.endswith("s")
    assert math.isclose(float(text[:-1]), seconds, rel_tol=1e-9, abs_tol=1e-9)
    delta = datetime.timedelta(seconds=seconds)
    assert math.isclose(float(t_ttl(delta)[:-1]), delta.total_seconds(), abs_tol=1e-6)
    assert t_ttl(text) == text
