"""What the transport needs of an HTTP client: the subset both h1 and aiohttp give.

Typing only (``Protocol`` classes): nothing here runs on a request. ``Exchange``, the readers
and the streams are written against these, so mypy checks them once for either client; the
aiohttp adapter (``_aiohttp.py``) and ``_h1.H1Session`` satisfy them structurally.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import ssl

    from yarl import URL

    from ._timeouts import Timeouts

__all__ = ["Body", "Reader", "Response", "Session"]

Body = bytes | bytearray | memoryview
"""A request body: sent as given (the aiohttp adapter wraps large ones in a payload)."""


class Reader(Protocol):
    """A response body read in pieces. Failures are the client's own exception classes."""

    async def readany(self) -> bytes:
        """Whatever bytes have arrived (waiting for some); ``b""`` at the end."""
        ...

    async def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (everything to the end for ``-1``); ``b""`` at the end."""
        ...

    def at_eof(self) -> bool:
        """True once the body was read to its end."""
        ...


class Response(Protocol):
    """An open response: status and headers are in, the body is read from ``content``."""

    @property
    def status(self) -> int:
        """The HTTP status."""
        ...

    @property
    def reason(self) -> str | None:
        """The reason phrase of the status line."""
        ...

    @property
    def headers(self) -> Mapping[str, str]:
        """The headers (case-insensitive)."""
        ...

    def header_dict(self) -> dict[str, str]:
        """The headers as a plain dict (google-genai's ``sdk_http_response.headers``):
        lowercase names, the values of a repeated header joined with ``", "`` in order. Built
        once per response; the same dict each time (callers must not change it)."""
        ...

    @property
    def content_length(self) -> int | None:
        """The declared ``Content-Length`` (the wire size), if any."""
        ...

    @property
    def content(self) -> Reader:
        """The body's reader."""
        ...

    @property
    def closed(self) -> bool:
        """True once released or closed."""
        ...

    async def read(self) -> bytes:
        """The whole (decoded) body; the connection then returns to the pool."""
        ...

    def take_body(self) -> bytes | None:
        """The whole (decoded) body when it is already in memory, unread (then taken, as
        :meth:`read` would); ``None`` otherwise (``await read()`` then). No wait."""
        ...

    def release(self) -> object:
        """Body read: the connection back to the pool; otherwise it is closed."""
        ...

    def close(self) -> None:
        """Closes the connection (never back to the pool)."""
        ...


class Session(Protocol):
    """One event loop's HTTP client: a pool of keep-alive connections."""

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        ...

    def request(
        self,
        method: str,
        url: URL,
        *,
        data: Body | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeouts = ...,
        proxy: str | None = None,
        ssl: ssl.SSLContext | bool = True,
    ) -> Awaitable[Response]:
        """Sends a request; the awaitable returns once the status line and headers are in."""
        ...

    async def close(self) -> None:
        """Closes every connection. Idempotent."""
        ...
