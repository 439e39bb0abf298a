"""The Live ``setup`` object, shared by ``live.connect`` and ``auth_tokens.create``.

A Live session opens with ``{"setup": ...}``; an ephemeral token may lock the same object
(``bidiGenerateContentSetup``). Both are built here from a model name and a
:class:`~genai_actors.types.LiveConnectConfig`, in google-genai's Developer API layout:
sampling settings, ``responseModalities``, ``speechConfig`` and the like inside
``generationConfig``; the system instruction, tools, resumption, transcription, activity
detection, compression settings and labels at the top.
"""

from __future__ import annotations

from typing import Any

from ..types._auth_tokens import LiveConnectConfig
from ..types._base import to_builtins
from ._config import t_speech_config, t_tools
from ._contents import t_content
from ._errors import InvalidRequestError
from ._names import t_model

__all__ = ["camel", "live_setup"]

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
# Fields at the top of the setup, in google-genai's order.
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


def camel(name: str) -> str:
    """``snake_case`` -> ``camelCase``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def live_setup(
    model: str | None, config: LiveConnectConfig | None, *, path: str = "config"
) -> dict[str, Any]:
    """The ``setup`` object (camelCase, without its wrapper) for ``model`` and ``config``.

    Args:
        model: The model name (bare or prefixed); ``None`` leaves ``model`` out (a token
            that locks only the config).
        config: A coerced Live config, or ``None``.
        path: Where ``config`` sits in the caller's input, for error messages.

    Raises:
        InvalidRequestError: A Vertex-AI-only field, or a bad model name, system instruction,
            tool or speech config.
    """
    setup: dict[str, Any] = {}
    if model is not None:
        setup["model"] = t_model(model)
    if config is None:
        return setup
    if config.explicit_vad_signal is not None:
        raise InvalidRequestError(f"{path}.explicit_vad_signal", "is Vertex AI only")
    if config.session_resumption is not None and config.session_resumption.transparent is not None:
        raise InvalidRequestError(f"{path}.session_resumption.transparent", "is Vertex AI only")
    generation: dict[str, Any] = {}
    if config.generation_config is not None:
        generation.update(to_builtins(config.generation_config))
    for field in _GENERATION_FIELDS:
        value = getattr(config, field)
        if value is None:
            continue
        if field == "speech_config":
            value = t_speech_config(value, f"{path}.speech_config")
        generation[camel(field)] = to_builtins(value)
    if config.translation_config is not None:
        generation["translationConfig"] = to_builtins(config.translation_config)
    if generation or config.generation_config is not None:
        setup["generationConfig"] = generation
    if config.system_instruction is not None:
        content = t_content(config.system_instruction, f"{path}.system_instruction")
        setup["systemInstruction"] = to_builtins(content)
    if config.tools is not None:
        setup["tools"] = [to_builtins(t) for t in t_tools(config.tools, f"{path}.tools")]
    for field in _SETUP_FIELDS:
        value = getattr(config, field)
        if value is not None:
            setup[camel(field)] = to_builtins(value)
    if config.labels is not None:
        setup["labels"] = dict(config.labels)
    return setup
