"""Long-running operations: the generic :class:`Operation` and :class:`GenerateVideosOperation`.

An operation is ``{name, metadata, done, error, response}`` on the wire. Subclasses give
``response`` a type and say how the backend's response object maps onto it by overriding
:meth:`Operation._convert_response`; later issues add batches, tunings and file-search
imports the same way.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import msgspec

from ._base import _Wire, decode_base64, decode_json
from ._construct import construct_unchecked
from ._media import GeneratedVideo, GenerateVideosResponse, Video

__all__ = [
    "GenerateVideosOperation",
    "Operation",
    "OperationError",
]


class OperationError(_Wire, kw_only=True):
    """The ``error`` of a failed operation (a ``google.rpc.Status``)."""

    code: int | None = None
    message: str | None = None
    details: list[Any] | None = None


class _RawOperation(msgspec.Struct, kw_only=True):
    name: str | None = None
    metadata: dict[str, Any] | None = None
    done: bool | None = None
    error: dict[str, Any] | None = None
    response: dict[str, Any] | None = None


class Operation(_Wire, kw_only=True):
    """A long-running operation.

    Attributes:
        name: Server-assigned name, ending in ``operations/{id}``; enough to resume polling.
        metadata: Service-specific progress metadata.
        done: ``True`` once the operation finished; then ``error`` or ``response`` is set.
        error: The failure as ``{code, message, details}`` (a dict, as in google-genai).
        response: The raw result object (typed by subclasses).
    """

    name: str | None = None
    metadata: dict[str, Any] | None = None
    done: bool | None = None
    error: dict[str, Any] | None = None
    response: Any = None

    kind: ClassVar[str] = "operation"

    @classmethod
    def from_api_response(cls, api_response: Any, is_vertex_ai: bool = False) -> Self:
        """Build the operation from a decoded JSON dict or raw JSON bytes.

        Args:
            api_response: The operation as returned by the API (``dict``, ``bytes`` or ``str``).
            is_vertex_ai: Whether the response came from the Vertex AI backend.

        Raises:
            ValueError: The input is not an operation object.
        """
        try:
            if isinstance(api_response, (bytes, bytearray, memoryview, str)):
                raw = decode_json(
                    bytes(api_response) if not isinstance(api_response, str) else api_response,
                    _RawOperation,
                )
            else:
                raw = msgspec.convert(api_response, _RawOperation)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise ValueError(f"not a valid {cls.kind}: {exc}") from None
        return cls._build(raw, is_vertex_ai)

    @classmethod
    def _build(cls, raw: _RawOperation, is_vertex_ai: bool) -> Self:
        response = None
        if raw.response is not None:
            response = cls._convert_response(raw.response, is_vertex_ai)
        # Decoded values have their fields' types already: no checked construction (as
        # decoding a wire struct skips it), which a watched poll would pay on every snapshot.
        op: Self = construct_unchecked(
            cls,
            name=raw.name,
            metadata=raw.metadata,
            done=raw.done,
            error=raw.error,
            response=response,
        )
        return op

    @classmethod
    def _convert_response(cls, response: dict[str, Any], is_vertex_ai: bool) -> Any:
        """Map the backend's ``response`` object to this operation's result type."""
        del is_vertex_ai
        return response

    @property
    def error_info(self) -> OperationError | None:
        """The ``error`` as a typed :class:`OperationError`, or ``None``."""
        if self.error is None:
            return None
        return msgspec.convert(self.error, OperationError)


def _video(raw: Any, is_vertex_ai: bool) -> Video | None:
    if not isinstance(raw, dict):
        return None
    if is_vertex_ai:
        uri, data, mime = raw.get("gcsUri"), raw.get("bytesBase64Encoded"), raw.get("mimeType")
    else:
        uri, data, mime = raw.get("uri"), raw.get("encodedVideo"), raw.get("encoding")
    return Video(
        uri=uri,
        video_bytes=decode_base64(data) if isinstance(data, str) else None,
        mime_type=mime,
    )


class GenerateVideosOperation(Operation, kw_only=True):
    """A ``generate_videos`` operation; ``response`` and ``result`` hold the same videos."""

    response: GenerateVideosResponse | None = None
    result: GenerateVideosResponse | None = None

    kind: ClassVar[str] = "generate_videos operation"

    @classmethod
    def _build(cls, raw: _RawOperation, is_vertex_ai: bool) -> Self:
        op = super()._build(raw, is_vertex_ai)
        op.result = op.response
        return op

    @classmethod
    def _convert_response(
        cls, response: dict[str, Any], is_vertex_ai: bool
    ) -> GenerateVideosResponse | None:
        if is_vertex_ai:
            body = response
            samples = body.get("videos")
        else:
            inner = response.get("generateVideoResponse")
            if not isinstance(inner, dict):
                return None
            body = inner
            samples = body.get("generatedSamples")
        videos = None
        if isinstance(samples, list):
            if is_vertex_ai:
                videos = [GeneratedVideo(video=_video(s, True)) for s in samples]
            else:
                videos = [
                    GeneratedVideo(video=_video(s.get("video"), False))
                    for s in samples
                    if isinstance(s, dict)
                ]
        count = body.get("raiMediaFilteredCount")
        reasons = body.get("raiMediaFilteredReasons")
        return GenerateVideosResponse(
            generated_videos=videos,
            rai_media_filtered_count=count if isinstance(count, int) else None,
            rai_media_filtered_reasons=reasons if isinstance(reasons, list) else None,
        )
