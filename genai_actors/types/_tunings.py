"""Model tuning: ``TuningJob`` (the view of a Developer API tuned model), datasets and the
configs of ``client.tunings`` methods.

On the Gemini Developer API a tuning job *is* its tuned model (``tunedModels/{id}``);
:meth:`TuningJob.from_tuned_model` maps it as google-genai does: ``CREATING`` ->
``JOB_STATE_RUNNING``, ``ACTIVE`` -> ``JOB_STATE_SUCCEEDED``, ``FAILED`` -> ``JOB_STATE_FAILED``,
``tuningTask.startTime`` / ``completeTime`` -> ``start_time`` / ``end_time``, and
``tuned_model.model`` / ``.endpoint`` = the tuned model's name (usable as ``model=`` once
succeeded).

On Vertex AI a tuning job is a ``TuningJob`` resource (``projects/{p}/locations/{l}/
tuningJobs/{id}``); :meth:`TuningJob.from_vertex` reads it as google-genai does.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

import msgspec

from ._base import HttpResponse, _Wire, dec_hook, enum_of
from ._enums_more import (
    AdapterSize,
    JobState,
    ReinforcementTuningThinkingLevel,
    TuningJobState,
    TuningMethod,
    TuningMode,
)

# The generated types import nothing of this module (CreateTuningJobParameters is written here
# for that), so the nested types of jobs and configs come straight from them.
from ._generated_types import (
    CompositeReinforcementTuningRewardConfig,
    DistillationSamplingSpec,
    DistillationSpec,
    EvaluateDatasetRun,
    EvaluationConfig,
    FullFineTuningSpec,
    GoogleRpcStatus,
    PartnerModelTuningSpec,
    PreferenceOptimizationSpec,
    ReinforcementTuningRewardInfo,
    ReinforcementTuningSpec,
    SingleReinforcementTuningRewardConfig,
    SupervisedTuningSpec,
    TuningDataStats,
    TuningJobMetadata,
    UnifiedMetric,
    VeoLoraTuningSpec,
    VeoTuningSpec,
)
from ._http import HttpOptions

__all__ = [
    "TUNING_TERMINAL_STATES",
    "CancelTuningJobConfig",
    "CancelTuningJobResponse",
    "CreateTuningJobConfig",
    "CreateTuningJobParameters",
    "EncryptionSpec",
    "GetTuningJobConfig",
    "ListTuningJobsConfig",
    "ListTuningJobsResponse",
    "PreTunedModel",
    "TunedModel",
    "TunedModelCheckpoint",
    "TuningDataset",
    "TuningExample",
    "TuningJob",
    "TuningOperation",
    "TuningSnapshot",
    "TuningValidationDataset",
    "ValidateRewardConfig",
    "ValidateRewardResponse",
]

TUNING_TERMINAL_STATES = frozenset(
    {
        "JOB_STATE_SUCCEEDED",
        "JOB_STATE_FAILED",
        "JOB_STATE_CANCELLED",
        "JOB_STATE_EXPIRED",
        "JOB_STATE_PARTIALLY_SUCCEEDED",
    }
)
"""The states after which a tuning job never changes again."""

_STATES = {
    "STATE_UNSPECIFIED": "JOB_STATE_UNSPECIFIED",
    "CREATING": "JOB_STATE_RUNNING",
    "ACTIVE": "JOB_STATE_SUCCEEDED",
    "FAILED": "JOB_STATE_FAILED",
}


def tuning_job_state(state: str) -> str:
    """A tuned model's ``state`` as a ``JOB_STATE_*`` value (google-genai's mapping)."""
    return _STATES.get(state, state)


class TuningExample(_Wire, kw_only=True):
    """One training example: a text input and the expected output."""

    text_input: str | None = None
    output: str | None = None


class TuningDataset(_Wire, kw_only=True):
    """Training data: ``examples`` on the Gemini Developer API (``gcs_uri`` and
    ``vertex_dataset_resource`` are Vertex AI only)."""

    gcs_uri: str | None = None
    vertex_dataset_resource: str | None = None
    examples: list[TuningExample] | None = None


class TuningValidationDataset(_Wire, kw_only=True):
    """Validation data (Vertex AI only)."""

    gcs_uri: str | None = None
    vertex_dataset_resource: str | None = None


class CreateTuningJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``tunings.tune``.

    On the Gemini Developer API only ``tuned_model_display_name``, ``epoch_count``,
    ``batch_size``, ``learning_rate`` and ``learning_rate_multiplier`` apply; every other field
    is Vertex AI only and refused before sending.
    """

    http_options: HttpOptions | None = None
    method: Annotated[TuningMethod, enum_of(TuningMethod)] | None = None
    validation_dataset: TuningValidationDataset | None = None
    tuned_model_display_name: str | None = None
    description: str | None = None
    epoch_count: int | None = None
    learning_rate_multiplier: float | None = None
    export_last_checkpoint_only: bool | None = None
    pre_tuned_model_checkpoint_id: str | None = None
    adapter_size: Annotated[AdapterSize, enum_of(AdapterSize)] | None = None
    tuning_mode: Annotated[TuningMode, enum_of(TuningMode)] | None = None
    custom_base_model: str | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    evaluation_config: EvaluationConfig | None = None
    labels: dict[str, str] | None = None
    beta: float | None = None
    base_teacher_model: str | None = None
    tuned_teacher_model_source: str | None = None
    sft_loss_weight_multiplier: float | None = None
    output_uri: str | None = None
    encryption_spec: EncryptionSpec | None = None
    reward_config: SingleReinforcementTuningRewardConfig | None = None
    composite_reward_config: CompositeReinforcementTuningRewardConfig | None = None
    samples_per_prompt: int | None = None
    evaluate_interval: int | None = None
    checkpoint_interval: int | None = None
    max_output_tokens: int | None = None
    thinking_level: (
        Annotated[ReinforcementTuningThinkingLevel, enum_of(ReinforcementTuningThinkingLevel)]
        | None
    ) = None
    validation_dataset_uri: str | None = None


class CreateTuningJobParameters(_Wire, kw_only=True):
    """The parameters of ``tunings.tune``, as one object."""

    base_model: str | None = None
    training_dataset: TuningDataset | None = None
    config: CreateTuningJobConfig | None = None


class TunedModelCheckpoint(_Wire, kw_only=True):
    """A checkpoint of a tuned model (Vertex AI)."""

    checkpoint_id: str | None = None
    epoch: int | None = None
    step: int | None = None
    endpoint: str | None = None


class TunedModel(_Wire, kw_only=True):
    """The model a tuning job produced: pass ``model`` as ``model=`` once it succeeded."""

    model: str | None = None
    endpoint: str | None = None
    checkpoints: list[TunedModelCheckpoint] | None = None


class TuningSnapshot(_Wire, kw_only=True):
    """One training step's record (``tuningTask.snapshots``; Gemini Developer API)."""

    step: int | None = None
    epoch: int | None = None
    mean_loss: float | None = None
    compute_time: datetime.datetime | None = None


class PreTunedModel(_Wire, kw_only=True):
    """A tuned model a Vertex AI tuning job continues from."""

    base_model: str | None = None
    checkpoint_id: str | None = None
    tuned_model_name: str | None = None


class EncryptionSpec(_Wire, kw_only=True):
    """The Cloud KMS key a Vertex AI resource is encrypted with."""

    kms_key_name: str | None = None


class TuningJob(_Wire, kw_only=True):
    """A tuning job.

    Attributes:
        name: ``tunedModels/{id}`` on the Gemini Developer API: enough to resume following it.
        state: A ``JOB_STATE_*`` value (``JOB_STATE_QUEUED`` right after ``tune``).
        create_time: When it was created.
        start_time: When training started.
        end_time: When training ended.
        update_time: When it last changed.
        error: Why it failed (Vertex AI; the Developer API gives no reason).
        description: The description.
        base_model: The model tuned.
        tuned_model: The resulting model (its ``model`` is the name to generate with).
        tuned_model_display_name: The display name.
        snapshots: Per-step training records (Gemini Developer API; google-genai drops them).
        pre_tuned_model: The tuned model continued from (Vertex AI).
        encryption_spec: Its Cloud KMS key (Vertex AI).
        custom_base_model: A custom base model's Cloud Storage URI (Vertex AI).
        experiment: Its Vertex AI Experiment.
        output_uri: Where custom-model tuning writes (Vertex AI).
        pipeline_job: The pipeline that ran it (Vertex AI).
        service_account: The service account it ran as (Vertex AI).
        tuning_job_state: The finer-grained tuning state (Vertex AI).
        gcs_metrics_uri: Where its metrics are written (Vertex AI).
        supervised_tuning_spec, preference_optimization_spec, distillation_spec,
        reinforcement_tuning_spec, full_fine_tuning_spec, partner_model_tuning_spec,
        veo_tuning_spec, veo_lora_tuning_spec, distillation_sampling_spec: The spec the job
            was created with, by method (Vertex AI; one of them is set).
        tuning_data_stats: Statistics of the training data, once read (Vertex AI).
        evaluation_config: The evaluation run on checkpoints; its ``metrics`` decode as
            :class:`UnifiedMetric` (Vertex AI; google-genai raises on such a job).
        evaluate_dataset_runs: The evaluation runs made (Vertex AI).
        tuning_job_metadata: Epochs and steps completed (Vertex AI).
    """

    sdk_http_response: HttpResponse | None = None
    name: str | None = None
    state: Annotated[JobState, enum_of(JobState, echoed=True)] | None = None
    create_time: datetime.datetime | None = None
    start_time: datetime.datetime | None = None
    end_time: datetime.datetime | None = None
    update_time: datetime.datetime | None = None
    error: GoogleRpcStatus | None = None
    description: str | None = None
    base_model: str | None = None
    tuned_model: TunedModel | None = None
    pre_tuned_model: PreTunedModel | None = None
    supervised_tuning_spec: SupervisedTuningSpec | None = None
    preference_optimization_spec: PreferenceOptimizationSpec | None = None
    distillation_spec: DistillationSpec | None = None
    reinforcement_tuning_spec: ReinforcementTuningSpec | None = None
    tuning_data_stats: TuningDataStats | None = None
    encryption_spec: EncryptionSpec | None = None
    partner_model_tuning_spec: PartnerModelTuningSpec | None = None
    evaluation_config: EvaluationConfig | None = None
    custom_base_model: str | None = None
    evaluate_dataset_runs: list[EvaluateDatasetRun] | None = None
    experiment: str | None = None
    full_fine_tuning_spec: FullFineTuningSpec | None = None
    labels: dict[str, str] | None = None
    output_uri: str | None = None
    pipeline_job: str | None = None
    service_account: str | None = None
    tuned_model_display_name: str | None = None
    tuning_job_state: Annotated[TuningJobState, enum_of(TuningJobState, echoed=True)] | None = None
    veo_tuning_spec: VeoTuningSpec | None = None
    tuning_job_metadata: TuningJobMetadata | None = None
    veo_lora_tuning_spec: VeoLoraTuningSpec | None = None
    distillation_sampling_spec: DistillationSamplingSpec | None = None
    gcs_metrics_uri: str | None = None
    snapshots: list[TuningSnapshot] | None = None

    @property
    def has_ended(self) -> bool:
        """True once the job reached a terminal state (succeeded, failed, cancelled...)."""
        return self.state in TUNING_TERMINAL_STATES

    @property
    def has_succeeded(self) -> bool:
        """True when the job succeeded (its tuned model is ready)."""
        return self.state == "JOB_STATE_SUCCEEDED"

    @classmethod
    def from_tuned_model(cls, model: dict[str, Any]) -> TuningJob:
        """The job view of a Developer API ``TunedModel`` (a decoded JSON object).

        Raises:
            ValueError: ``model`` is not an object, or a field has the wrong type.
        """
        if not isinstance(model, dict):
            raise ValueError(f"a tuned model must be an object, got {type(model).__name__}")
        data: dict[str, Any] = {}
        for wire in ("name", "createTime", "updateTime", "description", "baseModel"):
            if model.get(wire) is not None:
                data[wire] = model[wire]
        if model.get("displayName"):
            data["tunedModelDisplayName"] = model["displayName"]
        if isinstance(model.get("state"), str):
            data["state"] = tuning_job_state(model["state"])
        task = model.get("tuningTask")
        if isinstance(task, dict):
            if task.get("startTime") is not None:
                data["startTime"] = task["startTime"]
            if task.get("completeTime") is not None:
                data["endTime"] = task["completeTime"]
            if isinstance(task.get("snapshots"), list):
                data["snapshots"] = task["snapshots"]
        if model.get("name") is not None:
            data["tunedModel"] = {"model": model["name"], "endpoint": model["name"]}
        try:
            return msgspec.convert(data, cls, strict=False, dec_hook=dec_hook)
        except msgspec.ValidationError as exc:
            raise ValueError(f"not a valid tuned model: {exc}") from None

    @classmethod
    def from_vertex(cls, job: dict[str, Any]) -> TuningJob:
        """The view of a Vertex AI ``TuningJob`` (a decoded JSON object); its ``state`` is
        mapped as google-genai maps it.

        Raises:
            ValueError: ``job`` is not an object, or a field has the wrong type.
        """
        if not isinstance(job, dict):
            raise ValueError(f"a tuning job must be an object, got {type(job).__name__}")
        data = {key: value for key, value in job.items() if value is not None}
        data.pop("snapshots", None)  # a Developer API field
        if isinstance(data.get("state"), str):
            data["state"] = tuning_job_state(data["state"])
        _vertex_job_fixups(data)
        try:
            return msgspec.convert(data, cls, strict=False, dec_hook=dec_hook)
        except msgspec.ValidationError as exc:
            raise ValueError(f"not a valid tuning job: {exc}") from None


# Where a Vertex AI job nests a GenerationConfig, whose ``modelConfig`` google-genai reads as
# ``model_selection_config`` (and whose wire-only fields it drops).
_GENERATION_CONFIGS: tuple[tuple[str, ...], ...] = (
    ("distillationSpec", "hyperParameters", "generationConfig"),
    ("distillationSamplingSpec", "hyperparameters", "generationConfig"),
    ("evaluationConfig", "autoraterConfig", "generationConfig"),
    ("evaluationConfig", "inferenceGenerationConfig"),
    (
        "reinforcementTuningSpec",
        "singleRewardConfig",
        "autoraterScorer",
        "autoraterConfig",
        "generationConfig",
    ),
)
_REWARD_GENERATION_CONFIG = ("autoraterScorer", "autoraterConfig", "generationConfig")


def _generation_config_from_vertex(holder: Any, path: tuple[str, ...]) -> None:
    for key in path[:-1]:
        holder = holder.get(key) if isinstance(holder, dict) else None
    if not isinstance(holder, dict) or not isinstance(holder.get(path[-1]), dict):
        return
    config = dict(holder[path[-1]])
    config.pop("modelSelectionConfig", None)
    config.pop("enableEnhancedCivicAnswers", None)
    if "modelConfig" in config:
        config["modelSelectionConfig"] = config.pop("modelConfig")
    holder[path[-1]] = config


def _vertex_job_fixups(data: dict[str, Any]) -> None:
    """Reads a Vertex AI job's nested wire shapes as google-genai does (in place, copying
    what it changes): generation configs' ``modelConfig``, and evaluation metrics (a
    ``UnifiedMetric`` plus ``aggregationMetrics``, which google-genai cannot read) as
    ``UnifiedMetric``."""
    for key in ("distillationSpec", "distillationSamplingSpec", "evaluationConfig"):
        if isinstance(data.get(key), dict):
            data[key] = _copy_path(data[key])
    rl = data.get("reinforcementTuningSpec")
    if isinstance(rl, dict):
        data["reinforcementTuningSpec"] = rl = _copy_path(rl)
        composite = rl.get("compositeRewardConfig")
        if isinstance(composite, dict) and isinstance(composite.get("weightedRewardConfigs"), list):
            for weighted in composite["weightedRewardConfigs"]:
                if isinstance(weighted, dict):
                    _generation_config_from_vertex(
                        weighted, ("rewardConfig", *_REWARD_GENERATION_CONFIG)
                    )
    for path in _GENERATION_CONFIGS:
        _generation_config_from_vertex(data, path)
    evaluation = data.get("evaluationConfig")
    if isinstance(evaluation, dict) and isinstance(evaluation.get("metrics"), list):
        evaluation["metrics"] = [
            msgspec.convert(
                {k: v for k, v in metric.items() if k != "aggregationMetrics"},
                UnifiedMetric,
                strict=False,
                dec_hook=dec_hook,
            )
            if isinstance(metric, dict)
            else metric
            for metric in evaluation["metrics"]
        ]


def _copy_path(value: Any) -> Any:
    """A deep copy of nested dicts and lists (the caller's decoded JSON is not changed)."""
    if isinstance(value, dict):
        return {k: _copy_path(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_path(v) for v in value]
    return value


class TuningOperation(_Wire, kw_only=True):
    """The Operation ``tunedModels.create`` answers (``tunedModels/{id}/operations/{op}``)."""

    sdk_http_response: HttpResponse | None = None
    name: str | None = None
    metadata: dict[str, Any] | None = None
    done: bool | None = None
    error: dict[str, Any] | None = None


class GetTuningJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``tunings.get``."""

    http_options: HttpOptions | None = None


class CancelTuningJobConfig(_Wire, kw_only=True):
    """The ``config`` of ``tunings.cancel``."""

    http_options: HttpOptions | None = None


class CancelTuningJobResponse(_Wire, kw_only=True):
    """What ``tunings.cancel`` returns."""

    sdk_http_response: HttpResponse | None = None


class ListTuningJobsConfig(_Wire, kw_only=True):
    """The ``config`` of ``tunings.list`` (``filter`` is Vertex AI only)."""

    http_options: HttpOptions | None = None
    page_size: int | None = None
    page_token: str | None = None
    filter: str | None = None


class ListTuningJobsResponse(_Wire, kw_only=True):
    """One page of ``tunings.list``."""

    sdk_http_response: HttpResponse | None = None
    next_page_token: str | None = None
    tuning_jobs: list[TuningJob] | None = None


class ValidateRewardConfig(_Wire, kw_only=True):
    """The ``config`` of ``tunings.validate_reward`` (Vertex AI only)."""

    http_options: HttpOptions | None = None


class ValidateRewardResponse(_Wire, kw_only=True):
    """What ``tunings.validate_reward`` returns (Vertex AI only)."""

    sdk_http_response: HttpResponse | None = None
    overall_reward: float | None = None
    error: str | None = None
    reward_info_details: dict[str, ReinforcementTuningRewardInfo] | None = None
