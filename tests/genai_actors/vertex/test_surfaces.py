"""Every surface google-genai serves on Vertex AI, end to end against the emulator: the paths
sent (with the project prefix, or without it for a GET of a publisher model) and the results,
and the Developer-API-only surfaces refused before anything is sent."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors.emulator import Emulator
from supervisors import Backoff

from .conftest import MODEL, SCOPE

IMAGEN = "imagen-3.0-generate-002"


def _paths(emu: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.recorded]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
    out.write(chunk(b"IDAT", zlib.compress(rows)))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()


async def test_generate_stream_count_compute(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    """generateContent, streamGenerateContent, countTokens (with Vertex-only config fields) and
    computeTokens go to projects/{p}/locations/{l}/publishers/google/models/{m}."""
    response = await vclient.models.generate_content(model=MODEL, contents="hello there")
    assert response.text
    stream = await vclient.models.generate_content_stream(model=MODEL, contents="hello there")
    chunks = [chunk async for chunk in stream]
    assert "".join(c.text or "" for c in chunks) == response.text
    counted = await vclient.models.count_tokens(
        model=MODEL,
        contents="one two three",
        config={"system_instruction": "be brief", "generation_config": {"temperature": 0.1}},
    )
    assert counted.total_tokens
    computed = await vclient.models.compute_tokens(model=MODEL, contents="one two three")
    assert computed.tokens_info
    assert computed.tokens_info[0].token_ids
    base = f"POST {SCOPE}/publishers/google/models/{MODEL}"
    assert _paths(vemu) == [
        f"{base}:generateContent",
        f"{base}:streamGenerateContent",
        f"{base}:countTokens",
        f"{base}:computeTokens",
    ]
    count_body = vemu.recorded[2].json
    assert count_body["systemInstruction"]["parts"][0]["text"] == "be brief"
    assert count_body["generationConfig"] == {"temperature": 0.1}


async def test_embeddings_use_embed_content_or_predict(
    vclient: ga.AsyncClient, vemu: Emulator
) -> None:
    """A Gemini embedding model goes through :embedContent (one content), another through
    :predict (one instance per input), as google-genai chooses."""
    gemini = await vclient.models.embed_content(model="gemini-embedding-001", contents="hi")
    assert gemini.embeddings
    assert gemini.embeddings[0].values
    text = await vclient.models.embed_content(
        model="text-embedding-005", contents=["one", "two"], config={"auto_truncate": True}
    )
    assert text.embeddings
    assert len(text.embeddings) == 2
    assert _paths(vemu) == [
        f"POST {SCOPE}/publishers/google/models/gemini-embedding-001:embedContent",
        f"POST {SCOPE}/publishers/google/models/text-embedding-005:predict",
    ]
    assert [i["content"] for i in vemu.recorded[1].json["instances"]] == ["one", "two"]


async def test_image_methods(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    """generate_images, edit_image, upscale_image (twice the size), recontext_image and
    segment_image (a mask of the image's size) all :predict and return valid PNGs."""
    made = await vclient.models.generate_images(
        model=IMAGEN, prompt="a red fox", config={"number_of_images": 2}
    )
    assert made.generated_images
    assert len(made.generated_images) == 2
    source = types.Image(image_bytes=_png(32, 24), mime_type="image/png")
    edited = await vclient.models.edit_image(
        model="imagen-3.0-capability-001",
        prompt="make it blue",
        reference_images=[types.RawReferenceImage(reference_id=1, reference_image=source)],
    )
    assert edited.generated_images
    upscaled = await vclient.models.upscale_image(
        model="imagen-4.0-upscale-preview", image=source, upscale_factor="x2"
    )
    assert upscaled.generated_images
    image = upscaled.generated_images[0].image
    assert image is not None
    assert image.image_bytes is not None
    assert _png_size(image.image_bytes) == (64, 48)
    recontext = await vclient.models.recontext_image(
        model="imagen-product-recontext-preview-06-30",
        source=types.RecontextImageSource(
            prompt="on a beach", product_images=[types.ProductImage(product_image=source)]
        ),
    )
    assert recontext.generated_images
    segmented = await vclient.models.segment_image(
        model="image-segmentation-001", source=types.SegmentImageSource(image=source)
    )
    assert segmented.generated_masks
    mask = segmented.generated_masks[0].mask
    assert mask is not None
    assert mask.image_bytes is not None
    assert _png_size(mask.image_bytes) == (32, 24)
    assert all(p.endswith(":predict") for p in _paths(vemu))
    assert len(vemu.recorded) == 5


async def test_videos_through_fetch_predict_operation(
    vclient: ga.AsyncClient, vemu: Emulator
) -> None:
    """generate_videos starts :predictLongRunning; operations.get and wait poll it with
    :fetchPredictOperation; the result has the videos."""
    operation = await vclient.models.generate_videos(model="veo-2.0-generate-001", prompt="waves")
    assert operation.name
    polled = await vclient.operations.get(operation)
    done = await vclient.operations.wait(polled, timeout=30)
    assert done.done
    assert done.result is not None
    assert done.result.generated_videos
    fetch = f"POST {SCOPE}/publishers/google/models/veo-2.0-generate-001:fetchPredictOperation"
    paths = _paths(vemu)
    assert paths[0].endswith("veo-2.0-generate-001:predictLongRunning")
    assert set(paths[1:]) == {fetch}
    assert vemu.recorded[1].json == {"operationName": operation.name}


async def test_watchers_resume_a_vertex_operation_from_its_name() -> None:
    """wait and watch work from a Vertex operation's name alone (a new client, say): the name
    types it as a video operation, polled with :fetchPredictOperation until done."""
    from .conftest import TOKEN, vertex_client

    async with Emulator(bearer_tokens=[TOKEN], video_polls=3) as emu:
        async with vertex_client(emu) as first:
            started = await first.models.generate_videos(model="veo-2.0-generate-001", prompt="x")
        name = started.name
        assert name is not None
        assert name.startswith(SCOPE.removeprefix("/v1beta1/"))
        async with vertex_client(emu) as client:
            fast = Backoff(0.01, 0.05, jitter=0.0)
            snapshots = [op async for op in client.operations.watch(name, backoff=fast)]
            assert snapshots[-1].done
            assert all(isinstance(op, types.GenerateVideosOperation) for op in snapshots)
            done = await client.operations.wait(name, timeout=30, backoff=fast)
            assert done.result is not None
            assert done.result.generated_videos
        polls = [r for r in emu.recorded if r.path.endswith(":fetchPredictOperation")]
        assert len(polls) >= 3
        assert {r.json["operationName"] for r in polls} == {name}


async def test_model_metadata(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    """get of a publisher model has no project prefix; list reads publisher models (or the
    project's tuned models)."""
    model = await vclient.models.get(model=MODEL)
    assert model.name
    assert MODEL in model.name
    names = [m.name async for m in await vclient.models.list(config={"page_size": 5})]
    assert names
    tuned = [m async for m in await vclient.models.list(config={"query_base": False})]
    assert tuned == []
    paths = _paths(vemu)
    assert paths[0] == f"GET /v1beta1/publishers/google/models/{MODEL}"
    assert paths[1] == "GET /v1beta1/publishers/google/models"
    assert paths[-1] == f"GET {SCOPE}/models"


async def test_tuned_model_get_update_list_delete(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    """A tuned model made by a tuning job: get, update (display name, description), list the
    project's tuned models (their int64 fields sent as strings decode), delete; every path
    under projects/{p}/locations/{l}/models."""
    job = await vclient.tunings.tune(
        base_model=MODEL, training_dataset={"gcs_uri": "gs://bucket/train.jsonl"}
    )
    done = await vclient.tunings.wait(job, timeout=30)
    assert done.tuned_model is not None
    name = done.tuned_model.model
    assert name is not None
    model = await vclient.models.get(model=name)
    assert model.name is not None
    updated = await vclient.models.update(
        model=name, config={"display_name": "renamed", "description": "after review"}
    )
    assert updated.display_name == "renamed"
    assert updated.description == "after review"
    tuned = [m async for m in await vclient.models.list(config={"query_base": False})]
    assert [m.name for m in tuned] == [model.name]
    assert tuned[0].display_name == "renamed"
    await vclient.models.delete(model=name)
    assert [m async for m in await vclient.models.list(config={"query_base": False})] == []
    calls = _paths(vemu)
    assert f"PATCH /v1beta1/{name}" in calls
    assert f"DELETE /v1beta1/{name}" in calls


async def test_caches_and_generation_from_a_cache(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    """caches.create/get/update/list/delete on projects/{p}/locations/{l}/cachedContents, and a
    generateContent that names the cache."""
    cache = await vclient.caches.create(
        model=MODEL, config={"contents": ["word " * 3000], "ttl": 300}
    )
    assert cache.name
    assert cache.name.startswith(SCOPE.removeprefix("/v1beta1/") + "/cachedContents/")
    cache_id = cache.name.rsplit("/", 1)[1]
    got = await vclient.caches.get(name=cache_id)
    assert got.name == cache.name
    updated = await vclient.caches.update(name=cache.name, config={"ttl": 900})
    assert updated.expire_time != cache.expire_time
    listed = [c.name async for c in await vclient.caches.list()]
    assert listed == [cache.name]
    answer = await vclient.models.generate_content(
        model=MODEL, contents="summarise", config={"cached_content": cache.name}
    )
    assert answer.text
    await vclient.caches.delete(name=cache.name)
    assert vemu.recorded[0].json["model"] == (
        f"{SCOPE.removeprefix('/v1beta1/')}/publishers/google/models/{MODEL}"
    )
    assert _paths(vemu)[0] == f"POST {SCOPE}/cachedContents"
    assert _paths(vemu)[-1] == f"DELETE /v1beta1/{cache.name}"


async def test_chat_on_vertex(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    """A chat sends its history to the Vertex generateContent path, turn after turn."""
    chat = vclient.chats.create(model=MODEL)
    first = await chat.send_message("hello")
    second = await chat.send_message("and again")
    assert first.text
    assert second.text
    assert len(vemu.recorded[1].json["contents"]) == 3
    assert set(_paths(vemu)) == {f"POST {SCOPE}/publishers/google/models/{MODEL}:generateContent"}


def test_blocking_client_on_vertex() -> None:
    """The blocking Client takes the same Vertex AI arguments and runs the same calls."""
    from .conftest import LOCATION, PROJECT, TOKEN, static_credentials

    with (
        Emulator(bearer_tokens=[TOKEN]) as emu,
        ga.Client(
            vertexai=True,
            project=PROJECT,
            location=LOCATION,
            credentials=static_credentials(),
            http_options={"base_url": emu.url},
        ) as client,
    ):
        assert client.vertexai
        assert client.models.generate_content(model=MODEL, contents="hi").text
        assert client.models.compute_tokens(model=MODEL, contents="hi").tokens_info


def _refusals(client: ga.AsyncClient) -> list[tuple[str, Any]]:
    return [
        (
            "files.upload",
            lambda: client.files.upload(file=io.BytesIO(b"x"), config={"mime_type": "text/plain"}),
        ),
        ("files.list", lambda: client.files.list()),
        ("files.get", lambda: client.files.get(name="files/abc")),
        ("file_search_stores.create", lambda: client.file_search_stores.create()),
        ("file_search_stores.list", lambda: client.file_search_stores.list()),
        (
            "file_search_stores.documents.list",
            lambda: client.file_search_stores.documents.list(parent="fileSearchStores/s"),
        ),
        ("auth_tokens.create", lambda: client.auth_tokens.create()),
        (
            "batches.create_embeddings",
            lambda: client.batches.create_embeddings(
                model="gemini-embedding-001",
                src={"inlined_requests": {"contents": ["a"]}},
            ),
        ),
    ]


@pytest.mark.parametrize("index", range(8))
async def test_developer_api_only_surfaces_are_refused_before_sending(
    vclient: ga.AsyncClient, vemu: Emulator, index: int
) -> None:
    """files, file_search_stores (and documents), auth_tokens and batches.create_embeddings
    raise UnsupportedByBackendError naming Vertex AI and the method; nothing is sent."""
    name, start = _refusals(vclient)[index]
    with pytest.raises(errors.UnsupportedByBackendError, match="Vertex AI") as caught:
        await start()
    assert name in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert list(vemu.recorded) == []


async def test_live_music_is_refused(vclient: ga.AsyncClient, vemu: Emulator) -> None:
    """live.music.connect is Developer-API-only: refused before any connection."""
    with pytest.raises(errors.UnsupportedByBackendError, match="Vertex AI"):
        async with vclient.live.music.connect(model="models/lyria-realtime-exp"):
            pass
    assert list(vemu.recorded) == []


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"tools": [{"file_search": {"file_search_store_names": ["s"]}}]}, "file_search"),
        ({"enable_enhanced_civic_answers": True}, "enable_enhanced_civic_answers"),
        (
            {"tool_config": {"include_server_side_tool_invocations": True}},
            "include_server_side_tool_invocations",
        ),
    ],
)
async def test_developer_api_only_fields_are_refused(
    vclient: ga.AsyncClient, vemu: Emulator, config: dict[str, Any], field: str
) -> None:
    """A Developer-API-only field in generate_content: refused naming the field and Vertex AI."""
    with pytest.raises(errors.UnsupportedByBackendError, match=field):
        await vclient.models.generate_content(model=MODEL, contents="hi", config=config)
    assert list(vemu.recorded) == []
