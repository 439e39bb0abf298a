"""§19 field gating: every field google-genai refuses on one backend is refused by ours before
sending, naming the backend.

The oracle is google-genai's own converters, read with :mod:`ast` (never run or copied): each
``_X_to_mldev`` / ``_X_to_vertex`` function's ``if getv(from_object, [field]) is not None:
raise ...`` names a field of type ``X`` that backend refuses.
"""

from __future__ import annotations

import ast
import pathlib
import re
from typing import Any

import pytest
from google import genai

from genai_actors import types
from genai_actors._transformers import (
    VertexLocation,
    count_tokens_request,
    embed_content_request,
    generate_content_request,
)
from genai_actors._transformers._gating import MLDEV_ONLY, VERTEX_ONLY
from genai_actors.errors import UnsupportedByBackendError

VERTEX = VertexLocation("proj", "us-central1")
MODULES = ("models.py", "batches.py", "caches.py", "tunings.py", "_live_converters.py", "tokens.py")


def _refused_by_google_genai() -> dict[str, dict[str, set[str]]]:
    """{"mldev" | "vertex": {type name: fields that backend refuses}}."""
    root = pathlib.Path(genai.__file__).parent
    found: dict[str, dict[str, set[str]]] = {"mldev": {}, "vertex": {}}
    for name in MODULES:
        tree = ast.parse((root / name).read_text())
        for fn in tree.body:
            match = isinstance(fn, ast.FunctionDef) and re.match(
                r"_(\w+)_to_(mldev|vertex)$", fn.name
            )
            if not match:
                continue
            type_name, side = match.groups()
            for node in ast.walk(fn):
                test = getattr(node, "test", None)
                if not (
                    isinstance(node, ast.If)
                    and isinstance(test, ast.Compare)
                    and isinstance(test.left, ast.Call)
                    and getattr(test.left.func, "id", "") == "getv"
                    and any(isinstance(b, ast.Raise) for b in node.body)
                ):
                    continue
                path = test.left.args[1]
                if isinstance(path, ast.List):
                    field = ".".join(str(e.value) for e in path.elts if isinstance(e, ast.Constant))
                    found[side].setdefault(type_name, set()).add(field)
    return found


THEIRS = _refused_by_google_genai()

# Refused where the method is built rather than by the shared tables, each with its test.
ELSEWHERE = {
    "BatchJobSource": "test_batches_vertex.py and the Developer API's batches._source",
    "BatchJobDestination": "test_batches_vertex.py::test_developer_api_inputs_refused...",
    "CreateBatchJobConfig": "batches.create (dest on mldev, webhook_config on Vertex)",
    "ListBatchJobsConfig": "batches.list (filter on mldev)",
    "CreateTuningJobConfig": "tunings.tune: the Developer API takes only its five fields",
    "TuningDataset": "tunings.tune (examples on Vertex, URIs on mldev)",
    "CreateCachedContentConfig": "caches.create (kms_key_name, tests/genai_actors/vertex)",
    "EmbedContentParametersPrivate": "internal to google-genai's embed_content",
    "CreateAuthTokenParameters": "auth_tokens is Developer-API-only (the whole surface)",
    "LiveClientSetup": "live_setup (Live on Vertex AI is not built yet)",
    "LiveConnectConfig": "live_setup",
    "SessionResumptionConfig": "live_setup",
    "LiveClientRealtimeInput": "Live on Vertex AI is not built yet",
    "LiveMusicClientMessage": "live.music is Developer-API-only (the whole surface)",
    "LiveMusicConnectParameters": "live.music",
    "LiveMusicSetConfigParameters": "live.music",
    "LiveMusicSetWeightedPromptsParameters": "live.music",
}


def test_the_oracle_finds_google_genais_refusals() -> None:
    assert "routing_config" in THEIRS["mldev"]["GenerateContentConfig"]
    assert "file_search" in THEIRS["vertex"]["Tool"]


@pytest.mark.parametrize("side", ["mldev", "vertex"])
def test_every_field_google_genai_refuses_is_gated(side: str) -> None:
    table = VERTEX_ONLY if side == "mldev" else MLDEV_ONLY
    ours = {
        cls.__name__: fields
        for cls, fields in table.items()
        if getattr(types, cls.__name__, None) is cls
    }
    missing = {
        name: sorted(fields - ours.get(name, frozenset()))
        for name, fields in THEIRS[side].items()
        if name not in ELSEWHERE and fields - ours.get(name, frozenset())
    }
    assert missing == {}


# Gated by us, not by a converter of google-genai's: on the Developer API google-genai 3.6.1
# refuses generate_videos as a whole, so these never reach a converter there.
OURS_ONLY = {
    "mldev": {
        "GenerateVideosConfig": {
            "compression_quality",
            "fps",
            "generate_audio",
            "labels",
            "mask",
            "output_gcs_uri",
            "pubsub_topic",
            "resize_mode",
            "seed",
        },
        "Image": {"gcs_uri"},
    },
    "vertex": {},
}


@pytest.mark.parametrize("side", ["mldev", "vertex"])
def test_no_field_is_gated_that_google_genai_sends(side: str) -> None:
    table = VERTEX_ONLY if side == "mldev" else MLDEV_ONLY
    extra = {
        cls.__name__: set(fields) - THEIRS[side].get(cls.__name__, set())
        for cls, fields in table.items()
        # The public types (request bodies made at run time inherit their config's gates).
        if getattr(types, cls.__name__, None) is cls
    }
    extra = {name: fields for name, fields in extra.items() if fields}
    assert extra == OURS_ONLY[side]


def _mldev_cases() -> list[tuple[str, Any]]:
    """(type, field) pairs of the generate family, each with a request that sets it."""
    return [
        (
            "GenerateContentConfig.routing_config",
            lambda: generate_content_request("m", "x", {"routing_config": {"auto_mode": {}}}),
        ),
        (
            "GenerateContentConfig.audio_timestamp",
            lambda: generate_content_request("m", "x", {"audio_timestamp": True}),
        ),
        (
            "SafetySetting.method",
            lambda: generate_content_request(
                "m",
                "x",
                {
                    "safety_settings": [
                        {
                            "category": "HARM_CATEGORY_HATE_SPEECH",
                            "threshold": "OFF",
                            "method": "SEVERITY",
                        }
                    ]
                },
            ),
        ),
        (
            "Tool.retrieval",
            lambda: generate_content_request("m", "x", {"tools": [{"retrieval": {}}]}),
        ),
        (
            "GoogleSearch.exclude_domains",
            lambda: generate_content_request(
                "m", "x", {"tools": [{"google_search": {"exclude_domains": ["a"]}}]}
            ),
        ),
        (
            "ImageConfig.output_mime_type",
            lambda: generate_content_request(
                "m", "x", {"image_config": {"output_mime_type": "image/png"}}
            ),
        ),
        (
            "FunctionCall.will_continue",
            lambda: generate_content_request(
                "m",
                [
                    {
                        "role": "model",
                        "parts": [{"function_call": {"name": "f", "will_continue": True}}],
                    }
                ],
            ),
        ),
        (
            "CountTokensConfig.system_instruction",
            lambda: count_tokens_request("m", "x", {"system_instruction": "s"}),
        ),
        (
            "EmbedContentConfig.auto_truncate",
            lambda: embed_content_request("m", "x", {"auto_truncate": True}),
        ),
    ]


def _vertex_cases() -> list[tuple[str, Any]]:
    return [
        (
            "GenerateContentConfig.enable_enhanced_civic_answers",
            lambda: generate_content_request(
                "m", "x", {"enable_enhanced_civic_answers": True}, vertex=VERTEX
            ),
        ),
        (
            "Tool.file_search",
            lambda: generate_content_request(
                "m", "x", {"tools": [{"file_search": {}}]}, vertex=VERTEX
            ),
        ),
        (
            "ToolConfig.include_server_side_tool_invocations",
            lambda: generate_content_request(
                "m",
                "x",
                {"tool_config": {"include_server_side_tool_invocations": True}},
                vertex=VERTEX,
            ),
        ),
        (
            "Part.part_metadata",
            lambda: generate_content_request(
                "m", [{"text": "x", "part_metadata": {"a": 1}}], vertex=VERTEX
            ),
        ),
        (
            "FunctionResponse.will_continue",
            lambda: generate_content_request(
                "m",
                [{"function_response": {"name": "f", "response": {}, "will_continue": True}}],
                vertex=VERTEX,
            ),
        ),
    ]


@pytest.mark.parametrize(("field", "build"), _mldev_cases(), ids=[c[0] for c in _mldev_cases()])
def test_vertex_only_field_refused_on_the_developer_api(field: str, build: Any) -> None:
    type_name, name = field.split(".")
    assert name in THEIRS["mldev"][type_name]
    with pytest.raises(UnsupportedByBackendError) as info:
        build()
    assert info.value.backend == "Gemini Developer API"
    assert name in info.value.feature


@pytest.mark.parametrize(("field", "build"), _vertex_cases(), ids=[c[0] for c in _vertex_cases()])
def test_developer_api_field_refused_on_vertex(field: str, build: Any) -> None:
    type_name, name = field.split(".")
    assert name in THEIRS["vertex"][type_name]
    with pytest.raises(UnsupportedByBackendError) as info:
        build()
    assert info.value.backend == "Vertex AI API"
    assert name in info.value.feature


def test_the_same_fields_pass_on_their_own_backend() -> None:
    generate_content_request("m", "x", {"routing_config": {"auto_mode": {}}}, vertex=VERTEX)
    generate_content_request("m", "x", {"tools": [{"file_search": {}}]})
    assert types.GenerateContentConfig(audio_timestamp=True).audio_timestamp
