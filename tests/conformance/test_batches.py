"""Conformance: google-genai 3.4 and genai_actors send the same batches requests.

Each case runs the same call through both clients against one emulator and compares what its
recorder captured: method, path, query and JSON body. Names of batches made for a case are
replaced by ``{name}``. Documented differences (the last column) are applied to google-genai's
request before comparing:

- ``keys``: genai_actors stamps ``metadata.key`` on inline requests that have none, so results
  can be matched (google-genai sends no metadata).
- ``camel``: genai_actors sends ``inputConfig.fileName`` for embeddings batches where
  google-genai leaks the snake_case ``file_name`` (the API accepts both).
"""

from __future__ import annotations

import copy
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
E = "gemini-embedding-001"
Call = Callable[[Any, str, str], Awaitable[Any]]


def keys(sent: list[Any]) -> list[Any]:
    """google-genai's requests with the index keys genai_actors adds."""
    out = copy.deepcopy(sent)
    batch = out[0][3]["batch"]
    for i, entry in enumerate(batch["inputConfig"]["requests"]["requests"]):
        entry.setdefault("metadata", {}).setdefault("key", str(i))
    return out


def camel(sent: list[Any]) -> list[Any]:
    """google-genai's embeddings file input, spelled in camelCase."""
    out = copy.deepcopy(sent)
    config = out[0][3]["batch"]["inputConfig"]
    config["fileName"] = config.pop("file_name")
    return out


def inline(*texts: str, **config: Any) -> list[dict[str, Any]]:
    """Inline requests with explicit keys (so both clients send the same)."""
    items: list[dict[str, Any]] = []
    for i, text in enumerate(texts):
        item: dict[str, Any] = {"contents": text, "metadata": {"key": f"k{i}"}}
        if config:
            item["config"] = config
        items.append(item)
    return items


# id, the call (same for both clients; `n` a batch made for it, `f` a JSONL file), deviation
CASES: list[tuple[str, Call, Callable[[Any], Any] | None]] = [
    ("inline-keyed", lambda c, n, f: c.batches.create(model=M, src=inline("a", "b")), None),
    (
        "inline-config",
        lambda c, n, f: c.batches.create(
            model=M,
            src=inline(
                "a",
                temperature=0.2,
                system_instruction="Be terse.",
                max_output_tokens=20,
                safety_settings=[
                    {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}
                ],
                response_mime_type="application/json",
                response_schema={"type": "OBJECT", "properties": {"x": {"type": "STRING"}}},
            ),
        ),
        None,
    ),
    (
        "inline-display-name",
        lambda c, n, f: c.batches.create(
            model=f"models/{M}", src=inline("a"), config={"display_name": "nightly"}
        ),
        None,
    ),
    (
        "inline-unkeyed",
        lambda c, n, f: c.batches.create(
            model=M,
            src=[{"contents": "a"}, {"contents": [{"role": "user", "parts": [{"text": "b"}]}]}],
        ),
        keys,
    ),
    (
        "inline-dict-src",
        lambda c, n, f: c.batches.create(model=M, src={"inlined_requests": inline("a")}),
        None,
    ),
    ("file-src", lambda c, n, f: c.batches.create(model=M, src=f), None),
    ("file-dict-src", lambda c, n, f: c.batches.create(model=M, src={"file_name": f}), None),
    (
        "webhook",
        lambda c, n, f: c.batches.create(
            model=M,
            src=inline("a"),
            config={"webhook_config": {"uris": ["https://example.com/hook"]}},
        ),
        None,
    ),
    (
        "embed-inline",
        lambda c, n, f: c.batches.create_embeddings(
            model=E,
            src={
                "inlined_requests": {"contents": ["x", "y"], "config": {"output_dimensionality": 8}}
            },
        ),
        keys,
    ),
    (
        "embed-file",
        lambda c, n, f: c.batches.create_embeddings(model=E, src={"file_name": f}),
        camel,
    ),
    ("get", lambda c, n, f: c.batches.get(name=n), None),
    ("cancel", lambda c, n, f: c.batches.cancel(name=n), None),
    ("delete", lambda c, n, f: c.batches.delete(name=n), None),
    ("list", lambda c, n, f: c.batches.list(), None),
    ("list-paged", lambda c, n, f: c.batches.list(config={"page_size": 1}), None),
]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's loop."""
    async with Emulator() as emulator:
        yield emulator


async def run(emu: Emulator, client: Any, call: Call, name: str, file: str) -> list[Any]:
    """Runs ``call`` (a pager is walked) and returns what it sent, ``name`` as ``{name}``."""
    emu.recorded.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # google-genai's ExperimentalWarning
        result = await call(client, name, file)
        if hasattr(result, "__aiter__"):
            async for _ in result:
                pass
    return [(r.method, r.path.replace(name, "{name}"), dict(r.query), r.json) for r in emu.recorded]


@pytest.mark.parametrize(("case", "call", "deviation"), CASES, ids=[c[0] for c in CASES])
async def test_same_request(
    emu: Emulator, case: str, call: Call, deviation: Callable[[Any], Any] | None
) -> None:
    """google-genai and genai_actors send the same method, path, query and body."""
    file = emu.files.add(
        b'{"key": "a", "request": {"contents": [{"parts": [{"text": "x"}]}]}}\n',
        "application/jsonl",
    ).name
    theirs = genai.Client(api_key="k", http_options=gtypes.HttpOptions(base_url=emu.url)).aio
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as ours:
        try:
            their_name = (await ours.batches.create(model=M, src=inline("s"))).name or ""
            our_name = (await ours.batches.create(model=M, src=inline("s"))).name or ""
            expected = await run(emu, theirs, call, their_name, file)
            got = await run(emu, ours, call, our_name, file)
        finally:
            await theirs.aclose()
    if deviation is not None:
        expected = deviation(expected)
    assert got == expected
    assert got
