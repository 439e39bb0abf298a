"""A fan-out run with a checkpoint, for the kill-and-resume test (run as a subprocess).

python -m tests.genai_actors.fanout._kill_worker URL CHECKPOINT COUNT
"""

from __future__ import annotations

import asyncio
import sys

import genai_actors as ga
from tests.genai_actors.fanout._inputs import MODEL, QUICK_RETRY, line


async def main(url: str, checkpoint: str, count: int) -> None:
    async with ga.AsyncClient(api_key="k", http_options={"base_url": url}) as client:
        stream = client.fanout(
            (line(i) for i in range(count)),
            model=MODEL,
            concurrency=16,
            checkpoint=checkpoint,
            retry_options=QUICK_RETRY,
        )
        async with stream:
            async for _ in stream:
                pass
    print("complete", stream.stats.done, stream.stats.skipped, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
