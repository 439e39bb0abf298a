"""The result of a request builder: verb, path, query, JSON body, per-call HTTP options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from ..types._base import encode_json
from ..types._http import HttpOptions

__all__ = ["Request"]


class Request:
    """One HTTP request, ready for the transport.

    Attributes:
        method: ``GET``, ``POST``, ``PATCH`` or ``DELETE``.
        path: Path after the API version, e.g. ``models/gemini-2.5-flash:generateContent``.
            On Vertex AI, paths not starting with ``projects/`` are relative to
            ``projects/{project}/locations/{location}/``, as in google-genai.
        query: Query parameters, or ``None``; a list value repeats its key.
        http_options: Per-call HTTP options from ``config.http_options``, or ``None``.
        config: The config struct the builder coerced the caller's ``config`` into (a dict
            converted, a struct as the caller gave it), so that the caller need not coerce it
            again; ``None`` from builders that keep none.

    A builder that encoded and checked the body passes those bytes as ``encoded`` (and no
    ``payload``): they are sent as they are, and decoded into :attr:`payload` only if it is
    read.
    """

    __slots__ = ("_body", "_payload", "config", "http_options", "method", "path", "query")

    def __init__(
        self,
        method: str,
        path: str,
        query: Mapping[str, str | list[str]] | None = None,
        payload: dict[str, Any] | None = None,
        http_options: HttpOptions | None = None,
        *,
        config: Any = None,
        encoded: bytes | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.http_options = http_options
        self.config = config
        self._payload = payload
        self._body = encoded

    @property
    def payload(self) -> dict[str, Any] | None:
        """The JSON body as builtins (camelCase keys), or ``None`` for no body."""
        if self._payload is None and self._body is not None:
            self._payload = msgspec.json.decode(self._body)
        return self._payload

    @property
    def body(self) -> bytes | None:
        """The JSON body as bytes, or ``None``: encoded once, on first use (or by the builder).

        ``http_options.extra_body`` is not in it: the HTTP seam merges the client's and the
        call's ``extra_body`` into the body once, when it sends it.

        Raises:
            TypeError: The payload holds a value with no JSON form.
        """
        if self._body is None and self._payload is not None:
            self._body = encode_json(self._payload)
        return self._body

    def __repr__(self) -> str:
        size = "no body" if self.payload is None else f"{len(self.body or b'')} byte body"
        return f"<Request {self.method} {self.path} ({size})>"
