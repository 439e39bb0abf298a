"""client.tunings against the emulator: tune -> wait -> generate with the tuned model, get,
list, cancel, watch, input checks before sending, and faults."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._transformers import InvalidRequestError, generate_content_request
from genai_actors._watch import WatchConfig
from genai_actors.emulator import Emulator
from supervisors import Backoff

BASE = "models/gemini-2.5-flash"
FAST_POLLS = Backoff(0.01, 0.05, jitter=0.0)
EXAMPLES = {"examples": [{"text_input": f"in {i}", "output": f"out {i}"} for i in range(4)]}
NO_RETRY = {"retry_options": {"attempts": 1}}


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator in the test's loop (two polls per training stage)."""
    async with Emulator(job_polls=2) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An async client aimed at the emulator, polling fast."""
    async with ga.AsyncClient(
        api_key="k", http_options={"base_url": emu.url}, watch=WatchConfig(backoff=FAST_POLLS)
    ) as c:
        yield c


async def test_tune_wait_generate(client: ga.AsyncClient, emu: Emulator) -> None:
    """A tuning job runs to success and its tuned model answers generateContent."""
    job = await client.tunings.tune(
        base_model=BASE,
        training_dataset=EXAMPLES,
        config={
            "tuned_model_display_name": "My Model",
            "epoch_count": 2,
            "batch_size": 2,
            "learning_rate": 0.01,
        },
    )
    sent = emu.recorded[-1]
    assert (sent.method, sent.path) == ("POST", "/v1/tunedModels")
    assert sent.json == {
        "baseModel": BASE,
        "displayName": "My Model",
        "tuningTask": {
            "trainingData": {
                "examples": {
                    "examples": [{"textInput": f"in {i}", "output": f"out {i}"} for i in range(4)]
                }
            },
            "hyperparameters": {"epochCount": 2, "batchSize": 2, "learningRate": 0.01},
        },
    }
    assert job.name is not None
    assert job.name.startswith("tunedModels/my-model")
    assert job.state == "JOB_STATE_QUEUED"

    running = await client.tunings.get(name=job.name)
    assert running.state == "JOB_STATE_RUNNING"
    assert running.base_model == BASE
    assert running.tuned_model == types.TunedModel(model=job.name, endpoint=job.name)

    done = await client.tunings.wait(job, timeout=30)
    assert done.has_succeeded
    assert done.state == "JOB_STATE_SUCCEEDED"
    assert done.end_time is not None
    assert done.start_time is not None
    assert done.snapshots

    assert done.tuned_model is not None
    model = done.tuned_model.model or ""
    request = generate_content_request(model, "Hello tuned model")
    assert request.path == f"{job.name}:generateContent"
    response = await client.api_client.request(request.method, request.path, body=request.body)
    assert response.json()["candidates"][0]["content"]["parts"][0]["text"]


async def test_tuned_model_via_models_generate_content(client: ga.AsyncClient) -> None:
    """models.generate_content(model=<tuned model>) works once the job succeeded."""
    job = await client.tunings.tune(base_model=BASE, training_dataset=EXAMPLES)
    done = await client.tunings.wait(job, timeout=30)
    assert done.tuned_model is not None
    response = await client.models.generate_content(
        model=done.tuned_model.model or "", contents="Hello"
    )
    assert response.text


async def test_list_watch_cancel(client: ga.AsyncClient, emu: Emulator) -> None:
    """list pages over tunedModels; watch ends at the terminal state; cancel fails the job."""
    first = await client.tunings.tune(
        base_model=BASE, training_dataset=EXAMPLES, config={"tuned_model_display_name": "first"}
    )
    async with client.tunings.watch(first) as stream:
        states = [s.state async for s in stream]
    assert states[0] == "JOB_STATE_RUNNING"
    assert states[-1] == "JOB_STATE_SUCCEEDED"

    second = await client.tunings.tune(
        base_model=BASE, training_dataset=EXAMPLES, config={"tuned_model_display_name": "second"}
    )
    cancelled = await client.tunings.cancel(name=second.name or "")
    assert isinstance(cancelled, types.CancelTuningJobResponse)
    after = await client.tunings.wait(second.name or "", timeout=10)
    assert after.state == "JOB_STATE_FAILED"
    with pytest.raises(errors.FailedPreconditionError):
        await client.tunings.cancel(name=second.name or "")

    pager = await client.tunings.list(config={"page_size": 1})
    assert pager.name == "tuning_jobs"
    names = [j.name async for j in pager]
    assert first.name in names
    assert second.name in names
    gets = [r for r in emu.recorded if r.method == "GET" and r.path == "/v1/tunedModels"]
    assert gets[0].query == {"pageSize": "1"}
    assert len(gets) == len(names)


def test_job_view_maps_states() -> None:
    """CREATING/ACTIVE/FAILED map to JOB_STATE_*; task times map to start/end time."""
    for wire, state in (
        ("CREATING", "JOB_STATE_RUNNING"),
        ("ACTIVE", "JOB_STATE_SUCCEEDED"),
        ("FAILED", "JOB_STATE_FAILED"),
        ("STATE_UNSPECIFIED", "JOB_STATE_UNSPECIFIED"),
        ("NEW", "NEW"),
    ):
        assert types.TuningJob.from_tuned_model({"state": wire}).state == state
    job = types.TuningJob.from_tuned_model(
        {
            "name": "tunedModels/a",
            "baseModel": "models/b",
            "displayName": "A",
            "tuningTask": {
                "startTime": "2025-01-01T00:00:00Z",
                "completeTime": "2025-01-02T00:00:00Z",
                "snapshots": [{"step": 1, "epoch": 1, "meanLoss": 0.5}],
            },
        }
    )
    assert job.start_time is not None
    assert job.end_time is not None
    assert job.tuned_model_display_name == "A"
    assert job.snapshots == [types.TuningSnapshot(step=1, epoch=1, mean_loss=0.5)]
    with pytest.raises(ValueError, match="object"):
        types.TuningJob.from_tuned_model("x")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("dataset", "config", "error", "match"),
    [
        (None, None, InvalidRequestError, "training_dataset"),
        ({"examples": []}, None, InvalidRequestError, "at least one example"),
        ({"gcs_uri": "gs://b/x.jsonl"}, None, errors.UnsupportedByBackendError, "gcs_uri"),
        (
            {"vertex_dataset_resource": "projects/p"},
            None,
            errors.UnsupportedByBackendError,
            "vertex_dataset_resource",
        ),
        (
            {"examples": [{"text_input": "", "output": "o"}]},
            None,
            InvalidRequestError,
            r"examples\[0\]\.text_input",
        ),
        ({"examples": [{"text_input": "i"}]}, None, InvalidRequestError, r"examples\[0\]\.output"),
        ({"examples": [{"input": "i", "output": "o"}]}, None, InvalidRequestError, "input"),
        (EXAMPLES, {"epoch_count": 0}, InvalidRequestError, "epoch_count"),
        (EXAMPLES, {"batch_size": -1}, InvalidRequestError, "batch_size"),
        (EXAMPLES, {"learning_rate": 0.0}, InvalidRequestError, "learning_rate"),
        (
            EXAMPLES,
            {"learning_rate": 0.1, "learning_rate_multiplier": 1.0},
            InvalidRequestError,
            "at most one",
        ),
        (EXAMPLES, {"description": "d"}, errors.UnsupportedByBackendError, "description"),
        (EXAMPLES, {"method": "PREFERENCE_TUNING"}, errors.UnsupportedByBackendError, "method"),
        (
            EXAMPLES,
            {"validation_dataset": {"gcs_uri": "gs://x"}},
            errors.UnsupportedByBackendError,
            "validation_dataset",
        ),
        (EXAMPLES, {"epoch_cnt": 3}, InvalidRequestError, "epoch_cnt"),
    ],
)
async def test_bad_tune_refused_before_sending(
    client: ga.AsyncClient,
    emu: Emulator,
    dataset: Any,
    config: Any,
    error: type[Exception],
    match: str,
) -> None:
    """Missing or Vertex-only data and bad hyperparameters fail before any request."""
    with pytest.raises(error, match=match):
        await client.tunings.tune(base_model=BASE, training_dataset=dataset, config=config)
    assert len(emu.recorded) == 0


@pytest.mark.parametrize("name", ["models/gemini-2.5-flash", "tunedModels/a/b", "", "Bad_Id"])
async def test_bad_names_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, name: str
) -> None:
    """get, cancel, wait and watch refuse names that are not tunedModels/<id>."""
    with pytest.raises(InvalidRequestError, match="tunedModels"):
        await client.tunings.get(name=name)
    with pytest.raises(InvalidRequestError, match="tunedModels"):
        await client.tunings.cancel(name=name)
    with pytest.raises(InvalidRequestError, match="tunedModels"):
        await client.tunings.wait(name)
    with pytest.raises(InvalidRequestError, match="tunedModels"):
        client.tunings.watch(name)
    assert len(emu.recorded) == 0


async def test_validate_reward_is_vertex_only(client: ga.AsyncClient, emu: Emulator) -> None:
    """validate_reward raises UnsupportedByBackendError and sends nothing."""
    with pytest.raises(errors.UnsupportedByBackendError, match="validate_reward"):
        await client.tunings.validate_reward(parent="p", sample_response="r", example={})
    assert len(emu.recorded) == 0


async def test_server_refusals_are_typed(client: ga.AsyncClient) -> None:
    """Unknown base models and unknown jobs give typed errors."""
    with pytest.raises(errors.NotFoundError):
        await client.tunings.tune(base_model="models/no-such-model", training_dataset=EXAMPLES)
    with pytest.raises(errors.NotFoundError):
        await client.tunings.get(name="tunedModels/nope")
    with pytest.raises(errors.NotFoundError):
        await client.tunings.wait("tunedModels/nope", timeout=5)


async def test_tune_fault_without_retries_loses_nothing(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A 503 on tune surfaces as ServiceUnavailableError and no job is left behind."""
    before = [j.name async for j in await client.tunings.list()]
    emu.faults.fail_next(1, status=503)
    with pytest.raises(errors.ServiceUnavailableError):
        await client.tunings.tune(
            base_model=BASE, training_dataset=EXAMPLES, config={"http_options": NO_RETRY}
        )
    assert [j.name async for j in await client.tunings.list()] == before


@pytest.fixture
def sync_emu() -> Iterator[Emulator]:
    """An emulator on its own thread (for the blocking client)."""
    with Emulator() as emulator:
        yield emulator


def test_blocking_client(sync_emu: Emulator) -> None:
    """The blocking Client tunes, waits, lists, watches and refuses validate_reward."""
    with ga.Client(
        api_key="k", http_options={"base_url": sync_emu.url}, watch=WatchConfig(backoff=FAST_POLLS)
    ) as client:
        job = client.tunings.tune(base_model=BASE, training_dataset=EXAMPLES)
        done = client.tunings.wait(job, timeout=30)
        assert done.has_succeeded
        assert job.name in [j.name for j in client.tunings.list()]
        assert [s.state for s in client.tunings.watch(done.name or "")] == ["JOB_STATE_SUCCEEDED"]
        assert client.tunings.get(name=job.name or "").state == "JOB_STATE_SUCCEEDED"
        with pytest.raises(errors.UnsupportedByBackendError):
            client.tunings.validate_reward(parent="p", sample_response="r", example={})
