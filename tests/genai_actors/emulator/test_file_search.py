"""File search stores: CRUD, imports, uploads, documents, media and grounded generation."""

from __future__ import annotations

from typing import Any

import aiohttp

from genai_actors.emulator import Emulator

from .conftest import Raw, start_upload, text_of, upload, user

GEN = "v1beta/models/gemini-2.5-flash:generateContent"
HARBOUR = b"Marseille has an old harbour full of fishing boats and ferries. " * 8
BANANA = b"Bananas are yellow fruit, rich in potassium and eaten everywhere. " * 8


async def _store(raw: Raw, name: str = "Docs") -> str:
    status, store = await raw.post("v1beta/fileSearchStores", {"displayName": name})
    assert status == 200
    return str(store["name"])


async def _import(raw: Raw, emu: Emulator, store: str, data: bytes, **extra: Any) -> str:
    async with aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, data, body={"file": {"displayName": "f.txt"}})
    status, op = await raw.post(
        f"v1beta/{store}:importFile", {"fileName": final["file"]["name"], **extra}
    )
    assert status == 200, op
    status, op = await raw.get(f"v1beta/{op['name']}")
    assert op["done"] is True
    return str(op["response"]["documentName"])


async def test_store_crud_and_force_delete(raw: Raw, emu: Emulator) -> None:
    """Stores are created, listed, counted; a non-empty store needs force=true to delete."""
    store = await _store(raw)
    assert store.startswith("fileSearchStores/docs-")
    _, got = await raw.get(f"v1beta/{store}")
    assert got["embeddingModel"] == "models/gemini-embedding-001"
    assert got["activeDocumentsCount"] == "0"
    await _import(raw, emu, store, HARBOUR)
    _, got = await raw.get(f"v1beta/{store}")
    assert got["activeDocumentsCount"] == "1"
    assert got["sizeBytes"] == str(len(HARBOUR))
    second = await _store(raw, "Other")
    _, page1 = await raw.get("v1beta/fileSearchStores", params={"pageSize": "1"})
    assert [s["name"] for s in page1["fileSearchStores"]] == [store]
    _, page2 = await raw.get(
        "v1beta/fileSearchStores", params={"pageSize": "1", "pageToken": page1["nextPageToken"]}
    )
    assert [s["name"] for s in page2["fileSearchStores"]] == [second]
    status, err = await raw.call("DELETE", f"v1beta/{store}")
    assert status == 400
    assert err["error"]["status"] == "FAILED_PRECONDITION"
    status, _ = await raw.call("DELETE", f"v1beta/{store}", params={"force": "true"})
    assert status == 200
    status, _ = await raw.get(f"v1beta/{store}")
    assert status == 403
    status, _ = await raw.call("DELETE", f"v1beta/{second}")
    assert status == 200
    status, _ = await raw.post("v1beta/fileSearchStores", {"embeddingModel": "models/nope"})
    assert status == 404


async def test_import_is_pending_until_polled(raw: Raw, emu: Emulator) -> None:
    """The import operation runs one poll; meanwhile the document is STATE_PENDING."""
    store = await _store(raw)
    async with aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, BANANA)
    _, op = await raw.post(
        f"v1beta/{store}:importFile",
        {
            "fileName": final["file"]["name"],
            "customMetadata": [{"key": "kind", "stringValue": "fruit"}],
            "chunkingConfig": {
                "whiteSpaceConfig": {"maxTokensPerChunk": 20, "maxOverlapTokens": 5}
            },
        },
    )
    assert op["name"].startswith(f"{store}/operations/")
    assert "done" not in op
    _, store_now = await raw.get(f"v1beta/{store}")
    assert store_now["pendingDocumentsCount"] == "1"
    _, docs = await raw.get(f"v1beta/{store}/documents")
    assert docs["documents"][0]["state"] == "STATE_PENDING"
    _, op = await raw.get(f"v1beta/{op['name']}")
    assert op["response"]["@type"].endswith("ImportFileResponse")
    assert op["response"]["parent"] == store
    _, doc = await raw.get(f"v1beta/{op['response']['documentName']}")
    assert doc["state"] == "STATE_ACTIVE"
    assert doc["customMetadata"] == [{"key": "kind", "stringValue": "fruit"}]
    assert doc["mimeType"] == "text/plain"
    stored_doc = emu.state.file_search.document(doc["name"])[1]
    assert len(stored_doc.chunks) == 5  # 80 words in runs of 20 every 15
    assert all(len(c.text.split()) <= 20 for c in stored_doc.chunks)


async def test_import_errors(raw: Raw, emu: Emulator) -> None:
    """Unknown stores/files, missing names, bad chunking and bad metadata are refused."""
    store = await _store(raw)
    async with aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, b"words here")
    name = final["file"]["name"]
    cases: list[tuple[str, dict[str, Any], int]] = [
        ("fileSearchStores/nosuch", {"fileName": name}, 403),
        (store, {}, 400),
        (store, {"fileName": "files/nosuch"}, 403),
        (
            store,
            {
                "fileName": name,
                "chunkingConfig": {
                    "whiteSpaceConfig": {"maxTokensPerChunk": 10, "maxOverlapTokens": 10}
                },
            },
            400,
        ),
        (store, {"fileName": name, "customMetadata": [{"key": "k"}]}, 400),
    ]
    for target, body, expected in cases:
        status, err = await raw.post(f"v1beta/{target}:importFile", body)
        assert status == expected, (body, err)


async def test_upload_to_store_and_documents(raw: Raw, emu: Emulator) -> None:
    """A resumable upload to a store answers an operation; documents get/list/delete/media."""
    store = await _store(raw)
    async with aiohttp.ClientSession() as session:
        op = await upload(
            session,
            emu.url,
            HARBOUR,
            target=f"v1beta/{store}:uploadToFileSearchStore",
            body={"displayName": "harbour.txt", "mimeType": "text/plain"},
        )
        bad = await start_upload(
            session, emu.url, 3, target="v1beta/fileSearchStores/nosuch:uploadToFileSearchStore"
        )
        assert bad.status == 403
    assert op["name"].startswith(f"{store}/upload/operations/")
    _, op = await raw.get(f"v1beta/{op['name']}")
    assert op["response"]["@type"].endswith("UploadToFileSearchStoreResponse")
    doc_name = op["response"]["documentName"]
    _, doc = await raw.get(f"v1beta/{doc_name}")
    assert doc["displayName"] == "harbour.txt"
    assert doc["sizeBytes"] == str(len(HARBOUR))
    blob = emu.state.file_search.document(doc_name)[1].blob
    status, data = await raw.get(f"v1beta/{store}/media/{blob}", params={"alt": "media"})
    assert status == 200
    assert data == HARBOUR
    status, _ = await raw.get(f"v1beta/{store}/media/nope", params={"alt": "media"})
    assert status == 404
    status, _ = await raw.call("DELETE", f"v1beta/{doc_name}")
    assert status == 400
    status, _ = await raw.call("DELETE", f"v1beta/{doc_name}", params={"force": "true"})
    assert status == 200
    status, _ = await raw.get(f"v1beta/{doc_name}")
    assert status == 403


async def test_binary_documents_fail(raw: Raw, emu: Emulator) -> None:
    """A document with no indexable text ends STATE_FAILED and its operation with an error."""
    store = await _store(raw)
    async with aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, b"\x00\x01\x02" * 10, "application/octet-stream")
    _, op = await raw.post(f"v1beta/{store}:importFile", {"fileName": final["file"]["name"]})
    _, op = await raw.get(f"v1beta/{op['name']}")
    assert op["error"]["code"] == 400
    _, got = await raw.get(f"v1beta/{store}")
    assert got["failedDocumentsCount"] == "1"


async def test_grounded_generation_cites_the_best_chunks(raw: Raw, emu: Emulator) -> None:
    """fileSearch ranks chunks by similarity, quotes them and returns grounding metadata."""
    store = await _store(raw)
    await _import(raw, emu, store, HARBOUR, customMetadata=[{"key": "year", "numericValue": 2020}])
    await _import(raw, emu, store, BANANA, customMetadata=[{"key": "year", "numericValue": 1999}])
    tool = {"fileSearch": {"fileSearchStoreNames": [store], "topK": 1}}
    body = {"contents": [user("Tell me about the harbour and its fishing boats")], "tools": [tool]}
    status, response = await raw.post(GEN, body)
    assert status == 200
    candidate = response["candidates"][0]
    meta = candidate["groundingMetadata"]
    context = meta["groundingChunks"][0]["retrievedContext"]
    assert "harbour" in context["text"]
    assert context["fileSearchStore"] == store
    assert context["mediaId"].startswith(f"{store}/media/")
    text = text_of(response)
    support = meta["groundingSupports"][0]
    segment = support["segment"]
    assert text.encode()[segment["startIndex"] : segment["endIndex"]].decode() == segment["text"]
    assert "harbour" in segment["text"]
    assert support["groundingChunkIndices"] == [0]
    filtered = {
        **body,
        "tools": [{"fileSearch": {**tool["fileSearch"], "metadataFilter": "year < 2000"}}],
    }
    _, response = await raw.post(GEN, filtered)
    context = response["candidates"][0]["groundingMetadata"]["groundingChunks"][0]
    assert "Bananas" in context["retrievedContext"]["text"]
    for bad in (
        {"fileSearch": {"fileSearchStoreNames": []}},
        {"fileSearch": {"fileSearchStoreNames": [store], "topK": 0}},
        {"fileSearch": {"fileSearchStoreNames": [store], "metadataFilter": "year <<< 3"}},
    ):
        status, _ = await raw.post(GEN, {**body, "tools": [bad]})
        assert status == 400, bad
    status, _ = await raw.post(
        GEN, {**body, "tools": [{"fileSearch": {"fileSearchStoreNames": ["fileSearchStores/x"]}}]}
    )
    assert status == 403
