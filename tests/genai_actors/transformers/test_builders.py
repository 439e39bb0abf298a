"""Request builders: paths, bodies, strict validation and backend gating."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from genai_actors import types
from genai_actors._transformers._config import function_map, t_tools
from genai_actors._transformers._errors import InvalidRequestError
from genai_actors._transformers._gating import mldev_only_fields, vertex_only_fields
from genai_actors._transformers._generate import (
    compute_tokens_request,
    count_tokens_request,
    generate_content_request,
)
from genai_actors._transformers._models_api import (
    delete_model_request,
    embed_content_request,
    generate_images_request,
    generate_videos_request,
    get_model_request,
    get_operation_request,
    list_models_request,
    update_model_request,
)
from genai_actors._transformers._names import VertexLocation
from genai_actors.errors import UnsupportedByBackendError

VERTEX = VertexLocation("proj", "us-central1")


def body(request: Any) -> Any:
    return json.loads(request.body)


@pytest.mark.parametrize(
    ("config", "path", "message"),
    [
        ({"temprature": 1.0}, "config.temprature", "did you mean 'temperature'"),
        ({"temperature": "hot"}, "config.temperature", "Expected `float | null`"),
        ({"thinking_config": {"budget": 1}}, "config.thinking_config.budget", "unknown field"),
        (
            {"safety_settings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": 3}]},
            "config.safety_settings[0].threshold",
            "Expected `str | null`",
        ),
        ({"tools": [{"google_serch": {}}]}, "config.tools[0].google_serch", "google_search"),
        ({"tools": "nope"}, "config.tools", "Expected `array | null`"),
        ({"speech_config": 5}, "config.speech_config", "unsupported"),
        (types.GenerateContentConfig.model_construct(top_k="many"), "config.top_k", "Expected"),
        (
            # Built unchecked (construction would refuse it): the request check still does.
            types.GenerateContentConfig.model_construct(safety_settings=[{"categry": "X"}]),
            "config.safety_settings[0].categry",
            "category",
        ),
        (
            types.GenerateContentConfig.model_construct(stop_sequences=[1]),
            "config.stop_sequences[0]",
            "Expected `str`",
        ),
    ],
)
def test_bad_config_fails_before_sending_naming_the_field(
    config: Any, path: str, message: str
) -> None:
    """Unknown keys and wrong types raise InvalidRequestError (a ValueError) naming the field."""
    with pytest.raises(InvalidRequestError) as info:
        generate_content_request("gemini-2.5-flash", "hi", config)
    assert info.value.path == path
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_free_form_dicts_keep_their_keys() -> None:
    """Keys inside function args, JSON schemas and extra_body are never renamed."""
    config = {
        "response_json_schema": {"type": "object", "properties": {"snake_key": {}}},
        "tools": [
            {
                "function_declarations": [
                    {
                        "name": "f",
                        "parameters_json_schema": {"properties": {"user_id": {"type": "string"}}},
                    }
                ]
            }
        ],
        "http_options": {"extra_body": {"my_extra": {"inner_key": 1}}},
    }
    contents = [{"function_call": {"name": "f", "args": {"user_id": "u"}}}]
    request = generate_content_request("m", contents, config)
    sent = body(request)
    assert sent["contents"][0]["parts"][0]["functionCall"]["args"] == {"user_id": "u"}
    assert "snake_key" in sent["generationConfig"]["responseJsonSchema"]["properties"]
    assert (
        "user_id"
        in (sent["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"]["properties"])
    )
    # extra_body travels with the call's options; the seam merges it once when sending
    # (tests/genai_actors/transport/test_options.py checks it reaches the wire).
    assert "my_extra" not in sent
    assert request.http_options is not None
    assert request.http_options.extra_body == {"my_extra": {"inner_key": 1}}
    assert "httpOptions" not in sent["generationConfig"]
    assert request.http_options is not None


def test_streaming_request_uses_sse() -> None:
    """Streaming builds streamGenerateContent?alt=sse with the same body."""
    request = generate_content_request("gemini-2.5-flash", "hi", stream=True)
    assert request.method == "POST"
    assert request.path == "models/gemini-2.5-flash:streamGenerateContent"
    assert request.query == {"alt": "sse"}


def test_service_tier_is_lower_case_and_afc_not_sent() -> None:
    """serviceTier goes top-level lower-cased; client-only fields are never sent."""
    sent = body(
        generate_content_request(
            "m",
            "x",
            {
                "service_tier": "PRIORITY",
                "automatic_function_calling": {"disable": True},
                "should_return_http_response": True,
            },
        )
    )
    assert sent["serviceTier"] == "priority"
    assert sent["generationConfig"] == {}


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"routing_config": {"auto_mode": {}}}, "config.routing_config"),
        ({"audio_timestamp": True}, "config.audio_timestamp"),
        ({"tools": [{"retrieval": {}}]}, "config.tools[0].retrieval"),
        (
            {"tools": [{"google_search": {"exclude_domains": ["a"]}}]},
            "config.tools[0].google_search.exclude_domains",
        ),
        (
            {"image_config": {"person_generation": "ALLOW_ALL"}},
            "config.image_config.person_generation",
        ),
        (
            {"tool_config": {"function_calling_config": {"stream_function_call_arguments": True}}},
            "config.tool_config.function_calling_config.stream_function_call_arguments",
        ),
        (
            {"system_instruction": {"function_call": {"name": "f", "will_continue": True}}},
            "config.system_instruction.parts[0].function_call.will_continue",
        ),
    ],
)
def test_vertex_only_fields_raise_on_mldev(config: Any, field: str) -> None:
    """A Vertex-only field fails on the Gemini Developer API, naming field and backend."""
    with pytest.raises(UnsupportedByBackendError) as info:
        generate_content_request("m", "x", config)
    assert info.value.feature == field
    assert "Gemini Developer API" in str(info.value)
    generate_content_request("m", "x", config, vertex=VERTEX)


@pytest.mark.parametrize(
    ("config", "contents", "field"),
    [
        ({"enable_enhanced_civic_answers": True}, "x", "config.enable_enhanced_civic_answers"),
        (
            {"tools": [{"file_search": {"file_search_store_names": ["s"]}}]},
            "x",
            "config.tools[0].file_search",
        ),
        (
            {"tool_config": {"include_server_side_tool_invocations": True}},
            "x",
            "config.tool_config.include_server_side_tool_invocations",
        ),
        (None, [{"part_metadata": {"a": 1}}], "contents[0].parts[0].part_metadata"),
    ],
)
def test_mldev_only_fields_raise_on_vertex(config: Any, contents: Any, field: str) -> None:
    """An mldev-only field fails on Vertex AI, naming field and backend."""
    with pytest.raises(UnsupportedByBackendError) as info:
        generate_content_request("m", contents, config, vertex=VERTEX)
    assert info.value.feature == field
    generate_content_request("m", contents, config)


def test_gating_functions_return_all_paths() -> None:
    """vertex_only_fields / mldev_only_fields list every offending path, as data."""
    config = types.GenerateContentConfig(
        audio_timestamp=True,
        labels={"a": "b"},
        safety_settings=[types.SafetySetting(category="X", method="SEVERITY")],
        tool_config=types.ToolConfig(include_server_side_tool_invocations=True),
        enable_enhanced_civic_answers=True,
    )
    assert vertex_only_fields(config, "config") == [
        "config.audio_timestamp",
        "config.safety_settings[0].method",
    ]
    assert sorted(mldev_only_fields(config)) == [
        "enable_enhanced_civic_answers",
        "tool_config.include_server_side_tool_invocations",
    ]
    tools = [types.Tool(retrieval=types.Retrieval(), file_search=types.FileSearch())]
    assert vertex_only_fields(tools) == ["[0].retrieval"]
    assert mldev_only_fields(tools) == ["[0].file_search"]
    assert vertex_only_fields(types.GenerateContentConfig(temperature=1)) == []


def test_tools_merge_and_function_map() -> None:
    """Declarations from callables and Tools merge into one final Tool; callables are mapped."""

    def a(x: int) -> int:
        return x

    def b() -> None:
        return None

    tools = [
        a,
        types.Tool(google_search=types.GoogleSearch()),
        {"function_declarations": [{"name": "c"}], "code_execution": {}},
        b,
    ]
    merged = t_tools(tools)
    assert [t.google_search is not None for t in merged] == [True, False, False]
    assert merged[1].code_execution is not None
    assert merged[1].function_declarations is None
    assert [d.name for d in merged[2].function_declarations or []] == ["a", "c", "b"]
    assert function_map(tools) == {"a": a, "b": b}


def test_count_and_compute_tokens() -> None:
    """countTokens sends only contents on mldev and rejects Vertex-only fields there."""
    request = count_tokens_request("gemini-2.5-flash", ["a", "b"])
    assert request.path == "models/gemini-2.5-flash:countTokens"
    assert body(request) == {
        "contents": [{"parts": [{"text": "a"}, {"text": "b"}], "role": "user"}]
    }
    with pytest.raises(UnsupportedByBackendError, match=r"config\.system_instruction"):
        count_tokens_request("m", "a", {"system_instruction": "x"})
    with pytest.raises(UnsupportedByBackendError, match="compute_tokens"):
        compute_tokens_request("m", "a")
    request = compute_tokens_request("m", "a", vertex=VERTEX)
    assert request.path == "publishers/google/models/m:computeTokens"


def test_embed_content_on_vertex_uses_the_right_endpoint() -> None:
    """Vertex embedding: embedContent (one), batchEmbedContents (many), predict (others)."""
    one = embed_content_request(
        "gemini-embedding-001",
        "hi",
        {"task_type": "QUESTION_ANSWERING", "auto_truncate": True},
        vertex=VERTEX,
    )
    assert one.path == "publishers/google/models/gemini-embedding-001:embedContent"
    assert body(one) == {
        "content": {"parts": [{"text": "hi"}], "role": "user"},
        "embedContentConfig": {"taskType": "QUESTION_ANSWERING", "autoTruncate": True},
    }
    many = embed_content_request("gemini-embedding-001", ["a", "b"], vertex=VERTEX)
    assert many.path.endswith(":batchEmbedContents")
    assert len(body(many)["requests"]) == 2
    predict = embed_content_request(
        "text-embedding-005",
        ["a", "b"],
        {"output_dimensionality": 8, "task_type": "X"},
        vertex=VERTEX,
    )
    assert predict.path.endswith(":predict")
    assert body(predict) == {
        "instances": [{"content": "a", "task_type": "X"}, {"content": "b", "task_type": "X"}],
        "parameters": {"outputDimensionality": 8},
    }
    with pytest.raises(UnsupportedByBackendError, match="auto_truncate"):
        embed_content_request("text-embedding-004", "a", {"auto_truncate": True})


def test_model_crud_requests() -> None:
    """get / list / update / delete build the documented verbs, paths and queries."""
    assert (get_model_request("gemini-2.5-flash").method, get_model_request("x").path) == (
        "GET",
        "models/x",
    )
    assert get_model_request("x", vertex=VERTEX).path == "publishers/google/models/x"
    listing = list_models_request({"page_size": 5, "page_token": "t"})
    assert (listing.path, listing.query) == ("models", {"pageSize": "5", "pageToken": "t"})
    assert list_models_request({"query_base": False}).path == "tunedModels"
    tuned = list_models_request({"query_base": False}, vertex=VERTEX)
    assert (tuned.path, tuned.query) == ("models", {"filter": "labels.tune-type:*"})
    update = update_model_request("tunedModels/t", {"display_name": "N", "description": "D"})
    assert (update.method, update.path, body(update)) == (
        "PATCH",
        "tunedModels/t",
        {"displayName": "N", "description": "D"},
    )
    assert delete_model_request("tunedModels/t").method == "DELETE"
    with pytest.raises(InvalidRequestError, match=r"config\.page_sise"):
        list_models_request({"page_sise": 5})


def test_generate_videos_on_mldev() -> None:
    """mldev videos: predictLongRunning with image bytes, URI-only video, webhook config."""
    request = generate_videos_request(
        "veo-3.0-generate-001",
        prompt="a cat",
        image=types.Image(image_bytes=b"\xff\x00", mime_type="image/png"),
        video={"uri": "https://v", "video_bytes": b"zz", "mime_type": "video/mp4"},
        config={
            "number_of_videos": 1,
            "duration_seconds": 8,
            "aspect_ratio": "16:9",
            "webhook_config": {"uris": ["https://hook"]},
        },
    )
    assert request.path == "models/veo-3.0-generate-001:predictLongRunning"
    assert body(request) == {
        "instances": [
            {
                "prompt": "a cat",
                "image": {
                    "bytesBase64Encoded": base64.b64encode(b"\xff\x00").decode(),
                    "mimeType": "image/png",
                },
                "video": {"uri": "https://v", "encoding": "video/mp4"},
            }
        ],
        "parameters": {"sampleCount": 1, "durationSeconds": 8, "aspectRatio": "16:9"},
        "webhookConfig": {"uris": ["https://hook"]},
    }
    with pytest.raises(UnsupportedByBackendError, match=r"config\.seed"):
        generate_videos_request("veo", prompt="x", config={"seed": 1})
    with pytest.raises(UnsupportedByBackendError, match=r"image\.gcs_uri"):
        generate_videos_request("veo", image={"gcs_uri": "gs://b/i.png"})
    with pytest.raises(UnsupportedByBackendError, match="webhook_config"):
        generate_videos_request("veo", prompt="x", config={"webhook_config": {}}, vertex=VERTEX)
    with pytest.raises(InvalidRequestError, match="mutually exclusive"):
        generate_videos_request("veo", prompt="x", source={"prompt": "y"})
    with pytest.raises(InvalidRequestError):
        generate_videos_request("veo")


def test_images_and_operations() -> None:
    """generate_images is Vertex-only; operations.get differs per backend."""
    with pytest.raises(UnsupportedByBackendError, match="generate_images"):
        generate_images_request("imagen", "a dog")
    op = get_operation_request("models/veo/operations/123")
    assert (op.method, op.path, op.body) == ("GET", "models/veo/operations/123", None)
    op = get_operation_request(
        types.GenerateVideosOperation(name="projects/p/locations/l/models/veo/operations/9"),
        vertex=VERTEX,
    )
    assert op.path == "projects/p/locations/l/models/veo:fetchPredictOperation"
    assert body(op) == {"operationName": "projects/p/locations/l/models/veo/operations/9"}


@pytest.mark.parametrize(
    ("builder", "args"),
    [
        ("edit_image_request", ("m", "p", [])),
        ("upscale_image_request", ("m", {}, "x2")),
        ("recontext_image_request", ("m", {})),
        ("segment_image_request", ("m", {})),
    ],
)
def test_imagen_methods_are_vertex_only(builder: str, args: tuple[Any, ...]) -> None:
    """Imagen editing methods raise on the Gemini Developer API, naming the method."""
    from genai_actors import _transformers

    with pytest.raises(UnsupportedByBackendError, match=builder.removesuffix("_request")):
        getattr(_transformers, builder)(*args)


def test_generate_request_carries_its_coerced_config_and_checked_bytes() -> None:
    """The request keeps the coerced config (the caller's own struct when typed); its body
    bytes are the ones checked, and its payload decodes from them."""
    typed = types.GenerateContentConfig(temperature=0.5)
    request = generate_content_request("m", "hi", typed)
    assert request.config is typed
    from_dict = generate_content_request("m", "hi", {"max_output_tokens": 5}).config
    assert isinstance(from_dict, types.GenerateContentConfig)
    assert from_dict.max_output_tokens == 5
    assert request.payload == json.loads(request.body or b"")
    assert request.payload == {
        "contents": [{"parts": [{"text": "hi"}], "role": "user"}],
        "generationConfig": {"temperature": 0.5},
    }
