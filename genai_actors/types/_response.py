"""The ``generateContent`` response: candidates, grounding, safety ratings, usage.

Generated from the wire reference; attribute names match google-genai's ``types``.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import msgspec

from ._base import Base64Bytes, HttpResponse, _Wire, enum_of
from ._content import Content, FunctionCall, Part
from ._enums import (
    BlockedReason,
    FinishReason,
    HarmBlockThreshold,
    HarmCategory,
    HarmProbability,
    HarmSeverity,
    MediaModality,
    ModelStage,
    TrafficType,
    UrlRetrievalStatus,
)


class GenerateContentResponse(_Wire, kw_only=True):
    """A ``generateContent`` response (or one streamed chunk).

    Accessors mirror google-genai and never raise: :attr:`text` joins the non-thought text
    parts of the first candidate (``None`` when there is none, e.g. a blocked prompt);
    :attr:`function_calls`, :attr:`parts`, :attr:`executable_code` and
    :attr:`code_execution_result` read the first candidate too. ``parsed``,
    ``automatic_function_calling_history`` and ``sdk_http_response`` are set by the client.
    """

    sdk_http_response: HttpResponse | None = None
    candidates: list[Candidate] | None = None
    create_time: datetime.datetime | None = None
    model_version: str | None = None
    prompt_feedback: GenerateContentResponsePromptFeedback | None = None
    response_id: str | None = None
    usage_metadata: GenerateContentResponseUsageMetadata | None = None
    model_status: ModelStatus | None = None
    automatic_function_calling_history: list[Content] | None = None
    parsed: Any = None

    def _first_parts(self) -> list[Part] | None:
        candidates = self.candidates
        if not candidates:
            return None
        content = candidates[0].content
        if content is None:
            return None
        return content.parts

    @property
    def parts(self) -> list[Part] | None:
        """The parts of the first candidate, or ``None`` when there are none."""
        return self._first_parts()

    @property
    def text(self) -> str | None:
        """The non-thought text parts of the first candidate joined, or ``None``.

        ``None`` when the response is blocked, empty, or has no non-thought text part;
        never raises.
        """
        parts = self._first_parts()
        if not parts:
            return None
        chunks = [p.text for p in parts if p.text is not None and not p.thought]
        if not chunks:
            return None
        return "".join(chunks)

    @property
    def thought_text(self) -> str | None:
        """The thought (reasoning summary) text parts of the first candidate, or ``None``."""
        parts = self._first_parts()
        if not parts:
            return None
        chunks = [p.text for p in parts if p.text is not None and p.thought]
        return "".join(chunks) if chunks else None

    @property
    def function_calls(self) -> list[FunctionCall] | None:
        """The function calls of the first candidate, or ``None`` when there are none."""
        parts = self._first_parts()
        if not parts:
            return None
        calls = [p.function_call for p in parts if p.function_call is not None]
        return calls or None

    @property
    def executable_code(self) -> str | None:
        """The code of the first ``executable_code`` part of the first candidate, or ``None``."""
        for part in self._first_parts() or ():
            if part.executable_code is not None:
                return part.executable_code.code
        return None

    @property
    def code_execution_result(self) -> str | None:
        """The output of the first ``code_execution_result`` part, or ``None``."""
        for part in self._first_parts() or ():
            if part.code_execution_result is not None:
                return part.code_execution_result.output
        return None

    @property
    def finish_reason(self) -> str | None:
        """The first candidate's finish reason, or ``None`` (compare with :class:`FinishReason`)."""
        if not self.candidates:
            return None
        return self.candidates[0].finish_reason

    @property
    def blocked_reason(self) -> str | None:
        """Why the prompt was blocked (``prompt_feedback.block_reason``), or ``None``."""
        if self.prompt_feedback is None:
            return None
        return self.prompt_feedback.block_reason


class GenerateContentResponsePromptFeedback(_Wire, kw_only=True):
    """The ``GenerateContentResponsePromptFeedback`` wire object."""

    block_reason: Annotated[BlockedReason, enum_of(BlockedReason, echoed=True)] | None = None
    block_reason_message: str | None = None
    safety_ratings: list[SafetyRating] | None = None


class SafetyRating(_Wire, kw_only=True):
    """The ``SafetyRating`` wire object."""

    blocked: bool | None = None
    category: Annotated[HarmCategory, enum_of(HarmCategory, echoed=True)] | None = None
    overwritten_threshold: (
        Annotated[HarmBlockThreshold, enum_of(HarmBlockThreshold, echoed=True)] | None
    ) = None
    probability: Annotated[HarmProbability, enum_of(HarmProbability, echoed=True)] | None = None
    probability_score: float | None = None
    severity: Annotated[HarmSeverity, enum_of(HarmSeverity, echoed=True)] | None = None
    severity_score: float | None = None


class ModelStatus(_Wire, kw_only=True):
    """The ``ModelStatus`` wire object."""

    message: str | None = None
    model_stage: Annotated[ModelStage, enum_of(ModelStage, echoed=True)] | None = None
    retirement_time: datetime.datetime | None = None


class Candidate(_Wire, kw_only=True):
    """One generated answer: its content, why generation stopped, and its safety ratings.

    ``finish_reason`` is a plain string; compare with :class:`FinishReason` members.
    ``citation_metadata.citations`` holds the wire's ``citationSources``.
    """

    content: Content | None = None
    citation_metadata: CitationMetadata | None = None
    finish_message: str | None = None
    token_count: int | None = None
    finish_reason: Annotated[FinishReason, enum_of(FinishReason, echoed=True)] | None = None
    grounding_metadata: GroundingMetadata | None = None
    avg_logprobs: float | None = None
    index: int | None = None
    logprobs_result: LogprobsResult | None = None
    safety_ratings: list[SafetyRating] | None = None
    url_context_metadata: UrlContextMetadata | None = None
    continuation_token: Base64Bytes | None = None


class LogprobsResult(_Wire, kw_only=True):
    """The ``LogprobsResult`` wire object."""

    chosen_candidates: list[LogprobsResultCandidate] | None = None
    top_candidates: list[LogprobsResultTopCandidates] | None = None
    log_probability_sum: float | None = None


class LogprobsResultCandidate(_Wire, kw_only=True):
    """The ``LogprobsResultCandidate`` wire object."""

    log_probability: float | None = None
    token: str | None = None
    token_id: int | None = None


class LogprobsResultTopCandidates(_Wire, kw_only=True):
    """The ``LogprobsResultTopCandidates`` wire object."""

    candidates: list[LogprobsResultCandidate] | None = None


class GroundingMetadata(_Wire, kw_only=True):
    """The ``GroundingMetadata`` wire object."""

    image_search_queries: list[str] | None = None
    grounding_chunks: list[GroundingChunk] | None = None
    grounding_supports: list[GroundingSupport] | None = None
    retrieval_metadata: RetrievalMetadata | None = None
    search_entry_point: SearchEntryPoint | None = None
    web_search_queries: list[str] | None = None
    google_maps_widget_context_token: str | None = None
    retrieval_queries: list[str] | None = None
    source_flagging_uris: list[GroundingMetadataSourceFlaggingUri] | None = None


class RetrievalMetadata(_Wire, kw_only=True):
    """The ``RetrievalMetadata`` wire object."""

    google_search_dynamic_retrieval_score: float | None = None


class GroundingChunk(_Wire, kw_only=True):
    """The ``GroundingChunk`` wire object."""

    image: GroundingChunkImage | None = None
    maps: GroundingChunkMaps | None = None
    retrieved_context: GroundingChunkRetrievedContext | None = None
    web: GroundingChunkWeb | None = None


class GroundingChunkImage(_Wire, kw_only=True):
    """The ``GroundingChunkImage`` wire object."""

    source_uri: str | None = None
    image_uri: str | None = None
    title: str | None = None
    domain: str | None = None


class GroundingChunkMaps(_Wire, kw_only=True):
    """The ``GroundingChunkMaps`` wire object."""

    place_answer_sources: GroundingChunkMapsPlaceAnswerSources | None = None
    place_id: str | None = None
    text: str | None = None
    title: str | None = None
    uri: str | None = None
    route: GroundingChunkMapsRoute | None = None


class GroundingChunkMapsRoute(_Wire, kw_only=True):
    """The ``GroundingChunkMapsRoute`` wire object."""

    distance_meters: int | None = None
    duration: str | None = None
    encoded_polyline: str | None = None


class GroundingChunkMapsPlaceAnswerSources(_Wire, kw_only=True):
    """The ``GroundingChunkMapsPlaceAnswerSources`` wire object."""

    review_snippet: list[GroundingChunkMapsPlaceAnswerSourcesReviewSnippet] | None = None
    flag_content_uri: str | None = None
    review_snippets: list[GroundingChunkMapsPlaceAnswerSourcesReviewSnippet] | None = None


class GroundingChunkMapsPlaceAnswerSourcesReviewSnippet(_Wire, kw_only=True):
    """The ``GroundingChunkMapsPlaceAnswerSourcesReviewSnippet`` wire object."""

    author_attribution: GroundingChunkMapsPlaceAnswerSourcesAuthorAttribution | None = None
    flag_content_uri: str | None = None
    google_maps_uri: str | None = None
    relative_publish_time_description: str | None = None
    review: str | None = None
    review_id: str | None = None
    title: str | None = None


class GroundingChunkMapsPlaceAnswerSourcesAuthorAttribution(_Wire, kw_only=True):
    """The ``GroundingChunkMapsPlaceAnswerSourcesAuthorAttribution`` wire object."""

    display_name: str | None = None
    photo_uri: str | None = None
    uri: str | None = None


class GroundingChunkWeb(_Wire, kw_only=True):
    """The ``GroundingChunkWeb`` wire object."""

    domain: str | None = None
    title: str | None = None
    uri: str | None = None


class GroundingChunkRetrievedContext(_Wire, kw_only=True):
    """The ``GroundingChunkRetrievedContext`` wire object."""

    document_name: str | None = None
    rag_chunk: RagChunk | None = None
    text: str | None = None
    title: str | None = None
    uri: str | None = None
    custom_metadata: list[GroundingChunkCustomMetadata] | None = None
    file_search_store: str | None = None
    page_number: int | None = None
    media_id: str | None = None


class RagChunk(_Wire, kw_only=True):
    """The ``RagChunk`` wire object."""

    page_span: RagChunkPageSpan | None = None
    text: str | None = None
    chunk_id: str | None = None
    file_id: str | None = None


class RagChunkPageSpan(_Wire, kw_only=True):
    """The ``RagChunkPageSpan`` wire object."""

    first_page: int | None = None
    last_page: int | None = None


class GroundingChunkCustomMetadata(_Wire, kw_only=True):
    """The ``GroundingChunkCustomMetadata`` wire object."""

    key: str | None = None
    numeric_value: float | None = None
    string_list_value: GroundingChunkStringList | None = None
    string_value: str | None = None


class GroundingChunkStringList(_Wire, kw_only=True):
    """The ``GroundingChunkStringList`` wire object."""

    values: list[str] | None = None


class SearchEntryPoint(_Wire, kw_only=True):
    """The ``SearchEntryPoint`` wire object."""

    rendered_content: str | None = None
    sdk_blob: Base64Bytes | None = None


class GroundingMetadataSourceFlaggingUri(_Wire, kw_only=True):
    """The ``GroundingMetadataSourceFlaggingUri`` wire object."""

    flag_content_uri: str | None = None
    source_id: str | None = None


class GroundingSupport(_Wire, kw_only=True):
    """The ``GroundingSupport`` wire object."""

    confidence_scores: list[float] | None = None
    grounding_chunk_indices: list[int] | None = None
    segment: Segment | None = None
    rendered_parts: list[int] | None = None


class Segment(_Wire, kw_only=True):
    """The ``Segment`` wire object."""

    start_index: int | None = None
    end_index: int | None = None
    part_index: int | None = None
    text: str | None = None


class UrlContextMetadata(_Wire, kw_only=True):
    """The ``UrlContextMetadata`` wire object."""

    url_metadata: list[UrlMetadata] | None = None


class UrlMetadata(_Wire, kw_only=True):
    """The ``UrlMetadata`` wire object."""

    retrieved_url: str | None = None
    url_retrieval_status: (
        Annotated[UrlRetrievalStatus, enum_of(UrlRetrievalStatus, echoed=True)] | None
    ) = None


class CitationMetadata(_Wire, kw_only=True):
    """The ``CitationMetadata`` wire object."""

    citations: list[Citation] | None = msgspec.field(default=None, name="citationSources")


class Citation(_Wire, kw_only=True):
    """The ``Citation`` wire object."""

    end_index: int | None = None
    license: str | None = None
    publication_date: GoogleTypeDate | None = None
    start_index: int | None = None
    title: str | None = None
    uri: str | None = None


class GoogleTypeDate(_Wire, kw_only=True):
    """The ``GoogleTypeDate`` wire object."""

    day: int | None = None
    month: int | None = None
    year: int | None = None


class GenerateContentResponseUsageMetadata(_Wire, kw_only=True):
    """The ``GenerateContentResponseUsageMetadata`` wire object."""

    cache_tokens_details: list[ModalityTokenCount] | None = None
    cached_content_token_count: int | None = None
    candidates_token_count: int | None = None
    candidates_tokens_details: list[ModalityTokenCount] | None = None
    prompt_token_count: int | None = None
    prompt_tokens_details: list[ModalityTokenCount] | None = None
    thoughts_token_count: int | None = None
    tool_use_prompt_token_count: int | None = None
    tool_use_prompt_tokens_details: list[ModalityTokenCount] | None = None
    total_token_count: int | None = None
    traffic_type: Annotated[TrafficType, enum_of(TrafficType, echoed=True)] | None = None


class ModalityTokenCount(_Wire, kw_only=True):
    """The ``ModalityTokenCount`` wire object."""

    modality: Annotated[MediaModality, enum_of(MediaModality, echoed=True)] | None = None
    token_count: int | None = None


PromptFeedback = GenerateContentResponsePromptFeedback

__all__ = [
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
]
