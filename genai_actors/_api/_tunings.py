"""``client.tunings``: model tuning on the Gemini Developer API (``tunedModels``) and on Vertex
AI (``tuningJobs``).

google-genai's methods with its parameters: ``tune(base_model=, training_dataset=, config=)``,
``get(name=)``, ``list(config=)``, ``cancel(name=)``, ``validate_reward(...)``; plus ``wait`` and
``watch`` through the client's supervised watchers.

Differences from google-genai 3.4, on purpose:

- ``tune`` sends the training examples (``tuningTask.trainingData.examples``) and
  ``learning_rate_multiplier``; google-genai builds them and then drops them, so its requests
  carry no training data at all.
- ``list`` works on the Developer API (``GET tunedModels``); google-genai raises there.
- ``base_model`` is normalised to ``models/{id}`` (google-genai sends it as given).

On this backend a tuning job is its tuned model: ``TuningJob.name`` is ``tunedModels/{id}``,
which, once the job succeeded, is also the ``model=`` to generate with.

On Vertex AI, ``tune`` posts a ``tuningJobs`` resource built as google-genai builds it
(:mod:`genai_actors._transformers._tuning_jobs`: the training data is a ``gcs_uri`` or
``vertex_dataset_resource``; inline ``examples`` are refused before sending), and a job is named
``projects/{p}/locations/{l}/tuningJobs/{id}`` (``tuningJobs/{id}`` or the bare id is taken as
one of the client's project and location; google-genai would send a bare id as it is).
``validate_reward`` works there.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from .._transformers import InvalidRequestError, Request, coerce, coerce_config, t_model
from .._transformers._tuning_jobs import (
    VERTEX_TUNING_COLLECTION,
    vertex_tune_request,
    vertex_tuning_job_name,
    vertex_validate_reward_request,
)
from ..errors import UnknownApiResponseError, UnsupportedByBackendError
from ..pagers import AsyncPager
from ..types._enums_more import JobState
from ..types._tunings import (
    CancelTuningJobConfig,
    CancelTuningJobResponse,
    CreateTuningJobConfig,
    GetTuningJobConfig,
    ListTuningJobsConfig,
    ListTuningJobsResponse,
    TuningDataset,
    TuningJob,
    ValidateRewardConfig,
    ValidateRewardResponse,
)
from ._toolkit import call, check_timeout, decode_object, http_response, page_query, send

if TYPE_CHECKING:
    from .._api_client import ApiClient
    from .._watch import WatchStream

__all__ = ["DEFAULT_WAIT_TIMEOUT", "AsyncTunings", "tuned_model_name"]

DEFAULT_WAIT_TIMEOUT = 48 * 3600.0
"""Seconds ``wait`` polls by default (48 h)."""

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MLDEV_FIELDS = frozenset(
    {
        "tuned_model_display_name",
        "epoch_count",
        "batch_size",
        "learning_rate",
        "learning_rate_multiplier",
        "http_options",
    }
)


def tuned_model_name(name: object) -> str:
    """``tunedModels/{id}`` from that name, a bare id or a :class:`TuningJob`.

    Raises:
        InvalidRequestError: Anything else (e.g. ``models/x`` or ``tunedModels/a/b``).
    """
    if isinstance(name, TuningJob):
        name = name.name
    if not isinstance(name, str) or not name:
        raise InvalidRequestError(
            "name", f"expected a tuning job name 'tunedModels/<id>', got {name!r}"
        )
    model_id = name.removeprefix("tunedModels/")
    if not _ID.match(model_id):
        raise InvalidRequestError(
            "name", f"expected a tuning job name 'tunedModels/<id>', got {name!r}"
        )
    return f"tunedModels/{model_id}"


def _positive(value: Any, path: str, *, integer: bool) -> None:
    kind: tuple[type[Any], ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        raise InvalidRequestError(path, f"expected a positive number, got {value!r}")
    if (isinstance(value, float) and not math.isfinite(value)) or value <= 0:
        raise InvalidRequestError(path, f"must be positive, got {value!r}")


def _tune_request(base_model: str, training_dataset: Any, cfg: CreateTuningJobConfig) -> Request:
    """``tunings.tune``: POST ``tunedModels`` with the base model, examples and
    hyperparameters.

    Raises:
        InvalidRequestError: No examples, an empty input, a non-positive hyperparameter, both
            learning-rate fields, a base model not under ``models/``.
        UnsupportedByBackendError: A Vertex-only field of the config or the dataset.
    """
    for field in cfg.__struct_fields__:
        if field not in _MLDEV_FIELDS and getattr(cfg, field) is not None:
            raise UnsupportedByBackendError(
                "Gemini Developer API", f"config.{field}", "It needs Vertex AI."
            )
    if training_dataset is None:
        raise InvalidRequestError("training_dataset", "training_dataset is required")
    dataset = coerce(training_dataset, TuningDataset, "training_dataset")
    for field in ("gcs_uri", "vertex_dataset_resource"):
        if getattr(dataset, field) is not None:
            raise UnsupportedByBackendError(
                "Gemini Developer API",
                f"training_dataset.{field}",
                "The Gemini Developer API takes inline examples.",
            )
    if not dataset.examples:
        raise InvalidRequestError("training_dataset.examples", "at least one example is required")
    examples = []
    for i, example in enumerate(dataset.examples):
        if not isinstance(example.text_input, str) or not example.text_input:
            raise InvalidRequestError(
                f"training_dataset.examples[{i}].text_input", "a non-empty string is required"
            )
        if not isinstance(example.output, str):
            raise InvalidRequestError(
                f"training_dataset.examples[{i}].output", "a string is required"
            )
        examples.append({"textInput": example.text_input, "output": example.output})
    hyper: dict[str, Any] = {}
    if cfg.epoch_count is not None:
        _positive(cfg.epoch_count, "config.epoch_count", integer=True)
        hyper["epochCount"] = cfg.epoch_count
    if cfg.batch_size is not None:
        _positive(cfg.batch_size, "config.batch_size", integer=True)
        hyper["batchSize"] = cfg.batch_size
    if cfg.learning_rate is not None and cfg.learning_rate_multiplier is not None:
        raise InvalidRequestError(
            "config", "set at most one of learning_rate and learning_rate_multiplier"
        )
    if cfg.learning_rate is not None:
        _positive(cfg.learning_rate, "config.learning_rate", integer=False)
        hyper["learningRate"] = cfg.learning_rate
    if cfg.learning_rate_multiplier is not None:
        _positive(cfg.learning_rate_multiplier, "config.learning_rate_multiplier", integer=False)
        hyper["learningRateMultiplier"] = cfg.learning_rate_multiplier
    body: dict[str, Any] = {"baseModel": t_model(base_model, vertex=False)}
    if not body["baseModel"].startswith("models/"):
        raise InvalidRequestError("base_model", f"expected a 'models/...' name, got {base_model!r}")
    if cfg.tuned_model_display_name is not None:
        body["displayName"] = cfg.tuned_model_display_name
    task: dict[str, Any] = {"trainingData": {"examples": {"examples": examples}}}
    if hyper:
        task["hyperparameters"] = hyper
    body["tuningTask"] = task
    return Request("POST", "tunedModels", None, body, cfg.http_options)


def _list_request(cfg: ListTuningJobsConfig, *, vertex: bool = False) -> Request:
    """``tunings.list``: GET ``tunedModels`` (``tuningJobs`` on Vertex AI), one page
    (``filter`` passed on).

    Raises:
        InvalidRequestError: ``page_size`` is not a positive integer.
    """
    query = page_query(cfg.page_size, cfg.page_token) or {}
    if cfg.filter is not None:
        query["filter"] = cfg.filter
    text = {key: str(value) for key, value in query.items()}
    path = VERTEX_TUNING_COLLECTION if vertex else "tunedModels"
    return Request("GET", path, text or None, None, cfg.http_options)


def _has_ended(job: TuningJob) -> bool:
    return job.has_ended


class AsyncTunings:
    """``client.tunings`` on :class:`~genai_actors.AsyncClient`.

    Server errors raise :class:`~genai_actors.errors.APIError` subclasses (an unknown job is
    ``NotFoundError``), transport failures :class:`~genai_actors.errors.TransportError` after the
    retries. Cancelling the caller aborts the request in flight and frees its connection.
    """

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client

    def _name(self, name: object) -> str:
        """The job's resource path on this client's backend.

        Raises:
            InvalidRequestError: Not a tuning job name of this backend (nothing is sent).
        """
        if self._api.vertexai:
            return vertex_tuning_job_name(name)
        return tuned_model_name(name)

    def _job(self, data: Any) -> TuningJob:
        return _job(data, vertex=self._api.vertexai)

    async def tune(
        self, *, base_model: str, training_dataset: Any, config: Any = None
    ) -> TuningJob:
        """Starts tuning ``base_model`` on the given examples.

        Args:
            base_model: The model to tune (``models/...`` or a bare id; on Vertex AI a
                publisher model, or a tuned model ``projects/...`` to continue from).
            training_dataset: :class:`~genai_actors.types.TuningDataset` or dict with
                ``examples``: ``[{"text_input": ..., "output": ...}, ...]`` (on Vertex AI:
                ``gcs_uri`` or ``vertex_dataset_resource``).
            config: :class:`~genai_actors.types.CreateTuningJobConfig` or dict:
                ``tuned_model_display_name``, ``epoch_count``, ``batch_size``, and one of
                ``learning_rate`` / ``learning_rate_multiplier`` (on Vertex AI also
                ``method``, ``validation_dataset`` and the rest).

        Returns:
            The job, ``JOB_STATE_QUEUED``, named ``tunedModels/{id}`` (on Vertex AI the job
            the service created); follow it with :meth:`wait` or :meth:`watch`.

        Raises:
            InvalidRequestError: No examples, an empty input, a non-positive hyperparameter
                (nothing is sent).
            UnsupportedByBackendError: A Vertex-only field (``gcs_uri``, ``method``, ...), or
                ``examples`` on Vertex AI.
            APIError: The server refused (e.g. an unknown base model).
        """
        cfg = coerce_config(config, CreateTuningJobConfig)
        if self._api.vertexai:
            vertex_request = vertex_tune_request(base_model, training_dataset, cfg)
            raw = await send(self._api, vertex_request, idempotent=False)
            job = self._job(decode_object(raw.content))
            job.sdk_http_response = http_response(raw)
            if job.evaluation_config is None:  # as google-genai: the one it was created with
                job.evaluation_config = cfg.evaluation_config
            return job
        request = _tune_request(base_model, training_dataset, cfg)
        raw = await send(self._api, request, idempotent=False)
        operation = decode_object(raw.content)
        metadata = operation.get("metadata")
        name = metadata.get("tunedModel") if isinstance(metadata, dict) else None
        if not name:
            op_name = operation.get("name")
            if not isinstance(op_name, str) or "/operations/" not in op_name:
                raise UnknownApiResponseError("the tuning operation carries no tuned model name")
            name = op_name.partition("/operations/")[0]
        sent = request.payload or {}
        return TuningJob(
            name=name,
            state=JobState.JOB_STATE_QUEUED,
            base_model=sent["baseModel"],
            tuned_model_display_name=sent.get("displayName"),
            sdk_http_response=http_response(raw),
        )

    async def get(self, *, name: str, config: Any = None) -> TuningJob:
        """Fetches a tuning job's current state.

        Raises:
            InvalidRequestError: Not a ``tunedModels/<id>`` name (nothing is sent).
            NotFoundError: No such tuned model.
        """
        cfg = coerce_config(config, GetTuningJobConfig)
        request = Request("GET", self._name(name), None, None, cfg.http_options)
        raw = await send(self._api, request)
        job = self._job(decode_object(raw.content))
        if self._api.vertexai:
            job.sdk_http_response = http_response(raw)
        return job

    async def cancel(self, *, name: str, config: Any = None) -> CancelTuningJobResponse:
        """Asks the server to stop a job that is still training (it ends ``JOB_STATE_FAILED``:
        the Developer API has no cancelled state).

        Raises:
            InvalidRequestError: Not a ``tunedModels/<id>`` name (nothing is sent).
            NotFoundError: No such job. FailedPreconditionError: it already ended.
        """
        cfg = coerce_config(config, CancelTuningJobConfig)
        request = Request("POST", f"{self._name(name)}:cancel", None, None, cfg.http_options)
        return await call(self._api, request, CancelTuningJobResponse)

    async def _list_page(self, config: Any = None) -> ListTuningJobsResponse:
        cfg = coerce_config(config, ListTuningJobsConfig)
        vertex = self._api.vertexai
        raw = await send(self._api, _list_request(cfg, vertex=vertex))
        data = decode_object(raw.content)
        key = "tuningJobs" if vertex else "tunedModels"
        return ListTuningJobsResponse(
            sdk_http_response=http_response(raw),
            next_page_token=data.get("nextPageToken"),
            tuning_jobs=[self._job(m) for m in data.get(key) or []],
        )

    async def list(self, *, config: Any = None) -> AsyncPager[TuningJob]:
        """Lists tuning jobs (``GET tunedModels``; google-genai raises on this backend).

        Args:
            config: ``page_size``, ``page_token``, ``filter`` (the API's tuned-model filter).

        Returns:
            An :class:`~genai_actors.pagers.AsyncPager` named ``tuning_jobs``.

        Raises:
            InvalidRequestError: A bad ``page_size`` (nothing is sent).
        """
        first = await self._list_page(config)
        return AsyncPager("tuning_jobs", self._list_page, first, config)

    async def validate_reward(
        self,
        *,
        parent: str,
        sample_response: Any,
        example: Any,
        single_reward_config: Any = None,
        composite_reward_config: Any = None,
        config: Any = None,
    ) -> ValidateRewardResponse:
        """Validates a reinforcement-tuning reward on a sample response (Vertex AI only):
        POST ``{parent}/tuningJobs:validateReinforcementTuningReward``.

        Args:
            parent: ``projects/{p}/locations/{l}``.
            sample_response: The model answer to score (a Content, or what makes one).
            example: The reinforcement-tuning example (``contents``, ``references``, ...).
            single_reward_config: One reward configuration (dict).
            composite_reward_config: Weighted reward configurations (dict).
            config: ``http_options``.

        Raises:
            UnsupportedByBackendError: On the Gemini Developer API (nothing is sent).
            InvalidRequestError: A bad parent or sample response (nothing is sent).
            APIError: The server refused.
        """
        if not self._api.vertexai:
            raise self._api.unsupported("tunings.validate_reward", "It needs Vertex AI.")
        cfg = coerce_config(config, ValidateRewardConfig)
        request = vertex_validate_reward_request(
            parent,
            sample_response,
            example,
            single_reward_config,
            composite_reward_config,
            cfg.http_options,
        )
        return await call(self._api, request, ValidateRewardResponse, idempotent=False)

    async def _fetch(self, name: str) -> TuningJob:
        return await self.get(name=name)

    async def wait(
        self,
        job: TuningJob | str,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 (measured on current_clock())
    ) -> TuningJob:
        """Polls the job (through the client's shared, supervised watchers) until it ends.

        Args:
            job: The job or its name (``tunedModels/<id>``): enough to resume after a restart.
            timeout: Seconds to wait (default 48 h); ``None`` waits until the job ends.

        Returns:
            The job in a terminal state; a failed job is returned, not raised. Once
            ``has_succeeded``, ``job.tuned_model.model`` is usable as ``model=``.

        Raises:
            WaitTimeoutError: ``timeout`` expired (``.last`` is the last state seen).
            InvalidOptionError: A negative, NaN or non-numeric ``timeout`` (a ``ValueError``
                and a ``TypeError``).
            InvalidRequestError: Not a tuning job name (nothing is sent).
            APIError: A non-transient error (e.g. ``NotFoundError``) ended the wait.

        Cancellation: cancelling the caller ends only its own wait; the job goes on.
        """
        limit = check_timeout(timeout)
        if isinstance(job, TuningJob) and job.has_ended:
            return job
        return await self._api.watchers.wait(
            self._name(job), self._fetch, _has_ended, timeout=limit, kind="tuning"
        )

    def watch(self, job: TuningJob | str) -> WatchStream[TuningJob]:
        """A stream of the job's states: the current one, then each change, until it ends.

        Raises:
            InvalidRequestError: Not a tuning job name (raised here; nothing is sent).
        """
        return self._api.watchers.watch(self._name(job), self._fetch, _has_ended, kind="tuning")


def _job(data: Any, *, vertex: bool = False) -> TuningJob:
    try:
        return TuningJob.from_vertex(data) if vertex else TuningJob.from_tuned_model(data)
    except ValueError as exc:
        raise UnknownApiResponseError(str(exc)) from None
