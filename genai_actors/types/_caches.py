"""Context caching: ``CachedContent`` and the configs of ``client.caches`` methods.

``ttl`` is accepted as seconds (``int``/``float``), a :class:`datetime.timedelta` or the wire
duration string (``"300s"``, ``"1.5s"``); the client sends the wire string. ``expire_time`` is
an aware :class:`datetime.datetime` (naive values are taken as UTC) or an RFC 3339 string.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from ._base import ContentListUnion, ContentUnion, HttpResponse, ToolUnion, _Wire
from ._http import HttpOptions
from ._tools import ToolConfig

__all__ = [
    "CachedContent",
    "CachedContentUsageMetadata",
    "CreateCachedContentConfig",
    "DeleteCachedContentConfig",
    "DeleteCachedContentResponse",
    "GetCachedContentConfig",
    "ListCachedContentsConfig",
    "ListCachedContentsResponse",
    "TimeUnion",
    "TtlUnion",
    "UpdateCachedContentConfig",
]

if TYPE_CHECKING:
    from typing import TypeAlias

    TtlUnion: TypeAlias = str | int | float | datetime.timedelta
    TimeUnion: TypeAlias = datetime.datetime | str
else:
    # Checked by the caches module (msgspec cannot hold these unions); see its docs.
    TtlUnion = Any
    TimeUnion = Any


class CachedContentUsageMetadata(_Wire, kw_only=True):
    """What a cached content holds (tokens, and media counts on Vertex AI)."""

    audio_duration_seconds: int | None = None
    image_count: int | None = None
    text_count: int | None = None
    total_token_count: int | None = None
    video_duration_seconds: int | None = None


class CachedContent(_Wire, kw_only=True):
    """A cached content: contents, system instruction and tools kept for one model.

    The server never returns the cached contents themselves, only their metadata.

    Attributes:
        name: ``cachedContents/{id}``: pass it as ``config.cached_content`` of a request.
        display_name: The user-given label.
        model: ``models/{id}`` the cache was created for (requests must use the same).
        create_time: When it was created.
        update_time: When it was last updated.
        expire_time: When it vanishes; using it afterwards fails (403).
        usage_metadata: Token count (``total_token_count``).
    """

    name: str | None = None
    display_name: str | None = None
    model: str | None = None
    create_time: datetime.datetime | None = None
    update_time: datetime.datetime | None = None
    expire_time: datetime.datetime | None = None
    usage_metadata: CachedContentUsageMetadata | None = None


class CreateCachedContentConfig(_Wire, kw_only=True):
    """The ``config`` of ``caches.create``.

    Attributes:
        ttl: Time to live: seconds, a ``timedelta`` or ``"300s"``; must be positive.
            At most one of ``ttl`` and ``expire_time``; with neither the server's default
            (one hour) applies.
        expire_time: When the cache expires (aware datetime or RFC 3339 string).
        display_name: A label (at most 128 characters).
        contents: The contents to cache (anything ``generate_content`` accepts).
        system_instruction: A system instruction to cache.
        tools: Tools to cache (requests using the cache may then not set tools).
        tool_config: Tool config to cache.
        kms_key_name: Vertex AI only (refused on the Gemini Developer API).
        http_options: Per-call HTTP options.
    """

    http_options: HttpOptions | None = None
    ttl: TtlUnion | None = None
    expire_time: TimeUnion | None = None
    display_name: str | None = None
    contents: ContentListUnion | None = None
    system_instruction: ContentUnion | None = None
    tools: list[ToolUnion] | None = None
    tool_config: ToolConfig | None = None
    kms_key_name: str | None = None


class UpdateCachedContentConfig(_Wire, kw_only=True):
    """The ``config`` of ``caches.update``: exactly one of ``ttl`` and ``expire_time``.

    Attributes:
        ttl: New time to live from now: seconds, a ``timedelta`` or ``"300s"`` (positive).
        expire_time: New expiry (aware datetime or RFC 3339 string).
        http_options: Per-call HTTP options.
    """

    http_options: HttpOptions | None = None
    ttl: TtlUnion | None = None
    expire_time: TimeUnion | None = None


class GetCachedContentConfig(_Wire, kw_only=True):
    """The ``config`` of ``caches.get``."""

    http_options: HttpOptions | None = None


class DeleteCachedContentConfig(_Wire, kw_only=True):
    """The ``config`` of ``caches.delete``."""

    http_options: HttpOptions | None = None


class DeleteCachedContentResponse(_Wire, kw_only=True):
    """What ``caches.delete`` returns (the server answers ``{}``)."""

    sdk_http_response: HttpResponse | None = None


class ListCachedContentsConfig(_Wire, kw_only=True):
    """The ``config`` of ``caches.list``."""

    http_options: HttpOptions | None = None
    page_size: int | None = None
    page_token: str | None = None


class ListCachedContentsResponse(_Wire, kw_only=True):
    """One page of ``caches.list``."""

    sdk_http_response: HttpResponse | None = None
    next_page_token: str | None = None
    cached_contents: list[CachedContent] | None = None
