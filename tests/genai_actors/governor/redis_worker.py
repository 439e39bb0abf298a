"""A worker process for the shared-budget test: sends ``n`` calls at once through a governor
whose windows live in Redis, and prints how many were answered and how many were refused.

Usage: python redis_worker.py REDIS_URL PREFIX BASE_URL API_KEY N
It prints ``ready`` once set up, then waits for a line on stdin before firing (so that two
workers fire together).
"""

from __future__ import annotations

import asyncio
import json
import sys

import genai_actors as ga
from genai_actors import errors


async def main(redis_url: str, prefix: str, base_url: str, key: str, n: int) -> None:
    store = ga.RedisStore(redis_url, prefix=prefix)
    gov = ga.RateGovernor({"gemini-2.5-flash": ga.RateLimits(rpm=10)}, store=store)
    outcomes = {"ok": 0, "refused": 0, "other": []}
    async with ga.AsyncClient(
        api_key=key, http_options={"base_url": base_url, "timeout": 3000}, governor=gov
    ) as client:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # both workers fire together

        async def one() -> None:
            try:
                await client.models.generate_content(model="gemini-2.5-flash", contents="hi")
                outcomes["ok"] += 1
            except errors.RequestTimeoutError:
                outcomes["refused"] += 1
            except Exception as exc:
                outcomes["other"].append(repr(exc))

        await asyncio.gather(*(one() for _ in range(n)))
    await gov.aclose()
    print(json.dumps(outcomes))


if __name__ == "__main__":
    url, prefix, base, key, count = sys.argv[1:]
    asyncio.run(main(url, prefix, base, key, int(count)))
