"""Reading response bodies: whole (capped), in pieces (bytes before a stored error first), a head.

Written against :mod:`._wire`'s ``Response``/``Reader``, so the same for either HTTP client.
h1 returns the bytes that arrived before a connection failure first, then raises. aiohttp's
``StreamReader.readany`` raises an error stored by a dropped connection *before* it returns the
bytes that arrived ahead of it, so a slow consumer would lose events the server had sent:
:func:`held_back` (aiohttp only) finds those bytes, and :func:`read_chunk` returns them first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from ..errors import ResponseTooLargeError
from ._errors import decode_json

if TYPE_CHECKING:
    from ._wire import Reader, Response

__all__ = ["RawResponse", "held_back", "read_body", "read_chunk", "read_head"]


class RawResponse(msgspec.Struct):
    """A successful (2xx) HTTP response, fully read.

    A struct (built in C, once per call) holding the open client's response for its
    case-insensitive headers, built only when read.

    Attributes:
        status: The HTTP status.
        response: The client's response (released; its headers stay readable).
        header_dict: The headers as google-genai's ``sdk_http_response`` has them: lowercase
            names, repeated values joined with ``", "`` (the response's cached dict: copy it
            before changing it).
        content: The raw body.
    """

    status: int
    response: Response
    header_dict: dict[str, str]
    content: bytes

    @property
    def headers(self) -> Mapping[str, str]:
        """The response headers (case-insensitive mapping, repeated headers kept)."""
        return self.response.headers

    def json(self) -> Any:
        """The body decoded as JSON (``{}`` for an empty body).

        Raises:
            UnknownApiResponseError: The body is not valid JSON.
        """
        return decode_json(self.content) if self.content else {}

    def __repr__(self) -> str:
        return f"RawResponse(status={self.status}, content=<{len(self.content)} bytes>)"


def held_back(content: Reader, size: int = -1) -> bytes | None:
    """Bytes that arrived before a connection error aiohttp has stored, if any (up to ``size``).

    ``StreamReader.readany`` would raise the stored error and drop them; a reader calls this
    first and awaits ``readany`` only on ``None``. Always ``None`` for h1's reader, which
    returns such bytes first by itself.
    """
    try:
        pending = content._exception is not None and bool(content._buffer)  # type: ignore[attr-defined]
    except AttributeError:  # not aiohttp's StreamReader: nothing is held back
        return None
    return content._read_nowait(size) if pending else None  # type: ignore[attr-defined]


async def read_chunk(content: Reader, size: int = -1) -> bytes:
    """Whatever bytes have arrived, up to ``size`` (waiting for some); ``b""`` at the end.

    Bytes received before a connection error are returned before that error is raised.

    Args:
        content: The response's reader.
        size: At most this many bytes; ``-1`` for all that arrived.

    Raises:
        The client's errors, TimeoutError: As its ``readany`` (to be mapped by the caller),
            once no byte received before the failure is left.
    """
    held = held_back(content, size)
    if held is not None:
        return held
    if size < 0:
        return await content.readany()
    return await content.read(size)


def _too_large(limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the response body is larger than max_response_bytes ({limit:,} bytes)", limit=limit
    )


async def read_body(response: Response, limit: int) -> bytes:
    """Reads the whole body, stopping (and closing the response) once it passes ``limit`` bytes.

    A declared ``Content-Length`` over the limit fails before anything is read. An
    uncompressed body of declared length within the limit is read in one go; any other body
    (chunked, or compressed, whose decoded size the length does not bound) is read
    incrementally and counted.

    Raises:
        ResponseTooLargeError: The body is (or would be) larger than ``limit``.
        The client's errors, TimeoutError: As the client (to be mapped by the caller).
    """
    length = response.content_length
    if length is not None and "content-encoding" not in response.header_dict():
        if length > limit:
            response.close()
            raise _too_large(limit)
        return await response.read()
    parts: list[bytes] = []
    size = 0
    content = response.content
    while True:
        chunk = await content.readany()
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            response.close()
            raise _too_large(limit)
        parts.append(chunk)


async def read_head(response: Response, limit: int) -> tuple[bytes, bool]:
    """Reads at most ``limit`` bytes of the body, for a message that quotes it.

    Returns:
        The bytes, and whether they are the whole body.

    Raises:
        The client's errors, TimeoutError: As the client (to be mapped by the caller).
    """
    parts: list[bytes] = []
    size = 0
    content = response.content
    while size < limit:
        chunk = await read_chunk(content)
        if not chunk:
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)[:limit], False
