"""The Live part of the admin API (``/_emulator/live/...``) and the Live routes.

- ``GET /_emulator/live``: settings, scripted faults, connection counts and session ids.
- ``POST /_emulator/live/settings``: change :class:`~._live_state.LiveSettings` fields
  (snake_case or camelCase), e.g. ``{"maxConnectionSeconds": 2, "chunkDelay": 0.05}``.
- ``POST /_emulator/live/faults``: script a :class:`~._live_state.LiveFault` for the next
  connection(s): ``{"closeAfter": 3, "closeCode": 1011}``, ``{"goAwayAfter": 2}``,
  ``{"rejectSetup": "reason"}``, with ``"times"``.
- ``DELETE /_emulator/live/faults``: remove scripted faults and restore default settings.
- ``GET /_emulator/live/sessions/{id}``: the client messages a session consumed, in order.
- ``POST /_emulator/live/goAway``: send ``goAway`` to every open Live connection now, each
  closing ``timeLeft`` seconds later (default: the ``goAwayLeadSeconds`` setting), e.g.
  ``{"timeLeft": 0.5}``; answers ``{"connections": [numbers]}``.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from aiohttp import web

from ._live import LIVE_KEY, PATH_PREFIX, VERTEX_PATH, handle_live, handle_vertex_live
from ._live_state import LiveFault, LiveSettings, LiveStore

__all__ = ["register"]

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status, body=msgspec.json.encode(data), content_type="application/json"
    )


def _error(message: str, status: int = 400) -> web.Response:
    return _json({"error": {"code": status, "message": message}}, status)


async def _body(request: web.Request) -> dict[str, Any] | None:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return None
    if not isinstance(data, dict):
        return None
    return {_CAMEL.sub("_", k).lower(): v for k, v in data.items()}


def _store(request: web.Request) -> LiveStore:
    return request.app[LIVE_KEY]


async def get_live(request: web.Request) -> web.Response:
    """``GET /_emulator/live``."""
    return _json(_store(request).snapshot())


async def set_settings(request: web.Request) -> web.Response:
    """``POST /_emulator/live/settings``."""
    body = await _body(request)
    if body is None:
        return _error("The body must be a JSON object.")
    store = _store(request)
    try:
        store.settings = msgspec.convert(
            {**msgspec.to_builtins(store.settings), **body}, LiveSettings, strict=False
        )
    except (msgspec.ValidationError, ValueError) as exc:
        return _error(f"Invalid Live settings: {exc}")
    return _json(store.snapshot())


async def add_fault(request: web.Request) -> web.Response:
    """``POST /_emulator/live/faults``."""
    body = await _body(request)
    if body is None:
        return _error("The body must be a JSON object.")
    try:
        fault = msgspec.convert(body, LiveFault, strict=False)
    except (msgspec.ValidationError, ValueError) as exc:
        return _error(f"Invalid Live fault: {exc}")
    store = _store(request)
    store.add_fault(fault)
    return _json(store.snapshot())


async def clear_faults(request: web.Request) -> web.Response:
    """``DELETE /_emulator/live/faults``."""
    _store(request).clear()
    return _json({})


async def consumed(request: web.Request) -> web.Response:
    """``GET /_emulator/live/sessions/{id}``."""
    session_id = request.match_info["id"]
    try:
        messages = _store(request).consumed(session_id)
    except KeyError:
        return _error(f"Live session {session_id} not found.", 404)
    return _json({"sessionId": session_id, "consumed": messages})


async def go_away(request: web.Request) -> web.Response:
    """``POST /_emulator/live/goAway``."""
    body = await _body(request)
    if body is None:
        return _error("The body must be a JSON object.")
    store = _store(request)
    time_left = body.pop("time_left", store.settings.go_away_lead_seconds)
    if body:
        return _error(f"Unknown field(s): {sorted(body)}; only timeLeft is taken.")
    if isinstance(time_left, bool) or not isinstance(time_left, int | float) or time_left < 0:
        return _error("timeLeft must be a number of seconds >= 0.")
    return _json({"connections": store.go_away_all(float(time_left))})


def register(app: web.Application, store: LiveStore) -> None:
    """Add the Live store, its WebSocket route and its admin routes (before the catch-all)."""
    app[LIVE_KEY] = store
    # google-genai joins its base URL (ending in "/") and "/ws/...": accept "//ws/" too.
    app.router.add_get("/{lead:/?}" + PATH_PREFIX[1:] + "{method}", handle_live)
    app.router.add_get("/{lead:/?}" + VERTEX_PATH[1:], handle_vertex_live)
    app.router.add_get("/_emulator/live", get_live)
    app.router.add_post("/_emulator/live/settings", set_settings)
    app.router.add_post("/_emulator/live/faults", add_fault)
    app.router.add_delete("/_emulator/live/faults", clear_faults)
    app.router.add_get("/_emulator/live/sessions/{id}", consumed)
    app.router.add_post("/_emulator/live/goAway", go_away)
