"""``client.caches``: context caching (``cachedContents``) on the Gemini Developer API and
Vertex AI (where names are ``projects/{p}/locations/{l}/cachedContents/{id}`` and the model a
full ``projects/.../publishers/google/models/x`` name).

A cache holds contents, a system instruction and tools for one model until it expires; pass its
name as ``config={"cached_content": cache.name}`` to ``generate_content`` with the same model.
Methods and parameters are google-genai's: ``create(model=, config=)``, ``get(name=)``,
``update(name=, config=)``, ``delete(name=)``, ``list(config=)``.

Inputs are checked before anything is sent: ``ttl`` may be seconds (``int``/``float``), a
``timedelta`` or the wire string ``"300s"`` and must be positive; ``expire_time`` must be in the
future; at most one of the two; names must be ``cachedContents/{id}`` (or a bare id; on
Vertex AI also the full resource name).
"""

from __future__ import annotations

import datetime
import math
import re
from typing import TYPE_CHECKING, Any

from .._transformers import (
    InvalidRequestError,
    Request,
    VertexLocation,
    check_backend,
    coerce_config,
    normalize_keys,
    t_cached_content_name,
    t_caches_model,
    t_content,
    t_contents,
    t_tools,
)
from ..pagers import AsyncPager
from ..types._caches import (
    CachedContent,
    CreateCachedContentConfig,
    DeleteCachedContentConfig,
    DeleteCachedContentResponse,
    GetCachedContentConfig,
    ListCachedContentsConfig,
    ListCachedContentsResponse,
    UpdateCachedContentConfig,
)
from ..types._content import Content
from ..types._tools import Tool, ToolConfig
from ._toolkit import call, page_query, vertex_location

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = ["AsyncCaches", "t_ttl"]

_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)s\s*$")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_VERTEX_NAME = re.compile(r"^projects/[^/]+/locations/[^/]+/cachedContents/[A-Za-z0-9_-]+$")


def t_ttl(ttl: object, path: str = "config.ttl") -> str:
    """A TTL as the wire duration string: ``300`` / ``timedelta(minutes=5)`` / ``"300s"`` ->
    ``"300s"``.

    Raises:
        InvalidRequestError: Not a number, ``timedelta`` or ``"<seconds>s"`` string; or not a
            positive, finite duration.
    """
    if isinstance(ttl, bool):
        raise InvalidRequestError(path, f"expected seconds, a timedelta or '300s', got {ttl!r}")
    if isinstance(ttl, datetime.timedelta):
        seconds = ttl.total_seconds()
    elif isinstance(ttl, int | float):
        seconds = float(ttl)
    elif isinstance(ttl, str):
        match = _DURATION.match(ttl)
        if match is None:
            raise InvalidRequestError(
                path, f"expected a duration like '300s' (seconds with an 's'), got {ttl!r}"
            )
        seconds = float(match.group(1))
    else:
        raise InvalidRequestError(
            path, f"expected seconds, a timedelta or '300s', got {type(ttl).__name__}"
        )
    if math.isnan(seconds) or math.isinf(seconds) or seconds <= 0:
        raise InvalidRequestError(path, f"the TTL must be a positive duration, got {ttl!r}")
    if isinstance(ttl, str):
        return ttl.strip()
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{seconds:.9f}".rstrip("0") + "s"


def t_expire_time(value: object, path: str = "config.expire_time") -> str:
    """An expiry as RFC 3339 text; naive datetimes are taken as UTC.

    Raises:
        InvalidRequestError: Not a datetime or ISO 8601 string, or not in the future.
    """
    if isinstance(value, str):
        try:
            moment = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidRequestError(
                path, f"expected an RFC 3339 timestamp, got {value!r}"
            ) from None
    elif isinstance(value, datetime.datetime):
        moment = value
    else:
        raise InvalidRequestError(
            path, f"expected a datetime or an RFC 3339 string, got {type(value).__name__}"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    if moment <= datetime.datetime.now(datetime.UTC):
        raise InvalidRequestError(path, f"the expiry must be in the future, got {value!r}")
    return moment.isoformat()


def cache_name(name: object, vertex: VertexLocation | None = None) -> str:
    """``abc`` or ``cachedContents/abc`` -> ``cachedContents/abc`` (on Vertex AI
    ``projects/{p}/locations/{l}/cachedContents/abc``, a full name being kept).

    Raises:
        InvalidRequestError: Empty, not a string, or not of that shape.
    """
    if not isinstance(name, str):
        name = getattr(name, "name", name)
    full = t_cached_content_name(name, vertex=vertex, path="name")  # type: ignore[arg-type]
    if vertex is not None:
        if not _VERTEX_NAME.match(full):
            raise InvalidRequestError(
                "name",
                "expected 'projects/<p>/locations/<l>/cachedContents/<id>', "
                f"'cachedContents/<id>' or a bare cache id, got {name!r}",
            )
        return full
    parts = full.split("/")
    if len(parts) != 2 or parts[0] != "cachedContents" or not _ID.match(parts[1]):
        raise InvalidRequestError(
            "name", f"expected 'cachedContents/<id>' or a bare cache id, got {name!r}"
        )
    return full


def _create_request(
    model: str, cfg: CreateCachedContentConfig, vertex: VertexLocation | None = None
) -> Request:
    """``caches.create``: POST ``cachedContents`` with the model, contents and expiry.

    Raises:
        InvalidRequestError: A bad model name, TTL, expiry or content; both ``ttl`` and
            ``expire_time``.
        UnsupportedByBackendError: A field of the other backend inside the contents,
            instruction or tools.
    """
    on_vertex = vertex is not None
    body: dict[str, Any] = {"model": t_caches_model(model, vertex=vertex)}
    if cfg.ttl is not None and cfg.expire_time is not None:
        raise InvalidRequestError("config", "set at most one of ttl and expire_time")
    if cfg.ttl is not None:
        body["ttl"] = t_ttl(cfg.ttl)
    if cfg.expire_time is not None:
        body["expireTime"] = t_expire_time(cfg.expire_time)
    if cfg.display_name is not None:
        body["displayName"] = cfg.display_name
    if cfg.contents is not None:
        contents = t_contents(cfg.contents)
        check_backend(contents, "config.contents", vertex=on_vertex)
        body["contents"] = normalize_keys(contents, list[Content], "config.contents")
    if cfg.system_instruction is not None:
        instruction = t_content(cfg.system_instruction, "config.system_instruction")
        check_backend(instruction, "config.system_instruction", vertex=on_vertex)
        body["systemInstruction"] = normalize_keys(
            instruction, Content, "config.system_instruction"
        )
    if cfg.tools is not None:
        tools = t_tools(cfg.tools, "config.tools")
        check_backend(tools, "config.tools", vertex=on_vertex)
        body["tools"] = normalize_keys(tools, list[Tool], "config.tools")
    if cfg.tool_config is not None:
        check_backend(cfg.tool_config, "config.tool_config", vertex=on_vertex)
        body["toolConfig"] = normalize_keys(cfg.tool_config, ToolConfig, "config.tool_config")
    if cfg.kms_key_name is not None and on_vertex:
        # google-genai writes this one key in snake_case; Vertex AI reads both spellings.
        body["encryption_spec"] = {"kmsKeyName": cfg.kms_key_name}
    return Request("POST", "cachedContents", None, body, cfg.http_options)


def _update_request(
    name: object, cfg: UpdateCachedContentConfig, vertex: VertexLocation | None = None
) -> Request:
    """``caches.update``: PATCH the cache with exactly one of ``ttl`` / ``expireTime``.

    Raises:
        InvalidRequestError: No or two expiry fields, a non-positive TTL, a past expiry, or a
            bad name.
    """
    body: dict[str, Any] = {}
    if cfg.ttl is not None and cfg.expire_time is not None:
        raise InvalidRequestError("config", "set only one of ttl and expire_time")
    if cfg.ttl is not None:
        body["ttl"] = t_ttl(cfg.ttl)
    elif cfg.expire_time is not None:
        body["expireTime"] = t_expire_time(cfg.expire_time)
    else:
        raise InvalidRequestError("config", "set ttl or expire_time (the only updatable fields)")
    return Request("PATCH", cache_name(name, vertex), None, body, cfg.http_options)


def _list_request(cfg: ListCachedContentsConfig) -> Request:
    """``caches.list``: GET ``cachedContents``, one page.

    Raises:
        InvalidRequestError: ``page_size`` is not a positive integer.
    """
    query = page_query(cfg.page_size, cfg.page_token)
    text = {key: str(value) for key, value in query.items()} if query else None
    return Request("GET", "cachedContents", text, None, cfg.http_options)


class AsyncCaches:
    """``client.caches`` on :class:`~genai_actors.AsyncClient`.

    Every method raises :class:`~genai_actors.errors.APIError` subclasses for server errors
    (an unknown or expired cache is ``PermissionDeniedError``, 403, as the API answers) and
    :class:`~genai_actors.errors.TransportError` subclasses when the request cannot complete
    (after retries). Cancelling the caller aborts the request and frees its connection.
    """

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client
        self._vertex = vertex_location(api_client)

    async def create(self, *, model: str, config: Any = None) -> CachedContent:
        """Creates a cached content for ``model``.

        Args:
            model: The model the cache is for (``gemini-2.5-flash`` or ``models/...``).
            config: A :class:`~genai_actors.types.CreateCachedContentConfig` or dict:
                ``contents``, ``system_instruction``, ``tools``, ``tool_config``,
                ``display_name``, and at most one of ``ttl`` / ``expire_time``.

        Returns:
            The new :class:`~genai_actors.types.CachedContent` (its ``name`` is the handle).

        Raises:
            InvalidRequestError: A bad model name, TTL, expiry or content (nothing is sent).
            UnsupportedByBackendError: ``kms_key_name`` or another Vertex-only field.
            APIError: The server refused (e.g. too few tokens to cache: 400).
        """
        cfg = coerce_config(config, CreateCachedContentConfig)
        if cfg.kms_key_name is not None and self._vertex is None:
            raise self._api.unsupported("config.kms_key_name", "It needs Vertex AI.")
        request = _create_request(model, cfg, self._vertex)
        return await call(self._api, request, CachedContent, idempotent=False)

    async def get(self, *, name: str, config: Any = None) -> CachedContent:
        """Fetches a cached content's metadata.

        Args:
            name: ``cachedContents/{id}`` or the bare id.
            config: Optional ``{"http_options": ...}``.

        Raises:
            InvalidRequestError: A badly shaped name (nothing is sent).
            PermissionDeniedError: Unknown or expired cache (the API answers 403).
        """
        cfg = coerce_config(config, GetCachedContentConfig)
        request = Request("GET", cache_name(name, self._vertex), None, None, cfg.http_options)
        return await call(self._api, request, CachedContent)

    async def update(self, *, name: str, config: Any = None) -> CachedContent:
        """Changes a cache's expiry: exactly one of ``config.ttl`` and ``config.expire_time``.

        Args:
            name: ``cachedContents/{id}`` or the bare id.
            config: :class:`~genai_actors.types.UpdateCachedContentConfig` or dict.

        Returns:
            The updated cache (``expire_time`` moved).

        Raises:
            InvalidRequestError: No or two expiry fields, a non-positive TTL, a past expiry or a
                bad name (nothing is sent).
            PermissionDeniedError: Unknown or expired cache.
        """
        cfg = coerce_config(config, UpdateCachedContentConfig)
        return await call(self._api, _update_request(name, cfg, self._vertex), CachedContent)

    async def delete(self, *, name: str, config: Any = None) -> DeleteCachedContentResponse:
        """Deletes a cached content.

        Raises:
            InvalidRequestError: A badly shaped name (nothing is sent).
            PermissionDeniedError: Unknown or expired cache.
        """
        cfg = coerce_config(config, DeleteCachedContentConfig)
        request = Request("DELETE", cache_name(name, self._vertex), None, None, cfg.http_options)
        return await call(self._api, request, DeleteCachedContentResponse)

    async def _list_page(self, config: Any = None) -> ListCachedContentsResponse:
        cfg = coerce_config(config, ListCachedContentsConfig)
        return await call(self._api, _list_request(cfg), ListCachedContentsResponse)

    async def list(self, *, config: Any = None) -> AsyncPager[CachedContent]:
        """Lists live cached contents, page by page (``async for`` walks them all).

        Args:
            config: ``page_size`` (positive) and ``page_token``.

        Returns:
            An :class:`~genai_actors.pagers.AsyncPager` named ``cached_contents``.

        Raises:
            InvalidRequestError: A bad ``page_size`` (nothing is sent).
        """
        first = await self._list_page(config)
        return AsyncPager("cached_contents", self._list_page, first, config)
