"""Vertex AI tuning jobs: the requests ``tunings.*`` send and the jobs they decode equal
google-genai's (its Vertex client with only its HTTP send replaced; its
``_TuningJob_from_vertex`` and types for the answers)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.genai import tunings as gtu, types as gt
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors._transformers import InvalidRequestError, Request
from genai_actors._transformers._tuning_jobs import (
    vertex_tune_request,
    vertex_tuning_job_name,
    vertex_validate_reward_request,
)
from genai_actors.errors import UnsupportedByBackendError

from .oracle import Oracle, ours, same

GCS = {"gcs_uri": "gs://b/train.jsonl"}
MATCH = next(iter(gt.MatchOperation)).value
METHODS = ["SUPERVISED_FINE_TUNING", "PREFERENCE_TUNING", "DISTILLATION", "REINFORCEMENT_TUNING"]
EVERY_SETTING: dict[str, Any] = {
    "validation_dataset": {"gcs_uri": "gs://b/valid.jsonl"},
    "tuned_model_display_name": "mine",
    "description": "d",
    "epoch_count": 3,
    "learning_rate_multiplier": 0.5,
    "export_last_checkpoint_only": True,
    "adapter_size": "ADAPTER_SIZE_FOUR",
    "tuning_mode": "TUNING_MODE_FULL",
    "custom_base_model": "gs://b/model",
    "batch_size": 8,
    "learning_rate": 0.01,
    "labels": {"team": "x"},
    "beta": 0.1,
    "base_teacher_model": "gemini-2.5-pro",
    "tuned_teacher_model_source": "projects/p/locations/l/models/1",
    "sft_loss_weight_multiplier": 0.3,
    "output_uri": "gs://b/out",
    "encryption_spec": {"kms_key_name": "projects/p/locations/l/keyRings/r/cryptoKeys/k"},
    "reward_config": {
        "reward_name": "r",
        "string_match_reward_scorer": {
            "correct_answer_reward": 1.0,
            "string_match_expression": {"match_operation": MATCH, "expression": "4"},
        },
    },
    "samples_per_prompt": 4,
    "evaluate_interval": 10,
    "checkpoint_interval": 20,
    "max_output_tokens": 256,
    "thinking_level": "LOW",
    "validation_dataset_uri": "gs://b/rl-valid.jsonl",
}


def _tune(base_model: str, dataset: Any, config: Any) -> Request:
    cfg = types.CreateTuningJobConfig(**config) if isinstance(config, dict) else config
    return vertex_tune_request(base_model, dataset, cfg or types.CreateTuningJobConfig())


def _theirs_tune(oracle: Oracle, base_model: str, dataset: Any, config: Any) -> Any:
    return oracle.sent(
        lambda c: c.tunings.tune(base_model=base_model, training_dataset=dataset, config=config)
    )


@pytest.mark.parametrize("method", [None, *METHODS])
def test_every_setting_lands_where_google_genai_puts_it(oracle: Oracle, method: str | None) -> None:
    config = dict(EVERY_SETTING, method=method) if method else dict(EVERY_SETTING)
    if method == "REINFORCEMENT_TUNING":
        # validation_dataset and validation_dataset_uri both set the spec's validation URI.
        with pytest.raises(ValueError, match="validationDatasetUri"):
            _theirs_tune(oracle, "gemini-2.5-flash", GCS, config)
        with pytest.raises(InvalidRequestError, match="validationDatasetUri"):
            _tune("gemini-2.5-flash", GCS, config)
        del config["validation_dataset_uri"]
    theirs = _theirs_tune(oracle, "gemini-2.5-flash", GCS, config)
    same(theirs, ours(_tune("gemini-2.5-flash", GCS, config)))


CASES: list[tuple[str, str, Any, Any]] = [
    ("minimal", "gemini-2.5-flash", GCS, None),
    (
        "dataset-resource",
        "gemini-2.5-flash",
        {"vertex_dataset_resource": "projects/p/locations/l/datasets/1"},
        None,
    ),
    ("distillation-prompts", "gemini-2.5-flash", GCS, {"method": "DISTILLATION"}),
    (
        "validation-only",
        "gemini-2.5-flash",
        GCS,
        {"validation_dataset": {"vertex_dataset_resource": "projects/p/locations/l/datasets/2"}},
    ),
    ("validation-empty", "gemini-2.5-flash", GCS, {"validation_dataset": {}}),
    ("no-dataset-uri", "gemini-2.5-flash", {}, {"epoch_count": 1}),
    (
        "composite-reward",
        "gemini-2.5-flash",
        GCS,
        {
            "method": "REINFORCEMENT_TUNING",
            "composite_reward_config": {
                "weighted_reward_configs": [
                    {"reward_config": {"reward_name": "a"}, "weight": 0.5},
                    {
                        "reward_config": {
                            "reward_name": "b",
                            "cloud_run_reward_scorer": {"cloud_run_uri": "https://x"},
                        },
                        "weight": 0.5,
                    },
                ]
            },
        },
    ),
    (
        "pre-tuned",
        "projects/p/locations/l/models/9",
        GCS,
        gt.CreateTuningJobConfig(pre_tuned_model_checkpoint_id="3"),
    ),
    ("pre-tuned-no-checkpoint", "projects/p/locations/l/models/9", GCS, None),
]


@pytest.mark.parametrize(("cname", "base", "dataset", "config"), CASES, ids=[c[0] for c in CASES])
def test_tune_matches_google_genai(
    oracle: Oracle, cname: str, base: str, dataset: Any, config: Any
) -> None:
    theirs = _theirs_tune(oracle, base, dataset, config)
    mine_config = (
        types.CreateTuningJobConfig(**config.model_dump(exclude_none=True))
        if isinstance(config, gt.CreateTuningJobConfig)
        else config
    )
    same(theirs, ours(_tune(base, dataset, mine_config)))


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from([None, *METHODS]),
    picked=st.sets(st.sampled_from(sorted(k for k in EVERY_SETTING if k != "validation_dataset"))),
    validation=st.booleans(),
)
def test_any_subset_of_settings_matches_google_genai(
    method: str | None, picked: set[str], validation: bool
) -> None:
    """Hypothesis: any subset of settings with any method is placed as google-genai places it."""
    config: dict[str, Any] = {k: EVERY_SETTING[k] for k in picked}
    if validation:
        config["validation_dataset"] = EVERY_SETTING["validation_dataset"]
    if method:
        config["method"] = method
    oracle = _ORACLE.get("o")
    if oracle is None:
        oracle = _ORACLE["o"] = Oracle()
    try:
        theirs = _theirs_tune(oracle, "gemini-2.5-flash", GCS, config or None)
    except ValueError:  # two settings for one place: refused by both
        with pytest.raises(InvalidRequestError):
            _tune("gemini-2.5-flash", GCS, config or None)
        return
    same(theirs, ours(_tune("gemini-2.5-flash", GCS, config or None)))


_ORACLE: dict[str, Oracle] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_hypothesis_oracle() -> Any:
    yield
    made = _ORACLE.pop("o", None)
    if made is not None:
        made.close()


def test_examples_refused_on_vertex_naming_the_backend(oracle: Oracle) -> None:
    data = {"examples": [{"text_input": "a", "output": "b"}]}
    with pytest.raises(UnsupportedByBackendError, match="Vertex AI"):
        _tune("gemini-2.5-flash", data, None)
    with pytest.raises(ValueError, match="examples"):
        _theirs_tune(oracle, "gemini-2.5-flash", data, None)


def test_evaluation_config_needs_metrics_and_output(oracle: Oracle) -> None:
    bad = {"evaluation_config": {"metrics": []}}
    with pytest.raises(InvalidRequestError):
        _tune("gemini-2.5-flash", GCS, bad)
    with pytest.raises(ValueError):
        # google-genai checks a typed config only (a dict config skips the check).
        _theirs_tune(oracle, "gemini-2.5-flash", GCS, gt.CreateTuningJobConfig(**bad))


@pytest.mark.parametrize(
    ("name", "path"),
    [
        (
            "projects/proj/locations/us-central1/tuningJobs/123",
            "projects/proj/locations/us-central1/tuningJobs/123",
        ),
        ("projects/other/locations/eu/tuningJobs/7", "projects/other/locations/eu/tuningJobs/7"),
        ("tuningJobs/123", "tuningJobs/123"),
    ],
)
def test_get_cancel_match_google_genai(oracle: Oracle, name: str, path: str) -> None:
    assert vertex_tuning_job_name(name) == path
    theirs = oracle.sent(lambda c: c.tunings.get(name=name))
    same(theirs, ours(Request("GET", path)))
    theirs = oracle.sent(lambda c: c.tunings.cancel(name=name))
    same(theirs, ours(Request("POST", f"{path}:cancel")))


@pytest.mark.parametrize(
    "name", ["", "a/b", "../x", "tuningJobs/", "projects/p/locations/l/tuningJobs/a/b", None]
)
def test_bad_names_refused_before_sending(name: Any) -> None:
    with pytest.raises(InvalidRequestError):
        vertex_tuning_job_name(name)


def test_bare_id_is_a_job_of_the_clients_project() -> None:
    """Deliberate difference: google-genai sends a bare id as the path itself."""
    assert vertex_tuning_job_name("123") == "tuningJobs/123"


@pytest.mark.parametrize("config", [None, {"page_size": 2, "page_token": "t", "filter": "state=x"}])
def test_list_matches_google_genai(oracle: Oracle, config: Any) -> None:
    from genai_actors._api._tunings import _list_request

    theirs = oracle.sent(lambda c: c.tunings.list(config=config))
    cfg = types.ListTuningJobsConfig(**(config or {}))
    same(theirs, ours(_list_request(cfg, vertex=True)))


def test_validate_reward_matches_google_genai(oracle: Oracle) -> None:
    kwargs: dict[str, Any] = {
        "parent": "projects/proj/locations/us-central1",
        "sample_response": {"role": "model", "parts": [{"text": "4"}]},
        "example": {
            "contents": [{"role": "user", "parts": [{"text": "2+2?"}]}],
            "references": {"answer": "4"},
            "system_instruction": {"parts": [{"text": "math"}]},
        },
        "single_reward_config": EVERY_SETTING["reward_config"],
    }
    theirs = oracle.sent(lambda c: c.tunings.validate_reward(**kwargs))
    mine = vertex_validate_reward_request(
        kwargs["parent"],
        kwargs["sample_response"],
        kwargs["example"],
        kwargs["single_reward_config"],
        None,
        None,
    )
    same(theirs, ours(mine))


JOBS: list[dict[str, Any]] = [
    {
        "name": "projects/1/locations/us-central1/tuningJobs/5",
        "state": "JOB_STATE_SUCCEEDED",
        "createTime": "2026-01-01T00:00:00Z",
        "startTime": "2026-01-01T00:00:01.5Z",
        "endTime": "2026-01-01T02:00:00Z",
        "updateTime": "2026-01-01T02:00:00Z",
        "baseModel": "gemini-2.5-flash",
        "tunedModelDisplayName": "mine",
        "description": "d",
        "labels": {"a": "b"},
        "tunedModel": {
            "model": "projects/1/locations/us-central1/models/9",
            "endpoint": "projects/1/locations/us-central1/endpoints/8",
            "checkpoints": [{"checkpointId": "1", "epoch": "2", "step": "30", "endpoint": "e"}],
        },
        "experiment": "projects/1/locations/us-central1/metadataStores/default/contexts/x",
        "serviceAccount": "sa@p.iam.gserviceaccount.com",
        "encryptionSpec": {"kmsKeyName": "k"},
        "outputUri": "gs://b/o",
        "customBaseModel": "gs://b/m",
        "pipelineJob": "projects/1/locations/us-central1/pipelineJobs/3",
        "tuningJobState": "TUNING_JOB_STATE_POST_PROCESSING",
        "gcsMetricsUri": "gs://b/metrics",
    },
    {
        "name": "projects/1/locations/l/tuningJobs/6",
        "state": "JOB_STATE_FAILED",
        "error": {"code": 9, "message": "no quota", "details": [{"@type": "x"}]},
        "preTunedModel": {
            "tunedModelName": "projects/1/locations/l/models/2",
            "checkpointId": "3",
            "baseModel": "gemini-2.5-flash",
        },
    },
    {"name": "projects/1/locations/l/tuningJobs/7", "state": "JOB_STATE_QUEUED"},
]


@pytest.mark.parametrize("job", JOBS, ids=["succeeded", "failed", "queued"])
def test_job_decodes_as_google_genai_decodes_it(job: dict[str, Any]) -> None:
    theirs = gt.TuningJob._from_response(response=gtu._TuningJob_from_vertex(job), kwargs={})
    mine = types.TuningJob.from_vertex(job)
    expected = json.loads(theirs.model_dump_json(exclude_none=True))
    assert json.loads(mine.model_dump_json(exclude_none=True)) == expected


def test_job_with_a_spec_keeps_every_field_we_model() -> None:
    job = dict(
        JOBS[0],
        supervisedTuningSpec={
            "trainingDatasetUri": "gs://b/t",
            "hyperParameters": {"epochCount": "3"},
        },
    )
    mine = types.TuningJob.from_vertex(job)
    theirs = gt.TuningJob._from_response(response=gtu._TuningJob_from_vertex(job), kwargs={})
    assert mine.tuned_model_display_name == "mine"
    assert mine.supervised_tuning_spec is not None
    assert mine.supervised_tuning_spec.training_dataset_uri == "gs://b/t"
    assert json.loads(mine.model_dump_json(exclude_none=True)) == json.loads(
        theirs.model_dump_json(exclude_none=True)
    )
