"""The Live config, checked before any socket is opened.

Checks google-genai leaves to the server (and its opaque close 1007/1011) are made here and
raise :class:`InvalidRequestError`; the ``setup`` object itself is built by
:func:`genai_actors._transformers.live_setup` (which also refuses Vertex-AI-only fields).
"""

from __future__ import annotations

from typing import Any

import msgspec

from .._transformers import (
    InvalidRequestError,
    check_backend,
    coerce_config,
    live_setup,
    t_model,
    t_tools,
)
from ..types._auth_tokens import LiveConnectConfig

__all__ = ["coerce_live_config", "vertex_live_setup"]

_MODALITIES = frozenset({"TEXT", "AUDIO"})
_HTTP_FIELDS = frozenset({"base_url", "api_version", "headers"})


def coerce_live_config(config: Any) -> LiveConnectConfig:
    """``config`` (a struct, a dict or None) as a checked :class:`LiveConnectConfig`.

    Raises:
        InvalidRequestError: An unknown field or enum value; more than one response modality
            or one Live cannot answer in; a multi-speaker voice; a
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


def vertex_live_setup(
    model: str, cfg: LiveConnectConfig, *, prefix: str, default_audio: bool
) -> dict[str, Any]:
    """The ``setup`` object Vertex AI's Live service takes for ``model`` and ``cfg``.

    The model is ``[projects/{p}/locations/{l}/]publishers/{pub}/models/{m}`` (``prefix`` is
    ``projects/{p}/locations/{l}/`` or empty); ``explicitVadSignal`` and
    ``sessionResumption.transparent`` are kept (Developer-API-only checks aside, the fields are
    those of :func:`~genai_actors._transformers.live_setup`); ``default_audio`` sets
    ``generationConfig.responseModalities`` to ``["AUDIO"]`` when the config names none, as
    google-genai does outside express mode.

    Raises:
        UnsupportedByBackendError: A field Vertex AI does not take (e.g. a ``file_search`` tool,
            ``generation_config.enable_enhanced_civic_answers``), before anything is sent.
        InvalidRequestError: A bad model name, system instruction, tool or speech config.
    """
    check_backend(cfg, "config", vertex=True)
    for index, tool in enumerate(t_tools(cfg.tools)):
        check_backend(tool, f"config.tools[{index}]", vertex=True)
    vad = cfg.explicit_vad_signal
    resumption = cfg.session_resumption
    transparent = resumption.transparent if resumption is not None else None
    plain = msgspec.structs.replace(
        cfg,
        explicit_vad_signal=None,
        session_resumption=(
            None if resumption is None else msgspec.structs.replace(resumption, transparent=None)
        ),
    )
    setup = live_setup(None, plain)
    name = t_model(model, vertex=True)
    if name.startswith("publishers/"):
        name = prefix + name
    setup = {"model": name, **setup}
    if vad is not None:
        setup["explicitVadSignal"] = vad
    if transparent is not None:
        setup["sessionResumption"] = {
            **setup.get("sessionResumption", {}),
            "transparent": transparent,
        }
    if default_audio:
        generation = setup.setdefault("generationConfig", {})
        if not generation.get("responseModalities"):
            generation["responseModalities"] = ["AUDIO"]
    return setup
