"""The Live ``setup`` message, built and checked before any socket is opened.

``live_setup(model, config)`` gives the ``setup`` object google-genai sends for the Gemini
Developer API: sampling settings, ``responseModalities``, ``speechConfig`` and the like inside
``generationConfig``; the system instruction, tools, resumption, transcription, activity
detection and compression settings at the top. Checks google-genai leaves to the server (and
its opaque close 1007/1011) are made here and raise :class:`InvalidRequestError`.
"""

from __future__ import annotations

from typing import Any

from .._transformers import (
    InvalidRequestError,
    coerce_config,
    t_content,
    t_model,
    t_speech_config,
    t_tools,
)
from ..types._auth_tokens import LiveConnectConfig
from ..types._base import to_builtins

__all__ = ["coerce_live_config", "live_setup"]

# LiveConnectConfig fields that go into generationConfig, in google-genai's order.
_GENERATION_FIELDS = (
    "response_modalities",
    "temperature",
    "top_p",
    "top_k",
    "max_output_tokens",
    "media_resolution",
    "seed",
    "speech_config",
    "thinking_config",
    "enable_affective_dialog",
)
_SETUP_FIELDS = (
    "session_resumption",
    "input_audio_transcription",
    "output_audio_transcription",
    "realtime_input_config",
    "context_window_compression",
    "proactivity",
    "history_config",
    "avatar_config",
    "safety_settings",
)
_MODALITIES = frozenset({"TEXT", "AUDIO"})
_HTTP_FIELDS = frozenset({"base_url", "api_version", "headers"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def coerce_live_config(config: Any) -> LiveConnectConfig:
    """``config`` (a struct, a dict or None) as a checked :class:`LiveConnectConfig`.

    Raises:
        InvalidRequestError: An unknown field or enum value; more than one response modality
            or one Live cannot answer in; a Vertex-AI-only field; a multi-speaker voice; a
            compression window larger than its trigger; ``http_options`` other than
            ``base_url``, ``api_version`` and ``headers``.
    """
    cfg = coerce_config(config, LiveConnectConfig, "config")
    modalities = cfg.response_modalities
    if cfg.generation_config is not None and cfg.generation_config.response_modalities:
        modalities = modalities or cfg.generation_config.response_modalities
    if modalities is not None:
        if len(modalities) != 1:
            raise InvalidRequestError(
                "config.response_modalities",
                f"Live answers in exactly one modality (TEXT or AUDIO), got {list(modalities)}",
            )
        if modalities[0] not in _MODALITIES:
            raise InvalidRequestError(
                "config.response_modalities",
                f"Live answers in TEXT or AUDIO, not {modalities[0]}",
            )
    if cfg.explicit_vad_signal is not None:
        raise InvalidRequestError("config.explicit_vad_signal", "is Vertex AI only")
    if cfg.session_resumption is not None and cfg.session_resumption.transparent is not None:
        raise InvalidRequestError("config.session_resumption.transparent", "is Vertex AI only")
    speech = cfg.speech_config
    multi = None if isinstance(speech, str) else getattr(speech, "multi_speaker_voice_config", None)
    if multi is not None:
        raise InvalidRequestError(
            "config.speech_config.multi_speaker_voice_config", "is not supported by Live"
        )
    window = cfg.context_window_compression
    if window is not None and window.sliding_window is not None:
        target = window.sliding_window.target_tokens
        trigger = window.trigger_tokens
        if target is not None and trigger is not None and target > trigger:
            raise InvalidRequestError(
                "config.context_window_compression.sliding_window.target_tokens",
                f"must not exceed trigger_tokens ({target} > {trigger})",
            )
    if cfg.http_options is not None:
        extra = [
            name
            for name in cfg.http_options.__struct_fields__
            if getattr(cfg.http_options, name) is not None and name not in _HTTP_FIELDS
        ]
        if extra:
            raise InvalidRequestError(
                f"config.http_options.{extra[0]}",
                "Live connect takes only base_url, api_version and headers",
            )
    return cfg


def live_setup(model: str, cfg: LiveConnectConfig) -> dict[str, Any]:
    """The ``setup`` object (camelCase, without its wrapper) for ``model`` and ``cfg``.

    Raises:
        InvalidRequestError: A bad model name, system instruction, tool or speech config.
    """
    setup: dict[str, Any] = {"model": t_model(model)}
    generation: dict[str, Any] = {}
    if cfg.generation_config is not None:
        generation.update(to_builtins(cfg.generation_config))
    for field in _GENERATION_FIELDS:
        value = getattr(cfg, field)
        if value is None:
            continue
        if field == "speech_config":
            value = t_speech_config(value, "config.speech_config")
        generation[_camel(field)] = to_builtins(value)
    if cfg.translation_config is not None:
        generation["translationConfig"] = to_builtins(cfg.translation_config)
    if generation:
        setup["generationConfig"] = generation
    if cfg.system_instruction is not None:
        content = t_content(cfg.system_instruction, "config.system_instruction")
        setup["systemInstruction"] = to_builtins(content)
    if cfg.tools is not None:
        setup["tools"] = [to_builtins(t) for t in t_tools(cfg.tools, "config.tools")]
    for field in _SETUP_FIELDS:
        value = getattr(cfg, field)
        if value is not None:
            setup[_camel(field)] = to_builtins(value)
    return setup
