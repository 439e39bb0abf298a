"""Request builders for the other ``models`` methods and for operations.

``embed_content`` (mldev ``batchEmbedContents``; Vertex ``embedContent`` /
``batchEmbedContents`` / ``predict``), ``get`` / ``list`` / ``update`` / ``delete``,
``generate_videos`` (``predictLongRunning``), ``generate_images`` (Vertex ``predict``), and
``operations.get``.
"""

from __future__ import annotations

import base64
from typing import Any

from ..errors import UnsupportedByBackendError
from ..types._content import Content
from ..types._media import (
    GenerateImagesConfig,
    GenerateVideosConfig,
    GenerateVideosSource,
    Image,
    Video,
    VideoGenerationMask,
    VideoGenerationReferenceImage,
)
from ..types._models import (
    DeleteModelConfig,
    EmbedContentConfig,
    GetModelConfig,
    ListModelsConfig,
    UpdateModelConfig,
)
from ..types._validate import coerce, normalize_keys
from ._config import coerce_config
from ._contents import t_content, t_contents
from ._errors import InvalidRequestError
from ._generate import MLDEV, check_backend
from ._names import (
    VertexLocation,
    is_multimodal_embedding_model,
    is_vertex_embed_content_model,
    is_vertex_maas_model,
    t_model,
    t_operation_name,
)
from ._request import Request

__all__ = [
    "delete_model_request",
    "embed_content_request",
    "generate_images_request",
    "generate_videos_request",
    "get_model_request",
    "get_operation_request",
    "list_models_request",
    "update_model_request",
]


def _content_list(contents: list[Content]) -> list[Any]:
    result: list[Any] = normalize_keys(contents, list[Content], "contents")
    return result


def embed_content_request(
    model: str, contents: Any, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build an ``embed_content`` request.

    mldev: ``{model}:batchEmbedContents`` with one ``requests[]`` entry per input, each
    repeating ``model``. Vertex: ``:embedContent`` for one input to a Gemini embedding model,
    ``:batchEmbedContents`` for several, ``:predict`` (text instances) for other models.

    Raises:
        InvalidRequestError: Bad model name, contents or config.
        UnsupportedByBackendError: A Vertex-only config field on mldev.
    """
    cfg = coerce_config(config, EmbedContentConfig)
    check_backend(cfg, "config", vertex=vertex is not None)
    path = t_model(model, vertex=vertex is not None)
    if contents is None or (isinstance(contents, list) and not contents):
        raise InvalidRequestError("contents", "contents are required")
    if vertex is None:
        if is_multimodal_embedding_model(model):
            items = t_contents(contents)
        else:
            raw = contents if isinstance(contents, list) else [contents]
            items = [t_content(c, f"contents[{i}]") for i, c in enumerate(raw)]
        extra: dict[str, Any] = {}
        if cfg.task_type is not None:
            extra["taskType"] = cfg.task_type
        if cfg.title is not None:
            extra["title"] = cfg.title
        if cfg.output_dimensionality is not None:
            extra["outputDimensionality"] = cfg.output_dimensionality
        requests = [
            {"content": content, **extra, "model": path} for content in _content_list(items)
        ]
        return Request(
            "POST", f"{path}:batchEmbedContents", None, {"requests": requests}, cfg.http_options
        )
    settings: dict[str, Any] = {}
    for name, wire in (
        ("task_type", "taskType"),
        ("title", "title"),
        ("output_dimensionality", "outputDimensionality"),
        ("auto_truncate", "autoTruncate"),
        ("document_ocr", "documentOcr"),
        ("audio_track_extraction", "audioTrackExtraction"),
    ):
        value = getattr(cfg, name)
        if value is not None:
            settings[wire] = value
    if is_vertex_embed_content_model(model):
        if is_multimodal_embedding_model(model) or is_vertex_maas_model(model):
            items = t_contents(contents)
        else:
            raw = contents if isinstance(contents, list) else [contents]
            items = [t_content(c, f"contents[{i}]") for i, c in enumerate(raw)]
        converted = _content_list(items)
        if len(converted) > 1:
            if is_vertex_maas_model(model):
                raise InvalidRequestError(
                    "contents", "the embedContent API of this model takes one content at a time"
                )
            requests = [
                {"content": c, **({"embedContentConfig": settings} if settings else {})}
                for c in converted
            ]
            return Request(
                "POST",
                f"{path}:batchEmbedContents",
                None,
                {"requests": requests},
                cfg.http_options,
            )
        body: dict[str, Any] = {"content": converted[0]}
        if settings:
            body["embedContentConfig"] = settings
        return Request("POST", f"{path}:embedContent", None, body, cfg.http_options)
    raw = contents if isinstance(contents, list) else [contents]
    texts = [
        p.text
        for i, c in enumerate(raw)
        for p in (t_content(c, f"contents[{i}]").parts or ())
        if p.text
    ]
    instance: dict[str, Any] = {}
    if cfg.task_type is not None:
        instance["task_type"] = cfg.task_type
    if cfg.title is not None:
        instance["title"] = cfg.title
    if cfg.mime_type is not None:
        instance["mimeType"] = cfg.mime_type
    parameters: dict[str, Any] = {}
    if cfg.output_dimensionality is not None:
        parameters["outputDimensionality"] = cfg.output_dimensionality
    if cfg.auto_truncate is not None:
        parameters["autoTruncate"] = cfg.auto_truncate
    predict: dict[str, Any] = {"instances": [{"content": text, **instance} for text in texts]}
    if parameters:
        predict["parameters"] = parameters
    return Request("POST", f"{path}:predict", None, predict, cfg.http_options)


def get_model_request(
    model: str, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build ``models.get``: GET ``models/x`` / ``tunedModels/x`` (``publishers/...`` on Vertex).

    Raises:
        InvalidRequestError: A bad model name or config.
    """
    cfg = coerce_config(config, GetModelConfig)
    return Request("GET", t_model(model, vertex=vertex is not None), None, None, cfg.http_options)


def delete_model_request(
    model: str, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build ``models.delete``: DELETE the model.

    Raises:
        InvalidRequestError: A bad model name or config.
    """
    cfg = coerce_config(config, DeleteModelConfig)
    return Request(
        "DELETE", t_model(model, vertex=vertex is not None), None, None, cfg.http_options
    )


def update_model_request(
    model: str, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build ``models.update``: PATCH with ``{displayName, description, defaultCheckpointId}``.

    No ``updateMask`` is sent, as in google-genai.

    Raises:
        InvalidRequestError: A bad model name or config.
    """
    cfg = coerce_config(config, UpdateModelConfig)
    body: dict[str, Any] = {}
    if cfg.display_name is not None:
        body["displayName"] = cfg.display_name
    if cfg.description is not None:
        body["description"] = cfg.description
    if cfg.default_checkpoint_id is not None:
        body["defaultCheckpointId"] = cfg.default_checkpoint_id
    return Request("PATCH", t_model(model, vertex=vertex is not None), None, body, cfg.http_options)


_TUNED = "labels.tune-type:*"


def list_models_request(config: Any = None, *, vertex: VertexLocation | None = None) -> Request:
    """Build ``models.list``: base models unless ``query_base`` is ``False``.

    On Vertex AI, listing tuned models adds the filter ``labels.tune-type:*`` as google-genai
    does.

    Raises:
        InvalidRequestError: A bad config.
    """
    cfg = coerce_config(config, ListModelsConfig)
    base = cfg.query_base is not False
    if vertex is not None:
        path = "publishers/google/models" if base else "models"
    else:
        path = "models" if base else "tunedModels"
    query: dict[str, str | list[str]] = {}
    if vertex is not None and not base:
        # google-genai appends "&filter=labels.tune-type:*" to the query unencoded: the
        # server reads two filter parameters.
        query["filter"] = [cfg.filter, _TUNED] if cfg.filter else _TUNED
    elif cfg.filter:
        query["filter"] = cfg.filter
    if cfg.page_size is not None:
        query["pageSize"] = str(cfg.page_size)
    if cfg.page_token is not None:
        query["pageToken"] = cfg.page_token
    return Request("GET", path, query or None, None, cfg.http_options)


def _standard_b64(data: bytes) -> str:
    # Predict-style bodies carry standard-alphabet base64, as google-genai sends them.
    return base64.b64encode(data).decode("ascii")


def _image(value: Any, path: str, *, vertex: bool) -> dict[str, Any]:
    image = coerce(value, Image, path)
    out: dict[str, Any] = {}
    if vertex and image.gcs_uri is not None:
        out["gcsUri"] = image.gcs_uri
    if image.image_bytes is not None:
        out["bytesBase64Encoded"] = _standard_b64(image.image_bytes)
    if image.mime_type is not None:
        out["mimeType"] = image.mime_type
    return out


def _video(value: Any, path: str, *, vertex: bool) -> dict[str, Any]:
    video = coerce(value, Video, path)
    out: dict[str, Any] = {}
    if vertex:
        if video.uri is not None:
            out["gcsUri"] = video.uri
        if video.video_bytes is not None:
            out["bytesBase64Encoded"] = _standard_b64(video.video_bytes)
        if video.mime_type is not None:
            out["mimeType"] = video.mime_type
        return out
    if video.uri is not None:
        out["uri"] = video.uri
    elif video.video_bytes is not None:
        out["encodedVideo"] = _standard_b64(video.video_bytes)
    if video.mime_type is not None:
        out["encoding"] = video.mime_type
    return out


_VIDEO_PARAMETERS = (
    ("number_of_videos", "sampleCount"),
    ("output_gcs_uri", "storageUri"),
    ("fps", "fps"),
    ("duration_seconds", "durationSeconds"),
    ("seed", "seed"),
    ("aspect_ratio", "aspectRatio"),
    ("resolution", "resolution"),
    ("person_generation", "personGeneration"),
    ("pubsub_topic", "pubsubTopic"),
    ("negative_prompt", "negativePrompt"),
    ("enhance_prompt", "enhancePrompt"),
    ("generate_audio", "generateAudio"),
    ("compression_quality", "compressionQuality"),
    ("resize_mode", "resizeMode"),
)


def generate_videos_request(
    model: str,
    *,
    prompt: str | None = None,
    image: Any = None,
    video: Any = None,
    source: Any = None,
    config: Any = None,
    vertex: VertexLocation | None = None,
) -> Request:
    """Build ``generate_videos``: POST ``{model}:predictLongRunning``.

    Body ``{instances: [{prompt, image, video, lastFrame, referenceImages, mask}],
    parameters: {...}}`` plus ``webhookConfig`` (mldev) or ``labels`` (Vertex). On mldev a
    video with both a URI and bytes is sent by URI only.

    Raises:
        InvalidRequestError: ``source`` mixed with ``prompt``/``image``/``video``, nothing to
            generate from, or a bad field.
        UnsupportedByBackendError: A field the backend does not support.
    """
    is_vertex = vertex is not None
    if source is not None and (prompt or image or video):
        raise InvalidRequestError(
            "source", "source and prompt/image/video are mutually exclusive; use only source"
        )
    cfg = coerce_config(config, GenerateVideosConfig)
    check_backend(cfg, "config", vertex=is_vertex)
    if source is not None:
        src = coerce(source, GenerateVideosSource, "source")
        prompt, image, video = src.prompt, src.image, src.video
    instance: dict[str, Any] = {}
    if prompt is not None:
        instance["prompt"] = prompt
    if image is not None:
        img = coerce(image, Image, "image")
        check_backend(img, "image", vertex=is_vertex)
        instance["image"] = _image(img, "image", vertex=is_vertex)
    if video is not None:
        instance["video"] = _video(video, "video", vertex=is_vertex)
    if cfg.last_frame is not None:
        instance["lastFrame"] = _image(cfg.last_frame, "config.last_frame", vertex=is_vertex)
    if cfg.reference_images is not None:
        refs = []
        for i, ref in enumerate(cfg.reference_images):
            r = coerce(ref, VideoGenerationReferenceImage, f"config.reference_images[{i}]")
            entry: dict[str, Any] = {}
            if r.image is not None:
                entry["image"] = _image(
                    r.image, f"config.reference_images[{i}].image", vertex=is_vertex
                )
            if r.reference_type is not None:
                entry["referenceType"] = r.reference_type
            refs.append(entry)
        instance["referenceImages"] = refs
    if cfg.mask is not None:
        mask = coerce(cfg.mask, VideoGenerationMask, "config.mask")
        entry = _image(mask.image, "config.mask.image", vertex=True) if mask.image else {}
        if mask.mask_mode is not None:
            entry["maskMode"] = mask.mask_mode
        instance["mask"] = entry
    if not instance:
        raise InvalidRequestError("prompt", "give a prompt, an image, a video or a source")
    parameters: dict[str, Any] = {}
    for name, wire in _VIDEO_PARAMETERS:
        value = getattr(cfg, name)
        if value is not None:
            parameters[wire] = value
    body: dict[str, Any] = {"instances": [instance]}
    if parameters:
        body["parameters"] = parameters
    if cfg.labels is not None:
        body["labels"] = cfg.labels
    if cfg.webhook_config is not None:
        body["webhookConfig"] = normalize_keys(
            cfg.webhook_config, type(cfg.webhook_config), "config.webhook_config"
        )
    path = t_model(model, vertex=is_vertex)
    return Request("POST", f"{path}:predictLongRunning", None, body, cfg.http_options)


IMAGE_OUTPUT = (
    ("output_mime_type", ("outputOptions", "mimeType")),
    ("output_compression_quality", ("outputOptions", "compressionQuality")),
)
# Config field -> ``parameters`` path, shared by generate_images and edit_image.
IMAGE_PARAMETERS = (
    ("output_gcs_uri", ("storageUri",)),
    ("negative_prompt", ("negativePrompt",)),
    ("number_of_images", ("sampleCount",)),
    ("aspect_ratio", ("aspectRatio",)),
    ("guidance_scale", ("guidanceScale",)),
    ("seed", ("seed",)),
    ("safety_filter_level", ("safetySetting",)),
    ("person_generation", ("personGeneration",)),
    ("include_safety_attributes", ("includeSafetyAttributes",)),
    ("include_rai_reason", ("includeRaiReason",)),
    ("language", ("language",)),
    *IMAGE_OUTPUT,
    ("add_watermark", ("addWatermark",)),
)
_GENERATE_IMAGE_PARAMETERS = (
    *IMAGE_PARAMETERS,
    ("image_size", ("sampleImageSize",)),
    ("enhance_prompt", ("enhancePrompt",)),
)


def generate_images_request(
    model: str, prompt: str, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build ``generate_images`` (Vertex AI only): POST ``{model}:predict``.

    Raises:
        UnsupportedByBackendError: On the Gemini Developer API.
        InvalidRequestError: A bad model name, prompt or config.
    """
    if vertex is None:
        raise UnsupportedByBackendError(MLDEV, "models.generate_images", "It needs Vertex AI.")
    if not isinstance(prompt, str):
        raise InvalidRequestError("prompt", f"expected a string, got {type(prompt).__name__}")
    cfg = coerce_config(config, GenerateImagesConfig)
    parameters: dict[str, Any] = {}
    for name, wire_path in _GENERATE_IMAGE_PARAMETERS:
        value = getattr(cfg, name)
        if value is None:
            continue
        target = parameters
        for key in wire_path[:-1]:
            target = target.setdefault(key, {})
        target[wire_path[-1]] = value
    body: dict[str, Any] = {"instances": [{"prompt": prompt}]}
    if parameters:
        body["parameters"] = parameters
    if cfg.labels is not None:
        body["labels"] = cfg.labels
    return Request("POST", f"{t_model(model, vertex=True)}:predict", None, body, cfg.http_options)


def get_operation_request(operation: Any, *, vertex: VertexLocation | None = None) -> Request:
    """Build ``operations.get``: GET the name (mldev) or POST ``:fetchPredictOperation`` (Vertex).

    Raises:
        InvalidRequestError: No usable operation name.
    """
    name = t_operation_name(operation)
    if vertex is None:
        return Request("GET", name, None, None, None)
    resource = name.split("/operations/", 1)[0]
    return Request("POST", f"{resource}:fetchPredictOperation", None, {"operationName": name})
