"""Vertex AI generation: ``generateContent``, ``streamGenerateContent``, ``countTokens``,
``computeTokens``, ``embedContent`` and ``batchEmbedContents`` on publisher models and on the
endpoints of tuned models.

Generation is the Developer API's (``_generate``) under the publisher model's ``models/{id}``
name, so answers, streaming faults and token counts are the same on both APIs; only the names
(``cachedContent``), the request messages (Vertex AI's extra fields) and the counting rules
differ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import _generate
from ._brain import prompt_tokens
from ._embed import embed_request
from ._errors import bad_request
from ._timeutil import rfc3339
from ._tokens import count_content, tokens_info
from ._vertex import VertexCall, model_info, model_not_found, publisher_model

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["register", "target_model"]

_MAX_BATCH = 250
_IGNORED_OPTIONS = frozenset(
    {"autoTruncate", "auto_truncate", "documentOcr", "document_ocr", "audioTrackExtraction"}
)


def target_model(call: VertexCall, method: str) -> str:
    """``models/{id}`` for a publisher model, or the base model of a tuned model's endpoint.

    Raises:
        ApiError: 404 for an unknown model or endpoint.
    """
    if call.segments[0] == "endpoints":
        base = call.state.vertex.endpoint_base(call.segments[1])
        if base is None or method not in model_info(call, base).methods:
            raise model_not_found(call)
        return base
    return publisher_model(call, method)


def _with_cache_name(call: VertexCall) -> dict[str, Any]:
    body = call.raw_json()
    cached = body.get("cachedContent") if isinstance(body, dict) else None
    if isinstance(cached, str) and "/cachedContents/" in cached:
        body = {**body, "cachedContent": "cachedContents/" + cached.rpartition("/")[2]}
    return body if isinstance(body, dict) else {}


def _vertex_fields(call: VertexCall) -> Callable[[dict[str, Any]], None]:
    """What Vertex AI adds to each GenerateContentResponse: ``createTime`` and the usage's
    ``trafficType``."""
    created = rfc3339(call.state.now())

    def decorate(response: dict[str, Any]) -> None:
        response["createTime"] = created
        usage = response.get("usageMetadata")
        if usage is not None:
            usage["trafficType"] = "ON_DEMAND"

    return decorate


async def generate(call: Call) -> Any:
    """``POST {model}:generateContent``."""
    assert isinstance(call, VertexCall)
    name = target_model(call, "generateContent")
    response = await _generate.generate(call.delegate(name, _with_cache_name(call)))
    _vertex_fields(call)(response)
    return response


async def stream(call: Call) -> web.StreamResponse:
    """``POST {model}:streamGenerateContent[?alt=sse]``."""
    assert isinstance(call, VertexCall)
    name = target_model(call, "generateContent")
    delegate = call.delegate(name, _with_cache_name(call))
    return await _generate.stream(delegate, _vertex_fields(call))


async def count_tokens(call: Call) -> dict[str, Any]:
    """``POST {model}:countTokens`` with ``contents`` and, as Vertex AI accepts, the
    ``systemInstruction``, ``tools`` and ``generationConfig`` of the request to count."""
    assert isinstance(call, VertexCall)
    target_model(call, "countTokens")
    body = call.body_as("CountTokensRequest")
    if "generateContentRequest" in body:
        body = {**body.pop("generateContentRequest"), **body}
    if not body.get("contents"):
        raise bad_request("* CountTokensRequest.contents: contents is not specified\n", "contents")
    total = prompt_tokens(body)
    characters = sum(
        len(part.get("text", "").replace(" ", ""))
        for content in (*body["contents"], body.get("systemInstruction") or {})
        for part in content.get("parts", ())
    )
    return {
        "totalTokens": total,
        "totalBillableCharacters": characters,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
    }


async def compute_tokens(call: Call) -> dict[str, Any]:
    """``POST {model}:computeTokens`` ``{contents}`` -> ``{tokensInfo: [{tokenIds, tokens,
    role}]}``, the same tokens ``countTokens`` counts for text."""
    assert isinstance(call, VertexCall)
    target_model(call, "countTokens")
    return {"tokensInfo": tokens_info(call.raw_json())}


def _embed_one(call: VertexCall, name: str, request: Any, where: str) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise bad_request(f"* {where}: must be an object\n")
    config = request.get("embedContentConfig") or {}
    if not isinstance(config, dict):
        raise bad_request(f"* {where}.embed_content_config: must be an object\n")
    # Options the emulator's text embeddings have no use for (no truncation happens).
    kept = {k: v for k, v in config.items() if k not in _IGNORED_OPTIONS}
    inner = {"content": request.get("content"), **kept}
    parsed = call.delegate(name, inner).body_as("EmbedContentRequest")
    return embed_request(model_info(call, name), parsed, where)


def _embed_model(call: VertexCall) -> str:
    return target_model(call, "embedContent")


async def embed_content(call: Call) -> dict[str, Any]:
    """``POST {model}:embedContent`` ``{content, embedContentConfig}`` (one content) ->
    ``{embedding, usageMetadata, truncated}``."""
    assert isinstance(call, VertexCall)
    name = _embed_model(call)
    body = call.raw_json()
    embedding = _embed_one(call, name, body, "EmbedContentRequest")
    tokens = count_content(body.get("content") or {})
    return {
        "embedding": embedding,
        "usageMetadata": {"promptTokenCount": tokens, "totalTokenCount": tokens},
        "truncated": False,
    }


async def batch_embed_contents(call: Call) -> dict[str, Any]:
    """``POST {model}:batchEmbedContents`` ``{requests: [{content, embedContentConfig}]}`` ->
    ``{embeddings: [{values}]}``."""
    assert isinstance(call, VertexCall)
    name = _embed_model(call)
    body = call.raw_json()
    requests = body.get("requests") if isinstance(body, dict) else None
    if not requests or not isinstance(requests, list):
        raise bad_request(
            "* BatchEmbedContentsRequest.requests: requests is not specified\n", "requests"
        )
    if len(requests) > _MAX_BATCH:
        raise bad_request(
            f"* BatchEmbedContentsRequest.requests: at most {_MAX_BATCH} requests can be in "
            "one batch\n",
            "requests",
        )
    return {
        "embeddings": [
            _embed_one(call, name, r, f"BatchEmbedContentsRequest.requests[{i}]")
            for i, r in enumerate(requests)
        ]
    }


def register(router: Router) -> None:
    """Add the Vertex AI generation routes."""
    for shape in ("publishers/*/models/*", "endpoints/*"):
        router.add("POST", shape, "generateContent", generate)
        router.add("POST", shape, "streamGenerateContent", stream)
        router.add("POST", shape, "countTokens", count_tokens)
        router.add("POST", shape, "computeTokens", compute_tokens)
    router.add("POST", "publishers/*/models/*", "embedContent", embed_content)
    router.add("POST", "publishers/*/models/*", "batchEmbedContents", batch_embed_contents)
