"""Vertex-only Imagen request builders: ``edit_image``, ``upscale_image``, ``recontext_image``,
``segment_image`` (all POST ``{model}:predict``), shaped as google-genai sends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import types as t
from ..errors import UnsupportedByBackendError
from ..types._base import _Wire
from ..types._validate import coerce, normalize_keys
from ._config import coerce_config
from ._errors import InvalidRequestError
from ._generate import MLDEV
from ._models_api import IMAGE_OUTPUT, IMAGE_PARAMETERS, _image
from ._names import VertexLocation, t_model
from ._request import Request

__all__ = [
    "edit_image_request",
    "recontext_image_request",
    "segment_image_request",
    "upscale_image_request",
]

_EDIT = (
    *IMAGE_PARAMETERS,
    ("edit_mode", ("editMode",)),
    ("base_steps", ("editConfig", "baseSteps")),
)
_UPSCALE = (
    ("output_gcs_uri", ("storageUri",)),
    ("safety_filter_level", ("safetySetting",)),
    ("person_generation", ("personGeneration",)),
    ("include_rai_reason", ("includeRaiReason",)),
    *IMAGE_OUTPUT,
    ("enhance_input_image", ("upscaleConfig", "enhanceInputImage")),
    ("image_preservation_factor", ("upscaleConfig", "imagePreservationFactor")),
)
_RECONTEXT = (
    ("number_of_images", ("sampleCount",)),
    ("base_steps", ("baseSteps",)),
    ("output_gcs_uri", ("storageUri",)),
    ("seed", ("seed",)),
    ("safety_filter_level", ("safetySetting",)),
    ("person_generation", ("personGeneration",)),
    ("add_watermark", ("addWatermark",)),
    *IMAGE_OUTPUT,
    ("enhance_prompt", ("enhancePrompt",)),
)
_SEGMENT = (
    ("mode", ("mode",)),
    ("max_predictions", ("maxPredictions",)),
    ("confidence_threshold", ("confidenceThreshold",)),
    ("mask_dilation", ("maskDilation",)),
    ("binary_color_threshold", ("binaryColorThreshold",)),
)

_REFERENCE_TYPES: dict[type[Any], str] = {
    t.RawReferenceImage: "REFERENCE_TYPE_RAW",
    t.MaskReferenceImage: "REFERENCE_TYPE_MASK",
    t.ControlReferenceImage: "REFERENCE_TYPE_CONTROL",
    t.StyleReferenceImage: "REFERENCE_TYPE_STYLE",
    t.SubjectReferenceImage: "REFERENCE_TYPE_SUBJECT",
    t.ContentReferenceImage: "REFERENCE_TYPE_CONTENT",
}


class _ReferenceImageInput(_Wire, kw_only=True):
    """Any reference image given as a dict: the union of the reference image fields."""

    reference_image: t.Image | None = None
    reference_id: int | None = None
    reference_type: str | None = None
    mask_image_config: t.MaskReferenceConfig | None = None
    control_image_config: t.ControlReferenceConfig | None = None
    style_image_config: t.StyleReferenceConfig | None = None
    subject_image_config: t.SubjectReferenceConfig | None = None


def _vertex_only(vertex: VertexLocation | None, method: str) -> None:
    if vertex is None:
        raise UnsupportedByBackendError(MLDEV, f"models.{method}", "It needs Vertex AI.")


def _parameters(config: Any, table: Sequence[tuple[str, tuple[str, ...]]]) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    for name, wire_path in table:
        value = getattr(config, name)
        if value is None:
            continue
        target = parameters
        for key in wire_path[:-1]:
            target = target.setdefault(key, {})
        target[wire_path[-1]] = value
    return parameters


def _body(instance: dict[str, Any], parameters: dict[str, Any], labels: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"instances": [instance]}
    if parameters:
        body["parameters"] = parameters
    if labels is not None:
        body["labels"] = labels
    return body


def _reference(value: Any, path: str) -> dict[str, Any]:
    kind = _REFERENCE_TYPES.get(type(value))
    fields: Any
    if kind is None:
        fields = coerce(value, _ReferenceImageInput, path)
        extra = None
    else:
        fields = value
        extra = value.config if hasattr(value, "config") else None
    out: dict[str, Any] = {}
    if fields.reference_image is not None:
        out["referenceImage"] = _image(
            fields.reference_image, f"{path}.reference_image", vertex=True
        )
    if fields.reference_id is not None:
        out["referenceId"] = fields.reference_id
    reference_type = fields.reference_type or kind
    if reference_type is not None:
        out["referenceType"] = reference_type
    mask = getattr(fields, "mask_image_config", None) or (
        extra if isinstance(extra, t.MaskReferenceConfig) else None
    )
    if mask is not None:
        entry: dict[str, Any] = {}
        if mask.mask_mode is not None:
            entry["maskMode"] = mask.mask_mode
        if mask.segmentation_classes is not None:
            entry["maskClasses"] = mask.segmentation_classes
        if mask.mask_dilation is not None:
            entry["dilation"] = mask.mask_dilation
        out["maskImageConfig"] = entry
    control = getattr(fields, "control_image_config", None) or (
        extra if isinstance(extra, t.ControlReferenceConfig) else None
    )
    if control is not None:
        entry = {}
        if control.control_type is not None:
            entry["controlType"] = control.control_type
        if control.enable_control_image_computation is not None:
            entry["computeControl"] = control.enable_control_image_computation
        out["controlImageConfig"] = entry
    style = getattr(fields, "style_image_config", None) or (
        extra if isinstance(extra, t.StyleReferenceConfig) else None
    )
    if style is not None:
        out["styleImageConfig"] = normalize_keys(style, t.StyleReferenceConfig)
    subject = getattr(fields, "subject_image_config", None) or (
        extra if isinstance(extra, t.SubjectReferenceConfig) else None
    )
    if subject is not None:
        out["subjectImageConfig"] = normalize_keys(subject, t.SubjectReferenceConfig)
    return out


def edit_image_request(
    model: str,
    prompt: str,
    reference_images: Sequence[Any],
    config: Any = None,
    *,
    vertex: VertexLocation | None = None,
) -> Request:
    """Build ``edit_image`` (Vertex AI only).

    Raises:
        UnsupportedByBackendError: On the Gemini Developer API.
        InvalidRequestError: A bad prompt, reference image or config.
    """
    _vertex_only(vertex, "edit_image")
    if not isinstance(prompt, str):
        raise InvalidRequestError("prompt", f"expected a string, got {type(prompt).__name__}")
    cfg = coerce_config(config, t.EditImageConfig)
    refs = [_reference(r, f"reference_images[{i}]") for i, r in enumerate(reference_images)]
    instance = {"prompt": prompt, "referenceImages": refs}
    body = _body(instance, _parameters(cfg, _EDIT), cfg.labels)
    return Request("POST", f"{t_model(model, vertex=True)}:predict", None, body, cfg.http_options)


def upscale_image_request(
    model: str,
    image: Any,
    upscale_factor: str,
    config: Any = None,
    *,
    vertex: VertexLocation | None = None,
) -> Request:
    """Build ``upscale_image`` (Vertex AI only); ``mode`` is ``upscale``, one image out.

    Raises:
        UnsupportedByBackendError: On the Gemini Developer API.
        InvalidRequestError: A bad image, factor or config.
    """
    _vertex_only(vertex, "upscale_image")
    cfg = coerce_config(config, t.UpscaleImageConfig)
    parameters = _parameters(cfg, _UPSCALE)
    parameters.setdefault("upscaleConfig", {})["upscaleFactor"] = upscale_factor
    parameters["sampleCount"] = 1
    parameters["mode"] = "upscale"
    body = _body({"image": _image(image, "image", vertex=True)}, parameters, cfg.labels)
    return Request("POST", f"{t_model(model, vertex=True)}:predict", None, body, cfg.http_options)


def recontext_image_request(
    model: str, source: Any, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build ``recontext_image`` (Vertex AI only): prompt, person image, product images.

    Raises:
        UnsupportedByBackendError: On the Gemini Developer API.
        InvalidRequestError: A bad source or config.
    """
    _vertex_only(vertex, "recontext_image")
    src = coerce(source, t.RecontextImageSource, "source")
    cfg = coerce_config(config, t.RecontextImageConfig)
    instance: dict[str, Any] = {}
    if src.prompt is not None:
        instance["prompt"] = src.prompt
    if src.person_image is not None:
        instance["personImage"] = {
            "image": _image(src.person_image, "source.person_image", vertex=True)
        }
    if src.product_images is not None:
        instance["productImages"] = [
            {"image": _image(p.product_image, f"source.product_images[{i}]", vertex=True)}
            if p.product_image is not None
            else {}
            for i, p in enumerate(src.product_images)
        ]
    body = _body(instance, _parameters(cfg, _RECONTEXT), cfg.labels)
    return Request("POST", f"{t_model(model, vertex=True)}:predict", None, body, cfg.http_options)


def segment_image_request(
    model: str, source: Any, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build ``segment_image`` (Vertex AI only): prompt, image, scribble.

    Raises:
        UnsupportedByBackendError: On the Gemini Developer API.
        InvalidRequestError: A bad source or config.
    """
    _vertex_only(vertex, "segment_image")
    src = coerce(source, t.SegmentImageSource, "source")
    cfg = coerce_config(config, t.SegmentImageConfig)
    instance: dict[str, Any] = {}
    if src.prompt is not None:
        instance["prompt"] = src.prompt
    if src.image is not None:
        instance["image"] = _image(src.image, "source.image", vertex=True)
    if src.scribble_image is not None:
        scribble = src.scribble_image
        instance["scribble"] = (
            {"image": _image(scribble.image, "source.scribble_image.image", vertex=True)}
            if scribble.image is not None
            else {}
        )
    body = _body(instance, _parameters(cfg, _SEGMENT), cfg.labels)
    return Request("POST", f"{t_model(model, vertex=True)}:predict", None, body, cfg.http_options)
