"""The result of a request builder: verb, path, query, JSON body, per-call HTTP options."""

from __future__ import annotations

from typing import Any

from ..types._base import encode_json
from ..types._http import HttpOptions

__all__ = ["Request", "deep_merge"]


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``extra`` merged in: nested dicts merge, other values replace."""
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


class Request:
    """One HTTP request, ready for the transport.

    Attributes:
        method: ``GET``, ``POST``, ``PATCH`` or ``DELETE``.
        path: Path after the API version, e.g. ``models/gemini-2.5-flash:generateContent``.
            On Vertex AI, paths not starting with ``projects/`` are relative to
            ``projects/{project}/locations/{location}/``, as in google-genai.
        query: Query parameters, or ``None``.
        payload: The JSON body as builtins (camelCase keys), or ``None`` for no body.
        http_options: Per-call HTTP options from ``config.http_options``, or ``None``.
    """

    __slots__ = ("_body", "http_options", "method", "path", "payload", "query")

    def __init__(
        self,
        method: str,
        path: str,
        query: dict[str, str] | None = None,
        payload: dict[str, Any] | None = None,
        http_options: HttpOptions | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.payload = payload
        self.http_options = http_options
        self._body: bytes | None = None

    @property
    def body(self) -> bytes | None:
        """The JSON body as bytes (``extra_body`` from ``http_options`` merged in), or ``None``.

        Raises:
            TypeError: The payload holds a value with no JSON form.
        """
        if self.payload is None:
            return None
        if self._body is None:
            payload = self.payload
            extra = self.http_options.extra_body if self.http_options is not None else None
            if extra:
                payload = deep_merge(payload, extra)
            self._body = encode_json(payload)
        return self._body

    def __repr__(self) -> str:
        size = "no body" if self.payload is None else f"{len(self.body or b'')} byte body"
        return f"<Request {self.method} {self.path} ({size})>"
