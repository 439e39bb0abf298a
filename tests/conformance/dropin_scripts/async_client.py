"""The async API through ``client.aio``: generation, streams, pagers, files, errors, gather.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import asyncio
import io
import os

import pydantic
from google import genai
from google.genai import errors, types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"


class City(pydantic.BaseModel):
    name: str
    population: int


async def run(client: genai.Client) -> None:
    aio = client.aio

    with step("aio.generate_typed") as s:
        response = await aio.models.generate_content(
            model=MODEL,
            contents="Why is the sea salty?",
            config=types.GenerateContentConfig(temperature=0.1, max_output_tokens=200),
        )
        s.result = {"text": response.text, "finish": response.candidates[0].finish_reason}

    with step("aio.generate_dict_schema") as s:
        response = await aio.models.generate_content(
            model=MODEL,
            contents="Two cities.",
            config={"response_mime_type": "application/json", "response_schema": list[City]},
        )
        s.result = [c.model_dump() for c in response.parsed]

    with step("aio.stream") as s:
        text = ""
        count = 0
        async for chunk in await aio.models.generate_content_stream(
            model=MODEL, contents="A short story about a fox."
        ):
            text += chunk.text or ""
            count += 1
        s.result = {"text": text, "several": count > 1}

    with step("aio.gather") as s:
        prompts = ["One.", "Two.", "Three."]
        replies = await asyncio.gather(
            *(aio.models.generate_content(model=MODEL, contents=p) for p in prompts)
        )
        s.result = [r.text for r in replies]

    with step("aio.embed_and_count") as s:
        embedded = await aio.models.embed_content(model="gemini-embedding-001", contents="hello")
        counted = await aio.models.count_tokens(model=MODEL, contents="hello there")
        s.result = {"dims": len(embedded.embeddings[0].values), "tokens": counted.total_tokens}

    with step("aio.files") as s:
        uploaded = await aio.files.upload(
            file=io.BytesIO(b"async notes"), config={"mime_type": "text/plain"}
        )
        names = [f.name async for f in await aio.files.list(config={"page_size": 10})]
        got = await aio.files.get(name=uploaded.name)
        await aio.files.delete(name=uploaded.name)
        s.result = {"listed": uploaded.name in names, "size": got.size_bytes}

    with step("aio.pager_pages") as s:
        for i in range(3):
            await aio.files.upload(
                file=io.BytesIO(b"x" * (i + 1)), config={"mime_type": "text/plain"}
            )
        pager = await aio.files.list(config={"page_size": 2})
        first = len(pager.page)
        await pager.next_page()
        s.result = {"first": first, "second": len(pager.page)}

    with step("aio.caches") as s:
        cache = await aio.caches.create(
            model=MODEL, config={"contents": ["Some long context."], "ttl": "120s"}
        )
        listed = [c.name async for c in await aio.caches.list()]
        await aio.caches.delete(name=cache.name)
        s.result = cache.name in listed

    with step("aio.batches") as s:
        job = await aio.batches.create(
            model=MODEL, src=[{"contents": "Hello?", "metadata": {"key": "k"}}]
        )
        for _ in range(50):
            job = await aio.batches.get(name=job.name)
            if job.done:
                break
            await asyncio.sleep(0.01)
        s.result = {"state": job.state, "count": len(job.dest.inlined_responses)}

    with step("aio.error_404") as s:
        try:
            await aio.models.get(model="not-a-model")
        except errors.ClientError as exc:
            s.result = {"code": exc.code, "status": exc.status}
        else:
            s.result = "no error"

    with step("aio.stream_error_404") as s:
        try:
            async for _ in await aio.models.generate_content_stream(
                model="not-a-model", contents="Hi"
            ):
                pass
        except errors.APIError as exc:
            s.result = {"code": exc.code, "client_error": isinstance(exc, errors.ClientError)}
        else:
            s.result = "no error"

    await aio.aclose()


async def run_context_manager(base_url: str, api_key: str) -> None:
    with step("aio.async_with") as s:
        options = types.HttpOptions(base_url=base_url)
        async with genai.Client(api_key=api_key, http_options=options).aio as aio:
            response = await aio.models.generate_content(model=MODEL, contents="Hi")
        s.result = response.text


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))
    asyncio.run(run(client))
    asyncio.run(run_context_manager(base_url, api_key))
    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
