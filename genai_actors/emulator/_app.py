"""The aiohttp application: recording, auth, faults and dispatch for every API request.

All API paths go through one catch-all handler (:func:`handle`) that records the request, checks
the API key, looks the route up in the :class:`~._router.Router`, applies faults and runs the
handler. Handlers return JSON-ready data or a finished ``StreamResponse``; :class:`ApiError` becomes
the Google error envelope. Nothing is logged per request.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import msgspec
from aiohttp import web

from genai_actors._tokenizer._core import Encoder

from . import (
    _admin,
    _auth_tokens,
    _batches,
    _caches,
    _embed,
    _file_search,
    _files,
    _generate,
    _live_admin,
    _models,
    _operations,
    _predict,
    _tokens,
    _tunings,
    _vertex_generate,
    _vertex_jobs,
    _vertex_media,
    _vertex_models,
)
from ._auth import authenticate
from ._errors import ApiError
from ._live_state import LiveStore
from ._oauth import token_endpoint
from ._recorder import RecordedRequest
from ._router import API_VERSIONS, Call, Router
from ._state import STATE_KEY, EmulatorState
from ._upload import handle_upload
from ._vertex import is_vertex, prepare

__all__ = ["STATE_KEY", "authenticate", "build_app", "build_router"]

ROUTER_KEY: web.AppKey[Router] = web.AppKey("genai_actors_emulator_router", Router)
VERTEX_ROUTER_KEY: web.AppKey[Router] = web.AppKey("genai_actors_emulator_vertex", Router)

_log = logging.getLogger("genai_actors.emulator")
_log.addHandler(logging.NullHandler())
_ENCODE = msgspec.json.encode
_DECODE = msgspec.json.decode
# Custom methods that consume a model's request quota (``rpm`` / ``rpd`` faults).
_QUOTA_ACTIONS = frozenset(
    {
        "generateContent",
        "streamGenerateContent",
        "embedContent",
        "batchEmbedContents",
        "predict",
        "predictLongRunning",
        "batchGenerateContent",
        "asyncBatchEmbedContent",
    }
)


def build_router() -> Router:
    """A router with every resource module's routes."""
    router = Router()
    for module in (
        _models,
        _generate,
        _embed,
        _predict,
        _operations,
        _files,
        _caches,
        _batches,
        _tunings,
        _file_search,
        _auth_tokens,
        _tokens,
    ):
        module.register(router)
    return router


def build_vertex_router() -> Router:
    """A router with every Vertex AI route (paths without ``projects/{p}/locations/{l}/``)."""
    router = Router()
    for module in (_vertex_generate, _vertex_media, _vertex_models, _vertex_jobs):
        module.register(router)
    return router


def build_app(state: EmulatorState, tokenizer: Encoder | None = None) -> web.Application:
    """The aiohttp application serving ``state`` (counting tokens with ``tokenizer`` if given)."""
    middlewares = [] if tokenizer is None else [_counting_with(tokenizer)]
    app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=middlewares)
    app[STATE_KEY] = state
    app[ROUTER_KEY] = build_router()
    app[VERTEX_ROUTER_KEY] = build_vertex_router()
    _admin.register(app)
    app.router.add_post("/token", token_endpoint(state))
    _live_admin.register(app, LiveStore(state.clock))
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def _counting_with(tokenizer: Encoder) -> Any:
    """A middleware binding ``tokenizer`` to each request's context (API, Live and admin)."""

    @web.middleware
    async def counting(request: web.Request, handler: Any) -> web.StreamResponse:
        _tokens.use_encoder(tokenizer)  # this request's task context only
        response: web.StreamResponse = await handler(request)
        return response

    return counting


def error_response(exc: ApiError) -> web.Response:
    """The JSON error envelope for ``exc``."""
    return web.Response(
        status=exc.code,
        body=exc.to_bytes(),
        headers={"Content-Type": "application/json; charset=UTF-8", **exc.headers},
    )


def _json_response(data: Any) -> web.Response:
    return web.Response(
        body=_ENCODE(data), headers={"Content-Type": "application/json; charset=UTF-8"}
    )


async def handle(request: web.Request) -> web.StreamResponse:
    """Serve one API request (every path outside ``/_emulator/``)."""
    state = request.app[STATE_KEY]
    if request.path.startswith("/upload/"):
        # Upload bodies are streamed to disk, never read whole.
        try:
            return await handle_upload(state, request)
        except ApiError as exc:
            return error_response(exc)
        except (web.HTTPException, ConnectionError):
            raise
        except Exception as exc:
            return _internal(request, exc)
    body = await request.read() if request.body_exists else b""
    decoded: Any = None
    if state.recorder.enabled:
        if body:
            try:
                decoded = _DECODE(body)
            except msgspec.DecodeError:
                decoded = None
        state.recorder.add(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query.items()),
                headers={k.lower(): v for k, v in request.headers.items()},
                json=decoded,
                body_size=len(body),
            )
        )
    try:
        return await _serve(state, request, body, decoded)
    except ApiError as exc:
        return error_response(exc)
    except (web.HTTPException, ConnectionError):
        raise
    except Exception as exc:
        return _internal(request, exc)


def _internal(request: web.Request, exc: Exception) -> web.Response:
    # A bug in the emulator: answer like the real API's 500 and say where it came from.
    _log.exception("emulator.handler_failed", extra={"path": request.path})
    return error_response(
        ApiError(500, f"Internal error in the Gemini API emulator: {type(exc).__name__}: {exc}")
    )


async def _serve(
    state: EmulatorState, request: web.Request, body: bytes, decoded: Any
) -> web.StreamResponse:
    path = request.path.lstrip("/")
    version, _, rest = path.partition("/")
    model: str | None = None
    if rest and is_vertex(version, rest):
        call: Call
        call, model = prepare(state, request, version, rest, body)
        router = request.app[VERTEX_ROUTER_KEY]
    elif version not in API_VERSIONS or not rest:
        raise ApiError(404, f"The requested URL /{path} was not found on this server.")
    else:
        authenticate(state, request)
        head, slash, last = rest.rstrip("/").rpartition("/")
        last, _, action = last.partition(":")
        call = Call(state, request, version, head + slash + last, action, body)
        router = request.app[ROUTER_KEY]
        if call.segments[0] in ("models", "tunedModels") and len(call.segments) == 2:
            model = call.name
    if decoded is not None:
        call.set_json(decoded)
    action = call.action
    handler = router.find(request.method, call.segments, action)
    if handler is None:
        raise ApiError(404, "Method not found.")
    faults = state.faults.config_for(model)
    if faults.latency:
        await asyncio.sleep(faults.latency)
    state.faults.check(model, counts_quota=action in _QUOTA_ACTIONS)
    result = await handler(call)
    if isinstance(result, web.StreamResponse):
        return result
    return _json_response(result)
