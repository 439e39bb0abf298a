"""The request recorder: what every API request looked like on arrival, for conformance tests."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, overload

import msgspec

__all__ = ["RecordedRequest", "Recorder"]

_SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization", "x-goog-upload-url"})


class RecordedRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One request as the emulator received it.

    Attributes:
        method: The HTTP verb, upper-case.
        path: The URL path, e.g. ``/v1beta/models/gemini-2.5-flash:generateContent``.
        query: Query parameters (the last value wins for repeated names).
        headers: Request headers with lower-case names (the API key included, as sent; the
            repr redacts it).
        json: The decoded JSON body, or None when the body is empty or not JSON.
        body_size: The raw body size in bytes.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    body_size: int

    def __repr__(self) -> str:
        # The API key is kept (conformance tests compare it) but never shown in a repr.
        shown = {k: ("<redacted>" if k in _SECRET_HEADERS else v) for k, v in self.headers.items()}
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, query={self.query!r}, "
            f"headers={shown!r}, json={self.json!r}, body_size={self.body_size})"
        )


class Recorder:
    """A bounded, clearable log of :class:`RecordedRequest`, oldest first.

    Args:
        limit: How many requests are kept; older ones are dropped (``None``: unbounded).
        enabled: Whether requests are recorded at all (benchmarks may turn it off).
    """

    def __init__(self, limit: int | None = 10_000, *, enabled: bool = True) -> None:
        self._items: deque[RecordedRequest] = deque(maxlen=limit)
        self.enabled = enabled

    def add(self, item: RecordedRequest) -> None:
        """Record one request."""
        self._items.append(item)

    def clear(self) -> None:
        """Forget every recorded request."""
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(list(self._items))

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        if isinstance(index, slice):
            return list(self._items)[index]
        return self._items[index]

    def __repr__(self) -> str:
        return f"<Recorder {len(self._items)} requests>"
