"""Conformance: google-genai 3.4 and genai_actors send the same caches requests.

Each case runs the same call through both clients against one emulator and compares what its
recorder captured: method, path, query and JSON body. Names of resources made for a case are
replaced by ``{name}`` (each client gets its own). A case may carry a documented difference.
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from google import genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors.emulator import Emulator

pytestmark = pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)

M = "gemini-2.5-flash"
TEXT = "The quick brown fox jumps over the lazy dog. " * 10
LATER = datetime.datetime(2999, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
Call = Callable[[Any, str], Awaitable[Any]]


async def _pager(pager: Any) -> None:
    async for _ in pager:
        pass


# id, the call (same code for both clients; `n` is a cache made for it), google-genai deviation
CASES: list[tuple[str, Call, Callable[[Any], Any] | None]] = [
    ("create-min", lambda c, n: c.caches.create(model=M, config={"contents": TEXT}), None),
    (
        "create-full",
        lambda c, n: c.caches.create(
            model=M,
            config={
                "contents": [TEXT],
                "ttl": "300s",
                "display_name": "d",
                "system_instruction": "Be terse.",
                "tools": [{"function_declarations": [{"name": "f", "description": "d"}]}],
                "tool_config": {"function_calling_config": {"mode": "AUTO"}},
            },
        ),
        None,
    ),
    (
        "create-expire",
        lambda c, n: c.caches.create(
            model=f"models/{M}", config={"contents": TEXT, "expire_time": LATER}
        ),
        None,
    ),
    ("get", lambda c, n: c.caches.get(name=n), None),
    ("get-bare-id", lambda c, n: c.caches.get(name=n.removeprefix("cachedContents/")), None),
    ("update-ttl", lambda c, n: c.caches.update(name=n, config={"ttl": "600s"}), None),
    ("update-expire", lambda c, n: c.caches.update(name=n, config={"expire_time": LATER}), None),
    ("delete", lambda c, n: c.caches.delete(name=n), None),
    ("list", lambda c, n: c.caches.list(), None),
    ("list-paged", lambda c, n: c.caches.list(config={"page_size": 1}), None),
]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's loop."""
    async with Emulator() as emulator:
        yield emulator


def wire(emu: Emulator, name: str) -> list[tuple[str, str, dict[str, str], Any]]:
    """The captured requests, with ``name`` replaced by ``{name}``."""
    out = []
    for r in emu.recorded:
        path = r.path.replace(name, "{name}") if name else r.path
        out.append((r.method, path, dict(r.query), r.json))
    return out


async def run(emu: Emulator, client: Any, call: Call, name: str) -> list[Any]:
    """Runs ``call`` (a pager is walked) and returns what it sent."""
    emu.recorded.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = await call(client, name)
        if hasattr(result, "__aiter__"):
            await _pager(result)
    return wire(emu, name)


@pytest.mark.parametrize(("case", "call", "deviation"), CASES, ids=[c[0] for c in CASES])
async def test_same_request(
    emu: Emulator, case: str, call: Call, deviation: Callable[[Any], Any] | None
) -> None:
    """google-genai and genai_actors send the same method, path, query and body."""
    theirs = genai.Client(api_key="k", http_options=gtypes.HttpOptions(base_url=emu.url)).aio
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as ours:
        try:
            their_name = (await ours.caches.create(model=M, config={"contents": TEXT})).name or ""
            our_name = (await ours.caches.create(model=M, config={"contents": TEXT})).name or ""
            expected = await run(emu, theirs, call, their_name)
            got = await run(emu, ours, call, our_name)
        finally:
            await theirs.aclose()
    if deviation is not None:
        expected = deviation(expected)
    assert got == expected
    assert got  # at least one request was compared
