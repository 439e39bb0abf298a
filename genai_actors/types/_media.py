"""Image and video generation, editing, upscaling and segmentation shapes.

Generated from the wire reference; attribute names match google-genai's ``types``.
"""

from __future__ import annotations

import importlib
import io
import sys
from typing import Annotated, Any

from ._base import Base64Bytes, HttpResponse, _Wire, enum_of
from ._enums import (
    ControlReferenceType,
    EditMode,
    ImagePromptLanguage,
    ImageResizeMode,
    MaskReferenceMode,
    PersonGeneration,
    SafetyFilterLevel,
    SegmentMode,
    SubjectReferenceType,
    VideoCompressionQuality,
    VideoGenerationMaskMode,
    VideoGenerationReferenceType,
)
from ._http import HttpOptions


class GenerateImagesConfig(_Wire, kw_only=True):
    """The ``GenerateImagesConfig`` wire object."""

    http_options: HttpOptions | None = None
    output_gcs_uri: str | None = None
    negative_prompt: str | None = None
    number_of_images: int | None = None
    aspect_ratio: str | None = None
    guidance_scale: float | None = None
    seed: int | None = None
    safety_filter_level: Annotated[SafetyFilterLevel, enum_of(SafetyFilterLevel)] | None = None
    person_generation: Annotated[PersonGeneration, enum_of(PersonGeneration)] | None = None
    include_safety_attributes: bool | None = None
    include_rai_reason: bool | None = None
    language: Annotated[ImagePromptLanguage, enum_of(ImagePromptLanguage)] | None = None
    output_mime_type: str | None = None
    output_compression_quality: int | None = None
    add_watermark: bool | None = None
    labels: dict[str, str] | None = None
    image_size: str | None = None
    enhance_prompt: bool | None = None


class GenerateImagesResponse(_Wire, kw_only=True):
    """The ``GenerateImagesResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None
    generated_images: list[GeneratedImage] | None = None
    positive_prompt_safety_attributes: SafetyAttributes | None = None


class SafetyAttributes(_Wire, kw_only=True):
    """The ``SafetyAttributes`` wire object."""

    categories: list[str] | None = None
    scores: list[float] | None = None
    content_type: str | None = None


class GeneratedImage(_Wire, kw_only=True):
    """The ``GeneratedImage`` wire object."""

    image: Image | None = None
    rai_filtered_reason: str | None = None
    safety_attributes: SafetyAttributes | None = None
    enhanced_prompt: str | None = None


class Image(_Wire, kw_only=True):
    """The ``Image`` wire object."""

    gcs_uri: str | None = None
    image_bytes: Base64Bytes | None = None
    mime_type: str | None = None

    def __post_init__(self) -> None:
        if type(self.image_bytes) is bytes:
            self.image_bytes = Base64Bytes(self.image_bytes)

    @classmethod
    def from_file(cls, *, location: str, mime_type: str | None = None) -> Image:
        """An image read from a local path, or one that refers to Cloud Storage.

        A ``gs://`` URI, or an ``https://storage.googleapis.com/`` URL (rewritten to
        ``gs://``), gives an image with only ``gcs_uri`` set; anything else is read as a local
        file, its MIME type guessed from the name unless ``mime_type`` is given.

        Raises:
            OSError: The local file cannot be read.
        """
        import mimetypes
        import pathlib
        import urllib.parse

        parsed = urllib.parse.urlparse(location)
        if parsed.scheme == "https" and parsed.netloc == "storage.googleapis.com":
            location = urllib.parse.urlunparse(
                parsed._replace(
                    scheme="gs", netloc="", path=f"/{urllib.parse.unquote(parsed.path)}"
                )
            )
            parsed = urllib.parse.urlparse(location)
        if parsed.scheme == "gs":
            return cls(gcs_uri=location)
        data = pathlib.Path(location).read_bytes()
        return cls(image_bytes=data, mime_type=mime_type or mimetypes.guess_type(location)[0])

    def save(self, location: str) -> None:
        """Writes ``image_bytes`` to the local path ``location``.

        Raises:
            ValueError: The image has no bytes (for example only a ``gcs_uri``).
            OSError: The file cannot be written.
        """
        import pathlib

        if self.image_bytes is None:
            raise ValueError("The image bytes are not set.")
        pathlib.Path(location).write_bytes(self.image_bytes)

    def show(self) -> None:
        """Shows the image with Pillow: inline in a notebook (through IPython), else in the
        system's image viewer.

        Raises:
            RuntimeError: Pillow is not installed (``pip install pillow``).
            ValueError: The image has no bytes.
        """
        picture = _pil_image(self.image_bytes)
        if "ipykernel" in sys.modules:
            display = _ipython_display()
            if display is not None:
                display.display(picture)
        else:
            picture.show()


class EditImageConfig(_Wire, kw_only=True):
    """The ``EditImageConfig`` wire object."""

    http_options: HttpOptions | None = None
    output_gcs_uri: str | None = None
    negative_prompt: str | None = None
    number_of_images: int | None = None
    aspect_ratio: str | None = None
    guidance_scale: float | None = None
    seed: int | None = None
    safety_filter_level: Annotated[SafetyFilterLevel, enum_of(SafetyFilterLevel)] | None = None
    person_generation: Annotated[PersonGeneration, enum_of(PersonGeneration)] | None = None
    include_safety_attributes: bool | None = None
    include_rai_reason: bool | None = None
    language: Annotated[ImagePromptLanguage, enum_of(ImagePromptLanguage)] | None = None
    output_mime_type: str | None = None
    output_compression_quality: int | None = None
    add_watermark: bool | None = None
    labels: dict[str, str] | None = None
    edit_mode: Annotated[EditMode, enum_of(EditMode)] | None = None
    base_steps: int | None = None


class EditImageResponse(_Wire, kw_only=True):
    """The ``EditImageResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None
    generated_images: list[GeneratedImage] | None = None


class UpscaleImageConfig(_Wire, kw_only=True):
    """The ``UpscaleImageConfig`` wire object."""

    http_options: HttpOptions | None = None
    output_gcs_uri: str | None = None
    safety_filter_level: Annotated[SafetyFilterLevel, enum_of(SafetyFilterLevel)] | None = None
    person_generation: Annotated[PersonGeneration, enum_of(PersonGeneration)] | None = None
    include_rai_reason: bool | None = None
    output_mime_type: str | None = None
    output_compression_quality: int | None = None
    enhance_input_image: bool | None = None
    image_preservation_factor: float | None = None
    labels: dict[str, str] | None = None


class UpscaleImageResponse(_Wire, kw_only=True):
    """The ``UpscaleImageResponse`` wire object."""

    sdk_http_response: HttpResponse | None = None
    generated_images: list[GeneratedImage] | None = None


class RecontextImageConfig(_Wire, kw_only=True):
    """The ``RecontextImageConfig`` wire object."""

    http_options: HttpOptions | None = None
    number_of_images: int | None = None
    base_steps: int | None = None
    output_gcs_uri: str | None = None
    seed: int | None = None
    safety_filter_level: Annotated[SafetyFilterLevel, enum_of(SafetyFilterLevel)] | None = None
    person_generation: Annotated[PersonGeneration, enum_of(PersonGeneration)] | None = None
    add_watermark: bool | None = None
    output_mime_type: str | None = None
    output_compression_quality: int | None = None
    enhance_prompt: bool | None = None
    labels: dict[str, str] | None = None


class RecontextImageSource(_Wire, kw_only=True):
    """The ``RecontextImageSource`` wire object."""

    prompt: str | None = None
    person_image: Image | None = None
    product_images: list[ProductImage] | None = None


class ProductImage(_Wire, kw_only=True):
    """The ``ProductImage`` wire object."""

    product_image: Image | None = None


class RecontextImageResponse(_Wire, kw_only=True):
    """The ``RecontextImageResponse`` wire object."""

    generated_images: list[GeneratedImage] | None = None


class SegmentImageConfig(_Wire, kw_only=True):
    """The ``SegmentImageConfig`` wire object."""

    http_options: HttpOptions | None = None
    mode: Annotated[SegmentMode, enum_of(SegmentMode)] | None = None
    max_predictions: int | None = None
    confidence_threshold: float | None = None
    mask_dilation: float | None = None
    binary_color_threshold: float | None = None
    labels: dict[str, str] | None = None


class SegmentImageSource(_Wire, kw_only=True):
    """The ``SegmentImageSource`` wire object."""

    prompt: str | None = None
    image: Image | None = None
    scribble_image: ScribbleImage | None = None


class ScribbleImage(_Wire, kw_only=True):
    """The ``ScribbleImage`` wire object."""

    image: Image | None = None


class SegmentImageResponse(_Wire, kw_only=True):
    """The ``SegmentImageResponse`` wire object."""

    generated_masks: list[GeneratedImageMask] | None = None


class GeneratedImageMask(_Wire, kw_only=True):
    """The ``GeneratedImageMask`` wire object."""

    mask: Image | None = None
    labels: list[EntityLabel] | None = None


class EntityLabel(_Wire, kw_only=True):
    """The ``EntityLabel`` wire object."""

    label: str | None = None
    score: float | None = None


class GenerateVideosConfig(_Wire, kw_only=True):
    """The ``GenerateVideosConfig`` wire object."""

    http_options: HttpOptions | None = None
    number_of_videos: int | None = None
    output_gcs_uri: str | None = None
    fps: int | None = None
    duration_seconds: int | None = None
    seed: int | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None
    person_generation: str | None = None
    pubsub_topic: str | None = None
    negative_prompt: str | None = None
    enhance_prompt: bool | None = None
    generate_audio: bool | None = None
    last_frame: Image | None = None
    reference_images: list[VideoGenerationReferenceImage] | None = None
    mask: VideoGenerationMask | None = None
    compression_quality: (
        Annotated[VideoCompressionQuality, enum_of(VideoCompressionQuality)] | None
    ) = None
    labels: dict[str, str] | None = None
    webhook_config: WebhookConfig | None = None
    resize_mode: Annotated[ImageResizeMode, enum_of(ImageResizeMode)] | None = None


class VideoGenerationReferenceImage(_Wire, kw_only=True):
    """The ``VideoGenerationReferenceImage`` wire object."""

    image: Image | None = None
    reference_type: (
        Annotated[VideoGenerationReferenceType, enum_of(VideoGenerationReferenceType)] | None
    ) = None


class WebhookConfig(_Wire, kw_only=True):
    """The ``WebhookConfig`` wire object."""

    uris: list[str] | None = None
    user_metadata: dict[str, Any] | None = None


class VideoGenerationMask(_Wire, kw_only=True):
    """The ``VideoGenerationMask`` wire object."""

    image: Image | None = None
    mask_mode: Annotated[VideoGenerationMaskMode, enum_of(VideoGenerationMaskMode)] | None = None


class GenerateVideosSource(_Wire, kw_only=True):
    """The ``GenerateVideosSource`` wire object."""

    prompt: str | None = None
    image: Image | None = None
    video: Video | None = None


class Video(_Wire, kw_only=True):
    """The ``Video`` wire object."""

    uri: str | None = None
    video_bytes: Base64Bytes | None = None
    mime_type: str | None = None

    def __post_init__(self) -> None:
        if type(self.video_bytes) is bytes:
            self.video_bytes = Base64Bytes(self.video_bytes)

    @classmethod
    def from_file(cls, *, location: str, mime_type: str | None = None) -> Video:
        """A video read from the local path ``location``, its MIME type guessed from the name
        unless ``mime_type`` is given.

        Raises:
            OSError: The file cannot be read.
        """
        import mimetypes
        import pathlib

        data = pathlib.Path(location).read_bytes()
        return cls(video_bytes=data, mime_type=mime_type or mimetypes.guess_type(location)[0])

    def save(self, path: str) -> None:
        """Writes ``video_bytes`` to the local path ``path``. A generated video on the Gemini
        Developer API arrives as a ``uri``: fetch its bytes first with
        ``client.files.download(file=video)``, which also keeps them on the video.

        Raises:
            NotImplementedError: The video has no bytes (only a ``uri``).
            OSError: The file cannot be written.
        """
        import pathlib

        if not self.video_bytes:
            raise NotImplementedError("Saving remote videos is not supported.")
        pathlib.Path(path).write_bytes(self.video_bytes)

    def show(self) -> None:
        """Shows the video inline in a notebook (through IPython; MIME type ``video/mp4`` when
        unset); does nothing where IPython is not installed.

        Raises:
            ValueError: The video has no bytes (only a ``uri``, or nothing).
        """
        if self.uri and not self.video_bytes:
            raise ValueError("Showing remote videos is not supported.")
        if not self.video_bytes:
            raise ValueError("Video has no bytes.")
        display = _ipython_display()
        if display is not None:
            display.display(
                display.Video(
                    data=bytes(self.video_bytes),
                    mimetype=self.mime_type or "video/mp4",
                    embed=True,
                )
            )

    def __repr__(self) -> str:
        shown = "<video_bytes>" if self.video_bytes else "None"
        return f"Video(uri={self.uri}, video_bytes={shown}, mime_type={self.mime_type})"


class GenerateVideosResponse(_Wire, kw_only=True):
    """The ``GenerateVideosResponse`` wire object."""

    generated_videos: list[GeneratedVideo] | None = None
    rai_media_filtered_count: int | None = None
    rai_media_filtered_reasons: list[str] | None = None


class GeneratedVideo(_Wire, kw_only=True):
    """The ``GeneratedVideo`` wire object."""

    video: Video | None = None


class RawReferenceImage(_Wire, kw_only=True):
    """The ``RawReferenceImage`` wire object."""

    reference_image: Image | None = None
    reference_id: int | None = None
    reference_type: str | None = None


class MaskReferenceImage(_Wire, kw_only=True):
    """The ``MaskReferenceImage`` wire object."""

    reference_image: Image | None = None
    reference_id: int | None = None
    reference_type: str | None = None
    config: MaskReferenceConfig | None = None
    mask_image_config: MaskReferenceConfig | None = None


class MaskReferenceConfig(_Wire, kw_only=True):
    """The ``MaskReferenceConfig`` wire object."""

    mask_mode: Annotated[MaskReferenceMode, enum_of(MaskReferenceMode)] | None = None
    segmentation_classes: list[int] | None = None
    mask_dilation: float | None = None


class ControlReferenceImage(_Wire, kw_only=True):
    """The ``ControlReferenceImage`` wire object."""

    reference_image: Image | None = None
    reference_id: int | None = None
    reference_type: str | None = None
    config: ControlReferenceConfig | None = None
    control_image_config: ControlReferenceConfig | None = None


class ControlReferenceConfig(_Wire, kw_only=True):
    """The ``ControlReferenceConfig`` wire object."""

    control_type: Annotated[ControlReferenceType, enum_of(ControlReferenceType)] | None = None
    enable_control_image_computation: bool | None = None


class StyleReferenceImage(_Wire, kw_only=True):
    """The ``StyleReferenceImage`` wire object."""

    reference_image: Image | None = None
    reference_id: int | None = None
    reference_type: str | None = None
    config: StyleReferenceConfig | None = None
    style_image_config: StyleReferenceConfig | None = None


class StyleReferenceConfig(_Wire, kw_only=True):
    """The ``StyleReferenceConfig`` wire object."""

    style_description: str | None = None


class SubjectReferenceImage(_Wire, kw_only=True):
    """The ``SubjectReferenceImage`` wire object."""

    reference_image: Image | None = None
    reference_id: int | None = None
    reference_type: str | None = None
    config: SubjectReferenceConfig | None = None
    subject_image_config: SubjectReferenceConfig | None = None


class SubjectReferenceConfig(_Wire, kw_only=True):
    """The ``SubjectReferenceConfig`` wire object."""

    subject_type: Annotated[SubjectReferenceType, enum_of(SubjectReferenceType)] | None = None
    subject_description: str | None = None


class ContentReferenceImage(_Wire, kw_only=True):
    """The ``ContentReferenceImage`` wire object."""

    reference_image: Image | None = None
    reference_id: int | None = None
    reference_type: str | None = None


def _ipython_display() -> Any:
    """IPython's ``display`` module, or ``None`` where IPython is not installed."""
    try:
        return importlib.import_module("IPython.display")
    except ImportError:
        return None


def _pil_image(data: bytes | None) -> Any:
    """``data`` opened as a Pillow image.

    Raises:
        RuntimeError: Pillow is not installed.
        ValueError: ``data`` is ``None``.
    """
    try:
        pil = importlib.import_module("PIL.Image")
    except ImportError:
        raise RuntimeError(
            "The PIL module is not available. Please install the Pillow package."
            " `pip install pillow`"
        ) from None
    if data is None:
        raise ValueError("The image bytes are not set.")
    return pil.open(io.BytesIO(data))


__all__ = [
    "GenerateImagesConfig",
    "GenerateImagesResponse",
    "SafetyAttributes",
    "GeneratedImage",
    "Image",
    "EditImageConfig",
    "EditImageResponse",
    "UpscaleImageConfig",
    "UpscaleImageResponse",
    "RecontextImageConfig",
    "RecontextImageSource",
    "ProductImage",
    "RecontextImageResponse",
    "SegmentImageConfig",
    "SegmentImageSource",
    "ScribbleImage",
    "SegmentImageResponse",
    "GeneratedImageMask",
    "EntityLabel",
    "GenerateVideosConfig",
    "VideoGenerationReferenceImage",
    "WebhookConfig",
    "VideoGenerationMask",
    "GenerateVideosSource",
    "Video",
    "GenerateVideosResponse",
    "GeneratedVideo",
    "RawReferenceImage",
    "MaskReferenceImage",
    "MaskReferenceConfig",
    "ControlReferenceImage",
    "ControlReferenceConfig",
    "StyleReferenceImage",
    "StyleReferenceConfig",
    "SubjectReferenceImage",
    "SubjectReferenceConfig",
    "ContentReferenceImage",
]
