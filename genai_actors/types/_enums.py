"""String enums of the fields in the models wire types.

Wire fields that carry these values are declared as ``str``, so a value the API adds later
decodes as a plain string instead of failing; compare against these members
(``candidate.finish_reason == FinishReason.STOP``), which are themselves strings.
"""

from __future__ import annotations

from enum import StrEnum


class ApiSpec(StrEnum):
    """Values of ``ApiSpec``."""

    API_SPEC_UNSPECIFIED = "API_SPEC_UNSPECIFIED"
    SIMPLE_SEARCH = "SIMPLE_SEARCH"
    ELASTIC_SEARCH = "ELASTIC_SEARCH"


class AspectRatio(StrEnum):
    """Values of ``AspectRatio``."""

    ASPECT_RATIO_UNSPECIFIED = "ASPECT_RATIO_UNSPECIFIED"
    ASPECT_RATIO_ONE_BY_ONE = "ASPECT_RATIO_ONE_BY_ONE"
    ASPECT_RATIO_TWO_BY_THREE = "ASPECT_RATIO_TWO_BY_THREE"
    ASPECT_RATIO_THREE_BY_TWO = "ASPECT_RATIO_THREE_BY_TWO"
    ASPECT_RATIO_THREE_BY_FOUR = "ASPECT_RATIO_THREE_BY_FOUR"
    ASPECT_RATIO_FOUR_BY_THREE = "ASPECT_RATIO_FOUR_BY_THREE"
    ASPECT_RATIO_FOUR_BY_FIVE = "ASPECT_RATIO_FOUR_BY_FIVE"
    ASPECT_RATIO_FIVE_BY_FOUR = "ASPECT_RATIO_FIVE_BY_FOUR"
    ASPECT_RATIO_NINE_BY_SIXTEEN = "ASPECT_RATIO_NINE_BY_SIXTEEN"
    ASPECT_RATIO_SIXTEEN_BY_NINE = "ASPECT_RATIO_SIXTEEN_BY_NINE"
    ASPECT_RATIO_TWENTY_ONE_BY_NINE = "ASPECT_RATIO_TWENTY_ONE_BY_NINE"
    ASPECT_RATIO_ONE_BY_EIGHT = "ASPECT_RATIO_ONE_BY_EIGHT"
    ASPECT_RATIO_EIGHT_BY_ONE = "ASPECT_RATIO_EIGHT_BY_ONE"
    ASPECT_RATIO_ONE_BY_FOUR = "ASPECT_RATIO_ONE_BY_FOUR"
    ASPECT_RATIO_FOUR_BY_ONE = "ASPECT_RATIO_FOUR_BY_ONE"


class AudioTranscriptionConfigMode(StrEnum):
    """Values of ``AudioTranscriptionConfigMode``."""

    MODE_UNSPECIFIED = "MODE_UNSPECIFIED"
    VERBATIM = "VERBATIM"
    SMART = "SMART"


class AuthType(StrEnum):
    """Values of ``AuthType``."""

    AUTH_TYPE_UNSPECIFIED = "AUTH_TYPE_UNSPECIFIED"
    NO_AUTH = "NO_AUTH"
    API_KEY_AUTH = "API_KEY_AUTH"
    HTTP_BASIC_AUTH = "HTTP_BASIC_AUTH"
    GOOGLE_SERVICE_ACCOUNT_AUTH = "GOOGLE_SERVICE_ACCOUNT_AUTH"
    OAUTH = "OAUTH"
    OIDC_AUTH = "OIDC_AUTH"


class Behavior(StrEnum):
    """Values of ``Behavior``."""

    UNSPECIFIED = "UNSPECIFIED"
    BLOCKING = "BLOCKING"
    NON_BLOCKING = "NON_BLOCKING"


class BlockedReason(StrEnum):
    """Values of ``BlockedReason``."""

    BLOCKED_REASON_UNSPECIFIED = "BLOCKED_REASON_UNSPECIFIED"
    SAFETY = "SAFETY"
    OTHER = "OTHER"
    BLOCKLIST = "BLOCKLIST"
    PROHIBITED_CONTENT = "PROHIBITED_CONTENT"
    IMAGE_SAFETY = "IMAGE_SAFETY"
    MODEL_ARMOR = "MODEL_ARMOR"
    JAILBREAK = "JAILBREAK"


class ControlReferenceType(StrEnum):
    """Values of ``ControlReferenceType``."""

    CONTROL_TYPE_DEFAULT = "CONTROL_TYPE_DEFAULT"
    CONTROL_TYPE_CANNY = "CONTROL_TYPE_CANNY"
    CONTROL_TYPE_SCRIBBLE = "CONTROL_TYPE_SCRIBBLE"
    CONTROL_TYPE_FACE_MESH = "CONTROL_TYPE_FACE_MESH"


class Delivery(StrEnum):
    """Values of ``Delivery``."""

    DELIVERY_UNSPECIFIED = "DELIVERY_UNSPECIFIED"
    INLINE = "INLINE"
    URI = "URI"


class DocumentMetadataContentLayer(StrEnum):
    """Values of ``DocumentMetadataContentLayer``."""

    CONTENT_LAYER_UNSPECIFIED = "CONTENT_LAYER_UNSPECIFIED"
    PAGE_IMAGE = "PAGE_IMAGE"
    PAGE_TEXT = "PAGE_TEXT"


class DynamicRetrievalConfigMode(StrEnum):
    """Values of ``DynamicRetrievalConfigMode``."""

    MODE_UNSPECIFIED = "MODE_UNSPECIFIED"
    MODE_DYNAMIC = "MODE_DYNAMIC"


class EditMode(StrEnum):
    """Values of ``EditMode``."""

    EDIT_MODE_DEFAULT = "EDIT_MODE_DEFAULT"
    EDIT_MODE_INPAINT_REMOVAL = "EDIT_MODE_INPAINT_REMOVAL"
    EDIT_MODE_INPAINT_INSERTION = "EDIT_MODE_INPAINT_INSERTION"
    EDIT_MODE_OUTPAINT = "EDIT_MODE_OUTPAINT"
    EDIT_MODE_CONTROLLED_EDITING = "EDIT_MODE_CONTROLLED_EDITING"
    EDIT_MODE_STYLE = "EDIT_MODE_STYLE"
    EDIT_MODE_BGSWAP = "EDIT_MODE_BGSWAP"
    EDIT_MODE_PRODUCT_IMAGE = "EDIT_MODE_PRODUCT_IMAGE"


class Environment(StrEnum):
    """Values of ``Environment``."""

    ENVIRONMENT_UNSPECIFIED = "ENVIRONMENT_UNSPECIFIED"
    ENVIRONMENT_BROWSER = "ENVIRONMENT_BROWSER"
    ENVIRONMENT_MOBILE = "ENVIRONMENT_MOBILE"
    ENVIRONMENT_DESKTOP = "ENVIRONMENT_DESKTOP"


class FeatureSelectionPreference(StrEnum):
    """Values of ``FeatureSelectionPreference``."""

    FEATURE_SELECTION_PREFERENCE_UNSPECIFIED = "FEATURE_SELECTION_PREFERENCE_UNSPECIFIED"
    PRIORITIZE_QUALITY = "PRIORITIZE_QUALITY"
    BALANCED = "BALANCED"
    PRIORITIZE_COST = "PRIORITIZE_COST"


class FinishReason(StrEnum):
    """Values of ``FinishReason``."""

    FINISH_REASON_UNSPECIFIED = "FINISH_REASON_UNSPECIFIED"
    STOP = "STOP"
    MAX_TOKENS = "MAX_TOKENS"
    SAFETY = "SAFETY"
    RECITATION = "RECITATION"
    LANGUAGE = "LANGUAGE"
    OTHER = "OTHER"
    BLOCKLIST = "BLOCKLIST"
    PROHIBITED_CONTENT = "PROHIBITED_CONTENT"
    SPII = "SPII"
    MALFORMED_FUNCTION_CALL = "MALFORMED_FUNCTION_CALL"
    IMAGE_SAFETY = "IMAGE_SAFETY"
    IMAGE_PROHIBITED_CONTENT = "IMAGE_PROHIBITED_CONTENT"
    IMAGE_OTHER = "IMAGE_OTHER"
    NO_IMAGE = "NO_IMAGE"
    IMAGE_RECITATION = "IMAGE_RECITATION"
    UNEXPECTED_TOOL_CALL = "UNEXPECTED_TOOL_CALL"
    TOO_MANY_TOOL_CALLS = "TOO_MANY_TOOL_CALLS"
    MISSING_THOUGHT_SIGNATURE = "MISSING_THOUGHT_SIGNATURE"
    MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
    ESCALATION = "ESCALATION"
    PUP_LIMITED_DISABLED = "PUP_LIMITED_DISABLED"
    CONTINUATION = "CONTINUATION"
    MODEL_ARMOR = "MODEL_ARMOR"


class FunctionCallingConfigMode(StrEnum):
    """Values of ``FunctionCallingConfigMode``."""

    MODE_UNSPECIFIED = "MODE_UNSPECIFIED"
    AUTO = "AUTO"
    ANY = "ANY"
    NONE = "NONE"
    VALIDATED = "VALIDATED"


class FunctionResponseScheduling(StrEnum):
    """Values of ``FunctionResponseScheduling``."""

    SCHEDULING_UNSPECIFIED = "SCHEDULING_UNSPECIFIED"
    SILENT = "SILENT"
    WHEN_IDLE = "WHEN_IDLE"
    INTERRUPT = "INTERRUPT"


class HarmBlockMethod(StrEnum):
    """Values of ``HarmBlockMethod``."""

    HARM_BLOCK_METHOD_UNSPECIFIED = "HARM_BLOCK_METHOD_UNSPECIFIED"
    SEVERITY = "SEVERITY"
    PROBABILITY = "PROBABILITY"


class HarmBlockThreshold(StrEnum):
    """Values of ``HarmBlockThreshold``."""

    HARM_BLOCK_THRESHOLD_UNSPECIFIED = "HARM_BLOCK_THRESHOLD_UNSPECIFIED"
    BLOCK_LOW_AND_ABOVE = "BLOCK_LOW_AND_ABOVE"
    BLOCK_MEDIUM_AND_ABOVE = "BLOCK_MEDIUM_AND_ABOVE"
    BLOCK_ONLY_HIGH = "BLOCK_ONLY_HIGH"
    BLOCK_NONE = "BLOCK_NONE"
    OFF = "OFF"


class HarmCategory(StrEnum):
    """Values of ``HarmCategory``."""

    HARM_CATEGORY_UNSPECIFIED = "HARM_CATEGORY_UNSPECIFIED"
    HARM_CATEGORY_HARASSMENT = "HARM_CATEGORY_HARASSMENT"
    HARM_CATEGORY_HATE_SPEECH = "HARM_CATEGORY_HATE_SPEECH"
    HARM_CATEGORY_SEXUALLY_EXPLICIT = "HARM_CATEGORY_SEXUALLY_EXPLICIT"
    HARM_CATEGORY_DANGEROUS_CONTENT = "HARM_CATEGORY_DANGEROUS_CONTENT"
    HARM_CATEGORY_CIVIC_INTEGRITY = "HARM_CATEGORY_CIVIC_INTEGRITY"
    HARM_CATEGORY_JAILBREAK = "HARM_CATEGORY_JAILBREAK"
    HARM_CATEGORY_IMAGE_HATE = "HARM_CATEGORY_IMAGE_HATE"
    HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT = "HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT"
    HARM_CATEGORY_IMAGE_HARASSMENT = "HARM_CATEGORY_IMAGE_HARASSMENT"
    HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT = "HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT"


class HarmProbability(StrEnum):
    """Values of ``HarmProbability``."""

    HARM_PROBABILITY_UNSPECIFIED = "HARM_PROBABILITY_UNSPECIFIED"
    NEGLIGIBLE = "NEGLIGIBLE"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class HarmSeverity(StrEnum):
    """Values of ``HarmSeverity``."""

    HARM_SEVERITY_UNSPECIFIED = "HARM_SEVERITY_UNSPECIFIED"
    HARM_SEVERITY_NEGLIGIBLE = "HARM_SEVERITY_NEGLIGIBLE"
    HARM_SEVERITY_LOW = "HARM_SEVERITY_LOW"
    HARM_SEVERITY_MEDIUM = "HARM_SEVERITY_MEDIUM"
    HARM_SEVERITY_HIGH = "HARM_SEVERITY_HIGH"


class HttpElementLocation(StrEnum):
    """Values of ``HttpElementLocation``."""

    HTTP_IN_UNSPECIFIED = "HTTP_IN_UNSPECIFIED"
    HTTP_IN_QUERY = "HTTP_IN_QUERY"
    HTTP_IN_HEADER = "HTTP_IN_HEADER"
    HTTP_IN_PATH = "HTTP_IN_PATH"
    HTTP_IN_BODY = "HTTP_IN_BODY"
    HTTP_IN_COOKIE = "HTTP_IN_COOKIE"


class ImagePromptLanguage(StrEnum):
    """Values of ``ImagePromptLanguage``."""

    auto = "auto"
    en = "en"
    ja = "ja"
    ko = "ko"
    hi = "hi"
    zh = "zh"
    pt = "pt"
    es = "es"


class ImageResizeMode(StrEnum):
    """Values of ``ImageResizeMode``."""

    CROP = "CROP"
    PAD = "PAD"


class ImageSize(StrEnum):
    """Values of ``ImageSize``."""

    IMAGE_SIZE_UNSPECIFIED = "IMAGE_SIZE_UNSPECIFIED"
    IMAGE_SIZE_FIVE_TWELVE = "IMAGE_SIZE_FIVE_TWELVE"
    IMAGE_SIZE_ONE_K = "IMAGE_SIZE_ONE_K"
    IMAGE_SIZE_TWO_K = "IMAGE_SIZE_TWO_K"
    IMAGE_SIZE_FOUR_K = "IMAGE_SIZE_FOUR_K"


class Language(StrEnum):
    """Values of ``Language``."""

    LANGUAGE_UNSPECIFIED = "LANGUAGE_UNSPECIFIED"
    PYTHON = "PYTHON"


class MaskReferenceMode(StrEnum):
    """Values of ``MaskReferenceMode``."""

    MASK_MODE_DEFAULT = "MASK_MODE_DEFAULT"
    MASK_MODE_USER_PROVIDED = "MASK_MODE_USER_PROVIDED"
    MASK_MODE_BACKGROUND = "MASK_MODE_BACKGROUND"
    MASK_MODE_FOREGROUND = "MASK_MODE_FOREGROUND"
    MASK_MODE_SEMANTIC = "MASK_MODE_SEMANTIC"


class MediaModality(StrEnum):
    """Values of ``MediaModality``."""

    MODALITY_UNSPECIFIED = "MODALITY_UNSPECIFIED"
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    AUDIO = "AUDIO"
    DOCUMENT = "DOCUMENT"


class MediaProcessing(StrEnum):
    """Values of ``MediaProcessing``."""

    MEDIA_PROCESSING_UNSPECIFIED = "MEDIA_PROCESSING_UNSPECIFIED"
    STATIC = "STATIC"
    AGENTIC = "AGENTIC"


class MediaResolution(StrEnum):
    """Values of ``MediaResolution``."""

    MEDIA_RESOLUTION_UNSPECIFIED = "MEDIA_RESOLUTION_UNSPECIFIED"
    MEDIA_RESOLUTION_LOW = "MEDIA_RESOLUTION_LOW"
    MEDIA_RESOLUTION_MEDIUM = "MEDIA_RESOLUTION_MEDIUM"
    MEDIA_RESOLUTION_HIGH = "MEDIA_RESOLUTION_HIGH"


class Modality(StrEnum):
    """Values of ``Modality``."""

    MODALITY_UNSPECIFIED = "MODALITY_UNSPECIFIED"
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    AUDIO = "AUDIO"
    VIDEO = "VIDEO"


class ModelStage(StrEnum):
    """Values of ``ModelStage``."""

    MODEL_STAGE_UNSPECIFIED = "MODEL_STAGE_UNSPECIFIED"
    UNSTABLE_EXPERIMENTAL = "UNSTABLE_EXPERIMENTAL"
    EXPERIMENTAL = "EXPERIMENTAL"
    PREVIEW = "PREVIEW"
    STABLE = "STABLE"
    LEGACY = "LEGACY"
    DEPRECATED = "DEPRECATED"
    RETIRED = "RETIRED"


class Outcome(StrEnum):
    """Values of ``Outcome``."""

    OUTCOME_UNSPECIFIED = "OUTCOME_UNSPECIFIED"
    OUTCOME_OK = "OUTCOME_OK"
    OUTCOME_FAILED = "OUTCOME_FAILED"
    OUTCOME_DEADLINE_EXCEEDED = "OUTCOME_DEADLINE_EXCEEDED"


class PartMediaResolutionLevel(StrEnum):
    """Values of ``PartMediaResolutionLevel``."""

    MEDIA_RESOLUTION_UNSPECIFIED = "MEDIA_RESOLUTION_UNSPECIFIED"
    MEDIA_RESOLUTION_LOW = "MEDIA_RESOLUTION_LOW"
    MEDIA_RESOLUTION_MEDIUM = "MEDIA_RESOLUTION_MEDIUM"
    MEDIA_RESOLUTION_HIGH = "MEDIA_RESOLUTION_HIGH"
    MEDIA_RESOLUTION_ULTRA_HIGH = "MEDIA_RESOLUTION_ULTRA_HIGH"


class PersonGeneration(StrEnum):
    """Values of ``PersonGeneration``."""

    DONT_ALLOW = "DONT_ALLOW"
    ALLOW_ADULT = "ALLOW_ADULT"
    ALLOW_ALL = "ALLOW_ALL"


class PhishBlockThreshold(StrEnum):
    """Values of ``PhishBlockThreshold``."""

    PHISH_BLOCK_THRESHOLD_UNSPECIFIED = "PHISH_BLOCK_THRESHOLD_UNSPECIFIED"
    BLOCK_LOW_AND_ABOVE = "BLOCK_LOW_AND_ABOVE"
    BLOCK_MEDIUM_AND_ABOVE = "BLOCK_MEDIUM_AND_ABOVE"
    BLOCK_HIGH_AND_ABOVE = "BLOCK_HIGH_AND_ABOVE"
    BLOCK_HIGHER_AND_ABOVE = "BLOCK_HIGHER_AND_ABOVE"
    BLOCK_VERY_HIGH_AND_ABOVE = "BLOCK_VERY_HIGH_AND_ABOVE"
    BLOCK_ONLY_EXTREMELY_HIGH = "BLOCK_ONLY_EXTREMELY_HIGH"


class ProminentPeople(StrEnum):
    """Values of ``ProminentPeople``."""

    PROMINENT_PEOPLE_UNSPECIFIED = "PROMINENT_PEOPLE_UNSPECIFIED"
    ALLOW_PROMINENT_PEOPLE = "ALLOW_PROMINENT_PEOPLE"
    BLOCK_PROMINENT_PEOPLE = "BLOCK_PROMINENT_PEOPLE"


class SafetyFilterLevel(StrEnum):
    """Values of ``SafetyFilterLevel``."""

    BLOCK_LOW_AND_ABOVE = "BLOCK_LOW_AND_ABOVE"
    BLOCK_MEDIUM_AND_ABOVE = "BLOCK_MEDIUM_AND_ABOVE"
    BLOCK_ONLY_HIGH = "BLOCK_ONLY_HIGH"
    BLOCK_NONE = "BLOCK_NONE"


class SafetyPolicy(StrEnum):
    """Values of ``SafetyPolicy``."""

    SAFETY_POLICY_UNSPECIFIED = "SAFETY_POLICY_UNSPECIFIED"
    FINANCIAL_TRANSACTIONS = "FINANCIAL_TRANSACTIONS"
    SENSITIVE_DATA_MODIFICATION = "SENSITIVE_DATA_MODIFICATION"
    COMMUNICATION_TOOL = "COMMUNICATION_TOOL"
    ACCOUNT_CREATION = "ACCOUNT_CREATION"
    DATA_MODIFICATION = "DATA_MODIFICATION"
    USER_CONSENT_MANAGEMENT = "USER_CONSENT_MANAGEMENT"
    LEGAL_TERMS_AND_AGREEMENTS = "LEGAL_TERMS_AND_AGREEMENTS"


class SegmentMode(StrEnum):
    """Values of ``SegmentMode``."""

    FOREGROUND = "FOREGROUND"
    BACKGROUND = "BACKGROUND"
    PROMPT = "PROMPT"
    SEMANTIC = "SEMANTIC"
    INTERACTIVE = "INTERACTIVE"


class ServiceTier(StrEnum):
    """Values of ``ServiceTier``."""

    UNSPECIFIED = "unspecified"
    FLEX = "flex"
    STANDARD = "standard"
    PRIORITY = "priority"


class SpreadsheetMetadataContentLayer(StrEnum):
    """Values of ``SpreadsheetMetadataContentLayer``."""

    CONTENT_LAYER_UNSPECIFIED = "CONTENT_LAYER_UNSPECIFIED"
    DATA = "DATA"
    FORMULAS = "FORMULAS"
    VISUAL = "VISUAL"


class SubjectReferenceType(StrEnum):
    """Values of ``SubjectReferenceType``."""

    SUBJECT_TYPE_DEFAULT = "SUBJECT_TYPE_DEFAULT"
    SUBJECT_TYPE_PERSON = "SUBJECT_TYPE_PERSON"
    SUBJECT_TYPE_ANIMAL = "SUBJECT_TYPE_ANIMAL"
    SUBJECT_TYPE_PRODUCT = "SUBJECT_TYPE_PRODUCT"


class ThinkingLevel(StrEnum):
    """Values of ``ThinkingLevel``."""

    THINKING_LEVEL_UNSPECIFIED = "THINKING_LEVEL_UNSPECIFIED"
    MINIMAL = "MINIMAL"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    XHIGH = "XHIGH"


class ToolType(StrEnum):
    """Values of ``ToolType``."""

    TOOL_TYPE_UNSPECIFIED = "TOOL_TYPE_UNSPECIFIED"
    GOOGLE_SEARCH_WEB = "GOOGLE_SEARCH_WEB"
    GOOGLE_SEARCH_IMAGE = "GOOGLE_SEARCH_IMAGE"
    URL_CONTEXT = "URL_CONTEXT"
    GOOGLE_MAPS = "GOOGLE_MAPS"
    FILE_SEARCH = "FILE_SEARCH"
    MEDIA_PROCESSING = "MEDIA_PROCESSING"


class TrafficType(StrEnum):
    """Values of ``TrafficType``."""

    TRAFFIC_TYPE_UNSPECIFIED = "TRAFFIC_TYPE_UNSPECIFIED"
    ON_DEMAND = "ON_DEMAND"
    ON_DEMAND_PRIORITY = "ON_DEMAND_PRIORITY"
    ON_DEMAND_FLEX = "ON_DEMAND_FLEX"
    ON_DEMAND_OFFPEAK = "ON_DEMAND_OFFPEAK"
    PROVISIONED_THROUGHPUT = "PROVISIONED_THROUGHPUT"


class Type(StrEnum):
    """Values of ``Type``."""

    TYPE_UNSPECIFIED = "TYPE_UNSPECIFIED"
    STRING = "STRING"
    NUMBER = "NUMBER"
    INTEGER = "INTEGER"
    BOOLEAN = "BOOLEAN"
    ARRAY = "ARRAY"
    OBJECT = "OBJECT"
    NULL = "NULL"


class UrlRetrievalStatus(StrEnum):
    """Values of ``UrlRetrievalStatus``."""

    URL_RETRIEVAL_STATUS_UNSPECIFIED = "URL_RETRIEVAL_STATUS_UNSPECIFIED"
    URL_RETRIEVAL_STATUS_SUCCESS = "URL_RETRIEVAL_STATUS_SUCCESS"
    URL_RETRIEVAL_STATUS_ERROR = "URL_RETRIEVAL_STATUS_ERROR"
    URL_RETRIEVAL_STATUS_PAYWALL = "URL_RETRIEVAL_STATUS_PAYWALL"
    URL_RETRIEVAL_STATUS_UNSAFE = "URL_RETRIEVAL_STATUS_UNSAFE"


class VideoCompressionQuality(StrEnum):
    """Values of ``VideoCompressionQuality``."""

    OPTIMIZED = "OPTIMIZED"
    LOSSLESS = "LOSSLESS"


class VideoGenerationMaskMode(StrEnum):
    """Values of ``VideoGenerationMaskMode``."""

    INSERT = "INSERT"
    REMOVE = "REMOVE"
    REMOVE_STATIC = "REMOVE_STATIC"
    OUTPAINT = "OUTPAINT"


class VideoGenerationReferenceType(StrEnum):
    """Values of ``VideoGenerationReferenceType``."""

    ASSET = "ASSET"
    STYLE = "STYLE"


class VideoMetadataContentLayer(StrEnum):
    """Values of ``VideoMetadataContentLayer``."""

    CONTENT_LAYER_UNSPECIFIED = "CONTENT_LAYER_UNSPECIFIED"
    FRAMES = "FRAMES"
    AUDIO = "AUDIO"
    TRANSCRIPT = "TRANSCRIPT"


__all__ = [
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
]
