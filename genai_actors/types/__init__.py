# genai_actors.types: wire types as msgspec Structs.
#   _base        base struct, base64 bytes, cached JSON codecs, input union aliases, enum_of
#   _enums       StrEnum classes for enum-valued fields (fields themselves are str)
#   _enums_more  StrEnum classes of services built later (batches, tunings, live, ...)
#   _content     Content, Part and what a part carries
#   _parts       part-like values -> Part (t_part), UserContent / ModelContent
#   _tools       Tool, FunctionDeclaration, Schema, ToolConfig
#   _generate    GenerateContentConfig and nested settings
#   _response    GenerateContentResponse, Candidate, grounding, usage
#   _models      Model, embeddings, token counting
#   _media       images and videos
#   _operations  long-running operations
#   _caches      CachedContent and caches configs
#   _batches     BatchJob, batch sources/results and configs
#   _tunings     TuningJob, tuning datasets and configs
#   _files       File and the files configs
#   _file_search FileSearchStore, Document, import/upload operations and configs
#   _auth_tokens AuthToken, CreateAuthTokenConfig, minimal Live connect shapes
#   _live        Live server messages (LiveServerMessage and its parts)
#   _http        HttpOptions, HttpRetryOptions, ResourceScope (client settings, not wire types)
#   _validate    request-side validation: dict keys, enum values, value types (private)
#   _generated_types  wire types, enums, constants of google-genai's types not written by hand
#   _generated_dicts  the XDict / XOrDict forms and input unions (for annotations)
#   _generated_index  which generated module holds each generated name
#                (the three are written by scripts/gen_types.py; the first two are imported
#                lazily, on the first use of one of their names, to keep the import cheap)
#
# Each public name is written once, in the __all__ of the module that defines it. The package
# imports no module until one of its names is first used (PEP 562): _HAND below says which
# hand-written module holds each name (it must equal their __all__, checked by
# tests/genai_actors/types/test_exports.py and tests/test_import_cost.py), _generated_index the
# generated ones (itself read only when a name is not in _HAND). For type checkers the package
# star-imports every module (an explicit re-export); its __all__, their union, is built on
# first read.
"""Wire types of the Gemini API (``from genai_actors import types``)."""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from ._auth_tokens import *  # noqa: F403
    from ._base import *  # noqa: F403
    from ._batches import *  # noqa: F403
    from ._caches import *  # noqa: F403
    from ._content import *  # noqa: F403
    from ._enums import *  # noqa: F403
    from ._enums_more import *  # noqa: F403
    from ._file_search import *  # noqa: F403
    from ._files import *  # noqa: F403
    from ._generate import *  # noqa: F403
    from ._generated_dicts import *  # noqa: F403
    from ._generated_types import *  # noqa: F403
    from ._http import *  # noqa: F403
    from ._live import *  # noqa: F403
    from ._media import *  # noqa: F403
    from ._models import *  # noqa: F403
    from ._operations import *  # noqa: F403
    from ._parts import *  # noqa: F403
    from ._response import *  # noqa: F403
    from ._tools import *  # noqa: F403
    from ._tunings import *  # noqa: F403

# module -> its __all__, space-separated, in the module's own order
_HAND: dict[str, str] = {
    "_auth_tokens": (
        "AuthToken AutomaticActivityDetection AvatarConfig ContextWindowCompressionConfig "
        "CreateAuthTokenConfig HistoryConfig LiveConnectConfig LiveConnectConstraints "
        "ProactivityConfig RealtimeInputConfig SessionResumptionConfig SlidingWindow "
        "TokenTimeUnion"
    ),
    "_base": (
        "HttpResponse Base64Bytes ContentListUnion ContentUnion PartUnion SchemaUnion "
        "SpeechConfigUnion ToolUnion"
    ),
    "_batches": (
        "BATCH_TERMINAL_STATES BatchJob BatchJobDestination BatchJobOutputInfo BatchJobSource "
        "BatchJobStats BatchResult CancelBatchJobConfig CompletionStats CreateBatchJobConfig "
        "CreateEmbeddingsBatchJobConfig DeleteBatchJobConfig DeleteResourceJob "
        "EmbedContentBatch EmbeddingsBatchJobSource GetBatchJobConfig "
        "InlinedEmbedContentResponse InlinedRequest InlinedResponse JobError "
        "ListBatchJobsConfig ListBatchJobsResponse SingleEmbedContentResponse "
        "VertexMultimodalDatasetDestination"
    ),
    "_caches": (
        "CachedContent CachedContentUsageMetadata CreateCachedContentConfig "
        "DeleteCachedContentConfig DeleteCachedContentResponse GetCachedContentConfig "
        "ListCachedContentsConfig ListCachedContentsResponse TimeUnion TtlUnion "
        "UpdateCachedContentConfig"
    ),
    "_content": (
        "Content Part SpeechMetadata VideoMetadata Blob FileData ToolCall DocumentMetadata "
        "SpreadsheetMetadata FunctionCall PartialArg ExecutableCode CodeExecutionResult "
        "AudioMetadata Transcription WordInfo FunctionResponse FunctionResponsePart "
        "FunctionResponseBlob FunctionResponseFileData PartMediaResolution ToolResponse"
    ),
    "_enums": (
        "UnknownEnumValueWarning ApiSpec AspectRatio AudioTranscriptionConfigMode AuthType "
        "Behavior BlockedReason ControlReferenceType Delivery DocumentMetadataContentLayer "
        "DynamicRetrievalConfigMode EditMode Environment FeatureSelectionPreference "
        "FinishReason FunctionCallingConfigMode FunctionResponseScheduling HarmBlockMethod "
        "HarmBlockThreshold HarmCategory HarmProbability HarmSeverity HttpElementLocation "
        "ImagePromptLanguage ImageResizeMode ImageSize Language MaskReferenceMode "
        "MediaModality MediaProcessing MediaResolution Modality ModelStage Outcome "
        "PartMediaResolutionLevel PersonGeneration PhishBlockThreshold ProminentPeople "
        "SafetyFilterLevel SafetyPolicy SegmentMode ServiceTier "
        "SpreadsheetMetadataContentLayer SubjectReferenceType ThinkingLevel ToolType "
        "TrafficType Type UrlRetrievalStatus VideoCompressionQuality VideoGenerationMaskMode "
        "VideoGenerationReferenceType VideoMetadataContentLayer"
    ),
    "_enums_more": (
        "ActivityHandling AdapterSize AggregationMetric ComputationBasedMetricType "
        "DocumentState EmbeddingApiType EndSensitivity FileSource FileState InteractionStatus "
        "JSONSchemaType JobState LiveMusicPlaybackControl MatchOperation MusicGenerationMode "
        "PairwiseChoice ReinforcementTuningThinkingLevel ResponseParseType "
        "RubricContentType Scale StartSensitivity TuningJobState TuningMethod TuningMode "
        "TuningSpeed TuningTask TurnCompleteReason TurnCoverage VadSignalType "
        "VideoOrientation VoiceActivityType"
    ),
    "_file_search": (
        "ChunkingConfig CreateFileSearchStoreConfig CustomMetadata DeleteDocumentConfig "
        "DeleteFileSearchStoreConfig Document DownloadMediaConfig FileSearchStore "
        "GetDocumentConfig GetFileSearchStoreConfig ImportFileConfig ImportFileOperation "
        "ImportFileResponse ListDocumentsConfig ListDocumentsResponse "
        "ListFileSearchStoresConfig ListFileSearchStoresResponse StringList "
        "UploadToFileSearchStoreConfig UploadToFileSearchStoreOperation "
        "UploadToFileSearchStoreResponse WhiteSpaceConfig"
    ),
    "_files": (
        "CreateFileConfig CreateFileResponse DeleteFileConfig DeleteFileResponse "
        "DownloadFileConfig File FileStatus GetFileConfig ListFilesConfig ListFilesResponse "
        "RegisterFilesConfig RegisterFilesResponse UploadFileConfig"
    ),
    "_generate": (
        "GenerateContentConfig SafetySetting AutomaticFunctionCallingConfig ModelArmorConfig "
        "AudioTranscriptionConfig LanguageHints LanguageAuto ModelSelectionConfig "
        "GenerationOutputConfig ThinkingConfig SpeechConfig MultiSpeakerVoiceConfig "
        "SpeakerVoiceConfig VoiceConfig ReplicatedVoiceConfig VoiceConsentSignature "
        "PrebuiltVoiceConfig ImageConfig ImageConfigImageOutputOptions "
        "GenerationConfigRoutingConfig GenerationConfigRoutingConfigManualRoutingMode "
        "GenerationConfigRoutingConfigAutoRoutingMode GenerationConfig TranslationConfig "
        "ResponseFormat VideoResponseFormat ImageResponseFormat TextResponseFormat "
        "AudioResponseFormat"
    ),
    "_http": "HttpOptions HttpRetryOptions ResourceScope",
    "_live": (
        "ActivityEnd ActivityStart LiveServerContent LiveServerGoAway LiveServerMessage "
        "LiveServerSessionResumptionUpdate LiveServerSetupComplete LiveServerToolCall "
        "LiveServerToolCallCancellation VoiceActivityDetectionSignal"
    ),
    "_media": (
        "GenerateImagesConfig GenerateImagesResponse SafetyAttributes GeneratedImage Image "
        "EditImageConfig EditImageResponse UpscaleImageConfig UpscaleImageResponse "
        "RecontextImageConfig RecontextImageSource ProductImage RecontextImageResponse "
        "SegmentImageConfig SegmentImageSource ScribbleImage SegmentImageResponse "
        "GeneratedImageMask EntityLabel GenerateVideosConfig VideoGenerationReferenceImage "
        "WebhookConfig VideoGenerationMask GenerateVideosSource Video GenerateVideosResponse "
        "GeneratedVideo RawReferenceImage MaskReferenceImage MaskReferenceConfig "
        "ControlReferenceImage ControlReferenceConfig StyleReferenceImage "
        "StyleReferenceConfig SubjectReferenceImage SubjectReferenceConfig "
        "ContentReferenceImage"
    ),
    "_models": (
        "EmbedContentConfig EmbedContentResponse EmbedContentMetadata ContentEmbedding "
        "ContentEmbeddingStatistics UsageMetadata CountTokensConfig CountTokensResponse "
        "ComputeTokensConfig ComputeTokensResponse TokensInfo Model Checkpoint Endpoint "
        "TunedModelInfo ListModelsConfig ListModelsResponse UpdateModelConfig "
        "DeleteModelConfig DeleteModelResponse GetModelConfig"
    ),
    "_operations": "GenerateVideosOperation Operation OperationError",
    "_parts": "ModelContent UserContent",
    "_response": (
        "PromptFeedback GenerateContentResponse GenerateContentResponsePromptFeedback "
        "SafetyRating ModelStatus Candidate LogprobsResult LogprobsResultCandidate "
        "LogprobsResultTopCandidates GroundingMetadata RetrievalMetadata GroundingChunk "
        "GroundingChunkImage GroundingChunkMaps GroundingChunkMapsRoute "
        "GroundingChunkMapsPlaceAnswerSources "
        "GroundingChunkMapsPlaceAnswerSourcesReviewSnippet "
        "GroundingChunkMapsPlaceAnswerSourcesAuthorAttribution GroundingChunkWeb "
        "GroundingChunkRetrievedContext RagChunk RagChunkPageSpan "
        "GroundingChunkCustomMetadata GroundingChunkStringList SearchEntryPoint "
        "GroundingMetadataSourceFlaggingUri GroundingSupport Segment UrlContextMetadata "
        "UrlMetadata CitationMetadata Citation GoogleTypeDate "
        "GenerateContentResponseUsageMetadata ModalityTokenCount"
    ),
    "_tools": (
        "Schema ToolConfig FunctionCallingConfig RetrievalConfig LatLng Tool Retrieval "
        "ExternalApi AuthConfig AuthConfigHttpBasicAuthConfig ApiKeyConfig "
        "AuthConfigOauthConfig AuthConfigGoogleServiceAccountConfig AuthConfigOidcConfig "
        "ExternalApiElasticSearchParams ExternalApiSimpleSearchParams ApiAuth "
        "ApiAuthApiKeyConfig VertexAISearch VertexAISearchDataStoreSpec VertexRagStore "
        "RagRetrievalConfig RagRetrievalConfigHybridSearch RagRetrievalConfigFilter "
        "RagRetrievalConfigRanking RagRetrievalConfigRankingLlmRanker "
        "RagRetrievalConfigRankingRankService VertexRagStoreRagResource GoogleSearchRetrieval "
        "DynamicRetrievalConfig McpServer StreamableHttpTransport ToolCodeExecution "
        "FunctionDeclaration UrlContext ToolExaAiSearch EnterpriseWebSearch GoogleSearch "
        "SearchTypes ImageSearch WebSearch Interval ComputerUse FileSearch GoogleMaps "
        "GoogleMapsGroundingTypes GoogleMapsRouting GoogleMapsPlaces ToolParallelAiSearch"
    ),
    "_tunings": (
        "TUNING_TERMINAL_STATES CancelTuningJobConfig CancelTuningJobResponse "
        "CreateTuningJobConfig CreateTuningJobParameters EncryptionSpec GetTuningJobConfig "
        "ListTuningJobsConfig "
        "ListTuningJobsResponse PreTunedModel TunedModel TunedModelCheckpoint TuningDataset "
        "TuningExample TuningJob TuningOperation TuningSnapshot TuningValidationDataset "
        "ValidateRewardConfig ValidateRewardResponse"
    ),
}

_WHERE: dict[str, str] = {name: module for module, names in _HAND.items() for name in names.split()}


def _generated() -> dict[str, str]:
    """The generated names and their modules (the index itself is read on first need)."""
    from ._generated_index import LAZY

    return LAZY


def __getattr__(name: str) -> _typing.Any:
    """Import the module of a public name on the first use of the name (PEP 562).

    The value is then bound in the package, so later reads never come here. ``__all__`` is
    built on first read too (it needs the generated index). A module's import error
    propagates as it is.

    Raises:
        AttributeError: ``name`` is no name of this package.
    """
    if name == "__all__":
        every = [public for names in _HAND.values() for public in names.split()]
        every += _generated()
        globals()["__all__"] = every
        return every
    module = _WHERE.get(name) or _generated().get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE, *_generated()})
