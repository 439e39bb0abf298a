"""Conversation content: :class:`Content`, :class:`Part` and the objects a part carries.

Generated from the wire reference; attribute names match google-genai's ``types``.
"""

from __future__ import annotations

import mimetypes
from typing import Annotated, Any

from ._base import Base64Bytes, _Wire, enum_of
from ._construct import register_flexible
from ._enums import (
    DocumentMetadataContentLayer,
    FunctionResponseScheduling,
    Language,
    MediaProcessing,
    Outcome,
    PartMediaResolutionLevel,
    SpreadsheetMetadataContentLayer,
    ToolType,
    VideoMetadataContentLayer,
)


class Content(_Wire, kw_only=True):
    """A turn of the conversation.

    Attributes:
        role: ``"user"`` or ``"model"``.
        parts: The parts of the turn, in order.
    """

    parts: list[Part] | None = None
    role: str | None = None


class Part(_Wire, kw_only=True):
    """One piece of a message: text, inline bytes, a file reference, a function call or
    response, code, or a thought. Set exactly one kind.

    Attributes:
        text: Plain text.
        thought: ``True`` when the part is a reasoning summary, not the answer.
        thought_signature: Opaque bytes the model returns; send them back unchanged.
        inline_data: Bytes with a MIME type (sent as URL-safe base64).
        file_data: A reference to an uploaded file or ``gs://`` / web URI.
        function_call: A call the model asks the client to run.
        function_response: The result of running a function, sent back to the model.
    """

    media_resolution: PartMediaResolution | None = None
    code_execution_result: CodeExecutionResult | None = None
    executable_code: ExecutableCode | None = None
    file_data: FileData | None = None
    function_call: FunctionCall | None = None
    function_response: FunctionResponse | None = None
    inline_data: Blob | None = None
    text: str | None = None
    thought: bool | None = None
    thought_signature: Base64Bytes | None = None
    video_metadata: VideoMetadata | None = None
    tool_call: ToolCall | None = None
    tool_response: ToolResponse | None = None
    part_metadata: dict[str, Any] | None = None
    audio_transcription: Transcription | None = None
    media_processing: Annotated[MediaProcessing, enum_of(MediaProcessing)] | None = None
    speech_metadata: SpeechMetadata | None = None
    document_metadata: DocumentMetadata | None = None
    spreadsheet_metadata: SpreadsheetMetadata | None = None
    audio_metadata: AudioMetadata | None = None

    @classmethod
    def from_text(cls, *, text: str) -> Part:
        """A text part."""
        return cls(text=text)

    @classmethod
    def from_bytes(
        cls, *, data: bytes, mime_type: str, media_resolution: str | None = None
    ) -> Part:
        """An inline-data part carrying ``data`` (sent as base64).

        Args:
            data: The raw bytes.
            mime_type: Their MIME type, e.g. ``image/png``.
            media_resolution: Optional ``PartMediaResolutionLevel`` for this part.
        """
        return cls(
            inline_data=Blob(data=data, mime_type=mime_type),
            media_resolution=_media_resolution(media_resolution),
        )

    @classmethod
    def from_uri(
        cls, *, file_uri: str, mime_type: str | None = None, media_resolution: str | None = None
    ) -> Part:
        """A file-data part referring to ``file_uri``.

        Args:
            file_uri: URI of an uploaded file, a ``gs://`` object or a web URL.
            mime_type: The file's MIME type; guessed from the URI when omitted.
            media_resolution: Optional ``PartMediaResolutionLevel`` for this part.

        Raises:
            ValueError: ``mime_type`` was omitted and cannot be guessed from the URI.
        """
        if mime_type is None:
            mime_type, _ = mimetypes.guess_type(file_uri)
            if not mime_type:
                raise ValueError(f"Failed to determine mime type for file: {file_uri}")
        return cls(
            file_data=FileData(file_uri=file_uri, mime_type=mime_type),
            media_resolution=_media_resolution(media_resolution),
        )

    @classmethod
    def from_function_call(cls, *, name: str, args: dict[str, Any]) -> Part:
        """A part carrying a function call."""
        return cls(function_call=FunctionCall(name=name, args=args))

    @classmethod
    def from_function_response(
        cls,
        *,
        name: str,
        response: dict[str, Any],
        parts: list[FunctionResponsePart] | None = None,
    ) -> Part:
        """A part carrying a function's result (``response``) for the function ``name``."""
        return cls(function_response=FunctionResponse(name=name, response=response, parts=parts))

    @classmethod
    def from_executable_code(cls, *, code: str, language: Language | str) -> Part:
        """A part carrying code the model generated (``language`` is a ``Language``)."""
        return cls(executable_code=ExecutableCode(code=code, language=Language(language)))

    @classmethod
    def from_code_execution_result(cls, *, outcome: Outcome | str, output: str) -> Part:
        """A part carrying the result of executing code (``outcome`` is an ``Outcome``)."""
        return cls(
            code_execution_result=CodeExecutionResult(outcome=Outcome(outcome), output=output)
        )


def _media_resolution(level: str | PartMediaResolution | None) -> PartMediaResolution | None:
    if level is None or isinstance(level, PartMediaResolution):
        return level
    return PartMediaResolution(level=PartMediaResolutionLevel(level))


class SpeechMetadata(_Wire, kw_only=True):
    """The ``SpeechMetadata`` wire object."""

    speaker: str | None = None
    style: str | None = None


class VideoMetadata(_Wire, kw_only=True):
    """The ``VideoMetadata`` wire object."""

    end_offset: str | None = None
    fps: float | None = None
    start_offset: str | None = None
    content_layers: (
        list[Annotated[VideoMetadataContentLayer, enum_of(VideoMetadataContentLayer)]] | None
    ) = None


class Blob(_Wire, kw_only=True):
    """The ``Blob`` wire object."""

    data: Base64Bytes | None = None
    display_name: str | None = None
    mime_type: str | None = None


class FileData(_Wire, kw_only=True):
    """The ``FileData`` wire object."""

    display_name: str | None = None
    file_uri: str | None = None
    mime_type: str | None = None


class ToolCall(_Wire, kw_only=True):
    """The ``ToolCall`` wire object."""

    id: str | None = None
    tool_type: Annotated[ToolType, enum_of(ToolType, echoed=True)] | None = None
    args: dict[str, Any] | None = None


class DocumentMetadata(_Wire, kw_only=True):
    """The ``DocumentMetadata`` wire object."""

    start_page: int | None = None
    end_page: int | None = None
    content_layers: (
        list[Annotated[DocumentMetadataContentLayer, enum_of(DocumentMetadataContentLayer)]] | None
    ) = None


class SpreadsheetMetadata(_Wire, kw_only=True):
    """The ``SpreadsheetMetadata`` wire object."""

    visible_cells: str | None = None
    sheet_index: int | None = None
    content_layers: (
        list[Annotated[SpreadsheetMetadataContentLayer, enum_of(SpreadsheetMetadataContentLayer)]]
        | None
    ) = None


class FunctionCall(_Wire, kw_only=True):
    """The ``FunctionCall`` wire object."""

    id: str | None = None
    args: dict[str, Any] | None = None
    name: str | None = None
    partial_args: list[PartialArg] | None = None
    will_continue: bool | None = None


class PartialArg(_Wire, kw_only=True):
    """The ``PartialArg`` wire object."""

    bool_value: bool | None = None
    json_path: str | None = None
    null_value: str | None = None
    number_value: float | None = None
    string_value: str | None = None
    will_continue: bool | None = None


class ExecutableCode(_Wire, kw_only=True):
    """The ``ExecutableCode`` wire object."""

    code: str | None = None
    language: Annotated[Language, enum_of(Language, echoed=True)] | None = None
    id: str | None = None


class CodeExecutionResult(_Wire, kw_only=True):
    """The ``CodeExecutionResult`` wire object."""

    outcome: Annotated[Outcome, enum_of(Outcome, echoed=True)] | None = None
    output: str | None = None
    id: str | None = None


class AudioMetadata(_Wire, kw_only=True):
    """The ``AudioMetadata`` wire object."""

    start_offset: str | None = None
    end_offset: str | None = None


class Transcription(_Wire, kw_only=True):
    """The ``Transcription`` wire object."""

    text: str | None = None
    finished: bool | None = None
    language_code: str | None = None
    speaker_label: str | None = None
    words: list[WordInfo] | None = None
    start_offset: str | None = None
    end_offset: str | None = None


class WordInfo(_Wire, kw_only=True):
    """The ``WordInfo`` wire object."""

    word: str | None = None
    start_offset: str | None = None
    end_offset: str | None = None


class FunctionResponse(_Wire, kw_only=True):
    """The ``FunctionResponse`` wire object."""

    will_continue: bool | None = None
    scheduling: (
        Annotated[FunctionResponseScheduling, enum_of(FunctionResponseScheduling)] | None
    ) = None
    parts: list[FunctionResponsePart] | None = None
    id: str | None = None
    name: str | None = None
    response: dict[str, Any] | None = None


class FunctionResponsePart(_Wire, kw_only=True):
    """The ``FunctionResponsePart`` wire object."""

    inline_data: FunctionResponseBlob | None = None
    file_data: FunctionResponseFileData | None = None
    media_processing: Annotated[MediaProcessing, enum_of(MediaProcessing)] | None = None
    media_resolution: PartMediaResolution | None = None
    video_metadata: VideoMetadata | None = None
    document_metadata: DocumentMetadata | None = None
    spreadsheet_metadata: SpreadsheetMetadata | None = None
    audio_metadata: AudioMetadata | None = None


class FunctionResponseBlob(_Wire, kw_only=True):
    """The ``FunctionResponseBlob`` wire object."""

    mime_type: str | None = None
    data: Base64Bytes | None = None
    display_name: str | None = None


class FunctionResponseFileData(_Wire, kw_only=True):
    """The ``FunctionResponseFileData`` wire object."""

    file_uri: str | None = None
    mime_type: str | None = None
    display_name: str | None = None


class PartMediaResolution(_Wire, kw_only=True):
    """The ``PartMediaResolution`` wire object."""

    level: Annotated[PartMediaResolutionLevel, enum_of(PartMediaResolutionLevel)] | None = None
    num_tokens: int | None = None


class ToolResponse(_Wire, kw_only=True):
    """The ``ToolResponse`` wire object."""

    id: str | None = None
    tool_type: Annotated[ToolType, enum_of(ToolType, echoed=True)] | None = None
    response: dict[str, Any] | None = None


__all__ = [
    "Content",
    "Part",
    "SpeechMetadata",
    "VideoMetadata",
    "Blob",
    "FileData",
    "ToolCall",
    "DocumentMetadata",
    "SpreadsheetMetadata",
    "FunctionCall",
    "PartialArg",
    "ExecutableCode",
    "CodeExecutionResult",
    "AudioMetadata",
    "Transcription",
    "WordInfo",
    "FunctionResponse",
    "FunctionResponsePart",
    "FunctionResponseBlob",
    "FunctionResponseFileData",
    "PartMediaResolution",
    "ToolResponse",
]

register_flexible(Content, Part)  # dicts in flexible fields become these (_construct)
