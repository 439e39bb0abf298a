"""files.upload against the emulator: the resumable protocol, chunks, resume, bad input."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest

import genai_actors as ga
from genai_actors import errors
from genai_actors._api._upload import CHUNK_SIZE, MAX_CHUNK_FAILURES, guess_mime_type
from genai_actors._transformers import InvalidRequestError
from genai_actors.emulator import Emulator
from supervisors import VirtualClock, use_clock

MIB = 1024 * 1024


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
    """Virtual time for resume backoff (no real sleeps)."""
    clock = VirtualClock(autojump=True)
    with use_clock(clock):
        yield clock


def _write(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def _stored_sha(emu: Emulator, file: ga.types.File) -> str:
    assert file.name is not None
    return str(emu.files.get(file.name.removeprefix("files/")).sha256)


def _uploads(emu: Emulator) -> list[Any]:
    return [r for r in emu.recorded if r.path.startswith("/upload/")]


def _commands(emu: Emulator) -> list[str]:
    return [r.headers.get("x-goog-upload-command", "") for r in _uploads(emu)]


# ---------------------------------------------------------------------------------- success


async def test_upload_small_file_start_and_single_finalize(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A small file is one start request and one 'upload, finalize' chunk; bytes match."""
    path = tmp_path / "notes.md"
    data = _write(path, 1000)
    file = await client.files.upload(file=path, config={"display_name": "Notes"})
    assert file.name is not None
    assert file.name.startswith("files/")
    assert (file.size_bytes, file.mime_type, file.display_name) == (1000, "text/markdown", "Notes")
    assert file.state == "ACTIVE"
    assert file.source == "UPLOADED"
    assert _stored_sha(emu, file) == hashlib.sha256(data).hexdigest()
    start, chunk = _uploads(emu)
    assert start.path == "/upload/v1/files"
    assert start.headers["x-goog-upload-protocol"] == "resumable"
    assert start.headers["x-goog-upload-command"] == "start"
    assert start.headers["x-goog-upload-header-content-length"] == "1000"
    assert start.headers["x-goog-upload-header-content-type"] == "text/markdown"
    assert start.headers["x-goog-upload-file-name"] == "notes.md"
    assert start.json == {
        "file": {"displayName": "Notes", "mimeType": "text/markdown", "sizeBytes": 1000}
    }
    assert chunk.headers["x-goog-upload-command"] == "upload, finalize"
    assert chunk.headers["x-goog-upload-offset"] == "0"
    assert chunk.body_size == 1000


async def test_upload_over_8_mib_sends_several_chunks(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A file over 8 MiB goes in 8 MiB chunks at increasing offsets, the last one finalizing."""
    path = tmp_path / "big.bin"
    size = 2 * CHUNK_SIZE + 12345
    data = _write(path, size)
    file = await client.files.upload(file=str(path))
    chunks = _uploads(emu)[1:]
    assert [c.headers["x-goog-upload-offset"] for c in chunks] == [
        "0",
        str(CHUNK_SIZE),
        str(2 * CHUNK_SIZE),
    ]
    assert [c.headers["x-goog-upload-command"] for c in chunks] == [
        "upload",
        "upload",
        "upload, finalize",
    ]
    assert [c.body_size for c in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 12345]
    assert file.size_bytes == size
    assert file.mime_type == "application/octet-stream"
    assert _stored_sha(emu, file) == hashlib.sha256(data).hexdigest()


async def test_zero_byte_file_is_one_empty_finalize(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A 0-byte file is a single 'upload, finalize' chunk with an empty body."""
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    file = await client.files.upload(file=path)
    assert file.size_bytes in (0, None)
    start, chunk = _uploads(emu)
    assert start.headers["x-goog-upload-header-content-length"] == "0"
    assert chunk.headers["x-goog-upload-command"] == "upload, finalize"
    assert chunk.body_size == 0
    assert _stored_sha(emu, file) == hashlib.sha256(b"").hexdigest()


async def test_file_object_uploads_from_its_position_and_stays_open(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A binary file object uploads from its current position; it is not closed; no file name."""
    stream = io.BytesIO(b"HEADER" + b"payload bytes")
    stream.seek(6)
    file = await client.files.upload(
        file=stream, config={"mime_type": "text/plain", "name": "files/my-doc-1"}
    )
    assert file.name == "files/my-doc-1"
    assert file.size_bytes == len(b"payload bytes")
    assert not stream.closed
    assert _stored_sha(emu, file) == hashlib.sha256(b"payload bytes").hexdigest()
    start = _uploads(emu)[0]
    assert "x-goog-upload-file-name" not in start.headers
    assert start.json["file"]["name"] == "files/my-doc-1"


async def test_name_without_prefix_gets_files_prefix(client: ga.AsyncClient, emu: Emulator) -> None:
    """config.name 'abc' is sent as 'files/abc', as google-genai does."""
    file = await client.files.upload(file=io.BytesIO(b"x"), config={"name": "abc-9"})
    assert file.name == "files/abc-9"


@pytest.mark.parametrize(
    ("name", "explicit", "expected"),
    [
        ("a/b/app.ts", None, "text/x-typescript"),
        ("kernel.cu", None, "text/plain"),
        ("main.py", None, "text/x-python"),
        ("README.md", None, "text/markdown"),
        ("Dockerfile", None, "text/plain"),
        ("photo.JPG", None, "image/jpeg"),
        ("clip.mp4", None, "video/mp4"),
        ("data.unknownext", None, "application/octet-stream"),
        (None, None, "application/octet-stream"),
        ("app.ts", "video/mp2t", "video/mp2t"),
    ],
)
def test_guess_mime_type(name: str | None, explicit: str | None, expected: str) -> None:
    """MIME types: explicit wins, then the source/text table, then mimetypes, else octet-stream."""
    assert guess_mime_type(name, explicit) == expected


# ---------------------------------------------------------------------------------- faults


async def test_dropped_connection_resumes_at_server_offset(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path, vclock: VirtualClock
) -> None:
    """A connection dropped mid-chunk is resumed from the server's offset; bytes match."""
    path = tmp_path / "video.bin"
    data = _write(path, CHUNK_SIZE + 3 * MIB)
    emu.state.uploads.drop_connection(chunk=1, after_bytes=5 * MIB)
    file = await client.files.upload(file=path)
    assert _stored_sha(emu, file) == hashlib.sha256(data).hexdigest()
    commands = _commands(emu)
    assert "query" in commands
    offsets = [r.headers.get("x-goog-upload-offset") for r in _uploads(emu)]
    assert str(5 * MIB) in offsets  # resumed where the server was, not from 0
    assert vclock.sleeps  # backed off before asking


async def test_server_error_during_chunk_resumes(
    client: ga.AsyncClient, emu: Emulator, vclock: VirtualClock
) -> None:
    """A 503 answering a chunk is resumed (query, then resend); the file is complete."""

    class FailFirstRead(io.BytesIO):
        armed = True

        def read(self, size: int | None = -1) -> bytes:
            if self.armed:
                self.armed = False
                emu.faults.fail_next(1, status=503)
            return super().read(size)

    payload = os.urandom(4096)
    file = await client.files.upload(file=FailFirstRead(payload), config={"mime_type": "a/b"})
    assert _stored_sha(emu, file) == hashlib.sha256(payload).hexdigest()
    assert _commands(emu) == ["start", "upload, finalize", "query", "upload, finalize"]


async def test_persistent_drops_give_up_and_cancel_the_session(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path, vclock: VirtualClock
) -> None:
    """Drops on every attempt end in a transport error after bounded attempts; no file is made."""
    path = tmp_path / "x.bin"
    _write(path, 2 * MIB)
    emu.state.uploads.drop_connection(chunk=None, after_bytes=0, times=100)
    with pytest.raises(errors.TransportError):
        await client.files.upload(file=path)
    chunk_attempts = [c for c in _commands(emu) if c.startswith("upload")]
    assert len(chunk_attempts) == MAX_CHUNK_FAILURES
    assert emu.state.uploads.sessions == {}
    assert emu.files.all() == []


async def test_failing_source_cancels_the_upload_session(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A source that fails mid-upload raises its error, and the server session is cancelled."""

    class Broken(io.BytesIO):
        reads = 0

        def read(self, size: int | None = -1) -> bytes:
            self.reads += 1
            if self.reads > 1:
                raise OSError("disk went away")
            return super().read(size)

    with pytest.raises(OSError, match="disk went away"):
        await client.files.upload(
            file=Broken(b"z" * (CHUNK_SIZE + 10)), config={"mime_type": "text/plain"}
        )
    assert _commands(emu)[-1] == "cancel"
    assert emu.state.uploads.sessions == {}
    assert emu.files.all() == []


async def test_source_that_shrinks_raises_upload_error(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A source returning fewer bytes than measured fails with UploadError, session cancelled."""

    class Shrinks(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            return super().read(size)[:-1]

    with pytest.raises(ga.UploadError, match="ended early"):
        await client.files.upload(file=Shrinks(b"abcdef"), config={"mime_type": "text/plain"})
    assert emu.state.uploads.sessions == {}


async def test_start_refused_raises_api_error(client: ga.AsyncClient, emu: Emulator) -> None:
    """A taken name is refused by the start request with ConflictError; no chunk is sent."""
    await client.files.upload(file=io.BytesIO(b"a"), config={"name": "dup", "mime_type": "a/b"})
    emu.recorded.clear()
    with pytest.raises(errors.ConflictError):
        await client.files.upload(file=io.BytesIO(b"b"), config={"name": "dup", "mime_type": "a/b"})
    assert _commands(emu) == ["start"]


@pytest.mark.slow
async def test_memory_stays_flat_for_a_large_upload(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """Uploading 48 MiB holds about two chunks at most (one read, one in the socket buffer)."""
    path = tmp_path / "large.bin"
    size = 48 * MIB
    with path.open("wb") as out:
        for _ in range(size // MIB):
            out.write(os.urandom(MIB))
    tracemalloc.start()
    try:
        file = await client.files.upload(file=path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert file.size_bytes == size
    assert peak < 3 * CHUNK_SIZE, f"peak {peak / MIB:.1f} MiB (file {size / MIB:.0f} MiB)"


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"file": "/nonexistent/dir/file.txt"}, FileNotFoundError, "does not exist"),
        ({"file": ""}, InvalidRequestError, "empty"),
        ({"file": 42}, InvalidRequestError, "path or a binary file"),
        ({"file": io.StringIO("text")}, InvalidRequestError, "binary mode"),
        (
            {"file": io.BytesIO(b"x"), "config": {"bogus": 1}},
            InvalidRequestError,
            "config.bogus",
        ),
        (
            {"file": io.BytesIO(b"x"), "config": {"name": "files/UPPER"}},
            InvalidRequestError,
            "config.name",
        ),
        (
            {"file": io.BytesIO(b"x"), "config": {"name": "a/b"}},
            InvalidRequestError,
            "config.name",
        ),
        (
            {"file": io.BytesIO(b"x"), "config": {"display_name": "d" * 513}},
            InvalidRequestError,
            "display_name",
        ),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: ga.AsyncClient,
    emu: Emulator,
    kwargs: dict[str, Any],
    error: type[Exception],
    match: str,
) -> None:
    """Bad paths, objects and configs raise a clear error and send nothing."""
    with pytest.raises(error, match=match):
        await client.files.upload(**kwargs)
    assert list(emu.recorded) == []


async def test_directory_and_unseekable_objects_are_refused(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A directory, an unseekable or unreadable object, or a closed one are refused unsent."""

    class Unseekable(io.BytesIO):
        def seekable(self) -> bool:
            return False

    class WriteOnly(io.BytesIO):
        def readable(self) -> bool:
            return False

    closed = io.BytesIO(b"x")
    closed.close()
    with pytest.raises(IsADirectoryError):
        await client.files.upload(file=tmp_path)
    for obj, match in [(Unseekable(b"x"), "seekable"), (WriteOnly(b"x"), "readable")]:
        with pytest.raises(InvalidRequestError, match=match):
            await client.files.upload(file=obj)
    with pytest.raises((InvalidRequestError, ValueError)):
        await client.files.upload(file=closed)
    assert list(emu.recorded) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
async def test_unreadable_path_raises_permission_error(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A path without read permission raises PermissionError before any request."""
    path = tmp_path / "secret.txt"
    path.write_bytes(b"x")
    path.chmod(0)
    with pytest.raises(PermissionError):
        await client.files.upload(file=path)
    assert list(emu.recorded) == []


async def test_cancelled_upload_cancels_the_server_session(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """Cancelling an upload mid-way sends a 'cancel' for the session; no file is created."""
    reading = threading.Event()
    release = threading.Event()

    class Slow(io.BytesIO):
        reads = 0

        def read(self, size: int | None = -1) -> bytes:
            self.reads += 1
            if self.reads == 2:
                reading.set()
                release.wait(10)
            return super().read(size)

    source = Slow(b"q" * (2 * CHUNK_SIZE + 5))  # cancelled while reading the second of three
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(
                lambda: client.files.upload(file=source, config={"mime_type": "text/plain"})
            )
            await anyio.to_thread.run_sync(reading.wait, 10)
            scope.cancel()
            release.set()
    assert scope.cancelled_caught
    assert _commands(emu)[-1] == "cancel"
    assert emu.state.uploads.sessions == {}
    assert emu.files.all() == []
