"""``FanoutResult``: one input's answer (or error), and its line in the Batch API's format."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from ..errors import APIError, GenAIError
from ..types._base import encode_json
from ..types._batches import SingleEmbedContentResponse
from ..types._models import CountTokensResponse
from ..types._response import GenerateContentResponse

__all__ = ["FanoutResult", "Method", "error_json"]

Method = Literal["generate_content", "embed_content", "count_tokens"]

_RESPONSE_TYPES: dict[str, type[Any]] = {
    "generate_content": GenerateContentResponse,
    "embed_content": SingleEmbedContentResponse,
    "count_tokens": CountTokensResponse,
}
_DECODERS: dict[str, msgspec.json.Decoder[Any]] = {}
_encode = msgspec.json.encode
_compact = msgspec.json.format


def _decoder(method: str) -> msgspec.json.Decoder[Any]:
    decoder = _DECODERS.get(method)
    if decoder is None:
        from ..types._base import dec_hook

        decoder = _DECODERS[method] = msgspec.json.Decoder(
            _RESPONSE_TYPES[method], strict=False, dec_hook=dec_hook
        )
    return decoder


def error_json(error: BaseException) -> dict[str, Any]:
    """The Batch API's ``error`` object (``code``, ``message``, ``status``) for ``error``."""
    if isinstance(error, APIError):
        message = error.message if error.message is not None else str(error)
        out: dict[str, Any] = {"code": error.code, "message": message}
        if error.status:
            out["status"] = error.status
        return out
    if isinstance(error, ValueError):  # a request refused before sending (InvalidRequestError)
        return {"code": 400, "message": str(error), "status": "INVALID_ARGUMENT"}
    return {"code": 14, "message": f"{type(error).__name__}: {error}", "status": "UNAVAILABLE"}


class FanoutResult:
    """The outcome of one input of :meth:`~genai_actors.AsyncClient.fanout`.

    Attributes:
        index: The input's position (0-based) in the request iterable.
        key: The input's key: its ``key`` field, else ``str(index)``.
        error: Why it failed, after its retries (an :class:`~genai_actors.errors.APIError`,
            a transport error, or ``InvalidRequestError`` for an input that could not be
            built); ``None`` when it succeeded.
        attempts: Requests sent for it (0: it failed before sending; with ``via="batch"``,
            the number of batches it was submitted in).
        raw: The answer's JSON bytes as the API sent them (``None`` on failure).
    """

    __slots__ = ("_response", "attempts", "error", "index", "key", "method", "raw")

    def __init__(
        self,
        index: int,
        key: str,
        method: Method,
        *,
        raw: bytes | None = None,
        error: GenAIError | ValueError | None = None,
        attempts: int = 1,
        response: Any = None,
    ) -> None:
        self.index = index
        self.key = key
        self.method = method
        self.raw = raw
        self.error = error
        self.attempts = attempts
        self._response = response

    @property
    def ok(self) -> bool:
        """True when the input was answered (``response`` is set)."""
        return self.error is None

    @property
    def response(self) -> Any:
        """The answer, decoded on first access: a ``GenerateContentResponse``, a
        ``SingleEmbedContentResponse`` (one embedding) or a ``CountTokensResponse``, by method;
        ``None`` on failure.

        Raises:
            UnknownApiResponseError: The answer's bytes do not decode as that type.
        """
        if self._response is None and self.raw is not None:
            try:
                self._response = _decoder(self.method).decode(self.raw)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                from ..errors import UnknownApiResponseError

                raise UnknownApiResponseError(
                    f"unexpected {self.method} response from the API: {exc}"
                ) from None
        return self._response

    def to_line(self) -> bytes:
        """The Batch API's result line for this input, newline included:
        ``{"key": ..., "response": {...}}`` or ``{"key": ..., "error": {...}}`` (compact JSON)."""
        key = _encode(self.key)
        if self.raw is not None:
            return b'{"key":' + key + b',"response":' + _compact(self.raw, indent=-1) + b"}\n"
        if self.error is None and self._response is not None:
            return b'{"key":' + key + b',"response":' + encode_json(self._response) + b"}\n"
        error = error_json(self.error) if self.error is not None else {"code": 2}
        return b'{"key":' + key + b',"error":' + _encode(error) + b"}\n"

    def __repr__(self) -> str:
        outcome = "ok" if self.error is None else f"error={self.error!r}"
        return (
            f"FanoutResult(index={self.index}, key={self.key!r}, {outcome}, "
            f"attempts={self.attempts})"
        )
