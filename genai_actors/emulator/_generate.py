"""``generateContent``, ``streamGenerateContent`` and ``countTokens`` (models and tuned models).

:func:`answer` is the one path every generation takes (online calls and batch items): it resolves
``cachedContent`` (the cached contents become a prefix of the prompt), checks that referenced
files are ACTIVE, runs the deterministic brain and grounds the answer in file-search stores when
the request carries a ``fileSearch`` tool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import web

from ._brain import Generation, generate_content, prompt_tokens, split_for_stream
from ._errors import ApiError, bad_request
from ._tokens import count_content

if TYPE_CHECKING:
    from ._router import Call, Router
    from ._state import EmulatorState

__all__ = ["answer", "register"]

_ENCODE = msgspec.json.encode


def _model_name(call: Call) -> str:
    return f"{call.segments[0]}/{call.segments[1]}"


def answer(
    state: EmulatorState, model_name: str, request: dict[str, Any], version: str
) -> Generation:
    """Answer a validated GenerateContentRequest for ``model_name``.

    Raises:
        ApiError: 404 for an unknown model; 403 for an unknown or expired cache or file; 400 for
            a request the real API rejects (including files not ACTIVE and bad fileSearch tools).
    """
    model = state.model(model_name, "generateContent", version)
    request, cached = state.caches.apply(request, model_name)
    state.files.check_uris(request.get("contents", ()))
    retrieval = state.file_search.retrieve(request)
    result = generate_content(
        request,
        model,
        seed=state.settings.seed,
        response_id=state.next_response_id(),
    )
    result.cached_tokens = cached
    if retrieval is not None:
        state.file_search.ground(result, retrieval)
    return result


async def generate(call: Call) -> dict[str, Any]:
    """``POST {model}:generateContent``."""
    request = call.body_as("GenerateContentRequest")
    return answer(call.state, _model_name(call), request, call.version).response()


async def stream(
    call: Call, decorate: Callable[[dict[str, Any]], None] | None = None
) -> web.StreamResponse:
    """``POST {model}:streamGenerateContent``: SSE with ``alt=sse``, else a streamed JSON array.

    ``decorate`` (Vertex AI's fields) is applied to each event before it is sent.

    Faults ``stream_cut_after``, ``stream_error_after`` and ``stream_event_delay`` of the model
    apply here. A cut stream drops the TCP connection without the terminating chunk; an errored
    stream sends an ``{"error": ...}`` event and ends normally.
    """
    name = _model_name(call)
    request = call.body_as("GenerateContentRequest")
    result = answer(call.state, name, request, call.version)
    events = split_for_stream(result, call.state.settings.chunk_words)
    faults = call.state.faults.config_for(name)
    sse = call.query.get("alt") == "sse"
    response = web.StreamResponse(
        status=200,
        headers={
            "Content-Type": "text/event-stream" if sse else "application/json; charset=UTF-8",
            "Cache-Control": "no-cache",
        },
    )
    await response.prepare(call.request)
    cut = faults.stream_cut_after
    delay = faults.stream_event_delay
    fail_at = faults.stream_error_after
    for index, event in enumerate(events):
        if cut is not None and index >= cut:
            break
        if fail_at is not None and index >= fail_at:
            event = ApiError(faults.stream_error_status).to_json()
        if delay and index:
            await asyncio.sleep(delay)
        if decorate is not None:
            decorate(event)
        body = _ENCODE(event)
        if sse:
            await response.write(b"data: " + body + b"\r\n\r\n")
        else:
            await response.write((b"[" if index == 0 else b"\n,\r\n") + body)
        if fail_at is not None and index >= fail_at:
            break
    if cut is not None:
        _drop_connection(call.request)
        return response
    if not sse:
        await response.write(b"]")
    await response.write_eof()
    return response


def _drop_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.abort()


async def count_tokens(call: Call) -> dict[str, Any]:
    """``POST {model}:countTokens`` with ``contents`` or a whole ``generateContentRequest``."""
    call.state.model(_model_name(call), "countTokens", call.version)
    body = call.body_as("CountTokensRequest")
    if "contents" in body and "generateContentRequest" in body:
        raise bad_request(
            "* CountTokensRequest: only one of contents and generate_content_request may be set\n",
            "contents",
        )
    cached = 0
    if "generateContentRequest" in body:
        inner, cached = call.state.caches.apply(body["generateContentRequest"], _model_name(call))
        total = prompt_tokens(inner)
    elif "contents" in body:
        total = sum(count_content(c) for c in body["contents"])
    else:
        raise bad_request("* CountTokensRequest.contents: contents is not specified\n", "contents")
    out: dict[str, Any] = {
        "totalTokens": total,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
    }
    if cached:
        out["cachedContentTokenCount"] = cached
        out["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": cached}]
    return out


def register(router: Router) -> None:
    """Add the generation routes."""
    for collection in ("models/*", "tunedModels/*"):
        router.add("POST", collection, "generateContent", generate)
        router.add("POST", collection, "streamGenerateContent", stream)
        router.add("POST", collection, "countTokens", count_tokens)
