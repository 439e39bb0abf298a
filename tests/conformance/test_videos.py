"""Conformance: ``models.generate_videos`` against google-genai 3.4's request body.

google-genai 3.4 refuses ``generate_videos`` on the Gemini Developer API before sending anything,
so its Developer request cannot be captured. The body of ``predictLongRunning`` is the same
predict-style ``{instances, parameters}`` message on both backends, so the oracle is the request
google-genai sends in Vertex AI express mode (API key, no project) to the same emulator, which
serves and records it. Two documented
deviations are applied to it: the Vertex path (``/v1beta1/[publishers/google/]models/{m}``) becomes
the Developer one (``/v1/models/{m}``), and a video given by URI is ``gcsUri`` on Vertex,
``uri`` on the Developer API. Only fields both
backends accept are used.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from google import genai
from google.genai import errors as gerrors, types as gtypes

import genai_actors as ga
from genai_actors import types as ours_types
from genai_actors.emulator import Emulator

from ._compare import (
    API_KEY,
    GOOGLE_GENAI_WARNINGS,
    WireRequest,
    assert_same_requests,
    camel_requests,
    capture,
    wire,
)

pytestmark = [
    GOOGLE_GENAI_WARNINGS,
    # google-genai 3.4 steers users to ``source=``; the older arguments are what we compare too.
    pytest.mark.filterwarnings(
        "ignore:The generate_videos method with prompt/image/video:DeprecationWarning"
    ),
]

VEO = "veo-3.0-generate-001"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(64, 128))


@dataclass
class Ctx:
    """The client's types module and a video URI from an earlier generation."""

    t: Any
    video_uri: str


Call = Callable[[Any, Ctx], Any]

CONFIG = {
    "number_of_videos": 1,
    "duration_seconds": 8,
    "aspect_ratio": "16:9",
    "resolution": "720p",
    "person_generation": "allow_adult",
    "negative_prompt": "rain",
    "enhance_prompt": True,
}

CASES: list[tuple[str, Call]] = [
    ("prompt", lambda c, x: c.models.generate_videos(model=VEO, prompt="A fox in snow")),
    (
        "prefixed-model",
        lambda c, x: c.models.generate_videos(model=f"models/{VEO}", prompt="A fox"),
    ),
    (
        "image-and-config",
        lambda c, x: c.models.generate_videos(
            model=VEO,
            prompt="Animate this",
            image=x.t.Image(image_bytes=PNG, mime_type="image/png"),
            config=CONFIG,
        ),
    ),
    (
        "typed-config",
        lambda c, x: c.models.generate_videos(
            model=VEO,
            prompt="A fox",
            config=x.t.GenerateVideosConfig(number_of_videos=2, aspect_ratio="9:16"),
        ),
    ),
    (
        "last-frame-and-references",
        lambda c, x: c.models.generate_videos(
            model=VEO,
            prompt="From here to there",
            image=x.t.Image(image_bytes=PNG, mime_type="image/png"),
            config={
                "last_frame": {"image_bytes": JPEG, "mime_type": "image/jpeg"},
                "reference_images": [
                    {
                        "image": {"image_bytes": PNG, "mime_type": "image/png"},
                        "reference_type": "ASSET",
                    }
                ],
            },
        ),
    ),
    (
        "lower-case-reference-type",
        lambda c, x: c.models.generate_videos(
            model=VEO,
            prompt="In this style",
            config={
                "reference_images": [
                    {
                        "image": {"image_bytes": PNG, "mime_type": "image/png"},
                        "reference_type": "style",
                    }
                ]
            },
        ),
    ),
    (
        "source",
        lambda c, x: c.models.generate_videos(
            model=VEO,
            source=x.t.GenerateVideosSource(
                prompt="A fox", image=x.t.Image(image_bytes=PNG, mime_type="image/png")
            ),
        ),
    ),
    (
        "video-uri",
        lambda c, x: c.models.generate_videos(
            model=VEO, prompt="Extend it", video=x.t.Video(uri=x.video_uri)
        ),
    ),
]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    """An emulator whose videos are done at the first poll."""
    async with Emulator(video_polls=0) as emulator:
        yield emulator


def _developer(requests: list[WireRequest]) -> list[WireRequest]:
    """google-genai's Vertex express request as the Developer API spells it."""

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {("uri" if k == "gcsUri" else k): walk(v) for k, v in value.items()}
        return value

    out = []
    for r in requests:
        path = re.sub(r"^/v1beta1/(publishers/google/)?models/", "/v1/models/", r.path)
        out.append(WireRequest(r.method, path, r.query, walk(r.body)))
    return out


@pytest.mark.parametrize(("case", "call"), CASES, ids=[c[0] for c in CASES])
async def test_same_body_as_google_genai_vertex_express(
    emu: Emulator, ours: ga.AsyncClient, case: str, call: Call
) -> None:
    """Our Developer API request equals google-genai's express-mode request, path aside."""
    first = await ours.models.generate_videos(model=VEO, prompt="seed")
    done = await ours.operations.get(first)
    assert done.result is not None
    assert done.result.generated_videos
    video = done.result.generated_videos[0].video
    assert video is not None
    assert video.uri
    express = genai.Client(
        vertexai=True, api_key=API_KEY, http_options=gtypes.HttpOptions(base_url=emu.url)
    ).aio
    try:
        send = lambda: capture(emu, lambda: call(express, Ctx(gtypes, video.uri or "")))  # noqa: E731
        if case == "prefixed-model":
            # ``models/{m}`` keeps google-genai's express path off the publisher-model routes the
            # emulator serves (/v1beta1/models/{m}); the request is recorded all the same.
            with pytest.raises(gerrors.ClientError) as refused:
                await send()
            assert refused.value.code == 404
        else:
            await send()
        recorded = list(emu.recorded)
        assert len(recorded) == 1
        assert recorded[0].path.startswith("/v1beta1/")
        expected = _developer(camel_requests(wire(recorded)))
    finally:
        await express.aclose()
    got = await capture(emu, lambda: call(ours, Ctx(ours_types, video.uri or "")))
    assert_same_requests(got, expected)
    assert len(got) == 1


async def test_google_genai_refuses_videos_on_the_developer_api(
    emu: Emulator, theirs: genai.client.AsyncClient
) -> None:
    """Why the oracle above is express mode: google-genai 3.4 sends nothing on the Developer API."""
    with pytest.raises(ValueError, match="only supported"):
        await theirs.models.generate_videos(model=VEO, prompt="A fox")
    assert len(emu.recorded) == 0


async def test_operations_get_of_a_finished_video(
    emu: Emulator, ours: ga.AsyncClient, theirs: genai.client.AsyncClient
) -> None:
    """Polling a finished video operation sends the same GET, and both decode the same video."""
    op = await ours.models.generate_videos(model=VEO, prompt="A fox")
    assert op.name
    done = await ours.operations.get(op)
    expected = await capture(
        emu,
        lambda: theirs.operations.get(
            gtypes.GenerateVideosOperation.model_validate({"name": op.name})
        ),
    )
    their_op = await theirs.operations.get(
        gtypes.GenerateVideosOperation.model_validate({"name": op.name})
    )
    got = await capture(emu, lambda: ours.operations.get(op))
    assert_same_requests(got, expected)
    assert their_op.done is True
    assert done.done is True
    assert their_op.result is not None
    assert done.result is not None
    their_videos = their_op.result.generated_videos or []
    our_videos = done.result.generated_videos or []
    assert [v.video.uri for v in our_videos if v.video] == [
        v.video.uri for v in their_videos if v.video
    ]
