"""``config.evaluation_config`` (and the typed reward configs) on Vertex AI tuning: ours sends
what google-genai sends (its client with only the HTTP send replaced is the oracle). Bodies
are compared with camelCase keys and without its explicit nulls (``UnifiedMetric.model_dump()``
sends every unset field as ``null``, which proto JSON reads as unset)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from google.genai import types as gt
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors._transformers import InvalidRequestError
from genai_actors._transformers._tuning_jobs import (
    vertex_tune_request,
    vertex_validate_reward_request,
)

from .oracle import Oracle, camel_keys, ours

GCS = {"gcs_uri": "gs://b/train.jsonl"}
OUTPUT = {"gcs_destination": {"output_uri_prefix": "gs://b/eval"}}
GENERATION = {
    "temperature": 0.2,
    "max_output_tokens": 64,
    "model_selection_config": {"feature_selection_preference": "PRIORITIZE_COST"},
    "thinking_config": {"thinking_budget": 128},
}
NAMED = [
    {"name": "bleu"},
    {"name": "exact_match"},
    {"name": "rouge_1"},
    {"name": "ROUGE_L_SUM"},
    {"name": "rougeL"},
    {"name": "fluency", "prompt_template": "Rate {response}"},
    {
        "name": "judge",
        "prompt_template": "Judge {response}",
        "judge_model_system_instruction": "be fair",
        "return_raw_output": True,
    },
    {"name": "bleu", "prompt_template": "ignored: the name wins"},
]
UNIFIED = [
    {"bleu_spec": {"use_effective_order": True}},
    {"rouge_spec": {"rouge_type": "rougeL", "use_stemmer": True}},
    {"pointwise_metric_spec": {"metric_prompt_template": "t", "system_instruction": "s"}},
]


def _nulls_out(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _nulls_out(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_nulls_out(v) for v in value]
    return value


def _theirs(oracle: Oracle, config: Any, base: str = "gemini-2.5-flash") -> Any:
    sent = oracle.sent(
        lambda c: c.tunings.tune(
            base_model=base, training_dataset=GCS, config=copy.deepcopy(config)
        )
    )
    return _nulls_out(camel_keys(sent.body))


def _ours(config: Any, base: str = "gemini-2.5-flash") -> Any:
    cfg = types.CreateTuningJobConfig(**copy.deepcopy(config))
    return _nulls_out(camel_keys(ours(vertex_tune_request(base, GCS, cfg)).body))


def _evaluation(metrics: list[Any], **more: Any) -> dict[str, Any]:
    return {"evaluation_config": {"metrics": metrics, "output_config": OUTPUT, **more}}


@pytest.mark.parametrize("metric", [*NAMED, *UNIFIED], ids=repr)
@pytest.mark.parametrize("method", [None, "PREFERENCE_TUNING", "DISTILLATION"])
def test_each_metric_is_sent_as_google_genai_sends_it(
    oracle: Oracle, metric: dict[str, Any], method: str | None
) -> None:
    config = _evaluation([metric])
    if method:
        config["method"] = method
    assert _ours(config) == _theirs(oracle, config)


@pytest.mark.parametrize("metric", [*NAMED, *UNIFIED], ids=repr)
def test_metrics_for_a_pre_tuned_base_model(oracle: Oracle, metric: dict[str, Any]) -> None:
    config = _evaluation([metric])
    base = "projects/p/locations/l/models/9"
    assert _ours(config, base) == _theirs(oracle, config, base)


def test_reinforcement_tuning_has_no_place_for_it(oracle: Oracle) -> None:
    config = dict(_evaluation([{"name": "bleu"}]), method="REINFORCEMENT_TUNING")
    mine = _ours(config)
    assert "evaluationConfig" not in str(mine)
    assert mine == _theirs(oracle, config)


def test_autorater_and_inference_generation_configs(oracle: Oracle) -> None:
    config = _evaluation(
        [{"name": "bleu"}, UNIFIED[0]],
        autorater_config={
            "sampling_count": 3,
            "flip_enabled": True,
            "autorater_model": "gemini-2.5-pro",
            "generation_config": GENERATION,
        },
        inference_generation_config=GENERATION,
    )
    mine = _ours(config)
    evaluation = mine["supervisedTuningSpec"]["evaluationConfig"]
    assert evaluation["inferenceGenerationConfig"]["modelConfig"] == {
        "featureSelectionPreference": "PRIORITIZE_COST"
    }
    assert mine == _theirs(oracle, config)


def test_typed_metrics_are_sent_alike(oracle: Oracle) -> None:
    mine_config = {
        "evaluation_config": types.EvaluationConfig(
            metrics=[
                types.Metric(name="rouge_2"),
                types.UnifiedMetric(bleu_spec=types.BleuSpec(use_effective_order=False)),
            ],
            output_config=types.OutputConfig(
                gcs_destination=types.GcsDestination(output_uri_prefix="gs://b/eval")
            ),
        )
    }
    their_config = gt.CreateTuningJobConfig(
        evaluation_config=gt.EvaluationConfig(
            metrics=[
                gt.Metric(name="rouge_2"),
                gt.UnifiedMetric(bleu_spec=gt.BleuSpec(use_effective_order=False)),
            ],
            output_config=gt.OutputConfig(
                gcs_destination=gt.GcsDestination(output_uri_prefix="gs://b/eval")
            ),
        )
    )
    sent = oracle.sent(
        lambda c: c.tunings.tune(
            base_model="gemini-2.5-flash", training_dataset=GCS, config=their_config
        )
    )
    cfg = types.CreateTuningJobConfig(**mine_config)
    mine = ours(vertex_tune_request("gemini-2.5-flash", GCS, cfg)).body
    assert _nulls_out(camel_keys(mine)) == _nulls_out(camel_keys(sent.body))


@pytest.mark.parametrize(
    "config",
    [
        _evaluation([{"name": "perplexity"}]),
        _evaluation([{"prompt_template": ""}]),
        _evaluation(
            [{"name": "bleu"}],
            inference_generation_config={"temperature": 0.1, "enable_enhanced_civic_answers": True},
        ),
    ],
    ids=["unknown-name", "no-name", "civic-answers"],
)
def test_what_google_genai_refuses_is_refused_before_sending(oracle: Oracle, config: Any) -> None:
    with pytest.raises((ValueError, AttributeError)):
        _theirs(oracle, config)
    with pytest.raises(InvalidRequestError):
        _ours(config)


@settings(max_examples=40, deadline=None)
@given(
    metrics=st.lists(st.sampled_from([*NAMED, *UNIFIED]), min_size=1, max_size=4),
    method=st.sampled_from([None, "SUPERVISED_FINE_TUNING", "PREFERENCE_TUNING", "DISTILLATION"]),
    autorater=st.booleans(),
)
def test_any_metrics_list_is_sent_alike(
    metrics: list[dict[str, Any]], method: str | None, autorater: bool
) -> None:
    config = _evaluation(metrics)
    if autorater:
        config["evaluation_config"]["autorater_config"] = {"generation_config": GENERATION}
    if method:
        config["method"] = method
    oracle = _ORACLE.get("o") or _ORACLE.setdefault("o", Oracle())
    assert _ours(config) == _theirs(oracle, config)


_ORACLE: dict[str, Oracle] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_hypothesis_oracle() -> Any:
    yield
    made = _ORACLE.pop("o", None)
    if made is not None:
        made.close()


REWARD = {
    "reward_name": "judge",
    "autorater_scorer": {
        "autorater_prompt": "Is it right?",
        "autorater_config": {"autorater_model": "gemini-2.5-pro", "generation_config": GENERATION},
    },
}


def test_reward_configs_typed_and_sent_alike(oracle: Oracle) -> None:
    config = {
        "method": "REINFORCEMENT_TUNING",
        "reward_config": REWARD,
        "composite_reward_config": {
            "weighted_reward_configs": [{"reward_config": REWARD, "weight": 1.0}]
        },
        "encryption_spec": {"kms_key_name": "k"},
    }
    cfg = types.CreateTuningJobConfig(**copy.deepcopy(config))
    assert isinstance(cfg.reward_config, types.SingleReinforcementTuningRewardConfig)
    assert isinstance(cfg.composite_reward_config, types.CompositeReinforcementTuningRewardConfig)
    assert isinstance(cfg.encryption_spec, types.EncryptionSpec)
    assert _ours(config) == _theirs(oracle, config)
    single = _ours(config)["reinforcementTuningSpec"]["singleRewardConfig"]
    assert single["autoraterScorer"]["autoraterConfig"]["generationConfig"]["modelConfig"]


def test_validate_reward_sends_typed_reward_configs_alike(oracle: Oracle) -> None:
    kwargs: dict[str, Any] = {
        "parent": "projects/proj/locations/us-central1",
        "sample_response": {"role": "model", "parts": [{"text": "4"}]},
        "example": {"contents": [{"role": "user", "parts": [{"text": "2+2?"}]}]},
        "single_reward_config": REWARD,
        "composite_reward_config": {
            "weighted_reward_configs": [{"reward_config": REWARD, "weight": 1.0}]
        },
    }
    theirs = oracle.sent(lambda c: c.tunings.validate_reward(**copy.deepcopy(kwargs)))
    mine = vertex_validate_reward_request(
        kwargs["parent"],
        kwargs["sample_response"],
        kwargs["example"],
        kwargs["single_reward_config"],
        kwargs["composite_reward_config"],
        None,
    )
    assert _nulls_out(camel_keys(ours(mine).body)) == _nulls_out(camel_keys(theirs.body))
    with pytest.raises(InvalidRequestError, match="single_reward_config"):
        vertex_validate_reward_request(
            kwargs["parent"], None, None, {"no_such_field": 1}, None, None
        )
