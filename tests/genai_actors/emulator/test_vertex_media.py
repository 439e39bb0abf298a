"""Vertex AI media: Imagen ``:predict`` (generate, edit, upscale, recontext, segment), text
embeddings through ``:predict``, and Veo through ``:predictLongRunning`` /
``:fetchPredictOperation``, driven by google-genai (the oracle) and raw requests."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from google.genai import errors, types
from hypothesis import given, settings, strategies as st

from genai_actors.emulator import Emulator
from genai_actors.emulator._media import image_size, mask_png, png

from .conftest import BEARER, SCOPE, Raw, vertex_client
from .png_check import decode_png

# google-genai marks the Imagen methods deprecated; the emulator still serves them.
pytestmark = [
    pytest.mark.filterwarnings("ignore::google.genai.errors.ExperimentalWarning"),
    pytest.mark.filterwarnings("ignore:The generate_videos method:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One threaded emulator for the module."""
    with Emulator(bearer_tokens=["test-token"], video_polls=1) as emu:
        yield emu


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Any:
    """google-genai's sync client on Vertex AI, one per module (each costs ~0.7 s)."""
    return vertex_client(emulator.url)


@pytest.fixture(autouse=True)
def _fresh(emulator: Emulator) -> None:
    """Each test starts with an empty request log and no faults."""
    emulator.recorded.clear()
    emulator.faults.clear()


def _image(width: int, height: int, seed: str = "in") -> types.Image:
    return types.Image(image_bytes=png(seed, width, height), mime_type="image/png")


def _sizes(images: list[Any]) -> list[tuple[int, int]]:
    out = []
    for generated in images:
        width, height, _, _ = decode_png(generated.image.image_bytes)
        out.append((width, height))
    return out


@pytest.mark.parametrize(
    ("aspect", "size"),
    [("1:1", (64, 64)), ("16:9", (88, 48)), ("9:16", (48, 88)), ("4:3", (80, 56))],
)
def test_generate_images_follow_the_aspect_ratio(client: Any, aspect: str, size: Any) -> None:
    """generate_images answers number_of_images valid PNGs shaped by the aspect ratio."""
    result = client.models.generate_images(
        model="imagen-4.0-generate-001",
        prompt="a lighthouse",
        config={"number_of_images": 2, "aspect_ratio": aspect},
    )
    assert _sizes(result.generated_images) == [size, size]
    first, second = (g.image.image_bytes for g in result.generated_images)
    assert first != second
    again = client.models.generate_images(
        model="imagen-4.0-generate-001",
        prompt="a lighthouse",
        config={"number_of_images": 2, "aspect_ratio": aspect},
    )
    assert again.generated_images[0].image.image_bytes == first


def test_edit_keeps_the_raw_image_size(emulator: Emulator, client: Any) -> None:
    """edit_image answers PNGs the size of the raw reference image, depending on the prompt."""
    raw = types.RawReferenceImage(reference_id=1, reference_image=_image(30, 20))
    mask = types.MaskReferenceImage(
        reference_id=2, config=types.MaskReferenceConfig(mask_mode="MASK_MODE_BACKGROUND")
    )
    one = client.models.edit_image(
        model="imagen-3.0-capability-001",
        prompt="add a hat",
        reference_images=[raw, mask],
        config={"edit_mode": "EDIT_MODE_INPAINT_INSERTION", "number_of_images": 2},
    )
    assert _sizes(one.generated_images) == [(30, 20), (30, 20)]
    two = client.models.edit_image(
        model="imagen-3.0-capability-001", prompt="add a scarf", reference_images=[raw, mask]
    )
    assert two.generated_images[0].image.image_bytes != one.generated_images[0].image.image_bytes
    edit = next(r for r in emulator.recorded if r.path.endswith(":predict"))
    assert edit.path.endswith("/publishers/google/models/imagen-3.0-capability-001:predict")
    types_sent = [ref["referenceType"] for ref in edit.json["instances"][0]["referenceImages"]]
    assert types_sent == ["REFERENCE_TYPE_RAW", "REFERENCE_TYPE_MASK"]


@pytest.mark.parametrize(("factor", "scale"), [("x2", 2), ("x4", 4)])
def test_upscale_multiplies_the_size(client: Any, factor: str, scale: int) -> None:
    """upscale_image doubles (x2) or quadruples (x4) the input's width and height."""
    result = client.models.upscale_image(
        model="imagen-4.0-upscale-preview", image=_image(24, 10), upscale_factor=factor
    )
    assert _sizes(result.generated_images) == [(24 * scale, 10 * scale)]


def test_recontext_sizes(client: Any) -> None:
    """Product recontext answers the product image's size; try-on the person image's."""
    product = types.ProductImage(product_image=_image(30, 20))
    result = client.models.recontext_image(
        model="imagen-product-recontext-preview-06-30",
        source=types.RecontextImageSource(prompt="on a beach", product_images=[product]),
        config={"number_of_images": 2},
    )
    assert _sizes(result.generated_images) == [(30, 20), (30, 20)]
    result = client.models.recontext_image(
        model="virtual-try-on-preview-08-04",
        source=types.RecontextImageSource(person_image=_image(12, 40), product_images=[product]),
    )
    assert _sizes(result.generated_images) == [(12, 40)]


def test_segmentation_masks_have_the_image_size(client: Any) -> None:
    """segment_image answers one greyscale mask per prompt term, the image's size, labelled;
    a foreground mask marks some pixels and not all."""
    result = client.models.segment_image(
        model="image-segmentation-001",
        source=types.SegmentImageSource(image=_image(40, 30), prompt="cat, dog"),
        config={"mode": "PROMPT"},
    )
    assert [m.labels[0].label for m in result.generated_masks] == ["cat", "dog"]
    for mask in result.generated_masks:
        width, height, channels, rows = decode_png(mask.mask.image_bytes)
        assert (width, height, channels) == (40, 30, 1)
        marked = sum(row.count(255) for row in rows)
        assert 0 < marked < width * height
        assert 0 < mask.labels[0].score <= 1
    fg = client.models.segment_image(
        model="image-segmentation-001",
        source=types.SegmentImageSource(image=_image(16, 16)),
        config={"mode": "FOREGROUND"},
    )
    assert len(fg.generated_masks) == 1


def test_text_embeddings_through_predict(emulator: Emulator, client: Any) -> None:
    """text-embedding-005 embeds through :predict, with statistics and billable characters."""
    result = client.models.embed_content(
        model="text-embedding-005",
        contents=["alpha beta", "gamma"],
        config={"output_dimensionality": 16},
    )
    assert [len(e.values) for e in result.embeddings] == [16, 16]
    assert result.embeddings[0].statistics.token_count == 2
    assert result.metadata.billable_character_count == len("alpha beta") + len("gamma")
    (request,) = list(emulator.recorded)
    assert request.path.endswith("/publishers/google/models/text-embedding-005:predict")
    assert request.json["instances"] == [{"content": "alpha beta"}, {"content": "gamma"}]


def test_videos_through_fetch_predict_operation(emulator: Emulator, client: Any) -> None:
    """generate_videos starts an operation polled with :fetchPredictOperation; done, it carries
    MP4 bytes, or gs:// URIs under output_gcs_uri."""
    op = client.models.generate_videos(model="veo-2.0-generate-001", prompt="waves")
    assert not op.done
    while not op.done:
        op = client.operations.get(op)
    video = op.result.generated_videos[0].video
    assert video.video_bytes[4:8] == b"ftyp"
    assert video.mime_type == "video/mp4"
    op = client.models.generate_videos(
        model="veo-3.0-generate-001", prompt="waves", config={"output_gcs_uri": "gs://b/out"}
    )
    while not op.done:
        op = client.operations.get(op)
    assert op.result.generated_videos[0].video.uri.startswith("gs://b/out/")
    polls = [r for r in emulator.recorded if r.path.endswith(":fetchPredictOperation")]
    assert polls
    assert polls[0].json == {"operationName": polls[0].json["operationName"]}


def test_unknown_model_and_bad_inputs(client: Any) -> None:
    """An unknown Imagen model is a 404; an image that is not an image, a 400."""
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_images(model="imagen-0", prompt="x")
    assert caught.value.code == 404
    bad = types.Image(image_bytes=b"not an image", mime_type="image/png")
    with pytest.raises(errors.ClientError) as caught:
        client.models.upscale_image(
            model="imagen-4.0-upscale-preview", image=bad, upscale_factor="x2"
        )
    assert caught.value.code == 400


async def test_raw_predict_refusals(vraw: Raw) -> None:
    """Raw refusals: bad aspect ratio, too many samples, an upscale past 4096 pixels, a
    fetchPredictOperation naming another model's operation."""
    base = f"{SCOPE}/publishers/google/models"
    cases = [
        (
            "imagen-4.0-generate-001",
            {"instances": [{"prompt": "x"}], "parameters": {"aspectRatio": "2:1"}},
        ),
        (
            "imagen-4.0-generate-001",
            {"instances": [{"prompt": "x"}], "parameters": {"sampleCount": 9}},
        ),
        (
            "imagen-4.0-upscale-preview",
            {
                "instances": [
                    {"image": {"bytesBase64Encoded": base64.b64encode(png("a", 2000, 1)).decode()}}
                ],
                "parameters": {"upscaleConfig": {"upscaleFactor": "x4"}, "mode": "upscale"},
            },
        ),
    ]
    for model, body in cases:
        status, out = await vraw.post(f"{base}/{model}:predict", body, headers=BEARER)
        assert status == 400, out
    status, _ = await vraw.post(
        f"{base}/veo-2.0-generate-001:fetchPredictOperation",
        {"operationName": f"{base}/veo-3.0-generate-001/operations/x"},
        headers=BEARER,
    )
    assert status == 400


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(1, 300),
    height=st.integers(1, 300),
    box=st.tuples(*[st.floats(0, 1)] * 4),
)
def test_media_pngs_are_valid_and_sized(width: int, height: int, box: Any) -> None:
    """Property: every PNG and mask the emulator makes decodes strictly, with the asked size,
    and image_size reads it back."""
    left, right = sorted(box[0::2])
    top, bottom = sorted(box[1::2])
    for data, channels in (
        (png("s", width, height), 3),
        (mask_png(width, height, (left, top, right, bottom)), 1),
    ):
        assert decode_png(data)[:3] == (width, height, channels)
        assert image_size(data) == (width, height)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=64), st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"RIFF"]))
def test_image_size_never_raises(data: bytes, prefix: bytes) -> None:
    """Property: any bytes give a positive size or None, never an exception."""
    size = image_size(prefix + data)
    assert size is None or (size[0] > 0 and size[1] > 0)


def test_image_size_reads_jpeg_and_webp_headers() -> None:
    """JPEG (after APP0, at the SOF0 marker) and WebP VP8X headers give their sizes."""
    app0 = b"\xff\xe0" + (16).to_bytes(2, "big") + b"JFIF\x00" + bytes(9)
    sof0 = b"\xff\xc0" + (17).to_bytes(2, "big") + b"\x08" + (30).to_bytes(2, "big")
    sof0 += (40).to_bytes(2, "big") + bytes(10)
    assert image_size(b"\xff\xd8" + app0 + sof0) == (40, 30)
    vp8x = b"RIFF" + bytes(4) + b"WEBPVP8X" + bytes(8)
    vp8x += (99).to_bytes(3, "little") + (49).to_bytes(3, "little")
    assert image_size(vp8x) == (100, 50)
