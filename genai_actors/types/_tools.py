"""Tools the model may use: function declarations, :class:`Schema`, search tools, tool config.

Generated from the wire reference; attribute names match google-genai's ``types``.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ._base import _Wire, enum_of
from ._construct import register_flexible
from ._enums import (
    ApiSpec,
    AuthType,
    Behavior,
    DynamicRetrievalConfigMode,
    Environment,
    FunctionCallingConfigMode,
    HttpElementLocation,
    PhishBlockThreshold,
    SafetyPolicy,
    Type,
)


class Schema(_Wire, kw_only=True):
    """An OpenAPI-subset schema for structured output and function parameters.

    ``type`` is an upper-case :class:`Type` name (``OBJECT``, ``STRING``, ...).
    """

    additional_properties: Any | None = None
    defs: dict[str, Schema] | None = None
    ref: str | None = None
    any_of: list[Schema] | None = None
    default: Any | None = None
    description: str | None = None
    enum: list[str] | None = None
    example: Any | None = None
    format: str | None = None
    items: Schema | None = None
    max_items: int | None = None
    max_length: int | None = None
    max_properties: int | None = None
    maximum: float | None = None
    min_items: int | None = None
    min_length: int | None = None
    min_properties: int | None = None
    minimum: float | None = None
    nullable: bool | None = None
    pattern: str | None = None
    properties: dict[str, Schema] | None = None
    property_ordering: list[str] | None = None
    required: list[str] | None = None
    title: str | None = None
    type: Annotated[Type, enum_of(Type)] | None = None


class ToolConfig(_Wire, kw_only=True):
    """The ``ToolConfig`` wire object."""

    retrieval_config: RetrievalConfig | None = None
    function_calling_config: FunctionCallingConfig | None = None
    include_server_side_tool_invocations: bool | None = None


class FunctionCallingConfig(_Wire, kw_only=True):
    """The ``FunctionCallingConfig`` wire object."""

    allowed_function_names: list[str] | None = None
    mode: Annotated[FunctionCallingConfigMode, enum_of(FunctionCallingConfigMode)] | None = None
    stream_function_call_arguments: bool | None = None


class RetrievalConfig(_Wire, kw_only=True):
    """The ``RetrievalConfig`` wire object."""

    lat_lng: LatLng | None = None
    language_code: str | None = None


class LatLng(_Wire, kw_only=True):
    """The ``LatLng`` wire object."""

    latitude: float | None = None
    longitude: float | None = None


class Tool(_Wire, kw_only=True):
    """A tool the model may use: function declarations, Google Search, code execution, ...

    Set one kind per Tool; google-genai merges all function declarations into one Tool and
    so does this library.
    """

    retrieval: Retrieval | None = None
    computer_use: ComputerUse | None = None
    file_search: FileSearch | None = None
    google_search: GoogleSearch | None = None
    google_maps: GoogleMaps | None = None
    code_execution: ToolCodeExecution | None = None
    enterprise_web_search: EnterpriseWebSearch | None = None
    function_declarations: list[FunctionDeclaration] | None = None
    google_search_retrieval: GoogleSearchRetrieval | None = None
    parallel_ai_search: ToolParallelAiSearch | None = None
    url_context: UrlContext | None = None
    mcp_servers: list[McpServer] | None = None
    exa_ai_search: ToolExaAiSearch | None = None


class Retrieval(_Wire, kw_only=True):
    """The ``Retrieval`` wire object."""

    disable_attribution: bool | None = None
    external_api: ExternalApi | None = None
    vertex_ai_search: VertexAISearch | None = None
    vertex_rag_store: VertexRagStore | None = None


class ExternalApi(_Wire, kw_only=True):
    """The ``ExternalApi`` wire object."""

    api_auth: ApiAuth | None = None
    api_spec: Annotated[ApiSpec, enum_of(ApiSpec)] | None = None
    auth_config: AuthConfig | None = None
    elastic_search_params: ExternalApiElasticSearchParams | None = None
    endpoint: str | None = None
    simple_search_params: ExternalApiSimpleSearchParams | None = None


class AuthConfig(_Wire, kw_only=True):
    """The ``AuthConfig`` wire object."""

    api_key: str | None = None
    api_key_config: ApiKeyConfig | None = None
    auth_type: Annotated[AuthType, enum_of(AuthType)] | None = None
    google_service_account_config: AuthConfigGoogleServiceAccountConfig | None = None
    http_basic_auth_config: AuthConfigHttpBasicAuthConfig | None = None
    oauth_config: AuthConfigOauthConfig | None = None
    oidc_config: AuthConfigOidcConfig | None = None


class AuthConfigHttpBasicAuthConfig(_Wire, kw_only=True):
    """The ``AuthConfigHttpBasicAuthConfig`` wire object."""

    credential_secret: str | None = None


class ApiKeyConfig(_Wire, kw_only=True):
    """The ``ApiKeyConfig`` wire object."""

    api_key_secret: str | None = None
    api_key_string: str | None = None
    http_element_location: Annotated[HttpElementLocation, enum_of(HttpElementLocation)] | None = (
        None
    )
    name: str | None = None


class AuthConfigOauthConfig(_Wire, kw_only=True):
    """The ``AuthConfigOauthConfig`` wire object."""

    access_token: str | None = None
    service_account: str | None = None


class AuthConfigGoogleServiceAccountConfig(_Wire, kw_only=True):
    """The ``AuthConfigGoogleServiceAccountConfig`` wire object."""

    service_account: str | None = None


class AuthConfigOidcConfig(_Wire, kw_only=True):
    """The ``AuthConfigOidcConfig`` wire object."""

    id_token: str | None = None
    service_account: str | None = None


class ExternalApiElasticSearchParams(_Wire, kw_only=True):
    """The ``ExternalApiElasticSearchParams`` wire object."""

    index: str | None = None
    num_hits: int | None = None
    search_template: str | None = None


class ExternalApiSimpleSearchParams(_Wire, kw_only=True):
    """The ``ExternalApiSimpleSearchParams`` wire object."""


class ApiAuth(_Wire, kw_only=True):
    """The ``ApiAuth`` wire object."""

    api_key_config: ApiAuthApiKeyConfig | None = None


class ApiAuthApiKeyConfig(_Wire, kw_only=True):
    """The ``ApiAuthApiKeyConfig`` wire object."""

    api_key_secret_version: str | None = None
    api_key_string: str | None = None


class VertexAISearch(_Wire, kw_only=True):
    """The ``VertexAISearch`` wire object."""

    data_store_specs: list[VertexAISearchDataStoreSpec] | None = None
    datastore: str | None = None
    engine: str | None = None
    filter: str | None = None
    max_results: int | None = None


class VertexAISearchDataStoreSpec(_Wire, kw_only=True):
    """The ``VertexAISearchDataStoreSpec`` wire object."""

    data_store: str | None = None
    filter: str | None = None


class VertexRagStore(_Wire, kw_only=True):
    """The ``VertexRagStore`` wire object."""

    rag_corpora: list[str] | None = None
    rag_resources: list[VertexRagStoreRagResource] | None = None
    rag_retrieval_config: RagRetrievalConfig | None = None
    similarity_top_k: int | None = None
    store_context: bool | None = None
    vector_distance_threshold: float | None = None


class RagRetrievalConfig(_Wire, kw_only=True):
    """The ``RagRetrievalConfig`` wire object."""

    filter: RagRetrievalConfigFilter | None = None
    hybrid_search: RagRetrievalConfigHybridSearch | None = None
    ranking: RagRetrievalConfigRanking | None = None
    top_k: int | None = None


class RagRetrievalConfigHybridSearch(_Wire, kw_only=True):
    """The ``RagRetrievalConfigHybridSearch`` wire object."""

    alpha: float | None = None


class RagRetrievalConfigFilter(_Wire, kw_only=True):
    """The ``RagRetrievalConfigFilter`` wire object."""

    metadata_filter: str | None = None
    vector_distance_threshold: float | None = None
    vector_similarity_threshold: float | None = None


class RagRetrievalConfigRanking(_Wire, kw_only=True):
    """The ``RagRetrievalConfigRanking`` wire object."""

    llm_ranker: RagRetrievalConfigRankingLlmRanker | None = None
    rank_service: RagRetrievalConfigRankingRankService | None = None


class RagRetrievalConfigRankingLlmRanker(_Wire, kw_only=True):
    """The ``RagRetrievalConfigRankingLlmRanker`` wire object."""

    model_name: str | None = None


class RagRetrievalConfigRankingRankService(_Wire, kw_only=True):
    """The ``RagRetrievalConfigRankingRankService`` wire object."""

    model_name: str | None = None


class VertexRagStoreRagResource(_Wire, kw_only=True):
    """The ``VertexRagStoreRagResource`` wire object."""

    rag_corpus: str | None = None
    rag_file_ids: list[str] | None = None


class GoogleSearchRetrieval(_Wire, kw_only=True):
    """The ``GoogleSearchRetrieval`` wire object."""

    dynamic_retrieval_config: DynamicRetrievalConfig | None = None


class DynamicRetrievalConfig(_Wire, kw_only=True):
    """The ``DynamicRetrievalConfig`` wire object."""

    dynamic_threshold: float | None = None
    mode: Annotated[DynamicRetrievalConfigMode, enum_of(DynamicRetrievalConfigMode)] | None = None


class McpServer(_Wire, kw_only=True):
    """The ``McpServer`` wire object."""

    name: str | None = None
    streamable_http_transport: StreamableHttpTransport | None = None


class StreamableHttpTransport(_Wire, kw_only=True):
    """The ``StreamableHttpTransport`` wire object."""

    headers: dict[str, str] | None = None
    sse_read_timeout: str | None = None
    terminate_on_close: bool | None = None
    timeout: str | None = None
    url: str | None = None


class ToolCodeExecution(_Wire, kw_only=True):
    """The ``ToolCodeExecution`` wire object."""


class FunctionDeclaration(_Wire, kw_only=True):
    """A function the model may call: a name, a description and its parameters.

    Give ``parameters`` (a :class:`Schema`) or ``parameters_json_schema`` (raw JSON Schema).
    """

    description: str | None = None
    name: str | None = None
    parameters: Schema | None = None
    parameters_json_schema: Any | None = None
    response: Schema | None = None
    response_json_schema: Any | None = None
    behavior: Annotated[Behavior, enum_of(Behavior)] | None = None


class UrlContext(_Wire, kw_only=True):
    """The ``UrlContext`` wire object."""


class ToolExaAiSearch(_Wire, kw_only=True):
    """The ``ToolExaAiSearch`` wire object."""

    api_key: str | None = None
    custom_configs: dict[str, Any] | None = None


class EnterpriseWebSearch(_Wire, kw_only=True):
    """The ``EnterpriseWebSearch`` wire object."""

    blocking_confidence: Annotated[PhishBlockThreshold, enum_of(PhishBlockThreshold)] | None = None
    exclude_domains: list[str] | None = None


class GoogleSearch(_Wire, kw_only=True):
    """The ``GoogleSearch`` wire object."""

    search_types: SearchTypes | None = None
    blocking_confidence: Annotated[PhishBlockThreshold, enum_of(PhishBlockThreshold)] | None = None
    exclude_domains: list[str] | None = None
    time_range_filter: Interval | None = None


class SearchTypes(_Wire, kw_only=True):
    """The ``SearchTypes`` wire object."""

    web_search: WebSearch | None = None
    image_search: ImageSearch | None = None


class ImageSearch(_Wire, kw_only=True):
    """The ``ImageSearch`` wire object."""


class WebSearch(_Wire, kw_only=True):
    """The ``WebSearch`` wire object."""


class Interval(_Wire, kw_only=True):
    """The ``Interval`` wire object."""

    end_time: datetime.datetime | None = None
    start_time: datetime.datetime | None = None


class ComputerUse(_Wire, kw_only=True):
    """The ``ComputerUse`` wire object."""

    environment: Annotated[Environment, enum_of(Environment)] | None = None
    excluded_predefined_functions: list[str] | None = None
    enable_prompt_injection_detection: bool | None = None
    disabled_safety_policies: list[Annotated[SafetyPolicy, enum_of(SafetyPolicy)]] | None = None


class FileSearch(_Wire, kw_only=True):
    """The ``FileSearch`` wire object."""

    file_search_store_names: list[str] | None = None
    top_k: int | None = None
    metadata_filter: str | None = None


class GoogleMaps(_Wire, kw_only=True):
    """The ``GoogleMaps`` wire object."""

    auth_config: AuthConfig | None = None
    enable_widget: bool | None = None
    grounding_types: GoogleMapsGroundingTypes | None = None


class GoogleMapsGroundingTypes(_Wire, kw_only=True):
    """The ``GoogleMapsGroundingTypes`` wire object."""

    places: GoogleMapsPlaces | None = None
    routing: GoogleMapsRouting | None = None


class GoogleMapsRouting(_Wire, kw_only=True):
    """The ``GoogleMapsRouting`` wire object."""


class GoogleMapsPlaces(_Wire, kw_only=True):
    """The ``GoogleMapsPlaces`` wire object."""


class ToolParallelAiSearch(_Wire, kw_only=True):
    """The ``ToolParallelAiSearch`` wire object."""

    api_key: str | None = None
    custom_configs: dict[str, Any] | None = None
    enable_data_retention: bool | None = None
    enable_zero_data_retention: bool | None = None


__all__ = [
    "Schema",
    "ToolConfig",
    "FunctionCallingConfig",
    "RetrievalConfig",
    "LatLng",
    "Tool",
    "Retrieval",
    "ExternalApi",
    "AuthConfig",
    "AuthConfigHttpBasicAuthConfig",
    "ApiKeyConfig",
    "AuthConfigOauthConfig",
    "AuthConfigGoogleServiceAccountConfig",
    "AuthConfigOidcConfig",
    "ExternalApiElasticSearchParams",
    "ExternalApiSimpleSearchParams",
    "ApiAuth",
    "ApiAuthApiKeyConfig",
    "VertexAISearch",
    "VertexAISearchDataStoreSpec",
    "VertexRagStore",
    "RagRetrievalConfig",
    "RagRetrievalConfigHybridSearch",
    "RagRetrievalConfigFilter",
    "RagRetrievalConfigRanking",
    "RagRetrievalConfigRankingLlmRanker",
    "RagRetrievalConfigRankingRankService",
    "VertexRagStoreRagResource",
    "GoogleSearchRetrieval",
    "DynamicRetrievalConfig",
    "McpServer",
    "StreamableHttpTransport",
    "ToolCodeExecution",
    "FunctionDeclaration",
    "UrlContext",
    "ToolExaAiSearch",
    "EnterpriseWebSearch",
    "GoogleSearch",
    "SearchTypes",
    "ImageSearch",
    "WebSearch",
    "Interval",
    "ComputerUse",
    "FileSearch",
    "GoogleMaps",
    "GoogleMapsGroundingTypes",
    "GoogleMapsRouting",
    "GoogleMapsPlaces",
    "ToolParallelAiSearch",
]

register_flexible(Tool)  # dicts in flexible fields become these (_construct)
