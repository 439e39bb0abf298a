"""Model metadata, embeddings and token counting request/response shapes.

Generated from the wire reference; attribute names match google-genai's ``types``.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import msgspec

from ._base import (
    Base64Bytes,
    ContentUnion,
    HttpResponse,
    _Wire,
    as_base64_bytes,
    decode_json,
    enum_of,
)
from ._enums import (
    ServiceTier,
    TrafficType,
)
from ._generate import GenerationConfig
from ._http import HttpOptions
from ._response import ModalityTokenCount
from ._tools import Tool


class EmbedContentConfig(_Wire, kw_only=True):
    """The ``EmbedContentConfig`` wire object."""

    task_type: str | None = None
    title: str | None = None
    output_dimensionality: int | None = None
    mime_type: str | None = None
    auto_truncate: bool | None = None
    document_ocr: bool | None = None
    audio_track_extraction: bool | None = None
    http_options: HttpOptions | None = None


class EmbedContentResponse(_Wire, kw_only=True):
    """The ``EmbedContentResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None
    embeddings: list[ContentEmbedding] | None = None
    metadata: EmbedContentMetadata | None = None
    truncated: bool | None = None
    usage_metadata: UsageMetadata | None = None


class EmbedContentMetadata(_Wire, kw_only=True):
    """The ``EmbedContentMetadata`` wire object."""

    billable_character_count: int | None = None


class ContentEmbedding(_Wire, kw_only=True):
    """The ``ContentEmbedding`` wire object."""

    values: list[float] | None = None
    statistics: ContentEmbeddingStatistics | None = None


class ContentEmbeddingStatistics(_Wire, kw_only=True):
    """The ``ContentEmbeddingStatistics`` wire object."""

    truncated: bool | None = None
    token_count: float | None = None
    tokens_details: list[ModalityTokenCount] | None = None


class UsageMetadata(_Wire, kw_only=True):
    """The ``UsageMetadata`` wire object."""

    prompt_token_count: int | None = None
    cached_content_token_count: int | None = None
    response_token_count: int | None = None
    tool_use_prompt_token_count: int | None = None
    thoughts_token_count: int | None = None
    total_token_count: int | None = None
    prompt_tokens_details: list[ModalityTokenCount] | None = None
    cache_tokens_details: list[ModalityTokenCount] | None = None
    response_tokens_details: list[ModalityTokenCount] | None = None
    tool_use_prompt_tokens_details: list[ModalityTokenCount] | None = None
    traffic_type: Annotated[TrafficType, enum_of(TrafficType, echoed=True)] | None = None
    service_tier: Annotated[ServiceTier, enum_of(ServiceTier, echoed=True)] | None = None


class CountTokensConfig(_Wire, kw_only=True):
    """The ``CountTokensConfig`` wire object."""

    http_options: HttpOptions | None = None
    system_instruction: ContentUnion | None = None
    tools: list[Tool] | None = None
    generation_config: GenerationConfig | None = None


class CountTokensResponse(_Wire, kw_only=True):
    """The ``CountTokensResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None
    total_tokens: int | None = None
    cached_content_token_count: int | None = None


class ComputeTokensConfig(_Wire, kw_only=True):
    """The ``ComputeTokensConfig`` wire object."""

    http_options: HttpOptions | None = None


class ComputeTokensResponse(_Wire, kw_only=True):
    """The ``ComputeTokensResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None
    tokens_info: list[TokensInfo] | None = None


class TokensInfo(_Wire, kw_only=True):
    """The ``TokensInfo`` wire object."""

    role: str | None = None
    token_ids: list[int] | None = None
    tokens: list[Base64Bytes] | None = None

    def __post_init__(self) -> None:
        if self.tokens is not None:
            self.tokens = [as_base64_bytes(v) for v in self.tokens]


class Model(_Wire, kw_only=True):
    """The ``Model`` wire object."""

    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    version: str | None = None
    endpoints: list[Endpoint] | None = None
    labels: dict[str, str] | None = None
    tuned_model_info: TunedModelInfo | None = None
    input_token_limit: int | None = None
    output_token_limit: int | None = None
    supported_actions: list[str] | None = msgspec.field(
        default=None, name="supportedGenerationMethods"
    )
    default_checkpoint_id: str | None = None
    checkpoints: list[Checkpoint] | None = None
    temperature: float | None = None
    max_temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    thinking: bool | None = None


class Checkpoint(_Wire, kw_only=True):
    """The ``Checkpoint`` wire object."""

    checkpoint_id: str | None = None
    epoch: int | None = None
    step: int | None = None


class Endpoint(_Wire, kw_only=True):
    """The ``Endpoint`` wire object."""

    name: str | None = None
    deployed_model_id: str | None = None


class TunedModelInfo(_Wire, kw_only=True):
    """The ``TunedModelInfo`` wire object."""

    base_model: str | None = None
    create_time: datetime.datetime | None = None
    update_time: datetime.datetime | None = None


class ListModelsConfig(_Wire, kw_only=True):
    """The ``ListModelsConfig`` wire object."""

    http_options: HttpOptions | None = None
    page_size: int | None = None
    page_token: str | None = None
    filter: str | None = None
    query_base: bool | None = None


class ListModelsResponse(_Wire, kw_only=True):
    """The ``ListModelsResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None
    next_page_token: str | None = None
    models: list[Model] | None = None


class UpdateModelConfig(_Wire, kw_only=True):
    """The ``UpdateModelConfig`` wire object."""

    http_options: HttpOptions | None = None
    display_name: str | None = None
    description: str | None = None
    default_checkpoint_id: str | None = None


class DeleteModelConfig(_Wire, kw_only=True):
    """The ``DeleteModelConfig`` wire object."""

    http_options: HttpOptions | None = None


class DeleteModelResponse(_Wire, kw_only=True):
    """The ``DeleteModelResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None


class GetModelConfig(_Wire, kw_only=True):
    """The ``GetModelConfig`` wire object."""

    http_options: HttpOptions | None = None


class _MldevModel(Model, kw_only=True):
    """A Gemini Developer API model as it arrives: tuned-model fields sit at the top."""

    base_model: str | None = None
    create_time: datetime.datetime | None = None
    update_time: datetime.datetime | None = None


def decode_model(data: bytes | str) -> Model:
    """Decode a Gemini Developer API model, filling ``tuned_model_info`` as google-genai does.

    Raises:
        msgspec.ValidationError: A known field has the wrong type.
        msgspec.DecodeError: ``data`` is not JSON.
    """
    raw = decode_json(data, _MldevModel)
    fields = {name: getattr(raw, name) for name in Model.__struct_fields__}
    model = Model(**fields)
    if raw.base_model is not None or raw.create_time is not None or raw.update_time is not None:
        model.tuned_model_info = TunedModelInfo(
            base_model=raw.base_model, create_time=raw.create_time, update_time=raw.update_time
        )
    return model


__all__ = [
    "EmbedContentConfig",
    "EmbedContentResponse",
    "EmbedContentMetadata",
    "ContentEmbedding",
    "ContentEmbeddingStatistics",
    "UsageMetadata",
    "CountTokensConfig",
    "CountTokensResponse",
    "ComputeTokensConfig",
    "ComputeTokensResponse",
    "TokensInfo",
    "Model",
    "Checkpoint",
    "Endpoint",
    "TunedModelInfo",
    "ListModelsConfig",
    "ListModelsResponse",
    "UpdateModelConfig",
    "DeleteModelConfig",
    "DeleteModelResponse",
    "GetModelConfig",
]
