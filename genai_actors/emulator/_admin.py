"""The admin API under ``/_emulator/`` (a prefix the real API never uses).

Out-of-process emulators (benchmarks, ``make demo``) are configured here; no API key is needed.

- ``GET /_emulator/health``: ``{"ok": true}``.
- ``GET /_emulator/faults``: the current fault configuration.
- ``POST /_emulator/faults``: ``{"model": "gemini-2.5-pro"?, "rpm": 10, "errorRate": 0.1, ...}``
  replaces the faults of one model (or the default without ``model``); keys are
  :class:`~._faults.FaultConfig` fields in snake_case or camelCase.
- ``POST /_emulator/faults/fail-next``: ``{"count": 2, "status": 503, "model"?, "message"?,
  "retryDelay"?}``.
- ``DELETE /_emulator/faults``: remove every fault.
- ``GET /_emulator/recorded`` / ``DELETE /_emulator/recorded``: the request log.
- ``POST /_emulator/operations/complete``: ``{"name": ...}`` finishes an operation now.
- ``POST /_emulator/reset``: clear faults (upload drops and Live faults included) and the
  request log.
- ``GET /_emulator/settings`` / ``POST /_emulator/settings``: read or change
  :class:`~._state.Settings` fields (``{"jobPolls": 0, "cacheMinTtl": 60}``; snake_case or
  camelCase), e.g. to make batches finish on their first poll.
- ``POST /_emulator/uploads/drop``: ``{"chunk": 2, "afterBytes": 1000, "times": 1}`` scripts a
  dropped connection during an upload chunk (see ``_upload.py``); ``DELETE`` clears them.
- ``POST /_emulator/batches/finish``: ``{"name": "batches/..."}`` runs a batch to completion.
- ``GET /_emulator/oauth``: tokens issued by ``POST /token`` (``issued``, ``issuedByGrant``,
  ``live``, ``tokenLifetime``).
- ``POST /_emulator/oauth/expire``: ``{"token"?: ...}`` expires one issued token (or all), so
  the next call with it gets 401 ``ACCESS_TOKEN_EXPIRED``.
- ``POST /_emulator/vertex/finish``: ``{"name": "projects/.../batchPredictionJobs/..."}`` (or a
  ``tuningJobs`` name) runs a Vertex AI job to completion.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import web

from ._errors import ApiError, bad_request
from ._faults import FaultConfig
from ._live import LIVE_KEY
from ._state import STATE_KEY

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = ["register"]

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _state(request: web.Request) -> EmulatorState:
    return request.app[STATE_KEY]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status, body=msgspec.json.encode(data), content_type="application/json"
    )


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise bad_request(f"Invalid JSON payload received. ({exc})") from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    return {_CAMEL.sub("_", k).lower(): v for k, v in data.items()}


def _guard(func: Any) -> Any:
    async def wrapper(request: web.Request) -> web.Response:
        try:
            result: web.Response = await func(request)
        except ApiError as exc:
            return web.Response(
                status=exc.code, body=exc.to_bytes(), content_type="application/json"
            )
        return result

    return wrapper


@_guard
async def health(request: web.Request) -> web.Response:
    """``GET /_emulator/health``."""
    return _json({"ok": True})


@_guard
async def get_faults(request: web.Request) -> web.Response:
    """``GET /_emulator/faults``."""
    return _json(_state(request).faults.snapshot())


@_guard
async def set_faults(request: web.Request) -> web.Response:
    """``POST /_emulator/faults``."""
    body = await _body(request)
    model = body.pop("model", None)
    if "error_statuses" in body and isinstance(body["error_statuses"], list):
        body["error_statuses"] = tuple(body["error_statuses"])
    try:
        config = msgspec.convert(body, FaultConfig)
    except (msgspec.ValidationError, ValueError) as exc:
        raise bad_request(f"Invalid fault configuration: {exc}") from None
    state = _state(request)
    state.faults.configure(config, model=model)
    return _json(state.faults.snapshot())


@_guard
async def fail_next(request: web.Request) -> web.Response:
    """``POST /_emulator/faults/fail-next``."""
    body = await _body(request)
    state = _state(request)
    try:
        state.faults.fail_next(
            int(body.get("count", 1)),
            int(body.get("status", 503)),
            model=body.get("model"),
            message=body.get("message"),
            retry_delay=body.get("retry_delay"),
        )
    except (TypeError, ValueError) as exc:
        raise bad_request(f"Invalid fail-next request: {exc}") from None
    return _json(state.faults.snapshot())


@_guard
async def clear_faults(request: web.Request) -> web.Response:
    """``DELETE /_emulator/faults``."""
    _state(request).faults.clear()
    return _json({})


@_guard
async def get_recorded(request: web.Request) -> web.Response:
    """``GET /_emulator/recorded``."""
    return _json({"requests": msgspec.to_builtins(list(_state(request).recorder))})


@_guard
async def clear_recorded(request: web.Request) -> web.Response:
    """``DELETE /_emulator/recorded``."""
    _state(request).recorder.clear()
    return _json({})


@_guard
async def complete_operation(request: web.Request) -> web.Response:
    """``POST /_emulator/operations/complete``."""
    body = await _body(request)
    name = body.get("name")
    state = _state(request)
    if not isinstance(name, str) or state.operations.get(name) is None:
        raise ApiError(404, f"Operation {name} not found.")
    return _json(state.operations.complete(name).to_json())


@_guard
async def reset(request: web.Request) -> web.Response:
    """``POST /_emulator/reset``."""
    state = _state(request)
    state.faults.clear()
    state.uploads.faults.clear()
    state.recorder.clear()
    request.app[LIVE_KEY].clear()
    return _json({})


@_guard
async def get_settings(request: web.Request) -> web.Response:
    """``GET /_emulator/settings``."""
    settings = _state(request).settings
    out = dataclasses.asdict(settings)
    out.pop("api_key", None)
    out.pop("bearer_tokens", None)
    return _json(out)


@_guard
async def set_settings(request: web.Request) -> web.Response:
    """``POST /_emulator/settings``: change some :class:`Settings` fields (not the API key)."""
    body = await _body(request)
    settings = _state(request).settings
    fields = {f.name: f for f in dataclasses.fields(settings)}
    fields.pop("api_key")
    for key, value in body.items():
        if key not in fields:
            raise bad_request(f"Unknown setting {key!r}; known: {', '.join(sorted(fields))}.")
        current = getattr(settings, key)
        if isinstance(current, tuple) and isinstance(value, list):
            value = tuple(value)
        if isinstance(current, float) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not type(current):
            raise bad_request(f"Setting {key!r} must be a {type(current).__name__}.")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise bad_request(f"Setting {key!r} must not be negative.")
        setattr(settings, key, value)
    return await get_settings(request)  # type: ignore[no-any-return]


@_guard
async def drop_upload(request: web.Request) -> web.Response:
    """``POST /_emulator/uploads/drop``."""
    body = await _body(request)
    uploads = _state(request).uploads
    try:
        uploads.drop_connection(
            chunk=body.get("chunk"),
            after_bytes=int(body.get("after_bytes", 0)),
            times=int(body.get("times", 1)),
        )
    except (TypeError, ValueError) as exc:
        raise bad_request(f"Invalid upload drop: {exc}") from None
    return _json({"drops": uploads.faults.snapshot()})


@_guard
async def clear_upload_drops(request: web.Request) -> web.Response:
    """``DELETE /_emulator/uploads/drop``."""
    _state(request).uploads.faults.clear()
    return _json({})


@_guard
async def finish_batch(request: web.Request) -> web.Response:
    """``POST /_emulator/batches/finish``."""
    body = await _body(request)
    name = body.get("name")
    if not isinstance(name, str):
        raise bad_request("name is required.")
    return _json(_state(request).batches.finish(name).to_json())


@_guard
async def get_oauth(request: web.Request) -> web.Response:
    """``GET /_emulator/oauth``."""
    return _json(_state(request).oauth.snapshot())


@_guard
async def expire_tokens(request: web.Request) -> web.Response:
    """``POST /_emulator/oauth/expire``."""
    body = await _body(request)
    token = body.get("token")
    if token is not None and not isinstance(token, str):
        raise bad_request("token must be a string.")
    expired = _state(request).oauth.expire(token)
    return _json({"expired": expired})


@_guard
async def finish_vertex_job(request: web.Request) -> web.Response:
    """``POST /_emulator/vertex/finish``."""
    body = await _body(request)
    name = body.get("name")
    if not isinstance(name, str):
        raise bad_request("name is required.")
    return _json(_state(request).vertex.finish(name))


def register(app: web.Application) -> None:
    """Add the admin routes to ``app`` (before the API catch-all)."""
    app.router.add_get("/_emulator/health", health)
    app.router.add_get("/_emulator/faults", get_faults)
    app.router.add_post("/_emulator/faults", set_faults)
    app.router.add_delete("/_emulator/faults", clear_faults)
    app.router.add_post("/_emulator/faults/fail-next", fail_next)
    app.router.add_get("/_emulator/recorded", get_recorded)
    app.router.add_delete("/_emulator/recorded", clear_recorded)
    app.router.add_post("/_emulator/operations/complete", complete_operation)
    app.router.add_post("/_emulator/reset", reset)
    app.router.add_get("/_emulator/settings", get_settings)
    app.router.add_post("/_emulator/settings", set_settings)
    app.router.add_post("/_emulator/uploads/drop", drop_upload)
    app.router.add_delete("/_emulator/uploads/drop", clear_upload_drops)
    app.router.add_post("/_emulator/batches/finish", finish_batch)
    app.router.add_get("/_emulator/oauth", get_oauth)
    app.router.add_post("/_emulator/oauth/expire", expire_tokens)
    app.router.add_post("/_emulator/vertex/finish", finish_vertex_job)
