"""Vertex AI answers decode as google-genai decodes them: the same JSON through its
``_..._from_vertex`` converters and types, and through ours; the dumps are compared."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from google.genai import models as gm, types as gt

from genai_actors import types
from genai_actors._api._models_media import (
    decode_embed_response,
    decode_image_predictions,
    decode_mask_predictions,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
B64 = base64.b64encode(PNG).decode()


def _dump(value: Any) -> Any:
    return json.loads(value.model_dump_json(exclude_none=True))


PREDICTIONS: list[tuple[str, dict[str, Any]]] = [
    ("bytes", {"predictions": [{"bytesBase64Encoded": B64, "mimeType": "image/png"}]}),
    (
        "many-with-safety",
        {
            "predictions": [
                {
                    "bytesBase64Encoded": B64,
                    "mimeType": "image/png",
                    "prompt": "an enhanced cat",
                    "safetyAttributes": {"categories": ["Violence"], "scores": [0.1]},
                    "contentType": "image/png",
                },
                {"gcsUri": "gs://b/o/1.png", "mimeType": "image/png"},
                {"raiFilteredReason": "filtered: person"},
            ]
        },
    ),
    (
        "positive-prompt",
        {
            "predictions": [
                {"bytesBase64Encoded": B64, "mimeType": "image/jpeg"},
                {
                    "contentType": "Positive Prompt",
                    "safetyAttributes": {"categories": ["Hate"], "scores": [0.2]},
                },
            ]
        },
    ),
    (
        "top-level-positive",
        {
            "predictions": [{"bytesBase64Encoded": B64, "mimeType": "image/png"}],
            "positivePromptSafetyAttributes": {
                "contentType": "Positive Prompt",
                "safetyAttributes": {"categories": ["x"], "scores": [0.5]},
            },
        },
    ),
    (
        "no-predictions",
        {
            "positivePromptSafetyAttributes": {
                "contentType": "Positive Prompt",
                "safetyAttributes": {"categories": ["x"], "scores": [0.5]},
            }
        },
    ),
    ("empty", {}),
]


def _theirs_generate(raw: dict[str, Any]) -> gt.GenerateImagesResponse:
    """google-genai's generate_images: its converter, its type, then its split of the
    positive-prompt prediction out of the images."""
    api = gt.GenerateImagesResponse._from_response(
        response=gm._GenerateImagesResponse_from_vertex(json.loads(json.dumps(raw))), kwargs={}
    )
    if not api.generated_images:
        return api
    positive = None
    images = []
    for image in api.generated_images:
        if image.safety_attributes and image.safety_attributes.content_type == "Positive Prompt":
            positive = image.safety_attributes
        else:
            images.append(image)
    return gt.GenerateImagesResponse(
        generated_images=images, positive_prompt_safety_attributes=positive
    )


@pytest.mark.parametrize(("cname", "raw"), PREDICTIONS, ids=[p[0] for p in PREDICTIONS])
def test_generate_images_answer(cname: str, raw: dict[str, Any]) -> None:
    images, positive = decode_image_predictions(json.dumps(raw).encode(), generate=True)
    mine = types.GenerateImagesResponse(
        generated_images=images, positive_prompt_safety_attributes=positive
    )
    assert _dump(mine) == _dump(_theirs_generate(raw))


@pytest.mark.parametrize(
    ("method", "theirs_type", "ours_type"),
    [
        ("_EditImageResponse_from_vertex", gt.EditImageResponse, types.EditImageResponse),
        ("_UpscaleImageResponse_from_vertex", gt.UpscaleImageResponse, types.UpscaleImageResponse),
        (
            "_RecontextImageResponse_from_vertex",
            gt.RecontextImageResponse,
            types.RecontextImageResponse,
        ),
    ],
)
@pytest.mark.parametrize(("cname", "raw"), PREDICTIONS, ids=[p[0] for p in PREDICTIONS])
def test_other_image_answers(
    method: str, theirs_type: Any, ours_type: Any, cname: str, raw: dict[str, Any]
) -> None:
    converted = getattr(gm, method)(json.loads(json.dumps(raw)))
    theirs = theirs_type._from_response(response=converted, kwargs={})
    images, _ = decode_image_predictions(json.dumps(raw).encode())
    assert _dump(ours_type(generated_images=images)) == _dump(theirs)


MASKS: list[tuple[str, dict[str, Any]]] = [
    (
        "masks",
        {
            "predictions": [
                {
                    "bytesBase64Encoded": B64,
                    "mimeType": "image/png",
                    "labels": [{"label": "cat", "score": 0.9}, {"label": "dog", "score": 0.1}],
                },
                {"bytesBase64Encoded": B64, "mimeType": "image/png"},
            ]
        },
    ),
    ("no-labels-no-image", {"predictions": [{"labels": []}]}),
    ("none", {}),
]


@pytest.mark.parametrize(("cname", "raw"), MASKS, ids=[m[0] for m in MASKS])
def test_segment_answer(cname: str, raw: dict[str, Any]) -> None:
    converted = gm._SegmentImageResponse_from_vertex(json.loads(json.dumps(raw)))
    theirs = gt.SegmentImageResponse._from_response(response=converted, kwargs={})
    mine = types.SegmentImageResponse(
        generated_masks=decode_mask_predictions(json.dumps(raw).encode())
    )
    assert _dump(mine) == _dump(theirs)


EMBEDS: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "predict",
        "text-embedding-005",
        "predict",
        {
            "predictions": [
                {
                    "embeddings": {
                        "values": [0.1, 0.2],
                        "statistics": {"token_count": 3, "truncated": False},
                    }
                },
                {
                    "embeddings": {
                        "values": [0.3],
                        "statistics": {"token_count": 9, "truncated": True},
                    }
                },
            ],
            "metadata": {"billableCharacterCount": 12},
        },
    ),
    (
        "embed-content",
        "gemini-embedding-001",
        "embedContent",
        {
            "embedding": {"values": [0.5, 0.25]},
            "usageMetadata": {
                "promptTokenCount": 4,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 4}],
                "totalTokenCount": 4,
            },
            "truncated": True,
        },
    ),
    (
        "embed-content-bare",
        "gemini-embedding-001",
        "embedContent",
        {"embedding": {"values": [0.5]}, "usageMetadata": {"promptTokenCount": 0}},
    ),
    (
        "batch",
        "gemini-embedding-001",
        "batchEmbedContents",
        {
            "embeddings": [
                {"values": [1.0]},
                {
                    "values": [2.0],
                    "statistics": {
                        "token_count": 2,
                        "tokensDetails": [{"modality": "TEXT", "tokenCount": 2}],
                    },
                },
            ]
        },
    ),
]


@pytest.mark.parametrize(("cname", "model", "endpoint", "raw"), EMBEDS, ids=[e[0] for e in EMBEDS])
def test_embed_answer(cname: str, model: str, endpoint: str, raw: dict[str, Any]) -> None:
    api_type = {
        "predict": "PREDICT",
        "embedContent": "EMBED_CONTENT",
        "batchEmbedContents": "BATCH_EMBED_CONTENTS",
    }[endpoint]
    root = {"embedding_api_type": api_type}
    converted = gm._EmbedContentResponse_from_vertex(json.loads(json.dumps(raw)), None, root)
    theirs = gt.EmbedContentResponse._from_response(response=converted, kwargs={})
    path = f"publishers/google/models/{model}:{endpoint}"
    mine = decode_embed_response(json.dumps(raw).encode(), path, vertex=True)
    assert _dump(mine) == _dump(theirs)


def test_compute_tokens_answer() -> None:
    from genai_actors._api._toolkit import decode

    raw = {
        "tokensInfo": [
            {
                "tokenIds": ["1", "22"],
                "tokens": [base64.b64encode(b"he").decode(), "bGxv"],
                "role": "user",
            }
        ]
    }
    theirs = gt.ComputeTokensResponse._from_response(
        response=gm._ComputeTokensResponse_from_vertex(json.loads(json.dumps(raw))), kwargs={}
    )
    mine = decode(json.dumps(raw).encode(), types.ComputeTokensResponse)
    assert _dump(mine) == _dump(theirs)


def test_count_tokens_answer() -> None:
    from genai_actors._api._toolkit import decode

    raw = {
        "totalTokens": 7,
        "totalBillableCharacters": 20,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 7}],
    }
    theirs = gt.CountTokensResponse._from_response(
        response=gm._CountTokensResponse_from_vertex(json.loads(json.dumps(raw))), kwargs={}
    )
    mine = decode(json.dumps(raw).encode(), types.CountTokensResponse)
    assert _dump(mine) == _dump(theirs)


VIDEO_OPERATIONS: list[tuple[str, dict[str, Any]]] = [
    (
        "done",
        {
            "name": "projects/p/locations/l/publishers/google/models/veo-2.0/operations/o1",
            "done": True,
            "metadata": {"@type": "x"},
            "response": {
                "@type": "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse",
                "videos": [
                    {"gcsUri": "gs://b/v/1.mp4", "mimeType": "video/mp4"},
                    {
                        "bytesBase64Encoded": base64.b64encode(b"vid").decode(),
                        "mimeType": "video/mp4",
                    },
                ],
                "raiMediaFilteredCount": 1,
                "raiMediaFilteredReasons": ["child"],
            },
        },
    ),
    ("running", {"name": "projects/p/locations/l/publishers/google/models/v/operations/o2"}),
    (
        "failed",
        {
            "name": "projects/p/locations/l/publishers/google/models/v/operations/o3",
            "done": True,
            "error": {"code": 3, "message": "bad prompt"},
        },
    ),
]


@pytest.mark.parametrize(("cname", "raw"), VIDEO_OPERATIONS, ids=[v[0] for v in VIDEO_OPERATIONS])
def test_video_operation_answer(cname: str, raw: dict[str, Any]) -> None:
    """The generate_videos answer and each fetchPredictOperation poll, as google-genai reads
    them (its converter for the first; its from_api_response for the polls)."""
    first = gt.GenerateVideosOperation._from_response(
        response=gm._GenerateVideosOperation_from_vertex(json.loads(json.dumps(raw))), kwargs={}
    )
    polled = gt.GenerateVideosOperation.from_api_response(json.loads(json.dumps(raw)), True)
    mine = types.GenerateVideosOperation.from_api_response(json.dumps(raw).encode(), True)
    assert _dump(mine) == _dump(first)
    assert _dump(mine) == _dump(polled)


MODELS: list[tuple[str, dict[str, Any]]] = [
    (
        "publisher",
        {
            "name": "publishers/google/models/gemini-2.5-flash",
            "versionId": "001",
            "openSourceCategory": "PROPRIETARY",
            "launchStage": "GA",
        },
    ),
    (
        "tuned",
        {
            "name": "projects/1/locations/us-central1/models/9",
            "displayName": "mine",
            "description": "d",
            "versionId": "2",
            "createTime": "2026-01-01T00:00:00Z",
            "updateTime": "2026-01-02T00:00:00.5Z",
            "labels": {"google-vertex-llm-tuning-base-model-id": "gemini-2_5-flash", "x": "y"},
            "deployedModels": [
                {"endpoint": "projects/1/locations/us-central1/endpoints/8", "deployedModelId": "7"}
            ],
            "defaultCheckpointId": "2",
            "checkpoints": [{"checkpointId": "1", "epoch": "1", "step": "10"}],
        },
    ),
]


@pytest.mark.parametrize(("cname", "raw"), MODELS, ids=[m[0] for m in MODELS])
def test_model_answer(cname: str, raw: dict[str, Any]) -> None:
    from genai_actors._api._models_media import decode_list_models, decode_vertex_model

    theirs = gt.Model._from_response(
        response=gm._Model_from_vertex(json.loads(json.dumps(raw))), kwargs={}
    )
    assert _dump(decode_vertex_model(json.dumps(raw).encode())) == _dump(theirs)
    for key in ("publisherModels", "models"):
        page = {key: [raw], "nextPageToken": "n"}
        theirs_page = gt.ListModelsResponse._from_response(
            response=gm._ListModelsResponse_from_vertex(json.loads(json.dumps(page))), kwargs={}
        )
        mine = decode_list_models(json.dumps(page).encode(), vertex=True)
        assert _dump(mine) == _dump(theirs_page)
