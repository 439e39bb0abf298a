"""One response: its status line and headers at once, its body read from ``content``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from multidict import CIMultiDict, CIMultiDictProxy

from ._errors import PayloadError
from ._reader import BodyReader

if TYPE_CHECKING:
    from ._connection import Connection

__all__ = ["H1Response"]

# Header names as header_dict gives them (decoded, lowercase), by their bytes: the same few
# names come in every response. Bounded: emptied when full.
_NAMES: dict[bytes, str] = {}
_NAMES_KEPT = 256


class H1Response:
    """A response whose head has arrived.

    The connection goes back to its pool as soon as the body has arrived in full (whether or
    not it was read yet); :meth:`release` and :meth:`close` before that close the connection.
    A body that arrived with the head (the usual case for a plain answer) is held whole:
    :meth:`read` returns it without waiting, and ``content`` reads it from memory.

    Attributes:
        status: The status code.
        reason: The reason phrase.
        content_length: The declared ``Content-Length`` (the size on the wire), if any.
    """

    __slots__ = (
        "_body",
        "_closed",
        "_conn",
        "_content",
        "_dict",
        "_headers",
        "_raw_headers",
        "content_length",
        "reason",
        "status",
    )

    def __init__(
        self,
        status: int,
        reason: str,
        raw_headers: list[tuple[bytes, bytes]],
        content_length: int | None,
        conn: Connection | None,
    ) -> None:
        self.status = status
        self.reason = reason
        self._raw_headers = raw_headers
        self._headers: CIMultiDictProxy[str] | None = None
        self._dict: dict[str, str] | None = None
        self.content_length = content_length
        # Set by the connection: the whole (decoded) body when it came with the head, else
        # the reader it feeds as the body arrives.
        self._body: bytes | None = None
        self._content: BodyReader | None = None
        self._conn = conn  # None once the body has arrived, or the response is closed
        self._closed = False

    @property
    def content(self) -> BodyReader:
        """The body as it arrives (``readany``, ``read(n)``, ``at_eof``), decoded from gzip or
        deflate."""
        content = self._content
        if content is None:
            body, self._body = self._body, None
            content = self._content = BodyReader.whole(body or b"")
        return content

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The headers, case-insensitive, repeated headers kept (decoded on first use)."""
        headers = self._headers
        if headers is None:
            headers = self._headers = CIMultiDictProxy(
                CIMultiDict(
                    [
                        (
                            name.decode("utf-8", "surrogateescape"),
                            value.decode("utf-8", "surrogateescape"),
                        )
                        for name, value in self._raw_headers
                    ]
                )
            )
        return headers

    def header_dict(self) -> dict[str, str]:
        """The headers as a plain dict: lowercase names, the values of a repeated header joined
        with ``", "`` in order (built on first use; the same dict each time: do not change
        it)."""
        out = self._dict
        if out is None:
            raw = self._raw_headers
            names = _NAMES
            out = {}
            for raw_name, raw_value in raw:
                name = names.get(raw_name)
                if name is None:
                    if len(names) >= _NAMES_KEPT:
                        names.clear()
                    name = names[raw_name] = raw_name.decode("utf-8", "surrogateescape").lower()
                out[name] = raw_value.decode("utf-8", "surrogateescape")
            if len(out) < len(raw):  # a repeated header: its values joined, in order
                out = {}
                for raw_name, raw_value in raw:
                    name = raw_name.decode("utf-8", "surrogateescape").lower()
                    value = raw_value.decode("utf-8", "surrogateescape")
                    out[name] = f"{out[name]}, {value}" if name in out else value
            self._dict = out
        return out

    @property
    def closed(self) -> bool:
        """Whether :meth:`release` or :meth:`close` was called."""
        return self._closed

    async def read(self) -> bytes:
        """The whole (decoded) body; the connection is back in its pool when it returns.

        A body that came whole with the head is returned at once (no wait, no loop turn).

        Raises:
            HttpClientError: The body could not be read in full (``PayloadError``,
                ``ReadTimeout``, ``TotalTimeout``, ``SessionClosed``), after any bytes already
                returned by earlier reads.

        Cancellation: what was buffered stays buffered; the response can still be closed.
        """
        body = self._body
        if body is not None:
            self._body = b""  # read once, as a reader's buffer would be
            return body
        content = self.content
        if content.at_end():  # the body is in, maybe not yet read
            return content.take()
        return await content.read()

    def take_body(self) -> bytes | None:
        """The body when it came whole with the head and is unread (it is then taken, as
        :meth:`read` takes it); ``None`` otherwise (``await read()`` then). A plain call: no
        coroutine for the common case."""
        body = self._body
        if body is not None:
            self._body = b""
        return body

    def close(self) -> None:
        """Closes the response; its connection too if the body has not arrived in full (a
        connection already back in its pool is left there). Later reads get what was buffered,
        then ``PayloadError``. Idempotent."""
        self._closed = True
        conn = self._conn
        if conn is not None:
            self._conn = None
            content = self._content
            if content is not None:
                content.set_exception(PayloadError("the response was closed before its end"))
            conn.abort(None)

    release = close
    """Done with the response: if its body has not arrived in full, its connection is closed
    (a half-read connection cannot serve another request)."""
