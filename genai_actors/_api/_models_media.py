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
from ..types._base import decode_base64
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
from ._toolkit import decode, decode_object

if TYPE_CHECKING:
    pass

__all__ = [
    "decode_embed_response",
    "decode_image_predictions",
    "decode_list_models",
    "decode_mask_predictions",
]


_FILE_ID = re.compile(r"/files/([a-z0-9-]+)")


def _model(item: Any) -> Model:
    try:
        return decode_model(msgspec.json.encode(item))
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise UnknownApiResponseError(f"unexpected Model in the response: {exc}") from None


def decode_list_models(content: bytes) -> ListModelsResponse:
    """A ``models.list`` page: ``models``, ``tunedModels`` or ``publisherModels``.

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
    return ListModelsResponse(
        models=[_model(item) for item in items] if isinstance(items, list) else None,
        next_page_token=token if isinstance(token, str) and token else None,
    )


def _image(raw: dict[str, Any]) -> Image | None:
    uri, data, mime = raw.get("gcsUri"), raw.get("bytesBase64Encoded"), raw.get("mimeType")
    if uri is None and data is None and mime is None:
        return None
    return Image(
        gcs_uri=uri if isinstance(uri, str) else None,
        image_bytes=decode_base64(data) if isinstance(data, str) else None,
        mime_type=mime if isinstance(mime, str) else None,
    )


def _safety(raw: Any) -> SafetyAttributes | None:
    if not isinstance(raw, dict):
        return None
    inner = raw.get("safetyAttributes")
    inner = inner if isinstance(inner, dict) else {}
    content_type = raw.get("contentType")
    if not inner and content_type is None:
        return None
    return SafetyAttributes(
        categories=inner.get("categories"),
        scores=inner.get("scores"),
        content_type=content_type,
    )


def decode_image_predictions(content: bytes) -> tuple[list[GeneratedImage] | None, Any]:
    """Vertex ``predict`` image results: (generated images, positive-prompt safety attributes).

    Predictions that carry only safety attributes (``includeSafetyAttributes`` for the prompt)
    are reported as ``positive_prompt_safety_attributes``, as google-genai does.

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
    if not vertex or path.endswith(":batchEmbedContents"):
        return decode(content, EmbedContentResponse)
    data = decode_object(content)
    if path.endswith(":embedContent"):
        response = decode(content, EmbedContentResponse)
        embedding = data.get("embedding")
        if isinstance(embedding, dict):
            usage = data.get("usageMetadata")
            usage = usage if isinstance(usage, dict) else {}
            truncated = data.get("truncated")
            stats = ContentEmbeddingStatistics(
                token_count=usage.get("promptTokenCount"),
                truncated=truncated if truncated else None,
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
    return ContentEmbeddingStatistics(
        token_count=count if isinstance(count, int | float) else None,
        truncated=truncated if isinstance(truncated, bool) else None,
    )
