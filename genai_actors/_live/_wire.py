"""Live client messages to JSON bytes, and server messages from JSON.

Client messages take google-genai's form for the Gemini Developer API: snake_case top-level
keys (``client_content``, ``realtime_input``, ``tool_response``) around camelCase bodies.
Server messages decode into :class:`~genai_actors.types.LiveServerMessage` leniently (unknown
fields ignored, int64 strings read as ints). The session's reader only peeks at a frame
(:func:`peek_server_message`: what it acts on, the rest skipped) and the code reading the
session decodes it, so a decoded message lives only as long as its reader keeps it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .._transformers import InvalidRequestError, t_content, t_contents, t_tools
from ..types._base import dec_hook, encode_json, to_builtins
from ..types._content import Blob, FunctionResponse
from ..types._live import (
    LiveServerGoAway,
    LiveServerMessage,
    LiveServerSessionResumptionUpdate,
)

__all__ = [
    "client_content",
    "context_update",
    "decode_server_message",
    "decode_vertex_server_message",
    "is_turn_end",
    "peek_server_message",
    "realtime_input",
    "tool_response",
]

_DECODER = msgspec.json.Decoder(LiveServerMessage, dec_hook=dec_hook, strict=False)
_NONE = msgspec.Raw(b"")


class PeekedContent(msgspec.Struct, rename="camel", gc=False):
    """What the reader needs of ``serverContent`` (whether an answer runs). Not tracked by
    the garbage collector (no cycles: bools and raw bytes), like :class:`Peeked`."""

    turn_complete: bool | None = None
    interrupted: bool | None = None
    model_turn: msgspec.Raw = _NONE  # empty when absent


class Peeked(msgspec.Struct, rename="camel", gc=False):
    """What the session's reader acts on in a server frame (Live or Live Music)."""

    setup_complete: msgspec.Raw = _NONE  # empty when absent
    server_content: PeekedContent | None = None
    go_away: LiveServerGoAway | None = None
    session_resumption_update: LiveServerSessionResumptionUpdate | None = None


_PEEK = msgspec.json.Decoder(Peeked, dec_hook=dec_hook, strict=False)


def peek_server_message(data: bytes | str) -> Peeked:
    """The fields of a server frame the session's reader acts on (the rest is skipped).

    Raises:
        msgspec.DecodeError / msgspec.ValidationError: Not JSON, or those fields malformed.
    """
    return _PEEK.decode(data)


def decode_server_message(data: bytes | str) -> LiveServerMessage:
    """One server frame as a message.

    Raises:
        msgspec.DecodeError / msgspec.ValidationError: Not JSON, or not a message's shape.
    """
    return _DECODER.decode(data)


_VERTEX_USAGE = {
    "candidatesTokenCount": "responseTokenCount",
    "candidatesTokensDetails": "responseTokensDetails",
}


def decode_vertex_server_message(data: bytes | str) -> LiveServerMessage:
    """One Vertex AI server frame as a message: its ``usageMetadata`` counts the answer as
    ``candidatesTokenCount``/``candidatesTokensDetails``, read as ``response_token_count``/
    ``response_tokens_details`` (as google-genai does); other frames decode as the Developer
    API's.

    Raises:
        msgspec.DecodeError / msgspec.ValidationError: Not JSON, or not a message's shape.
    """
    message = _DECODER.decode(data)
    usage = message.usage_metadata
    if usage is None or usage.response_token_count is not None:
        return message  # not a usage frame (the common case), or Developer API names
    raw = msgspec.json.decode(data)
    counts = raw.get("usageMetadata")
    if not isinstance(counts, dict) or not counts.keys() & _VERTEX_USAGE.keys():
        return message
    raw["usageMetadata"] = {_VERTEX_USAGE.get(k, k): v for k, v in counts.items()}
    return msgspec.convert(raw, LiveServerMessage, dec_hook=dec_hook, strict=False)


def is_turn_end(message: LiveServerMessage) -> bool:
    """Whether ``message`` ends a turn (google-genai's rule for ``receive()``): an
    ``interaction_status`` other than unspecified decides (``IDLE``), else ``turn_complete``."""
    content = message.server_content
    if content is None:
        return False
    status = content.interaction_status
    if status is not None and status != "INTERACTION_STATUS_UNSPECIFIED":
        return status == "IDLE"
    return bool(content.turn_complete)


def client_content(turns: Any, turn_complete: bool) -> bytes:
    """``{"client_content": {"turns": [...], "turnComplete": ...}}``.

    Raises:
        InvalidRequestError: ``turns`` cannot be read as contents.
    """
    body: dict[str, Any] = {}
    if turns is not None:
        body["turns"] = [to_builtins(c) for c in t_contents(turns, "turns")]
    body["turnComplete"] = bool(turn_complete)
    return encode_json({"client_content": body})


def context_update(system_instruction: Any, tools: Any) -> bytes:
    """``{"contextUpdate": {"systemInstruction": ..., "tools": {"tools": [...]}}}`` with the
    fields given (google-genai's form; ``tools=[]`` clears the tools).

    Raises:
        InvalidRequestError: Neither is given, or one cannot be read (a content, a tools list).
    """
    if system_instruction is None and tools is None:
        raise InvalidRequestError(
            "send_context_update", "at least one of system_instruction or tools must be set"
        )
    body: dict[str, Any] = {}
    if system_instruction is not None:
        body["systemInstruction"] = to_builtins(t_content(system_instruction, "system_instruction"))
    if tools is not None:
        body["tools"] = {"tools": [to_builtins(t) for t in t_tools(tools, "tools")]}
    return encode_json({"contextUpdate": body})


def _blob(value: Any, path: str, kind: str) -> dict[str, Any]:
    if isinstance(value, Blob):
        blob = value
    elif isinstance(value, dict):
        blob = msgspec.convert(
            {("mimeType" if k == "mime_type" else k): v for k, v in value.items()},
            Blob,
            dec_hook=dec_hook,
        )
    else:
        raise InvalidRequestError(path, f"expected a Blob or a dict, got {type(value).__name__}")
    if blob.data is None or not blob.mime_type:
        raise InvalidRequestError(path, "needs data and mime_type")
    if kind and not blob.mime_type.startswith(kind):
        raise InvalidRequestError(path, f"expected a {kind}* MIME type, got {blob.mime_type}")
    wire: dict[str, Any] = to_builtins(blob)
    return wire


def realtime_input(**fields: Any) -> tuple[bytes, bool]:
    """``{"realtime_input": {...}}`` from exactly one non-None field, and whether it is audio.

    Raises:
        InvalidRequestError: Not exactly one field, or a blob of the wrong kind.
    """
    given = {k: v for k, v in fields.items() if v is not None}
    if len(given) != 1:
        raise InvalidRequestError(
            "send_realtime_input", f"takes exactly one argument, got {sorted(given) or 'none'}"
        )
    ((name, value),) = given.items()
    body: dict[str, Any]
    if name == "media":
        items = value if isinstance(value, list) else [value]
        body = {"mediaChunks": [_blob(v, "media", "") for v in items]}
    elif name == "audio":
        body = {"audio": _blob(value, "audio", "audio/")}
    elif name == "video":
        body = {"video": _blob(value, "video", "image/")}
    elif name == "text":
        body = {"text": str(value)}
    elif name == "audio_stream_end":
        body = {"audioStreamEnd": bool(value)}
    elif name in ("activity_start", "activity_end"):
        marker = to_builtins(value) if not isinstance(value, dict) else value
        body = {"activityStart" if name == "activity_start" else "activityEnd": marker or {}}
    else:  # pragma: no cover - the session passes known names only
        raise InvalidRequestError(name, "unknown realtime input")
    return encode_json({"realtime_input": body}), name in ("audio", "media")


def tool_response(function_responses: Any, *, require_id: bool = True) -> bytes:
    """``{"tool_response": {"functionResponses": [...]}}``; with ``require_id`` (the Developer
    API; Vertex AI matches responses by name) each response needs its ``id``.

    Raises:
        InvalidRequestError: A response without ``id`` when one is required, or of an
            unsupported type.
    """
    items = function_responses if isinstance(function_responses, list) else [function_responses]
    if not items:
        raise InvalidRequestError("function_responses", "needs at least one FunctionResponse")
    out = []
    for index, item in enumerate(items):
        path = f"function_responses[{index}]"
        if isinstance(item, dict):
            item = msgspec.convert(
                {_camel(k): v for k, v in item.items()}, FunctionResponse, dec_hook=dec_hook
            )
        if not isinstance(item, FunctionResponse):
            raise InvalidRequestError(path, f"expected a FunctionResponse, got {type(item)}")
        if require_id and not item.id:
            raise InvalidRequestError(
                f"{path}.id", "is required: copy it from the tool call's function_calls[].id"
            )
        out.append(to_builtins(item))
    return encode_json({"tool_response": {"functionResponses": out}})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
