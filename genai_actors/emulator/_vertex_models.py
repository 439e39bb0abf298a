"""Vertex AI models and caches: publisher models (get/list), tuned models
(``projects/{p}/locations/{l}/models``: get/list/update/delete) and ``cachedContents``.

Publisher models are the Developer API catalogue plus Vertex AI's own (Imagen editing,
upscaling, segmentation, text-embedding-005...), served as ``PublisherModel`` resources
(``publishers/google/models/{id}``, ``versionId``, ``launchStage``). Tuned models are made by
tuning jobs (``_vertex_jobs``). Cached contents are the Developer API's store under Vertex
names: ``{prefix}cachedContents/{id}`` for a ``{prefix}publishers/google/models/{id}`` model,
listed per project and location.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import ApiError, bad_request
from ._router import page
from ._vertex import VertexCall, model_not_found, publisher_model

if TYPE_CHECKING:
    from ._catalog import ModelInfo
    from ._router import Call, Router

__all__ = ["register"]

_UPDATABLE = ("displayName", "description", "defaultCheckpointId", "labels")


def _vertex(call: Call) -> VertexCall:
    assert isinstance(call, VertexCall)
    return call


def _publisher_wire(info: ModelInfo) -> dict[str, Any]:
    model_id = info.name.removeprefix("models/")
    preview = "preview" in model_id or "exp" in model_id
    return {
        "name": f"publishers/google/models/{model_id}",
        "versionId": str(info.wire.get("version", "001")),
        "openSourceCategory": "PROPRIETARY",
        "launchStage": "PUBLIC_PREVIEW" if preview else "GA",
        "versionState": "VERSION_STATE_UNSTABLE" if preview else "VERSION_STATE_STABLE",
        "publisherModelTemplate": f"projects/{{project}}/locations/{{location}}/publishers/"
        f"google/models/{model_id}",
    }


async def get_publisher_model(call: Call) -> dict[str, Any]:
    """``GET publishers/google/models/{id}`` (with or without the project prefix)."""
    vcall = _vertex(call)
    info = vcall.state.models.get(f"models/{vcall.segments[3]}")
    info = info or vcall.state.vertex.publisher_models.get(f"models/{vcall.segments[3]}")
    if vcall.segments[1] != "google" or info is None:
        raise model_not_found(vcall)
    return _publisher_wire(info)


async def list_publisher_models(call: Call) -> dict[str, Any]:
    """``GET publishers/google/models`` -> ``{publisherModels, nextPageToken}``."""
    vcall = _vertex(call)
    if vcall.segments[1] != "google":
        return {}
    infos = [*vcall.state.models.values(), *vcall.state.vertex.publisher_models.values()]
    chunk, token = page(vcall, infos, default_size=100, max_size=1000)
    out: dict[str, Any] = {"publisherModels": [_publisher_wire(i) for i in chunk]}
    if token:
        out["nextPageToken"] = token
    return out


# -- tuned models -------------------------------------------------------------------------------


def _project(call: VertexCall) -> VertexCall:
    if not call.project:
        raise ApiError(404, "Method not found.")
    return call


async def get_tuned_model(call: Call) -> dict[str, Any]:
    """``GET models/{id}[@version]``."""
    vcall = _project(_vertex(call))
    return vcall.state.vertex.model(vcall.full_name)


async def list_tuned_models(call: Call) -> dict[str, Any]:
    """``GET models`` with ``filter`` (``labels.KEY:*`` or ``labels.KEY=VALUE``; google-genai
    sends ``labels.tune-type:*``), ``pageSize`` and ``pageToken``."""
    vcall = _project(_vertex(call))
    models = [m for name, m in vcall.state.vertex.models.items() if name.startswith(vcall.prefix)]
    query = (vcall.query.get("filter") or "").strip()
    if query:
        key, has, value = query.partition(":") if ":" in query else query.partition("=")
        if not key.startswith("labels.") or not has:
            raise bad_request(f"Unsupported filter: {query!r}", "filter")
        label = key.removeprefix("labels.")
        models = [
            m
            for m in models
            if label in m.get("labels", {}) and (value == "*" or m["labels"][label] == value)
        ]
    chunk, token = page(vcall, models, default_size=100, max_size=1000)
    out: dict[str, Any] = {"models": chunk} if chunk else {}
    if token:
        out["nextPageToken"] = token
    return out


async def update_tuned_model(call: Call) -> dict[str, Any]:
    """``PATCH models/{id}[?updateMask=...]``: ``displayName``, ``description``,
    ``defaultCheckpointId`` and ``labels`` (all present ones without a mask, as google-genai
    sends none)."""
    vcall = _project(_vertex(call))
    model = vcall.state.vertex.model(vcall.full_name)
    body = vcall.raw_json()
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON payload received. Expected an object.")
    mask = vcall.query.get("updateMask") or vcall.query.get("update_mask")
    snake = {"display_name": "displayName", "default_checkpoint_id": "defaultCheckpointId"}
    if mask:
        fields = [snake.get(f.strip(), f.strip()) for f in mask.split(",") if f.strip()]
        wrong = [f for f in fields if f not in _UPDATABLE]
        if wrong:
            raise bad_request(
                f"Invalid update mask: {wrong[0]!r} cannot be updated.", "update_mask"
            )
    else:
        fields = [f for f in _UPDATABLE if f in body]
    checkpoint = body.get("defaultCheckpointId")
    if "defaultCheckpointId" in fields and checkpoint not in {
        c["checkpointId"] for c in model.get("checkpoints", ())
    }:
        raise bad_request(f"Checkpoint {checkpoint!r} does not exist.", "default_checkpoint_id")
    for field in fields:
        if field in body:
            model[field] = body[field]
        else:
            model.pop(field, None)
    model["updateTime"] = vcall.state.vertex.now_text()
    return model


async def delete_tuned_model(call: Call) -> dict[str, Any]:
    """``DELETE models/{id}`` -> a finished delete operation; its endpoint stops serving."""
    vcall = _project(_vertex(call))
    store = vcall.state.vertex
    model = store.model(vcall.full_name)
    del store.models[model["name"]]
    for deployed in model.get("deployedModels", ()):
        store.endpoints.pop(str(deployed["endpoint"]).rpartition("/")[2], None)
    return store.deleted(vcall.prefix)


# -- cachedContents -----------------------------------------------------------------------------


def _cache_out(call: VertexCall, data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    out["name"] = call.prefix + out["name"]
    out["model"] = f"{call.prefix}publishers/google/models/{out['model'].removeprefix('models/')}"
    return out


def _cache_name(call: VertexCall) -> str:
    name = f"cachedContents/{call.segments[1]}"
    if call.state.vertex.cache_owners.get(name) != call.prefix:
        raise ApiError(404, f"CachedContent not found (or permission denied): {call.full_name}")
    return name


async def create_cache(call: Call) -> dict[str, Any]:
    """``POST cachedContents`` with ``model`` ``{prefix}publishers/google/models/{id}``."""
    vcall = _project(_vertex(call))
    body = vcall.body_as("CachedContent")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request("* CreateCachedContentRequest.cached_content.model: required\n", "model")
    tail = model.removeprefix(vcall.prefix)
    body["model"] = publisher_model(vcall.delegate(tail), "createCachedContent")
    cache = vcall.state.caches.create(body, vcall.version)
    vcall.state.vertex.cache_owners[cache.name] = vcall.prefix
    return _cache_out(vcall, cache.to_json())


async def get_cache(call: Call) -> dict[str, Any]:
    """``GET cachedContents/{id}``."""
    vcall = _project(_vertex(call))
    return _cache_out(vcall, vcall.state.caches.get(_cache_name(vcall)).to_json())


async def update_cache(call: Call) -> dict[str, Any]:
    """``PATCH cachedContents/{id}`` with ``ttl`` or ``expireTime``."""
    vcall = _project(_vertex(call))
    body = vcall.body_as("CachedContent")
    mask = vcall.query.get("updateMask") or vcall.query.get("update_mask")
    updated = vcall.state.caches.update(_cache_name(vcall), body, mask)
    return _cache_out(vcall, updated.to_json())


async def delete_cache(call: Call) -> dict[str, Any]:
    """``DELETE cachedContents/{id}`` -> ``{}``."""
    vcall = _project(_vertex(call))
    name = _cache_name(vcall)
    vcall.state.caches.delete(name)
    del vcall.state.vertex.cache_owners[name]
    return {}


async def list_caches(call: Call) -> dict[str, Any]:
    """``GET cachedContents`` of this project and location."""
    vcall = _project(_vertex(call))
    owners = vcall.state.vertex.cache_owners
    mine = [c for c in vcall.state.caches.all() if owners.get(c.name) == vcall.prefix]
    chunk, token = page(vcall, mine, default_size=100, max_size=1000)
    out: dict[str, Any] = {}
    if chunk:
        out["cachedContents"] = [_cache_out(vcall, c.to_json()) for c in chunk]
    if token:
        out["nextPageToken"] = token
    return out


def register(router: Router) -> None:
    """Add the model and cache routes."""
    router.add("GET", "publishers/*/models/*", "", get_publisher_model)
    router.add("GET", "publishers/*/models", "", list_publisher_models)
    router.add("GET", "models/*", "", get_tuned_model)
    router.add("GET", "models", "", list_tuned_models)
    router.add("PATCH", "models/*", "", update_tuned_model)
    router.add("DELETE", "models/*", "", delete_tuned_model)
    router.add("POST", "cachedContents", "", create_cache)
    router.add("GET", "cachedContents", "", list_caches)
    router.add("GET", "cachedContents/*", "", get_cache)
    router.add("PATCH", "cachedContents/*", "", update_cache)
    router.add("DELETE", "cachedContents/*", "", delete_cache)
