"""embed_content, count/compute_tokens, get/list/update/delete, and the Vertex-only methods."""

from __future__ import annotations

from typing import Any

import pytest

import genai_actors as ga
from genai_actors import errors, types
from genai_actors._api._models_media import (
    decode_embed_response,
    decode_image_predictions,
    decode_list_models,
    decode_mask_predictions,
)
from genai_actors._transformers import InvalidRequestError
from genai_actors.emulator import Emulator

from .conftest import MODEL

TUNED = "tunedModels/emulated-tuned-model"


async def test_embed_content_one_embedding_per_input(client: ga.AsyncClient, emu: Emulator) -> None:
    """Several inputs give one embedding each, through batchEmbedContents; config is sent."""
    response = await client.models.embed_content(
        model="gemini-embedding-001",
        contents=["alpha", "beta", "gamma"],
        config={"output_dimensionality": 8, "task_type": "RETRIEVAL_DOCUMENT"},
    )
    assert response.embeddings is not None
    assert len(response.embeddings) == 3
    assert all(e.values is not None and len(e.values) == 8 for e in response.embeddings)
    assert response.embeddings[0].values != response.embeddings[1].values
    (request,) = emu.recorded
    assert request.path.endswith("models/gemini-embedding-001:batchEmbedContents")
    assert request.json["requests"][0]["outputDimensionality"] == 8
    assert request.json["requests"][0]["model"] == "models/gemini-embedding-001"


async def test_embed_content_vertex_only_config_refused(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """auto_truncate is Vertex AI only: refused before sending; empty contents too."""
    with pytest.raises(errors.UnsupportedByBackendError):
        await client.models.embed_content(
            model="gemini-embedding-001", contents="x", config={"auto_truncate": True}
        )
    with pytest.raises(InvalidRequestError):
        await client.models.embed_content(model="gemini-embedding-001", contents=[])
    assert len(emu.recorded) == 0


async def test_count_tokens(client: ga.AsyncClient, emu: Emulator) -> None:
    """count_tokens returns the emulator's count (words and punctuation)."""
    response = await client.models.count_tokens(model=MODEL, contents="one two three!")
    assert response.total_tokens == 4
    assert emu.recorded[0].json == {
        "contents": [{"role": "user", "parts": [{"text": "one two three!"}]}]
    }


async def test_count_tokens_refuses_vertex_only_config(
    client: ga.AsyncClient, emu: Emulator
) -> None:
    """system_instruction in count_tokens is Vertex AI only."""
    with pytest.raises(errors.UnsupportedByBackendError):
        await client.models.count_tokens(
            model=MODEL, contents="x", config={"system_instruction": "be nice"}
        )
    assert len(emu.recorded) == 0


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("compute_tokens", {"model": MODEL, "contents": "hi"}),
        ("generate_images", {"model": "imagen-4.0-generate-001", "prompt": "a cat"}),
        (
            "edit_image",
            {"model": "imagen-3.0-capability-001", "prompt": "x", "reference_images": []},
        ),
        (
            "upscale_image",
            {
                "model": "imagen-4.0-upscale-preview",
                "image": types.Image(image_bytes=b"png", mime_type="image/png"),
                "upscale_factor": "x2",
            },
        ),
        ("recontext_image", {"model": "imagen-product-recontext", "source": {"prompt": "x"}}),
        ("segment_image", {"model": "image-segmentation-001", "source": {"prompt": "x"}}),
    ],
)
async def test_vertex_only_methods_raise_before_sending(
    client: ga.AsyncClient, emu: Emulator, method: str, kwargs: dict[str, Any]
) -> None:
    """Each Vertex-only method raises UnsupportedByBackendError naming itself and the backend."""
    with pytest.raises(errors.UnsupportedByBackendError) as caught:
        await getattr(client.models, method)(**kwargs)
    assert caught.value.feature == f"models.{method}"
    assert caught.value.backend == "Gemini Developer API"
    assert len(emu.recorded) == 0


async def test_get_base_and_tuned_models(client: ga.AsyncClient) -> None:
    """get returns the base model's metadata, and a tuned model with tuned_model_info."""
    model = await client.models.get(model=MODEL)
    assert model.name == f"models/{MODEL}"
    assert model.supported_actions is not None
    assert "generateContent" in model.supported_actions
    assert model.input_token_limit
    tuned = await client.models.get(model=TUNED)
    assert tuned.name == TUNED
    assert tuned.tuned_model_info is not None
    assert tuned.tuned_model_info.base_model == "models/gemini-2.0-flash"


async def test_get_unknown_model_is_not_found(client: ga.AsyncClient) -> None:
    """An unknown model raises NotFoundError."""
    with pytest.raises(errors.NotFoundError):
        await client.models.get(model="does-not-exist")


async def test_list_walks_every_page(client: ga.AsyncClient, emu: Emulator) -> None:
    """A page size of 4 walks the whole catalogue over several requests, each with pageToken."""
    pager = await client.models.list(config={"page_size": 4})
    assert pager.name == "models"
    assert pager.page_size == 4
    assert len(pager.page) == 4
    names = [m.name async for m in pager]
    assert len(names) == len(set(names)) > 4
    assert all(isinstance(n, str) and n.startswith("models/") for n in names)
    requests = list(emu.recorded)
    assert len(requests) == -(-len(names) // 4)
    assert requests[0].query == {"pageSize": "4"}
    assert all("pageToken" in r.query for r in requests[1:])


async def test_list_next_page_and_tuned(client: ga.AsyncClient, emu: Emulator) -> None:
    """next_page fetches one more page; query_base=False lists tuned models."""
    pager = await client.models.list(config={"page_size": 2})
    first = list(pager.page)
    second = await pager.next_page()
    assert {m.name for m in first}.isdisjoint({m.name for m in second})
    tuned = await client.models.list(config={"query_base": False})
    assert [m.name async for m in tuned] == [TUNED]
    assert emu.recorded[-1].path.endswith("/tunedModels")


async def test_update_and_delete_tuned_model(client: ga.AsyncClient, emu: Emulator) -> None:
    """update PATCHes the display name; delete removes the model."""
    updated = await client.models.update(
        model=TUNED, config={"display_name": "Renamed", "description": "new"}
    )
    assert updated.display_name == "Renamed"
    assert updated.description == "new"
    assert emu.recorded[0].method == "PATCH"
    assert emu.recorded[0].json == {"displayName": "Renamed", "description": "new"}
    deleted = await client.models.delete(model=TUNED)
    assert isinstance(deleted, types.DeleteModelResponse)
    with pytest.raises(errors.NotFoundError):
        await client.models.get(model=TUNED)


def test_decode_list_models_variants() -> None:
    """Model pages decode from models, tunedModels and publisherModels lists."""
    page = decode_list_models(b'{"tunedModels":[{"name":"tunedModels/a","baseModel":"m"}]}')
    assert page.models is not None
    assert page.models[0].tuned_model_info is not None
    page = decode_list_models(b'{"publisherModels":[{"name":"p"}],"nextPageToken":"t"}')
    assert page.models is not None
    assert page.next_page_token == "t"
    with pytest.raises(errors.UnknownApiResponseError):
        decode_list_models(b"[1]")


def test_vertex_prediction_decoding() -> None:
    """Vertex predict answers map to images, masks and embeddings as google-genai maps them."""
    images, positive = decode_image_predictions(
        b'{"predictions":[{"bytesBase64Encoded":"AP8=","mimeType":"image/png",'
        b'"raiFilteredReason":"r","prompt":"better"},{"safetyAttributes":{"categories":["x"],'
        b'"scores":[0.5]},"contentType":"Positive Prompt"}]}'
    )
    assert images is not None
    assert images[0].image is not None
    assert images[0].image.image_bytes == b"\x00\xff"
    assert images[0].enhanced_prompt == "better"
    assert images[0].rai_filtered_reason == "r"
    assert images[1].safety_attributes is not None
    assert images[1].safety_attributes.content_type == "Positive Prompt"
    assert positive is None
    masks = decode_mask_predictions(
        b'{"predictions":[{"bytesBase64Encoded":"AP8=","mimeType":"image/png",'
        b'"labels":[{"label":"cat","score":0.9}]}]}'
    )
    assert masks is not None
    assert masks[0].labels == [types.EntityLabel(label="cat", score=0.9)]
    single = decode_embed_response(
        b'{"embedding":{"values":[1,2]},"usageMetadata":{"promptTokenCount":3},"truncated":true}',
        "m:embedContent",
        vertex=True,
    )
    assert single.embeddings is not None
    assert single.embeddings[0].values == [1.0, 2.0]
    stats = single.embeddings[0].statistics
    assert stats is not None
    assert stats.token_count == 3
    assert stats.truncated
    predicted = decode_embed_response(
        b'{"predictions":[{"embeddings":{"values":[0.5],"statistics":{"token_count":1}}}]}',
        "m:predict",
        vertex=True,
    )
    assert predicted.embeddings is not None
    assert predicted.embeddings[0].values == [0.5]
    assert predicted.embeddings[0].statistics == types.ContentEmbeddingStatistics(token_count=1)
