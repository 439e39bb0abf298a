# genai_actors._fanout: fan-out of large request sets, online or through the Batch API.
#
#   _items.py       what one input becomes (Job): Batch API lines, prompts, typed requests
#   _source.py      the input, read one item at a time by the workers
#   _result.py      FanoutResult and its Batch API result line
#   _online.py      the workers: per-input retries, embeddings packed 100 per request
#   _batch.py       via="batch": JSONL files, batch jobs, watchers, resubmitted rows
#   _checkpoint.py  durable runs: JSONL output + state file, exactly once across kills
#   _run.py         client.fanout: options, via="auto", the result stream
#   _command.py     ``genai-actors fanout``
"""Fan-out of large request sets: ``FanoutResult``, ``FanoutStream``, ``Checkpoint``."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._checkpoint import Checkpoint as Checkpoint
    from ._online import Stats as Stats
    from ._result import FanoutResult as FanoutResult
    from ._run import (
        AUTO_BATCH_MIN as AUTO_BATCH_MIN,
        DEFAULT_CONCURRENCY as DEFAULT_CONCURRENCY,
        FanoutStream as FanoutStream,
        fanout as fanout,
    )

# Names resolve on first use, so `genai-actors <other command>` does not import the engine.
_WHERE = {
    "AUTO_BATCH_MIN": "._run",
    "DEFAULT_CONCURRENCY": "._run",
    "Checkpoint": "._checkpoint",
    "FanoutResult": "._result",
    "FanoutStream": "._run",
    "Stats": "._online",
    "fanout": "._run",
}

__all__ = [
    "AUTO_BATCH_MIN",
    "DEFAULT_CONCURRENCY",
    "Checkpoint",
    "FanoutResult",
    "FanoutStream",
    "Stats",
    "fanout",
]


def __getattr__(name: str) -> object:
    """Imports a name's module on the first use of the name.

    Raises:
        AttributeError: ``name`` is not exported here.
    """
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value
