"""Vertex AI context caches: the requests ``caches.*`` build (through the surface's builders)
equal google-genai's (its Vertex client with only its HTTP send replaced)."""

from __future__ import annotations

from typing import Any

import pytest

from genai_actors import types
from genai_actors._api._caches import _create_request, _list_request, _update_request, cache_name
from genai_actors._transformers import Request, VertexLocation

from .oracle import Oracle, ours, same

VERTEX = VertexLocation("proj", "us-central1")

CREATE: list[tuple[str, str, dict[str, Any]]] = [
    ("minimal", "gemini-2.5-flash", {"ttl": "300s"}),
    (
        "full",
        "publishers/google/models/gemini-2.5-pro",
        {
            "ttl": "600s",
            "display_name": "docs",
            "contents": ["a long document", {"role": "model", "parts": [{"text": "ok"}]}],
            "system_instruction": "answer from the document",
            "tools": [{"function_declarations": [{"name": "f", "description": "d"}]}],
            "tool_config": {"function_calling_config": {"mode": "AUTO"}},
            "kms_key_name": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
        },
    ),
    ("models-prefix", "models/gemini-2.5-flash", {"ttl": "60s"}),
    (
        "retrieval-tool",
        "gemini-2.5-flash",
        {"tools": [{"retrieval": {"vertex_ai_search": {"datastore": "d"}}}]},
    ),
]


@pytest.mark.parametrize(("cname", "model", "config"), CREATE, ids=[c[0] for c in CREATE])
def test_create_matches_google_genai(
    oracle: Oracle, cname: str, model: str, config: dict[str, Any]
) -> None:
    theirs = oracle.sent(lambda c: c.caches.create(model=model, config=config))
    mine = _create_request(model, types.CreateCachedContentConfig(**config), VERTEX)
    same(theirs, ours(mine))


@pytest.mark.parametrize(
    "name", ["123", "cachedContents/123", "projects/proj/locations/us-central1/cachedContents/123"]
)
def test_get_update_delete_match_google_genai(oracle: Oracle, name: str) -> None:
    path = cache_name(name, VERTEX)
    same(oracle.sent(lambda c: c.caches.get(name=name)), ours(Request("GET", path)))
    same(oracle.sent(lambda c: c.caches.delete(name=name)), ours(Request("DELETE", path)))
    theirs = oracle.sent(lambda c: c.caches.update(name=name, config={"ttl": "120s"}))
    same(theirs, ours(_update_request(name, types.UpdateCachedContentConfig(ttl="120s"), VERTEX)))


def test_list_matches_google_genai(oracle: Oracle) -> None:
    theirs = oracle.sent(lambda c: c.caches.list(config={"page_size": 3, "page_token": "t"}))
    same(theirs, ours(_list_request(types.ListCachedContentsConfig(page_size=3, page_token="t"))))
