"""Ephemeral auth tokens: :class:`AuthToken`, :class:`CreateAuthTokenConfig`, and the Live shapes
a token can lock (:class:`LiveConnectConstraints`, :class:`LiveConnectConfig`).

The Live types here are the minimal set a token's constraints need; the Live module will
extend them (and may move them) without changing their wire form.

Times are aware :class:`datetime.datetime` values (naive ones are taken as UTC) or RFC 3339
strings.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

from ._base import ContentUnion, ToolUnion, _Wire, enum_of
from ._enums import (
    MediaResolution,
    Modality,
)
from ._enums_more import (
    ActivityHandling,
    EndSensitivity,
    StartSensitivity,
    TurnCoverage,
)
from ._generate import (
    AudioTranscriptionConfig,
    GenerationConfig,
    SafetySetting,
    SpeechConfig,
    ThinkingConfig,
    TranslationConfig,
)
from ._http import HttpOptions

__all__ = [
    "AuthToken",
    "AutomaticActivityDetection",
    "AvatarConfig",
    "ContextWindowCompressionConfig",
    "CreateAuthTokenConfig",
    "HistoryConfig",
    "LiveConnectConfig",
    "LiveConnectConstraints",
    "ProactivityConfig",
    "RealtimeInputConfig",
    "SessionResumptionConfig",
    "SlidingWindow",
    "TokenTimeUnion",
]

if TYPE_CHECKING:
    from typing import TypeAlias

    TokenTimeUnion: TypeAlias = datetime.datetime | str
else:
    # Checked by the auth_tokens module (msgspec cannot hold this union).
    TokenTimeUnion = Any


class AuthToken(_Wire, kw_only=True):
    """An ephemeral token. Its ``name`` (``auth_tokens/...``) is the API key for Live.

    Attributes:
        name: ``auth_tokens/...``: pass it as ``api_key`` to a client used for Live only.
        expire_time: When the token stops working (RFC 3339 text, as google-genai keeps it).
        new_session_expire_time: Until when it may open new Live sessions.
        uses: How many sessions it may open (0: unlimited).
    """

    name: str | None = None
    expire_time: str | None = None
    new_session_expire_time: str | None = None
    uses: int | None = None


class SessionResumptionConfig(_Wire, kw_only=True):
    """Live session resumption: the ``handle`` of a previous session, if resuming."""

    handle: str | None = None
    transparent: bool | None = None


class AutomaticActivityDetection(_Wire, kw_only=True):
    """Server-side voice activity detection settings."""

    disabled: bool | None = None
    start_of_speech_sensitivity: Annotated[StartSensitivity, enum_of(StartSensitivity)] | None = (
        None
    )
    end_of_speech_sensitivity: Annotated[EndSensitivity, enum_of(EndSensitivity)] | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None


class RealtimeInputConfig(_Wire, kw_only=True):
    """How realtime (audio/video) input is handled."""

    automatic_activity_detection: AutomaticActivityDetection | None = None
    activity_handling: Annotated[ActivityHandling, enum_of(ActivityHandling)] | None = None
    turn_coverage: Annotated[TurnCoverage, enum_of(TurnCoverage)] | None = None
    interim_transcript_timestamp_enabled: bool | None = None


class SlidingWindow(_Wire, kw_only=True):
    """Context compression by a sliding window of ``target_tokens``."""

    target_tokens: int | None = None


class ContextWindowCompressionConfig(_Wire, kw_only=True):
    """When and how a Live session's context is compressed."""

    trigger_tokens: int | None = None
    sliding_window: SlidingWindow | None = None


class ProactivityConfig(_Wire, kw_only=True):
    """Whether the model may speak (or react to video) without being addressed."""

    proactive_audio: bool | None = None
    proactive_video: bool | None = None


class HistoryConfig(_Wire, kw_only=True):
    """How initial history is sent to a Live session."""

    initial_history_in_client_content: bool | None = None


class AvatarConfig(_Wire, kw_only=True):
    """Avatar output settings (``customized_avatar`` passes through as given)."""

    avatar_name: str | None = None
    customized_avatar: dict[str, Any] | None = None
    audio_bitrate_bps: int | None = None
    video_bitrate_bps: int | None = None


class LiveConnectConfig(_Wire, kw_only=True):
    """The configuration of a Live session (as far as an auth token can lock it).

    Sampling fields (``temperature``, ``top_p``, ...) and ``response_modalities``,
    ``speech_config``, ``thinking_config``, ``enable_affective_dialog``, ``media_resolution``,
    ``seed``, ``translation_config`` go into the setup's ``generationConfig``; the others sit
    at the top of the setup. ``explicit_vad_signal`` and ``session_resumption.transparent``
    are Vertex AI only.
    """

    http_options: HttpOptions | None = None
    generation_config: GenerationConfig | None = None
    response_modalities: list[Annotated[Modality, enum_of(Modality)]] | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: float | None = None
    max_output_tokens: int | None = None
    media_resolution: Annotated[MediaResolution, enum_of(MediaResolution)] | None = None
    seed: int | None = None
    speech_config: SpeechConfig | str | None = None
    thinking_config: ThinkingConfig | None = None
    enable_affective_dialog: bool | None = None
    system_instruction: ContentUnion | None = None
    tools: list[ToolUnion] | None = None
    session_resumption: SessionResumptionConfig | None = None
    input_audio_transcription: AudioTranscriptionConfig | None = None
    output_audio_transcription: AudioTranscriptionConfig | None = None
    realtime_input_config: RealtimeInputConfig | None = None
    context_window_compression: ContextWindowCompressionConfig | None = None
    proactivity: ProactivityConfig | None = None
    explicit_vad_signal: bool | None = None
    history_config: HistoryConfig | None = None
    avatar_config: AvatarConfig | None = None
    safety_settings: list[SafetySetting] | None = None
    translation_config: TranslationConfig | None = None
    labels: dict[str, str] | None = None


class LiveConnectConstraints(_Wire, kw_only=True):
    """What a token locks: the ``model`` and the Live ``config`` of sessions opened with it."""

    model: str | None = None
    config: LiveConnectConfig | None = None


class CreateAuthTokenConfig(_Wire, kw_only=True):
    """Options of ``auth_tokens.create``.

    Attributes:
        http_options: Per-call HTTP options (``api_version`` defaults to ``v1alpha`` here).
        expire_time: When the token stops working (server default: 30 minutes ahead).
        new_session_expire_time: Until when it may open new sessions (server default: 1
            minute ahead).
        uses: Sessions it may open (server default 1; 0 means unlimited).
        live_connect_constraints: The model and Live config sessions must use.
        lock_additional_fields: ``None`` locks the whole constrained setup; ``[]`` locks the
            fields set in it; a list of names locks those plus the fields set (names of
            generation settings such as ``temperature`` mean ``generationConfig.temperature``).
    """

    http_options: HttpOptions | None = None
    expire_time: TokenTimeUnion | None = None
    new_session_expire_time: TokenTimeUnion | None = None
    uses: int | None = None
    live_connect_constraints: LiveConnectConstraints | None = None
    lock_additional_fields: list[str] | None = None
