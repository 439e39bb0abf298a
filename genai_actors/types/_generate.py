"""Generation settings: :class:`GenerateContentConfig` and the objects nested in it.

Generated from the wire reference; attribute names match google-genai's ``types``.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from ._base import (
    Base64Bytes,
    ContentUnion,
    SchemaUnion,
    SpeechConfigUnion,
    ToolUnion,
    _Wire,
    enum_of,
)
from ._construct import register_flexible
from ._enums import (
    AspectRatio,
    AudioTranscriptionConfigMode,
    Delivery,
    FeatureSelectionPreference,
    HarmBlockMethod,
    HarmBlockThreshold,
    HarmCategory,
    ImageSize,
    MediaResolution,
    Modality,
    ProminentPeople,
    ServiceTier,
    ThinkingLevel,
)
from ._http import HttpOptions
from ._tools import Schema, ToolConfig


class GenerateContentConfig(_Wire, kw_only=True):
    """Options of ``generate_content``; also accepted as a dict (snake_case or camelCase keys).

    Request-level fields (``system_instruction``, ``tools``, ``tool_config``,
    ``safety_settings``, ``cached_content``, ``service_tier``, ``labels``) go to the top of the
    request body; sampling and output fields go to ``generationConfig``. ``http_options`` and
    ``automatic_function_calling`` are client-side and never sent. ``tools`` may hold Python
    callables; ``response_schema`` may be a Python type, a dict or a :class:`Schema`.
    """

    http_options: HttpOptions | None = None
    should_return_http_response: bool | None = None
    system_instruction: ContentUnion | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: float | None = None
    candidate_count: int | None = None
    max_output_tokens: int | None = None
    stop_sequences: list[str] | None = None
    response_logprobs: bool | None = None
    logprobs: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    seed: int | None = None
    response_mime_type: str | None = None
    response_schema: SchemaUnion | None = None
    response_json_schema: Any | None = None
    routing_config: GenerationConfigRoutingConfig | None = None
    model_selection_config: ModelSelectionConfig | None = None
    safety_settings: list[SafetySetting] | None = None
    tools: list[ToolUnion] | None = None
    tool_config: ToolConfig | None = None
    labels: dict[str, str] | None = None
    cached_content: str | None = None
    response_modalities: list[Annotated[Modality, enum_of(Modality)]] | None = None
    media_resolution: Annotated[MediaResolution, enum_of(MediaResolution)] | None = None
    speech_config: SpeechConfigUnion | None = None
    audio_timestamp: bool | None = None
    automatic_function_calling: AutomaticFunctionCallingConfig | None = None
    thinking_config: ThinkingConfig | None = None
    image_config: ImageConfig | None = None
    enable_enhanced_civic_answers: bool | None = None
    model_armor_config: ModelArmorConfig | None = None
    service_tier: Annotated[ServiceTier, enum_of(ServiceTier)] | None = None
    audio_transcription_config: AudioTranscriptionConfig | None = None
    continuation_token: Base64Bytes | None = None
    automatic_continuation: bool | None = None
    generation_output_config: GenerationOutputConfig | None = None
    store: bool | None = None

    def __post_init__(self) -> None:
        if type(self.continuation_token) is bytes:
            self.continuation_token = Base64Bytes(self.continuation_token)


class SafetySetting(_Wire, kw_only=True):
    """The ``SafetySetting`` wire object."""

    category: Annotated[HarmCategory, enum_of(HarmCategory)] | None = None
    method: Annotated[HarmBlockMethod, enum_of(HarmBlockMethod)] | None = None
    threshold: Annotated[HarmBlockThreshold, enum_of(HarmBlockThreshold)] | None = None


class AutomaticFunctionCallingConfig(_Wire, kw_only=True):
    """The ``AutomaticFunctionCallingConfig`` wire object."""

    disable: bool | None = None
    maximum_remote_calls: int | None = None
    ignore_call_history: bool | None = None


class ModelArmorConfig(_Wire, kw_only=True):
    """The ``ModelArmorConfig`` wire object."""

    prompt_template_name: str | None = None
    response_template_name: str | None = None


class AudioTranscriptionConfig(_Wire, kw_only=True):
    """The ``AudioTranscriptionConfig`` wire object."""

    language_codes: list[str] | None = None
    language_auto: LanguageAuto | None = None
    language_hints: LanguageHints | None = None
    custom_vocabulary: list[str] | None = None
    adaptation_phrases: list[str] | None = None
    word_timestamp: bool | None = None
    diarization: bool | None = None
    mode: Annotated[AudioTranscriptionConfigMode, enum_of(AudioTranscriptionConfigMode)] | None = (
        None
    )
    source_text: str | None = None


class LanguageHints(_Wire, kw_only=True):
    """The ``LanguageHints`` wire object."""

    language_codes: list[str] | None = None


class LanguageAuto(_Wire, kw_only=True):
    """The ``LanguageAuto`` wire object."""


class ModelSelectionConfig(_Wire, kw_only=True):
    """The ``ModelSelectionConfig`` wire object."""

    feature_selection_preference: (
        Annotated[FeatureSelectionPreference, enum_of(FeatureSelectionPreference)] | None
    ) = None


class GenerationOutputConfig(_Wire, kw_only=True):
    """The ``GenerationOutputConfig`` wire object."""

    output_uri_prefix: str | None = None


class ThinkingConfig(_Wire, kw_only=True):
    """The ``ThinkingConfig`` wire object."""

    include_thoughts: bool | None = None
    thinking_budget: int | None = None
    thinking_level: Annotated[ThinkingLevel, enum_of(ThinkingLevel)] | None = None


class SpeechConfig(_Wire, kw_only=True):
    """The ``SpeechConfig`` wire object."""

    voice_config: VoiceConfig | None = None
    language_code: str | None = None
    multi_speaker_voice_config: MultiSpeakerVoiceConfig | None = None


class MultiSpeakerVoiceConfig(_Wire, kw_only=True):
    """The ``MultiSpeakerVoiceConfig`` wire object."""

    speaker_voice_configs: list[SpeakerVoiceConfig] | None = None


class SpeakerVoiceConfig(_Wire, kw_only=True):
    """The ``SpeakerVoiceConfig`` wire object."""

    speaker: str | None = None
    voice_config: VoiceConfig | None = None


class VoiceConfig(_Wire, kw_only=True):
    """The ``VoiceConfig`` wire object."""

    replicated_voice_config: ReplicatedVoiceConfig | None = None
    prebuilt_voice_config: PrebuiltVoiceConfig | None = None
    voice: str | None = None


class ReplicatedVoiceConfig(_Wire, kw_only=True):
    """The ``ReplicatedVoiceConfig`` wire object."""

    mime_type: str | None = None
    voice_sample_audio: Base64Bytes | None = None
    consent_audio: Base64Bytes | None = None
    voice_consent_signature: VoiceConsentSignature | None = None

    def __post_init__(self) -> None:
        if type(self.voice_sample_audio) is bytes:
            self.voice_sample_audio = Base64Bytes(self.voice_sample_audio)
        if type(self.consent_audio) is bytes:
            self.consent_audio = Base64Bytes(self.consent_audio)


class VoiceConsentSignature(_Wire, kw_only=True):
    """The ``VoiceConsentSignature`` wire object."""

    signature: str | None = None


class PrebuiltVoiceConfig(_Wire, kw_only=True):
    """The ``PrebuiltVoiceConfig`` wire object."""

    voice_name: str | None = None


class ImageConfig(_Wire, kw_only=True):
    """The ``ImageConfig`` wire object."""

    aspect_ratio: str | None = None
    image_size: str | None = None
    person_generation: str | None = None
    prominent_people: Annotated[ProminentPeople, enum_of(ProminentPeople)] | None = None
    output_mime_type: str | None = None
    output_compression_quality: int | None = None
    image_output_options: ImageConfigImageOutputOptions | None = None


class ImageConfigImageOutputOptions(_Wire, kw_only=True):
    """The ``ImageConfigImageOutputOptions`` wire object."""

    compression_quality: int | None = None
    mime_type: str | None = None


class GenerationConfigRoutingConfig(_Wire, kw_only=True):
    """The ``GenerationConfigRoutingConfig`` wire object."""

    auto_mode: GenerationConfigRoutingConfigAutoRoutingMode | None = None
    manual_mode: GenerationConfigRoutingConfigManualRoutingMode | None = None


class GenerationConfigRoutingConfigManualRoutingMode(_Wire, kw_only=True):
    """The ``GenerationConfigRoutingConfigManualRoutingMode`` wire object."""

    model_name: str | None = None


class GenerationConfigRoutingConfigAutoRoutingMode(_Wire, kw_only=True):
    """The ``GenerationConfigRoutingConfigAutoRoutingMode`` wire object."""

    model_routing_preference: str | None = None


class GenerationConfig(_Wire, kw_only=True):
    """The ``GenerationConfig`` wire object."""

    model_selection_config: ModelSelectionConfig | None = None
    response_json_schema: Any | None = None
    audio_timestamp: bool | None = None
    candidate_count: int | None = None
    enable_affective_dialog: bool | None = None
    frequency_penalty: float | None = None
    logprobs: int | None = None
    max_output_tokens: int | None = None
    media_resolution: Annotated[MediaResolution, enum_of(MediaResolution)] | None = None
    presence_penalty: float | None = None
    response_logprobs: bool | None = None
    response_mime_type: str | None = None
    response_modalities: list[Annotated[Modality, enum_of(Modality)]] | None = None
    response_schema: Schema | None = None
    routing_config: GenerationConfigRoutingConfig | None = None
    seed: int | None = None
    speech_config: SpeechConfig | None = None
    stop_sequences: list[str] | None = None
    temperature: float | None = None
    thinking_config: ThinkingConfig | None = None
    top_k: float | None = None
    top_p: float | None = None
    enable_enhanced_civic_answers: bool | None = None
    response_format: list[ResponseFormat] | None = None
    translation_config: TranslationConfig | None = None
    audio_transcription_config: AudioTranscriptionConfig | None = None


class TranslationConfig(_Wire, kw_only=True):
    """The ``TranslationConfig`` wire object."""

    echo_target_language: bool | None = None
    target_language_code: str | None = None


class ResponseFormat(_Wire, kw_only=True):
    """The ``ResponseFormat`` wire object."""

    audio: AudioResponseFormat | None = None
    image: ImageResponseFormat | None = None
    text: TextResponseFormat | None = None
    video: VideoResponseFormat | None = None


class VideoResponseFormat(_Wire, kw_only=True):
    """The ``VideoResponseFormat`` wire object."""

    aspect_ratio: Annotated[AspectRatio, enum_of(AspectRatio)] | None = None
    delivery: Annotated[Delivery, enum_of(Delivery)] | None = None
    duration: str | None = None
    gcs_uri: str | None = None
    resolution: str | None = None


class ImageResponseFormat(_Wire, kw_only=True):
    """The ``ImageResponseFormat`` wire object."""

    aspect_ratio: Annotated[AspectRatio, enum_of(AspectRatio)] | None = None
    delivery: Annotated[Delivery, enum_of(Delivery)] | None = None
    image_size: Annotated[ImageSize, enum_of(ImageSize)] | None = None
    mime_type: str | None = None


class TextResponseFormat(_Wire, kw_only=True):
    """The ``TextResponseFormat`` wire object."""

    mime_type: str | None = None
    json_schema: Any | None = msgspec.field(default=None, name="schema")


class AudioResponseFormat(_Wire, kw_only=True):
    """The ``AudioResponseFormat`` wire object."""

    bit_rate: int | None = None
    delivery: Annotated[Delivery, enum_of(Delivery)] | None = None
    mime_type: str | None = None
    sample_rate: int | None = None


__all__ = [
    "GenerateContentConfig",
    "SafetySetting",
    "AutomaticFunctionCallingConfig",
    "ModelArmorConfig",
    "AudioTranscriptionConfig",
    "LanguageHints",
    "LanguageAuto",
    "ModelSelectionConfig",
    "GenerationOutputConfig",
    "ThinkingConfig",
    "SpeechConfig",
    "MultiSpeakerVoiceConfig",
    "SpeakerVoiceConfig",
    "VoiceConfig",
    "ReplicatedVoiceConfig",
    "VoiceConsentSignature",
    "PrebuiltVoiceConfig",
    "ImageConfig",
    "ImageConfigImageOutputOptions",
    "GenerationConfigRoutingConfig",
    "GenerationConfigRoutingConfigManualRoutingMode",
    "GenerationConfigRoutingConfigAutoRoutingMode",
    "GenerationConfig",
    "TranslationConfig",
    "ResponseFormat",
    "VideoResponseFormat",
    "ImageResponseFormat",
    "TextResponseFormat",
    "AudioResponseFormat",
]

register_flexible(SpeechConfig)  # dicts in flexible fields become these (_construct)
