"""Fan-out of large request sets: online with bounded concurrency, or through the Batch API.

_items.py       what one input becomes (Job): Batch API lines, prompts, typed requests
_source.py      the input, read one item at a time by the workers
_result.py      FanoutResult and its Batch API result line
_online.py      the workers: per-input retries, embeddings packed 100 per request
_batch.py       via="batch": JSONL files, batch jobs, watchers, resubmitted rows
_checkpoint.py  durable runs: JSONL output + state file, exactly once across kills
_run.py         client.fanout: options, via="auto", the result stream
_command.py     ``genai-actors fanout``
"""

from __future__ import annotations

from ._checkpoint import Checkpoint
from ._online import Stats
from ._result import FanoutResult
from ._run import AUTO_BATCH_MIN, DEFAULT_CONCURRENCY, FanoutStream, fanout

__all__ = [
    "AUTO_BATCH_MIN",
    "DEFAULT_CONCURRENCY",
    "Checkpoint",
    "FanoutResult",
    "FanoutStream",
    "Stats",
    "fanout",
]
