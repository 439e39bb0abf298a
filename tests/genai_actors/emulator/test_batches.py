"""The Batch API: inline and file input, progress over polls, shuffled results, cancel, expiry."""

from __future__ import annotations

from typing import Any

import aiohttp
import msgspec

from genai_actors.emulator import Emulator

from .conftest import Clock, Raw, text_of, upload, user

CREATE = "v1beta/models/gemini-2.5-flash:batchGenerateContent"
GEN = "v1beta/models/gemini-2.5-flash:generateContent"


def _inline(n: int) -> dict[str, Any]:
    return {
        "batch": {
            "displayName": "inline",
            "inputConfig": {
                "requests": {
                    "requests": [
                        {"request": {"contents": [user(f"question {i}")]}, "metadata": {"i": i}}
                        for i in range(n)
                    ]
                }
            },
        }
    }


async def test_inline_batch_progresses_and_returns_shuffled_results(raw: Raw) -> None:
    """PENDING -> RUNNING -> SUCCEEDED, one stage per GET; results out of order, by metadata."""
    status, op = await raw.post(CREATE, _inline(6))
    assert status == 200
    meta = op["metadata"]
    assert op["name"].startswith("batches/")
    assert "done" not in op
    assert meta["@type"].endswith("v1main.GenerateContentBatch")
    assert meta["state"] == "BATCH_STATE_PENDING"
    assert meta["model"] == "models/gemini-2.5-flash"
    assert meta["displayName"] == "inline"
    assert meta["batchStats"]["requestCount"] == "6"
    assert meta["batchStats"]["pendingRequestCount"] == "6"
    _, running = await raw.get(f"v1beta/{op['name']}")
    assert running["metadata"]["state"] == "BATCH_STATE_RUNNING"
    assert running["metadata"]["batchStats"]["successfulRequestCount"] == "3"
    _, done = await raw.get(f"v1beta/{op['name']}")
    meta = done["metadata"]
    assert done["done"] is True
    assert meta["state"] == "BATCH_STATE_SUCCEEDED"
    assert meta["batchStats"] == {
        "requestCount": "6",
        "successfulRequestCount": "6",
        "failedRequestCount": "0",
        "pendingRequestCount": "0",
    }
    assert "endTime" in meta
    results = meta["output"]["inlinedResponses"]["inlinedResponses"]
    assert done["response"]["inlinedResponses"]["inlinedResponses"] == results
    order = [r["metadata"]["i"] for r in results]
    assert sorted(order) == list(range(6))
    assert order != list(range(6))
    for result in results:
        _, online = await raw.post(GEN, {"contents": [user(f"question {result['metadata']['i']}")]})
        assert text_of(result["response"]) == text_of(online)


async def test_malformed_requests_fail_only_their_item(raw: Raw) -> None:
    """An item with unknown fields, no contents or another model fails alone."""
    body = _inline(2)
    items = body["batch"]["inputConfig"]["requests"]["requests"]
    items.append({"request": {"contents": [user("x")], "bogus": 1}, "metadata": {"i": "bad1"}})
    items.append({"request": {"contents": []}, "metadata": {"i": "bad2"}})
    items.append(
        {"request": {"model": "models/gemini-2.5-pro", "contents": [user("y")]}, "metadata": {}}
    )
    _, op = await raw.post(CREATE, body)
    for _ in range(2):
        _, op = await raw.get(f"v1beta/{op['name']}")
    stats = op["metadata"]["batchStats"]
    assert stats["successfulRequestCount"] == "2"
    assert stats["failedRequestCount"] == "3"
    results = op["metadata"]["output"]["inlinedResponses"]["inlinedResponses"]
    errors = [r for r in results if "error" in r]
    assert {e["error"]["code"] for e in errors} == {400}
    assert all("response" not in e for e in errors)


async def test_file_input_produces_a_downloadable_responses_file(raw: Raw, emu: Emulator) -> None:
    """JSONL input with keys gives a generated JSONL responsesFile of {key, response|error}."""
    lines = [
        msgspec.json.encode({"key": f"k{i}", "request": {"contents": [user(f"row {i}")]}})
        for i in range(3)
    ]
    lines.append(b"{not json")
    async with aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, b"\n".join(lines) + b"\n", "application/jsonl")
    body = {"batch": {"inputConfig": {"fileName": final["file"]["name"]}}}
    _, op = await raw.post(CREATE, body)
    assert op["metadata"]["inputConfig"] == {"fileName": final["file"]["name"]}
    for _ in range(2):
        _, op = await raw.get(f"v1beta/{op['name']}")
    out_name = op["metadata"]["output"]["responsesFile"]
    assert out_name.startswith("files/batch-")
    _, file = await raw.get(f"v1beta/{out_name}")
    assert file["source"] == "GENERATED"
    status, data = await raw.get(f"v1beta/{out_name}:download", params={"alt": "media"})
    assert status == 200
    rows = [msgspec.json.decode(line) for line in data.splitlines()]
    assert sorted(r.get("key", "") for r in rows if "response" in r) == ["k0", "k1", "k2"]
    assert sum(1 for r in rows if "error" in r) == 1
    assert op["metadata"]["batchStats"]["failedRequestCount"] == "1"


async def test_bad_batches_are_refused(raw: Raw) -> None:
    """Both inputs, no input, empty requests, unknown files and unknown models are errors."""
    both = {"batch": {"inputConfig": {"fileName": "files/x", "requests": {"requests": []}}}}
    cases: list[tuple[str, Any, int]] = [
        (CREATE, both, 400),
        (CREATE, {"batch": {"inputConfig": {}}}, 400),
        (CREATE, {"batch": {}}, 400),
        (CREATE, {}, 400),
        (CREATE, {"batch": {"inputConfig": {"requests": {"requests": []}}}}, 400),
        (CREATE, {"batch": {"inputConfig": {"fileName": "files/nosuch"}}}, 403),
        (CREATE, {"batch": {"model": "models/other", **_inline(1)["batch"]}}, 400),
        ("v1beta/models/nope:batchGenerateContent", _inline(1), 404),
        ("v1beta/models/gemini-embedding-001:batchGenerateContent", _inline(1), 404),
    ]
    for path, body, expected in cases:
        status, err = await raw.post(path, body)
        assert status == expected, (body, err)


async def test_cancel_delete_and_list(raw: Raw) -> None:
    """Cancel stops a pending batch; cancelling a finished one is 400; list pages newest first."""
    _, first = await raw.post(CREATE, _inline(1))
    _, second = await raw.post(CREATE, _inline(1))
    status, _ = await raw.post(f"v1beta/{first['name']}:cancel")
    assert status == 200
    _, cancelled = await raw.get(f"v1beta/{first['name']}")
    assert cancelled["metadata"]["state"] == "BATCH_STATE_CANCELLED"
    assert cancelled["done"] is True
    status, err = await raw.post(f"v1beta/{first['name']}:cancel")
    assert status == 400
    assert err["error"]["status"] == "FAILED_PRECONDITION"
    _, page1 = await raw.get("v1beta/batches", params={"pageSize": "1"})
    assert [b["name"] for b in page1["operations"]] == [second["name"]]
    _, page2 = await raw.get(
        "v1beta/batches", params={"pageSize": "1", "pageToken": page1["nextPageToken"]}
    )
    assert [b["name"] for b in page2["operations"]] == [first["name"]]
    status, _ = await raw.get("v1beta/batches", params={"filter": "state=x"})
    assert status == 400
    status, _ = await raw.call("DELETE", f"v1beta/{first['name']}")
    assert status == 200
    status, _ = await raw.get(f"v1beta/{first['name']}")
    assert status == 404


async def test_embedding_batch(raw: Raw) -> None:
    """asyncBatchEmbedContent returns an EmbedContentBatch with embeddings per request."""
    body = {
        "batch": {
            "inputConfig": {
                "requests": {
                    "requests": [
                        {"request": {"content": {"parts": [{"text": "a"}]}}, "metadata": {"n": 1}},
                        {"request": {"content": {"parts": []}}, "metadata": {"n": 2}},
                    ]
                }
            }
        }
    }
    status, op = await raw.post("v1beta/models/gemini-embedding-001:asyncBatchEmbedContent", body)
    assert status == 200
    assert op["metadata"]["@type"].endswith("EmbedContentBatch")
    for _ in range(2):
        _, op = await raw.get(f"v1beta/{op['name']}")
    results = op["metadata"]["output"]["inlinedResponses"]["inlinedResponses"]
    by_n = {r["metadata"]["n"]: r for r in results}
    assert len(by_n[1]["response"]["embedding"]["values"]) == 3072
    assert by_n[2]["error"]["code"] == 400


async def test_expiry_failure_and_forced_finish() -> None:
    """Unfinished batches expire after batch_expiry; fail() and finish() force outcomes."""
    clock = Clock()
    async with (
        Emulator(clock=clock, job_polls=5) as emu,
        aiohttp.ClientSession() as session,
    ):
        raw = Raw(session, emu.url)
        _, a = await raw.post(CREATE, _inline(1))
        _, b = await raw.post(CREATE, _inline(1))
        _, c = await raw.post(CREATE, _inline(1))
        emu.batches.fail(b["name"], "disk on fire")
        emu.batches.finish(c["name"])
        clock.now += 48 * 3600
        _, a = await raw.get(f"v1beta/{a['name']}")
        assert a["metadata"]["state"] == "BATCH_STATE_EXPIRED"
        _, b = await raw.get(f"v1beta/{b['name']}")
        assert b["metadata"]["state"] == "BATCH_STATE_FAILED"
        assert b["error"]["message"] == "disk on fire"
        _, c = await raw.get(f"v1beta/{c['name']}")
        assert c["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"


async def test_delay_holds_each_stage() -> None:
    """With job_delay a stage lasts at least that long, however often it is polled."""
    clock = Clock()
    async with Emulator(clock=clock, job_delay=30.0) as emu, aiohttp.ClientSession() as session:
        raw = Raw(session, emu.url)
        _, op = await raw.post(CREATE, _inline(1))
        for _ in range(3):
            _, op = await raw.get(f"v1beta/{op['name']}")
        assert op["metadata"]["state"] == "BATCH_STATE_PENDING"
        clock.now += 30
        _, op = await raw.get(f"v1beta/{op['name']}")
        assert op["metadata"]["state"] == "BATCH_STATE_RUNNING"
