"""Vertex AI tuning jobs on the emulator carry what a real job carries: the spec they were
created with (by method), and once done the data statistics of that method, the epochs and
steps completed and the tuned model; the job as served decodes in ours as in google-genai."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.genai import tunings as gtu, types as gt

import genai_actors as ga
from genai_actors.emulator import Emulator

GCS = {"gcs_uri": "gs://bucket/train.jsonl"}
OUTPUT = {"gcs_destination": {"output_uri_prefix": "gs://bucket/eval"}}


# method -> (config, the job's spec attribute, its statistics attribute)
METHODS: dict[str, tuple[dict[str, Any], str, str]] = {
    "SUPERVISED_FINE_TUNING": (
        {
            "epoch_count": 4,
            "adapter_size": "ADAPTER_SIZE_FOUR",
            "learning_rate_multiplier": 0.5,
            "export_last_checkpoint_only": True,
            "evaluation_config": {"metrics": [{"name": "bleu"}], "output_config": OUTPUT},
        },
        "supervised_tuning_spec",
        "supervised_tuning_data_stats",
    ),
    "PREFERENCE_TUNING": (
        {"epoch_count": 2, "beta": 0.1, "adapter_size": "ADAPTER_SIZE_EIGHT"},
        "preference_optimization_spec",
        "preference_optimization_data_stats",
    ),
    "DISTILLATION": (
        {"epoch_count": 3, "base_teacher_model": "gemini-2.5-pro", "learning_rate": 0.01},
        "distillation_spec",
        "distillation_data_stats",
    ),
    "REINFORCEMENT_TUNING": (
        {"epoch_count": 1, "samples_per_prompt": 4, "reward_config": {"reward_name": "r"}},
        "reinforcement_tuning_spec",
        "reinforcement_tuning_data_stats",
    ),
}


def _theirs(wire: dict[str, Any]) -> Any:
    made = gt.TuningJob._from_response(response=gtu._TuningJob_from_vertex(wire), kwargs={})
    return json.loads(made.model_dump_json(exclude_none=True))


@pytest.mark.parametrize("method", list(METHODS))
async def test_a_done_job_has_its_spec_statistics_and_progress(
    vclient: ga.AsyncClient, vemu: Emulator, method: str
) -> None:
    config, spec_name, stats_name = METHODS[method]
    job = await vclient.tunings.tune(
        base_model="gemini-2.5-flash", training_dataset=GCS, config={**config, "method": method}
    )
    assert job.name is not None
    spec = getattr(job, spec_name)
    assert spec is not None
    assert spec.hyper_parameters is not None
    assert spec.hyper_parameters.epoch_count == config["epoch_count"]
    if "evaluation_config" in config:  # as google-genai: the job carries the one given
        assert job.evaluation_config is not None
        assert job.evaluation_config.metrics == [{"name": "bleu"}]
    assert job.tuning_data_stats is None

    done = await vclient.tunings.wait(job.name, timeout=30)
    assert done.has_succeeded
    assert getattr(done, spec_name) == spec
    epochs = config["epoch_count"]
    assert done.tuning_job_metadata is not None
    assert done.tuning_job_metadata.completed_epoch_count == epochs
    assert done.tuning_job_metadata.completed_step_count == 10 * epochs
    assert done.tuning_data_stats is not None
    stats = getattr(done.tuning_data_stats, stats_name)
    assert stats is not None
    dataset = getattr(stats, "training_dataset_stats", None) or stats
    assert dataset.tuning_step_count == 10 * epochs
    assert dataset.tuning_dataset_example_count == 10
    assert done.tuned_model is not None
    assert done.tuned_model.checkpoints

    wire = json.loads(json.dumps(vemu.state.vertex.jobs[job.name].resource))
    mine = json.loads(ga.types.TuningJob.from_vertex(wire).model_dump_json(exclude_none=True))
    assert mine == _theirs(wire)


async def test_supervised_statistics_have_distributions(vclient: ga.AsyncClient) -> None:
    job = await vclient.tunings.tune(
        base_model="gemini-2.5-flash", training_dataset=GCS, config={"epoch_count": 1}
    )
    assert job.name is not None
    done = await vclient.tunings.wait(job.name, timeout=30)
    assert done.tuning_data_stats is not None
    stats = done.tuning_data_stats.supervised_tuning_data_stats
    assert stats is not None
    assert stats.user_input_token_distribution is not None
    assert stats.user_input_token_distribution.billable_sum == 160
    assert stats.total_truncated_example_count == 0
