"""Batch jobs: ``BatchJob`` (the view of a batch Operation), its sources, destinations and
results, and the configs of ``client.batches`` methods.

On the Gemini Developer API a batch is an Operation named ``batches/{id}``; :meth:`BatchJob.
from_operation` maps it exactly as google-genai does (``BATCH_STATE_*`` renamed ``JOB_STATE_*``,
``metadata.output`` to ``dest``), and also keeps ``metadata.batchStats`` as :attr:`BatchJob.
batch_stats`, which google-genai drops. On Vertex AI a batch is a ``BatchPredictionJob``;
:meth:`BatchJob.from_vertex` maps it as google-genai does (``inputConfig`` to ``src``,
``outputConfig`` to ``dest``, ``completionStats``, ``outputInfo``).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

import msgspec

from ._base import ContentListUnion, HttpResponse, _Wire, dec_hook, enum_of
from ._construct import flexible, register_flexible
from ._enums_more import (
    JobState,
)
from ._generate import GenerateContentConfig
from ._http import HttpOptions
from ._media import WebhookConfig
from ._models import ContentEmbedding, EmbedContentConfig
from ._response import GenerateContentResponse

__all__ = [
    "BATCH_TERMINAL_STATES",
    "BatchJob",
    "BatchJobDestination",
    "BatchJobOutputInfo",
    "BatchJobSource",
    "BatchJobStats",
    "BatchResult",
    "CancelBatchJobConfig",
    "CompletionStats",
    "CreateBatchJobConfig",
    "CreateEmbeddingsBatchJobConfig",
    "DeleteBatchJobConfig",
    "DeleteResourceJob",
    "EmbedContentBatch",
    "EmbeddingsBatchJobSource",
    "GetBatchJobConfig",
    "InlinedEmbedContentResponse",
    "InlinedRequest",
    "InlinedResponse",
    "JobError",
    "ListBatchJobsConfig",
    "ListBatchJobsResponse",
    "SingleEmbedContentResponse",
    "VertexMultimodalDatasetDestination",
]

BATCH_TERMINAL_STATES = frozenset(
    {
        "JOB_STATE_SUCCEEDED",
        "JOB_STATE_FAILED",
        "JOB_STATE_CANCELLED",
        "JOB_STATE_EXPIRED",
        "JOB_STATE_PARTIALLY_SUCCEEDED",
    }
)
"""The states after which a batch job never changes again."""

_STATE_NAMES = {
    "BATCH_STATE_UNSPECIFIED": "JOB_STATE_UNSPECIFIED",
    "BATCH_STATE_PENDING": "JOB_STATE_PENDING",
    "BATCH_STATE_RUNNING": "JOB_STATE_RUNNING",
    "BATCH_STATE_SUCCEEDED": "JOB_STATE_SUCCEEDED",
    "BATCH_STATE_FAILED": "JOB_STATE_FAILED",
    "BATCH_STATE_CANCELLED": "JOB_STATE_CANCELLED",
    "BATCH_STATE_EXPIRED": "JOB_STATE_EXPIRED",
}


def job_state(state: str) -> str:
    """``BATCH_STATE_X`` -> ``JOB_STATE_X`` (other values unchanged), as google-genai does."""
    return _STATE_NAMES.get(state, state)


class JobError(_Wire, kw_only=True):
    """The error of a failed job or of one failed request in it (a ``google.rpc.Status``)."""

    details: list[Any] | None = None
    code: int | None = None
    message: str | None = None
    status: str | None = None


class InlinedRequest(_Wire, kw_only=True):
    """One request of an inline batch: what ``generate_content`` takes, plus ``metadata``.

    Attributes:
        model: Optional; must be the batch's model when set.
        contents: Anything ``generate_content`` accepts as ``contents``.
        metadata: String map returned with the result; the client stamps ``key`` in it.
        config: A ``GenerateContentConfig`` (or dict), converted exactly as online.
    """

    model: str | None = None
    contents: ContentListUnion | None = None
    metadata: dict[str, str] | None = None
    config: GenerateContentConfig | None = None


class SingleEmbedContentResponse(_Wire, kw_only=True):
    """One embedding result of an embeddings batch."""

    embedding: ContentEmbedding | None = None
    token_count: int | None = None


class InlinedResponse(_Wire, kw_only=True):
    """One result of an inline generate batch (in the server's order, not the requests')."""

    response: GenerateContentResponse | None = None
    metadata: dict[str, str] | None = None
    error: JobError | None = None


class InlinedEmbedContentResponse(_Wire, kw_only=True):
    """One result of an inline embeddings batch."""

    response: SingleEmbedContentResponse | None = None
    error: JobError | None = None
    metadata: dict[str, Any] | None = None


class BatchJobSource(_Wire, kw_only=True):
    """Where a batch's requests come from: exactly one of ``inlined_requests`` and
    ``file_name`` on the Gemini Developer API (``gcs_uri``, ``bigquery_uri``,
    ``vertex_dataset_name`` and ``format`` are Vertex AI only)."""

    format: str | None = None
    gcs_uri: list[str] | None = None
    bigquery_uri: str | None = None
    file_name: str | None = None
    inlined_requests: list[InlinedRequest] | None = None
    vertex_dataset_name: str | None = None


class VertexMultimodalDatasetDestination(_Wire, kw_only=True):
    """A Vertex AI multimodal dataset a batch writes to (its BigQuery table URI and name)."""

    bigquery_destination: str | None = None
    display_name: str | None = None


class BatchJobDestination(_Wire, kw_only=True):
    """Where a finished batch's results are: ``file_name`` (a JSONL file of
    ``{"key", "response"|"error"}`` lines) or ``inlined_responses`` on the Gemini Developer
    API; ``gcs_uri``, ``bigquery_uri`` or ``vertex_dataset`` (with ``format``) on Vertex AI."""

    format: str | None = None
    gcs_uri: str | None = None
    bigquery_uri: str | None = None
    file_name: str | None = None
    inlined_responses: list[InlinedResponse] | None = None
    inlined_embed_content_responses: list[InlinedEmbedContentResponse] | None = None
    vertex_dataset: VertexMultimodalDatasetDestination | None = None


class CompletionStats(_Wire, kw_only=True):
    """Counts of a finished Vertex AI batch (``completionStats``)."""

    failed_count: int | None = None
    incomplete_count: int | None = None
    successful_count: int | None = None
    successful_forecast_point_count: int | None = None


class BatchJobOutputInfo(_Wire, kw_only=True):
    """Where a Vertex AI batch wrote its results (``outputInfo``)."""

    vertex_multimodal_dataset_name: str | None = None
    gcs_output_directory: str | None = None
    bigquery_output_table: str | None = None


class BatchJobStats(_Wire, kw_only=True):
    """Progress counts of a batch (``metadata.batchStats``; google-genai drops them)."""

    request_count: int | None = None
    successful_request_count: int | None = None
    failed_request_count: int | None = None
    pending_request_count: int | None = None


class BatchJob(_Wire, kw_only=True):
    """A batch job.

    Attributes:
        name: ``batches/{id}``: enough to resume following the job.
        display_name: The user-given label.
        state: A ``JOB_STATE_*`` value (see :class:`~genai_actors.types.JobState`).
        error: Why the whole job failed.
        create_time: When it was created.
        start_time: When it started (Vertex AI).
        end_time: When it finished.
        update_time: When it last changed.
        model: ``models/{id}``.
        src: The input (Vertex AI; the Developer API does not echo it).
        dest: The results once it succeeded.
        batch_stats: Request counts (total, succeeded, failed, pending).
        completion_stats: Counts of a finished Vertex AI job.
        output_info: Where a Vertex AI job wrote its results.
    """

    name: str | None = None
    display_name: str | None = None
    state: Annotated[JobState, enum_of(JobState, echoed=True)] | None = None
    error: JobError | None = None
    create_time: datetime.datetime | None = None
    start_time: datetime.datetime | None = None
    end_time: datetime.datetime | None = None
    update_time: datetime.datetime | None = None
    model: str | None = None
    src: BatchJobSource | None = None
    dest: BatchJobDestination | None = None
    batch_stats: BatchJobStats | None = None
    completion_stats: CompletionStats | None = None
    output_info: BatchJobOutputInfo | None = None

    @property
    def done(self) -> bool:
        """True once the job reached a terminal state (succeeded, failed, cancelled, expired)."""
        return self.state in BATCH_TERMINAL_STATES

    @classmethod
    def from_operation(cls, operation: dict[str, Any]) -> BatchJob:
        """The job view of a Developer API batch Operation (a decoded JSON object).

        Raises:
            ValueError: ``operation`` is not an object, or a field has the wrong type.
        """
        if not isinstance(operation, dict):
            raise ValueError(f"a batch operation must be an object, got {type(operation).__name__}")
        meta = operation.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        data: dict[str, Any] = {}  # wire (camelCase) names, as msgspec converts them
        if operation.get("name") is not None:
            data["name"] = operation["name"]
        for wire in ("displayName", "createTime", "endTime", "updateTime", "model"):
            if meta.get(wire) is not None:
                data[wire] = meta[wire]
        if isinstance(meta.get("state"), str):
            data["state"] = job_state(meta["state"])
        output = meta.get("output")
        if isinstance(output, dict):
            data["dest"] = _destination(output)
        stats = meta.get("batchStats")
        if isinstance(stats, dict):
            data["batchStats"] = stats
        if isinstance(operation.get("error"), dict):
            data["error"] = operation["error"]
        try:
            return msgspec.convert(data, cls, strict=False, dec_hook=dec_hook)
        except msgspec.ValidationError as exc:
            raise ValueError(f"not a valid batch operation: {exc}") from None

    @classmethod
    def from_vertex(cls, job: dict[str, Any]) -> BatchJob:
        """The job view of a Vertex AI ``BatchPredictionJob`` (a decoded JSON object).

        Raises:
            ValueError: ``job`` is not an object, or a field has the wrong type.
        """
        if not isinstance(job, dict):
            raise ValueError(f"a batch prediction job must be an object, got {type(job).__name__}")
        data: dict[str, Any] = {}  # wire (camelCase) names, as msgspec converts them
        for wire in _VERTEX_JOB_FIELDS:
            if job.get(wire) is not None:
                data[wire] = job[wire]
        if isinstance(job.get("state"), str):
            data["state"] = job_state(job["state"])
        source = job.get("inputConfig")
        if isinstance(source, dict):
            data["src"] = _vertex_source(source)
        output = job.get("outputConfig")
        if isinstance(output, dict):
            data["dest"] = _vertex_destination(output)
        try:
            return msgspec.convert(data, cls, strict=False, dec_hook=dec_hook)
        except msgspec.ValidationError as exc:
            raise ValueError(f"not a valid batch prediction job: {exc}") from None


_VERTEX_JOB_FIELDS = (
    "name",
    "displayName",
    "error",
    "createTime",
    "startTime",
    "endTime",
    "updateTime",
    "model",
    "completionStats",
    "outputInfo",
)


def _at(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _vertex_source(config: dict[str, Any]) -> dict[str, Any]:
    src: dict[str, Any] = {}
    for wire, path in (
        ("format", ("instancesFormat",)),
        ("gcsUri", ("gcsSource", "uris")),
        ("bigqueryUri", ("bigquerySource", "inputUri")),
        ("vertexDatasetName", ("vertexMultimodalDatasetSource", "datasetName")),
    ):
        value = _at(config, *path)
        if value is not None:
            src[wire] = value
    return src


def _vertex_destination(config: dict[str, Any]) -> dict[str, Any]:
    dest: dict[str, Any] = {}
    for wire, path in (
        ("format", ("predictionsFormat",)),
        ("gcsUri", ("gcsDestination", "outputUriPrefix")),
        ("bigqueryUri", ("bigqueryDestination", "outputUri")),
    ):
        value = _at(config, *path)
        if value is not None:
            dest[wire] = value
    dataset = config.get("vertexMultimodalDatasetDestination")
    if isinstance(dataset, dict):
        block: dict[str, Any] = {}
        table = _at(dataset, "bigqueryDestination", "outputUri")
        if table is not None:
            block["bigqueryDestination"] = table
        if dataset.get("displayName") is not None:
            block["displayName"] = dataset["displayName"]
        dest["vertexDataset"] = block
    return dest


def _destination(output: dict[str, Any]) -> dict[str, Any]:
    dest: dict[str, Any] = {}
    if output.get("responsesFile") is not None:
        dest["fileName"] = output["responsesFile"]
    for wire in ("inlinedResponses", "inlinedEmbedContentResponses"):
        block = output.get(wire)
        items = block.get("inlinedResponses") if isinstance(block, dict) else None
        if not isinstance(items, list):
            continue
        embeds = wire == "inlinedEmbedContentResponses" or any(
            isinstance(i, dict)
            and isinstance(i.get("response"), dict)
            and "embedding" in i["response"]
            for i in items
        )
        dest["inlinedEmbedContentResponses" if embeds else "inlinedResponses"] = [
            i for i in items if isinstance(i, dict)
        ]
    return dest


class BatchResult(msgspec.Struct, kw_only=True, frozen=True):
    """One request's outcome, matched to its request by ``key`` (never by position).

    Attributes:
        key: The request's key (``metadata["key"]`` inline, the JSONL ``key`` for files).
        response: The response when the request succeeded (a ``GenerateContentResponse``,
            or a ``SingleEmbedContentResponse`` for embeddings batches).
        error: Why it failed; also set for ``missing`` and ``unexpected`` results.
        status: ``"succeeded"``, ``"failed"``, ``"missing"`` (a submitted key with no result)
            or ``"unexpected"`` (a result whose key was not submitted, or has no key).
        metadata: The request's metadata as returned (inline batches).
    """

    key: str | None
    response: GenerateContentResponse | SingleEmbedContentResponse | None = None
    error: JobError | None = None
    status: Literal["succeeded", "failed", "missing", "unexpected"] = "succeeded"
    metadata: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """True when the request succeeded."""
        return self.status == "succeeded"


class CreateBatchJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``batches.create``.

    Attributes:
        display_name: A label for the job.
        dest: Vertex AI only (refused on the Gemini Developer API).
        webhook_config: Where the server notifies completion (Gemini Developer API).
        http_options: Per-call HTTP options.
    """

    http_options: HttpOptions | None = None
    display_name: str | None = None
    dest: Annotated[Any, flexible("batch_dest")] = None
    webhook_config: WebhookConfig | None = None


class EmbedContentBatch(_Wire, kw_only=True):
    """The inline input of an embeddings batch: many contents, one config."""

    contents: ContentListUnion | None = None
    config: EmbedContentConfig | None = None


class EmbeddingsBatchJobSource(_Wire, kw_only=True):
    """The input of ``batches.create_embeddings``: exactly one of the two."""

    file_name: str | None = None
    inlined_requests: EmbedContentBatch | None = None


class CreateEmbeddingsBatchJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``batches.create_embeddings``."""

    http_options: HttpOptions | None = None
    display_name: str | None = None


class GetBatchJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``batches.get``."""

    http_options: HttpOptions | None = None


class CancelBatchJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``batches.cancel``."""

    http_options: HttpOptions | None = None


class DeleteBatchJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``batches.delete``."""

    http_options: HttpOptions | None = None


class ListBatchJobsConfig(_Wire, kw_only=True):
    """The ``config`` of ``batches.list`` (``filter`` is Vertex AI only)."""

    http_options: HttpOptions | None = None
    page_size: int | None = None
    page_token: str | None = None
    filter: str | None = None


class ListBatchJobsResponse(_Wire, kw_only=True):
    """One page of ``batches.list``."""

    sdk_http_response: HttpResponse | None = None
    next_page_token: str | None = None
    batch_jobs: list[BatchJob] | None = None


class DeleteResourceJob(_Wire, kw_only=True):
    """What ``batches.delete`` returns."""

    sdk_http_response: HttpResponse | None = None
    name: str | None = None
    done: bool | None = None
    error: JobError | None = None


register_flexible(BatchJobDestination)  # a dest dict becomes one (_construct)
