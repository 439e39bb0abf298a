"""Request dispatch for the emulator: one table keyed by verb, resource shape and custom method.

Paths are ``/{version}/{resource}[:{method}]``. The resource's shape replaces every identifier
segment with ``*`` (``models/gemini-2.5-flash`` -> ``models/*``,
``models/veo/operations/abc`` -> ``models/*/operations/*``), so one dictionary lookup finds the
handler. Each resource module registers its routes with :meth:`Router.add`.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import msgspec
from aiohttp import web

from ._errors import ApiError, bad_request
from ._proto import parse

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = ["API_VERSIONS", "Call", "Handler", "Router", "page", "shape_of"]

API_VERSIONS = frozenset({"v1", "v1beta", "v1alpha"})

Handler = Callable[["Call"], Awaitable[Any]]
_DECODE = msgspec.json.decode
_UNSET: Any = object()


class Call:
    """One API request on its way through the emulator.

    Attributes:
        state: The emulator's shared state.
        request: The aiohttp request.
        version: ``v1``, ``v1beta`` or ``v1alpha``.
        name: The resource path without version or method, e.g. ``models/gemini-2.5-flash``.
        segments: ``name`` split on ``/``.
        action: The custom method after ``:`` (``generateContent``), or ``""``.
        body: The raw request body.
    """

    __slots__ = ("_json", "action", "body", "name", "request", "segments", "state", "version")

    def __init__(
        self,
        state: EmulatorState,
        request: web.Request,
        version: str,
        name: str,
        action: str,
        body: bytes,
    ) -> None:
        self.state = state
        self.request = request
        self.version = version
        self.name = name
        self.segments = name.split("/")
        self.action = action
        self.body = body
        self._json: Any = _UNSET

    @property
    def query(self) -> Any:
        """The query parameters (a multidict)."""
        return self.request.query

    def raw_json(self) -> Any:
        """The decoded body (``{}`` when empty).

        Raises:
            ApiError: 400 ``Invalid JSON payload received.`` when the body is not JSON.
        """
        if self._json is _UNSET:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = _DECODE(self.body)
                except msgspec.DecodeError as exc:
                    raise bad_request(
                        f"Invalid JSON payload received. Unexpected token. ({exc})"
                    ) from None
        return self._json

    def set_json(self, value: Any) -> None:
        """Remember a body decoded earlier (by the recorder) so it is not decoded twice."""
        self._json = value

    def body_as(self, message: str) -> dict[str, Any]:
        """Decode and validate the body as proto ``message``, with camelCase keys.

        Raises:
            ApiError: 400 INVALID_ARGUMENT for malformed JSON, unknown fields or wrong types.
        """
        return parse(message, self.raw_json(), api_version=self.version)

    def origin(self, scheme: str | None = None) -> str:
        """``scheme://host:port`` as the client reached the emulator."""
        return f"{scheme or self.request.scheme}://{self.request.host}"


def shape_of(segments: list[str]) -> str:
    """Replace identifier segments (odd positions) with ``*``."""
    return "/".join("*" if i % 2 else s for i, s in enumerate(segments))


class Router:
    """The dispatch table: ``(verb, shape, action) -> handler``."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str, str], Handler] = {}
        self._fallbacks: list[tuple[str, str, Handler]] = []

    def add(self, verb: str, shape: str, action: str, handler: Handler) -> None:
        """Register ``handler`` for ``verb /{version}/{shape}[:{action}]``.

        Raises:
            ValueError: If the route is already taken.
        """
        key = (verb.upper(), shape, action)
        if key in self._routes:
            raise ValueError(f"route {key} registered twice")
        self._routes[key] = handler

    def fallback(self, verb: str, segment: str, handler: Handler) -> None:
        """Send ``verb`` requests without a custom method to ``handler`` when no exact route
        matches and ``segment`` appears inside the path (neither first nor last)."""
        self._fallbacks.append((verb.upper(), segment, handler))

    def find(self, verb: str, segments: list[str], action: str) -> Handler | None:
        """The handler for a request, or None."""
        found = self._routes.get((verb, shape_of(segments), action))
        if found is None and not action:
            for fb_verb, segment, handler in self._fallbacks:
                if fb_verb == verb and segment in segments[1:-1]:
                    return handler
        return found

    def allows(self, segments: list[str], action: str) -> bool:
        """Whether any verb is routed for this resource shape and action."""
        shape = shape_of(segments)
        return any(k[1] == shape and k[2] == action for k in self._routes)


def page(
    call: Call,
    items: list[Any],
    *,
    default_size: int = 50,
    max_size: int = 1000,
) -> tuple[list[Any], str | None]:
    """Cut one page out of ``items`` using the ``pageSize`` / ``pageToken`` query parameters.

    Returns:
        The page and the ``nextPageToken`` (None on the last page).

    Raises:
        ApiError: 400 for a non-numeric or negative page size, or a token this emulator did not
            issue for this collection.
    """
    raw_size = call.query.get("pageSize") or call.query.get("page_size")
    size = default_size
    if raw_size is not None:
        try:
            size = int(raw_size)
        except ValueError:
            raise bad_request(
                f"Invalid value at 'page_size' (TYPE_INT32), \"{raw_size}\""
            ) from None
        if size < 0:
            raise bad_request("page_size must not be negative", "page_size")
        size = min(size or default_size, max_size)
    token = call.query.get("pageToken") or call.query.get("page_token")
    start = 0
    if token:
        start = _decode_token(token, call.name)
    chunk = items[start : start + size]
    end = start + size
    next_token = _encode_token(end, call.name) if end < len(items) else None
    return chunk, next_token


def _encode_token(offset: int, collection: str) -> str:
    return base64.urlsafe_b64encode(f"{collection}|{offset}".encode()).decode().rstrip("=")


def _decode_token(token: str, collection: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        owner, _, offset = raw.rpartition("|")
        value = int(offset)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Invalid page token.") from None
    if owner != collection or value < 0:
        raise ApiError(400, "Invalid page token.")
    return value
