"""``client.batches``: batch jobs on the Gemini Developer API and Vertex AI, and reading their
results.

google-genai's methods (``create``, ``create_embeddings``, ``get``, ``list``, ``cancel``,
``delete``) with its parameters, plus what every batch user needs:

- Inline requests are converted by the same transformers as online ``generate_content`` calls,
  and each gets a stable key in its ``metadata`` (``{"key": "<index>"}`` unless it has one).
- :meth:`AsyncBatches.results` yields one :class:`~genai_actors.types.BatchResult` per request,
  matched by key (never by position: the service returns inline results out of order), reading
  a results file as a stream; missing and unexpected keys are reported as results with
  ``status="missing"`` / ``"unexpected"``.
- :meth:`AsyncBatches.wait` / :meth:`AsyncBatches.watch` follow a job through the client's
  supervised watchers.

Everything wrong with the input (both inline and file input, a bad name, duplicate keys,
Vertex-only fields) raises before any request is sent.

On Vertex AI a batch is a ``batchPredictionJobs`` resource reading a Cloud Storage JSONL file,
a BigQuery table or a multimodal dataset and writing to a URI (``src`` and ``config.dest`` as
``gs://...`` / ``bq://...`` URIs, see :mod:`genai_actors._transformers._batch_jobs`); its name
is ``projects/{p}/locations/{l}/batchPredictionJobs/{id}``. Inline requests, ``files/...``
input, ``webhook_config``, ``create_embeddings`` and :meth:`AsyncBatches.results` are the
Developer API's and are refused there before sending.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._transformers import (
    InvalidRequestError,
    Request,
    coerce_config,
    embed_content_request,
    generate_content_request,
    normalize_keys,
    t_file_name,
    t_model,
)
from .._transformers._batch_jobs import (
    vertex_batch_create_request,
    vertex_batch_list_request,
    vertex_batch_name,
)
from ..errors import UnknownApiResponseError
from ..pagers import AsyncPager
from ..types._batches import (
    BatchJob,
    BatchJobSource,
    CancelBatchJobConfig,
    CreateBatchJobConfig,
    CreateEmbeddingsBatchJobConfig,
    DeleteBatchJobConfig,
    DeleteResourceJob,
    EmbeddingsBatchJobSource,
    GetBatchJobConfig,
    InlinedRequest,
    ListBatchJobsConfig,
    ListBatchJobsResponse,
)
from ..types._generate import GenerateContentConfig
from ..types._http import HttpOptions
from ..types._media import WebhookConfig
from ._batch_results import BatchResults
from ._toolkit import (
    call,
    check_timeout,
    decode_object,
    http_response,
    page_query,
    require_developer_api,
    send,
)

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from .._watch import WatchStream

__all__ = ["DEFAULT_WAIT_TIMEOUT", "INLINE_LIMIT_BYTES", "AsyncBatches", "batch_name"]

DEFAULT_WAIT_TIMEOUT = 48 * 3600.0
"""Seconds ``wait`` polls by default: 48 h, when an unfinished batch expires server-side."""

INLINE_LIMIT_BYTES = 20 * 1024 * 1024
"""The largest inline batch the API accepts; bigger batches must use a JSONL file."""

_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_REQUEST_KEYS = frozenset({"model", "contents", "metadata", "config"})
_SOURCE_KEYS = {
    "inlinedRequests": "inlined_requests",
    "fileName": "file_name",
    "gcsUri": "gcs_uri",
    "bigqueryUri": "bigquery_uri",
    "vertexDatasetName": "vertex_dataset_name",
    **{
        k: k
        for k in (
            "inlined_requests",
            "file_name",
            "gcs_uri",
            "bigquery_uri",
            "vertex_dataset_name",
            "format",
        )
    },
}
_REMEMBERED = 1024  # batches whose submitted keys are kept for results()


def batch_name(name: object) -> str:
    """``batches/{id}`` from that name, a bare id or a :class:`BatchJob`.

    Raises:
        InvalidRequestError: Anything else (e.g. ``files/x`` or ``batches/a/b``).
    """
    if isinstance(name, BatchJob):
        name = name.name
    if not isinstance(name, str) or not name:
        raise InvalidRequestError("name", f"expected a batch name 'batches/<id>', got {name!r}")
    job_id = name.removeprefix("batches/")
    if not _ID.match(job_id):
        raise InvalidRequestError("name", f"expected a batch name 'batches/<id>', got {name!r}")
    return f"batches/{job_id}"


def _source(src: Any) -> tuple[list[Any] | None, str | None]:
    """``src`` as (inline requests, file name); exactly one is set."""
    if isinstance(src, BatchJobSource):
        src = src.model_dump(exclude_none=True)
    if isinstance(src, list | tuple):
        return list(src), None
    if isinstance(src, str):
        if src.startswith(("gs://", "bq://", "projects/")):
            raise InvalidRequestError(
                "src",
                f"{src!r} is a Vertex AI source; the Gemini Developer API takes inline "
                "requests or a 'files/...' JSONL file",
            )
        if not src.startswith("files/"):
            raise InvalidRequestError(
                "src", f"expected a list of requests or a 'files/<id>' name, got {src!r}"
            )
        return None, f"files/{t_file_name(src)}"
    if isinstance(src, dict):
        data: dict[str, Any] = {_SOURCE_KEYS.get(str(k), str(k)): v for k, v in src.items()}
        unknown = sorted(set(data) - set(_SOURCE_KEYS.values()))
        if unknown:
            raise InvalidRequestError(f"src.{unknown[0]}", "unknown field of a batch source")
        vertex = sorted(set(data) & {"format", "gcs_uri", "bigquery_uri", "vertex_dataset_name"})
        if vertex:
            raise InvalidRequestError(
                f"src.{vertex[0]}", "is a Vertex AI source, not supported by the Developer API"
            )
        inline, file = data.get("inlined_requests"), data.get("file_name")
        if inline is not None and file is not None:
            raise InvalidRequestError("src", "give either inlined_requests or file_name, not both")
        if file is not None:
            return None, f"files/{t_file_name(file)}"
        if inline is not None:
            if not isinstance(inline, list | tuple):
                raise InvalidRequestError("src.inlined_requests", "expected a list of requests")
            return list(inline), None
        raise InvalidRequestError("src", "one of inlined_requests and file_name is required")
    if isinstance(getattr(src, "name", None), str) and src.name.startswith("files/"):
        return None, src.name  # a File object
    raise InvalidRequestError(
        "src",
        f"expected a list of requests, a 'files/<id>' name or a dict, got {type(src).__name__}",
    )


def _inline_request(item: Any, index: int, model: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """One inline request as (request body, metadata), converted as online calls are."""
    path = f"src[{index}]"
    if isinstance(item, InlinedRequest):
        item = {f: getattr(item, f) for f in item.__struct_fields__ if getattr(item, f) is not None}
    elif not isinstance(item, dict):
        raise InvalidRequestError(path, f"expected a request dict, got {type(item).__name__}")
    if "request" in item:  # the wire shape {"request": {...}, "metadata": {...}}
        extra = sorted(set(item) - {"request", "metadata"})
        if extra:
            raise InvalidRequestError(f"{path}.{extra[0]}", "unknown field beside 'request'")
        inner = dict(item["request"])
        inner.setdefault("metadata", item.get("metadata"))
        if inner["metadata"] is None:
            del inner["metadata"]
        item = inner
    raw_config = item.get("config")
    if raw_config is not None and not isinstance(raw_config, GenerateContentConfig | dict):
        raise InvalidRequestError(f"{path}.config", "expected a GenerateContentConfig or dict")
    extras = {k: v for k, v in item.items() if k not in _REQUEST_KEYS}
    given: Any = raw_config
    if extras:  # GenerateContentRequest-shaped: config fields at the top level
        merged: dict[str, Any] = {}
        if isinstance(raw_config, GenerateContentConfig):
            merged.update(raw_config.model_dump(exclude_none=True))
        elif raw_config is not None:
            merged.update(raw_config)
        for key, value in extras.items():
            if key in ("generation_config", "generationConfig") and isinstance(value, dict):
                merged.update(value)
            else:
                merged[key] = value
        given = merged
    if isinstance(given, dict):
        has_options = "http_options" in given or "httpOptions" in given
    else:
        has_options = given is not None and given.http_options is not None
    if has_options:
        raise InvalidRequestError(f"{path}.config.http_options", "has no effect inside a batch")
    contents = item.get("contents")
    if contents is None:
        raise InvalidRequestError(f"{path}.contents", "contents are required")
    try:
        built = generate_content_request(item.get("model") or model, contents, given)
    except InvalidRequestError as exc:
        raise InvalidRequestError(f"{path}.{exc.path}", exc.reason) from None
    body = dict(built.payload or {})
    if item.get("model"):
        if t_model(item["model"]) != t_model(model):
            raise InvalidRequestError(
                f"{path}.model", f"must be the batch's model {t_model(model)!r}"
            )
        body = {"model": t_model(item["model"]), **body}
    metadata = item.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise InvalidRequestError(f"{path}.metadata", "expected a dict of strings")
    return body, dict(metadata)


def _stamp(entries: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> tuple[list[Any], list[str]]:
    """Wire request entries with a unique ``metadata.key`` each, and the keys in order."""
    out: list[Any] = []
    keys: list[str] = []
    seen: set[str] = set()
    for index, (request, metadata) in enumerate(entries):
        key = metadata.setdefault("key", str(index))
        if not isinstance(key, str) or not key:
            raise InvalidRequestError(f"src[{index}].metadata.key", "must be a non-empty string")
        if key in seen:
            raise InvalidRequestError(
                f"src[{index}].metadata.key", f"duplicate key {key!r}: results are matched by key"
            )
        seen.add(key)
        keys.append(key)
        out.append({"request": request, "metadata": metadata})
    if not out:
        raise InvalidRequestError("src", "a batch needs at least one request")
    return out, keys


def _batch_request(path: str, batch: dict[str, Any], http_options: HttpOptions | None) -> Request:
    """POST ``{"batch": batch}`` to ``path``, refused when the body is over the inline limit.

    Raises:
        InvalidRequestError: The body is over 20 MB.
    """
    request = Request("POST", path, None, {"batch": batch}, http_options)
    size = len(request.body or b"")
    if size > INLINE_LIMIT_BYTES:
        raise InvalidRequestError(
            "src",
            f"the inline batch is {size} bytes, over the API's 20 MB limit: "
            "upload the requests as a JSONL file and pass its 'files/...' name",
        )
    return request


def _create_request(model: str, src: Any, cfg: CreateBatchJobConfig) -> tuple[Request, list[str]]:
    """``batches.create``: POST ``{model}:batchGenerateContent``.

    Returns:
        The request, and the keys of its inline requests in order (empty for a file).

    Raises:
        InvalidRequestError: Both or neither input, a bad request, a duplicate key, a bad
            model name, an inline batch over 20 MB.
        UnsupportedByBackendError: A Vertex-only field in an inline request.
    """
    path = t_model(model)
    inline, file_name = _source(src)
    batch: dict[str, Any] = {}
    if cfg.display_name is not None:
        batch["displayName"] = cfg.display_name
    keys: list[str] = []
    if inline is not None:
        entries, keys = _stamp(_inline_request(r, i, model) for i, r in enumerate(inline))
        batch["inputConfig"] = {"requests": {"requests": entries}}
    else:
        batch["inputConfig"] = {"fileName": file_name}
    if cfg.webhook_config is not None:
        batch["webhookConfig"] = normalize_keys(
            cfg.webhook_config, WebhookConfig, "config.webhook_config"
        )
    return _batch_request(f"{path}:batchGenerateContent", batch, cfg.http_options), keys


def _embeddings_request(
    model: str, src: Any, cfg: CreateEmbeddingsBatchJobConfig
) -> tuple[Request, list[str]]:
    """``batches.create_embeddings``: POST ``{model}:asyncBatchEmbedContent``.

    Returns:
        The request, and the keys of its inline requests in order (empty for a file).

    Raises:
        InvalidRequestError: Both or neither input, bad contents, a bad model name.
        UnsupportedByBackendError: A Vertex-only embedding field.
    """
    source = coerce_config(src, EmbeddingsBatchJobSource, "src")
    if (source.file_name is None) == (source.inlined_requests is None):
        raise InvalidRequestError("src", "give exactly one of inlined_requests and file_name")
    path = t_model(model)
    batch: dict[str, Any] = {}
    if cfg.display_name is not None:
        batch["displayName"] = cfg.display_name
    keys: list[str] = []
    if source.inlined_requests is not None:
        block = source.inlined_requests
        try:
            built = embed_content_request(model, block.contents, block.config)
        except InvalidRequestError as exc:
            raise InvalidRequestError(f"src.inlined_requests.{exc.path}", exc.reason) from None
        requests: list[tuple[dict[str, Any], dict[str, Any]]] = [
            ({k: v for k, v in r.items() if k != "model"}, {})
            for r in (built.payload or {})["requests"]
        ]
        entries, keys = _stamp(requests)
        batch["inputConfig"] = {"requests": {"requests": entries}}
    else:
        batch["inputConfig"] = {"fileName": f"files/{t_file_name(source.file_name)}"}
    return _batch_request(f"{path}:asyncBatchEmbedContent", batch, cfg.http_options), keys


def _list_request(cfg: ListBatchJobsConfig) -> Request:
    """``batches.list``: GET ``batches``, one page.

    Raises:
        InvalidRequestError: ``page_size`` is not a positive integer.
    """
    query = page_query(cfg.page_size, cfg.page_token)
    text = {key: str(value) for key, value in query.items()} if query else None
    return Request("GET", "batches", text, None, cfg.http_options)


def _is_done(job: BatchJob) -> bool:
    return job.done


class AsyncBatches:
    """``client.batches`` on :class:`~genai_actors.AsyncClient`.

    Server errors raise :class:`~genai_actors.errors.APIError` subclasses (an unknown batch is
    ``NotFoundError``), transport failures :class:`~genai_actors.errors.TransportError` after the
    retries. Cancelling the caller aborts the request in flight and frees its connection.
    """

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client
        self._keys: OrderedDict[str, list[str]] = OrderedDict()

    def _name(self, name: object) -> str:
        """The job's resource path on this client's backend (``batches/{id}`` or
        ``batchPredictionJobs/{id}``).

        Raises:
            InvalidRequestError: Not a batch name of this backend (nothing is sent).
        """
        if self._api.vertexai:
            return vertex_batch_name(name)
        return batch_name(name)

    def _job(self, data: Any) -> BatchJob:
        return _job(data, vertex=self._api.vertexai)

    def _remember(self, name: str | None, keys: list[str]) -> None:
        if not name:
            return
        self._keys[name] = keys
        while len(self._keys) > _REMEMBERED:
            self._keys.popitem(last=False)

    async def _submit(self, request: Request, keys: list[str]) -> BatchJob:
        raw = await send(self._api, request, idempotent=False)
        job = self._job(decode_object(raw.content))
        if keys:
            self._remember(job.name, keys)
        return job

    async def create(self, *, model: str, src: Any, config: Any = None) -> BatchJob:
        """Creates a batch of ``generate_content`` requests.

        Args:
            model: The model every request uses.
            src: A list of requests (dicts or :class:`~genai_actors.types.InlinedRequest`
                with ``contents``, ``config``, ``metadata``; config fields may also sit at the
                top, GenerateContentRequest-style), a ``files/...`` JSONL file name, or
                ``{"inlined_requests": [...]}`` / ``{"file_name": "files/..."}``.
            config: ``display_name``, ``webhook_config`` (``dest`` is Vertex AI only).

        On Vertex AI ``src`` is a ``gs://`` JSONL URI, a ``bq://`` table, a
        ``projects/*/locations/*/datasets/*`` dataset, or a dict / ``BatchJobSource`` with
        one of ``gcs_uri`` (a list), ``bigquery_uri``, ``vertex_dataset_name``; ``config.dest``
        a ``gs://`` prefix, a ``bq://`` table or a ``BatchJobDestination``.

        Returns:
            The new job (``JOB_STATE_PENDING``); follow it with :meth:`wait` or :meth:`watch`.

        Raises:
            InvalidRequestError: Both or neither input, a bad request, a duplicate key, a bad
                model name, an inline batch over 20 MB (nothing is sent).
            UnsupportedByBackendError: ``dest`` or another Vertex-only field.
            APIError: The server refused (e.g. an unknown or inactive file).
        """
        cfg = coerce_config(config, CreateBatchJobConfig)
        if self._api.vertexai:
            return await self._submit(vertex_batch_create_request(model, src, cfg), [])
        if cfg.dest is not None:
            raise self._api.unsupported("config.dest", "It needs Vertex AI.")
        request, keys = _create_request(model, src, cfg)
        return await self._submit(request, keys)

    async def create_embeddings(self, *, model: str, src: Any, config: Any = None) -> BatchJob:
        """Creates a batch of embeddings (experimental in the API).

        Args:
            model: An embedding model.
            src: ``{"inlined_requests": {"contents": [...], "config": {...}}}`` (one request per
                content, keyed by index) or ``{"file_name": "files/..."}``.
            config: ``display_name``.

        Raises:
            InvalidRequestError: Both or neither input, bad contents (nothing is sent).
            UnsupportedByBackendError: A Vertex-only embedding field; any call on Vertex AI.
            APIError: The server refused.
        """
        require_developer_api(
            self._api, "batches.create_embeddings", "It needs the Gemini Developer API."
        )
        cfg = coerce_config(config, CreateEmbeddingsBatchJobConfig)
        request, keys = _embeddings_request(model, src, cfg)
        return await self._submit(request, keys)

    async def get(self, *, name: str, config: Any = None) -> BatchJob:
        """Fetches a batch job's current state.

        Raises:
            InvalidRequestError: Not a ``batches/<id>`` name (nothing is sent).
            NotFoundError: No such batch.
        """
        cfg = coerce_config(config, GetBatchJobConfig)
        request = Request("GET", self._name(name), None, None, cfg.http_options)
        raw = await send(self._api, request)
        return self._job(decode_object(raw.content))

    async def cancel(self, *, name: str, config: Any = None) -> None:
        """Asks the server to cancel a batch job (it becomes ``JOB_STATE_CANCELLED``).

        Raises:
            InvalidRequestError: Not a ``batches/<id>`` name (nothing is sent).
            NotFoundError: No such batch. FailedPreconditionError: it already finished.
        """
        cfg = coerce_config(config, CancelBatchJobConfig)
        request = Request("POST", f"{self._name(name)}:cancel", None, None, cfg.http_options)
        await send(self._api, request)

    async def delete(self, *, name: str, config: Any = None) -> DeleteResourceJob:
        """Deletes a batch job (its results go with it).

        Raises:
            InvalidRequestError: Not a ``batches/<id>`` name (nothing is sent).
            NotFoundError: No such batch.
        """
        cfg = coerce_config(config, DeleteBatchJobConfig)
        full = self._name(name)
        request = Request("DELETE", full, None, None, cfg.http_options)
        result = await call(self._api, request, DeleteResourceJob)
        self._keys.pop(full, None)
        return result

    async def _list_page(self, config: Any = None) -> ListBatchJobsResponse:
        cfg = coerce_config(config, ListBatchJobsConfig)
        if self._api.vertexai:
            query = page_query(cfg.page_size, cfg.page_token)
            request = vertex_batch_list_request(query, cfg.filter, cfg.http_options)
            key = "batchPredictionJobs"
        else:
            if cfg.filter is not None:
                raise self._api.unsupported("config.filter", "It needs Vertex AI.")
            request, key = _list_request(cfg), "operations"
        raw = await send(self._api, request)
        data = decode_object(raw.content)
        return ListBatchJobsResponse(
            sdk_http_response=http_response(raw),
            next_page_token=data.get("nextPageToken"),
            batch_jobs=[self._job(op) for op in data.get(key) or []],
        )

    async def list(self, *, config: Any = None) -> AsyncPager[BatchJob]:
        """Lists batch jobs, newest first (``async for`` walks every page).

        Raises:
            UnsupportedByBackendError: ``filter`` on the Gemini Developer API (Vertex AI
                only; nothing is sent).
            InvalidRequestError: A bad ``page_size``.
        """
        first = await self._list_page(config)
        return AsyncPager("batch_jobs", self._list_page, first, config)

    async def _fetch(self, name: str) -> BatchJob:
        return await self.get(name=name)

    async def wait(
        self,
        job: BatchJob | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 (measured on current_clock())
    ) -> BatchJob:
        """Polls the job (through the client's shared, supervised watchers) until it ends.

        Args:
            job: The job or its name (``batches/<id>``; on Vertex AI the job's full name or
                numeric id): enough to resume after a restart.
            timeout: Seconds to wait (default 48 h, when an unfinished batch expires
                server-side); ``None`` waits until the job ends.

        Returns:
            The job in a terminal state (succeeded, failed, cancelled or expired); a failed job
            is returned, not raised.

        Raises:
            WaitTimeoutError: ``timeout`` expired (``.last`` is the last state seen); the job
                goes on.
            InvalidOptionError: A negative, NaN or non-numeric ``timeout`` (a ``ValueError``
                and a ``TypeError``).
            InvalidRequestError: Not a batch name (nothing is sent).
            APIError: A non-transient error (e.g. ``NotFoundError``) ended the wait.

        Cancellation: cancelling the caller ends only its own wait; the job goes on.
        """
        limit = check_timeout(timeout)
        if isinstance(job, BatchJob) and job.done:
            return job
        name = self._name(job)
        return await self._api.watchers.wait(
            name, self._fetch, _is_done, timeout=limit, kind="batch"
        )

    def watch(self, job: BatchJob | str) -> WatchStream[BatchJob]:
        """A stream of the job's states: the current one, then each change, until it ends.

        Returns:
            An async iterator with ``aclose()`` (also an async context manager).

        Raises:
            InvalidRequestError: Not a batch name (raised here; nothing is sent).
        """
        return self._api.watchers.watch(self._name(job), self._fetch, _is_done, kind="batch")

    def results(
        self, job: BatchJob | str, *, expected_keys: Iterable[str] | None = None
    ) -> BatchResults:
        """Every request's result, matched by key, as an async iterator of
        :class:`~genai_actors.types.BatchResult`.

        Inline results come in request order when the submitted keys are known (the batch was
        created by this client, or ``expected_keys`` is given), else in the server's order;
        a results file is read as a stream, in its order. Each submitted key with no result
        yields ``status="missing"`` at the end; a result with an unknown, duplicate or absent
        key yields ``status="unexpected"``. Without known keys, if fewer results than
        ``batch_stats.request_count`` arrive, one ``missing`` result (``key=None``) says how
        many.

        Args:
            job: The job (a finished one is read as it is) or its name (fetched first).
            expected_keys: The keys submitted, if this client did not create the batch.

        Returns:
            A :class:`BatchResults` stream (``async for``; ``aclose()``, ``async with``).
            Iterating raises ``InvalidRequestError`` when the job has no results yet
            (wait for it first).

        Raises:
            UnsupportedByBackendError: On Vertex AI, where results are written to the job's
                ``dest`` (Cloud Storage or BigQuery), not returned by the API.
        """
        require_developer_api(
            self._api,
            "batches.results",
            "Vertex AI writes a batch's results to its dest (Cloud Storage or BigQuery).",
        )
        keys = list(expected_keys) if expected_keys is not None else None
        return BatchResults(self._api, job, keys, self._get_for_results, self._keys)

    async def _get_for_results(self, job: BatchJob | str) -> BatchJob:
        if isinstance(job, BatchJob) and job.done:
            return job
        return await self.get(name=self._name(job))


def _job(data: Any, *, vertex: bool = False) -> BatchJob:
    try:
        return BatchJob.from_vertex(data) if vertex else BatchJob.from_operation(data)
    except ValueError as exc:
        raise UnknownApiResponseError(str(exc)) from None
