"""Vertex AI tuning jobs (``tuningJobs``): the requests of ``tunings.*``.

``tune`` sends ``{baseModel | preTunedModel, <spec>, tunedModelDisplayName, description,
customBaseModel, labels, outputUri, encryptionSpec}``, the spec chosen by ``config.method``
as google-genai chooses it: ``supervisedTuningSpec`` (the default), ``preferenceOptimizationSpec``,
``distillationSpec`` or ``reinforcementTuningSpec``. A setting the chosen method has no place
for is left out, as google-genai leaves it out (``learning_rate`` with preference tuning, ...).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from ..errors import UnsupportedByBackendError
from ..types import _generated_types as gen
from ..types._tunings import CreateTuningJobConfig, TuningDataset
from ..types._validate import coerce
from ._contents import t_content, t_contents
from ._errors import InvalidRequestError
from ._names import check_resource_id
from ._request import Request

__all__ = [
    "VERTEX_TUNING_COLLECTION",
    "vertex_tune_request",
    "vertex_tuning_job_name",
    "vertex_validate_reward_request",
]

VERTEX_TUNING_COLLECTION = "tuningJobs"
_FULL_NAME = re.compile(r"^projects/([^/]+)/locations/([^/]+)/tuningJobs/([^/]+)$")

_SPECS = {
    "SUPERVISED_FINE_TUNING": "supervisedTuningSpec",
    "PREFERENCE_TUNING": "preferenceOptimizationSpec",
    "DISTILLATION": "distillationSpec",
    "REINFORCEMENT_TUNING": "reinforcementTuningSpec",
}
_SFT, _PREF, _DIST, _RL = _SPECS
_ALL = frozenset(_SPECS)
# Config field -> (the methods whose spec takes it, its path under that spec).
_IN_SPEC: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...] = (
    ("epoch_count", _ALL, ("hyperParameters", "epochCount")),
    ("learning_rate_multiplier", _ALL, ("hyperParameters", "learningRateMultiplier")),
    ("export_last_checkpoint_only", frozenset({_SFT, _PREF, _DIST}), ("exportLastCheckpointOnly",)),
    ("adapter_size", _ALL, ("hyperParameters", "adapterSize")),
    ("tuning_mode", frozenset({_SFT, _DIST}), ("tuningMode",)),
    ("batch_size", frozenset({_SFT, _DIST, _RL}), ("hyperParameters", "batchSize")),
    ("learning_rate", frozenset({_SFT, _DIST}), ("hyperParameters", "learningRate")),
    ("evaluation_config", frozenset({_SFT, _PREF, _DIST}), ("evaluationConfig",)),
)
# Config field -> its path in the body, whatever the method.
_FIXED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tuned_model_display_name", ("tunedModelDisplayName",)),
    ("description", ("description",)),
    ("custom_base_model", ("customBaseModel",)),
    ("labels", ("labels",)),
    ("beta", ("preferenceOptimizationSpec", "hyperParameters", "beta")),
    ("base_teacher_model", ("distillationSpec", "baseTeacherModel")),
    ("tuned_teacher_model_source", ("distillationSpec", "tunedTeacherModelSource")),
    (
        "sft_loss_weight_multiplier",
        ("distillationSpec", "hyperParameters", "sftLossWeightMultiplier"),
    ),
    ("output_uri", ("outputUri",)),
    ("encryption_spec", ("encryptionSpec",)),
    ("reward_config", ("reinforcementTuningSpec", "singleRewardConfig")),
    ("composite_reward_config", ("reinforcementTuningSpec", "compositeRewardConfig")),
    ("samples_per_prompt", ("reinforcementTuningSpec", "hyperParameters", "samplesPerPrompt")),
    ("evaluate_interval", ("reinforcementTuningSpec", "hyperParameters", "evaluateInterval")),
    ("checkpoint_interval", ("reinforcementTuningSpec", "hyperParameters", "checkpointInterval")),
    ("max_output_tokens", ("reinforcementTuningSpec", "hyperParameters", "maxOutputTokens")),
    ("thinking_level", ("reinforcementTuningSpec", "hyperParameters", "thinkingLevel")),
    ("validation_dataset_uri", ("reinforcementTuningSpec", "validationDatasetUri")),
)
# Typed messages: sent as their wire JSON (generation configs inside as google-genai sends them).
_MESSAGES = frozenset({"encryption_spec", "reward_config", "composite_reward_config"})
# What t_metrics adds to every metric.
_AGGREGATIONS = ("AVERAGE", "STANDARD_DEVIATION")
_UNIFIED_KEYS = frozenset(
    key
    for field in msgspec.structs.fields(gen.UnifiedMetric)
    for key in (field.name, field.encode_name)
)
# Inside them, values that are user data: kept as given.
_OPAQUE = frozenset({"labels", "args", "response", "responseJsonSchema", "parametersJsonSchema"})


def vertex_tuning_job_name(name: object) -> str:
    """The path of a Vertex AI tuning job: its full name as given, or ``tuningJobs/{id}``
    (from ``tuningJobs/{id}`` or a bare id) under the client's project and location.

    Raises:
        InvalidRequestError: Anything else; nothing is sent.
    """
    value = getattr(name, "name", name)
    if isinstance(value, str):
        match = _FULL_NAME.match(value)
        if match is not None:
            for part in match.groups():
                check_resource_id(part, "name")
            return value
        job_id = value.removeprefix(f"{VERTEX_TUNING_COLLECTION}/")
        if job_id and "/" not in job_id:
            return f"{VERTEX_TUNING_COLLECTION}/{check_resource_id(job_id, 'name')}"
    raise InvalidRequestError(
        "name",
        "expected a Vertex AI tuning job name "
        f"'projects/<p>/locations/<l>/tuningJobs/<id>' or its id, got {value!r}",
    )


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            _camel(str(k)): v if _camel(str(k)) in _OPAQUE else _camel_keys(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _put(body: dict[str, Any], path: tuple[str, ...], value: Any, field: str = "config") -> None:
    """Set ``value`` at ``path``; two settings for one place must agree (google-genai raises).

    Raises:
        InvalidRequestError: Another setting already put a different value there.
    """
    target = body
    for key in path[:-1]:
        target = target.setdefault(key, {})
    existing = target.get(path[-1])
    if existing is not None and existing != value:
        raise InvalidRequestError(
            field, f"sets {'.'.join(path)}, which another setting already set to {existing!r}"
        )
    target[path[-1]] = value


def _one_uri(gcs_uri: str | None, resource: str | None, path: str) -> str | None:
    if gcs_uri is not None and resource is not None and gcs_uri != resource:
        raise InvalidRequestError(path, "give one of gcs_uri and vertex_dataset_resource")
    return gcs_uri if gcs_uri is not None else resource


def _message(value: Any) -> Any:
    """A proto message given as a dict (snake_case or camelCase keys) or a struct, as JSON."""
    if isinstance(value, msgspec.Struct):
        return msgspec.to_builtins(value)
    return _camel_keys(value)


def _generation_config(config: Any, path: str) -> Any:
    """A GenerationConfig's wire JSON as google-genai sends it inside tuning messages:
    ``model_selection_config`` as ``modelConfig``.

    Raises:
        InvalidRequestError: ``enable_enhanced_civic_answers`` (google-genai refuses it there).
    """
    if not isinstance(config, dict):
        return config
    if config.get("enableEnhancedCivicAnswers") is not None:
        raise InvalidRequestError(
            f"{path}.enable_enhanced_civic_answers", "not supported in Vertex AI tuning"
        )
    if "modelSelectionConfig" in config:
        config = dict(config)
        config["modelConfig"] = config.pop("modelSelectionConfig")
    return config


def _reward_config(reward: Any, path: str) -> Any:
    """A SingleReinforcementTuningRewardConfig's wire JSON (its autorater's generation
    config as google-genai sends it)."""
    scorer = reward.get("autoraterScorer") if isinstance(reward, dict) else None
    autorater = scorer.get("autoraterConfig") if isinstance(scorer, dict) else None
    if isinstance(autorater, dict) and "generationConfig" in autorater:
        autorater["generationConfig"] = _generation_config(
            autorater["generationConfig"],
            f"{path}.autorater_scorer.autorater_config.generation_config",
        )
    return reward


def _typed_message(name: str, value: Any) -> Any:
    data = _message(value)
    if name == "reward_config":
        return _reward_config(data, f"config.{name}")
    if name == "composite_reward_config" and isinstance(data, dict):
        for i, weighted in enumerate(data.get("weightedRewardConfigs") or []):
            if isinstance(weighted, dict) and "rewardConfig" in weighted:
                _reward_config(
                    weighted["rewardConfig"],
                    f"config.{name}.weighted_reward_configs[{i}].reward_config",
                )
    return data


def _field(metric: Any, name: str) -> Any:
    if isinstance(metric, dict):
        value = metric.get(name)
        return value if value is not None else metric.get(_camel(name))
    return getattr(metric, name, None)


def _metric(metric: Any, path: str) -> dict[str, Any]:
    """One evaluation metric as google-genai's ``t_metrics`` sends it: a ``UnifiedMetric``
    (or a dict of only its fields) as it is, a named ``Metric`` (or dict) by its name
    (``bleu``, ``exact_match``, ``rouge*``) or its prompt template; each with
    ``aggregationMetrics``.

    Raises:
        InvalidRequestError: A metric with neither a known name nor a prompt template.
    """
    if isinstance(metric, dict) and metric and _UNIFIED_KEYS.issuperset(metric):
        metric = coerce(metric, gen.UnifiedMetric, path)
    if isinstance(metric, gen.UnifiedMetric):
        unified: dict[str, Any] = msgspec.to_builtins(metric)
        unified["aggregationMetrics"] = list(_AGGREGATIONS)
        return unified
    if not isinstance(metric, (dict, gen.Metric)):
        raise InvalidRequestError(
            path, f"expected a Metric, UnifiedMetric or dict, got {type(metric).__name__}"
        )
    payload: dict[str, Any] = {"aggregationMetrics": list(_AGGREGATIONS)}
    name = _field(metric, "name")
    lowered = name.lower() if isinstance(name, str) else ""
    template = _field(metric, "prompt_template")
    if lowered == "exact_match":
        payload["exactMatchSpec"] = {}
    elif lowered == "bleu":
        payload["bleuSpec"] = {}
    elif lowered.startswith("rouge"):
        payload["rougeSpec"] = {"rougeType": lowered.replace("_", "")}
    elif template:
        spec: dict[str, Any] = {"metricPromptTemplate": template}
        instruction = _field(metric, "judge_model_system_instruction")
        if instruction:
            spec["systemInstruction"] = instruction
        if _field(metric, "return_raw_output"):
            spec["customOutputFormatConfig"] = {"returnRawOutput": True}
        payload["pointwiseMetricSpec"] = spec
    else:
        raise InvalidRequestError(
            path,
            f"unsupported metric {name!r}: name one of exact_match, bleu, rouge* or give a "
            "prompt_template",
        )
    return payload


def _evaluation_config(evaluation: gen.EvaluationConfig) -> dict[str, Any]:
    """``config.evaluation_config`` as google-genai sends it (its ``t_metrics`` and
    generation-config converters).

    Raises:
        InvalidRequestError: A metric that cannot be sent, or a generation config field
            Vertex AI tuning does not take.
    """
    path = "config.evaluation_config"
    body: dict[str, Any] = {}
    if evaluation.metrics is not None:
        body["metrics"] = [
            _metric(metric, f"{path}.metrics[{i}]") for i, metric in enumerate(evaluation.metrics)
        ]
    if evaluation.output_config is not None:
        body["outputConfig"] = msgspec.to_builtins(evaluation.output_config)
    if evaluation.autorater_config is not None:
        autorater = msgspec.to_builtins(evaluation.autorater_config)
        if "generationConfig" in autorater:
            autorater["generationConfig"] = _generation_config(
                autorater["generationConfig"], f"{path}.autorater_config.generation_config"
            )
        body["autoraterConfig"] = autorater
    if evaluation.inference_generation_config is not None:
        body["inferenceGenerationConfig"] = _generation_config(
            msgspec.to_builtins(evaluation.inference_generation_config),
            f"{path}.inference_generation_config",
        )
    return body


def _wire(name: str, value: Any) -> Any:
    if name == "evaluation_config":
        return _evaluation_config(value)
    if name in _MESSAGES:
        return _typed_message(name, value)
    return getattr(value, "value", value)  # an enum member: its value


def vertex_tune_request(
    base_model: str, training_dataset: Any, cfg: CreateTuningJobConfig
) -> Request:
    """``tunings.tune`` on Vertex AI: POST ``tuningJobs``.

    ``base_model`` naming a tuned model (``projects/...``) is continued from as
    ``preTunedModel`` (with ``config.pre_tuned_model_checkpoint_id``).

    Raises:
        InvalidRequestError: No base model or dataset, an evaluation config without metrics
            or output config.
        UnsupportedByBackendError: ``training_dataset.examples`` (Gemini Developer API only).
    """
    if not isinstance(base_model, str) or not base_model:
        raise InvalidRequestError("base_model", f"expected a model name, got {base_model!r}")
    if training_dataset is None:
        raise InvalidRequestError("training_dataset", "training_dataset is required")
    dataset = coerce(training_dataset, TuningDataset, "training_dataset")
    if dataset.examples is not None:
        raise UnsupportedByBackendError(
            "Vertex AI API",
            "training_dataset.examples",
            "Vertex AI reads a dataset from gcs_uri or vertex_dataset_resource.",
        )
    evaluation = cfg.evaluation_config
    if evaluation is not None and (not evaluation.metrics or evaluation.output_config is None):
        raise InvalidRequestError(
            "config.evaluation_config", "needs at least one metric and an output_config"
        )
    method = str(getattr(cfg.method, "value", cfg.method) or _SFT)
    spec = _SPECS.get(method)
    if spec is None:
        raise InvalidRequestError("config.method", f"unknown tuning method {method!r}")
    body: dict[str, Any] = {}
    if base_model.startswith("projects/"):
        pre: dict[str, Any] = {"tunedModelName": base_model}
        if cfg.pre_tuned_model_checkpoint_id is not None:
            pre["checkpointId"] = cfg.pre_tuned_model_checkpoint_id
        body["preTunedModel"] = pre
    else:
        body["baseModel"] = base_model
    uri = _one_uri(dataset.gcs_uri, dataset.vertex_dataset_resource, "training_dataset")
    if uri is not None:
        key = "promptDatasetUri" if method == _DIST else "trainingDatasetUri"
        _put(body, (spec, key), uri)
    validation = cfg.validation_dataset
    if validation is not None:
        valid_uri = _one_uri(
            validation.gcs_uri, validation.vertex_dataset_resource, "config.validation_dataset"
        )
        block = body.setdefault(spec, {})
        if valid_uri is not None:
            block["validationDatasetUri"] = valid_uri
    for name, path in _FIXED[:3]:
        value = getattr(cfg, name)
        if value is not None:
            _put(body, path, value)
    for name, methods, path in _IN_SPEC:
        value = getattr(cfg, name)
        if value is not None and method in methods:
            _put(body, (spec, *path), _wire(name, value), f"config.{name}")
    for name, path in _FIXED[3:]:
        value = getattr(cfg, name)
        if value is not None:
            _put(body, path, _wire(name, value), f"config.{name}")
    return Request("POST", VERTEX_TUNING_COLLECTION, None, body, cfg.http_options)


def vertex_validate_reward_request(
    parent: str,
    sample_response: Any,
    example: Any,
    single_reward_config: Any,
    composite_reward_config: Any,
    http_options: Any,
) -> Request:
    """``tunings.validate_reward``: POST ``{parent}/tuningJobs:validateReinforcementTuningReward``.

    Raises:
        InvalidRequestError: No parent, or a bad sample response or example.
    """
    if not isinstance(parent, str) or not parent:
        raise InvalidRequestError(
            "parent", f"expected 'projects/<p>/locations/<l>', got {parent!r}"
        )
    for segment in parent.split("/"):
        check_resource_id(segment, "parent")
    body: dict[str, Any] = {}
    if sample_response is not None:
        body["sampleResponse"] = t_content(sample_response, "sample_response")
    if example is not None:
        data = _message(example)
        if not isinstance(data, dict):
            raise InvalidRequestError("example", f"expected a dict, got {type(example).__name__}")
        if data.get("contents") is not None:
            data["contents"] = t_contents(data["contents"])
        if data.get("systemInstruction") is not None:
            data["systemInstruction"] = t_content(
                data["systemInstruction"], "example.system_instruction"
            )
        body["example"] = data
    if single_reward_config is not None:
        single = coerce(
            single_reward_config, gen.SingleReinforcementTuningRewardConfig, "single_reward_config"
        )
        body["singleRewardConfig"] = _typed_message("reward_config", single)
    if composite_reward_config is not None:
        composite = coerce(
            composite_reward_config,
            gen.CompositeReinforcementTuningRewardConfig,
            "composite_reward_config",
        )
        body["compositeRewardConfig"] = _typed_message("composite_reward_config", composite)
    return Request(
        "POST",
        f"{parent}/tuningJobs:validateReinforcementTuningReward",
        None,
        body,
        http_options,
    )
