"""Live API messages: what the server sends on a Live session (:class:`LiveServerMessage`) and
the small client-side markers (:class:`ActivityStart`, :class:`ActivityEnd`).

The connect configuration (:class:`~genai_actors.types.LiveConnectConfig` and its parts) lives
in ``_auth_tokens``, where ephemeral tokens first needed it; this module adds the messages.
Every server message carries exactly one of its fields. ``lastConsumedClientMessageIndex`` is
an int64, which proto JSON may send as a string: the Live client decodes these messages with
``strict=False`` so both forms give an ``int``.
"""

from __future__ import annotations

from typing import Annotated

from ._base import _Wire, enum_of
from ._content import Content, FunctionCall, Transcription
from ._enums_more import InteractionStatus, TurnCompleteReason, VadSignalType
from ._models import UsageMetadata
from ._response import GroundingMetadata, UrlContextMetadata

__all__ = [
    "ActivityEnd",
    "ActivityStart",
    "LiveServerContent",
    "LiveServerGoAway",
    "LiveServerMessage",
    "LiveServerSessionResumptionUpdate",
    "LiveServerSetupComplete",
    "LiveServerToolCall",
    "LiveServerToolCallCancellation",
    "VoiceActivityDetectionSignal",
]


class ActivityStart(_Wire, kw_only=True):
    """Marks the start of user activity (when automatic activity detection is off)."""


class ActivityEnd(_Wire, kw_only=True):
    """Marks the end of user activity (when automatic activity detection is off)."""


class LiveServerSetupComplete(_Wire, kw_only=True):
    """The answer to ``setup``: the session is ready."""

    session_id: str | None = None


class LiveServerContent(_Wire, kw_only=True):
    """Model output for the current turn, and the turn's state.

    Attributes:
        model_turn: The next piece of the model's answer.
        turn_complete: The model finished its turn.
        interrupted: New client input cut the answer short.
        generation_complete: The model finished generating (the turn may still be playing).
        input_transcription: What the user said (when input transcription is on).
        output_transcription: What the model said (when output transcription is on).
        interaction_status: Where the interaction stands (``IDLE`` ends it), when the server
            reports it; ``receive()`` then ends a turn on ``IDLE`` rather than on
            ``turn_complete``, as google-genai does.
    """

    model_turn: Content | None = None
    turn_complete: bool | None = None
    interrupted: bool | None = None
    grounding_metadata: GroundingMetadata | None = None
    generation_complete: bool | None = None
    input_transcription: Transcription | None = None
    output_transcription: Transcription | None = None
    url_context_metadata: UrlContextMetadata | None = None
    turn_complete_reason: Annotated[TurnCompleteReason, enum_of(TurnCompleteReason)] | None = None
    waiting_for_input: bool | None = None
    interaction_status: Annotated[InteractionStatus, enum_of(InteractionStatus)] | None = None


class LiveServerToolCall(_Wire, kw_only=True):
    """The model asks the client to run these functions (answer with ``send_tool_response``)."""

    function_calls: list[FunctionCall] | None = None


class LiveServerToolCallCancellation(_Wire, kw_only=True):
    """Earlier tool calls (by id) the client should cancel: their results are not wanted."""

    ids: list[str] | None = None


class LiveServerGoAway(_Wire, kw_only=True):
    """The server will close the connection soon (``time_left``, a duration such as ``"5s"``)."""

    time_left: str | None = None


class LiveServerSessionResumptionUpdate(_Wire, kw_only=True):
    """A new handle to resume the session with.

    Attributes:
        new_handle: The handle (valid for a while after the connection ends).
        resumable: Whether the session can be resumed at this point.
        last_consumed_client_message_index: Index, on this connection, of the last client
            message the handle's state includes; later messages must be sent again on resume.
    """

    new_handle: str | None = None
    resumable: bool | None = None
    last_consumed_client_message_index: int | None = None


class VoiceActivityDetectionSignal(_Wire, kw_only=True):
    """A voice activity detection event."""

    vad_signal_type: Annotated[VadSignalType, enum_of(VadSignalType)] | None = None


class LiveServerMessage(_Wire, kw_only=True):
    """One message from the Live server: exactly one field is set."""

    setup_complete: LiveServerSetupComplete | None = None
    server_content: LiveServerContent | None = None
    tool_call: LiveServerToolCall | None = None
    tool_call_cancellation: LiveServerToolCallCancellation | None = None
    usage_metadata: UsageMetadata | None = None
    go_away: LiveServerGoAway | None = None
    session_resumption_update: LiveServerSessionResumptionUpdate | None = None
    voice_activity_detection_signal: VoiceActivityDetectionSignal | None = None

    @property
    def text(self) -> str | None:
        """The text parts of ``server_content.model_turn`` joined, or None without any."""
        content = self.server_content
        if content is None or content.model_turn is None or not content.model_turn.parts:
            return None
        texts = [
            p.text for p in content.model_turn.parts if isinstance(p.text, str) and not p.thought
        ]
        return "".join(texts) if texts else None

    @property
    def data(self) -> bytes | None:
        """The inline data (e.g. 24 kHz PCM audio) of ``server_content.model_turn`` joined."""
        content = self.server_content
        if content is None or content.model_turn is None or not content.model_turn.parts:
            return None
        chunks = [
            p.inline_data.data
            for p in content.model_turn.parts
            if p.inline_data is not None and p.inline_data.data is not None
        ]
        return b"".join(chunks) if chunks else None
