"""Context caching: the ``cachedContents`` resource and its use by ``generateContent``.

A cache holds contents, a system instruction and tools for one model until its ``expireTime``
(set from ``ttl`` or given directly; ``Settings.cache_default_ttl`` when neither is sent). Expired
caches vanish: reading, updating or generating with them answers 403 PERMISSION_DENIED, as for an
unknown cache. ``generateContent`` with ``cachedContent`` prepends the cached contents to the
request's (so the deterministic answer depends on them), takes the cached system instruction and
tools, and reports ``usageMetadata.cachedContentTokenCount``.

Knobs: ``Settings.cache_min_ttl`` (seconds), ``cache_min_tokens``, ``cache_default_ttl``.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._brain import prompt_tokens
from ._errors import ApiError, bad_request
from ._proto import snake
from ._router import page
from ._timeutil import parse_duration, parse_timestamp, rfc3339

if TYPE_CHECKING:
    from ._router import Call, Router
    from ._state import EmulatorState

__all__ = ["CacheStore", "CachedContent", "register"]

_UPDATABLE = ("ttl", "expireTime")


@dataclass
class CachedContent:
    """One cached content.

    Attributes:
        name: ``cachedContents/{id}``.
        model: ``models/...`` it was created for.
        payload: ``contents``, ``systemInstruction``, ``tools``, ``toolConfig`` as sent.
        tokens: Tokens the cache holds (``usageMetadata.totalTokenCount``).
    """

    name: str
    model: str
    display_name: str | None
    payload: dict[str, Any]
    created: _dt.datetime
    updated: _dt.datetime
    expire: _dt.datetime
    tokens: int

    def to_json(self) -> dict[str, Any]:
        """The ``CachedContent`` resource (contents are never returned, as on the real API)."""
        out: dict[str, Any] = {"name": self.name, "model": self.model}
        if self.display_name:
            out["displayName"] = self.display_name
        out.update(
            {
                "createTime": rfc3339(self.created),
                "updateTime": rfc3339(self.updated),
                "expireTime": rfc3339(self.expire),
                "usageMetadata": {"totalTokenCount": self.tokens},
            }
        )
        return out


def _not_found(name: str) -> ApiError:
    return ApiError(403, f"CachedContent not found (or permission denied) for {name}.")


class CacheStore:
    """Every live cached content, by name.

    Args:
        state: The emulator state (clocks, settings, models).
    """

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._caches: dict[str, CachedContent] = {}
        self._ids = itertools.count(1)

    def _purge(self) -> None:
        now = self._state.now()
        for name in [n for n, c in self._caches.items() if c.expire <= now]:
            del self._caches[name]

    def all(self) -> list[CachedContent]:
        """Every cache that has not expired, oldest first."""
        self._purge()
        return list(self._caches.values())

    def get(self, name: str) -> CachedContent:
        """The live cache called ``name`` (``cachedContents/...``).

        Raises:
            ApiError: 403 PERMISSION_DENIED for an unknown or expired cache.
        """
        self._purge()
        found = self._caches.get(name)
        if found is None:
            raise _not_found(name)
        return found

    def _expiry(self, body: dict[str, Any], where: str) -> _dt.datetime | None:
        now = self._state.now()
        if "ttl" in body and "expireTime" in body:
            raise bad_request(
                f"* {where}: only one of ttl and expire_time may be set\n", "expiration"
            )
        if "ttl" in body:
            seconds = parse_duration(body["ttl"], "ttl")
            if seconds <= 0:
                raise bad_request(f"* {where}.ttl: ttl must be positive\n", "ttl")
            minimum = self._state.settings.cache_min_ttl
            if seconds < minimum:
                raise bad_request(
                    f"* {where}.ttl: ttl must be at least {minimum:g} seconds\n", "ttl"
                )
            return now + _dt.timedelta(seconds=seconds)
        if "expireTime" in body:
            moment = parse_timestamp(body["expireTime"], "expire_time")
            minimum = self._state.settings.cache_min_ttl
            if moment <= now + _dt.timedelta(seconds=minimum):
                raise bad_request(
                    f"* {where}.expire_time: expire_time must be at least {minimum:g} seconds "
                    "in the future\n",
                    "expire_time",
                )
            return moment
        return None

    def create(self, body: dict[str, Any], version: str) -> CachedContent:
        """Create a cache from a validated ``CachedContent`` body.

        Raises:
            ApiError: 400 for a missing model, bad TTL/expiry, or too few tokens; 404 for a
                model that does not exist or cannot cache.
        """
        where = "CreateCachedContentRequest.cached_content"
        model = body.get("model")
        if not model:
            raise bad_request(f"* {where}.model: model is required\n", "model")
        if not model.startswith("models/"):
            model = f"models/{model}"
        self._state.model(model, "createCachedContent", version)
        expire = self._expiry(body, where) or self._state.now() + _dt.timedelta(
            seconds=self._state.settings.cache_default_ttl
        )
        payload: dict[str, Any] = {
            k: body[k]
            for k in ("contents", "systemInstruction", "tools", "toolConfig")
            if k in body
        }
        for i, content in enumerate(payload.get("contents", ())):
            if not content.get("parts"):
                raise bad_request(
                    f"* {where}.contents[{i}].parts: contents.parts must not be empty.\n",
                    f"contents[{i}].parts",
                )
        self._state.files.check_uris(payload.get("contents", ()))
        tokens = prompt_tokens(payload)
        minimum = max(1, self._state.settings.cache_min_tokens)
        if tokens < minimum:
            raise bad_request(
                f"Cached content is too small. total_token_count={tokens}, "
                f"min_total_token_count={minimum}",
                "contents",
            )
        now = self._state.now()
        name = f"cachedContents/{secrets.token_hex(6)}{next(self._ids):04d}"
        cache = CachedContent(
            name=name,
            model=model,
            display_name=body.get("displayName"),
            payload=payload,
            created=now,
            updated=now,
            expire=expire,
            tokens=tokens,
        )
        self._caches[name] = cache
        return cache

    def update(self, name: str, body: dict[str, Any], mask: str | None) -> CachedContent:
        """Apply a PATCH: only ``ttl`` / ``expireTime`` may change.

        Raises:
            ApiError: 403 for an unknown or expired cache; 400 for other fields, a bad mask or
                a bad expiry.
        """
        cache = self.get(name)
        where = "UpdateCachedContentRequest.cached_content"
        if mask:
            fields = [f.strip() for f in mask.split(",") if f.strip()]
            lookup = {snake(f): f for f in _UPDATABLE} | {f: f for f in _UPDATABLE}
            for field in fields:
                if field not in lookup:
                    raise bad_request(
                        f"Invalid update mask: field {field!r} cannot be updated; only ttl and "
                        "expire_time can.",
                        "update_mask",
                    )
            body = {k: v for k, v in body.items() if k in {lookup[f] for f in fields}}
        else:
            other = sorted(set(body) - set(_UPDATABLE) - {"name"})
            if other:
                raise bad_request(
                    f"* {where}: only ttl and expire_time can be updated, got "
                    f"{', '.join(snake(f) for f in other)}\n",
                    snake(other[0]),
                )
        expire = self._expiry(body, where)
        if expire is None:
            raise bad_request(f"* {where}: one of ttl and expire_time is required\n", "ttl")
        cache.expire = expire
        cache.updated = self._state.now()
        return cache

    def delete(self, name: str) -> None:
        """Delete a cache.

        Raises:
            ApiError: 403 for an unknown or expired cache.
        """
        self.get(name)
        del self._caches[name]

    def apply(self, request: dict[str, Any], model: str) -> tuple[dict[str, Any], int]:
        """Resolve ``request['cachedContent']``: the request to answer and the cached tokens.

        Raises:
            ApiError: 403 for an unknown or expired cache; 400 when the models differ or the
                request also sets a system instruction, tools or a tool config.
        """
        name = request.get("cachedContent")
        if not name:
            return request, 0
        if not name.startswith("cachedContents/"):
            name = f"cachedContents/{name}"
        cache = self.get(name)
        if cache.model != model:
            raise bad_request(
                f"Model used by GenerateContent request ({model}) and CachedContent "
                f"({cache.model}) has to be the same.",
                "cached_content",
            )
        clash = [k for k in ("systemInstruction", "tools", "toolConfig") if k in request]
        if clash:
            raise bad_request(
                "CachedContent can not be used with GenerateContent request setting "
                "system_instruction, tools or tool_config.\n\nProposed fix: move those values "
                "to CachedContent from GenerateContent request.",
                snake(clash[0]),
            )
        merged = {k: v for k, v in request.items() if k != "cachedContent"}
        merged.update({k: v for k, v in cache.payload.items() if k != "contents"})
        merged["contents"] = [*cache.payload.get("contents", ()), *request.get("contents", ())]
        return merged, cache.tokens


# -- routes -------------------------------------------------------------------------------------


def _name(call: Call) -> str:
    cid = call.segments[1]
    if not cid or not all(c.isalnum() or c in "-_" for c in cid):
        raise bad_request(f"Invalid cached content name: {call.name}", "name")
    return call.name


async def create_cache(call: Call) -> dict[str, Any]:
    """``POST cachedContents``."""
    body = call.body_as("CachedContent")
    return call.state.caches.create(body, call.version).to_json()


async def get_cache(call: Call) -> dict[str, Any]:
    """``GET cachedContents/{id}``."""
    return call.state.caches.get(_name(call)).to_json()


async def update_cache(call: Call) -> dict[str, Any]:
    """``PATCH cachedContents/{id}[?updateMask=ttl]`` with ``ttl`` or ``expireTime``."""
    body = call.body_as("CachedContent")
    mask = call.query.get("updateMask") or call.query.get("update_mask")
    return call.state.caches.update(_name(call), body, mask).to_json()


async def delete_cache(call: Call) -> dict[str, Any]:
    """``DELETE cachedContents/{id}``."""
    call.state.caches.delete(_name(call))
    return {}


async def list_caches(call: Call) -> dict[str, Any]:
    """``GET cachedContents`` with ``pageSize`` (default 100, max 1000) and ``pageToken``."""
    chunk, token = page(call, call.state.caches.all(), default_size=100, max_size=1000)
    out: dict[str, Any] = {}
    if chunk:
        out["cachedContents"] = [c.to_json() for c in chunk]
    if token:
        out["nextPageToken"] = token
    return out


def register(router: Router) -> None:
    """Add the ``cachedContents`` routes."""
    router.add("POST", "cachedContents", "", create_cache)
    router.add("GET", "cachedContents", "", list_caches)
    router.add("GET", "cachedContents/*", "", get_cache)
    router.add("PATCH", "cachedContents/*", "", update_cache)
    router.add("DELETE", "cachedContents/*", "", delete_cache)
