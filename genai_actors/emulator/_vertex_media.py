"""Vertex AI ``:predict`` (Imagen and text embeddings), ``:predictLongRunning`` and
``:fetchPredictOperation`` (Veo), and ``operations`` GETs.

``:predict`` does what the model is for (the catalogue's ``extra["task"]``, or the instance's
shape for Imagen models of the Developer API catalogue):

- ``generate``: ``instances[0].prompt`` -> ``sampleCount`` PNGs whose size follows
  ``aspectRatio`` (Imagen's sizes divided by 16: 1:1 is 64x64, 16:9 is 88x48...; twice that
  for ``sampleImageSize: "2K"``).
- ``edit``: ``referenceImages`` -> PNGs the size of the ``REFERENCE_TYPE_RAW`` image.
- ``upscale``: ``image`` -> one PNG ``upscaleFactor`` (``x2``, ``x3``, ``x4``) times its size.
- ``recontext``: ``productImages`` (and ``personImage`` for try-on) -> PNGs the size of the
  person image, else of the first product image.
- ``segment``: ``image`` -> greyscale PNG masks the size of the image, with ``labels``: one
  for ``FOREGROUND``/``BACKGROUND``/``INTERACTIVE``, one per comma-separated term of the prompt
  for ``PROMPT``/``SEMANTIC`` (at most ``maxPredictions``).
- ``embed``: ``instances[].content`` -> ``predictions[].embeddings{values, statistics}``.

Every image is a valid PNG made from a hash of the model, the request's inputs and the sample
index: same request, same bytes. Input images are given as ``bytesBase64Encoded`` (PNG, JPEG or
WebP, whose size is read from their header) or ``gcsUri`` (not fetched: taken as 64x64).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import TYPE_CHECKING, Any

import msgspec

from ._embed import embed
from ._errors import ApiError, bad_request
from ._media import image_size, mask_png, mp4, png
from ._operations import Resolution
from ._tokens import count_text
from ._vertex import VertexCall, model_info, model_not_found, publisher_model

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["register"]

_ENCODE = msgspec.json.encode
# Imagen's output sizes divided by 16, so generated images stay small.
_SIZES = {"1:1": (64, 64), "9:16": (48, 88), "16:9": (88, 48), "3:4": (56, 80), "4:3": (80, 56)}
_GCS_SIZE = (64, 64)
_MAX_SIDE = 4096
_FACTORS = {"x2": 2, "x3": 3, "x4": 4}
_SEGMENT_MODES = frozenset({"FOREGROUND", "BACKGROUND", "PROMPT", "SEMANTIC", "INTERACTIVE"})
_VIDEO_TYPE = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"


def _vertex(call: Call) -> VertexCall:
    assert isinstance(call, VertexCall)
    return call


def _body(call: VertexCall) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    body = call.raw_json()
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received. Expected an object.")
    instances = body.get("instances")
    if not isinstance(instances, list) or not instances:
        raise bad_request("* PredictRequest.instances: instances is required\n", "instances")
    if not all(isinstance(i, dict) for i in instances):
        raise bad_request("* PredictRequest.instances: each instance must be an object\n")
    params = body.get("parameters") or {}
    if not isinstance(params, dict):
        raise bad_request("* PredictRequest.parameters: must be an object\n", "parameters")
    return instances, params


def _count(params: dict[str, Any], default: int = 1, limit: int = 4) -> int:
    count = params.get("sampleCount", default)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= limit:
        raise bad_request(
            f"Image generation failed: sampleCount must be an integer in [1, {limit}].",
            "parameters.sample_count",
        )
    return count


def _image(value: Any, where: str) -> tuple[bytes, tuple[int, int]]:
    """The bytes (or the URI, for hashing) and the size of an input Image."""
    if not isinstance(value, dict):
        raise bad_request(f"{where} is required.", where)
    if "bytesBase64Encoded" in value:
        try:
            data = base64.b64decode(str(value["bytesBase64Encoded"]), validate=True)
        except (binascii.Error, ValueError):
            raise bad_request(f"{where}.bytes_base64_encoded is not valid base64.") from None
        size = image_size(data)
        if size is None:
            raise bad_request(f"Provided image is not valid: {where} is not a PNG, JPEG or WebP.")
        return data, size
    uri = value.get("gcsUri")
    if isinstance(uri, str) and uri.startswith("gs://"):
        return uri.encode(), _GCS_SIZE
    raise bad_request(f"{where} needs bytes_base64_encoded or a gs:// gcs_uri.", where)


def _seed(call: VertexCall, *parts: Any) -> str:
    digest = hashlib.sha256(_ENCODE([call.name, call.state.settings.seed]))
    for part in parts:
        digest.update(part if isinstance(part, bytes) else _ENCODE(part))
    return digest.hexdigest()


def _png_prediction(data: bytes) -> dict[str, Any]:
    return {"bytesBase64Encoded": base64.b64encode(data).decode(), "mimeType": "image/png"}


def _check_side(width: int, height: int) -> None:
    if max(width, height) > _MAX_SIDE:
        raise bad_request(
            f"The output image would be {width}x{height}; at most {_MAX_SIDE} pixels a side are "
            "supported."
        )


def _generate(call: VertexCall, instance: dict[str, Any], params: dict[str, Any]) -> Any:
    prompt = instance.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise bad_request("Image generation failed: a prompt is required.", "instances[0].prompt")
    aspect = params.get("aspectRatio", "1:1")
    if aspect not in _SIZES:
        raise bad_request(
            f"Image generation failed: unsupported aspect ratio {aspect!r}.",
            "parameters.aspect_ratio",
        )
    width, height = _SIZES[aspect]
    if params.get("sampleImageSize") == "2K":
        width, height = width * 2, height * 2
    seed = _seed(call, prompt, params)
    predictions = []
    for index in range(_count(params)):
        item = _png_prediction(png(f"{seed}:{index}", width, height))
        if params.get("enhancePrompt"):
            item["prompt"] = f"{prompt}, detailed, high quality"
        predictions.append(item)
    return {"predictions": predictions}


def _edit(call: VertexCall, instance: dict[str, Any], params: dict[str, Any]) -> Any:
    references = instance.get("referenceImages")
    if not isinstance(references, list) or not references:
        raise bad_request("Image editing failed: referenceImages is required.")
    size = _SIZES[params.get("aspectRatio", "1:1")] if params.get("aspectRatio") in _SIZES else None
    inputs: list[Any] = []
    for i, ref in enumerate(references):
        if not isinstance(ref, dict):
            raise bad_request(f"instances[0].reference_images[{i}] must be an object.")
        if "referenceImage" in ref:
            data, ref_size = _image(ref["referenceImage"], f"reference_images[{i}].reference_image")
            inputs.append(data)
            if ref.get("referenceType") == "REFERENCE_TYPE_RAW":
                size = ref_size
        inputs.append({k: v for k, v in ref.items() if k != "referenceImage"})
    width, height = size or _SIZES["1:1"]
    seed = _seed(call, instance.get("prompt", ""), params, *inputs)
    return {
        "predictions": [
            _png_prediction(png(f"{seed}:{i}", width, height)) for i in range(_count(params))
        ]
    }


def _upscale(call: VertexCall, instance: dict[str, Any], params: dict[str, Any]) -> Any:
    data, (width, height) = _image(instance.get("image"), "instances[0].image")
    config = params.get("upscaleConfig") or {}
    factor_name = config.get("upscaleFactor") if isinstance(config, dict) else None
    factor = _FACTORS.get(str(factor_name))
    if factor is None:
        raise bad_request(
            f"Image upscaling failed: upscale_factor must be x2, x3 or x4, got {factor_name!r}.",
            "parameters.upscale_config.upscale_factor",
        )
    _check_side(width * factor, height * factor)
    seed = _seed(call, data, params)
    return {"predictions": [_png_prediction(png(seed, width * factor, height * factor))]}


def _recontext(call: VertexCall, instance: dict[str, Any], params: dict[str, Any]) -> Any:
    products = instance.get("productImages")
    if not isinstance(products, list) or not 1 <= len(products) <= 3:
        raise bad_request("Recontext failed: one to three productImages are required.")
    inputs: list[Any] = [instance.get("prompt", "")]
    size = None
    for i, product in enumerate(products):
        image = product.get("image") if isinstance(product, dict) else None
        data, product_size = _image(image, f"instances[0].product_images[{i}].image")
        inputs.append(data)
        size = size or product_size
    if "try-on" in call.segments[3]:
        person = instance.get("personImage")
        data, size = _image(
            person.get("image") if isinstance(person, dict) else None,
            "instances[0].person_image.image",
        )
        inputs.append(data)
    assert size is not None
    seed = _seed(call, params, *inputs)
    return {
        "predictions": [_png_prediction(png(f"{seed}:{i}", *size)) for i in range(_count(params))]
    }


def _segment(call: VertexCall, instance: dict[str, Any], params: dict[str, Any]) -> Any:
    data, (width, height) = _image(instance.get("image"), "instances[0].image")
    mode = params.get("mode", "FOREGROUND")
    if mode not in _SEGMENT_MODES:
        raise bad_request(f"Segmentation failed: unknown mode {mode!r}.", "parameters.mode")
    prompt = instance.get("prompt")
    if mode in ("PROMPT", "SEMANTIC"):
        if not isinstance(prompt, str) or not prompt.strip():
            raise bad_request(f"Segmentation failed: mode {mode} needs a prompt.")
        labels = [t.strip() for t in prompt.split(",") if t.strip()]
    elif mode == "INTERACTIVE":
        if "scribble" not in instance:
            raise bad_request("Segmentation failed: mode INTERACTIVE needs a scribble image.")
        labels = ["scribble"]
    else:
        labels = [mode.lower()]
    limit = params.get("maxPredictions")
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        labels = labels[:limit]
    seed = _seed(call, data, prompt or "", params)
    predictions = []
    for label in labels:
        digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
        if mode == "BACKGROUND":
            box = (0.0, 0.0, 1.0, 0.25)
        else:
            left, top = digest[0] / 1020, digest[1] / 1020  # within the first quarter
            box = (left, top, left + 0.5, top + 0.5)
        item = _png_prediction(mask_png(width, height, box))
        item["labels"] = [{"label": label, "score": round(0.75 + digest[2] / 1024, 4)}]
        predictions.append(item)
    return {"predictions": predictions}


def _embed(call: VertexCall, instances: list[dict[str, Any]], params: dict[str, Any]) -> Any:
    info = model_info(call, publisher_model(call, "predict"))
    dims = params.get("outputDimensionality") or info.dims
    if isinstance(dims, bool) or not isinstance(dims, int) or not 1 <= dims <= info.dims:
        raise bad_request(
            f"output_dimensionality must be in the range [1, {info.dims}], got {dims}.",
            "parameters.output_dimensionality",
        )
    predictions = []
    characters = 0
    for i, instance in enumerate(instances):
        content = instance.get("content")
        if not isinstance(content, str):
            raise bad_request(f"instances[{i}].content must be a string.", f"instances[{i}]")
        title = instance.get("title")
        text = f"{title}\n{content}" if isinstance(title, str) and title else content
        characters += len(content)
        predictions.append(
            {
                "embeddings": {
                    "values": embed(text, dims),
                    "statistics": {"truncated": False, "token_count": count_text(content)},
                }
            }
        )
    return {"predictions": predictions, "metadata": {"billableCharacterCount": characters}}


_TASKS = {
    "generate": _generate,
    "edit": _edit,
    "upscale": _upscale,
    "recontext": _recontext,
    "segment": _segment,
}


async def predict(call: Call) -> Any:
    """``POST {model}:predict`` (see the module docstring for what each model does)."""
    vcall = _vertex(call)
    name = publisher_model(vcall, "predict")
    info = model_info(vcall, name)
    instances, params = _body(vcall)
    task = info.extra.get("task")
    if info.kind == "embedding":
        return _embed(vcall, instances, params)
    if info.kind != "imagen":
        raise model_not_found(vcall)
    if task is None:
        instance = instances[0]
        task = "upscale" if params.get("mode") == "upscale" else "generate"
        if "referenceImages" in instance:
            task = "edit"
    if len(instances) != 1:
        raise bad_request("* PredictRequest.instances: exactly one instance is required\n")
    result: Any = _TASKS[task](vcall, instances[0], params)
    return result


# -- video --------------------------------------------------------------------------------------


async def predict_long_running(call: Call) -> dict[str, Any]:
    """``POST {model}:predictLongRunning``: a Veo operation named
    ``{prefix}publishers/google/models/{m}/operations/{id}``; when done its ``response.videos``
    carry MP4 bytes, or ``gcsUri``s under ``parameters.storageUri`` when given."""
    vcall = _vertex(call)
    publisher_model(vcall, "predictLongRunning")
    instances, params = _body(vcall)
    instance = instances[0]
    if not any(k in instance for k in ("prompt", "image", "video")):
        raise bad_request("Video generation failed: a prompt, an image or a video is required.")
    samples = _count(params)
    duration = params.get("durationSeconds", 8)
    if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 60:
        raise bad_request(
            "Video generation failed: durationSeconds must be an integer in [1, 60].",
            "parameters.duration_seconds",
        )
    if params.get("aspectRatio", "16:9") not in ("16:9", "9:16"):
        raise bad_request("Video generation failed: aspectRatio must be 16:9 or 9:16.")
    storage = params.get("storageUri")
    if storage is not None and (not isinstance(storage, str) or not storage.startswith("gs://")):
        raise bad_request("Video generation failed: storageUri must be a gs:// URI.")
    state = vcall.state
    op_id = state.operations.new_id("veo")
    op_name = f"{vcall.full_name}/operations/{op_id}"
    seed = _seed(vcall, instance, params)

    def resolve() -> Resolution:
        videos = []
        for index in range(samples):
            if storage:
                uri = f"{storage.rstrip('/')}/{op_id}/sample_{index}.mp4"
                videos.append({"gcsUri": uri, "mimeType": "video/mp4"})
            else:
                data = mp4(f"{seed}:{index}", float(duration))
                videos.append(
                    {"bytesBase64Encoded": base64.b64encode(data).decode(), "mimeType": "video/mp4"}
                )
        return {"@type": _VIDEO_TYPE, "raiMediaFilteredCount": 0, "videos": videos}, None

    op = state.operations.create(
        op_name,
        polls=state.settings.video_polls,
        delay=state.settings.video_delay,
        resolve=resolve,
    )
    return op.to_json()


async def fetch_predict_operation(call: Call) -> dict[str, Any]:
    """``POST {model}:fetchPredictOperation`` ``{operationName}``: poll a Veo operation of this
    model.

    Raises:
        ApiError: 400 without an operation name or for one of another model; 404 for an
            unknown operation.
    """
    vcall = _vertex(call)
    body = vcall.raw_json()
    op_name = body.get("operationName") if isinstance(body, dict) else None
    if not isinstance(op_name, str) or not op_name:
        raise bad_request("operation_name is required.", "operation_name")
    if not op_name.startswith(f"{vcall.full_name}/operations/"):
        raise bad_request(
            f"Operation {op_name} does not belong to {vcall.full_name}.", "operation_name"
        )
    return vcall.state.operations.poll(op_name).to_json()


async def get_operation(call: Call) -> dict[str, Any]:
    """``GET {prefix}operations/{id}`` or any name with an ``operations`` segment."""
    vcall = _vertex(call)
    op = vcall.state.operations.get(vcall.full_name)
    if op is None:
        raise ApiError(404, f"Operation {vcall.full_name} not found.")
    return vcall.state.operations.poll(vcall.full_name).to_json()


def register(router: Router) -> None:
    """Add the media and operation routes."""
    router.add("POST", "publishers/*/models/*", "predict", predict)
    router.add("POST", "publishers/*/models/*", "predictLongRunning", predict_long_running)
    router.add("POST", "publishers/*/models/*", "fetchPredictOperation", fetch_predict_operation)
    router.add("GET", "operations/*", "", get_operation)
    router.add("GET", "publishers/*/models/*/operations/*", "", get_operation)
    router.fallback("GET", "operations", get_operation)
