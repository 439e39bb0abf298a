"""The emulator's model catalogue: what ``models.list`` returns and what each model can do."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Kind",
    "ModelInfo",
    "base_model_id",
    "default_models",
    "default_tuned_models",
    "vertex_only_models",
]

Kind = Literal["text", "image", "tts", "embedding", "imagen", "video", "live", "music"]

_GENERATE = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
# Base models that can be tuned list ``createTunedModel``, as the real ``models.list`` shows them;
# ``POST tunedModels`` accepts exactly these.
_TUNABLE = [*_GENERATE, "createTunedModel"]


@dataclass
class ModelInfo:
    """A model the emulator serves.

    Attributes:
        wire: The ``Model`` resource exactly as ``models.get`` returns it.
        kind: What the emulator's brain produces for it.
        thinking: Whether the model thinks (reports ``thoughtsTokenCount``) by default.
        dims: The default embedding size (embedding models only).
    """

    wire: dict[str, Any]
    kind: Kind = "text"
    thinking: bool = False
    dims: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The resource name, ``models/...`` or ``tunedModels/...``."""
        return str(self.wire["name"])

    @property
    def methods(self) -> list[str]:
        """The model's ``supportedGenerationMethods``."""
        return list(self.wire.get("supportedGenerationMethods", []))


def _model(
    model_id: str,
    display: str,
    description: str,
    methods: list[str],
    *,
    version: str = "001",
    input_limit: int = 1_048_576,
    output_limit: int = 65_536,
    kind: Kind = "text",
    thinking: bool = False,
    dims: int = 0,
    sampling: bool = True,
) -> ModelInfo:
    wire: dict[str, Any] = {
        "name": f"models/{model_id}",
        "baseModelId": base_model_id(model_id, version),
        "version": version,
        "displayName": display,
        "description": description,
        "inputTokenLimit": input_limit,
        "outputTokenLimit": output_limit,
        "supportedGenerationMethods": list(methods),
    }
    if sampling:
        wire.update({"temperature": 1, "topP": 0.95, "topK": 64, "maxTemperature": 2})
    if thinking:
        wire["thinking"] = True
    return ModelInfo(wire=wire, kind=kind, thinking=thinking, dims=dims)


def base_model_id(model_id: str, version: str) -> str:
    """A Model's ``baseModelId``: its id without the ``-{version}`` suffix.

    The API names models ``{base_model_id}-{version}`` (``chat-bison-001`` -> ``chat-bison``);
    an id that does not end in its version is its own base id (``gemini-2.5-flash``).
    """
    suffix = f"-{version}"
    if model_id.endswith(suffix) and len(model_id) > len(suffix):
        return model_id[: -len(suffix)]
    return model_id


def default_models() -> list[ModelInfo]:
    """A realistic catalogue of Gemini Developer API models (a fresh copy on every call)."""
    return [
        _model(
            "gemini-2.5-flash",
            "Gemini 2.5 Flash",
            "Stable version of Gemini 2.5 Flash, our mid-size multimodal model.",
            _TUNABLE,
            thinking=True,
        ),
        _model(
            "gemini-2.5-pro",
            "Gemini 2.5 Pro",
            "Stable release of Gemini 2.5 Pro.",
            _GENERATE,
            version="2.5",
            thinking=True,
        ),
        _model(
            "gemini-2.5-flash-lite",
            "Gemini 2.5 Flash-Lite",
            "Stable version of Gemini 2.5 Flash-Lite.",
            _TUNABLE,
            thinking=True,
        ),
        _model(
            "gemini-2.0-flash",
            "Gemini 2.0 Flash",
            "Gemini 2.0 Flash",
            _TUNABLE,
            output_limit=8192,
        ),
        _model(
            "gemini-2.0-flash-lite",
            "Gemini 2.0 Flash-Lite",
            "Gemini 2.0 Flash-Lite",
            _TUNABLE,
            output_limit=8192,
        ),
        _model(
            "gemini-2.5-flash-image",
            "Nano Banana",
            "Gemini 2.5 Flash Image",
            ["generateContent", "countTokens", "batchGenerateContent"],
            input_limit=32_768,
            output_limit=32_768,
            kind="image",
        ),
        _model(
            "gemini-2.5-flash-preview-tts",
            "Gemini 2.5 Flash Preview TTS",
            "Gemini 2.5 Flash Preview TTS",
            ["countTokens", "generateContent"],
            version="gemini-2.5-flash-exp-tts-2025-05-19",
            input_limit=8192,
            output_limit=16_384,
            kind="tts",
        ),
        _model(
            "gemini-2.5-flash-native-audio-preview-09-2025",
            "Gemini 2.5 Flash Native Audio Preview",
            "Gemini 2.5 Flash Native Audio Preview for the Live API.",
            ["countTokens", "bidiGenerateContent"],
            input_limit=131_072,
            output_limit=8192,
            kind="live",
            thinking=True,
        ),
        _model(
            "gemini-2.0-flash-live-001",
            "Gemini 2.0 Flash 001 Live",
            "Gemini 2.0 Flash 001 for the Live API.",
            ["bidiGenerateContent", "countTokens"],
            input_limit=131_072,
            output_limit=8192,
            kind="live",
        ),
        _model(
            "lyria-realtime-exp",
            "Lyria Realtime Experimental",
            "Real-time music generation.",
            ["bidiGenerateMusic"],
            version="exp",
            input_limit=0,
            output_limit=0,
            kind="music",
            sampling=False,
        ),
        _model(
            "gemini-embedding-001",
            "Gemini Embedding 001",
            "Obtain a distributed representation of a text.",
            ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"],
            input_limit=2048,
            output_limit=1,
            kind="embedding",
            dims=3072,
            sampling=False,
        ),
        _model(
            "text-embedding-004",
            "Text Embedding 004",
            "Obtain a distributed representation of a text.",
            ["embedContent"],
            version="004",
            input_limit=2048,
            output_limit=1,
            kind="embedding",
            dims=768,
            sampling=False,
        ),
        _model(
            "imagen-4.0-generate-001",
            "Imagen 4",
            "Vertex served Imagen 4.0 model",
            ["predict"],
            input_limit=480,
            output_limit=8192,
            kind="imagen",
            sampling=False,
        ),
        _model(
            "veo-3.0-generate-001",
            "Veo 3",
            "Veo 3",
            ["predictLongRunning"],
            input_limit=480,
            output_limit=8192,
            kind="video",
            sampling=False,
        ),
        _model(
            "veo-2.0-generate-001",
            "Veo 2",
            "Vertex served Veo 2 model.",
            ["predictLongRunning"],
            version="2.0",
            input_limit=480,
            output_limit=8192,
            kind="video",
            sampling=False,
        ),
    ]


# Publisher models only Vertex AI serves, by what ``:predict`` does with them (the ``Kind`` of
# the Developer API catalogue is reused: ``imagen`` models are told apart by ``extra["task"]``).
_VERTEX_ONLY: list[tuple[str, str, Kind, str, int]] = [
    ("imagen-4.0-fast-generate-001", "Imagen 4 Fast", "imagen", "generate", 0),
    ("imagen-4.0-ultra-generate-001", "Imagen 4 Ultra", "imagen", "generate", 0),
    ("imagen-3.0-generate-002", "Imagen 3", "imagen", "generate", 0),
    ("imagen-3.0-capability-001", "Imagen 3 editing", "imagen", "edit", 0),
    ("imagen-4.0-upscale-preview", "Imagen 4 upscaling", "imagen", "upscale", 0),
    ("imagen-product-recontext-preview-06-30", "Product recontext", "imagen", "recontext", 0),
    ("virtual-try-on-preview-08-04", "Virtual try-on", "imagen", "recontext", 0),
    ("image-segmentation-001", "Image segmentation", "imagen", "segment", 0),
    ("text-embedding-005", "Text Embedding 005", "embedding", "embed", 768),
    ("text-multilingual-embedding-002", "Multilingual embedding", "embedding", "embed", 768),
    ("veo-3.0-fast-generate-001", "Veo 3 Fast", "video", "video", 0),
]


def vertex_only_models() -> list[ModelInfo]:
    """Publisher models served on Vertex AI paths only (``predict`` and video models)."""
    out = []
    for model_id, display, kind, task, dims in _VERTEX_ONLY:
        methods = {
            "video": ["predictLongRunning"],
            "embed": ["predict", "embedContent", "countTokens"],
        }.get(task, ["predict"])
        info = _model(model_id, display, display, methods, kind=kind, dims=dims, sampling=False)
        info.extra["task"] = task
        out.append(info)
    return out


_TUNED_SEED: dict[str, Any] = {
    "name": "tunedModels/emulated-tuned-model",
    "baseModel": "models/gemini-2.0-flash",
    "displayName": "Emulated tuned model",
    "description": "A tuned model the emulator seeds so tuned-model calls can be exercised.",
    "state": "ACTIVE",
    "createTime": "2025-01-01T00:00:00.000000Z",
    "updateTime": "2025-01-01T00:10:00.000000Z",
    "temperature": 1,
    "topP": 0.95,
    "topK": 64,
    "tuningTask": {
        "startTime": "2025-01-01T00:00:01.000000Z",
        "completeTime": "2025-01-01T00:10:00.000000Z",
        "snapshots": [
            {"step": 1, "epoch": 1, "meanLoss": 1.5, "computeTime": "2025-01-01T00:05:00Z"},
            {"step": 2, "epoch": 2, "meanLoss": 0.4, "computeTime": "2025-01-01T00:10:00Z"},
        ],
        "hyperparameters": {"epochCount": 2, "batchSize": 4, "learningRate": 0.001},
    },
}


def default_tuned_models() -> list[dict[str, Any]]:
    """The tuned models the emulator starts with (fresh copies)."""
    return [copy.deepcopy(_TUNED_SEED)]
