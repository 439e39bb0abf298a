"""generate_videos, operations.get / wait, and downloading the generated video."""

from __future__ import annotations

import msgspec
import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._api._operations import _get_request
from genai_actors._transformers import InvalidRequestError, VertexLocation
from genai_actors.emulator import Emulator
from genai_actors.types._http import HttpOptions
from supervisors import Backoff, VirtualClock, use_clock

from .conftest import API_KEY

VEO = "veo-3.0-generate-001"


async def test_video_generated_waited_and_downloaded(emu: Emulator) -> None:
    """A video job is started, waited to completion (virtual time) and its bytes downloaded
    through files/{id}:download?alt=media."""
    clock = VirtualClock()
    with use_clock(clock):
        async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
            operation = await client.models.generate_videos(
                model=VEO, prompt="a lighthouse at dusk", config={"number_of_videos": 1}
            )
            assert isinstance(operation, types.GenerateVideosOperation)
            assert operation.name is not None
            assert "/operations/" in operation.name
            assert not operation.done
            finished = await client.operations.wait(operation, timeout=300)
            assert isinstance(finished, types.GenerateVideosOperation)
            assert finished.done
            assert finished.error is None
            assert finished.result is not None
            assert finished.result == finished.response
            videos = finished.result.generated_videos
            assert videos is not None
            assert len(videos) == 1
            video = videos[0].video
            assert video is not None
            assert video.uri is not None
            data = await client.files.download(file=videos[0])
    assert data[4:8] == b"ftyp"
    assert video.video_bytes == data
    assert clock.sleeps
    assert all(0 < s <= 30 * 1.2 for s in clock.sleeps)
    download = emu.recorded[-1]
    assert download.path.endswith(":download")
    assert download.query == {"alt": "media"}
    assert emu.recorded[0].json == {
        "instances": [{"prompt": "a lighthouse at dusk"}],
        "parameters": {"sampleCount": 1},
    }


async def test_get_from_a_stored_name_alone(client: ga.AsyncClient, emu: Emulator) -> None:
    """operations.get and wait accept the bare name string (e.g. read back from storage)."""
    operation = await client.models.generate_videos(model=VEO, prompt="waves")
    stored: str = operation.name or ""
    fetched = await client.operations.get(stored)
    assert isinstance(fetched, types.GenerateVideosOperation)
    assert fetched.name == stored
    assert emu.recorded[-1].method == "GET"
    assert emu.recorded[-1].path.endswith(stored)
    with use_clock(VirtualClock()):
        done = await client.operations.wait(stored, timeout=60)
    assert done.done
    assert isinstance(done, types.GenerateVideosOperation)
    assert done.result is not None


async def test_generic_operation_name(client: ga.AsyncClient, emu: Emulator) -> None:
    """A name outside models/ and fileSearchStores/ gives a generic Operation."""
    emu.operations.create("tunedModels/t1/operations/op1", polls=0)
    operation = await client.operations.get("tunedModels/t1/operations/op1")
    assert type(operation) is types.Operation
    assert operation.done


async def test_file_search_operation_names_are_typed(client: ga.AsyncClient, emu: Emulator) -> None:
    """A file-search import or upload operation's name alone gives its own operation type."""
    emu.operations.create("fileSearchStores/s1/operations/op1", polls=0)
    emu.operations.create("fileSearchStores/s1/upload/operations/op2", polls=0)
    imported = await client.operations.get("fileSearchStores/s1/operations/op1")
    uploaded = await client.operations.get("fileSearchStores/s1/upload/operations/op2")
    assert type(imported) is types.ImportFileOperation
    assert type(uploaded) is types.UploadToFileSearchStoreOperation


async def test_wait_returns_a_done_operation_without_polling(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """An operation object already done is returned as it is."""
    done = types.GenerateVideosOperation(name="models/x/operations/y", done=True)
    assert await client.operations.wait(done) is done
    assert len(emu.recorded) == 0


async def test_wait_times_out_with_a_timeout_error(emu: Emulator) -> None:
    """A job that does not finish in time raises WaitTimeoutError (a TimeoutError) carrying
    the last snapshot; polls stop at the deadline."""
    clock = VirtualClock()
    async with Emulator(api_key=API_KEY, video_polls=10_000) as slow:
        with use_clock(clock):
            async with ga.AsyncClient(
                api_key=API_KEY, http_options={"base_url": slow.url}
            ) as client:
                operation = await client.models.generate_videos(model=VEO, prompt="slow")
                start = clock.now()
                with pytest.raises(TimeoutError) as caught:
                    await client.operations.wait(
                        operation, timeout=20, backoff=Backoff(1.0, 4.0, jitter=0.0)
                    )
                assert clock.now() - start == pytest.approx(20)
    error = caught.value
    assert isinstance(error, errors.WaitTimeoutError)
    assert error.name == operation.name
    assert error.timeout == 20
    assert isinstance(error.last, types.GenerateVideosOperation)
    assert not error.last.done
    assert clock.sleeps[:3] == [1.0, 2.0, 4.0]


async def test_failed_operation_is_returned_with_its_error(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A failed job counts as done: wait returns it with .error (and typed error_info)."""
    operation = await client.models.generate_videos(model=VEO, prompt="doomed")
    assert operation.name is not None
    emu.operations.fail(operation.name, 400, "unsafe prompt")
    with use_clock(VirtualClock()):
        finished = await client.operations.wait(operation, timeout=60)
    assert finished.done
    assert finished.error is not None
    info = finished.error_info
    assert info is not None
    assert info.code == 400
    assert info.message == "unsafe prompt"


async def test_poll_429_is_retried_after_retry_info(emu: Emulator) -> None:
    """A 429 on a poll is retried after the server's advised delay; the wait still succeeds."""
    clock = VirtualClock()
    with use_clock(clock):
        async with ga.AsyncClient(api_key=API_KEY, http_options={"base_url": emu.url}) as client:
            operation = await client.models.generate_videos(model=VEO, prompt="x")
            emu.faults.fail_next(1, 429, retry_delay=9.0)
            finished = await client.operations.wait(operation, timeout=120)
    assert finished.done
    assert 9.0 in clock.sleeps


async def test_unknown_operation_is_not_found(client: ga.AsyncClient) -> None:
    """Polling a name the server does not know raises NotFoundError."""
    with pytest.raises(errors.NotFoundError):
        await client.operations.wait("models/veo-3.0-generate-001/operations/nope", timeout=5)


async def test_gets_of_a_name_send_get_s_request_each_time(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A name got again (its request kept) sends the same request as a get with a config,
    and each get returns the operation's state of that moment; past the bound of names kept
    the requests stay right; a bad name is refused every time."""
    op = await client.models.generate_videos(model=VEO, prompt="a fox")
    assert op.name
    emu.recorded.clear()
    await client.operations.get(op.name, config={"http_options": {}})
    states = [await client.operations.get(op.name) for _ in range(3)]
    assert len({(r.method, r.path, r.body_size) for r in emu.recorded}) == 1
    assert len(emu.recorded) == 4
    assert all(isinstance(s, types.GenerateVideosOperation) for s in states)
    assert all(s is not states[0] for s in states[1:])
    names = [f"models/{VEO}/operations/other{i}" for i in range(300)]
    for name in names:
        with pytest.raises(errors.NotFoundError):
            await client.operations.get(name)
    assert [r.path for r in emu.recorded[-300:]] == [f"/v1/{n}" for n in names]
    emu.recorded.clear()
    for _ in range(2):
        with pytest.raises(InvalidRequestError):
            await client.operations.get("models/x/operations/../../secrets")
    assert len(emu.recorded) == 0
    assert (await client.operations.get(op.name)).name == op.name


@pytest.mark.parametrize("bad", [42, "", "models/x/operations/../../secrets", None])
async def test_bad_operation_is_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, bad: object
) -> None:
    """Something that is not an operation or a usable name raises InvalidRequestError."""
    with pytest.raises(InvalidRequestError):
        await client.operations.get(bad)  # type: ignore[call-overload]
    assert len(emu.recorded) == 0


async def test_bad_timeout_is_refused(client: ga.AsyncClient) -> None:
    """A negative or non-numeric timeout raises ValueError."""
    for bad in (-1, "soon", float("nan")):
        with pytest.raises(ValueError, match="timeout"):
            await client.operations.wait("models/x/operations/y", timeout=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["5", -1, float("nan"), True, [5]])
@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("operations", "models/x/operations/y"),
        ("batches", "batches/x"),
        ("tunings", "tunedModels/x"),
    ],
)
async def test_every_wait_refuses_a_bad_timeout_alike(
    client: ga.AsyncClient, emu: Emulator, surface: str, name: str, bad: object
) -> None:
    """operations, batches and tunings wait raise InvalidOptionError naming timeout (a
    ValueError and a TypeError) for a string, negative, NaN or non-number timeout; nothing
    is sent."""
    wait = getattr(client, surface).wait
    with pytest.raises(errors.InvalidOptionError, match="timeout") as caught:
        await wait(name, timeout=bad)
    assert caught.value.option == "timeout"
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, TypeError)
    assert len(emu.recorded) == 0


async def test_a_finished_job_still_refuses_a_bad_timeout(client: ga.AsyncClient) -> None:
    """A bad timeout raises even when the job or operation is already done (checked first)."""
    done_op = types.Operation(name="models/x/operations/y", done=True)
    done_batch = types.BatchJob(name="batches/x", state="JOB_STATE_SUCCEEDED")
    done_tuning = types.TuningJob(name="tunedModels/x", state="JOB_STATE_SUCCEEDED")
    with pytest.raises(errors.InvalidOptionError, match="timeout"):
        await client.operations.wait(done_op, timeout="5")  # type: ignore[call-overload]
    with pytest.raises(errors.InvalidOptionError, match="timeout"):
        await client.batches.wait(done_batch, timeout="5")  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidOptionError, match="timeout"):
        await client.tunings.wait(done_tuning, timeout="5")  # type: ignore[arg-type]
    assert await client.batches.wait(done_batch, timeout=0) is done_batch
    assert await client.tunings.wait(done_tuning, timeout=None) is done_tuning


async def test_get_config_is_only_http_options(client: ga.AsyncClient, emu: Emulator) -> None:
    """operations.get sends config.http_options (a dict or HttpOptions); another config field,
    or http_options that is not options, is refused before sending."""
    op = await client.models.generate_videos(model=VEO, prompt="a fox")
    assert op.name
    emu.recorded.clear()
    await client.operations.get(op, config={"http_options": {"headers": {"x-probe": "a"}}})
    options = HttpOptions(headers={"x-probe": "b"})
    await client.operations.get(op.name, config={"http_options": options})
    assert [(r.method, r.headers.get("x-probe")) for r in emu.recorded] == [
        ("GET", "a"),
        ("GET", "b"),
    ]
    with pytest.raises(InvalidRequestError, match=r"config\.page_size"):
        await client.operations.get(op, config={"page_size": 3})
    with pytest.raises(errors.InvalidOptionError, match="http_options"):
        await client.operations.get(op, config={"http_options": 5})
    with pytest.raises(ValueError, match="unknown field"):
        await client.operations.get(op, config={"http_options": {"bogus": 1}})
    with pytest.raises(InvalidRequestError, match=r"config\.page_size"):
        await client.operations.wait(op, config={"page_size": 3})
    with pytest.raises(InvalidRequestError, match=r"config\.page_size"):
        client.operations.watch(op, config={"page_size": 3})
    assert len(emu.recorded) == 2


def test_vertex_get_request_carries_per_call_options() -> None:
    """On Vertex AI, operations.get is a POST :fetchPredictOperation carrying the per-call
    options (whose extra_body the seam merges into the body once, when sending)."""
    model = "projects/p/locations/l/publishers/google/models/veo"
    name = f"{model}/operations/o"
    options = HttpOptions(extra_body={"probe": 1})
    request = _get_request(name, options, VertexLocation("p", "l"))
    assert request.method == "POST"
    assert request.path == f"{model}:fetchPredictOperation"
    assert request.http_options is options
    assert msgspec.json.decode(request.body or b"") == {"operationName": name}
    plain = _get_request("models/veo/operations/o", None, None)
    assert (plain.method, plain.path, plain.body) == ("GET", "models/veo/operations/o", None)


async def test_generate_videos_bad_input_sends_nothing(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """No prompt/image/video, prompt mixed with source, or a Vertex-only field: nothing sent."""
    with pytest.raises(InvalidRequestError):
        await client.models.generate_videos(model=VEO)
    with pytest.raises(InvalidRequestError):
        await client.models.generate_videos(model=VEO, prompt="x", source={"prompt": "y"})
    with pytest.raises(errors.UnsupportedByBackendError):
        await client.models.generate_videos(model=VEO, prompt="x", config={"fps": 24})
    assert len(emu.recorded) == 0
