"""Resumable uploads (streamed to disk, offsets, query, resume after a drop) and the files API."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import AsyncIterator

import aiohttp
import pytest

from genai_actors.emulator import Emulator

from .conftest import KEY, Clock, Raw, chunk, send, start_upload, upload


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A bare aiohttp session (no API key headers)."""
    async with aiohttp.ClientSession() as s:
        yield s


async def test_start_returns_an_upload_url_and_active_status(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    """The start request answers x-goog-upload-url (same path + upload_id) and status active."""
    started = await start_upload(session, emu.url, 5, body={"file": {"display_name": "a"}})
    assert started.status == 200
    assert started.headers["x-goog-upload-status"] == "active"
    url = started.headers["x-goog-upload-url"]
    assert url.startswith(f"{emu.url}/upload/v1beta/files?upload_id=")
    assert started.headers["x-goog-upload-chunk-granularity"] == str(8 * 1024 * 1024)


async def test_chunks_need_matching_offsets_and_finalize_returns_the_file(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    """Chunks at the wrong offset get 400 + active + size received; finalize returns {file}."""
    data = b"0123456789" * 3
    started = await start_upload(session, emu.url, len(data))
    url = started.headers["x-goog-upload-url"]
    first = await chunk(session, url, data[:10], 0)
    assert first.status == 200
    assert first.headers["x-goog-upload-status"] == "active"
    wrong = await chunk(session, url, data[10:20], 5)
    assert wrong.status == 400
    assert wrong.headers["x-goog-upload-status"] == "active"
    assert wrong.headers["x-goog-upload-size-received"] == "10"
    assert wrong.body["error"]["status"] == "INVALID_ARGUMENT"
    await chunk(session, url, data[10:20], 10)
    final = await chunk(session, url, data[20:], 20, "upload, finalize")
    assert final.status == 200
    assert final.headers["x-goog-upload-status"] == "final"
    file = final.body["file"]
    assert file["sizeBytes"] == "30"
    assert file["mimeType"] == "text/plain"
    assert file["state"] == "ACTIVE"
    assert file["source"] == "UPLOADED"
    digest = hashlib.sha256(data).hexdigest()
    assert base64.b64decode(file["sha256Hash"]).decode() == digest
    assert file["uri"] == f"https://{emu.url.split('://')[1]}/v1beta/{file['name']}"
    assert file["expirationTime"] > file["createTime"]
    again = await chunk(session, url, b"", 30, "upload, finalize")
    assert again.status == 200
    assert again.body == final.body


async def test_query_reports_progress_and_final(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    """The query command reports bytes received, then the final file once finalized."""
    started = await start_upload(session, emu.url, 8)
    url = started.headers["x-goog-upload-url"]
    await chunk(session, url, b"abc", 0)
    queried = await chunk(session, url, b"", 0, "query")
    assert queried.status == 200
    assert queried.headers["x-goog-upload-status"] == "active"
    assert queried.headers["x-goog-upload-size-received"] == "3"
    await chunk(session, url, b"defgh", 3, "upload, finalize")
    done = await chunk(session, url, b"", 0, "query")
    assert done.headers["x-goog-upload-status"] == "final"
    assert done.body["file"]["sizeBytes"] == "8"


async def test_upload_errors(emu: Emulator, session: aiohttp.ClientSession) -> None:
    """Missing key, wrong protocol, overflow, early finalize, unknown session, bad command."""
    no_key = await start_upload(session, emu.url, 3, headers={"x-goog-api-key": ""})
    assert no_key.status == 403
    assert no_key.headers["x-goog-upload-status"] == "final"
    raw = await start_upload(session, emu.url, 3, headers={"X-Goog-Upload-Protocol": "raw"})
    assert raw.status == 400
    bad_name = await start_upload(session, emu.url, 3, body={"file": {"name": "files/UP"}})
    assert bad_name.status == 400
    mismatch = await start_upload(session, emu.url, 3, body={"file": {"sizeBytes": "4"}})
    assert mismatch.status == 400
    no_mime = await start_upload(
        session, emu.url, 3, headers={"X-Goog-Upload-Header-Content-Type": ""}
    )
    assert no_mime.status == 400
    started = await start_upload(session, emu.url, 4)
    url = started.headers["x-goog-upload-url"]
    over = await chunk(session, url, b"12345", 0)
    assert over.status == 400
    early = await chunk(session, url, b"12", 0, "upload, finalize")
    assert early.status == 400
    assert early.headers["x-goog-upload-status"] == "active"
    assert early.headers["x-goog-upload-size-received"] == "2"
    weird = await chunk(session, url, b"", 2, "rewind")
    assert weird.status == 400
    cancelled = await chunk(session, url, b"", 0, "cancel")
    assert cancelled.headers["x-goog-upload-status"] == "cancelled"
    gone = await chunk(session, url, b"34", 2)
    assert gone.status == 404
    assert gone.headers["x-goog-upload-status"] == "final"


async def test_named_upload_and_duplicate_name(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    """A caller-chosen files/ name is kept; reusing it is 409 ALREADY_EXISTS."""
    body = {"file": {"name": "files/my-notes", "displayName": "Notes"}}
    final = await upload(session, emu.url, b"hi", body=body)
    assert final["file"]["name"] == "files/my-notes"
    assert final["file"]["displayName"] == "Notes"
    again = await start_upload(session, emu.url, 2, body=body)
    assert again.status == 409


async def test_dropped_chunk_resumes_at_the_server_offset(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    """A scripted drop keeps the bytes really received; query tells where to resume."""
    data = os.urandom(300_000)
    emu.uploads.drop_connection(chunk=2, after_bytes=1000)
    started = await start_upload(session, emu.url, len(data), "application/octet-stream")
    url = started.headers["x-goog-upload-url"]
    await chunk(session, url, data[:100_000], 0)
    with pytest.raises(aiohttp.ClientError):
        await chunk(session, url, data[100_000:200_000], 100_000)
    queried = await chunk(session, url, b"", 0, "query")
    received = int(queried.headers["x-goog-upload-size-received"])
    assert received == 101_000
    final = await chunk(session, url, data[received:], received, "upload, finalize")
    assert final.status == 200
    file = final.body["file"]
    assert base64.b64decode(file["sha256Hash"]).decode() == hashlib.sha256(data).hexdigest()
    stored = emu.files.get(file["name"])
    assert stored.read() == data


async def test_drop_after_total_bytes(emu: Emulator, session: aiohttp.ClientSession) -> None:
    """With chunk=None the drop fires once the session has received after_bytes bytes."""
    emu.uploads.drop_connection(after_bytes=150)
    started = await start_upload(session, emu.url, 300)
    url = started.headers["x-goog-upload-url"]
    ok = await chunk(session, url, b"a" * 100, 0)
    assert ok.status == 200
    with pytest.raises(aiohttp.ClientError):
        await chunk(session, url, b"b" * 100, 100)
    queried = await chunk(session, url, b"", 0, "query")
    assert queried.headers["x-goog-upload-size-received"] == "150"
    assert emu.uploads.faults.snapshot() == []


async def test_uploads_live_in_a_temporary_directory_removed_on_close() -> None:
    """Uploaded bytes are files on disk in a per-emulator directory that aclose removes."""
    async with Emulator() as emu, aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, b"on disk")
        stored = emu.files.get(final["file"]["name"])
        assert stored.data is None
        assert stored.path is not None
        assert stored.read() == b"on disk"
        workdir = emu.state.workdir()
        assert stored.path.is_relative_to(workdir)
    assert not workdir.exists()


async def test_processing_files_turn_active_after_gets_and_delay(raw: Raw) -> None:
    """Video uploads start PROCESSING and turn ACTIVE after the configured gets and delay."""
    clock = Clock()
    async with (
        Emulator(clock=clock, file_processing_gets=2, file_processing_delay=10.0) as emu,
        aiohttp.ClientSession() as session,
    ):
        final = await upload(session, emu.url, b"\x00" * 64, "video/mp4")
        name = final["file"]["name"]
        assert final["file"]["state"] == "PROCESSING"
        client = Raw(session, emu.url)
        request = {
            "contents": [
                {
                    "role": "user",
                    "parts": [
                        {"text": "describe"},
                        {"fileData": {"fileUri": final["file"]["uri"], "mimeType": "video/mp4"}},
                    ],
                }
            ]
        }
        status, body = await client.post("v1beta/models/gemini-2.5-flash:generateContent", request)
        assert status == 400
        assert body["error"]["status"] == "FAILED_PRECONDITION"
        for _ in range(3):
            status, got = await client.get(f"v1beta/{name}")
            assert got["state"] == "PROCESSING"
        clock.now += 10
        status, got = await client.get(f"v1beta/{name}")
        assert got["state"] == "ACTIVE"
        status, body = await client.post("v1beta/models/gemini-2.5-flash:generateContent", request)
        assert status == 200
        small = await upload(session, emu.url, b"text")
        assert small["file"]["state"] == "ACTIVE"
        emu.files.set_state(small["file"]["name"], "FAILED", "bad file")
        status, got = await client.get(f"v1beta/{small['file']['name']}")
        assert got["state"] == "FAILED"
        assert got["error"]["message"] == "bad file"


async def test_unknown_file_in_a_prompt_is_403(raw: Raw) -> None:
    """A fileData URI naming a file this emulator does not hold is 403 PERMISSION_DENIED."""
    uri = f"{raw.base}/v1beta/files/nosuchfile"
    status, _ = await raw.post(
        "v1beta/models/gemini-2.5-flash:generateContent",
        {"contents": [{"parts": [{"fileData": {"fileUri": uri, "mimeType": "text/plain"}}]}]},
    )
    assert status == 403


async def test_list_pages_and_delete(raw: Raw, emu: Emulator) -> None:
    """files.list pages with pageSize/pageToken; delete removes the file and its bytes."""
    async with aiohttp.ClientSession() as session:
        names = [
            (await upload(session, emu.url, f"file {i}".encode()))["file"]["name"] for i in range(3)
        ]
    seen: list[str] = []
    token = None
    while True:
        params = {"pageSize": "2", **({"pageToken": token} if token else {})}
        status, listing = await raw.get("v1beta/files", params=params)
        assert status == 200
        seen += [f["name"] for f in listing["files"]]
        token = listing.get("nextPageToken")
        if not token:
            break
    assert seen == names
    path = emu.files.get(names[0]).path
    assert path is not None
    assert path.exists()
    status, _ = await raw.call("DELETE", f"v1beta/{names[0]}")
    assert status == 200
    assert not path.exists()
    status, _ = await raw.get(f"v1beta/{names[0]}")
    assert status == 403
    status, _ = await raw.get("v1beta/files/Bad_Name!")
    assert status == 400


async def test_register_files_needs_bearer_credentials(raw: Raw) -> None:
    """files:register needs an authorization Bearer header and gs:// URIs; returns REGISTERED."""
    body = {"uris": ["gs://bucket/docs/a.pdf", "gs://bucket/b.txt"]}
    status, err = await raw.post("v1beta/files:register", body)
    assert status == 401
    assert err["error"]["status"] == "UNAUTHENTICATED"
    auth = {**KEY, "authorization": "Bearer ya29.token"}
    status, got = await raw.post("v1beta/files:register", body, headers=auth)
    assert status == 200
    files = got["files"]
    assert [f["source"] for f in files] == ["REGISTERED", "REGISTERED"]
    assert files[0]["uri"] == "gs://bucket/docs/a.pdf"
    assert files[0]["mimeType"] == "application/pdf"
    status, _ = await raw.post("v1beta/files:register", {"uris": ["http://x/y"]}, headers=auth)
    assert status == 400
    status, _ = await raw.post("v1beta/files:register", {"uris": []}, headers=auth)
    assert status == 400


async def test_uploaded_files_cannot_be_downloaded(raw: Raw, emu: Emulator) -> None:
    """Only generated files have a downloadUri; uploads answer 400 on :download."""
    async with aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, b"secret")
    name = final["file"]["name"]
    assert "downloadUri" not in final["file"]
    status, _ = await raw.get(f"v1beta/{name}:download", params={"alt": "media"})
    assert status == 400


async def test_upload_start_records_and_faults(emu: Emulator) -> None:
    """Upload requests are recorded (chunks with their size) and honour fail-next faults."""
    async with aiohttp.ClientSession() as session:
        emu.faults.fail_next(1, 503)
        failed = await start_upload(session, emu.url, 2)
        assert failed.status == 503
        await upload(session, emu.url, b"xy")
    sizes = [r.body_size for r in emu.recorded if r.path.startswith("/upload/")]
    assert sizes[-1] == 2
    assert any(r.json == {} for r in emu.recorded if r.path.startswith("/upload/"))


async def test_upload_to_unknown_path_is_404(emu: Emulator) -> None:
    """Only files and file search stores accept uploads."""
    async with aiohttp.ClientSession() as session:
        reply = await send(
            session,
            f"{emu.url}/upload/v1beta/models",
            headers={
                **KEY,
                "X-Goog-Upload-Protocol": "resumable",
                "X-Goog-Upload-Command": "start",
            },
            body={},
        )
    assert reply.status == 404


async def test_injected_chunk_faults_carry_no_upload_status(
    emu: Emulator, session: aiohttp.ClientSession
) -> None:
    """A fail-next fault on a chunk answers without x-goog-upload-status; the retry succeeds."""
    started = await start_upload(session, emu.url, 3)
    url = started.headers["x-goog-upload-url"]
    emu.faults.fail_next(1, 503)
    failed = await chunk(session, url, b"abc", 0, "upload, finalize")
    assert failed.status == 503
    assert "x-goog-upload-status" not in failed.headers
    retried = await chunk(session, url, b"abc", 0, "upload, finalize")
    assert retried.status == 200
    assert retried.body["file"]["sizeBytes"] == "3"
