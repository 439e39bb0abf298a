"""The video long-running operation, the generic operation store and generated files."""

from __future__ import annotations

import re
import struct

import aiohttp

from genai_actors.emulator import Emulator

from .conftest import Raw

VEO = "v1beta/models/veo-3.0-generate-001:predictLongRunning"


def _boxes(data: bytes) -> list[bytes]:
    kinds, pos = [], 0
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        assert size >= 8
        kinds.append(kind)
        pos += size
    assert pos == len(data)
    return kinds


async def test_video_operation_completes_after_polls_and_downloads_mp4(
    raw: Raw, emu: Emulator
) -> None:
    """predictLongRunning -> poll until done -> the MP4 downloads through files/{id}:download."""
    status, op = await raw.post(
        VEO, {"instances": [{"prompt": "a cat surfing"}], "parameters": {"sampleCount": 2}}
    )
    assert status == 200
    assert op["name"].startswith("models/veo-3.0-generate-001/operations/")
    assert "done" not in op
    status, polled = await raw.get(f"v1beta/{op['name']}")
    assert status == 200
    assert "done" not in polled
    status, polled = await raw.get(f"v1beta/{op['name']}")
    assert polled["done"] is True
    samples = polled["response"]["generateVideoResponse"]["generatedSamples"]
    assert len(samples) == 2
    uri = samples[0]["video"]["uri"]
    assert uri.startswith("https://")
    assert uri.endswith(":download?alt=media")
    file_id = uri.split("files/")[1].split(":")[0]
    assert re.fullmatch(r"[a-z0-9]+", file_id), file_id
    status, data = await raw.get(f"v1beta/files/{file_id}:download", params={"alt": "media"})
    assert status == 200
    assert _boxes(data) == [b"ftyp", b"moov", b"mdat"]
    # Polling a finished operation keeps returning the same result.
    status, again = await raw.get(f"v1beta/{op['name']}")
    assert again == polled


async def test_download_requires_the_api_key_and_alt_media(raw: Raw, emu: Emulator) -> None:
    """Downloads are authenticated like every other call and need alt=media."""
    stored = emu.files.add(b"\x00" * 10, "video/mp4", source="GENERATED")
    path = f"v1beta/files/{stored.file_id}:download"
    status, _ = await raw.get(path, params={"alt": "media"}, headers={})
    assert status == 403
    status, _ = await raw.get(path)
    assert status == 400
    status, data = await raw.get(path, params={"alt": "media"})
    assert status == 200
    assert data == b"\x00" * 10


async def test_file_resource_get_list_delete(raw: Raw, emu: Emulator) -> None:
    """Generated files appear in files.get/list with a downloadUri and can be deleted."""
    stored = emu.files.add(b"abc", "video/mp4", source="GENERATED")
    uploaded = emu.files.add(b"xyz", "text/plain")
    status, body = await raw.get(f"v1beta/files/{stored.file_id}")
    assert status == 200
    assert body["name"] == f"files/{stored.file_id}"
    assert body["sizeBytes"] == "3"
    assert body["source"] == "GENERATED"
    assert body["downloadUri"].endswith(f"files/{stored.file_id}:download?alt=media")
    status, _ = await raw.get(f"v1beta/files/{uploaded.file_id}:download", params={"alt": "media"})
    assert status == 400
    status, listing = await raw.get("v1beta/files", params={"pageSize": "1"})
    assert len(listing["files"]) == 1
    assert listing["nextPageToken"]
    status, _ = await raw.call("DELETE", f"v1beta/files/{stored.file_id}")
    assert status == 200
    status, body = await raw.get(f"v1beta/files/{stored.file_id}")
    assert status == 403
    assert body["error"]["status"] == "PERMISSION_DENIED"


async def test_video_request_validation(raw: Raw) -> None:
    """Missing prompt, bad sample counts and aspect ratios, and unknown fields are 400."""
    for body in (
        {"instances": []},
        {"instances": [{}]},
        {"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 9}},
        {"instances": [{"prompt": "x"}], "parameters": {"aspectRatio": "2:1"}},
        {"instances": [{"prompt": "x"}], "parameters": {"durationSeconds": "long"}},
        {"instances": [{"prompt": "x"}], "extra": 1},
    ):
        status, _ = await raw.post(VEO, body)
        assert status == 400, body
    status, _ = await raw.post(
        "v1beta/models/gemini-2.5-flash:predictLongRunning", {"instances": [{"prompt": "x"}]}
    )
    assert status == 404


async def test_video_delay_holds_the_operation() -> None:
    """With a delay, polls before it has passed stay not-done."""
    clock = [0.0]
    async with (
        Emulator(video_polls=0, video_delay=30, clock=lambda: clock[0]) as emu,
        aiohttp.ClientSession() as s,
    ):
        r = Raw(s, emu.url)
        _, op = await r.post(VEO, {"instances": [{"prompt": "slow"}]})
        _, polled = await r.get(f"v1beta/{op['name']}")
        assert "done" not in polled
        clock[0] = 31
        _, polled = await r.get(f"v1beta/{op['name']}")
        assert polled["done"] is True


async def test_http_uri_scheme_is_directly_fetchable() -> None:
    """file_uri_scheme='http' makes the video URI a URL the emulator itself serves."""
    async with (
        Emulator(video_polls=0, file_uri_scheme="http") as emu,
        aiohttp.ClientSession() as s,
    ):
        r = Raw(s, emu.url)
        _, op = await r.post(VEO, {"instances": [{"prompt": "x"}]})
        _, done = await r.get(f"v1beta/{op['name']}")
        uri = done["response"]["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"]
        assert uri.startswith(emu.url)
        async with s.get(uri, headers={"x-goog-api-key": "k"}) as resp:
            assert resp.status == 200
            assert resp.content_type == "video/mp4"


async def test_generic_operations_store(raw: Raw, emu: Emulator) -> None:
    """Any stored operation is served by name; resolvers, errors and manual completion work."""
    ops = emu.operations
    ops.create(
        "operations/plain", metadata={"progress": 0}, polls=1, resolve=lambda: ({"ok": True}, None)
    )
    status, body = await raw.get("v1beta/operations/plain")
    assert body == {
        "name": "operations/plain",
        "metadata": {"progress": 0},
        "done": True,
        "response": {"ok": True},
    }
    ops.create("tunedModels/t/operations/failing", polls=5)
    ops.fail("tunedModels/t/operations/failing", 500, "boom")
    status, body = await raw.get("v1beta/tunedModels/t/operations/failing")
    assert body["done"] is True
    assert body["error"]["message"] == "boom"
    ops.create("batches/b/operations/manual", polls=100)
    status, body = await raw.post(
        "_emulator/operations/complete", {"name": "batches/b/operations/manual"}
    )
    assert status == 200
    assert body["done"] is True
    status, body = await raw.get("v1beta/operations/missing")
    assert status == 404


async def test_imagen_predict_returns_pngs(raw: Raw) -> None:
    """models/imagen...:predict returns base64 PNG predictions."""
    import base64

    status, body = await raw.post(
        "v1beta/models/imagen-4.0-generate-001:predict",
        {"instances": [{"prompt": "a lighthouse"}], "parameters": {"sampleCount": 2}},
    )
    assert status == 200
    assert len(body["predictions"]) == 2
    png = base64.b64decode(body["predictions"][0]["bytesBase64Encoded"])
    assert png.startswith(b"\x89PNG")


async def test_operations_under_any_parent_are_served(raw: Raw, emu: Emulator) -> None:
    """A GET of any name with an operations segment reaches the store (e.g. upload ops)."""
    emu.operations.create("fileSearchStores/s1/upload/operations/u1", resolve=lambda: ({}, None))
    status, body = await raw.get("v1beta/fileSearchStores/s1/upload/operations/u1")
    assert status == 200
    assert body["done"] is True
    status, _ = await raw.get("v1beta/fileSearchStores/s1/upload/operations/missing")
    assert status == 404
