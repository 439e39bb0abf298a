"""Context caching: create, get, list, update the TTL, generate from the cache, delete.

Written for google-genai; ``test_dropin.py`` also runs it with only its imports changed.
"""

from __future__ import annotations

import datetime
import os

from google import genai
from google.genai import errors, types

from tests.conformance.dropin_scripts._steps import step

MODEL = "gemini-2.5-flash"
MANUAL = "Section 1. Turn the dial clockwise to start. " * 40


def main(base_url: str, api_key: str) -> None:
    client = genai.Client(api_key=api_key, http_options=types.HttpOptions(base_url=base_url))

    with step("caches.create") as s:
        cache = client.caches.create(
            model=MODEL,
            config=types.CreateCachedContentConfig(
                display_name="manual",
                system_instruction="Answer from the manual only.",
                contents=[types.Content(role="user", parts=[types.Part(text=MANUAL)])],
                ttl="300s",
            ),
        )
        s.result = {
            "name_prefix": cache.name.startswith("cachedContents/"),
            "model": cache.model,
            "display_name": cache.display_name,
            "tokens": cache.usage_metadata.total_token_count,
            "expires_later": cache.expire_time > cache.create_time,
            "aware": cache.expire_time.tzinfo is not None,
        }

    with step("caches.create_dict_config") as s:
        other = client.caches.create(
            model=f"models/{MODEL}",
            config={"contents": ["A short document."], "ttl": "600s"},
        )
        s.result = {"model": other.model, "tokens": other.usage_metadata.total_token_count}

    with step("caches.get") as s:
        got = client.caches.get(name=cache.name)
        s.result = {"same": got.name == cache.name, "display_name": got.display_name}

    with step("caches.list") as s:
        names = [c.name for c in client.caches.list(config={"page_size": 1})]
        s.result = {"count": len(names), "has_it": cache.name in names}

    with step("caches.update_ttl") as s:
        updated = client.caches.update(
            name=cache.name, config=types.UpdateCachedContentConfig(ttl="7200s")
        )
        span = updated.expire_time - cache.create_time
        s.result = span > datetime.timedelta(seconds=7000)

    with step("caches.update_expire_time") as s:
        when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=3)
        updated = client.caches.update(name=other.name, config={"expire_time": when})
        s.result = abs((updated.expire_time - when).total_seconds()) < 5

    with step("generate.from_cache") as s:
        response = client.models.generate_content(
            model=MODEL,
            contents="How do I start it?",
            config=types.GenerateContentConfig(cached_content=cache.name),
        )
        s.result = {
            "text_head": response.text.split('"')[1],
            "cached_tokens": response.usage_metadata.cached_content_token_count,
        }

    with step("caches.delete") as s:
        client.caches.delete(name=cache.name)
        client.caches.delete(name=other.name)
        s.result = True

    with step("caches.get_deleted") as s:
        try:
            client.caches.get(name=cache.name)
        except errors.APIError as exc:
            s.result = {"code": exc.code, "client_error": isinstance(exc, errors.ClientError)}
        else:
            s.result = "no error"

    client.close()


if __name__ == "__main__":
    main(os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"])
