"""Batches and tunings on Vertex AI end to end: a Vertex AI client against the emulator's
batchPredictionJobs and tuningJobs (create, get, list, wait, watch, cancel, delete), the
requests checked as the emulator recorded them, and the Developer-API-only inputs refused
before anything is sent."""

from __future__ import annotations

import pytest

import genai_actors as ga
from genai_actors import types
from genai_actors.emulator import Emulator
from genai_actors.errors import UnsupportedByBackendError

from ..vertex.conftest import LOCATION, PROJECT, SCOPE


async def test_batch_prediction_job_lifecycle(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    vemu.recorded.clear()
    job = await vclient.batches.create(
        model="gemini-2.5-flash", src="gs://bucket/in.jsonl", config={"display_name": "nightly"}
    )
    sent = vemu.recorded[-1]
    assert (sent.method, sent.path) == ("POST", f"{SCOPE}/batchPredictionJobs")
    assert sent.json == {
        "model": "publishers/google/models/gemini-2.5-flash",
        "inputConfig": {
            "instancesFormat": "jsonl",
            "gcsSource": {"uris": ["gs://bucket/in.jsonl"]},
        },
        "displayName": "nightly",
        "outputConfig": {
            "predictionsFormat": "jsonl",
            "gcsDestination": {"outputUriPrefix": "gs://bucket/in/dest"},
        },
    }
    assert job.name is not None
    assert job.name.startswith(f"projects/{PROJECT}/locations/{LOCATION}/batchPredictionJobs/")
    assert job.src == types.BatchJobSource(format="jsonl", gcs_uri=["gs://bucket/in.jsonl"])
    assert job.dest is not None
    assert job.dest.gcs_uri == "gs://bucket/in/dest"
    assert not job.done

    done = await vclient.batches.wait(job.name, timeout=30)
    assert done.state == "JOB_STATE_SUCCEEDED"
    assert done.done
    # By numeric id too: the client's project and location complete it.
    again = await vclient.batches.get(name=job.name.rsplit("/", 1)[1])
    assert again.name == job.name
    assert vemu.recorded[-1].path == f"{SCOPE}/batchPredictionJobs/{job.name.rsplit('/', 1)[1]}"

    pager = await vclient.batches.list(config={"page_size": 10, "filter": 'display_name="nightly"'})
    names = [j.name async for j in pager]
    assert job.name in names
    assert vemu.recorded[-1].query["filter"] == 'display_name="nightly"'

    deleted = await vclient.batches.delete(name=job.name)
    assert deleted.done is not False
    assert vemu.recorded[-1].method == "DELETE"


async def test_batch_watch_and_cancel(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    job = await vclient.batches.create(model="gemini-2.5-flash", src="bq://p.d.in")
    assert job.display_name is not None
    assert job.display_name.startswith("genai_batch_job_")
    assert job.dest is not None
    assert job.dest.bigquery_uri is not None
    assert job.dest.bigquery_uri.startswith("bq://p.d.in_dest_")
    assert job.name is not None
    await vclient.batches.cancel(name=job.name)
    states = [j.state async for j in vclient.batches.watch(job.name)]
    assert states[-1] == "JOB_STATE_CANCELLED"


async def test_developer_api_batch_inputs_refused_before_sending(
    vclient: ga.AsyncClient, vemu: Emulator
) -> None:
    vemu.recorded.clear()
    with pytest.raises(UnsupportedByBackendError, match="Vertex AI"):
        await vclient.batches.create(model="gemini-2.5-flash", src=[{"contents": "hi"}])
    with pytest.raises(UnsupportedByBackendError, match="Vertex AI"):
        await vclient.batches.create(model="gemini-2.5-flash", src="files/abc")
    with pytest.raises(UnsupportedByBackendError, match="webhook_config"):
        await vclient.batches.create(
            model="gemini-2.5-flash",
            src="gs://b/i.jsonl",
            config={"webhook_config": {"uris": ["https://h"]}},
        )
    with pytest.raises(UnsupportedByBackendError, match="results"):
        vclient.batches.results("123")
    with pytest.raises(ga.errors.InvalidRequestError):
        await vclient.batches.get(name="batches/123")
    assert len(vemu.recorded) == 0


async def test_tuning_job_lifecycle(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    vemu.recorded.clear()
    job = await vclient.tunings.tune(
        base_model="gemini-2.5-flash",
        training_dataset={"gcs_uri": "gs://bucket/train.jsonl"},
        config={
            "tuned_model_display_name": "mine",
            "epoch_count": 2,
            "learning_rate_multiplier": 1.5,
        },
    )
    sent = vemu.recorded[-1]
    assert (sent.method, sent.path) == ("POST", f"{SCOPE}/tuningJobs")
    assert sent.json == {
        "baseModel": "gemini-2.5-flash",
        "supervisedTuningSpec": {
            "trainingDatasetUri": "gs://bucket/train.jsonl",
            "hyperParameters": {"epochCount": 2, "learningRateMultiplier": 1.5},
        },
        "tunedModelDisplayName": "mine",
    }
    assert job.name is not None
    assert job.name.startswith(f"projects/{PROJECT}/locations/{LOCATION}/tuningJobs/")
    assert job.tuned_model_display_name == "mine"
    assert job.sdk_http_response is not None

    done = await vclient.tunings.wait(job.name, timeout=30)
    assert done.has_succeeded
    assert done.tuned_model is not None
    assert done.tuned_model.model

    pager = await vclient.tunings.list(config={"page_size": 5})
    assert job.name in [j.name async for j in pager]
    assert vemu.recorded[-1].path == f"{SCOPE}/tuningJobs"

    by_id = await vclient.tunings.get(name=job.name.rsplit("/", 1)[1])
    assert by_id.name == job.name


async def test_tuning_cancel_and_refusals(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    job = await vclient.tunings.tune(
        base_model="gemini-2.5-flash", training_dataset={"gcs_uri": "gs://b/t.jsonl"}
    )
    assert job.name is not None
    await vclient.tunings.cancel(name=job.name)
    assert vemu.recorded[-1].path == f"/v1beta1/{job.name}:cancel"
    final = await vclient.tunings.wait(job.name, timeout=30)
    assert final.state == "JOB_STATE_CANCELLED"

    vemu.recorded.clear()
    with pytest.raises(UnsupportedByBackendError, match="examples"):
        await vclient.tunings.tune(
            base_model="gemini-2.5-flash",
            training_dataset={"examples": [{"text_input": "a", "output": "b"}]},
        )
    assert len(vemu.recorded) == 0
