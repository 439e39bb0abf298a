# genai_actors.types: wire types as msgspec Structs.
#   _base        base struct, base64 bytes, cached JSON codecs, input union aliases
#   _enums       StrEnum classes for enum-valued fields (fields themselves are str)
#   _enums_more  StrEnum classes of services built later (batches, tunings, live, ...)
#   _content     Content, Part and what a part carries
#   _tools       Tool, FunctionDeclaration, Schema, ToolConfig
#   _generate    GenerateContentConfig and nested settings
#   _response    GenerateContentResponse, Candidate, grounding, usage
#   _models      Model, embeddings, token counting
#   _media       images and videos
#   _operations  long-running operations
#   _http        HttpOptions, HttpRetryOptions (client settings, not wire types)
"""Wire types of the Gemini API (``from genai_actors import types``)."""

from __future__ import annotations

from ._base import HttpResponse as HttpResponse
from ._base import Base64Bytes as Base64Bytes
from ._base import ContentListUnion as ContentListUnion
from ._base import ContentUnion as ContentUnion
from ._base import PartUnion as PartUnion
from ._base import SchemaUnion as SchemaUnion
from ._base import SpeechConfigUnion as SpeechConfigUnion
from ._base import ToolUnion as ToolUnion
from ._enums import ApiSpec as ApiSpec
from ._enums import AspectRatio as AspectRatio
from ._enums import AudioTranscriptionConfigMode as AudioTranscriptionConfigMode
from ._enums import AuthType as AuthType
from ._enums import Behavior as Behavior
from ._enums import BlockedReason as BlockedReason
from ._enums import ControlReferenceType as ControlReferenceType
from ._enums import Delivery as Delivery
from ._enums import DocumentMetadataContentLayer as DocumentMetadataContentLayer
from ._enums import DynamicRetrievalConfigMode as DynamicRetrievalConfigMode
from ._enums import EditMode as EditMode
from ._enums import Environment as Environment
from ._enums import FeatureSelectionPreference as FeatureSelectionPreference
from ._enums import FinishReason as FinishReason
from ._enums import FunctionCallingConfigMode as FunctionCallingConfigMode
from ._enums import FunctionResponseScheduling as FunctionResponseScheduling
from ._enums import HarmBlockMethod as HarmBlockMethod
from ._enums import HarmBlockThreshold as HarmBlockThreshold
from ._enums import HarmCategory as HarmCategory
from ._enums import HarmProbability as HarmProbability
from ._enums import HarmSeverity as HarmSeverity
from ._enums import HttpElementLocation as HttpElementLocation
from ._enums import ImagePromptLanguage as ImagePromptLanguage
from ._enums import ImageResizeMode as ImageResizeMode
from ._enums import ImageSize as ImageSize
from ._enums import Language as Language
from ._enums import MaskReferenceMode as MaskReferenceMode
from ._enums import MediaModality as MediaModality
from ._enums import MediaProcessing as MediaProcessing
from ._enums import MediaResolution as MediaResolution
from ._enums import Modality as Modality
from ._enums import ModelStage as ModelStage
from ._enums import Outcome as Outcome
from ._enums import PartMediaResolutionLevel as PartMediaResolutionLevel
from ._enums import PersonGeneration as PersonGeneration
from ._enums import PhishBlockThreshold as PhishBlockThreshold
from ._enums import ProminentPeople as ProminentPeople
from ._enums import SafetyFilterLevel as SafetyFilterLevel
from ._enums import SafetyPolicy as SafetyPolicy
from ._enums import SegmentMode as SegmentMode
from ._enums import ServiceTier as ServiceTier
from ._enums import SpreadsheetMetadataContentLayer as SpreadsheetMetadataContentLayer
from ._enums import SubjectReferenceType as SubjectReferenceType
from ._enums import ThinkingLevel as ThinkingLevel
from ._enums import ToolType as ToolType
from ._enums import TrafficType as TrafficType
from ._enums import Type as Type
from ._enums import UrlRetrievalStatus as UrlRetrievalStatus
from ._enums import VideoCompressionQuality as VideoCompressionQuality
from ._enums import VideoGenerationMaskMode as VideoGenerationMaskMode
from ._enums import VideoGenerationReferenceType as VideoGenerationReferenceType
from ._enums import VideoMetadataContentLayer as VideoMetadataContentLayer
from ._enums_more import ActivityHandling as ActivityHandling
from ._enums_more import AdapterSize as AdapterSize
from ._enums_more import AggregationMetric as AggregationMetric
from ._enums_more import ComputationBasedMetricType as ComputationBasedMetricType
from ._enums_more import DocumentState as DocumentState
from ._enums_more import EmbeddingApiType as EmbeddingApiType
from ._enums_more import EndSensitivity as EndSensitivity
from ._enums_more import FileSource as FileSource
from ._enums_more import FileState as FileState
from ._enums_more import InteractionStatus as InteractionStatus
from ._enums_more import JSONSchemaType as JSONSchemaType
from ._enums_more import JobState as JobState
from ._enums_more import LiveMusicPlaybackControl as LiveMusicPlaybackControl
from ._enums_more import MatchOperation as MatchOperation
from ._enums_more import MusicGenerationMode as MusicGenerationMode
from ._enums_more import PairwiseChoice as PairwiseChoice
from ._enums_more import ReinforcementTuningThinkingLevel as ReinforcementTuningThinkingLevel
from ._enums_more import ResourceScope as ResourceScope
from ._enums_more import ResponseParseType as ResponseParseType
from ._enums_more import RubricContentType as RubricContentType
from ._enums_more import Scale as Scale
from ._enums_more import StartSensitivity as StartSensitivity
from ._enums_more import TuningJobState as TuningJobState
from ._enums_more import TuningMethod as TuningMethod
from ._enums_more import TuningMode as TuningMode
from ._enums_more import TuningSpeed as TuningSpeed
from ._enums_more import TuningTask as TuningTask
from ._enums_more import TurnCompleteReason as TurnCompleteReason
from ._enums_more import TurnCoverage as TurnCoverage
from ._enums_more import VadSignalType as VadSignalType
from ._enums_more import VideoOrientation as VideoOrientation
from ._enums_more import VoiceActivityType as VoiceActivityType
from ._content import ModelContent as ModelContent
from ._content import UserContent as UserContent
from ._content import Content as Content
from ._content import Part as Part
from ._content import SpeechMetadata as SpeechMetadata
from ._content import VideoMetadata as VideoMetadata
from ._content import Blob as Blob
from ._content import FileData as FileData
from ._content import ToolCall as ToolCall
from ._content import DocumentMetadata as DocumentMetadata
from ._content import SpreadsheetMetadata as SpreadsheetMetadata
from ._content import FunctionCall as FunctionCall
from ._content import PartialArg as PartialArg
from ._content import ExecutableCode as ExecutableCode
from ._content import CodeExecutionResult as CodeExecutionResult
from ._content import AudioMetadata as AudioMetadata
from ._content import Transcription as Transcription
from ._content import WordInfo as WordInfo
from ._content import FunctionResponse as FunctionResponse
from ._content import FunctionResponsePart as FunctionResponsePart
from ._content import FunctionResponseBlob as FunctionResponseBlob
from ._content import FunctionResponseFileData as FunctionResponseFileData
from ._content import PartMediaResolution as PartMediaResolution
from ._content import ToolResponse as ToolResponse
from ._tools import Schema as Schema
from ._tools import ToolConfig as ToolConfig
from ._tools import FunctionCallingConfig as FunctionCallingConfig
from ._tools import RetrievalConfig as RetrievalConfig
from ._tools import LatLng as LatLng
from ._tools import Tool as Tool
from ._tools import Retrieval as Retrieval
from ._tools import ExternalApi as ExternalApi
from ._tools import AuthConfig as AuthConfig
from ._tools import AuthConfigHttpBasicAuthConfig as AuthConfigHttpBasicAuthConfig
from ._tools import ApiKeyConfig as ApiKeyConfig
from ._tools import AuthConfigOauthConfig as AuthConfigOauthConfig
from ._tools import AuthConfigGoogleServiceAccountConfig as AuthConfigGoogleServiceAccountConfig
from ._tools import AuthConfigOidcConfig as AuthConfigOidcConfig
from ._tools import ExternalApiElasticSearchParams as ExternalApiElasticSearchParams
from ._tools import ExternalApiSimpleSearchParams as ExternalApiSimpleSearchParams
from ._tools import ApiAuth as ApiAuth
from ._tools import ApiAuthApiKeyConfig as ApiAuthApiKeyConfig
from ._tools import VertexAISearch as VertexAISearch
from ._tools import VertexAISearchDataStoreSpec as VertexAISearchDataStoreSpec
from ._tools import VertexRagStore as VertexRagStore
from ._tools import RagRetrievalConfig as RagRetrievalConfig
from ._tools import RagRetrievalConfigHybridSearch as RagRetrievalConfigHybridSearch
from ._tools import RagRetrievalConfigFilter as RagRetrievalConfigFilter
from ._tools import RagRetrievalConfigRanking as RagRetrievalConfigRanking
from ._tools import RagRetrievalConfigRankingLlmRanker as RagRetrievalConfigRankingLlmRanker
from ._tools import RagRetrievalConfigRankingRankService as RagRetrievalConfigRankingRankService
from ._tools import VertexRagStoreRagResource as VertexRagStoreRagResource
from ._tools import GoogleSearchRetrieval as GoogleSearchRetrieval
from ._tools import DynamicRetrievalConfig as DynamicRetrievalConfig
from ._tools import McpServer as McpServer
from ._tools import StreamableHttpTransport as StreamableHttpTransport
from ._tools import ToolCodeExecution as ToolCodeExecution
from ._tools import FunctionDeclaration as FunctionDeclaration
from ._tools import UrlContext as UrlContext
from ._tools import ToolExaAiSearch as ToolExaAiSearch
from ._tools import EnterpriseWebSearch as EnterpriseWebSearch
from ._tools import GoogleSearch as GoogleSearch
from ._tools import SearchTypes as SearchTypes
from ._tools import ImageSearch as ImageSearch
from ._tools import WebSearch as WebSearch
from ._tools import Interval as Interval
from ._tools import ComputerUse as ComputerUse
from ._tools import FileSearch as FileSearch
from ._tools import GoogleMaps as GoogleMaps
from ._tools import GoogleMapsGroundingTypes as GoogleMapsGroundingTypes
from ._tools import GoogleMapsRouting as GoogleMapsRouting
from ._tools import GoogleMapsPlaces as GoogleMapsPlaces
from ._tools import ToolParallelAiSearch as ToolParallelAiSearch
from ._generate import GenerateContentConfig as GenerateContentConfig
from ._generate import SafetySetting as SafetySetting
from ._generate import AutomaticFunctionCallingConfig as AutomaticFunctionCallingConfig
from ._generate import ModelArmorConfig as ModelArmorConfig
from ._generate import AudioTranscriptionConfig as AudioTranscriptionConfig
from ._generate import LanguageHints as LanguageHints
from ._generate import LanguageAuto as LanguageAuto
from ._generate import ModelSelectionConfig as ModelSelectionConfig
from ._generate import GenerationOutputConfig as GenerationOutputConfig
from ._generate import ThinkingConfig as ThinkingConfig
from ._generate import SpeechConfig as SpeechConfig
from ._generate import MultiSpeakerVoiceConfig as MultiSpeakerVoiceConfig
from ._generate import SpeakerVoiceConfig as SpeakerVoiceConfig
from ._generate import VoiceConfig as VoiceConfig
from ._generate import ReplicatedVoiceConfig as ReplicatedVoiceConfig
from ._generate import VoiceConsentSignature as VoiceConsentSignature
from ._generate import PrebuiltVoiceConfig as PrebuiltVoiceConfig
from ._generate import ImageConfig as ImageConfig
from ._generate import ImageConfigImageOutputOptions as ImageConfigImageOutputOptions
from ._generate import GenerationConfigRoutingConfig as GenerationConfigRoutingConfig
from ._generate import (
    GenerationConfigRoutingConfigManualRoutingMode as GenerationConfigRoutingConfigManualRoutingMode,  # noqa: E501
)
from ._generate import (
    GenerationConfigRoutingConfigAutoRoutingMode as GenerationConfigRoutingConfigAutoRoutingMode,
)
from ._generate import GenerationConfig as GenerationConfig
from ._generate import TranslationConfig as TranslationConfig
from ._generate import ResponseFormat as ResponseFormat
from ._generate import VideoResponseFormat as VideoResponseFormat
from ._generate import ImageResponseFormat as ImageResponseFormat
from ._generate import TextResponseFormat as TextResponseFormat
from ._generate import AudioResponseFormat as AudioResponseFormat
from ._response import PromptFeedback as PromptFeedback
from ._response import GenerateContentResponse as GenerateContentResponse
from ._response import (
    GenerateContentResponsePromptFeedback as GenerateContentResponsePromptFeedback,
)
from ._response import SafetyRating as SafetyRating
from ._response import ModelStatus as ModelStatus
from ._response import Candidate as Candidate
from ._response import LogprobsResult as LogprobsResult
from ._response import LogprobsResultCandidate as LogprobsResultCandidate
from ._response import LogprobsResultTopCandidates as LogprobsResultTopCandidates
from ._response import GroundingMetadata as GroundingMetadata
from ._response import RetrievalMetadata as RetrievalMetadata
from ._response import GroundingChunk as GroundingChunk
from ._response import GroundingChunkImage as GroundingChunkImage
from ._response import GroundingChunkMaps as GroundingChunkMaps
from ._response import GroundingChunkMapsRoute as GroundingChunkMapsRoute
from ._response import GroundingChunkMapsPlaceAnswerSources as GroundingChunkMapsPlaceAnswerSources
from ._response import (
    GroundingChunkMapsPlaceAnswerSourcesReviewSnippet as GroundingChunkMapsPlaceAnswerSourcesReviewSnippet,  # noqa: E501
)
from ._response import (
    GroundingChunkMapsPlaceAnswerSourcesAuthorAttribution as GroundingChunkMapsPlaceAnswerSourcesAuthorAttribution,  # noqa: E501
)
from ._response import GroundingChunkWeb as GroundingChunkWeb
from ._response import GroundingChunkRetrievedContext as GroundingChunkRetrievedContext
from ._response import RagChunk as RagChunk
from ._response import RagChunkPageSpan as RagChunkPageSpan
from ._response import GroundingChunkCustomMetadata as GroundingChunkCustomMetadata
from ._response import GroundingChunkStringList as GroundingChunkStringList
from ._response import SearchEntryPoint as SearchEntryPoint
from ._response import GroundingMetadataSourceFlaggingUri as GroundingMetadataSourceFlaggingUri
from ._response import GroundingSupport as GroundingSupport
from ._response import Segment as Segment
from ._response import UrlContextMetadata as UrlContextMetadata
from ._response import UrlMetadata as UrlMetadata
from ._response import CitationMetadata as CitationMetadata
from ._response import Citation as Citation
from ._response import GoogleTypeDate as GoogleTypeDate
from ._response import GenerateContentResponseUsageMetadata as GenerateContentResponseUsageMetadata
from ._response import ModalityTokenCount as ModalityTokenCount
from ._models import EmbedContentConfig as EmbedContentConfig
from ._models import EmbedContentResponse as EmbedContentResponse
from ._models import EmbedContentMetadata as EmbedContentMetadata
from ._models import ContentEmbedding as ContentEmbedding
from ._models import ContentEmbeddingStatistics as ContentEmbeddingStatistics
from ._models import UsageMetadata as UsageMetadata
from ._models import CountTokensConfig as CountTokensConfig
from ._models import CountTokensResponse as CountTokensResponse
from ._models import ComputeTokensConfig as ComputeTokensConfig
from ._models import ComputeTokensResponse as ComputeTokensResponse
from ._models import TokensInfo as TokensInfo
from ._models import Model as Model
from ._models import Checkpoint as Checkpoint
from ._models import Endpoint as Endpoint
from ._models import TunedModelInfo as TunedModelInfo
from ._models import ListModelsConfig as ListModelsConfig
from ._models import ListModelsResponse as ListModelsResponse
from ._models import UpdateModelConfig as UpdateModelConfig
from ._models import DeleteModelConfig as DeleteModelConfig
from ._models import DeleteModelResponse as DeleteModelResponse
from ._models import GetModelConfig as GetModelConfig
from ._media import GenerateImagesConfig as GenerateImagesConfig
from ._media import GenerateImagesResponse as GenerateImagesResponse
from ._media import SafetyAttributes as SafetyAttributes
from ._media import GeneratedImage as GeneratedImage
from ._media import Image as Image
from ._media import EditImageConfig as EditImageConfig
from ._media import EditImageResponse as EditImageResponse
from ._media import UpscaleImageConfig as UpscaleImageConfig
from ._media import UpscaleImageResponse as UpscaleImageResponse
from ._media import RecontextImageConfig as RecontextImageConfig
from ._media import RecontextImageSource as RecontextImageSource
from ._media import ProductImage as ProductImage
from ._media import RecontextImageResponse as RecontextImageResponse
from ._media import SegmentImageConfig as SegmentImageConfig
from ._media import SegmentImageSource as SegmentImageSource
from ._media import ScribbleImage as ScribbleImage
from ._media import SegmentImageResponse as SegmentImageResponse
from ._media import GeneratedImageMask as GeneratedImageMask
from ._media import EntityLabel as EntityLabel
from ._media import GenerateVideosConfig as GenerateVideosConfig
from ._media import VideoGenerationReferenceImage as VideoGenerationReferenceImage
from ._media import WebhookConfig as WebhookConfig
from ._media import VideoGenerationMask as VideoGenerationMask
from ._media import GenerateVideosSource as GenerateVideosSource
from ._media import Video as Video
from ._media import GenerateVideosResponse as GenerateVideosResponse
from ._media import GeneratedVideo as GeneratedVideo
from ._media import RawReferenceImage as RawReferenceImage
from ._media import MaskReferenceImage as MaskReferenceImage
from ._media import MaskReferenceConfig as MaskReferenceConfig
from ._media import ControlReferenceImage as ControlReferenceImage
from ._media import ControlReferenceConfig as ControlReferenceConfig
from ._media import StyleReferenceImage as StyleReferenceImage
from ._media import StyleReferenceConfig as StyleReferenceConfig
from ._media import SubjectReferenceImage as SubjectReferenceImage
from ._media import SubjectReferenceConfig as SubjectReferenceConfig
from ._media import ContentReferenceImage as ContentReferenceImage
from ._operations import GenerateVideosOperation as GenerateVideosOperation
from ._operations import Operation as Operation
from ._operations import OperationError as OperationError

__all__ = [
    "HttpResponse",
    "Base64Bytes",
    "ContentListUnion",
    "ContentUnion",
    "PartUnion",
    "SchemaUnion",
    "SpeechConfigUnion",
    "ToolUnion",
    "ApiSpec",
    "AspectRatio",
    "AudioTranscriptionConfigMode",
    "AuthType",
    "Behavior",
    "BlockedReason",
    "ControlReferenceType",
    "Delivery",
    "DocumentMetadataContentLayer",
    "DynamicRetrievalConfigMode",
    "EditMode",
    "Environment",
    "FeatureSelectionPreference",
    "FinishReason",
    "FunctionCallingConfigMode",
    "FunctionResponseScheduling",
    "HarmBlockMethod",
    "HarmBlockThreshold",
    "HarmCategory",
    "HarmProbability",
    "HarmSeverity",
    "HttpElementLocation",
    "ImagePromptLanguage",
    "ImageResizeMode",
    "ImageSize",
    "Language",
    "MaskReferenceMode",
    "MediaModality",
    "MediaProcessing",
    "MediaResolution",
    "Modality",
    "ModelStage",
    "Outcome",
    "PartMediaResolutionLevel",
    "PersonGeneration",
    "PhishBlockThreshold",
    "ProminentPeople",
    "SafetyFilterLevel",
    "SafetyPolicy",
    "SegmentMode",
    "ServiceTier",
    "SpreadsheetMetadataContentLayer",
    "SubjectReferenceType",
    "ThinkingLevel",
    "ToolType",
    "TrafficType",
    "Type",
    "UrlRetrievalStatus",
    "VideoCompressionQuality",
    "VideoGenerationMaskMode",
    "VideoGenerationReferenceType",
    "VideoMetadataContentLayer",
    "ActivityHandling",
    "AdapterSize",
    "AggregationMetric",
    "ComputationBasedMetricType",
    "DocumentState",
    "EmbeddingApiType",
    "EndSensitivity",
    "FileSource",
    "FileState",
    "InteractionStatus",
    "JSONSchemaType",
    "JobState",
    "LiveMusicPlaybackControl",
    "MatchOperation",
    "MusicGenerationMode",
    "PairwiseChoice",
    "ReinforcementTuningThinkingLevel",
    "ResourceScope",
    "ResponseParseType",
    "RubricContentType",
    "Scale",
    "StartSensitivity",
    "TuningJobState",
    "TuningMethod",
    "TuningMode",
    "TuningSpeed",
    "TuningTask",
    "TurnCompleteReason",
    "TurnCoverage",
    "VadSignalType",
    "VideoOrientation",
    "VoiceActivityType",
    "ModelContent",
    "UserContent",
    "Content",
    "Part",
    "SpeechMetadata",
    "VideoMetadata",
    "Blob",
    "FileData",
    "ToolCall",
    "DocumentMetadata",
    "SpreadsheetMetadata",
    "FunctionCall",
    "PartialArg",
    "ExecutableCode",
    "CodeExecutionResult",
    "AudioMetadata",
    "Transcription",
    "WordInfo",
    "FunctionResponse",
    "FunctionResponsePart",
    "FunctionResponseBlob",
    "FunctionResponseFileData",
    "PartMediaResolution",
    "ToolResponse",
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
    "PromptFeedback",
    "GenerateContentResponse",
    "GenerateContentResponsePromptFeedback",
    "SafetyRating",
    "ModelStatus",
    "Candidate",
    "LogprobsResult",
    "LogprobsResultCandidate",
    "LogprobsResultTopCandidates",
    "GroundingMetadata",
    "RetrievalMetadata",
    "GroundingChunk",
    "GroundingChunkImage",
    "GroundingChunkMaps",
    "GroundingChunkMapsRoute",
    "GroundingChunkMapsPlaceAnswerSources",
    "GroundingChunkMapsPlaceAnswerSourcesReviewSnippet",
    "GroundingChunkMapsPlaceAnswerSourcesAuthorAttribution",
    "GroundingChunkWeb",
    "GroundingChunkRetrievedContext",
    "RagChunk",
    "RagChunkPageSpan",
    "GroundingChunkCustomMetadata",
    "GroundingChunkStringList",
    "SearchEntryPoint",
    "GroundingMetadataSourceFlaggingUri",
    "GroundingSupport",
    "Segment",
    "UrlContextMetadata",
    "UrlMetadata",
    "CitationMetadata",
    "Citation",
    "GoogleTypeDate",
    "GenerateContentResponseUsageMetadata",
    "ModalityTokenCount",
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
    "GenerateImagesConfig",
    "GenerateImagesResponse",
    "SafetyAttributes",
    "GeneratedImage",
    "Image",
    "EditImageConfig",
    "EditImageResponse",
    "UpscaleImageConfig",
    "UpscaleImageResponse",
    "RecontextImageConfig",
    "RecontextImageSource",
    "ProductImage",
    "RecontextImageResponse",
    "SegmentImageConfig",
    "SegmentImageSource",
    "ScribbleImage",
    "SegmentImageResponse",
    "GeneratedImageMask",
    "EntityLabel",
    "GenerateVideosConfig",
    "VideoGenerationReferenceImage",
    "WebhookConfig",
    "VideoGenerationMask",
    "GenerateVideosSource",
    "Video",
    "GenerateVideosResponse",
    "GeneratedVideo",
    "RawReferenceImage",
    "MaskReferenceImage",
    "MaskReferenceConfig",
    "ControlReferenceImage",
    "ControlReferenceConfig",
    "StyleReferenceImage",
    "StyleReferenceConfig",
    "SubjectReferenceImage",
    "SubjectReferenceConfig",
    "ContentReferenceImage",
    "GenerateVideosOperation",
    "Operation",
    "OperationError",
]
