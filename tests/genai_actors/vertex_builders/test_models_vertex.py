"""On Vertex AI, every ``models`` builder sends what google-genai sends (method, path, query,
JSON body), checked against google-genai's own client with only its HTTP send replaced."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from google.genai import types as gt
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors._transformers import (
    VertexLocation,
    compute_tokens_request,
    count_tokens_request,
    delete_model_request,
    edit_image_request,
    embed_content_request,
    generate_content_request,
    generate_images_request,
    generate_videos_request,
    get_model_request,
    list_models_request,
    recontext_image_request,
    segment_image_request,
    update_model_request,
    upscale_image_request,
)

from .oracle import Oracle, ours, same

VERTEX = VertexLocation("proj", "us-central1")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(40))
IMG = {"image_bytes": PNG, "mime_type": "image/png"}

Case = tuple[str, Callable[[Any], Any], Callable[[], Any]]


def _case(name: str, method: str, builder: Callable[..., Any], **kwargs: Any) -> Case:
    """The same keyword arguments to google-genai's ``models.{method}`` and to our builder."""
    return (
        name,
        lambda c: getattr(c.models, method)(**kwargs),
        lambda: builder(**kwargs, vertex=VERTEX),
    )


GENERATE_CONFIGS: list[tuple[str, Any]] = [
    ("none", None),
    ("labels", {"labels": {"team": "x"}, "temperature": 0.5}),
    ("routing", {"routing_config": {"auto_mode": {"model_routing_preference": "BALANCED"}}}),
    ("routing-manual", {"routing_config": {"manual_mode": {"model_name": "gemini-2.5-pro"}}}),
    (
        "model-selection",
        {"model_selection_config": {"feature_selection_preference": "PRIORITIZE_COST"}},
    ),
    ("audio-timestamp", {"audio_timestamp": True}),
    (
        "safety-method",
        {
            "safety_settings": [
                {
                    "category": "HARM_CATEGORY_HATE_SPEECH",
                    "threshold": "BLOCK_LOW_AND_ABOVE",
                    "method": "SEVERITY",
                }
            ]
        },
    ),
    (
        "retrieval",
        {
            "tools": [
                {
                    "retrieval": {
                        "vertex_ai_search": {
                            "datastore": "projects/p/locations/l/collections/c/dataStores/d"
                        }
                    }
                }
            ]
        },
    ),
    (
        "rag",
        {
            "tools": [
                {
                    "retrieval": {
                        "vertex_rag_store": {
                            "rag_resources": [
                                {"rag_corpus": "projects/p/locations/l/ragCorpora/1"}
                            ],
                            "similarity_top_k": 3,
                        }
                    }
                }
            ]
        },
    ),
    ("enterprise-search", {"tools": [{"enterprise_web_search": {}}]}),
    ("google-search-excl", {"tools": [{"google_search": {"exclude_domains": ["a.com"]}}]}),
    ("google-maps", {"tools": [{"google_maps": {}}]}),
    (
        "image-config",
        {
            "response_modalities": ["IMAGE"],
            "image_config": {
                "aspect_ratio": "1:1",
                "person_generation": "ALLOW_ALL",
                "output_mime_type": "image/jpeg",
                "output_compression_quality": 75,
            },
        },
    ),
    (
        "schema-additional",
        {
            "response_mime_type": "application/json",
            "response_schema": {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "additionalProperties": {"type": "integer"},
            },
        },
    ),
    ("cached-vertex", {"cached_content": "123"}),
    ("cached-full", {"cached_content": "projects/p/locations/l/cachedContents/1"}),
    (
        "fc-stream-args",
        {
            "tool_config": {
                "function_calling_config": {"mode": "AUTO", "stream_function_call_arguments": True}
            },
            "automatic_function_calling": {"disable": True},
        },
    ),
    ("thinking", {"thinking_config": {"thinking_budget": 100}, "seed": 3}),
    (
        "speech-multi",
        {
            "speech_config": {
                "multi_speaker_voice_config": {
                    "speaker_voice_configs": [
                        {
                            "speaker": "A",
                            "voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}},
                        }
                    ]
                }
            }
        },
    ),
]

CONTENTS: list[tuple[str, Any]] = [
    ("str", "hello"),
    (
        "blob-display-name",
        [{"inline_data": {"data": PNG, "mime_type": "image/png", "display_name": "pic"}}, "what?"],
    ),
    (
        "file-display-name",
        [
            {
                "file_data": {
                    "file_uri": "gs://b/v.mp4",
                    "mime_type": "video/mp4",
                    "display_name": "v",
                }
            }
        ],
    ),
    (
        "fc-partial-args",
        [
            {
                "role": "model",
                "parts": [
                    {"function_call": {"name": "f", "args": {"a": 1}, "will_continue": True}}
                ],
            }
        ],
    ),
]


@pytest.mark.parametrize(
    ("cname", "config"), GENERATE_CONFIGS, ids=[c[0] for c in GENERATE_CONFIGS]
)
@pytest.mark.parametrize("stream", [False, True], ids=["call", "stream"])
def test_generate_config_on_vertex(oracle: Oracle, cname: str, config: Any, stream: bool) -> None:
    method = "generate_content_stream" if stream else "generate_content"
    theirs = oracle.sent(
        lambda c: getattr(c.models, method)(model="gemini-2.5-flash", contents="hi", config=config)
    )
    mine = generate_content_request("gemini-2.5-flash", "hi", config, vertex=VERTEX, stream=stream)
    same(theirs, ours(mine))


@pytest.mark.parametrize(("cname", "contents"), CONTENTS, ids=[c[0] for c in CONTENTS])
def test_generate_contents_on_vertex(oracle: Oracle, cname: str, contents: Any) -> None:
    theirs = oracle.sent(
        lambda c: c.models.generate_content(model="gemini-2.5-flash", contents=contents)
    )
    same(theirs, ours(generate_content_request("gemini-2.5-flash", contents, vertex=VERTEX)))


MODELS = [
    "gemini-2.5-flash",
    "models/gemini-2.5-flash",
    "publishers/google/models/gemini-2.5-flash",
    "projects/p/locations/l/publishers/google/models/gemini-2.5-flash",
    "projects/p/locations/l/models/123",
    "meta/llama-3",
    "projects/p/locations/l/endpoints/9",
]


@pytest.mark.parametrize("model", MODELS)
def test_model_names_on_vertex(oracle: Oracle, model: str) -> None:
    for method, builder in (
        ("generate_content", generate_content_request),
        ("count_tokens", count_tokens_request),
        ("compute_tokens", compute_tokens_request),
    ):
        theirs = oracle.sent(lambda c, m=method: getattr(c.models, m)(model=model, contents="x"))
        same(theirs, ours(builder(model, "x", vertex=VERTEX)))
    for method, builder in (("get", get_model_request), ("delete", delete_model_request)):
        theirs = oracle.sent(lambda c, m=method: getattr(c.models, m)(model=model))
        same(theirs, ours(builder(model, vertex=VERTEX)))


CASES: list[Case] = [
    _case(
        "count-min",
        "count_tokens",
        count_tokens_request,
        model="gemini-2.5-flash",
        contents=["a", "b"],
    ),
    _case(
        "count-config",
        "count_tokens",
        count_tokens_request,
        model="gemini-2.5-flash",
        contents="a",
        config={
            "system_instruction": ["be", "brief"],
            "tools": [{"function_declarations": [{"name": "f", "description": "d"}]}],
            "generation_config": {"temperature": 0.1, "response_mime_type": "application/json"},
        },
    ),
    _case(
        "compute",
        "compute_tokens",
        compute_tokens_request,
        model="gemini-2.5-flash",
        contents=["a", {"role": "model", "parts": [{"text": "b"}]}],
    ),
    _case("get", "get", get_model_request, model="gemini-2.5-flash"),
    _case(
        "get-tuned", "get", get_model_request, model="projects/proj/locations/us-central1/models/42"
    ),
    _case(
        "delete",
        "delete",
        delete_model_request,
        model="projects/proj/locations/us-central1/models/42",
    ),
    _case(
        "update",
        "update",
        update_model_request,
        model="projects/proj/locations/us-central1/models/42",
        config={"display_name": "n", "description": "d", "default_checkpoint_id": "2"},
    ),
    _case(
        "update-bare",
        "update",
        update_model_request,
        model="models/42",
        config={"description": "d"},
    ),
    _case("list", "list", list_models_request, config={"page_size": 5, "page_token": "t"}),
    _case("list-filter", "list", list_models_request, config={"filter": "x=y"}),
    _case("list-tuned", "list", list_models_request, config={"query_base": False, "page_size": 2}),
    _case(
        "list-tuned-filter",
        "list",
        list_models_request,
        config={"query_base": False, "filter": "x=y"},
    ),
    _case(
        "embed-gemini-one",
        "embed_content",
        embed_content_request,
        model="gemini-embedding-001",
        contents="a",
        config={
            "task_type": "RETRIEVAL_QUERY",
            "auto_truncate": True,
            "title": "t",
            "output_dimensionality": 8,
        },
    ),
    _case(
        "embed-gemini-many",
        "embed_content",
        embed_content_request,
        model="gemini-embedding-001",
        contents=["a", "b"],
        config={"output_dimensionality": 8},
    ),
    _case(
        "embed-gemini-2",
        "embed_content",
        embed_content_request,
        model="gemini-embedding-2",
        contents=["a", {"inline_data": {"data": PNG, "mime_type": "image/png"}}],
        config={"document_ocr": True, "audio_track_extraction": False},
    ),
    _case(
        "embed-gemini-2-one",
        "embed_content",
        embed_content_request,
        model="gemini-embedding-2",
        contents="a",
    ),
    _case(
        "embed-predict",
        "embed_content",
        embed_content_request,
        model="text-embedding-005",
        contents=["a", "b"],
        config={
            "task_type": "CLASSIFICATION",
            "title": "t",
            "mime_type": "text/plain",
            "output_dimensionality": 4,
            "auto_truncate": False,
        },
    ),
    _case(
        "embed-predict-one",
        "embed_content",
        embed_content_request,
        model="text-multilingual-embedding-002",
        contents="a",
    ),
    _case(
        "embed-maas",
        "embed_content",
        embed_content_request,
        model="publishers/x/models/e5-maas",
        contents="a",
    ),
    _case(
        "images-min",
        "generate_images",
        generate_images_request,
        model="imagen-4.0-generate-001",
        prompt="a cat",
    ),
    _case(
        "images-full",
        "generate_images",
        generate_images_request,
        model="imagen-4.0-generate-001",
        prompt="a cat",
        config={
            "output_gcs_uri": "gs://b/o",
            "negative_prompt": "dogs",
            "number_of_images": 2,
            "aspect_ratio": "16:9",
            "guidance_scale": 7.5,
            "seed": 4,
            "safety_filter_level": "BLOCK_LOW_AND_ABOVE",
            "person_generation": "DONT_ALLOW",
            "include_safety_attributes": True,
            "include_rai_reason": True,
            "language": "en",
            "output_mime_type": "image/jpeg",
            "output_compression_quality": 90,
            "add_watermark": False,
            "labels": {"k": "v"},
            "image_size": "2K",
            "enhance_prompt": True,
        },
    ),
    _case(
        "upscale",
        "upscale_image",
        upscale_image_request,
        model="imagen-4.0-upscale-preview",
        image=IMG,
        upscale_factor="x4",
        config={
            "output_gcs_uri": "gs://b/u",
            "safety_filter_level": "BLOCK_NONE",
            "person_generation": "ALLOW_ADULT",
            "include_rai_reason": True,
            "output_mime_type": "image/png",
            "output_compression_quality": 50,
            "enhance_input_image": True,
            "image_preservation_factor": 0.6,
            "labels": {"a": "b"},
        },
    ),
    _case(
        "upscale-min",
        "upscale_image",
        upscale_image_request,
        model="imagen-4.0-upscale-preview",
        image=IMG,
        upscale_factor="x2",
    ),
    _case(
        "recontext",
        "recontext_image",
        recontext_image_request,
        model="imagen-product-recontext-preview-06-30",
        source={
            "prompt": "on a beach",
            "person_image": IMG,
            "product_images": [
                {"product_image": IMG},
                {"product_image": {"gcs_uri": "gs://b/p.png"}},
            ],
        },
        config={
            "number_of_images": 2,
            "base_steps": 32,
            "output_gcs_uri": "gs://b/r",
            "seed": 9,
            "safety_filter_level": "BLOCK_ONLY_HIGH",
            "person_generation": "ALLOW_ALL",
            "add_watermark": True,
            "output_mime_type": "image/jpeg",
            "output_compression_quality": 70,
            "enhance_prompt": False,
            "labels": {"x": "y"},
        },
    ),
    _case(
        "recontext-vto",
        "recontext_image",
        recontext_image_request,
        model="virtual-try-on-preview-08-04",
        source={"person_image": IMG, "product_images": [{"product_image": IMG}]},
    ),
    _case(
        "segment",
        "segment_image",
        segment_image_request,
        model="image-segmentation-001",
        source={"prompt": "the cat", "image": IMG, "scribble_image": {"image": IMG}},
        config={
            "mode": "SEMANTIC",
            "max_predictions": 2,
            "confidence_threshold": 0.3,
            "mask_dilation": 0.05,
            "binary_color_threshold": 0.5,
            "labels": {"a": "b"},
        },
    ),
    _case(
        "segment-min",
        "segment_image",
        segment_image_request,
        model="image-segmentation-001",
        source={"image": {"gcs_uri": "gs://b/i.png"}},
    ),
    _case(
        "videos-prompt",
        "generate_videos",
        generate_videos_request,
        model="veo-3.0-generate-001",
        prompt="a cat",
    ),
    _case(
        "videos-full",
        "generate_videos",
        generate_videos_request,
        model="veo-2.0-generate-001",
        source={"prompt": "a cat", "image": {"gcs_uri": "gs://b/i.png", "mime_type": "image/png"}},
        config={
            "number_of_videos": 2,
            "output_gcs_uri": "gs://b/v",
            "fps": 24,
            "duration_seconds": 8,
            "seed": 1,
            "aspect_ratio": "9:16",
            "resolution": "1080p",
            "person_generation": "allow_adult",
            "pubsub_topic": "projects/p/topics/t",
            "negative_prompt": "dogs",
            "enhance_prompt": True,
            "generate_audio": False,
            "last_frame": IMG,
            "reference_images": [{"image": IMG, "reference_type": "ASSET"}],
            "compression_quality": "LOSSLESS",
            "resize_mode": "PAD",
            "labels": {"a": "b"},
        },
    ),
    _case(
        "videos-video",
        "generate_videos",
        generate_videos_request,
        model="veo-2.0-generate-001",
        video={"uri": "gs://b/v.mp4", "mime_type": "video/mp4"},
        prompt="extend",
    ),
    _case(
        "videos-mask",
        "generate_videos",
        generate_videos_request,
        model="veo-2.0-generate-001",
        source={"prompt": "p", "video": {"video_bytes": b"vid", "mime_type": "video/mp4"}},
        config={"mask": {"image": IMG, "mask_mode": "INSERT"}},
    ),
]

# Bodies whose keys are literal (predict's instances and parameters are free-form values).
_RAW = {"embed-predict", "embed-predict-one"}


@pytest.mark.parametrize(("cname", "theirs_call", "our_call"), CASES, ids=[c[0] for c in CASES])
def test_models_method_on_vertex(
    oracle: Oracle, cname: str, theirs_call: Callable[[Any], Any], our_call: Callable[[], Any]
) -> None:
    theirs = oracle.sent(theirs_call)
    same(theirs, ours(our_call()), camel=cname not in _RAW)


def _edit_pair() -> list[tuple[str, list[Any], list[Any], dict[str, Any]]]:
    """(name, google-genai's reference images, ours, config) for edit_image."""
    mask_cfg = {
        "mask_mode": "MASK_MODE_USER_PROVIDED",
        "segmentation_classes": [1, 2],
        "mask_dilation": 0.02,
    }
    control_cfg = {"control_type": "CONTROL_TYPE_CANNY", "enable_control_image_computation": True}
    style_cfg = {"style_description": "oil"}
    subject_cfg = {"subject_type": "SUBJECT_TYPE_PERSON", "subject_description": "a man"}
    full = {
        "output_gcs_uri": "gs://b/e",
        "negative_prompt": "n",
        "number_of_images": 1,
        "aspect_ratio": "1:1",
        "guidance_scale": 3.0,
        "seed": 2,
        "safety_filter_level": "BLOCK_MEDIUM_AND_ABOVE",
        "person_generation": "ALLOW_ADULT",
        "include_safety_attributes": True,
        "include_rai_reason": False,
        "language": "ja",
        "output_mime_type": "image/png",
        "output_compression_quality": 40,
        "add_watermark": True,
        "labels": {"a": "b"},
        "edit_mode": "EDIT_MODE_INPAINT_REMOVAL",
        "base_steps": 12,
    }

    def every_kind(sdk: Any) -> list[Any]:
        """One reference image of each kind, built with ``sdk``'s types (google-genai's or ours)."""
        image = sdk.Image(**IMG)
        return [
            sdk.RawReferenceImage(reference_id=1, reference_image=image),
            sdk.MaskReferenceImage(
                reference_id=2, reference_image=image, config=sdk.MaskReferenceConfig(**mask_cfg)
            ),
            sdk.ControlReferenceImage(
                reference_id=3,
                reference_image=image,
                config=sdk.ControlReferenceConfig(**control_cfg),
            ),
            sdk.StyleReferenceImage(
                reference_id=4, reference_image=image, config=sdk.StyleReferenceConfig(**style_cfg)
            ),
            sdk.SubjectReferenceImage(
                reference_id=5,
                reference_image=image,
                config=sdk.SubjectReferenceConfig(**subject_cfg),
            ),
            sdk.ContentReferenceImage(
                reference_id=6, reference_image=sdk.Image(gcs_uri="gs://b/c.png")
            ),
        ]

    return [
        (
            "all-kinds",
            every_kind(gt),
            every_kind(types),
            full,
        ),
        (
            "raw-only",
            [gt.RawReferenceImage(reference_id=1, reference_image=gt.Image(**IMG))],
            [types.RawReferenceImage(reference_id=1, reference_image=types.Image(**IMG))],
            {},
        ),
    ]


@pytest.mark.parametrize(
    ("cname", "theirs_refs", "our_refs", "config"),
    _edit_pair(),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_edit_image_on_vertex(
    oracle: Oracle, cname: str, theirs_refs: list[Any], our_refs: list[Any], config: dict[str, Any]
) -> None:
    theirs = oracle.sent(
        lambda c: c.models.edit_image(
            model="imagen-3.0-capability-001",
            prompt="p",
            reference_images=theirs_refs,
            config=config or None,
        )
    )
    mine = edit_image_request(
        "imagen-3.0-capability-001", "p", our_refs, config or None, vertex=VERTEX
    )
    same(theirs, ours(mine))


_ORACLES: dict[str, Oracle] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_property_oracle() -> Any:
    yield
    made = _ORACLES.pop("o", None)
    if made is not None:
        made.close()


@settings(max_examples=60, deadline=None)
@given(
    picked=st.lists(st.sampled_from([c for _, c in GENERATE_CONFIGS if c]), max_size=4),
    contents=st.sampled_from([c for _, c in CONTENTS]),
    stream=st.booleans(),
)
def test_any_mix_of_settings_matches_google_genai(
    picked: list[dict[str, Any]], contents: Any, stream: bool
) -> None:
    """Hypothesis: any mix of the Vertex settings above, with any contents, in one request."""
    config: dict[str, Any] = {}
    for part in picked:
        config.update(part)
    oracle = _ORACLES.get("o")
    if oracle is None:
        oracle = _ORACLES["o"] = Oracle()
    method = "generate_content_stream" if stream else "generate_content"
    # Each SDK gets its own copy: google-genai processes schemas in place.
    theirs_config, our_config = copy.deepcopy(config) or None, copy.deepcopy(config) or None
    theirs = oracle.sent(
        lambda c: getattr(c.models, method)(
            model="gemini-2.5-flash", contents=copy.deepcopy(contents), config=theirs_config
        )
    )
    mine = generate_content_request(
        "gemini-2.5-flash", contents, our_config, vertex=VERTEX, stream=stream
    )
    same(theirs, ours(mine))
