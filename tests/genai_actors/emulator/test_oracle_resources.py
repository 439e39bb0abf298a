"""The oracle for files, caches, batches, tunings, file search and auth tokens.

google-genai 3.x's async client, pointed at the emulator, runs each module's methods unchanged
and gets sane results; if the emulator drifted from the wire protocol, the SDK's own request
building and response parsing would fail here.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from google import genai
from google.genai import errors, types

from genai_actors.emulator import Emulator

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
        ":DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore::google.genai._common.ExperimentalWarning"),
    # google-genai hands each 8 MiB upload chunk to aiohttp as raw bytes; aiohttp warns.
    pytest.mark.filterwarnings(
        "ignore:Sending a large body directly with raw bytes:ResourceWarning"
    ),
]


LIGHTHOUSE = b"The lighthouse keeper lights the lamp at dusk every day. " * 5


@pytest.fixture
def client(emu: Emulator) -> genai.client.AsyncClient:
    """google-genai's async client aimed at the in-loop emulator."""
    return genai.Client(api_key="k", http_options=types.HttpOptions(base_url=emu.url)).aio


async def test_files_upload_get_list_delete(
    client: genai.client.AsyncClient, emu: Emulator, tmp_path: Path
) -> None:
    """A small path upload and a 9 MiB stream upload (two chunks) round-trip through files."""
    small = tmp_path / "notes.txt"
    small.write_bytes(b"hello emulator")
    first = await client.files.upload(file=small, config={"display_name": "Notes"})
    assert first.mime_type == "text/plain"
    assert first.size_bytes == 14
    assert first.display_name == "Notes"
    assert first.state == types.FileState.ACTIVE
    data = os.urandom(9 * 1024 * 1024)
    emu.recorded.clear()
    big = await client.files.upload(
        file=io.BytesIO(data), config={"mime_type": "application/octet-stream"}
    )
    chunks = [r for r in emu.recorded if "upload_id" in r.query]
    assert [r.headers["x-goog-upload-command"] for r in chunks] == ["upload", "upload, finalize"]
    assert "x-goog-api-key" not in chunks[0].headers
    assert big.size_bytes == len(data)
    assert big.name is not None
    assert emu.files.get(big.name).read() == data
    got = await client.files.get(name=big.name)
    assert got.sha256_hash == big.sha256_hash
    names = [f.name async for f in await client.files.list(config={"page_size": 1})]
    assert names == [first.name, big.name]
    await client.files.delete(name=big.name)
    with pytest.raises(errors.ClientError) as missing:
        await client.files.get(name=big.name)
    assert missing.value.code == 403
    with pytest.raises(ValueError, match="download"):
        await client.files.download(file=first)


async def test_caches_crud_and_generation(client: genai.client.AsyncClient) -> None:
    """caches.create/get/update/list/delete and generate_content with cached_content."""
    cache = await client.caches.create(
        model="gemini-2.5-flash",
        config=types.CreateCachedContentConfig(
            contents=["The code word is heliotrope."],
            system_instruction="Answer as a botanist.",
            display_name="botany",
            ttl="300s",
        ),
    )
    assert cache.name is not None
    assert cache.usage_metadata is not None
    assert cache.usage_metadata.total_token_count == 11
    got = await client.caches.get(name=cache.name)
    assert got.display_name == "botany"
    updated = await client.caches.update(
        name=cache.name, config=types.UpdateCachedContentConfig(ttl="7200s")
    )
    assert updated.expire_time is not None
    assert cache.expire_time is not None
    assert updated.expire_time > cache.expire_time
    names = [c.name async for c in await client.caches.list()]
    assert names == [cache.name]
    response = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="What is the code word?",
        config=types.GenerateContentConfig(cached_content=cache.name),
    )
    assert response.usage_metadata is not None
    assert response.usage_metadata.cached_content_token_count == 11
    await client.caches.delete(name=cache.name)
    with pytest.raises(errors.ClientError):
        await client.caches.get(name=cache.name)


async def test_batches_inline_file_cancel_delete(
    client: genai.client.AsyncClient, emu: Emulator
) -> None:
    """Inline and file batches finish with results matched by metadata/key; cancel and delete."""
    inline = await client.batches.create(
        model="gemini-2.5-flash",
        src=[
            types.InlinedRequest(contents=f"Question {i}", metadata={"id": str(i)})
            for i in range(4)
        ],
        config={"display_name": "inline"},
    )
    assert inline.state == types.JobState.JOB_STATE_PENDING
    assert inline.name is not None
    while inline.state != types.JobState.JOB_STATE_SUCCEEDED:
        inline = await client.batches.get(name=inline.name)
    assert inline.dest is not None
    responses = inline.dest.inlined_responses or []
    by_id = {r.metadata["id"]: r for r in responses if r.metadata}
    assert sorted(by_id) == ["0", "1", "2", "3"]
    for key, result in by_id.items():
        assert result.response is not None
        assert f"Question {key}" in (result.response.text or "")
    lines = "\n".join(
        json.dumps({"key": f"row-{i}", "request": {"contents": [{"parts": [{"text": f"R{i}"}]}]}})
        for i in range(2)
    )
    source = await client.files.upload(
        file=io.BytesIO(lines.encode()), config={"mime_type": "application/jsonl"}
    )
    assert source.name is not None
    from_file = await client.batches.create(model="gemini-2.5-flash", src=source.name)
    assert from_file.name is not None
    while from_file.state != types.JobState.JOB_STATE_SUCCEEDED:
        from_file = await client.batches.get(name=from_file.name)
    assert from_file.dest is not None
    assert from_file.dest.file_name is not None
    output = await client.files.download(file=from_file.dest.file_name)
    keys = sorted(json.loads(line)["key"] for line in output.decode().splitlines())
    assert keys == ["row-0", "row-1"]
    doomed = await client.batches.create(model="gemini-2.5-flash", src=[{"contents": "x"}])
    assert doomed.name is not None
    await client.batches.cancel(name=doomed.name)
    doomed = await client.batches.get(name=doomed.name)
    assert doomed.state == types.JobState.JOB_STATE_CANCELLED
    listed = [b.name async for b in await client.batches.list(config={"page_size": 2})]
    assert listed == [doomed.name, from_file.name, inline.name]
    await client.batches.delete(name=doomed.name)
    with pytest.raises(errors.ClientError):
        await client.batches.get(name=doomed.name)


async def test_batch_embeddings(client: genai.client.AsyncClient) -> None:
    """batches.create_embeddings returns embedding results once the job succeeds."""
    job = await client.batches.create_embeddings(
        model="gemini-embedding-001",
        src=types.EmbeddingsBatchJobSource(
            inlined_requests=types.EmbedContentBatch(
                contents=["alpha", "beta"],
                config=types.EmbedContentConfig(output_dimensionality=8),
            )
        ),
    )
    assert job.name is not None
    while job.state != types.JobState.JOB_STATE_SUCCEEDED:
        job = await client.batches.get(name=job.name)
    assert job.dest is not None
    results = job.dest.inlined_embed_content_responses or []
    assert len(results) == 2
    for result in results:
        assert result.response is not None
        assert result.response.embedding is not None
        assert len(result.response.embedding.values or []) == 8


async def test_tunings_tune_get_cancel(client: genai.client.AsyncClient) -> None:
    """tunings.tune starts a job that succeeds on polling; the tuned model then generates."""
    job = await client.tunings.tune(
        base_model="models/gemini-2.0-flash",
        training_dataset=types.TuningDataset(
            examples=[types.TuningExample(text_input="hi", output="ahoy")]
        ),
        config=types.CreateTuningJobConfig(tuned_model_display_name="Pirate", epoch_count=3),
    )
    assert job.name is not None
    assert job.state == types.JobState.JOB_STATE_QUEUED
    while job.state != types.JobState.JOB_STATE_SUCCEEDED:
        job = await client.tunings.get(name=job.name)
    assert job.tuned_model is not None
    assert job.end_time is not None
    response = await client.models.generate_content(model=job.name, contents="hello")
    assert response.text
    other = await client.tunings.tune(
        base_model="models/gemini-2.0-flash",
        training_dataset=types.TuningDataset(examples=[]),
    )
    assert other.name is not None
    await client.tunings.cancel(name=other.name)
    other = await client.tunings.get(name=other.name)
    assert other.state == types.JobState.JOB_STATE_FAILED


async def test_file_search_end_to_end(client: genai.client.AsyncClient) -> None:
    """Stores, upload/import operations, documents, grounded generation, media and delete."""
    store = await client.file_search_stores.create(config={"display_name": "Guides"})
    assert store.name is not None
    upload_op = await client.file_search_stores.upload_to_file_search_store(
        file_search_store_name=store.name,
        file=io.BytesIO(LIGHTHOUSE),
        config={"mime_type": "text/plain", "display_name": "lighthouse.txt"},
    )
    while not upload_op.done:
        upload_op = await client.operations.get(upload_op)
    assert upload_op.response is not None
    assert upload_op.response.document_name is not None
    source = await client.files.upload(
        file=io.BytesIO(b"Tomatoes grow best in warm sunny gardens. " * 5),
        config={"mime_type": "text/plain", "display_name": "tomatoes"},
    )
    assert source.name is not None
    import_op = await client.file_search_stores.import_file(
        file_search_store_name=store.name, file_name=source.name
    )
    while not import_op.done:
        import_op = await client.operations.get(import_op)
    assert import_op.response is not None
    docs = [d async for d in await client.file_search_stores.documents.list(parent=store.name)]
    assert {d.display_name for d in docs} == {"lighthouse.txt", "tomatoes"}
    assert all(d.state == types.DocumentState.STATE_ACTIVE for d in docs)
    doc = await client.file_search_stores.documents.get(name=upload_op.response.document_name)
    assert doc.size_bytes == len(LIGHTHOUSE)
    stores = [s.name async for s in await client.file_search_stores.list()]
    assert stores == [store.name]
    response = await client.models.generate_content(
        model="gemini-2.5-flash",
        contents="When does the lighthouse keeper light the lamp?",
        config=types.GenerateContentConfig(
            tools=[
                types.Tool(
                    file_search=types.FileSearch(file_search_store_names=[store.name], top_k=1)
                )
            ]
        ),
    )
    assert response.candidates is not None
    grounding = response.candidates[0].grounding_metadata
    assert grounding is not None
    assert grounding.grounding_chunks is not None
    context = grounding.grounding_chunks[0].retrieved_context
    assert context is not None
    assert context.title == "lighthouse.txt"
    assert "lighthouse" in (response.text or "")
    assert context.media_id is not None
    media = await client.file_search_stores.download_media(media_id=context.media_id)
    assert media.startswith(b"The lighthouse keeper")
    await client.file_search_stores.documents.delete(name=doc.name or "", config={"force": True})
    with pytest.raises(errors.ClientError):
        await client.file_search_stores.delete(name=store.name)
    await client.file_search_stores.delete(name=store.name, config={"force": True})


async def test_auth_tokens_create(emu: Emulator) -> None:
    """auth_tokens.create (v1alpha) returns a usable token with the locked setup stored."""
    client = genai.Client(
        api_key="k", http_options=types.HttpOptions(base_url=emu.url, api_version="v1alpha")
    ).aio
    token = await client.auth_tokens.create(
        config=types.CreateAuthTokenConfig(
            uses=3,
            live_connect_constraints=types.LiveConnectConstraints(
                model="gemini-2.0-flash-live-001",
                config=types.LiveConnectConfig(temperature=0.3),
            ),
            lock_additional_fields=[],
        )
    )
    assert token.name is not None
    assert token.name.startswith("auth_tokens/")
    assert token.uses == 3
    assert emu.auth_tokens.check(token.name, {"generationConfig": {"temperature": 0.3}}) == []
    assert emu.auth_tokens.check(token.name, {"generationConfig": {"temperature": 0.9}}) == [
        "generationConfig.temperature"
    ]
    rest = genai.Client(api_key=token.name, http_options=types.HttpOptions(base_url=emu.url)).aio
    with pytest.raises(ValueError, match=r"(?i)ephemeral|auth_tokens"):
        await rest.models.generate_content(model="gemini-2.5-flash", contents="x")


def test_sync_client_uploads_through_the_threaded_fixture(gemini_emulator: Emulator) -> None:
    """google-genai's blocking (httpx) upload path works against the threaded emulator."""
    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=gemini_emulator.url))
    uploaded = client.files.upload(
        file=io.BytesIO(b"blocking bytes"), config={"mime_type": "text/plain"}
    )
    assert uploaded.name is not None
    assert client.files.get(name=uploaded.name).size_bytes == 14
    client.files.delete(name=uploaded.name)
    client.close()
