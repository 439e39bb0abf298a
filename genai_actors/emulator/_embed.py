"""Deterministic, unit-length text embeddings and the ``embedContent`` routes.

A vector is a bag of per-word hash vectors (so texts sharing words point in similar directions,
which makes retrieval demos behave sensibly) plus a smaller component hashed from the whole text
(so different texts never share a vector, even anagrams of one another).
"""

from __future__ import annotations

import hashlib
import math
import struct
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._catalog import ModelInfo
from ._errors import bad_request
from ._tokens import tokenize

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["embed", "embed_request", "register"]


@lru_cache(maxsize=8192)
def _hash_vector(token: str, dims: int) -> tuple[float, ...]:
    raw = hashlib.shake_256(token.encode()).digest(dims * 2)
    ints = struct.unpack(f"<{dims}h", raw)
    return tuple(v / 32768.0 for v in ints)


def embed(text: str, dims: int) -> list[float]:
    """Embed ``text`` into ``dims`` floats with Euclidean norm 1.

    Raises:
        ValueError: If ``dims`` is not positive.
    """
    if dims <= 0:
        raise ValueError("dims must be positive")
    acc = [0.0] * dims
    words = [w.lower() for w in tokenize(text) if w.isalnum()]
    for word in words:
        vec = _hash_vector(word, dims)
        acc = [a + b for a, b in zip(acc, vec, strict=True)]
    whole = _hash_vector("\x00" + text, dims)
    weight = 0.35 * max(1.0, math.sqrt(len(words)))
    acc = [a + weight * b for a, b in zip(acc, whole, strict=True)]
    norm = math.sqrt(sum(a * a for a in acc)) or 1.0
    return [a / norm for a in acc]


# -- routes -------------------------------------------------------------------------------------

_MAX_BATCH = 100


def _embed_one(call: Call, model: ModelInfo, request: dict[str, Any], where: str) -> dict[str, Any]:
    return embed_request(model, request, where)


def embed_request(model: ModelInfo, request: dict[str, Any], where: str) -> dict[str, Any]:
    """``{"values": [...]}`` for one validated EmbedContentRequest.

    Raises:
        ApiError: 400 for missing content, non-text parts or a bad output dimensionality.
    """
    content = request.get("content")
    if not content or not content.get("parts"):
        raise bad_request(f"* {where}.content: content is not specified\n", "content")
    texts = [p["text"] for p in content["parts"] if "text" in p]
    if len(texts) != len(content["parts"]):
        raise bad_request(
            f"* {where}.content.parts: only text parts can be embedded by {model.name}\n",
            "content.parts",
        )
    dims = request.get("outputDimensionality") or model.dims
    if not 1 <= dims <= model.dims:
        raise bad_request(
            f"* {where}.output_dimensionality: output_dimensionality must be in the range "
            f"[1, {model.dims}], got {dims}\n",
            "output_dimensionality",
        )
    text = " ".join(texts)
    title = request.get("title")
    if title:
        text = f"{title}\n{text}"
    return {"values": embed(text, dims)}


async def embed_content(call: Call) -> dict[str, Any]:
    """``POST {model}:embedContent``."""
    name = f"{call.segments[0]}/{call.segments[1]}"
    model = call.state.model(name, "embedContent", call.version)
    body = call.body_as("EmbedContentRequest")
    return {"embedding": _embed_one(call, model, body, "EmbedContentRequest")}


async def batch_embed_contents(call: Call) -> dict[str, Any]:
    """``POST {model}:batchEmbedContents`` (at most 100 requests, each naming the same model)."""
    name = f"{call.segments[0]}/{call.segments[1]}"
    model = call.state.model(name, "embedContent", call.version)
    body = call.body_as("BatchEmbedContentsRequest")
    requests = body.get("requests") or []
    if not requests:
        raise bad_request(
            "* BatchEmbedContentsRequest.requests: requests is not specified\n", "requests"
        )
    if len(requests) > _MAX_BATCH:
        raise bad_request(
            f"* BatchEmbedContentsRequest.requests: at most {_MAX_BATCH} requests can be in "
            "one batch\n",
            "requests",
        )
    out = []
    for i, request in enumerate(requests):
        inner = request.get("model", name)
        if inner != name:
            raise bad_request(
                f"* BatchEmbedContentsRequest.requests[{i}].model: the model ({inner}) must "
                f"match the model in the URL ({name})\n",
                f"requests[{i}].model",
            )
        out.append(_embed_one(call, model, request, f"BatchEmbedContentsRequest.requests[{i}]"))
    return {"embeddings": out}


def register(router: Router) -> None:
    """Add the embedding routes."""
    router.add("POST", "models/*", "embedContent", embed_content)
    router.add("POST", "models/*", "batchEmbedContents", batch_embed_contents)
