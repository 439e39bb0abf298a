"""``generateContent``, ``streamGenerateContent`` and ``countTokens`` (models and tuned models)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import web

from ._brain import generate_content, prompt_tokens, split_for_stream
from ._errors import ApiError, bad_request
from ._tokens import count_content

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["register"]

_ENCODE = msgspec.json.encode


def _model_name(call: Call) -> str:
    return f"{call.segments[0]}/{call.segments[1]}"


async def generate(call: Call) -> dict[str, Any]:
    """``POST {model}:generateContent``."""
    model = call.state.model(_model_name(call), "generateContent", call.version)
    request = call.body_as("GenerateContentRequest")
    result = generate_content(
        request,
        model,
        seed=call.state.settings.seed,
        response_id=call.state.next_response_id(),
    )
    return result.response()


async def stream(call: Call) -> web.StreamResponse:
    """``POST {model}:streamGenerateContent``: SSE with ``alt=sse``, else a streamed JSON array.

    Faults ``stream_cut_after``, ``stream_error_after`` and ``stream_event_delay`` of the model
    apply here. A cut stream drops the TCP connection without the terminating chunk; an errored
    stream sends an ``{"error": ...}`` event and ends normally.
    """
    name = _model_name(call)
    model = call.state.model(name, "generateContent", call.version)
    request = call.body_as("GenerateContentRequest")
    result = generate_content(
        request,
        model,
        seed=call.state.settings.seed,
        response_id=call.state.next_response_id(),
    )
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
    if "generateContentRequest" in body:
        total = prompt_tokens(body["generateContentRequest"])
    elif "contents" in body:
        total = sum(count_content(c) for c in body["contents"])
    else:
        raise bad_request("* CountTokensRequest.contents: contents is not specified\n", "contents")
    return {
        "totalTokens": total,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
    }


def register(router: Router) -> None:
    """Add the generation routes."""
    for collection in ("models/*", "tunedModels/*"):
        router.add("POST", collection, "generateContent", generate)
        router.add("POST", collection, "streamGenerateContent", stream)
        router.add("POST", collection, "countTokens", count_tokens)
