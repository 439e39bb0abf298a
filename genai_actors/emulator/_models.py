"""The ``models`` and ``tunedModels`` resources: get, list, update and delete."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from ._errors import ApiError, bad_request
from ._proto import snake
from ._router import page

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = ["register"]

# What PATCH tunedModels/{id} changes; any other field of a TunedModel sent back is ignored
# (output-only and immutable ones), and naming one in updateMask is a 400.
_UPDATABLE = frozenset(
    {"displayName", "description", "temperature", "topP", "topK", "defaultCheckpointId"}
)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def get_model(call: Call) -> dict[str, Any]:
    """``GET models/{id}``."""
    found = call.state.models.get(call.name)
    if found is None:
        raise ApiError(
            404,
            f"{call.name} is not found for API version {call.version}, or is not supported "
            "for get. Call ListModels to see the list of available models and their supported "
            "methods.",
        )
    return found.wire


async def list_models(call: Call) -> dict[str, Any]:
    """``GET models`` with ``pageSize`` (default 50, max 1000) and ``pageToken``."""
    chunk, token = page(call, list(call.state.models.values()), default_size=50, max_size=1000)
    out: dict[str, Any] = {"models": [m.wire for m in chunk]}
    if token:
        out["nextPageToken"] = token
    return out


def _tuned(call: Call) -> dict[str, Any]:
    found = call.state.tuned_models.get(call.name)
    if found is None:
        raise ApiError(404, f"Tuned model {call.name} does not exist.")
    return found


async def get_tuned_model(call: Call) -> dict[str, Any]:
    """``GET tunedModels/{id}`` (a GET of a model being tuned counts as a poll of its job)."""
    _tuned(call)
    call.state.tunings.poll(call.name)
    return _tuned(call)


async def list_tuned_models(call: Call) -> dict[str, Any]:
    """``GET tunedModels`` with ``pageSize`` (default 10, max 1000) and ``pageToken``."""
    chunk, token = page(
        call, list(call.state.tuned_models.values()), default_size=10, max_size=1000
    )
    out: dict[str, Any] = {}
    if chunk:
        out["tunedModels"] = chunk
    if token:
        out["nextPageToken"] = token
    return out


async def update_tuned_model(call: Call) -> dict[str, Any]:
    """``PATCH tunedModels/{id}[?updateMask=a,b]``.

    Without ``updateMask`` every updatable field present in the body is applied (the SDK sends no
    mask); with one, only the listed fields are.
    """
    model = _tuned(call)
    body = call.body_as("TunedModelPatch")
    mask_param = call.query.get("updateMask") or call.query.get("update_mask")
    if mask_param:
        lookup = {snake(f): f for f in _UPDATABLE} | {f: f for f in _UPDATABLE}
        fields = []
        for raw in mask_param.split(","):
            field = lookup.get(raw.strip())
            if field is None:
                raise bad_request(
                    f"Invalid update mask: field {raw.strip()!r} cannot be updated.",
                    "update_mask",
                )
            fields.append(field)
    else:
        fields = [f for f in body if f in _UPDATABLE]
    for field in fields:
        if field in body:
            model[field] = body[field]
        else:
            model.pop(field, None)
    model["updateTime"] = _now()
    return model


async def delete_tuned_model(call: Call) -> dict[str, Any]:
    """``DELETE tunedModels/{id}``."""
    _tuned(call)
    del call.state.tuned_models[call.name]
    return {}


def register(router: Router) -> None:
    """Add the model routes."""
    router.add("GET", "models/*", "", get_model)
    router.add("GET", "models", "", list_models)
    router.add("GET", "tunedModels/*", "", get_tuned_model)
    router.add("GET", "tunedModels", "", list_tuned_models)
    router.add("PATCH", "tunedModels/*", "", update_tuned_model)
    router.add("DELETE", "tunedModels/*", "", delete_tuned_model)
