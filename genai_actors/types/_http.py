"""Client-side HTTP settings: :class:`HttpOptions` and :class:`HttpRetryOptions`.

These are not wire types: field names are the Python names, and both structs are accepted
as plain dicts wherever the client takes them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import msgspec

from ._base import enum_of

__all__ = ["HttpOptions", "HttpRetryOptions", "ResourceScope"]


class ResourceScope(StrEnum):
    """Values of ``ResourceScope`` (``HttpOptions.base_url_resource_scope``).

    Defined here, not beside the other enums, so that building a client does not load them;
    lookups behave as theirs (any letter case; an unknown value becomes a pseudo-member).
    """

    COLLECTION = "COLLECTION"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        from ._enums import _ApiEnum  # only for a value not written as a member's

        return _ApiEnum._missing_.__func__(cls, value)  # type: ignore[attr-defined]


class HttpRetryOptions(msgspec.Struct, kw_only=True, omit_defaults=True):
    """How failed requests are retried. ``None`` fields take the client's documented defaults.

    Attributes:
        attempts: Total attempts including the first; ``1`` disables retries.
        initial_delay: Seconds before the first retry.
        max_delay: Upper bound in seconds on any single wait.
        exp_base: Multiplier applied to the delay after each attempt.
        jitter: Up to this many seconds of random delay added to each wait.
        http_status_codes: HTTP statuses that are retried.
    """

    attempts: int | None = None
    initial_delay: float | None = None
    max_delay: float | None = None
    exp_base: float | None = None
    jitter: float | None = None
    http_status_codes: list[int] | None = None


class HttpOptions(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Transport settings, given to the client or per call through ``config.http_options``.

    Attributes:
        base_url: Base URL of the API (``https://generativelanguage.googleapis.com/`` by default).
        base_url_resource_scope: ``ResourceScope.COLLECTION`` (or ``"COLLECTION"``) when
            ``base_url`` already names the collection: URLs are then ``base_url`` + resource
            path, without the API version (and on Vertex AI with a custom base URL, without
            ``projects/{p}/locations/{l}/``). A client given a scope needs a ``base_url``.
        api_version: API version path segment (``v1`` by default, like google-genai 3.x).
        headers: Extra headers; per-call values win over client values.
        timeout: Overall budget of one call in **milliseconds**, retries included, exactly as
            in google-genai (600,000 ms when unset). Every other timeout of genai_actors is in
            seconds; a value under 1,000 ms is refused as a unit mistake.
        retry_options: Retry policy; retries are on by default.
        extra_body: A dict deep-merged into the JSON request body.
    """

    base_url: str | None = None
    base_url_resource_scope: Annotated[ResourceScope, enum_of(ResourceScope)] | None = None
    api_version: str | None = None
    headers: dict[str, str] | None = None
    timeout: int | float | None = None
    retry_options: HttpRetryOptions | None = None
    extra_body: dict[str, object] | None = None
