"""Embeddings, the model catalogue, paging and tuned-model management."""

from __future__ import annotations

import math
from typing import Any

from .conftest import Raw, user

EMBED = "v1beta/models/gemini-embedding-001:batchEmbedContents"


def _req(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "models/gemini-embedding-001", "content": user(text), **extra}


async def test_embeddings_are_stable_distinct_and_unit_length(raw: Raw) -> None:
    """Same text, same vector; different texts, different vectors; every vector has norm 1."""
    status, body = await raw.post(
        EMBED, {"requests": [_req("alpha beta"), _req("alpha beta"), _req("beta alpha")]}
    )
    assert status == 200
    a, b, c = (e["values"] for e in body["embeddings"])
    assert len(a) == 3072
    assert a == b
    assert a != c
    for vec in (a, c):
        assert math.isclose(math.sqrt(sum(v * v for v in vec)), 1.0, rel_tol=1e-9)


async def test_related_texts_are_closer_than_unrelated(raw: Raw) -> None:
    """Texts sharing words embed closer together than texts sharing none."""
    status, body = await raw.post(
        EMBED,
        {
            "requests": [
                _req("the cat sat on the mat"),
                _req("a cat sat on a mat"),
                _req("quarterly revenue grew strongly"),
            ]
        },
    )
    assert status == 200
    x, y, z = (e["values"] for e in body["embeddings"])
    dot = lambda p, q: sum(i * j for i, j in zip(p, q, strict=True))  # noqa: E731
    assert dot(x, y) > dot(x, z)


async def test_output_dimensionality_is_honoured_and_bounded(raw: Raw) -> None:
    """outputDimensionality sets the size; beyond the model's size is 400."""
    status, body = await raw.post(EMBED, {"requests": [_req("x", outputDimensionality=64)]})
    assert status == 200
    assert len(body["embeddings"][0]["values"]) == 64
    status, body = await raw.post(EMBED, {"requests": [_req("x", outputDimensionality=5000)]})
    assert status == 400
    assert "output_dimensionality" in body["error"]["message"]


async def test_embed_content_single_and_text_embedding_004(raw: Raw) -> None:
    """embedContent returns one embedding; text-embedding-004 defaults to 768 dims."""
    status, body = await raw.post(
        "v1beta/models/text-embedding-004:embedContent", {"content": user("hello")}
    )
    assert status == 200
    assert len(body["embedding"]["values"]) == 768


async def test_batch_embed_validation(raw: Raw) -> None:
    """Empty batches, >100 requests and a mismatched model are 400."""
    status, _ = await raw.post(EMBED, {"requests": []})
    assert status == 400
    status, _ = await raw.post(EMBED, {"requests": [_req(str(i)) for i in range(101)]})
    assert status == 400
    status, body = await raw.post(
        EMBED, {"requests": [{"model": "models/text-embedding-004", "content": user("x")}]}
    )
    assert status == 400
    assert "must match" in body["error"]["message"]


async def test_models_list_pages_through_the_catalogue(raw: Raw) -> None:
    """pageSize/pageToken walk the whole catalogue without repeats."""
    names: list[str] = []
    token = None
    pages = 0
    while True:
        params = {"pageSize": "4"} | ({"pageToken": token} if token else {})
        status, body = await raw.get("v1beta/models", params=params)
        assert status == 200
        assert len(body["models"]) <= 4
        names += [m["name"] for m in body["models"]]
        pages += 1
        token = body.get("nextPageToken")
        if not token:
            break
    assert pages >= 4
    assert len(names) == len(set(names))
    for expected in (
        "models/gemini-2.5-flash",
        "models/gemini-2.5-pro",
        "models/gemini-2.0-flash",
        "models/gemini-embedding-001",
        "models/text-embedding-004",
        "models/veo-3.0-generate-001",
        "models/imagen-4.0-generate-001",
    ):
        assert expected in names


async def test_bad_page_token_and_size(raw: Raw) -> None:
    """A forged page token or a non-numeric page size is 400."""
    status, body = await raw.get("v1beta/models", params={"pageToken": "garbage!"})
    assert status == 400
    assert "page token" in body["error"]["message"]
    status, _ = await raw.get("v1beta/models", params={"pageSize": "many"})
    assert status == 400


async def test_models_get_and_supported_methods(raw: Raw) -> None:
    """models.get returns the Model resource; an unknown one is 404."""
    status, body = await raw.get("v1beta/models/gemini-embedding-001")
    assert status == 200
    assert "embedContent" in body["supportedGenerationMethods"]
    assert body["inputTokenLimit"] == 2048
    status, _ = await raw.get("v1beta/models/nope")
    assert status == 404


async def test_tuned_models_get_list_update_delete(raw: Raw) -> None:
    """Tuned models can be listed, read, patched (with or without updateMask) and deleted."""
    name = "v1beta/tunedModels/emulated-tuned-model"
    status, body = await raw.get("v1beta/tunedModels")
    assert [m["name"] for m in body["tunedModels"]] == ["tunedModels/emulated-tuned-model"]
    status, body = await raw.call("PATCH", name, {"displayName": "Renamed", "description": "d"})
    assert status == 200
    assert body["displayName"] == "Renamed"
    assert body["description"] == "d"
    status, body = await raw.call(
        "PATCH",
        name,
        {"display_name": "Only desc", "description": "new"},
        params={"updateMask": "description"},
    )
    assert body["displayName"] == "Renamed"
    assert body["description"] == "new"
    status, body = await raw.call("PATCH", name, {"state": "FAILED"})
    assert (status, body["state"]) == (200, "ACTIVE")  # output-only: ignored, never applied
    status, body = await raw.call("PATCH", name, {}, params={"updateMask": "state"})
    assert status == 400
    status, body = await raw.call("DELETE", name)
    assert status == 200
    assert body == {}
    status, _ = await raw.get(name)
    assert status == 404
    status, body = await raw.get("v1beta/tunedModels")
    assert body == {}
