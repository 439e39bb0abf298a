"""The JSON our request builders produce equals what google-genai's converters produce."""

from __future__ import annotations

import dataclasses
import enum
import json
from typing import Any

import pytest

from genai_actors._transformers._generate import count_tokens_request, generate_content_request
from genai_actors._transformers._models_api import (
    embed_content_request,
    generate_images_request,
    generate_videos_request,
)
from genai_actors._transformers._names import VertexLocation

from . import oracle

VERTEX = VertexLocation("proj", "us-central1")


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass
class Recipe:
    name: str
    minutes: int = 10


def get_weather(city: str, unit: str = "celsius") -> dict[str, Any]:
    """Returns the weather in a city.

    Args:
        city: The city.
        unit: Temperature unit.
    """
    return {}


def add(a: int, b: float, tags: list[str] | None = None) -> int:
    """Adds."""
    return 0


def no_args() -> str:
    return ""


def pick(color: Color, recipes: list[Recipe]) -> None:
    """Picks."""


PNG = b"\x89PNG\r\n\x1a\n\xff\xfe\xfd" * 3

CONTENTS: list[tuple[str, Any]] = [
    ("str", "Why is the sky blue?"),
    ("list-str", ["a", "b", "c"]),
    ("part-dict", {"text": "hello"}),
    ("content-dict", {"role": "user", "parts": [{"text": "hi"}]}),
    ("camel-part", [{"inlineData": {"mimeType": "image/png", "data": PNG}}, "describe"]),
    ("snake-part", [{"inline_data": {"mime_type": "image/png", "data": PNG}}, "describe"]),
    (
        "function-call-grouping",
        [
            "What is the weather?",
            {"function_call": {"name": "get_weather", "args": {"city": "Paris", "unit_x": 1}}},
            {"function_call": {"name": "get_weather", "args": {"city": "Rome"}}},
            {"function_response": {"name": "get_weather", "response": {"temp_c": 20}}},
            "thanks",
        ],
    ),
    (
        "history",
        [
            {"role": "user", "parts": [{"text": "hi"}]},
            {"role": "model", "parts": [{"text": "hello", "thought_signature": PNG}]},
            "next",
            ["nested", "list"],
        ],
    ),
    (
        "thought-and-video",
        [
            {"text": "t", "thought": True},
            {
                "file_data": {"file_uri": "https://youtu.be/x", "mime_type": "video/mp4"},
                "video_metadata": {"start_offset": "1s", "end_offset": "5s", "fps": 2.0},
            },
        ],
    ),
]

CONFIGS: list[tuple[str, Any]] = [
    ("none", None),
    (
        "sampling",
        {
            "temperature": 0.3,
            "top_p": 0.9,
            "top_k": 40,
            "candidate_count": 1,
            "max_output_tokens": 128,
            "stop_sequences": ["END"],
            "seed": 7,
            "presence_penalty": 0.1,
            "frequency_penalty": 0.2,
            "response_logprobs": True,
            "logprobs": 3,
        },
    ),
    ("camel-keys", {"maxOutputTokens": 64, "topK": 3, "responseMimeType": "text/plain"}),
    ("system-str", {"system_instruction": "You are a cat."}),
    ("system-parts", {"system_instruction": ["one", {"text": "two"}]}),
    ("system-content", {"system_instruction": {"parts": [{"text": "x"}], "role": "user"}}),
    (
        "safety",
        {
            "safety_settings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_ONLY_HIGH"},
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "threshold": "OFF"},
            ]
        },
    ),
    ("thinking", {"thinking_config": {"thinking_budget": 1024, "include_thoughts": True}}),
    ("thinking-level", {"thinking_config": {"thinking_level": "LOW"}}),
    (
        "tools-callables",
        {"tools": [get_weather, add, no_args], "automatic_function_calling": {"disable": True}},
    ),
    (
        "tools-mixed",
        {
            "tools": [
                get_weather,
                {"google_search": {}},
                {"code_execution": {}},
                {"url_context": {}},
            ]
        },
    ),
    (
        "tools-declarations",
        {
            "tools": [
                {
                    "function_declarations": [
                        {
                            "name": "f",
                            "description": "d",
                            "parameters": {
                                "type": "OBJECT",
                                "properties": {"x": {"type": "STRING", "description": "an x"}},
                                "required": ["x"],
                            },
                        }
                    ]
                },
                {
                    "function_declarations": [
                        {
                            "name": "g",
                            "parameters_json_schema": {
                                "type": "object",
                                "properties": {"snake_key": {"type": "string"}},
                            },
                        }
                    ]
                },
            ]
        },
    ),
    ("tools-enum-dataclass", {"tools": [pick]}),
    (
        "tool-config",
        {
            "tool_config": {
                "function_calling_config": {
                    "mode": "ANY",
                    "allowed_function_names": ["get_weather"],
                }
            }
        },
    ),
    (
        "schema-dict",
        {
            "response_mime_type": "application/json",
            "response_schema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "age": {"type": "integer", "nullable": True},
                },
            },
        },
    ),
    (
        "schema-json",
        {
            "response_mime_type": "application/json",
            "response_json_schema": {
                "type": "object",
                "properties": {"snake_name": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    ),
    ("schema-list-int", {"response_schema": list[int]}),
    ("schema-enum", {"response_mime_type": "text/x.enum", "response_schema": Color}),
    ("schema-dataclass", {"response_schema": list[Recipe]}),
    ("schema-optional", {"response_schema": int | None}),
    ("speech-str", {"response_modalities": ["AUDIO"], "speech_config": "Kore"}),
    (
        "speech-dict",
        {
            "speech_config": {
                "voice_config": {"prebuilt_voice_config": {"voice_name": "Puck"}},
                "language_code": "en-US",
            }
        },
    ),
    (
        "image-config",
        {
            "response_modalities": ["TEXT", "IMAGE"],
            "image_config": {"aspect_ratio": "16:9", "image_size": "2K"},
        },
    ),
    ("cached", {"cached_content": "abc123"}),
    ("cached-full", {"cached_content": "cachedContents/abc123"}),
    ("service-tier", {"service_tier": "flex"}),
    ("media-res", {"media_resolution": "MEDIA_RESOLUTION_LOW"}),
    ("labels", {"labels": {"team": "x"}}),
    ("http-options-not-sent", {"http_options": {"timeout": 5000}, "temperature": 1.0}),
]


def _ours(request_body: bytes | None) -> Any:
    assert request_body is not None
    return json.loads(request_body)


@pytest.mark.parametrize(("cname", "contents"), CONTENTS, ids=[c[0] for c in CONTENTS])
def test_generate_content_contents_match_google_genai(cname: str, contents: Any) -> None:
    """Every accepted contents shape encodes exactly as google-genai encodes it (mldev)."""
    model, body = oracle.generate_content("gemini-2.5-flash", contents)
    request = generate_content_request("gemini-2.5-flash", contents)
    assert request.path == f"{model}:generateContent"
    assert _ours(request.body) == body


@pytest.mark.parametrize(("cname", "config"), CONFIGS, ids=[c[0] for c in CONFIGS])
@pytest.mark.parametrize("vertex", [False, True], ids=["mldev", "vertex"])
def test_generate_content_config_matches_google_genai(
    cname: str, config: Any, vertex: bool
) -> None:
    """Config fields land where google-genai puts them, on both backends."""
    contents = ["hello", {"text": "world"}]
    model, body = oracle.generate_content("gemini-2.5-flash", contents, config, vertex=vertex)
    request = generate_content_request(
        "gemini-2.5-flash", contents, config, vertex=VERTEX if vertex else None
    )
    assert request.path == f"{model}:generateContent"
    assert _ours(request.body) == body


@pytest.mark.parametrize(
    "model", ["gemini-2.5-flash", "models/gemini-2.5-flash", "tunedModels/t-1", "google/gemini-x"]
)
@pytest.mark.parametrize("vertex", [False, True], ids=["mldev", "vertex"])
def test_model_paths_match_google_genai(model: str, vertex: bool) -> None:
    """Model names normalise to the same path as google-genai's t_model."""
    expected, _ = oracle.generate_content(model, "x", vertex=vertex)
    assert generate_content_request(model, "x", vertex=VERTEX if vertex else None).path == (
        f"{expected}:generateContent"
    )


@pytest.mark.parametrize(("cname", "contents"), CONTENTS[:6], ids=[c[0] for c in CONTENTS[:6]])
def test_count_tokens_matches_google_genai(cname: str, contents: Any) -> None:
    """countTokens sends ``{contents}`` exactly as google-genai does."""
    model, body = oracle.count_tokens("gemini-2.5-flash", contents)
    request = count_tokens_request("gemini-2.5-flash", contents)
    assert request.path == f"{model}:countTokens"
    assert _ours(request.body) == body


def test_count_tokens_vertex_config_matches_google_genai() -> None:
    """On Vertex, countTokens also carries system instruction, tools and generation config."""
    config = {
        "system_instruction": "be brief",
        "tools": [{"google_search": {}}],
        "generation_config": {"temperature": 0.2, "max_output_tokens": 5},
    }
    model, body = oracle.count_tokens("gemini-2.5-flash", "hi", config, vertex=True)
    request = count_tokens_request("gemini-2.5-flash", "hi", config, vertex=VERTEX)
    assert request.path == f"{model}:countTokens"
    assert _ours(request.body) == body


@pytest.mark.parametrize(
    ("model", "contents", "config"),
    [
        (
            "text-embedding-004",
            ["What is your name?", "Favourite colour?"],
            {"output_dimensionality": 64},
        ),
        ("gemini-embedding-001", "single", {"task_type": "RETRIEVAL_DOCUMENT", "title": "T"}),
        ("gemini-embedding-001", [{"parts": [{"text": "a"}, {"text": "b"}]}], None),
        (
            "gemini-embedding-2",
            ["a", "b", {"inline_data": {"data": PNG, "mime_type": "image/png"}}],
            None,
        ),
    ],
)
def test_embed_content_matches_google_genai(model: str, contents: Any, config: Any) -> None:
    """batchEmbedContents requests repeat the model and carry the config per request."""
    path, body = oracle.embed_content(model, contents, config)
    request = embed_content_request(model, contents, config)
    assert request.path == f"{path}:batchEmbedContents"
    assert _ours(request.body) == body


def test_generate_videos_vertex_matches_google_genai() -> None:
    """Vertex predictLongRunning bodies match google-genai's."""
    config = {
        "number_of_videos": 2,
        "duration_seconds": 8,
        "aspect_ratio": "16:9",
        "negative_prompt": "blur",
        "seed": 3,
        "generate_audio": True,
        "last_frame": {"image_bytes": PNG, "mime_type": "image/png"},
        "labels": {"a": "b"},
    }
    image = {"gcs_uri": "gs://b/i.png", "mime_type": "image/png"}
    path, body = oracle.generate_videos_vertex(
        "veo-3.0-generate-001", source={"prompt": "a cat", "image": image}, config=config
    )
    request = generate_videos_request(
        "veo-3.0-generate-001",
        source={"prompt": "a cat", "image": image},
        config=config,
        vertex=VERTEX,
    )
    assert request.path == f"{path}:predictLongRunning"
    assert _ours(request.body) == body


def test_generate_images_vertex_matches_google_genai() -> None:
    """Vertex image predict bodies match google-genai's."""
    config = {
        "number_of_images": 2,
        "aspect_ratio": "1:1",
        "output_mime_type": "image/jpeg",
        "output_compression_quality": 80,
        "person_generation": "ALLOW_ADULT",
        "add_watermark": False,
        "labels": {"x": "y"},
    }
    path, body = oracle.generate_images_vertex("imagen-4.0-generate-001", "a dog", config)
    request = generate_images_request("imagen-4.0-generate-001", "a dog", config, vertex=VERTEX)
    assert request.path == f"{path}:predict"
    assert _ours(request.body) == body


@pytest.mark.parametrize(
    ("model", "contents", "config"),
    [
        ("gemini-embedding-001", "hello", {"task_type": "RETRIEVAL_QUERY", "auto_truncate": True}),
        ("gemini-embedding-001", ["a", "b"], {"output_dimensionality": 16}),
        ("gemini-embedding-2", ["a", {"text": "b"}], {"document_ocr": True}),
        (
            "text-embedding-005",
            ["a", "b"],
            {"task_type": "X", "output_dimensionality": 8, "mime_type": "text/plain", "title": "T"},
        ),
    ],
)
def test_embed_content_vertex_matches_google_genai(model: str, contents: Any, config: Any) -> None:
    """Vertex embedContent / batchEmbedContents / predict bodies match google-genai's."""
    path, endpoint, body = oracle.embed_content_vertex(model, contents, config)
    request = embed_content_request(model, contents, config, vertex=VERTEX)
    assert request.path == f"{path}:{endpoint}"
    assert _ours(request.body) == body


def test_imagen_edit_upscale_recontext_segment_match_google_genai() -> None:
    """Vertex Imagen predict bodies match google-genai's for all four methods."""
    from google.genai import types as gt

    from genai_actors import types
    from genai_actors._transformers._images import (
        edit_image_request,
        recontext_image_request,
        segment_image_request,
        upscale_image_request,
    )

    img = {"image_bytes": PNG, "mime_type": "image/png"}
    # edit_image: google-genai turns its reference image classes into the API form first.
    theirs_refs = [
        gt.RawReferenceImage(reference_id=1, reference_image=gt.Image(**img)),
        gt.MaskReferenceImage(
            reference_id=2,
            config=gt.MaskReferenceConfig(mask_mode="MASK_MODE_BACKGROUND", mask_dilation=0.1),
        ),
    ]
    ours_refs = [
        types.RawReferenceImage(reference_id=1, reference_image=types.Image(**img)),
        types.MaskReferenceImage(
            reference_id=2,
            config=types.MaskReferenceConfig(mask_mode="MASK_MODE_BACKGROUND", mask_dilation=0.1),
        ),
    ]
    config = {
        "number_of_images": 1,
        "edit_mode": "EDIT_MODE_INPAINT_INSERTION",
        "base_steps": 5,
        "output_mime_type": "image/png",
    }
    path, body = oracle.vertex_predict(
        "edit",
        "imagen-3.0-capability-001",
        prompt="a hat",
        reference_images=theirs_refs,
        config=config,
    )
    ours = edit_image_request(
        "imagen-3.0-capability-001", "a hat", ours_refs, config, vertex=VERTEX
    )
    assert ours.path == f"{path}:predict"
    assert _ours(ours.body) == body

    up_config = {"output_mime_type": "image/jpeg", "enhance_input_image": True}
    path, body = oracle.vertex_predict(
        "upscale",
        "imagen-4.0-upscale",
        image=img,
        upscale_factor="x2",
        config={**up_config, "mode": "upscale", "number_of_images": 1},
    )
    ours = upscale_image_request("imagen-4.0-upscale", img, "x2", up_config, vertex=VERTEX)
    assert _ours(ours.body) == body

    source = {
        "prompt": "on a table",
        "person_image": img,
        "product_images": [{"product_image": img}],
    }
    path, body = oracle.vertex_predict(
        "recontext",
        "imagen-product-recontext",
        source=source,
        config={"number_of_images": 2, "seed": 1},
    )
    ours = recontext_image_request(
        "imagen-product-recontext", source, {"number_of_images": 2, "seed": 1}, vertex=VERTEX
    )
    assert _ours(ours.body) == body

    source = {"prompt": "cat", "image": img, "scribble_image": {"image": img}}
    seg_config = {"mode": "FOREGROUND", "max_predictions": 3, "labels": {"a": "b"}}
    path, body = oracle.vertex_predict(
        "segment", "image-segmentation-001", source=source, config=seg_config
    )
    ours = segment_image_request("image-segmentation-001", source, seg_config, vertex=VERTEX)
    assert _ours(ours.body) == body
