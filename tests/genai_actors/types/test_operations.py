"""Long-running operations decode per backend, matching google-genai."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from google.genai import types as gt

from genai_actors import types
from genai_actors.types._base import to_builtins

MLDEV_DONE = {
    "name": "models/veo-3.0/operations/abc",
    "done": True,
    "metadata": {"@type": "x"},
    "response": {
        "@type": "type.googleapis.com/PredictLongRunningResponse",
        "generateVideoResponse": {
            "generatedSamples": [
                {"video": {"uri": "https://files/abc:download", "encoding": "video/mp4"}},
                {"video": {"encodedVideo": base64.b64encode(b"\x00\x01mp4").decode()}},
            ],
            "raiMediaFilteredCount": 1,
            "raiMediaFilteredReasons": ["reason"],
        },
    },
}
VERTEX_DONE = {
    "name": "projects/p/locations/l/publishers/google/models/veo/operations/1",
    "done": True,
    "response": {
        "videos": [
            {"gcsUri": "gs://b/v.mp4", "mimeType": "video/mp4"},
            {"bytesBase64Encoded": base64.b64encode(b"vid").decode(), "mimeType": "video/mp4"},
        ],
        "raiMediaFilteredCount": 0,
    },
}


@pytest.mark.parametrize(("raw", "vertex"), [(MLDEV_DONE, False), (VERTEX_DONE, True)])
def test_generate_videos_operation_matches_google_genai(raw: dict[str, Any], vertex: bool) -> None:
    """The typed result equals google-genai's, from a dict or raw JSON bytes."""
    theirs = gt.GenerateVideosOperation.from_api_response(raw, is_vertex_ai=vertex)
    for source in (raw, json.dumps(raw).encode()):
        ours = types.GenerateVideosOperation.from_api_response(source, is_vertex_ai=vertex)
        assert ours.done is True
        assert ours.result == ours.response
        assert ours.response is not None
        videos = ours.response.generated_videos or []
        expected = theirs.response.generated_videos if theirs.response else []
        assert [v.video.uri if v.video else None for v in videos] == [
            v.video.uri if v.video else None for v in expected or []
        ]
        assert [v.video.video_bytes if v.video else None for v in videos] == [
            v.video.video_bytes if v.video else None for v in expected or []
        ]
        assert ours.response.rai_media_filtered_count == (
            theirs.response.rai_media_filtered_count if theirs.response else None
        )


def test_pending_and_failed_operations() -> None:
    """A running operation has no result; a failed one exposes its error."""
    running = types.GenerateVideosOperation.from_api_response({"name": "op/1"})
    assert running.done is None
    assert running.result is None
    failed = types.GenerateVideosOperation.from_api_response(
        {"name": "op/1", "done": True, "error": {"code": 3, "message": "bad prompt"}}
    )
    assert failed.error == {"code": 3, "message": "bad prompt"}
    assert failed.error_info == types.OperationError(code=3, message="bad prompt")


def test_generic_operation_keeps_raw_response() -> None:
    """The generic Operation keeps ``response`` as the raw object for later subclasses."""
    op = types.Operation.from_api_response(
        {
            "name": "fileSearchStores/s/operations/o",
            "done": True,
            "response": {"parent": "p", "documentName": "d"},
            "unknown": 1,
        }
    )
    assert op.response == {"parent": "p", "documentName": "d"}
    assert to_builtins(op)["name"] == "fileSearchStores/s/operations/o"


def test_invalid_operation_payload_raises_value_error() -> None:
    """Something that is not an operation is a ValueError, not a crash."""
    with pytest.raises(ValueError, match="not a valid"):
        types.GenerateVideosOperation.from_api_response(b"[1, 2]")
