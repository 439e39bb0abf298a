"""Vertex AI jobs: ``batchPredictionJobs`` and ``tuningJobs``, and the tuned models and
endpoints a tuning job produces (:class:`VertexStore`).

Jobs walk ``JOB_STATE_PENDING`` -> ``JOB_STATE_RUNNING`` -> ``JOB_STATE_SUCCEEDED`` on the
emulator's clock, one stage per ``Settings.job_polls`` GETs and ``Settings.job_delay`` seconds
(as Developer API batches do). ``:cancel`` makes a running job ``JOB_STATE_CANCELLING``, and
``JOB_STATE_CANCELLED`` on its next GET. A batch prediction job reads and writes Cloud Storage or
BigQuery, which the emulator does not reach: the URIs are checked and echoed
(``outputInfo`` names where the predictions would be), nothing is read or written. A tuning job
that succeeds creates the tuned model ``projects/{p}/locations/{l}/models/{id}`` (served by
``models.get/list/update/delete``) and its endpoint ``.../endpoints/{id}``, which answers
``generateContent`` as the base model does.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._catalog import ModelInfo, vertex_only_models
from ._errors import ApiError, bad_request
from ._router import page
from ._timeutil import Progress, rfc3339

if TYPE_CHECKING:
    from ._router import Call, Router
    from ._state import EmulatorState
    from ._vertex import VertexCall

__all__ = ["VertexStore", "register"]

_STAGES = ("JOB_STATE_PENDING", "JOB_STATE_RUNNING", "JOB_STATE_SUCCEEDED")
_TERMINAL = frozenset(
    {"JOB_STATE_SUCCEEDED", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_EXPIRED"}
)
_TUNING_SPECS = (
    "supervisedTuningSpec",
    "preferenceOptimizationSpec",
    "distillationSpec",
    "reinforcementTuningSpec",
)
_FILTER_CLAUSE = re.compile(r'^\s*(\w+)\s*(=|!=)\s*"?([^"]*)"?\s*$')


@dataclass
class _Job:
    kind: str  # "batchPredictionJobs" or "tuningJobs"
    resource: dict[str, Any]
    cancelling: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    progress: Progress = field(init=False)

    @property
    def state(self) -> str:
        return str(self.resource["state"])


class VertexStore:
    """Vertex AI resources: tuned models, their endpoints, batch prediction and tuning jobs.

    Args:
        state: The emulator's state (clock, settings, catalogue).
    """

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._ids = itertools.count(1)
        self.endpoints: dict[str, str] = {}
        self.models: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, _Job] = {}
        self.cache_owners: dict[str, str] = {}
        self.publisher_models: dict[str, ModelInfo] = {m.name: m for m in vertex_only_models()}

    def endpoint_base(self, endpoint_id: str) -> str | None:
        """The ``models/{id}`` base model an endpoint serves, or None."""
        return self.endpoints.get(endpoint_id)

    def new_id(self) -> str:
        """A fresh numeric resource id, as Vertex AI's (19 digits)."""
        return str(7_000_000_000_000_000_000 + next(self._ids))

    def now_text(self) -> str:
        """The emulator's wall clock as an RFC 3339 timestamp."""
        return rfc3339(self._state.now())

    # -- jobs ------------------------------------------------------------------------------------

    def _start(self, kind: str, name: str, resource: dict[str, Any]) -> _Job:
        now = self.now_text()
        resource.update(name=name, state=_STAGES[0], createTime=now, updateTime=now)
        settings = self._state.settings
        job = _Job(kind, resource)
        job.progress = Progress(
            _STAGES,
            polls=settings.job_polls,
            delay=settings.job_delay,
            clock=self._state.clock,
            on_enter=lambda stage: self._enter(job, stage),
        )
        self.jobs[name] = job
        return job

    def _enter(self, job: _Job, stage: str) -> None:
        now = self.now_text()
        job.resource.update(state=stage, updateTime=now)
        if stage == "JOB_STATE_RUNNING":
            job.resource["startTime"] = now
        elif stage == "JOB_STATE_SUCCEEDED":
            job.resource["endTime"] = now
            if job.kind == "tuningJobs":
                self._tuned(job)
            else:
                job.resource["outputInfo"] = job.extra["outputInfo"]

    def job(self, name: str, kind: str, *, poll: bool = True) -> _Job:
        """The job called ``name``, after one poll.

        Raises:
            ApiError: 404 when it does not exist.
        """
        job = self.jobs.get(name)
        if job is None or job.kind != kind:
            noun = "BatchPredictionJob" if kind == "batchPredictionJobs" else "TuningJob"
            raise ApiError(404, f"The {noun} does not exist: {name}")
        if poll:
            if job.cancelling:
                job.cancelling = False
                job.progress.stop("JOB_STATE_CANCELLED")
                now = self.now_text()
                job.resource.update(state="JOB_STATE_CANCELLED", updateTime=now, endTime=now)
            else:
                job.progress.poll()
        return job

    def cancel(self, name: str, kind: str) -> None:
        """Ask a running job to stop.

        Raises:
            ApiError: 404 for an unknown job; 400 FAILED_PRECONDITION for a job already over.
        """
        job = self.job(name, kind, poll=False)
        if job.state in _TERMINAL or job.cancelling:
            raise ApiError(
                400,
                f"Cannot cancel {name}: the job is in state {job.state}.",
                status="FAILED_PRECONDITION",
            )
        job.cancelling = True
        job.progress.stop("JOB_STATE_CANCELLING")
        job.resource.update(state="JOB_STATE_CANCELLING", updateTime=self.now_text())

    def finish(self, name: str) -> dict[str, Any]:
        """Run a job to success now (admin API); a job already over keeps its state.

        Raises:
            ApiError: 404 for an unknown job.
        """
        job = self.jobs.get(name)
        if job is None:
            raise ApiError(404, f"No Vertex AI job {name}.")
        if not job.cancelling and job.state not in _TERMINAL:
            job.progress.finish()
        return job.resource

    def delete_job(self, name: str, kind: str, prefix: str) -> dict[str, Any]:
        """Delete a job that is over; returns the finished delete operation.

        Raises:
            ApiError: 404 for an unknown job; 400 FAILED_PRECONDITION for one still running.
        """
        job = self.job(name, kind, poll=False)
        if job.state not in _TERMINAL:
            raise ApiError(
                400,
                f"{name} is in state {job.state} and cannot be deleted; cancel it first.",
                status="FAILED_PRECONDITION",
            )
        del self.jobs[name]
        return self.deleted(prefix)

    def deleted(self, prefix: str) -> dict[str, Any]:
        """A finished ``DeleteOperation`` under ``prefix`` (``projects/{p}/locations/{l}/``)."""
        now = self.now_text()
        name = f"{prefix}operations/{self.new_id()}"
        metadata: dict[str, Any] = {
            "@type": "type.googleapis.com/google.cloud.aiplatform.v1beta1.DeleteOperationMetadata",
            "genericMetadata": {"createTime": now, "updateTime": now},
        }
        self._state.operations.create(name, metadata=metadata)
        done = self._state.operations.complete(
            name, response={"@type": "type.googleapis.com/google.protobuf.Empty"}
        )
        return done.to_json()

    def listed(self, prefix: str, kind: str, query_filter: str | None) -> list[dict[str, Any]]:
        """The jobs of one kind under ``prefix``, newest first, matching ``query_filter``.

        Raises:
            ApiError: 400 for a filter the emulator does not understand.
        """
        clauses = _parse_filter(query_filter)
        out = []
        for name, job in reversed(self.jobs.items()):
            if job.kind != kind or not name.startswith(prefix):
                continue
            if all(_matches(job.resource, key, op, value) for key, op, value in clauses):
                out.append(job.resource)
        return out

    # -- tuning ----------------------------------------------------------------------------------

    def _tuned(self, job: _Job) -> None:
        resource = job.resource
        prefix = job.extra["prefix"]
        model_id, endpoint_id = self.new_id(), self.new_id()
        model_name = f"{prefix}models/{model_id}"
        endpoint = f"{prefix}endpoints/{endpoint_id}"
        base = job.extra["base"]
        epochs = int(job.extra.get("epochs", 3))
        now = self.now_text()
        checkpoint = {
            "checkpointId": "1",
            "epoch": str(epochs),
            "step": str(_STEPS_PER_EPOCH * epochs),
        }
        self.models[model_name] = {
            "name": model_name,
            "displayName": resource.get("tunedModelDisplayName") or f"tuned-{model_id}",
            "description": resource.get("description", ""),
            "versionId": "1",
            "versionAliases": ["default"],
            "labels": {
                "google-vertex-llm-tuning-base-model-id": base.removeprefix("models/").replace(
                    ".", "-"
                ),
                "google-vertex-llm-tuning-job-id": resource["name"].rpartition("/")[2],
                "tune-type": job.extra["tune_type"],
            },
            "deployedModels": [
                {"endpoint": endpoint, "deployedModelId": self.new_id(), "checkpointId": "1"}
            ],
            "defaultCheckpointId": "1",
            "checkpoints": [checkpoint],
            "createTime": now,
            "updateTime": now,
            "versionCreateTime": now,
            "versionUpdateTime": now,
        }
        self.endpoints[endpoint_id] = base
        resource["tunedModel"] = {
            "model": f"{model_name}@1",
            "endpoint": endpoint,
            "checkpoints": [{**checkpoint, "endpoint": endpoint}],
        }
        resource["tuningDataStats"] = _data_stats(job.extra["tune_type"], epochs)
        resource["tuningJobMetadata"] = {
            "completedEpochCount": str(epochs),
            "completedStepCount": str(_STEPS_PER_EPOCH * epochs),
        }

    def model(self, name: str) -> dict[str, Any]:
        """A tuned model by name (``@version`` ignored).

        Raises:
            ApiError: 404 when it does not exist.
        """
        found = self.models.get(name.partition("@")[0])
        if found is None:
            raise ApiError(404, f"The Model does not exist: {name}")
        return found


# -- helpers ------------------------------------------------------------------------------------


# What the emulator says it read of every training dataset (it reads none).
_EXAMPLES = 10
_STEPS_PER_EPOCH = 10


def _distribution(low: float, high: float, *, billable: bool = False) -> dict[str, Any]:
    mean = (low + high) / 2
    out: dict[str, Any] = {
        "min": low,
        "max": high,
        "mean": mean,
        "median": mean,
        "p5": low,
        "p95": high,
        "sum": str(int(mean * _EXAMPLES)) if billable else mean * _EXAMPLES,
        "buckets": [{"count": _EXAMPLES, "left": low, "right": high}],
    }
    if billable:
        out["billableSum"] = str(int(mean * _EXAMPLES))
    return out


def _data_stats(tune_type: str, epochs: int) -> dict[str, Any]:
    """A done job's ``tuningDataStats``, under the key of its method, with the fields a real
    job reports (counts as int64 strings, as the service sends them)."""
    steps = str(_STEPS_PER_EPOCH * epochs)
    common: dict[str, Any] = {
        "tuningDatasetExampleCount": str(_EXAMPLES),
        "tuningStepCount": steps,
        "totalBillableTokenCount": str(40 * _EXAMPLES),
    }
    if tune_type == "dpo":
        return {
            "preferenceOptimizationDataStats": {
                **common,
                "userInputTokenDistribution": _distribution(8, 24),
                "userOutputTokenDistribution": _distribution(4, 16),
                "scoresDistribution": _distribution(0, 1),
            }
        }
    dataset = {
        **common,
        "totalBillableCharacterCount": str(160 * _EXAMPLES),
        "totalTuningCharacterCount": str(160 * _EXAMPLES * epochs),
    }
    if tune_type == "distillation":
        return {"distillationDataStats": {"trainingDatasetStats": dataset}}
    if tune_type == "rft":
        return {"reinforcementTuningDataStats": dataset}
    return {
        "supervisedTuningDataStats": {
            **dataset,
            "totalTruncatedExampleCount": "0",
            "userInputTokenDistribution": _distribution(8, 24, billable=True),
            "userOutputTokenDistribution": _distribution(4, 16, billable=True),
            "userMessagePerExampleDistribution": _distribution(2, 2, billable=True),
        }
    }


def _parse_filter(text: str | None) -> list[tuple[str, str, str]]:
    if not text or not text.strip():
        return []
    clauses = []
    for raw in re.split(r"\s+AND\s+", text.strip()):
        found = _FILTER_CLAUSE.match(raw)
        if found is None:
            raise bad_request(f"Unsupported filter: {text!r}", "filter")
        key, op, value = found.groups()
        key = {"display_name": "displayName", "create_time": "createTime"}.get(key, key)
        clauses.append((key, op, value))
    return clauses


def _matches(resource: dict[str, Any], key: str, op: str, value: str) -> bool:
    equal = str(resource.get(key, "")) == value
    return equal if op == "=" else not equal


def _vertex(call: Call) -> VertexCall:
    from ._vertex import VertexCall

    assert isinstance(call, VertexCall)
    if not call.project:
        raise ApiError(404, "Method not found.")
    return call


def _body(call: VertexCall) -> dict[str, Any]:
    body = call.raw_json()
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received. Expected an object.")
    return body


def _gs(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.startswith("gs://") or len(value) <= 5:
        raise bad_request(f"{field_name} must be a Cloud Storage URI (gs://...), got {value!r}.")
    return value


def _bq(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not value.startswith("bq://") or value.count(".") < 1:
        raise bad_request(
            f"{field_name} must be a BigQuery URI (bq://project.dataset[.table]), got {value!r}."
        )
    return value


def _batch_model(call: VertexCall, model: Any) -> None:
    from ._vertex import model_not_found

    if not isinstance(model, str) or not model:
        raise bad_request("batch_prediction_job.model is required.", "model")
    tail = model.removeprefix(call.prefix)
    if tail.startswith("models/"):
        call.state.vertex.model(call.prefix + tail)
        return
    parts = tail.split("/")
    if len(parts) == 4 and parts[0] == "publishers" and parts[2] == "models":
        info = call.state.models.get(f"models/{parts[3]}")
        if parts[1] == "google" and info is not None and "generateContent" in info.methods:
            return
    raise model_not_found(call.delegate(tail))


# -- batchPredictionJobs ------------------------------------------------------------------------


async def create_batch(call: Call) -> dict[str, Any]:
    """``POST batchPredictionJobs``: GCS (``gcsSource``/``gcsDestination``), BigQuery
    (``bigquerySource``/``bigqueryDestination``) or Vertex dataset sources and destinations."""
    vcall = _vertex(call)
    body = _body(vcall)
    _batch_model(vcall, body.get("model"))
    source = body.get("inputConfig")
    if not isinstance(source, dict):
        raise bad_request("batch_prediction_job.input_config is required.", "input_config")
    given = [
        k for k in ("gcsSource", "bigquerySource", "vertexMultimodalDatasetSource") if k in source
    ]
    if len(given) != 1:
        raise bad_request(
            "batch_prediction_job.input_config needs exactly one of gcs_source, bigquery_source "
            "and vertex_multimodal_dataset_source.",
            "input_config",
        )
    if "gcsSource" in source:
        uris = (source["gcsSource"] or {}).get("uris")
        if not isinstance(uris, list) or not uris:
            raise bad_request("input_config.gcs_source.uris is required.", "input_config")
        for uri in uris:
            _gs(uri, "input_config.gcs_source.uris")
    elif "bigquerySource" in source:
        _bq((source["bigquerySource"] or {}).get("inputUri"), "input_config.bigquery_source")
    dest = body.get("outputConfig")
    if not isinstance(dest, dict):
        raise bad_request("batch_prediction_job.output_config is required.", "output_config")
    stamp = vcall.state.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if "gcsDestination" in dest:
        prefix = _gs((dest["gcsDestination"] or {}).get("outputUriPrefix"), "output_uri_prefix")
        info = {"gcsOutputDirectory": f"{prefix.rstrip('/')}/prediction-model-{stamp}"}
    elif "bigqueryDestination" in dest:
        table = _bq((dest["bigqueryDestination"] or {}).get("outputUri"), "output_uri")
        dataset, _, name = table.removeprefix("bq://").partition(".")[2].partition(".")
        project = table.removeprefix("bq://").partition(".")[0]
        info = {
            "bigqueryOutputDataset": f"bq://{project}.{dataset}",
            "bigqueryOutputTable": name or f"predictions_{stamp}",
        }
    elif "vertexMultimodalDatasetDestination" in dest:
        info = {"vertexMultimodalDatasetName": str(dest["vertexMultimodalDatasetDestination"])}
    else:
        raise bad_request(
            "batch_prediction_job.output_config needs gcs_destination or bigquery_destination.",
            "output_config",
        )
    store = vcall.state.vertex
    name = f"{vcall.prefix}batchPredictionJobs/{store.new_id()}"
    resource = {
        k: v
        for k, v in body.items()
        if k in ("displayName", "model", "inputConfig", "outputConfig", "labels", "modelParameters")
    }
    job = store._start("batchPredictionJobs", name, resource)
    job.extra["outputInfo"] = info
    return job.resource


async def get_batch(call: Call) -> dict[str, Any]:
    """``GET batchPredictionJobs/{id}`` (a poll)."""
    vcall = _vertex(call)
    return vcall.state.vertex.job(vcall.full_name, "batchPredictionJobs").resource


async def cancel_batch(call: Call) -> dict[str, Any]:
    """``POST batchPredictionJobs/{id}:cancel`` -> ``{}``."""
    vcall = _vertex(call)
    vcall.state.vertex.cancel(vcall.full_name, "batchPredictionJobs")
    return {}


async def delete_batch(call: Call) -> dict[str, Any]:
    """``DELETE batchPredictionJobs/{id}`` -> a finished delete operation."""
    vcall = _vertex(call)
    return vcall.state.vertex.delete_job(vcall.full_name, "batchPredictionJobs", vcall.prefix)


async def list_batches(call: Call) -> dict[str, Any]:
    """``GET batchPredictionJobs`` with ``filter`` (``state=...``, ``display_name="..."``,
    joined by ``AND``), ``pageSize`` and ``pageToken``."""
    vcall = _vertex(call)
    items = vcall.state.vertex.listed(
        vcall.prefix, "batchPredictionJobs", vcall.query.get("filter")
    )
    chunk, token = page(vcall, items, default_size=100, max_size=1000)
    out: dict[str, Any] = {"batchPredictionJobs": chunk} if chunk else {}
    if token:
        out["nextPageToken"] = token
    return out


# -- tuningJobs ---------------------------------------------------------------------------------


async def create_tuning(call: Call) -> dict[str, Any]:
    """``POST tuningJobs``: a base model (or ``preTunedModel``) and one tuning spec whose
    training dataset is a Cloud Storage URI or a Vertex dataset."""
    vcall = _vertex(call)
    body = _body(vcall)
    base = body.get("baseModel")
    pre = body.get("preTunedModel")
    store = vcall.state.vertex
    if isinstance(pre, dict) and pre.get("tunedModelName"):
        tuned = store.model(str(pre["tunedModelName"]))
        base_name = "models/" + tuned["labels"]["google-vertex-llm-tuning-base-model-id"]
        base_name = next(
            (m for m in vcall.state.models if m.replace(".", "-") == base_name), base_name
        )
    elif isinstance(base, str) and base:
        base_name = "models/" + base.rpartition("/")[2]
    else:
        raise bad_request("tuning_job.base_model is required.", "base_model")
    info = vcall.state.models.get(base_name)
    if info is None or info.kind != "text" or "generateContent" not in info.methods:
        raise bad_request(f"Base model {base_name.removeprefix('models/')} is not supported.")
    specs = [k for k in _TUNING_SPECS if k in body]
    if len(specs) != 1:
        raise bad_request(
            "tuning_job needs exactly one of supervised_tuning_spec, "
            "preference_optimization_spec, distillation_spec and reinforcement_tuning_spec."
        )
    spec = body[specs[0]]
    if not isinstance(spec, dict):
        raise bad_request(f"tuning_job.{specs[0]} must be an object.")
    # Distillation reads prompts (google-genai sends the dataset as ``promptDatasetUri``).
    dataset = (
        spec.get("trainingDatasetUri")
        or spec.get("promptDatasetUri")
        or spec.get("trainingDataset")
    )
    if isinstance(dataset, str) and dataset.startswith("gs://"):
        _gs(dataset, "training_dataset_uri")
    elif not dataset:
        raise bad_request("tuning_job.training_dataset_uri is required.", "training_dataset_uri")
    hyper = spec.get("hyperParameters") or {}
    epochs = hyper.get("epochCount", 3) if isinstance(hyper, dict) else 3
    try:
        epochs = int(epochs)
    except (TypeError, ValueError):
        raise bad_request("hyper_parameters.epoch_count must be an integer.") from None
    if not 1 <= epochs <= 100:
        raise bad_request("hyper_parameters.epoch_count must be in [1, 100].")
    name = f"{vcall.prefix}tuningJobs/{store.new_id()}"
    resource = {k: v for k, v in body.items() if v is not None}
    job = store._start("tuningJobs", name, resource)
    job.extra.update(
        prefix=vcall.prefix,
        base=base_name,
        epochs=epochs,
        tune_type={
            "supervisedTuningSpec": "sft",
            "preferenceOptimizationSpec": "dpo",
            "distillationSpec": "distillation",
            "reinforcementTuningSpec": "rft",
        }[specs[0]],
    )
    return job.resource


async def get_tuning(call: Call) -> dict[str, Any]:
    """``GET tuningJobs/{id}`` (a poll)."""
    vcall = _vertex(call)
    return vcall.state.vertex.job(vcall.full_name, "tuningJobs").resource


async def cancel_tuning(call: Call) -> dict[str, Any]:
    """``POST tuningJobs/{id}:cancel`` -> ``{}``."""
    vcall = _vertex(call)
    vcall.state.vertex.cancel(vcall.full_name, "tuningJobs")
    return {}


async def list_tunings(call: Call) -> dict[str, Any]:
    """``GET tuningJobs`` with ``filter``, ``pageSize`` and ``pageToken``."""
    vcall = _vertex(call)
    items = vcall.state.vertex.listed(vcall.prefix, "tuningJobs", vcall.query.get("filter"))
    chunk, token = page(vcall, items, default_size=100, max_size=1000)
    out: dict[str, Any] = {"tuningJobs": chunk} if chunk else {}
    if token:
        out["nextPageToken"] = token
    return out


def register(router: Router) -> None:
    """Add the job routes."""
    router.add("POST", "batchPredictionJobs", "", create_batch)
    router.add("GET", "batchPredictionJobs", "", list_batches)
    router.add("GET", "batchPredictionJobs/*", "", get_batch)
    router.add("POST", "batchPredictionJobs/*", "cancel", cancel_batch)
    router.add("DELETE", "batchPredictionJobs/*", "", delete_batch)
    router.add("POST", "tuningJobs", "", create_tuning)
    router.add("GET", "tuningJobs", "", list_tunings)
    router.add("GET", "tuningJobs/*", "", get_tuning)
    router.add("POST", "tuningJobs/*", "cancel", cancel_tuning)
