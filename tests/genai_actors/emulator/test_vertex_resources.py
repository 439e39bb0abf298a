"""Vertex AI resources: publisher and tuned models, cachedContents, batchPredictionJobs,
tuningJobs and operations, through google-genai (the oracle) and raw requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from google.genai import errors, types

from genai_actors.emulator import Emulator

from .conftest import BEARER, SCOPE, Raw, user, vertex_client

pytestmark = pytest.mark.filterwarnings("ignore::google.genai.errors.ExperimentalWarning")


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One threaded emulator for the module; each job stage takes one poll."""
    with Emulator(bearer_tokens=["test-token"], job_polls=1) as emu:
        yield emu


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Any:
    """google-genai's sync client on Vertex AI, one per module (each costs ~0.7 s)."""
    return vertex_client(emulator.url)


@pytest.fixture(autouse=True)
def _fresh(emulator: Emulator) -> None:
    """Each test starts with an empty request log and no faults."""
    emulator.recorded.clear()
    emulator.faults.clear()


def test_publisher_models_get_and_list(emulator: Emulator, client: Any) -> None:
    """models.get and models.list read publisher models (no project prefix in the path);
    Vertex-only models are listed too; paging follows pageSize."""
    model = client.models.get(model="gemini-2.5-flash")
    assert model.name == "publishers/google/models/gemini-2.5-flash"
    assert model.version == "001"
    names = [m.name for m in client.models.list(config={"page_size": 4})]
    assert len(names) == len(set(names)) > 4
    assert "publishers/google/models/imagen-3.0-capability-001" in names
    paths = {(r.method, r.path) for r in emulator.recorded}
    assert ("GET", "/v1beta1/publishers/google/models/gemini-2.5-flash") in paths
    assert ("GET", "/v1beta1/publishers/google/models") in paths
    with pytest.raises(errors.ClientError) as caught:
        client.models.get(model="no-such-model")
    assert caught.value.code == 404


def test_caches_on_vertex(emulator: Emulator, client: Any) -> None:
    """Caches take Vertex names; generateContent with one counts its tokens as cached; list
    shows only this project's caches; delete removes it."""
    cache = client.caches.create(
        model="gemini-2.5-flash",
        config={"contents": "one two three four", "ttl": "300s", "display_name": "c"},
    )
    assert cache.name.startswith(f"{SCOPE.removeprefix('v1beta1/')}/cachedContents/")
    assert cache.model.endswith("/publishers/google/models/gemini-2.5-flash")
    assert cache.usage_metadata.total_token_count == 4
    reply = client.models.generate_content(
        model="gemini-2.5-flash", contents="five", config={"cached_content": cache.name}
    )
    assert reply.usage_metadata.cached_content_token_count == 4
    updated = client.caches.update(name=cache.name, config={"ttl": "60s"})
    assert updated.expire_time < cache.expire_time
    assert [c.name for c in client.caches.list()] == [cache.name]
    other = vertex_client(emulator.url, project="other")
    assert list(other.caches.list()) == []
    with pytest.raises(errors.ClientError):
        other.caches.get(name=cache.name.split("/")[-1])
    client.caches.delete(name=cache.name)
    assert list(client.caches.list()) == []


def test_batch_prediction_job_lifecycle(emulator: Emulator, client: Any) -> None:
    """A GCS batch walks PENDING -> RUNNING -> SUCCEEDED by polls, then can be listed by
    state and deleted; the wire body is what google-genai sends."""
    job = client.batches.create(
        model="gemini-2.5-flash", src="gs://bucket/in.jsonl", config={"dest": "gs://bucket/out"}
    )
    assert job.name.startswith(f"{SCOPE.removeprefix('v1beta1/')}/batchPredictionJobs/")
    assert job.state == types.JobState.JOB_STATE_PENDING
    states = [client.batches.get(name=job.name).state for _ in range(3)]
    assert states == [
        types.JobState.JOB_STATE_RUNNING,
        types.JobState.JOB_STATE_SUCCEEDED,
        types.JobState.JOB_STATE_SUCCEEDED,
    ]
    done = client.batches.get(name=job.name.split("/")[-1])
    assert done.dest.gcs_uri == "gs://bucket/out"
    assert done.end_time >= done.start_time >= done.create_time
    succeeded = client.batches.list(config={"filter": "state=JOB_STATE_SUCCEEDED"})
    assert job.name in [j.name for j in succeeded]
    deleted = client.batches.delete(name=job.name)
    assert deleted.done
    with pytest.raises(errors.ClientError) as caught:
        client.batches.get(name=job.name)
    assert caught.value.code == 404
    create = next(r for r in emulator.recorded if r.method == "POST")
    assert create.json["inputConfig"] == {
        "instancesFormat": "jsonl",
        "gcsSource": {"uris": ["gs://bucket/in.jsonl"]},
    }


def test_bigquery_batch_cancel(client: Any) -> None:
    """A BigQuery batch can be cancelled: CANCELLING at once, CANCELLED on the next get; a
    second cancel is refused; a running job cannot be deleted."""
    job = client.batches.create(model="gemini-2.5-flash", src="bq://proj.data.table")
    assert job.src.bigquery_uri == "bq://proj.data.table"
    running = client.batches.create(model="gemini-2.5-flash", src="bq://proj.data.other")
    with pytest.raises(errors.ClientError) as caught:
        client.batches.delete(name=running.name)
    assert caught.value.code == 400
    client.batches.cancel(name=job.name)
    assert client.batches.get(name=job.name).state == types.JobState.JOB_STATE_CANCELLED
    with pytest.raises(errors.ClientError) as caught:
        client.batches.cancel(name=job.name)
    assert caught.value.status == "FAILED_PRECONDITION"


def test_tuning_job_produces_a_tuned_model_and_endpoint(emulator: Emulator, client: Any) -> None:
    """A tuning job succeeds after polls; its tuned model is listed, gettable, updatable and
    deletable, and its endpoint answers generateContent until the model is deleted."""
    job = client.tunings.tune(
        base_model="gemini-2.5-flash",
        training_dataset=types.TuningDataset(gcs_uri="gs://bucket/train.jsonl"),
        config={"epoch_count": 2, "tuned_model_display_name": "mine"},
    )
    assert job.state == types.JobState.JOB_STATE_PENDING
    while not job.has_ended:
        job = client.tunings.get(name=job.name)
    assert job.state == types.JobState.JOB_STATE_SUCCEEDED
    assert job.name in [j.name for j in client.tunings.list()]
    endpoint = job.tuned_model.endpoint
    assert client.models.generate_content(model=endpoint, contents="hello").text
    model = client.models.get(model=job.tuned_model.model)
    assert model.display_name == "mine"
    assert model.tuned_model_info.base_model == "gemini-2-5-flash"
    assert model.endpoints[0].name == endpoint
    assert [m.name for m in client.models.list(config={"query_base": False})] == [model.name]
    assert (
        client.models.update(model=model.name, config={"display_name": "renamed"}).display_name
        == "renamed"
    )
    client.models.delete(model=model.name)
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=endpoint, contents="hello")
    assert caught.value.code == 404
    sent = next(
        r for r in emulator.recorded if r.path.endswith("/tuningJobs") and r.method == "POST"
    )
    assert sent.json["supervisedTuningSpec"]["trainingDatasetUri"] == "gs://bucket/train.jsonl"


def test_tuning_job_cancel_and_refusals(client: Any) -> None:
    """A cancelled tuning job ends CANCELLED without a tuned model; bad base models and
    datasets are refused with 400."""
    job = client.tunings.tune(
        base_model="gemini-2.5-flash",
        training_dataset=types.TuningDataset(gcs_uri="gs://bucket/train.jsonl"),
    )
    client.tunings.cancel(name=job.name)
    job = client.tunings.get(name=job.name)
    assert job.state == types.JobState.JOB_STATE_CANCELLED
    assert job.tuned_model is None
    with pytest.raises(errors.ClientError) as caught:
        client.tunings.tune(
            base_model="imagen-4.0-generate-001",
            training_dataset=types.TuningDataset(gcs_uri="gs://bucket/train.jsonl"),
        )
    assert caught.value.code == 400


async def test_raw_job_refusals_and_admin(vemu: Emulator, vraw: Raw) -> None:
    """Raw: a batch without a source or with a non-gs URI is 400; an unknown model 404; the
    admin API finishes a job; operations GET serves the delete operation; the recorder has
    the Vertex requests; jobs of another project are not listed."""
    jobs = f"{SCOPE}/batchPredictionJobs"
    out = {"predictionsFormat": "jsonl", "gcsDestination": {"outputUriPrefix": "gs://b/o"}}
    model = "publishers/google/models/gemini-2.5-flash"
    status, _ = await vraw.post(jobs, {"model": model, "outputConfig": out}, headers=BEARER)
    assert status == 400
    bad = {"instancesFormat": "jsonl", "gcsSource": {"uris": ["http://x"]}}
    status, _ = await vraw.post(
        jobs, {"model": model, "inputConfig": bad, "outputConfig": out}, headers=BEARER
    )
    assert status == 400
    good = {"instancesFormat": "jsonl", "gcsSource": {"uris": ["gs://b/i.jsonl"]}}
    status, _ = await vraw.post(
        jobs,
        {"model": "publishers/google/models/nope", "inputConfig": good, "outputConfig": out},
        headers=BEARER,
    )
    assert status == 404
    status, job = await vraw.post(
        jobs, {"model": model, "inputConfig": good, "outputConfig": out}, headers=BEARER
    )
    assert status == 200
    status, finished = await vraw.post("_emulator/vertex/finish", {"name": job["name"]}, headers={})
    assert finished["state"] == "JOB_STATE_SUCCEEDED"
    assert finished["outputInfo"]["gcsOutputDirectory"].startswith("gs://b/o/prediction-model-")
    status, deleted = await vraw.call("DELETE", f"v1beta1/{job['name']}", headers=BEARER)
    assert status == 200
    status, op = await vraw.get(f"v1beta1/{deleted['name']}", headers=BEARER)
    assert (status, op["done"]) == (200, True)
    status, listing = await vraw.get(
        jobs.replace("projects/proj/", "projects/other/"), headers=BEARER
    )
    assert (status, listing) == (200, {})
    status, recorded = await vraw.get("_emulator/recorded", headers={})
    creates = [r for r in recorded["requests"] if r["path"] == f"/{jobs}" and r["method"] == "POST"]
    assert len(creates) == 4
    assert creates[-1]["json"]["inputConfig"] == good
    assert creates[-1]["headers"]["authorization"] == "Bearer test-token"
    status, _ = await vraw.post(
        f"{SCOPE}/publishers/google/models/gemini-2.5-flash:generateContent",
        {"contents": [user("x")]},
        headers=BEARER,
    )
    assert status == 200
