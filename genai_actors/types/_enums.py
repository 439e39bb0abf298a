"""String enums of the API's enum-valued fields, and their common base.

A response field declared with an enum decodes to a member (``candidate.finish_reason.name``),
which is also a ``str`` equal to its value (``candidate.finish_reason == "STOP"``). A value
this release does not know yet never fails a decode: it becomes a *pseudo-member* of the enum,
created on first sight and cached, with ``.name`` and ``.value`` both the string it came as;
it equals that string and encodes back to it. Looking a member up by value is case-insensitive
(``HarmCategory("harm_category_hate_speech")``), as in google-genai.

Requests take members or their values (any letter case); a value the API added after this
release is sent with an :class:`UnknownEnumValueWarning`, while a near-miss of a known value
(``BLOCK_ONLY_HIHG``) is refused (see ``_validate/_rules.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

# Pseudo-members kept per enum: enough for every value an API adds, bounded against a
# server that sends a new string each time (beyond it, a new object is made per lookup).
_MAX_PSEUDO = 64
_PSEUDO: dict[type[Any], dict[str, Any]] = {}


class UnknownEnumValueWarning(UserWarning):
    """A request carries an enum value this release does not know; it is sent as it is.

    The API may have added the value after this release (google-genai sends such values too,
    with a ``UserWarning``). Silence it with ``warnings.filterwarnings("ignore",
    category=types.UnknownEnumValueWarning)``; make it an error to refuse such values.
    """


class _ApiEnum(StrEnum):
    """Base of the API's enums: unknown values become cached pseudo-members (see above)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        upper = value.upper()
        folded = cls.__members__.get(upper) or cls._value2member_map_.get(upper)
        if folded is None:
            lower = value.lower()
            folded = cls.__members__.get(lower) or cls._value2member_map_.get(lower)
        if folded is not None:
            return folded
        cache = _PSEUDO.setdefault(cls, {})
        member = cache.get(value)
        if member is None:
            member = str.__new__(cls, value)
            member._name_ = value
            member._value_ = value
            if len(cache) < _MAX_PSEUDO:
                member = cache.setdefault(value, member)
        return member


class ApiSpec(_ApiEnum):
    """Values of ``ApiSpec``."""

    API_SPEC_UNSPECIFIED = "API_SPEC_UNSPECIFIED"
    SIMPLE_SEARCH = "SIMPLE_SEARCH"
    ELASTIC_SEARCH = "ELASTIC_SEARCH"


class AspectRatio(_ApiEnum):
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


class AudioTranscriptionConfigMode(_ApiEnum):
    """Values of ``AudioTranscriptionConfigMode``."""

    MODE_UNSPECIFIED = "MODE_UNSPECIFIED"
    VERBATIM = "VERBATIM"
    SMART = "SMART"


class AuthType(_ApiEnum):
    """Values of ``AuthType``."""

    AUTH_TYPE_UNSPECIFIED = "AUTH_TYPE_UNSPECIFIED"
    NO_AUTH = "NO_AUTH"
    API_KEY_AUTH = "API_KEY_AUTH"
    HTTP_BASIC_AUTH = "HTTP_BASIC_AUTH"
    GOOGLE_SERVICE_ACCOUNT_AUTH = "GOOGLE_SERVICE_ACCOUNT_AUTH"
    OAUTH = "OAUTH"
    OIDC_AUTH = "OIDC_AUTH"


class Behavior(_ApiEnum):
    """Values of ``Behavior``."""

    UNSPECIFIED = "UNSPECIFIED"
    BLOCKING = "BLOCKING"
    NON_BLOCKING = "NON_BLOCKING"


class BlockedReason(_ApiEnum):
    """Values of ``BlockedReason``."""

    BLOCKED_REASON_UNSPECIFIED = "BLOCKED_REASON_UNSPECIFIED"
    SAFETY = "SAFETY"
    OTHER = "OTHER"
    BLOCKLIST = "BLOCKLIST"
    PROHIBITED_CONTENT = "PROHIBITED_CONTENT"
    IMAGE_SAFETY = "IMAGE_SAFETY"
    MODEL_ARMOR = "MODEL_ARMOR"
    JAILBREAK = "JAILBREAK"


class ControlReferenceType(_ApiEnum):
    """Values of ``ControlReferenceType``."""

    CONTROL_TYPE_DEFAULT = "CONTROL_TYPE_DEFAULT"
    CONTROL_TYPE_CANNY = "CONTROL_TYPE_CANNY"
    CONTROL_TYPE_SCRIBBLE = "CONTROL_TYPE_SCRIBBLE"
    CONTROL_TYPE_FACE_MESH = "CONTROL_TYPE_FACE_MESH"


class Delivery(_ApiEnum):
    """Values of ``Delivery``."""

    DELIVERY_UNSPECIFIED = "DELIVERY_UNSPECIFIED"
    INLINE = "INLINE"
    URI = "URI"


class DocumentMetadataContentLayer(_ApiEnum):
    """Values of ``DocumentMetadataContentLayer``."""

    CONTENT_LAYER_UNSPECIFIED = "CONTENT_LAYER_UNSPECIFIED"
    PAGE_IMAGE = "PAGE_IMAGE"
    PAGE_TEXT = "PAGE_TEXT"


class DynamicRetrievalConfigMode(_ApiEnum):
    """Values of ``DynamicRetrievalConfigMode``."""

    MODE_UNSPECIFIED = "MODE_UNSPECIFIED"
    MODE_DYNAMIC = "MODE_DYNAMIC"


class EditMode(_ApiEnum):
    """Values of ``EditMode``."""

    EDIT_MODE_DEFAULT = "EDIT_MODE_DEFAULT"
    EDIT_MODE_INPAINT_REMOVAL = "EDIT_MODE_INPAINT_REMOVAL"
    EDIT_MODE_INPAINT_INSERTION = "EDIT_MODE_INPAINT_INSERTION"
    EDIT_MODE_OUTPAINT = "EDIT_MODE_OUTPAINT"
    EDIT_MODE_CONTROLLED_EDITING = "EDIT_MODE_CONTROLLED_EDITING"
    EDIT_MODE_STYLE = "EDIT_MODE_STYLE"
    EDIT_MODE_BGSWAP = "EDIT_MODE_BGSWAP"
    EDIT_MODE_PRODUCT_IMAGE = "EDIT_MODE_PRODUCT_IMAGE"


class Environment(_ApiEnum):
    """Values of ``Environment``."""

    ENVIRONMENT_UNSPECIFIED = "ENVIRONMENT_UNSPECIFIED"
    ENVIRONMENT_BROWSER = "ENVIRONMENT_BROWSER"
    ENVIRONMENT_MOBILE = "ENVIRONMENT_MOBILE"
    ENVIRONMENT_DESKTOP = "ENVIRONMENT_DESKTOP"


class FeatureSelectionPreference(_ApiEnum):
    """Values of ``FeatureSelectionPreference``."""

    FEATURE_SELECTION_PREFERENCE_UNSPECIFIED = "FEATURE_SELECTION_PREFERENCE_UNSPECIFIED"
    PRIORITIZE_QUALITY = "PRIORITIZE_QUALITY"
    BALANCED = "BALANCED"
    PRIORITIZE_COST = "PRIORITIZE_COST"


class FinishReason(_ApiEnum):
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


class FunctionCallingConfigMode(_ApiEnum):
    """Values of ``FunctionCallingConfigMode``."""

    MODE_UNSPECIFIED = "MODE_UNSPECIFIED"
    AUTO = "AUTO"
    ANY = "ANY"
    NONE = "NONE"
    VALIDATED = "VALIDATED"


class FunctionResponseScheduling(_ApiEnum):
    """Values of ``FunctionResponseScheduling``."""

    SCHEDULING_UNSPECIFIED = "SCHEDULING_UNSPECIFIED"
    SILENT = "SILENT"
    WHEN_IDLE = "WHEN_IDLE"
    INTERRUPT = "INTERRUPT"


class HarmBlockMethod(_ApiEnum):
    """Values of ``HarmBlockMethod``."""

    HARM_BLOCK_METHOD_UNSPECIFIED = "HARM_BLOCK_METHOD_UNSPECIFIED"
    SEVERITY = "SEVERITY"
    PROBABILITY = "PROBABILITY"


class HarmBlockThreshold(_ApiEnum):
    """Values of ``HarmBlockThreshold``."""

    HARM_BLOCK_THRESHOLD_UNSPECIFIED = "HARM_BLOCK_THRESHOLD_UNSPECIFIED"
    BLOCK_LOW_AND_ABOVE = "BLOCK_LOW_AND_ABOVE"
    BLOCK_MEDIUM_AND_ABOVE = "BLOCK_MEDIUM_AND_ABOVE"
    BLOCK_ONLY_HIGH = "BLOCK_ONLY_HIGH"
    BLOCK_NONE = "BLOCK_NONE"
    OFF = "OFF"


class HarmCategory(_ApiEnum):
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


class HarmProbability(_ApiEnum):
    """Values of ``HarmProbability``."""

    HARM_PROBABILITY_UNSPECIFIED = "HARM_PROBABILITY_UNSPECIFIED"
    NEGLIGIBLE = "NEGLIGIBLE"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class HarmSeverity(_ApiEnum):
    """Values of ``HarmSeverity``."""

    HARM_SEVERITY_UNSPECIFIED = "HARM_SEVERITY_UNSPECIFIED"
    HARM_SEVERITY_NEGLIGIBLE = "HARM_SEVERITY_NEGLIGIBLE"
    HARM_SEVERITY_LOW = "HARM_SEVERITY_LOW"
    HARM_SEVERITY_MEDIUM = "HARM_SEVERITY_MEDIUM"
    HARM_SEVERITY_HIGH = "HARM_SEVERITY_HIGH"


class HttpElementLocation(_ApiEnum):
    """Values of ``HttpElementLocation``."""

    HTTP_IN_UNSPECIFIED = "HTTP_IN_UNSPECIFIED"
    HTTP_IN_QUERY = "HTTP_IN_QUERY"
    HTTP_IN_HEADER = "HTTP_IN_HEADER"
    HTTP_IN_PATH = "HTTP_IN_PATH"
    HTTP_IN_BODY = "HTTP_IN_BODY"
    HTTP_IN_COOKIE = "HTTP_IN_COOKIE"


class ImagePromptLanguage(_ApiEnum):
    """Values of ``ImagePromptLanguage``."""

    auto = "auto"
    en = "en"
    ja = "ja"
    ko = "ko"
    hi = "hi"
    zh = "zh"
    pt = "pt"
    es = "es"


class ImageResizeMode(_ApiEnum):
    """Values of ``ImageResizeMode``."""

    CROP = "CROP"
    PAD = "PAD"


class ImageSize(_ApiEnum):
    """Values of ``ImageSize``."""

    IMAGE_SIZE_UNSPECIFIED = "IMAGE_SIZE_UNSPECIFIED"
    IMAGE_SIZE_FIVE_TWELVE = "IMAGE_SIZE_FIVE_TWELVE"
    IMAGE_SIZE_ONE_K = "IMAGE_SIZE_ONE_K"
    IMAGE_SIZE_TWO_K = "IMAGE_SIZE_TWO_K"
    IMAGE_SIZE_FOUR_K = "IMAGE_SIZE_FOUR_K"


class Language(_ApiEnum):
    """Values of ``Language``."""

    LANGUAGE_UNSPECIFIED = "LANGUAGE_UNSPECIFIED"
    PYTHON = "PYTHON"


class MaskReferenceMode(_ApiEnum):
    """Values of ``MaskReferenceMode``."""

    MASK_MODE_DEFAULT = "MASK_MODE_DEFAULT"
    MASK_MODE_USER_PROVIDED = "MASK_MODE_USER_PROVIDED"
    MASK_MODE_BACKGROUND = "MASK_MODE_BACKGROUND"
    MASK_MODE_FOREGROUND = "MASK_MODE_FOREGROUND"
    MASK_MODE_SEMANTIC = "MASK_MODE_SEMANTIC"


class MediaModality(_ApiEnum):
    """Values of ``MediaModality``."""

    MODALITY_UNSPECIFIED = "MODALITY_UNSPECIFIED"
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    VIDEO = "VIDEO"
    AUDIO = "AUDIO"
    DOCUMENT = "DOCUMENT"


class MediaProcessing(_ApiEnum):
    """Values of ``MediaProcessing``."""

    MEDIA_PROCESSING_UNSPECIFIED = "MEDIA_PROCESSING_UNSPECIFIED"
    STATIC = "STATIC"
    AGENTIC = "AGENTIC"


class MediaResolution(_ApiEnum):
    """Values of ``MediaResolution``."""

    MEDIA_RESOLUTION_UNSPECIFIED = "MEDIA_RESOLUTION_UNSPECIFIED"
    MEDIA_RESOLUTION_LOW = "MEDIA_RESOLUTION_LOW"
    MEDIA_RESOLUTION_MEDIUM = "MEDIA_RESOLUTION_MEDIUM"
    MEDIA_RESOLUTION_HIGH = "MEDIA_RESOLUTION_HIGH"


class Modality(_ApiEnum):
    """Values of ``Modality``."""

    MODALITY_UNSPECIFIED = "MODALITY_UNSPECIFIED"
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    AUDIO = "AUDIO"
    VIDEO = "VIDEO"


class ModelStage(_ApiEnum):
    """Values of ``ModelStage``."""

    MODEL_STAGE_UNSPECIFIED = "MODEL_STAGE_UNSPECIFIED"
    UNSTABLE_EXPERIMENTAL = "UNSTABLE_EXPERIMENTAL"
    EXPERIMENTAL = "EXPERIMENTAL"
    PREVIEW = "PREVIEW"
    STABLE = "STABLE"
    LEGACY = "LEGACY"
    DEPRECATED = "DEPRECATED"
    RETIRED = "RETIRED"


class Outcome(_ApiEnum):
    """Values of ``Outcome``."""

    OUTCOME_UNSPECIFIED = "OUTCOME_UNSPECIFIED"
    OUTCOME_OK = "OUTCOME_OK"
    OUTCOME_FAILED = "OUTCOME_FAILED"
    OUTCOME_DEADLINE_EXCEEDED = "OUTCOME_DEADLINE_EXCEEDED"


class PartMediaResolutionLevel(_ApiEnum):
    """Values of ``PartMediaResolutionLevel``."""

    MEDIA_RESOLUTION_UNSPECIFIED = "MEDIA_RESOLUTION_UNSPECIFIED"
    MEDIA_RESOLUTION_LOW = "MEDIA_RESOLUTION_LOW"
    MEDIA_RESOLUTION_MEDIUM = "MEDIA_RESOLUTION_MEDIUM"
    MEDIA_RESOLUTION_HIGH = "MEDIA_RESOLUTION_HIGH"
    MEDIA_RESOLUTION_ULTRA_HIGH = "MEDIA_RESOLUTION_ULTRA_HIGH"


class PersonGeneration(_ApiEnum):
    """Values of ``PersonGeneration``."""

    DONT_ALLOW = "DONT_ALLOW"
    ALLOW_ADULT = "ALLOW_ADULT"
    ALLOW_ALL = "ALLOW_ALL"


class PhishBlockThreshold(_ApiEnum):
    """Values of ``PhishBlockThreshold``."""

    PHISH_BLOCK_THRESHOLD_UNSPECIFIED = "PHISH_BLOCK_THRESHOLD_UNSPECIFIED"
    BLOCK_LOW_AND_ABOVE = "BLOCK_LOW_AND_ABOVE"
    BLOCK_MEDIUM_AND_ABOVE = "BLOCK_MEDIUM_AND_ABOVE"
    BLOCK_HIGH_AND_ABOVE = "BLOCK_HIGH_AND_ABOVE"
    BLOCK_HIGHER_AND_ABOVE = "BLOCK_HIGHER_AND_ABOVE"
    BLOCK_VERY_HIGH_AND_ABOVE = "BLOCK_VERY_HIGH_AND_ABOVE"
    BLOCK_ONLY_EXTREMELY_HIGH = "BLOCK_ONLY_EXTREMELY_HIGH"


class ProminentPeople(_ApiEnum):
    """Values of ``ProminentPeople``."""

    PROMINENT_PEOPLE_UNSPECIFIED = "PROMINENT_PEOPLE_UNSPECIFIED"
    ALLOW_PROMINENT_PEOPLE = "ALLOW_PROMINENT_PEOPLE"
    BLOCK_PROMINENT_PEOPLE = "BLOCK_PROMINENT_PEOPLE"


class SafetyFilterLevel(_ApiEnum):
    """Values of ``SafetyFilterLevel``."""

    BLOCK_LOW_AND_ABOVE = "BLOCK_LOW_AND_ABOVE"
    BLOCK_MEDIUM_AND_ABOVE = "BLOCK_MEDIUM_AND_ABOVE"
    BLOCK_ONLY_HIGH = "BLOCK_ONLY_HIGH"
    BLOCK_NONE = "BLOCK_NONE"


class SafetyPolicy(_ApiEnum):
    """Values of ``SafetyPolicy``."""

    SAFETY_POLICY_UNSPECIFIED = "SAFETY_POLICY_UNSPECIFIED"
    FINANCIAL_TRANSACTIONS = "FINANCIAL_TRANSACTIONS"
    SENSITIVE_DATA_MODIFICATION = "SENSITIVE_DATA_MODIFICATION"
    COMMUNICATION_TOOL = "COMMUNICATION_TOOL"
    ACCOUNT_CREATION = "ACCOUNT_CREATION"
    DATA_MODIFICATION = "DATA_MODIFICATION"
    USER_CONSENT_MANAGEMENT = "USER_CONSENT_MANAGEMENT"
    LEGAL_TERMS_AND_AGREEMENTS = "LEGAL_TERMS_AND_AGREEMENTS"


class SegmentMode(_ApiEnum):
    """Values of ``SegmentMode``."""

    FOREGROUND = "FOREGROUND"
    BACKGROUND = "BACKGROUND"
    PROMPT = "PROMPT"
    SEMANTIC = "SEMANTIC"
    INTERACTIVE = "INTERACTIVE"


class ServiceTier(_ApiEnum):
    """Values of ``ServiceTier``."""

    UNSPECIFIED = "unspecified"
    FLEX = "flex"
    STANDARD = "standard"
    PRIORITY = "priority"


class SpreadsheetMetadataContentLayer(_ApiEnum):
    """Values of ``SpreadsheetMetadataContentLayer``."""

    CONTENT_LAYER_UNSPECIFIED = "CONTENT_LAYER_UNSPECIFIED"
    DATA = "DATA"
    FORMULAS = "FORMULAS"
    VISUAL = "VISUAL"


class SubjectReferenceType(_ApiEnum):
    """Values of ``SubjectReferenceType``."""

    SUBJECT_TYPE_DEFAULT = "SUBJECT_TYPE_DEFAULT"
    SUBJECT_TYPE_PERSON = "SUBJECT_TYPE_PERSON"
    SUBJECT_TYPE_ANIMAL = "SUBJECT_TYPE_ANIMAL"
    SUBJECT_TYPE_PRODUCT = "SUBJECT_TYPE_PRODUCT"


class ThinkingLevel(_ApiEnum):
    """Values of ``ThinkingLevel``."""

    THINKING_LEVEL_UNSPECIFIED = "THINKING_LEVEL_UNSPECIFIED"
    MINIMAL = "MINIMAL"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    XHIGH = "XHIGH"


class ToolType(_ApiEnum):
    """Values of ``ToolType``."""

    TOOL_TYPE_UNSPECIFIED = "TOOL_TYPE_UNSPECIFIED"
    GOOGLE_SEARCH_WEB = "GOOGLE_SEARCH_WEB"
    GOOGLE_SEARCH_IMAGE = "GOOGLE_SEARCH_IMAGE"
    URL_CONTEXT = "URL_CONTEXT"
    GOOGLE_MAPS = "GOOGLE_MAPS"
    FILE_SEARCH = "FILE_SEARCH"
    MEDIA_PROCESSING = "MEDIA_PROCESSING"


class TrafficType(_ApiEnum):
    """Values of ``TrafficType``."""

    TRAFFIC_TYPE_UNSPECIFIED = "TRAFFIC_TYPE_UNSPECIFIED"
    ON_DEMAND = "ON_DEMAND"
    ON_DEMAND_PRIORITY = "ON_DEMAND_PRIORITY"
    ON_DEMAND_FLEX = "ON_DEMAND_FLEX"
    ON_DEMAND_OFFPEAK = "ON_DEMAND_OFFPEAK"
    PROVISIONED_THROUGHPUT = "PROVISIONED_THROUGHPUT"


class Type(_ApiEnum):
    """Values of ``Type``."""

    TYPE_UNSPECIFIED = "TYPE_UNSPECIFIED"
    STRING = "STRING"
    NUMBER = "NUMBER"
    INTEGER = "INTEGER"
    BOOLEAN = "BOOLEAN"
    ARRAY = "ARRAY"
    OBJECT = "OBJECT"
    NULL = "NULL"


class UrlRetrievalStatus(_ApiEnum):
    """Values of ``UrlRetrievalStatus``."""

    URL_RETRIEVAL_STATUS_UNSPECIFIED = "URL_RETRIEVAL_STATUS_UNSPECIFIED"
    URL_RETRIEVAL_STATUS_SUCCESS = "URL_RETRIEVAL_STATUS_SUCCESS"
    URL_RETRIEVAL_STATUS_ERROR = "URL_RETRIEVAL_STATUS_ERROR"
    URL_RETRIEVAL_STATUS_PAYWALL = "URL_RETRIEVAL_STATUS_PAYWALL"
    URL_RETRIEVAL_STATUS_UNSAFE = "URL_RETRIEVAL_STATUS_UNSAFE"


class VideoCompressionQuality(_ApiEnum):
    """Values of ``VideoCompressionQuality``."""

    OPTIMIZED = "OPTIMIZED"
    LOSSLESS = "LOSSLESS"


class VideoGenerationMaskMode(_ApiEnum):
    """Values of ``VideoGenerationMaskMode``."""

    INSERT = "INSERT"
    REMOVE = "REMOVE"
    REMOVE_STATIC = "REMOVE_STATIC"
    OUTPAINT = "OUTPAINT"


class VideoGenerationReferenceType(_ApiEnum):
    """Values of ``VideoGenerationReferenceType``."""

    ASSET = "ASSET"
    STYLE = "STYLE"


class VideoMetadataContentLayer(_ApiEnum):
    """Values of ``VideoMetadataContentLayer``."""

    CONTENT_LAYER_UNSPECIFIED = "CONTENT_LAYER_UNSPECIFIED"
    FRAMES = "FRAMES"
    AUDIO = "AUDIO"
    TRANSCRIPT = "TRANSCRIPT"


__all__ = [
    "UnknownEnumValueWarning",
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
