"""Conformance: google-genai 3.4 and genai_actors send the same tunings requests.

Each case runs the same call through both clients against one emulator and compares what its
recorder captured: method, path, query and JSON body. Names of jobs made for a case are replaced
by ``{name}``. Documented differences (the last column) are applied to google-genai's request:

- ``examples``: google-genai 3.4 builds ``tuningTask.trainingData.examples`` and then drops it
  (and ``learningRateMultiplier``) on the Developer API, so it sends no training data at all;
  genai_actors sends both.
- ``tunings.list`` raises in google-genai on the Developer API; genai_actors lists
  ``GET tunedModels`` (see ``test_list_differs``).
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

BASE = "models/gemini-2.5-flash"
DATA = {"examples": [{"text_input": "1+1", "output": "2"}, {"text_input": "2+2", "output": "4"}]}
WIRE_EXAMPLES = {
    "examples": {
        "examples": [{"textInput": "1+1", "output": "2"}, {"textInput": "2+2", "output": "4"}]
    }
}
Call = Callable[[Any, str], Awaitable[Any]]


def examples(multiplier: float | None = None) -> Callable[[list[Any]], list[Any]]:
    """google-genai's tune request plus the training data (and multiplier) it drops."""

    def apply(sent: list[Any]) -> list[Any]:
        out = copy.deepcopy(sent)
        task = out[0][3].setdefault("tuningTask", {})
        task["trainingData"] = WIRE_EXAMPLES
        if multiplier is not None:
            task.setdefault("hyperparameters", {})["learningRateMultiplier"] = multiplier
        return out

    return apply


CASES: list[tuple[str, Call, Callable[[Any], Any] | None]] = [
    ("tune-min", lambda c, n: c.tunings.tune(base_model=BASE, training_dataset=DATA), examples()),
    (
        "tune-full",
        lambda c, n: c.tunings.tune(
            base_model=BASE,
            training_dataset=DATA,
            config={
                "tuned_model_display_name": "Adder",
                "epoch_count": 3,
                "batch_size": 2,
                "learning_rate": 0.001,
            },
        ),
        examples(),
    ),
    (
        "tune-multiplier",
        lambda c, n: c.tunings.tune(
            base_model=BASE, training_dataset=DATA, config={"learning_rate_multiplier": 0.5}
        ),
        examples(0.5),
    ),
    ("get", lambda c, n: c.tunings.get(name=n), None),
    ("cancel", lambda c, n: c.tunings.cancel(name=n), None),
]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's loop."""
    async with Emulator(job_polls=50) as emulator:
        yield emulator


async def run(emu: Emulator, client: Any, call: Call, name: str) -> list[Any]:
    """Runs ``call`` and returns what it sent, ``name`` as ``{name}``."""
    emu.recorded.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # google-genai's ExperimentalWarning
        await call(client, name)
    return [(r.method, r.path.replace(name, "{name}"), dict(r.query), r.json) for r in emu.recorded]


@pytest.mark.parametrize(("case", "call", "deviation"), CASES, ids=[c[0] for c in CASES])
async def test_same_request(
    emu: Emulator, case: str, call: Call, deviation: Callable[[Any], Any] | None
) -> None:
    """google-genai and genai_actors send the same method, path, query and body."""
    theirs = genai.Client(api_key="k", http_options=gtypes.HttpOptions(base_url=emu.url)).aio
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as ours:
        try:
            their_name = (await ours.tunings.tune(base_model=BASE, training_dataset=DATA)).name
            our_name = (await ours.tunings.tune(base_model=BASE, training_dataset=DATA)).name
            expected = await run(emu, theirs, call, their_name or "")
            got = await run(emu, ours, call, our_name or "")
        finally:
            await theirs.aclose()
    if deviation is not None:
        expected = deviation(expected)
    assert got == expected
    assert got


async def test_list_differs(emu: Emulator) -> None:
    """google-genai refuses tunings.list on the Developer API; genai_actors lists tunedModels."""
    theirs = genai.Client(api_key="k", http_options=gtypes.HttpOptions(base_url=emu.url)).aio
    try:
        with pytest.raises(ValueError, match="only supported in Gemini Enterprise"):
            await theirs.tunings.list()
    finally:
        await theirs.aclose()
    assert len(emu.recorded) == 0
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as ours:
        pager = await ours.tunings.list(config={"page_size": 5})
        names = [job.name async for job in pager]
    assert [(r.method, r.path, dict(r.query)) for r in emu.recorded] == [
        ("GET", "/v1/tunedModels", {"pageSize": "5"})
    ]
    assert names == ["tunedModels/emulated-tuned-model"]
