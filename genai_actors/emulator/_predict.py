"""Media generation: ``predictLongRunning`` (Veo video) and ``predict`` (Imagen).

A video request starts an operation ``models/{model}/operations/{id}`` that finishes after the
emulator's configured number of polls and delay. Finishing stores one small MP4 per sample in the
file store as a generated file; the operation's response points at it through
``files/{id}:download?alt=media``.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

import msgspec

from ._errors import bad_request
from ._files import download_uri
from ._media import mp4, png
from ._operations import Resolution

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["register"]

_ASPECTS = frozenset({"16:9", "9:16", "1:1", "3:4", "4:3"})
_ENCODE = msgspec.json.encode


def _params(body: dict[str, Any], where: str) -> dict[str, Any]:
    params = body.get("parameters") or {}
    if not isinstance(params, dict):
        raise bad_request(f"* {where}.parameters: must be an object\n", "parameters")
    return params


def _instance(body: dict[str, Any], where: str) -> dict[str, Any]:
    instances = body.get("instances") or []
    if len(instances) != 1 or not isinstance(instances[0], dict):
        raise bad_request(f"* {where}.instances: exactly one instance is required\n", "instances")
    instance: dict[str, Any] = instances[0]
    return instance


def _sample_count(params: dict[str, Any], where: str, limit: int) -> int:
    count = params.get("sampleCount", 1)
    if isinstance(count, bool) or not isinstance(count, (int, float)) or not 1 <= count <= limit:
        raise bad_request(
            f"* {where}.parameters.sampleCount: must be an integer in [1, {limit}]\n",
            "parameters.sampleCount",
        )
    return int(count)


def _aspect(params: dict[str, Any], where: str) -> None:
    aspect = params.get("aspectRatio")
    if aspect is not None and aspect not in _ASPECTS:
        raise bad_request(
            f"* {where}.parameters.aspectRatio: unsupported aspect ratio {aspect!r}\n",
            "parameters.aspectRatio",
        )


async def predict_long_running(call: Call) -> dict[str, Any]:
    """``POST {model}:predictLongRunning``: start a video generation operation."""
    name = f"{call.segments[0]}/{call.segments[1]}"
    call.state.model(name, "predictLongRunning", call.version)
    where = "PredictLongRunningRequest"
    body = call.body_as(where)
    instance = _instance(body, where)
    prompt = instance.get("prompt")
    if prompt is None and not any(k in instance for k in ("image", "video")):
        raise bad_request(
            f"* {where}.instances[0]: a prompt, an image or a video is required\n",
            "instances[0].prompt",
        )
    if prompt is not None and not isinstance(prompt, str):
        raise bad_request(f"* {where}.instances[0].prompt: must be a string\n", "instances[0]")
    params = _params(body, where)
    samples = _sample_count(params, where, 4)
    _aspect(params, where)
    duration = params.get("durationSeconds", 8)
    if (
        isinstance(duration, bool)
        or not isinstance(duration, (int, float))
        or not 1 <= duration <= 60
    ):
        raise bad_request(
            f"* {where}.parameters.durationSeconds: must be a number of seconds in [1, 60]\n",
            "parameters.durationSeconds",
        )
    state = call.state
    base = call.origin(state.settings.file_uri_scheme)
    op_name = f"{name}/operations/{state.operations.new_id('veo')}"
    seed = hashlib.sha256(_ENCODE([name, instance, params])).hexdigest()

    def resolve() -> Resolution:
        generated = []
        for index in range(samples):
            data = mp4(f"{seed}:{index}", float(duration))
            stored = state.files.add(data, "video/mp4", source="GENERATED")
            generated.append({"video": {"uri": download_uri(base, stored.file_id)}})
        return (
            {
                "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta."
                "PredictLongRunningResponse",
                "generateVideoResponse": {"generatedSamples": generated},
            },
            None,
        )

    op = state.operations.create(
        op_name,
        polls=state.settings.video_polls,
        delay=state.settings.video_delay,
        resolve=resolve,
    )
    return op.to_json()


async def predict(call: Call) -> dict[str, Any]:
    """``POST {model}:predict``: Imagen text-to-image, ``predictions[]`` of base64 PNGs."""
    name = f"{call.segments[0]}/{call.segments[1]}"
    call.state.model(name, "predict", call.version)
    where = "PredictRequest"
    body = call.body_as(where)
    instance = _instance(body, where)
    prompt = instance.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise bad_request(f"* {where}.instances[0].prompt: prompt is required\n", "instances[0]")
    params = _params(body, where)
    samples = _sample_count(params, where, 4)
    _aspect(params, where)
    seed = hashlib.sha256(_ENCODE([name, prompt, params])).hexdigest()
    return {
        "predictions": [
            {
                "bytesBase64Encoded": base64.b64encode(png(f"{seed}:{i}", 16, 16)).decode(),
                "mimeType": "image/png",
            }
            for i in range(samples)
        ]
    }


def register(router: Router) -> None:
    """Add the media-generation routes."""
    router.add("POST", "models/*", "predictLongRunning", predict_long_running)
    router.add("POST", "models/*", "predict", predict)
