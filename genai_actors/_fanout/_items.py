"""What one fan-out input becomes: a :class:`Job` (its index, key, model, path and JSON body).

Inputs, for every method:

* a Batch API file line, ``{"key": ..., "request": {...}}``: the request is the method's
  request object as JSON (``GenerateContentRequest``, ``EmbedContentRequest`` or
  ``CountTokensRequest``; camelCase or snake_case), sent as it is; a ``model`` inside it wins
  over ``fanout(model=)``;
* a plain string: the prompt (or the text to embed or count);
* for ``generate_content`` and ``count_tokens``, ``{"contents": ..., "config": ..., "key": ...}``
  or an :class:`~genai_actors.types.InlinedRequest` (its ``metadata["key"]`` is the key),
  built and checked exactly as ``client.models.generate_content`` builds its request; anything
  else ``contents=`` takes (a Content, a list of parts) is the contents.

An input that cannot be built becomes a job that carries its error: it is reported as a failed
result of its own and the fan-out goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from .._transformers import (
    count_tokens_request,
    embed_content_request,
    generate_content_request,
    t_model,
)
from ..errors import InvalidRequestError
from ..types._batches import InlinedRequest
from ._result import Method

__all__ = ["Job", "make_job", "parse_line"]

_VERBS = {
    "generate_content": ":generateContent",
    "embed_content": ":batchEmbedContents",
    "count_tokens": ":countTokens",
}
_encode = msgspec.json.encode
_LINE = msgspec.json.Decoder()


class Job:
    """One input, ready to send.

    Attributes:
        index: Its position in the input.
        key: Its key (``str(index)`` when it has none).
        model: The model name as given (``gemini-2.5-flash``) for rate limits.
        path: ``models/{model}:generateContent`` (or ``:batchEmbedContents``, ``:countTokens``).
        body: The JSON body (for embeddings: one ``requests[]`` entry); ``None`` if ``error``.
        error: Why the input could not be built, or ``None``.
    """

    __slots__ = ("body", "error", "index", "key", "model", "path")

    def __init__(
        self,
        index: int,
        key: str,
        model: str,
        path: str,
        body: bytes | None,
        error: InvalidRequestError | None = None,
    ) -> None:
        self.index = index
        self.key = key
        self.model = model
        self.path = path
        self.body = body
        self.error = error


def parse_line(line: bytes | str, number: int) -> dict[str, Any]:
    """One JSONL input line as a dict (``{"key": ..., "request": {...}}``).

    Raises:
        InvalidRequestError: The line is not a JSON object with a ``request`` object (the
            message names the line by its 1-based ``number``).
    """
    try:
        data = _LINE.decode(line)
    except msgspec.DecodeError as exc:
        raise InvalidRequestError(f"line {number}", f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise InvalidRequestError(f"line {number}", "expected a JSON object")
    if not isinstance(data.get("request"), dict):
        raise InvalidRequestError(
            f"line {number}", 'expected {"key": ..., "request": {...}} (no "request" object)'
        )
    key = data.get("key")
    if key is not None and not isinstance(key, str | int):
        raise InvalidRequestError(f"line {number}", "the key must be a string")
    return data


def _key_of(item: Any, index: int) -> str:
    key: Any = None
    if isinstance(item, Mapping):
        key = item.get("key")
        if key is None:
            metadata = item.get("metadata")
            if isinstance(metadata, Mapping):
                key = metadata.get("key")
    elif isinstance(item, InlinedRequest) and item.metadata:
        key = item.metadata.get("key")
    return str(index) if key is None else str(key)


def _text(text: str) -> dict[str, Any]:
    return {"parts": [{"text": text}], "role": "user"}


_PATHS: dict[tuple[str, str], str] = {}


def _path(model: str, method: Method) -> str:
    """``models/{model}:{verb}``, checked once per model (raises as ``t_model``)."""
    key = (model, method)
    path = _PATHS.get(key)
    if path is None:
        path = t_model(model) + _VERBS[method]
        if len(_PATHS) >= 256:
            _PATHS.clear()
        _PATHS[key] = path
    return path


def make_job(item: Any, index: int, method: Method, model: str | None) -> Job:
    """The job for input ``item`` at ``index`` (never raises: a bad input carries its error)."""
    if type(item) is dict and method != "embed_content":
        # The common input, a Batch API line as a plain dict: no ABC checks. Anything this
        # path cannot take goes the general way, which also says what is wrong with it.
        request = item.get("request")
        key = item.get("key")
        if type(request) is dict and key is not None:
            name = request.get("model") or model
            if name:
                name = str(name)
                if "model" in request:
                    request = {k: v for k, v in request.items() if k != "model"}
                try:
                    return Job(index, str(key), name, _path(name, method), _encode(request))
                except (InvalidRequestError, TypeError, ValueError, msgspec.EncodeError):
                    pass
    key = _key_of(item, index)
    try:
        return _build(item, index, key, method, model)
    except InvalidRequestError as exc:
        return Job(index, key, model or "", "", None, exc)
    except (TypeError, ValueError, msgspec.EncodeError) as exc:
        return Job(index, key, model or "", "", None, InvalidRequestError("", str(exc)))


def _build(item: Any, index: int, key: str, method: Method, default: str | None) -> Job:
    request: Any = None
    if isinstance(item, Mapping) and "request" in item:
        request = item["request"]
        if not isinstance(request, Mapping):
            raise InvalidRequestError("request", "expected a JSON object")
        model = request.get("model") or default
    else:
        model = item.model if isinstance(item, InlinedRequest) and item.model else default
    if not model:
        raise InvalidRequestError("model", "no model: pass fanout(model=...) or put one in it")
    model = str(model)
    path = _path(model, method)
    if method == "embed_content":
        if request is None:
            if isinstance(item, str):
                request = {"content": {"parts": [{"text": item}]}}
            else:
                built = embed_content_request(model, item)
                entries = (built.payload or {}).get("requests") or []
                if len(entries) != 1:
                    raise InvalidRequestError("contents", "one input is one text or Content")
                request = entries[0]
        request = {**request, "model": t_model(model)}
        return Job(index, key, model, path, _encode(request))
    if request is not None:
        if "model" in request:
            request = {k: v for k, v in request.items() if k != "model"}
        return Job(index, key, model, path, _encode(request))
    if isinstance(item, str):
        return Job(index, key, model, path, _encode({"contents": [_text(item)]}))
    if isinstance(item, InlinedRequest):
        contents, config = item.contents, item.config
    elif isinstance(item, Mapping) and "contents" in item:
        contents, config = item["contents"], item.get("config")
    else:
        contents, config = item, None
    if method == "count_tokens":
        built = count_tokens_request(model, contents, config)
    else:
        built = generate_content_request(model, contents, config)
        if built.config is not None and getattr(built.config, "http_options", None):
            raise InvalidRequestError("config.http_options", "not allowed in a fan-out input")
    return Job(index, key, model, built.path, built.body)
