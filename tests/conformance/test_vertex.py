"""Conformance on Vertex AI: google-genai with ``vertexai=True`` works unmodified against the
emulator, and genai_actors sends the same requests (method, path, query, JSON body) for the
same calls: generation, streaming, token counting and compute_tokens, both embedding routes,
every image method, videos and their operation, model metadata, caches and chats.

Both clients use a static-token credentials object (google-auth's user ``Credentials`` holding
a token the emulator accepts); the OAuth flows themselves are tested in
tests/genai_actors/vertex/test_auth.py.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any

import pytest
from google import genai
from google.genai import types as gtypes

import genai_actors as ga
from genai_actors import types as otypes
from genai_actors.emulator import Emulator

from ._compare import (
    GOOGLE_GENAI_WARNINGS,
    VERTEX_TOKEN,
    assert_same_requests,
    camel_requests,
    capture,
    google_vertex_client,
    our_vertex_client,
    skip_google_genai_trust_store,
    wire,
)

# google-genai marks the image methods deprecated with its ExperimentalWarning.
pytestmark = [
    GOOGLE_GENAI_WARNINGS,
    pytest.mark.filterwarnings("ignore::google.genai._common.ExperimentalWarning"),
]

M = "gemini-2.5-flash"


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = _png(8, 6)


@pytest.fixture(autouse=True)
def no_trust_store_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    skip_google_genai_trust_store(monkeypatch)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator accepting VERTEX_TOKEN; videos finish on the first poll."""
    async with Emulator(bearer_tokens=[VERTEX_TOKEN], video_polls=1) as emulator:
        yield emulator


@pytest.fixture
async def theirs(emu: Emulator) -> AsyncIterator[Any]:
    """google-genai's async client on Vertex AI, aimed at ``emu``."""
    client = google_vertex_client(emu)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def ours(emu: Emulator) -> AsyncIterator[ga.AsyncClient]:
    """genai_actors' async client on Vertex AI, aimed at ``emu`` (retries off)."""
    async with our_vertex_client(emu) as client:
        yield client


Call = Callable[[Any, ModuleType], Any]


def _image(t: ModuleType) -> Any:
    return t.Image(image_bytes=PNG, mime_type="image/png")


CASES: dict[str, Call] = {
    "generate": lambda c, t: c.models.generate_content(model=M, contents="Why is the sky blue?"),
    "generate-config": lambda c, t: c.models.generate_content(
        model=M,
        contents=["hello", "there"],
        config={
            "temperature": 0.2,
            "max_output_tokens": 64,
            "system_instruction": "Answer briefly.",
            "labels": {"team": "search"},
            "safety_settings": [
                {
                    "category": "HARM_CATEGORY_HATE_SPEECH",
                    "threshold": "BLOCK_ONLY_HIGH",
                    "method": "PROBABILITY",
                }
            ],
        },
    ),
    "stream": lambda c, t: c.models.generate_content_stream(model=M, contents="Tell a story"),
    "count-tokens": lambda c, t: c.models.count_tokens(
        model=M,
        contents="one two three",
        config={
            "system_instruction": "be brief",
            "tools": [
                {
                    "function_declarations": [
                        {"name": "f", "description": "d", "parameters": {"type": "OBJECT"}}
                    ]
                }
            ],
            "generation_config": {"temperature": 0.5},
        },
    ),
    "compute-tokens": lambda c, t: c.models.compute_tokens(model=M, contents="one two three"),
    "embed-content": lambda c, t: c.models.embed_content(
        model="gemini-embedding-001",
        contents="embed me",
        config={"task_type": "RETRIEVAL_DOCUMENT", "title": "t", "output_dimensionality": 8},
    ),
    "embed-predict": lambda c, t: c.models.embed_content(
        model="text-embedding-005",
        contents=["one", "two"],
        config={"output_dimensionality": 16, "auto_truncate": True, "task_type": "CLUSTERING"},
    ),
    "generate-images": lambda c, t: c.models.generate_images(
        model="imagen-3.0-generate-002",
        prompt="a lighthouse",
        config={
            "number_of_images": 2,
            "aspect_ratio": "16:9",
            "negative_prompt": "fog",
            "include_rai_reason": True,
            "output_mime_type": "image/jpeg",
            "seed": 7,
            "add_watermark": False,
        },
    ),
    "edit-image": lambda c, t: c.models.edit_image(
        model="imagen-3.0-capability-001",
        prompt="paint it red",
        reference_images=[
            t.RawReferenceImage(reference_id=1, reference_image=_image(t)),
            t.MaskReferenceImage(
                reference_id=2,
                config=t.MaskReferenceConfig(mask_mode="MASK_MODE_BACKGROUND", mask_dilation=0.1),
            ),
        ],
        config={"edit_mode": "EDIT_MODE_INPAINT_INSERTION", "number_of_images": 1},
    ),
    "upscale-image": lambda c, t: c.models.upscale_image(
        model="imagen-4.0-upscale-preview",
        image=_image(t),
        upscale_factor="x2",
        config={"output_mime_type": "image/png", "enhance_input_image": True},
    ),
    "recontext-image": lambda c, t: c.models.recontext_image(
        model="imagen-product-recontext-preview-06-30",
        source=t.RecontextImageSource(
            prompt="on a marble table", product_images=[t.ProductImage(product_image=_image(t))]
        ),
        config={"number_of_images": 1, "seed": 3},
    ),
    "segment-image": lambda c, t: c.models.segment_image(
        model="image-segmentation-001",
        source=t.SegmentImageSource(image=_image(t)),
        config={"mode": "FOREGROUND", "max_predictions": 2},
    ),
    "models-get": lambda c, t: c.models.get(model=M),
    "models-list": lambda c, t: c.models.list(config={"page_size": 3}),
    "models-list-tuned": lambda c, t: c.models.list(config={"query_base": False}),
    "caches-create": lambda c, t: c.caches.create(
        model=M,
        config={
            "contents": ["word " * 3000],
            "system_instruction": "cache me",
            "ttl": "300s",
            "display_name": "big",
        },
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_same_requests(case: str, emu: Emulator, theirs: Any, ours: ga.AsyncClient) -> None:
    """google-genai (vertexai=True) and genai_actors send the same requests for the call."""
    call = CASES[case]
    expected = await capture(emu, lambda: call(theirs, gtypes))
    got = await capture(emu, lambda: call(ours, otypes))
    # Proto-JSON reads both spellings: google-genai's snake_case keys (and genai_actors' copy
    # of its `task_type` quirk in predict instances) are compared in camelCase.
    assert_same_requests(camel_requests(wire(got)), camel_requests(wire(expected)))


async def test_videos_and_operation_polling(
    emu: Emulator, theirs: Any, ours: ga.AsyncClient
) -> None:
    """generate_videos (:predictLongRunning) and operations.get (:fetchPredictOperation) are the
    same requests; both clients read the finished videos."""

    async def run(client: Any, t: ModuleType) -> Any:
        operation = await client.models.generate_videos(
            model="veo-2.0-generate-001",
            source=t.GenerateVideosSource(prompt="waves at dusk"),
            config={"number_of_videos": 1, "duration_seconds": 5, "aspect_ratio": "16:9"},
        )
        return await client.operations.get(operation)

    expected = await capture(emu, lambda: run(theirs, gtypes))
    got = await capture(emu, lambda: run(ours, otypes))
    names = {
        got[1].json["operationName"]: "{op}",
        expected[1].json["operationName"]: "{op}",
    }
    assert_same_requests(got, expected, substitutions=names, their_substitutions=names)
    mine = await run(ours, otypes)
    assert mine.done
    assert mine.result.generated_videos


async def test_cache_names_and_chat(emu: Emulator, theirs: Any, ours: ga.AsyncClient) -> None:
    """caches get/update/delete by a full Vertex name or a bare id, a generateContent naming
    the cache, and a two-turn chat: the same requests from both clients."""
    for by_id in (False, True):

        async def run(client: Any, by_id: bool = by_id) -> None:
            cache = await ours.caches.create(model=M, config={"contents": ["word " * 3000]})
            assert cache.name
            name = cache.name.rsplit("/", 1)[1] if by_id else cache.name
            emu.recorded.clear()  # only what `client` sends is compared
            await client.caches.get(name=name)
            await client.caches.update(name=name, config={"ttl": "600s"})
            await client.models.generate_content(
                model=M, contents="summarise", config={"cached_content": cache.name}
            )
            await client.caches.delete(name=name)

        expected = await capture(emu, lambda: run(theirs))
        got = await capture(emu, lambda: run(ours))
        subs = {r.path.rsplit("/", 1)[1]: "{id}" for r in (expected[0], got[0])}
        assert_same_requests(got, expected, substitutions=subs, their_substitutions=subs)
        assert [r.method for r in got] == ["GET", "PATCH", "POST", "DELETE"]

    async def chat(client: Any) -> None:
        session = client.chats.create(model=M, config={"temperature": 0.3})
        await session.send_message("hello")
        await session.send_message("and again")

    expected = await capture(emu, lambda: chat(theirs))
    got = await capture(emu, lambda: chat(ours))
    assert_same_requests(got, expected)


REFUSED: dict[str, Call] = {
    "files.list": lambda c, t: c.files.list(),
    "file_search_stores.create": lambda c, t: c.file_search_stores.create(),
    "file_search_stores.documents.list": lambda c, t: c.file_search_stores.documents.list(
        parent="fileSearchStores/s"
    ),
    "auth_tokens.create": lambda c, t: c.auth_tokens.create(),
    "batches.create_embeddings": lambda c, t: c.batches.create_embeddings(
        model="gemini-embedding-001", src={"inlined_requests": {"contents": ["a"]}}
    ),
    "file_search tool": lambda c, t: c.models.generate_content(
        model=M,
        contents="hi",
        config={"tools": [{"file_search": {"file_search_store_names": ["s"]}}]},
    ),
    "enable_enhanced_civic_answers": lambda c, t: c.models.generate_content(
        model=M, contents="hi", config={"enable_enhanced_civic_answers": True}
    ),
    "include_server_side_tool_invocations": lambda c, t: c.models.generate_content(
        model=M,
        contents="hi",
        config={"tool_config": {"include_server_side_tool_invocations": True}},
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_developer_api_only_refused_by_both(
    case: str, emu: Emulator, theirs: Any, ours: ga.AsyncClient
) -> None:
    """What google-genai refuses on Vertex AI with a ValueError before sending, genai_actors
    refuses the same way (an UnsupportedByBackendError, a ValueError, naming Vertex AI)."""
    call = REFUSED[case]
    emu.recorded.clear()
    with pytest.raises(ValueError, match=r"(Developer|Vertex)"):
        await call(theirs, gtypes)
    with pytest.raises(ValueError, match="Vertex AI") as caught:
        await call(ours, otypes)
    assert type(caught.value).__name__ == "UnsupportedByBackendError"
    assert list(emu.recorded) == []


async def test_express_mode_requests() -> None:
    """Express mode (vertexai=True with an API key): the same key header and prefix-less
    paths from both clients, for generate, count_tokens and embed_content."""
    key = "express-conformance-key"
    async with Emulator(api_key=key) as emu:
        theirs = genai.Client(
            vertexai=True, api_key=key, http_options=gtypes.HttpOptions(base_url=emu.url)
        ).aio
        try:
            async with ga.AsyncClient(
                vertexai=True, api_key=key, http_options={"base_url": emu.url}
            ) as ours:

                async def run(client: Any) -> None:
                    await client.models.generate_content(model=M, contents="hello")
                    await client.models.count_tokens(model=M, contents="hello")
                    await client.models.embed_content(
                        model="gemini-embedding-001", contents="hello"
                    )

                expected = await capture(emu, lambda: run(theirs))
                got = await capture(emu, lambda: run(ours))
        finally:
            await theirs.aclose()
    assert_same_requests(camel_requests(wire(got)), camel_requests(wire(expected)))
    assert got[0].path == f"/v1beta1/publishers/google/models/{M}:generateContent"
    assert {r.headers["x-goog-api-key"] for r in got + expected} == {key}
    assert not any("authorization" in r.headers for r in got + expected)
