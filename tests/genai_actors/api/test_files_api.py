"""files get/list/delete/download/register_files/wait_active against the emulator, async and
blocking, with bad input and faults."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._transformers import InvalidRequestError, t_file_name as file_id
from genai_actors.emulator import Emulator
from supervisors import Backoff, VirtualClock, use_clock

FAST_POLLS = Backoff(0.01, 0.05, jitter=0.0)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator served from the test's event loop."""
    async with Emulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """An async client aimed at the emulator."""
    async with ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as c:
        yield c


@pytest.fixture
def vclock() -> Iterator[VirtualClock]:
    """Virtual time for polling and retry backoff."""
    clock = VirtualClock(autojump=True)
    with use_clock(clock):
        yield clock


async def _upload(client: ga.AsyncClient, data: bytes = b"hello", **config: Any) -> types.File:
    return await client.files.upload(
        file=io.BytesIO(data), config={"mime_type": "text/plain", **config}
    )


def _generated(emu: Emulator, data: bytes) -> str:
    return "files/" + str(emu.files.add(data, "video/mp4", source="GENERATED").file_id)


# ---------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("files/abc123", "abc123"),
        ("abc123", "abc123"),
        ("a-b-c", "a-b-c"),
        (
            "https://generativelanguage.googleapis.com/v1beta/files/abc123:download?alt=media",
            "abc123",
        ),
        ("http://127.0.0.1:8080/v1beta/files/xyz9", "xyz9"),
        (types.File(name="files/q1"), "q1"),
        (types.Video(uri="https://h/v1beta/files/vid1:download?alt=media"), "vid1"),
        (types.GeneratedVideo(video=types.Video(uri="https://h/files/gv2")), "gv2"),
    ],
)
def test_file_name_shapes(value: Any, expected: str) -> None:
    """Names, files/ names, URIs and file objects all reduce to the bare id."""
    assert file_id(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "files/", "files/UPPER", "a/b", "files/a..b", "x" * 41, 42, "https://h/x"]
)
def test_bad_file_names_are_refused(value: Any) -> None:
    """Anything that is not a valid file id raises InvalidRequestError."""
    with pytest.raises(InvalidRequestError):
        file_id(value)


# ---------------------------------------------------------------------------------- get/list/delete


async def test_get_by_every_name_shape_and_delete(client: ga.AsyncClient, emu: Emulator) -> None:
    """get accepts the name, the bare id and the File; delete removes it (then 403)."""
    file = await _upload(client)
    assert file.name is not None
    ident = file.name.removeprefix("files/")
    for name in (file.name, ident, file):
        got = await client.files.get(name=name)
        assert got.name == file.name
        assert got.size_bytes == 5
    deleted = await client.files.delete(name=file)
    assert isinstance(deleted, types.DeleteFileResponse)
    assert deleted.sdk_http_response is not None
    with pytest.raises(errors.PermissionDeniedError):
        await client.files.get(name=file.name)
    paths = [(r.method, r.path) for r in emu.recorded if not r.path.startswith("/upload")]
    assert paths[:3] == [("GET", f"/v1/{file.name}")] * 3
    assert ("DELETE", f"/v1/{file.name}") in paths


async def test_list_pages_through_every_file(client: ga.AsyncClient, emu: Emulator) -> None:
    """list walks every page (pageSize/pageToken on the wire) and yields Files."""
    names = {(await _upload(client, bytes([i]))).name for i in range(5)}
    emu.recorded.clear()
    pager = await client.files.list(config={"page_size": 2})
    assert pager.name == "files"
    assert len(pager) == 2
    seen = [f.name async for f in pager]
    assert set(seen) == names
    queries = [r.query for r in emu.recorded]
    assert queries[0] == {"pageSize": "2"}
    assert all("pageToken" in q for q in queries[1:])
    assert len(queries) == 3


async def test_list_bad_page_size_sends_nothing(client: ga.AsyncClient, emu: Emulator) -> None:
    """A non-positive page_size is refused before any request."""
    for size in (0, -1):
        with pytest.raises(InvalidRequestError, match="page_size"):
            await client.files.list(config={"page_size": size})
    assert list(emu.recorded) == []


async def test_get_retries_a_transient_503(
    client: ga.AsyncClient, emu: Emulator, vclock: VirtualClock
) -> None:
    """A 503 on get is retried by the transport and the call succeeds."""
    file = await _upload(client)
    emu.faults.fail_next(1, status=503)
    assert (await client.files.get(name=file)).name == file.name
    assert vclock.sleeps


# ---------------------------------------------------------------------------------- download


async def test_download_bytes_path_and_stream(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A generated file downloads as bytes, into a path (no temp left), or into a file object."""
    data = os.urandom(3 * 1024 * 1024 + 7)
    name = _generated(emu, data)
    assert await client.files.download(file=name) == data
    target = tmp_path / "out.mp4"
    assert await client.files.download(file=name, destination=target) is None
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert sorted(os.listdir(tmp_path)) == ["out.mp4"]
    sink = io.BytesIO()
    await client.files.download(file=name, destination=sink)
    assert sink.getvalue() == data
    recorded = [r for r in emu.recorded if r.path.endswith(":download")]
    assert {tuple(r.query.items()) for r in recorded} == {(("alt", "media"),)}


async def test_download_sets_video_bytes(client: ga.AsyncClient, emu: Emulator) -> None:
    """Downloading a Video/GeneratedVideo fills its video_bytes, as google-genai does."""
    name = _generated(emu, b"\x00\x01video")
    video = types.Video(uri=f"https://example/v1beta/{name}:download?alt=media")
    generated = types.GeneratedVideo(video=types.Video(uri=video.uri))
    await client.files.download(file=video)
    await client.files.download(file=generated)
    assert video.video_bytes == b"\x00\x01video"
    assert generated.video is not None
    assert generated.video.video_bytes == b"\x00\x01video"


async def test_download_over_the_cap_raises_and_returns_nothing(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A body over max_bytes raises DownloadTooLargeError (a ValueError)."""
    name = _generated(emu, b"x" * 5000)
    with pytest.raises(ga.DownloadTooLargeError) as info:
        await client.files.download(file=name, config={"max_bytes": 4096})
    assert info.value.limit == 4096
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidRequestError, match="max_bytes"):
        await client.files.download(file=name, config={"max_bytes": 0})


async def test_failed_download_leaves_no_file_behind(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A refused download to a path creates nothing there (no partial, no temp file)."""
    uploaded = await _upload(client)
    target = tmp_path / "never.bin"
    with pytest.raises(errors.ClientError):  # uploaded files cannot be downloaded (400)
        await client.files.download(file=uploaded.name or "", destination=target)
    with pytest.raises(errors.PermissionDeniedError):
        await client.files.download(file="files/nosuchfile", destination=target)
    assert os.listdir(tmp_path) == []


async def test_download_refuses_bad_input_before_sending(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A File without download_uri, a missing folder, a folder or a text sink send nothing."""
    with pytest.raises(InvalidRequestError, match="generated files"):
        await client.files.download(file=types.File(name="files/abc"))
    with pytest.raises(FileNotFoundError):
        await client.files.download(file="abc", destination=tmp_path / "no" / "x.bin")
    with pytest.raises(IsADirectoryError):
        await client.files.download(file="abc", destination=tmp_path)
    with pytest.raises(InvalidRequestError, match="binary"):
        await client.files.download(file="abc", destination=io.StringIO())
    assert list(emu.recorded) == []


# ---------------------------------------------------------------------------------- register


async def test_register_files_with_a_token_and_with_credentials(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """register_files sends the GCS bearer token (and quota project) and returns the files."""

    class Creds:
        token = "gcs-token"
        valid = True
        quota_project_id = "my-project"

    result = await client.files.register_files(auth="tok-1", uris=["gs://bucket/a.txt"])
    assert result.files is not None
    assert result.files[0].source == "REGISTERED"
    result = await client.files.register_files(auth=Creds(), uris=["gs://b/x.pdf", "gs://b/y.png"])
    assert [f.mime_type for f in result.files or []] == ["application/pdf", "image/png"]
    first, second = [r for r in emu.recorded if r.path == "/v1/files:register"]
    assert first.headers["authorization"] == "Bearer tok-1"
    assert first.json == {"uris": ["gs://bucket/a.txt"]}
    assert second.headers["authorization"] == "Bearer gcs-token"
    assert second.headers["x-goog-user-project"] == "my-project"


@pytest.mark.parametrize(
    ("auth", "uris", "match"),
    [
        ("t", [], "uris"),
        ("t", "gs://b/o", "uris"),
        ("t", ["https://b/o"], r"uris\[0\]"),
        ("t", ["gs://bucket-only"], r"uris\[0\]"),
        ("", ["gs://b/o"], "auth"),
        (object(), ["gs://b/o"], "auth"),
    ],
)
async def test_register_files_bad_input(
    client: ga.AsyncClient, emu: Emulator, auth: Any, uris: Any, match: str
) -> None:
    """Bad URIs or unusable auth are refused before sending."""
    with pytest.raises(InvalidRequestError, match=match):
        await client.files.register_files(auth=auth, uris=uris)
    assert list(emu.recorded) == []


# ---------------------------------------------------------------------------------- wait_active


async def test_wait_active_polls_until_active(client: ga.AsyncClient, emu: Emulator) -> None:
    """A video upload starts PROCESSING; wait_active polls until it is ACTIVE."""
    emu.state.settings.file_processing_gets = 3
    video = io.BytesIO(b"\x00" * 64)
    file = await client.files.upload(file=video, config={"mime_type": "video/mp4"})
    assert file.state == "PROCESSING"
    active = await client.files.wait_active(file, timeout=30, backoff=FAST_POLLS)
    assert active.state == "ACTIVE"
    gets = [r for r in emu.recorded if r.method == "GET" and r.path == f"/v1/{file.name}"]
    assert len(gets) >= 3
    assert await client.files.wait_active(active) is active  # already ACTIVE: no request


async def test_wait_active_raises_for_a_failed_file(client: ga.AsyncClient, emu: Emulator) -> None:
    """A file whose processing FAILED raises FileProcessingError carrying the file."""
    emu.state.settings.file_processing_gets = 1000
    file = await client.files.upload(file=io.BytesIO(b"\x00"), config={"mime_type": "video/mp4"})
    assert file.name is not None
    emu.files.set_state(file.name.removeprefix("files/"), "FAILED", "cannot decode the video")
    with pytest.raises(ga.FileProcessingError, match="cannot decode") as info:
        await client.files.wait_active(file.name, timeout=30, backoff=FAST_POLLS)
    assert info.value.file.state == "FAILED"


async def test_wait_active_times_out(client: ga.AsyncClient, emu: Emulator) -> None:
    """A file that stays PROCESSING ends the wait with WaitTimeoutError (a TimeoutError)."""
    emu.state.settings.file_processing_gets = 10_000
    file = await client.files.upload(file=io.BytesIO(b"\x00"), config={"mime_type": "video/mp4"})
    with pytest.raises(TimeoutError) as info:
        await client.files.wait_active(file, timeout=0.3, backoff=FAST_POLLS)
    assert isinstance(info.value, errors.WaitTimeoutError)


async def test_wait_active_unknown_file(client: ga.AsyncClient, emu: Emulator) -> None:
    """Waiting for a file that does not exist ends with the API error."""
    with pytest.raises(errors.PermissionDeniedError):
        await client.files.wait_active("files/missing1", timeout=30, backoff=FAST_POLLS)


@pytest.mark.parametrize("bad", [-1, float("nan"), "30", True, [30]])
async def test_wait_active_refuses_a_bad_timeout(
    client: ga.AsyncClient, emu: Emulator, bad: Any
) -> None:
    """A timeout that is not seconds >= 0 is an InvalidOptionError (Value- and TypeError),
    raised before any poll, even for a file already ACTIVE."""
    active = types.File(name="files/done1", state="ACTIVE")
    for file in ("files/abc", active):
        with pytest.raises(errors.InvalidOptionError, match=r"^timeout: ") as info:
            await client.files.wait_active(file, timeout=bad)
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, TypeError)
    assert list(emu.recorded) == []


async def test_wait_active_infinite_timeout_waits_without_limit(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """timeout=inf means no limit, as None does."""
    emu.state.settings.file_processing_gets = 2
    file = await client.files.upload(file=io.BytesIO(b"\x00"), config={"mime_type": "video/mp4"})
    active = await client.files.wait_active(file, timeout=float("inf"), backoff=FAST_POLLS)
    assert active.state == "ACTIVE"


# ---------------------------------------------------------------------------------- blocking


def test_blocking_client_round_trip(gemini_emulator: Emulator, tmp_path: Path) -> None:
    """The blocking Files facade uploads, gets, lists, downloads, waits and deletes."""
    path = tmp_path / "doc.txt"
    path.write_bytes(b"blocking bytes")
    generated = _generated(gemini_emulator, b"gen")
    with ga.Client(api_key="k", http_options={"base_url": gemini_emulator.url}) as client:
        file = client.files.upload(file=path)
        assert file.mime_type == "text/plain"
        assert client.files.get(name=file).name == file.name
        assert client.files.wait_active(file).state == "ACTIVE"
        assert file.name in [f.name for f in client.files.list(config={"page_size": 1})]
        assert client.files.download(file=generated) == b"gen"
        out = tmp_path / "gen.bin"
        client.files.download(file=generated, destination=out)
        assert out.read_bytes() == b"gen"
        assert client.files.register_files(auth="t", uris=["gs://b/o.txt"]).files
        client.files.delete(name=file)
        with pytest.raises(errors.PermissionDeniedError):
            client.files.get(name=file)
