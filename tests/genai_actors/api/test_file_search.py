"""file_search_stores and documents against the emulator: stores, imports, uploads, waiting,
grounding, media, bad input, faults, and the blocking facade."""

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
from genai_actors._transformers import InvalidRequestError
from genai_actors.emulator import Emulator
from supervisors import Backoff, VirtualClock, use_clock

FAST_POLLS = Backoff(0.01, 0.05, jitter=0.0)
PLAIN = {"mime_type": "text/plain"}
TEXT = (
    "Poseidonia is the capital of Atlantis. Its walls are painted blue and its harbour "
    "holds three hundred ships. The city council meets every full moon.\n"
) * 4


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
    """Virtual time for retry and resume backoff."""
    clock = VirtualClock(autojump=True)
    with use_clock(clock):
        yield clock


async def _store(client: ga.AsyncClient, name: str = "atlas") -> types.FileSearchStore:
    return await client.file_search_stores.create(config={"display_name": name})


async def _upload_doc(
    client: ga.AsyncClient, store: types.FileSearchStore, **config: Any
) -> types.UploadToFileSearchStoreOperation:
    op = await client.file_search_stores.upload_to_file_search_store(
        file_search_store_name=store.name or "",
        file=io.BytesIO(TEXT.encode()),
        config={"mime_type": "text/plain", "display_name": "atlantis", **config},
    )
    done = await client.file_search_stores.wait(op, timeout=30, backoff=FAST_POLLS)
    assert isinstance(done, types.UploadToFileSearchStoreOperation)
    by_name = await client.operations.get(done.name or "")  # a stored name alone keeps the type
    assert isinstance(by_name, types.UploadToFileSearchStoreOperation)
    return done


# ---------------------------------------------------------------------------------- stores


async def test_store_create_get_list_delete(client: ga.AsyncClient, emu: Emulator) -> None:
    """A store is created (embedding model normalised), fetched, listed, and deleted."""
    store = await client.file_search_stores.create(
        config={"display_name": "kb", "embedding_model": "gemini-embedding-001"}
    )
    assert store.name is not None
    assert store.name.startswith("fileSearchStores/")
    assert store.embedding_model == "models/gemini-embedding-001"
    assert emu.recorded[0].json == {
        "displayName": "kb",
        "embeddingModel": "models/gemini-embedding-001",
    }
    got = await client.file_search_stores.get(name=store.name)
    assert got.display_name == "kb"
    assert got.active_documents_count == 0
    bare = store.name.removeprefix("fileSearchStores/")
    assert (await client.file_search_stores.get(name=bare)).name == store.name
    other = await _store(client, "second")
    pager = await client.file_search_stores.list(config={"page_size": 1})
    assert pager.name == "file_search_stores"
    assert {s.name async for s in pager} == {store.name, other.name}
    await client.file_search_stores.delete(name=store)
    with pytest.raises(errors.PermissionDeniedError):
        await client.file_search_stores.get(name=store.name)


async def test_delete_non_empty_store_needs_force(client: ga.AsyncClient, emu: Emulator) -> None:
    """Deleting a store with documents fails without force and succeeds with force=true."""
    store = await _store(client)
    await _upload_doc(client, store)
    with pytest.raises(errors.ClientError):
        await client.file_search_stores.delete(name=store)
    await client.file_search_stores.delete(name=store, config={"force": True})
    deletes = [r for r in emu.recorded if r.method == "DELETE"]
    assert deletes[-1].query == {"force": "true"}


# ------------------------------------------------------------------------ uploads and imports


async def test_upload_to_store_is_resumable_and_yields_a_document(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """upload_to_file_search_store speaks the resumable protocol; its operation names the doc."""
    store = await _store(client)
    done = await _upload_doc(
        client, store, custom_metadata=[{"key": "topic", "string_value": "myth"}]
    )
    assert done.done is True
    assert done.error is None
    assert done.response is not None
    assert done.response.parent == store.name
    doc_name = done.response.document_name
    assert doc_name is not None
    start = next(r for r in emu.recorded if r.path.endswith(":uploadToFileSearchStore"))
    assert start.path == f"/upload/v1/{store.name}:uploadToFileSearchStore"
    assert start.headers["x-goog-upload-command"] == "start"
    assert start.json == {
        "mimeType": "text/plain",
        "displayName": "atlantis",
        "customMetadata": [{"key": "topic", "stringValue": "myth"}],
    }
    doc = await client.file_search_stores.documents.get(name=doc_name)
    assert doc.state == "STATE_ACTIVE"
    assert doc.custom_metadata == [types.CustomMetadata(key="topic", string_value="myth")]


async def test_upload_to_store_resumes_after_a_drop(
    client: ga.AsyncClient, emu: Emulator, tmp_path: Path, vclock: VirtualClock
) -> None:
    """A dropped connection during a File Search upload is resumed; the document is complete."""
    store = await _store(client)
    path = tmp_path / "atlas.txt"
    path.write_text(TEXT * 50)
    emu.state.uploads.drop_connection(chunk=1, after_bytes=100)
    op = await client.file_search_stores.upload_to_file_search_store(
        file_search_store_name=store, file=path
    )
    assert "query" in [r.headers.get("x-goog-upload-command") for r in emu.recorded]
    assert op.name is not None
    assert "/upload/operations/" in op.name


async def test_import_file_wait_and_operations_get(client: ga.AsyncClient, emu: Emulator) -> None:
    """import_file starts an ImportFileOperation; wait and operations.get keep its type."""
    store = await _store(client)
    file = await client.files.upload(
        file=io.BytesIO(TEXT.encode()), config={"mime_type": "text/plain"}
    )
    op = await client.file_search_stores.import_file(
        file_search_store_name=store.name or "",
        file_name=file,
        config={
            "custom_metadata": [{"key": "year", "numeric_value": 1999}],
            "chunking_config": {"white_space_config": {"max_tokens_per_chunk": 50}},
        },
    )
    assert isinstance(op, types.ImportFileOperation)
    body = next(r.json for r in emu.recorded if r.path.endswith(":importFile"))
    assert body == {
        "fileName": file.name,
        "customMetadata": [{"key": "year", "numericValue": 1999.0}],
        "chunkingConfig": {"whiteSpaceConfig": {"maxTokensPerChunk": 50}},
    }
    polled = await client.operations.get(op)
    assert isinstance(polled, types.ImportFileOperation)
    by_name = await client.operations.get(op.name or "")  # a stored name alone keeps the type
    assert isinstance(by_name, types.ImportFileOperation)
    done = await client.file_search_stores.wait(op.name or "", timeout=30, backoff=FAST_POLLS)
    assert isinstance(done, types.ImportFileOperation)
    assert done.response is not None
    assert done.response.document_name is not None
    again = await client.file_search_stores.wait(done)  # already done: no request
    assert again is done


async def test_watch_yields_states_until_done(client: ga.AsyncClient, emu: Emulator) -> None:
    """watch streams the operation's states and ends with the done one."""
    emu.state.settings.job_polls = 2
    store = await _store(client)
    file = await client.files.upload(
        file=io.BytesIO(TEXT.encode()), config={"mime_type": "text/plain"}
    )
    op = await client.file_search_stores.import_file(file_search_store_name=store, file_name=file)
    async with client.file_search_stores.watch(op, backoff=FAST_POLLS) as states:
        seen = [s async for s in states]
    assert seen[-1].done is True
    assert all(isinstance(s, types.ImportFileOperation) for s in seen)
    assert all(not s.done for s in seen[:-1])


async def test_documents_list_get_delete(client: ga.AsyncClient, emu: Emulator) -> None:
    """Documents list in pages, get by name, and delete (force once indexed)."""
    store = await _store(client)
    names = set()
    for _ in range(3):
        done = await _upload_doc(client, store)
        assert done.response is not None
        names.add(done.response.document_name)
    pager = await client.file_search_stores.documents.list(parent=store, config={"page_size": 2})
    assert pager.name == "documents"
    listed = [d async for d in pager]
    assert {d.name for d in listed} == names
    target = listed[0]
    with pytest.raises(errors.ClientError):
        await client.file_search_stores.documents.delete(name=target)
    await client.file_search_stores.documents.delete(name=target, config={"force": True})
    with pytest.raises(errors.PermissionDeniedError):
        await client.file_search_stores.documents.get(name=target.name or "")


# ------------------------------------------------------------------------ grounding and media


async def test_generate_content_with_file_search_is_grounded(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """generate_content with the fileSearch tool returns grounding metadata citing the store;
    the cited media downloads as the original bytes."""
    store = await _store(client)
    await _upload_doc(client, store)
    response = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="What is the capital of Atlantis?",
        config={"tools": [{"file_search": {"file_search_store_names": [store.name]}}]},
    )
    assert response.candidates
    grounding = response.candidates[0].grounding_metadata
    assert grounding is not None
    assert grounding.grounding_chunks
    context = grounding.grounding_chunks[0].retrieved_context
    assert context is not None
    assert context.file_search_store == store.name
    assert context.media_id is not None
    media = await client.file_search_stores.download_media(media_id=context.media_id)
    assert hashlib.sha256(media).digest() == hashlib.sha256(TEXT.encode()).digest()
    with pytest.raises(ga.DownloadTooLargeError):
        await client.file_search_stores.download_media(
            media_id=context.media_id, config={"max_bytes": 10}
        )


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: c.file_search_stores.get(name="stores/x"), "fileSearchStores"),
        (lambda c: c.file_search_stores.get(name=""), "name"),
        (lambda c: c.file_search_stores.delete(name="fileSearchStores/a/b"), "name"),
        (lambda c: c.file_search_stores.create(config={"nope": 1}), "config.nope"),
        (
            lambda c: c.file_search_stores.create(config={"display_name": "x" * 513}),
            "display_name",
        ),
        (lambda c: c.file_search_stores.list(config={"page_size": 0}), "page_size"),
        (
            lambda c: c.file_search_stores.import_file(
                file_search_store_name="fileSearchStores/s", file_name="files/BAD"
            ),
            "file_name",
        ),
        (
            lambda c: c.file_search_stores.import_file(
                file_search_store_name="fileSearchStores/s",
                file_name="files/ok",
                config={"custom_metadata": [{"string_value": "v"}]},
            ),
            "key",
        ),
        (
            lambda c: c.file_search_stores.import_file(
                file_search_store_name="fileSearchStores/s",
                file_name="files/ok",
                config={"custom_metadata": [{"key": "k", "string_value": "v", "numeric_value": 1}]},
            ),
            "exactly one",
        ),
        (
            lambda c: c.file_search_stores.import_file(
                file_search_store_name="fileSearchStores/s",
                file_name="files/ok",
                config={"chunking_config": {"white_space_config": {"max_tokens_per_chunk": -1}}},
            ),
            "max_tokens_per_chunk",
        ),
        (
            lambda c: c.file_search_stores.upload_to_file_search_store(
                file_search_store_name="fileSearchStores/s", file="/no/such/file.txt"
            ),
            "does not exist",
        ),
        (
            lambda c: c.file_search_stores.upload_to_file_search_store(
                file_search_store_name="bad/name/x", file=io.BytesIO(b"x")
            ),
            "file_search_store_name",
        ),
        (lambda c: c.file_search_stores.download_media(media_id="fileSearchStores/s"), "media"),
        (lambda c: c.file_search_stores.wait("operations/x"), "operation"),
        (lambda c: c.file_search_stores.documents.get(name="fileSearchStores/s"), "document"),
        (lambda c: c.file_search_stores.documents.list(parent="nope/x"), "parent"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    client: ga.AsyncClient, emu: Emulator, call: Any, match: str
) -> None:
    """Wrong name shapes, bad configs and missing paths raise before any request."""
    with pytest.raises((InvalidRequestError, FileNotFoundError), match=match):
        await call(client)
    assert list(emu.recorded) == []


@pytest.mark.parametrize("bad", [-1, float("nan"), "30", True])
async def test_wait_refuses_a_bad_timeout(client: ga.AsyncClient, emu: Emulator, bad: Any) -> None:
    """A wait timeout that is not seconds >= 0 is an InvalidOptionError (Value- and TypeError),
    raised before any poll, even for an operation already done."""
    done = types.ImportFileOperation(name="fileSearchStores/s/operations/o", done=True)
    for operation in ("fileSearchStores/s/operations/o", done):
        with pytest.raises(errors.InvalidOptionError, match=r"^timeout: ") as info:
            await client.file_search_stores.wait(operation, timeout=bad)
        assert isinstance(info.value, ValueError)
        assert isinstance(info.value, TypeError)
    assert list(emu.recorded) == []


async def test_store_and_document_requests_on_the_wire(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """A bare store id names fileSearchStores/<id> for documents.list too (the stores' naming
    rule, handed to .documents); delete's force travels as true/false; page_size as a number."""
    store = await _store(client)
    store_id = (store.name or "").removeprefix("fileSearchStores/")
    await client.file_search_stores.documents.list(parent=store_id, config={"page_size": 5})
    await client.file_search_stores.delete(name=store_id, config={"force": False})
    listed, deleted = emu.recorded[-2:]
    assert (listed.method, listed.path) == ("GET", f"/v1/{store.name}/documents")
    assert listed.query == {"pageSize": "5"}
    assert (deleted.method, deleted.path, deleted.query) == (
        "DELETE",
        f"/v1/{store.name}",
        {"force": "false"},
    )


async def test_unknown_store_and_transient_faults(
    client: ga.AsyncClient, emu: Emulator, vclock: VirtualClock
) -> None:
    """An unknown store is a typed API error; a transient 503 on get is retried."""
    with pytest.raises(errors.PermissionDeniedError):
        await client.file_search_stores.get(name="fileSearchStores/missing")
    store = await _store(client)
    emu.faults.fail_next(1, status=503)
    assert (await client.file_search_stores.get(name=store)).name == store.name
    assert vclock.sleeps


# ---------------------------------------------------------------------------------- blocking


def test_blocking_facade(gemini_emulator: Emulator, tmp_path: Path) -> None:
    """The blocking facade creates, uploads, waits, watches, lists documents and deletes."""
    path = tmp_path / "atlas.txt"
    path.write_text(TEXT)
    with ga.Client(api_key="k", http_options={"base_url": gemini_emulator.url}) as client:
        stores = client.file_search_stores
        store = stores.create(config={"display_name": "sync"})
        op = stores.upload_to_file_search_store(file_search_store_name=store, file=path)
        done = stores.wait(op, timeout=30, backoff=FAST_POLLS)
        assert done.done
        file = client.files.upload(file=path)
        imported = stores.import_file(file_search_store_name=store, file_name=file)
        with stores.watch(imported, backoff=FAST_POLLS) as states:
            assert list(states)[-1].done
        assert len(list(stores.documents.list(parent=store))) == 2
        assert store.name in [s.name for s in stores.list()]
        stores.delete(name=store, config={"force": True})
        with pytest.raises(errors.PermissionDeniedError):
            stores.get(name=store)
    assert os.path.exists(path)
