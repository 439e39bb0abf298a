"""Response decoding for ``models``: JSON bytes to typed results, per backend.

Most responses decode straight into their struct. The exceptions are mapped here: Vertex AI
``predict`` answers (images, masks, text embeddings), Vertex ``embedContent``, and model
lists (whose tuned models carry ``tuned_model_info``). Also the download of generated media
(``files/{id}:download?alt=media``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

from ..errors import UnknownApiResponseError
from ..types._base import dec_hook, decode_base64
from ..types._media import (
    EntityLabel,
    GeneratedImage,
    GeneratedImageMask,
    Image,
    SafetyAttributes,
)
from ..types._models import (
    ContentEmbedding,
    ContentEmbeddingStatistics,
    EmbedContentResponse,
    ListModelsResponse,
    Model,
    decode_model,
)
from ..types._response import ModalityTokenCount
from ._toolkit import decode, decode_object

if TYPE_CHECKING:
    pass

__all__ = [
    "decode_embed_response",
    "decode_image_predictions",
    "decode_list_models",
    "decode_mask_predictions",
    "decode_vertex_model",
]


_FILE_ID = re.compile(r"/files/([a-z0-9-]+)")


def _model(item: Any) -> Model:
    try:
        return decode_model(msgspec.json.encode(item))
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise UnknownApiResponseError(f"unexpected Model in the response: {exc}") from None


def _vertex_model(item: Any) -> Model:
    """A Vertex AI model (publisher or tuned) read as google-genai reads it: ``versionId`` is
    the version, ``deployedModels`` the endpoints, and ``tuned_model_info`` is always set (the
    tuning base model from the ``google-vertex-llm-tuning-base-model-id`` label, the times)."""
    if not isinstance(item, dict):
        raise UnknownApiResponseError(f"unexpected Model in the response: {item!r:.80}")
    data: dict[str, Any] = {}
    for wire in ("name", "displayName", "description", "labels", "defaultCheckpointId"):
        if item.get(wire) is not None:
            data[wire] = item[wire]
    if item.get("versionId") is not None:
        data["version"] = item["versionId"]
    deployed = item.get("deployedModels")
    if isinstance(deployed, list):
        data["endpoints"] = [
            {
                key: value
                for key, value in (
                    ("name", d.get("endpoint")),
                    ("deployedModelId", d.get("deployedModelId")),
                )
                if value is not None
            }
            for d in deployed
            if isinstance(d, dict)
        ]
    if item.get("checkpoints") is not None:
        data["checkpoints"] = item["checkpoints"]
    info: dict[str, Any] = {}
    labels = item.get("labels")
    base = (
        labels.get("google-vertex-llm-tuning-base-model-id") if isinstance(labels, dict) else None
    )
    if base is not None:
        info["baseModel"] = base
    for wire in ("createTime", "updateTime"):
        if item.get(wire) is not None:
            info[wire] = item[wire]
    data["tunedModelInfo"] = info
    try:
        return msgspec.convert(data, Model, strict=False, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        raise UnknownApiResponseError(f"unexpected Model in the response: {exc}") from None


def decode_vertex_model(content: bytes) -> Model:
    """A Vertex AI ``models.get`` / ``models.update`` answer (see :func:`_vertex_model`).

    Raises:
        UnknownApiResponseError: The body is not a JSON object of that shape.
    """
    return _vertex_model(decode_object(content))


def decode_list_models(content: bytes, *, vertex: bool = False) -> ListModelsResponse:
    """A ``models.list`` page: ``models``, ``tunedModels`` or ``publisherModels`` (the first
    present, as google-genai looks for them), each model read for its backend.

    Raises:
        UnknownApiResponseError: The body is not a JSON object of that shape.
    """
    data = decode_object(content)
    items: Any = None
    for key in ("models", "tunedModels", "publisherModels"):
        if key in data:
            items = data[key]
            break
    token = data.get("nextPageToken")
    read = _vertex_model if vertex else _model
    return ListModelsResponse(
        models=[read(item) for item in items] if isinstance(items, list) else None,
        next_page_token=token if isinstance(token, str) and token else None,
    )


def _image(raw: dict[str, Any]) -> Image:
    # Every prediction has an image, empty when it carries none (as google-genai reads it).
    uri, data, mime = raw.get("gcsUri"), raw.get("bytesBase64Encoded"), raw.get("mimeType")
    return Image(
        gcs_uri=uri if isinstance(uri, str) else None,
        image_bytes=decode_base64(data) if isinstance(data, str) else None,
        mime_type=mime if isinstance(mime, str) else None,
    )


def _safety(raw: Any) -> SafetyAttributes | None:
    """Safety attributes of an object (empty, not ``None``, when it has none)."""
    if not isinstance(raw, dict):
        return None
    inner = raw.get("safetyAttributes")
    inner = inner if isinstance(inner, dict) else {}
    content_type = raw.get("contentType")
    return SafetyAttributes(
        categories=inner.get("categories"),
        scores=inner.get("scores"),
        content_type=content_type,
    )


def decode_image_predictions(
    content: bytes, *, generate: bool = False
) -> tuple[list[GeneratedImage] | None, Any]:
    """Vertex ``predict`` image results: (generated images, positive-prompt safety attributes).

    Each prediction is one image, with its (possibly empty) image and safety attributes, as
    google-genai reads it. For ``generate_images`` (``generate=True``) a prediction whose
    ``contentType`` is ``Positive Prompt`` is the prompt's safety attributes, not an image:
    google-genai moves the last such one to ``positive_prompt_safety_attributes`` (dropping a
    top-level ``positivePromptSafetyAttributes``), unless there are no predictions at all.

    Raises:
        UnknownApiResponseError: The body is not a JSON object.
    """
    data = decode_object(content)
    predictions = data.get("predictions")
    images: list[GeneratedImage] | None = None
    if isinstance(predictions, list):
        images = []
        for raw in predictions:
            if not isinstance(raw, dict):
                continue
            prompt = raw.get("prompt")
            reason = raw.get("raiFilteredReason")
            images.append(
                GeneratedImage(
                    image=_image(raw),
                    rai_filtered_reason=reason if isinstance(reason, str) else None,
                    safety_attributes=_safety(raw),
                    enhanced_prompt=prompt if isinstance(prompt, str) else None,
                )
            )
    positive = _safety(data.get("positivePromptSafetyAttributes"))
    if generate and images:
        positive = None
        kept = []
        for image in images:
            safety = image.safety_attributes
            if safety is not None and safety.content_type == "Positive Prompt":
                positive = safety
            else:
                kept.append(image)
        images = kept
    return images, positive


def decode_mask_predictions(content: bytes) -> list[GeneratedImageMask] | None:
    """Vertex ``predict`` segmentation results as masks with entity labels.

    Raises:
        UnknownApiResponseError: The body is not a JSON object.
    """
    predictions = decode_object(content).get("predictions")
    if not isinstance(predictions, list):
        return None
    masks = []
    for raw in predictions:
        if not isinstance(raw, dict):
            continue
        labels = raw.get("labels")
        masks.append(
            GeneratedImageMask(
                mask=_image(raw),
                labels=[
                    EntityLabel(label=item.get("label"), score=item.get("score"))
                    for item in labels
                    if isinstance(item, dict)
                ]
                if isinstance(labels, list)
                else None,
            )
        )
    return masks


def decode_embed_response(content: bytes, path: str, *, vertex: bool) -> EmbedContentResponse:
    """An ``embed_content`` response for the endpoint at ``path``.

    mldev ``batchEmbedContents`` and Vertex ``batchEmbedContents`` decode directly; Vertex
    ``embedContent`` carries one ``embedding`` plus usage; Vertex ``predict`` carries
    ``predictions[].embeddings``.

    Raises:
        UnknownApiResponseError: The body does not have the expected shape.
    """
    if not vertex:
        return decode(content, EmbedContentResponse)
    data = decode_object(content)
    if path.endswith(":batchEmbedContents"):
        response = decode(content, EmbedContentResponse)
        raw_embeddings = data.get("embeddings")
        if isinstance(raw_embeddings, list):
            response.embeddings = [
                ContentEmbedding(
                    values=raw.get("values"), statistics=_statistics(raw.get("statistics"))
                )
                for raw in raw_embeddings
                if isinstance(raw, dict)
            ]
        return response
    if path.endswith(":embedContent"):
        response = decode(content, EmbedContentResponse)
        embedding = data.get("embedding")
        if isinstance(embedding, dict):
            usage = data.get("usageMetadata")
            usage = usage if isinstance(usage, dict) else {}
            truncated = data.get("truncated")
            details = usage.get("promptTokensDetails")
            stats = msgspec.convert(
                {
                    # Only the truthy ones, as google-genai copies them.
                    "tokenCount": usage.get("promptTokenCount") or None,
                    "tokensDetails": details or None,
                    "truncated": truncated or None,
                },
                ContentEmbeddingStatistics,
                strict=False,
            )
            response.embeddings = [
                ContentEmbedding(values=embedding.get("values"), statistics=stats)
            ]
        return response
    predictions = data.get("predictions")
    embeddings = []
    if isinstance(predictions, list):
        for prediction in predictions:
            raw = prediction.get("embeddings") if isinstance(prediction, dict) else None
            if isinstance(raw, dict):
                raw_stats = raw.get("statistics")
                embeddings.append(
                    ContentEmbedding(
                        values=raw.get("values"),
                        statistics=_statistics(raw_stats),
                    )
                )
    response = decode(content, EmbedContentResponse)
    response.embeddings = embeddings
    return response


def _statistics(raw: Any) -> ContentEmbeddingStatistics | None:
    # Vertex predict reports statistics in snake_case ({"token_count", "truncated"}).
    if not isinstance(raw, dict):
        return None
    count = raw.get("token_count", raw.get("tokenCount"))
    truncated = raw.get("truncated")
    details = raw.get("tokensDetails")
    stats = ContentEmbeddingStatistics(
        token_count=count if isinstance(count, int | float) else None,
        truncated=truncated if isinstance(truncated, bool) else None,
    )
    if isinstance(details, list):
        stats.tokens_details = msgspec.convert(details, list[ModalityTokenCount], strict=False)
    return stats
